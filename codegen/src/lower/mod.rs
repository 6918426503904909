//! [`SpecDoc`] → IR: validates what the document says, turns JSON skeletons
//! into shapes, names everything (through [`crate::naming`]) and decides what
//! each endpoint returns.
//!
//! Every problem is reported with its location, and lowering goes on after an
//! error so that one run shows all of a file's problems.

mod infer;
mod merge;
mod presence;
pub(crate) mod skeleton;
mod stream;
mod types;
mod unify;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use self::merge::Patch;
use self::types::Types;
use crate::diagnostic::{Diagnostic, Lint, SourceFile};
use crate::ir::{
    Api, Area, Endpoint, Method, Output, Param, PathPart, PathTemplate, Response, Shape, Status,
    StructDef, TypeDef, TypeRef, UnionDef,
};
use crate::naming::{self, Namespace};
use crate::overlay::Overlay;
use crate::parse::{RawEndpoint, RawResponse, Spanned, SpecDoc};
use crate::rustdoc;

/// Names an area module may not take: the hand-written crate root uses them,
/// and the module name doubles as an accessor method on `Client`.
const RESERVED_MODULES: &[&str] = &[
    "runtime",
    "generated",
    "client",
    "error",
    "prelude",
    "builder",
    "from_env",
    "clone",
    "fmt",
    "base_url",
];

/// Method names a handle may not give an endpoint.
const RESERVED_METHODS: &[&str] = &["clone", "fmt", "client", "new"];

/// One document to lower, with its overlays: the hand-written one first,
/// then the one drafted from Cloudflare's OpenAPI description.
#[derive(Debug)]
pub struct Input<'a> {
    pub source: &'a SourceFile,
    pub doc: SpecDoc,
    pub overlays: Vec<(&'a SourceFile, Overlay)>,
}

/// Lowers parsed documents into one API. Areas keep the input order; their
/// module names are unique across the API.
pub fn lower(inputs: &[Input<'_>]) -> (Api, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut modules = Namespace::with_reserved(RESERVED_MODULES);
    let mut areas = Vec::new();
    // Areas are independent until their module names are made unique.
    let lowered = crate::parallel::map(inputs, |input| {
        let mut diags = Vec::new();
        (lower_area(input, &mut diags), diags)
    });
    for (area, area_diags) in lowered {
        diags.extend(area_diags);
        if let Some(mut area) = area {
            area.module = modules.claim(&area.module, "api");
            area.handle = naming::handle_name(&area.module);
            area.feature = naming::feature_name(&area.module);
            areas.push(area);
        }
    }
    types::area_specific_names(&mut areas);
    (Api { areas }, diags)
}

/// Lowers one document. Returns `None` only when it has no usable title.
pub fn lower_area(input: &Input<'_>, diags: &mut Vec<Diagnostic>) -> Option<Area> {
    let Input {
        source,
        doc,
        overlays,
    } = input;
    let title = doc.title.as_ref()?;
    if title.value.is_empty() {
        diags.push(source.error(title.span.clone(), "the `#` title is empty"));
        return None;
    }
    // The module (and the feature) are named after the file, which the
    // maintainers choose, so an upstream retitle renames nothing.
    let stem = file_stem(source.path());
    let Some(module) = naming::module_name(stem) else {
        diags.push(source.error(
            0..0,
            format!(
                "the file name `{stem}` gives no module name; it needs an ASCII letter or digit"
            ),
        ));
        return None;
    };
    let handle = naming::handle_name(&module);
    let mut lowering = AreaLowering {
        source,
        diags,
        overlays: overlays.iter().map(|(s, o)| (*s, o)).collect(),
        overlay_types: BTreeSet::new(),
        matched: Vec::new(),
        types: Types::new(&[handle.as_str()], BTreeMap::new()),
        routes: BTreeMap::new(),
        type_docs: BTreeMap::new(),
        first_paths: BTreeMap::new(),
    };
    lowering.prepare_overlay(&title.value, &handle);
    if doc.endpoints.is_empty() {
        lowering.warning(
            Lint::EmptyDocument,
            title.span.clone(),
            "this document has no `##` endpoints; its module will be empty",
        );
    }
    // Names the overlay pins are taken before any title is read.
    let pins = lowering.method_pins();
    let reserved: Vec<&str> = RESERVED_METHODS
        .iter()
        .copied()
        .chain(pins.iter().map(String::as_str))
        .collect();
    let mut methods = Namespace::with_reserved(&reserved);
    // Results are typed once every endpoint's responses are known: a field
    // documented as `null` in one takes its type from the others.
    let mut lowered = Vec::new();
    for raw in &doc.endpoints {
        if let Some(endpoint) = lowering.endpoint(raw, &mut methods) {
            lowered.push((raw, endpoint));
        }
    }
    // Only overlays tell these apart; see `unify`. The documented bodies
    // are compared as the document alone would type them: their `null`
    // fields inferred first, as below.
    if !lowering.overlays.is_empty() {
        infer::null_fields(
            lowered
                .iter_mut()
                .flat_map(|(_, (endpoint, patch))| {
                    endpoint.responses.iter().zip(&mut patch.documented)
                })
                .filter(|(r, _)| r.status.is_success() || r.status == Status::Default)
                .filter_map(|(_, documented)| documented.as_mut()),
        );
        unify::alike(
            lowered
                .iter_mut()
                .flat_map(|(_, (endpoint, patch))| {
                    endpoint.responses.iter_mut().zip(&patch.documented)
                })
                .filter(|(r, _)| r.status.is_success() || r.status == Status::Default)
                .filter_map(|(r, documented)| Some((documented.clone(), r.body.as_mut()?)))
                .collect(),
        );
    }
    infer::null_fields(
        lowered
            .iter_mut()
            .flat_map(|(_, (endpoint, _))| &mut endpoint.responses)
            .filter(|r| r.status.is_success() || r.status == Status::Default)
            .filter_map(|r| r.body.as_mut()),
    );
    let mut endpoints = Vec::new();
    let mut patches = Vec::new();
    for (raw, (mut endpoint, patch)) in lowered {
        endpoint.output = if endpoint.accept.is_some() {
            // The overlay names a media type: the body is not JSON.
            Output::Raw
        } else {
            lowering.output(raw, &endpoint.rust_name, &endpoint.responses, &patch.names)
        };
        if let Output::Json { ty, .. } = &endpoint.output {
            lowering
                .types
                .note_result(ty, &endpoint.title, &endpoint.rust_name);
        }
        endpoints.push(endpoint);
        patches.push(patch);
    }
    for (endpoint, patch) in endpoints.iter_mut().zip(&patches) {
        lowering.request_types(endpoint, patch);
    }
    lowering.report_unmatched();
    let AreaLowering {
        mut types,
        type_docs,
        ..
    } = lowering;
    // Now that every use is known, types are named after what they are.
    let renames = types.finish_names(&module, &[handle.as_str()]);
    for endpoint in &mut endpoints {
        if let Output::Json { ty, .. } = &mut endpoint.output {
            types::rename(ty, &renames);
        }
        let query = endpoint.query.as_mut().map(|q| &mut q.ty);
        let lines = endpoint.raw_body.as_mut().and_then(|b| b.lines.as_mut());
        for ty in [endpoint.request_body.as_mut(), query, lines]
            .into_iter()
            .flatten()
        {
            types::rename(ty, &renames);
        }
    }
    let type_docs: BTreeMap<String, String> = type_docs
        .into_iter()
        .map(|(name, doc)| (renames.get(&name).cloned().unwrap_or(name), doc))
        .collect();
    for def in &mut types.defs {
        let doc = match def {
            TypeDef::Struct(StructDef { name, doc, .. })
            | TypeDef::Union(UnionDef { name, doc, .. }) => {
                type_docs.get(name.as_str()).map(|text| (doc, text))
            }
            TypeDef::Enum(_) => None,
        };
        if let Some((doc, text)) = doc {
            doc.clone_from(text);
        }
    }
    presence::decide(&endpoints, &mut types.defs);
    presence::patch_bodies(&mut endpoints, &mut types.defs);
    stream::mark(&mut endpoints, &types.defs);
    Some(Area {
        source: source.path().to_owned(),
        title: title.value.clone(),
        title_doc: rustdoc::sanitize(&title.value),
        feature: naming::feature_name(&module),
        module,
        handle,
        doc: rustdoc::sanitize(&doc.intro),
        endpoints,
        types: types.defs,
    })
}

struct AreaLowering<'a> {
    source: &'a SourceFile,
    diags: &'a mut Vec<Diagnostic>,
    /// The document's overlays, the hand-written one first.
    overlays: Vec<(&'a SourceFile, &'a Overlay)>,
    /// Names of the overlays' `## Type`s, for the skeleton reader.
    overlay_types: BTreeSet<String>,
    /// Per overlay, which of its endpoints matched a documented one.
    matched: Vec<Vec<bool>>,
    types: Types,
    /// `METHOD path` → the title that documented it first.
    routes: BTreeMap<(Method, String), String>,
    /// Type name → the overlay's prose about it, rustdoc-safe.
    type_docs: BTreeMap<String, String>,
    /// A method's base name → the path of the endpoint that took it first.
    first_paths: BTreeMap<String, String>,
}

impl<'a> AreaLowering<'a> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diags.push(self.source.error(span, message));
    }

    fn warning(&mut self, lint: Lint, span: Range<usize>, message: impl Into<String>) {
        self.diags.push(self.source.warning(lint, span, message));
    }

    /// An error in another file than the document: one of its overlays.
    fn error_in(&mut self, source: &SourceFile, span: Range<usize>, message: impl Into<String>) {
        self.diags.push(source.error(span, message));
    }

    /// Lowers an endpoint, all but its output (left `NoContent` until the
    /// area's responses are all known) and its request types (typed after
    /// the results); also returns what its overlays add.
    fn endpoint(
        &mut self,
        raw: &RawEndpoint,
        methods: &mut Namespace,
    ) -> Option<(Endpoint, Patch<'a>)> {
        let errors_before = self.error_count();
        let method = raw.method.as_ref().and_then(|m| self.method(m));
        let path = raw.path.as_ref().and_then(|p| self.path(p));
        let mut responses: Vec<Response> = raw
            .responses
            .iter()
            .filter_map(|r| self.response(r))
            .collect();
        for (i, response) in raw.responses.iter().enumerate() {
            let status = response.status.value.to_ascii_lowercase();
            if raw.responses[..i]
                .iter()
                .any(|r| r.status.value.to_ascii_lowercase() == status)
            {
                self.warning(
                    Lint::RepeatedStatus,
                    response.status.span.clone(),
                    format!(
                        "status `{}` is listed twice for this endpoint; the first one is used",
                        response.status.value
                    ),
                );
            }
        }
        let base_name = naming::method_name(&raw.title.value);
        if base_name.is_none() {
            let message = if raw.title.value.is_empty() {
                "the `##` endpoint title is empty".to_owned()
            } else {
                format!(
                    "the title `{}` gives no method name; it needs an ASCII letter or digit",
                    raw.title.value
                )
            };
            self.error(raw.title.span.clone(), message);
        }
        let (Some(method), Some(path), Some(base_name)) = (method, path, base_name) else {
            return None;
        };
        if self.error_count() > errors_before {
            return None;
        }
        if let Some(first) = self.routes.get(&(method, path.template.clone())) {
            let message = format!(
                "`{} {}` is documented twice (first as `{first}`); each gets its own method",
                method.as_str(),
                path.template
            );
            self.warning(Lint::RepeatedRoute, raw.title.span.clone(), message);
        } else {
            self.routes
                .insert((method, path.template.clone()), raw.title.value.clone());
        }
        let overlays = self.overlay_endpoints(method, &path.template);
        let pinned = overlays.iter().find_map(|(_, o)| o.name.as_ref());
        let rust_name = match pinned {
            // Reserved for it when the overlay was read.
            Some(pin) => pin.value.clone(),
            None => self.claim_method(&base_name, method, &path.template, methods),
        };
        let mut patch = Patch {
            documented: responses.iter().map(|r| r.body.clone()).collect(),
            ..Patch::default()
        };
        for (source, overlay) in overlays {
            self.apply_overlay(source, overlay, &mut responses, &mut patch);
        }
        // Cloudflare's docs tell callers of a raw HTTP API to encode path
        // parameters themselves; this client encodes every one, so
        // following that advice would encode twice and name another key.
        let lower = raw.description.to_ascii_lowercase();
        let asks_to_encode = !path.params.is_empty()
            && ["url-encod", "url encod", "percent-encod", "urlencod"]
                .iter()
                .any(|words| lower.contains(words));
        let encoding = if asks_to_encode {
            let names: Vec<String> = path
                .params
                .iter()
                .map(|p| format!("`{}`", p.rust_name))
                .collect();
            format!(
                "\n\n**Pass path parameters as they are** ({}): this client percent-encodes each one itself (`a:b/c` is sent as `a%3Ab%2Fc`), so a value encoded beforehand would be encoded twice and name something else.",
                names.join(", ")
            )
        } else {
            String::new()
        };
        let doc = rustdoc::sanitize(&format!(
            "{}\n\n`{} {}`\n\n{}{encoding}",
            raw.title.value,
            method.as_str(),
            path.template,
            raw.description
        ));
        let endpoint = Endpoint {
            title: raw.title.value.clone(),
            rust_name,
            method,
            path,
            description: raw.description.clone(),
            doc: doc.trim_end().to_owned(),
            responses,
            output: Output::NoContent,
            request_body: None,
            multipart: None,
            raw_body: None,
            query: None,
            accept: patch.accept.clone(),
            streams: false,
        };
        Some((endpoint, patch))
    }

    /// The method name for a title's `base` name. The first endpoint with a
    /// title gets it; a later one with the same title is told apart by the
    /// words of its path the other's lacks and its name does not say already
    /// (`patch_health_check_smart_shield`), or else by the verb its HTTP
    /// method stands for in place of the title's (a PUT/PATCH pair on one
    /// path: `update_queue` and `edit_queue`), then by a number. A name never
    /// ends in an HTTP method.
    fn claim_method(
        &mut self,
        base: &str,
        method: Method,
        path: &str,
        methods: &mut Namespace,
    ) -> String {
        let Some(first) = self.first_paths.get(base).cloned() else {
            self.first_paths.insert(base.to_owned(), path.to_owned());
            if !methods.contains(base) {
                return methods.claim(base, "");
            }
            return methods.claim(&naming::with_method_verb(base, method.as_str()), "");
        };
        // Words the name says already go (`delete_targets` + `batch_delete`
        // → `delete_targets_batch`), unless nothing else is left; a path
        // that ends in an HTTP method's name is not used.
        let said: Vec<&str> = base.trim_start_matches("r#").split('_').collect();
        let words: Vec<String> = naming::path_difference(path, &first)
            .iter()
            .flat_map(|segment| segment.split('_').map(str::to_owned).collect::<Vec<_>>())
            .collect();
        let new: Vec<String> = words
            .iter()
            .filter(|word| !said.contains(&word.as_str()))
            .cloned()
            .collect();
        let difference = if new.is_empty() { words } else { new };
        let difference = match difference.last().map(String::as_str) {
            Some("get" | "put" | "post" | "patch" | "delete") => Vec::new(),
            _ => difference,
        };
        if !difference.is_empty() {
            let candidate = format!("{}_{}", base.trim_start_matches("r#"), difference.join("_"));
            if !methods.contains(&candidate) {
                return methods.claim(&candidate, "");
            }
        }
        methods.claim(&naming::with_method_verb(base, method.as_str()), "")
    }

    fn error_count(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    fn method(&mut self, method: &Spanned<String>) -> Option<Method> {
        let found = Method::from_wire(&method.value);
        if found.is_none() {
            let known = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
            let hint = match Method::from_wire(&method.value.to_ascii_uppercase()) {
                Some(m) => format!("; write it in upper case: `{}`", m.as_str()),
                None => crate::diagnostic::closest(&method.value, &known)
                    .map(|m| format!("; did you mean `{m}`?"))
                    .unwrap_or_default(),
            };
            self.error(
                method.span.clone(),
                format!(
                    "unknown HTTP method `{}`; expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS{hint}",
                    method.value
                ),
            );
        }
        found
    }

    fn path(&mut self, path: &Spanned<String>) -> Option<PathTemplate> {
        let text = &path.value;
        let at = |i: usize, len: usize| path.span.start + i..path.span.start + i + len;
        if !text.starts_with('/') {
            self.error(
                at(0, text.len().max(1)),
                format!("the path `{text}` must start with `/`"),
            );
            return None;
        }
        let mut parts = Vec::new();
        let mut params: Vec<Param> = Vec::new();
        let mut literal = String::new();
        let mut ok = true;
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let c = rest.chars().next().unwrap_or_default();
            match c {
                '{' => {
                    let Some(close) = rest.find('}') else {
                        self.error(at(i, 1), "this `{` is never closed with `}`");
                        return None;
                    };
                    let name = &rest[1..close];
                    if let Some(inner) = name.find('{') {
                        self.error(at(i + 1 + inner, 1), "a `{` inside a path parameter");
                        return None;
                    }
                    if name.trim().is_empty() {
                        self.error(at(i, close + 1), "a path parameter with an empty name");
                        ok = false;
                    } else if !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
                        || !name.chars().any(|c| c.is_ascii_alphabetic())
                    {
                        self.error(
                            at(i, close + 1),
                            format!("the path parameter name `{name}` must be made of ASCII letters, digits, `_`, `-` or `.`"),
                        );
                        ok = false;
                    } else {
                        if !literal.is_empty() {
                            parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                        }
                        let rust_name = naming::param_name(name);
                        let index = match params.iter().position(|p| p.wire_name == name) {
                            Some(index) => index,
                            None => {
                                if let Some(other) =
                                    params.iter().find(|p| p.rust_name == rust_name)
                                {
                                    let message = format!(
                                        "path parameters `{{{}}}` and `{{{name}}}` would both be the argument `{rust_name}`; use one spelling",
                                        other.wire_name
                                    );
                                    self.error(at(i, close + 1), message);
                                    ok = false;
                                }
                                params.push(Param {
                                    wire_name: name.to_owned(),
                                    rust_name,
                                });
                                params.len() - 1
                            }
                        };
                        parts.push(PathPart::Param(index));
                    }
                    i += close + 1;
                }
                '}' => {
                    self.error(at(i, 1), "this `}` has no matching `{`");
                    return None;
                }
                _ if c.is_whitespace() => {
                    self.error(at(i, 1), "a path may not contain white space");
                    return None;
                }
                _ => {
                    literal.push(c);
                    i += c.len_utf8();
                }
            }
        }
        if !literal.is_empty() {
            parts.push(PathPart::Literal(literal));
        }
        ok.then(|| PathTemplate {
            template: text.clone(),
            parts,
            params,
        })
    }

    fn response(&mut self, raw: &RawResponse) -> Option<Response> {
        let status = self.status(&raw.status);
        let data_at_result = match &raw.quote {
            None => false,
            Some(quote) if quote.code.as_deref() == Some("body[\"result\"]") => true,
            Some(quote) => {
                self.warning(
                    Lint::UnknownQuote,
                    quote.span.clone(),
                    format!(
                        "unrecognised quote \"{}\"; only \"Data is at `body[\"result\"]`\" is understood, so the body is taken whole",
                        quote.text
                    ),
                );
                false
            }
        };
        let body = match &raw.fence {
            Some(fence) => skeleton::fence_shape(self.source, fence, self.diags, None).ok(),
            None => Some(None),
        };
        let status = status?;
        let mut response = Response {
            status,
            description: raw.description.clone(),
            data_at_result,
            body: body?,
        };
        if status.is_success() || status == Status::Default {
            // A `default` is the success when it stands alone; for a failure
            // the unwrapped body is just as true, and never decoded.
            unwrap_envelope(&mut response);
        }
        Some(response)
    }

    fn status(&mut self, status: &Spanned<String>) -> Option<Status> {
        let source = self.source;
        self.status_in(source, status)
    }

    fn status_in(&mut self, source: &SourceFile, status: &Spanned<String>) -> Option<Status> {
        let s = status.value.as_str();
        let bytes = s.as_bytes();
        if s.is_empty() {
            self.diags.push(source.error(status.span.clone(), "a `####` heading with no status; expected a code (200), a class (4XX) or `default`"));
            return None;
        }
        let parsed = if s.eq_ignore_ascii_case("default") {
            Some(Status::Default)
        } else if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_digit) {
            s.parse()
                .ok()
                .filter(|c| (100..600).contains(c))
                .map(Status::Code)
        } else if bytes.len() == 3
            && (b'1'..=b'5').contains(&bytes[0])
            && bytes[1..].eq_ignore_ascii_case(b"xx")
        {
            Some(Status::Class(bytes[0] - b'0'))
        } else {
            None
        };
        if parsed.is_none() {
            self.diags.push(source.error(
                status.span.clone(),
                format!(
                    "`{s}` is not a response status; expected a code from 100 to 599, a class (4XX) or `default`"
                ),
            ));
        }
        parsed
    }

    /// Decides what a successful call returns. `names` are type names an
    /// overlay gave to responses.
    ///
    /// The docs are read for every signal they give: a `> Data is at
    /// body["result"]` quote means a JSON envelope even without an example;
    /// a success without quote or example (a download) is raw; `101` is a
    /// protocol switch (raw); an endpoint that documents no success at all
    /// still gets a method, returning the `result` as untyped JSON, with a
    /// warning.
    fn output(
        &mut self,
        raw: &RawEndpoint,
        method: &str,
        responses: &[Response],
        names: &[(Status, String)],
    ) -> Output {
        let mut successes: Vec<&Response> =
            responses.iter().filter(|r| r.status.is_success()).collect();
        if successes.is_empty() {
            if responses.iter().any(|r| r.status == Status::Code(101)) {
                return Output::Raw;
            }
            // With no documented success, a lone `default` with a body or
            // a quote describes it.
            match responses {
                [only]
                    if only.status == Status::Default
                        && (only.body.is_some() || only.data_at_result) =>
                {
                    successes.push(only)
                }
                _ => {
                    self.untyped_result(raw);
                    return Output::Json {
                        ty: TypeRef::Value,
                        envelope: true,
                    };
                }
            }
        }
        if successes.iter().all(|r| r.status == Status::Code(204)) {
            return Output::NoContent;
        }
        let with_body: Vec<&Response> = successes
            .iter()
            .copied()
            .filter(|r| r.body.is_some())
            .collect();
        let Some(first) = with_body.first() else {
            return if successes.iter().any(|r| r.data_at_result) {
                Output::Json {
                    ty: TypeRef::Value,
                    envelope: true,
                }
            } else {
                Output::Raw
            };
        };
        let envelope = first.data_at_result;
        let same = with_body
            .iter()
            .all(|r| r.body == first.body && r.data_at_result == envelope);
        if !same {
            // Several different success bodies: nothing typed fits them all.
            return Output::Json {
                ty: TypeRef::Value,
                envelope,
            };
        }
        let shape = first.body.clone().unwrap_or(Shape::Unknown);
        let given = names
            .iter()
            .find(|(status, _)| *status == first.status)
            .map(|(_, name)| name.clone());
        let pascal = naming::type_name(method);
        let hint = match (&given, &shape) {
            (Some(name), _) => name.clone(),
            (None, Shape::Array(_)) => format!("{pascal}Item"),
            (None, _) => format!("{pascal}Response"),
        };
        let ty = self.types.type_of(&shape, &hint, given.is_some(), method);
        Output::Json { ty, envelope }
    }

    /// Warns that `raw` documents no success, at the place that says so.
    fn untyped_result(&mut self, raw: &RawEndpoint) {
        let title = &raw.title.value;
        let (span, what) = match &raw.responses_heading {
            None => (
                raw.title.span.clone(),
                "has no `### Responses` section".to_owned(),
            ),
            Some(heading) if raw.responses.is_empty() => (
                heading.clone(),
                "lists no responses under `### Responses`".to_owned(),
            ),
            Some(heading) => (
                heading.clone(),
                "documents no success (2xx) response".to_owned(),
            ),
        };
        self.warning(
            Lint::UntypedResult,
            span,
            format!(
                "endpoint `{title}` {what}; its method returns the envelope's `result` as untyped JSON (`serde_json::Value`)"
            ),
        );
    }
}

/// An example that shows the whole Cloudflare envelope (`success`, `errors`,
/// `messages` and `result`) documents its `result`: the response becomes
/// that, as if the `> Data is at body["result"]` quote had been there. An
/// example of the envelope without a `result` (only `success`, `errors`,
/// `messages`, perhaps `result_info`) documents no result at all: the
/// response is an envelope whose `result` is not known, never a copy of
/// the envelope's own keys.
pub(crate) fn unwrap_envelope(response: &mut Response) {
    let Some(Shape::Object(fields)) = &mut response.body else {
        return;
    };
    let has = |key: &str| fields.iter().any(|f| f.wire_name == key);
    let envelope = has("success") && (has("errors") || has("messages"));
    if !envelope {
        return;
    }
    if !has("result") {
        let only_envelope = fields.iter().all(|f| {
            matches!(
                f.wire_name.as_str(),
                "success" | "errors" | "messages" | "result_info"
            )
        });
        if only_envelope {
            response.body = None;
            response.data_at_result = true;
        }
        return;
    }
    if !["errors", "messages"].iter().all(|k| has(k)) {
        return;
    }
    let result = fields.iter().position(|f| f.wire_name == "result");
    if let Some(index) = result {
        let result = fields.swap_remove(index);
        response.body = Some(result.shape);
        response.data_at_result = true;
    }
}

/// `spec/dns-records-for-a-zone.md` → `dns-records-for-a-zone`.
fn file_stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name)
}
