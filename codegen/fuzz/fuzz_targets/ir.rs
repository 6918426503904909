//! Coverage-guided fuzzing of the front half: bytes → `SourceFile` → parse
//! → lower → IR, with an optional overlay after a line `=== overlay ===`.
//!
//! Many times faster than the `generate` target (no emitting or
//! formatting), so it explores the parser and the merge rules deeper in the
//! same time. Whatever the input: no panic, no hang, and every diagnostic
//! points inside the file it names.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(sources) = common::sources(data) else {
        return;
    };
    match codegen::build_ir(&sources) {
        Ok((api, _warnings)) => assert!(api.areas.len() <= 1),
        Err(diagnostics) => common::check_diagnostics(&sources, &diagnostics),
    }
});
