//! The retry policy, Cloudflare's error codes, hooks and what errors may
//! show, over real HTTP on 127.0.0.1 (the test server of `support`).

mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generated_client::runtime::{
    AttemptOutcome, AttemptRequest, Fault, HeaderMap, Hook, Json, Method, NoContent, Output,
    PathPart, Request, RetryPolicy, StatusCode, TraceLog,
};
use generated_client::{Client, Error, codes};
use serde_json::{Value, json};
use support::{Reply, Server};

const ZONE: &str = "zone-SECRET-id";

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("tok-SECRET")
        .retry_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

/// `GET /zones/{zone_id}`, as generated code builds it.
fn get_zone<K: Output>(client: &Client) -> Request<K> {
    Request::new(
        client,
        Method::GET,
        "/zones/{zone_id}",
        &[PathPart::Lit("/zones/"), PathPart::Param("zone_id", ZONE)],
    )
}

fn failure(status: u16, code: i64, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"success": false, "errors": [{"code": code, "message": message}],
               "messages": [], "result": null}),
    )
}

// ---------------------------------------------------------------------------
// Cloudflare's codes

#[tokio::test]
async fn codes_classify_whatever_the_status() {
    let server = Server::start([
        failure(400, codes::AUTHENTICATION_ERROR, "Authentication error"),
        failure(400, codes::INVALID_ACCESS_TOKEN, "Invalid access token"),
        Reply::json(
            400,
            json!({"success": false, "errors": [{"code": 6003, "message": "Invalid request headers",
                   "error_chain": [{"code": 6111, "message": "Invalid format for Authorization header"}]}]}),
        ),
        failure(400, 1003, "Invalid or missing zone id."),
    ])
    .await;
    let client = client(&server);
    let mut errors = Vec::new();
    for _ in 0..4 {
        errors.push(get_zone::<NoContent>(&client).await.unwrap_err());
    }
    assert!(errors[0].is_auth() && errors[1].is_auth() && errors[2].is_auth());
    assert!(!errors[3].is_auth());
    assert!(
        errors
            .iter()
            .all(|e| e.status() == Some(StatusCode::BAD_REQUEST))
    );
    // A cause in the chain is found too.
    assert!(errors[2].has_code(codes::INVALID_AUTHORIZATION_FORMAT));
    assert_eq!(errors[2].codes(), [codes::INVALID_REQUEST_HEADERS]);
    assert_eq!(
        errors[2].api().unwrap().errors[0].error_chain[0].message,
        "Invalid format for Authorization header"
    );
    assert_eq!(server.hits(), 4, "none of these is retried");
}

/// Throttling codes are retried like a 429, whatever the status; a 429
/// that does not stop is still rate limited once the retries are spent.
#[tokio::test]
async fn throttling_codes_are_retried_like_a_429() {
    let slow_down = "Please wait and consider throttling your request speed";
    let server = Server::start([
        failure(400, codes::THROTTLED, slow_down),
        failure(403, codes::RATE_LIMITED, "Rate limited."),
        Reply::envelope(json!({"id": "z1"})),
    ])
    .await;
    let zone: Value = get_zone::<Json<Value>>(&client(&server)).await.unwrap();
    assert_eq!(zone, json!({"id": "z1"}));
    assert_eq!(server.hits(), 3);

    let server = Server::repeat(failure(500, codes::THROTTLED, slow_down)).await;
    let err = get_zone::<NoContent>(&client(&server)).await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert_eq!(server.hits(), 3, "the request and two retries");
}

// ---------------------------------------------------------------------------
// The retry policy

#[tokio::test]
async fn a_policy_set_on_the_client_and_overridden_per_request() {
    let server = Server::repeat(Reply::status(503)).await;
    let patient = Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("t")
        .retry_policy(
            RetryPolicy::default()
                .max_retries(5)
                .backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    get_zone::<NoContent>(&patient).await.unwrap_err();
    assert_eq!(server.hits(), 6, "the request and five retries");

    get_zone::<NoContent>(&patient)
        .retry_policy(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(server.hits(), 7, "no retry for this one");

    // Which statuses and codes are retried is the policy's.
    let server = Server::start([
        failure(409, 1, "conflict"),
        failure(422, 1234, "try again"),
        Reply::envelope(json!({})),
    ])
    .await;
    let only_1234 = RetryPolicy::default()
        .backoff(Duration::from_millis(1), Duration::from_millis(1))
        .statuses([])
        .codes([1234]);
    let err = get_zone::<NoContent>(&client(&server))
        .retry_policy(only_1234.clone())
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(StatusCode::CONFLICT),
        "409 is not retried now"
    );
    get_zone::<NoContent>(&client(&server))
        .retry_policy(only_1234)
        .await
        .unwrap();
    assert_eq!(server.hits(), 3);
}

/// The Retry-After limit: a hint within it is waited for, one past it falls
/// back to the backoff.
#[tokio::test]
async fn retry_after_is_honoured_up_to_the_limit() {
    let wait = |limit: Duration| {
        RetryPolicy::default()
            .max_retries(1)
            .backoff(Duration::from_millis(10), Duration::from_millis(10))
            .retry_after_limit(limit)
    };
    let throttled = || Reply::status(429).header("retry-after", "1");
    let server = Server::start([throttled(), Reply::envelope(json!({}))]).await;
    let started = Instant::now();
    get_zone::<NoContent>(&client(&server))
        .retry_policy(wait(Duration::from_secs(5)))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the hint was waited for"
    );

    let server = Server::start([throttled(), Reply::envelope(json!({}))]).await;
    let started = Instant::now();
    get_zone::<NoContent>(&client(&server))
        .retry_policy(wait(Duration::from_millis(500)))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "a hint past the limit falls back to the 10 ms backoff: {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------
// Hooks

/// Records what it sees, and tags every attempt.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

impl Hook for Recorder {
    fn before(&self, attempt: &mut AttemptRequest<'_>) {
        attempt.set_header("x-attempt", &attempt.attempt().to_string());
        let line = format!(
            "before {} {} #{} body={}",
            attempt.method(),
            attempt.path_template(),
            attempt.attempt(),
            attempt.body().map_or(0, <[u8]>::len)
        );
        self.seen.lock().unwrap().push(line);
    }

    fn after(&self, attempt: &AttemptOutcome<'_>) {
        let line = format!(
            "after {} #{} status={:?} body={}",
            attempt.path_template(),
            attempt.attempt(),
            attempt.status().map(|s| s.as_u16()),
            attempt
                .body()
                .map_or("-".into(), |b| String::from_utf8_lossy(b).into_owned())
        );
        self.seen.lock().unwrap().push(line);
    }
}

#[tokio::test]
async fn hooks_see_and_change_each_attempt() {
    let server = Server::start([
        Reply::status(503).body("busy"),
        Reply::envelope(json!({"id": "z1"})),
    ])
    .await;
    let recorder = Arc::new(Recorder::default());
    struct Shared(Arc<Recorder>);
    impl Hook for Shared {
        fn before(&self, attempt: &mut AttemptRequest<'_>) {
            self.0.before(attempt)
        }
        fn after(&self, attempt: &AttemptOutcome<'_>) {
            self.0.after(attempt)
        }
    }
    let client = Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("t")
        .retry_backoff(Duration::from_millis(1))
        .hook(Shared(recorder.clone()))
        .build()
        .unwrap();
    let zone: Value =
        Request::<Json<Value>>::new(&client, Method::POST, "/zones", &[PathPart::Lit("/zones")])
            .body(&json!({"name": "example.com"}))
            .await
            .unwrap();
    assert_eq!(zone, json!({"id": "z1"}));
    let seen = recorder.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "before POST /zones #1 body=22",
            "after /zones #1 status=Some(503) body=busy",
            "before POST /zones #2 body=22",
            r#"after /zones #2 status=Some(200) body={"errors":[],"messages":[],"result":{"id":"z1"},"success":true}"#,
        ]
    );
    // The headers a hook set went out.
    let sent: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("x-attempt").map(str::to_owned))
        .collect();
    assert_eq!(sent, [Some("1".to_owned()), Some("2".to_owned())]);
}

/// A hook that answers attempts itself: faults injected without a server
/// that misbehaves, handled like real ones.
struct Faults {
    calls: AtomicU32,
}

impl Hook for Faults {
    fn before(&self, attempt: &mut AttemptRequest<'_>) {
        match self.calls.fetch_add(1, Ordering::SeqCst) {
            0 => attempt.fail(Fault::Timeout),
            1 => attempt.fail(Fault::Connection),
            2 => attempt.respond(StatusCode::SERVICE_UNAVAILABLE, HeaderMap::new(), "down"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_hook_injects_faults_that_are_retried() {
    let server = Server::repeat(Reply::envelope(json!({"id": "z1"}))).await;
    let faults = Faults {
        calls: AtomicU32::new(0),
    };
    let zone: Value = get_zone::<Json<Value>>(&client(&server))
        .max_retries(3)
        .hook(faults)
        .await
        .unwrap();
    assert_eq!(zone, json!({"id": "z1"}));
    assert_eq!(server.hits(), 1, "three attempts never left the client");

    // Without retries, the first fault is the answer.
    let err = get_zone::<NoContent>(&client(&server))
        .max_retries(0)
        .hook(Faults {
            calls: AtomicU32::new(1),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let err = get_zone::<NoContent>(&client(&server))
        .max_retries(0)
        .hook(Faults {
            calls: AtomicU32::new(2),
        })
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.hits(), 1);
}

/// The ready logger, caught by a subscriber of the test's own: method,
/// template, status and time at DEBUG, bodies at TRACE, no secret.
#[test]
fn the_trace_log_shows_bodies_without_secrets() {
    let lines = Arc::new(Mutex::new(Vec::new()));
    tracing::subscriber::with_default(Lines(lines.clone()), || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let server = Server::repeat(Reply::envelope(
                json!({"id": "t1", "value": "TOKEN-VALUE", "secret": "s"}),
            ))
            .await;
            let client = Client::builder()
                .base_url(server.url())
                .allow_http(true)
                .api_token("tok-SECRET")
                .hook(TraceLog::new())
                .build()
                .unwrap();
            Request::<Json<Value>>::new(
                &client,
                Method::POST,
                "/user/tokens",
                &[PathPart::Lit("/user/tokens")],
            )
            .body(&json!({"name": "ci", "password": "hunter2"}))
            .await
            .unwrap();
        });
    });
    let lines = lines.lock().unwrap().join("\n");
    assert!(lines.contains("attempt answered"), "{lines}");
    assert!(
        lines.contains("path=\"/user/tokens\"") || lines.contains("path=/user/tokens"),
        "{lines}"
    );
    assert!(lines.contains("status=200"), "{lines}");
    assert!(
        lines.contains("\\\"name\\\":\\\"ci\\\"") || lines.contains("\"name\":\"ci\""),
        "{lines}"
    );
    for secret in ["tok-SECRET", "hunter2", "TOKEN-VALUE", "\"s\""] {
        assert!(!lines.contains(secret), "{secret} in {lines}");
    }
}

/// A subscriber that keeps every event of the client's logger as text.
struct Lines(Arc<Mutex<Vec<String>>>);

impl tracing::Subscriber for Lines {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with("generated_client")
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

// ---------------------------------------------------------------------------
// What errors show

/// A connection error names the path template, never the URL: no path
/// parameter, no query value, in its message, its `Debug` or its sources.
#[tokio::test]
async fn a_connection_error_shows_no_url() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .allow_http(true)
        .api_token("tok-SECRET")
        .max_retries(0)
        .build()
        .unwrap();
    let err = get_zone::<NoContent>(&client)
        .extra_query(&[("sig", "SIG-SECRET")])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let mut shown = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        shown.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    for secret in [ZONE, "SIG-SECRET", "tok-SECRET"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("/zones/{zone_id}"), "{shown}");
}
