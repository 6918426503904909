//! Markdown → [`Overlay`]: the maintainers' additions to an upstream document
//! (`x.overlay.md` beside `x.md`), in the same style.
//!
//! ```text
//! # <the document's title>
//! ## Type `Name`                       a named type: one fence, or `#### Variant `Name`` + fence pairs (one of)
//! ## <any title>                       a patch for the endpoint with this method and path
//! **METHOD** `/path`
//! > Name `method_name`                 pins the method's name, whatever the title says
//! ### Request body `Name`              a fence, or `#### Variant `Name`` + fence pairs (one of)
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
    pub query: Option<OverlayBody>,
    pub responses: Vec<OverlayResponse>,
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
                        format!("unknown overlay section `{heading}`; expected `Request body`, `Query` or `Responses`"),
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
                        current_body(&mut overlay, &at).map(|body| match body.variants.last_mut() {
                            Some(variant) => &mut variant.fence,
                            None => &mut body.fence,
                        })
                    }
                    At::Top | At::Endpoint => None,
                };
                match slot {
                    Some(slot @ None) => *slot = Some(fence),
                    Some(Some(_)) => {
                        diags.push(source.error(line_span, "a second fence in one place"))
                    }
                    None if matches!(at, At::Endpoint) => {}
                    None => diags
                        .push(source.error(line_span, "a fence outside a type, body or response")),
                }
            }
            // Prose under a type, body or variant documents it; elsewhere it
            // explains the overlay to its readers and carries no meaning.
            Block::Paragraph | Block::Other if matches!(at, At::Type | At::Body | At::Query) => {
                let prose = text[range.clone()].trim();
                if let Some(body) = current_body(&mut overlay, &at) {
                    let doc = match body.variants.last_mut() {
                        Some(variant) => &mut variant.doc,
                        None => &mut body.doc,
                    };
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
