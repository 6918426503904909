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
use super::types::{NamedShape, Types, Use, Variant};
use crate::diagnostic::SourceFile;
use crate::ir::{
    Endpoint, Field, Method, MultipartBody, PartDef, PartKind, PartName, Query, RawBody, Response,
    Shape, Status, StructDef, TypeDef, TypeRef,
};
use crate::naming::{self, Namespace};
use crate::overlay::{OverlayBody, OverlayEndpoint, OverlayMultipart, OverlayPart, OverlayVariant};
use crate::parse::Spanned;
use crate::rustdoc;

impl<'a> AreaLowering<'a> {
    /// Reads the overlays' titles and types, and reserves every name they
    /// give. A name may be given once across the document's overlays.
    pub(super) fn prepare_overlay(&mut self, title: &str, handle: &str) {
        let overlays = self.overlays.clone();
        self.matched = overlays
            .iter()
            .map(|(_, overlay)| vec![false; overlay.endpoints.len()])
            .collect();
        let mut given: Vec<(&SourceFile, Spanned<String>)> = Vec::new();
        for &(source, overlay) in &overlays {
            if let Some(overlay_title) = &overlay.title {
                if overlay_title.value != title {
                    self.diags.push(source.error(
                        overlay_title.span.clone(),
                        format!("the overlay's title must be the document's: `{title}`"),
                    ));
                }
            }
            for ty in &overlay.types {
                given.push((source, ty.name.clone()));
                self.overlay_types.insert(ty.name.value.clone());
            }
            for endpoint in &overlay.endpoints {
                for body in [&endpoint.request_body, &endpoint.query]
                    .into_iter()
                    .flatten()
                {
                    given.extend(body.name.iter().map(|n| (source, n.clone())));
                    given.extend(
                        body.variants
                            .iter()
                            .filter_map(|v| v.name.clone())
                            .map(|n| (source, n)),
                    );
                }
                given.extend(
                    endpoint
                        .multipart
                        .as_ref()
                        .and_then(|m| m.name.clone())
                        .map(|n| (source, n)),
                );
                given.extend(
                    endpoint
                        .responses
                        .iter()
                        .filter_map(|r| r.name.clone())
                        .map(|n| (source, n)),
                );
            }
            for ty in &overlay.types {
                given.extend(
                    ty.body
                        .variants
                        .iter()
                        .filter_map(|v| v.name.clone())
                        .map(|n| (source, n)),
                );
            }
        }
        let mut seen = BTreeSet::new();
        for (source, name) in &given {
            let valid = naming::type_name(&name.value) == name.value;
            if !valid {
                self.diags.push(source.error(
                    name.span.clone(),
                    format!(
                        "type name `{}` must be PascalCase, e.g. `{}`",
                        name.value,
                        naming::type_name(&name.value)
                    ),
                ));
            } else if name.value == handle || !seen.insert(name.value.clone()) {
                self.diags.push(source.error(
                    name.span.clone(),
                    format!("the type name `{}` is given twice", name.value),
                ));
            }
        }
        let mut named = BTreeMap::new();
        for &(source, overlay) in &overlays {
            for ty in &overlay.types {
                if let Some(shape) = self.overlay_shape(source, &ty.name.value, &ty.body) {
                    named.insert(ty.name.value.clone(), shape);
                }
            }
        }
        let mut cyclic = Vec::new();
        for &(source, overlay) in &overlays {
            for ty in &overlay.types {
                if let Some(cycle) = self_containment(&named, &ty.name.value) {
                    self.diags.push(source.error(
                        ty.name.span.clone(),
                        format!(
                            "`{}` contains itself ({}); a type may refer to itself only from an array inside a struct, as in `\"children\": [\"*{}*\"]`",
                            ty.name.value,
                            cycle.join(" → "),
                            ty.name.value
                        ),
                    ));
                    cyclic.push(ty.name.value.clone());
                }
            }
        }
        // Lowering follows references; a cycle must never reach it.
        named.retain(|name, _| !cyclic.contains(name));
        let reserved: Vec<&str> = std::iter::once(handle)
            .chain(seen.iter().map(String::as_str))
            .collect();
        self.types = Types::new(&reserved, named);
        // Every declared type is generated, used or not.
        for (_, overlay) in &overlays {
            for ty in &overlay.types {
                self.types.type_of(
                    &Shape::Named(ty.name.value.clone()),
                    &ty.name.value,
                    true,
                    "",
                );
            }
        }
    }

    /// The method names the overlays pin (`> Name `…``), each checked: a
    /// snake_case identifier, pinned once, not one the handle needs.
    pub(super) fn method_pins(&mut self) -> Vec<String> {
        let mut pins: Vec<String> = Vec::new();
        for (source, overlay) in self.overlays.clone() {
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
            self.error_in(
                source,
                shared.label.span.clone(),
                "`#### Every variant` belongs to a one of; add its `####` variants",
            );
        }
        if body.variants.is_empty() {
            let Some(fence) = &body.fence else {
                self.error_in(
                    source,
                    body.span.clone(),
                    "expected a `json` fence with the shape",
                );
                return None;
            };
            let shape = skeleton::fence_shape(source, fence, self.diags, Some(&self.overlay_types))
                .ok()??;
            return Some(NamedShape::Plain(shape));
        }
        if let Some(fence) = &body.fence {
            self.error_in(source,
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
                self.error_in(
                    source,
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
                    self.error_in(
                        source,
                        variant.label.span.clone(),
                        "with `#### Every variant`, each variant's fence must be an object",
                    );
                    continue;
                };
                if let Some(twice) = shared
                    .iter()
                    .find(|s| fields.iter().any(|f| f.wire_name == s.wire_name))
                {
                    self.error_in(source,
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
            self.error_in(
                source,
                name.span.clone(),
                "`#### Every variant` takes no name; its fields join each variant's type",
            );
        }
        let Some(fence) = &shared.fence else {
            self.error_in(
                source,
                shared.label.span.clone(),
                "expected a `json` fence with the fields every variant has",
            );
            return None;
        };
        match skeleton::fence_shape(source, fence, self.diags, Some(&self.overlay_types)) {
            Ok(Some(Shape::Object(fields))) => Some(fields),
            Ok(_) => {
                self.error_in(source,
                    fence.span.start..fence.content_start.saturating_sub(1).max(fence.span.start),
                    "the fields every variant has must be an object, as in `{ \"id\": \"*string*\" }`",
                );
                None
            }
            Err(()) => None,
        }
    }

    /// The overlay endpoints for `method path`, one per overlay that has
    /// it, in the overlays' order (the hand-written one first), each marked
    /// as matched.
    pub(super) fn overlay_endpoints(
        &mut self,
        method: Method,
        path: &str,
    ) -> Vec<(&'a SourceFile, &'a OverlayEndpoint)> {
        let mut found = Vec::new();
        for (i, &(source, overlay)) in self.overlays.iter().enumerate() {
            let index = overlay.endpoints.iter().position(|e| {
                e.method
                    .as_ref()
                    .is_some_and(|m| m.value == method.as_str())
                    && e.path.as_ref().is_some_and(|p| p.value == path)
            });
            if let Some(index) = index {
                self.matched[i][index] = true;
                found.push((source, &overlay.endpoints[index]));
            }
        }
        found
    }

    pub(super) fn report_unmatched(&mut self) {
        for (i, (source, overlay)) in self.overlays.clone().into_iter().enumerate() {
            for (endpoint, matched) in overlay.endpoints.iter().zip(self.matched[i].clone()) {
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
    }

    /// Merges an overlay endpoint into the documented responses, and notes
    /// its request body and query in `patch`, to be typed once the area's
    /// results are (see [`AreaLowering::request_types`]). A part that an
    /// earlier overlay of the document gave already is an error.
    pub(super) fn apply_overlay(
        &mut self,
        source: &'a SourceFile,
        overlay: &'a OverlayEndpoint,
        responses: &mut [Response],
        patch: &mut Patch<'a>,
    ) {
        if overlay.request_body.is_some() && overlay.multipart.is_some() {
            let span = overlay.multipart.as_ref().map_or(0..0, |m| m.span.clone());
            self.error_in(
                source,
                span,
                "an endpoint takes one body: a `Request body` or a `Multipart body`, not both",
            );
        }
        let body_span = overlay
            .request_body
            .as_ref()
            .map(|b| b.span.clone())
            .or_else(|| overlay.multipart.as_ref().map(|m| m.span.clone()));
        if let Some(span) = body_span {
            if self.first_time(source, patch, Part::Body, span) {
                patch.request_body = overlay.request_body.as_ref().map(|b| (source, b));
                patch.multipart = overlay.multipart.as_ref().map(|m| (source, m));
            }
        }
        if let Some(query) = &overlay.query {
            if self.first_time(source, patch, Part::Query, query.span.clone()) {
                patch.query = Some((source, query));
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
            if !self.first_time(
                source,
                patch,
                Part::Response(status),
                response.status.span.clone(),
            ) {
                continue;
            }
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
            let merged = match &documented.body {
                _ if response.replaces => Ok(shape),
                None => Ok(shape),
                Some(doc) => self.merge(doc, &shape),
            };
            let merged = match merged {
                Ok(merged) => merged,
                Err(contradiction) => {
                    let at = if contradiction.path.is_empty() {
                        String::new()
                    } else {
                        format!(" at `{}`", contradiction.path)
                    };
                    let message = format!(
                        "this shape contradicts the one {} documents for `{}`{at}: the document shows {}, this overlay {}; add `> Override` under the status to replace the documented shape, or write `\"*any*\"` there",
                        self.source.path(),
                        response.status.value,
                        contradiction.documented,
                        contradiction.given,
                    );
                    self.error_in(
                        source,
                        fence.span.start
                            ..fence.content_start.saturating_sub(1).max(fence.span.start),
                        message,
                    );
                    continue;
                }
            };
            if let Some(name) = &response.name {
                patch.names.push((status, name.value.clone()));
            }
            documented.body = Some(merged);
        }
    }

    /// Records that `source` gives `part` of the endpoint at `span`; `false`
    /// (and an error) when an earlier overlay of the document gave it.
    fn first_time(
        &mut self,
        source: &'a SourceFile,
        patch: &mut Patch<'a>,
        part: Part,
        span: std::ops::Range<usize>,
    ) -> bool {
        if let Some((_, first)) = patch.given.iter().find(|(p, _)| *p == part) {
            let message = format!(
                "{} of this endpoint is given by {} already; give it in one overlay (a drafted `*.openapi.overlay.md` leaves out what the hand-written overlay gives: run `cargo xtask overlay` again)",
                part.describe(),
                first.path()
            );
            self.error_in(source, span, message);
            return false;
        }
        patch.given.push((part, source));
        true
    }

    /// Types the request body, multipart body and query an endpoint's
    /// overlays gave. Done after the area's results are typed, so that a
    /// shape a body shares with a result is named after the result, as it
    /// is without the body.
    pub(super) fn request_types(&mut self, endpoint: &mut Endpoint, patch: &Patch<'a>) {
        let user = endpoint.rust_name.clone();
        let pascal = naming::type_name(&user);
        if let Some((source, body)) = patch.request_body {
            match &body.content_type {
                Some(media) if !is_json(&media.value) => {
                    endpoint.raw_body = self.raw_body(source, body, media, &pascal, &user);
                }
                _ => {
                    endpoint.request_body =
                        self.body_type(source, body, &format!("{pascal}Body"), &user);
                    if let Some(ty) = &endpoint.request_body {
                        self.types.note_request(ty, &user, Use::Body);
                    }
                }
            }
        }
        if let Some((source, form)) = patch.multipart {
            endpoint.multipart = Some(self.multipart_body(source, form, &pascal, &user));
        }
        if let Some((source, query)) = patch.query {
            let Some(ty) = self.body_type(source, query, &format!("{pascal}Query"), &user) else {
                return;
            };
            self.types.note_request(&ty, &user, Use::Query);
            if let Some(def) = self.types.query_only_struct(&ty) {
                unsigned_page_numbers(def);
            }
            let fields = match &ty {
                TypeRef::Named(name) => self.types.defs.iter().find_map(|def| match def {
                    TypeDef::Struct(def) if def.name == *name => Some(&def.fields),
                    _ => None,
                }),
                _ => None,
            };
            let Some(fields) = fields else {
                self.error_in(
                    source,
                    query.span.clone(),
                    "a query is an object of parameters, as in `{ \"per_page\": \"*integer*\" }`",
                );
                return;
            };
            endpoint.query = Some(Query {
                argument: fields.iter().any(|f| f.presence.in_constructor()),
                ty,
            });
        }
    }

    /// The type of a `Request body` or `Query` section: its fence's, or a
    /// union of its variants.
    fn body_type(
        &mut self,
        source: &SourceFile,
        body: &OverlayBody,
        default_name: &str,
        user: &str,
    ) -> Option<TypeRef> {
        let name = body
            .name
            .as_ref()
            .map_or_else(|| default_name.to_owned(), |n| n.value.clone());
        let exact = body.name.is_some();
        match self.overlay_shape(source, &name, body)? {
            NamedShape::Plain(shape) => Some(self.types.type_of(&shape, &name, exact, user)),
            NamedShape::OneOf(variants) => Some(self.types.union(&name, &variants, user)),
        }
    }

    /// A `### Request body` sent as `media`: NDJSON lines of the fence's
    /// type, or bytes when there is no fence (any other media type has no
    /// JSON shape to give).
    fn raw_body(
        &mut self,
        source: &SourceFile,
        body: &OverlayBody,
        media: &Spanned<String>,
        pascal: &str,
        user: &str,
    ) -> Option<RawBody> {
        let essence = media.value.split(';').next().unwrap_or_default().trim();
        let valid = essence.split_once('/').is_some_and(|(kind, sub)| {
            let token = |t: &str| {
                !t.is_empty()
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
            };
            token(kind) && token(sub)
        });
        if !valid || media.value.contains(['\r', '\n']) {
            self.error_in(
                source,
                media.span.clone(),
                format!("`{}` is not a media type (`type/subtype`)", media.value),
            );
            return None;
        }
        let shaped = body.fence.is_some() || !body.variants.is_empty();
        let lines = is_json_lines(essence);
        if shaped && !lines {
            self.error_in(
                source,
                media.span.clone(),
                format!(
                    "a `{}` body has no JSON shape; leave the fence out (it is sent as bytes), or use a JSON lines type such as `application/x-ndjson`",
                    media.value
                ),
            );
            return None;
        }
        let lines = if shaped {
            let ty = self.body_type(source, body, &format!("{pascal}Line"), user)?;
            self.types.note_request(&ty, user, Use::Body);
            Some(ty)
        } else {
            None
        };
        Some(RawBody {
            content_type: media.value.clone(),
            lines,
        })
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

    /// The documented shape `doc` with the overlay's `shape` merged in. See
    /// [`merge_shapes`].
    fn merge(&self, doc: &Shape, shape: &Shape) -> Result<Shape, Contradiction> {
        merge_shapes(doc, shape, &|name| self.types.plain(name))
    }
}

/// The documented shape `doc` with an overlay's `shape` merged in: what the
/// document shows, plus what the overlay adds.
///
/// - A `null` on either side takes the other side's shape.
/// - The overlay may refine: a string into an enum, `{}` into an object, an
///   integer into a number (wider: both decode), and it may say `*any*`
///   (any JSON), which replaces whatever the document shows.
/// - Objects merge key by key; a key both give merges its shapes. An
///   overlay that restates every documented key gives the order; otherwise
///   the document's keys come first, in its order (so that they keep their
///   Rust names), then the overlay's others.
/// - Arrays merge their elements; an overlay element that may be `null`
///   stays so.
/// - A reference to an overlay type stays a reference; the document's shape
///   must merge into the type's without changing it.
///
/// Anything else (a string against an object, a number against an
/// integer, …) is a contradiction, returned as where it is and what each
/// side shows; the overlay must then say `> Override` or `*any*`.
/// `resolve` gives a plain overlay type's shape by name.
pub(crate) fn merge_shapes<'s>(
    doc: &Shape,
    shape: &Shape,
    resolve: &dyn Fn(&str) -> Option<&'s Shape>,
) -> Result<Shape, Contradiction> {
    let contradiction = || Contradiction {
        path: String::new(),
        documented: describe(doc),
        given: describe(shape),
    };
    match (doc, shape) {
        (Shape::Unknown, _) => Ok(shape.clone()),
        (_, Shape::Unknown) => Ok(doc.clone()),
        (_, Shape::Any) => Ok(Shape::Any),
        (_, Shape::Named(name)) => {
            let resolved = resolve(name).ok_or_else(contradiction)?;
            let merged = merge_shapes(doc, resolved, resolve)?;
            if merged == *resolved {
                Ok(shape.clone())
            } else {
                Err(Contradiction {
                    given: format!("`{name}`, which lacks some of it"),
                    ..contradiction()
                })
            }
        }
        (_, Shape::Nullable(inner)) => Ok(Shape::Nullable(Box::new(merge_shapes(
            doc, inner, resolve,
        )?))),
        (Shape::String, Shape::Enum(_))
        | (Shape::EmptyObject, Shape::Object(_) | Shape::EmptyObject)
        // A number the overlay says is whole (the description's `integer`)
        // is an integer: a fraction that comes anyway is kept, not refused.
        | (Shape::Integer | Shape::Number, Shape::Number | Shape::Integer)
        | (Shape::String, Shape::String)
        | (Shape::Boolean, Shape::Boolean) => Ok(shape.clone()),
        (Shape::Object(_), Shape::EmptyObject) => Ok(doc.clone()),
        (Shape::Array(a), Shape::Array(b)) => merge_shapes(a, b, resolve)
            .map(|item| Shape::Array(Box::new(item)))
            .map_err(|c| c.within("[]")),
        (Shape::Object(documented), Shape::Object(given)) => {
            let merge_field = |field: &Field| -> Result<Field, Contradiction> {
                let mut merged = field.clone();
                if let Some(doc_field) = documented.iter().find(|f| f.wire_name == field.wire_name)
                {
                    merged.shape = merge_shapes(&doc_field.shape, &field.shape, resolve)
                        .map_err(|c| c.within(&field.wire_name))?;
                }
                Ok(merged)
            };
            let restated = documented
                .iter()
                .all(|d| given.iter().any(|f| f.wire_name == d.wire_name));
            let mut fields = Vec::with_capacity(given.len().max(documented.len()));
            if restated {
                // The overlay gives every field: its order is the type's.
                for field in given {
                    fields.push(merge_field(field)?);
                }
            } else {
                // The document's fields first, in its order, so that they
                // keep their Rust names whatever the overlay adds.
                for field in documented {
                    match given.iter().find(|f| f.wire_name == field.wire_name) {
                        Some(given) => fields.push(merge_field(given)?),
                        None => fields.push(field.clone()),
                    }
                }
                for field in given {
                    if !documented.iter().any(|d| d.wire_name == field.wire_name) {
                        fields.push(field.clone());
                    }
                }
            }
            Ok(Shape::Object(fields))
        }
        _ => Err(contradiction()),
    }
}

/// Where a document and an overlay contradict each other, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Contradiction {
    /// Keys from the top (`result.meta`, `[]` for an array's elements);
    /// empty at the top itself.
    pub path: String,
    pub documented: String,
    pub given: String,
}

impl Contradiction {
    fn within(mut self, key: &str) -> Self {
        self.path = match (key, self.path.is_empty()) {
            (_, true) => key.to_owned(),
            ("[]", false) if self.path.starts_with("[]") => format!("[]{}", self.path),
            (_, false) if self.path.starts_with("[]") => format!("{key}{}", self.path),
            (_, false) => format!("{key}.{}", self.path),
        };
        self
    }
}

/// A shape in a few words, for messages.
pub(crate) fn describe(shape: &Shape) -> String {
    match shape {
        Shape::String => "a string".to_owned(),
        Shape::Integer => "an integer".to_owned(),
        Shape::Number => "a number".to_owned(),
        Shape::Boolean => "a boolean".to_owned(),
        Shape::Unknown => "`null`".to_owned(),
        Shape::Any => "any JSON".to_owned(),
        Shape::EmptyObject => "`{}`".to_owned(),
        Shape::Object(_) => "an object".to_owned(),
        Shape::Array(_) => "an array".to_owned(),
        Shape::Enum(_) => "an enum".to_owned(),
        Shape::Named(name) => format!("`{name}`"),
        Shape::Nullable(inner) => format!("{} or `null`", describe(inner)),
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

/// What a document's overlays add to one endpoint: its responses are
/// merged at once, its request parts typed later.
#[derive(Debug, Default)]
pub(super) struct Patch<'a> {
    pub request_body: Option<(&'a SourceFile, &'a OverlayBody)>,
    pub multipart: Option<(&'a SourceFile, &'a OverlayMultipart)>,
    pub query: Option<(&'a SourceFile, &'a OverlayBody)>,
    pub accept: Option<String>,
    /// Type names given to responses.
    pub names: Vec<(Status, String)>,
    /// Each response's body as the document shows it, before any overlay.
    pub documented: Vec<Option<Shape>>,
    /// Which overlay gave each part.
    pub(super) given: Vec<(Part, &'a SourceFile)>,
}

/// A part of an endpoint an overlay may give, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Body,
    Query,
    Response(Status),
}

impl Part {
    fn describe(self) -> String {
        match self {
            Part::Body => "the request body".to_owned(),
            Part::Query => "the query".to_owned(),
            Part::Response(Status::Code(code)) => format!("the `{code}` response"),
            Part::Response(Status::Class(class)) => format!("the `{class}XX` response"),
            Part::Response(Status::Default) => "the `default` response".to_owned(),
        }
    }
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

/// A query's page numbers are never negative, and the client's own
/// `ResultInfo` counts pages in `u64`: an integer `page` or `per_page` of a
/// query is a `u64`, so that `info.page + 1` goes back into the query as
/// it is. Only integers (a `number` stays `f64`), and only in a type that
/// is nothing but a query (a result that happens to share its shape keeps
/// what the API sends).
fn unsigned_page_numbers(query: &mut StructDef) {
    for field in &mut query.fields {
        if matches!(field.wire_name.as_str(), "page" | "per_page") && field.ty == TypeRef::I64 {
            field.ty = TypeRef::U64;
        }
    }
}

/// Whether a body of this media type is JSON.
fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
}

/// Whether a body of this media type is JSON values, one per line.
fn is_json_lines(essence: &str) -> bool {
    let essence = essence.to_ascii_lowercase();
    essence.ends_with("/x-ndjson")
        || essence.ends_with("/ndjson")
        || essence.ends_with("/jsonl")
        || essence.ends_with("/x-jsonlines")
}
