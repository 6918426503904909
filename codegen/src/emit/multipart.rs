//! Typed `multipart/form-data` bodies: a wrapper around the runtime's
//! `Multipart` whose `new(..)` takes the required parts and whose methods
//! set or add the others.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{doc_attrs, emit_type_ref, ident};
use crate::ir::{MultipartBody, PartDef, PartKind, PartName, TypeRef};

/// A multipart body type: a wrapper around the runtime's `Multipart` with a
/// constructor taking the required parts and a method per other part.
pub(super) fn emit_multipart(body: &MultipartBody, handle: &str, method: &str) -> TokenStream {
    let MultipartBody { name, doc, parts } = body;
    let name_ident = ident(name);
    let endpoint = match method.strip_prefix("r#") {
        Some(raw) => format!("`{handle}::{raw}`"),
        None => format!("[`{handle}::{method}`]"),
    };
    let mut text = doc.clone();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "The `multipart/form-data` body of {endpoint}. `new` takes the required parts; a method sets or adds each other one. Parts:\n"
    ));
    for part in parts {
        text.push_str(&format!("\n- {}", part_summary(part)));
    }
    let doc = doc_attrs(&text);

    let required: Vec<&PartDef> = parts.iter().filter(|p| p.required).collect();
    let args = multipart_constructor_args(body)
        .into_iter()
        .map(|(arg, ty)| quote!(#arg: #ty));
    let adds: Vec<TokenStream> = required
        .iter()
        .map(|part| {
            let value = ident(&part.rust_name);
            let name = match &part.name {
                PartName::Fixed(wire) => quote!(#wire),
                PartName::Any { arg } => {
                    let arg = ident(arg);
                    quote!(#arg)
                }
            };
            let any_name = matches!(part.name, PartName::Any { .. });
            let add = part_add(&part.kind, &name, &value, any_name);
            quote!(let form = form #add;)
        })
        .collect();
    // The prelude's derives, as for structs: derive macros live in a
    // namespace of their own, which no generated name can shadow.
    let derive = if required.is_empty() {
        quote!(#[derive(Debug, Clone, Default)])
    } else {
        quote!(#[derive(Debug, Clone)])
    };
    let constructor = if required.is_empty() {
        quote! {
            /// An empty body: every part is optional.
            pub fn new() -> Self {
                ::std::default::Default::default()
            }
        }
    } else {
        let many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        let args = args.collect::<Vec<_>>();
        quote! {
            /// A body with the required parts (the first of each, for parts
            /// that repeat).
            #many
            pub fn new(#(#args),*) -> Self {
                let form = crate::runtime::Multipart::new();
                #(#adds)*
                Self { form }
            }
        }
    };
    let methods = parts
        .iter()
        .filter(|p| !p.required || p.repeated)
        .map(emit_part_method);
    quote! {
        #doc
        #derive
        pub struct #name_ident {
            form: crate::runtime::Multipart,
        }

        impl #name_ident {
            #constructor
            #(#methods)*
        }
    }
}

/// The arguments of a multipart body type's `new`: each required part's
/// value, after its name for a part sent under any name. Shared with the API
/// listing.
pub(crate) fn multipart_constructor_args(body: &MultipartBody) -> Vec<(Ident, TokenStream)> {
    let mut args = Vec::new();
    for part in body.parts.iter().filter(|p| p.required) {
        if let PartName::Any { arg } = &part.name {
            args.push((ident(arg), quote!(&str)));
        }
        args.push((ident(&part.rust_name), part_arg_type(&part.kind)));
    }
    args
}

/// One line about a part, for its body type's docs.
fn part_summary(part: &PartDef) -> String {
    let name = match &part.name {
        PartName::Fixed(wire) => format!("`{wire}`"),
        PartName::Any { .. } => format!(
            "`{}` parts, under any name (which is also each one's file name)",
            part.rust_name
        ),
    };
    let mut flags = Vec::new();
    if part.required {
        flags.push("required");
    }
    if part.repeated {
        flags.push("may repeat");
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(" ({})", flags.join(", "))
    };
    format!("{name}: {}{flags}", kind_summary(&part.kind))
}

fn kind_summary(kind: &PartKind) -> String {
    match kind {
        PartKind::Json(_) => "JSON".to_owned(),
        PartKind::Text(TypeRef::Bool) => "`true` or `false`, as text".to_owned(),
        PartKind::Text(TypeRef::I64 | TypeRef::U64 | TypeRef::F64) => {
            "a number, as text".to_owned()
        }
        PartKind::Text(_) => "text".to_owned(),
        PartKind::File { content_types } => match content_types.split_first() {
            None => "a file".to_owned(),
            Some((first, [])) => format!("a file, `{first}`"),
            Some((first, rest)) => {
                let mut text = format!("a file, `{first}` (the default)");
                for (i, other) in rest.iter().enumerate() {
                    let sep = if i + 1 == rest.len() { " or" } else { "," };
                    text.push_str(&format!("{sep} `{other}`"));
                }
                text
            }
        },
    }
}

/// The Rust type a part's value is given as.
fn part_arg_type(kind: &PartKind) -> TokenStream {
    match kind {
        PartKind::Json(ty) => {
            let ty = emit_type_ref(ty);
            quote!(&#ty)
        }
        PartKind::Text(TypeRef::String) => quote!(&str),
        PartKind::Text(ty) => emit_type_ref(ty),
        PartKind::File { .. } => quote!(crate::runtime::FilePart),
    }
}

/// The runtime call (`.json(..)`, `.text(..)`, `.file_or(..)`) that adds a
/// part named `name` holding `value`. A file sent under any name (a
/// Worker's module) is `.named_file_or(..)`: its file name is its part
/// name, which is how the API finds it.
fn part_add(kind: &PartKind, name: &TokenStream, value: &Ident, any_name: bool) -> TokenStream {
    match kind {
        PartKind::Json(_) => quote!(.json(#name, #value)),
        PartKind::Text(TypeRef::String) => quote!(.text(#name, #value)),
        PartKind::Text(_) => quote!(.text(#name, &::std::string::ToString::to_string(&#value))),
        PartKind::File { content_types } => {
            let default = content_types
                .first()
                .map_or("application/octet-stream", String::as_str);
            if any_name {
                quote!(.named_file_or(#name, #value, #default))
            } else {
                quote!(.file_or(#name, #value, #default))
            }
        }
    }
}

/// The method that sets (a part sent once) or adds (a part that repeats, or
/// one under any name) a part.
fn emit_part_method(part: &PartDef) -> TokenStream {
    let PartDef {
        name,
        rust_name,
        kind,
        required,
        repeated,
        doc,
    } = part;
    let method = ident(rust_name);
    let value = ident(if matches!(kind, PartKind::File { .. }) {
        "file"
    } else {
        "value"
    });
    let ty = part_arg_type(kind);
    let what = kind_summary(kind);
    let (head, name_arg, name_expr, replace) = match name {
        PartName::Fixed(wire) if *repeated => (
            format!("Adds a `{wire}` part: {what}. It may be sent more than once."),
            None,
            quote!(#wire),
            None,
        ),
        PartName::Fixed(wire) => (
            format!("Sets the `{wire}` part: {what}. Setting it again replaces it."),
            None,
            quote!(#wire),
            Some(quote!(.remove(#wire))),
        ),
        PartName::Any { .. } => (
            format!(
                "Adds a `{rust_name}` part, sent under `name`, which is also its file name: {what}."
            ),
            Some(quote!(name: &str,)),
            quote!(name),
            None,
        ),
    };
    let mut text = head;
    if *required {
        text.push_str(" `new` takes the first one.");
    }
    if !doc.is_empty() {
        text.push_str("\n\n");
        text.push_str(doc);
    }
    let doc = doc_attrs(&text);
    let add = part_add(
        kind,
        &name_expr,
        &value,
        matches!(name, PartName::Any { .. }),
    );
    quote! {
        #doc
        pub fn #method(self, #name_arg #value: #ty) -> Self {
            Self { form: self.form #replace #add }
        }
    }
}
