//! The nine generated *Magic PCAP collection* endpoints over real HTTP on
//! 127.0.0.1, called only through the generated API
//! (`client.magic_pcap_collection().<method>(..)`), and the `pcap` example
//! run end to end: in this process against a `testing::MockServer`, as a
//! binary against the scripted server.

mod support;

#[path = "../examples/pcap.rs"]
#[allow(dead_code)] // `main` and the glue only the binary uses.
mod example;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use futures_util::StreamExt;
use generated_client::magic_pcap_collection::{
    PcapCreateFull, PcapCreateRequest, PcapCreateSimple, PcapFilter, PcapRequest,
    PcapRequestStatus, PcapRequestSystem, PcapRequestType, PcapsOwnership, PcapsOwnershipRequest,
    PcapsOwnershipStatus, PcapsOwnershipValidateRequest,
};
use generated_client::runtime::{Method, StatusCode};
use generated_client::testing::{MockResponse, MockServer};
use generated_client::{Client, Error};
use serde_json::{Value, json};
use support::{Recorded, Reply, Server, TempDir};

const ACCOUNT: &str = "acc-1";
const TOKEN: &str = "tok-pcap-0123456789";
const PCAP_MEDIA_TYPE: &str = "application/vnd.tcpdump.pcap";
const BUCKET: &str = "s3://pcaps-bucket?region=us-east-1";

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token(TOKEN)
        .retry_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

/// A `PcapRequest` as the API returns it.
fn pcap_json(id: &str, status: &str) -> Value {
    json!({
        "id": id, "type": "simple", "system": "magic-transit", "status": status,
        "submitted": "2024-05-01T12:00:00Z", "time_limit": 10, "packet_limit": 100,
        "filter_v1": {}
    })
}

fn ownership_json(id: &str, status: &str) -> Value {
    json!({
        "id": id, "status": status, "submitted": "2024-05-01T12:00:00Z",
        "destination_conf": BUCKET, "filename": "ownership-challenge-9f8e7d.txt"
    })
}

/// Each request's method and target, and its body parsed as JSON (`None`
/// when empty); JSON bodies must say so in `Content-Type`.
fn check(requests: &[Recorded], expected: &[(&str, &str, Option<Value>)]) {
    let actual: Vec<(String, String, Option<Value>)> = requests
        .iter()
        .map(|r| {
            let body = (!r.body.is_empty()).then(|| {
                assert_eq!(r.header("content-type"), Some("application/json"), "{r:?}");
                r.json()
            });
            (r.method.clone(), r.target.clone(), body)
        })
        .collect();
    let expected: Vec<(String, String, Option<Value>)> = expected
        .iter()
        .map(|(m, t, b)| (m.to_string(), t.to_string(), b.clone()))
        .collect();
    assert_eq!(actual, expected);
}

// ---------------------------------------------------------------------------
// A real pcap file: the classic libpcap format, little-endian, Ethernet.

/// A pcap file with a global header and `count` UDP packets of varied sizes.
fn sample_pcap(count: u32) -> Vec<u8> {
    let mut file = Vec::new();
    file.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes()); // magic, microseconds
    file.extend_from_slice(&2u16.to_le_bytes()); // version 2.4
    file.extend_from_slice(&4u16.to_le_bytes());
    file.extend_from_slice(&0i32.to_le_bytes()); // thiszone
    file.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    file.extend_from_slice(&65_535u32.to_le_bytes()); // snaplen
    file.extend_from_slice(&1u32.to_le_bytes()); // LINKTYPE_ETHERNET
    for i in 0..count {
        let frame = udp_frame(i, 20 + (i as usize * 37) % 1400);
        file.extend_from_slice(&(1_714_564_800 + i / 10).to_le_bytes()); // ts_sec
        file.extend_from_slice(&((i % 10) * 100_000).to_le_bytes()); // ts_usec
        file.extend_from_slice(&(frame.len() as u32).to_le_bytes()); // incl_len
        file.extend_from_slice(&(frame.len() as u32).to_le_bytes()); // orig_len
        file.extend_from_slice(&frame);
    }
    file
}

/// Ethernet + IPv4 (valid header checksum) + UDP, documentation addresses.
fn udp_frame(seq: u32, payload_len: usize) -> Vec<u8> {
    let mut frame = Vec::new();
    frame.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00]);
    let total_len = (20 + 8 + payload_len) as u16;
    let mut ip = vec![0x45, 0];
    ip.extend_from_slice(&total_len.to_be_bytes());
    ip.extend_from_slice(&(seq as u16).to_be_bytes());
    ip.extend_from_slice(&[0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 7]);
    let sum = ip
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum::<u32>();
    let checksum = !(((sum & 0xffff) + (sum >> 16)) as u16);
    ip[10..12].copy_from_slice(&checksum.to_be_bytes());
    frame.extend_from_slice(&ip);
    frame.extend_from_slice(&40_000u16.to_be_bytes());
    frame.extend_from_slice(&53u16.to_be_bytes());
    frame.extend_from_slice(&((8 + payload_len) as u16).to_be_bytes());
    frame.extend_from_slice(&[0, 0]);
    frame.extend((0..payload_len).map(|j| (j as u32 ^ seq) as u8));
    frame
}

/// The packet lengths of a pcap file; panics unless it is one, exactly.
fn pcap_packets(file: &[u8]) -> Vec<usize> {
    assert_eq!(file[..4], 0xa1b2_c3d4u32.to_le_bytes(), "pcap magic");
    assert_eq!(u32::from_le_bytes(file[20..24].try_into().unwrap()), 1);
    let mut at = 24;
    let mut packets = Vec::new();
    while at < file.len() {
        let len = u32::from_le_bytes(file[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + len;
        packets.push(len);
    }
    assert_eq!(at, file.len(), "records end exactly at the end of the file");
    packets
}

fn pcap_reply(file: &[u8]) -> Reply {
    Reply::status(200)
        .header("content-type", PCAP_MEDIA_TYPE)
        .header(
            "content-disposition",
            "attachment; filename=\"capture.pcap\"",
        )
        .body(file.to_vec())
}

// ---------------------------------------------------------------------------
// Every endpoint.

#[tokio::test]
async fn every_endpoint_sends_its_method_path_and_body() {
    let file = sample_pcap(3);
    let server = Server::start([
        Reply::envelope(pcap_json("p-1", "pending")),
        Reply::envelope(json!([pcap_json("p-1", "pending")])),
        Reply::envelope(ownership_json("own-1", "pending")),
        Reply::envelope(json!([ownership_json("own-1", "pending")])),
        Reply::envelope(ownership_json("own-1", "success")),
        Reply::status(204),
        Reply::envelope(pcap_json("p-1", "complete")),
        pcap_reply(&file),
        Reply::status(204),
    ])
    .await;
    let api = client(&server).magic_pcap_collection();

    let created = api
        .create_pcap_request(ACCOUNT, &PcapCreateSimple::new(10.0, 100).into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.id.as_deref(), Some("p-1"));
    let listed = api.list_packet_capture_requests(ACCOUNT).await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&created));
    let added = api
        .add_buckets_for_full_packet_captures(ACCOUNT, &PcapsOwnershipRequest::new(BUCKET))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(added.status, Some(PcapsOwnershipStatus::Pending));
    let buckets = api.list_pcaps_bucket_ownership(ACCOUNT).await.unwrap();
    assert_eq!(buckets, std::slice::from_ref(&added));
    let validated = api
        .validate_buckets_for_full_packet_captures(
            ACCOUNT,
            &PcapsOwnershipValidateRequest::new(BUCKET, added.filename.clone().unwrap()),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(validated.status, Some(PcapsOwnershipStatus::Success));
    let () = api
        .delete_buckets_for_full_packet_captures(ACCOUNT, "own-1")
        .await
        .unwrap();
    let got = api.get_pcap_request(ACCOUNT, "p-1").await.unwrap().unwrap();
    assert_eq!(got.status, Some(PcapRequestStatus::Complete));
    let downloaded = api
        .download_simple_pcap(ACCOUNT, "p-1")
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(downloaded, file);
    let () = api.stop_full_pcap(ACCOUNT, "p-1").await.unwrap();

    check(
        &server.requests(),
        &[
            (
                "POST",
                "/accounts/acc-1/pcaps",
                Some(json!({"type": "simple", "system": "magic-transit",
                            "time_limit": 10, "packet_limit": 100})),
            ),
            ("GET", "/accounts/acc-1/pcaps", None),
            (
                "POST",
                "/accounts/acc-1/pcaps/ownership",
                Some(json!({"destination_conf": BUCKET})),
            ),
            ("GET", "/accounts/acc-1/pcaps/ownership", None),
            (
                "POST",
                "/accounts/acc-1/pcaps/ownership/validate",
                Some(json!({"destination_conf": BUCKET,
                            "ownership_challenge": "ownership-challenge-9f8e7d.txt"})),
            ),
            ("DELETE", "/accounts/acc-1/pcaps/ownership/own-1", None),
            ("GET", "/accounts/acc-1/pcaps/p-1", None),
            ("GET", "/accounts/acc-1/pcaps/p-1/download", None),
            ("PUT", "/accounts/acc-1/pcaps/p-1/stop", None),
        ],
    );
}

// ---------------------------------------------------------------------------
// Typed request bodies.

#[tokio::test]
async fn create_simple_sends_exactly_the_typed_json() {
    let server = Server::repeat(Reply::envelope(pcap_json("p-1", "pending"))).await;
    let api = client(&server).magic_pcap_collection();

    api.create_pcap_request(ACCOUNT, &PcapCreateSimple::new(10.0, 100).into())
        .await
        .unwrap();
    let mut with_options = PcapCreateSimple::new(300.0, 10_000);
    with_options.filter_v1 = Some(PcapFilter {
        source_address: Some("192.0.2.1".into()),
        destination_port: Some(443),
        ..PcapFilter::default()
    });
    with_options.offset_time = Some("2024-05-01T11:30:00Z".into());
    api.create_pcap_request(ACCOUNT, &PcapCreateRequest::Simple(with_options))
        .await
        .unwrap();

    let bodies: Vec<String> = server.requests().iter().map(Recorded::body_text).collect();
    assert_eq!(
        bodies,
        [
            // Optional fields left `None` are absent, not `null`; whole
            // numbers are integers, even in a `number` field (`time_limit`).
            r#"{"type":"simple","system":"magic-transit","time_limit":10,"packet_limit":100}"#,
            r#"{"type":"simple","system":"magic-transit","time_limit":300,"packet_limit":10000,"filter_v1":{"source_address":"192.0.2.1","destination_port":443},"offset_time":"2024-05-01T11:30:00Z"}"#,
        ]
    );
}

#[tokio::test]
async fn create_full_sends_exactly_the_typed_json() {
    let server = Server::repeat(Reply::envelope(json!({
        "id": "f-1", "type": "full", "system": "magic-transit", "status": "running",
        "time_limit": 3600, "colo_name": "ord02", "destination_conf": BUCKET,
        "byte_limit": 500000000, "packets_captured": 0
    })))
    .await;
    let api = client(&server).magic_pcap_collection();

    let full = PcapCreateFull::new(3600.0, "ord02", BUCKET);
    let created = api
        .create_pcap_request(ACCOUNT, &full.clone().into())
        .await
        .unwrap()
        .unwrap();
    let mut limited = full;
    limited.byte_limit = Some(500_000_000);
    limited.filter_v1 = Some(PcapFilter {
        protocol: Some(6),
        ..PcapFilter::default()
    });
    api.create_pcap_request(ACCOUNT, &limited.into())
        .await
        .unwrap();

    assert_eq!(created.r#type, Some(PcapRequestType::Full));
    assert_eq!(created.status, Some(PcapRequestStatus::Running));
    assert_eq!(created.colo_name.as_deref(), Some("ord02"));
    assert_eq!(created.packets_captured, Some(0));
    let bodies: Vec<String> = server.requests().iter().map(Recorded::body_text).collect();
    assert_eq!(
        bodies,
        [
            r#"{"type":"full","system":"magic-transit","time_limit":3600,"colo_name":"ord02","destination_conf":"s3://pcaps-bucket?region=us-east-1"}"#,
            r#"{"type":"full","system":"magic-transit","time_limit":3600,"colo_name":"ord02","destination_conf":"s3://pcaps-bucket?region=us-east-1","filter_v1":{"protocol":6},"byte_limit":500000000}"#,
        ]
    );
}

#[tokio::test]
async fn untyped_body_overrides_the_typed_one() {
    let server = Server::repeat(Reply::envelope(pcap_json("p-1", "pending"))).await;
    let api = client(&server).magic_pcap_collection();
    let raw = json!({
        "type": "simple", "system": "magic-transit", "time_limit": 5, "packet_limit": 10,
        "field_from_the_future": {"x": [1, 2]}
    });
    api.create_pcap_request(ACCOUNT, &PcapCreateSimple::new(10.0, 100).into())
        .body(&raw)
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), raw);
}

// ---------------------------------------------------------------------------
// Decoding results.

#[tokio::test]
async fn get_decodes_every_field() {
    let server = Server::start([Reply::envelope(json!({
        "id": "f-9", "type": "full", "system": "magic-transit", "status": "failed",
        "submitted": "2024-05-01T12:00:00Z", "time_limit": 600,
        "filter_v1": {"source_address": "192.0.2.1", "destination_address": "198.51.100.7",
                      "source_port": 40000, "destination_port": 53, "protocol": 17},
        "offset_time": "2024-05-01T11:00:00Z", "packet_limit": 5000, "byte_limit": 1000000,
        "colo_name": "ams01", "destination_conf": BUCKET,
        "error_message": "bucket not writable", "packets_captured": 1234,
        "stop_requested": "2024-05-01T12:05:00Z"
    }))])
    .await;
    let api = client(&server).magic_pcap_collection();
    let pcap = api.get_pcap_request(ACCOUNT, "f-9").await.unwrap().unwrap();
    assert_eq!(
        pcap,
        PcapRequest {
            id: Some("f-9".into()),
            r#type: Some(PcapRequestType::Full),
            system: Some(PcapRequestSystem::MagicTransit),
            status: Some(PcapRequestStatus::Failed),
            submitted: Some("2024-05-01T12:00:00Z".into()),
            time_limit: Some(600.0),
            filter_v1: Some(PcapFilter {
                source_address: Some("192.0.2.1".into()),
                destination_address: Some("198.51.100.7".into()),
                source_port: Some(40000),
                destination_port: Some(53),
                protocol: Some(17),
                extra: Default::default(),
            }),
            offset_time: Some("2024-05-01T11:00:00Z".into()),
            packet_limit: Some(5000),
            byte_limit: Some(1_000_000),
            colo_name: Some("ams01".into()),
            destination_conf: Some(BUCKET.into()),
            error_message: Some("bucket not writable".into()),
            packets_captured: Some(1234),
            stop_requested: Some("2024-05-01T12:05:00Z".into()),
            extra: Default::default(),
        }
    );
}

#[tokio::test]
async fn open_enums_keep_known_and_future_values() {
    let statuses = [
        ("unknown", PcapRequestStatus::Unknown),
        ("success", PcapRequestStatus::Success),
        ("pending", PcapRequestStatus::Pending),
        ("running", PcapRequestStatus::Running),
        ("conversion_pending", PcapRequestStatus::ConversionPending),
        ("conversion_running", PcapRequestStatus::ConversionRunning),
        ("complete", PcapRequestStatus::Complete),
        ("failed", PcapRequestStatus::Failed),
        (
            "archived_by_future_api",
            PcapRequestStatus::Other("archived_by_future_api".into()),
        ),
    ];
    let mut list: Vec<Value> = statuses
        .iter()
        .enumerate()
        .map(|(i, (wire, _))| pcap_json(&format!("p-{i}"), wire))
        .collect();
    // Future values of the other enums, unknown extra fields, missing fields.
    list.push(json!({
        "id": "p-x", "type": "sampled", "system": "magic-wan", "new_field": {"a": 1},
        "packets_captured": 7
    }));
    let server = Server::start([Reply::json(
        200,
        json!({"success": true, "errors": [], "messages": [], "result": list,
               "result_info": {"page": 1, "per_page": 20, "count": 10, "total_count": 10}}),
    )])
    .await;
    let api = client(&server).magic_pcap_collection();

    let listed = api.list_packet_capture_requests(ACCOUNT).await.unwrap();
    let decoded: Vec<Option<PcapRequestStatus>> = listed.iter().map(|p| p.status.clone()).collect();
    let mut expected: Vec<Option<PcapRequestStatus>> =
        statuses.iter().map(|(_, s)| Some(s.clone())).collect();
    expected.push(None);
    assert_eq!(decoded, expected);
    for ((wire, status), pcap) in statuses.iter().zip(&listed) {
        assert_eq!(status.as_str(), *wire);
        assert_eq!(pcap.r#type, Some(PcapRequestType::Simple));
        assert_eq!(pcap.system, Some(PcapRequestSystem::MagicTransit));
        assert_eq!(pcap.filter_v1, Some(PcapFilter::default()));
    }
    let future = listed.last().unwrap();
    assert_eq!(
        future.r#type,
        Some(PcapRequestType::Other("sampled".into()))
    );
    assert_eq!(
        future.system,
        Some(PcapRequestSystem::Other("magic-wan".into()))
    );
    assert_eq!(future.packets_captured, Some(7));
    assert_eq!(future.submitted, None);
    // An unknown value goes back on the wire unchanged, and so does a key
    // the type does not declare.
    assert_eq!(future.extra["new_field"], json!({"a": 1}));
    assert_eq!(
        serde_json::to_value(future).unwrap(),
        json!({"id": "p-x", "type": "sampled", "system": "magic-wan", "packets_captured": 7, "new_field": {"a": 1}})
    );
}

#[tokio::test]
async fn ownership_required_fields_and_future_status() {
    let mut future = ownership_json("own-2", "revoked_later");
    future["validated"] = json!("2024-05-02T00:00:00Z");
    future["unexpected"] = json!(true);
    let server = Server::start([Reply::envelope(json!([
        ownership_json("own-1", "pending"),
        future
    ]))])
    .await;
    let api = client(&server).magic_pcap_collection();
    let buckets = api.list_pcaps_bucket_ownership(ACCOUNT).await.unwrap();
    let mut expected_future = PcapsOwnership::new(
        "own-2",
        PcapsOwnershipStatus::Other("revoked_later".into()),
        "2024-05-01T12:00:00Z",
        BUCKET,
        "ownership-challenge-9f8e7d.txt",
    );
    expected_future.validated = Some("2024-05-02T00:00:00Z".into());
    // A key the type does not declare is kept.
    expected_future
        .extra
        .insert("unexpected".into(), json!(true));
    assert_eq!(
        buckets,
        [
            PcapsOwnership::new(
                "own-1",
                PcapsOwnershipStatus::Pending,
                "2024-05-01T12:00:00Z",
                BUCKET,
                "ownership-challenge-9f8e7d.txt",
            ),
            expected_future,
        ]
    );
}

/// The description calls `filename` required; an answer without it is
/// still the bucket, with `filename` empty (the description is stricter
/// than the API, so answers' fields are `Option`s), and nothing to account
/// for. Its `id`, which every answer has, stays plain.
#[tokio::test]
async fn ownership_without_a_field_the_description_requires_is_still_the_bucket() {
    let mut incomplete = ownership_json("own-1", "pending");
    incomplete.as_object_mut().unwrap().remove("filename");
    let server = Server::start([Reply::envelope(incomplete.clone())]).await;
    let api = client(&server).magic_pcap_collection();
    let (added, meta) = api
        .add_buckets_for_full_packet_captures(ACCOUNT, &PcapsOwnershipRequest::new(BUCKET))
        .send_with_meta()
        .await
        .unwrap();
    let added = added.unwrap();
    assert_eq!(added.id, "own-1");
    assert_eq!(added.filename, None);
    assert!(meta.mismatches().is_empty() && added.extra.fits());
    assert_eq!(serde_json::to_value(&added).unwrap(), incomplete);
    assert_eq!(server.hits(), 1, "a POST that was answered is not re-sent");
}

// ---------------------------------------------------------------------------
// Download and no-content endpoints.

#[tokio::test]
async fn download_is_the_exact_pcap_via_bytes_file_and_stream() {
    let file = sample_pcap(60);
    assert_eq!(pcap_packets(&file).len(), 60);
    let server = Server::repeat(pcap_reply(&file)).await;
    let api = client(&server).magic_pcap_collection();
    let dir = TempDir::new("pcap-download");

    let raw = api.download_simple_pcap(ACCOUNT, "p-1").await.unwrap();
    assert_eq!(raw.status(), StatusCode::OK);
    assert_eq!(raw.content_length(), Some(file.len() as u64));
    assert_eq!(raw.headers()["content-type"], PCAP_MEDIA_TYPE);
    assert_eq!(raw.bytes().await.unwrap(), file);

    let target = dir.path().join("capture.pcap");
    let written = api
        .download_simple_pcap(ACCOUNT, "p-1")
        .await
        .unwrap()
        .write_to(&target)
        .await
        .unwrap();
    assert_eq!(written, file.len() as u64);
    assert_eq!(std::fs::read(&target).unwrap(), file);
    assert_eq!(dir.entries(), ["capture.pcap"], "no temporary file is left");

    let mut stream = api
        .download_simple_pcap(ACCOUNT, "p-1")
        .await
        .unwrap()
        .stream();
    let mut streamed = Vec::new();
    while let Some(chunk) = stream.next().await {
        streamed.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(streamed, file);
    assert_eq!(pcap_packets(&streamed).len(), 60);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/accounts/acc-1/pcaps/p-1/download");
        let accept: Vec<&str> = request
            .headers
            .iter()
            .filter(|(name, _)| name == "accept")
            .map(|(_, value)| value.as_str())
            .collect();
        assert_eq!(accept, [PCAP_MEDIA_TYPE]);
    }
}

#[tokio::test]
async fn delete_and_stop_answer_no_content() {
    let server = Server::start([
        Reply::status(204),
        // A body on a success is ignored too.
        Reply::status(200).body("{\"success\":true}"),
        Reply::status(204),
    ])
    .await;
    let api = client(&server).magic_pcap_collection();
    let () = api
        .delete_buckets_for_full_packet_captures(ACCOUNT, "own-1")
        .await
        .unwrap();
    let () = api
        .delete_buckets_for_full_packet_captures(ACCOUNT, "own-2")
        .await
        .unwrap();
    let ((), meta) = api
        .stop_full_pcap(ACCOUNT, "f-1")
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(meta.status, StatusCode::NO_CONTENT);
    check(
        &server.requests(),
        &[
            ("DELETE", "/accounts/acc-1/pcaps/ownership/own-1", None),
            ("DELETE", "/accounts/acc-1/pcaps/ownership/own-2", None),
            ("PUT", "/accounts/acc-1/pcaps/f-1/stop", None),
        ],
    );
}

// ---------------------------------------------------------------------------
// Errors, paths, auth, metadata.

fn not_found() -> Reply {
    Reply::json(
        404,
        json!({
            "success": false,
            "errors": [{
                "code": 1003, "message": "Invalid or missing PCAP id",
                "documentation_url": "https://developers.cloudflare.com/magic-transit/",
                "source": {"pointer": "/pcap_id"}
            }],
            "messages": [], "result": null
        }),
    )
    .header("cf-ray", "8f00aa11bb22cc33-LHR")
}

#[tokio::test]
async fn error_envelope_is_a_typed_error() {
    let server = Server::start([not_found(), not_found()]).await;
    let api = client(&server).magic_pcap_collection();

    let err = api.get_pcap_request(ACCOUNT, "nope").await.unwrap_err();
    assert!(err.is_not_found() && !err.is_auth() && !err.is_timeout());
    assert_eq!(err.codes(), [1003]);
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    let api_err = err.api().unwrap();
    assert_eq!(api_err.method, Method::GET);
    assert_eq!(api_err.path, "/accounts/{account_id}/pcaps/{pcap_id}");
    assert_eq!(api_err.cf_ray.as_deref(), Some("8f00aa11bb22cc33-LHR"));
    let message = &api_err.errors[0];
    assert_eq!(message.code, Some(1003));
    assert_eq!(message.message, "Invalid or missing PCAP id");
    assert_eq!(
        message.documentation_url.as_deref(),
        Some("https://developers.cloudflare.com/magic-transit/")
    );
    assert_eq!(
        message.source.as_ref().and_then(|s| s.pointer.as_deref()),
        Some("/pcap_id")
    );
    assert_eq!(
        err.to_string(),
        "GET /accounts/{account_id}/pcaps/{pcap_id}: 404 Not Found: \
         [1003] Invalid or missing PCAP id (at /pcap_id) (cf-ray 8f00aa11bb22cc33-LHR)"
    );

    // The download endpoint answers errors in JSON too, despite its Accept.
    let err = api.download_simple_pcap(ACCOUNT, "nope").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.codes(), [1003]);
    assert_eq!(server.hits(), 2, "a 404 is not retried");
}

#[tokio::test]
async fn path_values_stay_one_segment() {
    let server = Server::repeat(Reply::status(204)).await;
    let api = client(&server).magic_pcap_collection();
    api.stop_full_pcap("../x", "a/b").await.unwrap();
    api.delete_buckets_for_full_packet_captures("a b", "../x")
        .await
        .unwrap();
    api.stop_full_pcap("a/b", "a b").await.unwrap();
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/accounts/..%2Fx/pcaps/a%2Fb/stop",
            "/accounts/a%20b/pcaps/ownership/..%2Fx",
            "/accounts/a%2Fb/pcaps/a%20b/stop",
        ]
    );

    // `..` itself can not be encoded safely; it is refused before sending.
    let err = api.get_pcap_request(ACCOUNT, "..").await.unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn token_and_api_key_headers() {
    let server = Server::repeat(Reply::envelope(json!([]))).await;
    client(&server)
        .magic_pcap_collection()
        .list_packet_capture_requests(ACCOUNT)
        .await
        .unwrap();
    let with_key = Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_key("ops@example.com", "global-key-abc123")
        .build()
        .unwrap();
    with_key
        .magic_pcap_collection()
        .list_pcaps_bucket_ownership(ACCOUNT)
        .await
        .unwrap();

    let requests = server.requests();
    let auth = |r: &Recorded| {
        ["authorization", "x-auth-email", "x-auth-key"]
            .map(|name| r.header(name).map(str::to_owned))
    };
    assert_eq!(
        auth(&requests[0]),
        [Some(format!("Bearer {TOKEN}")), None, None]
    );
    assert_eq!(
        auth(&requests[1]),
        [
            None,
            Some("ops@example.com".into()),
            Some("global-key-abc123".into())
        ]
    );
}

#[tokio::test]
async fn send_with_meta_exposes_cf_ray() {
    let server = Server::start([Reply::envelope(json!([pcap_json("p-1", "running")]))
        .header("cf-ray", "7d1e2f3a4b5c6d7e-SJC")])
    .await;
    let (list, meta) = client(&server)
        .magic_pcap_collection()
        .list_packet_capture_requests(ACCOUNT)
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(list[0].status, Some(PcapRequestStatus::Running));
    assert_eq!(meta.status, StatusCode::OK);
    assert_eq!(meta.cf_ray(), Some("7d1e2f3a4b5c6d7e-SJC"));
}

// ---------------------------------------------------------------------------
// The `pcap` example, end to end.

/// What the example's server sees on a successful run with `--bucket`: the
/// replies, and the requests they answer.
fn example_script(file: &[u8]) -> (Vec<Reply>, Vec<(&'static str, &'static str)>) {
    let listed = |id: &str, page: u64| {
        Reply::json(
            200,
            json!({"success": true, "errors": [], "messages": [],
                   "result": [pcap_json(id, "complete")],
                   "result_info": {"page": page, "per_page": 1, "count": 1, "total_count": 2}}),
        )
    };
    let script = vec![
        // Two pages of captures: the example lists them all.
        listed("old-1", 1),
        listed("old-2", 2),
        Reply::envelope(pcap_json("p-new", "pending")),
        Reply::envelope(pcap_json("p-new", "running")),
        Reply::envelope(pcap_json("p-new", "conversion_running")),
        Reply::envelope(pcap_json("p-new", "complete")),
        pcap_reply(file),
        Reply::envelope(json!([])),
        Reply::envelope(ownership_json("own-7", "pending")),
    ];
    let requests = vec![
        ("GET", "/accounts/acc-1/pcaps"),
        ("GET", "/accounts/acc-1/pcaps?page=2"),
        ("POST", "/accounts/acc-1/pcaps"),
        ("GET", "/accounts/acc-1/pcaps/p-new"),
        ("GET", "/accounts/acc-1/pcaps/p-new"),
        ("GET", "/accounts/acc-1/pcaps/p-new"),
        ("GET", "/accounts/acc-1/pcaps/p-new/download"),
        ("GET", "/accounts/acc-1/pcaps/ownership"),
        ("POST", "/accounts/acc-1/pcaps/ownership"),
    ];
    (script, requests)
}

fn methods_and_paths(server: &Server) -> Vec<(String, String)> {
    server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.target))
        .collect()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The example's logic in this process: option parsing and `run`, against
/// the `testing` feature's `MockServer`, as a user would test such a
/// program: each call mocked through its generated method with typed
/// values, the capture's progress a sequence of one-shot mocks (`times`).
#[tokio::test]
async fn example_runs_end_to_end_in_process() {
    let file = sample_pcap(25);
    let server = MockServer::start().await;
    let pcap = |id: &str, status: &str| -> PcapRequest {
        serde_json::from_value(pcap_json(id, status)).unwrap()
    };
    server
        .on(|cf| {
            cf.magic_pcap_collection()
                .list_packet_capture_requests(ACCOUNT)
        })
        .expect(2)
        .respond_pages([[pcap("old-1", "complete")], [pcap("old-2", "complete")]]);
    let create: PcapCreateRequest = PcapCreateSimple::new(10.0, 100).into();
    server
        .on(|cf| {
            cf.magic_pcap_collection()
                .create_pcap_request(ACCOUNT, &create)
        })
        .expect(1)
        .respond(pcap("p-new", "pending"));
    for status in ["running", "conversion_running", "complete"] {
        server
            .on(|cf| {
                cf.magic_pcap_collection()
                    .get_pcap_request(ACCOUNT, "p-new")
            })
            .times(1)
            .expect(1)
            .respond(pcap("p-new", status));
    }
    server
        .on(|cf| {
            cf.magic_pcap_collection()
                .download_simple_pcap(ACCOUNT, "p-new")
        })
        .expect(1)
        .respond_with(
            MockResponse::new(StatusCode::OK)
                .header("content-type", PCAP_MEDIA_TYPE)
                .body(file.clone()),
        );
    server
        .on(|cf| {
            cf.magic_pcap_collection()
                .list_pcaps_bucket_ownership(ACCOUNT)
        })
        .expect(1)
        .respond([]);
    let added: PcapsOwnership = serde_json::from_value(ownership_json("own-7", "pending")).unwrap();
    server
        .on(|cf| {
            cf.magic_pcap_collection()
                .add_buckets_for_full_packet_captures(ACCOUNT, &PcapsOwnershipRequest::new(BUCKET))
        })
        .expect(1)
        .respond(added);

    let dir = TempDir::new("example");
    let out = dir.path().join("out.pcap");
    let argv = args(&[
        "--bucket",
        BUCKET,
        "--out",
        out.to_str().unwrap(),
        "--interval=0.001",
        "--polls",
        "5",
        "--quiet",
    ]);
    let env = |name: &str| (name == "CLOUDFLARE_ACCOUNT_ID").then(|| ACCOUNT.to_owned());
    let options = example::Options::parse(&argv, env).unwrap().unwrap();
    assert_eq!(options.account_id, ACCOUNT);

    let outcome = example::run(&server.client(), &options).await.unwrap();

    assert_eq!(outcome.pcap_id, "p-new");
    assert_eq!(outcome.file, out);
    assert_eq!(outcome.bytes, file.len() as u64);
    assert_eq!(outcome.added_bucket.as_deref(), Some("own-7"));
    assert_eq!(std::fs::read(&out).unwrap(), file);
    assert_eq!(dir.entries(), ["out.pcap"]);
    assert!(server.unmatched_requests().is_empty());
    // The create body as the API takes it: whole numbers as integers.
    let created: Value = server.received_requests()[2].json().unwrap();
    assert_eq!(
        created,
        json!({"type": "simple", "system": "magic-transit", "time_limit": 10, "packet_limit": 100})
    );
}

#[test]
fn example_options() {
    let none = |_: &str| None;
    let parse = |list: &[&str]| example::Options::parse(&args(list), none);
    let options = parse(&[
        "acc-9",
        "--time-limit",
        "30",
        "--packet-limit=500",
        "-o",
        "x.pcap",
    ])
    .unwrap()
    .unwrap();
    assert_eq!(
        (
            options.account_id.as_str(),
            options.time_limit,
            options.packet_limit
        ),
        ("acc-9", 30.0, 500)
    );
    assert_eq!(options.out, Some(PathBuf::from("x.pcap")));
    assert_eq!(
        (
            options.polls,
            options.interval,
            options.bucket,
            options.quiet
        ),
        (60, Duration::from_secs(5), None, false)
    );
    assert!(parse(&["acc", "--help"]).unwrap().is_none());
    let failures: [(&[&str], &str); 6] = [
        (&[], "no account"),
        (&["acc", "--time-limit", "301"], "--time-limit must be"),
        (&["acc", "--polls", "0"], "--polls must be"),
        (&["acc", "--bucket"], "--bucket needs a value"),
        (&["acc", "--verbose"], "unknown option --verbose"),
        (&["acc", "extra"], "unexpected argument"),
    ];
    for (bad, message) in failures {
        let failure = parse(bad).unwrap_err();
        assert_eq!(failure.code, 2, "{bad:?}");
        assert!(
            failure.message.contains(message),
            "{bad:?}: {}",
            failure.message
        );
    }
}

/// Runs the example binary in `dir` with only the given environment.
///
/// The wait happens on a blocking thread: the scripted server runs on this
/// test's single-threaded runtime and must keep answering meanwhile.
async fn run_example(dir: &Path, env: &[(&str, &str)], argv: &[&str]) -> Output {
    let mut command = Command::new(support::example_binary("pcap"));
    command
        .args(argv)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    eprintln!(
        "example {argv:?} -> {}\n--- stdout\n{}--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[tokio::test]
async fn example_binary_runs_end_to_end() {
    let file = sample_pcap(25);
    let (script, expected) = example_script(&file);
    let server = Server::start(script).await;
    let dir = TempDir::new("example-bin");
    let url = format!("{}/", server.url());
    let output = run_example(
        dir.path(),
        &[
            ("CLOUDFLARE_API_TOKEN", TOKEN),
            ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT),
            ("CLOUDFLARE_BASE_URL", &url),
        ],
        &["--bucket", BUCKET, "--interval", "0.001", "--polls", "4"],
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("2 packet capture(s)"), "{stdout}");
    let old = stdout.find("old-1").zip(stdout.find("old-2"));
    assert!(old.is_some_and(|(a, b)| a < b), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "saved capture p-new to pcap-p-new.pcap ({} bytes)",
            file.len()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("registered bucket s3://pcaps-bucket?region=us-east-1 as own-7"));
    assert!(
        stdout.contains("ownership-challenge-9f8e7d.txt"),
        "{stdout}"
    );
    assert!(
        stdout.contains("started simple capture p-new (pending)"),
        "{stdout}"
    );
    for status in ["running", "conversion_running", "complete"] {
        assert!(
            stderr.contains(&format!("capture p-new: {status}\n")),
            "{stderr}"
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("pcap-p-new.pcap")).unwrap(),
        file
    );
    assert_eq!(dir.entries(), ["pcap-p-new.pcap"]);
    assert_eq!(methods_and_paths(&server), owned(&expected));
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}")))
    );
}

/// Failures: message on stderr and the documented exit code.
#[tokio::test]
async fn example_binary_exit_codes() {
    struct Case {
        script: Vec<Reply>,
        env: &'static [(&'static str, &'static str)],
        args: &'static [&'static str],
        code: i32,
        stderr: &'static str,
    }
    let pending = || Reply::envelope(pcap_json("p-new", "pending"));
    let mut failed = pcap_json("p-new", "failed");
    failed["error_message"] = json!("colo unavailable");
    let forbidden = Reply::json(
        403,
        json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}]}),
    );
    let cases = [
        Case {
            script: vec![],
            env: &[],
            args: &["acc-1"],
            code: 2,
            stderr: "no credentials in the environment",
        },
        Case {
            script: vec![],
            env: &[("CLOUDFLARE_API_TOKEN", TOKEN)],
            args: &[],
            code: 2,
            stderr: "no account",
        },
        Case {
            script: vec![forbidden],
            env: &[("CLOUDFLARE_API_TOKEN", TOKEN)],
            args: &["acc-1"],
            code: 1,
            stderr: "listing packet captures: GET /accounts/{account_id}/pcaps: 403 Forbidden: \
                     [10000] Authentication error\nhint: check CLOUDFLARE_API_TOKEN",
        },
        Case {
            script: vec![
                Reply::envelope(json!([])),
                pending(),
                Reply::envelope(failed),
            ],
            // The global API key, and the account as the argument.
            env: &[
                ("CLOUDFLARE_EMAIL", "ops@example.com"),
                ("CLOUDFLARE_API_KEY", "k-1"),
            ],
            args: &["acc-1", "--interval", "0"],
            code: 3,
            stderr: "capture p-new failed: colo unavailable",
        },
        Case {
            script: vec![Reply::envelope(json!([])), pending(), pending(), pending()],
            env: &[("CLOUDFLARE_API_TOKEN", TOKEN)],
            args: &["acc-1", "--interval", "0", "--polls", "2"],
            code: 4,
            stderr: "capture p-new is still pending after 2 checks",
        },
    ];
    let dir = TempDir::new("example-exit");
    for case in cases {
        let server = Server::start(case.script).await;
        let url = server.url();
        let mut env = case.env.to_vec();
        env.push(("CLOUDFLARE_BASE_URL", &url));
        let output = run_example(dir.path(), &env, case.args).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(case.code),
            "{:?}: {stderr}",
            case.args
        );
        assert!(stderr.contains(case.stderr), "{:?}: {stderr}", case.args);
    }
    assert_eq!(dir.entries(), Vec::<String>::new(), "no file on failure");
}
