//! What the contract tests share: reading an OpenAPI description with
//! just enough of the standard to walk its schemas, checking that a typed
//! value loses nothing of what the server sent, and talking to Prism both
//! through the generated client and through a plain reqwest client.
//!
//! Included with `#[path]` by each contract test, beside `prism.rs`; it
//! knows no contract, endpoint or credential of its own.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use generated_client::Error;
use generated_client::runtime::{HeaderMap, Object, Segment, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::prism::{json_file, spec_path};

/// Writes to the process's standard error itself, so that a test's
/// figures show in CI: `eprintln!` goes through the test harness's
/// capture, which shows nothing of a test that passes.
pub fn say(text: &str) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

// ---------------------------------------------------------------------------
// The contract, read with just enough OpenAPI to walk its schemas

pub struct Contract {
    pub doc: Value,
}

impl Contract {
    /// The description at `spec`, relative to the workspace `root`.
    pub fn load(root: &Path, spec: &str) -> Contract {
        Contract {
            doc: json_file(&spec_path(root, spec)),
        }
    }

    pub fn schema(&self, name: &str) -> &Value {
        let schema = &self.doc["components"]["schemas"][name];
        assert!(!schema.is_null(), "the contract has no schema {name}");
        schema
    }

    /// Follows `$ref`s to the schema itself.
    pub fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
            schema = self.schema(name);
        }
        schema
    }

    /// Follows a parameter's `$ref` (`#/components/parameters/…`).
    pub fn resolve_parameter<'a>(&'a self, mut parameter: &'a Value) -> &'a Value {
        while let Some(reference) = parameter.get("$ref").and_then(Value::as_str) {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
            parameter = self
                .doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("the contract has no {reference}"));
        }
        parameter
    }

    /// Sub-schemas combined with `allOf`, `anyOf` or `oneOf`.
    pub fn branches<'a>(&'a self, schema: &'a Value) -> impl Iterator<Item = &'a Value> {
        ["allOf", "anyOf", "oneOf"]
            .into_iter()
            .filter_map(|key| schema.get(key).and_then(Value::as_array))
            .flatten()
    }

    /// Every property a value of `schema` may have, through `$ref`s and
    /// combinations. A property declared by several branches gets the
    /// `anyOf` of its schemas.
    pub fn properties(&self, schema: &Value) -> BTreeMap<String, Value> {
        let schema = self.resolve(schema);
        let mut out: BTreeMap<String, Value> = BTreeMap::new();
        let mut add = |name: &String, sub: &Value| match out.get_mut(name) {
            None => {
                out.insert(name.clone(), sub.clone());
            }
            Some(existing) => {
                let mut options = match existing.get("anyOf") {
                    Some(Value::Array(options)) if existing.as_object().unwrap().len() == 1 => {
                        options.clone()
                    }
                    _ => vec![existing.clone()],
                };
                options.push(sub.clone());
                *existing = json!({ "anyOf": options });
            }
        };
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, sub) in props {
                add(name, sub);
            }
        }
        for branch in self.branches(schema) {
            for (name, sub) in self.properties(branch) {
                add(&name, &sub);
            }
        }
        out
    }

    /// Properties every value must have: `required` here and in `allOf`
    /// branches (`anyOf`/`oneOf` alternatives are not required).
    pub fn required(&self, schema: &Value) -> BTreeSet<String> {
        let schema = self.resolve(schema);
        let mut out: BTreeSet<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        for branch in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(self.required(branch));
        }
        out
    }

    /// The item schemas of an array schema, through combinations.
    pub fn items(&self, schema: &Value) -> Vec<Value> {
        let schema = self.resolve(schema);
        let mut out: Vec<Value> = schema.get("items").cloned().into_iter().collect();
        for branch in self.branches(schema) {
            out.extend(self.items(branch));
        }
        out
    }

    /// Whether `value` is what `schema` describes, as far as a typed client
    /// can tell: types (`nullable` honoured), enums, required and declared
    /// properties (`additionalProperties: false` too), array items, and
    /// `allOf` (every branch) / `anyOf` and `oneOf` (some branch). Formats,
    /// lengths and ranges are not judged. The first problem, with its place.
    pub fn conforms(&self, value: &Value, schema: &Value, at: &str) -> Result<(), String> {
        self.conforms_noting(value, schema, at, &mut Vec::new())
    }

    /// [`Contract::conforms`], also noting in `unspecified` each place
    /// whose schema says nothing at all (no type, example, enum,
    /// properties, items or branches): any value conforms there, and a
    /// randomized one is noise.
    pub fn conforms_noting(
        &self,
        value: &Value,
        schema: &Value,
        at: &str,
        unspecified: &mut Vec<String>,
    ) -> Result<(), String> {
        let schema = self.resolve(schema);
        if says_nothing(schema) {
            unspecified.push(at.to_owned());
            return Ok(());
        }
        if let Some(branches) = schema.get("allOf").and_then(Value::as_array) {
            for branch in branches {
                self.conforms_noting(value, branch, at, unspecified)?;
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                let mut problems = branches
                    .iter()
                    .map(|b| self.conforms_noting(value, b, at, &mut Vec::new()));
                if !problems.any(|p| p.is_ok()) && !branches.is_empty() {
                    let first = self.conforms(value, &branches[0], at).unwrap_err();
                    return Err(format!(
                        "{at}: matches no branch of its {key} (first: {first})"
                    ));
                }
            }
        }
        if value.is_null() {
            let typed = schema.get("type").is_some() || schema.get("properties").is_some();
            return if typed && schema["nullable"] != json!(true) {
                Err(format!("{at}: null, but the schema is not nullable"))
            } else {
                Ok(())
            };
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !options.contains(value) {
                return Err(format!(
                    "{at}: {value} is not one of {}",
                    Value::from(options.clone())
                ));
            }
        }
        // A schema without a type but with an example (`{"example":
        // "023e…"}`, common in Cloudflare's description) means the
        // example's type; randomized values of any other are noise.
        let example_kind = match schema.get("example") {
            Some(Value::String(_)) => Some("string"),
            Some(Value::Bool(_)) => Some("boolean"),
            Some(Value::Number(_)) => Some("number"),
            Some(Value::Array(_)) => Some("array"),
            Some(Value::Object(_)) => Some("object"),
            _ => None,
        };
        let kind = schema
            .get("type")
            .and_then(Value::as_str)
            .or(example_kind.filter(|_| !has_branches(schema)));
        let fits = match kind {
            Some("string") => value.is_string(),
            Some("boolean") => value.is_boolean(),
            Some("number") => value.is_number(),
            Some("integer") => {
                value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            Some("array") => value.is_array(),
            Some("object") => value.is_object(),
            _ => true,
        };
        if !fits {
            return Err(format!(
                "{at}: {value} is not of type {}",
                kind.unwrap_or("?")
            ));
        }
        match value {
            Value::Object(object) => {
                let props = schema.get("properties").and_then(Value::as_object);
                for name in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let name = name.as_str().unwrap_or_default();
                    if !object.contains_key(name) {
                        return Err(format!("{at}: the required `{name}` is missing"));
                    }
                }
                for (key, item) in object {
                    let path = format!("{at}.{key}");
                    match (
                        props.and_then(|p| p.get(key)),
                        schema.get("additionalProperties"),
                    ) {
                        (Some(sub), _) => self.conforms_noting(item, sub, &path, unspecified)?,
                        (None, Some(Value::Bool(false))) => {
                            return Err(format!(
                                "{path}: not declared, and no other key is allowed"
                            ));
                        }
                        (None, Some(sub @ Value::Object(_))) => {
                            self.conforms_noting(item, sub, &path, unspecified)?
                        }
                        (None, _) => {}
                    }
                }
            }
            Value::Array(items) => {
                if let Some(sub) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.conforms_noting(item, sub, &format!("{at}[{i}]"), unspecified)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether `schema` says nothing about the properties of an object
    /// (`{}` or a bare `type: object`): its keys cannot be judged.
    pub fn is_open(&self, schema: &Value) -> bool {
        self.properties(schema).is_empty()
    }

    /// The schema of `result` in the 200 response of an operation.
    pub fn result_schema(&self, method: &str, path: &str) -> Value {
        let op = &self.doc["paths"][path][method];
        assert!(!op.is_null(), "the contract has no {method} {path}");
        let body = &op["responses"]["200"]["content"]["application/json"]["schema"];
        self.properties(body)
            .remove("result")
            .unwrap_or_else(|| panic!("{method} {path}: the 200 response declares no `result`"))
    }

    /// A value of `schema` with every declared property set, from the
    /// contract's examples where it has them.
    pub fn full_example(&self, schema: &Value) -> Value {
        let schema = self.resolve(schema);
        let props = self.properties(schema);
        if !props.is_empty() {
            return Value::Object(
                props
                    .iter()
                    .map(|(name, sub)| (name.clone(), self.full_example(sub)))
                    .collect(),
            );
        }
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
            return first.clone();
        }
        if let Some(first) = self.branches(schema).next() {
            return self.full_example(first);
        }
        match (
            schema.get("type").and_then(Value::as_str),
            schema.get("format").and_then(Value::as_str),
        ) {
            (Some("string"), Some("date-time")) => json!("2020-01-01T08:00:00Z"),
            (Some("string"), _) => json!("example"),
            (Some("integer"), _) => json!(7),
            (Some("number"), _) => json!(7.5),
            (Some("boolean"), _) => json!(true),
            (Some("array"), _) => Value::Array(
                self.items(schema)
                    .first()
                    .map(|item| self.full_example(item))
                    .into_iter()
                    .collect(),
            ),
            _ => json!({}),
        }
    }

    /// Whether `value` holds something `schema` declares: a declared key
    /// with a value other than `null` (at any depth), an array element that
    /// does, or a scalar. `{}`, `[]`, `null` and objects of undeclared keys
    /// hold nothing, so a randomized sample made of them checks nothing.
    pub fn carries_declared_data(&self, value: &Value, schema: &Value) -> bool {
        match value {
            Value::Null => false,
            Value::Object(object) => {
                let props = self.properties(schema);
                object.iter().any(|(key, v)| match (props.get(key), v) {
                    (None, _) => false,
                    // A declared free-form object holds what it holds.
                    (Some(sub), Value::Object(inner)) if self.is_open(sub) => !inner.is_empty(),
                    (Some(sub), v) => self.carries_declared_data(v, sub),
                })
            }
            Value::Array(items) => {
                let item_schemas = self.items(schema);
                let item_schema = match item_schemas.len() {
                    0 => return false,
                    1 => item_schemas[0].clone(),
                    _ => json!({ "anyOf": item_schemas }),
                };
                items
                    .iter()
                    .any(|item| self.carries_declared_data(item, &item_schema))
            }
            _ => true,
        }
    }

    /// Removes, recursively, the object keys that `schema` does not declare,
    /// and returns their paths. Objects whose schema declares no properties
    /// are left alone.
    pub fn prune_undeclared(&self, value: &mut Value, schema: &Value, at: &str) -> Vec<String> {
        let mut pruned = Vec::new();
        match value {
            Value::Object(object) => {
                if self.is_open(schema) {
                    return pruned;
                }
                let props = self.properties(schema);
                object.retain(|key, _| {
                    let keep = props.contains_key(key);
                    if !keep {
                        pruned.push(format!("{at}.{key}"));
                    }
                    keep
                });
                for (key, sub) in object.iter_mut() {
                    pruned.extend(self.prune_undeclared(sub, &props[key], &format!("{at}.{key}")));
                }
            }
            Value::Array(items) => {
                let item_schemas = self.items(schema);
                let item_schema = match item_schemas.len() {
                    0 => return pruned,
                    1 => item_schemas[0].clone(),
                    _ => json!({ "anyOf": item_schemas }),
                };
                for (i, item) in items.iter_mut().enumerate() {
                    pruned.extend(self.prune_undeclared(item, &item_schema, &format!("{at}[{i}]")));
                }
            }
            _ => {}
        }
        pruned
    }
}

/// Where the description stops saying what a value is: see
/// [`Contract::place`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unspecified {
    /// The place, from the body (`body.result[0].meta`).
    pub at: String,
    /// Why nothing is said there.
    pub kind: UnspecifiedKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnspecifiedKind {
    /// A schema with nothing in it (`{}`, or only prose).
    SaysNothing,
    /// A key that no schema applying to its object declares.
    Undeclared,
    /// An element of an array whose schemas give no `items`.
    NoItems,
}

impl std::fmt::Display for Unspecified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.kind {
            UnspecifiedKind::SaysNothing => "a schema that says nothing",
            UnspecifiedKind::Undeclared => "a key the description does not declare",
            UnspecifiedKind::NoItems => "an element of an array without `items`",
        };
        write!(f, "{} ({why})", self.at)
    }
}

impl UnspecifiedKind {
    pub fn describe(self) -> &'static str {
        match self {
            UnspecifiedKind::SaysNothing => "inside a schema that says nothing",
            UnspecifiedKind::Undeclared => "inside a key the description does not declare",
            UnspecifiedKind::NoItems => "inside an array without `items`",
        }
    }
}

impl Contract {
    /// What the description says of the place at `path` in `value`, a value
    /// of `schema`: the schemas that apply there and say something of it
    /// (resolved), or where on the way down it stops saying anything.
    ///
    /// Every schema that applies to a value applies: its own `properties`,
    /// `additionalProperties` and `items`, each `allOf` branch, and each
    /// `anyOf`/`oneOf` branch that `value` conforms to. A place is
    /// specified when any of them specifies it, so a generic branch that
    /// says nothing (a collection's `items: {}`) excuses nothing another
    /// branch types. `value` is what was sent; `None` below a key that is
    /// missing (all branches apply there).
    pub fn place<'a>(
        &'a self,
        schema: &'a Value,
        value: Option<&Value>,
        path: &[Segment],
        at: &str,
    ) -> Result<Vec<&'a Value>, Unspecified> {
        let schema = self.resolve(schema);
        if says_nothing(schema) {
            return Err(Unspecified {
                at: at.to_owned(),
                kind: UnspecifiedKind::SaysNothing,
            });
        }
        let mut found = Vec::new();
        let mut why = None;
        let mut consider = |result: Result<Vec<&'a Value>, Unspecified>| match result {
            Ok(schemas) => found.extend(schemas),
            // The deepest reason is the most telling.
            Err(e) => {
                if why
                    .as_ref()
                    .is_none_or(|w: &Unspecified| e.at.len() > w.at.len())
                {
                    why = Some(e);
                }
            }
        };
        match path.split_first() {
            None => consider(Ok(vec![schema])),
            Some((step, rest)) => {
                let (sub, child, next) = match step {
                    Segment::Key(key) => {
                        let sub = schema
                            .get("properties")
                            .and_then(|p| p.get(key.as_ref()))
                            .or_else(|| {
                                schema.get("additionalProperties").filter(|a| a.is_object())
                            });
                        (
                            sub,
                            value.and_then(|v| v.get(key.as_ref())),
                            format!("{at}.{key}"),
                        )
                    }
                    Segment::Index(i) => (
                        schema.get("items"),
                        value.and_then(|v| v.get(*i)),
                        format!("{at}[{i}]"),
                    ),
                };
                if let Some(sub) = sub {
                    consider(self.place(sub, child, rest, &next));
                }
            }
        }
        for branch in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            consider(self.place(branch, value, path, at));
        }
        for key in ["anyOf", "oneOf"] {
            for branch in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if value.is_none_or(|v| self.conforms(v, branch, at).is_ok()) {
                    consider(self.place(branch, value, path, at));
                }
            }
        }
        if !found.is_empty() {
            return Ok(found);
        }
        Err(why.unwrap_or_else(|| match path.first() {
            Some(Segment::Key(key)) => Unspecified {
                at: format!("{at}.{key}"),
                kind: UnspecifiedKind::Undeclared,
            },
            Some(Segment::Index(i)) => Unspecified {
                at: format!("{at}[{i}]"),
                kind: UnspecifiedKind::NoItems,
            },
            None => unreachable!("the place itself was considered"),
        }))
    }

    /// What the schemas that apply to a place say it is, in a few words
    /// (`number`, `string (date-time), nullable`, `object`).
    pub fn summary(&self, schemas: &[&Value]) -> String {
        let mut parts: Vec<String> = Vec::new();
        for schema in schemas {
            let mut part = match schema.get("type").and_then(Value::as_str) {
                Some(kind) => kind.to_owned(),
                None if schema.get("enum").is_some() => "enum".to_owned(),
                None if schema.get("properties").is_some() => "object".to_owned(),
                None => match schema.get("example") {
                    Some(example) => format!("like {}", cut_json(example)),
                    None => continue,
                },
            };
            if let Some(format) = schema.get("format").and_then(Value::as_str) {
                part.push_str(&format!(" ({format})"));
            }
            if let Some(options) = schema.get("enum").and_then(Value::as_array) {
                part.push_str(&format!(" {}", cut_json(&Value::from(options.clone()))));
            }
            if schema["nullable"] == json!(true) {
                part.push_str(", nullable");
            }
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        if parts.is_empty() {
            "combined schemas".to_owned()
        } else {
            parts.join(" and ")
        }
    }
}

/// Whether a schema says nothing at all of its value: no type, example,
/// enum, properties, items or branches. Any value conforms to it, and a
/// randomized one is noise.
pub fn says_nothing(schema: &Value) -> bool {
    ![
        "type",
        "example",
        "enum",
        "properties",
        "items",
        "allOf",
        "anyOf",
        "oneOf",
        "additionalProperties",
    ]
    .iter()
    .any(|key| schema.get(*key).is_some())
}

/// At most 80 characters of a value's JSON, for a report.
pub fn cut_json(value: &Value) -> String {
    let text = value.to_string();
    if text.len() <= 80 {
        return text;
    }
    let mut end = 80;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Whether a schema combines others (`allOf`, `anyOf`, `oneOf`).
fn has_branches(schema: &Value) -> bool {
    ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|key| schema.get(*key).is_some())
}

// ---------------------------------------------------------------------------
// Comparing a raw value with the typed one

/// Where `back` (a generated value serialized again) differs from `sent`
/// (what the server sent): keys dropped or added, values changed, `null`
/// included. Only key order may differ, and how a number is written: they
/// compare as numbers (`300` and `300.0` are equal).
pub fn differences(sent: &Value, back: &Value, at: &str, out: &mut Vec<String>) {
    match (sent, back) {
        (Value::Object(sent), Value::Object(back)) => {
            for (key, sent_value) in sent {
                let path = format!("{at}.{key}");
                match back.get(key) {
                    None => out.push(format!(
                        "{path}: dropped (the server sent {})",
                        cut_json(sent_value)
                    )),
                    Some(back_value) => differences(sent_value, back_value, &path, out),
                }
            }
            for (key, back_value) in back {
                if !sent.contains_key(key) {
                    out.push(format!(
                        "{at}.{key}: added ({}), the server sent no such key",
                        cut_json(back_value)
                    ));
                }
            }
        }
        (Value::Array(sent), Value::Array(back)) if sent.len() == back.len() => {
            for (i, (s, b)) in sent.iter().zip(back).enumerate() {
                differences(s, b, &format!("{at}[{i}]"), out);
            }
        }
        (Value::Number(s), Value::Number(b)) if same_number(s, b) => {}
        (s, b) if s == b => {}
        (s, b) => out.push(format!(
            "{at}: the server sent {}, the typed value holds {}",
            cut_json(s),
            cut_json(b)
        )),
    }
}

/// Two JSON numbers are the same number: equal integers, or equal as
/// floats when either has a fraction or an exponent.
fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

/// What a decoded value says did not fit its type: each mismatch inside
/// it as `path: expected …, found …`, with its path from the value. The
/// runtime keeps them in each generated struct (`Object::mismatches`); a
/// test implements this for the unions and structs it decodes.
pub trait Fits {
    fn unfit(&self) -> Vec<String>;
}

impl<T: Fits> Fits for Vec<T> {
    fn unfit(&self) -> Vec<String> {
        self.iter()
            .enumerate()
            .flat_map(|(i, item)| item.unfit().into_iter().map(move |m| under(i, &m)))
            .collect()
    }
}

impl<T: Fits> Fits for Option<T> {
    fn unfit(&self) -> Vec<String> {
        self.as_ref().map(Fits::unfit).unwrap_or_default()
    }
}

/// The mismatches a generated struct keeps, as [`Fits`] lists them.
pub fn unfit_struct(value: &impl Object) -> Vec<String> {
    value.mismatches().iter().map(ToString::to_string).collect()
}

/// A mismatch listed from an array's element `index`, listed from the
/// array (`.ttl: …` → `.[2].ttl: …`).
fn under(index: usize, listed: &str) -> String {
    match listed.strip_prefix('.') {
        Some(rest) if rest.starts_with(':') || rest.starts_with('[') => {
            format!(".[{index}]{rest}")
        }
        Some(rest) => format!(".[{index}].{rest}"),
        None => format!(".[{index}]{listed}"),
    }
}

/// Decodes `raw` as `T` and checks that everything fits (no mismatch) and
/// that the value, written back, is exactly `raw`.
pub fn decode_losslessly<T: DeserializeOwned + Serialize + Fits>(what: &str, raw: &Value) -> T {
    let (typed, unfit) = decode_exactly::<T>(what, raw);
    assert!(
        unfit.is_empty(),
        "{what}: does not fit {}:\n  {}\nraw: {raw:#}",
        std::any::type_name::<T>(),
        unfit.join("\n  ")
    );
    typed
}

/// Decodes `raw` as `T` (any JSON decodes), checks that the value written
/// back is exactly `raw`, and returns it with what did not fit.
pub fn decode_exactly<T: DeserializeOwned + Serialize + Fits>(
    what: &str,
    raw: &Value,
) -> (T, Vec<String>) {
    let typed: T = serde_json::from_value(raw.clone()).unwrap_or_else(|e| {
        panic!(
            "{what}: does not decode as {}: {e}\n{raw:#}",
            std::any::type_name::<T>()
        )
    });
    let back = serde_json::to_value(&typed).expect("a generated value serializes");
    let mut diffs = Vec::new();
    differences(raw, &back, "result", &mut diffs);
    assert!(
        diffs.is_empty(),
        "{what}: the generated type {} does not write back what it read:\n  {}\nraw: {raw:#}",
        std::any::type_name::<T>(),
        diffs.join("\n  ")
    );
    let unfit = typed.unfit();
    (typed, unfit)
}

// ---------------------------------------------------------------------------
// Talking to Prism

/// Unwraps the result of a generated call that Prism must accept.
pub fn accepted<T>(what: &str, result: generated_client::Result<T>) -> T {
    match result {
        Ok(value) => value,
        Err(err) => {
            let violations = err
                .api()
                .and_then(|api| api.headers.get("sl-violations"))
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_else(|| "(none)".to_owned());
            let verdict = match err.status().map(|s| s.as_u16()) {
                Some(401) => "Prism rejected the credentials",
                Some(404) => "Prism knows no such path or method",
                Some(422) => "Prism rejected the request against the contract",
                Some(_) => "Prism answered with an error status",
                None if matches!(err, Error::Decode { .. }) => {
                    "the response does not decode into the generated type"
                }
                None => "the call failed",
            };
            panic!("{what}: {verdict}: {err}\nPrism's violations: {violations}\n{err:?}")
        }
    }
}

/// A plain reqwest client that sends what the generated client sends, for
/// reading the raw body.
pub struct RawPeer {
    pub http: reqwest::Client,
    pub base: String,
    /// Credential headers, sent with every request.
    pub auth: Vec<(&'static str, String)>,
}

pub struct RawReply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl RawPeer {
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Vec<u8>>,
        prefer: &str,
    ) -> RawReply {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .header("prefer", prefer);
        for (name, value) in &self.auth {
            request = request.header(*name, value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("raw {method} {path}: {e}"));
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("read the raw body");
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "raw {method} {path}: {status} with a body that is not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        });
        RawReply {
            status,
            headers,
            body,
        }
    }

    /// The `result` of a 200 envelope; panics with Prism's violations otherwise.
    pub async fn result(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Vec<u8>>,
        prefer: &str,
    ) -> Value {
        let reply = self.send(method.clone(), path, body, prefer).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "raw {method} {path} ({prefer}): violations {:?}, body {}",
            reply.headers.get("sl-violations"),
            reply.body
        );
        assert_eq!(reply.body["success"], json!(true), "raw {method} {path}");
        reply.body["result"].clone()
    }
}

/// A 500 from Prism's own response validation: every violation is in the response.
pub fn prism_rejected_itself(body: &Value) -> bool {
    body["validation"].as_array().is_some_and(|violations| {
        !violations.is_empty()
            && violations
                .iter()
                .all(|v| v["location"][0] == json!("response"))
    })
}

pub fn dynamic_ok<T>(what: &str, reply: generated_client::Result<T>) -> bool {
    match reply {
        Err(err) if err.status() == Some(StatusCode::INTERNAL_SERVER_ERROR) => false,
        other => {
            accepted(what, other);
            true
        }
    }
}
