//! Merging an overlay (`x.overlay.md`) into the document it adds to: its
//! named types, and per endpoint (matched by method and path) a request
//! body or a multipart body, a query, response shapes and names, an
//! `Accept` header.
//!
//! A shape may fill in what the document leaves out (`null`, `{}`) or refine
//! it (enums for strings, required fields, names); one that contradicts the
//! document is an error unless the response says `> Override`. An overlay
//! title, endpoint or status that matches nothing is an error too. The
//! fields of a one of's `#### Every variant` section join each variant's.

use std::collections::{BTreeMap, BTreeSet};

use super::AreaLowering;
use super::skeleton;
use super::types::{NamedShape, Types, Variant};
use crate::diagnostic::SourceFile;
use crate::ir::{
    Method, MultipartBody, PartDef, PartKind, PartName, Response, Shape, Status, TypeRef,
};
use crate::naming::{self, Namespace};
use crate::overlay::{OverlayBody, OverlayEndpoint, OverlayMultipart, OverlayPart, OverlayVariant};
use crate::parse::Spanned;
use crate::rustdoc;

impl<'a> AreaLowering<'a> {
    /// Reads the overlay's title and types, and reserves every name it gives.
    pub(super) fn prepare_overlay(&mut self, title: &str, handle: &str) {
        let Some((source, overlay)) = self.overlay else {
            return;
        };
        self.matched = vec![false; overlay.endpoints.len()];
        if let Some(overlay_title) = &overlay.title {
            if overlay_title.value != title {
                self.overlay_error(
                    overlay_title.span.clone(),
                    format!("the overlay's title must be the document's: `{title}`"),
                );
            }
        }
        let mut given: Vec<Spanned<String>> = Vec::new();
        for ty in &overlay.types {
            given.push(ty.name.clone());
            self.overlay_types.insert(ty.name.value.clone());
        }
        for endpoint in &overlay.endpoints {
            for body in [&endpoint.request_body, &endpoint.query]
                .into_iter()
                .flatten()
            {
                given.extend(body.name.clone());
                given.extend(body.variants.iter().filter_map(|v| v.name.clone()));
            }
            given.extend(endpoint.multipart.as_ref().and_then(|m| m.name.clone()));
            given.extend(endpoint.responses.iter().filter_map(|r| r.name.clone()));
        }
        for ty in &overlay.types {
            given.extend(ty.body.variants.iter().filter_map(|v| v.name.clone()));
        }
        let mut seen = BTreeSet::new();
        for name in &given {
            let valid = naming::type_name(&name.value) == name.value;
            if !valid {
                self.overlay_error(
                    name.span.clone(),
                    format!(
                        "type name `{}` must be PascalCase, e.g. `{}`",
                        name.value,
                        naming::type_name(&name.value)
                    ),
                );
            } else if name.value == handle || !seen.insert(name.value.clone()) {
                self.overlay_error(
                    name.span.clone(),
                    format!("the type name `{}` is given twice", name.value),
                );
            }
        }
        let mut named = BTreeMap::new();
        for ty in &overlay.types {
            if let Some(shape) = self.overlay_shape(source, &ty.name.value, &ty.body) {
                named.insert(ty.name.value.clone(), shape);
            }
        }
        let mut cyclic = Vec::new();
        for ty in &overlay.types {
            if let Some(cycle) = self_containment(&named, &ty.name.value) {
                self.overlay_error(
                    ty.name.span.clone(),
                    format!(
                        "`{}` contains itself ({}); a type may refer to itself only from an array inside a struct, as in `\"children\": [\"*{}*\"]`",
                        ty.name.value,
                        cycle.join(" → "),
                        ty.name.value
                    ),
                );
                cyclic.push(ty.name.value.clone());
            }
        }
        // Lowering follows references; a cycle must never reach it.
        named.retain(|name, _| !cyclic.contains(name));
        let reserved: Vec<&str> = std::iter::once(handle)
            .chain(seen.iter().map(String::as_str))
            .collect();
        self.types = Types::new(&reserved, named);
        // Every declared type is generated, used or not.
        for ty in &overlay.types {
            self.types.type_of(
                &Shape::Named(ty.name.value.clone()),
                &ty.name.value,
                true,
                "",
            );
        }
    }

    /// The method names the overlay pins (`> Name `…``), each checked: a
    /// snake_case identifier, pinned once, not one the handle needs.
    pub(super) fn method_pins(&mut self) -> Vec<String> {
        let Some((source, overlay)) = self.overlay else {
            return Vec::new();
        };
        let mut pins: Vec<String> = Vec::new();
        for pin in overlay.endpoints.iter().filter_map(|e| e.name.as_ref()) {
            let snake = naming::field_name(&pin.value);
            let message = if snake != pin.value {
                Some(format!(
                    "`{}` is not a method name; write it in snake_case, e.g. `{snake}`",
                    pin.value
                ))
            } else if pins.contains(&pin.value) {
                Some(format!("the method name `{}` is pinned twice", pin.value))
            } else if super::RESERVED_METHODS.contains(&pin.value.as_str()) {
                Some(format!(
                    "`{}` is a name every handle has already",
                    pin.value
                ))
            } else {
                None
            };
            match message {
                Some(message) => self.diags.push(source.error(pin.span.clone(), message)),
                None => pins.push(pin.value.clone()),
            }
        }
        pins
    }

    /// A body section's shape: one fence, or variants.
    fn overlay_shape(
        &mut self,
        source: &SourceFile,
        name: &str,
        body: &OverlayBody,
    ) -> Option<NamedShape> {
        if !body.doc.is_empty() {
            self.type_docs
                .insert(name.to_owned(), rustdoc::sanitize(&body.doc));
        }
        if let (Some(shared), true) = (&body.shared, body.variants.is_empty()) {
            self.overlay_error(
                shared.label.span.clone(),
                "`#### Every variant` belongs to a one of; add its `####` variants",
            );
        }
        if body.variants.is_empty() {
            let Some(fence) = &body.fence else {
                self.overlay_error(body.span.clone(), "expected a `json` fence with the shape");
                return None;
            };
            let shape = skeleton::fence_shape(source, fence, self.diags, Some(&self.overlay_types))
                .ok()??;
            return Some(NamedShape::Plain(shape));
        }
        if let Some(fence) = &body.fence {
            self.overlay_error(
                fence.span.start..fence.content_start.saturating_sub(1).max(fence.span.start),
                "a fence before the `####` variants; give either one fence or one fence per variant",
            );
        }
        let shared = body
            .shared
            .as_ref()
            .and_then(|shared| self.shared_fields(source, shared));
        let mut variants = Vec::new();
        for variant in &body.variants {
            let Some(fence) = &variant.fence else {
                self.overlay_error(
                    variant.label.span.clone(),
                    "expected a `json` fence with this variant's shape",
                );
                continue;
            };
            let Ok(Some(mut shape)) =
                skeleton::fence_shape(source, fence, self.diags, Some(&self.overlay_types))
            else {
                continue;
            };
            if let Some(shared) = &shared {
                let Shape::Object(fields) = &mut shape else {
                    self.overlay_error(
                        variant.label.span.clone(),
                        "with `#### Every variant`, each variant's fence must be an object",
                    );
                    continue;
                };
                if let Some(twice) = shared
                    .iter()
                    .find(|s| fields.iter().any(|f| f.wire_name == s.wire_name))
                {
                    self.overlay_error(
                        variant.label.span.clone(),
                        format!(
                            "`{}` is given by this variant and by `#### Every variant`; give it once",
                            twice.wire_name
                        ),
                    );
                    continue;
                }
                // The shared fields come first: `new(name, content)` reads
                // better than `new(content, name)`.
                fields.splice(0..0, shared.iter().cloned());
            }
            let label = variant.label.value.clone();
            let struct_name = variant.name.as_ref().map_or_else(
                || format!("{name}{}", naming::type_name(&label)),
                |n| n.value.clone(),
            );
            if !variant.doc.is_empty() {
                self.type_docs
                    .insert(struct_name.clone(), rustdoc::sanitize(&variant.doc));
            }
            variants.push(Variant {
                label,
                name: struct_name,
                shape,
            });
        }
        Some(NamedShape::OneOf(variants))
    }

    /// The fields of an `#### Every variant` section: an object fence.
    fn shared_fields(
        &mut self,
        source: &SourceFile,
        shared: &OverlayVariant,
    ) -> Option<Vec<crate::ir::Field>> {
        if let Some(name) = &shared.name {
            self.overlay_error(
                name.span.clone(),
                "`#### Every variant` takes no name; its fields join each variant's type",
            );
        }
        let Some(fence) = &shared.fence else {
            self.overlay_error(
                shared.label.span.clone(),
                "expected a `json` fence with the fields every variant has",
            );
            return None;
        };
        match skeleton::fence_shape(source, fence, self.diags, Some(&self.overlay_types)) {
            Ok(Some(Shape::Object(fields))) => Some(fields),
            Ok(_) => {
                self.overlay_error(
                    fence.span.start..fence.content_start.saturating_sub(1).max(fence.span.start),
                    "the fields every variant has must be an object, as in `{ \"id\": \"*string*\" }`",
                );
                None
            }
            Err(()) => None,
        }
    }

    /// The overlay endpoint for `method path`, marked as matched.
    pub(super) fn overlay_endpoint(
        &mut self,
        method: Method,
        path: &str,
    ) -> Option<(&'a SourceFile, &'a OverlayEndpoint)> {
        let (source, overlay) = self.overlay?;
        let index = overlay.endpoints.iter().position(|e| {
            e.method
                .as_ref()
                .is_some_and(|m| m.value == method.as_str())
                && e.path.as_ref().is_some_and(|p| p.value == path)
        })?;
        self.matched[index] = true;
        Some((source, &overlay.endpoints[index]))
    }

    pub(super) fn report_unmatched(&mut self) {
        let Some((source, overlay)) = self.overlay else {
            return;
        };
        for (endpoint, matched) in overlay.endpoints.iter().zip(self.matched.clone()) {
            if matched {
                continue;
            }
            let message = match (&endpoint.method, &endpoint.path) {
                (Some(m), Some(p)) => format!(
                    "`{} {}` matches no endpoint of {}",
                    m.value,
                    p.value,
                    self.source.path()
                ),
                _ => "an overlay endpoint needs its method line (**METHOD** `/path`) to match the document".to_owned(),
            };
            self.diags
                .push(source.error(endpoint.title.span.clone(), message));
        }
    }

    /// Merges an overlay endpoint into the documented responses and reads
    /// its request body and query.
    pub(super) fn apply_overlay(
        &mut self,
        source: &SourceFile,
        overlay: &OverlayEndpoint,
        pascal: &str,
        user: &str,
        responses: &mut [Response],
    ) -> Patch {
        let mut patch = Patch::default();
        for (body, default_name, slot) in [
            (&overlay.request_body, format!("{pascal}Body"), 0),
            (&overlay.query, format!("{pascal}Query"), 1),
        ] {
            let Some(body) = body else { continue };
            let name = body.name.as_ref().map_or(default_name, |n| n.value.clone());
            let exact = body.name.is_some();
            let ty = match self.overlay_shape(source, &name, body) {
                Some(NamedShape::Plain(shape)) => self.types.type_of(&shape, &name, exact, user),
                Some(NamedShape::OneOf(variants)) => self.types.union(&name, &variants, user),
                None => continue,
            };
            if slot == 0 {
                patch.request_body = Some(ty);
            } else {
                patch.query = Some(ty);
            }
        }
        if let Some(form) = &overlay.multipart {
            // Judged even when it cannot be used, so every problem shows.
            let body = self.multipart_body(source, form, pascal, user);
            if overlay.request_body.is_some() {
                self.diags.push(source.error(
                    form.span.clone(),
                    "an endpoint takes one body: a `Request body` or a `Multipart body`, not both",
                ));
            } else {
                patch.multipart = Some(body);
            }
        }
        for response in &overlay.responses {
            let Some(status) = self.status_in(source, &response.status) else {
                continue;
            };
            let Some(documented) = responses.iter_mut().find(|r| r.status == status) else {
                let message = format!(
                    "the document has no `{}` response for this endpoint",
                    response.status.value
                );
                self.diags
                    .push(source.error(response.status.span.clone(), message));
                continue;
            };
            if let Some(accept) = &response.accept {
                patch.accept = Some(accept.value.clone());
            }
            // A name without a shape pins the documented shape's name.
            if let (Some(name), None) = (&response.name, &response.fence) {
                patch.names.push((status, name.value.clone()));
            }
            let Some(fence) = &response.fence else {
                continue;
            };
            let Ok(Some(shape)) =
                skeleton::fence_shape(source, fence, self.diags, Some(&self.overlay_types))
            else {
                continue;
            };
            let fits = documented
                .body
                .as_ref()
                .is_none_or(|doc| self.fits(doc, &shape));
            if !fits && !response.replaces {
                let message = format!(
                    "this shape differs from the one {} documents for `{}`; add `> Override` under the status to replace it",
                    self.source.path(),
                    response.status.value
                );
                self.diags.push(source.error(
                    fence.span.start..fence.content_start.saturating_sub(1).max(fence.span.start),
                    message,
                ));
                continue;
            }
            if let Some(name) = &response.name {
                patch.names.push((status, name.value.clone()));
            }
            documented.body = Some(shape);
        }
        patch
    }

    /// A `### Multipart body` section: its type name and its parts, each
    /// judged from the words of its heading (kind first, then flags).
    fn multipart_body(
        &mut self,
        source: &SourceFile,
        form: &OverlayMultipart,
        pascal: &str,
        user: &str,
    ) -> MultipartBody {
        let name = match &form.name {
            Some(name) => name.value.clone(),
            None => self.types.claim(&format!("{pascal}Form"), false),
        };
        // Methods of the body type, and the arguments of its `new`.
        let mut methods = Namespace::with_reserved(&["new", "clone", "fmt", "default", "form"]);
        let mut wire_names = BTreeSet::new();
        let mut parts = Vec::new();
        for part in &form.parts {
            let Some(label) = &part.name else {
                self.diags.push(source.error(
                    part.span.clone(),
                    "a part needs its name in backticks: `#### Part `metadata`: json, required`",
                ));
                continue;
            };
            let Some(judged) = self.part_attributes(source, part) else {
                continue;
            };
            let rust_name = methods.claim(&naming::field_name(&label.value), "part");
            let part_name = if judged.any_name {
                PartName::Any {
                    arg: methods.claim(&format!("{rust_name}_name"), ""),
                }
            } else {
                if !wire_names.insert(label.value.clone()) {
                    self.diags.push(source.error(
                        label.span.clone(),
                        format!("the part `{}` is declared twice", label.value),
                    ));
                    continue;
                }
                PartName::Fixed(label.value.clone())
            };
            let kind = match judged.kind {
                Judged::Json => {
                    let Some(fence) = &part.fence else {
                        self.diags.push(source.error(
                            part.span.clone(),
                            "a `json` part needs a `json` fence with its shape under its heading",
                        ));
                        continue;
                    };
                    let Ok(Some(shape)) =
                        skeleton::fence_shape(source, fence, self.diags, Some(&self.overlay_types))
                    else {
                        continue;
                    };
                    let hint = format!("{name}{}", naming::type_name(&rust_name));
                    PartKind::Json(self.types.type_of(&shape, &hint, false, user))
                }
                Judged::Text(ty) => PartKind::Text(ty),
                Judged::File(content_types) => PartKind::File { content_types },
            };
            if let (Some(fence), false) = (&part.fence, matches!(kind, PartKind::Json(_))) {
                self.diags.push(source.error(
                    fence.span.start..fence.content_start.saturating_sub(1).max(fence.span.start),
                    "only a `json` part takes a fence; a `text` or `file` part has no shape",
                ));
                continue;
            }
            parts.push(PartDef {
                name: part_name,
                rust_name,
                kind,
                required: judged.required,
                repeated: judged.repeated,
                doc: rustdoc::sanitize(&part.doc),
            });
        }
        if form.parts.is_empty() {
            self.diags.push(source.error(
                form.span.clone(),
                "a multipart body needs at least one `#### Part `name`: kind` heading",
            ));
        }
        MultipartBody {
            name,
            doc: rustdoc::sanitize(&form.doc),
            parts,
        }
    }

    /// The kind and flags of a part, from the words after its heading's `:`.
    fn part_attributes(&mut self, source: &SourceFile, part: &OverlayPart) -> Option<PartWords> {
        const KINDS: &str = "`json`, `text` (or `text: boolean`, `integer`, `number`) or `file` (or `file: type/subtype | …`)";
        let Some((kind, flags)) = part.attributes.split_first() else {
            self.diags.push(source.error(
                part.span.clone(),
                format!("a part needs its kind after a `:`: {KINDS}"),
            ));
            return None;
        };
        let (word, detail) = match kind.value.split_once(':') {
            Some((word, detail)) => (word.trim(), Some(detail.trim())),
            None => (kind.value.trim(), None),
        };
        let kind = match (word, detail) {
            ("json", None) => Judged::Json,
            ("text", None | Some("string")) => Judged::Text(TypeRef::String),
            ("text", Some("boolean")) => Judged::Text(TypeRef::Bool),
            ("text", Some("integer")) => Judged::Text(TypeRef::I64),
            ("text", Some("number")) => Judged::Text(TypeRef::F64),
            ("file", None) => Judged::File(Vec::new()),
            ("file", Some(list)) => {
                let types: Vec<String> = list.split('|').map(|t| t.trim().to_owned()).collect();
                if let Some(bad) = types.iter().find(|t| !is_media_type(t)) {
                    self.diags.push(source.error(
                        kind.span.clone(),
                        format!(
                            "`{bad}` is not a content type; write `file: type/subtype | type/subtype`"
                        ),
                    ));
                    return None;
                }
                Judged::File(types)
            }
            _ => {
                self.diags.push(source.error(
                    kind.span.clone(),
                    format!("unknown part kind `{}`; expected {KINDS}", kind.value),
                ));
                return None;
            }
        };
        let mut words = PartWords {
            kind,
            required: false,
            repeated: false,
            any_name: false,
        };
        let mut ok = true;
        for flag in flags {
            match flag.value.as_str() {
                "required" => words.required = true,
                "repeated" => words.repeated = true,
                "any name" => words.any_name = true,
                other => {
                    let known = ["required", "repeated", "any name"];
                    let hint = crate::diagnostic::closest(other, &known)
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    self.diags.push(source.error(
                        flag.span.clone(),
                        format!("unknown part flag `{other}`; expected `required`, `repeated` or `any name`{hint}"),
                    ));
                    ok = false;
                }
            }
        }
        ok.then_some(words)
    }

    /// Does the overlay's `shape` refine the documented `doc` shape (same
    /// fields and types; enums for strings; `null` in the doc fits anything)?
    fn fits(&self, doc: &Shape, shape: &Shape) -> bool {
        let shape = self.types.resolve(shape);
        match (doc, shape) {
            (Shape::Unknown, _) => true,
            (Shape::String, Shape::Enum(_)) => true,
            (Shape::EmptyObject, Shape::Object(_)) => true,
            (Shape::Array(a), Shape::Array(b)) => self.fits(a, b),
            (Shape::Object(a), Shape::Object(b)) => {
                a.len() == b.len()
                    && a.iter().all(|fa| {
                        b.iter().any(|fb| {
                            fb.wire_name == fa.wire_name && self.fits(&fa.shape, &fb.shape)
                        })
                    })
            }
            (a, b) => a == b,
        }
    }
}

/// A part's heading, judged.
struct PartWords {
    kind: Judged,
    required: bool,
    repeated: bool,
    any_name: bool,
}

/// A part's kind, before a JSON part's fence is read.
enum Judged {
    Json,
    Text(TypeRef),
    File(Vec<String>),
}

/// `type/subtype`, made of the characters a media type may use.
fn is_media_type(text: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    text.split_once('/')
        .is_some_and(|(kind, sub)| token(kind) && token(sub))
}

/// What an overlay adds to one endpoint.
#[derive(Debug, Default)]
pub(super) struct Patch {
    pub request_body: Option<TypeRef>,
    pub multipart: Option<MultipartBody>,
    pub query: Option<TypeRef>,
    pub accept: Option<String>,
    /// Type names given to responses.
    pub names: Vec<(Status, String)>,
}

/// The chain of references by which the overlay type `start` contains
/// itself in a way no Rust type can, if it does. A cycle is fine only when
/// it passes through both a struct or union (a nominal type, which stops
/// the expansion) and an array (an indirection, which keeps the size
/// finite): `Tree` with `children: ["*Tree*"]`. Without an array the value
/// is infinitely large (`Node` with `parent: "*Node*"`); without a struct
/// the type is infinite (`A` is `["*A*"]`, or `A` is `"*B*"` and `B` is
/// `"*A*"`), and following it would never end.
fn self_containment(named: &BTreeMap<String, NamedShape>, start: &str) -> Option<Vec<String>> {
    /// Where the walk is: a type, and whether the way here went through a
    /// struct or union, and through an array.
    type State = (String, bool, bool);
    struct Walk<'n> {
        named: &'n BTreeMap<String, NamedShape>,
        start: &'n str,
        seen: BTreeSet<State>,
        path: Vec<String>,
    }
    impl Walk<'_> {
        fn shape(&mut self, shape: &Shape, nominal: bool, array: bool) -> bool {
            match shape {
                Shape::Named(name) if name == self.start => {
                    let found = !(nominal && array);
                    if found {
                        self.path.push(name.clone());
                    }
                    found
                }
                Shape::Named(name) => {
                    // Each (type, flags) is explored once: the walk stays
                    // linear in the number of types, whatever the input.
                    if !self.seen.insert((name.clone(), nominal, array)) {
                        return false;
                    }
                    let Some(inner) = self.named.get(name) else {
                        return false;
                    };
                    self.path.push(name.clone());
                    let found = self.named(inner, nominal, array);
                    if !found {
                        self.path.pop();
                    }
                    found
                }
                Shape::Object(fields) => fields
                    .iter()
                    .any(|field| self.shape(&field.shape, true, array)),
                Shape::Array(item) => self.shape(item, nominal, true),
                _ => false,
            }
        }

        fn named(&mut self, shape: &NamedShape, nominal: bool, array: bool) -> bool {
            match shape {
                NamedShape::Plain(shape) => self.shape(shape, nominal, array),
                NamedShape::OneOf(variants) => variants
                    .iter()
                    .any(|variant| self.shape(&variant.shape, true, array)),
            }
        }
    }
    let shape = named.get(start)?;
    let mut walk = Walk {
        named,
        start,
        seen: BTreeSet::new(),
        path: vec![start.to_owned()],
    };
    walk.named(shape, false, false).then_some(walk.path)
}
