//! `cargo xtask corpus`: generates a folder of docs (by default the whole
//! shared corpus) into a scratch copy of the client crate, one cargo feature
//! per area plus `all`, and proves it builds: clippy with `-D warnings` over
//! all features, and rustdoc with `-D warnings`.
//!
//! The scratch crate lives under `target/` and shares the workspace's target
//! folder, so dependencies are built once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::sync::{Mode, sync_dir};

/// Options of `cargo xtask corpus`.
#[derive(Debug)]
pub struct CorpusArgs {
    /// One or more folders of documents, generated together.
    pub specs: Vec<PathBuf>,
    pub out: PathBuf,
    /// Also time `cargo check` with one area and with all areas.
    pub timings: bool,
}

pub fn run(root: &Path, args: &CorpusArgs) -> Result<(), String> {
    let started = Instant::now();
    let mut sources = Vec::new();
    for spec in &args.specs {
        sources.extend(crate::read_sources(spec)?);
    }
    let generated = codegen::generate(&sources, &crate::emit_options())
        .map_err(|diags| format!("{diags}\n\nerror: the corpus does not generate"))?;
    let generate_time = started.elapsed();
    let features: Vec<&str> = generated
        .features
        .lines()
        .filter_map(|line| line.strip_suffix(" = []"))
        .collect();

    prepare_crate(root, &args.out, &generated.features)
        .map_err(|err| format!("error: preparing {}: {err}", args.out.display()))?;
    sync_dir(
        &args.out.join("src/generated"),
        &generated.files,
        Mode::Write,
    )
    .map_err(|err| format!("error: writing the scratch crate: {err}"))?;
    let lines: usize = generated.files.values().map(|t| t.lines().count()).sum();
    eprintln!(
        "corpus: {} areas, {} endpoints, {} types, {lines} generated lines ({:.1} per endpoint) in {:.0} ms -> {}",
        generated.stats.files,
        generated.stats.endpoints,
        generated.stats.types,
        lines as f64 / generated.stats.endpoints.max(1) as f64,
        generate_time.as_secs_f64() * 1e3,
        args.out.display()
    );

    let manifest = args.out.join("Cargo.toml");
    let target = root.join("target");
    let cargo = |what: &[&str]| {
        let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command
            .args(what)
            .arg("--manifest-path")
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", &target);
        // `cargo xtask` runs us with the variables cargo sets for a package;
        // passed on, some build scripts see a changed environment and the
        // shared dependencies rebuild every time.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_PKG_")
                || matches!(
                    key.as_ref(),
                    "CARGO_MANIFEST_DIR"
                        | "CARGO_MANIFEST_PATH"
                        | "CARGO_CRATE_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                        | "CARGO_BIN_NAME"
                        | "CARGO_RUSTC_CURRENT_DIR"
                )
            {
                command.env_remove(key.as_ref());
            }
        }
        command
    };
    if args.timings {
        // Warm the dependencies first so the figures are the crate's own;
        // then each check starts from nothing (no incremental cache), as a
        // user's first build does.
        run_step(
            "build dependencies",
            cargo(&["check", "--quiet", "--no-default-features"]),
        )?;
        let one = features.first().copied().unwrap_or_default();
        for (label, features) in [
            (format!("one area ({one})"), one.to_owned()),
            (format!("all {} areas", features.len()), "all".to_owned()),
        ] {
            run_step(
                "clean the crate",
                cargo(&["clean", "--quiet", "--package", "generated-client"]),
            )?;
            let mut check = cargo(&["check", "--quiet", "--features", &features]);
            check.env("CARGO_INCREMENTAL", "0");
            let t = Instant::now();
            run_step(&format!("check {label}"), check)?;
            eprintln!(
                "timings: cargo check, {label}: {:.1} s",
                t.elapsed().as_secs_f64()
            );
        }
    }
    let mut clippy = cargo(&["clippy", "--quiet", "--all-features"]);
    clippy.args(["--", "-D", "warnings"]);
    run_step("clippy --all-features -D warnings", clippy)?;
    let mut doc = cargo(&["doc", "--quiet", "--no-deps", "--all-features"]);
    doc.env("RUSTDOCFLAGS", "-Dwarnings");
    run_step("doc --all-features -D warnings", doc)?;
    eprintln!(
        "corpus: the scratch crate builds, lints and documents cleanly ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run_step(what: &str, mut command: Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|err| format!("error: {what}: cannot run cargo: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("error: {what} failed ({status})"))
    }
}

/// Copies the hand-written part of `generated-client` (its manifest and
/// `src/` without `generated/`) and the lock file into `out`, with the
/// corpus's areas as its features and none of them on by default. The
/// manifest is self-contained (no workspace inheritance) precisely so that
/// it can be copied like this.
fn prepare_crate(root: &Path, out: &Path, features: &str) -> std::io::Result<()> {
    let client = root.join("generated-client");
    std::fs::create_dir_all(out)?;
    let src = out.join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src)?;
    }
    copy_tree(&client.join("src"), &src, &|p| {
        p.file_name().is_some_and(|n| n == "generated")
    })?;

    let manifest = library_manifest(&std::fs::read_to_string(client.join("Cargo.toml"))?);
    let manifest = codegen::manifest::splice_features(&manifest, features).ok_or_else(|| {
        std::io::Error::other("generated-client/Cargo.toml has no generated feature list")
    })?;
    // The client's default areas may not be in this corpus.
    let manifest: String = manifest
        .lines()
        .filter(|line| !line.starts_with("default = "))
        .map(|line| format!("{line}\n"))
        .collect();
    // Its own workspace: the scratch crate is not a member of ours.
    std::fs::write(out.join("Cargo.toml"), format!("{manifest}\n[workspace]\n"))?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"))?;
    Ok(())
}

/// The parts of a manifest that build the library: tests, examples and
/// benches (and their dev-dependencies) stay behind with the sources that
/// use them.
fn library_manifest(manifest: &str) -> String {
    let mut keep = true;
    let mut out = String::new();
    for line in manifest.lines() {
        let header = line.trim();
        if header.starts_with('[') {
            keep = matches!(header, "[package]" | "[dependencies]" | "[features]")
                || header.starts_with("[lints");
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn copy_tree(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        if skip(&path) {
            continue;
        }
        let dest = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_tree(&path, &dest, skip)?;
        } else {
            std::fs::copy(&path, &dest)?;
        }
    }
    Ok(())
}
