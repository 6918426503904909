//! OpenAPI → overlay drafts: what Cloudflare's OpenAPI description says
//! about the endpoints of each document, written as an overlay
//! (`<area>.openapi.overlay.md`) that `cargo xtask overlay` keeps beside the
//! document.
//!
//! ```text
//! description ──Description::parse──▶ operations by route
//! spec/<area>.md ──parse──▶ endpoints ──match──▶ request body, query, success ──▶ draft text
//! spec/<area>.overlay.md ──parse_overlay──▶ what the hand overlay gives (left out)
//! ```
//!
//! Like the rest of codegen this does no IO: the caller reads the files and
//! writes the drafts. The description is a tool input: the generator never
//! reads it, only the drafts. A draft never repeats what the hand overlay
//! gives, and never contradicts the document (where the two sources do, it
//! says any JSON), so generation accepts both files together.
//!
//! - `json`: the description's JSON, keys in order.
//! - `openapi`: the description: operations by route, components by `$ref`.
//! - `matching`: document endpoint ↔ operation; what the hand overlay gives.
//! - `schema`: schemas → `Skel`s.
//! - `skel`: skeletons, their unions, and their text.
//! - `reconcile`: the document's response shape against the description's.
//! - `sections` and `responses`: an endpoint's sections.
//! - `render`: the file.

mod json;
mod matching;
mod openapi;
mod reconcile;
mod render;
mod responses;
mod schema;
mod sections;
mod skel;

use std::collections::BTreeSet;

use self::matching::HandGives;
pub use self::openapi::{Description, ImportError};
use self::render::{EndpointDraft, Header, render};
use self::sections::BodyKind;
use crate::diagnostic::SourceFile;
use crate::overlay::{Overlay, parse_overlay};
use crate::parse::parse;

/// One area to draft: its document and, if it has one, its hand overlay.
#[derive(Debug, Clone, Copy)]
pub struct AreaInput<'a> {
    /// The document's file stem: `zone`.
    pub area: &'a str,
    pub doc: &'a SourceFile,
    pub hand: Option<&'a SourceFile>,
}

/// The draft of one area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub area: String,
    /// The file's text; `None` when the description adds nothing.
    pub text: Option<String>,
    pub counts: Counts,
    /// Where the document's shape was kept against the description's, at
    /// the document's status heading.
    pub notes: Vec<crate::diagnostic::Diagnostic>,
}

/// What the drafts hold, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Areas with a draft (each draft counts one).
    pub areas: usize,
    /// Document endpoints that match an operation.
    pub endpoints: usize,
    /// Matched endpoints whose operation takes a JSON body, and those drafted.
    pub json_body_operations: usize,
    pub json_bodies: usize,
    /// JSON bodies drafted as a one of (a fence per variant).
    pub one_of_bodies: usize,
    /// JSON bodies whose description gives no field: an empty object, or
    /// no schema and no example.
    pub untyped_bodies: usize,
    /// Matched endpoints whose operation takes a multipart body, and those drafted.
    pub multipart_operations: usize,
    pub multipart_bodies: usize,
    /// Matched endpoints whose operation takes a body of another media
    /// type (bytes, NDJSON), and those drafted.
    pub other_body_operations: usize,
    pub other_bodies: usize,
    /// Matched endpoints whose operation has query parameters, and those drafted.
    pub query_operations: usize,
    pub queries: usize,
    /// Success shapes drafted, and `> Accept`s.
    pub responses: usize,
    pub accepts: usize,
    /// Places where the document and the description contradict each other,
    /// drafted as any JSON.
    pub conflicts: usize,
    /// Whole results where the document's shape was kept against the
    /// description's (see [`Draft::notes`]).
    pub document_wins: usize,
    /// Sections left out because the hand overlay gives them.
    pub left_to_hand: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        let Counts {
            areas,
            endpoints,
            json_body_operations,
            json_bodies,
            one_of_bodies,
            untyped_bodies,
            multipart_operations,
            multipart_bodies,
            other_body_operations,
            other_bodies,
            query_operations,
            queries,
            responses,
            accepts,
            conflicts,
            document_wins,
            left_to_hand,
        } = other;
        self.areas += areas;
        self.endpoints += endpoints;
        self.json_body_operations += json_body_operations;
        self.json_bodies += json_bodies;
        self.one_of_bodies += one_of_bodies;
        self.untyped_bodies += untyped_bodies;
        self.multipart_operations += multipart_operations;
        self.multipart_bodies += multipart_bodies;
        self.other_body_operations += other_body_operations;
        self.other_bodies += other_bodies;
        self.query_operations += query_operations;
        self.queries += queries;
        self.responses += responses;
        self.accepts += accepts;
        self.conflicts += conflicts;
        self.document_wins += document_wins;
        self.left_to_hand += left_to_hand;
    }
}

/// Every area's draft, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drafts {
    pub areas: Vec<Draft>,
    /// `METHOD path` of the operations no document has.
    pub unmatched: Vec<String>,
    /// Document endpoints no operation matches.
    pub undescribed: usize,
}

/// Drafts the overlay of every area (on every core; the result does not
/// depend on scheduling).
pub fn draft(desc: &Description, areas: &[AreaInput<'_>]) -> Drafts {
    let drafted = crate::parallel::map(areas, |area| draft_area(desc, area));
    let mut routes = BTreeSet::new();
    let mut undescribed = 0;
    let mut out = Vec::with_capacity(drafted.len());
    for (draft, area_routes, area_undescribed) in drafted {
        routes.extend(area_routes);
        undescribed += area_undescribed;
        out.push(draft);
    }
    Drafts {
        areas: out,
        unmatched: desc.unmatched(&routes),
        undescribed,
    }
}

/// One area's draft, the routes (method, route key) its endpoints have,
/// and how many of them the description lacks.
fn draft_area(desc: &Description, input: &AreaInput<'_>) -> (Draft, Vec<(String, String)>, usize) {
    let (doc, _) = parse(input.doc);
    let hand: Option<Overlay> = input.hand.map(|source| parse_overlay(source).0);
    let text = input.doc.text();
    let mut counts = Counts::default();
    let mut routes = Vec::new();
    let mut undescribed = 0;
    let mut drafts: Vec<EndpointDraft> = Vec::new();
    let mut notes = Vec::new();
    let mut seen = BTreeSet::new();
    for endpoint in &doc.endpoints {
        let (Some(method), Some(path)) = (&endpoint.method, &endpoint.path) else {
            continue;
        };
        routes.push((method.value.clone(), matching::route_key(&path.value)));
        let Some(op) = desc.operation(&method.value, &path.value) else {
            undescribed += 1;
            continue;
        };
        counts.endpoints += 1;
        // Codegen matches an overlay endpoint to the first documented one
        // with its method and path; a repeated route is drafted once.
        if !seen.insert((method.value.clone(), path.value.clone())) {
            continue;
        }
        let gives = HandGives::of(hand.as_ref(), &method.value, &path.value);
        let documented = responses::documented(input.doc, endpoint);
        let mut draft = EndpointDraft {
            title: text[endpoint.title.span.clone()].to_owned(),
            method: method.value.clone(),
            path: path.value.clone(),
            body: None,
            query: None,
            status: documented
                .as_ref()
                .map(|d| d.status.clone())
                .unwrap_or_default(),
            response: None,
            accept: None,
        };
        let (kind, body) = sections::request_body(desc, op);
        match kind {
            BodyKind::Json => {
                counts.json_body_operations += 1;
                counts.untyped_bodies += usize::from(body.is_none());
            }
            BodyKind::Multipart => counts.multipart_operations += 1,
            BodyKind::Other => counts.other_body_operations += 1,
            BodyKind::None => {}
        }
        if body.is_some() && gives.body {
            counts.left_to_hand += 1;
        } else if let Some(body) = body {
            match &body {
                sections::Body::Json(_) => counts.json_bodies += 1,
                sections::Body::Variants(_) => {
                    counts.json_bodies += 1;
                    counts.one_of_bodies += 1;
                }
                sections::Body::Multipart(_) => counts.multipart_bodies += 1,
                sections::Body::Raw(_) => counts.other_bodies += 1,
            }
            draft.body = Some(body);
        }
        let (has_query, query) = sections::query(desc, op);
        counts.query_operations += usize::from(has_query);
        if query.is_some() && gives.query {
            counts.left_to_hand += 1;
        } else if query.is_some() {
            counts.queries += 1;
            draft.query = query;
        }
        if let Some(documented) = &documented {
            if gives.has_status(&documented.status) {
                counts.left_to_hand += 1;
            }
            let drafted = responses::response(desc, op, documented, &gives);
            counts.responses += usize::from(drafted.shape.is_some());
            counts.accepts += usize::from(drafted.accept.is_some());
            counts.conflicts += drafted.conflicts;
            if let Some(message) = drafted.document_wins {
                counts.document_wins += 1;
                notes.push(input.doc.note(documented.status_span.clone(), message));
            }
            draft.response = drafted.shape;
            draft.accept = drafted.accept;
        }
        if draft.has_content() {
            drafts.push(draft);
        }
    }
    let text = (!drafts.is_empty()).then(|| {
        let title = doc.title.as_ref().map_or("", |t| &text[t.span.clone()]);
        let source = format!("{} {} (OpenAPI)", desc.title(), desc.version());
        render(
            &Header {
                title,
                area: input.area,
                source: source.trim(),
            },
            &drafts,
        )
    });
    counts.areas = usize::from(text.is_some());
    let draft = Draft {
        area: input.area.to_owned(),
        text,
        counts,
        notes,
    };
    (draft, routes, undescribed)
}
