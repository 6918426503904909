//! The README's first example, the PCAP program, run against a
//! `MockServer`: the function below is the README's, word for word (the
//! first test checks that), so the example a new user copies first is
//! known to compile and to do what it says over HTTP.

use generated_client::magic_pcap_collection::{PcapCreateRequest, PcapCreateSimple, PcapRequest};
use generated_client::runtime::StatusCode;
use generated_client::testing::{MockResponse, MockServer};

// README: begin
use generated_client::{Client, Error};

async fn capture(client: &Client, account: &str) -> Result<(), Error> {
    let pcap = client.magic_pcap_collection();
    for capture in pcap.list_packet_capture_requests(account).all().await? {
        println!("{:?} {:?}", capture.id, capture.status);
    }
    let body: PcapCreateRequest = PcapCreateSimple::new(60.0, 1000).into();
    let created = pcap.create_pcap_request(account, &body).await?; // Option<PcapRequest>
    let id = created.and_then(|c| c.id).unwrap_or_default();
    // ... poll get_pcap_request until its status is `Complete`, then:
    let file = std::env::temp_dir().join("capture.pcap");
    pcap.download_simple_pcap(account, &id)
        .await?
        .write_to(&file)
        .await?;
    Ok(())
}
// README: end

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

#[test]
fn the_readme_shows_this_program() {
    let readme = include_str!("../../README.md");
    let block = readme
        .split("```rust,no_run\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the README opens with a Rust example");
    let ours = include_str!("readme.rs");
    let ours = ours
        .split("// README: begin\n")
        .nth(1)
        .and_then(|rest| rest.split("// README: end").next())
        .unwrap();
    for line in ours.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            block.lines().any(|b| b == line),
            "the README's first example lacks this line of the tested program:\n{line}"
        );
    }
    let function = &block[block.find("async fn capture").unwrap()..];
    assert!(
        ours.contains(function.trim_end()),
        "the README's `capture` differs from the tested one:\n{function}"
    );
}

#[tokio::test]
async fn the_readme_program_runs_against_a_mock_server() {
    let server = MockServer::start().await;
    let request = |id: &str, status: &str| -> PcapRequest {
        serde_json::from_value(serde_json::json!({ "id": id, "status": status })).unwrap()
    };
    server
        .on(|cf| {
            cf.magic_pcap_collection()
                .list_packet_capture_requests(ACCOUNT)
        })
        .expect(2)
        .respond_pages([[request("old-1", "success")], [request("old-2", "success")]]);
    let body: PcapCreateRequest = PcapCreateSimple::new(60.0, 1000).into();
    server
        .on(|cf| {
            cf.magic_pcap_collection()
                .create_pcap_request(ACCOUNT, &body)
        })
        .expect(1)
        .respond(request("new-1", "pending"));
    server
        .on(|cf| {
            cf.magic_pcap_collection()
                .download_simple_pcap(ACCOUNT, "new-1")
        })
        .expect(1)
        .respond_with(
            MockResponse::new(StatusCode::OK)
                .header("content-type", "application/vnd.tcpdump.pcap")
                .body(&b"\xd4\xc3\xb2\xa1 pcap bytes"[..]),
        );

    capture(&server.client(), ACCOUNT).await.unwrap();

    let written = std::fs::read(std::env::temp_dir().join("capture.pcap")).unwrap();
    assert_eq!(written, b"\xd4\xc3\xb2\xa1 pcap bytes");
    let sent = server.received_requests();
    let created: serde_json::Value = serde_json::from_slice(&sent[2].body).unwrap();
    assert_eq!(created["time_limit"], 60);
    assert_eq!(created["packet_limit"], 1000);
    server.verify();
}
