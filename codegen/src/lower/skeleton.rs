//! JSON skeletons → [`Shape`]s.
//!
//! Upstream documents use four placeholders (`"*string*"`, `"*integer*"`,
//! `"*number*"`, `"*boolean*"`), `null`, `{}`, one-element arrays and, rarely,
//! literal values. Overlays may also write `"*enum: a | b*"`,
//! `"*date-time*"`, `"*any*"` (any JSON, wider than what the document
//! shows), a reference to one of their types (`"*PcapRequest*"`), an array
//! whose elements may be null (`["*number*", null]`),
//! and after a comma `required` and free text that documents the field
//! (`"*number, required, seconds, 1 to 300*"`); in a one-element array
//! (`["*string, required, …*"]`) those describe the field holding it.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Lint, SourceFile};
use crate::ir::{Field, Shape};
use crate::parse::Fence;

/// Reads one fence. `Ok(None)` for an empty fence; `Err(())` once the errors
/// are reported.
pub(crate) fn fence_shape(
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
            // serde_json's words, in the terms of a fence.
            let message = match message {
                "EOF while parsing an object" => {
                    "the fence ends before the object is closed with `}`"
                }
                "EOF while parsing a list" => "the fence ends before the array is closed with `]`",
                "EOF while parsing a string" => "the fence ends inside a string",
                "EOF while parsing a value" => "the fence ends where a value should be",
                "expected ident" => "expected `true`, `false` or `null`",
                other => other,
            };
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
        tokens: token_spans(source, fence),
        next: 0,
        failed: false,
        depth: 0,
    };
    let leaf = reader.shape(&value);
    if reader.failed {
        return Err(());
    }
    if leaf.required {
        let span = fence.content_start..fence.content_start;
        reader.diags.push(source.warning(
            Lint::MisplacedRequired,
            span,
            "`required` only has a meaning on an object's field",
        ));
    }
    Ok(Some(leaf.shape))
}

/// Maps serde_json's line and column (within the fence) into the file.
fn json_error_span(source: &SourceFile, fence: &Fence, err: &serde_json::Error) -> Range<usize> {
    let content = &fence.content;
    let line_start = content
        .split_inclusive('\n')
        .take(err.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let line_len = content[line_start..]
        .find('\n')
        .unwrap_or(content.len() - line_start);
    // serde_json counts columns in bytes.
    let offset = line_start + err.column().saturating_sub(1).min(line_len);
    let at = file_offset(source, fence, offset);
    at..at + 1
}

/// The file offset of a byte offset into a fence's content. The content
/// lost each line's indentation (or `> ` marker); that prefix is what the
/// source line has beyond the content line.
fn file_offset(source: &SourceFile, fence: &Fence, offset: usize) -> usize {
    Lines::of(source, fence).file_offset(offset)
}

/// A fence's content lines, found once: every token of a large fence maps
/// to the file in time independent of the fence's size.
struct Lines<'a> {
    source: &'a SourceFile,
    content: &'a str,
    /// Where each content line starts.
    starts: Vec<usize>,
    /// The file line of the content's first line.
    first_line: usize,
}

impl<'a> Lines<'a> {
    fn of(source: &'a SourceFile, fence: &'a Fence) -> Self {
        let content = fence.content.as_str();
        let starts = std::iter::once(0)
            .chain(content.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let (first_line, _) = source.line_col(fence.content_start);
        Lines {
            source,
            content,
            starts,
            first_line,
        }
    }

    fn file_offset(&self, offset: usize) -> usize {
        let content = self.content;
        let mut offset = offset.min(content.len());
        while !content.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let column = offset - self.starts[line];
        let content_line = content[self.starts[line]..]
            .split('\n')
            .next()
            .unwrap_or_default();
        let source_start = self.source.line_start(self.first_line + line);
        let source_line = self.source.text()[source_start..]
            .split('\n')
            .next()
            .unwrap_or_default();
        let prefix = if content_line.is_empty() {
            0
        } else if source_line.ends_with(content_line) {
            source_line.len() - content_line.len()
        } else {
            0
        };
        (source_start + prefix + column).min(self.source.text().len())
    }
}

/// Where every key and value of a fence starts and ends, in the order a
/// depth-first walk meets them. serde_json has already checked the syntax,
/// so finding token boundaries is all that is left to do.
fn token_spans(source: &SourceFile, fence: &Fence) -> Vec<Range<usize>> {
    let lines = Lines::of(source, fence);
    let bytes = fence.content.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
            }
            b'{' | b'[' => i += 1,
            b'-' | b'0'..=b'9' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
            }
            b't' | b'f' | b'n' => {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
            }
            _ => {
                i += 1;
                continue;
            }
        }
        spans.push(lines.file_offset(start)..lines.file_offset(i.min(bytes.len())));
    }
    spans
}

/// How many tokens [`token_spans`] finds for a value: itself, its keys and
/// everything inside it.
fn token_count(value: &Json) -> usize {
    match value {
        Json::Array(items) => 1 + items.iter().map(token_count).sum::<usize>(),
        Json::Object(entries) => {
            1 + entries
                .iter()
                .map(|(_, v)| 1 + token_count(v))
                .sum::<usize>()
        }
        _ => 1,
    }
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
    /// Spans of the fence's tokens, and the next one to be read.
    tokens: Vec<Range<usize>>,
    next: usize,
    failed: bool,
    depth: usize,
}

impl Reader<'_> {
    fn error(&mut self, span: Range<usize>, message: String) {
        self.failed = true;
        self.diags.push(self.source.error(span, message));
    }

    /// The span of the next token; the reader visits values in the order
    /// they are written.
    fn next_token(&mut self) -> Range<usize> {
        let start = self.fence.content_start;
        let span = self.tokens.get(self.next).cloned().unwrap_or(start..start);
        self.next += 1;
        span
    }

    /// Passes over the tokens of values that are not read.
    fn skip(&mut self, values: &[&Json]) {
        self.next += values.iter().map(|v| token_count(v)).sum::<usize>();
    }

    /// The text of a span, as written.
    fn text(&self, span: &Range<usize>) -> String {
        self.source
            .text()
            .get(span.clone())
            .unwrap_or_default()
            .to_owned()
    }

    fn shape(&mut self, value: &Json) -> Leaf {
        if matches!(value, Json::Array(_) | Json::Object(_)) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                let span = self.next_token();
                let children: Vec<&Json> = match value {
                    Json::Array(items) => items.iter().collect(),
                    Json::Object(entries) => entries.iter().map(|(_, v)| v).collect(),
                    _ => Vec::new(),
                };
                // Keys are tokens too.
                if let Json::Object(entries) = value {
                    self.next += entries.len();
                }
                self.skip(&children);
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
                self.next_token();
                Shape::Unknown.into()
            }
            Json::String(s) => {
                let span = self.next_token();
                let token = self.text(&span);
                self.placeholder(s, &token, span)
            }
            Json::Number(n) => {
                let span = self.next_token();
                let written = self.text(&span);
                let integer = n.is_i64() || n.is_u64();
                let kind = if integer { "an integer" } else { "a number" };
                self.diags.push(self.source.warning(
                    Lint::LiteralValue,
                    span,
                    format!("literal value {written} read as {kind}"),
                ));
                if integer {
                    Shape::Integer
                } else {
                    Shape::Number
                }
                .into()
            }
            Json::Bool(b) => {
                let span = self.next_token();
                self.diags.push(self.source.warning(
                    Lint::LiteralValue,
                    span,
                    format!("literal value {b} read as a boolean"),
                ));
                Shape::Boolean.into()
            }
            Json::Array(items) => {
                let span = self.next_token();
                match items.as_slice() {
                    [] => {
                        let message = "an empty array; its elements are read as unknown (`null`)";
                        self.diags
                            .push(self.source.warning(Lint::LiteralValue, span, message));
                        Shape::Array(Box::new(Shape::Unknown)).into()
                    }
                    // An element is never absent: its placeholder's
                    // `required` and words describe the field holding the
                    // array (`["*string, required, name servers*"]`).
                    [item] => {
                        let item = self.shape(item);
                        Leaf {
                            shape: Shape::Array(Box::new(item.shape)),
                            required: item.required,
                            doc: item.doc,
                        }
                    }
                    // Overlays: `[element, null]`, elements that may be null.
                    [item, Json::Null] if self.overlay_types.is_some() => {
                        let item = self.shape(item);
                        self.next_token();
                        // `[null, null]` too: an element of whatever the
                        // document shows, or `null`.
                        let element = Shape::Nullable(Box::new(item.shape));
                        Leaf {
                            shape: Shape::Array(Box::new(element)),
                            required: item.required,
                            doc: item.doc,
                        }
                    }
                    _ => {
                        let message = if self.overlay_types.is_some() {
                            format!(
                                "an array with {} elements; an overlay's array holds one element shape, and `null` after it when elements may be null (`[\"*number*\", null]`)",
                                items.len()
                            )
                        } else {
                            format!(
                                "an array with {} elements; skeletons hold exactly one element shape",
                                items.len()
                            )
                        };
                        self.error(span, message);
                        self.skip(&items.iter().collect::<Vec<_>>());
                        Shape::Unknown.into()
                    }
                }
            }
            Json::Object(entries) => {
                self.next_token();
                if entries.is_empty() {
                    return Shape::EmptyObject.into();
                }
                let mut keys = BTreeSet::new();
                let fields = entries
                    .iter()
                    .map(|(key, value)| {
                        let span = self.next_token();
                        let token = self.text(&span);
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
            self.diags.push(self.source.warning(
                Lint::LiteralValue,
                span,
                format!("literal value {token} read as a string"),
            ));
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
            "any" => Shape::Any,
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
                        "unknown placeholder `{token}`; expected string, integer, number, boolean, date-time, any, `enum: a | b`{known}"
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
