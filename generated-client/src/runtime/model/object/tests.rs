//! `object!` over every field kind the generator emits: what fits is typed,
//! what does not is kept and accounted for, and the value writes back what
//! was sent.

use serde_json::{Map, Value, json};

use super::Object;
use crate::runtime::model::account::Scope;
use crate::runtime::output::Listed;
use crate::runtime::{Extra, Found, Mismatch};

/// A struct with a field of every kind, optional ones first, then plain.
#[derive(Debug, Clone, PartialEq, Default)]
struct Record {
    name: Option<String>,
    proxied: Option<bool>,
    weight: Option<f64>,
    ttl: Option<i64>,
    data: Option<Value>,
    settings: Option<Map<String, Value>>,
    tags: Option<Vec<String>>,
    status: Option<Status>,
    statuses: Option<Vec<Status>>,
    meta: Option<Meta>,
    history: Option<Vec<Meta>>,
    grid: Option<Vec<Vec<i64>>>,
    id: String,
    priority: i64,
    extra: Extra,
}
super::object!(Record {
    name: "name" => string, proxied: "proxied" => boolean, weight: "weight" => number,
    ttl: "ttl" => integer, data: "data" => json, settings: "settings" => map,
    tags: "tags" => strings, status: "status" => choice, statuses: "statuses" => choices,
    meta: "meta" => object, history: "history" => objects, grid: "grid",
    id: "id" required => string, priority: "priority" required => integer
});

#[derive(Debug, Clone, PartialEq, Default)]
struct Meta {
    source: Option<String>,
    extra: Extra,
}
super::object!(Meta { source: "source" => string });

/// A request body type: its plain enum field has no empty value.
#[derive(Debug, Clone, PartialEq)]
struct Body {
    kind: Status,
    extra: Extra,
}
super::object!(Body { kind: "kind" must => choice });

/// An open enum as the generator writes one.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Active,
    Other(String),
}
impl Status {
    fn as_str(&self) -> &str {
        match self {
            Status::Active => "active",
            Status::Other(other) => other,
        }
    }
}
impl From<String> for Status {
    fn from(value: String) -> Status {
        match value.as_str() {
            "active" => Status::Active,
            _ => Status::Other(value),
        }
    }
}
crate::runtime::open_enum!(Status);

fn decode(sent: &Value) -> Record {
    // From text, as answers are read, and from a tree: the same value.
    let from_text: Record = serde_json::from_str(&sent.to_string()).unwrap();
    let from_tree: Record = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(from_text, from_tree);
    assert_eq!(from_text.mismatches(), from_tree.mismatches());
    from_text
}

/// What `value` lists, as text.
fn listed(value: &Record) -> Vec<String> {
    value.mismatches().iter().map(Mismatch::to_string).collect()
}

/// The same, in key order (a tree's keys come sorted).
fn sorted(value: &Record) -> Vec<String> {
    let mut all = listed(value);
    all.sort();
    all
}

#[track_caller]
fn writes_back(record: &Record, sent: &Value) {
    assert_eq!(&serde_json::to_value(record).unwrap(), sent);
}

#[test]
fn every_kind_that_fits_is_typed_and_written_back() {
    let sent = json!({
        "id": "r1", "priority": 10, "name": "www", "proxied": true, "weight": 0.5,
        "ttl": 3600, "data": {"any": [1]}, "settings": {"ipv4_only": true},
        "tags": ["a", "b"], "status": "active", "statuses": ["active", "moved"],
        "meta": {"source": "primary", "k": 1}, "history": [{"source": "b"}, {}],
        "grid": [[1, 2], []], "new_field": "kept"
    });
    let record = decode(&sent);
    assert_eq!(record.id, "r1");
    assert_eq!(record.priority, 10);
    assert_eq!(record.name.as_deref(), Some("www"));
    assert_eq!(record.proxied, Some(true));
    assert_eq!(record.weight, Some(0.5));
    assert_eq!(record.ttl, Some(3600));
    assert_eq!(record.data, Some(json!({"any": [1]})));
    assert_eq!(record.settings.as_ref().unwrap()["ipv4_only"], json!(true));
    assert_eq!(
        record.tags.as_deref(),
        Some(&["a".to_owned(), "b".to_owned()][..])
    );
    assert_eq!(record.status, Some(Status::Active));
    assert_eq!(
        record.statuses,
        Some(vec![Status::Active, Status::Other("moved".into())])
    );
    assert_eq!(record.meta.as_ref().unwrap().extra()["k"], json!(1));
    assert_eq!(record.history.as_ref().unwrap().len(), 2);
    assert_eq!(record.grid, Some(vec![vec![1, 2], vec![]]));
    assert_eq!(record.extra()["new_field"], json!("kept"));
    assert!(record.fits());
    assert!(record.mismatches().is_empty());
    writes_back(&record, &sent);
}

#[test]
fn a_value_of_another_type_is_kept_under_its_key() {
    // One of each kind, sent as something it cannot be.
    let sent = json!({
        "id": "r1", "priority": 1, "name": 5, "proxied": "yes", "weight": "heavy",
        "ttl": 1.5, "settings": [1], "tags": "a,b", "status": 3, "statuses": {"a": 1},
        "meta": "primary", "history": {"source": "x"}, "grid": [[1, "x"]]
    });
    let record = decode(&sent);
    assert_eq!(
        sorted(&record),
        [
            ".grid: expected Vec<Vec<i64>>, found an array",
            ".history: expected an array of objects, found an object",
            ".meta: expected an object (Meta), found a string",
            ".name: expected a string, found a number",
            ".proxied: expected a boolean, found a string",
            ".settings: expected an object, found an array",
            ".status: expected a string (Status), found a number",
            ".statuses: expected an array of strings, found an object",
            ".tags: expected an array of strings, found a string",
            ".ttl: expected an integer, found a number",
            ".weight: expected a number, found a string",
        ]
    );
    // Nothing typed where nothing fit, and every value kept as sent.
    let empty = Record {
        id: "r1".into(),
        priority: 1,
        extra: record.extra.clone(),
        ..Record::default()
    };
    assert_eq!(record, empty);
    for key in ["name", "ttl", "meta", "grid"] {
        assert_eq!(record.extra()[key], sent[key], "{key}");
    }
    assert!(!record.fits());
    writes_back(&record, &sent);
}

#[test]
fn an_array_keeps_its_place_of_what_did_not_fit() {
    let sent =
        json!({"id": "r", "priority": 1, "tags": ["a", 2, "c"], "statuses": ["active", null]});
    let record = decode(&sent);
    assert_eq!(
        sorted(&record),
        [
            ".statuses[1]: expected a string (Status), found null",
            ".tags[1]: expected a string, found a number",
        ]
    );
    assert_eq!(record.tags, None);
    assert_eq!(record.extra()["tags"], json!(["a", 2, "c"]));
    writes_back(&record, &sent);
}

#[test]
fn an_element_that_is_not_an_object_keeps_its_place() {
    let sent = json!({"id": "r", "priority": 1,
                      "history": [{"source": "a"}, "b", null, {"source": 4}]});
    let record = decode(&sent);
    let history = record.history.as_ref().unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(history[0].source.as_deref(), Some("a"));
    assert_eq!(history[1].extra.as_sent(), Some(&json!("b")));
    assert_eq!(history[2].extra.as_sent(), Some(&json!(null)));
    assert!(history[0].fits() && !history[1].fits() && !history[3].fits());
    assert_eq!(
        listed(&record),
        [
            ".history[1]: expected an object (Meta), found a string",
            ".history[2]: expected an object (Meta), found null",
            ".history[3].source: expected a string, found a number",
        ]
    );
    writes_back(&record, &sent);
}

#[test]
fn a_missing_plain_field_is_empty_accounted_for_and_not_written() {
    let sent = json!({"name": "www"});
    let record = decode(&sent);
    assert_eq!((record.id.as_str(), record.priority), ("", 0));
    assert_eq!(
        listed(&record),
        [
            ".id: expected a value, found nothing (the key is missing)",
            ".priority: expected a value, found nothing (the key is missing)",
        ]
    );
    assert!(record.mismatches()[0].found() == Found::Missing);
    writes_back(&record, &sent);

    // Once set, a plain field is written again.
    let mut fixed = record.clone();
    fixed.id = "r9".into();
    assert_eq!(
        serde_json::to_value(&fixed).unwrap(),
        json!({"name": "www", "id": "r9"})
    );
}

#[test]
fn nulls_are_none_and_written_back_where_they_fit() {
    // Optional fields: `null` is `None`, and comes back as `null`.
    let sent = json!({"id": "r", "priority": 1, "name": null, "meta": null,
                      "history": null, "tags": null, "status": null, "grid": null});
    let record = decode(&sent);
    assert!(record.fits(), "{:?}", record.mismatches());
    assert_eq!((record.name.as_ref(), record.meta.as_ref()), (None, None));
    writes_back(&record, &sent);
    // Once set, the value is written instead.
    let mut named = record.clone();
    named.name = Some("www".into());
    assert_eq!(serde_json::to_value(&named).unwrap()["name"], json!("www"));

    // A plain field's `null` does not fit: kept, and written back.
    let sent = json!({"id": null, "priority": 1});
    let record = decode(&sent);
    assert_eq!(listed(&record), [".id: expected a string, found null"]);
    writes_back(&record, &sent);
}

#[test]
fn a_kept_value_is_not_written_twice_once_its_field_is_set() {
    let sent = json!({"id": "r", "priority": "high", "ttl": "auto"});
    let mut record = decode(&sent);
    record.priority = 5;
    record.ttl = Some(300);
    let back = serde_json::to_string(&record).unwrap();
    assert_eq!(back, r#"{"ttl":300,"id":"r","priority":5}"#);
}

#[test]
fn a_struct_sent_as_another_value_is_kept_whole() {
    for sent in [
        json!("text"),
        json!([1, 2]),
        json!(7),
        json!(null),
        json!(true),
    ] {
        let record: Record = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(record.extra.as_sent(), Some(&sent));
        assert_eq!(record.id, "");
        assert_eq!(
            listed(&record),
            [format!(
                ".: expected an object (Record), found {}",
                Found::of(&sent)
            )]
        );
        writes_back(&record, &sent);
    }
}

#[test]
fn mismatches_inside_are_listed_from_the_outside() {
    let sent = json!({"id": "r", "priority": 1,
                      "meta": {"source": 1},
                      "history": [{}, {"source": false}]});
    let record = decode(&sent);
    // Those inside are listed with their paths from the struct.
    assert!(!record.fits());
    assert_eq!(
        listed(&record),
        [
            ".history[1].source: expected a string, found a boolean",
            ".meta.source: expected a string, found a number",
        ]
    );
    // The inner structs keep theirs, from themselves.
    assert_eq!(
        record.meta.as_ref().unwrap().mismatches()[0].path(),
        ".source"
    );
    // A list result puts each element's index in front.
    let text = json!([{"id": "s", "priority": 2}, sent]).to_string();
    let scope = Scope::open();
    let Listed(list) = serde_json::from_str::<Listed<Record>>(&text).unwrap();
    let found = scope.close();
    assert_eq!(list.len(), 2);
    let paths: Vec<String> = found.iter().map(Mismatch::path).collect();
    assert_eq!(paths, [".[1].history[1].source", ".[1].meta.source"]);
    assert_eq!(found[0].pointer(), "/1/history/1/source");
}

#[test]
fn a_request_body_type_refuses_what_it_must_have() {
    let body: Body = serde_json::from_str(r#"{"kind": "active"}"#).unwrap();
    assert_eq!(body.kind, Status::Active);
    let err = serde_json::from_str::<Body>(r#"{"other": 1}"#).unwrap_err();
    assert!(err.to_string().starts_with("missing field `kind`"), "{err}");
    let err = serde_json::from_str::<Body>(r#"{"kind": 4}"#).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the value of field `kind` does not fit its type"),
        "{err}"
    );
}

#[test]
fn json_that_is_not_json_is_still_an_error() {
    for text in [
        r#"{"id": "a", "meta": {"k": [1, }}"#,
        r#"{"id": "a""#,
        "<html>",
    ] {
        assert!(serde_json::from_str::<Record>(text).is_err(), "{text}");
    }
}

#[test]
fn open_enums_keep_values_they_do_not_know() {
    let read: Vec<Status> = serde_json::from_value(json!(["active", "moved"])).unwrap();
    assert_eq!(read, [Status::Active, Status::Other("moved".into())]);
    assert_eq!(
        serde_json::to_value(&read).unwrap(),
        json!(["active", "moved"])
    );
    // Alone, an enum has nowhere to keep a number (a struct field does).
    assert!(serde_json::from_value::<Status>(json!(1)).is_err());
}

#[test]
fn extra_field_reads_a_kept_key() {
    let record = decode(&json!({"id": "r", "priority": 1, "content": "198.51.100.4"}));
    assert_eq!(
        record.extra_field::<String>("content").unwrap().unwrap(),
        "198.51.100.4"
    );
    assert!(record.extra_field::<String>("absent").is_none());
}

/// Numbers as an Observatory trend has them: a `number` field, and an
/// array of nullable numbers read through serde.
#[derive(Debug, Clone, PartialEq, Default)]
struct Trend {
    score: Option<f64>,
    cls: Option<Vec<Option<f64>>>,
    extra: Extra,
}
super::object!(Trend { score: "score" => number, cls: "cls" });

#[test]
fn an_integer_a_number_field_cannot_hold_exactly_is_kept_as_sent() {
    // Past 2^53 an `f64` skips integers: rounding one would write back
    // another number. Found by the decoding fuzzer.
    let sent = json!({"score": 9007199254740993_i64, "cls": [0.5, 9007199254740993_u64]});
    let trend: Trend = serde_json::from_str(&sent.to_string()).unwrap();
    assert_eq!(
        trend,
        serde_json::from_value::<Trend>(sent.clone()).unwrap()
    );
    assert_eq!((trend.score, trend.cls.as_ref()), (None, None));
    let listed: Vec<String> = trend.mismatches().iter().map(Mismatch::to_string).collect();
    assert_eq!(
        listed,
        [
            ".cls: expected Vec<Option<f64>>, found an array",
            ".score: expected a number an f64 holds exactly, found a number",
        ]
    );
    assert_eq!(serde_json::to_value(&trend).unwrap(), sent);

    // Those it holds exactly are typed, however large.
    let sent = json!({"score": 9007199254740992_i64, "cls": [-9223372036854775808_i64, null]});
    let trend: Trend = serde_json::from_value(sent).unwrap();
    assert!(trend.fits(), "{:?}", trend.mismatches());
    assert_eq!(trend.score, Some(9007199254740992.0));
    assert_eq!(trend.cls, Some(vec![Some(-9223372036854775808.0), None]));
}

/// Arrays of arrays of structs: through a `serde_json::Value` (`grid`'s
/// way), element by element (`=> elements`), and as a list result.
#[derive(Debug, Clone, PartialEq, Default)]
struct Table {
    rows: Option<Vec<Vec<Meta>>>,
    columns: Option<Vec<Vec<Meta>>>,
    extra: Extra,
}
super::object!(Table { rows: "rows", columns: "columns" => elements });

#[test]
fn arrays_of_arrays_keep_every_index_in_a_path() {
    let sent = json!({"rows": [[{}], [{}, {"source": 1}]],
                      "columns": [[{"source": true}], []]});
    let table: Table = serde_json::from_value(sent.clone()).unwrap();
    let mut paths: Vec<String> = table.mismatches().iter().map(Mismatch::path).collect();
    paths.sort();
    assert_eq!(paths, [".columns[0][0].source", ".rows[1][1].source"]);
    assert_eq!(
        table.rows.as_ref().unwrap()[1][1].mismatches()[0].path(),
        ".source"
    );
    assert_eq!(serde_json::to_value(&table).unwrap(), sent);

    let text = json!([[{"source": "a"}], [{}, {"source": 2}]]).to_string();
    let scope = Scope::open();
    let Listed(list) = serde_json::from_str::<Listed<Vec<Meta>>>(&text).unwrap();
    let found = scope.close();
    assert_eq!(list.len(), 2);
    let paths: Vec<String> = found.iter().map(Mismatch::path).collect();
    assert_eq!(paths, [".[1][1].source"]);
    assert_eq!(found[0].pointer(), "/1/1/source");
}

/// The `unsigned` kind (a query's page numbers), optional and plain.
#[derive(Debug, Clone, PartialEq, Default)]
struct Paging {
    page: Option<u64>,
    per_page: u64,
    extra: Extra,
}
super::object!(Paging { page: "page" => unsigned, per_page: "per_page" required => unsigned });

/// `sent` decoded from text and from a tree (the same value), checked to
/// write back exactly, with what it lists.
#[track_caller]
fn paging(sent: &Value) -> (Paging, Vec<String>) {
    let from_text: Paging = serde_json::from_str(&sent.to_string()).unwrap();
    let from_tree: Paging = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(from_text, from_tree);
    assert_eq!(from_text.mismatches(), from_tree.mismatches());
    assert_eq!(&serde_json::to_value(&from_text).unwrap(), sent);
    let mut listed: Vec<String> = from_text
        .mismatches()
        .iter()
        .map(Mismatch::to_string)
        .collect();
    listed.sort();
    (from_text, listed)
}

#[test]
fn an_unsigned_field_takes_every_non_negative_integer() {
    let (value, listed) = paging(&json!({"page": 2, "per_page": 0}));
    assert_eq!((value.page, value.per_page), (Some(2), 0));
    assert!(listed.is_empty(), "{listed:?}");
    assert!(value.fits());

    // Past `i64::MAX`, still a `u64`.
    let (value, listed) = paging(&json!({"page": u64::MAX, "per_page": 1_u64 << 63}));
    assert_eq!((value.page, value.per_page), (Some(u64::MAX), 1 << 63));
    assert!(listed.is_empty(), "{listed:?}");

    // A whole number written with a fraction is an integer, like `integer`'s.
    let value: Paging = serde_json::from_str(r#"{"page": 3.0, "per_page": 50.0}"#).unwrap();
    assert_eq!((value.page, value.per_page), (Some(3), 50));
    assert!(value.fits());
}

#[test]
fn a_negative_number_does_not_fit_an_unsigned_field() {
    let sent = json!({"page": -1, "per_page": -20});
    let (value, listed) = paging(&sent);
    assert_eq!((value.page, value.per_page), (None, 0));
    assert_eq!(
        listed,
        [
            ".page: expected a non-negative integer, found a number",
            ".per_page: expected a non-negative integer, found a number",
        ]
    );
    assert_eq!(value.extra()["page"], json!(-1));
    assert!(!value.fits());
    // A negative whole number written with a fraction does not fit either.
    let value: Paging = serde_json::from_str(r#"{"page": -2.0, "per_page": 1}"#).unwrap();
    assert_eq!(value.page, None);
    assert_eq!(value.extra()["page"], json!(-2.0));
}

#[test]
fn a_fraction_does_not_fit_an_unsigned_field() {
    let sent = json!({"page": 1.5, "per_page": 0.25});
    let (value, listed) = paging(&sent);
    assert_eq!((value.page, value.per_page), (None, 0));
    assert_eq!(
        listed,
        [
            ".page: expected a non-negative integer, found a number",
            ".per_page: expected a non-negative integer, found a number",
        ]
    );
}

#[test]
fn a_value_of_another_type_does_not_fit_an_unsigned_field() {
    let sent = json!({"page": "2", "per_page": true});
    let (value, listed) = paging(&sent);
    assert_eq!((value.page, value.per_page), (None, 0));
    assert_eq!(
        listed,
        [
            ".page: expected a non-negative integer, found a string",
            ".per_page: expected a non-negative integer, found a boolean",
        ]
    );
    assert_eq!(value.extra()["page"], json!("2"));

    // An array or an object, kept whole.
    let (_, listed) = paging(&json!({"page": [1], "per_page": {"n": 1}}));
    assert_eq!(
        listed,
        [
            ".page: expected a non-negative integer, found an array",
            ".per_page: expected a non-negative integer, found an object",
        ]
    );
}

#[test]
fn null_is_none_for_an_optional_unsigned_field_only() {
    let (value, listed) = paging(&json!({"page": null, "per_page": 5}));
    assert_eq!((value.page, value.per_page), (None, 5));
    assert!(listed.is_empty(), "{listed:?}");

    // A plain one's `null` does not fit, and one that did not come is `0`,
    // never written.
    let (value, listed) = paging(&json!({"per_page": null}));
    assert_eq!(value.per_page, 0);
    assert_eq!(
        listed,
        [".per_page: expected a non-negative integer, found null"]
    );
    let (value, listed) = paging(&json!({}));
    assert_eq!((value.page, value.per_page), (None, 0));
    assert_eq!(
        listed,
        [".per_page: expected a value, found nothing (the key is missing)"]
    );

    // Once set, written as integers.
    let set = Paging {
        page: Some(7),
        per_page: 100,
        ..Paging::default()
    };
    assert_eq!(
        serde_json::to_value(&set).unwrap(),
        json!({"page": 7, "per_page": 100})
    );
}
