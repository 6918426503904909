//! Inputs that once crashed a fuzz target (`codegen/fuzz`), kept so that
//! the normal suite fails if any of them ever crashes again. Each file in
//! `tests/fuzz_regressions/` is an input exactly as the fuzzer wrote it: a
//! document, then optionally `=== overlay ===` and an overlay. Whatever it
//! holds, generation must end with files or with diagnostics that point
//! inside the files they name: no panic, no stack overflow.

use std::path::Path;

use codegen::{EmitOptions, SourceFile};

const OVERLAY_MARK: &[u8] = b"\n=== overlay ===\n";

/// Splits a fuzz input into its document and overlay, as the targets do.
fn sources(data: &[u8]) -> Option<Vec<SourceFile>> {
    let (doc, overlay) = match data
        .windows(OVERLAY_MARK.len())
        .position(|w| w == OVERLAY_MARK)
    {
        Some(at) => (&data[..at], Some(&data[at + OVERLAY_MARK.len()..])),
        None => (data, None),
    };
    let mut sources = Vec::new();
    for (name, bytes) in [("fuzz.md", Some(doc)), ("fuzz.overlay.md", overlay)] {
        let Some(bytes) = bytes else { continue };
        sources.push(SourceFile::from_bytes(name, bytes).ok()?);
    }
    Some(sources)
}

#[test]
fn former_crashes_generate_or_fail_with_located_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let Some(sources) = sources(&data) else {
            continue;
        };
        if let Err(diagnostics) = codegen::generate(&sources, &EmitOptions::default()) {
            assert!(diagnostics.has_errors(), "{}", input.display());
            for d in &diagnostics.0 {
                let source = sources.iter().find(|s| s.path() == d.file);
                let source = source.unwrap_or_else(|| panic!("{}: {d}", input.display()));
                let lines = source.text().split('\n').count();
                assert!((1..=lines).contains(&d.line), "{}: {d}", input.display());
            }
        }
    }
}
