//! Shapes → named Rust types of one area: structs for objects, open enums
//! for overlay enums, tagged or untagged unions for overlay "one of" bodies.
//!
//! Identical shapes share one type. While the area is lowered, each type
//! gets a provisional name from its first use (`{Method}Response`,
//! `{Parent}{Field}`, `…Item`); once every endpoint is known,
//! [`Types::finish_names`] names each after what it is: a result shared by
//! several endpoints, or the element of a list, after the noun their titles
//! agree on (`DnsRecord`), a field's type after its parent and the field
//! (`DnsRecordMeta`), without the module's own name in front (`zone::Meta`).
//! The provisional name is the fallback on a clash. Names the overlay gives
//! are exact and never change.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ir::{
    Area, EnumDef, EnumVariant, FieldDef, Output, PartKind, Presence, Shape, StructDef, TypeDef,
    TypeRef, UnionDef, UnionVariant,
};
use crate::naming::{self, Namespace};

/// An overlay `## Type`: a shape, or named variants.
#[derive(Debug, Clone)]
pub(super) enum NamedShape {
    Plain(Shape),
    OneOf(Vec<Variant>),
}

/// A variant of a "one of": its label (`Simple`), its struct's name and shape.
#[derive(Debug, Clone)]
pub(super) struct Variant {
    pub label: String,
    pub name: String,
    pub shape: Shape,
}

/// How a type was first reached, for its final name.
#[derive(Debug, Clone)]
enum Origin {
    /// Named by the overlay: the name is exact.
    Given,
    /// The type of a parent's field (of its elements when `array`).
    Field {
        parent: usize,
        field: String,
        array: bool,
    },
    /// Anything else: a result, a request body without a given name.
    Loose,
}

/// Builds the types of one area.
#[derive(Debug)]
pub(super) struct Types {
    pub defs: Vec<TypeDef>,
    names: Namespace,
    seen: HashMap<Shape, String>,
    /// Overlay types by name, resolved on first use.
    named: BTreeMap<String, NamedShape>,
    /// Per def: how it was first reached.
    origins: Vec<Origin>,
    /// Per def: the endpoints it is the result of (title, and whether as the
    /// element of a list).
    results: Vec<Vec<(String, bool)>>,
    /// Per def: the methods it is the result, body or query of, and how.
    uses: Vec<Vec<(String, Use)>>,
}

/// How a method uses a type directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    /// Its result, or the element of its list.
    Result,
    /// Its request body.
    Body,
    /// Its query.
    Query,
}

impl Types {
    /// `reserved`: names taken already (the area's handle, and every name an
    /// overlay gives, so that no generated name takes one of them).
    pub fn new(reserved: &[&str], named: BTreeMap<String, NamedShape>) -> Self {
        Self {
            defs: Vec::new(),
            names: Namespace::with_reserved(reserved),
            seen: HashMap::new(),
            named,
            origins: Vec::new(),
            results: Vec::new(),
            uses: Vec::new(),
        }
    }

    /// An overlay type's shape with references resolved, for comparisons.
    pub fn resolve<'s>(&'s self, shape: &'s Shape) -> &'s Shape {
        match shape {
            Shape::Named(name) => match self.named.get(name) {
                Some(NamedShape::Plain(inner)) => self.resolve(inner),
                _ => shape,
            },
            _ => shape,
        }
    }

    /// A plain overlay type's shape, references resolved; `None` for a one of.
    pub fn plain(&self, name: &str) -> Option<&Shape> {
        match self.named.get(name)? {
            NamedShape::Plain(inner) => Some(self.resolve(inner)),
            NamedShape::OneOf(_) => None,
        }
    }

    fn mark_used(&mut self, name: &str, user: &str) {
        if let Some(TypeDef::Struct(def)) = self.defs.iter_mut().find(|d| d.name() == name) {
            if !def.used_by.iter().any(|u| u == user) {
                def.used_by.push(user.to_owned());
            }
        }
    }

    /// The Rust type of `shape`. `hint` names a new type; `exact` means the
    /// name was given by an overlay and is used as is.
    pub fn type_of(&mut self, shape: &Shape, hint: &str, exact: bool, user: &str) -> TypeRef {
        let origin = if exact { Origin::Given } else { Origin::Loose };
        self.type_in(shape, hint, exact, user, origin)
    }

    /// Adds a def, reached as `origin`.
    fn push_def(&mut self, def: TypeDef, origin: Origin) -> usize {
        self.defs.push(def);
        self.origins.push(origin);
        self.results.push(Vec::new());
        self.uses.push(Vec::new());
        self.defs.len() - 1
    }

    /// Records that `ty` is the result of the endpoint titled `title`,
    /// whose method is `method`.
    pub fn note_result(&mut self, ty: &TypeRef, title: &str, method: &str) {
        let (name, element) = match ty {
            TypeRef::Named(name) => (name, false),
            TypeRef::Vec(item) => match &**item {
                TypeRef::Named(name) => (name, true),
                TypeRef::Option(inner) => match &**inner {
                    TypeRef::Named(name) => (name, true),
                    _ => return,
                },
                _ => return,
            },
            _ => return,
        };
        if let Some(index) = self.defs.iter().position(|d| d.name() == name) {
            self.results[index].push((title.to_owned(), element));
            self.uses[index].push((method.to_owned(), Use::Result));
        }
    }

    /// Records that `ty` is the request body or query (`how`) of `method`.
    pub fn note_request(&mut self, ty: &TypeRef, method: &str, how: Use) {
        let mut ty = ty;
        while let TypeRef::Vec(item) | TypeRef::Option(item) = ty {
            ty = item;
        }
        let TypeRef::Named(name) = ty else { return };
        if let Some(index) = self.defs.iter().position(|d| d.name() == name) {
            self.uses[index].push((method.to_owned(), how));
        }
    }

    /// The struct `ty` names, when every use of it so far is as a query.
    pub fn query_only_struct(&mut self, ty: &TypeRef) -> Option<&mut StructDef> {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        let index = self.defs.iter().position(|d| d.name() == name)?;
        if !self.uses[index].iter().all(|(_, how)| *how == Use::Query) {
            return None;
        }
        match &mut self.defs[index] {
            TypeDef::Struct(def) => Some(def),
            _ => None,
        }
    }

    /// The name of a type that several methods use directly and whose
    /// titles agree on no noun: what their names share
    /// ([`naming::shared_entity`]), with `Body` or `Query` when that is
    /// all they use it as; a result takes the bare noun, or `…Response`
    /// when another type has it.
    fn shared_name(
        &self,
        index: usize,
        names: &Namespace,
        nouns: &BTreeSet<&String>,
    ) -> Option<String> {
        let uses = &self.uses[index];
        let mut methods: Vec<&str> = uses.iter().map(|(m, _)| m.as_str()).collect();
        methods.sort_unstable();
        methods.dedup();
        if methods.len() < 2 {
            return None;
        }
        let mut entity = naming::shared_entity(&methods)?;
        let all = |how: Use| uses.iter().all(|(_, u)| *u == how);
        // The elements of lists are each one thing.
        if all(Use::Result) && self.results[index].iter().all(|(_, element)| *element) {
            entity = naming::singular_name(&entity);
        }
        let candidates = if all(Use::Body) {
            vec![format!("{entity}Body")]
        } else if all(Use::Query) {
            vec![format!("{entity}Query")]
        } else {
            vec![entity.clone(), format!("{entity}Response")]
        };
        candidates
            .into_iter()
            .find(|c| !names.contains(c) && !nouns.contains(c))
    }

    fn type_in(
        &mut self,
        shape: &Shape,
        hint: &str,
        exact: bool,
        user: &str,
        origin: Origin,
    ) -> TypeRef {
        match shape {
            Shape::String => TypeRef::String,
            Shape::Integer => TypeRef::I64,
            Shape::Number => TypeRef::F64,
            Shape::Boolean => TypeRef::Bool,
            Shape::Unknown | Shape::Any => TypeRef::Value,
            Shape::EmptyObject => TypeRef::Map,
            Shape::Nullable(item) => match self.type_in(item, hint, exact, user, origin) {
                // `Value` holds `null` itself.
                TypeRef::Value => TypeRef::Value,
                ty => TypeRef::Option(Box::new(ty)),
            },
            Shape::Array(item) => {
                let origin = match origin {
                    Origin::Field { parent, field, .. } => Origin::Field {
                        parent,
                        field,
                        array: true,
                    },
                    other => other,
                };
                TypeRef::Vec(Box::new(self.type_in(item, hint, exact, user, origin)))
            }
            Shape::Named(name) => self.named_type(name, user),
            Shape::Enum(values) => {
                if let Some(name) = self.seen.get(shape) {
                    return TypeRef::Named(name.clone());
                }
                let name = self.claim(hint, exact);
                self.seen.insert(shape.clone(), name.clone());
                let mut variants = Namespace::with_reserved(&["Other"]);
                let variants = values
                    .iter()
                    .map(|value| EnumVariant {
                        wire_name: value.clone(),
                        rust_name: variants
                            .claim(&naming::type_name(&naming::field_name(value)), ""),
                    })
                    .collect();
                self.push_def(
                    TypeDef::Enum(EnumDef {
                        name: name.clone(),
                        variants,
                    }),
                    origin,
                );
                TypeRef::Named(name)
            }
            Shape::Object(fields) => {
                let key = undocumented(shape);
                if let Some(name) = self.seen.get(&key).cloned() {
                    self.mark_used(&name, user);
                    return TypeRef::Named(name);
                }
                let name = self.claim(hint, exact);
                self.seen.insert(key, name.clone());
                self.push_struct(&name, fields, None, user, origin);
                TypeRef::Named(name)
            }
        }
    }

    /// A type name: `hint` made unique, or as is when `exact`.
    pub fn claim(&mut self, hint: &str, exact: bool) -> String {
        if exact {
            hint.to_owned()
        } else {
            self.names.claim(hint, "")
        }
    }

    /// Adds a struct named `name` (already claimed), leaving out the field
    /// `skip` (a union's tag). The slot is reserved first so that a parent
    /// comes before its children in the output.
    fn push_struct(
        &mut self,
        name: &str,
        fields: &[crate::ir::Field],
        skip: Option<&str>,
        user: &str,
        origin: Origin,
    ) -> usize {
        let index = self.push_def(
            TypeDef::Struct(StructDef {
                name: name.to_owned(),
                doc: String::new(),
                fields: Vec::new(),
                used_by: vec![user.to_owned()],
            }),
            origin,
        );
        // `extra` holds the keys the struct does not declare.
        let mut field_names = Namespace::with_reserved(&["extra"]);
        let defs = fields
            .iter()
            .filter(|f| Some(f.wire_name.as_str()) != skip)
            .map(|field| {
                let base = match naming::field_name(&field.wire_name) {
                    name if name == "extra" => "extra_field".to_owned(),
                    name => name,
                };
                let rust_name = field_names.claim(&base, "");
                let child = format!("{name}{}", naming::type_name(&rust_name));
                let child = if matches!(field.shape, Shape::Array(_)) {
                    format!("{child}Item")
                } else {
                    child
                };
                let origin = Origin::Field {
                    parent: index,
                    field: rust_name.clone(),
                    array: false,
                };
                FieldDef {
                    wire_name: field.wire_name.clone(),
                    ty: self.type_in(&field.shape, &child, false, user, origin),
                    rust_name,
                    presence: if field.required {
                        Presence::Required
                    } else {
                        Presence::Optional
                    },
                    doc: crate::rustdoc::sanitize(&field.doc),
                }
            })
            .collect();
        if let TypeDef::Struct(def) = &mut self.defs[index] {
            def.fields = defs;
        }
        index
    }

    /// An overlay type, built on first use.
    fn named_type(&mut self, name: &str, user: &str) -> TypeRef {
        if self.defs.iter().any(|d| d.name() == name) {
            self.mark_used(name, user);
            return TypeRef::Named(name.to_owned());
        }
        match self.named.get(name).cloned() {
            Some(NamedShape::Plain(Shape::Object(fields))) => {
                self.seen
                    .entry(undocumented(&Shape::Object(fields.clone())))
                    .or_insert_with(|| name.to_owned());
                self.push_struct(name, &fields, None, user, Origin::Given);
                TypeRef::Named(name.to_owned())
            }
            Some(NamedShape::Plain(other)) => self.type_of(&other, name, true, user),
            Some(NamedShape::OneOf(variants)) => self.union(name, &variants, user),
            None => TypeRef::Value,
        }
    }

    /// A union of object variants. The tag is a field that every variant
    /// requires and fixes to one value of its own.
    pub fn union(&mut self, name: &str, variants: &[Variant], user: &str) -> TypeRef {
        let objects: Vec<&[crate::ir::Field]> = variants
            .iter()
            .filter_map(|v| match self.resolve(&v.shape) {
                Shape::Object(fields) => Some(fields.as_slice()),
                _ => None,
            })
            .collect();
        let fixed = |fields: &[crate::ir::Field], wire: &str| {
            fields
                .iter()
                .find(|f| f.wire_name == wire && f.required)
                .and_then(|f| match &f.shape {
                    Shape::Enum(values) if values.len() == 1 => Some(values[0].clone()),
                    _ => None,
                })
        };
        let tag = objects.first().and_then(|first| {
            first.iter().map(|f| f.wire_name.as_str()).find(|wire| {
                let values: Vec<Option<String>> = objects.iter().map(|o| fixed(o, wire)).collect();
                let mut distinct: Vec<&String> = values.iter().flatten().collect();
                distinct.sort();
                distinct.dedup();
                values.iter().all(Option::is_some) && distinct.len() == values.len()
            })
        });
        let tag = tag
            .filter(|_| objects.len() == variants.len())
            .map(str::to_owned);

        // Reserve the union's slot before its variants.
        let index = self.push_def(
            TypeDef::Union(UnionDef {
                name: name.to_owned(),
                doc: String::new(),
                tag: tag.clone(),
                variants: Vec::new(),
            }),
            Origin::Given,
        );
        // A tagged union also has `Other`, for kinds the client does not know.
        let mut labels = if tag.is_some() {
            Namespace::with_reserved(&["Other"])
        } else {
            Namespace::default()
        };
        let mut out = Vec::new();
        for variant in variants {
            let resolved = self.resolve(&variant.shape).clone();
            let tag_value = match (&tag, &resolved) {
                (Some(tag), Shape::Object(fields)) => fixed(fields, tag),
                _ => None,
            };
            let ty = match &resolved {
                Shape::Object(fields) => {
                    let index = self.push_struct(
                        &variant.name,
                        fields,
                        tag.as_deref(),
                        user,
                        Origin::Given,
                    );
                    // Prose under the variant's heading replaces this.
                    if let TypeDef::Struct(def) = &mut self.defs[index] {
                        def.doc = match (&tag, &tag_value) {
                            (Some(tag), Some(value)) => format!(
                                "A [`{name}`] whose `{tag}` is `{}`.",
                                value.replace('`', "'")
                            ),
                            _ => format!("One shape of [`{name}`]."),
                        };
                    }
                    variant.name.clone()
                }
                other => match self.type_of(other, &variant.name, true, user) {
                    TypeRef::Named(n) => n,
                    _ => variant.name.clone(),
                },
            };
            out.push(UnionVariant {
                rust_name: labels
                    .claim(&naming::type_name(&naming::field_name(&variant.label)), ""),
                tag_value,
                ty,
            });
        }
        if let TypeDef::Union(def) = &mut self.defs[index] {
            def.variants = out;
        }
        TypeRef::Named(name.to_owned())
    }

    /// Gives every type its final name (see the module docs) and rewrites
    /// every reference among the types. `reserved` are names the area's
    /// other items take. Returns the renames, old name → new name, for the
    /// references outside the types (endpoint results and bodies).
    pub fn finish_names(&mut self, module: &str, reserved: &[&str]) -> BTreeMap<String, String> {
        let mut names = Namespace::with_reserved(reserved);
        // A generated type never shadows what the prelude names, so a
        // user's `use area::*` shadows nothing either.
        for prelude in [
            "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err",
        ] {
            names.claim(prelude, "");
        }
        for (def, origin) in self.defs.iter().zip(&self.origins) {
            if let Origin::Given = origin {
                names.claim(def.name(), "");
            }
        }
        // Results first: when several types are what their titles call the
        // same thing, the one most titles call so gets the name (then one
        // that is not only a list's element, then the first by name), so
        // that the order of the document decides nothing.
        let mut nouns: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, results) in self.results.iter().enumerate() {
            if matches!(self.origins[index], Origin::Given) {
                continue;
            }
            if let Some(noun) = noun(results) {
                nouns
                    .entry(naming::strip_module(&noun, module))
                    .or_default()
                    .push(index);
            }
        }
        let mut winners: BTreeMap<usize, String> = BTreeMap::new();
        for (noun, contenders) in nouns {
            let rank = |&index: &usize| {
                let results = &self.results[index];
                let votes = results.len();
                let whole = results.iter().any(|(_, element)| !element);
                (
                    std::cmp::Reverse(votes),
                    !whole,
                    self.defs[index].name().to_owned(),
                )
            };
            if let Some(best) = contenders.iter().min_by_key(|i| rank(i)) {
                winners.insert(*best, noun);
            }
        }
        // The names the titles give, which a shared type's never takes.
        let nouns: BTreeSet<&String> = winners.values().collect();
        let mut finals: Vec<String> = Vec::with_capacity(self.defs.len());
        for index in 0..self.defs.len() {
            let provisional = self.defs[index].name().to_owned();
            if let Origin::Given = &self.origins[index] {
                finals.push(provisional);
                continue;
            }
            // A result named by its titles; else, when several methods use
            // it, what they share; else a field's type after its parent.
            let by_title = if self.results[index].is_empty() {
                None
            } else {
                winners.get(&index).cloned()
            };
            let candidate = by_title
                .or_else(|| self.shared_name(index, &names, &nouns))
                .or_else(|| match &self.origins[index] {
                    Origin::Field {
                        parent,
                        field,
                        array,
                    } => {
                        // The elements of `tags` are each a `Tag`.
                        let field = field.trim_start_matches("r#");
                        let field = if *array {
                            naming::singular(field)
                        } else {
                            field.to_owned()
                        };
                        let name = format!("{}{}", finals[*parent], naming::type_name(&field));
                        Some(naming::strip_module(&name, module))
                    }
                    Origin::Given | Origin::Loose => None,
                });
            let name = match candidate {
                Some(candidate) if !names.contains(&candidate) => names.claim(&candidate, ""),
                _ => names.claim(&provisional, ""),
            };
            finals.push(name);
        }
        let renames: BTreeMap<String, String> = self
            .defs
            .iter()
            .zip(&finals)
            .filter(|(def, name)| def.name() != name.as_str())
            .map(|(def, name)| (def.name().to_owned(), name.clone()))
            .collect();
        for (def, name) in self.defs.iter_mut().zip(finals) {
            match def {
                TypeDef::Struct(def) => {
                    def.name = name;
                    for field in &mut def.fields {
                        rename(&mut field.ty, &renames);
                    }
                }
                TypeDef::Enum(def) => def.name = name,
                TypeDef::Union(def) => {
                    def.name = name;
                    for variant in &mut def.variants {
                        if let Some(new) = renames.get(&variant.ty) {
                            variant.ty.clone_from(new);
                        }
                    }
                }
            }
        }
        renames
    }
}

/// The noun the titles of a type's endpoints agree on: the one most of
/// them give, when exactly one does.
fn noun(results: &[(String, bool)]) -> Option<String> {
    let mut votes: Vec<(String, usize)> = Vec::new();
    for (title, element) in results {
        let Some(noun) = naming::noun_of_title(title, *element) else {
            continue;
        };
        match votes.iter_mut().find(|(n, _)| *n == noun) {
            Some((_, count)) => *count += 1,
            None => votes.push((noun, 1)),
        }
    }
    let best = votes.iter().map(|(_, count)| *count).max()?;
    let mut winners = votes.into_iter().filter(|(_, count)| *count == best);
    match (winners.next(), winners.next()) {
        (Some((noun, _)), None) => Some(noun),
        _ => None,
    }
}

/// `shape` without what its fields' words say: objects that differ only
/// there (the same schema described in two places) are one type, with the
/// words of the first.
fn undocumented(shape: &Shape) -> Shape {
    match shape {
        Shape::Object(fields) => Shape::Object(
            fields
                .iter()
                .map(|field| crate::ir::Field {
                    wire_name: field.wire_name.clone(),
                    shape: undocumented(&field.shape),
                    required: field.required,
                    doc: String::new(),
                })
                .collect(),
        ),
        Shape::Array(item) => Shape::Array(Box::new(undocumented(item))),
        Shape::Nullable(item) => Shape::Nullable(Box::new(undocumented(item))),
        other => other.clone(),
    }
}

/// Rewrites the names in `ty` that `renames` changes.
pub(super) fn rename(ty: &mut TypeRef, renames: &BTreeMap<String, String>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(new) = renames.get(name.as_str()) {
                name.clone_from(new);
            }
        }
        TypeRef::Vec(item) | TypeRef::Option(item) => rename(item, renames),
        _ => {}
    }
}

/// Area-specific names where bare ones collide: a one-word type name
/// (`Status`, `Rule`) that more than one area declares takes its area's
/// words in front (`zone::ZoneStatus`, `waf_rules::WafRule`), so that
/// importing from several areas never clashes; the area's own noun keeps
/// its name (`zone::Zone`). Run once every area is lowered.
pub(super) fn area_specific_names(areas: &mut [Area]) {
    let one_word = |name: &str| {
        name.chars().filter(char::is_ascii_uppercase).count() == 1
            && name.starts_with(|c: char| c.is_ascii_uppercase())
    };
    let mut declared: BTreeMap<String, usize> = BTreeMap::new();
    for area in areas.iter() {
        for def in &area.types {
            if one_word(def.name()) {
                *declared.entry(def.name().to_owned()).or_default() += 1;
            }
        }
    }
    for area in areas.iter_mut() {
        let mut names = Namespace::with_reserved(&[area.handle.as_str()]);
        for def in &area.types {
            names.claim(def.name(), "");
        }
        let mut renames = BTreeMap::new();
        for def in &area.types {
            let name = def.name();
            if !one_word(name) || declared.get(name).copied().unwrap_or_default() < 2 {
                continue;
            }
            let specific = naming::area_specific(name, &area.module);
            if specific != name && !names.contains(&specific) {
                renames.insert(name.to_owned(), names.claim(&specific, ""));
            }
        }
        if !renames.is_empty() {
            rename_in_area(area, &renames);
        }
    }
}

/// Renames types of `area`, and every reference to them.
fn rename_in_area(area: &mut Area, renames: &BTreeMap<String, String>) {
    for def in &mut area.types {
        match def {
            TypeDef::Struct(def) => {
                if let Some(new) = renames.get(&def.name) {
                    def.name.clone_from(new);
                }
                for field in &mut def.fields {
                    rename(&mut field.ty, renames);
                }
            }
            TypeDef::Enum(def) => {
                if let Some(new) = renames.get(&def.name) {
                    def.name.clone_from(new);
                }
            }
            TypeDef::Union(def) => {
                if let Some(new) = renames.get(&def.name) {
                    def.name.clone_from(new);
                }
                for variant in &mut def.variants {
                    if let Some(new) = renames.get(&variant.ty) {
                        variant.ty.clone_from(new);
                    }
                }
            }
        }
    }
    for endpoint in &mut area.endpoints {
        if let Output::Json { ty, .. } = &mut endpoint.output {
            rename(ty, renames);
        }
        if let Some(ty) = &mut endpoint.request_body {
            rename(ty, renames);
        }
        if let Some(query) = &mut endpoint.query {
            rename(&mut query.ty, renames);
        }
        if let Some(lines) = endpoint.raw_body.as_mut().and_then(|b| b.lines.as_mut()) {
            rename(lines, renames);
        }
        if let Some(form) = &mut endpoint.multipart {
            for part in &mut form.parts {
                if let PartKind::Json(ty) = &mut part.kind {
                    rename(ty, renames);
                }
            }
        }
    }
}
