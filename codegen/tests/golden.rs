//! Golden files: the IR of the spec and the code emitted for the spec, a few
//! corpus documents and the hand-written fixtures. `UPDATE_EXPECT=1` rewrites
//! them; review the diff like any other change.

use std::path::{Path, PathBuf};

use codegen::{EmitOptions, SourceFile};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with the golden file, or rewrites it under `UPDATE_EXPECT`.
fn check(golden: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(golden, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(golden).unwrap_or_else(|err| {
        panic!(
            "{}: {err} (run with UPDATE_EXPECT=1 to create it)",
            golden.display()
        )
    });
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
        panic!(
            "{} is out of date (UPDATE_EXPECT=1 rewrites it):\n{}",
            golden.display(),
            diff.unified_diff().context_radius(2)
        );
    }
}

fn source(path: PathBuf, shown: &str) -> SourceFile {
    SourceFile::new(
        shown,
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
}

/// Emits one document and checks the area module against `golden/<name>.rs`.
fn check_emitted(source: SourceFile, name: &str) {
    let generated =
        codegen::generate(&[source], &EmitOptions::default()).unwrap_or_else(|d| panic!("{d}"));
    let (file, text) = generated
        .files
        .iter()
        .find(|(file, _)| *file != "mod.rs")
        .expect("an area module");
    let golden = manifest_dir()
        .join("tests/golden")
        .join(format!("{name}.rs"));
    check(&golden, &format!("// file: {file}\n{text}"));
}

#[test]
fn spec_ir() {
    let spec = source(
        manifest_dir().join("../spec/magic-pcap-collection.md"),
        "spec/magic-pcap-collection.md",
    );
    let (api, warnings) = codegen::build_ir(&[spec]).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    check(
        &manifest_dir().join("tests/golden/magic-pcap-collection.ir"),
        &format!("{api:#?}\n"),
    );
}

#[test]
fn spec_code() {
    let spec = source(
        manifest_dir().join("../spec/magic-pcap-collection.md"),
        "spec/magic-pcap-collection.md",
    );
    check_emitted(spec, "magic-pcap-collection");
}

#[test]
fn corpus_code() {
    // Chosen for what they exercise: descriptions with headings and fences
    // (zone), empty bodies (account_rulesets), websocket 101 responses
    // (workers_ai_text_to_speech), several 2xx (url_scanner_deprecated), a
    // parameter used twice (ip_address_management_address_maps), `default`
    // as the only response (brand_protection).
    let corpus = manifest_dir().join("../../shared/corpus/docs");
    for name in [
        "zone",
        "account_rulesets",
        "workers_ai_text_to_speech",
        "url_scanner_deprecated",
        "ip_address_management_address_maps",
        "brand_protection",
    ] {
        let path = corpus.join(format!("{name}.md"));
        check_emitted(source(path, &format!("corpus/{name}.md")), name);
    }
}

#[test]
fn fixture_code() {
    let dir = manifest_dir().join("tests/fixtures");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let shown = format!("tests/fixtures/{stem}.md");
        let golden = dir.join(format!("{stem}.rs"));
        let generated = codegen::generate(&[source(path, &shown)], &EmitOptions::default())
            .unwrap_or_else(|d| panic!("{d}"));
        let text = generated
            .files
            .iter()
            .find(|(f, _)| *f != "mod.rs")
            .map(|(_, t)| t.clone())
            .unwrap();
        check(&golden, &text);
    }
}

/// The `cloudflare` command's table of a few areas with overlays, chosen
/// for what they exercise: a tagged union body, a typed query with enums,
/// a list, a download and a multipart upload (DNS records), a one-of body
/// (PCAP), NDJSON lines and a bytes body (Vectorize).
#[test]
fn cli_tables() {
    let spec = manifest_dir().join("../spec");
    let mut sources = Vec::new();
    for name in [
        "dns-records-for-a-zone",
        "magic-pcap-collection",
        "vectorize",
    ] {
        for suffix in [".md", ".overlay.md", ".openapi.overlay.md"] {
            let path = spec.join(format!("{name}{suffix}"));
            if path.is_file() {
                sources.push(source(path, &format!("spec/{name}{suffix}")));
            }
        }
    }
    let generated = codegen::generate(&sources, &EmitOptions::default()).unwrap();
    let names: Vec<&str> = generated.cli.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "areas.rs",
            "dns-records-for-a-zone.json",
            "magic-pcap-collection.json",
            "vectorize.json"
        ]
    );
    for (file, text) in &generated.cli {
        if file.ends_with(".json") {
            let _: serde_json::Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
        check(&manifest_dir().join("tests/golden/cli").join(file), text);
    }
}

#[test]
fn generation_is_deterministic() {
    let corpus = manifest_dir().join("../../shared/corpus/docs");
    let sources: Vec<SourceFile> = ["zone", "d1", "radar_bgp", "devices"]
        .iter()
        .map(|n| source(corpus.join(format!("{n}.md")), &format!("corpus/{n}.md")))
        .collect();
    let first = codegen::generate(&sources, &EmitOptions::default()).unwrap();
    for _ in 0..3 {
        let again = codegen::generate(&sources, &EmitOptions::default()).unwrap();
        assert_eq!(first.files, again.files);
        assert_eq!(first.cli, again.cli);
        assert_eq!(first.warnings, again.warnings);
    }
}

/// Every name the corpus gets: each area's module and handle, each method
/// with the title it comes from, each type. A change to a naming rule shows
/// here as the names it changes, across the whole API.
#[test]
fn corpus_names() {
    let corpus = manifest_dir().join("../../shared/corpus/docs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    let sources: Vec<SourceFile> = paths
        .into_iter()
        .map(|p| {
            let shown = format!("corpus/{}", p.file_name().unwrap().to_string_lossy());
            source(p, &shown)
        })
        .collect();
    let (api, _) = codegen::build_ir(&sources).unwrap_or_else(|d| panic!("{d}"));
    let mut out = String::new();
    for area in &api.areas {
        out.push_str(&format!(
            "{} {} ({})\n",
            area.module, area.handle, area.title
        ));
        for endpoint in &area.endpoints {
            out.push_str(&format!("  {} <- {}\n", endpoint.rust_name, endpoint.title));
        }
        for def in &area.types {
            out.push_str(&format!("  {}\n", def.name()));
        }
    }
    check(&manifest_dir().join("tests/golden/corpus-names.txt"), &out);
}
