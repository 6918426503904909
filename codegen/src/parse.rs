//! Markdown → [`SpecDoc`]: the document's structure as written, with spans.
//!
//! This stage only finds the pieces (titles, method lines, descriptions,
//! status headings, quotes, fences) and reports a document whose structure is
//! broken. It does not judge what the pieces say (`**GTE**`, `"*date*"`): that
//! is [`crate::lower`]'s job. It never names anything and never calls heck.
//!
//! Blank lines carry no meaning: the parser works on pulldown-cmark blocks,
//! and descriptions are rebuilt from block texts joined by one blank line, so
//! a document with and without blank lines between elements parse alike.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, SourceFile};

/// A value and the byte range it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// One Markdown document as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecDoc {
    /// The `# ...` title, if there is one.
    pub title: Option<Spanned<String>>,
    /// Prose between the title and the first endpoint.
    pub intro: String,
    pub endpoints: Vec<RawEndpoint>,
    /// Where the document ends, for diagnostics about what is missing.
    pub end: usize,
}

/// One `## ...` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEndpoint {
    pub title: Spanned<String>,
    /// `**METHOD** `/path``, split into its two parts.
    pub method: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    /// Markdown between the method line and `### Responses`.
    pub description: String,
    /// The `### Responses` heading, when present.
    pub responses_heading: Option<Range<usize>>,
    pub responses: Vec<RawResponse>,
    /// The whole section, from its title to the next one.
    pub span: Range<usize>,
}

/// One `#### <status> <text>` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The first word of the heading (`200`, `4XX`, `default`, ...).
    pub status: Spanned<String>,
    /// The rest of the heading.
    pub description: String,
    /// Text of a `> Data is at ...` quote; `code` is its inline code span.
    pub quote: Option<Quote>,
    pub fence: Option<Fence>,
}

/// A block quote under a status heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub text: String,
    pub code: Option<String>,
    pub span: Range<usize>,
}

/// A fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    pub info: String,
    pub content: String,
    /// Byte offset where the content starts (the line after the opening fence).
    pub content_start: usize,
    pub span: Range<usize>,
}

/// A top-level Markdown block and what the parsers need from it.
#[derive(Debug)]
pub(crate) enum Block {
    /// `code` is the heading's first inline code span, if any.
    Heading {
        level: HeadingLevel,
        text: String,
        code: Option<String>,
    },
    Paragraph,
    Quote {
        text: String,
        code: Option<String>,
    },
    Code(Fence),
    Other,
}

/// Splits a document into top-level blocks with their source ranges.
pub(crate) fn blocks(text: &str) -> Vec<(Block, Range<usize>)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<(Block, Range<usize>)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let block = match tag {
                        Tag::Heading { level, .. } => Block::Heading {
                            level,
                            text: String::new(),
                            code: None,
                        },
                        Tag::Paragraph => Block::Paragraph,
                        Tag::BlockQuote(_) => Block::Quote {
                            text: String::new(),
                            code: None,
                        },
                        Tag::CodeBlock(kind) => {
                            let info = match kind {
                                CodeBlockKind::Fenced(info) => info.trim().to_owned(),
                                CodeBlockKind::Indented => String::new(),
                            };
                            let content_start = text[range.start..]
                                .find('\n')
                                .map_or(range.end, |i| range.start + i + 1);
                            Block::Code(Fence {
                                info,
                                content: String::new(),
                                content_start,
                                span: range.clone(),
                            })
                        }
                        _ => Block::Other,
                    };
                    current = Some((block, range));
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if let Some(block) = current.take() {
                        out.push(block);
                    }
                }
                let _: TagEnd = end;
            }
            Event::Text(_) | Event::Code(_) => {
                let (t, is_code) = match event {
                    Event::Code(t) => (t, true),
                    Event::Text(t) => (t, false),
                    _ => continue,
                };
                match current.as_mut().map(|(b, _)| b) {
                    Some(Block::Heading { text, code, .. } | Block::Quote { text, code }) => {
                        text.push_str(&t);
                        if is_code && code.is_none() {
                            *code = Some(t.to_string());
                        }
                    }
                    Some(Block::Code(fence)) => fence.content.push_str(&t),
                    _ => {}
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((Block::Heading { text, .. } | Block::Quote { text, .. }, _)) =
                    current.as_mut()
                {
                    text.push(' ');
                }
            }
            // A rule or stray HTML at the top level is a block of its own.
            _ if depth == 0 => out.push((Block::Other, range)),
            _ => {}
        }
    }
    out
}

/// Where the heading's text starts and ends, without `#` marks and spaces.
pub(crate) fn heading_text_span(text: &str, range: &Range<usize>) -> Range<usize> {
    let line_end = text[range.start..]
        .find('\n')
        .map_or(range.end, |i| range.start + i);
    let line = &text[range.start..line_end];
    let after_marks = line.trim_start().trim_start_matches('#');
    let start = line_end - after_marks.len() + (after_marks.len() - after_marks.trim_start().len());
    let body = text[start..line_end].trim_end();
    let body = body.trim_end_matches('#').trim_end();
    start..start + body.len()
}

/// The parser's state: which part of the document the next block belongs to.
enum Section {
    /// Before the first `##`.
    Top,
    /// Right after `## title`, expecting the method line.
    MethodLine,
    Description,
    Responses,
}

/// Parses one document. Structural problems are returned as diagnostics next
/// to the best-effort document, so that every problem in a file is reported.
pub fn parse(source: &SourceFile) -> (SpecDoc, Vec<Diagnostic>) {
    let text = source.text();
    let mut diags = Vec::new();
    let mut doc = SpecDoc {
        title: None,
        intro: String::new(),
        endpoints: Vec::new(),
        end: text.len(),
    };
    let mut intro = Vec::new();
    let mut description: Vec<&str> = Vec::new();
    let mut section = Section::Top;

    for (block, range) in blocks(text) {
        let block_text = text[range.clone()].trim_end();
        if let Block::Heading {
            level,
            text: heading,
            ..
        } = &block
        {
            let heading = heading.trim().to_owned();
            let span = heading_text_span(text, &range);
            match level {
                HeadingLevel::H1 => {
                    if let Some(first) = &doc.title {
                        let (line, _) = source.line_col(first.span.start);
                        diags.push(source.error(
                            span,
                            format!("a second `#` title; the document's title is on line {line}"),
                        ));
                    } else {
                        if !doc.endpoints.is_empty() {
                            diags.push(source.error(
                                span.clone(),
                                "the `#` title must come before the first `##` endpoint",
                            ));
                        }
                        doc.title = Some(Spanned {
                            value: heading,
                            span,
                        });
                    }
                    continue;
                }
                HeadingLevel::H2 => {
                    finish_endpoint(&mut doc, &mut description, range.start);
                    doc.endpoints.push(RawEndpoint {
                        title: Spanned {
                            value: heading,
                            span,
                        },
                        method: None,
                        path: None,
                        description: String::new(),
                        responses_heading: None,
                        responses: Vec::new(),
                        span: range.start..text.len(),
                    });
                    section = Section::MethodLine;
                    continue;
                }
                _ => {}
            }
        }

        let Some(endpoint) = doc.endpoints.last_mut() else {
            intro.push(block_text);
            continue;
        };

        if let Section::MethodLine = section {
            section = Section::Description;
            if matches!(block, Block::Paragraph) && block_text.starts_with("**") {
                let line_end = block_text.find('\n').unwrap_or(block_text.len());
                parse_method_line(
                    source,
                    range.start,
                    &block_text[..line_end],
                    &mut endpoint.method,
                    &mut endpoint.path,
                    &mut diags,
                );
                let rest = block_text[line_end..].trim();
                if !rest.is_empty() {
                    description.push(rest);
                }
                continue;
            }
            diags.push(source.error(
                range.start..range.start + block_text.find('\n').unwrap_or(block_text.len()),
                "expected the method line (**METHOD** `/path`) right after the endpoint title",
            ));
        }

        match section {
            Section::Top | Section::MethodLine | Section::Description => match &block {
                Block::Heading { level: HeadingLevel::H3, text: h, .. } if h.trim().eq_ignore_ascii_case("Responses") => {
                    endpoint.responses_heading = Some(range.clone());
                    section = Section::Responses;
                }
                Block::Code(fence) if fence.info.eq_ignore_ascii_case("json") => {
                    diags.push(source.error(
                        fence.span.start..fence.span.start + 7.min(block_text.len()),
                        "a response body fence before `### Responses`; add the `### Responses` heading above the status headings",
                    ));
                }
                _ => description.push(block_text),
            },
            Section::Responses => match block {
                Block::Heading { level: HeadingLevel::H4, text: h, .. } => {
                    let h = h.trim();
                    let span = heading_text_span(text, &range);
                    let word_len = h.find(char::is_whitespace).unwrap_or(h.len());
                    endpoint.responses.push(RawResponse {
                        status: Spanned {
                            value: h[..word_len].to_owned(),
                            span: span.start..span.start + word_len,
                        },
                        description: h[word_len..].trim().to_owned(),
                        quote: None,
                        fence: None,
                    });
                }
                Block::Quote { text: q, code } => match endpoint.responses.last_mut() {
                    Some(response) if response.quote.is_none() && response.fence.is_none() => {
                        response.quote = Some(Quote {
                            text: q.trim().to_owned(),
                            code,
                            span: range,
                        });
                    }
                    _ => diags.push(source.error(
                        range,
                        "a quote in `### Responses` must come right after a `####` status heading",
                    )),
                },
                Block::Code(fence) if !(fence.info.is_empty() || fence.info.eq_ignore_ascii_case("json")) => {
                    let at = fence.span.start + text[fence.span.clone()].find(fence.info.as_str()).unwrap_or(0);
                    diags.push(source.error(
                        at..at + fence.info.len(),
                        format!("a `{}` fence where a response body (`json`) is expected", fence.info),
                    ));
                }
                Block::Code(fence) => match endpoint.responses.last_mut() {
                    Some(response) if response.fence.is_none() => response.fence = Some(fence),
                    Some(_) => diags.push(source.error(
                        fence.span.start..fence.content_start.saturating_sub(1).max(fence.span.start),
                        "a second body fence for one status; each `####` status has at most one",
                    )),
                    None => diags.push(source.error(
                        fence.span.start..fence.content_start.saturating_sub(1).max(fence.span.start),
                        "a body fence before any `####` status heading",
                    )),
                },
                Block::Heading { .. } => diags.push(source.error(
                    heading_text_span(text, &range),
                    "only `####` status headings may follow `### Responses`",
                )),
                Block::Paragraph | Block::Other => diags.push(source.error(
                    range.start..range.start + block_text.find('\n').unwrap_or(block_text.len()),
                    "unexpected text in `### Responses`; expected a `####` status, a `> Data is at` quote or a body fence",
                )),
            },
        }
    }
    finish_endpoint(&mut doc, &mut description, text.len());
    doc.intro = intro.join("\n\n");
    if let (Section::MethodLine, Some(endpoint)) = (&section, doc.endpoints.last()) {
        diags.push(source.error(
            endpoint.title.span.clone(),
            "expected the method line (**METHOD** `/path`) after this endpoint title, but the file ends",
        ));
    }

    if doc.title.is_none() {
        let at = doc.endpoints.first().map_or(0, |e| e.span.start);
        diags.push(source.error(at..at, "the document has no `# Title` line"));
    }
    for endpoint in &doc.endpoints {
        if endpoint.responses_heading.is_none() {
            diags.push(source.error(
                endpoint.title.span.clone(),
                format!(
                    "endpoint `{}` has no `### Responses` section",
                    endpoint.title.value
                ),
            ));
        } else if endpoint.responses.is_empty() {
            diags.push(source.error(
                endpoint.responses_heading.clone().unwrap_or_default(),
                format!(
                    "endpoint `{}` lists no responses under `### Responses`",
                    endpoint.title.value
                ),
            ));
        }
    }
    (doc, diags)
}

/// Closes the current endpoint: its description and where it ends.
fn finish_endpoint(doc: &mut SpecDoc, description: &mut Vec<&str>, end: usize) {
    if let Some(endpoint) = doc.endpoints.last_mut() {
        endpoint.description = description.join("\n\n");
        endpoint.span.end = end;
    }
    description.clear();
}

/// Splits `**METHOD** `/path`` into its parts; `start` is the line's offset.
pub(crate) fn parse_method_line(
    source: &SourceFile,
    start: usize,
    line: &str,
    method: &mut Option<Spanned<String>>,
    path: &mut Option<Spanned<String>>,
    diags: &mut Vec<Diagnostic>,
) {
    let after_open = &line[2..];
    let Some(close) = after_open.find("**") else {
        diags.push(source.error(
            start..start + line.len(),
            "the method is not closed with `**`",
        ));
        return;
    };
    let method_start = start + 2;
    *method = Some(Spanned {
        value: after_open[..close].to_owned(),
        span: method_start..method_start + close,
    });
    let rest = &after_open[close + 2..];
    let rest_start = method_start + close + 2;
    let trimmed = rest.trim_start();
    let tick = rest_start + (rest.len() - trimmed.len());
    let Some(inner) = trimmed.strip_prefix('`') else {
        diags.push(source.error(
            tick..tick + trimmed.len().max(1),
            "expected the path in backticks after the method, as in **GET** `/path`",
        ));
        return;
    };
    let Some(end) = inner.find('`') else {
        diags.push(source.error(
            tick..start + line.len(),
            "the path's backtick is not closed",
        ));
        return;
    };
    *path = Some(Spanned {
        value: inner[..end].to_owned(),
        span: tick + 1..tick + 1 + end,
    });
    let tail = inner[end + 1..].trim();
    if !tail.is_empty() {
        let at =
            tick + 1 + end + 1 + (inner[end + 1..].len() - inner[end + 1..].trim_start().len());
        diags.push(source.error(at..at + tail.len(), "unexpected text after the path"));
    }
}
