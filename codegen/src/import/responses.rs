//! An operation's success response, as the draft of the document's own
//! success: the result's shape (the envelope's `result` when the document
//! reads an envelope), or `> Accept` for a body that is not JSON.

use super::json::Json;
use super::matching::HandGives;
use super::openapi::{Description, Operation};
use super::reconcile::{adds_nothing, from_shape, reconcile};
use super::schema::{Direction, Walker};
use super::sections::{is_json, is_media_type};
use super::skel::{Skel, fit_example};
use crate::diagnostic::SourceFile;
use crate::ir::{Response, Status};
use crate::lower::{skeleton, unwrap_envelope};
use crate::parse::RawEndpoint;

/// The success a document shows for an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Documented {
    /// As written: `200`, `2XX`, `default`.
    pub status: String,
    /// Where the document writes the status, for notes.
    pub status_span: std::ops::Range<usize>,
    /// The body is a Cloudflare envelope, read as its `result`.
    pub envelope: bool,
    /// What the document shows (the `result`, for an envelope).
    pub shape: Skel,
}

/// The document's first 2xx response, or its lone `default` when it has
/// none; `None` when it has neither, or its success is a `204`.
pub(crate) fn documented(source: &SourceFile, endpoint: &RawEndpoint) -> Option<Documented> {
    let success = endpoint
        .responses
        .iter()
        .find(|r| is_success(&r.status.value))
        .or(match endpoint.responses.as_slice() {
            [only] if only.status.value.eq_ignore_ascii_case("default") => Some(only),
            _ => None,
        })?;
    if success.status.value == "204" {
        return None;
    }
    let data_at_result = success
        .quote
        .as_ref()
        .is_some_and(|q| q.code.as_deref() == Some("body[\"result\"]"));
    let body = success.fence.as_ref().and_then(|fence| {
        // The generator reports whatever is wrong with a fence; here a
        // fence it cannot read shows nothing.
        skeleton::fence_shape(source, fence, &mut Vec::new(), None)
            .ok()
            .flatten()
    });
    let mut response = Response {
        status: Status::Default,
        description: String::new(),
        data_at_result,
        body,
    };
    unwrap_envelope(&mut response);
    Some(Documented {
        status: success.status.value.clone(),
        status_span: success.status.span.clone(),
        envelope: response.data_at_result,
        shape: response.body.as_ref().map_or(Skel::Unknown, from_shape),
    })
}

/// `200`, `201`, `2XX`…
fn is_success(status: &str) -> bool {
    let bytes = status.as_bytes();
    bytes.len() == 3
        && bytes[0] == b'2'
        && (bytes[1..].iter().all(u8::is_ascii_digit) || bytes[1..].eq_ignore_ascii_case(b"xx"))
}

/// The schema of a response's JSON media type.
fn json_schema(response: &Json) -> Option<&Json> {
    let content = response.get("content")?.entries();
    let (_, media) = content.iter().find(|(m, _)| is_json(m))?;
    media.get("schema")
}

/// The first example a success's JSON media type shows (its `example`,
/// else the first of its `examples`): its `result` when the document reads
/// an envelope.
fn media_example<'j>(
    mut responses: impl Iterator<Item = &'j Json>,
    envelope: bool,
) -> Option<&'j Json> {
    let example = responses.find_map(|response| {
        let content = response.get("content")?.entries();
        let (_, media) = content.iter().find(|(m, _)| is_json(m))?;
        media.get("example").or_else(|| {
            let (_, first) = media.get("examples")?.entries().first()?;
            first.get("value")
        })
    })?;
    if envelope {
        example.get("result")
    } else {
        Some(example)
    }
}

/// The first media type a response names, when it is one.
fn first_media_type(response: &Json) -> Option<String> {
    let content = response.get("content")?.entries();
    let (media, _) = content.first()?;
    is_media_type(media).then(|| media.clone())
}

/// What the draft says under the document's success status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Drafted {
    pub shape: Option<Skel>,
    pub accept: Option<String>,
    /// Places widened to any JSON because the two contradict each other.
    pub conflicts: usize,
    /// The description says nothing specific of the whole result (its
    /// generic envelope's "an object or a string"): the document's shape
    /// is kept, and this says so.
    pub document_wins: Option<String>,
}

/// The draft of the document's success `doc` from the operation's 2xx:
/// the one with the same status if it is JSON, else the first JSON one; a
/// success with no JSON media type gets `> Accept`. Nothing the hand
/// overlay gives, and no shape that would add nothing to the document's.
pub(crate) fn response(
    desc: &Description,
    op: &Operation,
    doc: &Documented,
    hand: &HandGives,
) -> Drafted {
    let mut drafted = Drafted::default();
    if hand.has_status(&doc.status) {
        return drafted;
    }
    let successes: Vec<(&str, &Json)> = op
        .node
        .get("responses")
        .map(Json::entries)
        .unwrap_or_default()
        .iter()
        .filter(|(status, _)| is_success(status))
        .map(|(status, response)| (status.as_str(), desc.resolve(response)))
        .collect();
    let own = successes
        .iter()
        .find(|(status, _)| status.eq_ignore_ascii_case(&doc.status));
    // The document's own success is not JSON (a screenshot whose `202`,
    // still in progress, is): that is what the endpoint returns.
    if let Some((_, response)) = own {
        if !hand.accept && json_schema(response).is_none() {
            if let Some(media) = first_media_type(response).filter(|m| !is_json(m)) {
                drafted.accept = Some(media);
                return drafted;
            }
        }
    }
    let schema = own
        .into_iter()
        .chain(successes.iter())
        .find_map(|(_, response)| json_schema(response));
    let Some(schema) = schema else {
        let any_json = successes.iter().any(|(_, response)| {
            let content = response
                .get("content")
                .map(Json::entries)
                .unwrap_or_default();
            content.iter().any(|(media, _)| is_json(media))
        });
        if !hand.accept && !any_json {
            drafted.accept = successes
                .iter()
                .find_map(|(_, response)| first_media_type(response));
        }
        return drafted;
    };
    let mut walker = Walker::new(desc, Direction::Response);
    let described = if doc.envelope {
        let flat = walker.flatten(&[schema]);
        let Some((_, result)) = flat.properties.iter().find(|(name, _)| *name == "result") else {
            return drafted;
        };
        walker.sub_skel(result, 0).1
    } else {
        walker.skel(&[schema], 0)
    };
    // What the description shows as the response holds too.
    let described = match media_example(successes.iter().map(|(_, r)| *r), doc.envelope) {
        Some(example) => fit_example(described, example),
        None => described,
    };
    let generic = described == Skel::Any;
    let described_kind = described.describe();
    let shape = reconcile(&doc.shape, described, &mut drafted.conflicts);
    if generic && doc.shape != Skel::Unknown {
        // The description says only what its generic envelope says of
        // every result ("an object or a string"): nothing about this one.
        // Any JSON would type nothing; the document's shape stands. (A
        // result the description does describe, differently, becomes any
        // JSON below: a type that decodes both.)
        drafted.conflicts = 0;
        drafted.document_wins = Some(format!(
            "the description says nothing specific of this result ({described_kind}), the document shows {}; the document's shape is kept (`cargo xtask overlay`)",
            doc.shape.describe()
        ));
        return drafted;
    }
    if shape == Skel::Unknown || adds_nothing(&doc.shape, &shape) {
        drafted.conflicts = 0;
        return drafted;
    }
    drafted.shape = Some(shape);
    drafted
}
