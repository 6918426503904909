//! The `blocking` feature: the generated API without `async`, against a real
//! server on 127.0.0.1.

mod support;

use generated_client::magic_pcap_collection::{PcapsOwnershipRequest, PcapsOwnershipStatus};
use generated_client::{Client, Error};
use serde_json::json;
use support::{Reply, Server, TempDir};

/// The test server runs on its own runtime's worker threads; the test
/// thread itself stays synchronous, like a caller of the blocking API.
fn server(script: Vec<Reply>) -> (tokio::runtime::Runtime, Server) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(Server::start(script));
    (runtime, server)
}

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("tok-blocking")
        .build()
        .unwrap()
}

#[test]
fn requests_and_downloads_without_async() {
    let owned = json!({
        "id": "b1", "status": "pending", "submitted": "2024-05-01T12:00:00Z",
        "destination_conf": "s3://bucket", "filename": "challenge.txt"
    });
    let (_runtime, server) = server(vec![
        Reply::envelope(owned.clone()),
        Reply::envelope(json!([owned])),
        Reply::status(200).body(b"\xd4\xc3\xb2\xa1pcap".to_vec()),
        Reply::status(200).body(b"second".to_vec()),
        Reply::status(204),
        Reply::envelope(owned.clone()),
    ]);
    let pcap = client(&server).magic_pcap_collection();

    let added = pcap
        .add_buckets_for_full_packet_captures(
            "acc",
            &PcapsOwnershipRequest::new("s3://bucket".to_owned()),
        )
        .send_blocking()
        .unwrap()
        .unwrap();
    assert_eq!(added.status, Some(PcapsOwnershipStatus::Pending));
    let (listed, meta) = pcap
        .list_pcaps_bucket_ownership("acc")
        .send_with_meta_blocking()
        .unwrap();
    assert_eq!((listed.len(), meta.status.as_u16()), (1, 200));

    let bytes = pcap
        .download_simple_pcap("acc", "p1")
        .send_blocking()
        .unwrap()
        .bytes_blocking()
        .unwrap();
    assert_eq!(&bytes[..], b"\xd4\xc3\xb2\xa1pcap");
    let dir = TempDir::new("blocking");
    let file = dir.path().join("capture.pcap");
    let written = pcap
        .download_simple_pcap("acc", "p1")
        .send_blocking()
        .unwrap()
        .write_to_blocking(&file)
        .unwrap();
    assert_eq!(
        (written, std::fs::read(&file).unwrap()),
        (6, b"second".to_vec())
    );

    pcap.stop_full_pcap("acc", "p1").send_blocking().unwrap();
    // Any request, read raw.
    let raw = pcap
        .list_pcaps_bucket_ownership("acc")
        .send_raw_blocking()
        .unwrap();
    assert_eq!(raw.status(), 200);
    let body: serde_json::Value = serde_json::from_slice(&raw.bytes_blocking().unwrap()).unwrap();
    assert_eq!(body["result"], owned);
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(
        paths,
        [
            "POST /accounts/acc/pcaps/ownership",
            "GET /accounts/acc/pcaps/ownership",
            "GET /accounts/acc/pcaps/p1/download",
            "GET /accounts/acc/pcaps/p1/download",
            "PUT /accounts/acc/pcaps/p1/stop",
            "GET /accounts/acc/pcaps/ownership",
        ]
    );
}

#[test]
fn blocking_inside_an_async_runtime_is_refused() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::builder().api_token("tok").build().unwrap();
    let err = runtime.block_on(async {
        client
            .magic_pcap_collection()
            .stop_full_pcap("a", "b")
            .send_blocking()
    });
    assert!(
        matches!(err, Err(Error::Config(ref m)) if m.contains("inside an async runtime")),
        "{err:?}"
    );
}
