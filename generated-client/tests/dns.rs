//! DNS records and zones through the generated API over real HTTP on
//! 127.0.0.1 (the scripted server of `support/mod.rs`): the record union
//! (known kinds, a kind the client does not know kept whole, the round
//! trip), request bodies built in one line for every record type, batches,
//! typed queries, zones, and the `dns` example, in-process and as a binary
//! pointed by `CLOUDFLARE_BASE_URL` at a `testing::MockServer` (the mock
//! server users start in their own tests).

mod support;

#[path = "../examples/dns.rs"]
#[allow(dead_code)] // `main` is the binary's; the test drives `run`.
mod example;

use std::process::{Command, Stdio};
use std::time::Duration;

use generated_client::dns_records_for_a_zone::{
    ARecordBody, AaaaRecordBody, CaaData, CaaRecordBody, CnameRecordBody, DeleteDnsRecordResponse,
    DnsRecord, DnsRecordBatch, DnsRecordBody, DnsRecordPatch, DnsRecordQuery, DnsRecordQueryOrder,
    DnsRecordRef, DnsRecordType, MxRecordBody, NsRecordBody, SrvData, SrvRecordBody, TxtRecordBody,
    TxtRecordPatch, UriData, UriRecordBody,
};
use generated_client::runtime::{Object, StatusCode};
use generated_client::testing::MockServer;
use generated_client::zone::{
    Reference, Zone, ZoneCreate, ZoneEdit, ZoneQuery, ZoneStatus as Status, ZoneType as Type,
};
use generated_client::{ApiError, Client};
use serde_json::{Value, json};
use support::{Reply, Server};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const ACCOUNT: &str = "01a7362d577a6c3019a474fd6f485823";
const TOKEN: &str = "tok-dns";

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token(TOKEN)
        .retry_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

/// What every record has, as Cloudflare sends it.
fn record(id: &str, kind: &str, name: &str, more: Value) -> Value {
    let mut record = json!({
        "id": id, "type": kind, "name": name, "proxiable": false, "ttl": 1,
        "created_on": "2014-01-01T05:20:00.12345Z", "modified_on": "2014-01-01T05:20:00.12345Z",
        "meta": {"auto_added": false, "source": "primary"}, "comment": null, "tags": [],
        "settings": {}
    });
    for (key, value) in more.as_object().unwrap() {
        record[key] = value.clone();
    }
    record
}

fn a_record() -> Value {
    record(
        "r-a",
        "A",
        "www.example.com",
        json!({"content": "198.51.100.4", "proxied": true}),
    )
}

fn mx_record() -> Value {
    record(
        "r-mx",
        "MX",
        "example.com",
        json!({"content": "mx.example.com", "priority": 10}),
    )
}

fn caa_record() -> Value {
    record(
        "r-caa",
        "CAA",
        "example.com",
        json!({"content": "0 issue \"letsencrypt.org\"", "data": {"flags": 0, "tag": "issue", "value": "letsencrypt.org"}}),
    )
}

/// A kind this client does not know, with data of its own.
fn openpgp_record() -> Value {
    record(
        "r-pgp",
        "OPENPGPKEY",
        "00d8d3f11739d2f3537099982b4674c29fc59a8fda350fca1379613a._openpgpkey.example.com",
        json!({"content": "mQINBF...", "data": {"public_key": "mQINBF...", "algorithm": 1}}),
    )
}

/// `value` without its `null` members: an absent optional field and a
/// `null` one are the same thing to a typed client.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

#[tokio::test]
async fn known_kinds_decode_into_their_variants_and_unknown_ones_are_kept_whole() {
    let sent = json!([a_record(), mx_record(), caa_record(), openpgp_record(), {"name": "no-type.example.com"}]);
    let server = Server::start([Reply::envelope(sent.clone())]).await;
    let records = client(&server)
        .dns_records_for_a_zone()
        .list_dns_records(ZONE)
        .await
        .unwrap();

    let [a, mx, caa, pgp, untyped] = records.as_slice() else {
        panic!("five records: {records:?}")
    };
    let DnsRecord::A(a) = a else { panic!("{a:?}") };
    assert_eq!(
        (a.id.as_str(), a.content.as_deref(), a.proxied),
        ("r-a", Some("198.51.100.4"), Some(true))
    );
    assert_eq!(a.meta.as_ref().unwrap().source.as_deref(), Some("primary"));
    // A key neither the docs nor the description declare is kept.
    assert_eq!(a.extra()["settings"], json!({}));
    let DnsRecord::Mx(mx) = mx else {
        panic!("{mx:?}")
    };
    assert_eq!(
        (mx.priority, mx.content.as_deref()),
        (Some(10.0), Some("mx.example.com"))
    );
    let DnsRecord::Caa(caa) = caa else {
        panic!("{caa:?}")
    };
    let data = caa.data.as_ref().unwrap();
    assert_eq!(data.tag.as_deref(), Some("issue"));
    assert_eq!(data.flags, Some(0.0));

    // The kind this client does not know: every key, as sent.
    let DnsRecord::Other(value) = pgp else {
        panic!("{pgp:?}")
    };
    assert_eq!(value, &openpgp_record());
    assert_eq!(pgp.tag(), "OPENPGPKEY");
    assert!(matches!(untyped, DnsRecord::Other(_)));
    assert_eq!(untyped.tag(), "");

    // Fields every kind has read the same way, whatever the kind.
    let names: Vec<Option<&str>> = records.iter().map(DnsRecord::name).collect();
    assert_eq!(
        names,
        [
            Some("www.example.com"),
            Some("example.com"),
            Some("example.com"),
            Some(
                "00d8d3f11739d2f3537099982b4674c29fc59a8fda350fca1379613a._openpgpkey.example.com"
            ),
            Some("no-type.example.com")
        ]
    );
    assert_eq!(records[3].content(), Some("mQINBF..."));
    assert_eq!(records[1].ttl(), Some(1.0));
    assert_eq!(records[4].id(), None);

    // Written back, the list is what the API sent (a typed record leaves
    // out an optional field that came as `null`; `Other` keeps it), whole
    // numbers still integers and each record's `type` first.
    let back = serde_json::to_value(&records).unwrap();
    assert_eq!(without_nulls(&back), without_nulls(&sent));
    assert_eq!(back[3], sent[3]);
    let text = serde_json::to_string(&records[1]).unwrap();
    assert!(text.starts_with(r#"{"type":"MX","id":"r-mx""#), "{text}");
    assert!(
        text.contains(r#""priority":10"#) && text.contains(r#""ttl":1,"#),
        "{text}"
    );
}

#[tokio::test]
async fn an_unknown_kind_goes_back_to_the_api_unchanged() {
    let server = Server::start([
        Reply::envelope(openpgp_record()),
        Reply::envelope(openpgp_record()),
    ])
    .await;
    let dns = client(&server).dns_records_for_a_zone();
    let Some(DnsRecord::Other(object)) = dns.dns_record_details(ZONE, "r-pgp").await.unwrap()
    else {
        panic!("an unknown kind")
    };
    // A caller can send a kind this client does not know yet, too.
    let body = DnsRecordBody::Other(object.clone());
    let again = dns
        .overwrite_dns_record(ZONE, "r-pgp", &body)
        .await
        .unwrap();
    assert_eq!(again, Some(DnsRecord::Other(object)));
    let requests = server.requests();
    assert_eq!(requests[1].method, "PUT");
    assert_eq!(
        requests[1].path(),
        format!("/zones/{ZONE}/dns_records/r-pgp")
    );
    assert_eq!(requests[1].json(), openpgp_record());
}

#[tokio::test]
async fn a_body_for_any_record_type_is_one_line() {
    let name = || "www.example.com".to_owned();
    let bodies: Vec<(DnsRecordBody, Value)> = vec![
        (
            ARecordBody::new(name(), "198.51.100.4").into(),
            json!({"type": "A", "name": "www.example.com", "content": "198.51.100.4"}),
        ),
        (
            AaaaRecordBody::new(name(), "2001:db8::1").into(),
            json!({"type": "AAAA", "name": "www.example.com", "content": "2001:db8::1"}),
        ),
        (
            CnameRecordBody::new(name(), "origin.example.com").into(),
            json!({"type": "CNAME", "name": "www.example.com", "content": "origin.example.com"}),
        ),
        (
            MxRecordBody::new(name(), "mx.example.com", 10).into(),
            json!({"type": "MX", "name": "www.example.com", "content": "mx.example.com", "priority": 10}),
        ),
        (
            NsRecordBody::new(name(), "ns1.example.com").into(),
            json!({"type": "NS", "name": "www.example.com", "content": "ns1.example.com"}),
        ),
        (
            TxtRecordBody::new(name(), "v=spf1 -all").into(),
            json!({"type": "TXT", "name": "www.example.com", "content": "v=spf1 -all"}),
        ),
        (
            CaaRecordBody::new(
                name(),
                CaaData {
                    flags: Some(0.0),
                    tag: Some("issue".into()),
                    value: Some("letsencrypt.org".into()),
                    ..Default::default()
                },
            )
            .into(),
            json!({"type": "CAA", "name": "www.example.com", "data": {"flags": 0, "tag": "issue", "value": "letsencrypt.org"}}),
        ),
        (
            SrvRecordBody::new(
                "_sip._tcp.example.com",
                SrvData {
                    port: Some(5060.0),
                    priority: Some(10.0),
                    weight: Some(5.0),
                    target: Some("sip.example.com".into()),
                    ..Default::default()
                },
            )
            .into(),
            json!({"type": "SRV", "name": "_sip._tcp.example.com", "data": {"port": 5060, "priority": 10, "target": "sip.example.com", "weight": 5}}),
        ),
        (
            UriRecordBody::new(
                name(),
                UriData {
                    target: Some("https://example.com/".into()),
                    weight: Some(1.5),
                    ..Default::default()
                },
                10,
            )
            .into(),
            json!({"type": "URI", "name": "www.example.com", "data": {"target": "https://example.com/", "weight": 1.5}, "priority": 10}),
        ),
        // The optional fields every type shares, set on the struct.
        (
            TxtRecordBody {
                ttl: Some(3600.0),
                comment: Some("verification".into()),
                tags: Some(vec!["owner:dns".into()]),
                ..TxtRecordBody::new(name(), "x")
            }
            .into(),
            json!({"type": "TXT", "name": "www.example.com", "ttl": 3600, "comment": "verification", "tags": ["owner:dns"], "content": "x"}),
        ),
    ];
    let server = Server::repeat(Reply::envelope(a_record())).await;
    let dns = client(&server).dns_records_for_a_zone();
    for (body, _) in &bodies {
        dns.create_dns_record(ZONE, body).await.unwrap();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), bodies.len());
    for (request, (body, expected)) in requests.iter().zip(&bodies) {
        assert_eq!(
            (request.method.as_str(), request.path()),
            ("POST", format!("/zones/{ZONE}/dns_records").as_str())
        );
        assert_eq!(request.json(), *expected, "{}", body.tag());
        // The type goes first, whole numbers as integers.
        assert!(
            request
                .body_text()
                .starts_with(&format!("{{\"type\":\"{}\"", body.tag())),
            "{}",
            request.body_text()
        );
        assert!(
            !request.body_text().contains(".0"),
            "{}",
            request.body_text()
        );
    }
}

#[tokio::test]
async fn a_batch_holds_records_of_any_type() {
    let result = json!({"deletes": [a_record()], "patches": [], "puts": [mx_record()], "posts": [openpgp_record()]});
    let server = Server::start([Reply::envelope(result)]).await;
    let dns = client(&server).dns_records_for_a_zone();
    let put = MxRecordBody {
        id: Some("r-mx".into()),
        ..MxRecordBody::new("example.com", "mx2.example.com", 20)
    };
    let batch = DnsRecordBatch {
        deletes: Some(vec![DnsRecordRef::new("r-a")]),
        patches: Some(vec![
            TxtRecordBody {
                id: Some("r-txt".into()),
                ..TxtRecordBody::new("t.example.com", "new")
            }
            .into(),
        ]),
        puts: Some(vec![put.into()]),
        posts: Some(vec![TxtRecordBody::new("u.example.com", "hello").into()]),
        ..Default::default()
    };
    let done = dns.batch_dns_records(ZONE, &batch).await.unwrap().unwrap();
    assert!(matches!(done.deletes.as_deref(), Some([DnsRecord::A(_)])));
    assert!(matches!(done.puts.as_deref(), Some([DnsRecord::Mx(_)])));
    assert!(matches!(done.posts.as_deref(), Some([DnsRecord::Other(_)])));
    let request = &server.requests()[0];
    assert_eq!(request.path(), format!("/zones/{ZONE}/dns_records/batch"));
    assert_eq!(
        request.json(),
        json!({
            "deletes": [{"id": "r-a"}],
            "patches": [{"type": "TXT", "name": "t.example.com", "id": "r-txt", "content": "new"}],
            "puts": [{"type": "MX", "name": "example.com", "id": "r-mx", "content": "mx2.example.com", "priority": 20}],
            "posts": [{"type": "TXT", "name": "u.example.com", "content": "hello"}]
        })
    );
}

/// A query's page numbers are `u64`, like `result_info`'s: the next page
/// is `info.page + 1`, and paging from a typed query keeps its `per_page`.
#[tokio::test]
async fn typed_page_numbers_go_back_into_the_query_as_they_are() {
    let listed = |id: &str, page: u64| {
        Reply::json(
            200,
            json!({"success": true, "errors": [], "messages": [],
                   "result": [record(id, "A", "a.example.com", json!({"content": "192.0.2.1"}))],
                   "result_info": {"page": page, "per_page": 1, "count": 1,
                                   "total_count": 4, "total_pages": 4}}),
        )
    };
    let server = Server::start([listed("r2", 2), listed("r3", 3), listed("r4", 4)]).await;
    let dns = client(&server).dns_records_for_a_zone();
    let query = DnsRecordQuery {
        page: Some(2),
        per_page: Some(1),
        ..Default::default()
    };
    let (first, meta) = dns
        .list_dns_records(ZONE)
        .query(&query)
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    let page: u64 = meta.result_info().unwrap().page.unwrap();
    let rest = DnsRecordQuery {
        page: Some(page + 1),
        ..query.clone()
    };
    let ids: Vec<String> = dns
        .list_dns_records(ZONE)
        .query(&rest)
        .all()
        .await
        .unwrap()
        .iter()
        .map(|r| r.id().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ids, ["r3", "r4"]);
    let queries: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.query().to_owned())
        .collect();
    // The pager puts its `page` after the user's other pairs.
    assert_eq!(
        queries,
        [
            "page=2&per_page=1",
            "page=3&per_page=1",
            "per_page=1&page=4"
        ]
    );
}

#[tokio::test]
async fn typed_queries_and_zones() {
    let zone = json!({
        "id": ZONE, "name": "example.com", "status": "active", "paused": false, "type": "full",
        "account": {"id": ACCOUNT, "name": "Demo"}, "owner": {"id": null, "type": "user"},
        "meta": {"step": 2, "cdn_only": false}, "plan": {"id": "free", "name": "Free Website"},
        "name_servers": ["bob.ns.cloudflare.com"], "development_mode": -3600,
        "created_on": "2014-01-01T05:20:00.12345Z", "modified_on": "2014-01-01T05:20:00.12345Z",
        "activated_on": null, "original_name_servers": null
    });
    let server = Server::repeat(Reply::envelope(json!([a_record()]))).await;
    let dns = client(&server).dns_records_for_a_zone();
    let query = DnsRecordQuery {
        r#type: Some(DnsRecordType::Txt),
        comment_present: Some(true),
        tag_exact: Some("owner:dns".into()),
        order: Some(DnsRecordQueryOrder::Ttl),
        per_page: Some(100),
        ..Default::default()
    };
    dns.list_dns_records(ZONE).query(&query).await.unwrap();
    assert_eq!(
        server.requests()[0].query(),
        "type=TXT&comment.present=true&tag.exact=owner%3Adns&per_page=100&order=ttl"
    );

    let server = Server::start([
        Reply::envelope(json!([zone.clone()])),
        Reply::envelope(zone.clone()),
        Reply::envelope(zone.clone()),
    ])
    .await;
    let zones = client(&server).zone();
    let query = ZoneQuery {
        status: Some(Status::Active),
        account_id: Some(ACCOUNT.into()),
        ..Default::default()
    };
    let listed = zones.list_zones().query(&query).await.unwrap();
    let first = &listed[0];
    assert_eq!(
        (
            first.name.as_str(),
            first.status.clone(),
            first.r#type.clone()
        ),
        ("example.com", Some(Status::Active), Some(Type::Full))
    );
    assert_eq!(first.development_mode, Some(-3600.0));
    assert_eq!(
        first.plan.as_ref().unwrap().extra()["name"],
        json!("Free Website")
    );
    assert_eq!(
        without_nulls(&serde_json::to_value(first).unwrap()),
        without_nulls(&zone)
    );

    let create = ZoneCreate::new("example.com", Reference::new(ACCOUNT));
    zones.create_zone(&create).await.unwrap();
    let edit = ZoneEdit {
        paused: Some(true),
        ..Default::default()
    };
    zones.edit_zone(ZONE, &edit).await.unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].query(),
        format!("status=active&account.id={ACCOUNT}")
    );
    assert_eq!(
        requests[1].json(),
        json!({"name": "example.com", "account": {"id": ACCOUNT}})
    );
    assert_eq!(
        (requests[2].method.as_str(), requests[2].json()),
        ("PATCH", json!({"paused": true}))
    );
}

// ---------------------------------------------------------------------------
// The `dns` example, end to end, against the `testing` feature's MockServer:
// each call the example makes is mocked by calling the same generated
// method, answered with typed values, and expected exactly once (twice for
// the two pages of the list), which the server checks when it is dropped.

const DEMO_NAME: &str = "_generated-client-demo.example.com";

/// Mocks every call of a run without `--name`.
fn mock_example_calls(server: &MockServer) {
    let records: Vec<DnsRecord> =
        serde_json::from_value(json!([a_record(), mx_record(), openpgp_record()])).unwrap();
    server
        .on(|cf| cf.dns_records_for_a_zone().list_dns_records(ZONE))
        .expect(2)
        .respond_pages([records[..2].to_vec(), records[2..].to_vec()]);
    let zone: Zone = serde_json::from_value(json!({
        "id": ZONE, "name": "example.com", "account": {"id": ACCOUNT}, "owner": {"type": "user"},
        "meta": {}, "name_servers": [], "development_mode": 0,
        "created_on": "2014-01-01T05:20:00Z", "modified_on": "2014-01-01T05:20:00Z"
    }))
    .unwrap();
    server
        .on(|cf| cf.zone().zone_details(ZONE))
        .expect(1)
        .respond(zone);
    let txt = |content: &str| -> DnsRecord {
        serde_json::from_value(record(
            "r-new",
            "TXT",
            DEMO_NAME,
            json!({"content": content}),
        ))
        .unwrap()
    };
    // The bodies the example must send: a mock with a body matches only a
    // request with that JSON body.
    let create: DnsRecordBody = TxtRecordBody::new(DEMO_NAME, "created by generated-client").into();
    server
        .on(|cf| cf.dns_records_for_a_zone().create_dns_record(ZONE, &create))
        .expect(1)
        .respond(txt("created by generated-client"));
    let update: DnsRecordPatch = TxtRecordPatch::default()
        .content("updated by generated-client")
        .comment("changed by the dns example")
        .ttl(300.0)
        .into();
    server
        .on(|cf| {
            cf.dns_records_for_a_zone()
                .update_dns_record(ZONE, "r-new", &update)
        })
        .expect(1)
        .respond(txt("updated by generated-client"));
    server
        .on(|cf| cf.dns_records_for_a_zone().delete_dns_record(ZONE, "r-new"))
        .expect(1)
        .respond(DeleteDnsRecordResponse {
            id: Some("r-new".into()),
            ..Default::default()
        });
}

/// The requests of a run without `--name`, in order.
fn check_example_requests(server: &MockServer) {
    let records = format!("/zones/{ZONE}/dns_records");
    let seen: Vec<(String, String, String)> = server
        .received_requests()
        .iter()
        .map(|r| (r.method.to_string(), r.path.clone(), r.query.clone()))
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("GET", records.clone(), ""),
        ("GET", records.clone(), "page=2"),
        ("GET", format!("/zones/{ZONE}"), ""),
        ("POST", records.clone(), ""),
        ("PATCH", format!("{records}/r-new"), ""),
        ("DELETE", format!("{records}/r-new"), ""),
    ]
    .into_iter()
    .map(|(m, p, q)| (m.to_owned(), p, q.to_owned()))
    .collect();
    assert_eq!(seen, expected);
    assert!(server.unmatched_requests().is_empty());
    // The update sends the TTL as whole seconds.
    let update: Value = server.received_requests()[4].json().unwrap();
    assert_eq!(update["ttl"], json!(300));
}

#[tokio::test]
async fn example_runs_end_to_end_in_process() {
    let server = MockServer::start().await;
    mock_example_calls(&server);
    let env = |name: &str| (name == "CLOUDFLARE_ZONE_ID").then(|| ZONE.to_owned());
    let options = example::Options::parse(&[], env).unwrap().unwrap();
    let outcome = example::run(&server.client(), &options).await.unwrap();
    assert_eq!(
        (outcome.listed, outcome.record_id.as_str(), outcome.deleted),
        (3, "r-new", true)
    );
    check_example_requests(&server);
}

/// A failure the API reports reaches the example's user with its hint.
#[tokio::test]
async fn example_reports_an_api_failure() {
    let server = MockServer::start().await;
    server
        .on(|cf| cf.dns_records_for_a_zone().list_dns_records(ZONE))
        .respond_error(
            ApiError::new(StatusCode::FORBIDDEN).with_error(10000, "Authentication error"),
        );
    let options = example::Options::parse(&[ZONE.to_owned()], |_| None)
        .unwrap()
        .unwrap();
    let failure = example::run(&server.client(), &options).await.unwrap_err();
    assert_eq!(failure.code, 1);
    assert!(
        failure.message.contains("[10000] Authentication error")
            && failure.message.contains("hint: check CLOUDFLARE_API_TOKEN"),
        "{}",
        failure.message
    );
}

#[test]
fn example_options() {
    let none = |_: &str| None;
    let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let parse = |list: &[&str]| example::Options::parse(&args(list), none);
    let options = parse(&["z-1", "--name=_x.example.com", "--keep"])
        .unwrap()
        .unwrap();
    assert_eq!(
        options,
        example::Options {
            zone_id: "z-1".into(),
            name: Some("_x.example.com".into()),
            keep: true
        }
    );
    assert!(parse(&["--help"]).unwrap().is_none());
    for (bad, message) in [
        (&[][..], "no zone"),
        (&["z", "--name"][..], "--name needs a value"),
        (&["z", "--force"][..], "unknown option --force"),
        (&["z", "y"][..], "unexpected argument"),
    ] {
        let failure = parse(bad).unwrap_err();
        assert_eq!(failure.code, 2, "{bad:?}");
        assert!(
            failure.message.contains(message),
            "{bad:?}: {}",
            failure.message
        );
    }
}

/// The example binary, pointed at the mock server by `CLOUDFLARE_BASE_URL`,
/// with only the variables a user would set.
#[tokio::test]
async fn example_binary_runs_against_cloudflare_base_url() {
    let server = MockServer::start().await;
    mock_example_calls(&server);
    let binary = support::example_binary("dns");
    let url = server.url();
    let mut command = Command::new(binary);
    command
        .env_clear()
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env("CLOUDFLARE_ZONE_ID", ZONE)
        .env("CLOUDFLARE_BASE_URL", &url)
        .stdin(Stdio::null());
    // The wait happens on a blocking thread: the mock server runs on this
    // test's runtime and must keep answering meanwhile.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "A      www.example.com 198.51.100.4",
            "MX     example.com mx.example.com",
            "OPENPGPKEY 00d8d3f11739d2f3537099982b4674c29fc59a8fda350fca1379613a._openpgpkey.example.com mQINBF... (a type this client does not know)",
            "3 record(s)",
            "created TXT _generated-client-demo.example.com (r-new)",
            "updated: TXT    _generated-client-demo.example.com updated by generated-client",
            "deleted r-new",
        ]
    );
    check_example_requests(&server);
    for request in server.received_requests() {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }

    // No zone: a usage error, before any request.
    let mut command = Command::new(support::example_binary("dns"));
    command
        .env_clear()
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env("CLOUDFLARE_BASE_URL", &url);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no zone"));
    assert_eq!(server.received_requests().len(), 6);
}
