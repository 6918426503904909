//! Structs, open enums and unions: their declarations, constructors and
//! the runtime macros (`object!`, `tagged!`) that write their serde impls.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{doc_attrs, emit_type_ref, ident};
use crate::ir::{
    EnumDef, EnumVariant, FieldDef, Presence, StructDef, TypeDef, TypeRef, UnionDef, UnionVariant,
};

/// `types`: every type of the area, for what a union's variants share.
/// `built`: callers build values of it (a request type), so it gets
/// setters.
pub(super) fn emit_type_def(
    def: &TypeDef,
    handle: &str,
    fixed: &BTreeMap<&str, &str>,
    types: &[TypeDef],
    built: bool,
) -> TokenStream {
    match def {
        TypeDef::Struct(def) => emit_struct(def, handle, fixed, types, built),
        TypeDef::Enum(def) => emit_enum(def),
        TypeDef::Union(def) => emit_union(def, types),
    }
}

/// Enums with one known value, by name, with that value's variant: a
/// constructor fills them in by itself.
pub(crate) fn fixed_enums(types: &[TypeDef]) -> BTreeMap<&str, &str> {
    types
        .iter()
        .filter_map(|t| match t {
            TypeDef::Enum(EnumDef { name, variants }) if variants.len() == 1 => {
                Some((name.as_str(), variants[0].rust_name.as_str()))
            }
            _ => None,
        })
        .collect()
}

/// The arguments of a struct's `new(..)`: its required fields, plain or
/// not, except those that can only have one value. `None` when no field is
/// required: the struct derives `Default` instead. Shared with the API
/// listing.
pub(crate) fn constructor_args(
    fields: &[FieldDef],
    fixed: &BTreeMap<&str, &str>,
) -> Option<Vec<(Ident, TokenStream)>> {
    fields.iter().find(|f| f.presence.in_constructor())?;
    Some(
        constructor_fields(fields, fixed)
            .into_iter()
            .map(|f| (ident(&f.rust_name), constructor_arg_type(&f.ty)))
            .collect(),
    )
}

/// The fields `new(..)` takes, in the order it takes them: identity first
/// (`id`, then `name`), then the others as the type declares them, so that
/// `Zone::new(id, name, …)` reads as a reader expects. Shared with the
/// examples.
pub(crate) fn constructor_fields<'f>(
    fields: &'f [FieldDef],
    fixed: &BTreeMap<&str, &str>,
) -> Vec<&'f FieldDef> {
    let mut taken: Vec<&FieldDef> = fields
        .iter()
        .filter(|f| f.presence.in_constructor() && fixed_value(&f.ty, fixed).is_none())
        .collect();
    taken.sort_by_key(|f| match f.wire_name.as_str() {
        "id" => 0,
        "name" => 1,
        _ => 2,
    });
    taken
}

/// The type `new(..)` takes a required field as: a text field takes
/// anything that becomes a `String` (`"a"` as well as a `String`), other
/// fields their own type.
fn constructor_arg_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(impl ::std::convert::Into<::std::string::String>),
        _ => emit_type_ref(ty),
    }
}

/// The type of a struct field as declared: `Option<…>` unless plain.
/// Shared with the API listing.
pub(crate) fn field_type(ty: &TypeRef, plain: bool) -> TokenStream {
    let ty = emit_type_ref(ty);
    if plain {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

/// The value a required field of type `ty` can only have, if any.
fn fixed_value(ty: &TypeRef, fixed: &BTreeMap<&str, &str>) -> Option<TokenStream> {
    match ty {
        TypeRef::Named(name) => fixed.get(name.as_str()).map(|variant| {
            let (ty, variant) = (ident(name), ident(variant));
            quote!(#ty::#variant)
        }),
        _ => None,
    }
}

fn emit_struct(
    def: &StructDef,
    handle: &str,
    fixed: &BTreeMap<&str, &str>,
    types: &[TypeDef],
    built: bool,
) -> TokenStream {
    let StructDef {
        name,
        doc,
        fields,
        used_by,
    } = def;
    let links: Vec<String> = used_by
        .iter()
        .filter(|m| !m.is_empty())
        .map(|m| match m.strip_prefix("r#") {
            Some(raw) => format!("`{handle}::{raw}`"),
            None => format!("[`{handle}::{m}`]"),
        })
        .collect();
    let mut text = doc.clone();
    if !links.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Used by {}.", links.join(", ")));
    } else if text.is_empty() {
        text = format!("`{name}`");
    }
    let doc = doc_attrs(&text);
    let ident_name = ident(name);
    let args = constructor_args(fields, fixed);
    // A default value of a struct with required fields would be invalid.
    // The derives are the prelude's: derive macros live in a namespace of
    // their own, which no generated name can shadow.
    let derive = if args.is_none() {
        quote!(#[derive(Debug, Clone, PartialEq, Default)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    let constructor = args.map(|args| {
        let args: Vec<TokenStream> = args.iter().map(|(arg, ty)| quote!(#arg: #ty)).collect();
        let inits = fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            let value = match (fixed_value(&f.ty, fixed), &f.ty) {
                (Some(value), _) => value,
                (None, TypeRef::String) => quote!(::std::convert::Into::into(#field)),
                // The argument as it is: the field's own name.
                (None, _) if f.presence == Presence::Always => return quote!(#field),
                (None, _) => quote!(#field),
            };
            match f.presence {
                Presence::Always => quote!(#field: #value),
                Presence::Required => quote!(#field: ::std::option::Option::Some(#value)),
                Presence::Optional => quote!(#field: ::std::option::Option::None),
            }
        });
        let many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        // Required fields that can each have only one value: `new()` takes
        // nothing, and is the default.
        let default = args.is_empty().then(|| {
            quote! {
                impl ::std::default::Default for #ident_name {
                    fn default() -> Self {
                        Self::new()
                    }
                }
            }
        });
        quote! {
            impl #ident_name {
                /// A value with the required fields set and the others empty.
                #many
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits,)* extra: ::std::default::Default::default() }
                }
            }
            #default
        }
    });
    let wires = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        // A plain field that an answer lacks holds the empty value of its
        // type; one of a type without an empty value (request bodies only)
        // must be there.
        let required = f.presence.is_plain().then(|| {
            if has_empty_value(&f.ty) {
                quote!(required)
            } else {
                quote!(must)
            }
        });
        let kind = read_kind(&f.ty, types).map(|kind| {
            let kind = ident(kind);
            quote!(=> #kind)
        });
        quote!(#field: #wire #required #kind)
    });
    let setters = built.then(|| emit_setters(&ident_name, fields));
    let fields = fields.iter().map(emit_field);
    quote! {
        #doc
        #derive
        pub struct #ident_name {
            #(#fields)*
            /// What the API sent that no field holds, as sent (see [`Extra`](crate::runtime::Extra)).
            pub extra: crate::runtime::Extra,
        }

        crate::runtime::object!(#ident_name { #(#wires),* });

        #constructor

        #setters
    }
}

/// Whether an optional field gets a setter: every one but those whose name
/// an inherent method or a trait's takes.
pub(crate) fn has_setter(field: &FieldDef) -> bool {
    field.presence == Presence::Optional
        && !matches!(
            field.rust_name.as_str(),
            "new" | "default" | "clone" | "fmt" | "eq" | "ne" | "extra"
        )
}

/// A setter per optional field of a type callers build, so that a body
/// reads `TxtRecordBody::new(name, content).ttl(300).comment("…")`. A text
/// field takes anything that becomes a `String`.
fn emit_setters(name: &Ident, fields: &[FieldDef]) -> Option<TokenStream> {
    let setters: Vec<TokenStream> = fields
        .iter()
        .filter(|f| has_setter(f))
        .map(|f| {
            let field = ident(&f.rust_name);
            let doc = format!(" Sets `{}`.", f.rust_name.trim_start_matches("r#"));
            let (arg, value) = match &f.ty {
                TypeRef::String => (
                    quote!(impl ::std::convert::Into<::std::string::String>),
                    quote!(::std::convert::Into::into(value)),
                ),
                ty => (emit_type_ref(ty), quote!(value)),
            };
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #field(mut self, value: #arg) -> Self {
                    self.#field = ::std::option::Option::Some(#value);
                    self
                }
            }
        })
        .collect();
    (!setters.is_empty()).then(|| {
        quote! {
            impl #name {
                #(#setters)*
            }
        }
    })
}

/// How `object!` reads a field of type `ty`, when not through a
/// `serde_json::Value`: a leaf type (`string`, `boolean`, `number`,
/// `integer`, `unsigned`, `json`, `map`, an array of strings, an open enum
/// or an array of one) straight from the deserializer, a struct of the
/// area (`object`) or an array of them (`objects`) by the struct's own
/// code.
fn read_kind(ty: &TypeRef, types: &[TypeDef]) -> Option<&'static str> {
    let kind_of = |name: &str| {
        types.iter().find_map(|def| match def {
            TypeDef::Struct(def) if def.name == name => Some("object"),
            TypeDef::Enum(def) if def.name == name => Some("choice"),
            _ => None,
        })
    };
    match ty {
        TypeRef::String => Some("string"),
        TypeRef::Bool => Some("boolean"),
        TypeRef::F64 => Some("number"),
        TypeRef::I64 => Some("integer"),
        TypeRef::U64 => Some("unsigned"),
        TypeRef::Value => Some("json"),
        TypeRef::Map => Some("map"),
        TypeRef::Named(name) => kind_of(name),
        TypeRef::Vec(item) => match &**item {
            TypeRef::String => Some("strings"),
            TypeRef::Named(name) => match kind_of(name) {
                Some("object") => Some("objects"),
                Some("choice") => Some("choices"),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// Whether a plain field of type `ty` can hold an empty value when an
/// answer lacks it (the runtime's placeholder, never sent back).
fn has_empty_value(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::I64
        | TypeRef::U64
        | TypeRef::F64
        | TypeRef::Bool
        | TypeRef::Value
        | TypeRef::Map
        | TypeRef::Vec(_)
        | TypeRef::Option(_) => true,
        TypeRef::Named(_) => false,
    }
}

fn emit_field(field: &FieldDef) -> TokenStream {
    let FieldDef {
        wire_name,
        rust_name,
        ty,
        presence,
        doc,
    } = field;
    let name = ident(rust_name);
    let declared = field_type(ty, presence.is_plain());
    // The wire name is worth a line only when it differs from the field's.
    let mut text = String::new();
    if rust_name.trim_start_matches("r#") != wire_name {
        text = format!("`{}`", wire_name.replace('`', "'"));
    }
    if !doc.is_empty() {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(doc);
    }
    let doc = doc_attrs(&text);
    quote! {
        #doc
        pub #name: #declared,
    }
}

fn emit_enum(def: &EnumDef) -> TokenStream {
    let EnumDef { name, variants } = def;
    let name = ident(name);
    let arms = variants.iter().map(
        |EnumVariant {
             wire_name,
             rust_name,
         }| (ident(rust_name), wire_name),
    );
    let decls = arms.clone().map(|(variant, wire)| {
        let doc = format!(" `{}`", wire.replace('`', "'"));
        quote!(#[doc = #doc] #variant,)
    });
    let as_str = arms
        .clone()
        .map(|(variant, wire)| quote!(Self::#variant => #wire,));
    let from = arms.map(|(variant, wire)| quote!(#wire => Self::#variant,));
    quote! {
        /// One of a known set of values; values this client does not know yet
        /// are kept in `Other`.
        #[derive(
            ::std::fmt::Debug,
            ::std::clone::Clone,
            ::std::cmp::PartialEq,
            ::std::cmp::Eq,
            ::std::hash::Hash,
        )]
        pub enum #name {
            #(#decls)*
            /// A value this client does not know yet.
            Other(::std::string::String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Other(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#from)*
                    _ => Self::Other(value),
                }
            }
        }

        crate::runtime::open_enum!(#name);

        impl ::std::convert::From<#name> for ::std::string::String {
            fn from(value: #name) -> Self {
                match value {
                    #name::Other(value) => value,
                    known => ::std::borrow::ToOwned::to_owned(known.as_str()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

/// What the `Other` variant of a tagged union holds: the value, whole.
/// Shared with the API listing.
pub(crate) fn other_variant_type() -> TokenStream {
    quote!(::serde_json::Value)
}

fn emit_union(def: &UnionDef, types: &[TypeDef]) -> TokenStream {
    let UnionDef {
        name,
        doc: prose,
        tag,
        variants,
    } = def;
    let name_ident = ident(name);
    // `From` for each wrapped struct, unless two variants wrap the same one.
    let froms = variants
        .iter()
        .filter(|v| variants.iter().filter(|o| o.ty == v.ty).count() == 1)
        .map(|v| {
            let variant = ident(&v.rust_name);
            let ty = ident(&v.ty);
            quote! {
                impl ::std::convert::From<#ty> for #name_ident {
                    fn from(value: #ty) -> Self {
                        Self::#variant(value)
                    }
                }
            }
        });
    let mut text = prose.clone();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    let Some(tag) = tag else {
        text.push_str("One of several shapes.");
        let doc = doc_attrs(&text);
        let decls = variants.iter().map(|UnionVariant { rust_name, ty, .. }| {
            let (variant, ty) = (ident(rust_name), ident(ty));
            quote!(#variant(#ty),)
        });
        // A body or result is built once per request: boxing its bigger
        // variants would cost every caller an allocation and a `Box::new`
        // to save a few hundred bytes for a moment.
        let arms = variants.iter().map(|UnionVariant { rust_name, ty, .. }| {
            let (variant, ty) = (ident(rust_name), ident(ty));
            quote!(#variant(#ty))
        });
        return quote! {
            #doc
            #[allow(clippy::large_enum_variant)]
            #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
            pub enum #name_ident {
                #(#decls)*
            }

            crate::runtime::untagged!(#name_ident { #(#arms),* });

            #(#froms)*
        };
    };
    debug_assert!(def.keeps_unknown());
    let wire = |value: &str| format!("`{}`", value.replace('`', "'"));
    text.push_str(&format!(
        "One of several kinds, told apart by `{tag}`. A kind this client does not\nknow yet decodes into `Other`, whole."
    ));
    let doc = doc_attrs(&text);
    let mut decls = Vec::new();
    let mut arms = Vec::new();
    for UnionVariant {
        rust_name,
        tag_value,
        ty,
    } in variants
    {
        let (variant, ty) = (ident(rust_name), ident(ty));
        // The tag finder guarantees every variant of a tagged union its value.
        let value = tag_value.as_deref().unwrap_or_default();
        let line = format!(" `{tag}` is {}.", wire(value));
        decls.push(quote!(#[doc = #line] #variant(#ty),));
        arms.push(quote!(#variant(#ty) = #value));
    }
    let other = other_variant_type();
    let other_doc = doc_attrs(&format!(
        "Any other `{tag}` (or none): the value as sent, `{tag}` included.\nIt is written back unchanged, so it can also send a kind this client\ndoes not know yet. A value that is not an object at all is kept here\ntoo, and listed as a mismatch."
    ));
    let shared = shared_accessors(def, types);
    quote! {
        #doc
        #[allow(clippy::large_enum_variant)]
        #[derive(::std::fmt::Debug, ::std::clone::Clone, ::std::cmp::PartialEq)]
        pub enum #name_ident {
            #(#decls)*
            #other_doc
            Other(#other),
        }

        crate::runtime::tagged!(#name_ident, #tag, { #(#arms),* });

        #shared

        #(#froms)*
    }
}

/// Methods reading, whatever the kind, each text, number or boolean field
/// that every variant of a tagged union declares alike (`record.name()`):
/// from the variant's struct, or from an `Other` object when it has the
/// key with a value of that type.
fn shared_accessors(def: &UnionDef, types: &[TypeDef]) -> Option<TokenStream> {
    let structs: Vec<&StructDef> = def
        .variants
        .iter()
        .filter_map(|v| {
            types.iter().find_map(|t| match t {
                TypeDef::Struct(s) if s.name == v.ty => Some(s),
                _ => None,
            })
        })
        .collect();
    let (first, rest) = structs.split_first()?;
    if structs.len() != def.variants.len() {
        return None;
    }
    let methods: Vec<TokenStream> = first
        .fields
        .iter()
        .filter(|f| {
            // `tag` and the variants' own names are taken.
            f.rust_name != "tag"
                && rest.iter().all(|s| {
                    s.fields.iter().any(|o| {
                        o.wire_name == f.wire_name
                            && o.rust_name == f.rust_name
                            && o.ty == f.ty
                            && o.presence == f.presence
                    })
                })
        })
        .filter_map(|field| {
            let (ty, read) = match field.ty {
                TypeRef::String => (quote!(&str), quote!(as_str)),
                TypeRef::F64 => (quote!(f64), quote!(as_f64)),
                TypeRef::I64 => (quote!(i64), quote!(as_i64)),
                TypeRef::U64 => (quote!(u64), quote!(as_u64)),
                TypeRef::Bool => (quote!(bool), quote!(as_bool)),
                _ => return None,
            };
            let name = ident(&field.rust_name);
            let wire = &field.wire_name;
            let take = match (&field.ty, field.presence.is_plain()) {
                (TypeRef::String, true) => quote!(::std::option::Option::Some(value.#name.as_str())),
                (TypeRef::String, false) => quote!(value.#name.as_deref()),
                (_, true) => quote!(::std::option::Option::Some(value.#name)),
                (_, false) => quote!(value.#name),
            };
            let arms = def.variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                quote!(Self::#variant(value) => #take,)
            });
            let doc = doc_attrs(&format!(
                "`{}` of any kind: `None` when it is absent, or an `Other` value holds\nsomething else there.",
                wire.replace('`', "'")
            ));
            Some(quote! {
                #doc
                pub fn #name(&self) -> ::std::option::Option<#ty> {
                    match self {
                        #(#arms)*
                        Self::Other(object) => object.get(#wire).and_then(::serde_json::Value::#read),
                    }
                }
            })
        })
        .collect();
    let name = ident(&def.name);
    (!methods.is_empty()).then(|| {
        quote! {
            impl #name {
                #(#methods)*
            }
        }
    })
}
