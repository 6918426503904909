//! Coverage-guided fuzzing of lenient decoding: any JSON value decodes
//! into a sample of generated result types (a DNS record, lists of them,
//! a zone, a PCAP request, a ruleset, a load balancer pool, Observatory
//! tests and trends, a Worker's metadata), and writes back what was sent.
//! The properties are those of `../tests/support/decode.rs`, which the
//! normal test suite runs too.
//!
//! An input that is a JSON text (the seeds, and what libFuzzer makes of
//! them) is checked against every sample type. Any other input is bytes to
//! build a value from (`json.rs`): the first byte picks the sample type,
//! the rest makes a value, mostly a seed mutated a few times, and its text.
//! Set `DECODE_FUZZ_SHOW=1` to print the JSON text of each input run, to
//! keep a failing one as a regression (`../tests/fuzz_regressions/`).

#![no_main]

#[path = "../../tests/support/decode.rs"]
mod decode;
mod json;

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    if let Some((value, text)) = as_json(data) {
        show(&text);
        decode::check_all(&value, &text);
        return;
    }
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let sample = &decode::SAMPLES[usize::from(first) % decode::SAMPLES.len()];
    let mut u = Unstructured::new(rest);
    let Ok(value) = json::value(&mut u) else {
        return;
    };
    let Ok(text) = json::text(&mut u, &value) else {
        return;
    };
    show(&text);
    (sample.run)(&value, &text);
});

/// The input as a JSON value and its text. A text that repeats a key in an
/// object is checked as the value it parses to (the last of each key):
/// what a decoder does with a repeated key is unspecified (RFC 8259 §4),
/// and not among the properties.
fn as_json(data: &[u8]) -> Option<(Value, String)> {
    let text = std::str::from_utf8(data).ok()?;
    let value: Value = serde_json::from_str(text).ok()?;
    if json::entries_in_text(text) == Some(json::entries_in_value(&value)) {
        Some((value, text.to_owned()))
    } else {
        let text = value.to_string();
        Some((value, text))
    }
}

fn show(text: &str) {
    static SHOW: OnceLock<bool> = OnceLock::new();
    if *SHOW.get_or_init(|| std::env::var_os("DECODE_FUZZ_SHOW").is_some()) {
        eprintln!("{text}");
    }
}
