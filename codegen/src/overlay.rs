//! Markdown → [`Overlay`]: the maintainers' additions to an upstream document
//! (`x.overlay.md` beside `x.md`), in the same style.
//!
//! ```text
//! # <the document's title>
//! ## Type `Name`                       a named type: one fence, or `#### Variant `Name`` + fence pairs (one of)
//! #### Every variant                   in a one of: a fence with fields every variant also has
//! ## <any title>                       a patch for the endpoint with this method and path
//! **METHOD** `/path`
//! > Name `method_name`                 pins the method's name, whatever the title says
//! ### Request body `Name`              a fence, or `#### Variant `Name`` + fence pairs (one of)
//! > Content-Type `media/type`          a body that is not JSON: bytes, or with a fence NDJSON lines
//! ### Multipart body `Name`            a multipart/form-data body: one `#### Part` per part
//! #### Part `name`: kind, flags        `json` (+ a fence), `text[: type]` or `file[: a/b | c/d]`;
//!                                      `required`, `repeated`, `any name`
//! ### Query `Name`                     a fence with the query parameters
//! ### Responses
//! #### <status> `Name`                 names the result (the object, or the array's element); with no fence, a pin
//! > Accept `media/type`                the Accept header of a raw response
//! > Override                           replace a documented shape that differs
//! ```
//!
//! Like [`crate::parse`], this finds structure only; lowering judges it.

use std::ops::Range;

use pulldown_cmark::HeadingLevel;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::parse::{Block, Fence, Spanned, blocks, heading_text_span, parse_method_line};

/// One overlay document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Overlay {
    pub title: Option<Spanned<String>>,
    pub types: Vec<OverlayType>,
    pub endpoints: Vec<OverlayEndpoint>,
}

/// `## Type `Name``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayType {
    pub name: Spanned<String>,
    pub body: OverlayBody,
}

/// A shape given as one fence, or as named variants (one of).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OverlayBody {
    /// Where the section starts, for diagnostics about what is missing.
    pub span: Range<usize>,
    pub name: Option<Spanned<String>>,
    /// Prose under the heading: the type's documentation.
    pub doc: String,
    pub fence: Option<Fence>,
    pub variants: Vec<OverlayVariant>,
    /// `#### Every variant`: fields every variant has besides its own.
    pub shared: Option<OverlayVariant>,
    /// `> Content-Type `…``: a request body sent as this media type, not
    /// JSON.
    pub content_type: Option<Spanned<String>>,
}

impl OverlayBody {
    /// Where the fence and prose that follow a `####` heading go: the
    /// section of the last such heading, or the body itself before any.
    fn section(&mut self) -> (&mut String, &mut Option<Fence>) {
        // `Every variant` is the current section until a variant follows it.
        let shared_is_last = self.shared.as_ref().is_some_and(|shared| {
            self.variants
                .last()
                .is_none_or(|v| v.label.span.start < shared.label.span.start)
        });
        match (shared_is_last, &mut self.shared, self.variants.last_mut()) {
            (true, Some(shared), _) => (&mut shared.doc, &mut shared.fence),
            (_, _, Some(variant)) => (&mut variant.doc, &mut variant.fence),
            _ => (&mut self.doc, &mut self.fence),
        }
    }
}

/// `#### Variant `Name`` and its fence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayVariant {
    pub label: Spanned<String>,
    pub name: Option<Spanned<String>>,
    /// Prose under the heading: the variant's documentation.
    pub doc: String,
    pub fence: Option<Fence>,
}

/// A patch for one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayEndpoint {
    pub title: Spanned<String>,
    pub method: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    /// `> Name `…``: the method's name, pinned whatever the title says.
    pub name: Option<Spanned<String>>,
    pub request_body: Option<OverlayBody>,
    pub multipart: Option<OverlayMultipart>,
    pub query: Option<OverlayBody>,
    pub responses: Vec<OverlayResponse>,
}

/// `### Multipart body `Name``: a `multipart/form-data` body and its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayMultipart {
    /// The heading's text, for diagnostics about the whole body.
    pub span: Range<usize>,
    pub name: Option<Spanned<String>>,
    /// Prose before the first part: the body's documentation.
    pub doc: String,
    pub parts: Vec<OverlayPart>,
}

/// `#### Part `name`: kind, flags`, its prose and (for JSON) its fence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayPart {
    /// The heading's text, for diagnostics about what is missing.
    pub span: Range<usize>,
    /// The name in backticks: the wire name, or the label of an `any name` part.
    pub name: Option<Spanned<String>>,
    /// The comma-separated words after the `:`, kind first, as written.
    pub attributes: Vec<Spanned<String>>,
    /// Prose under the heading: the part's documentation.
    pub doc: String,
    pub fence: Option<Fence>,
}

/// A patch for one documented response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayResponse {
    pub status: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub accept: Option<Spanned<String>>,
    /// `> Override`: the shape replaces a documented shape that differs.
    pub replaces: bool,
    pub fence: Option<Fence>,
}

/// Which part of a section the next block belongs to.
enum At {
    Top,
    Type,
    Endpoint,
    Body,
    Multipart,
    Query,
    Responses,
}

/// Parses an overlay document.
pub fn parse_overlay(source: &SourceFile) -> (Overlay, Vec<Diagnostic>) {
    let text = source.text();
    let mut overlay = Overlay::default();
    let mut diags = Vec::new();
    let mut at = At::Top;

    for (block, range) in blocks(text) {
        let first_line = text[range.clone()].lines().next().unwrap_or_default();
        let line_span = range.start..range.start + first_line.len();
        match block {
            Block::Heading {
                level: HeadingLevel::H1,
                text: title,
                ..
            } => {
                if overlay.title.is_some() {
                    diags.push(source.error(heading_text_span(text, &range), "a second `#` title"));
                } else {
                    overlay.title = Some(Spanned {
                        value: title.trim().to_owned(),
                        span: heading_text_span(text, &range),
                    });
                }
            }
            Block::Heading {
                level: HeadingLevel::H2,
                text: title,
                code,
            } => {
                let span = heading_text_span(text, &range);
                let name = code.map(|c| named(text, &span, c));
                match (title.trim().strip_prefix("Type").map(str::trim_start), name) {
                    (Some(_), Some(name)) => {
                        overlay.types.push(OverlayType {
                            name,
                            body: OverlayBody {
                                span: span.clone(),
                                ..OverlayBody::default()
                            },
                        });
                        at = At::Type;
                    }
                    _ => {
                        overlay.endpoints.push(OverlayEndpoint {
                            title: Spanned {
                                value: title.trim().to_owned(),
                                span,
                            },
                            method: None,
                            path: None,
                            name: None,
                            request_body: None,
                            multipart: None,
                            query: None,
                            responses: Vec::new(),
                        });
                        at = At::Endpoint;
                    }
                }
            }
            Block::Heading {
                level: HeadingLevel::H3,
                text: heading,
                code,
            } => {
                let span = heading_text_span(text, &range);
                let Some(endpoint) = overlay
                    .endpoints
                    .last_mut()
                    .filter(|_| !matches!(at, At::Top | At::Type))
                else {
                    diags.push(source.error(span, "a `###` section outside an endpoint"));
                    continue;
                };
                let name = code.map(|c| named(text, &span, c));
                let section = OverlayBody {
                    span: span.clone(),
                    name,
                    ..OverlayBody::default()
                };
                let heading = heading.trim();
                if heading.starts_with("Request body") {
                    endpoint.request_body = Some(section);
                    at = At::Body;
                } else if heading.starts_with("Multipart body") {
                    endpoint.multipart = Some(OverlayMultipart {
                        span: section.span,
                        name: section.name,
                        doc: String::new(),
                        parts: Vec::new(),
                    });
                    at = At::Multipart;
                } else if heading.starts_with("Query") {
                    endpoint.query = Some(section);
                    at = At::Query;
                } else if heading == "Responses" {
                    at = At::Responses;
                } else {
                    // What follows belongs to no known section; the error
                    // here says so once, rather than once per block.
                    at = At::Endpoint;
                    diags.push(source.error(
                        span,
                        format!("unknown overlay section `{heading}`; expected `Request body`, `Multipart body`, `Query` or `Responses`"),
                    ));
                }
            }
            Block::Heading {
                level: HeadingLevel::H4,
                text: heading,
                code,
            } => {
                let span = heading_text_span(text, &range);
                let name = code.map(|c| named(text, &span, c));
                let heading = heading.trim();
                let word = heading
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let label = Spanned {
                    value: word.clone(),
                    span: span.start..span.start + word.len(),
                };
                match &at {
                    At::Multipart => {
                        let part = part_heading(source, span, &mut diags);
                        if let Some(form) = current_multipart(&mut overlay) {
                            form.parts.extend(part);
                        }
                    }
                    At::Responses => {
                        if let Some(endpoint) = overlay.endpoints.last_mut() {
                            endpoint.responses.push(OverlayResponse {
                                status: label,
                                name,
                                accept: None,
                                replaces: false,
                                fence: None,
                            });
                        }
                    }
                    At::Type | At::Body | At::Query
                        if heading.split_whitespace().take(2).eq(["Every", "variant"]) =>
                    {
                        if let Some(body) = current_body(&mut overlay, &at) {
                            if body.shared.is_some() {
                                diags.push(source.error(span, "a second `#### Every variant`"));
                            } else {
                                let end = span.start + "Every variant".len().min(span.len());
                                body.shared = Some(OverlayVariant {
                                    label: Spanned {
                                        value: "Every variant".to_owned(),
                                        span: span.start..end,
                                    },
                                    name,
                                    doc: String::new(),
                                    fence: None,
                                });
                            }
                        }
                    }
                    At::Type | At::Body | At::Query => {
                        if let Some(body) = current_body(&mut overlay, &at) {
                            body.variants.push(OverlayVariant {
                                label,
                                name,
                                doc: String::new(),
                                fence: None,
                            });
                        }
                    }
                    At::Top => {
                        diags.push(source.error(
                            span,
                            "a `####` heading outside a body or `### Responses` section",
                        ));
                    }
                    // Under an unknown section, already reported.
                    At::Endpoint => {}
                }
            }
            Block::Paragraph if matches!(at, At::Endpoint) && first_line.starts_with("**") => {
                if let Some(endpoint) = overlay.endpoints.last_mut() {
                    parse_method_line(
                        source,
                        range.start,
                        first_line,
                        &mut endpoint.method,
                        &mut endpoint.path,
                        &mut diags,
                    );
                }
            }
            Block::Quote { text: quote, code } if matches!(at, At::Endpoint) => {
                let Some(endpoint) = overlay.endpoints.last_mut() else {
                    continue;
                };
                match code {
                    Some(name) if quote.trim().starts_with("Name") => {
                        let start = range.start
                            + text[range.clone()]
                                .find(&format!("`{name}`"))
                                .map_or(0, |i| i + 1);
                        endpoint.name = Some(Spanned {
                            span: start..start + name.len(),
                            value: name,
                        });
                    }
                    _ => diags.push(source.error(
                        line_span,
                        "unknown quote; an overlay endpoint takes `> Name `method_name``",
                    )),
                }
            }
            Block::Quote { text: quote, code } if matches!(at, At::Body) => {
                let body = overlay
                    .endpoints
                    .last_mut()
                    .and_then(|e| e.request_body.as_mut());
                match (body, code) {
                    (Some(body), Some(media)) if quote.trim().starts_with("Content-Type") => {
                        let start = range.start
                            + text[range.clone()]
                                .find(&format!("`{media}`"))
                                .map_or(0, |i| i + 1);
                        body.content_type = Some(Spanned {
                            span: start..start + media.len(),
                            value: media,
                        });
                    }
                    _ => diags.push(source.error(
                        line_span,
                        "unknown quote; a request body takes `> Content-Type `media/type``",
                    )),
                }
            }
            Block::Quote { text: quote, code } if matches!(at, At::Responses) => {
                let Some(response) = overlay
                    .endpoints
                    .last_mut()
                    .and_then(|e| e.responses.last_mut())
                else {
                    diags.push(source.error(line_span, "a quote before any `####` status"));
                    continue;
                };
                let quote = quote.trim();
                if quote.eq_ignore_ascii_case("override") {
                    response.replaces = true;
                } else if let (true, Some(media)) = (quote.starts_with("Accept"), code) {
                    response.accept = Some(Spanned {
                        value: media,
                        span: range.clone(),
                    });
                } else {
                    diags.push(source.error(
                        line_span,
                        "unknown quote; an overlay response takes `> Accept `type`` or `> Override`",
                    ));
                }
            }
            Block::Code(fence) => {
                let slot = match &at {
                    At::Responses => overlay
                        .endpoints
                        .last_mut()
                        .and_then(|e| e.responses.last_mut())
                        .map(|r| &mut r.fence),
                    At::Type | At::Body | At::Query => {
                        current_body(&mut overlay, &at).map(|body| body.section().1)
                    }
                    At::Multipart => current_multipart(&mut overlay)
                        .and_then(|form| form.parts.last_mut())
                        .map(|part| &mut part.fence),
                    At::Top | At::Endpoint => None,
                };
                match slot {
                    Some(slot @ None) => *slot = Some(fence),
                    Some(Some(_)) => {
                        diags.push(source.error(line_span, "a second fence in one place"))
                    }
                    None if matches!(at, At::Endpoint) => {}
                    None if matches!(at, At::Multipart) => diags.push(source.error(
                        line_span,
                        "a fence before any `#### Part`; a `json` part takes its fence under its own heading",
                    )),
                    None => diags
                        .push(source.error(line_span, "a fence outside a type, body or response")),
                }
            }
            Block::Paragraph | Block::Other if matches!(at, At::Multipart) => {
                let prose = text[range.clone()].trim();
                if let Some(form) = current_multipart(&mut overlay) {
                    let doc = match form.parts.last_mut() {
                        Some(part) => &mut part.doc,
                        None => &mut form.doc,
                    };
                    if !doc.is_empty() {
                        doc.push_str("\n\n");
                    }
                    doc.push_str(prose);
                }
            }
            // Prose under a type, body or variant documents it; elsewhere it
            // explains the overlay to its readers and carries no meaning.
            Block::Paragraph | Block::Other if matches!(at, At::Type | At::Body | At::Query) => {
                let prose = text[range.clone()].trim();
                if let Some(body) = current_body(&mut overlay, &at) {
                    let doc = body.section().0;
                    if !doc.is_empty() {
                        doc.push_str("\n\n");
                    }
                    doc.push_str(prose);
                }
            }
            _ => {}
        }
    }
    if overlay.title.is_none() {
        diags.push(source.error(
            0..0,
            "the overlay has no `# Title` line; it must repeat the document's title",
        ));
    }
    (overlay, diags)
}

/// The body section the parser is in.
fn current_body<'a>(overlay: &'a mut Overlay, at: &At) -> Option<&'a mut OverlayBody> {
    match at {
        At::Type => overlay.types.last_mut().map(|t| &mut t.body),
        At::Body => overlay
            .endpoints
            .last_mut()
            .and_then(|e| e.request_body.as_mut()),
        At::Query => overlay.endpoints.last_mut().and_then(|e| e.query.as_mut()),
        _ => None,
    }
}

/// The multipart body the parser is in.
fn current_multipart(overlay: &mut Overlay) -> Option<&mut OverlayMultipart> {
    overlay
        .endpoints
        .last_mut()
        .and_then(|e| e.multipart.as_mut())
}

/// Splits `Part `name`: kind, flag, flag` (the heading's text, at `span`)
/// into the name and the located words after the colon. Judging the words
/// is lowering's job.
fn part_heading(
    source: &SourceFile,
    span: Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<OverlayPart> {
    let heading = &source.text()[span.clone()];
    let Some(rest) = heading.strip_prefix("Part") else {
        diags.push(source.error(
            span,
            "under `### Multipart body`, each `####` heading is a part: `#### Part `name`: json, required`",
        ));
        return None;
    };
    let rest_start = span.start + 4;
    let mut part = OverlayPart {
        span: span.clone(),
        name: None,
        attributes: Vec::new(),
        doc: String::new(),
        fence: None,
    };
    let mut after_name = rest_start;
    if let Some(open) = rest.find('`') {
        if let Some(len) = rest[open + 1..].find('`') {
            let start = rest_start + open + 1;
            part.name = Some(Spanned {
                value: source.text()[start..start + len].to_owned(),
                span: start..start + len,
            });
            after_name = start + len + 1;
        }
    }
    let tail = &source.text()[after_name..span.end];
    let Some(colon) = tail.find(':') else {
        return Some(part);
    };
    let mut at = after_name + colon + 1;
    for word in tail[colon + 1..].split(',') {
        let trimmed = word.trim_start();
        let start = at + (word.len() - trimmed.len());
        let trimmed = trimmed.trim_end();
        if !trimmed.is_empty() {
            part.attributes.push(Spanned {
                value: trimmed.to_owned(),
                span: start..start + trimmed.len(),
            });
        }
        at += word.len() + 1;
    }
    Some(part)
}

/// A name given in backticks in a heading, located within it.
fn named(text: &str, heading: &Range<usize>, name: String) -> Spanned<String> {
    let start = text[heading.clone()]
        .find(&format!("`{name}`"))
        .map_or(heading.start, |i| heading.start + i + 1);
    Spanned {
        span: start..start + name.len(),
        value: name,
    }
}
