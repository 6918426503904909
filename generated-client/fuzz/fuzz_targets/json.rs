//! JSON values built from the fuzzer's bytes, so that nearly every input is
//! valid JSON: either any value (every kind, nested, with the keys and
//! strings the sample types use), or a realistic record from `seeds/`
//! mutated a few times (a value replaced, a key removed or added, a value
//! wrapped in an array, a DNS record's `type` changed). And the value's
//! text, with the keys of each object in an order the bytes choose, so
//! that a tagged union meets its tag anywhere.
//!
//! An input's value depends on the seeds: an input that fails is kept as
//! the JSON it made (`DECODE_FUZZ_SHOW=1` prints it), not as its bytes.

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::{Map, Number, Value};

/// Deep enough for every nesting the sample types have (a ruleset's rule's
/// action parameters' cache key's custom key's cookie).
const MAX_DEPTH: usize = 10;

/// What the seeds give: records to mutate, and the keys and strings they
/// hold (the sample types' wire names and enum values).
struct Known {
    records: Vec<Value>,
    keys: Vec<String>,
    strings: Vec<String>,
}

/// Keys and strings worth trying that no seed has.
const MORE_KEYS: &[&str] = &["type", "", "~", "/", "a/b~c", "extra", "result"];
const MORE_STRINGS: &[&str] = &[
    "A",
    "AAAA",
    "CAA",
    "CERT",
    "CNAME",
    "DNSKEY",
    "DS",
    "HTTPS",
    "LOC",
    "MX",
    "NAPTR",
    "NS",
    "PTR",
    "SMIMEA",
    "SRV",
    "SSHFP",
    "SVCB",
    "TLSA",
    "TXT",
    "URI",
    "OPENPGPKEY",
    "a",
    "",
    "\u{0}",
    "é",
    "\u{1F600}",
    "null",
    "3",
];

fn known() -> &'static Known {
    static KNOWN: OnceLock<Known> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("the seeds folder")
            .map(|entry| entry.expect("a seed").path())
            .collect();
        paths.sort();
        let mut known = Known {
            records: Vec::new(),
            keys: MORE_KEYS.iter().map(|k| k.to_string()).collect(),
            strings: MORE_STRINGS.iter().map(|s| s.to_string()).collect(),
        };
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("a seed");
            let value: Value = serde_json::from_str(&text).expect("a seed is JSON");
            harvest(&value, &mut known);
            // A list's elements are records too.
            if let Value::Array(elements) = &value {
                known.records.extend(elements.iter().cloned());
            }
            known.records.push(value);
        }
        known.keys.sort();
        known.keys.dedup();
        known.strings.sort();
        known.strings.dedup();
        known
    })
}

fn harvest(value: &Value, known: &mut Known) {
    match value {
        Value::String(s) if s.len() <= 40 => known.strings.push(s.clone()),
        Value::Array(elements) => elements.iter().for_each(|e| harvest(e, known)),
        Value::Object(map) => {
            for (key, value) in map {
                known.keys.push(key.clone());
                harvest(value, known);
            }
        }
        _ => {}
    }
}

/// A value from the bytes: any value, or a mutated seed.
pub fn value(u: &mut Unstructured<'_>) -> Result<Value> {
    if u.ratio(1, 3)? {
        return any(u, 0);
    }
    let mut value = u.choose(&known().records)?.clone();
    for _ in 0..u.int_in_range(1..=4)? {
        mutate(u, &mut value, 0)?;
    }
    Ok(value)
}

/// Changes one place in `value`, found by walking down from it.
fn mutate(u: &mut Unstructured<'_>, value: &mut Value, depth: usize) -> Result<()> {
    let children = match value {
        Value::Object(map) => map.len(),
        Value::Array(elements) => elements.len(),
        _ => 0,
    };
    if children > 0 && depth < MAX_DEPTH && u.ratio(2, 3)? {
        let index = u.choose_index(children)?;
        let child = match value {
            Value::Object(map) => map.values_mut().nth(index),
            Value::Array(elements) => elements.get_mut(index),
            _ => None,
        };
        if let Some(child) = child {
            return mutate(u, child, depth + 1);
        }
    }
    match u.int_in_range(0..=6)? {
        0 => *value = any(u, depth)?,
        1 => *value = scalar(u)?,
        2 => match value {
            Value::Object(map) if !map.is_empty() => {
                let key = map.keys().nth(u.choose_index(map.len())?).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
            Value::Array(elements) if !elements.is_empty() => {
                elements.remove(u.choose_index(elements.len())?);
            }
            _ => *value = Value::Null,
        },
        3 => match value {
            Value::Object(map) => {
                let key = key(u)?;
                map.insert(key, any(u, depth + 1)?);
            }
            Value::Array(elements) => elements.push(any(u, depth + 1)?),
            _ => *value = any(u, depth)?,
        },
        4 => *value = Value::Array(vec![value.take()]),
        5 => *value = number(u)?,
        _ => match value {
            Value::Object(map) => {
                let kind = u.choose(&MORE_STRINGS[..21])?;
                map.insert("type".to_owned(), Value::from(*kind));
            }
            _ => *value = string(u)?,
        },
    }
    Ok(())
}

/// Any JSON value, nested at most down to `MAX_DEPTH`.
fn any(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    let last = if depth >= MAX_DEPTH { 3 } else { 5 };
    Ok(match u.int_in_range(0..=last)? {
        0..=3 => scalar(u)?,
        4 => {
            let len = u.int_in_range(0..=4)?;
            let mut elements = Vec::with_capacity(len);
            for _ in 0..len {
                elements.push(any(u, depth + 1)?);
            }
            Value::Array(elements)
        }
        _ => {
            let len = u.int_in_range(0..=6)?;
            let mut map = Map::new();
            for _ in 0..len {
                map.insert(key(u)?, any(u, depth + 1)?);
            }
            Value::Object(map)
        }
    })
}

fn scalar(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=3)? {
        0 => Value::Null,
        1 => Value::Bool(bool::arbitrary(u)?),
        2 => number(u)?,
        _ => string(u)?,
    })
}

/// Numbers at the edges of what `i64`, `u64` and `f64` hold exactly, and
/// any others.
fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    const EXACT: i64 = 1 << 53;
    Ok(match u.int_in_range(0..=5)? {
        0 => Value::from(*u.choose(&[
            0,
            1,
            -1,
            300,
            3600,
            EXACT,
            EXACT + 1,
            -EXACT - 1,
            i64::MAX,
            i64::MIN,
        ])?),
        1 => Value::from(*u.choose(&[u64::MAX, 1 << 63, (1 << 63) + 1])?),
        2 => {
            let float = *u.choose(&[
                0.5,
                -0.0,
                3.0,
                0.1,
                1e300,
                -1e-300,
                9.223372036854776e18,
                1.8446744073709552e19,
                9007199254740992.0,
                -9.223372036854776e18,
            ])?;
            Number::from_f64(float).map_or(Value::Null, Value::Number)
        }
        3 => Value::from(i64::arbitrary(u)?),
        4 => Value::from(u64::arbitrary(u)?),
        _ => Number::from_f64(f64::arbitrary(u)?).map_or(Value::Null, Value::Number),
    })
}

fn string(u: &mut Unstructured<'_>) -> Result<Value> {
    if u.ratio(3, 4)? {
        return Ok(Value::from(u.choose(&known().strings)?.as_str()));
    }
    Ok(Value::from(<&str>::arbitrary(u)?))
}

fn key(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(7, 8)? {
        return Ok(u.choose(&known().keys)?.clone());
    }
    Ok(<&str>::arbitrary(u)?.to_owned())
}

/// The value's text, each object's keys starting at a place the bytes
/// choose (serde_json's own order is sorted).
pub fn text(u: &mut Unstructured<'_>, value: &Value) -> Result<String> {
    let mut out = String::new();
    write(u, value, &mut out)?;
    Ok(out)
}

fn write(u: &mut Unstructured<'_>, value: &Value, out: &mut String) -> Result<()> {
    match value {
        Value::Object(map) => {
            let entries: Vec<_> = map.iter().collect();
            let start = if entries.len() > 1 {
                u.choose_index(entries.len())?
            } else {
                0
            };
            out.push('{');
            let rotated = entries[start..].iter().chain(&entries[..start]);
            for (i, (key, value)) in rotated.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write(u, value, out)?;
            }
            out.push('}');
        }
        Value::Array(elements) => {
            out.push('[');
            for (i, element) in elements.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(u, element, out)?;
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
    Ok(())
}

/// How many object entries `text` has, duplicates included: when more
/// than its parsed `Value` has, some object repeats a key.
pub fn entries_in_text(text: &str) -> Option<usize> {
    use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    struct Count(usize);

    impl<'de> Deserialize<'de> for Count {
        fn deserialize<D: Deserializer<'de>>(
            deserializer: D,
        ) -> std::result::Result<Self, D::Error> {
            deserializer.deserialize_any(CountVisitor)
        }
    }

    struct CountVisitor;

    impl<'de> Visitor<'de> for CountVisitor {
        type Value = Count;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> std::result::Result<Count, E> {
            Ok(Count(0))
        }
        fn visit_i64<E>(self, _: i64) -> std::result::Result<Count, E> {
            Ok(Count(0))
        }
        fn visit_u64<E>(self, _: u64) -> std::result::Result<Count, E> {
            Ok(Count(0))
        }
        fn visit_f64<E>(self, _: f64) -> std::result::Result<Count, E> {
            Ok(Count(0))
        }
        fn visit_str<E>(self, _: &str) -> std::result::Result<Count, E> {
            Ok(Count(0))
        }
        fn visit_unit<E>(self) -> std::result::Result<Count, E> {
            Ok(Count(0))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Count, A::Error> {
            let mut n = 0;
            while let Some(Count(inner)) = seq.next_element()? {
                n += inner;
            }
            Ok(Count(n))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Count, A::Error> {
            let mut n = 0;
            while map.next_key::<IgnoredAny>()?.is_some() {
                let Count(inner) = map.next_value()?;
                n += 1 + inner;
            }
            Ok(Count(n))
        }
    }

    serde_json::from_str::<Count>(text).ok().map(|Count(n)| n)
}

/// How many object entries a parsed value has.
pub fn entries_in_value(value: &Value) -> usize {
    match value {
        Value::Array(elements) => elements.iter().map(entries_in_value).sum(),
        Value::Object(map) => map.len() + map.values().map(entries_in_value).sum::<usize>(),
        _ => 0,
    }
}
