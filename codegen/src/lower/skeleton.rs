//! JSON skeletons → [`Shape`]s.
//!
//! Upstream documents use four placeholders (`"*string*"`, `"*integer*"`,
//! `"*number*"`, `"*boolean*"`), `null`, `{}`, one-element arrays and, rarely,
//! literal values. Overlays may also write `"*enum: a | b*"`,
//! `"*date-time*"`, a reference to one of their types (`"*PcapRequest*"`),
//! and after a comma `required` and free text that documents the field
//! (`"*number, required, seconds, 1 to 300*"`).

use std::collections::BTreeSet;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::ir::{Field, Shape};
use crate::parse::Fence;

/// Reads one fence. `Ok(None)` for an empty fence; `Err(())` once the errors
/// are reported.
pub(super) fn fence_shape(
    source: &SourceFile,
    fence: &Fence,
    diags: &mut Vec<Diagnostic>,
    overlay_types: Option<&BTreeSet<String>>,
) -> Result<Option<Shape>, ()> {
    if fence.content.trim().is_empty() {
        return Ok(None);
    }
    let value: Json = match serde_json::from_str(&fence.content) {
        Ok(value) => value,
        Err(err) => {
            let message = err.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            diags.push(source.error(
                json_error_span(source, fence, &err),
                format!("invalid JSON in the body fence: {message}"),
            ));
            return Err(());
        }
    };
    let mut reader = Reader {
        source,
        fence,
        diags,
        overlay_types,
        cursor: 0,
        failed: false,
        depth: 0,
    };
    let leaf = reader.shape(&value);
    if reader.failed {
        return Err(());
    }
    if leaf.required {
        let span = fence.content_start..fence.content_start;
        reader
            .diags
            .push(source.warning(span, "`required` only has a meaning on an object's field"));
    }
    Ok(Some(leaf.shape))
}

/// Maps serde_json's line and column (within the fence) into the file.
fn json_error_span(source: &SourceFile, fence: &Fence, err: &serde_json::Error) -> Range<usize> {
    let (first_line, _) = source.line_col(fence.content_start);
    let line_start = source.line_start(first_line + err.line().saturating_sub(1));
    let line = &source.text()[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    // serde_json counts columns in bytes.
    let mut offset = err.column().saturating_sub(1).min(line.len());
    while !line.is_char_boundary(offset) {
        offset -= 1;
    }
    line_start + offset..line_start + offset + 1
}

/// Deepest nesting a skeleton may have. Real ones stay under ten levels; the
/// limit keeps every later recursive stage (lowering, emitting, syn,
/// prettyplease) far from the end of its stack.
const MAX_DEPTH: usize = 32;

/// A JSON value that keeps every key of an object, duplicates included, in
/// the order written.
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Json::Object(entries))
    }
}

/// A shape and what a placeholder said about the field holding it.
struct Leaf {
    shape: Shape,
    required: bool,
    doc: String,
}

impl From<Shape> for Leaf {
    fn from(shape: Shape) -> Self {
        Self {
            shape,
            required: false,
            doc: String::new(),
        }
    }
}

struct Reader<'a> {
    source: &'a SourceFile,
    fence: &'a Fence,
    diags: &'a mut Vec<Diagnostic>,
    /// `Some` in overlays: the names of the overlay's types.
    overlay_types: Option<&'a BTreeSet<String>>,
    /// Byte offset into the fence content; values are located in order.
    cursor: usize,
    failed: bool,
    depth: usize,
}

impl Reader<'_> {
    fn error(&mut self, span: Range<usize>, message: String) {
        self.failed = true;
        self.diags.push(self.source.error(span, message));
    }

    /// Where `needle` next occurs in the fence; skeletons are short, and
    /// serde_json keeps no positions, so a forward search stands in for them.
    fn locate(&mut self, needle: &str) -> Range<usize> {
        let content = &self.fence.content;
        let from = self.cursor.min(content.len());
        match content.get(from..).and_then(|rest| rest.find(needle)) {
            Some(i) => {
                let start = from + i;
                self.cursor = start + needle.len();
                self.fence.content_start + start..self.fence.content_start + start + needle.len()
            }
            None => self.fence.content_start..self.fence.content_start,
        }
    }

    fn shape(&mut self, value: &Json) -> Leaf {
        if matches!(value, Json::Array(_) | Json::Object(_)) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                let span = self.locate(if matches!(value, Json::Array(_)) {
                    "["
                } else {
                    "{"
                });
                if !self.failed {
                    self.error(
                        span,
                        format!("nested more than {MAX_DEPTH} levels deep; no real response is"),
                    );
                }
                self.depth -= 1;
                return Shape::Unknown.into();
            }
        }
        let leaf = self.value_shape(value);
        if matches!(value, Json::Array(_) | Json::Object(_)) {
            self.depth -= 1;
        }
        leaf
    }

    fn value_shape(&mut self, value: &Json) -> Leaf {
        match value {
            Json::Null => {
                self.locate("null");
                Shape::Unknown.into()
            }
            Json::String(s) => {
                let token = serde_json::to_string(s).unwrap_or_default();
                let span = self.locate(&token);
                self.placeholder(s, &token, span)
            }
            Json::Number(n) => {
                let span = self.locate(&n.to_string());
                let integer = n.is_i64() || n.is_u64();
                let kind = if integer { "an integer" } else { "a number" };
                self.diags.push(
                    self.source
                        .warning(span, format!("literal value {n} read as {kind}")),
                );
                if integer {
                    Shape::Integer
                } else {
                    Shape::Number
                }
                .into()
            }
            Json::Bool(b) => {
                let span = self.locate(&b.to_string());
                self.diags.push(
                    self.source
                        .warning(span, format!("literal value {b} read as a boolean")),
                );
                Shape::Boolean.into()
            }
            Json::Array(items) => {
                let span = self.locate("[");
                match items.as_slice() {
                    [] => {
                        let message = "an empty array; its elements are read as unknown (`null`)";
                        self.diags.push(self.source.warning(span, message));
                        Shape::Array(Box::new(Shape::Unknown)).into()
                    }
                    [item] => Shape::Array(Box::new(self.shape(item).shape)).into(),
                    _ => {
                        let message = format!(
                            "an array with {} elements; skeletons hold exactly one element shape",
                            items.len()
                        );
                        self.error(span, message);
                        Shape::Unknown.into()
                    }
                }
            }
            Json::Object(entries) => {
                self.locate("{");
                if entries.is_empty() {
                    return Shape::EmptyObject.into();
                }
                let mut keys = BTreeSet::new();
                let fields = entries
                    .iter()
                    .map(|(key, value)| {
                        let token = serde_json::to_string(key).unwrap_or_default();
                        let span = self.locate(&token);
                        if !keys.insert(key.as_str()) {
                            self.error(
                                span,
                                format!("the key {token} appears twice in one object"),
                            );
                        }
                        let leaf = self.shape(value);
                        Field {
                            wire_name: key.clone(),
                            shape: leaf.shape,
                            required: leaf.required,
                            doc: leaf.doc,
                        }
                    })
                    .collect();
                Shape::Object(fields).into()
            }
        }
    }

    fn placeholder(&mut self, s: &str, token: &str, span: Range<usize>) -> Leaf {
        let inner = s
            .strip_prefix('*')
            .and_then(|s| s.strip_suffix('*'))
            .filter(|s| !s.is_empty());
        let Some(inner) = inner else {
            self.diags.push(
                self.source
                    .warning(span, format!("literal value {token} read as a string")),
            );
            return Shape::String.into();
        };
        let basic = match inner {
            "string" => Some(Shape::String),
            "integer" => Some(Shape::Integer),
            "number" => Some(Shape::Number),
            "boolean" => Some(Shape::Boolean),
            _ => None,
        };
        if let Some(shape) = basic {
            return shape.into();
        }
        let Some(types) = self.overlay_types else {
            let hint =
                crate::diagnostic::closest(inner, &["string", "integer", "number", "boolean"])
                    .map(|p| format!(" (did you mean \"*{p}*\"?)"))
                    .unwrap_or_default();
            self.error(
                span,
                format!(
                    "unknown placeholder `{token}`; expected \"*string*\", \"*integer*\", \"*number*\" or \"*boolean*\"{hint}"
                ),
            );
            return Shape::Unknown.into();
        };
        // Overlay grammar: `*kind[, required][, documentation]*`.
        let mut parts = inner.split(',').map(str::trim);
        let kind = parts.next().unwrap_or_default();
        let mut required = false;
        let mut doc = Vec::new();
        for part in parts {
            if part == "required" {
                required = true;
            } else if !part.is_empty() {
                doc.push(part);
            }
        }
        let shape = match kind {
            "string" => Shape::String,
            "integer" => Shape::Integer,
            "number" => Shape::Number,
            "boolean" => Shape::Boolean,
            "date-time" => {
                doc.insert(0, "RFC 3339 date-time");
                Shape::String
            }
            _ if kind.starts_with("enum:") => {
                let values: Vec<String> = kind["enum:".len()..]
                    .split('|')
                    .map(|v| v.trim().to_owned())
                    .collect();
                if values.iter().any(String::is_empty) {
                    self.error(
                        span,
                        format!("an empty value in `{token}`; write `*enum: a | b*`"),
                    );
                    return Shape::Unknown.into();
                }
                Shape::Enum(values)
            }
            _ if types.contains(kind) => Shape::Named(kind.to_owned()),
            _ => {
                let known: Vec<&str> = types.iter().map(String::as_str).collect();
                let known = if known.is_empty() {
                    String::new()
                } else {
                    format!(", or a type of this overlay ({})", known.join(", "))
                };
                self.error(
                    span,
                    format!(
                        "unknown placeholder `{token}`; expected string, integer, number, boolean, date-time, `enum: a | b`{known}"
                    ),
                );
                return Shape::Unknown.into();
            }
        };
        Leaf {
            shape,
            required,
            doc: doc.join(", "),
        }
    }
}
