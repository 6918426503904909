//! The generator: Markdown API endpoint docs in, Rust client source out.
//!
//! ```text
//! SourceFile ──parse──▶ SpecDoc ──lower──▶ Api (IR) ──emit──▶ files (prettyplease)
//! ```
//!
//! This crate does no IO: callers hand it [`SourceFile`]s and get back the
//! text of every file to write, or every [`Diagnostic`] that explains why
//! not. `xtask` does the reading and writing. [`surface`] lists the API
//! those files offer (`API.md`) and reports what changed between two
//! versions of it.

pub mod diagnostic;
pub mod emit;
pub mod import;
pub mod ir;
pub mod lower;
pub mod manifest;
pub mod naming;
pub mod overlay;
mod parallel;
pub mod parse;
mod rustdoc;
pub mod surface;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub use diagnostic::{Diagnostic, Diagnostics, Lint, Severity, SourceFile};
pub use emit::EmitOptions;

/// The result of a successful generation. Not `PartialEq`: its timings
/// differ from run to run; compare `files` (and `warnings`) instead.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file of `src/generated/`, keyed by its path relative to that
    /// folder, in a stable order.
    pub files: BTreeMap<String, String>,
    /// The `[features]` entries of the client's `Cargo.toml` (see
    /// [`manifest::splice_features`]); empty unless areas are features.
    pub features: String,
    /// The text of the crate's API listing ([`surface::API_LISTING`]): one
    /// line per area, method, type, field and value.
    pub api_listing: String,
    /// The whole-API contract test's calls ([`emit::emit_probes`]): every
    /// `GET` whose result the client decodes.
    pub probes: String,
    /// The `cloudflare` command's generated folder ([`emit::emit_cli`]):
    /// one JSON table per area and `areas.rs`, keyed by file name.
    pub cli: BTreeMap<String, String>,
    /// Warnings that did not stop generation.
    pub warnings: Vec<Diagnostic>,
    /// Counts, for summaries.
    pub stats: Stats,
}

/// What was read, and how long each stage took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: usize,
    pub endpoints: usize,
    pub responses: usize,
    pub types: usize,
    pub timings: Timings,
}

/// Wall time of parsing and lowering; emitting and formatting run per area
/// on several threads, so theirs is time summed over threads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    pub parse: Duration,
    pub lower: Duration,
    pub emit: Duration,
    pub format: Duration,
    /// Deriving and rendering the API listing.
    pub listing: Duration,
    /// The whole-API contract test's calls.
    pub probes: Duration,
    /// The `cloudflare` command's tables.
    pub cli: Duration,
}

impl Timings {
    /// One line for `--timings`.
    pub fn summary(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        format!(
            "parse {:.1} ms, lower {:.1} ms, emit {:.1} ms, format {:.1} ms (emit and format summed over threads), API listing {:.1} ms, contract test calls {:.1} ms, command tables {:.1} ms",
            ms(self.parse),
            ms(self.lower),
            ms(self.emit),
            ms(self.format),
            ms(self.listing),
            ms(self.probes),
            ms(self.cli)
        )
    }
}

impl Stats {
    fn of(api: &ir::Api) -> Self {
        let endpoints = api.areas.iter().flat_map(|a| &a.endpoints);
        Self {
            files: api.areas.len(),
            endpoints: endpoints.clone().count(),
            responses: endpoints.map(|e| e.responses.len()).sum(),
            types: api.areas.iter().map(|a| a.types.len()).sum(),
            timings: Timings::default(),
        }
    }
}

/// The file-name suffix of overlays: `x.overlay.md` adds to `x.md`.
pub const OVERLAY_SUFFIX: &str = ".overlay.md";

/// The file-name suffix of overlays drafted from Cloudflare's OpenAPI
/// description by `cargo xtask overlay`: `x.openapi.overlay.md` adds to
/// `x.md` too, after `x.overlay.md`.
pub const DRAFTED_OVERLAY_SUFFIX: &str = ".openapi.overlay.md";

/// The document an overlay at `path` adds to (its path without the
/// suffix, `.md` added), and whether the overlay was drafted; `None` for a
/// path that is no overlay.
pub fn overlay_target(path: &str) -> Option<(String, bool)> {
    if let Some(stem) = path.strip_suffix(DRAFTED_OVERLAY_SUFFIX) {
        return Some((format!("{stem}.md"), true));
    }
    path.strip_suffix(OVERLAY_SUFFIX)
        .map(|stem| (format!("{stem}.md"), false))
}

/// Parses and lowers every source into the IR. Sources whose path ends in
/// [`OVERLAY_SUFFIX`] are overlays of the document with the same stem (and
/// those ending in [`DRAFTED_OVERLAY_SUFFIX`], after them). On success the
/// IR comes with the warnings; on failure every error (and warning) of
/// every file.
pub fn build_ir(sources: &[SourceFile]) -> Result<(ir::Api, Vec<Diagnostic>), Diagnostics> {
    build_ir_timed(sources, &mut Timings::default())
}

fn build_ir_timed(
    sources: &[SourceFile],
    timings: &mut Timings,
) -> Result<(ir::Api, Vec<Diagnostic>), Diagnostics> {
    let started = Instant::now();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let (overlays, docs): (Vec<&SourceFile>, Vec<&SourceFile>) = sources
        .iter()
        .partition(|s| overlay_target(s.path()).is_some());
    let parsed_overlays = parallel::map(&overlays, |source| overlay::parse_overlay(source));
    // Per document path: its overlays, the hand-written one first.
    let mut by_doc: BTreeMap<String, Vec<(bool, &SourceFile, overlay::Overlay)>> = BTreeMap::new();
    for (source, (overlay, overlay_diags)) in overlays.into_iter().zip(parsed_overlays) {
        diags.extend(overlay_diags);
        if let Some((doc, drafted)) = overlay_target(source.path()) {
            by_doc
                .entry(doc)
                .or_default()
                .push((drafted, source, overlay));
        }
    }
    let parsed = parallel::map(&docs, |source| parse::parse(source));
    let mut inputs = Vec::with_capacity(docs.len());
    for (source, (doc, parse_diags)) in docs.into_iter().zip(parsed) {
        diags.extend(parse_diags);
        let mut overlays = by_doc.remove(source.path()).unwrap_or_default();
        overlays.sort_by_key(|(drafted, source, _)| (*drafted, source.path().to_owned()));
        inputs.push(lower::Input {
            source,
            doc,
            overlays: overlays
                .into_iter()
                .map(|(_, source, overlay)| (source, overlay))
                .collect(),
        });
    }
    for (doc, overlays) in by_doc {
        for (_, source, _) in overlays {
            diags.push(source.error(
                0..0,
                format!("this overlay has no document to add to: `{doc}` is missing"),
            ));
        }
    }
    let parsed_at = Instant::now();
    timings.parse = parsed_at - started;
    let (api, lower_diags) = lower::lower(&inputs);
    timings.lower = parsed_at.elapsed();
    diags.extend(lower_diags);
    sort_diagnostics(&mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        Err(Diagnostics(diags))
    } else {
        Ok((api, diags))
    }
}

/// Generates the files of `src/generated/` from the sources.
pub fn generate(sources: &[SourceFile], options: &EmitOptions) -> Result<Generated, Diagnostics> {
    let mut timings = Timings::default();
    let (api, warnings) = build_ir_timed(sources, &mut timings)?;
    let (files, times) = emit::emit_timed(&api, options).map_err(|err| internal_error(&err))?;
    timings.emit = times.tokens;
    timings.format = times.format;
    let features = if options.area_features {
        manifest::features_toml(&api)
    } else {
        String::new()
    };
    // Two independent single-file outputs: one per core.
    let ((probes, probes_time), (api_listing, listing_time)) = std::thread::scope(|scope| {
        let probes = scope.spawn(|| {
            let started = Instant::now();
            (emit::emit_probes(&api), started.elapsed())
        });
        let started = Instant::now();
        let listing = surface::Surface::of(&api).render();
        let listing = (listing, started.elapsed());
        let probes = probes
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (probes, listing)
    });
    timings.probes = probes_time;
    timings.listing = listing_time;
    let started = Instant::now();
    let cli = emit::emit_cli(&api).map_err(|err| internal_error(&err))?;
    timings.cli = started.elapsed();
    Ok(Generated {
        files,
        features,
        api_listing,
        probes,
        cli,
        warnings,
        stats: Stats {
            timings,
            ..Stats::of(&api)
        },
    })
}

/// Emitted code that does not parse is a generator bug, not bad input; it
/// says so rather than pretend the spec is at fault.
fn internal_error(err: &syn::Error) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        severity: Severity::Error,
        lint: None,
        file: "<generator>".to_owned(),
        line: 1,
        column: 1,
        message: format!("internal error: generated code does not parse: {err}"),
        source_line: String::new(),
        width: 1,
    }])
}

/// Orders diagnostics by file, then position, so output is stable.
fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
}
