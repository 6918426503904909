//! What the fuzz targets share: how an input becomes sources, and what
//! every diagnostic must satisfy.

use codegen::{Diagnostics, SourceFile};

const OVERLAY_MARK: &[u8] = b"\n=== overlay ===\n";

/// One document, and an overlay when the input holds a line
/// `=== overlay ===`. `None` when the bytes are not UTF-8: that is reported
/// located, and there is nothing more to explore.
pub fn sources(data: &[u8]) -> Option<Vec<SourceFile>> {
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
        match SourceFile::from_bytes(name, bytes) {
            Ok(source) => sources.push(source),
            Err(diagnostic) => {
                assert!(!diagnostic.to_string().is_empty());
                return None;
            }
        }
    }
    Some(sources)
}

/// Every diagnostic names an input and a line inside it, and renders.
pub fn check_diagnostics(sources: &[SourceFile], diagnostics: &Diagnostics) {
    for d in &diagnostics.0 {
        assert_ne!(d.file, "<generator>", "{d}");
        let source = sources
            .iter()
            .find(|s| s.path() == d.file)
            .unwrap_or_else(|| panic!("a diagnostic names no input: {d}"));
        let lines = source.text().split('\n').count();
        assert!(d.line >= 1 && d.line <= lines, "line out of range: {d}");
        assert!(d.column >= 1, "column out of range: {d}");
    }
    let _ = diagnostics.to_string();
}
