//! The generated table, as the command reads it: the list of areas
//! (`generated/areas.rs`, compiled in) and one area's JSON document, parsed
//! only when that area is called.
//!
//! The documents are written by `codegen/src/emit/cli.rs`; this module is
//! their reader and must accept exactly what that writer leaves out (every
//! empty key is absent).

use std::collections::BTreeMap;

use serde::Deserialize;

#[rustfmt::skip]
#[path = "generated/areas.rs"]
mod generated;

pub use self::generated::AREAS;

/// One area of the API: what `cloudflare --help` lists, and its table.
#[derive(Debug)]
pub struct AreaEntry {
    /// The command-line name, also the client's cargo feature.
    pub name: &'static str,
    /// The document's title.
    pub title: &'static str,
    /// How many methods `cloudflare <area> --help` lists.
    pub methods: usize,
    /// The area's JSON document.
    pub table: &'static str,
}

impl AreaEntry {
    /// The area called `name`.
    pub fn find(name: &str) -> Option<&'static AreaEntry> {
        AREAS
            .binary_search_by(|area| area.name.cmp(name))
            .ok()
            .map(|i| &AREAS[i])
    }

    /// The area's document, parsed. A document that does not parse is a
    /// generator bug; the freshness check and the tests read every one.
    pub fn parse(&self) -> Result<AreaTable, serde_json::Error> {
        serde_json::from_str(self.table)
    }
}

/// One area's document.
#[derive(Debug, Deserialize)]
pub struct AreaTable {
    pub methods: Vec<Method>,
    /// The types the bodies use, by name.
    #[serde(default)]
    pub types: BTreeMap<String, TypeDef>,
}

impl AreaTable {
    /// The method called `name`, and whether it is the `…-stream` twin of
    /// a method that streams.
    pub fn find(&self, name: &str) -> Option<(&Method, bool)> {
        if let Some(method) = self.methods.iter().find(|m| m.name == name) {
            return Some((method, false));
        }
        let plain = name.strip_suffix(STREAM_SUFFIX)?;
        self.methods
            .iter()
            .find(|m| m.name == plain && m.streams)
            .map(|m| (m, true))
    }

    /// Every method's command-line name, the stream twins after their
    /// methods.
    pub fn names(&self) -> impl Iterator<Item = (String, &Method, bool)> {
        self.methods.iter().flat_map(|m| {
            let stream = m
                .streams
                .then(|| (format!("{}{STREAM_SUFFIX}", m.name), m, true));
            std::iter::once((m.name.clone(), m, false)).chain(stream)
        })
    }
}

/// What the twin of a streaming method is called after it.
pub const STREAM_SUFFIX: &str = "-stream";

/// One endpoint.
#[derive(Debug, Deserialize)]
pub struct Method {
    pub name: String,
    pub title: String,
    /// As written in the docs (Markdown prose, usually a line or two).
    #[serde(default)]
    pub description: String,
    pub method: String,
    pub path: String,
    /// Path parameters in order: wire name, and the placeholder shown.
    #[serde(default)]
    pub params: Vec<(String, String)>,
    #[serde(default)]
    pub query: Vec<QueryField>,
    #[serde(default)]
    pub body: Option<BodyEntry>,
    pub output: OutputKind,
    #[serde(default)]
    pub streams: bool,
    #[serde(default)]
    pub accept: Option<String>,
    pub example: String,
}

/// One field of an endpoint's query.
#[derive(Debug, Deserialize)]
pub struct QueryField {
    pub name: String,
    pub kind: Kind,
    #[serde(default)]
    pub values: Vec<String>,
    /// An array: the flag may be given more than once.
    #[serde(default)]
    pub repeat: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub doc: String,
}

/// The kind of a query field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    String,
    Integer,
    /// An integer that is never negative (a page number).
    Unsigned,
    Number,
    Boolean,
    /// Passed through as written.
    Any,
}

/// What an endpoint's answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputKind {
    /// The envelope's `result`.
    Json,
    /// The whole body, JSON without an envelope.
    Bare,
    /// The envelope's `result`, an array that pages.
    List,
    /// Anything else (a download): the body as it comes.
    Raw,
    /// `204`.
    None,
}

/// An endpoint's body, as written: one of the keys is set.
#[derive(Debug, Deserialize)]
pub struct BodyEntry {
    #[serde(default)]
    json: Option<String>,
    #[serde(default)]
    lines: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    bytes: Option<String>,
    #[serde(default)]
    form: Option<Vec<Part>>,
}

/// An endpoint's body.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// JSON of this type.
    Json(&'a str),
    /// Newline-delimited JSON, each line of this type, sent as this
    /// content type.
    Lines(&'a str, &'a str),
    /// Bytes, sent as this content type.
    Bytes(&'a str),
    /// `multipart/form-data` with these parts.
    Form(&'a [Part]),
}

impl BodyEntry {
    pub fn kind(&self) -> Option<Body<'_>> {
        if let Some(ty) = &self.json {
            return Some(Body::Json(ty));
        }
        if let Some(ty) = &self.lines {
            let content_type = self
                .content_type
                .as_deref()
                .unwrap_or("application/x-ndjson");
            return Some(Body::Lines(ty, content_type));
        }
        if let Some(content_type) = &self.bytes {
            return Some(Body::Bytes(content_type));
        }
        self.form.as_deref().map(Body::Form)
    }
}

/// One part of a multipart body.
#[derive(Debug, Deserialize)]
pub struct Part {
    /// The part's wire name; for a part sent under any name, what the
    /// client calls it.
    pub name: String,
    pub kind: PartKind,
    /// The type of a JSON or text part.
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    /// The content types a file part may have; the first is the default.
    #[serde(default)]
    pub content_types: Vec<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub repeated: bool,
    /// Sent under whatever name the caller gives.
    #[serde(default)]
    pub any_name: bool,
    #[serde(default)]
    pub doc: String,
}

/// What a part holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PartKind {
    Json,
    Text,
    File,
}

/// A type of the area, as written: a struct has `fields`, an enum
/// `enum`, a union `variants` (and `tag` when tagged).
#[derive(Debug, Deserialize)]
pub struct TypeDef {
    #[serde(default)]
    fields: Option<Vec<Field>>,
    #[serde(default, rename = "enum")]
    values: Option<Vec<String>>,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    variants: Option<Vec<(String, String)>>,
}

/// A type of the area.
#[derive(Debug, Clone, Copy)]
pub enum Def<'a> {
    Struct(&'a [Field]),
    /// The known values (the client keeps others; the command refuses them
    /// in a body unless told not to check).
    Enum(&'a [String]),
    /// One of several structs: told apart by the tag field's value, or by
    /// shape. Each variant is (tag value or name, struct).
    Union {
        tag: Option<&'a str>,
        variants: &'a [(String, String)],
    },
}

impl TypeDef {
    pub fn def(&self) -> Def<'_> {
        if let Some(values) = &self.values {
            return Def::Enum(values);
        }
        if let Some(variants) = &self.variants {
            return Def::Union {
                tag: self.tag.as_deref(),
                variants,
            };
        }
        Def::Struct(self.fields.as_deref().unwrap_or_default())
    }
}

/// A field of a struct.
#[derive(Debug, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub doc: String,
}

/// A type as the table writes it: `string`, `integer`, `unsigned`,
/// `number`, `boolean`, `any`, `object`, `[T]`, `T?` or a type's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty<'a> {
    String,
    Integer,
    /// An integer that is never negative.
    Unsigned,
    Number,
    Boolean,
    Any,
    /// An object of any values.
    Object,
    Array(Box<Ty<'a>>),
    /// The value, or `null`.
    Nullable(Box<Ty<'a>>),
    Named(&'a str),
}

impl<'a> Ty<'a> {
    pub fn parse(text: &'a str) -> Ty<'a> {
        if let Some(inner) = text.strip_suffix('?') {
            return Ty::Nullable(Box::new(Ty::parse(inner)));
        }
        if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            return Ty::Array(Box::new(Ty::parse(inner)));
        }
        match text {
            "string" => Ty::String,
            "integer" => Ty::Integer,
            "unsigned" => Ty::Unsigned,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "any" => Ty::Any,
            "object" => Ty::Object,
            name => Ty::Named(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_as_the_generator_writes_them() {
        assert_eq!(
            Ty::parse("[number?]"),
            Ty::Array(Box::new(Ty::Nullable(Box::new(Ty::Number))))
        );
        assert_eq!(Ty::parse("DnsRecord"), Ty::Named("DnsRecord"));
        assert_eq!(Ty::parse("object"), Ty::Object);
        assert_eq!(Ty::parse("[unsigned]"), Ty::Array(Box::new(Ty::Unsigned)));
    }

    #[test]
    fn every_area_is_sorted_and_its_table_parses() {
        assert!(AREAS.windows(2).all(|w| w[0].name < w[1].name));
        for area in AREAS {
            let table = area
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", area.name));
            assert_eq!(table.names().count(), area.methods, "{}", area.name);
            for method in &table.methods {
                if let Some(Body::Json(ty) | Body::Lines(ty, _)) =
                    method.body.as_ref().and_then(BodyEntry::kind)
                {
                    if let Ty::Named(name) = Ty::parse(ty) {
                        assert!(table.types.contains_key(name), "{}: {name}", area.name);
                    }
                }
            }
        }
    }
}
