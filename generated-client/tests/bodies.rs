//! Request bodies that are not JSON, over HTTP on 127.0.0.1: bytes, a file
//! read as it is sent, a stream, and NDJSON lines written as they go out;
//! each with its content type and length, retried only when it can be
//! sent again.

mod support;

use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use generated_client::runtime::{Binary, Method};
use generated_client::{Client, Error};
use serde::Serialize;
use serde_json::json;
use support::{Reply, Server, TempDir};

const RUN: &str = "/accounts/{account_id}/ai/run/@cf/microsoft/resnet-50";
const INSERT: &str = "/accounts/{account_id}/vectorize/v2/indexes/{index_name}/insert";

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("bodies-test-token")
        .retry_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

fn ok() -> Reply {
    Reply::envelope(json!({"ok": true}))
}

#[tokio::test]
async fn bytes_go_with_their_content_type_and_are_sent_again_by_a_retry() {
    let server = Server::start([Reply::status(503), ok()]).await;
    let client = client(&server);
    let image: Vec<u8> = (0..=255).collect();

    client
        .request(Method::POST, RUN, &[("account_id", "acc")])
        .binary(image.clone(), "application/octet-stream")
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "retried");
    for sent in &requests {
        assert_eq!(
            sent.header("content-type"),
            Some("application/octet-stream")
        );
        assert_eq!(sent.header("content-length"), Some("256"));
        assert_eq!(sent.body, image);
    }
}

#[tokio::test]
async fn a_file_is_read_as_it_is_sent_with_its_length() {
    let dir = TempDir::new("binary-file");
    let path = dir.path().join("talk.mp3");
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &content).unwrap();
    let server = Server::start([ok()]).await;
    let client = client(&server);

    client
        .request(Method::POST, RUN, &[("account_id", "acc")])
        .binary(Binary::file(&path), "audio/mpeg")
        .await
        .unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.header("content-type"), Some("audio/mpeg"));
    assert_eq!(sent.header("content-length"), Some("300000"));
    assert_eq!(sent.body, content);

    let missing = dir.path().join("missing.mp3");
    let err = client
        .request(Method::POST, RUN, &[("account_id", "acc")])
        .binary(Binary::file(&missing), "audio/mpeg")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Io(e) if e.kind() == std::io::ErrorKind::NotFound),
        "{err:?}"
    );
    assert!(err.to_string().contains("request body, file"), "{err}");
    assert_eq!(server.hits(), 1, "nothing was sent for the missing file");
}

#[tokio::test]
async fn a_stream_is_sent_once_with_or_without_a_length() {
    let server = Server::start([ok(), ok(), Reply::status(503)]).await;
    let client = client(&server);
    let chunks = || {
        stream::iter(
            ["abc", "def", "ghi"]
                .map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c.as_bytes()))),
        )
    };

    client
        .request(Method::POST, RUN, &[("account_id", "acc")])
        .binary(
            Binary::stream(chunks(), Some(9)),
            "application/octet-stream",
        )
        .await
        .unwrap();
    client
        .request(Method::POST, RUN, &[("account_id", "acc")])
        .binary(Binary::stream(chunks(), None), "application/octet-stream")
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("content-length"), Some("9"));
    assert_eq!(requests[1].header("transfer-encoding"), Some("chunked"));
    for sent in &requests {
        assert_eq!(sent.body, b"abcdefghi");
    }

    // A failure after a stream went out is not retried: it cannot be sent
    // again.
    let err = client
        .request(Method::POST, RUN, &[("account_id", "acc")])
        .binary(Binary::stream(chunks(), None), "application/octet-stream")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
    assert_eq!(server.hits(), 3, "one attempt");
}

/// A Vectorize vector, as a caller would write one.
#[derive(Serialize)]
struct Vector {
    id: String,
    values: Vec<f64>,
}

#[tokio::test]
async fn ndjson_lines_are_written_one_per_line_as_they_are_sent() {
    let server = Server::start([Reply::envelope(json!({"mutationId": "m1"}))]).await;
    let client = client(&server);
    // Made one at a time, as they are sent.
    let vectors = (0..10_000).map(|i| Vector {
        id: format!("v{i}"),
        values: vec![f64::from(i), 0.5],
    });

    let answer = client
        .request(
            Method::POST,
            INSERT,
            &[("account_id", "acc"), ("index_name", "docs")],
        )
        .ndjson(vectors)
        .await
        .unwrap();
    assert_eq!(answer, json!({"mutationId": "m1"}));
    let sent = &server.requests()[0];
    assert_eq!(sent.header("content-type"), Some("application/x-ndjson"));
    let text = sent.body_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10_000);
    assert_eq!(lines[0], r#"{"id":"v0","values":[0,0.5]}"#);
    assert_eq!(lines[9_999], r#"{"id":"v9999","values":[9999,0.5]}"#);
    assert!(text.ends_with('\n'));
}

#[tokio::test]
async fn an_ndjson_line_that_does_not_serialize_stops_the_request_naming_it() {
    let server = Server::start([ok()]).await;
    let client = client(&server);
    // A map whose keys are not text is not JSON.
    #[derive(Serialize)]
    struct Bad(std::collections::HashMap<Vec<u8>, u8>);
    let lines = vec![Bad(Default::default()), Bad([(vec![1], 1)].into())];
    let err = client
        .request(
            Method::POST,
            INSERT,
            &[("account_id", "acc"), ("index_name", "docs")],
        )
        .ndjson(lines)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("NDJSON line 2"), "{err}");
    assert!(server.hits() <= 1, "not retried");
}

#[tokio::test]
async fn the_generated_methods_take_vectors_and_image_bytes() {
    use generated_client::vectorize::VectorizeVector as Vector;

    let server = Server::start([
        Reply::envelope(json!({"mutationId": "m2"})),
        Reply::envelope(json!([{"label": "cat", "score": 0.9}])),
    ])
    .await;
    let client = client(&server);

    let mut vector = Vector::new("a", vec![0.25, 1.0]);
    vector.namespace = Some("docs".into());
    let batch = vec![vector, Vector::new("b", vec![0.5, 2.0])];
    let mutation = client
        .vectorize()
        .insert_vectors("acc", "index 1", batch)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mutation.mutation_id.as_deref(), Some("m2"));
    let sent = &server.requests()[0];
    assert_eq!(
        sent.path(),
        "/accounts/acc/vectorize/v2/indexes/index%201/insert"
    );
    assert_eq!(sent.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(
        sent.body_text(),
        "{\"id\":\"a\",\"values\":[0.25,1],\"namespace\":\"docs\"}\n{\"id\":\"b\",\"values\":[0.5,2]}\n"
    );

    let image = vec![0xFF, 0xD8, 0xFF, 0xE0];
    client
        .workers_ai_image_classification()
        .execute_cf_microsoft_resnet_50_model("acc", image.clone())
        .await
        .unwrap();
    let sent = &server.requests()[1];
    assert_eq!(
        sent.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(sent.body, image);
}
