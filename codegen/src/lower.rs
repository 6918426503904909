//! [`SpecDoc`] → IR: validates what the document says, turns JSON skeletons
//! into shapes, names everything (through [`crate::naming`]) and decides what
//! each endpoint returns.
//!
//! Every problem is reported with its location, and lowering goes on after an
//! error so that one run shows all of a file's problems.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::ir::{
    Api, Area, Endpoint, Field, FieldDef, Method, Output, Param, PathPart, PathTemplate, Response,
    Shape, Status, TypeDef, TypeRef,
};
use crate::naming::{self, Namespace};
use crate::parse::{Fence, RawEndpoint, RawResponse, SpecDoc, Spanned};
use crate::rustdoc;

/// Names an area module may not take: the hand-written crate root uses them,
/// and the module name doubles as an accessor method on `Client`.
const RESERVED_MODULES: &[&str] = &[
    "runtime", "generated", "client", "error", "prelude", "builder", "from_env", "clone", "fmt",
];

/// Method names a handle may not give an endpoint.
const RESERVED_METHODS: &[&str] = &["clone", "fmt", "client", "new"];

/// Lowers parsed documents into one API. Areas keep the input order; their
/// module names are unique across the API.
pub fn lower(docs: &[(&SourceFile, SpecDoc)]) -> (Api, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut modules = Namespace::with_reserved(RESERVED_MODULES);
    let mut areas = Vec::new();
    for (source, doc) in docs {
        if let Some(mut area) = lower_area(source, doc, &mut diags) {
            area.module = modules.claim(&area.module, "api");
            area.handle = naming::type_name(&area.module);
            areas.push(area);
        }
    }
    (Api { areas }, diags)
}

/// Lowers one document. Returns `None` only when it has no usable title.
pub fn lower_area(source: &SourceFile, doc: &SpecDoc, diags: &mut Vec<Diagnostic>) -> Option<Area> {
    let title = doc.title.as_ref()?;
    let module = match naming::module_name(&title.value) {
        Some(module) => module,
        None => {
            diags.push(source.error(
                title.span.clone(),
                format!("the title `{}` gives no module name; it needs a letter or digit", title.value),
            ));
            return None;
        }
    };
    let handle = naming::type_name(&module);
    let mut lowering = AreaLowering {
        source,
        diags,
        types: Vec::new(),
        type_names: Namespace::with_reserved(&[handle.as_str()]),
        seen_shapes: HashMap::new(),
    };
    let mut methods = Namespace::with_reserved(RESERVED_METHODS);
    let mut endpoints = Vec::new();
    for raw in &doc.endpoints {
        if let Some(endpoint) = lowering.endpoint(raw, &mut methods) {
            endpoints.push(endpoint);
        }
    }
    Some(Area {
        source: source.path().to_owned(),
        title: title.value.clone(),
        module,
        handle,
        doc: rustdoc::sanitize(&doc.intro),
        endpoints,
        types: lowering.types,
    })
}

struct AreaLowering<'a> {
    source: &'a SourceFile,
    diags: &'a mut Vec<Diagnostic>,
    types: Vec<TypeDef>,
    type_names: Namespace,
    /// Object shapes already named in this area: identical shapes share a type.
    seen_shapes: HashMap<Shape, String>,
}

impl AreaLowering<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags.push(self.source.error(span, message));
    }

    fn warning(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags.push(self.source.warning(span, message));
    }

    fn endpoint(&mut self, raw: &RawEndpoint, methods: &mut Namespace) -> Option<Endpoint> {
        let errors_before = self.error_count();
        let method = raw.method.as_ref().and_then(|m| self.method(m));
        let path = raw.path.as_ref().and_then(|p| self.path(p));
        let responses: Vec<Response> = raw.responses.iter().filter_map(|r| self.response(r)).collect();
        let base_name = naming::method_name(&raw.title.value);
        if base_name.is_none() {
            self.error(
                raw.title.span.clone(),
                format!(
                    "the title `{}` gives no method name; it needs a letter or digit",
                    raw.title.value
                ),
            );
        }
        let (Some(method), Some(path), Some(base_name)) = (method, path, base_name) else {
            return None;
        };
        if self.error_count() > errors_before {
            return None;
        }
        // A repeated title (often a PUT/PATCH pair) takes the HTTP method as a
        // suffix, then a number: `update_x`, `update_x_patch`, `update_x_patch2`.
        let rust_name = methods.claim(&base_name, &method.as_str().to_ascii_lowercase());
        let output = self.output(&rust_name, &responses);
        let doc = rustdoc::sanitize(&format!(
            "{}\n\n`{} {}`\n\n{}",
            raw.title.value,
            method.as_str(),
            path.template,
            raw.description
        ));
        Some(Endpoint {
            title: raw.title.value.clone(),
            rust_name,
            method,
            path,
            description: raw.description.clone(),
            doc: doc.trim_end().to_owned(),
            responses,
            output,
        })
    }

    fn error_count(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    fn method(&mut self, method: &Spanned<String>) -> Option<Method> {
        let found = Method::from_wire(&method.value);
        if found.is_none() {
            let hint = Method::from_wire(&method.value.to_ascii_uppercase())
                .map(|m| format!("; write it in upper case: `{}`", m.as_str()))
                .unwrap_or_default();
            self.error(
                method.span.clone(),
                format!(
                    "unknown HTTP method `{}`; expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS{hint}",
                    method.value
                ),
            );
        }
        found
    }

    fn path(&mut self, path: &Spanned<String>) -> Option<PathTemplate> {
        let text = &path.value;
        let at = |i: usize, len: usize| path.span.start + i..path.span.start + i + len;
        if !text.starts_with('/') {
            self.error(at(0, text.len().max(1)), format!("the path `{text}` must start with `/`"));
            return None;
        }
        let mut parts = Vec::new();
        let mut params: Vec<Param> = Vec::new();
        let mut literal = String::new();
        let mut ok = true;
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let c = rest.chars().next().unwrap_or_default();
            match c {
                '{' => {
                    let Some(close) = rest.find('}') else {
                        self.error(at(i, 1), "this `{` is never closed with `}`");
                        return None;
                    };
                    let name = &rest[1..close];
                    if let Some(inner) = name.find('{') {
                        self.error(at(i + 1 + inner, 1), "a `{` inside a path parameter");
                        return None;
                    }
                    if name.trim().is_empty() {
                        self.error(at(i, close + 1), "a path parameter with an empty name");
                        ok = false;
                    } else {
                        if !literal.is_empty() {
                            parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                        }
                        let rust_name = naming::param_name(name);
                        let index = match params.iter().position(|p| p.wire_name == name) {
                            Some(index) => index,
                            None => {
                                if let Some(other) = params.iter().find(|p| p.rust_name == rust_name) {
                                    let message = format!(
                                        "path parameters `{{{}}}` and `{{{name}}}` would both be the argument `{rust_name}`; use one spelling",
                                        other.wire_name
                                    );
                                    self.error(at(i, close + 1), message);
                                    ok = false;
                                }
                                params.push(Param {
                                    wire_name: name.to_owned(),
                                    rust_name,
                                });
                                params.len() - 1
                            }
                        };
                        parts.push(PathPart::Param(index));
                    }
                    i += close + 1;
                }
                '}' => {
                    self.error(at(i, 1), "this `}` has no matching `{`");
                    return None;
                }
                _ if c.is_whitespace() => {
                    self.error(at(i, 1), "a path may not contain white space");
                    return None;
                }
                _ => {
                    literal.push(c);
                    i += c.len_utf8();
                }
            }
        }
        if !literal.is_empty() {
            parts.push(PathPart::Literal(literal));
        }
        ok.then(|| PathTemplate {
            template: text.clone(),
            parts,
            params,
        })
    }

    fn response(&mut self, raw: &RawResponse) -> Option<Response> {
        let status = self.status(&raw.status);
        let data_at_result = match &raw.quote {
            None => false,
            Some(quote) if quote.code.as_deref() == Some("body[\"result\"]") => true,
            Some(quote) => {
                self.warning(
                    quote.span.clone(),
                    format!(
                        "unrecognised quote `{}`; only `Data is at `body[\"result\"]`` is understood, so the body is taken whole",
                        quote.text
                    ),
                );
                false
            }
        };
        let body = match &raw.fence {
            Some(fence) if !fence.content.trim().is_empty() => self.body(fence),
            _ => Some(None),
        };
        Some(Response {
            status: status?,
            description: raw.description.clone(),
            data_at_result,
            body: body?,
        })
    }

    fn status(&mut self, status: &Spanned<String>) -> Option<Status> {
        let s = status.value.as_str();
        let bytes = s.as_bytes();
        let parsed = if s.eq_ignore_ascii_case("default") {
            Some(Status::Default)
        } else if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_digit) {
            s.parse().ok().filter(|c| (100..600).contains(c)).map(Status::Code)
        } else if bytes.len() == 3
            && (b'1'..=b'5').contains(&bytes[0])
            && bytes[1..].eq_ignore_ascii_case(b"xx")
        {
            Some(Status::Class(bytes[0] - b'0'))
        } else {
            None
        };
        if parsed.is_none() {
            self.error(
                status.span.clone(),
                format!(
                    "`{s}` is not a response status; expected a code (200), a class (4XX) or `default`"
                ),
            );
        }
        parsed
    }

    /// Parses a fence's JSON skeleton. `Some(None)` never happens here; the
    /// outer `Option` is `None` when the skeleton is invalid.
    fn body(&mut self, fence: &Fence) -> Option<Option<Shape>> {
        let value: serde_json::Value = match serde_json::from_str(&fence.content) {
            Ok(value) => value,
            Err(err) => {
                let span = self.json_error_span(fence, &err);
                let message = err.to_string();
                let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
                self.error(span, format!("invalid JSON in the body fence: {message}"));
                return None;
            }
        };
        let mut cursor = 0;
        self.shape(fence, &value, &mut cursor).map(Some)
    }

    fn json_error_span(&self, fence: &Fence, err: &serde_json::Error) -> Range<usize> {
        let (first_line, _) = self.source.line_col(fence.content_start);
        let line_start = self.source.line_start(first_line + err.line().saturating_sub(1));
        let line = &self.source.text()[line_start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let offset = line
            .char_indices()
            .nth(err.column().saturating_sub(1))
            .map_or(line.len(), |(i, _)| i);
        line_start + offset..line_start + offset + 1
    }

    /// Where `needle` first occurs in the fence at or after `cursor` (a byte
    /// offset into the content, advanced past each match so repeated values
    /// are located in order).
    fn locate(&self, fence: &Fence, needle: &str, cursor: &mut usize) -> Range<usize> {
        let from = (*cursor).min(fence.content.len());
        match fence.content.get(from..).and_then(|rest| rest.find(needle)) {
            Some(i) => {
                let start = from + i;
                *cursor = start + needle.len();
                fence.content_start + start..fence.content_start + start + needle.len()
            }
            None => fence.content_start..fence.content_start,
        }
    }

    fn shape(&mut self, fence: &Fence, value: &serde_json::Value, cursor: &mut usize) -> Option<Shape> {
        use serde_json::Value;
        Some(match value {
            Value::Null => {
                self.locate(fence, "null", cursor);
                Shape::Unknown
            }
            Value::String(s) => {
                let token = serde_json::to_string(s).unwrap_or_default();
                let span = self.locate(fence, &token, cursor);
                match s.as_str() {
                    "*string*" => Shape::String,
                    "*integer*" => Shape::Integer,
                    "*number*" => Shape::Number,
                    "*boolean*" => Shape::Boolean,
                    _ if s.len() > 2 && s.starts_with('*') && s.ends_with('*') => {
                        self.error(
                            span,
                            format!(
                                "unknown placeholder `{token}`; expected \"*string*\", \"*integer*\", \"*number*\" or \"*boolean*\""
                            ),
                        );
                        return None;
                    }
                    _ => {
                        self.warning(span, format!("literal value {token} read as a string"));
                        Shape::String
                    }
                }
            }
            Value::Number(n) => {
                let span = self.locate(fence, &n.to_string(), cursor);
                let integer = n.is_i64() || n.is_u64();
                let kind = if integer { "an integer" } else { "a number" };
                self.warning(span, format!("literal value {n} read as {kind}"));
                if integer { Shape::Integer } else { Shape::Number }
            }
            Value::Bool(b) => {
                let span = self.locate(fence, &b.to_string(), cursor);
                self.warning(span, format!("literal value {b} read as a boolean"));
                Shape::Boolean
            }
            Value::Array(items) => {
                let span = self.locate(fence, "[", cursor);
                match items.as_slice() {
                    [] => {
                        self.warning(span, "an empty array; its elements are read as unknown (`null`)");
                        Shape::Array(Box::new(Shape::Unknown))
                    }
                    [item] => Shape::Array(Box::new(self.shape(fence, item, cursor)?)),
                    _ => {
                        self.error(
                            span,
                            format!(
                                "an array with {} elements; skeletons hold exactly one element shape",
                                items.len()
                            ),
                        );
                        return None;
                    }
                }
            }
            Value::Object(map) => {
                self.locate(fence, "{", cursor);
                if map.is_empty() {
                    Shape::EmptyObject
                } else {
                    let mut fields = Vec::with_capacity(map.len());
                    let mut ok = true;
                    for (key, value) in map {
                        let key_token = serde_json::to_string(key).unwrap_or_default();
                        self.locate(fence, &key_token, cursor);
                        match self.shape(fence, value, cursor) {
                            Some(shape) => fields.push(Field {
                                wire_name: key.clone(),
                                shape,
                            }),
                            None => ok = false,
                        }
                    }
                    if !ok {
                        return None;
                    }
                    Shape::Object(fields)
                }
            }
        })
    }

    /// Decides what a successful call returns.
    fn output(&mut self, method: &str, responses: &[Response]) -> Output {
        let mut successes: Vec<&Response> = responses.iter().filter(|r| r.status.is_success()).collect();
        if successes.is_empty() {
            // With no documented success, a lone `default` describes it.
            successes = responses.iter().filter(|r| r.status == Status::Default).collect();
            if successes.len() != 1 || responses.len() != 1 {
                return Output::Raw;
            }
        }
        if successes.iter().all(|r| r.status == Status::Code(204)) {
            return Output::NoContent;
        }
        let with_body: Vec<&Response> = successes.iter().copied().filter(|r| r.body.is_some()).collect();
        let Some(first) = with_body.first() else {
            return Output::Raw;
        };
        let envelope = first.data_at_result;
        let same = with_body
            .iter()
            .all(|r| r.body == first.body && r.data_at_result == envelope);
        if !same {
            // Several different success bodies: nothing typed fits them all.
            return Output::Json {
                ty: TypeRef::Value,
                envelope,
            };
        }
        let shape = first.body.clone().unwrap_or(Shape::Unknown);
        let pascal = naming::type_name(method);
        let hint = if matches!(shape, Shape::Array(_)) {
            format!("{pascal}Item")
        } else {
            format!("{pascal}Response")
        };
        let ty = self.type_of(&shape, &hint, method);
        Output::Json { ty, envelope }
    }

    /// The Rust type of a shape; object shapes become named structs. For an
    /// array, `hint` names the element type.
    fn type_of(&mut self, shape: &Shape, hint: &str, user: &str) -> TypeRef {
        match shape {
            Shape::String => TypeRef::String,
            Shape::Integer => TypeRef::I64,
            Shape::Number => TypeRef::F64,
            Shape::Boolean => TypeRef::Bool,
            Shape::Unknown => TypeRef::Value,
            Shape::EmptyObject => TypeRef::Map,
            Shape::Array(item) => TypeRef::Vec(Box::new(self.type_of(item, hint, user))),
            Shape::Object(fields) => {
                if let Some(name) = self.seen_shapes.get(shape).cloned() {
                    if let Some(def) = self.types.iter_mut().find(|t| t.name == name) {
                        if !def.used_by.iter().any(|u| u == user) {
                            def.used_by.push(user.to_owned());
                        }
                    }
                    return TypeRef::Named(name);
                }
                let name = self.type_names.claim(hint, "");
                self.seen_shapes.insert(shape.clone(), name.clone());
                // Reserve the slot first so a parent precedes its children.
                let index = self.types.len();
                self.types.push(TypeDef {
                    name: name.clone(),
                    fields: Vec::new(),
                    used_by: vec![user.to_owned()],
                });
                let mut field_names = Namespace::default();
                let defs = fields
                    .iter()
                    .map(|field| {
                        let rust_name = field_names.claim(&naming::field_name(&field.wire_name), "");
                        let child_hint = format!("{name}{}", naming::type_name(&rust_name));
                        let child_hint = match &field.shape {
                            Shape::Array(_) => format!("{child_hint}Item"),
                            _ => child_hint,
                        };
                        FieldDef {
                            wire_name: field.wire_name.clone(),
                            ty: self.type_of(&field.shape, &child_hint, user),
                            rust_name,
                        }
                    })
                    .collect();
                self.types[index].fields = defs;
                TypeRef::Named(name)
            }
        }
    }
}
