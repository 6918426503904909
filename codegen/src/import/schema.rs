//! OpenAPI schemas → [`Skel`]s.
//!
//! A schema is first [`Flat`]tened: its `$ref`s followed and its `allOf`
//! branches merged into one list of properties, one `required` list, one
//! type. Then the walk turns it into a skeleton: `oneOf`/`anyOf`
//! alternatives are joined ([`union`]) and combined with what the schema
//! says besides them ([`both`]). A `$ref` met again below itself (a
//! recursive schema) and anything nested deeper than [`MAX_DEPTH`] are any
//! JSON: codegen refuses skeletons deeper than 32 levels, and no result a
//! client reads is that deep.

use super::json::Json;
use super::openapi::Description;
use super::skel::{Prop, Skel, both, fit_example, union, words};

/// Objects and arrays nested deeper than this become `"*any*"`.
pub(crate) const MAX_DEPTH: usize = 10;

/// Which properties a shape leaves out: a response has no `writeOnly`
/// property, a request body no `readOnly` one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Request,
    Response,
}

/// A schema with its `$ref`s followed and its `allOf`s merged.
#[derive(Debug, Default)]
pub(crate) struct Flat<'d> {
    pub types: Vec<&'d str>,
    pub format: Option<&'d str>,
    pub enum_values: Option<&'d [Json]>,
    /// Each property with every schema given for it (several `allOf`
    /// branches may each say something).
    pub properties: Vec<(&'d str, Vec<Sub<'d>>)>,
    pub required: Vec<&'d str>,
    pub items: Vec<Sub<'d>>,
    /// Each `oneOf` or `anyOf` list.
    pub alternatives: Vec<(&'d [Json], Vec<&'d str>)>,
    pub nullable: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub deprecated: bool,
    pub description: Option<&'d str>,
    pub title: Option<&'d str>,
    /// The `$ref`s followed at this level, in order.
    pub refs: Vec<&'d str>,
    /// A `$ref` that is being expanded above this place: following it
    /// again would never end.
    pub recursive: bool,
    /// The first `example` given for the place: what the API sends there.
    pub example: Option<&'d Json>,
    /// `additionalProperties` says the object holds keys of its own
    /// choosing: a map, not an object that declares nothing.
    pub map: bool,
}

/// A schema inside another (a property's, the items'), with the `$ref`s
/// that led to it from its parent's place: the schemas it is part of.
/// Only those are its ancestors; a `$ref` merged in by a sibling `allOf`
/// branch is not, and may appear below it without any recursion.
#[derive(Debug, Clone)]
pub(crate) struct Sub<'d> {
    pub node: &'d Json,
    pub chain: Vec<&'d str>,
}

impl Flat<'_> {
    /// `true` when the schema declares the property `name` required.
    pub(crate) fn requires(&self, name: &str) -> bool {
        self.required.contains(&name)
    }

    /// `true` for a binary string: a file's bytes.
    pub(crate) fn is_binary(&self) -> bool {
        self.format == Some("binary") && self.types.iter().all(|t| *t == "string")
    }
}

/// Walks schemas of one description. Holds the `$ref`s being expanded on
/// the way from the root to the current place.
pub(crate) struct Walker<'d> {
    desc: &'d Description,
    direction: Direction,
    stack: Vec<&'d str>,
}

impl<'d> Walker<'d> {
    pub(crate) fn new(desc: &'d Description, direction: Direction) -> Self {
        Self {
            desc,
            direction,
            stack: Vec::new(),
        }
    }

    /// Merges `nodes` (all of them hold at once) into one flat schema.
    pub(crate) fn flatten(&self, nodes: &[&'d Json]) -> Flat<'d> {
        let mut flat = Flat::default();
        for node in nodes {
            self.add(node, &mut flat, &mut Vec::new());
        }
        flat
    }

    /// Adds what `node` says to `flat`; `chain` holds the `$ref`s followed
    /// to reach `node` within this place.
    fn add(&self, node: &'d Json, flat: &mut Flat<'d>, chain: &mut Vec<&'d str>) {
        let sub = |node: &'d Json| Sub {
            node,
            chain: chain.clone(),
        };
        let Json::Object(entries) = node else { return };
        // The node's own words come before those of what it refers to.
        for (key, value) in entries {
            match (key.as_str(), value) {
                ("description", Json::String(text)) if flat.description.is_none() => {
                    flat.description = Some(text);
                }
                ("title", Json::String(text)) if flat.title.is_none() => flat.title = Some(text),
                ("example", example) if flat.example.is_none() => flat.example = Some(example),
                ("nullable", Json::Bool(true)) => flat.nullable = true,
                ("readOnly", Json::Bool(true)) => flat.read_only = true,
                ("writeOnly", Json::Bool(true)) => flat.write_only = true,
                ("deprecated", Json::Bool(true)) => flat.deprecated = true,
                ("format", Json::String(format)) if flat.format.is_none() => {
                    flat.format = Some(format);
                }
                ("type", Json::String(ty)) => push_type(flat, ty),
                ("type", Json::Array(types)) => {
                    for ty in types.iter().filter_map(Json::as_str) {
                        push_type(flat, ty);
                    }
                }
                ("enum", Json::Array(values)) if flat.enum_values.is_none() => {
                    flat.nullable |= values.contains(&Json::Null);
                    flat.enum_values = Some(values);
                }
                ("properties", Json::Object(properties)) => {
                    for (name, schema) in properties {
                        match flat.properties.iter_mut().find(|(n, _)| n == name) {
                            Some((_, schemas)) => schemas.push(sub(schema)),
                            None => flat.properties.push((name, vec![sub(schema)])),
                        }
                    }
                }
                ("required", Json::Array(names)) => {
                    for name in names.iter().filter_map(Json::as_str) {
                        if !flat.required.contains(&name) {
                            flat.required.push(name);
                        }
                    }
                }
                ("items", items) => flat.items.push(sub(items)),
                ("additionalProperties", Json::Bool(false)) => {}
                ("additionalProperties", _) => {
                    flat.map = true;
                    push_type(flat, "object");
                }
                ("oneOf" | "anyOf", Json::Array(alternatives)) if !alternatives.is_empty() => {
                    // An alternative that is only `null` makes the value
                    // nullable, and says nothing else.
                    flat.nullable |= alternatives.iter().any(is_null_only);
                    flat.alternatives.push((alternatives, chain.clone()));
                }
                _ => {}
            }
        }
        if let Some(reference) = node.str_at("$ref") {
            if self.stack.contains(&reference) || chain.contains(&reference) {
                flat.recursive = true;
            } else if !flat.refs.contains(&reference) {
                // A `$ref` merged twice (two `allOf` branches share a
                // base) adds nothing the second time.
                flat.refs.push(reference);
                if let Some(target) = self.desc.lookup(reference) {
                    chain.push(reference);
                    self.add(target, flat, chain);
                    chain.pop();
                }
            }
        }
        for branch in node.get("allOf").map(Json::items).unwrap_or_default() {
            self.add(branch, flat, chain);
        }
    }

    /// The schemas `subs` (all of them at once), walked below their
    /// parent: the `$ref`s that led to them are being expanded meanwhile.
    pub(crate) fn sub_skel(&mut self, subs: &[Sub<'d>], depth: usize) -> (Flat<'d>, Skel) {
        let before = self.stack.len();
        for sub in subs {
            self.stack.extend(sub.chain.iter().copied());
        }
        let nodes: Vec<&'d Json> = subs.iter().map(|s| s.node).collect();
        let flat = self.flatten(&nodes);
        let skel = self.walk(&flat, depth);
        self.stack.truncate(before);
        (flat, skel)
    }

    /// The skeleton of `nodes` (all of them at once), `depth` objects and
    /// arrays below the fence's top.
    pub(crate) fn skel(&mut self, nodes: &[&'d Json], depth: usize) -> Skel {
        let flat = self.flatten(nodes);
        self.walk(&flat, depth)
    }

    /// The skeleton of a flattened schema.
    pub(crate) fn walk(&mut self, flat: &Flat<'d>, depth: usize) -> Skel {
        if flat.recursive {
            return Skel::Any;
        }
        let mut skel = self.own_shape(flat, depth);
        for (alternatives, chain) in &flat.alternatives {
            let before = self.stack.len();
            self.stack.extend(chain.iter().copied());
            let joined = self.alternatives(alternatives, depth);
            self.stack.truncate(before);
            skel = both(skel, joined);
        }
        // Only what comes back must decode; a request's example only shows.
        match (flat.example, self.direction) {
            (Some(example), Direction::Response) => fit_example(skel, example),
            _ => skel,
        }
    }

    /// What a schema says besides its `oneOf`/`anyOf`.
    fn own_shape(&mut self, flat: &Flat<'d>, depth: usize) -> Skel {
        if let Some(values) = flat.enum_values {
            if let Some(skel) = enum_shape(flat, values) {
                return skel;
            }
        }
        let is = |ty: &str| flat.types.contains(&ty);
        // A generic base that says `object` merged with a list that says
        // `array` and gives its items (Cloudflare's envelopes do this to
        // `result`): the list is what the place holds.
        let array_wins = is("array") && !flat.items.is_empty() && flat.properties.is_empty();
        if (is("object") || !flat.properties.is_empty()) && !array_wins {
            if depth >= MAX_DEPTH {
                return Skel::Any;
            }
            if flat.properties.is_empty() {
                return Skel::Map;
            }
            return Skel::Object(self.fields(flat, depth + 1));
        }
        // Names it requires and nothing else (a slice of Cloudflare's
        // description lost their schemas): required fields of any JSON.
        if flat.types.is_empty() && flat.items.is_empty() && !flat.required.is_empty() {
            return Skel::Object(
                flat.required
                    .iter()
                    .map(|name| Prop {
                        required: true,
                        ..Prop::new(name, Skel::Any)
                    })
                    .collect(),
            );
        }
        if is("array") || !flat.items.is_empty() {
            if depth >= MAX_DEPTH {
                return Skel::Any;
            }
            if flat.items.is_empty() {
                return Skel::Array(Box::new(Skel::Unknown), false);
            }
            let (item, shape) = self.sub_skel(&flat.items, depth + 1);
            return Skel::Array(Box::new(shape), item.nullable);
        }
        scalar(flat)
    }

    /// The fields of an object, each with its `required` flag and words.
    pub(crate) fn fields(&mut self, flat: &Flat<'d>, depth: usize) -> Vec<Prop> {
        let mut fields = Vec::with_capacity(flat.properties.len());
        for (name, schemas) in &flat.properties {
            let (property, skel) = self.sub_skel(schemas, depth);
            let left_out = match self.direction {
                Direction::Request => property.read_only,
                Direction::Response => property.write_only,
            };
            if left_out {
                continue;
            }
            fields.push(Prop {
                name: (*name).to_owned(),
                skel,
                required: flat.requires(name) && !property.nullable,
                words: words(property.description, property.deprecated),
            });
        }
        fields
    }

    /// One `oneOf`/`anyOf` list, joined; alternatives that only say `null`
    /// are left out.
    fn alternatives(&mut self, alternatives: &'d [Json], depth: usize) -> Skel {
        let mut joined: Option<Skel> = None;
        for alternative in alternatives.iter().filter(|a| !is_null_only(a)) {
            let skel = self.skel(&[alternative], depth);
            joined = Some(match joined {
                None => skel,
                Some(before) => union(before, skel),
            });
        }
        joined.unwrap_or(Skel::Unknown)
    }
}

fn push_type<'d>(flat: &mut Flat<'d>, ty: &'d str) {
    if ty == "null" {
        flat.nullable = true;
    } else if !flat.types.contains(&ty) {
        flat.types.push(ty);
    }
}

/// An `enum`: string values make an enum unless one of them cannot be
/// written in `"*enum: a | b*"` (empty, or with `|`, `,`, `*`, or spaces
/// around it); other values keep their type.
fn enum_shape(flat: &Flat<'_>, values: &[Json]) -> Option<Skel> {
    let values: Vec<&Json> = values.iter().filter(|v| **v != Json::Null).collect();
    if values.is_empty() {
        return None;
    }
    let strings: Vec<&str> = values.iter().filter_map(|v| v.as_str()).collect();
    if strings.len() == values.len() {
        let writable = strings
            .iter()
            .all(|s| !s.is_empty() && s.trim() == *s && !s.contains(['|', ',', '*']));
        if !writable {
            return Some(Skel::String);
        }
        let mut distinct: Vec<String> = Vec::with_capacity(strings.len());
        for s in strings {
            if !distinct.iter().any(|d| d == s) {
                distinct.push(s.to_owned());
            }
        }
        return Some(Skel::Enum(distinct));
    }
    if !flat.types.is_empty() {
        return Some(scalar(flat));
    }
    let all = |f: fn(&Json) -> bool| values.iter().all(|v| f(v));
    Some(if all(|v| matches!(v, Json::Bool(_))) {
        Skel::Boolean
    } else if all(|v| matches!(v, Json::Number(n) if n.is_i64() || n.is_u64())) {
        Skel::Integer
    } else if all(|v| matches!(v, Json::Number(_))) {
        Skel::Number
    } else {
        Skel::Any
    })
}

/// A scalar type, or `null` when the schema has none.
fn scalar(flat: &Flat<'_>) -> Skel {
    match flat.types.first().copied() {
        Some("string") if flat.format == Some("date-time") => Skel::DateTime,
        Some("string") => Skel::String,
        Some("integer") => Skel::Integer,
        Some("number") => Skel::Number,
        Some("boolean") => Skel::Boolean,
        _ => Skel::Unknown,
    }
}

/// `{nullable: true}`, `{type: "null"}` and the like: an alternative that
/// only says the value may be `null`.
pub(crate) fn is_null_only(node: &Json) -> bool {
    let Json::Object(entries) = node else {
        return false;
    };
    let says_null = node.flag("nullable") || node.str_at("type") == Some("null");
    let says_more = entries.iter().any(|(key, value)| match key.as_str() {
        "type" => value.as_str() != Some("null"),
        "$ref"
        | "properties"
        | "items"
        | "allOf"
        | "oneOf"
        | "anyOf"
        | "enum"
        | "additionalProperties"
        | "format" => true,
        _ => false,
    });
    says_null && !says_more
}
