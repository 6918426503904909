//! Shapes → named Rust types of one area: structs for objects, open enums
//! for overlay enums, tagged or untagged unions for overlay "one of" bodies.
//!
//! Identical shapes share one type; the first use names it. Names the
//! overlay gives are exact; others come from a hint (`{Method}Response`,
//! `{Parent}{Field}`, `…Item`) made unique with a number.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{
    EnumDef, EnumVariant, FieldDef, Shape, StructDef, TypeDef, TypeRef, UnionDef, UnionVariant,
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

/// Builds the types of one area.
#[derive(Debug)]
pub(super) struct Types {
    pub defs: Vec<TypeDef>,
    names: Namespace,
    seen: HashMap<Shape, String>,
    /// Overlay types by name, resolved on first use.
    named: BTreeMap<String, NamedShape>,
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
        match shape {
            Shape::String => TypeRef::String,
            Shape::Integer => TypeRef::I64,
            Shape::Number => TypeRef::F64,
            Shape::Boolean => TypeRef::Bool,
            Shape::Unknown => TypeRef::Value,
            Shape::EmptyObject => TypeRef::Map,
            Shape::Array(item) => TypeRef::Vec(Box::new(self.type_of(item, hint, exact, user))),
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
                self.defs.push(TypeDef::Enum(EnumDef {
                    name: name.clone(),
                    variants,
                }));
                TypeRef::Named(name)
            }
            Shape::Object(fields) => {
                if let Some(name) = self.seen.get(shape).cloned() {
                    self.mark_used(&name, user);
                    return TypeRef::Named(name);
                }
                let name = self.claim(hint, exact);
                self.seen.insert(shape.clone(), name.clone());
                self.push_struct(&name, fields, None, user);
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
    ) {
        let index = self.defs.len();
        self.defs.push(TypeDef::Struct(StructDef {
            name: name.to_owned(),
            doc: String::new(),
            fields: Vec::new(),
            used_by: vec![user.to_owned()],
        }));
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
                FieldDef {
                    wire_name: field.wire_name.clone(),
                    ty: self.type_of(&field.shape, &child, false, user),
                    rust_name,
                    required: field.required,
                    doc: crate::rustdoc::sanitize(&field.doc),
                }
            })
            .collect();
        if let TypeDef::Struct(def) = &mut self.defs[index] {
            def.fields = defs;
        }
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
                    .entry(Shape::Object(fields.clone()))
                    .or_insert_with(|| name.to_owned());
                self.push_struct(name, &fields, None, user);
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
        let index = self.defs.len();
        self.defs.push(TypeDef::Union(UnionDef {
            name: name.to_owned(),
            doc: String::new(),
            tag: tag.clone(),
            variants: Vec::new(),
        }));
        let mut labels = Namespace::default();
        let mut out = Vec::new();
        for variant in variants {
            let resolved = self.resolve(&variant.shape).clone();
            let tag_value = match (&tag, &resolved) {
                (Some(tag), Shape::Object(fields)) => fixed(fields, tag),
                _ => None,
            };
            let ty = match &resolved {
                Shape::Object(fields) => {
                    self.push_struct(&variant.name, fields, tag.as_deref(), user);
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
}
