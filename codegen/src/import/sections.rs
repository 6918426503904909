//! An operation's request body (JSON, one of, multipart) and its query, as
//! overlay sections.

use super::json::Json;
use super::openapi::{Description, Operation};
use super::schema::{Direction, Walker, is_null_only};
use super::skel::{Prop, Skel, both, skel_of_example, words};
use crate::naming;

/// A drafted request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    /// `### Request body` and one fence.
    Json(Skel),
    /// `### Request body` and a `#### Label` + fence per variant.
    Variants(Vec<(String, Skel)>),
    /// `### Multipart body` and its parts.
    Multipart(Vec<Part>),
    /// `### Request body` and `> Content-Type `…``: bytes of this media
    /// type (a hand overlay gives NDJSON its line type).
    Raw(String),
}

/// `#### Part `name`: kind, flags`, its words and, for JSON, its fence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The wire name, or the label of an `any name` part.
    pub name: String,
    /// What follows the colon: `file, required`.
    pub attributes: String,
    pub words: String,
    pub fence: Option<Skel>,
}

/// What kind of body the operation takes, drafted or not (for counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    None,
    Json,
    Multipart,
    /// Bytes of another media type: users send them as they are.
    Other,
}

/// The media type a JSON body or response is sent with.
pub(crate) fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// The operation's request body: its kind, and the draft when it says
/// anything.
pub(crate) fn request_body(desc: &Description, op: &Operation) -> (BodyKind, Option<Body>) {
    let Some(body) = op.node.get("requestBody") else {
        return (BodyKind::None, None);
    };
    let content = desc.resolve(body).get("content").map(Json::entries);
    let content = content.unwrap_or_default();
    if let Some((_, media)) = content.iter().find(|(m, _)| is_json(m)) {
        let schema = media.get("schema");
        let body = schema
            .and_then(|s| json_body(desc, s))
            // No shape, but an example of the body: its shape.
            .or_else(|| {
                let example = media
                    .get("example")
                    .or_else(|| schema.and_then(|s| desc.resolve(s).get("example")))?;
                match skel_of_example(example) {
                    skel @ Skel::Object(_) => Some(Body::Json(skel)),
                    _ => None,
                }
            });
        return (BodyKind::Json, body);
    }
    if let Some((_, media)) = content.iter().find(|(m, _)| m == "multipart/form-data") {
        let body = media.get("schema").and_then(|s| multipart(desc, s, media));
        return (BodyKind::Multipart, body);
    }
    // Bytes of their own media type: the first the description lists,
    // when it is one a header can carry.
    match content.first() {
        None => (BodyKind::None, None),
        Some((media, _)) => {
            let media = media.split(';').next().unwrap_or_default().trim();
            let valid = media.split_once('/').is_some_and(|(kind, sub)| {
                [kind, sub].iter().all(|t| {
                    !t.is_empty()
                        && t.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
                })
            });
            (BodyKind::Other, valid.then(|| Body::Raw(media.to_owned())))
        }
    }
}

/// A JSON body: one fence, or one per variant when the schema is a `oneOf`
/// (or `anyOf`) of two or more objects.
fn json_body(desc: &Description, schema: &Json) -> Option<Body> {
    let mut walker = Walker::new(desc, Direction::Request);
    let mut flat = walker.flatten(&[schema]);
    if let [(alternatives, _)] = flat.alternatives.as_slice() {
        let alternatives: Vec<&Json> = alternatives.iter().filter(|a| !is_null_only(a)).collect();
        if alternatives.len() >= 2 {
            flat.alternatives.clear();
            let base = walker.walk(&flat, 0);
            let variants: Vec<Skel> = alternatives
                .iter()
                .map(|a| both(base.clone(), walker.skel(&[a], 0)))
                .collect();
            if variants
                .iter()
                .all(|v| matches!(v, Skel::Object(fields) if !fields.is_empty()))
            {
                let labels = labels(&walker, &alternatives);
                return Some(Body::Variants(labels.into_iter().zip(variants).collect()));
            }
            // Not all objects: one fence, as the schema says.
            flat = walker.flatten(&[schema]);
        }
    }
    let skel = walker.walk(&flat, 0);
    // An object that declares nothing (Cloudflare gives many `DELETE`s
    // `{"type": "object"}`) is no body to type: a caller would have to
    // pass an empty map. A map of the caller's keys is one.
    let declares_nothing = skel == Skel::Map && !flat.map;
    (!skel.is_empty() && !declares_nothing).then_some(Body::Json(skel))
}

/// One readable, unique word per variant: its `title`, else the last
/// segment of its `$ref` without the area's prefix (`dns-records_ARecord`
/// → `ARecord`), else `Variant1`, `Variant2`, …
fn labels(walker: &Walker<'_>, alternatives: &[&Json]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::with_capacity(alternatives.len());
    for (i, alternative) in alternatives.iter().enumerate() {
        let from_ref = alternative.str_at("$ref").map(|r| {
            let last = r.rsplit('/').next().unwrap_or(r);
            last.split_once('_').map_or(last, |(_, rest)| rest)
        });
        let title = walker.flatten(&[alternative]).title;
        let label = title
            .or(from_ref)
            .map(naming::type_name)
            .filter(|l| l != "Type")
            .unwrap_or_else(|| format!("Variant{}", i + 1));
        let mut unique = label.clone();
        let mut n = 2;
        while labels.contains(&unique) {
            unique = format!("{label}{n}");
            n += 1;
        }
        labels.push(unique);
    }
    labels
}

/// A `multipart/form-data` body: one part per property (of every
/// alternative, when the schema is a one of), each a file (binary), a JSON
/// part (objects, arrays, anything untyped) or text.
fn multipart(desc: &Description, schema: &Json, media: &Json) -> Option<Body> {
    let mut walker = Walker::new(desc, Direction::Request);
    let flat = walker.flatten(&[schema]);
    // Every property, and whether every alternative it may come from requires it.
    let mut properties: Vec<(&str, Vec<super::schema::Sub<'_>>, bool)> = flat
        .properties
        .iter()
        .map(|(name, subs)| (*name, subs.clone(), flat.requires(name)))
        .collect();
    for (alternatives, _) in &flat.alternatives {
        let alternatives: Vec<_> = alternatives
            .iter()
            .filter(|a| !is_null_only(a))
            .map(|a| walker.flatten(&[a]))
            .collect();
        for alternative in &alternatives {
            for (name, subs) in &alternative.properties {
                let everywhere = alternatives
                    .iter()
                    .all(|a| a.requires(name) && a.properties.iter().any(|(n, _)| n == name));
                match properties.iter_mut().find(|(n, _, _)| n == name) {
                    Some((_, _, required)) => *required |= everywhere,
                    None => properties.push((name, subs.clone(), everywhere)),
                }
            }
        }
    }
    let encoding = media.get("encoding");
    let mut labels: Vec<String> = Vec::new();
    let mut parts = Vec::new();
    for (name, subs, required) in properties {
        let (part, skel) = walker.sub_skel(&subs, 0);
        if part.read_only || name.contains('`') || name.trim().is_empty() {
            continue;
        }
        let item_binary = !part.items.is_empty() && {
            let nodes: Vec<&Json> = part.items.iter().map(|s| s.node).collect();
            walker.flatten(&nodes).is_binary()
        };
        let any_name = name.starts_with('<') && name.ends_with('>');
        let mut attributes = Vec::new();
        let mut fence = None;
        if part.is_binary() || item_binary {
            let types = encoding
                .and_then(|e| e.get(name))
                .and_then(|e| e.str_at("contentType"))
                .map(|list| list.split(',').map(str::trim).collect::<Vec<_>>())
                .filter(|list| list.iter().all(|t| is_media_type(t)));
            attributes.push(match types {
                Some(types) => format!("file: {}", types.join(" | ")),
                None => "file".to_owned(),
            });
        } else {
            match &skel {
                Skel::String | Skel::DateTime | Skel::Enum(_) => attributes.push("text".into()),
                Skel::Integer => attributes.push("text: integer".into()),
                Skel::Number => attributes.push("text: number".into()),
                Skel::Boolean => attributes.push("text: boolean".into()),
                _ => {
                    attributes.push("json".into());
                    fence = Some(skel);
                }
            }
        }
        if item_binary {
            attributes.push("repeated".into());
        }
        if required {
            attributes.push("required".into());
        }
        let label = if any_name {
            attributes.push("any name".into());
            let mut label = "part".to_owned();
            let mut n = 2;
            while labels.contains(&label) {
                label = format!("part{n}");
                n += 1;
            }
            label
        } else {
            name.to_owned()
        };
        labels.push(label.clone());
        parts.push(Part {
            name: label,
            attributes: attributes.join(", "),
            words: prose(&words(part.description, part.deprecated)),
            fence,
        });
    }
    (!parts.is_empty()).then_some(Body::Multipart(parts))
}

/// Words as a paragraph under a heading: none when they would read as
/// Markdown structure (a heading, a quote, a list, a fence, a table).
fn prose(words: &str) -> String {
    let risky = words.starts_with(['#', '>', '-', '*', '+', '`', '|', '<', '=', '~', '['])
        || words
            .split_once(". ")
            .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()));
    if risky {
        String::new()
    } else {
        words.to_owned()
    }
}

/// `type/subtype`, made of the characters a media type may use.
pub(crate) fn is_media_type(text: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-*".contains(&b))
    };
    text.split_once('/')
        .is_some_and(|(kind, sub)| token(kind) && token(sub) && kind != "*")
}

/// The query: one field per `in: query` parameter (of the path item and
/// the operation, the operation's winning), in the description's order.
/// An object parameter with properties (style `form`, exploded: the
/// default) is its properties, each a key of its own. Also says whether
/// the operation has query parameters at all.
pub(crate) fn query(desc: &Description, op: &Operation) -> (bool, Option<Skel>) {
    let own: Vec<&Json> = op
        .node
        .get("parameters")
        .map(Json::items)
        .unwrap_or_default()
        .iter()
        .map(|p| desc.resolve(p))
        .collect();
    let shared = op.shared_params.iter().map(|p| desc.resolve(p));
    let same = |a: &Json, b: &Json| {
        a.str_at("name") == b.str_at("name") && a.str_at("in") == b.str_at("in")
    };
    let params: Vec<&Json> = shared
        .filter(|p| !own.iter().any(|o| same(o, p)))
        .chain(own.iter().copied())
        .filter(|p| p.str_at("in") == Some("query"))
        .collect();
    if params.is_empty() {
        return (false, None);
    }
    let mut walker = Walker::new(desc, Direction::Request);
    let mut fields: Vec<Prop> = Vec::new();
    for param in params {
        let Some(name) = param.str_at("name") else {
            continue;
        };
        let schema = param.get("schema").unwrap_or(&Json::Null);
        let flat = walker.flatten(&[schema]);
        let required = param.flag("required");
        let exploded = !matches!(param.get("explode"), Some(Json::Bool(false)));
        let form = param.str_at("style").is_none_or(|s| s == "form");
        let deprecated = param.flag("deprecated") || flat.deprecated;
        if !flat.properties.is_empty() && exploded && form {
            for field in walker.fields(&flat, 1) {
                if !fields.iter().any(|f| f.name == field.name) {
                    fields.push(Prop {
                        required: required && field.required,
                        ..field
                    });
                }
            }
            continue;
        }
        let mut skel = walker.walk(&flat, 1);
        let mut text = words(param.str_at("description").or(flat.description), deprecated);
        if let (Skel::Array(..), false) = (&skel, exploded) {
            // Sent as one comma-separated value, not as repeated keys.
            skel = Skel::String;
            text = if text.is_empty() {
                "comma-separated".to_owned()
            } else {
                format!("comma-separated; {text}")
            };
        }
        if fields.iter().any(|f| f.name == name) {
            continue;
        }
        fields.push(Prop {
            name: name.to_owned(),
            skel,
            required: required && !flat.nullable,
            words: text,
        });
    }
    (true, (!fields.is_empty()).then_some(Skel::Object(fields)))
}
