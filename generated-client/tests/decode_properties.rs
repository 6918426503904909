//! Lenient decoding's properties (`support/decode.rs`) on every input the
//! decoding fuzzer starts from or ever failed on, and on random JSON.
//!
//! - `fuzz/seeds/`: realistic answers (DNS records and lists of them,
//!   zones, a PCAP, a ruleset, a pool, Observatory tests and trends, a
//!   Worker's metadata) and values at the edges (numbers, odd keys);
//! - `tests/fuzz_regressions/`: each input the fuzzer (`generated-client/fuzz`,
//!   see the README's *Fuzzing*) failed on, as the JSON it decoded;
//! - random values: any JSON with the sample types' keys, and seeds with
//!   values replaced, 300 cases in all (`PROPTEST_CASES` for more).
//!
//! Each value is decoded into every sample type, from text and from a
//! `serde_json::Value`, alone, in a list, and through the client's result
//! paths.

#[path = "support/decode.rs"]
mod decode;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use serde_json::{Map, Number, Value};

fn files(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}", dir.display());
    files
}

/// Checks every file of `folder` as its text, and as that text written by
/// serde_json (keys sorted, numbers as serde_json writes them).
fn check_files(folder: &str) {
    for path in files(folder) {
        let text = std::fs::read_to_string(&path).unwrap();
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        println!("{}", path.display());
        decode::check_all(&value, &text);
        decode::check_all(&value, &value.to_string());
    }
}

#[test]
fn the_fuzzers_seeds() {
    check_files("fuzz/seeds");
}

#[test]
fn every_input_the_fuzzer_failed_on() {
    check_files("tests/fuzz_regressions");
}

/// The seeds, and their records (a list's elements), to mutate.
fn seeds() -> &'static [Value] {
    static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds = Vec::new();
        for path in files("fuzz/seeds") {
            let value: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            if let Value::Array(elements) = &value {
                seeds.extend(elements.iter().cloned());
            }
            seeds.push(value);
        }
        seeds
    })
}

/// Keys of the sample types, and some that none declares.
const KEYS: &[&str] = &[
    "id",
    "name",
    "type",
    "content",
    "ttl",
    "proxied",
    "priority",
    "tags",
    "meta",
    "data",
    "settings",
    "comment",
    "status",
    "paused",
    "plan",
    "account",
    "owner",
    "name_servers",
    "development_mode",
    "tenant",
    "time_limit",
    "packet_limit",
    "filter_v1",
    "rules",
    "action",
    "action_parameters",
    "headers",
    "edge_ttl",
    "additional_cacheable_ports",
    "origins",
    "weight",
    "port",
    "latitude",
    "check_regions",
    "load_shedding",
    "tests",
    "region",
    "desktopReport",
    "cls",
    "performanceScore",
    "migrations",
    "steps",
    "new_tag",
    "renamed_classes",
    "tail_consumers",
    "service",
    "bindings",
    "",
    "~",
    "a/b",
    "extra",
];

const STRINGS: &[&str] = &[
    "A",
    "MX",
    "TXT",
    "CAA",
    "SRV",
    "OPENPGPKEY",
    "active",
    "archived",
    "simple",
    "block",
    "random",
    "DAILY",
    "smart",
    "",
    "é",
];

fn number() -> impl Strategy<Value = Value> {
    let edges = [
        Value::from(0),
        Value::from(1_i64 << 53),
        Value::from((1_i64 << 53) + 1),
        Value::from(i64::MIN),
        Value::from(i64::MAX),
        Value::from(u64::MAX),
        Value::from(3.0),
        Value::from(-0.0),
        Value::from(0.5),
        Value::from(1e300),
        Value::from(9.223372036854776e18),
    ];
    prop_oneof![
        proptest::sample::select(edges.to_vec()),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        proptest::sample::select(STRINGS).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        9 => proptest::sample::select(KEYS).prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    leaf().prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..7)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A seed with values replaced: each replacement walks down from the root,
/// one child per index, and puts a value where it stops.
fn mutated_seed() -> impl Strategy<Value = Value> {
    let replacement = (proptest::collection::vec(any::<Index>(), 0..6), json());
    (any::<Index>(), proptest::collection::vec(replacement, 1..4)).prop_map(|(seed, changes)| {
        let seeds = seeds();
        let mut value = seeds[seed.index(seeds.len())].clone();
        for (walk, new) in changes {
            let mut at = &mut value;
            for step in walk {
                let len = match &*at {
                    Value::Array(a) => a.len(),
                    Value::Object(m) => m.len(),
                    _ => 0,
                };
                if len == 0 {
                    break;
                }
                let i = step.index(len);
                at = match at {
                    Value::Array(a) => &mut a[i],
                    Value::Object(m) => m.values_mut().nth(i).unwrap(),
                    _ => unreachable!(),
                };
            }
            *at = new;
        }
        value
    })
}

/// `cases` cases (`PROPTEST_CASES` when set): together the two properties
/// take about a second and a half in a debug build.
fn config(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        // Keep nothing on disk; a failure prints its minimal input, to keep
        // in `tests/fuzz_regressions/`.
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn any_json(value in json()) {
        decode::check_all(&value, &value.to_string());
    }
}

proptest! {
    // Seeds are larger values: fewer of them in the same time.
    #![proptest_config(config(100))]

    #[test]
    fn seeds_with_values_replaced(value in mutated_seed()) {
        decode::check_all(&value, &value.to_string());
    }
}
