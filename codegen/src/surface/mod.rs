//! The API surface: what a user of the generated client can name and call,
//! and what a change to it does to them.
//!
//! ```text
//! Api (IR) ──Surface::of──▶ Surface ──render──▶ API.md ──parse──▶ Surface
//!                            Surface (old) + Surface (new) ──diff──▶ Report
//! ```
//!
//! A [`Surface`] is a sorted set of keyed items: areas, endpoint methods,
//! types, struct fields, enum values and union variants, each with what the
//! breaking-change rules need (Rust signature, field type, required or not).
//! It is derived from the IR in one place ([`Surface::of`]), which
//! destructures every IR struct it reads so that a new IR field fails to
//! compile here until someone decides whether users can see it.
//!
//! Rust types and signatures are not re-derived: they come from the emitter's
//! own functions (`emit::signature`, `emit::field_type`,
//! `emit::constructor_args`) and are printed as text with standard-library
//! and runtime paths shortened, so `API.md` says what the code says.
//!
//! This module does no IO and never sees Markdown docs; `listing` reads and
//! writes `API.md`, `diff` classifies changes, `report` prints them.

mod diff;
mod listing;
mod report;

use std::collections::{BTreeMap, HashMap};

use proc_macro2::{Delimiter, Ident, Spacing, TokenStream, TokenTree};

use crate::emit;
use crate::ir::{
    Api, Area, EnumDef, EnumVariant, FieldDef, Method, StructDef, TypeDef, TypeRef, UnionDef,
    UnionVariant,
};

pub use diff::diff;
pub use report::{Bump, Change, ChangeKind, ItemKind, Report};

/// Where the API listing lives, relative to the client crate's folder.
pub const API_LISTING: &str = "API.md";

/// Everything a user of the generated client can name, by area module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface {
    pub areas: BTreeMap<String, AreaSurface>,
}

/// One area: a module, its handle type and accessor, its methods and types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaSurface {
    /// The handle type, e.g. `MagicPcapCollection`.
    pub handle: String,
    /// The cargo feature that turns the area on, e.g. `magic-pcap-collection`:
    /// users name it in their `Cargo.toml`.
    pub feature: String,
    /// Endpoint methods by Rust name.
    pub methods: BTreeMap<String, MethodSurface>,
    /// Types by Rust name.
    pub types: BTreeMap<String, TypeSurface>,
}

/// An endpoint method: its HTTP side and its Rust side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodSurface {
    pub http: Method,
    /// The path template as written, e.g. `/accounts/{account_id}/pcaps`.
    pub path: String,
    /// Arguments after `&self`: (name, Rust type).
    pub args: Vec<(String, String)>,
    /// The return type, e.g. `Request<Json<PcapRequest>>`.
    pub returns: String,
}

impl MethodSurface {
    /// The endpoint, independent of parameter names: `GET /a/{}/b`.
    pub fn endpoint(&self) -> (Method, String) {
        (self.http, endpoint_path(&self.path))
    }

    /// The method's Rust signature, without `pub`.
    pub fn signature(&self, name: &str) -> String {
        format!(
            "fn {name}(&self{}) -> {}",
            self.args
                .iter()
                .map(|(arg, ty)| format!(", {arg}: {ty}"))
                .collect::<String>(),
            self.returns
        )
    }

    /// `true` when the method returns data without a type of its own: raw
    /// bytes or `serde_json` values.
    pub fn is_untyped(&self) -> bool {
        self.returns.contains("serde_json::") || self.returns == "Request<Raw>"
    }
}

/// A path template with its parameter names blanked out: `/a/{x}/b` →
/// `/a/{}/b`. Renaming a path parameter changes no request.
fn endpoint_path(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut inside = false;
    for c in template.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' if inside => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// A generated type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeSurface {
    Struct(StructSurface),
    Enum(EnumSurface),
    Union(UnionSurface),
}

impl TypeSurface {
    /// `struct`, `enum` or `union`, as the listing and reports say it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Struct(_) => "struct",
            Self::Enum(_) => "enum",
            Self::Union(_) => "union",
        }
    }
}

/// A struct: its constructor and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructSurface {
    /// The arguments of `new(..)`; `None` when the struct has no required
    /// field and derives `Default` instead.
    pub constructor: Option<Vec<(String, String)>>,
    /// Fields by wire name.
    pub fields: BTreeMap<String, FieldSurface>,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSurface {
    /// The Rust name, raw (`r#type`) where needed.
    pub name: String,
    /// The declared type, `Option<…>` unless required.
    pub ty: String,
    pub required: bool,
}

/// An open string enum: its known values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumSurface {
    /// Wire value by variant name (variant names are unique; values
    /// usually are too).
    pub variants: BTreeMap<String, String>,
}

/// One of several structs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionSurface {
    /// Wire name of the field that tells variants apart; `None`: untagged.
    pub tag: Option<String>,
    /// Variants by Rust name.
    pub variants: BTreeMap<String, VariantSurface>,
}

/// One variant of a union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantSurface {
    /// The struct it wraps.
    pub ty: String,
    /// The tag's value for this variant.
    pub tag_value: Option<String>,
}

impl Surface {
    /// The surface of the generated client for `api`.
    ///
    /// This is the one place that decides which IR facts users can see:
    /// titles, descriptions, docs, responses, queries and `Accept` headers
    /// are not part of the Rust API and are left out on purpose.
    pub fn of(api: &Api) -> Self {
        let Api { areas } = api;
        let surfaces = crate::parallel::map(areas, area_surface);
        Self {
            areas: areas
                .iter()
                .map(|area| area.module.clone())
                .zip(surfaces)
                .collect(),
        }
    }

    /// The text of `API.md`.
    pub fn render(&self) -> String {
        listing::render(self)
    }

    /// Reads an `API.md` back; the inverse of [`Surface::render`].
    pub fn parse(source: &crate::SourceFile) -> Result<Self, crate::Diagnostics> {
        listing::parse(source)
    }
}

fn area_surface(area: &Area) -> AreaSurface {
    let Area {
        // The module is named after the source file; the file itself is not
        // something callers name.
        source: _,
        title: _,
        title_doc: _,
        module: _,
        feature,
        handle,
        doc: _,
        endpoints,
        types,
    } = area;
    let methods = endpoints
        .iter()
        .flat_map(|endpoint| {
            let crate::ir::Endpoint {
                title: _,
                rust_name,
                method,
                path,
                description: _,
                doc: _,
                responses: _,
                // In the signature.
                output: _,
                request_body: _,
                multipart: _,
                raw_body: _,
                query: _,
                streams: _,
                // A header the method sends: not something callers write.
                accept: _,
            } = endpoint;
            // A query type is in the signature (an argument when a
            // parameter is required, and the request's type); the type
            // itself is listed with the others.
            let emit::Signature {
                args,
                calls: _,
                returns,
                streamed,
            } = emit::signature(endpoint);
            let args = args_text(args);
            let surface = |returns| MethodSurface {
                http: *method,
                path: path.template.clone(),
                args: args.clone(),
                returns: rust_text(returns),
            };
            let streamed =
                streamed.map(|returns| (format!("{rust_name}_stream"), surface(returns)));
            [(rust_name.clone(), surface(returns))]
                .into_iter()
                .chain(streamed)
        })
        .collect();
    let fixed = emit::fixed_enums(types);
    let mut texts = TypeTexts::default();
    let mut types: BTreeMap<String, TypeSurface> = types
        .iter()
        .map(|def| (def.name().to_owned(), type_surface(def, &fixed, &mut texts)))
        .collect();
    // A multipart body type is listed as a struct without public fields:
    // its `new` takes the required parts. Its part methods are not listed.
    for form in endpoints.iter().filter_map(|e| e.multipart.as_ref()) {
        let args = emit::multipart_constructor_args(form);
        let surface = StructSurface {
            constructor: (!args.is_empty()).then(|| args_text(args)),
            fields: BTreeMap::new(),
        };
        types.insert(form.name.clone(), TypeSurface::Struct(surface));
    }
    AreaSurface {
        handle: handle.clone(),
        feature: feature.clone(),
        methods,
        types,
    }
}

/// Field types already printed: most fields of an area share a few types.
#[derive(Default)]
struct TypeTexts<'a>(HashMap<(&'a TypeRef, bool), String>);

impl<'a> TypeTexts<'a> {
    fn field(&mut self, ty: &'a TypeRef, required: bool) -> String {
        self.0
            .entry((ty, required))
            .or_insert_with(|| rust_text(emit::field_type(ty, required)))
            .clone()
    }
}

fn type_surface<'a>(
    def: &'a TypeDef,
    fixed: &BTreeMap<&str, &str>,
    texts: &mut TypeTexts<'a>,
) -> TypeSurface {
    match def {
        TypeDef::Struct(StructDef {
            name: _,
            doc: _,
            fields,
            used_by: _,
        }) => TypeSurface::Struct(StructSurface {
            constructor: emit::constructor_args(fields, fixed).map(args_text),
            fields: fields
                .iter()
                .map(|field| {
                    let FieldDef {
                        wire_name,
                        rust_name,
                        ty,
                        presence,
                        doc: _,
                    } = field;
                    let surface = FieldSurface {
                        name: rust_name.clone(),
                        ty: texts.field(ty, presence.is_plain()),
                        required: presence.is_plain(),
                    };
                    (wire_name.clone(), surface)
                })
                .collect(),
        }),
        TypeDef::Enum(EnumDef { name: _, variants }) => TypeSurface::Enum(EnumSurface {
            variants: variants
                .iter()
                .map(
                    |EnumVariant {
                         wire_name,
                         rust_name,
                     }| (rust_name.clone(), wire_name.clone()),
                )
                .collect(),
        }),
        TypeDef::Union(
            union @ UnionDef {
                name: _,
                doc: _,
                tag,
                variants,
            },
        ) => {
            let mut variants: BTreeMap<String, VariantSurface> = variants
                .iter()
                .map(
                    |UnionVariant {
                         rust_name,
                         tag_value,
                         ty,
                     }| {
                        let variant = VariantSurface {
                            ty: ty.clone(),
                            tag_value: tag_value.clone(),
                        };
                        (rust_name.clone(), variant)
                    },
                )
                .collect();
            if union.keeps_unknown() {
                let other = VariantSurface {
                    ty: rust_text(emit::other_variant_type()),
                    tag_value: None,
                };
                variants.insert("Other".to_owned(), other);
            }
            TypeSurface::Union(UnionSurface {
                tag: tag.clone(),
                variants,
            })
        }
    }
}

fn args_text(args: Vec<(Ident, TokenStream)>) -> Vec<(String, String)> {
    args.into_iter()
        .map(|(name, ty)| (name.to_string(), rust_text(ty)))
        .collect()
}

/// Prints emitted tokens the way a user reads them: `::std::…::X` and
/// `crate::runtime::X` become `X`, other absolute paths lose their leading
/// `::`, and spacing is rustfmt's for the few forms that occur in types and
/// signatures (`a: T`, `A<B, C>`, `&str`, `-> T`).
fn rust_text(tokens: TokenStream) -> String {
    let mut atoms = Vec::new();
    flatten(tokens, &mut atoms);
    let atoms = shorten_paths(&atoms);
    let mut out = String::new();
    let mut previous: Option<&str> = None;
    for atom in &atoms {
        if let Some(previous) = previous {
            let space = (is_word(previous) && is_word(atom))
                || matches!(previous, "," | ":" | "->" | "=" | "+")
                || matches!(atom.as_str(), "->" | "=" | "+");
            if space {
                out.push(' ');
            }
        }
        out.push_str(atom);
        previous = Some(atom);
    }
    out
}

fn is_word(atom: &str) -> bool {
    atom.chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"' || c == '\'')
}

/// Tokens as a flat list of atoms, with `::` and `->` as single atoms.
fn flatten(tokens: TokenStream, atoms: &mut Vec<String>) {
    let mut joint: Option<char> = None;
    for tree in tokens {
        match tree {
            // A lifetime: `'` and its name.
            TokenTree::Ident(name) if joint == Some('\'') => {
                joint = None;
                atoms.push(format!("'{name}"));
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                match joint.take() {
                    Some(first) => atoms.push(format!("{first}{c}")),
                    None if c == '\'' => joint = Some(c),
                    None if punct.spacing() == Spacing::Joint && matches!(c, ':' | '-') => {
                        joint = Some(c);
                    }
                    None => atoms.push(c.to_string()),
                }
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                atoms.push(open.to_owned());
                flatten(group.stream(), atoms);
                atoms.push(close.to_owned());
            }
            other => atoms.push(other.to_string()),
        }
    }
    atoms.retain(|atom| !atom.is_empty());
}

/// Collapses `::std::a::B` and `crate::runtime::B` to `B`, and `::x::Y` to
/// `x::Y`.
fn shorten_paths(atoms: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(atoms.len());
    let mut i = 0;
    while i < atoms.len() {
        // `::` opens a global path unless it continues one (`a::b`); after
        // `impl` or `dyn` it opens one (`impl ::std::convert::Into<…>`).
        let global = atoms[i] == "::"
            && out
                .last()
                .is_none_or(|a: &String| !is_word(a) || a == "impl" || a == "dyn");
        let start = if global { i + 1 } else { i };
        // The segments of the path starting at `start`, if one does.
        let mut end = start;
        while end < atoms.len() && is_word(&atoms[end]) {
            if atoms.get(end + 1).is_some_and(|a| a == "::") {
                end += 2;
            } else {
                end += 1;
                break;
            }
        }
        let segments: Vec<&String> = atoms[start..end.min(atoms.len())]
            .iter()
            .filter(|a| *a != "::")
            .collect();
        let prelude = (global && segments.first().is_some_and(|s| *s == "std"))
            || (!global
                && segments.len() > 2
                && segments[0] == "crate"
                && segments[1] == "runtime");
        if prelude {
            out.push(segments.last().map(|s| (*s).clone()).unwrap_or_default());
            i = end;
        } else if global {
            i += 1;
        } else {
            out.push(atoms[i].clone());
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn rust_text_reads_like_rust() {
        for (tokens, text) in [
            (
                quote!(::std::option::Option<::std::vec::Vec<::std::string::String>>),
                "Option<Vec<String>>",
            ),
            (
                quote!(name: impl ::std::convert::Into<::std::string::String>),
                "name: impl Into<String>",
            ),
            (
                quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
                "serde_json::Map<String, serde_json::Value>",
            ),
            (
                quote!(crate::runtime::Request<crate::runtime::Json<PcapRequest>>),
                "Request<Json<PcapRequest>>",
            ),
            (quote!(&::std::vec::Vec<r#type>), "&Vec<r#type>"),
            (quote!(&str), "&str"),
            (
                quote!(lines: impl ::std::iter::IntoIterator<Item = Vector, IntoIter: ::std::marker::Send + 'static>),
                "lines: impl IntoIterator<Item = Vector, IntoIter: Send + 'static>",
            ),
            (
                quote!(fn f(&self, a: &str) -> crate::runtime::Request<crate::runtime::Raw>),
                "fn f(&self, a: &str) -> Request<Raw>",
            ),
        ] {
            assert_eq!(rust_text(tokens), text);
        }
    }

    #[test]
    fn endpoint_paths_ignore_parameter_names() {
        for (template, path) in [
            ("/accounts/{account_id}/pcaps", "/accounts/{}/pcaps"),
            (
                "/zones/{zone_id}/scans/{scan_id}.png",
                "/zones/{}/scans/{}.png",
            ),
            ("/plain", "/plain"),
        ] {
            assert_eq!(endpoint_path(template), path);
        }
    }
}
