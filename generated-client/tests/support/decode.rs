//! What lenient decoding promises, checked on one JSON value for a sample of
//! generated result types: shared by the decoding fuzzer
//! (`generated-client/fuzz`, which includes this file with `#[path]`) and
//! by `tests/decode_properties.rs`, which runs the fuzzer's seeds, every
//! input it ever failed on, and random values.
//!
//! For each sample type `T` and any JSON value:
//!
//! - decoding never fails: `T` from text and from a `serde_json::Value`,
//!   `Vec<T>` when the value is an array, and the client's own result paths
//!   (`Json<Option<T>>`, `List<T>`, through `testing::decode_result`);
//! - text and `Value` decode to equal values, with the same mismatches;
//! - serializing the decoded value gives back what was sent ([`same_json`]
//!   says which differences are allowed);
//! - every mismatch's `pointer()` resolves in the value sent, to a value of
//!   the kind it says was found, or names a key missing from an object;
//! - a result's account ([`ResponseMeta::mismatches`]) is what its parts
//!   keep, each with its place in front (a list's index);
//! - decoding what was written back gives it back again, with the same
//!   mismatches: normalizing happens once.
//!
//! It knows nothing of how the value was made; a failure panics with a
//! message that names the sample and the property.

#![allow(dead_code)] // The fuzzer and the test use different entry points.

use std::fmt::Debug;

use generated_client::account_load_balancer_pools::AccountLoadBalancerPool as Pool;
use generated_client::account_rulesets::AccountRuleset;
use generated_client::dns_records_for_a_zone::DnsRecord;
use generated_client::magic_pcap_collection::PcapRequest;
use generated_client::observatory::{CoreWebVitalMetricsTrend, TestedWebpage};
use generated_client::runtime::{Found, Json, List, Mismatch, Object};
use generated_client::testing::decode_result;
use generated_client::worker_script::WorkerMetadata;
use generated_client::zone::Zone;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

/// A mismatch as compared here: its pointer, what was found, what was
/// expected.
pub type Seen = (String, Found, String);

fn seen(mismatch: &Mismatch) -> Seen {
    (
        mismatch.pointer(),
        mismatch.found(),
        mismatch.expected().to_owned(),
    )
}

fn seen_all(mismatches: &[Mismatch]) -> Vec<Seen> {
    mismatches.iter().map(seen).collect()
}

fn sorted(mut list: Vec<Seen>) -> Vec<Seen> {
    list.sort_by_cached_key(|(pointer, found, expected)| {
        (pointer.clone(), format!("{found:?}"), expected.clone())
    });
    list
}

/// A generated result type under test.
pub trait Sample: DeserializeOwned + Serialize + PartialEq + Debug + Send + 'static {
    /// What did not fit in this value, as its parts keep it; what a
    /// result's account must list for it. `sent` is the value it was
    /// decoded from.
    fn kept(&self, sent: &Value) -> Vec<Seen>;

    /// Checks of this type alone.
    fn check_own(&self, _sent: &Value) {}
}

macro_rules! structs {
    ($($ty:ty),* $(,)?) => {
        $(impl Sample for $ty {
            fn kept(&self, _: &Value) -> Vec<Seen> {
                seen_all(Object::mismatches(self))
            }

            fn check_own(&self, sent: &Value) {
                // A struct sent something other than an object keeps it
                // whole: one mismatch, for the struct itself.
                if !sent.is_object() {
                    let expected = vec![(String::new(), Found::of(sent))];
                    let found: Vec<_> = self.kept(sent).into_iter().map(|(p, f, _)| (p, f)).collect();
                    assert_eq!(found, expected, "{}: a non-object", stringify!($ty));
                }
            }
        })*
    };
}

structs!(
    Zone,
    PcapRequest,
    AccountRuleset,
    Pool,
    TestedWebpage,
    CoreWebVitalMetricsTrend,
    WorkerMetadata,
);

/// `$body` with the struct of a known DNS record kind, `$fallback` with
/// what `Other` holds.
macro_rules! record_struct {
    ($record:expr, $value:ident => $body:expr, $other:pat => $fallback:expr) => {
        match $record {
            DnsRecord::A($value) => $body,
            DnsRecord::Aaaa($value) => $body,
            DnsRecord::Caa($value) => $body,
            DnsRecord::Cert($value) => $body,
            DnsRecord::Cname($value) => $body,
            DnsRecord::Dnskey($value) => $body,
            DnsRecord::Ds($value) => $body,
            DnsRecord::Https($value) => $body,
            DnsRecord::Loc($value) => $body,
            DnsRecord::Mx($value) => $body,
            DnsRecord::Naptr($value) => $body,
            DnsRecord::Ns($value) => $body,
            DnsRecord::Ptr($value) => $body,
            DnsRecord::Smimea($value) => $body,
            DnsRecord::Srv($value) => $body,
            DnsRecord::Sshfp($value) => $body,
            DnsRecord::Svcb($value) => $body,
            DnsRecord::Tlsa($value) => $body,
            DnsRecord::Txt($value) => $body,
            DnsRecord::Uri($value) => $body,
            DnsRecord::Other($other) => $fallback,
        }
    };
}

impl Sample for DnsRecord {
    fn kept(&self, _: &Value) -> Vec<Seen> {
        record_struct!(self, record => seen_all(record.mismatches()), other => {
            // An object of a kind this client does not know is no mismatch;
            // anything else is, for the union itself.
            if other.is_object() {
                Vec::new()
            } else {
                vec![(String::new(), Found::of(other), "an object (DnsRecord)".to_owned())]
            }
        })
    }

    fn check_own(&self, sent: &Value) {
        match self {
            // Kept whole, exactly as sent.
            DnsRecord::Other(other) => assert_eq!(other, sent, "DnsRecord::Other"),
            known => {
                assert_eq!(
                    sent.get("type").and_then(Value::as_str),
                    Some(known.tag()),
                    "DnsRecord: the variant is the one its `type` names"
                );
            }
        }
    }
}

/// One sample type's name and its checks.
pub struct Check {
    pub name: &'static str,
    pub run: fn(&Value, &str),
}

/// The sample: a tagged union (DNS records; `Vec<DnsRecord>` and the list
/// result with every sample), structs with nested structs, arrays of them,
/// open enums, maps and any-JSON fields (zones, PCAPs, rulesets, pools,
/// Observatory tests), arrays of nullable numbers read through serde
/// (Observatory trends), and a struct holding an untagged union (a
/// Worker's metadata: its `migrations`).
pub const SAMPLES: &[Check] = &[
    Check {
        name: "DnsRecord",
        run: check::<DnsRecord>,
    },
    Check {
        name: "Zone",
        run: check::<Zone>,
    },
    Check {
        name: "PcapRequest",
        run: check::<PcapRequest>,
    },
    Check {
        name: "AccountRuleset",
        run: check::<AccountRuleset>,
    },
    Check {
        name: "Pool",
        run: check::<Pool>,
    },
    Check {
        name: "TestedWebpage",
        run: check::<TestedWebpage>,
    },
    Check {
        name: "CoreWebVitalMetricsTrend",
        run: check::<CoreWebVitalMetricsTrend>,
    },
    Check {
        name: "WorkerMetadata",
        run: check::<WorkerMetadata>,
    },
];

/// Checks `value` (whose JSON text is `text`) against every sample type.
pub fn check_all(value: &Value, text: &str) {
    for sample in SAMPLES {
        (sample.run)(value, text);
    }
}

/// Every property, for one sample type.
pub fn check<T: Sample>(sent: &Value, text: &str) {
    let name = std::any::type_name::<T>();
    let name = name.rsplit("::").next().unwrap_or(name);

    // Never an error, from text or from a tree; the same value either way.
    let from_text: T = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{name}: decoding text failed: {e}\n{text}"));
    let from_tree: T = serde_json::from_value(sent.clone())
        .unwrap_or_else(|e| panic!("{name}: decoding a Value failed: {e}\n{text}"));
    assert_eq!(
        from_text, from_tree,
        "{name}: text and Value differ\n{text}"
    );
    let kept = from_text.kept(sent);
    assert_eq!(
        sorted(kept.clone()),
        sorted(from_tree.kept(sent)),
        "{name}: text and Value keep different mismatches\n{text}"
    );
    from_text.check_own(sent);
    check_pointers(name, sent, &kept, text);

    // What was sent comes back.
    let back = serde_json::to_value(&from_text)
        .unwrap_or_else(|e| panic!("{name}: serializing failed: {e}\n{text}"));
    if let Err(at) = same_json(sent, &back, &mut String::new()) {
        panic!("{name}: written back differently at `{at}`\nsent: {text}\nback: {back}");
    }
    // ... and is a fixed point: decoding it again writes the same, with
    // the same mismatches.
    let again: T = serde_json::from_str(&back.to_string())
        .unwrap_or_else(|e| panic!("{name}: decoding what was written back failed: {e}"));
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        back,
        "{name}: a second round trip differs\n{text}"
    );
    assert_eq!(
        sorted(again.kept(&back)),
        sorted(kept.clone()),
        "{name}: a second round trip keeps different mismatches\n{text}"
    );

    // An array, as serde's `Vec<T>`: element by element.
    if let Value::Array(elements) = sent {
        let list: Vec<T> = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("Vec<{name}>: decoding failed: {e}\n{text}"));
        assert_eq!(list.len(), elements.len(), "Vec<{name}>\n{text}");
        let back = serde_json::to_value(&list).unwrap();
        if let Err(at) = same_json(sent, &back, &mut String::new()) {
            panic!("Vec<{name}>: written back differently at `{at}`\nsent: {text}\nback: {back}");
        }
    }

    check_result::<T>(name, sent, text, &from_text, &kept);
    check_list::<T>(name, sent, text);
}

/// The client's path for a single result, `Json<Option<T>>`.
fn check_result<T: Sample>(name: &str, sent: &Value, text: &str, plain: &T, kept: &[Seen]) {
    let (result, meta) = decode_result::<Json<Option<T>>>(text)
        .unwrap_or_else(|e| panic!("Json<Option<{name}>>: {e}\n{text}"));
    let account = seen_all(meta.mismatches());
    assert_eq!(
        meta.as_sent(),
        None,
        "Json<Option<{name}>>: as_sent\n{text}"
    );
    match result {
        // A `null` result is no result.
        None => {
            assert!(sent.is_null(), "Json<Option<{name}>>: None for {text}");
            assert!(account.is_empty(), "Json<Option<{name}>>: {account:?}");
        }
        Some(result) => {
            assert_eq!(
                &result, plain,
                "Json<Option<{name}>>: differs from T\n{text}"
            );
            assert_eq!(
                account,
                result.kept(sent),
                "Json<Option<{name}>>: the account is not what the value keeps\n{text}"
            );
            assert_eq!(sorted(account.clone()), sorted(kept.to_vec()));
        }
    }
    check_pointers(&format!("Json<Option<{name}>>"), sent, &account, text);
}

/// The client's path for a list result, `List<T>`.
fn check_list<T: Sample>(name: &str, sent: &Value, text: &str) {
    let (items, meta) =
        decode_result::<List<T>>(text).unwrap_or_else(|e| panic!("List<{name}>: {e}\n{text}"));
    let account = seen_all(meta.mismatches());
    check_pointers(&format!("List<{name}>"), sent, &account, text);
    match sent {
        // A `null` list is empty (README, *Results*).
        Value::Null => {
            assert!(items.is_empty() && account.is_empty(), "List<{name}>: null");
            assert_eq!(meta.as_sent(), None, "List<{name}>: null");
        }
        Value::Array(elements) => {
            assert_eq!(meta.as_sent(), None, "List<{name}>: as_sent\n{text}");
            assert_eq!(items.len(), elements.len(), "List<{name}>\n{text}");
            let mut expected = Vec::new();
            for (index, (item, element)) in items.iter().zip(elements).enumerate() {
                let alone: T = serde_json::from_value(element.clone()).unwrap();
                assert_eq!(item, &alone, "List<{name}>: element {index}\n{text}");
                for (pointer, found, expecting) in item.kept(element) {
                    expected.push((format!("/{index}{pointer}"), found, expecting));
                }
            }
            assert_eq!(
                account, expected,
                "List<{name}>: the account is not what the elements keep\n{text}"
            );
            let back = serde_json::to_value(&items).unwrap();
            if let Err(at) = same_json(sent, &back, &mut String::new()) {
                panic!(
                    "List<{name}>: written back differently at `{at}`\nsent: {text}\nback: {back}"
                );
            }
        }
        // Not a list at all: no items, the answer kept as sent.
        other => {
            assert!(items.is_empty(), "List<{name}>: items from {text}");
            assert_eq!(meta.as_sent(), Some(other), "List<{name}>: as_sent");
            assert_eq!(
                account,
                [(String::new(), Found::of(other), "an array".to_owned())],
                "List<{name}>\n{text}"
            );
        }
    }
}

/// Every mismatch points into what was sent: at a value of the kind it
/// says was found, or at a key missing from an object that is there.
pub fn check_pointers(name: &str, sent: &Value, mismatches: &[Seen], text: &str) {
    for (pointer, found, expected) in mismatches {
        match sent.pointer(pointer) {
            Some(value) => assert_eq!(
                *found,
                Found::of(value),
                "{name}: the mismatch at `{pointer}` (expected {expected}) says it found \
                 {found:?}, the value there is {value}\n{text}"
            ),
            None => {
                assert_eq!(
                    *found,
                    Found::Missing,
                    "{name}: `{pointer}` does not resolve\n{text}"
                );
                let (parent, key) = pointer.rsplit_once('/').unwrap_or_else(|| {
                    panic!("{name}: a missing key at the root (`{pointer}`)\n{text}")
                });
                let key = key.replace("~1", "/").replace("~0", "~");
                match sent.pointer(parent) {
                    Some(Value::Object(map)) => assert!(
                        !map.contains_key(&key),
                        "{name}: `{pointer}` is said missing but is there\n{text}"
                    ),
                    other => panic!(
                        "{name}: the missing key `{pointer}` has no object around it: {other:?}\n{text}"
                    ),
                }
            }
        }
    }
}

/// Whether `back` (a decoded value written again) is `sent`, key order
/// aside. On a difference, `Err` with where it is (a JSON pointer).
///
/// Numbers compare by value, exactly: two integers must be equal, an
/// integer and a float must be the same number. So the normalizations the
/// client makes pass: a whole float up to 2^53 is written as an integer
/// (`3.0` as `3`, `-0.0` as `0`, see `runtime::Wire`), and an integer past
/// 2^53 that a number field holds exactly as a float
/// (`18446744073709486080` as `1.8446744073709486e19`); a digit lost does
/// not (`9007199254740993` rounded to `9007199254740992`).
pub fn same_json(sent: &Value, back: &Value, at: &mut String) -> Result<(), String> {
    let len = at.len();
    let result = match (sent, back) {
        (Value::Number(a), Value::Number(b)) if same_number(a, b) => Ok(()),
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            a.iter().zip(b).enumerate().try_for_each(|(i, (a, b))| {
                at.push_str(&format!("/{i}"));
                same_json(a, b, at)?;
                at.truncate(len);
                Ok(())
            })
        }
        (Value::Object(a), Value::Object(b)) if a.len() == b.len() => {
            a.iter().try_for_each(|(key, a)| {
                at.push('/');
                at.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let b = b.get(key).ok_or_else(|| at.clone())?;
                same_json(a, b, at)?;
                at.truncate(len);
                Ok(())
            })
        }
        (Value::Number(_), _) | (Value::Array(_), _) | (Value::Object(_), _) => Err(at.clone()),
        (a, b) if a == b => Ok(()),
        _ => Err(at.clone()),
    };
    if result.is_ok() {
        at.truncate(len);
    }
    result
}

fn same_number(a: &Number, b: &Number) -> bool {
    let int = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (int(a), int(b), a.as_f64(), b.as_f64()) {
        (Some(a), Some(b), _, _) => a == b,
        (Some(i), None, _, Some(f)) | (None, Some(i), Some(f), _) => {
            // `as` saturates: only the same whole number compares equal.
            f.fract() == 0.0 && f as i128 == i
        }
        (None, None, Some(a), Some(b)) => a == b,
        _ => false,
    }
}
