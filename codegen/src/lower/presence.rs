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

use crate::ir::{Endpoint, FieldDef, Output, Presence, TypeDef, TypeRef};

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
        | TypeRef::F64
        | TypeRef::Bool
        | TypeRef::Value
        | TypeRef::Map => {}
    }
}
