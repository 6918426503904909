//! Endpoints of several areas over real HTTP on 127.0.0.1, each reached
//! through its own cargo feature (the dev-dependency in `Cargo.toml` turns
//! them on), and what every typed result promises: nothing the API sends is
//! lost, a success is never refused because its `result` is `null` or
//! absent, and whole numbers go out as integers.

mod support;

use std::time::Duration;

use generated_client::Client;
use generated_client::dns_records_for_a_zone::DnsRecord;
use generated_client::runtime::Object;
use serde_json::{Value, json};
use support::{Reply, Server};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const ACCOUNT: &str = "01a7362d577a6c3019a474fd6f485823";

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("tok-areas")
        .retry_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

/// A DNS record as Cloudflare sends it: the docs show only a few of these
/// fields (the rest sit in a `oneOf` upstream that the rendering dropped).
fn dns_record(id: &str) -> Value {
    json!({
        "id": id,
        "name": "www.example.com",
        "type": "A",
        "content": "198.51.100.4",
        "proxiable": true,
        "proxied": false,
        "ttl": 3600,
        "settings": {"ipv4_only": true, "ipv6_only": false},
        "meta": {"auto_added": false},
        "comment": "Domain verification record",
        "tags": ["owner:dns-team"],
        "created_on": "2014-01-01T05:20:00.12345Z",
        "modified_on": "2014-01-01T05:20:00.12345Z",
        "comment_modified_on": "2024-01-01T05:20:00.12345Z",
        "tags_modified_on": "2025-01-01T05:20:00.12345Z",
        "priority": null
    })
}

/// `value` without its `null` members: an absent optional field and a
/// `null` one are the same thing to a typed client.
fn without_nulls(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.retain(|_, v| !v.is_null());
        for v in map.values_mut() {
            *v = without_nulls(v.take());
        }
    } else if let Value::Array(items) = &mut value {
        for v in items {
            *v = without_nulls(v.take());
        }
    }
    value
}

#[tokio::test]
async fn dns_records_keep_every_key_the_api_sends() {
    let server = Server::start([
        Reply::envelope(json!([dns_record("r-1"), dns_record("r-2")])),
        Reply::envelope(dns_record("r-1")),
    ])
    .await;
    let dns = client(&server).dns_records_for_a_zone();

    let records = dns.list_dns_records(ZONE).await.unwrap();
    assert_eq!(records.len(), 2);
    // The fields the docs do not show are typed by the overlay; keys that
    // neither declares are kept, and reachable.
    let DnsRecord::A(first) = &records[0] else {
        panic!("an A record: {:?}", records[0])
    };
    assert_eq!(first.name, "www.example.com");
    assert_eq!(first.content.as_deref(), Some("198.51.100.4"));
    assert_eq!(
        first.extra_field::<Value>("settings").unwrap().unwrap(),
        json!({"ipv4_only": true, "ipv6_only": false})
    );
    assert_eq!(records[1].tag(), "A");
    // Serialized again, a record is what the API sent (nulls aside), with
    // the whole-number TTL still an integer.
    for (record, sent) in records.iter().zip(["r-1", "r-2"]) {
        assert_eq!(
            without_nulls(serde_json::to_value(record).unwrap()),
            without_nulls(dns_record(sent))
        );
    }
    assert!(
        serde_json::to_string(&records[0])
            .unwrap()
            .contains(r#""ttl":3600"#)
    );

    let one = dns
        .dns_record_details(ZONE, "r-1")
        .await
        .unwrap()
        .expect("a record");
    assert_eq!(
        without_nulls(serde_json::to_value(&one).unwrap()),
        without_nulls(dns_record("r-1"))
    );

    let requests = server.requests();
    assert_eq!(requests[0].path(), format!("/zones/{ZONE}/dns_records"));
    assert_eq!(requests[1].path(), format!("/zones/{ZONE}/dns_records/r-1"));
}

#[tokio::test]
async fn a_null_or_absent_result_is_a_success() {
    let server = Server::start([
        // `delete_dns_record` as Cloudflare sometimes answers it.
        Reply::envelope(Value::Null),
        Reply::json(200, json!({"success": true, "errors": [], "messages": []})),
        Reply::envelope(json!({})),
        Reply::envelope(Value::Null),
        Reply::status(200),
    ])
    .await;
    let dns = client(&server).dns_records_for_a_zone();

    assert_eq!(dns.delete_dns_record(ZONE, "r-1").await.unwrap(), None);
    assert_eq!(dns.delete_dns_record(ZONE, "r-1").await.unwrap(), None);
    // An empty object is a value: every field absent, nothing extra.
    let empty = dns.delete_dns_record(ZONE, "r-1").await.unwrap().unwrap();
    assert!(empty.extra().is_empty());
    // A list whose result is null is empty; so is an empty body.
    assert!(dns.list_dns_records(ZONE).await.unwrap().is_empty());
    assert!(dns.list_dns_records(ZONE).await.unwrap().is_empty());
    assert_eq!(server.hits(), 5);

    // A body that does not fit is a success all the same: the record is
    // typed where it fits, the rest kept as sent and accounted for (a
    // record without a `type` would be kept whole, as a kind this client
    // does not know).
    let server = Server::repeat(Reply::envelope(json!({"id": 42, "type": "A"}))).await;
    let (record, meta) = client(&server)
        .dns_records_for_a_zone()
        .dns_record_details(ZONE, "r-1")
        .send_with_meta()
        .await
        .unwrap();
    let Some(DnsRecord::A(a)) = record else {
        panic!("{record:?}")
    };
    assert_eq!(a.extra()["id"], json!(42));
    let found: Vec<String> = meta.mismatches().iter().map(|m| m.to_string()).collect();
    assert_eq!(
        found,
        [
            ".id: expected a string, found a number",
            ".name: expected a value, found nothing (the key is missing)"
        ]
    );
}

#[tokio::test]
async fn zones_accounts_kv_and_r2_through_their_features() {
    let server = Server::start([
        Reply::envelope(json!([{
            "id": ZONE, "name": "example.com", "status": "active", "paused": false,
            "account": {"id": ACCOUNT, "name": "Demo Account"},
            "owner": {"id": null, "type": "user", "email": "ops@example.com"},
            "meta": {"step": 2, "phishing_detected": false},
            "name_servers": ["bob.ns.cloudflare.com", "lola.ns.cloudflare.com"],
            "development_mode": 0, "created_on": "2014-01-01T05:20:00.12345Z",
            "modified_on": "2014-01-01T05:20:00.12345Z", "activated_on": null
        }])),
        Reply::envelope(json!({"id": ACCOUNT, "name": "Demo Account", "type": "standard"})),
        Reply::envelope(
            json!([{"id": "ns-1", "title": "My Own Namespace", "supports_url_encoding": true}]),
        ),
        Reply::envelope(json!({"buckets": [{"name": "photos", "location": "ENAM"}]})),
    ])
    .await;
    let client = client(&server);

    let zones = client.zone().list_zones().await.unwrap();
    assert_eq!(zones[0].extra().get("status"), None, "status is typed");
    assert_eq!(
        serde_json::to_value(&zones[0]).unwrap()["name"],
        json!("example.com")
    );

    let account = client
        .accounts()
        .account_details(ACCOUNT)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&account).unwrap()["type"],
        json!("standard")
    );

    let namespaces = client
        .workers_kv_namespace()
        .list_namespaces(ACCOUNT)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&namespaces[0]).unwrap(),
        json!({"id": "ns-1", "title": "My Own Namespace", "supports_url_encoding": true})
    );

    // The document shows an object, Cloudflare's description a list: the
    // result is whatever JSON comes, so both decode.
    let buckets = client.r2_bucket().list_buckets(ACCOUNT).await.unwrap();
    assert_eq!(
        serde_json::to_value(&buckets).unwrap(),
        json!({"buckets": [{"name": "photos", "location": "ENAM"}]})
    );

    let seen: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        seen,
        [
            "GET /zones".to_owned(),
            format!("GET /accounts/{ACCOUNT}"),
            format!("GET /accounts/{ACCOUNT}/storage/kv/namespaces"),
            format!("GET /accounts/{ACCOUNT}/r2/buckets"),
        ]
    );
}

#[tokio::test]
async fn typed_queries_go_out_as_the_api_reads_them() {
    use generated_client::api_shield_endpoint_management::{
        GetOperationsQuery, GetOperationsQueryFeature,
    };
    let server = Server::start([Reply::envelope(json!([]))]).await;
    let client = client(&server);

    let query = GetOperationsQuery {
        host: Some(vec!["api.example.com".into(), "www.example.com".into()]),
        feature: Some(vec![
            GetOperationsQueryFeature::Thresholds,
            GetOperationsQueryFeature::Other("new feature".into()),
        ]),
        per_page: Some(5),
        ..Default::default()
    };
    let operations = client
        .api_shield_endpoint_management()
        .get_operations(ZONE)
        .query(&query)
        .extra_query(&[("diff", true)])
        .await
        .unwrap();
    assert!(operations.is_empty());

    // Arrays repeat their key, spaces are `%20`, unset fields are left
    // out, and a parameter the type lacks still goes out.
    assert_eq!(
        server.requests()[0].query(),
        "per_page=5&host=api.example.com&host=www.example.com\
         &feature=thresholds&feature=new%20feature&diff=true"
    );
}

#[tokio::test]
async fn non_json_successes_come_back_as_they_were_sent() {
    let binary: Vec<u8> = (0..=255u8).rev().collect();
    let server = Server::start([
        Reply::status(200)
            .header("content-type", "application/octet-stream")
            .body(binary.clone()),
        Reply::status(200)
            .header("content-type", "text/csv")
            .body("ip,first_seen\n192.0.2.1,2024-01-01\n"),
        Reply::status(200)
            .header("content-type", "application/pdf")
            .body("%PDF-1.7 not json"),
    ])
    .await;
    let client = client(&server);

    let value = client
        .workers_kv_namespace()
        .read_key_value_pair(ACCOUNT, "ns-1", "My Key")
        .await
        .unwrap();
    assert_eq!(value.bytes().await.unwrap(), binary);

    let csv = client
        .custom_indicator_feeds()
        .get_indicator_feed_data(ACCOUNT, "12")
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv");
    assert_eq!(
        csv.bytes().await.unwrap(),
        "ip,first_seen\n192.0.2.1,2024-01-01\n"
    );

    let loa = client
        .ip_address_management_prefixes()
        .download_loa_document(ACCOUNT, "d933b1530bc56c9953cf8ce166da8004")
        .await
        .unwrap();
    assert_eq!(loa.bytes().await.unwrap(), "%PDF-1.7 not json");

    let asked: Vec<(String, Option<String>)> = server
        .requests()
        .iter()
        .map(|r| (r.path().to_owned(), r.header("accept").map(str::to_owned)))
        .collect();
    assert_eq!(
        asked,
        [
            (
                format!("/accounts/{ACCOUNT}/storage/kv/namespaces/ns-1/values/My%20Key"),
                Some("application/octet-stream".to_owned())
            ),
            (
                format!("/accounts/{ACCOUNT}/intel/indicator-feeds/12/data"),
                Some("text/csv".to_owned())
            ),
            (
                format!(
                    "/accounts/{ACCOUNT}/addressing/loa_documents/d933b1530bc56c9953cf8ce166da8004/download"
                ),
                Some("application/pdf".to_owned())
            ),
        ]
    );
}

#[tokio::test]
async fn seventeen_digit_floats_round_trip() {
    // Each decodes one bit off with serde_json's fast float parser; the
    // client turns on `float_roundtrip`.
    let sent = ["4.8262530666608940e-2", "1.8557448408654862e-22"];
    let body = format!(r#"{{"success":true,"result":[{},{}]}}"#, sent[0], sent[1]);
    let server = Server::start([Reply::json(200, json!(null)).body(body)]).await;
    let client = client(&server);

    let result = client.r2_bucket().list_buckets(ACCOUNT).await.unwrap();
    let got: Vec<f64> = serde_json::from_value(serde_json::to_value(&result).unwrap()).unwrap();
    let want: Vec<f64> = sent.iter().map(|s| s.parse().unwrap()).collect();
    assert_eq!(
        got.iter().map(|f| f.to_bits()).collect::<Vec<_>>(),
        want.iter().map(|f| f.to_bits()).collect::<Vec<_>>()
    );
}
