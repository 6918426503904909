//! Two surfaces → a [`Report`]: first decide which old and new items are
//! the same thing (possibly renamed), then classify every difference as
//! breaking or additive.
//!
//! Pairing:
//! - areas by module, then by endpoints (a renamed document keeps most of
//!   its endpoints: renamed);
//! - methods by name and endpoint, then by endpoint alone (a retitled
//!   endpoint: renamed), then by name alone (the endpoint moved);
//! - types by name, then a removed and an added type are one renamed type
//!   when their contents are the same (and no other type's are), or when
//!   they are used in the same place (a method's result or argument, a
//!   field, a union variant) of things already paired. Pairing repeats until
//!   nothing new pairs, so a renamed result type's field types follow it.
//!
//! Old type names are read through the renames before comparing, so a type
//! rename is reported once, not again in every signature that uses it.
//!
//! Breaking, because code that compiled against the old client stops
//! compiling or calls something else: a removed area, method, type, field,
//! enum value or union variant; a renamed area, method, type, field, enum
//! value; a changed endpoint (HTTP method or path); a changed result type,
//! including untyped → typed and typed → untyped; changed argument types; a
//! retyped field, a field made required or optional; a new required field;
//! a changed constructor; a type that became another kind. Additive:
//! everything else (new areas, methods, types, optional fields, enum values,
//! union variants; renamed path parameters; a union's serde tag).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::listing::args_list;
use super::report::{Change, ChangeKind, ItemKind, Report};
use super::{
    AreaSurface, EnumSurface, MethodSurface, StructSurface, Surface, TypeSurface, UnionSurface,
};
use crate::ir::Method;

/// The API change report from `old` to `new`.
pub fn diff(old: &Surface, new: &Surface) -> Report {
    let mut changes = Vec::new();
    let mut areas = Pairing::new(old.areas.keys(), new.areas.keys());
    areas.pair_by(|o, n| o == n);
    pair_areas_by_endpoints(&mut areas, old, new);
    for module in &areas.old_left {
        changes.push(Change {
            path: module.clone(),
            kind: ChangeKind::Removed,
            old: Some(old.areas[module].handle.clone()),
            ..base_change(module)
        });
    }
    for module in &areas.new_left {
        changes.push(Change {
            path: module.clone(),
            kind: ChangeKind::Added,
            new: Some(new.areas[module].handle.clone()),
            breaking: false,
            ..base_change(module)
        });
    }
    for (old_module, module) in &areas.pairs {
        let mut area = AreaDiff {
            module,
            old_module,
            old: &old.areas[old_module],
            new: &new.areas[module],
            changes: &mut changes,
            renames: BTreeMap::new(),
        };
        if old_module != module {
            // The module, the accessor and (usually) the handle type.
            area.change(Change {
                path: module.clone(),
                kind: ChangeKind::Renamed,
                old: Some(old_module.clone()),
                ..area.base()
            });
        } else {
            // Both follow the module's name today; should that change, users
            // still name them.
            for (reason, old, new) in [
                ("handle type renamed", &area.old.handle, &area.new.handle),
                (
                    "cargo feature renamed",
                    &area.old.feature,
                    &area.new.feature,
                ),
            ] {
                if old != new {
                    area.change(Change {
                        path: module.clone(),
                        reason: reason.to_owned(),
                        old: Some(old.clone()),
                        new: Some(new.clone()),
                        ..area.base()
                    });
                }
            }
        }
        area.run();
    }
    changes.sort();
    Report { changes }
}

/// Pairs a removed area with the added area that has most of its endpoints
/// (a document renamed, its module and feature with it), if one has more
/// than half of them.
fn pair_areas_by_endpoints(areas: &mut Pairing, old: &Surface, new: &Surface) {
    let endpoints = |area: &AreaSurface| -> BTreeSet<(Method, String)> {
        area.methods.values().map(MethodSurface::endpoint).collect()
    };
    let news: Vec<(String, BTreeSet<(Method, String)>)> = areas
        .new_left
        .iter()
        .map(|n| (n.clone(), endpoints(&new.areas[n])))
        .collect();
    for o in areas.old_left.clone() {
        let mine = endpoints(&old.areas[&o]);
        let best = news
            .iter()
            .filter(|(n, _)| areas.new_left.contains(n))
            .map(|(n, theirs)| (mine.intersection(theirs).count(), n))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)));
        if let Some((shared, n)) = best {
            if shared * 2 > mine.len() {
                let n = n.clone();
                areas.old_left.remove(&o);
                areas.new_left.remove(&n);
                areas.pairs.push((o, n));
            }
        }
    }
}

/// The comparison of one area with its old self.
struct AreaDiff<'a> {
    /// The area's module; removed items are named under `old_module`.
    module: &'a str,
    old_module: &'a str,
    old: &'a AreaSurface,
    new: &'a AreaSurface,
    changes: &'a mut Vec<Change>,
    /// Old type name → new type name, for renamed types only.
    renames: BTreeMap<String, String>,
}

/// A place where a type is used, named by the new side's names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Returns(String),
    Arg(String, usize),
    Field(String, String),
    Variant(String, String),
}

impl<'a> AreaDiff<'a> {
    fn base(&self) -> Change {
        base_change(self.module)
    }

    fn change(&mut self, change: Change) {
        self.changes.push(change);
    }

    fn run(&mut self) {
        let methods = self.pair_methods();
        let types = self.pair_types(&methods.pairs);
        self.methods(&methods);
        self.types(&types);
    }

    /// An old type text with renamed types under their new names.
    fn renamed<'t>(&self, text: &'t str) -> Cow<'t, str> {
        rename_idents(text, &self.renames)
    }

    fn method_path(&self, name: &str) -> String {
        format!("{}::{}::{name}", self.module, self.new.handle)
    }

    fn type_path(&self, name: &str) -> String {
        format!("{}::{name}", self.module)
    }

    fn pair_methods(&self) -> Pairing {
        let (old, new) = (&self.old.methods, &self.new.methods);
        let mut pairing = Pairing::new(old.keys(), new.keys());
        pairing.pair_by(|o, n| o == n && old[o].endpoint() == new[n].endpoint());
        pairing.pair_by(|o, n| old[o].endpoint() == new[n].endpoint());
        pairing.pair_by(|o, n| o == n);
        pairing
    }

    fn pair_types(&mut self, methods: &[(String, String)]) -> Pairing {
        let (old_area, new_area): (&'a AreaSurface, &'a AreaSurface) = (self.old, self.new);
        let (old, new) = (&old_area.types, &new_area.types);
        let mut pairing = Pairing::new(old.keys(), new.keys());
        pairing.pair_by(|o, n| o == n);
        loop {
            let before = pairing.pairs.len();
            // The same non-empty contents, with no other candidate on either
            // side.
            let same = |o: &str, n: &str| self.same_contents(&old[o], &new[n]);
            let unique: Vec<(String, String)> = pairing
                .old_left
                .iter()
                .filter_map(|o| {
                    let mut found = pairing.new_left.iter().filter(|n| same(o, n));
                    let (Some(n), None) = (found.next(), found.next()) else {
                        return None;
                    };
                    let rivals = pairing.old_left.iter().filter(|p| same(p, n)).count();
                    (rivals == 1).then(|| (o.clone(), n.clone()))
                })
                .collect();
            for (o, n) in unique {
                self.pair_type(&mut pairing, o, n);
            }
            // Used in the same place.
            let old_places = places(old_area, methods, &pairing.pairs);
            let new_places = places(new_area, &[], &[]);
            for (place, olds) in old_places {
                let Some(news) = new_places.get(&place) else {
                    continue;
                };
                let olds: Vec<&String> = olds
                    .iter()
                    .filter(|o| pairing.old_left.contains(*o))
                    .collect();
                let news: Vec<&String> = news
                    .iter()
                    .filter(|n| pairing.new_left.contains(*n))
                    .collect();
                if !olds.is_empty() && olds.len() == news.len() {
                    for (o, n) in olds.into_iter().zip(news) {
                        self.pair_type(&mut pairing, o.clone(), n.clone());
                    }
                }
            }
            if pairing.pairs.len() == before {
                return pairing;
            }
        }
    }

    fn pair_type(&mut self, pairing: &mut Pairing, old: String, new: String) {
        if pairing.old_left.remove(&old) && pairing.new_left.remove(&new) {
            self.renames.insert(old.clone(), new.clone());
            pairing.pairs.push((old, new));
        }
    }

    /// Whether two types hold the same things, read through the renames.
    fn same_contents(&self, old: &TypeSurface, new: &TypeSurface) -> bool {
        match (old, new) {
            (TypeSurface::Struct(o), TypeSurface::Struct(n)) => {
                !o.fields.is_empty()
                    && o.fields.len() == n.fields.len()
                    && o.fields.iter().all(|(wire, f)| {
                        n.fields.get(wire).is_some_and(|g| {
                            f.name == g.name
                                && f.required == g.required
                                && self.renamed(&f.ty) == g.ty
                        })
                    })
            }
            (TypeSurface::Enum(o), TypeSurface::Enum(n)) => {
                !o.variants.is_empty() && o.variants == n.variants
            }
            (TypeSurface::Union(o), TypeSurface::Union(n)) => {
                !o.variants.is_empty()
                    && o.tag == n.tag
                    && o.variants.len() == n.variants.len()
                    && o.variants.iter().all(|(name, v)| {
                        n.variants.get(name).is_some_and(|w| {
                            v.tag_value == w.tag_value && self.renamed(&v.ty) == w.ty
                        })
                    })
            }
            _ => false,
        }
    }

    fn methods(&mut self, pairing: &Pairing) {
        let (old_area, new_area): (&'a AreaSurface, &'a AreaSurface) = (self.old, self.new);
        for name in &pairing.old_left {
            let method = &old_area.methods[name];
            self.change(Change {
                path: format!("{}::{}::{name}", self.old_module, self.old.handle),
                item: ItemKind::Method,
                kind: ChangeKind::Removed,
                old: Some(format!("{} {}", method.http.as_str(), method.path)),
                ..self.base()
            });
        }
        for name in &pairing.new_left {
            let method = &new_area.methods[name];
            self.change(Change {
                path: self.method_path(name),
                item: ItemKind::Method,
                kind: ChangeKind::Added,
                new: Some(format!("{} {}", method.http.as_str(), method.path)),
                breaking: false,
                ..self.base()
            });
        }
        for (old_name, name) in &pairing.pairs {
            self.method(
                old_name,
                name,
                &old_area.methods[old_name],
                &new_area.methods[name],
            );
        }
    }

    /// What changed about one method, named `old_name` before and `name` now.
    fn method(&mut self, old_name: &str, name: &str, old: &MethodSurface, new: &MethodSurface) {
        let base = Change {
            path: self.method_path(name),
            item: ItemKind::Method,
            ..self.base()
        };
        if old_name != name {
            self.change(Change {
                kind: ChangeKind::Renamed,
                old: Some(old_name.to_owned()),
                ..base.clone()
            });
        }
        let endpoint = |m: &MethodSurface| format!("{} {}", m.http.as_str(), m.path);
        if old.endpoint() != new.endpoint() {
            self.change(Change {
                // The call compiles as before and sends another request.
                reason: "endpoint changed".to_owned(),
                old: Some(endpoint(old)),
                new: Some(endpoint(new)),
                ..base.clone()
            });
        } else if old.path != new.path {
            self.change(Change {
                reason: "path parameters renamed".to_owned(),
                old: Some(endpoint(old)),
                new: Some(endpoint(new)),
                breaking: false,
                ..base.clone()
            });
        }
        let old_returns = self.renamed(&old.returns).into_owned();
        if old_returns != new.returns {
            // Callers name or read the result's type, so any change to it
            // breaks them: typed, they must read a struct where they read a
            // `serde_json::Value`; untyped, the reverse.
            let reason = match (old.is_untyped(), new.is_untyped()) {
                (true, false) => "result typed",
                (false, true) => "result untyped",
                _ => "result changed",
            };
            self.change(Change {
                reason: reason.to_owned(),
                old: Some(old_returns),
                new: Some(new.returns.clone()),
                ..base.clone()
            });
        }
        let old_args: Vec<(String, String)> = old
            .args
            .iter()
            .map(|(arg, ty)| (arg.clone(), self.renamed(ty).into_owned()))
            .collect();
        let shown = |args: &[(String, String)]| format!("({})", args_list(args));
        let types =
            |args: &[(String, String)]| args.iter().map(|(_, ty)| ty.clone()).collect::<Vec<_>>();
        let (reason, breaking) = if types(&old_args) != types(&new.args) {
            ("arguments changed", true)
        } else if old.path == new.path && old_args != new.args {
            // Only names differ, and callers pass arguments by position.
            ("arguments renamed", false)
        } else {
            return;
        };
        self.change(Change {
            reason: reason.to_owned(),
            old: Some(shown(&old_args)),
            new: Some(shown(&new.args)),
            breaking,
            ..base
        });
    }

    fn types(&mut self, pairing: &Pairing) {
        let (old_area, new_area): (&'a AreaSurface, &'a AreaSurface) = (self.old, self.new);
        for name in &pairing.old_left {
            self.change(Change {
                path: format!("{}::{name}", self.old_module),
                item: ItemKind::Type,
                kind: ChangeKind::Removed,
                reason: old_area.types[name].kind().to_owned(),
                ..self.base()
            });
        }
        for name in &pairing.new_left {
            self.change(Change {
                path: self.type_path(name),
                item: ItemKind::Type,
                kind: ChangeKind::Added,
                reason: new_area.types[name].kind().to_owned(),
                breaking: false,
                ..self.base()
            });
        }
        for (old_name, name) in &pairing.pairs {
            let (old, new) = (&old_area.types[old_name], &new_area.types[name]);
            let base = Change {
                path: self.type_path(name),
                item: ItemKind::Type,
                ..self.base()
            };
            if old_name != name {
                self.change(Change {
                    kind: ChangeKind::Renamed,
                    old: Some(old_name.clone()),
                    ..base.clone()
                });
            }
            match (old, new) {
                (TypeSurface::Struct(o), TypeSurface::Struct(n)) => {
                    self.struct_([old_name, name], o, n, base);
                }
                (TypeSurface::Enum(o), TypeSurface::Enum(n)) => self.enum_([old_name, name], o, n),
                (TypeSurface::Union(o), TypeSurface::Union(n)) => {
                    self.union([old_name, name], o, n, base);
                }
                _ => self.change(Change {
                    reason: "became another kind of type".to_owned(),
                    old: Some(old.kind().to_owned()),
                    new: Some(new.kind().to_owned()),
                    ..base
                }),
            }
        }
    }

    /// `names` are the type's old and new names: a removed member is named
    /// by where it was, the others by where they are.
    fn struct_(
        &mut self,
        names: [&str; 2],
        old: &StructSurface,
        new: &StructSurface,
        base: Change,
    ) {
        let before = self.changes.len();
        let module = self.module;
        let [old_name, name] = names;
        let field = |rust: &str| Change {
            path: format!("{module}::{name}::{rust}"),
            item: ItemKind::Field,
            ..base_change(module)
        };
        for (wire, f) in &old.fields {
            let Some(g) = new.fields.get(wire) else {
                self.change(Change {
                    kind: ChangeKind::Removed,
                    path: format!("{}::{old_name}::{}", self.old_module, f.name),
                    old: Some(self.renamed(&f.ty).into_owned()),
                    ..field(&f.name)
                });
                continue;
            };
            if f.name != g.name {
                self.change(Change {
                    kind: ChangeKind::Renamed,
                    old: Some(f.name.clone()),
                    ..field(&g.name)
                });
            }
            let old_ty = self.renamed(&f.ty).into_owned();
            let reason = match (f.required, g.required) {
                (false, true) => "made required",
                (true, false) => "made optional",
                _ if old_ty != g.ty => "retyped",
                _ => continue,
            };
            self.change(Change {
                reason: reason.to_owned(),
                old: Some(old_ty),
                new: Some(g.ty.clone()),
                ..field(&g.name)
            });
        }
        for (wire, g) in &new.fields {
            if !old.fields.contains_key(wire) {
                self.change(Change {
                    kind: ChangeKind::Added,
                    // A required field is a new argument of `new(..)`, and
                    // struct literals must set it.
                    reason: if g.required { "required" } else { "" }.to_owned(),
                    new: Some(g.ty.clone()),
                    breaking: g.required,
                    ..field(&g.name)
                });
            }
        }
        // A constructor changes with its required fields, and also when an
        // enum it fills in by itself gains a value; say so only when no
        // field change already explains it.
        let explained = self.changes[before..].iter().any(|c| c.breaking);
        let constructor = |args: &Option<Vec<(String, String)>>| match args {
            None => "Default".to_owned(),
            Some(args) => format!("new({})", args_list(args)),
        };
        let (old_new, new_new) = (constructor(&old.constructor), constructor(&new.constructor));
        let old_new = self.renamed(&old_new).into_owned();
        if !explained && old_new != new_new {
            self.change(Change {
                reason: "constructor changed".to_owned(),
                old: Some(old_new),
                new: Some(new_new),
                ..base
            });
        }
    }

    fn enum_(&mut self, names: [&str; 2], old: &EnumSurface, new: &EnumSurface) {
        let [old_name, name] = names;
        let by_wire = |e: &EnumSurface| -> BTreeMap<String, String> {
            let mut map = BTreeMap::new();
            for (variant, wire) in &e.variants {
                map.entry(wire.clone()).or_insert_with(|| variant.clone());
            }
            map
        };
        let (old, new) = (by_wire(old), by_wire(new));
        let module = self.module;
        let value = |variant: &str| Change {
            path: format!("{module}::{name}::{variant}"),
            item: ItemKind::Value,
            ..base_change(module)
        };
        for (wire, variant) in &old {
            match new.get(wire) {
                None => self.change(Change {
                    kind: ChangeKind::Removed,
                    path: format!("{}::{old_name}::{variant}", self.old_module),
                    old: Some(format!("{wire:?}")),
                    ..value(variant)
                }),
                Some(now) if now != variant => self.change(Change {
                    kind: ChangeKind::Renamed,
                    reason: format!("the value {wire:?}"),
                    old: Some(variant.clone()),
                    ..value(now)
                }),
                Some(_) => {}
            }
        }
        for (wire, variant) in &new {
            if !old.contains_key(wire) {
                // The enum is open: the value used to arrive as `Other`.
                self.change(Change {
                    kind: ChangeKind::Added,
                    new: Some(format!("{wire:?}")),
                    breaking: false,
                    ..value(variant)
                });
            }
        }
    }

    fn union(&mut self, names: [&str; 2], old: &UnionSurface, new: &UnionSurface, base: Change) {
        let [old_name, name] = names;
        let tag = |tag: &Option<String>| match tag {
            None => "untagged".to_owned(),
            Some(tag) => format!("tag {tag:?}"),
        };
        if old.tag != new.tag {
            // Serde's reading of the union changes, not the Rust API.
            self.change(Change {
                reason: "serde tag changed".to_owned(),
                old: Some(tag(&old.tag)),
                new: Some(tag(&new.tag)),
                breaking: false,
                ..base
            });
        }
        let module = self.module;
        let variant = |v: &str| Change {
            path: format!("{module}::{name}::{v}"),
            item: ItemKind::Variant,
            ..base_change(module)
        };
        for (v, o) in &old.variants {
            let Some(n) = new.variants.get(v) else {
                self.change(Change {
                    kind: ChangeKind::Removed,
                    path: format!("{}::{old_name}::{v}", self.old_module),
                    old: Some(self.renamed(&o.ty).into_owned()),
                    ..variant(v)
                });
                continue;
            };
            let old_ty = self.renamed(&o.ty).into_owned();
            if old_ty != n.ty {
                self.change(Change {
                    reason: "wraps another struct".to_owned(),
                    old: Some(old_ty),
                    new: Some(n.ty.clone()),
                    ..variant(v)
                });
            }
            if o.tag_value != n.tag_value {
                self.change(Change {
                    reason: "tag value changed".to_owned(),
                    old: Some(tag(&o.tag_value)),
                    new: Some(tag(&n.tag_value)),
                    breaking: false,
                    ..variant(v)
                });
            }
        }
        for (v, n) in &new.variants {
            if !old.variants.contains_key(v) {
                self.change(Change {
                    kind: ChangeKind::Added,
                    new: Some(n.ty.clone()),
                    breaking: false,
                    ..variant(v)
                });
            }
        }
    }
}

/// A breaking change to the area `area` itself; callers fill in the rest.
fn base_change(area: &str) -> Change {
    Change {
        area: area.to_owned(),
        path: String::new(),
        item: ItemKind::Area,
        kind: ChangeKind::Changed,
        reason: String::new(),
        old: None,
        new: None,
        breaking: true,
    }
}

/// Old and new names, paired off step by step.
struct Pairing {
    pairs: Vec<(String, String)>,
    old_left: BTreeSet<String>,
    new_left: BTreeSet<String>,
}

impl Pairing {
    fn new<'a>(
        old: impl Iterator<Item = &'a String>,
        new: impl Iterator<Item = &'a String>,
    ) -> Self {
        Self {
            pairs: Vec::new(),
            old_left: old.cloned().collect(),
            new_left: new.cloned().collect(),
        }
    }

    /// Pairs each unpaired old name with the first unpaired new name that
    /// `same` accepts, in sorted order.
    fn pair_by(&mut self, same: impl Fn(&str, &str) -> bool) {
        for old in self.old_left.clone() {
            if let Some(new) = self.new_left.iter().find(|n| same(&old, n)).cloned() {
                self.old_left.remove(&old);
                self.new_left.remove(&new);
                self.pairs.push((old, new));
            }
        }
    }
}

/// Every place in `area` that uses one of its types, with those types in
/// order of use. Places are named by the new side's names: `methods` and
/// `types` map old names to new ones (empty for the new side).
fn places(
    area: &AreaSurface,
    methods: &[(String, String)],
    types: &[(String, String)],
) -> BTreeMap<Place, Vec<String>> {
    let method_name = |name: &str| {
        methods
            .iter()
            .find(|(old, _)| old == name)
            .map_or(name, |(_, new)| new.as_str())
            .to_owned()
    };
    let type_name = |name: &str| {
        types
            .iter()
            .find(|(old, _)| old == name)
            .map_or(name, |(_, new)| new.as_str())
            .to_owned()
    };
    let used = |text: &str| -> Vec<String> {
        idents(text)
            .filter(|ident| area.types.contains_key(*ident))
            .map(str::to_owned)
            .collect()
    };
    let mut places = BTreeMap::new();
    for (name, method) in &area.methods {
        let name = method_name(name);
        places.insert(Place::Returns(name.clone()), used(&method.returns));
        for (index, (_, ty)) in method.args.iter().enumerate() {
            places.insert(Place::Arg(name.clone(), index), used(ty));
        }
    }
    for (name, ty) in &area.types {
        let name = type_name(name);
        match ty {
            TypeSurface::Struct(def) => {
                for (wire, field) in &def.fields {
                    places.insert(Place::Field(name.clone(), wire.clone()), used(&field.ty));
                }
            }
            TypeSurface::Union(def) => {
                for (variant, v) in &def.variants {
                    places.insert(Place::Variant(name.clone(), variant.clone()), used(&v.ty));
                }
            }
            TypeSurface::Enum(_) => {}
        }
    }
    places.retain(|_, used| !used.is_empty());
    places
}

/// The identifiers in a Rust type or signature, in order.
fn idents(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '#'))
        .filter(|word| !word.is_empty())
}

/// `text` with every identifier that `renames` maps replaced.
fn rename_idents<'t>(text: &'t str, renames: &BTreeMap<String, String>) -> Cow<'t, str> {
    if renames.is_empty() || !idents(text).any(|i| renames.contains_key(i)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(
            renames
                .get(word.as_str())
                .map_or(word.as_str(), String::as_str),
        );
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || c == '#' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;

    /// A surface from listing lines (see `listing`), so that cases the docs
    /// can hardly produce are still tested.
    fn surface(lines: &str) -> Surface {
        let text = format!("```text\n{lines}```\n");
        Surface::parse(&SourceFile::new("API.md", &text)).unwrap_or_else(|d| panic!("{d}"))
    }

    fn check(old: &str, new: &str, expected: &[&str]) {
        let head = "a area A feature \"a\"\n";
        let report = diff(
            &surface(&format!("{head}{old}")),
            &surface(&format!("{head}{new}")),
        );
        let lines: Vec<String> = report
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    if c.breaking { "breaking" } else { "additive" },
                    c.describe()
                )
            })
            .collect();
        assert_eq!(lines, expected);
    }

    #[test]
    fn rare_changes_are_classified() {
        check(
            "a::K struct Default\na::K::x field \"x\" optional Option<String>\n",
            "a::K enum\na::K::X value \"x\"\n",
            &["breaking type `a::K`: became another kind of type: `struct` → `enum`"],
        );
        check(
            "a::U union untagged\na::U::One variant S tag \"one\"\na::S struct Default\na::T struct new(y: i64)\na::T::y field \"y\" required i64\n",
            "a::U union tag \"kind\"\na::U::One variant T tag \"1\"\na::S struct Default\na::T struct new(y: i64)\na::T::y field \"y\" required i64\n",
            &[
                "additive type `a::U`: serde tag changed: `untagged` → `tag \"kind\"`",
                "additive union variant `a::U::One`: tag value changed: `tag \"one\"` → `tag \"1\"`",
                "breaking union variant `a::U::One`: wraps another struct: `S` → `T`",
            ],
        );
        check(
            "a::E enum\na::E::Old value \"v\"\n",
            "a::E enum\na::E::New value \"v\"\n",
            &["breaking enum value `a::E::New` renamed from `Old` (the value \"v\")"],
        );
        check(
            "a::A::f method GET \"/x/{a}\" fn f(&self, a: &str) -> Request<Raw>\n",
            "a::A::f method GET \"/x/{a}\" fn f(&self, b: &str) -> Request<Raw>\n",
            &["additive method `a::A::f`: arguments renamed: `(a: &str)` → `(b: &str)`"],
        );
        check(
            "a::S struct Default\na::S::x field \"x\" optional Option<String>\n",
            "a::S struct new(y: i64)\na::S::x field \"x\" optional Option<String>\na::S::y field \"y\" required i64\n",
            &["breaking field `a::S::y` added (required): `i64`"],
        );
    }

    #[test]
    fn a_renamed_handle_is_breaking() {
        let old = surface("a area A feature \"a\"\n");
        let new = surface("a area B feature \"a\"\n");
        let report = diff(&old, &new);
        assert_eq!(report.changes.len(), 1);
        assert_eq!(
            report.changes[0].describe(),
            "area `a`: handle type renamed: `A` → `B`"
        );
        assert!(report.is_breaking());
    }

    #[test]
    fn renames_apply_to_whole_identifiers() {
        let renames: BTreeMap<String, String> = [("Thing".to_owned(), "Item".to_owned())]
            .into_iter()
            .collect();
        assert_eq!(
            rename_idents("Request<Json<Vec<Thing>>>", &renames),
            "Request<Json<Vec<Item>>>"
        );
        assert_eq!(
            rename_idents("Things, ThingKind", &renames),
            "Things, ThingKind"
        );
    }
}
