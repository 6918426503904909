//! Project automation, run as `cargo xtask <command>`.
//!
//! - `generate [--spec DIR] [--out CRATE_DIR] [--deny-warnings] [--timings]`:
//!   writes `CRATE_DIR/src/generated/` from the Markdown docs in `DIR`
//!   (defaults: `spec/` and `generated-client/`), and the `cloudflare`
//!   command's `cli/src/generated/` when `cli/` is beside `CRATE_DIR`. All
//!   or nothing.
//! - `check [--spec DIR] [--out CRATE_DIR] [--deny-warnings]`: exits 1 with a
//!   diff when the checked-in client is not what `generate` would write,
//!   headed by the API change report from the checked-in `API.md`.
//! - `diff [--base GIT_REF | --old DIR | --listing GIT_REF] [--spec DIR] [--format text|markdown|json]`:
//!   prints the API change report from the old docs (`--spec` at `GIT_REF`,
//!   default `HEAD`, or `DIR`), or from the `API.md` committed at
//!   `GIT_REF` (which shows what a generator change renames), to the docs in
//!   `--spec`; exits 3 when something breaks.
//!
//! - `corpus [--spec DIR]... [--out DIR] [--timings]`: generates folders of
//!   docs (default: the shared corpus) into a scratch crate with a feature per
//!   area, then runs clippy and rustdoc on it with `-D warnings`.
//! - `overlay --openapi FILE [--area NAME]... [--spec DIR]`: drafts or
//!   refreshes `DIR/<area>.openapi.overlay.md` from an OpenAPI description;
//!   without `--area`, every area it covers, and stale drafts are removed.
//!   Hand overlays are never written. All or nothing.
//!
//! Exit codes: 0 success, 1 bad input or drift, 2 usage error, 3 (`diff`)
//! breaking API changes.

mod corpus;
mod diff;
mod overlay;
mod sync;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use codegen::{EmitOptions, Generated, SourceFile};

use crate::sync::{Folder, Mode, Single, sync_all};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  generate   write CRATE_DIR/src/generated/ from the docs in DIR (and the
             cloudflare command's cli/src/generated/ beside it)
  check      fail (exit 1) when CRATE_DIR/src/generated/ (or the generated
             part of Cargo.toml, or API.md, or the command's table) is
             stale: the API change report, then a diff
  diff       print the API change report from the old docs to DIR; exit 3
             when something breaks
  corpus     generate DIR (default ../shared/corpus/docs; --spec may be
             repeated) into a scratch crate (default target/corpus-client)
             with a feature per area, and prove it builds: clippy and
             rustdoc with -D warnings
  overlay    draft DIR/<area>.openapi.overlay.md from an OpenAPI
             description (--openapi FILE): every area it covers, or each
             --area NAME; hand overlays (<area>.overlay.md) are read, never
             written, and what they give is left out

options:
  --spec DIR         folder of Markdown docs (default: spec/)
  --out CRATE_DIR    client crate to write into (default: generated-client/)
  --deny-warnings    treat warnings as errors
  --timings          print how long each stage took (corpus: also time
                     `cargo check` with one area and with all areas)
  --base GIT_REF     diff: the old docs are DIR as committed at GIT_REF
                     (default: HEAD)
  --old DIR          diff: the old docs are in another folder
  --listing GIT_REF  diff: the old API is CRATE_DIR/API.md as committed at
                     GIT_REF, so that the generator's own changes show too
  --format FORMAT    diff: text (default), markdown (release notes) or json
  --openapi FILE     overlay: the OpenAPI 3 description (JSON)
  --area NAME        overlay: only this area (the document's file stem, e.g.
                     zone); may be repeated
  -h, --help         print this help

exit codes: 0 success, 1 bad input or stale output, 2 usage error,
3 breaking API changes (diff)";

/// Parsed command line.
#[derive(Debug)]
enum Command {
    Sync(Args),
    Corpus(corpus::CorpusArgs),
    Diff(diff::DiffArgs),
    Overlay(overlay::OverlayArgs),
}

/// Options of `generate` and `check`.
#[derive(Debug)]
struct Args {
    mode: Mode,
    spec: PathBuf,
    out: PathBuf,
    deny_warnings: bool,
    timings: bool,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&args) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // A panic is a bug in the generator, never the user's fault; it still
    // ends with a plain failure, not Rust's exit code 101.
    let result = std::panic::catch_unwind(|| match &args {
        Command::Sync(args) => run(args).map(|()| 0),
        Command::Corpus(args) => corpus::run(&workspace_root(), args).map(|()| 0),
        Command::Diff(args) => diff::run(args).map(|breaking| if breaking { 3 } else { 0 }),
        Command::Overlay(args) => overlay::run(args).map(|()| 0),
    })
    .unwrap_or_else(|_| {
        Err("error: internal error: the generator panicked (message above); please report it with the input".to_owned())
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

fn parse_args(args: &[String]) -> Result<Option<Command>, String> {
    let root = workspace_root();
    let Some((command, options)) = args.split_first() else {
        return Ok(None);
    };
    let (mode, spec, out) = match command.as_str() {
        "-h" | "--help" | "help" => return Ok(None),
        "generate" => (
            Some(Mode::Write),
            root.join("spec"),
            root.join("generated-client"),
        ),
        "check" => (
            Some(Mode::Check),
            root.join("spec"),
            root.join("generated-client"),
        ),
        "corpus" => (
            None,
            root.join("../shared/corpus/docs"),
            root.join("target/corpus-client"),
        ),
        "diff" => (None, root.join("spec"), root.join("generated-client")),
        "overlay" => {
            return overlay::parse_args(options, &root).map(|args| args.map(Command::Overlay));
        }
        other => return Err(format!("unknown command `{other}`")),
    };
    let diff = command == "diff";
    let mut parsed = Args {
        mode: mode.unwrap_or(Mode::Check),
        spec,
        out,
        deny_warnings: false,
        timings: false,
    };
    let mut extra_specs = Vec::new();
    let (mut old, mut format) = (None, diff::Format::Text);
    let mut iter = options.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            // `corpus` takes several folders; the others take one.
            "--spec" if mode.is_none() && !diff => extra_specs.push(value("--spec")?.into()),
            "--spec" => parsed.spec = value("--spec")?.into(),
            "--out" if !diff => parsed.out = value("--out")?.into(),
            "--deny-warnings" if mode.is_some() => parsed.deny_warnings = true,
            "--timings" if !diff => parsed.timings = true,
            "--base" | "--old" | "--listing" if diff && old.is_some() => {
                return Err("give one of `--base`, `--old` and `--listing`".to_owned());
            }
            "--listing" if diff => old = Some(diff::Old::Listing(value("--listing")?)),
            "--base" if diff => old = Some(diff::Old::Base(value("--base")?)),
            "--old" if diff => old = Some(diff::Old::Dir(value("--old")?.into())),
            "--format" if diff => {
                let name = value("--format")?;
                format = diff::Format::parse(&name).ok_or_else(|| {
                    format!("unknown format `{name}`; expected text, markdown or json")
                })?;
            }
            other => return Err(format!("unknown option `{other}` for `{command}`")),
        }
    }
    Ok(Some(match mode {
        Some(_) => Command::Sync(parsed),
        None if diff => Command::Diff(diff::DiffArgs {
            old: old.unwrap_or_else(|| diff::Old::Base("HEAD".to_owned())),
            spec: parsed.spec,
            listing: parsed.out.join(codegen::surface::API_LISTING),
            format,
        }),
        None => Command::Corpus(corpus::CorpusArgs {
            specs: if extra_specs.is_empty() {
                vec![parsed.spec]
            } else {
                extra_specs
            },
            out: parsed.out,
            timings: parsed.timings,
        }),
    }))
}

/// The workspace root, found from this crate's manifest so `cargo xtask`
/// works from any folder.
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// How a path is shown in diagnostics and `@generated` headers: relative to
/// the workspace root when inside it, so output does not depend on where the
/// checkout lives.
fn display_path(path: &Path) -> String {
    let root = workspace_root();
    let absolute = normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
    let shown = match (absolute.strip_prefix(&root), root.parent()) {
        (Ok(inside), _) => inside.to_path_buf(),
        (Err(_), Some(parent)) => match absolute.strip_prefix(parent) {
            Ok(beside) => Path::new("..").join(beside),
            Err(_) => absolute.clone(),
        },
        (Err(_), None) => absolute.clone(),
    };
    shown.to_string_lossy().replace('\\', "/")
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Reads every `*.md` document in `dir`, sorted by name.
pub(crate) fn read_sources(dir: &Path) -> Result<Vec<SourceFile>, String> {
    let entries = std::fs::read_dir(dir).map_err(|err| {
        format!(
            "error: cannot read the spec folder {}: {err}",
            dir.display()
        )
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md") && path.is_file())
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!("error: no `*.md` documents in {}", dir.display()));
    }
    let mut sources = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    for path in paths {
        let shown = display_path(&path);
        match std::fs::read(&path) {
            Ok(bytes) => match SourceFile::from_bytes(shown, &bytes) {
                Ok(source) => sources.push(source),
                Err(diagnostic) => errors.push(diagnostic.to_string()),
            },
            Err(err) => errors.push(format!("{shown}: error: cannot read: {err}")),
        }
    }
    if errors.is_empty() {
        Ok(sources)
    } else {
        Err(errors.join("\n\n"))
    }
}

/// How `generate` and `check` emit: every area behind its cargo feature.
pub(crate) fn emit_options() -> EmitOptions {
    EmitOptions {
        area_features: true,
    }
}

/// The crate's `Cargo.toml` with its generated `[features]` entries
/// replaced. A crate folder without a manifest (a scratch output) gets
/// none; a manifest without the markers is an error that says what to add.
fn manifest_single(out: &Path, features: &str) -> Result<Vec<Single>, String> {
    let path = out.join("Cargo.toml");
    let manifest = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(format!("error: cannot read {}: {err}", path.display())),
    };
    let text = codegen::manifest::splice_features(&manifest, features).ok_or_else(|| {
        format!(
            "error: {} has no generated feature list; add these two lines under `[features]`, then run `cargo xtask generate` again:\n{}\n{}",
            display_path(&path),
            codegen::manifest::FEATURES_BEGIN,
            codegen::manifest::FEATURES_END
        )
    })?;
    Ok(vec![Single {
        name: "Cargo.toml".to_owned(),
        path,
        text,
    }])
}

/// The crate's API listing, written with the code.
pub(crate) fn listing_single(out: &Path, generated: &Generated) -> Single {
    Single {
        name: codegen::surface::API_LISTING.to_owned(),
        path: out.join(codegen::surface::API_LISTING),
        text: generated.api_listing.clone(),
    }
}

/// Where the whole-API contract test keeps its generated list of calls.
const PROBES: &str = "tests/contract_api/probes.rs";

/// Every file outside `src/generated/` that the generator writes with it:
/// the features, the API listing, and the contract test's calls when the
/// crate has that test (a scratch crate does not).
fn singles(out: &Path, generated: &Generated) -> Result<Vec<Single>, String> {
    let mut singles = manifest_single(out, &generated.features)?;
    singles.push(listing_single(out, generated));
    if out.join("tests/contract_api.rs").is_file() {
        singles.push(Single {
            name: PROBES.to_owned(),
            path: out.join(PROBES),
            text: generated.probes.clone(),
        });
    }
    Ok(singles)
}

/// The `cloudflare` command's generated folder, when the client crate has
/// the command beside it (`cli/` next to `generated-client/`; a scratch
/// crate has none, and gets no command).
fn cli_dir(out: &Path) -> Option<PathBuf> {
    let cli = out.parent()?.join("cli");
    cli.join("Cargo.toml")
        .is_file()
        .then(|| cli.join("src").join("generated"))
}

/// Every generated folder: the client's `src/generated/`, and the
/// command's when it has one.
fn folders<'a>(out: &Path, generated: &'a Generated) -> Vec<Folder<'a>> {
    let mut folders = vec![Folder {
        label: String::new(),
        path: out.join("src").join("generated"),
        files: &generated.files,
    }];
    if let Some(path) = cli_dir(out) {
        folders.push(Folder {
            label: "cli/src/generated/".to_owned(),
            path,
            files: &generated.cli,
        });
    }
    folders
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let sources = read_sources(&args.spec)?;
    let read = started.elapsed();
    let generated = codegen::generate(&sources, &emit_options()).map_err(|diags| {
        format!(
            "{diags}\n\nerror: generation failed with {} error(s) and {} warning(s); nothing was written",
            diags.error_count(),
            diags.warning_count()
        )
    })?;
    let generate_time = started.elapsed() - read;
    for warning in &generated.warnings {
        eprintln!("{warning}\n");
    }
    if args.deny_warnings && !generated.warnings.is_empty() {
        return Err(format!(
            "error: {} warning(s) and --deny-warnings is set; nothing was written",
            generated.warnings.len()
        ));
    }
    let target = args.out.join("src").join("generated");
    let singles = singles(&args.out, &generated)?;
    let folders = folders(&args.out, &generated);
    let report = sync_all(&folders, &singles, args.mode)
        .map_err(|err| format!("error: {}: {err}", target.display()))?;
    let written: usize = folders.iter().map(|f| f.files.len()).sum();
    let stats = generated.stats;
    match args.mode {
        Mode::Write => eprintln!(
            "generated {} file(s) from {} document(s): {} endpoints, {} responses, {} types; {} file(s) changed",
            written,
            stats.files,
            stats.endpoints,
            stats.responses,
            stats.types,
            report.changed(),
        ),
        Mode::Check if report.is_clean() => eprintln!(
            "{} is up to date ({} file(s))",
            folders
                .iter()
                .map(|f| display_path(&f.path))
                .collect::<Vec<_>>()
                .join(" and "),
            written
        ),
        Mode::Check => {
            let mut command = String::from("cargo xtask generate");
            if args.spec != workspace_root().join("spec") {
                command.push_str(&format!(" --spec {}", args.spec.display()));
            }
            if args.out != workspace_root().join("generated-client") {
                command.push_str(&format!(" --out {}", args.out.display()));
            }
            let listing = args.out.join(codegen::surface::API_LISTING);
            let old = std::fs::read_to_string(&listing).ok();
            let summary = diff::check_summary(&listing, old.as_deref(), &generated.api_listing);
            return Err(format!(
                "{summary}\n{}\nerror: {} is stale; run `{command}` and commit the result",
                report.render(),
                display_path(&args.out)
            ));
        }
    }
    if args.timings {
        eprintln!(
            "timings: read {:.1} ms, generate {:.1} ms ({}), write {:.1} ms, total {:.1} ms wall",
            read.as_secs_f64() * 1e3,
            generate_time.as_secs_f64() * 1e3,
            stats.timings.summary(),
            (started.elapsed() - read - generate_time).as_secs_f64() * 1e3,
            started.elapsed().as_secs_f64() * 1e3,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain `cargo test` fails when the checked-in client (or the
    /// command's table) is stale.
    #[test]
    fn checked_in_client_is_fresh() {
        let root = workspace_root();
        let sources = read_sources(&root.join("spec")).unwrap();
        let generated = codegen::generate(&sources, &emit_options()).unwrap();
        let out = root.join("generated-client");
        let singles = singles(&out, &generated).unwrap();
        let folders = folders(&out, &generated);
        assert_eq!(folders.len(), 2, "the command's folder is checked too");
        let report = sync_all(&folders, &singles, Mode::Check).unwrap();
        assert!(
            report.is_clean(),
            "{}\nrun `cargo xtask generate` and commit the result",
            report.render()
        );
    }
}
