//! The text of a drafted overlay (`<area>.openapi.overlay.md`), in the
//! overlay grammar of [`crate::overlay`]: sections with content only, no
//! type names (codegen names bodies and queries, and keeps the names of
//! results).

use std::fmt::Write as _;

use super::sections::{Body, Part};
use super::skel::{Skel, fence_text};

/// What the draft says about one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EndpointDraft {
    /// The `##` title and the method line's parts, as the document writes them.
    pub title: String,
    pub method: String,
    pub path: String,
    pub body: Option<Body>,
    pub query: Option<Skel>,
    /// The document's success status, and the shape or media type under it.
    pub status: String,
    pub response: Option<Skel>,
    pub accept: Option<String>,
}

impl EndpointDraft {
    /// `true` when the draft has something to say.
    pub(crate) fn has_content(&self) -> bool {
        self.body.is_some()
            || self.query.is_some()
            || self.response.is_some()
            || self.accept.is_some()
    }
}

/// Where the draft comes from, for its opening paragraph.
pub(crate) struct Header<'a> {
    pub title: &'a str,
    pub area: &'a str,
    pub source: &'a str,
}

/// The whole file.
pub(crate) fn render(header: &Header<'_>, endpoints: &[EndpointDraft]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", header.title);
    let _ = writeln!(
        out,
        "Drafted by `cargo xtask overlay` from {}. Do not edit: the next run rewrites this file. Hand additions go in `{}.overlay.md`; what that file gives, this one leaves out.",
        header.source, header.area
    );
    for endpoint in endpoints {
        out.push('\n');
        endpoint_text(&mut out, endpoint);
    }
    out
}

fn endpoint_text(out: &mut String, endpoint: &EndpointDraft) {
    let _ = writeln!(out, "## {}", endpoint.title);
    let _ = writeln!(out, "**{}** `{}`", endpoint.method, endpoint.path);
    match &endpoint.body {
        Some(Body::Json(skel)) => {
            out.push_str("### Request body\n");
            fence(out, skel);
        }
        Some(Body::Variants(variants)) => {
            out.push_str("### Request body\n");
            for (label, skel) in variants {
                let _ = writeln!(out, "#### {label}");
                fence(out, skel);
            }
        }
        Some(Body::Multipart(parts)) => {
            out.push_str("### Multipart body\n");
            for part in parts {
                part_text(out, part);
            }
        }
        Some(Body::Raw(media)) => {
            let _ = writeln!(out, "### Request body\n> Content-Type `{media}`");
        }
        None => {}
    }
    if let Some(query) = &endpoint.query {
        out.push_str("### Query\n");
        fence(out, query);
    }
    if endpoint.response.is_some() || endpoint.accept.is_some() {
        let _ = writeln!(out, "### Responses\n#### {}", endpoint.status);
        if let Some(media) = &endpoint.accept {
            let _ = writeln!(out, "> Accept `{media}`");
        }
        if let Some(shape) = &endpoint.response {
            fence(out, shape);
        }
    }
}

fn part_text(out: &mut String, part: &Part) {
    let _ = writeln!(out, "#### Part `{}`: {}", part.name, part.attributes);
    if !part.words.is_empty() {
        let _ = writeln!(out, "{}", part.words);
    }
    if let Some(skel) = &part.fence {
        fence(out, skel);
    }
}

fn fence(out: &mut String, skel: &Skel) {
    let _ = writeln!(out, "```json\n{}\n```", fence_text(skel));
}
