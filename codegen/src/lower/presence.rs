//! Which fields are plain: decided once an area's types and their uses are
//! known.
//!
//! Cloudflare's description calls fields required that real answers leave
//! out (a ruleset's rule without `expression`, a split-tunnel entry without
//! `address`), so its `required` says what a request must send, not what an
//! answer holds. A field of a type that answers use is therefore an
//! `Option` ([`Presence::Required`]: `new` still takes it), except an
//! identity the description requires, an `id` or a `name` that is text:
//! every source agrees an answer's object has those, and they are what
//! callers read most, so they stay plain (a `DnsRecord`'s `id` and `name`;
//! its `type` is the union's tag). Should an answer lack one all the same,
//! the field holds an empty string that is never sent back, and the
//! struct's account says so. A type that only requests use (a body, a
//! query, a multipart part) keeps every required field plain
//! ([`Presence::Always`]): a request must send it.

use std::collections::BTreeSet;

use crate::ir::{Endpoint, FieldDef, Method, Output, Presence, TypeDef, TypeRef};
use crate::naming::Namespace;

/// Makes plain the required fields that every value has.
pub(super) fn decide(endpoints: &[Endpoint], types: &mut [TypeDef]) {
    let mut answers = BTreeSet::new();
    for endpoint in endpoints {
        if let Output::Json { ty, .. } = &endpoint.output {
            reach(ty, types, &mut answers);
        }
    }
    for def in types {
        let TypeDef::Struct(def) = def else { continue };
        let answer = answers.contains(def.name.as_str());
        for field in &mut def.fields {
            if field.presence == Presence::Required && (!answer || is_identity(field)) {
                field.presence = Presence::Always;
            }
        }
    }
}

/// An `id` or a `name` that is text.
fn is_identity(field: &FieldDef) -> bool {
    matches!(field.wire_name.as_str(), "id" | "name") && field.ty == TypeRef::String
}

/// Adds the names of the types `ty` holds, at any depth.
fn reach(ty: &TypeRef, types: &[TypeDef], seen: &mut BTreeSet<String>) {
    match ty {
        TypeRef::Named(name) => {
            if !seen.insert(name.clone()) {
                return;
            }
            match types.iter().find(|def| def.name() == name) {
                Some(TypeDef::Struct(def)) => {
                    for field in &def.fields {
                        reach(&field.ty, types, seen);
                    }
                }
                Some(TypeDef::Union(def)) => {
                    for variant in &def.variants {
                        reach(&TypeRef::Named(variant.ty.clone()), types, seen);
                    }
                }
                Some(TypeDef::Enum(_)) | None => {}
            }
        }
        TypeRef::Vec(item) | TypeRef::Option(item) => reach(item, types, seen),
        TypeRef::String
        | TypeRef::I64
        | TypeRef::U64
        | TypeRef::F64
        | TypeRef::Bool
        | TypeRef::Value
        | TypeRef::Map => {}
    }
}

/// A PATCH changes what its body says and nothing else, so every field of
/// a PATCH body is optional: `new` takes nothing, a caller sets only what
/// changes, and `None` is never sent. A body type that other endpoints (a
/// POST, a PUT) or other types use too is copied first, as `{Name}Patch`
/// (`DnsRecordBody` → `DnsRecordPatch`, its variants likewise), so that
/// their required fields stay required. The types inside the body keep
/// theirs: a nested object is sent whole.
pub(super) fn patch_bodies(endpoints: &mut [Endpoint], types: &mut Vec<TypeDef>) {
    let mut names = Namespace::default();
    for def in types.iter() {
        names.claim(def.name(), "");
    }
    let mut copies: std::collections::BTreeMap<String, String> = Default::default();
    let patch_users = |name: &str, endpoints: &[Endpoint]| -> (usize, usize) {
        let mut patch = 0;
        let mut other = 0;
        for e in endpoints {
            let direct = [
                e.request_body.as_ref(),
                e.query.as_ref().map(|q| &q.ty),
                e.raw_body.as_ref().and_then(|b| b.lines.as_ref()),
                match &e.output {
                    Output::Json { ty, .. } => Some(ty),
                    _ => None,
                },
            ];
            let uses = direct
                .iter()
                .flatten()
                .filter(|ty| mentions(ty, name))
                .count();
            let as_body = e.request_body.as_ref().is_some_and(|ty| mentions(ty, name));
            if e.method == Method::Patch && as_body && uses == 1 {
                patch += 1;
            } else if uses > 0 {
                other += 1;
            }
        }
        (patch, other)
    };
    for index in 0..endpoints.len() {
        if endpoints[index].method != Method::Patch {
            continue;
        }
        let Some(TypeRef::Named(name)) = endpoints[index].request_body.clone() else {
            continue;
        };
        if let Some(copy) = copies.get(&name) {
            endpoints[index].request_body = Some(TypeRef::Named(copy.clone()));
            continue;
        }
        let (_, other) = patch_users(&name, endpoints);
        let referenced = types.iter().any(|def| match def {
            TypeDef::Struct(def) => def.fields.iter().any(|f| mentions(&f.ty, &name)),
            TypeDef::Union(def) => def.variants.iter().any(|v| v.ty == name),
            TypeDef::Enum(_) => false,
        });
        let Some(def) = types.iter().find(|d| d.name() == name).cloned() else {
            continue;
        };
        let in_place = other == 0 && !referenced;
        let patch_name = |names: &mut Namespace, old: &str| -> String {
            let base = old.strip_suffix("Body").unwrap_or(old);
            names.claim(&format!("{base}Patch"), "")
        };
        match def {
            TypeDef::Struct(mut def) => {
                if in_place {
                    optional(types.iter_mut().find(|d| d.name() == name));
                    continue;
                }
                def.name = patch_name(&mut names, &name);
                for field in &mut def.fields {
                    field.presence = Presence::Optional;
                }
                def.used_by.retain(|u| {
                    endpoints
                        .iter()
                        .any(|e| e.rust_name == *u && e.method == Method::Patch)
                });
                copies.insert(name.clone(), def.name.clone());
                endpoints[index].request_body = Some(TypeRef::Named(def.name.clone()));
                types.push(TypeDef::Struct(def));
            }
            TypeDef::Union(mut def) => {
                let mut variants = Vec::new();
                for variant in &mut def.variants {
                    let Some(TypeDef::Struct(inner)) =
                        types.iter().find(|d| d.name() == variant.ty).cloned()
                    else {
                        continue;
                    };
                    let mut inner = inner;
                    if in_place {
                        optional(types.iter_mut().find(|d| d.name() == variant.ty));
                        continue;
                    }
                    inner.name = patch_name(&mut names, &variant.ty);
                    for field in &mut inner.fields {
                        field.presence = Presence::Optional;
                    }
                    variant.ty.clone_from(&inner.name);
                    variants.push(TypeDef::Struct(inner));
                }
                if in_place {
                    continue;
                }
                def.name = patch_name(&mut names, &name);
                copies.insert(name.clone(), def.name.clone());
                endpoints[index].request_body = Some(TypeRef::Named(def.name.clone()));
                types.push(TypeDef::Union(def));
                types.extend(variants);
            }
            TypeDef::Enum(_) => {}
        }
    }
}

/// Makes every field of a struct optional.
fn optional(def: Option<&mut TypeDef>) {
    if let Some(TypeDef::Struct(def)) = def {
        for field in &mut def.fields {
            field.presence = Presence::Optional;
        }
    }
}

/// Whether `ty` is `name`, or a list or option of it.
fn mentions(ty: &TypeRef, name: &str) -> bool {
    match ty {
        TypeRef::Named(n) => n == name,
        TypeRef::Vec(item) | TypeRef::Option(item) => mentions(item, name),
        _ => false,
    }
}
