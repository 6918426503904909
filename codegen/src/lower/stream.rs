//! Which endpoints stream: those whose JSON body has a boolean `stream`
//! field in every form it takes (Workers AI text generation). Their answer
//! to `"stream": true` is Server-Sent Events, which a second method reads
//! as they arrive.

use crate::ir::{Endpoint, TypeDef, TypeRef};

/// Marks the endpoints whose body asks for a stream with `"stream": true`,
/// unless another endpoint of the area already has the name their
/// streaming method would take.
pub(super) fn mark(endpoints: &mut [Endpoint], types: &[TypeDef]) {
    let marked: Vec<bool> = endpoints
        .iter()
        .map(|endpoint| {
            let name = format!("{}_stream", endpoint.rust_name);
            endpoint
                .request_body
                .as_ref()
                .is_some_and(|body| has_flag(body, types))
                && !endpoints.iter().any(|other| other.rust_name == name)
        })
        .collect();
    for (endpoint, streams) in endpoints.iter_mut().zip(marked) {
        endpoint.streams = streams;
    }
}

/// Whether every value of `ty` is an object with a boolean `stream` field.
fn has_flag(ty: &TypeRef, types: &[TypeDef]) -> bool {
    let TypeRef::Named(name) = ty else {
        return false;
    };
    let struct_has = |name: &str| {
        types.iter().any(|def| match def {
            TypeDef::Struct(def) if def.name == name => def
                .fields
                .iter()
                .any(|field| field.wire_name == "stream" && field.ty == TypeRef::Bool),
            _ => false,
        })
    };
    types.iter().any(|def| match def {
        TypeDef::Struct(def) => def.name == *name && struct_has(name),
        TypeDef::Union(def) => {
            def.name == *name
                && !def.variants.is_empty()
                && def.variants.iter().all(|variant| struct_has(&variant.ty))
        }
        TypeDef::Enum(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FieldDef, Presence, StructDef, UnionDef, UnionVariant};

    fn body(name: &str, fields: &[(&str, TypeRef)]) -> TypeDef {
        TypeDef::Struct(StructDef {
            name: name.to_owned(),
            doc: String::new(),
            fields: fields
                .iter()
                .map(|(wire, ty)| FieldDef {
                    wire_name: (*wire).to_owned(),
                    rust_name: (*wire).to_owned(),
                    ty: ty.clone(),
                    presence: Presence::Optional,
                    doc: String::new(),
                })
                .collect(),
            used_by: Vec::new(),
        })
    }

    fn union(name: &str, variants: &[&str]) -> TypeDef {
        TypeDef::Union(UnionDef {
            name: name.to_owned(),
            doc: String::new(),
            tag: None,
            variants: variants
                .iter()
                .map(|ty| UnionVariant {
                    rust_name: (*ty).to_owned(),
                    tag_value: None,
                    ty: (*ty).to_owned(),
                })
                .collect(),
        })
    }

    #[test]
    fn a_boolean_stream_in_every_form_of_the_body() {
        let types = [
            body(
                "Prompt",
                &[("prompt", TypeRef::String), ("stream", TypeRef::Bool)],
            ),
            body(
                "Chat",
                &[("messages", TypeRef::Value), ("stream", TypeRef::Bool)],
            ),
            body("Plain", &[("prompt", TypeRef::String)]),
            body("Named", &[("stream", TypeRef::String)]),
            union("Both", &["Prompt", "Chat"]),
            union("Some", &["Prompt", "Plain"]),
        ];
        let flag = |name: &str| has_flag(&TypeRef::Named(name.to_owned()), &types);
        assert!(flag("Prompt"));
        assert!(flag("Both"));
        assert!(!flag("Plain"));
        assert!(!flag("Named"), "a `stream` that is not a boolean");
        assert!(!flag("Some"), "a form of the body without it");
        assert!(!flag("Missing"));
        assert!(!has_flag(&TypeRef::Value, &types));
    }
}
