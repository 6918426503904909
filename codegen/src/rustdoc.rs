//! Makes spec Markdown safe to paste into `#[doc = "…"]`.
//!
//! rustdoc reads doc comments as Markdown too, but with its own rules: an
//! unlabelled code block is a Rust doctest, `[x]` is an intra-doc link, HTML
//! must be balanced and bare URLs are linted. The prose is kept as written and
//! only those spots are rewritten, found by parsing it with pulldown-cmark.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// Returns `markdown` rewritten so that `cargo doc -D warnings` and
/// `cargo test --doc` accept it.
pub fn sanitize(markdown: &str) -> String {
    // Clippy objects to tabs in doc comments; Markdown reads a tab as (up
    // to) four spaces anyway.
    let expanded;
    let markdown = if markdown.contains('\t') {
        expanded = markdown.replace('\t', "    ");
        expanded.as_str()
    } else {
        markdown
    };
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut text_run: Option<Range<usize>> = None;
    let mut in_code = false;
    // Link text is rustdoc's business already; leave it as written.
    let mut link_depth = 0usize;
    let mut html_block: Option<Range<usize>> = None;

    let flush = |run: &mut Option<Range<usize>>, edits: &mut Vec<(Range<usize>, String)>| {
        if let Some(range) = run.take() {
            let original = &markdown[range.clone()];
            let escaped = escape_text(original);
            if escaped != original {
                edits.push((range, escaped));
            }
        }
    };

    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Text(_) if !in_code && link_depth == 0 => match &mut text_run {
                Some(run) if run.end == range.start => run.end = range.end,
                _ => {
                    flush(&mut text_run, &mut edits);
                    text_run = Some(range);
                }
            },
            other => {
                flush(&mut text_run, &mut edits);
                match other {
                    Event::Start(Tag::CodeBlock(kind)) => {
                        in_code = true;
                        edits.extend(code_block_edits(markdown, &range, &kind));
                    }
                    Event::End(TagEnd::CodeBlock) => in_code = false,
                    Event::Start(Tag::Link { .. } | Tag::Image { .. }) => link_depth += 1,
                    Event::End(TagEnd::Link | TagEnd::Image) => {
                        link_depth = link_depth.saturating_sub(1)
                    }
                    // An HTML block arrives a line at a time; it is judged whole.
                    Event::Start(Tag::HtmlBlock) => html_block = Some(range),
                    Event::End(TagEnd::HtmlBlock) => {
                        if let Some(block) = html_block.take() {
                            edits.push(html_edit(markdown, block));
                        }
                    }
                    Event::Html(_) if html_block.is_some() => {}
                    Event::Html(_) | Event::InlineHtml(_) => {
                        edits.push(html_edit(markdown, range));
                    }
                    _ => {}
                }
            }
        }
    }
    flush(&mut text_run, &mut edits);

    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&markdown[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&markdown[at..]);
    out
}

/// HTML shows as written (escaped): rustdoc would otherwise check that its
/// tags balance. A comment shows nothing, so dropping it renders the same.
fn html_edit(markdown: &str, range: Range<usize>) -> (Range<usize>, String) {
    let html = &markdown[range.clone()];
    let trimmed = html.trim();
    if trimmed.starts_with("<!--") && trimmed.ends_with("-->") {
        (range, String::new())
    } else {
        (range, html.replace('<', "&lt;").replace('>', "&gt;"))
    }
}

/// Info-string words rustdoc reads as "this is Rust" (or as near-misses of
/// those, which it lints): a block labelled so would be compiled.
const RUST_INFO: &[&str] = &[
    "rust",
    "ignore",
    "should_panic",
    "should-panic",
    "no_run",
    "no-run",
    "compile_fail",
    "compile-fail",
    "test_harness",
    "test-harness",
    "allow_fail",
    "allow-fail",
    "standalone_crate",
    "custom",
];

/// The language a code block keeps in rustdoc: its own when that is a plain
/// word rustdoc does not take for Rust (`json`, `sh`, `javascript`), else
/// `text`. Either way the block is never compiled as a doctest.
fn doc_language(info: &str) -> &str {
    let word = info
        .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
        .next()
        .unwrap_or_default();
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '.'));
    let rusty = RUST_INFO.iter().any(|r| r.eq_ignore_ascii_case(word))
        || word.to_ascii_lowercase().starts_with("edition");
    if plain && !rusty { word } else { "text" }
}

/// Labels every code block with a language that is not Rust, so none is
/// compiled as a doctest.
fn code_block_edits(
    markdown: &str,
    range: &Range<usize>,
    kind: &CodeBlockKind<'_>,
) -> Vec<(Range<usize>, String)> {
    let block = &markdown[range.clone()];
    match kind {
        CodeBlockKind::Fenced(info) => {
            // Replace the info string on the opening fence line.
            let line_end = block.find('\n').unwrap_or(block.len());
            let line = &block[..line_end];
            let indent = line.len() - line.trim_start().len();
            let fence_char = line[indent..].chars().next().unwrap_or('`');
            let fence_len = line[indent..]
                .chars()
                .take_while(|&c| c == fence_char)
                .count();
            let info_start = range.start + indent + fence_len;
            let language = doc_language(info);
            vec![(info_start..range.start + line_end, language.to_owned())]
        }
        CodeBlockKind::Indented => {
            let fence = "```";
            let end = range.start + block.trim_end().len();
            // The range starts after the indentation; the fence goes before it.
            let line_start = markdown[..range.start].rfind('\n').map_or(0, |i| i + 1);
            vec![
                (line_start..line_start, format!("{fence}text\n")),
                (end..end, format!("\n{fence}")),
            ]
        }
    }
}

/// Escapes brackets (rustdoc would read them as intra-doc links) and wraps
/// bare URLs in `<…>`.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(len) = url_len(rest) {
            let preceded_by_angle = out.ends_with('<');
            if preceded_by_angle {
                out.push_str(&rest[..len]);
            } else {
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
            }
            rest = &rest[len..];
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        match c {
            '[' | ']' if !out.ends_with('\\') => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of a URL at the start of `text`, if one starts there.
fn url_len(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let mut len = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '[' | ']'))
        .unwrap_or(text.len());
    // Trailing punctuation ends the sentence, not the URL.
    while len > 0 && text[..len].ends_with(['.', ',', ';', ':', ')', '\'', '!', '?']) {
        if text[..len].ends_with(')')
            && text[..len].matches('(').count() >= text[..len].matches(')').count()
        {
            break;
        }
        len -= 1;
    }
    (len > "https://".len()).then_some(len)
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn rewrites_only_what_rustdoc_rejects() {
        let table = [
            ("Plain text.", "Plain text."),
            (
                "See https://example.com/a_b.",
                "See <https://example.com/a_b>.",
            ),
            (
                "Already <https://example.com>",
                "Already <https://example.com>",
            ),
            (
                "[a link](https://example.com) stays",
                "[a link](https://example.com) stays",
            ),
            ("stray [x] and [y]", "stray \\[x\\] and \\[y\\]"),
            ("```\n{\"a\": 1}\n```", "```text\n{\"a\": 1}\n```"),
            ("```json\n{}\n```", "```json\n{}\n```"),
            ("```rust\nfn main() {}\n```", "```text\nfn main() {}\n```"),
            ("```no_run\nx\n```", "```text\nx\n```"),
            ("```sh {title=x}\nls\n```", "```sh\nls\n```"),
            ("```json,ignore\n{}\n```", "```json\n{}\n```"),
            ("~~~ edition2021\nx\n~~~", "~~~text\nx\n~~~"),
            ("before <!-- hidden --> after", "before  after"),
            ("<!--\nblock comment\n-->\n\ntext", "\ntext"),
            (
                "<div>\n<b>x</b>\n</div>",
                "&lt;div&gt;\n&lt;b&gt;x&lt;/b&gt;\n&lt;/div&gt;",
            ),
            ("    indented code", "```text\n    indented code\n```"),
            ("a <b>bold</b> word", "a &lt;b&gt;bold&lt;/b&gt; word"),
            ("<br>", "&lt;br&gt;"),
            ("`[code]` stays", "`[code]` stays"),
            ("- a\n\t- nested", "- a\n    - nested"),
        ];
        for (input, expected) in table {
            assert_eq!(sanitize(input), expected, "{input}");
        }
    }
}
