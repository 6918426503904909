//! The DNS record and zone overlays against Cloudflare's own description of
//! those endpoints (`../shared/contract/cloudflare-dns-zones.openapi.json`):
//! an overlay may only say what the description (or the document it adds
//! to) says.
//!
//! Each endpoint's typed request body, query and result is walked beside
//! the schema the description gives for it, through `$ref`s, `allOf` and,
//! for a tagged union, the `oneOf` branch whose tag has the variant's value.
//! A field passes when the description has the property at that place, or
//! when the Markdown document itself shows the field there (the document is
//! Cloudflare's too, and shows a few fields this older description lacks).
//! Beyond names, it checks that
//!
//! - a required field is one the description requires there, and never one
//!   it allows to be `null`;
//! - a field's type agrees (a string is a string; an integer may be held
//!   as a float; a number the API sends is never held as an integer, one
//!   the client sends may be), and an enum's values are values the
//!   description lists;
//! - a request body sends no read-only property, unless the operation's own
//!   example does;
//! - a tagged union has a variant for every kind the description lists.
//!
//! Endpoints the description predates (the batch) are not in it: a type
//! only they use is checked nowhere, and its fields must be listed in
//! [`UNCHECKED`], with the reason, so the list cannot go stale.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use codegen::SourceFile;
use codegen::ir::{Area, Endpoint, Output, Presence, Shape, Status, StructDef, TypeDef, TypeRef};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const DESCRIPTION: &str = "../shared/contract/cloudflare-dns-zones.openapi.json";

/// Schemas that describe a type besides the one at the place it is used:
/// the description spreads a zone over its result and its create and edit
/// bodies (`paused`, `plan` and `type` are only in those).
const ALSO: &[(&str, &str)] = &[
    (
        "Zone",
        "/paths/~1zones~1{zone_id}/patch/requestBody/content/application~1json/schema",
    ),
    (
        "Zone",
        "/paths/~1zones/post/requestBody/content/application~1json/schema",
    ),
];

/// Fields checked against nothing, each with why. The description predates
/// the batch endpoint; these keys mirror the result the document shows for
/// it, and the records inside are the create body, checked with it.
const UNCHECKED: &[(&str, &str)] = &[
    (
        "DnsRecordBatch.deletes",
        "the batch predates the description",
    ),
    (
        "DnsRecordBatch.patches",
        "the batch predates the description",
    ),
    ("DnsRecordBatch.posts", "the batch predates the description"),
    ("DnsRecordBatch.puts", "the batch predates the description"),
    ("DnsRecordRef.id", "only the batch's deletes use it"),
];

// ---------------------------------------------------------------------------
// The description, read with just enough OpenAPI to walk its schemas

struct Description {
    doc: Value,
}

impl Description {
    fn load() -> Description {
        let path = root().join(DESCRIPTION);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; the repo must be checked out with `shared/` beside it",
                path.display()
            )
        });
        Description {
            doc: serde_json::from_str(&text).expect("the description is JSON"),
        }
    }

    /// Follows `$ref`s to the schema itself.
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = reference.strip_prefix('#').expect("a local $ref");
            schema = self
                .doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("a $ref to nothing: {reference}"));
        }
        schema
    }

    /// Every value of `key` in `schema` and, through `$ref`s, in the
    /// schemas it combines (`allOf`, `anyOf`, `oneOf`), outermost first.
    fn collect(&self, schema: &Value, key: &str) -> Vec<Value> {
        let schema = self.resolve(schema);
        let mut out: Vec<Value> = schema.get(key).cloned().into_iter().collect();
        for combined in ["allOf", "anyOf", "oneOf"] {
            for branch in schema
                .get(combined)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.extend(self.collect(branch, key));
            }
        }
        out
    }

    /// Both schemas at once, or the one when there is only one.
    fn all_of(mut schemas: Vec<Value>) -> Option<Value> {
        match schemas.len() {
            0 => None,
            1 => schemas.pop(),
            _ => Some(json!({ "allOf": schemas })),
        }
    }

    /// Every property a value of `schema` may have. A property several
    /// combined schemas declare (a generic `result` and the endpoint's own)
    /// gets all of their schemas.
    fn properties(&self, schema: &Value) -> BTreeMap<String, Value> {
        let mut all: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for props in self.collect(schema, "properties") {
            for (name, sub) in props.as_object().into_iter().flatten() {
                all.entry(name.clone()).or_default().push(sub.clone());
            }
        }
        all.into_iter()
            .filter_map(|(name, subs)| Some((name, Self::all_of(subs)?)))
            .collect()
    }

    /// The schema of an array's elements, from every combined schema that
    /// says something about them.
    fn items(&self, schema: &Value) -> Option<Value> {
        let items = self.collect(schema, "items");
        Self::all_of(items.into_iter().filter(|i| i != &json!({})).collect())
    }

    /// Properties every value has: `required` here and in `allOf` branches.
    fn required(&self, schema: &Value) -> BTreeSet<String> {
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

    /// A facet of a schema (`type`, `enum`, `example`): the outermost one.
    fn facet(&self, schema: &Value, name: &str) -> Option<Value> {
        self.collect(schema, name).into_iter().next()
    }

    /// Whether any combined schema sets the flag (`readOnly`, `nullable`).
    fn flag(&self, schema: &Value, name: &str) -> bool {
        self.collect(schema, name).contains(&Value::Bool(true))
    }

    /// The `oneOf` branches of a schema, also inside `allOf`.
    fn branches(&self, schema: &Value) -> Vec<Value> {
        let schema = self.resolve(schema);
        let mut out: Vec<Value> = schema
            .get("oneOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|branch| self.resolve(branch).clone())
            .collect();
        for branch in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(self.branches(branch));
        }
        out
    }

    /// `required` of the schema holding a `oneOf`: it applies to every branch.
    fn one_of_required(&self, schema: &Value) -> BTreeSet<String> {
        let schema = self.resolve(schema);
        let mut out = BTreeSet::new();
        if schema.get("oneOf").is_some() {
            out.extend(self.required(schema));
        }
        for branch in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(self.one_of_required(branch));
        }
        out
    }

    fn operation(&self, method: &str, path: &str) -> Option<&Value> {
        self.doc["paths"]
            .get(path)?
            .get(method.to_ascii_lowercase())
    }
}

// ---------------------------------------------------------------------------
// The walk

/// Where a type is used.
#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Request,
    Response,
}

struct Walk<'a> {
    area: &'a Area,
    description: &'a Description,
    /// Types checked against a schema at least once.
    checked: BTreeSet<String>,
    /// Fields checked against nothing: `Type.wire`.
    unchecked: BTreeSet<String>,
    problems: Vec<String>,
    /// Fields backed by the document only, to print.
    documented_only: BTreeSet<String>,
}

impl Walk<'_> {
    fn def(&self, name: &str) -> &TypeDef {
        self.area
            .types
            .iter()
            .find(|t| t.name() == name)
            .unwrap_or_else(|| panic!("no type {name} in {}", self.area.module))
    }

    fn problem(&mut self, at: &str, message: String) {
        self.problems.push(format!("{at}: {message}"));
    }

    /// Walks `ty` beside `schema` (the description's, when it has one here)
    /// and `doc` (the document's shape here, when it shows one).
    fn ty(
        &mut self,
        ty: &TypeRef,
        schema: Option<&Value>,
        doc: Option<&Shape>,
        direction: Direction,
        at: &str,
    ) {
        if let Some(schema) = schema {
            self.kind_agrees(ty, schema, direction, at);
        }
        match ty {
            TypeRef::Vec(item) => {
                let items = schema.and_then(|s| self.description.items(s));
                let doc = match doc {
                    Some(Shape::Array(item)) => Some(&**item),
                    _ => None,
                };
                self.ty(item, items.as_ref(), doc, direction, &format!("{at}[]"));
            }
            TypeRef::Named(name) => match self.def(name).clone() {
                TypeDef::Struct(def) => {
                    let mut schemas: Vec<Value> = schema.into_iter().cloned().collect();
                    if schema.is_some() {
                        for (_, pointer) in ALSO.iter().filter(|(n, _)| *n == name) {
                            let also = self.description.doc.pointer(pointer);
                            schemas.push(also.expect("an ALSO pointer resolves").clone());
                        }
                    }
                    self.fields(&def, &schemas, None, doc, direction, at);
                }
                TypeDef::Union(def) => {
                    let tag = def.tag.clone().expect("the record unions are tagged");
                    let Some(schema) = schema else {
                        for variant in &def.variants {
                            let inner = TypeRef::Named(variant.ty.clone());
                            self.ty(&inner, None, doc, direction, at);
                        }
                        return;
                    };
                    let parent_required = self.description.one_of_required(schema);
                    let kind = |branch: &Value| -> Option<String> {
                        let tag = self.description.properties(branch).remove(&tag)?;
                        match self.description.facet(&tag, "enum")?.as_array()?.as_slice() {
                            [Value::String(value)] => Some(value.clone()),
                            _ => None,
                        }
                    };
                    let kinds: Vec<(String, Value)> = self
                        .description
                        .branches(schema)
                        .into_iter()
                        .filter_map(|b| Some((kind(&b)?, b)))
                        .collect();
                    for (value, _) in &kinds {
                        if !def
                            .variants
                            .iter()
                            .any(|v| v.tag_value.as_ref() == Some(value))
                        {
                            self.problem(
                                at,
                                format!("`{}` has no variant for `{tag}` = `{value}`", def.name),
                            );
                        }
                    }
                    for variant in &def.variants {
                        let value = variant.tag_value.clone().unwrap_or_default();
                        let Some((_, branch)) = kinds.iter().find(|(k, _)| *k == value) else {
                            self.problem(
                                at,
                                format!(
                                    "`{}::{}`: the description has no kind `{tag}` = `{value}`",
                                    def.name, variant.rust_name
                                ),
                            );
                            continue;
                        };
                        let TypeDef::Struct(inner) = self.def(&variant.ty).clone() else {
                            panic!("a variant wraps a struct");
                        };
                        // The `required` beside a `oneOf` is the result's: a
                        // request is judged by its branch alone.
                        let required: Vec<String> = match direction {
                            Direction::Response => parent_required.iter().cloned().collect(),
                            Direction::Request => Vec::new(),
                        };
                        let at = format!("{at} ({value})");
                        let variant = Some((required.as_slice(), tag.as_str()));
                        let branch = std::slice::from_ref(branch);
                        self.fields(&inner, branch, variant, doc, direction, &at);
                    }
                }
                TypeDef::Enum(def) => {
                    let listed = schema.and_then(|s| self.description.facet(s, "enum"));
                    if let Some(Value::Array(listed)) = &listed {
                        for variant in &def.variants {
                            if !listed.contains(&json!(variant.wire_name)) {
                                self.problem(
                                    at,
                                    format!(
                                        "`{}` has the value `{}`, which the description does not list ({listed:?})",
                                        def.name, variant.wire_name
                                    ),
                                );
                            }
                        }
                    }
                }
            },
            _ => {}
        }
    }

    /// Checks each field of a struct against the properties of `schemas`
    /// (none: the description does not describe this place) and `doc`.
    /// `variant`: for a union's variant, what the `oneOf` requires of it
    /// and the tag (which the union holds, not the struct).
    fn fields(
        &mut self,
        def: &StructDef,
        schemas: &[Value],
        variant: Option<(&[String], &str)>,
        doc: Option<&Shape>,
        direction: Direction,
        at: &str,
    ) {
        if schemas.is_empty() && self.checked.contains(&def.name) {
            return;
        }
        if !schemas.is_empty() {
            self.checked.insert(def.name.clone());
        }
        let mut properties = BTreeMap::new();
        let (also_required, tag) = variant.unzip();
        let mut required: BTreeSet<String> = also_required.into_iter().flatten().cloned().collect();
        let mut example_keys = BTreeSet::new();
        for schema in schemas {
            for (name, sub) in self.description.properties(schema) {
                properties.entry(name).or_insert(sub);
            }
            required.extend(self.description.required(schema));
            if let Some(Value::Object(example)) = &self.description.facet(schema, "example") {
                example_keys.extend(example.keys().cloned());
            }
        }
        let documented: BTreeMap<&str, &Shape> = match doc {
            Some(Shape::Object(fields)) => fields
                .iter()
                .map(|f| (f.wire_name.as_str(), &f.shape))
                .collect(),
            _ => BTreeMap::new(),
        };
        // A body built with `new` must carry what the description demands
        // (read-only properties aside: a request leaves them out). A PATCH
        // body is the exception, by the generator's rule: it sends only
        // what changes, so every field of it is optional.
        if direction == Direction::Request && !at.starts_with("PATCH ") {
            for wire in &required {
                let read_only = properties
                    .get(wire)
                    .is_some_and(|p| self.description.flag(p, "readOnly"));
                let ours = def.fields.iter().find(|f| &f.wire_name == wire);
                let held =
                    ours.is_some_and(|f| f.presence.in_constructor()) || Some(wire.as_str()) == tag;
                if !read_only && !held {
                    self.problem(
                        &format!("{at} {}.{wire}", def.name),
                        "the description requires it in a request; make it required".into(),
                    );
                }
            }
        }
        for field in &def.fields {
            let wire = field.wire_name.as_str();
            let at = format!("{at} {}.{wire}", def.name);
            let flag = |name: &str| {
                properties
                    .get(wire)
                    .is_some_and(|p| self.description.flag(p, name))
            };
            let (nullable, read_only) = (flag("nullable"), flag("readOnly"));
            match (properties.get(wire).cloned(), documented.get(wire)) {
                (Some(property), doc) => {
                    // A result must decode whenever the description allows it.
                    if direction == Direction::Response
                        && field.presence.in_constructor()
                        && !required.contains(wire)
                    {
                        self.problem(
                            &at,
                            "required here, but the description does not require it".into(),
                        );
                    }
                    if field.presence.in_constructor() && nullable {
                        self.problem(&at, "required, but the description allows `null`".into());
                    }
                    if direction == Direction::Request && read_only && !example_keys.contains(wire)
                    {
                        self.problem(
                            &at,
                            "read-only in the description; a request must not send it".into(),
                        );
                    }
                    self.ty(&field.ty, Some(&property), doc.copied(), direction, &at);
                }
                (None, Some(doc)) => {
                    if field.presence.in_constructor() {
                        self.problem(
                            &at,
                            "required, but only the document shows it, and it cannot say so".into(),
                        );
                    }
                    self.documented_only.insert(format!("{}.{wire}", def.name));
                    self.ty(&field.ty, None, Some(doc), direction, &at);
                }
                (None, None) if schemas.is_empty() => {
                    self.unchecked.insert(format!("{}.{wire}", def.name));
                    self.ty(&field.ty, None, None, direction, &at);
                }
                (None, None) => {
                    let known: Vec<&String> = properties.keys().collect();
                    self.problem(
                        &at,
                        format!("the description has no such property here (it has {known:?}), nor does the document"),
                    );
                }
            }
        }
    }

    /// A field's Rust type against the schema's `type`, when it gives one.
    fn kind_agrees(&mut self, ty: &TypeRef, schema: &Value, direction: Direction, at: &str) {
        let Some(Value::String(kind)) = &self.description.facet(schema, "type") else {
            return;
        };
        let fits = match ty {
            TypeRef::String => kind == "string",
            // A parameter whose presence alone says something ("If this
            // parameter is present, …") is a flag, whatever its value.
            TypeRef::Bool => {
                kind == "boolean"
                    || matches!(
                        self.description.facet(schema, "description"),
                        Some(Value::String(text)) if text.contains("parameter is present")
                    )
            }
            // A number the API sends may be held as a float, never as an
            // integer: that would refuse the fractions the description
            // allows. One the client sends may be an integer (it sends
            // fewer values than the description allows, all valid).
            // A query's page numbers are unsigned: the same integers,
            // without the negative ones the API never takes.
            TypeRef::I64 | TypeRef::U64 => {
                kind == "integer" || (kind == "number" && direction == Direction::Request)
            }
            TypeRef::F64 => kind == "number" || kind == "integer",
            TypeRef::Vec(_) => kind == "array",
            TypeRef::Option(item) => return self.kind_agrees(item, schema, direction, at),
            TypeRef::Value | TypeRef::Map => true,
            TypeRef::Named(name) => match self.def(name) {
                TypeDef::Enum(_) => kind == "string",
                TypeDef::Struct(_) | TypeDef::Union(_) => kind == "object",
            },
        };
        if !fits {
            self.problem(
                at,
                format!("typed {ty:?}, but the description says `{kind}`"),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The areas

/// The area built from a document and, when given, its overlay.
fn area(stem: &str, with_overlay: bool) -> Area {
    let read = |file: String| {
        let path = root().join("spec").join(&file);
        SourceFile::new(
            format!("spec/{file}"),
            &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        )
    };
    let mut sources = vec![read(format!("{stem}.md"))];
    if with_overlay {
        sources.push(read(format!("{stem}.overlay.md")));
    }
    let (api, _) = codegen::build_ir(&sources).unwrap_or_else(|d| panic!("{d}"));
    api.areas.into_iter().next().expect("one area")
}

/// The shape the document shows for an endpoint's 200 result.
fn documented<'a>(doc_area: &'a Area, endpoint: &Endpoint) -> Option<&'a Shape> {
    doc_area
        .endpoints
        .iter()
        .find(|e| e.method == endpoint.method && e.path.template == endpoint.path.template)?
        .responses
        .iter()
        .find(|r| r.status == Status::Code(200))?
        .body
        .as_ref()
}

/// What walking one area found.
struct Findings {
    problems: Vec<String>,
    unchecked: BTreeSet<String>,
    checked: usize,
    documented_only: BTreeSet<String>,
}

/// Walks every endpoint of one area (`typed`, the overlay merged;
/// `doc_area`, the document alone); endpoints the description has come
/// first, so a type they share is checked against it before anywhere else.
fn walk_area(typed: &Area, doc_area: &Area, description: &Description) -> Findings {
    let mut walk = Walk {
        area: typed,
        description,
        checked: BTreeSet::new(),
        unchecked: BTreeSet::new(),
        problems: Vec::new(),
        documented_only: BTreeSet::new(),
    };
    let mut endpoints: Vec<&Endpoint> = typed.endpoints.iter().collect();
    endpoints.sort_by_key(|e| {
        description
            .operation(e.method.as_str(), &e.path.template)
            .is_none()
    });
    for endpoint in endpoints {
        let at = format!("{} {}", endpoint.method.as_str(), endpoint.path.template);
        let op = description.operation(endpoint.method.as_str(), &endpoint.path.template);
        if let Some(body) = &endpoint.request_body {
            let schema =
                op.map(|op| op["requestBody"]["content"]["application/json"]["schema"].clone());
            walk.ty(
                body,
                schema.as_ref(),
                None,
                Direction::Request,
                &format!("{at} body"),
            );
        }
        if let Some(query) = &endpoint.query {
            let schema = op.map(|op| {
                let mut properties = serde_json::Map::new();
                let mut required = Vec::new();
                for param in op["parameters"].as_array().into_iter().flatten() {
                    let param = description.resolve(param);
                    if param["in"] == "query" {
                        let name = param["name"].as_str().expect("a parameter name");
                        properties.insert(name.to_owned(), param["schema"].clone());
                        if param["required"] == json!(true) {
                            required.push(json!(name));
                        }
                    }
                }
                json!({"type": "object", "properties": properties, "required": required})
            });
            walk.ty(
                &query.ty,
                schema.as_ref(),
                None,
                Direction::Request,
                &format!("{at} query"),
            );
        }
        if let Output::Json { ty, .. } = &endpoint.output {
            let schema = op.and_then(|op| {
                let body = &op["responses"]["200"]["content"]["application/json"]["schema"];
                description.properties(body).remove("result")
            });
            let doc = documented(doc_area, endpoint);
            walk.ty(
                ty,
                schema.as_ref(),
                doc,
                Direction::Response,
                &format!("{at} result"),
            );
        }
    }
    Findings {
        problems: walk.problems,
        unchecked: walk.unchecked,
        checked: walk.checked.len(),
        documented_only: walk.documented_only,
    }
}

#[test]
fn dns_and_zone_overlays_say_only_what_the_description_says() {
    let description = Description::load();
    let mut documented_only = BTreeSet::new();
    let mut problems = Vec::new();
    let mut unchecked = BTreeSet::new();
    let mut checked = 0;
    for stem in ["dns-records-for-a-zone", "zone"] {
        let found = walk_area(&area(stem, true), &area(stem, false), &description);
        problems.extend(found.problems);
        unchecked.extend(found.unchecked);
        checked += found.checked;
        // By field name: every record kind has the same two.
        documented_only.extend(
            found
                .documented_only
                .iter()
                .map(|f| f.rsplit('.').next().unwrap_or(f).to_owned()),
        );
    }
    assert!(
        problems.is_empty(),
        "{} overlay field(s) disagree with {DESCRIPTION}:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    let expected: BTreeSet<String> = UNCHECKED.iter().map(|(f, _)| (*f).to_owned()).collect();
    assert_eq!(
        unchecked, expected,
        "fields checked against nothing (left) must be exactly those listed in UNCHECKED (right)"
    );
    // The walk reached the record kinds, their data and the zone.
    assert!(checked >= 60, "only {checked} types checked");
    eprintln!(
        "overlay facts: {checked} types checked; fields only the document shows: {}",
        documented_only.into_iter().collect::<Vec<_>>().join(", ")
    );
}

/// The walk fails where it should, naming the field: each case breaks one
/// thing in the merged area and expects that one problem.
#[test]
fn the_walk_catches_what_it_should() {
    let description = Description::load();
    type Break = fn(&mut Area);
    fn structure<'a>(area: &'a mut Area, name: &str) -> &'a mut StructDef {
        match area.types.iter_mut().find(|t| t.name() == name) {
            Some(TypeDef::Struct(def)) => def,
            _ => panic!("no struct {name}"),
        }
    }
    fn field<'a>(area: &'a mut Area, ty: &str, wire: &str) -> &'a mut codegen::ir::FieldDef {
        let def = structure(area, ty);
        def.fields
            .iter_mut()
            .find(|f| f.wire_name == wire)
            .expect("the field")
    }
    let cases: [(&str, Break, &str); 10] = [
        (
            "dns-records-for-a-zone",
            |a| field(a, "TxtRecord", "ttl").ty = TypeRef::I64,
            "GET /zones/{zone_id}/dns_records/{dns_record_id} result (TXT) TxtRecord.ttl: typed I64, but the description says `number`",
        ),
        (
            "zone",
            |a| {
                let mut extra = field(a, "Zone", "id").clone();
                extra.wire_name = "settings".into();
                structure(a, "Zone").fields.push(extra);
            },
            "GET /zones/{zone_id} result Zone.settings: the description has no such property here",
        ),
        (
            "zone",
            |a| field(a, "Zone", "vanity_name_servers").presence = Presence::Required,
            "GET /zones/{zone_id} result Zone.vanity_name_servers: required here, but the description does not require it",
        ),
        (
            "zone",
            |a| field(a, "Zone", "activated_on").presence = Presence::Required,
            "GET /zones/{zone_id} result Zone.activated_on: required, but the description allows `null`",
        ),
        (
            "zone",
            |a| field(a, "Zone", "name").ty = TypeRef::Bool,
            "GET /zones/{zone_id} result Zone.name: typed Bool, but the description says `string`",
        ),
        (
            "zone",
            |a| {
                let created = field(a, "Zone", "created_on").clone();
                structure(a, "ZoneEdit").fields.push(created);
            },
            "PATCH /zones/{zone_id} body ZoneEdit.created_on: the description has no such property here",
        ),
        (
            "zone",
            |a| {
                let Some(TypeDef::Enum(status)) =
                    a.types.iter_mut().find(|t| t.name() == "ZoneStatus")
                else {
                    panic!("the zone status enum")
                };
                let mut gone = status.variants[0].clone();
                gone.wire_name = "deleted".into();
                status.variants.push(gone);
            },
            "GET /zones query ZoneQuery.status: `ZoneStatus` has the value `deleted`, which the description does not list",
        ),
        (
            "dns-records-for-a-zone",
            |a| {
                let Some(TypeDef::Union(record)) =
                    a.types.iter_mut().find(|t| t.name() == "DnsRecord")
                else {
                    panic!("the record union")
                };
                record
                    .variants
                    .retain(|v| v.tag_value.as_deref() != Some("URI"));
            },
            "GET /zones/{zone_id}/dns_records/{dns_record_id} result: `DnsRecord` has no variant for `type` = `URI`",
        ),
        (
            "dns-records-for-a-zone",
            |a| field(a, "TxtRecordBody", "content").presence = Presence::Optional,
            "POST /zones/{zone_id}/dns_records body (TXT) TxtRecordBody.content: the description requires it in a request",
        ),
        (
            "dns-records-for-a-zone",
            |a| {
                let created = field(a, "TxtRecord", "created_on").clone();
                structure(a, "TxtRecordBody").fields.push(created);
            },
            "POST /zones/{zone_id}/dns_records body (TXT) TxtRecordBody.created_on: read-only in the description; a request must not send it",
        ),
    ];
    for (stem, break_it, expected) in cases {
        let doc_area = area(stem, false);
        let mut typed = area(stem, true);
        assert!(
            walk_area(&typed, &doc_area, &description)
                .problems
                .is_empty()
        );
        break_it(&mut typed);
        let problems = walk_area(&typed, &doc_area, &description).problems;
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "expected a problem starting with\n  {expected}\ngot\n  {}",
            problems.join("\n  ")
        );
    }
}
