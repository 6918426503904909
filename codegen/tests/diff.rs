//! API change reports: each case in `tests/diff/<case>/` is two folders of
//! docs, `old/` and `new/`, and `expected.md`, the Markdown report from old
//! to new (`expected.txt` and `expected.json`, when present, pin the other
//! renderings). `UPDATE_EXPECT=1` rewrites them.
//!
//! Every case also checks that `API.md` reads back into the surface it was
//! rendered from, so `cargo xtask check` (which compares listings) and
//! `cargo xtask diff` (which compares docs) always agree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use codegen::SourceFile;
use codegen::surface::{ChangeKind, ItemKind, Report, Surface};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

/// Compares `actual` with `path`, or writes it under `UPDATE_EXPECT`.
fn check_file(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_EXPECT=1 creates it)", path.display()));
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual);
        panic!(
            "{} is out of date (UPDATE_EXPECT=1 rewrites it):\n{}",
            path.display(),
            diff.unified_diff().context_radius(2)
        );
    }
}

/// The surface of the docs in `dir`, after checking that its listing reads
/// back into it.
fn surface(dir: &Path, shown: &str) -> Surface {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let sources: Vec<SourceFile> = paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            SourceFile::new(
                format!("{shown}/{name}"),
                &std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    let (api, _) = codegen::build_ir(&sources).unwrap_or_else(|d| panic!("{shown}:\n{d}"));
    let surface = Surface::of(&api);
    let listing = SourceFile::new("API.md", &surface.render());
    let read = Surface::parse(&listing).unwrap_or_else(|d| panic!("{shown}: API.md:\n{d}"));
    assert_eq!(read, surface, "{shown}: API.md does not read back");
    surface
}

fn check(case: &str) -> Report {
    let dir = cases_dir().join(case);
    let old = surface(&dir.join("old"), &format!("{case}/old"));
    let new = surface(&dir.join("new"), &format!("{case}/new"));
    let report = codegen::surface::diff(&old, &new);
    check_file(&dir.join("expected.md"), &report.to_markdown());
    for (file, text) in [
        ("expected.txt", report.to_text(usize::MAX)),
        ("expected.json", report.to_json()),
    ] {
        if dir.join(file).exists() {
            check_file(&dir.join(file), &text);
        }
    }
    // Nothing changes between a version and itself.
    assert_eq!(codegen::surface::diff(&new, &new), Report::default());
    report
}

#[test]
fn areas_added_removed_and_renamed() {
    let report = check("areas");
    assert!(report.is_breaking());
}

#[test]
fn methods_added_removed_moved_and_retyped() {
    assert!(check("methods").is_breaking());
}

#[test]
fn fields_added_removed_and_retyped() {
    assert!(check("fields").is_breaking());
}

#[test]
fn an_overlay_change() {
    assert!(check("overlay").is_breaking());
}

#[test]
fn an_all_additive_change() {
    let report = check("additive");
    assert!(!report.is_breaking(), "{}", report.to_text(usize::MAX));
    assert!(!report.changes.is_empty());
}

#[test]
fn reordered_sections_and_reworded_prose_change_nothing() {
    assert_eq!(check("reordered"), Report::default());
}

#[test]
fn a_retitled_endpoint_renames_its_method_and_types() {
    let report = check("retitled");
    let renamed: Vec<(&str, Option<&str>)> = report
        .changes
        .iter()
        .map(|c| {
            assert_eq!(c.kind, ChangeKind::Renamed, "{}", c.describe());
            assert!(c.breaking);
            (c.path.as_str(), c.old.as_deref())
        })
        .collect();
    assert_eq!(
        renamed,
        [
            ("things::FetchThingResponse", Some("GetThingResponse")),
            (
                "things::FetchThingResponseOwner",
                Some("GetThingResponseOwner")
            ),
            ("things::Things::fetch_thing", Some("get_thing")),
        ]
    );
}

/// The cases together show every kind of change, each classified as the
/// rules say.
#[test]
fn the_cases_cover_every_kind_of_change() {
    let mut seen = BTreeSet::new();
    for case in [
        "areas", "methods", "fields", "overlay", "additive", "retitled",
    ] {
        for change in check(case).changes {
            seen.insert((change.item, change.kind, change.reason, change.breaking));
        }
    }
    use ChangeKind::*;
    use ItemKind::*;
    let expected = [
        (Area, Added, "", false),
        (Area, Removed, "", true),
        (Area, Renamed, "", true),
        (Method, Added, "", false),
        (Method, Removed, "", true),
        (Method, Renamed, "", true),
        (Method, Changed, "endpoint changed", true),
        (Method, Changed, "path parameters renamed", false),
        (Method, Changed, "result typed", true),
        (Method, Changed, "result untyped", true),
        (Method, Changed, "result changed", true),
        (Method, Changed, "arguments changed", true),
        (Type, Added, "struct", false),
        (Type, Removed, "struct", true),
        (Type, Renamed, "", true),
        (Type, Changed, "constructor changed", true),
        (Field, Added, "", false),
        (Field, Removed, "", true),
        (Field, Changed, "retyped", true),
        (Field, Changed, "made required", true),
        (Field, Changed, "made optional", true),
        (Value, Added, "", false),
        (Value, Removed, "", true),
        (Variant, Added, "", false),
        (Variant, Removed, "", true),
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|(item, kind, reason, breaking)| {
            !seen.contains(&(*item, *kind, (*reason).to_owned(), *breaking))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "no case shows {missing:?}; seen: {seen:#?}"
    );
}

/// The corpus documents that lower on their own (one may be rejected while
/// the generator catches up with the corpus; `tests/corpus.rs` says so).
fn corpus_surface() -> Surface {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/docs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    let sources: Vec<SourceFile> = paths
        .iter()
        .map(|p| {
            let name = format!("corpus/{}", p.file_name().unwrap().to_string_lossy());
            SourceFile::from_bytes(name, &std::fs::read(p).unwrap()).unwrap()
        })
        .filter(|s| codegen::build_ir(std::slice::from_ref(s)).is_ok())
        .collect();
    assert!(
        sources.len() >= 400,
        "only {} documents lower",
        sources.len()
    );
    Surface::of(&codegen::build_ir(&sources).unwrap().0)
}

/// The paths a listing names: the first word of each line.
fn listed_paths(surface: &Surface) -> BTreeSet<String> {
    let listing = surface.render();
    listing
        .lines()
        .skip_while(|line| *line != "```text")
        .skip(1)
        .take_while(|line| *line != "```")
        .map(|line| line.split(' ').next().unwrap().to_owned())
        .collect()
}

#[test]
fn the_corpus_listing_reads_back() {
    let surface = corpus_surface();
    let listing = SourceFile::new("API.md", &surface.render());
    assert_eq!(Surface::parse(&listing).unwrap(), surface);
}

/// Every area of the corpus compared with the next one's contents: the
/// pairing and the rules run on unrelated APIs, and every change names an
/// item of the side it belongs to.
#[test]
fn unrelated_apis_compare_consistently() {
    let old = corpus_surface();
    let mut new = old.clone();
    let contents: Vec<_> = old.areas.values().cloned().collect();
    for (area, next) in new.areas.values_mut().zip(contents.iter().cycle().skip(1)) {
        area.methods = next.methods.clone();
        area.types = next.types.clone();
    }
    let report = codegen::surface::diff(&old, &new);
    assert!(report.is_breaking());
    let (old_paths, new_paths) = (listed_paths(&old), listed_paths(&new));
    for change in &report.changes {
        let side = match change.kind {
            ChangeKind::Removed => &old_paths,
            _ => &new_paths,
        };
        assert!(side.contains(&change.path), "{}", change.describe());
    }
    // And back again: every removal is now an addition.
    let back = codegen::surface::diff(&new, &old);
    let count = |report: &Report, kind| report.changes.iter().filter(|c| c.kind == kind).count();
    assert_eq!(
        count(&report, ChangeKind::Removed),
        count(&back, ChangeKind::Added)
    );
    assert_eq!(
        count(&report, ChangeKind::Added),
        count(&back, ChangeKind::Removed)
    );
}
