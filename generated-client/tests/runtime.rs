//! The hand-written runtime against a real HTTP server on 127.0.0.1, driven
//! through `Request::new` exactly as generated methods call it.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use generated_client::runtime::{
    Bare, Json, Method, NoContent, Output, PathPart, Raw, Request, StatusCode,
};
use generated_client::{Client, Error};
use serde::Deserialize;
use serde_json::json;
use support::{Reply, Server};

const TOKEN: &str = "tok-SECRET-1234567890";
const KEY: &str = "key-SECRET-abcdef";

fn client(server: &Server) -> Client {
    builder(server).build().unwrap()
}

fn builder(server: &Server) -> generated_client::ClientBuilder {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token(TOKEN)
        .retry_backoff(Duration::from_millis(1))
}

/// `GET /accounts/{account_id}/pcaps/{pcap_id}`, as generated code builds it.
fn get_pcap<K: Output>(client: &Client, account_id: &str, pcap_id: &str) -> Request<K> {
    Request::new(
        client,
        Method::GET,
        "/accounts/{account_id}/pcaps/{pcap_id}",
        &[
            PathPart::Lit("/accounts/"),
            PathPart::Param("account_id", account_id),
            PathPart::Lit("/pcaps/"),
            PathPart::Param("pcap_id", pcap_id),
        ],
    )
}

fn post_zone<K: Output>(client: &Client) -> Request<K> {
    Request::new(client, Method::POST, "/zones", &[PathPart::Lit("/zones")])
}

#[derive(Debug, Deserialize, PartialEq)]
struct Pcap {
    id: String,
    size: u64,
}

fn api_error(err: &Error) -> &generated_client::ApiError {
    err.api()
        .unwrap_or_else(|| panic!("expected an API error, got {err:?}"))
}

#[tokio::test]
async fn envelope_result_decodes_and_extra_fields_are_ignored() {
    let server = Server::start([Reply::json(
        200,
        json!({
            "success": true, "errors": [], "messages": [{"code": 1, "message": "hi"}],
            "result": {"id": "p1", "size": 42, "unknown": {"nested": [1, 2]}},
            "result_info": {"page": 1}, "extra": true
        }),
    )])
    .await;
    let pcap: Pcap = get_pcap::<Json<Pcap>>(&client(&server), "acc", "p1")
        .await
        .unwrap();
    assert_eq!(
        pcap,
        Pcap {
            id: "p1".into(),
            size: 42
        }
    );
    let req = &server.requests()[0];
    assert_eq!(req.method, "GET");
    assert_eq!(req.target, "/accounts/acc/pcaps/p1");
}

#[tokio::test]
async fn envelope_without_result_decodes_from_null() {
    let server = Server::start([Reply::json(200, json!({"success": true, "errors": []}))]).await;
    let out = get_pcap::<Json<Option<Pcap>>>(&client(&server), "a", "b")
        .await
        .unwrap();
    assert_eq!(out, None);
}

#[tokio::test]
async fn json_kind_accepts_a_bare_body() {
    let server = Server::start([Reply::json(200, json!({"id": "x", "size": 1}))]).await;
    let pcap = get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .await
        .unwrap();
    assert_eq!(pcap.id, "x");
}

#[tokio::test]
async fn bare_body_decodes_whole() {
    // `result` here is data, not an envelope: Bare must not unwrap it.
    let server = Server::start([
        Reply::json(200, json!([{"id": "a", "size": 1}, {"id": "b", "size": 2}])),
        Reply::json(200, json!({"success": true, "result": 5})),
    ])
    .await;
    let client = client(&server);
    let list = get_pcap::<Bare<Vec<Pcap>>>(&client, "a", "b")
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    let whole = get_pcap::<Bare<serde_json::Value>>(&client, "a", "b")
        .await
        .unwrap();
    assert_eq!(whole["result"], 5);
}

#[tokio::test]
async fn bare_success_false_with_errors_is_an_api_error() {
    let server = Server::start([Reply::json(
        200,
        json!({"success": false, "errors": [{"code": 9, "message": "nope"}]}),
    )])
    .await;
    let err = get_pcap::<Bare<serde_json::Value>>(&client(&server), "a", "b")
        .await
        .unwrap_err();
    assert_eq!(err.codes(), [9]);
}

#[tokio::test]
async fn success_false_in_a_200_envelope_is_an_api_error() {
    let server = Server::start([Reply::json(
        200,
        json!({"success": false, "errors": [{"code": 1003, "message": "Invalid or missing zone id."}], "messages": [], "result": null}),
    )])
    .await;
    let err = get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .await
        .unwrap_err();
    let api = api_error(&err);
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(err.codes(), [1003]);
    assert_eq!(server.hits(), 1, "a 200 is never retried");
}

#[tokio::test]
async fn error_envelope_is_typed() {
    let server = Server::start([Reply::json(
        404,
        json!({
            "success": false,
            "errors": [
                {"code": 10000, "message": "Authentication error",
                 "documentation_url": "https://developers.cloudflare.com/x",
                 "source": {"pointer": "/data/name"}, "extra": 1},
                {"message": "no code"}
            ],
            "messages": [{"code": 5, "message": "fyi"}],
            "result": null
        }),
    )
    .header("cf-ray", "8a1b2c3d4e5f-SJC")])
    .await;
    let err = get_pcap::<Json<Pcap>>(&client(&server), "acc", "p1")
        .await
        .unwrap_err();
    // A 404, and an authentication error by its code (10000), whatever the
    // status.
    assert!(err.is_not_found() && err.is_auth() && !err.is_rate_limited());
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(err.codes(), [10000]);
    let api = api_error(&err);
    assert_eq!(api.errors.len(), 2);
    assert_eq!(
        api.errors[0].documentation_url.as_deref(),
        Some("https://developers.cloudflare.com/x")
    );
    assert_eq!(
        api.errors[0]
            .source
            .as_ref()
            .and_then(|s| s.pointer.as_deref()),
        Some("/data/name")
    );
    assert_eq!(api.errors[1].code, None);
    assert_eq!(api.messages[0].message, "fyi");
    assert_eq!(api.cf_ray.as_deref(), Some("8a1b2c3d4e5f-SJC"));
    assert_eq!(api.method, Method::GET);
    assert_eq!(api.path, "/accounts/{account_id}/pcaps/{pcap_id}");
    assert!(api.body_snippet.is_none());
    assert_eq!(
        err.to_string(),
        "GET /accounts/{account_id}/pcaps/{pcap_id}: 404 Not Found: \
         [10000] Authentication error (at /data/name); no code (cf-ray 8a1b2c3d4e5f-SJC)"
    );
    assert_eq!(server.hits(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn auth_statuses() {
    let server = Server::start([Reply::status(401), Reply::status(403)]).await;
    let client = client(&server);
    for _ in 0..2 {
        let err = get_pcap::<NoContent>(&client, "a", "b").await.unwrap_err();
        assert!(err.is_auth(), "{err}");
    }
}

#[tokio::test]
async fn non_envelope_error_bodies_get_a_snippet() {
    let html = format!(
        "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>{}</body></html>",
        "x".repeat(2000)
    );
    let server = Server::start([
        Reply::status(400)
            .header("content-type", "text/html")
            .body(html),
        Reply::status(400)
            .header("content-type", "text/plain")
            .body("bad thing happened\n"),
        Reply::status(400),
    ])
    .await;
    let client = client(&server);

    let err = get_pcap::<Json<Pcap>>(&client, "a", "b").await.unwrap_err();
    let snippet = api_error(&err).body_snippet.clone().unwrap();
    assert!(
        snippet.starts_with("<html>") && snippet.chars().count() <= 501,
        "{snippet}"
    );
    let line = err.to_string();
    assert!(
        line.contains("400 Bad Request: <html> <head><title>502 Bad Gateway"),
        "{line}"
    );
    assert!(!line.contains('\n') && line.len() < 400, "{line}");

    let err = get_pcap::<Json<Pcap>>(&client, "a", "b").await.unwrap_err();
    assert_eq!(
        api_error(&err).body_snippet.as_deref(),
        Some("bad thing happened")
    );

    let err = get_pcap::<Json<Pcap>>(&client, "a", "b").await.unwrap_err();
    assert_eq!(api_error(&err).body_snippet.as_deref(), Some("empty body"));
    assert!(
        err.to_string().ends_with("400 Bad Request: empty body"),
        "{err}"
    );
}

#[tokio::test]
async fn decode_error_keeps_the_body() {
    let server = Server::start([Reply::envelope(json!({"id": 7}))]).await;
    let err = get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .await
        .unwrap_err();
    match &err {
        Error::Decode { body, status, .. } => {
            assert_eq!(*status, StatusCode::OK);
            assert!(std::str::from_utf8(body).unwrap().contains(r#""id":7"#));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("GET /accounts/{account_id}/pcaps/{pcap_id}: could not decode"),
        "{err}"
    );
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = Server::start([
        Reply::status(429).header("retry-after", "1"),
        Reply::envelope(json!({"id": "p", "size": 1})),
    ])
    .await;
    get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .await
        .unwrap();
    let reqs = server.requests();
    let gap = reqs[1].at - reqs[0].at;
    assert!(
        gap >= Duration::from_millis(950) && gap < Duration::from_secs(5),
        "{gap:?}"
    );
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    // HTTP-dates have whole seconds: two seconds ahead waits at least one.
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = Server::start([
        Reply::status(503).header("retry-after", &date),
        Reply::envelope(json!({"id": "p", "size": 1})),
    ])
    .await;
    get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .await
        .unwrap();
    let reqs = server.requests();
    let gap = reqs[1].at - reqs[0].at;
    assert!(
        gap >= Duration::from_millis(900) && gap < Duration::from_secs(5),
        "{gap:?}"
    );
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = Server::start([
        Reply::status(429)
            .header("retry-after-ms", "300")
            .header("retry-after", "30"),
        Reply::envelope(json!({"id": "p", "size": 1})),
    ])
    .await;
    get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .await
        .unwrap();
    let reqs = server.requests();
    let gap = reqs[1].at - reqs[0].at;
    assert!(
        gap >= Duration::from_millis(290) && gap < Duration::from_secs(3),
        "{gap:?}"
    );
}

#[tokio::test]
async fn server_error_then_success() {
    let server = Server::start([
        Reply::status(500).body("oops"),
        Reply::envelope(json!({"id": "p", "size": 3})),
    ])
    .await;
    let pcap = get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .await
        .unwrap();
    assert_eq!(pcap.size, 3);
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn retries_are_exhausted() {
    let server = Server::repeat(Reply::json(
        503,
        json!({"success": false, "errors": [{"code": 7, "message": "busy"}]}),
    ))
    .await;
    let client = client(&server);
    let err = get_pcap::<Json<Pcap>>(&client, "a", "b").await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.codes(), [7]);
    assert_eq!(server.hits(), 3, "1 attempt + 2 retries by default");

    let err = get_pcap::<Json<Pcap>>(&client, "a", "b")
        .max_retries(4)
        .await
        .unwrap_err();
    assert!(err.status().is_some());
    assert_eq!(server.hits(), 3 + 5);

    let quiet = builder(&server).max_retries(1).build().unwrap();
    get_pcap::<Json<Pcap>>(&quiet, "a", "b").await.unwrap_err();
    assert_eq!(server.hits(), 3 + 5 + 2);
}

#[tokio::test]
async fn max_retries_zero_per_request() {
    let server = Server::repeat(Reply::status(429)).await;
    let err = get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = Server::repeat(
        Reply::envelope(json!({"id": "p", "size": 1})).delay(Duration::from_secs(2)),
    )
    .await;
    let client = client(&server);
    let started = std::time::Instant::now();
    // Margins a loaded machine keeps: 2 × 400 ms of waiting, against a
    // server 2 s slow.
    let err = get_pcap::<Json<Pcap>>(&client, "a", "b")
        .timeout(Duration::from_millis(400))
        .max_retries(1)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }), "{err:?}");
    assert!(err.is_timeout());
    assert!(
        started.elapsed() < Duration::from_millis(1800),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.hits(), 2);
    assert_eq!(
        err.to_string(),
        "GET /accounts/{account_id}/pcaps/{pcap_id}: timed out after 2 attempt(s)"
    );

    // The client-wide timeout applies too, and a long enough one succeeds.
    let impatient = builder(&server)
        .timeout(Duration::from_millis(400))
        .max_retries(0)
        .build()
        .unwrap();
    assert!(
        get_pcap::<Json<Pcap>>(&impatient, "a", "b")
            .await
            .unwrap_err()
            .is_timeout()
    );
    get_pcap::<Json<Pcap>>(&client, "a", "b").await.unwrap();
}

#[tokio::test]
async fn stalled_json_body_is_a_timeout() {
    let body = json!({"success": true, "result": {"id": "p", "size": 1}}).to_string();
    let server = Server::repeat(
        Reply::status(200)
            .body(body)
            .stall_after(10, Duration::from_secs(3)),
    )
    .await;
    let err = get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .timeout(Duration::from_millis(600))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn post_is_not_resent_once_a_success_status_arrived() {
    // The server accepted the create; re-sending it could create twice.
    let body = json!({"success": true, "result": {"id": "z", "size": 1}}).to_string();
    let server = Server::repeat(
        Reply::status(200)
            .body(body)
            .stall_after(10, Duration::from_secs(3)),
    )
    .await;
    let err = post_zone::<Json<Pcap>>(&client(&server))
        .timeout(Duration::from_millis(600))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn connection_reset_is_retried_then_reported() {
    let server = Server::repeat(Reply::reset()).await;
    let err = get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Connection { attempts: 3, .. }),
        "{err:?}"
    );
    assert_eq!(server.hits(), 3);
    assert!(std::error::Error::source(&err).is_some());
    let line = err.to_string();
    assert!(
        line.starts_with("GET /accounts/{account_id}/pcaps/{pcap_id}: connection error: "),
        "{line}"
    );
}

#[tokio::test]
async fn reset_then_success() {
    let server = Server::start([
        Reply::reset(),
        Reply::envelope(json!({"id": "p", "size": 1})),
    ])
    .await;
    get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .await
        .unwrap();
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn refused_connection_is_a_connection_error() {
    let server = Server::start([]).await;
    let url = server.url();
    drop(server);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let client = Client::builder()
        .base_url(url)
        .allow_http(true)
        .retry_backoff(Duration::from_millis(1))
        .build()
        .unwrap();
    let err = get_pcap::<NoContent>(&client, "a", "b").await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "generated-client-test-{name}-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn truncated_download_leaves_no_file() {
    let body = vec![7u8; 100_000];
    let server = Server::repeat(
        Reply::status(200)
            .header("content-type", "application/octet-stream")
            .body(body)
            .truncate_after(30_000),
    )
    .await;
    let dir = temp_dir("truncated");
    let target = dir.join("capture.pcap");
    let raw = get_pcap::<Raw>(&client(&server), "a", "b").await.unwrap();
    assert_eq!(raw.content_length(), Some(100_000));
    let err = raw.write_to(&target).await.unwrap_err();
    match err {
        Error::IncompleteBody {
            expected, received, ..
        } => {
            assert_eq!(expected, Some(100_000));
            assert!(received < 100_000);
        }
        other => panic!("expected IncompleteBody, got {other:?}"),
    }
    assert_eq!(entries(&dir), Vec::<String>::new());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn download_is_byte_exact_with_progress() {
    let body: Vec<u8> = (0..300_000u32).map(|i| (i * 31 % 251) as u8).collect();
    let server = Server::start([Reply::status(200).body(body.clone())]).await;
    let dir = temp_dir("download");
    let target = dir.join("out.bin");
    std::fs::write(&target, b"old contents").unwrap();
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    let raw = get_pcap::<Raw>(&client(&server), "a", "b").await.unwrap();
    assert_eq!(raw.status(), StatusCode::OK);
    let written = raw
        .write_to_with_progress(&target, move |done, total| {
            seen.lock().unwrap().push((done, total))
        })
        .await
        .unwrap();
    assert_eq!(written, body.len() as u64);
    assert_eq!(std::fs::read(&target).unwrap(), body);
    assert_eq!(entries(&dir), ["out.bin"]);
    let calls = calls.lock().unwrap();
    assert_eq!(calls.first(), Some(&(0, Some(300_000))));
    assert_eq!(calls.last(), Some(&(300_000, Some(300_000))));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn dropped_download_leaves_no_file() {
    let server = Server::start([Reply::status(200)
        .body(vec![1u8; 10_000])
        .stall_after(1000, Duration::from_secs(5))])
    .await;
    let dir = temp_dir("dropped");
    let raw = get_pcap::<Raw>(&client(&server), "a", "b").await.unwrap();
    let write = raw.write_to(dir.join("never.bin"));
    tokio::time::timeout(Duration::from_millis(200), write)
        .await
        .unwrap_err();
    assert_eq!(entries(&dir), Vec::<String>::new());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn raw_stream_and_bytes() {
    let body: Vec<u8> = (0..50_000u32).map(|i| i as u8).collect();
    let server = Server::start([
        Reply::status(200).body(body.clone()),
        Reply::status(200).body(body.clone()),
        Reply::status(200).body(body.clone()).truncate_after(1000),
    ])
    .await;
    let client = client(&server);

    let mut stream = get_pcap::<Raw>(&client, "a", "b").await.unwrap().stream();
    let mut got = Vec::new();
    while let Some(chunk) = stream.next().await {
        got.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(got, body);

    let bytes = get_pcap::<Raw>(&client, "a", "b")
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], &body[..]);

    let err = get_pcap::<Raw>(&client, "a", "b")
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::IncompleteBody {
                expected: Some(50_000),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn stalled_stream_times_out() {
    let server = Server::start([Reply::status(200)
        .body(vec![1u8; 10_000])
        .stall_after(100, Duration::from_millis(800))])
    .await;
    let raw = get_pcap::<Raw>(&client(&server), "a", "b")
        .timeout(Duration::from_millis(200))
        .await
        .unwrap();
    let err = raw.bytes().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn raw_error_status_is_an_api_error() {
    let server = Server::start([Reply::json(
        403,
        json!({"success": false, "errors": [{"code": 9109, "message": "Unauthorized"}]}),
    )])
    .await;
    let err = get_pcap::<Raw>(&client(&server), "a", "b")
        .await
        .unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.codes(), [9109]);
}

#[tokio::test]
async fn path_params_are_single_encoded_segments() {
    let cases = [
        ("../x", "..%2Fx"),
        ("a/b", "a%2Fb"),
        ("a b", "a%20b"),
        ("%", "%25"),
        ("100%?x#y", "100%25%3Fx%23y"),
        ("zoné✓", "zon%C3%A9%E2%9C%93"),
        ("...", "..."),
    ];
    let server = Server::repeat(Reply::status(204)).await;
    let client = client(&server);
    for (value, _) in cases {
        get_pcap::<NoContent>(&client, "acc", value).await.unwrap();
    }
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    let expected: Vec<String> = cases
        .iter()
        .map(|(_, enc)| format!("/accounts/acc/pcaps/{enc}"))
        .collect();
    assert_eq!(targets, expected);
}

#[tokio::test]
async fn invalid_path_params_send_nothing() {
    let server = Server::repeat(Reply::status(204)).await;
    let client = client(&server);
    for (account, pcap, name) in [
        ("", "p", "account_id"),
        ("a", "", "pcap_id"),
        ("a", "..", "pcap_id"),
        (".", "p", "account_id"),
    ] {
        let err = get_pcap::<NoContent>(&client, account, pcap)
            .await
            .unwrap_err();
        match &err {
            Error::InvalidArgument(msg) => assert!(msg.contains(name), "{msg}"),
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn body_query_and_headers_are_sent() {
    #[derive(serde::Serialize)]
    struct NewZone<'a> {
        name: &'a str,
        jump_start: bool,
    }
    #[derive(serde::Serialize)]
    struct Page {
        page: u32,
        per_page: Option<u32>,
    }
    let server = Server::start([Reply::envelope(json!({"id": "z", "size": 0}))]).await;
    let zone: Pcap = post_zone::<Json<Pcap>>(&client(&server))
        .body(&NewZone {
            name: "example.com",
            jump_start: false,
        })
        .query(&Page {
            page: 2,
            per_page: None,
        })
        .query(&[("match", "all"), ("name", "a b&c")])
        .header("x-custom", "yes")
        .await
        .unwrap();
    assert_eq!(zone.id, "z");
    let req = &server.requests()[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, "/zones?page=2&match=all&name=a%20b%26c");
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("x-custom"), Some("yes"));
    let sent: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(sent, json!({"name": "example.com", "jump_start": false}));
}

#[tokio::test]
async fn non_json_body() {
    let server = Server::start([Reply::status(204)]).await;
    post_zone::<NoContent>(&client(&server))
        .body_bytes(&b"a,b\n1,2\n"[..], "text/csv")
        .await
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header("content-type"), Some("text/csv"));
    assert_eq!(req.body, b"a,b\n1,2\n");
}

#[tokio::test]
async fn builder_errors_are_deferred_and_send_nothing() {
    let server = Server::repeat(Reply::status(204)).await;
    let client = client(&server);
    let err = post_zone::<NoContent>(&client)
        .header("bad header", "x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    let mut map = std::collections::BTreeMap::new();
    map.insert(vec![1u8], 1);
    let err = post_zone::<NoContent>(&client)
        .body(&map)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    let err = post_zone::<NoContent>(&client)
        .query(&[[1, 2, 3]])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn token_auth_and_user_agent() {
    let server = Server::repeat(Reply::status(204)).await;
    let client = builder(&server).user_agent("my-tool/1.2").build().unwrap();
    get_pcap::<NoContent>(&client, "a", "b").await.unwrap();
    let req = &server.requests()[0];
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(req.header("x-auth-key"), None);
    let ua = format!("generated-client/{} my-tool/1.2", env!("CARGO_PKG_VERSION"));
    assert_eq!(req.header("user-agent"), Some(ua.as_str()));

    let plain = builder(&server).build().unwrap();
    get_pcap::<NoContent>(&plain, "a", "b").await.unwrap();
    let ua = format!("generated-client/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(server.requests()[1].header("user-agent"), Some(ua.as_str()));
}

#[tokio::test]
async fn api_key_auth_and_default_headers() {
    let server = Server::repeat(Reply::status(204)).await;
    let client = Client::builder()
        .base_url(format!("{}/", server.url()))
        .allow_http(true)
        .api_key("me@example.com", KEY)
        .default_header("x-team", "infra")
        .build()
        .unwrap();
    get_pcap::<NoContent>(&client, "a", "b").await.unwrap();
    let req = &server.requests()[0];
    assert_eq!(
        req.target, "/accounts/a/pcaps/b",
        "trailing slash of the base URL is dropped"
    );
    assert_eq!(req.header("x-auth-email"), Some("me@example.com"));
    assert_eq!(req.header("x-auth-key"), Some(KEY));
    assert_eq!(req.header("x-team"), Some("infra"));
    assert_eq!(req.header("authorization"), None);
    let debug = format!("{client:?}");
    assert!(
        debug.contains("[REDACTED]") && !debug.contains(KEY),
        "{debug}"
    );
}

#[tokio::test]
async fn secrets_never_show_in_debug_or_errors() {
    let server = Server::start([
        Reply::json(401, json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}]})),
        Reply::reset(),
    ])
    .await;
    let builder = builder(&server).default_header("authorization", format!("Bearer {TOKEN}"));
    assert!(!format!("{builder:?}").contains(TOKEN));
    let client = builder.max_retries(0).build().unwrap();
    let debug = format!("{client:?}");
    assert!(debug.contains("[REDACTED]"), "{debug}");
    assert!(!debug.contains(TOKEN), "{debug}");

    let request = get_pcap::<Json<Pcap>>(&client, "a", "b")
        .header("authorization", format!("Bearer {TOKEN}"));
    assert!(!format!("{request:?}").contains(TOKEN));
    let err = request.await.unwrap_err();
    let err2 = get_pcap::<Json<Pcap>>(&client, "a", "b").await.unwrap_err();
    for err in [err, err2] {
        for text in [
            format!("{err}"),
            format!("{err:?}"),
            format!("{:?}", err.api()),
        ] {
            assert!(!text.contains(TOKEN), "{text}");
        }
    }
}

#[tokio::test]
async fn base_url_must_be_https() {
    for url in ["http://api.example.com/client/v4", "http://127.0.0.1:1"] {
        let err = Client::builder()
            .base_url(url)
            .api_token(TOKEN)
            .build()
            .unwrap_err();
        match &err {
            Error::Config(msg) => assert!(msg.contains("allow_http"), "{msg}"),
            other => panic!("expected Config, got {other:?}"),
        }
        assert!(!format!("{err:?}").contains(TOKEN));
    }
    for url in [
        "not a url",
        "ftp://example.com",
        "https://example.com/v4?x=1",
    ] {
        let err = Client::builder().base_url(url).build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err:?}");
    }
    let client = Client::builder().build().unwrap();
    assert_eq!(client.base_url(), "https://api.cloudflare.com/client/v4");
}

#[tokio::test]
async fn send_with_meta_exposes_cf_ray() {
    let server = Server::start([Reply::envelope(json!({"id": "p", "size": 1}))
        .header("cf-ray", "7d1e2f3a4b5c-AMS")
        .header("x-other", "1")])
    .await;
    let (pcap, meta) = get_pcap::<Json<Pcap>>(&client(&server), "a", "b")
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(pcap.id, "p");
    assert_eq!(meta.status, StatusCode::OK);
    assert_eq!(meta.cf_ray(), Some("7d1e2f3a4b5c-AMS"));
    assert_eq!(meta.headers.get("x-other").unwrap(), "1");
}

#[tokio::test]
async fn no_content_ignores_the_body() {
    let server = Server::start([Reply::status(200).body("whatever, not json")]).await;
    let () = get_pcap::<NoContent>(&client(&server), "a", "b")
        .await
        .unwrap();
}

#[tokio::test]
async fn many_concurrent_requests_on_one_client() {
    let server = Server::repeat(Reply::envelope(json!({"id": "p", "size": 9}))).await;
    let client = client(&server);
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let request = get_pcap::<Json<Pcap>>(&client, "acc", &format!("p{i}"));
            tokio::spawn(request.into_future())
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().size, 9);
    }
    assert_eq!(server.hits(), 50);
    let mut targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    targets.sort();
    targets.dedup();
    assert_eq!(targets.len(), 50);
}

#[test]
fn futures_are_send_and_static() {
    fn assert_send_static<T: Send + 'static>(_: &T) {}
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_error::<Error>();
    assert_error::<generated_client::ApiError>();
    assert_send_sync::<Client>();
    assert_send_sync::<generated_client::RawResponse>();
    assert!(
        std::mem::size_of::<Error>() <= 96,
        "{}",
        std::mem::size_of::<Error>()
    );
    let client = Client::builder().build().unwrap();
    let request = get_pcap::<Json<Pcap>>(&client, "a", "b");
    assert_send_static(&request);
    assert_send_static(&request.into_future());
    assert_send_static(&get_pcap::<Raw>(&client, "a", "b").send_with_meta());
}
