//! Overlays: each case in `tests/overlay/<case>/` is a document `api.md`, its
//! overlay `api.overlay.md` (and maybe a drafted `api.openapi.overlay.md`),
//! and `expected`: the generated module when the merge succeeds, the exact
//! diagnostics when it must fail.
//! `UPDATE_EXPECT=1` rewrites `expected`.

use std::path::Path;

use codegen::{EmitOptions, SourceFile};

fn check(case: &Path) {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let read = |file: &str| {
        let path = case.join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        SourceFile::new(format!("{name}/{file}"), &text)
    };
    let mut sources = vec![read("api.md"), read("api.overlay.md")];
    // A drafted overlay (`cargo xtask overlay`) beside the hand-written one.
    if case.join("api.openapi.overlay.md").is_file() {
        sources.push(read("api.openapi.overlay.md"));
    }
    let actual = match codegen::generate(&sources, &EmitOptions::default()) {
        Ok(generated) => {
            let warnings: String = generated
                .warnings
                .iter()
                .map(|w| format!("{w}\n"))
                .collect();
            let module = generated
                .files
                .iter()
                .find(|(f, _)| *f != "mod.rs")
                .map(|(_, t)| t.clone())
                .unwrap();
            format!("{warnings}{module}")
        }
        Err(diags) => format!("{diags}\n"),
    };
    let expected_path = case.join("expected");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (UPDATE_EXPECT=1 creates it)",
            expected_path.display()
        )
    });
    assert_eq!(
        expected, actual,
        "case {name} (UPDATE_EXPECT=1 rewrites it)"
    );
}

#[test]
fn overlay_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/overlay");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "only {} overlay cases", cases.len());
    for case in cases {
        check(&case);
    }
}

#[test]
fn an_overlay_without_its_document_is_an_error() {
    let orphan = SourceFile::new("spec/gone.overlay.md", "# Gone\n");
    let doc = SourceFile::new("spec/here.md", "# Here\n");
    let err = codegen::generate(&[doc, orphan], &EmitOptions::default()).unwrap_err();
    let errors: Vec<String> = err
        .0
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors.join("\n"),
        "spec/gone.overlay.md:1:1: error: this overlay has no document to add to: `spec/gone.md` is missing\n  |\n1 | # Gone\n  | ^"
    );
}

/// The multipart grammar on broken input: the valid case's overlay cut at
/// every character, and each of its lines doubled, must give files or
/// located diagnostics, never a panic.
#[test]
fn broken_multipart_overlays_are_reported_not_panicked_on() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/overlay/multipart_ok");
    let doc = std::fs::read_to_string(dir.join("api.md")).unwrap();
    let overlay = std::fs::read_to_string(dir.join("api.overlay.md")).unwrap();
    let lines: Vec<&str> = overlay.lines().collect();
    let mut variants: Vec<String> = overlay
        .char_indices()
        .map(|(at, _)| overlay[..at].to_owned())
        .collect();
    for i in 0..lines.len() {
        let mut doubled = lines.clone();
        doubled.insert(i, lines[i]);
        variants.push(doubled.join("\n"));
    }
    for text in variants {
        let sources = [
            SourceFile::new("api.md", &doc),
            SourceFile::new("api.overlay.md", &text),
        ];
        if let Err(diags) = codegen::generate(&sources, &EmitOptions::default()) {
            for d in &diags.0 {
                assert!(d.line >= 1 && d.column >= 1, "{d}");
            }
        }
    }
}
