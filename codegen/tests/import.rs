//! The OpenAPI importer (`codegen::import`, `cargo xtask overlay`).
//!
//! Each case in `tests/import/<case>/` is a small description
//! (`openapi.json`), documents and maybe hand overlays (`spec/`), and what
//! the importer must draft (`expected/<area>.openapi.overlay.md`, none for
//! an area with nothing to add; `expected/summary.txt`, its counts).
//! `UPDATE_EXPECT=1` rewrites `expected/`. Every case's drafts must also
//! be accepted by the generator beside the documents and hand overlays, and
//! so must the drafts of the whole API.

use std::path::{Path, PathBuf};

use codegen::SourceFile;
use codegen::import::{AreaInput, Description, Drafts, ImportError, draft};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `*.md` files of a folder, sorted, as the generator would see them
/// (`spec/<name>`).
fn spec_sources(dir: &Path) -> Vec<SourceFile> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            SourceFile::new(format!("spec/{name}"), &read(p))
        })
        .collect()
}

/// The documents among `sources`, each with its area name and hand overlay.
type Area<'a> = (String, &'a SourceFile, Option<&'a SourceFile>);

fn areas(sources: &[SourceFile]) -> Vec<Area<'_>> {
    let name = |s: &SourceFile| s.path().trim_start_matches("spec/").to_owned();
    sources
        .iter()
        .filter(|s| codegen::overlay_target(s.path()).is_none())
        .map(|doc| {
            let stem = name(doc).trim_end_matches(".md").to_owned();
            let hand = sources
                .iter()
                .find(|s| name(s) == format!("{stem}{}", codegen::OVERLAY_SUFFIX));
            (stem, doc, hand)
        })
        .collect()
}

/// What the importer reads.
fn inputs<'a>(areas: &'a [Area<'a>]) -> Vec<AreaInput<'a>> {
    areas
        .iter()
        .map(|(area, doc, hand)| AreaInput {
            area,
            doc,
            hand: *hand,
        })
        .collect()
}

/// Compares `actual` with the golden file, or rewrites it under
/// `UPDATE_EXPECT`; `None` means the file must not exist.
fn check_golden(golden: &Path, actual: Option<&str>) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        match actual {
            Some(text) => {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(golden, text).unwrap();
            }
            None => {
                let _ = std::fs::remove_file(golden);
            }
        }
        return;
    }
    let expected = std::fs::read_to_string(golden).ok();
    if expected.as_deref() != actual {
        let diff = similar::TextDiff::from_lines(
            expected.as_deref().unwrap_or("(no file)\n"),
            actual.unwrap_or("(no file)\n"),
        );
        panic!(
            "{} is out of date (UPDATE_EXPECT=1 rewrites it):\n{}",
            golden.display(),
            diff.unified_diff().context_radius(2)
        );
    }
}

/// The drafts as the generator reads them, beside `sources`.
fn with_drafts(sources: &[SourceFile], drafts: &Drafts) -> Vec<SourceFile> {
    let mut all = sources.to_vec();
    for area in &drafts.areas {
        if let Some(text) = &area.text {
            let path = format!("spec/{}{}", area.area, codegen::DRAFTED_OVERLAY_SUFFIX);
            all.push(SourceFile::new(path, text));
        }
    }
    all
}

/// Asserts that the generator takes every document with its overlays.
fn assert_generates(sources: &[SourceFile], what: &str) {
    if let Err(diags) = codegen::build_ir(sources) {
        panic!("{what}: the generator refuses the drafts:\n{diags}");
    }
}

fn check_case(case: &Path) {
    let desc = Description::parse(&read(&case.join("openapi.json"))).unwrap();
    let sources = spec_sources(&case.join("spec"));
    let areas = areas(&sources);
    let drafts = draft(&desc, &inputs(&areas));
    // Byte for byte the same on a second run.
    assert_eq!(drafts, draft(&desc, &inputs(&areas)), "{}", case.display());
    let expected = case.join("expected");
    for area in &drafts.areas {
        let golden = expected.join(format!("{}{}", area.area, codegen::DRAFTED_OVERLAY_SUFFIX));
        check_golden(&golden, area.text.as_deref());
    }
    let mut totals = codegen::import::Counts::default();
    for area in &drafts.areas {
        totals += area.counts;
    }
    let notes: String = drafts
        .areas
        .iter()
        .flat_map(|area| &area.notes)
        .map(|note| format!("{note}\n"))
        .collect();
    let summary = format!(
        "{totals:#?}\nundescribed document endpoints: {}\noperations no document has:\n{}notes:\n{notes}",
        drafts.undescribed,
        drafts
            .unmatched
            .iter()
            .map(|op| format!("  {op}\n"))
            .collect::<String>()
    );
    check_golden(&expected.join("summary.txt"), Some(&summary));
    assert_generates(&with_drafts(&sources, &drafts), &case.display().to_string());
}

#[test]
fn import_cases() {
    let dir = manifest_dir().join("tests/import");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 7, "cases in {}", dir.display());
    for case in cases {
        check_case(&case);
    }
}

#[test]
fn what_is_not_a_description_says_so() {
    let cases = [
        (
            "{",
            "not JSON: EOF while parsing an object at line 1 column 1",
        ),
        (
            "[1]",
            "not an OpenAPI 3 description: the top level is not a JSON object",
        ),
        (
            r#"{"swagger": "2.0", "paths": {}}"#,
            "not an OpenAPI 3 description: this is Swagger 2.0; expected OpenAPI 3.x",
        ),
        (
            r#"{"openapi": "2.1", "paths": {}}"#,
            "not an OpenAPI 3 description: `openapi` is `2.1`; expected 3.x",
        ),
        (
            r#"{"openapi": "3.0.0"}"#,
            "not an OpenAPI 3 description: no `paths` object",
        ),
        (
            r#"{"info": {}}"#,
            "not an OpenAPI 3 description: no `openapi` version field",
        ),
    ];
    for (text, message) in cases {
        let err: ImportError = Description::parse(text).unwrap_err();
        assert_eq!(err.to_string(), message, "{text}");
    }
}

/// The whole API: the checked-in drafts are what the importer drafts from
/// Cloudflare's description today, and the generator takes every document
/// with its hand overlay and its draft.
#[test]
fn whole_api_drafts_are_current_and_generate() {
    let root = manifest_dir().join("..");
    let description = root.join("../shared/contract/cloudflare-openapi.json");
    let desc = Description::parse(&read(&description)).unwrap();
    let sources: Vec<SourceFile> = spec_sources(&root.join("spec"))
        .into_iter()
        .filter(|s| !s.path().ends_with(codegen::DRAFTED_OVERLAY_SUFFIX))
        .collect();
    let areas = areas(&sources);
    let drafts = draft(&desc, &inputs(&areas));
    let with = with_drafts(&sources, &drafts);
    assert!(
        with.len() > sources.len() + 200,
        "{} drafts",
        with.len() - sources.len()
    );
    assert_generates(&with, "the whole API");
    let mut stale = Vec::new();
    for area in &drafts.areas {
        let path =
            root.join("spec")
                .join(format!("{}{}", area.area, codegen::DRAFTED_OVERLAY_SUFFIX));
        if std::fs::read_to_string(&path).ok() != area.text {
            stale.push(area.area.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "stale drafts ({}); run `cargo xtask overlay --openapi ../shared/contract/cloudflare-openapi.json`",
        stale.join(", ")
    );
}
