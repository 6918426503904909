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
                // An indented code block's range starts after the
                // indentation that makes it code; keep the indentation.
                let range = match &tag {
                    Tag::CodeBlock(CodeBlockKind::Indented) => {
                        text[..range.start].rfind('\n').map_or(0, |i| i + 1)..range.end
                    }
                    _ => range,
                };
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before the first `##`.
    Top,
    /// Right after `## title`, expecting the method line.
    MethodLine,
    /// Between the method line and `### Responses`: prose, whatever it holds.
    Description,
    Responses,
}

/// Parses one document. Structural problems are returned as diagnostics next
/// to the best-effort document, so that every problem in a file is reported.
///
/// A document that documents less (no `### Responses`, no endpoints) still
/// parses: lowering decides what such an endpoint returns, and warns.
pub fn parse(source: &SourceFile) -> (SpecDoc, Vec<Diagnostic>) {
    let text = source.text();
    let mut parser = DocParser {
        source,
        text,
        doc: SpecDoc {
            title: None,
            intro: String::new(),
            endpoints: Vec::new(),
            end: text.len(),
        },
        diags: Vec::new(),
        intro: Vec::new(),
        description: Vec::new(),
        section: Section::Top,
        status_in_description: None,
    };
    for (block, range) in blocks(text) {
        parser.block(block, range);
    }
    parser.finish()
}

/// One document being parsed, a block at a time.
struct DocParser<'s> {
    source: &'s SourceFile,
    text: &'s str,
    doc: SpecDoc,
    diags: Vec<Diagnostic>,
    intro: Vec<&'s str>,
    /// Blocks of the current endpoint's description, as written.
    description: Vec<&'s str>,
    section: Section,
    /// A description heading that reads like a status (`#### 200 OK`): if a
    /// response quote or fence follows it, `### Responses` was left out.
    status_in_description: Option<Range<usize>>,
}

impl<'s> DocParser<'s> {
    fn block(&mut self, block: Block, range: Range<usize>) {
        let block_text = self.text[range.clone()].trim_end();
        let status_heading = self.status_in_description.take();
        if let Block::Heading { level, text, .. } = &block {
            let heading = text.trim().to_owned();
            let span = heading_text_span(self.text, &range);
            match level {
                HeadingLevel::H1 => return self.title(heading, span),
                HeadingLevel::H2 => return self.endpoint_title(heading, span, range.start),
                _ => {}
            }
        }
        if self.doc.endpoints.is_empty() {
            self.intro.push(block_text);
            return;
        }
        match self.section {
            Section::Top => self.intro.push(block_text),
            Section::MethodLine => self.method_line(&block, range, block_text),
            Section::Description => {
                self.description_block(&block, range, block_text, status_heading)
            }
            Section::Responses => self.response_block(block, range, block_text),
        }
    }

    /// `# Title`: the document's title, once, before any endpoint.
    fn title(&mut self, heading: String, span: Range<usize>) {
        if let Some(first) = &self.doc.title {
            let (line, _) = self.source.line_col(first.span.start);
            self.diags.push(self.source.error(
                span,
                format!("a second `#` title; the document's title is on line {line}"),
            ));
            return;
        }
        if !self.doc.endpoints.is_empty() {
            self.diags.push(self.source.error(
                span.clone(),
                "the `#` title must come before the first `##` endpoint",
            ));
        }
        self.doc.title = Some(Spanned {
            value: heading,
            span,
        });
    }

    /// `## Title`: a new endpoint.
    fn endpoint_title(&mut self, heading: String, span: Range<usize>, start: usize) {
        self.finish_endpoint(start);
        self.doc.endpoints.push(RawEndpoint {
            title: Spanned {
                value: heading,
                span,
            },
            method: None,
            path: None,
            description: String::new(),
            responses_heading: None,
            responses: Vec::new(),
            span: start..self.text.len(),
        });
        self.section = Section::MethodLine;
    }

    /// The block right after `## Title` must be `**METHOD** `/path``; text on
    /// the lines after it in the same paragraph starts the description.
    fn method_line(&mut self, block: &Block, range: Range<usize>, block_text: &'s str) {
        self.section = Section::Description;
        let endpoint = self.doc.endpoints.last_mut().expect("an endpoint is open");
        if matches!(block, Block::Paragraph) && block_text.starts_with("**") {
            let line_end = block_text.find('\n').unwrap_or(block_text.len());
            parse_method_line(
                self.source,
                range.start,
                &block_text[..line_end],
                &mut endpoint.method,
                &mut endpoint.path,
                &mut self.diags,
            );
            let rest = block_text[line_end..].trim();
            if !rest.is_empty() {
                self.description.push(rest);
            }
            return;
        }
        self.diags.push(self.source.error(
            range.start..range.start + first_line_len(block_text),
            "expected the method line (**METHOD** `/path`) right after the endpoint title",
        ));
        // What stood there is still part of the description.
        self.description_block(block, range, block_text, None);
    }

    /// Anything before `### Responses` is the endpoint's description: prose,
    /// sub-headings, example fences in any language, lists, tables, HTML.
    /// The one thing it cannot hold is a response that lost its
    /// `### Responses` heading: a status heading (`#### 200 OK`) followed by
    /// a `> Data is at` quote or a `json` fence.
    fn description_block(
        &mut self,
        block: &Block,
        range: Range<usize>,
        block_text: &'s str,
        status_heading: Option<Range<usize>>,
    ) {
        match block {
            Block::Heading {
                level: HeadingLevel::H3,
                text,
                ..
            } if text.trim().eq_ignore_ascii_case("Responses") => {
                let endpoint = self.doc.endpoints.last_mut().expect("an endpoint is open");
                endpoint.responses_heading = Some(range);
                self.section = Section::Responses;
                return;
            }
            Block::Heading {
                level: HeadingLevel::H4,
                text,
                ..
            } if is_status_token(text.split_whitespace().next().unwrap_or_default()) => {
                self.status_in_description = Some(heading_text_span(self.text, &range));
            }
            Block::Code(fence) if fence.info.eq_ignore_ascii_case("json") => {
                self.missing_responses_heading(status_heading)
            }
            Block::Quote { text, .. } if text.trim_start().starts_with("Data is at") => {
                self.missing_responses_heading(status_heading)
            }
            _ => {}
        }
        self.description.push(block_text);
    }

    fn missing_responses_heading(&mut self, status_heading: Option<Range<usize>>) {
        if let Some(span) = status_heading {
            let heading = self.text[span.clone()].to_owned();
            self.diags.push(self.source.error(
                span,
                format!(
                    "`#### {heading}` reads as a response, but there is no `### Responses` heading above it; add one (a description's own sub-headings do not start with a status code)"
                ),
            ));
        }
    }

    /// After `### Responses` the structure is strict: `####` status headings,
    /// each with at most one `> Data is at` quote and one body fence.
    fn response_block(&mut self, block: Block, range: Range<usize>, block_text: &str) {
        let source = self.source;
        let text = self.text;
        let endpoint = self.doc.endpoints.last_mut().expect("an endpoint is open");
        let diags = &mut self.diags;
        match block {
            Block::Heading {
                level: HeadingLevel::H4,
                text: h,
                ..
            } => {
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
            Block::Code(fence)
                if !(fence.info.is_empty() || fence.info.eq_ignore_ascii_case("json")) =>
            {
                let at = fence.span.start
                    + text[fence.span.clone()]
                        .find(fence.info.as_str())
                        .unwrap_or(0);
                diags.push(source.error(
                    at..at + fence.info.len(),
                    format!(
                        "a `{}` fence where a response body (`json`) is expected",
                        fence.info
                    ),
                ));
            }
            Block::Code(fence) => {
                let opening =
                    fence.span.start..fence.content_start.saturating_sub(1).max(fence.span.start);
                match endpoint.responses.last_mut() {
                    Some(response) if response.fence.is_none() => response.fence = Some(fence),
                    Some(_) => diags.push(source.error(
                        opening,
                        "a second body fence for one status; each `####` status has at most one",
                    )),
                    None => diags.push(source.error(
                        opening,
                        "a body fence before any `####` status heading",
                    )),
                }
            }
            Block::Heading { .. } => diags.push(source.error(
                heading_text_span(text, &range),
                "only `####` status headings may follow `### Responses`",
            )),
            Block::Paragraph | Block::Other => diags.push(source.error(
                range.start..range.start + first_line_len(block_text),
                "unexpected text in `### Responses`; expected a `####` status, a `> Data is at` quote or a body fence",
            )),
        }
    }

    /// Closes the current endpoint: its description and where it ends.
    fn finish_endpoint(&mut self, end: usize) {
        if let Some(endpoint) = self.doc.endpoints.last_mut() {
            endpoint.description = self.description.join("\n\n");
            endpoint.span.end = end;
        }
        self.description.clear();
    }

    fn finish(mut self) -> (SpecDoc, Vec<Diagnostic>) {
        self.finish_endpoint(self.text.len());
        self.doc.intro = self.intro.join("\n\n");
        if let (Section::MethodLine, Some(endpoint)) = (self.section, self.doc.endpoints.last()) {
            self.diags.push(self.source.error(
                endpoint.title.span.clone(),
                "expected the method line (**METHOD** `/path`) after this endpoint title, but the file ends",
            ));
        }
        if self.doc.title.is_none() {
            let at = self.doc.endpoints.first().map_or(0, |e| e.span.start);
            self.diags.push(
                self.source
                    .error(at..at, "the document has no `# Title` line"),
            );
        }
        (self.doc, self.diags)
    }
}

/// `200`, `4XX`, `2xx`: the first word of a response heading (`default`
/// is left out: as a description's sub-heading it is an ordinary word).
fn is_status_token(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() == 3
        && (b'1'..=b'5').contains(&bytes[0])
        && (bytes[1..].iter().all(u8::is_ascii_digit) || bytes[1..].eq_ignore_ascii_case(b"xx"))
}

fn first_line_len(text: &str) -> usize {
    text.find('\n').unwrap_or(text.len())
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
