//! Coverage-guided fuzzing of the whole pipeline: bytes → `SourceFile` →
//! parse → lower → emit → prettyplease.
//!
//! An input holds one document, optionally followed by an overlay after a
//! line `=== overlay ===`, so the merge rules are explored too. Whatever the
//! input, generation must return files or located diagnostics: never panic,
//! never loop, never emit code that does not parse (emitting parses its
//! tokens with syn before formatting, and reports a failure as an internal
//! error from `<generator>`), and every diagnostic points inside its file.

#![no_main]

mod common;

use codegen::EmitOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(sources) = common::sources(data) else {
        return;
    };
    match codegen::generate(&sources, &EmitOptions::default()) {
        Ok(generated) => assert!(!generated.files.is_empty()),
        Err(diagnostics) => common::check_diagnostics(&sources, &diagnostics),
    }
});
