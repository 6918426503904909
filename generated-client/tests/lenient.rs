//! A success is never refused: answers that do not fit their types, served
//! over HTTP on 127.0.0.1 and read through the generated methods. Each kind
//! of mismatch (a missing required field, another scalar type, an array
//! for an object and the reverse, an unknown enum value, a `null` where
//! none is declared, a union no variant fits), on its own and inside lists
//! and unions: the call succeeds, what fit is typed, each mismatch is
//! listed with its path, and the value serializes back to what was sent.

use std::sync::{Arc, Mutex};

use generated_client::dns_records_for_a_zone::DnsRecord;
use generated_client::runtime::{Found, Mismatch, Object};
use generated_client::testing::{MockResponse, MockServer};
use generated_client::zone::{Zone, ZoneStatus as Status};
use generated_client::{Error, ResponseMeta};
use serde_json::{Value, json};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// A record as Cloudflare sends it, every field fitting its type.
fn a_record(id: &str) -> Value {
    json!({
        "id": id, "name": "www.example.com", "type": "A", "content": "198.51.100.4",
        "proxiable": true, "proxied": false, "ttl": 3600, "comment": null,
        "tags": ["env:prod"], "meta": {"auto_added": false, "source": "primary"},
        "settings": {}, "created_on": "2024-01-01T00:00:00Z",
        "modified_on": "2024-01-01T00:00:00Z"
    })
}

/// A zone as Cloudflare sends it.
fn zone() -> Value {
    json!({
        "id": ZONE, "name": "example.com", "status": "active", "paused": false,
        "type": "full", "development_mode": 0, "name_servers": ["a.ns.cloudflare.com"],
        "account": {"id": "acc1", "name": "Example"},
        "owner": {"id": null, "type": "user", "email": null},
        "plan": {"id": "free", "name": "Free Website", "price": 0, "is_subscribed": true},
        "meta": {"step": 2, "phishing_detected": false}
    })
}

/// Serves `result` as the list of DNS records, and reads it through
/// `list_dns_records`.
async fn list_records(result: &Value) -> (Vec<DnsRecord>, ResponseMeta) {
    let server = MockServer::start().await;
    server
        .on(|cf| cf.dns_records_for_a_zone().list_dns_records(ZONE))
        .respond_with(MockResponse::envelope(result));
    let client = server.client();
    let call = client.dns_records_for_a_zone().list_dns_records(ZONE);
    call.send_with_meta()
        .await
        .expect("a success is never refused")
}

/// Serves `result` as a zone's details, and reads it through `zone_details`.
async fn zone_details(result: &Value) -> (Option<Zone>, ResponseMeta) {
    let server = MockServer::start().await;
    server
        .on(|cf| cf.zone().zone_details(ZONE))
        .respond_with(MockResponse::envelope(result));
    let client = server.client();
    let call = client.zone().zone_details(ZONE);
    call.send_with_meta()
        .await
        .expect("a success is never refused")
}

/// What is broken, how, and the mismatches that says.
type Case = (&'static str, fn(&mut Value), &'static [&'static str]);

fn listed(mismatches: &[Mismatch]) -> Vec<String> {
    mismatches.iter().map(Mismatch::to_string).collect()
}

/// Each record of `sent`, broken by `break_it`, in a list between records
/// that fit: the others stay typed and in place, the broken one's mismatches
/// are listed under its index, and the list serializes back as sent.
#[tokio::test]
async fn each_kind_of_mismatch_inside_a_list_of_union_records() {
    let cases: &[Case] = &[
        (
            "a missing required field",
            |r| {
                r.as_object_mut().unwrap().remove("id");
            },
            &[".[1].id: expected a value, found nothing (the key is missing)"],
        ),
        (
            "another scalar type",
            |r| r["ttl"] = json!("auto"),
            &[".[1].ttl: expected a number, found a string"],
        ),
        (
            "an array for an object",
            |r| r["meta"] = json!(["primary"]),
            &[".[1].meta: expected an object (DnsRecordMeta), found an array"],
        ),
        (
            "an object for an array",
            |r| r["tags"] = json!({"env": "prod"}),
            &[".[1].tags: expected an array of strings, found an object"],
        ),
        (
            "a null where none is declared",
            |r| r["name"] = json!(null),
            &[".[1].name: expected a string, found null"],
        ),
        (
            "a null inside an array",
            |r| r["tags"] = json!(["env:prod", null]),
            &[".[1].tags[1]: expected a string, found null"],
        ),
        (
            "inside a nested struct",
            |r| r["meta"]["auto_added"] = json!("no"),
            &[".[1].meta.auto_added: expected a boolean, found a string"],
        ),
        (
            "several at once",
            |r| {
                r["proxied"] = json!(1);
                r["content"] = json!(["198.51.100.4"]);
            },
            &[
                ".[1].content: expected a string, found an array",
                ".[1].proxied: expected a boolean, found a number",
            ],
        ),
        (
            "a union no variant fits",
            |r| *r = json!("A www.example.com 198.51.100.4"),
            &[".[1]: expected an object (DnsRecord), found a string"],
        ),
    ];
    for (what, break_it, expected) in cases {
        let mut broken = a_record("r2");
        break_it(&mut broken);
        let sent = json!([a_record("r1"), broken, a_record("r3")]);
        let (records, meta) = list_records(&sent).await;

        assert_eq!(records.len(), 3, "{what}");
        let mut found = listed(meta.mismatches());
        found.sort();
        assert_eq!(found, *expected, "{what}");
        // The records around it fit, typed as ever.
        for record in [&records[0], &records[2]] {
            let DnsRecord::A(a) = record else {
                panic!("{what}: {record:?}")
            };
            assert!(a.fits(), "{what}: {:?}", a.mismatches());
            assert_eq!(a.content.as_deref(), Some("198.51.100.4"));
        }
        assert_eq!(meta.as_sent(), None, "{what}: the list holds everything");
        assert_eq!(serde_json::to_value(&records).unwrap(), sent, "{what}");
    }
}

#[tokio::test]
async fn the_broken_record_says_what_did_not_fit_and_keeps_it() {
    let mut broken = a_record("r2");
    broken["ttl"] = json!("auto");
    broken.as_object_mut().unwrap().remove("name");
    let (records, meta) = list_records(&json!([broken])).await;
    let DnsRecord::A(a) = &records[0] else {
        panic!("{records:?}")
    };
    // Typed where it fit.
    assert_eq!(a.id, "r2");
    assert_eq!(a.content.as_deref(), Some("198.51.100.4"));
    // Empty where it did not; the value as sent is kept under its key.
    assert_eq!(a.ttl, None);
    assert_eq!(a.extra()["ttl"], json!("auto"));
    assert_eq!(a.name, "");
    let own: Vec<String> = a.mismatches().iter().map(Mismatch::path).collect();
    assert_eq!(own, [".ttl", ".name"]);
    assert_eq!(a.mismatches()[1].found(), Found::Missing);
    // The response's list has the same, from the result.
    let paths: Vec<String> = meta.mismatches().iter().map(Mismatch::path).collect();
    assert_eq!(paths, [".[0].ttl", ".[0].name"]);
    assert_eq!(meta.mismatches()[0].pointer(), "/0/ttl");
}

#[tokio::test]
async fn an_unknown_kind_or_enum_value_is_kept_typed_and_is_no_mismatch() {
    let unknown = json!({"id": "r9", "type": "OPENPGPKEY", "name": "k", "content": "mQIN"});
    let sent = json!([a_record("r1"), unknown]);
    let (records, meta) = list_records(&sent).await;
    assert!(matches!(records[1], DnsRecord::Other(_)));
    assert_eq!(records[1].tag(), "OPENPGPKEY");
    assert!(meta.mismatches().is_empty());
    assert_eq!(serde_json::to_value(&records).unwrap(), sent);

    let mut sent = zone();
    sent["status"] = json!("archived");
    let (zone, meta) = zone_details(&sent).await;
    let zone = zone.unwrap();
    assert_eq!(zone.status, Some(Status::Other("archived".into())));
    assert!(meta.mismatches().is_empty() && zone.fits());
    assert_eq!(serde_json::to_value(&zone).unwrap(), sent);
}

#[tokio::test]
async fn each_kind_of_mismatch_inside_a_struct() {
    let cases: &[Case] = &[
        (
            "an enum value that is not a string",
            |z| z["status"] = json!(1),
            &[".status: expected a string (ZoneStatus), found a number"],
        ),
        (
            "a missing identity",
            |z| {
                z.as_object_mut().unwrap().remove("name");
            },
            &[".name: expected a value, found nothing (the key is missing)"],
        ),
        (
            "a nested struct's field",
            |z| z["plan"]["id"] = json!(["free"]),
            &[".plan.id: expected a string, found an array"],
        ),
        (
            "a number in a list of strings",
            |z| z["name_servers"] = json!(["a.ns.cloudflare.com", 7]),
            &[".name_servers[1]: expected a string, found a number"],
        ),
        (
            "a string for a struct",
            |z| z["account"] = json!("acc1"),
            &[".account: expected an object (ZoneAccount), found a string"],
        ),
        (
            "a nested struct's identity of another type",
            |z| z["account"]["id"] = json!(42),
            &[".account.id: expected a string, found a number"],
        ),
        (
            "a fraction for an integer",
            |z| z["meta"]["step"] = json!(1.5),
            &[".meta.step: expected an integer, found a number"],
        ),
    ];
    for (what, break_it, expected) in cases {
        let mut sent = zone();
        break_it(&mut sent);
        let (zone, meta) = zone_details(&sent).await;
        let zone = zone.unwrap_or_else(|| panic!("{what}: a zone"));
        assert_eq!(listed(meta.mismatches()), *expected, "{what}");
        assert_eq!(listed(zone.mismatches()), *expected, "{what}");
        assert!(!zone.fits());
        assert_eq!(serde_json::to_value(&zone).unwrap(), sent, "{what}");
    }
}

#[tokio::test]
async fn a_result_that_is_not_what_the_method_returns_at_all() {
    // A zone that is a string: a struct keeps it whole.
    let (zone, meta) = zone_details(&json!("example.com")).await;
    let zone = zone.unwrap();
    assert_eq!(zone.extra.as_sent(), Some(&json!("example.com")));
    assert_eq!(
        listed(meta.mismatches()),
        [".: expected an object (Zone), found a string"]
    );
    assert_eq!(serde_json::to_value(&zone).unwrap(), json!("example.com"));

    // A list that is an object: no items, the answer kept as sent.
    let sent = json!({"records": [a_record("r1")]});
    let (records, meta) = list_records(&sent).await;
    assert!(records.is_empty());
    assert_eq!(meta.as_sent(), Some(&sent));
    assert_eq!(
        listed(meta.mismatches()),
        [".: expected an array, found an object"]
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_an_error_that_keeps_it_whole() {
    let server = MockServer::start().await;
    let page = "<html><body>".to_owned() + &"maintenance ".repeat(10_000) + "</body></html>";
    server
        .on(|cf| cf.zone().zone_details(ZONE))
        .respond_with(MockResponse::new(200.try_into().unwrap()).body(page.clone()));
    let err = server.client().zone().zone_details(ZONE).await.unwrap_err();
    let Error::Decode {
        body,
        body_len,
        source,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(body.as_ref(), page.as_bytes(), "the whole body, as sent");
    assert_eq!(*body_len, page.len() as u64);
    // Where serde_json stopped counts from the start of that body.
    assert_eq!((source.line(), source.column()), (1, 1));
    assert!(err.to_string().contains("could not decode"), "{err}");

    // A truncated body too.
    let server = MockServer::start().await;
    let cut = r#"{"success": true, "result": {"id": "z", "na"#;
    server
        .on(|cf| cf.zone().zone_details(ZONE))
        .respond_with(MockResponse::new(200.try_into().unwrap()).body(cut));
    let err = server.client().zone().zone_details(ZONE).await.unwrap_err();
    let Error::Decode { body, source, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(body.as_ref(), cut.as_bytes());
    assert_eq!(source.column(), cut.len());
}

#[tokio::test]
async fn every_endpoint_can_be_read_raw() {
    let server = MockServer::start().await;
    let sent = json!([{"id": "r1", "type": "A", "ttl": "auto"}]);
    server
        .on(|cf| cf.dns_records_for_a_zone().list_dns_records(ZONE))
        .respond_with(MockResponse::envelope(&sent).header("cf-ray", "8a1b2c3d4e5f-SJC"));
    let raw = server
        .client()
        .dns_records_for_a_zone()
        .list_dns_records(ZONE)
        .send_raw()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.meta().cf_ray(), Some("8a1b2c3d4e5f-SJC"));
    let body: Value = serde_json::from_slice(&raw.bytes().await.unwrap()).unwrap();
    assert_eq!(body["result"], sent);
}

/// The warning a mismatch gives, caught by a subscriber of the test's own.
#[test]
fn a_mismatch_is_also_a_tracing_warning() {
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let subscriber = Warnings(warnings.clone());
    tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut broken = a_record("r1");
            broken["ttl"] = json!("auto");
            list_records(&json!([broken])).await;
            list_records(&json!([a_record("r2")])).await;
        });
    });
    let warnings = warnings.lock().unwrap();
    assert_eq!(warnings.len(), 1, "one answer did not fit: {warnings:?}");
    assert!(
        warnings[0].contains("the answer did not fit its type")
            && warnings[0].contains(".[0].ttl: expected a number, found a string")
            && warnings[0].contains("/zones/{zone_id}/dns_records"),
        "{}",
        warnings[0]
    );
}

/// A subscriber that keeps the text of every `WARN` event.
struct Warnings(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for Warnings {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::WARN
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Text(String);
        impl tracing::field::Visit for Text {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={value:?} ", field.name()));
            }
        }
        let mut text = Text(String::new());
        event.record(&mut text);
        self.0.lock().unwrap().push(text.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
