//! Break mode of the whole-API contract test: conforming answers broken on
//! purpose on their way to the client, and what the client must make of
//! them.
//!
//! [`Breaker`] sits in the recording forwarder: armed before each call with
//! the endpoint's operation, it takes Prism's answer, and when it is a 2xx
//! JSON body that conforms to the description, changes up to
//! [`CHANGES`] places of what the method decodes (seeded by the endpoint's
//! index, so every run breaks the same places): it drops keys the
//! description marks required, and changes value types (a string to a
//! number, a number to a string, an object to an array, an array to an
//! object, any value to `null`), at several depths, inside arrays too.
//! Places are chosen so that no change lies inside another, and no two are
//! elements of one array (an array of strings reports its first element
//! that does not fit).
//!
//! What the client must make of each change follows from its result type,
//! read from the generated listing (`generated-client/API.md`, the
//! client's surface as the generator states it; [`Surface`]): a change at
//! a place its type holds is a mismatch there, listed in
//! `ResponseMeta::mismatches` with what was found; a change the type does
//! not see (a key it does not declare, a place typed `serde_json::Value`,
//! a tagged union's unknown kind kept whole in `Other`, `null` in an
//! optional field, an optional key dropped) is no mismatch. Every mismatch
//! the client lists must be such a change, or one the answer as Prism sent
//! it has at a place the description leaves unspecified. The call must
//! succeed, and the typed value, written back, must be the broken body
//! exactly (checked by the caller).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use generated_client::runtime::{Found, Mismatch, Segment};
use serde_json::{Map, Value};

use super::contract::Contract;
use super::support::Answer;
use super::{Excused, Outcome, Probe, read_part};

/// The most places broken in one answer.
const CHANGES: usize = 4;
/// Elements of an array considered for a change, from its start: enough
/// to break inside arrays, without a long list's every element.
const ELEMENTS: usize = 3;

/// One change the breaker made, at a path from what the method decodes.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: Vec<Segment>,
    pub kind: ChangeKind,
    /// The value now at `path` (`None` for a dropped key).
    pub now: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// A key the description requires, dropped.
    DroppedRequired,
    StringToNumber,
    NumberToString,
    ObjectToArray,
    ArrayToObject,
    ToNull,
}

impl ChangeKind {
    fn name(self) -> &'static str {
        match self {
            ChangeKind::DroppedRequired => "required keys dropped",
            ChangeKind::StringToNumber => "strings made numbers",
            ChangeKind::NumberToString => "numbers made strings",
            ChangeKind::ObjectToArray => "objects made arrays",
            ChangeKind::ArrayToObject => "arrays made objects",
            ChangeKind::ToNull => "values made null",
        }
    }
}

/// Breaks the answers of one mode's calls, one armed call at a time.
pub struct Breaker {
    contract: Arc<Contract>,
    seed: u64,
    armed: Option<Armed>,
}

struct Armed {
    index: usize,
    operation: Value,
    envelope: bool,
    /// What was changed in the call's answer, once it came.
    changes: Option<Vec<Change>>,
}

impl Breaker {
    pub fn new(contract: Arc<Contract>, seed: &str) -> Breaker {
        Breaker {
            contract,
            seed: seed.parse().expect("a numeric seed"),
            armed: None,
        }
    }

    /// Breaks the answer to the next request, for the call of probe
    /// `index` to `operation`.
    pub fn arm(&mut self, index: usize, operation: &Value, envelope: bool) {
        self.armed = Some(Armed {
            index,
            operation: operation.clone(),
            envelope,
            changes: None,
        });
    }

    /// What was changed since [`Breaker::arm`]: `None` when no answer was
    /// broken (it was not a conforming 2xx JSON body), `Some` of no
    /// changes when it had no place to break.
    pub fn disarm(&mut self) -> Option<Vec<Change>> {
        self.armed.take().and_then(|armed| armed.changes)
    }

    /// The broken body to pass on instead of `answer`'s, if any.
    pub fn rewrite(&mut self, answer: &Answer) -> Option<Vec<u8>> {
        let armed = self.armed.as_mut()?;
        if armed.changes.is_some() || !(200..300).contains(&answer.status) {
            return None;
        }
        let body: Value = serde_json::from_slice(&answer.body).ok()?;
        let schema = &armed.operation["responses"][answer.status.to_string()]["content"]["application/json"]
            ["schema"];
        if schema.is_null() || self.contract.conforms(&body, schema, "body").is_err() {
            return None;
        }
        let (part, prefix) = read_part(&body, armed.envelope);
        let mut rng = fastrand::Rng::with_seed(
            self.seed ^ (armed.index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let mut candidates = Vec::new();
        candidates_in(
            &self.contract,
            schema,
            &body,
            &part,
            &prefix,
            &mut Vec::new(),
            &mut candidates,
        );
        let chosen = choose(candidates, &mut rng);
        let mut broken = body.clone();
        let mut changes = Vec::new();
        for (path, kind) in chosen {
            let mut full = prefix.clone();
            full.extend(path.iter().cloned());
            let now = apply(&mut broken, &full, kind, &mut rng);
            changes.push(Change { path, kind, now });
        }
        let changed = !changes.is_empty();
        armed.changes = Some(changes);
        changed.then(|| serde_json::to_vec(&broken).expect("JSON"))
    }
}

/// A place that can be broken, and how.
type Candidate = (Vec<Segment>, ChangeKind);

/// Every place of `value` (at `path` from the decoded part, `prefix` from
/// the body) that can be broken, with how: retyped (below the part's top),
/// or dropped when the description requires the key.
fn candidates_in(
    contract: &Contract,
    schema: &Value,
    body: &Value,
    value: &Value,
    prefix: &[Segment],
    path: &mut Vec<Segment>,
    out: &mut Vec<Candidate>,
) {
    if !path.is_empty() {
        let retype = match value {
            Value::String(_) => Some(ChangeKind::StringToNumber),
            Value::Number(_) => Some(ChangeKind::NumberToString),
            Value::Object(_) => Some(ChangeKind::ObjectToArray),
            Value::Array(_) => Some(ChangeKind::ArrayToObject),
            Value::Bool(_) | Value::Null => None,
        };
        out.extend(retype.map(|kind| (path.clone(), kind)));
        if !value.is_null() {
            out.push((path.clone(), ChangeKind::ToNull));
        }
    }
    match value {
        Value::Object(object) => {
            let mut full = prefix.to_vec();
            full.extend(path.iter().cloned());
            let required: Vec<String> = match contract.place(schema, Some(body), &full, "body") {
                Ok(schemas) => schemas
                    .iter()
                    .flat_map(|s| s.get("required").and_then(Value::as_array))
                    .flatten()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect(),
                Err(_) => Vec::new(),
            };
            for (key, child) in object {
                path.push(Segment::Key(key.clone().into()));
                if required.contains(key) {
                    out.push((path.clone(), ChangeKind::DroppedRequired));
                }
                candidates_in(contract, schema, body, child, prefix, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate().take(ELEMENTS) {
                path.push(Segment::Index(i));
                candidates_in(contract, schema, body, item, prefix, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Up to [`CHANGES`] candidates, none inside another and no two elements
/// of one array: a dropped required key first, then one inside an array,
/// one at the top, the deepest, and the rest at random.
fn choose(mut candidates: Vec<Candidate>, rng: &mut fastrand::Rng) -> Vec<Candidate> {
    rng.shuffle(&mut candidates);
    let mut chosen: Vec<Candidate> = Vec::new();
    let take = |wanted: &dyn Fn(&Candidate) -> bool, chosen: &mut Vec<Candidate>| {
        if chosen.len() >= CHANGES {
            return;
        }
        if let Some(found) = candidates
            .iter()
            .find(|c| wanted(c) && chosen.iter().all(|(p, _)| apart(p, &c.0)))
        {
            chosen.push(found.clone());
        }
    };
    take(&|c| c.1 == ChangeKind::DroppedRequired, &mut chosen);
    take(
        &|c| c.0.iter().any(|s| matches!(s, Segment::Index(_))),
        &mut chosen,
    );
    take(&|c| c.0.len() == 1, &mut chosen);
    let deepest = candidates.iter().map(|c| c.0.len()).max().unwrap_or(0);
    take(&|c| c.0.len() == deepest, &mut chosen);
    while chosen.len() < CHANGES {
        let before = chosen.len();
        take(&|_| true, &mut chosen);
        if chosen.len() == before {
            break;
        }
    }
    chosen
}

/// Whether two places can both be broken: neither inside the other, and
/// not two elements of one array.
fn apart(a: &[Segment], b: &[Segment]) -> bool {
    let prefix = |x: &[Segment], y: &[Segment]| x.len() <= y.len() && y[..x.len()] == *x;
    if prefix(a, b) || prefix(b, a) {
        return false;
    }
    let siblings_in_array = a.len() == b.len()
        && a[..a.len() - 1] == b[..b.len() - 1]
        && matches!(a.last(), Some(Segment::Index(_)));
    !siblings_in_array
}

/// Makes the change at `path` in `body`; the value now there.
fn apply(
    body: &mut Value,
    path: &[Segment],
    kind: ChangeKind,
    rng: &mut fastrand::Rng,
) -> Option<Value> {
    let (last, parent) = path.split_last().expect("a change below the top");
    let parent = parent.iter().fold(body, |value, step| match step {
        Segment::Key(key) => &mut value[key.as_ref()],
        Segment::Index(i) => &mut value[*i],
    });
    if kind == ChangeKind::DroppedRequired {
        let Segment::Key(key) = last else {
            unreachable!("only keys are dropped")
        };
        parent
            .as_object_mut()
            .expect("an object")
            .remove(key.as_ref());
        return None;
    }
    let slot = match last {
        Segment::Key(key) => &mut parent[key.as_ref()],
        Segment::Index(i) => &mut parent[*i],
    };
    *slot = match (kind, slot.take()) {
        (ChangeKind::StringToNumber, Value::String(text)) => {
            Value::from(text.len() as i64 + rng.i64(1..1000))
        }
        (ChangeKind::NumberToString, Value::Number(n)) => Value::String(n.to_string()),
        (ChangeKind::ObjectToArray, Value::Object(object)) => {
            Value::Array(object.into_iter().map(|(_, v)| v).collect())
        }
        (ChangeKind::ArrayToObject, Value::Array(items)) => Value::Object(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect::<Map<String, Value>>(),
        ),
        (ChangeKind::ToNull, _) => Value::Null,
        (kind, value) => unreachable!("{kind:?} of {value}"),
    };
    Some(slot.clone())
}

// ---------------------------------------------------------------------------
// What the client's types are, from its listing

/// The client's result types, as `generated-client/API.md` lists them.
pub struct Surface {
    /// Each `GET` method's result type, by area and method.
    results: BTreeMap<(String, String), Ty>,
    /// Each type, by `area::Name`.
    defs: BTreeMap<String, Def>,
}

/// A Rust type of the listing.
#[derive(Debug, Clone)]
enum Ty {
    /// `serde_json::Value`.
    Any,
    /// `serde_json::Map<String, serde_json::Value>`.
    Map,
    Text,
    Int,
    Float,
    Bool,
    Option(Box<Ty>),
    Vec(Box<Ty>),
    /// A generated type, `area::Name`.
    Named(String),
}

#[derive(Debug, Default)]
enum Def {
    Struct(BTreeMap<String, (bool, Ty)>),
    /// An open enum: any string.
    #[default]
    Enum,
    Tagged {
        tag: String,
        variants: BTreeMap<String, Ty>,
    },
    Untagged,
}

impl Surface {
    pub fn load(listing: &Path) -> Surface {
        let text = std::fs::read_to_string(listing)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", listing.display()));
        let mut surface = Surface {
            results: BTreeMap::new(),
            defs: BTreeMap::new(),
        };
        for line in text.lines() {
            let Some((item, rest)) = line.split_once(' ') else {
                continue;
            };
            let parts: Vec<&str> = item.split("::").collect();
            let area = parts[0];
            let (kind, rest) = rest.split_once(' ').unwrap_or((rest, ""));
            match (kind, parts.len()) {
                ("method", 3) if rest.starts_with("GET ") => {
                    let Some((_, result)) = rest.rsplit_once(" -> ") else {
                        continue;
                    };
                    let tree = Tree::parse(result);
                    let output = &tree.args[0];
                    let ty = match output.name.as_str() {
                        "List" => Ty::Vec(Box::new(ty_of(area, &output.args[0]))),
                        "Json" | "Bare" => ty_of(area, &output.args[0]),
                        _ => continue,
                    };
                    surface
                        .results
                        .insert((area.to_owned(), parts[2].to_owned()), ty);
                }
                ("struct", 2) => {
                    surface
                        .defs
                        .insert(item.to_owned(), Def::Struct(BTreeMap::new()));
                }
                ("enum", 2) => {
                    surface.defs.insert(item.to_owned(), Def::Enum);
                }
                ("union", 2) => {
                    let def = match rest.strip_prefix("tag ") {
                        Some(tag) => Def::Tagged {
                            tag: tag.trim_matches('"').to_owned(),
                            variants: BTreeMap::new(),
                        },
                        None => Def::Untagged,
                    };
                    surface.defs.insert(item.to_owned(), def);
                }
                ("field", 3) => {
                    // `"wire" optional|required Type`
                    let (wire, rest) = rest[1..].split_once("\" ").expect("a wire name");
                    let (presence, ty) = rest.split_once(' ').expect("a presence and a type");
                    let owner = format!("{area}::{}", parts[1]);
                    if let Some(Def::Struct(fields)) = surface.defs.get_mut(&owner) {
                        fields.insert(
                            wire.to_owned(),
                            (presence == "required", ty_of(area, &Tree::parse(ty))),
                        );
                    }
                }
                ("variant", 3) => {
                    let owner = format!("{area}::{}", parts[1]);
                    if let (Some(Def::Tagged { variants, .. }), Some((ty, tag))) =
                        (surface.defs.get_mut(&owner), rest.split_once(" tag "))
                    {
                        variants.insert(
                            tag.trim_matches('"').to_owned(),
                            ty_of(area, &Tree::parse(ty)),
                        );
                    }
                }
                _ => {}
            }
        }
        assert!(
            surface.results.len() > 1000,
            "{}: no GET methods read",
            listing.display()
        );
        surface
    }

    fn def(&self, name: &str) -> &Def {
        static UNKNOWN: Def = Def::Untagged;
        self.defs.get(name).unwrap_or(&UNKNOWN)
    }

    /// Where `path` leads in `value` (the broken result) typed `ty`.
    fn descend<'a>(&'a self, ty: &'a Ty, value: &Value, path: &[Segment]) -> Place<'a> {
        let Some((step, rest)) = path.split_first() else {
            return Place::Typed(ty);
        };
        match ty {
            Ty::Option(inner) => self.descend(inner, value, path),
            Ty::Any => Place::Absorbed("inside a place typed serde_json::Value"),
            Ty::Map => Place::Absorbed("inside a place typed serde_json::Map"),
            Ty::Vec(item) => match (step, value) {
                (Segment::Index(i), Value::Array(items)) => self.descend(item, &items[*i], rest),
                _ => Place::Enclosing,
            },
            Ty::Named(name) => match (self.def(name), step, value) {
                (Def::Struct(fields), Segment::Key(key), Value::Object(object)) => {
                    match fields.get(key.as_ref()) {
                        Some((_, field)) => self.descend(field, &object[key.as_ref()], rest),
                        None => Place::Absorbed("a key its type does not declare"),
                    }
                }
                (Def::Tagged { tag, variants }, _, Value::Object(object)) => {
                    match object
                        .get(tag)
                        .and_then(Value::as_str)
                        .and_then(|t| variants.get(t))
                    {
                        Some(variant) => self.descend(variant, value, path),
                        None => Place::Absorbed("kept whole in a tagged union's Other"),
                    }
                }
                (Def::Untagged, _, _) => Place::Uncertain,
                _ => Place::Enclosing,
            },
            Ty::Text | Ty::Int | Ty::Float | Ty::Bool => Place::Enclosing,
        }
    }

    /// Whether `value` fits `ty` where it is (not what is inside it).
    fn fits(&self, ty: &Ty, value: &Value) -> bool {
        match (ty, value) {
            (Ty::Option(_) | Ty::Any, Value::Null) => true,
            (Ty::Option(inner), value) => self.fits(inner, value),
            (Ty::Any, _) => true,
            (Ty::Map, value) => value.is_object(),
            (Ty::Text, value) => value.is_string(),
            (Ty::Int, Value::Number(n)) => {
                n.is_i64()
                    || n.as_f64()
                        .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
            }
            (Ty::Float, value) => value.is_number(),
            (Ty::Bool, value) => value.is_boolean(),
            (Ty::Vec(_), value) => value.is_array(),
            (Ty::Named(name), value) => match self.def(name) {
                Def::Enum => value.is_string(),
                Def::Struct(_) | Def::Tagged { .. } => value.is_object(),
                Def::Untagged => true,
            },
            (Ty::Int, _) => false,
        }
    }

    /// What the client must make of `change` in `result` (the broken
    /// result) of a method typed `ty`.
    fn expect(&self, ty: &Ty, result: &Value, change: &Change) -> Expect {
        let (last, parent) = change.path.split_last().expect("a change below the top");
        if change.kind == ChangeKind::DroppedRequired {
            let Segment::Key(key) = last else {
                unreachable!("only keys are dropped")
            };
            let parent_value = value_at(result, parent);
            return match self.descend(ty, result, parent) {
                Place::Typed(ty) => match self.field(ty, parent_value, key) {
                    Some((true, _)) => Expect::Mismatch(Found::Missing),
                    Some((false, _)) => Expect::Nothing("an optional field"),
                    None if self.is_other(ty, parent_value) => {
                        Expect::Nothing("kept whole in a tagged union's Other")
                    }
                    None => Expect::Nothing("a key its type does not declare"),
                },
                Place::Absorbed(why) => Expect::Nothing(why),
                Place::Uncertain => Expect::Uncertain,
                Place::Enclosing => Expect::Enclosing,
            };
        }
        let now = change.now.as_ref().expect("a retyped value");
        match self.descend(ty, result, &change.path) {
            Place::Typed(ty) if self.fits(ty, now) => Expect::Nothing(match (unwrap(ty), now) {
                (Ty::Any, _) => "a place typed serde_json::Value",
                (_, Value::Null) => "null where its type is optional",
                _ => "a value its type holds",
            }),
            Place::Typed(_) => Expect::Mismatch(Found::of(now)),
            Place::Absorbed(why) => Expect::Nothing(why),
            Place::Uncertain => Expect::Uncertain,
            Place::Enclosing => Expect::Enclosing,
        }
    }

    /// The field `key` of a struct (or of a tagged union's known kind)
    /// typed `ty` holding `value`: whether it is required, and its type.
    fn field(&self, ty: &Ty, value: &Value, key: &str) -> Option<(bool, &Ty)> {
        match ty {
            Ty::Option(inner) => self.field(inner, value, key),
            Ty::Named(name) => match self.def(name) {
                Def::Struct(fields) => fields.get(key).map(|(r, t)| (*r, t)),
                Def::Tagged { tag, variants } => value
                    .get(tag)
                    .and_then(Value::as_str)
                    .and_then(|t| variants.get(t))
                    .and_then(|variant| self.field(variant, value, key)),
                _ => None,
            },
            _ => None,
        }
    }

    fn is_other(&self, ty: &Ty, value: &Value) -> bool {
        match ty {
            Ty::Option(inner) => self.is_other(inner, value),
            Ty::Named(name) => match self.def(name) {
                Def::Tagged { tag, variants } => !value
                    .get(tag)
                    .and_then(Value::as_str)
                    .is_some_and(|t| variants.contains_key(t)),
                _ => false,
            },
            _ => false,
        }
    }
}

/// The type inside any `Option`s.
fn unwrap(ty: &Ty) -> &Ty {
    match ty {
        Ty::Option(inner) => unwrap(inner),
        other => other,
    }
}

fn value_at<'a>(value: &'a Value, path: &[Segment]) -> &'a Value {
    path.iter().fold(value, |value, step| match step {
        Segment::Key(key) => &value[key.as_ref()],
        Segment::Index(i) => &value[*i],
    })
}

/// Where a path leads in a typed value.
enum Place<'a> {
    /// A place the type holds, typed so.
    Typed(&'a Ty),
    /// A place the type does not see, and why.
    Absorbed(&'static str),
    /// Inside an untagged union, whose variant is a best fit.
    Uncertain,
    /// Inside a value that already does not fit its place (a container
    /// where the type holds a scalar).
    Enclosing,
}

/// What the client must make of one change.
#[derive(Debug)]
enum Expect {
    /// A mismatch at the change's place (or inside it, or at the place
    /// enclosing it that keeps it), having found this.
    Mismatch(Found),
    /// No mismatch there, and why.
    Nothing(&'static str),
    Uncertain,
    /// Inside a place that did not fit already: reported there.
    Enclosing,
}

/// A tree of generic type names: `Request<Json<Option<Zone>>, Query>`.
#[derive(Debug)]
struct Tree {
    name: String,
    args: Vec<Tree>,
}

impl Tree {
    fn parse(text: &str) -> Tree {
        let mut chars = text.trim().chars().peekable();
        Tree::read(&mut chars)
    }

    fn read(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Tree {
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_alphanumeric() || c == '_' || c == ':' {
                name.push(c);
                chars.next();
            } else {
                break;
            }
        }
        let mut args = Vec::new();
        if chars.peek() == Some(&'<') {
            chars.next();
            loop {
                args.push(Tree::read(chars));
                match chars.next() {
                    Some(',') => continue,
                    _ => break,
                }
            }
        }
        Tree { name, args }
    }
}

/// The type a tree names, in `area`.
fn ty_of(area: &str, tree: &Tree) -> Ty {
    match tree.name.as_str() {
        "Option" => Ty::Option(Box::new(ty_of(area, &tree.args[0]))),
        "Vec" => Ty::Vec(Box::new(ty_of(area, &tree.args[0]))),
        "String" => Ty::Text,
        "i64" => Ty::Int,
        "f64" => Ty::Float,
        "bool" => Ty::Bool,
        "serde_json::Value" => Ty::Any,
        "serde_json::Map" => Ty::Map,
        name => Ty::Named(format!("{area}::{name}")),
    }
}

// ---------------------------------------------------------------------------
// Judging a broken answer

/// What one broken answer (or all of a mode's) came to.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Answers broken (at least one change), and answers with no place to
    /// break.
    pub answers: usize,
    pub unbroken: usize,
    pub changes: BTreeMap<&'static str, usize>,
    pub in_arrays: usize,
    pub depths: BTreeMap<usize, usize>,
    /// Changes listed as a mismatch at their place, inside it, or at the
    /// place enclosing it.
    pub at_place: usize,
    pub inside: usize,
    pub enclosing: usize,
    /// Changes the type does not see, by why.
    pub unseen: BTreeMap<&'static str, usize>,
    /// Changes inside an untagged union (a best fit) or a place that did
    /// not fit already: any outcome accepted.
    pub uncertain: usize,
    /// Mismatches of the answer as Prism sent it, excused at unspecified
    /// places.
    pub excused: usize,
    /// Each change and how it came out, one line each, for the listing.
    pub lines: Vec<String>,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.answers += other.answers;
        self.unbroken += other.unbroken;
        for (k, n) in &other.changes {
            *self.changes.entry(k).or_default() += n;
        }
        self.in_arrays += other.in_arrays;
        for (k, n) in &other.depths {
            *self.depths.entry(*k).or_default() += n;
        }
        self.at_place += other.at_place;
        self.inside += other.inside;
        self.enclosing += other.enclosing;
        for (k, n) in &other.unseen {
            *self.unseen.entry(k).or_default() += n;
        }
        self.uncertain += other.uncertain;
        self.excused += other.excused;
        self.lines.extend(other.lines.iter().cloned());
    }

    pub fn report(&self) -> String {
        let total: usize = self.changes.values().sum();
        let unseen: usize = self.unseen.values().sum();
        let mut out = format!(
            "  {} answers broken ({} conforming answers had no place to break), {total} changes:",
            self.answers, self.unbroken
        );
        for (kind, n) in &self.changes {
            let _ = write!(out, " {n} {kind},");
        }
        out.pop();
        let _ = write!(
            out,
            "\n    {} inside arrays; by depth below the result:",
            self.in_arrays
        );
        for (depth, n) in &self.depths {
            let _ = write!(out, " {depth}: {n},");
        }
        out.pop();
        let _ = write!(
            out,
            "\n    {} listed as mismatches ({} at their place, {} inside it, {} at the place enclosing it); {unseen} not seen by the type, rightly:",
            self.at_place + self.inside + self.enclosing,
            self.at_place,
            self.inside,
            self.enclosing
        );
        for (why, n) in &self.unseen {
            let _ = write!(out, " {n} {why},");
        }
        out.pop();
        let _ = writeln!(
            out,
            "; {} in an untagged union or a place that did not fit already (any outcome); {} mismatches of Prism's answers excused at unspecified places",
            self.uncertain, self.excused
        );
        out
    }
}

/// Judges a call whose answer was broken by `changes`: each change must
/// come out as its type says (see [`Surface::expect`]), and every
/// mismatch must be a change or excused by `excuse` (the answer as Prism
/// sent it, at a place the description leaves unspecified). Problems go
/// to `problems`; the tally says how the changes came out.
pub fn judge(
    surface: &Surface,
    probe: &Probe,
    result: &Value,
    outcome: &Outcome,
    changes: &[Change],
    problems: &mut Vec<String>,
    excuse: impl Fn(&Mismatch) -> Result<Excused, String>,
) -> Tally {
    let mut tally = Tally::default();
    if changes.is_empty() {
        tally.unbroken = 1;
    } else {
        tally.answers = 1;
    }
    let Some(ty) = surface
        .results
        .get(&(probe.area.to_owned(), probe.method.to_owned()))
    else {
        problems.push(format!(
            "API.md lists no GET method {}::{}",
            probe.area, probe.method
        ));
        return tally;
    };
    let mut explained = vec![false; outcome.mismatches.len()];
    for change in changes {
        *tally.changes.entry(change.kind.name()).or_default() += 1;
        *tally.depths.entry(change.path.len()).or_default() += 1;
        if change.path.iter().any(|s| matches!(s, Segment::Index(_))) {
            tally.in_arrays += 1;
        }
        let at = path_name(&change.path);
        let relation = |m: &Mismatch| {
            let p = m.segments();
            let c = &change.path[..];
            if p == c {
                Some(Relation::At)
            } else if p.len() > c.len() && p[..c.len()] == *c {
                Some(Relation::Inside)
            } else if p.len() < c.len() && c[..p.len()] == *p {
                Some(Relation::Enclosing)
            } else {
                None
            }
        };
        let related: Vec<(usize, Relation)> = outcome
            .mismatches
            .iter()
            .enumerate()
            .filter_map(|(i, m)| relation(m).map(|r| (i, r)))
            .collect();
        let expect = surface.expect(ty, result, change);
        let listed: Vec<String> = related
            .iter()
            .map(|(i, r)| format!("{:?} {}", r, outcome.mismatches[*i]))
            .collect();
        tally.lines.push(format!(
            "{}: {at}: {} ({}): expected {expect:?}, listed [{}]",
            probe.name(),
            change.kind.name(),
            describe(&change.now),
            listed.join("; ")
        ));
        match expect {
            Expect::Mismatch(found) => {
                let best = related.iter().min_by_key(|(_, r)| *r);
                match best {
                    None => problems.push(format!(
                        "{at}: {} ({}), and the type holds that place, but no mismatch lists it",
                        change.kind.name(),
                        describe(&change.now)
                    )),
                    Some((i, Relation::At)) if outcome.mismatches[*i].found() != found => problems
                        .push(format!(
                            "{at}: {}: the mismatch there says it found {}, not {found}",
                            change.kind.name(),
                            outcome.mismatches[*i].found()
                        )),
                    Some((_, relation)) => match relation {
                        Relation::At => tally.at_place += 1,
                        Relation::Inside => tally.inside += 1,
                        Relation::Enclosing => tally.enclosing += 1,
                    },
                }
                for (i, _) in &related {
                    explained[*i] = true;
                }
            }
            Expect::Nothing(why) => {
                let wrong: Vec<String> = related
                    .iter()
                    .filter(|(_, r)| *r != Relation::Enclosing)
                    .map(|(i, _)| outcome.mismatches[*i].to_string())
                    .collect();
                if wrong.is_empty() {
                    *tally.unseen.entry(why).or_default() += 1;
                } else {
                    problems.push(format!(
                        "{at}: {} ({}) is {why}, yet listed: {}",
                        change.kind.name(),
                        describe(&change.now),
                        wrong.join("; ")
                    ));
                }
            }
            Expect::Uncertain | Expect::Enclosing => {
                tally.uncertain += 1;
                for (i, _) in &related {
                    explained[*i] = true;
                }
            }
        }
    }
    for (mismatch, explained) in outcome.mismatches.iter().zip(explained) {
        if explained {
            continue;
        }
        match excuse(mismatch) {
            Ok(_) => tally.excused += 1,
            Err(problem) => problems.push(format!("no change explains it: {problem}")),
        }
    }
    tally
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Relation {
    At,
    Inside,
    Enclosing,
}

fn describe(now: &Option<Value>) -> String {
    match now {
        None => "dropped".to_owned(),
        Some(value) => format!("now {}", super::cut_json(value)),
    }
}

/// `result.meta.source`, `result[3].ttl`.
pub fn path_name(path: &[Segment]) -> String {
    let mut out = String::from("result");
    for step in path {
        match step {
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}
