//! What a client in production must guarantee, over real HTTP on loopback:
//!
//! - no credential or header the client or a caller set crosses to another
//!   origin on a redirect (two origins: `127.0.0.1:<a>` and
//!   `localhost:<b>`, both this machine);
//! - success bodies are capped, and a body that does not decode is kept
//!   only in part;
//! - the Origin CA key authenticates, from the builder and from
//!   `CLOUDFLARE_ORIGIN_CA_KEY`;
//! - TLS trusts an added root certificate, and with `native-roots` the
//!   system's store (`SSL_CERT_FILE`, in a child process), against a TLS
//!   server on 127.0.0.1 with the certificates of `tests/tls/`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use generated_client::runtime::{
    Certificate, FilePart, Json, Method, NoContent, Output, PathPart, Request, StatusCode,
};
use generated_client::{Client, Error, RedirectStop};
use serde_json::{Value, json};
use support::{Recorded, Reply, Server};

const TOKEN: &str = "tok-SECRET-redirect";
const KEY: &str = "key-SECRET-redirect";
const CA_KEY: &str = "v1.0-SECRET-origin-ca-key";

fn port(server: &Server) -> u16 {
    server.url().rsplit(':').next().unwrap().parse().unwrap()
}

/// The same server under its other name: `localhost` instead of
/// `127.0.0.1`, so another origin.
fn via_localhost(server: &Server, path: &str) -> String {
    format!("http://localhost:{}{path}", port(server))
}

fn builder(base: &str) -> generated_client::ClientBuilder {
    Client::builder()
        .base_url(base)
        .allow_http(true)
        .retry_backoff(Duration::from_millis(1))
}

/// `GET /zones/{zone_id}`, as generated code builds it.
fn get_zone<K: Output>(client: &Client) -> Request<K> {
    Request::new(
        client,
        Method::GET,
        "/zones/{zone_id}",
        &[PathPart::Lit("/zones/"), PathPart::Param("zone_id", "z1")],
    )
}

fn post_zones<K: Output>(client: &Client) -> Request<K> {
    Request::new(client, Method::POST, "/zones", &[PathPart::Lit("/zones")])
}

/// Every secret in the request, by name or by value.
fn secrets_in(request: &Recorded) -> Vec<String> {
    let text = request.all_text().to_ascii_lowercase();
    [
        "authorization",
        "x-auth-key",
        "x-auth-email",
        "x-auth-user-service-key",
        "x-internal-secret",
        "x-request-secret",
        &TOKEN.to_ascii_lowercase(),
        &KEY.to_ascii_lowercase(),
        &CA_KEY.to_ascii_lowercase(),
        "s3cr3t",
    ]
    .into_iter()
    .filter(|secret| text.contains(secret))
    .map(str::to_owned)
    .collect()
}

// ---------------------------------------------------------------------------
// Redirects

type Setup = fn(generated_client::ClientBuilder) -> generated_client::ClientBuilder;

/// The headers a way of sending a credential sends.
type Sent = Vec<(&'static str, String)>;

/// Each way of sending a credential, with the headers it sends.
fn credential_setups() -> [(&'static str, Setup, Sent); 5] {
    let bearer = format!("Bearer {TOKEN}");
    [
        (
            "api token",
            |b| b.api_token(TOKEN),
            vec![("authorization", bearer.clone())],
        ),
        (
            "global API key",
            |b| b.api_key("me@example.com", KEY),
            vec![
                ("x-auth-email", "me@example.com".to_owned()),
                ("x-auth-key", KEY.to_owned()),
            ],
        ),
        (
            "Origin CA key",
            |b| b.origin_ca_key(CA_KEY),
            vec![("x-auth-user-service-key", CA_KEY.to_owned())],
        ),
        (
            "default headers",
            |b| {
                b.default_header("x-auth-email", "me@example.com")
                    .default_header("x-auth-key", KEY)
                    .default_header("x-internal-secret", "s3cr3t")
            },
            vec![
                ("x-auth-email", "me@example.com".to_owned()),
                ("x-auth-key", KEY.to_owned()),
                ("x-internal-secret", "s3cr3t".to_owned()),
            ],
        ),
        (
            "a default Authorization",
            |b| b.default_header("authorization", format!("Bearer {TOKEN}")),
            vec![("authorization", bearer)],
        ),
    ]
}

/// Whether `request` carries each of `headers` with its value, and the
/// per-request secret header.
#[track_caller]
fn carries(request: &Recorded, headers: &[(&str, String)], what: &str) {
    for (name, value) in headers {
        assert_eq!(request.header(name), Some(value.as_str()), "{what}: {name}");
    }
    assert_eq!(request.header("x-request-secret"), Some("s3cr3t"), "{what}");
}

/// Each way of sending a credential, on a client whose requests the first
/// server redirects to the second under another name.
#[tokio::test]
async fn no_credential_crosses_to_another_origin_on_a_redirect() {
    for (what, setup, credential) in credential_setups() {
        let elsewhere = Server::repeat(Reply::envelope(json!({"id": "z1"}))).await;
        let home = Server::repeat(
            Reply::status(302).header("location", &via_localhost(&elsewhere, "/landing?sig=1")),
        )
        .await;
        let client = setup(builder(&home.url())).build().unwrap();
        let zone: Value = get_zone::<Json<Value>>(&client)
            .header("x-request-secret", "s3cr3t")
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(zone, json!({"id": "z1"}), "{what}");

        // The credential itself went home (not only the request's header).
        carries(&home.requests()[0], &credential, what);
        let landed = elsewhere.requests();
        assert_eq!(landed.len(), 1, "{what}: the redirect was followed");
        assert_eq!(landed[0].target, "/landing?sig=1");
        assert_eq!(
            landed[0].header("host"),
            Some(format!("localhost:{}", port(&elsewhere)).as_str())
        );
        assert_eq!(
            secrets_in(&landed[0]),
            Vec::<String>::new(),
            "{what}: {}",
            landed[0].all_text()
        );
    }
}

#[tokio::test]
async fn a_redirect_within_the_origin_keeps_the_credentials() {
    for (what, setup, credential) in credential_setups() {
        let server = Server::respond(|request| match request.path() {
            "/zones/z1" => Reply::status(301).header("location", "/zones/z1/moved"),
            _ => Reply::envelope(json!({"id": "z1"})),
        })
        .await;
        let client = setup(builder(&server.url())).build().unwrap();
        get_zone::<Json<Value>>(&client)
            .header("x-request-secret", "s3cr3t")
            .await
            .unwrap();
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{what}");
        assert_eq!(requests[1].target, "/zones/z1/moved");
        carries(&requests[0], &credential, what);
        carries(&requests[1], &credential, what);
    }
}

/// Credentials dropped at a hop to another origin stay dropped, even when a
/// later hop comes back to the origin they were meant for.
#[tokio::test]
async fn credentials_once_dropped_stay_dropped() {
    for (what, setup, credential) in credential_setups() {
        let home = Server::respond(|request| match request.path() {
            "/zones/z1" => {
                Reply::status(302).header("location", request.header("x-bounce-to").unwrap_or("/"))
            }
            _ => Reply::envelope(json!({"back": true})),
        })
        .await;
        let back_home = format!("{}/back", home.url());
        let elsewhere = Server::repeat(Reply::status(302).header("location", &back_home)).await;
        let client = setup(builder(&home.url())).build().unwrap();
        let landed: Value = get_zone::<Json<Value>>(&client)
            .header("x-request-secret", "s3cr3t")
            .header("x-bounce-to", &via_localhost(&elsewhere, "/away"))
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(landed, json!({"back": true}));
        let at_home = home.requests();
        assert_eq!(at_home.len(), 2, "{what}");
        carries(&at_home[0], &credential, what);
        assert_eq!(at_home[1].target, "/back");
        assert_eq!(secrets_in(&at_home[1]), Vec::<String>::new(), "{what}");
        assert_eq!(secrets_in(&elsewhere.requests()[0]), Vec::<String>::new());
    }
}

/// A 307 repeats the method and the body, without the credentials; a 303
/// turns into a GET without a body.
#[tokio::test]
async fn redirected_bodies_follow_the_status() {
    let elsewhere = Server::repeat(Reply::envelope(json!({"ok": true}))).await;
    let landing = via_localhost(&elsewhere, "/landing");
    let home = Server::start([
        Reply::status(307).header("location", &landing),
        Reply::status(303).header("location", &landing),
    ])
    .await;
    let client = builder(&home.url()).api_token(TOKEN).build().unwrap();
    for _ in 0..2 {
        post_zones::<Json<Value>>(&client)
            .body(&json!({"name": "example.com"}))
            .await
            .unwrap();
    }
    let landed = elsewhere.requests();
    assert_eq!(landed[0].method, "POST");
    assert_eq!(landed[0].json(), json!({"name": "example.com"}));
    assert_eq!(landed[0].header("content-type"), Some("application/json"));
    assert_eq!(landed[1].method, "GET");
    assert!(landed[1].body.is_empty());
    assert_eq!(landed[1].header("content-type"), None);
    for request in &landed {
        assert_eq!(secrets_in(request), Vec::<String>::new());
    }
}

/// A body streamed from a file is never sent twice, so a 307 asking for it
/// again is the answer.
#[tokio::test]
async fn a_streamed_body_is_not_sent_again_by_a_redirect() {
    let dir = support::TempDir::new("redirect");
    let path = dir.path().join("worker.js");
    std::fs::write(&path, "export default {}").unwrap();
    let elsewhere = Server::repeat(Reply::envelope(json!({}))).await;
    let home =
        Server::repeat(Reply::status(307).header("location", &via_localhost(&elsewhere, "/again")))
            .await;
    let client = builder(&home.url()).api_token(TOKEN).build().unwrap();
    let form = generated_client::runtime::Multipart::new().file("worker.js", FilePart::path(&path));
    let err = post_zones::<Json<Value>>(&client)
        .multipart(form)
        .await
        .unwrap_err();
    let Error::Redirect { status, reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*status, reason),
        (StatusCode::TEMPORARY_REDIRECT, &RedirectStop::StreamedBody)
    );
    assert!(
        err.to_string()
            .contains("a streamed body is sent at most once"),
        "{err}"
    );
    assert_eq!(home.hits(), 1, "not retried either");
    assert_eq!(elsewhere.hits(), 0);
}

#[tokio::test]
async fn redirects_stop_after_ten_and_say_so() {
    let server = Server::repeat(Reply::status(302).header("location", "/zones/z1")).await;
    let client = builder(&server.url()).api_token(TOKEN).build().unwrap();
    let err = get_zone::<NoContent>(&client).await.unwrap_err();
    let Error::Redirect { status, reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*status, reason),
        (StatusCode::FOUND, &RedirectStop::TooMany { hops: 10 })
    );
    assert!(err.to_string().contains("10 redirects"), "{err}");
    assert_eq!(
        server.hits(),
        11,
        "the request and ten redirects, not retried"
    );

    // A redirect without a Location is no answer either.
    let server = Server::repeat(Reply::status(302)).await;
    let client = builder(&server.url()).api_token(TOKEN).build().unwrap();
    let err = get_zone::<NoContent>(&client).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Redirect {
                reason: RedirectStop::NoLocation,
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------
// Limits

#[tokio::test]
async fn a_success_body_past_the_default_limit_is_refused_unread() {
    let limit = 64u64 << 20;
    let server = Server::repeat(Reply::status(200).pattern(limit + 1)).await;
    let client = builder(&server.url()).api_token(TOKEN).build().unwrap();
    let err = get_zone::<Json<Value>>(&client).await.unwrap_err();
    match &err {
        Error::ResponseTooLarge {
            limit: seen,
            content_length,
            status,
            ..
        } => {
            assert_eq!((*seen, *content_length), (limit, Some(limit + 1)));
            assert_eq!(*status, StatusCode::OK);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("larger than the limit of 67108864 bytes"),
        "{err}"
    );
    assert_eq!(server.hits(), 1, "not retried");
    // Unread: the client closed the connection on the announced length, so
    // the server could write no more than the connection's buffers hold
    // (a few MiB), not the 64 MiB a client that read it would take.
    let sent = server.pattern_bytes_sent();
    assert!(sent < 16 << 20, "{sent} bytes went out");

    // The control: a raw response read as a stream takes all of it.
    let server = Server::repeat(Reply::status(200).pattern(limit + 1)).await;
    let client = builder(&server.url()).api_token(TOKEN).build().unwrap();
    let mut stream = get_zone::<generated_client::runtime::Raw>(&client)
        .await
        .unwrap()
        .stream();
    let mut read = 0u64;
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        read += chunk.unwrap().len() as u64;
    }
    assert_eq!(read, limit + 1);
    assert_eq!(server.pattern_bytes_sent(), limit + 1);
}

/// A large body without a length is read only up to the limit: the server
/// is stopped as soon as the body grows past it.
#[tokio::test]
async fn a_large_body_without_a_length_is_read_only_up_to_the_limit() {
    let server = Server::repeat(
        Reply::status(200)
            .header("transfer-encoding", "identity")
            .header("connection", "close")
            .pattern(256 << 20),
    )
    .await;
    let client = builder(&server.url())
        .api_token(TOKEN)
        .max_response_size(1 << 20)
        .build()
        .unwrap();
    let err = get_zone::<NoContent>(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                content_length: None,
                ..
            }
        ),
        "{err:?}"
    );
    let sent = server.pattern_bytes_sent();
    assert!(sent < 32 << 20, "{sent} of 256 MiB went out");
}

/// A body without `Content-Length` is refused once it grows past the limit.
#[tokio::test]
async fn a_chunked_body_is_refused_when_it_grows_past_the_limit() {
    let chunk = "x".repeat(512);
    let chunked: String = (0..4)
        .map(|_| format!("200\r\n{chunk}\r\n"))
        .chain(["0\r\n\r\n".to_owned()])
        .collect();
    let server = Server::repeat(
        Reply::status(200)
            .header("transfer-encoding", "chunked")
            .body(chunked),
    )
    .await;
    let client = builder(&server.url())
        .api_token(TOKEN)
        .max_response_size(1024)
        .build()
        .unwrap();
    let err = get_zone::<NoContent>(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 1024,
                content_length: None,
                ..
            }
        ),
        "{err:?}"
    );
    // The same body within a larger limit is read.
    let roomy = builder(&server.url())
        .api_token(TOKEN)
        .max_response_size(2048)
        .build()
        .unwrap();
    get_zone::<NoContent>(&roomy).await.unwrap();
}

/// A body a caller's own type cannot hold is an error that keeps the body
/// whole: the buffer it was read into, within the client's limit.
#[tokio::test]
async fn a_decode_error_keeps_the_whole_body() {
    let envelope = json!({"success": true, "result": {"id": 7, "pad": "y".repeat(1 << 20)}});
    // What the server sends: `Reply::json` writes the value this way.
    let sent = envelope.to_string();
    let server = Server::repeat(Reply::json(200, envelope)).await;
    let client = builder(&server.url()).api_token(TOKEN).build().unwrap();
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Zone {
        id: String,
    }
    let err = get_zone::<Json<Zone>>(&client).await.unwrap_err();
    match &err {
        Error::Decode { body, body_len, .. } => {
            assert_eq!(&body[..], sent.as_bytes());
            assert_eq!(*body_len, sent.len() as u64);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Origin CA key

#[tokio::test]
async fn the_origin_ca_key_authenticates() {
    let server = Server::repeat(Reply::status(204)).await;
    let client = builder(&server.url())
        .origin_ca_key(format!(" {CA_KEY}\n"))
        .build()
        .unwrap();
    get_zone::<NoContent>(&client).await.unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.header("x-auth-user-service-key"), Some(CA_KEY));
    assert_eq!(sent.header("authorization"), None);
    let debug = format!("{client:?}");
    assert!(
        debug.contains("OriginCaKey") && !debug.contains(CA_KEY),
        "{debug}"
    );
}

/// `CLOUDFLARE_ORIGIN_CA_KEY` is read by `Client::from_env`: the `dns`
/// example, with only that variable, sends it.
#[tokio::test]
async fn the_origin_ca_key_comes_from_the_environment() {
    let server = Server::repeat(Reply::json(
        403,
        json!({"success": false, "errors": [{"code": 10000, "message": "Authentication error"}]}),
    ))
    .await;
    let mut command = Command::new(support::example_binary("dns"));
    command
        .env_clear()
        .env("CLOUDFLARE_ORIGIN_CA_KEY", CA_KEY)
        .env("CLOUDFLARE_ZONE_ID", "z1")
        .env("CLOUDFLARE_BASE_URL", server.url())
        .stdin(Stdio::null());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let sent = &server.requests()[0];
    assert_eq!(sent.header("x-auth-user-service-key"), Some(CA_KEY));
}

// ---------------------------------------------------------------------------
// TLS

fn tls_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tls")
        .join(name)
}

/// A TLS server on 127.0.0.1 with the certificate of `tests/tls/`, for
/// `localhost`, answering every request with a small envelope; it keeps the
/// request heads.
struct TlsServer {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsServer {
    async fn start() -> TlsServer {
        TlsServer::answering(None).await
    }

    /// Answers every request with a redirect to `to`.
    async fn redirecting(to: String) -> TlsServer {
        TlsServer::answering(Some(to)).await
    }

    async fn answering(redirect: Option<String>) -> TlsServer {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(tls_file("server.pem"))
                .unwrap()
                .map(Result::unwrap)
                .collect();
        let key = PrivateKeyDer::from_pem_file(tls_file("server.key")).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let seen = seen.clone();
                let redirect = redirect.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends here.
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.ends_with(b"\r\n\r\n") {
                        match tls.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    seen.lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&head).into_owned());
                    let body = r#"{"success":true,"errors":[],"messages":[],"result":{"id":"z1"}}"#;
                    let reply = match &redirect {
                        Some(to) => format!(
                            "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        ),
                        None => format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        ),
                    };
                    let _ = tls.write_all(reply.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        TlsServer { port, heads, task }
    }

    fn url(&self) -> String {
        format!("https://localhost:{}", self.port)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn https_builder(base: &str) -> generated_client::ClientBuilder {
    Client::builder()
        .base_url(base)
        .api_token(TOKEN)
        .max_retries(0)
}

#[tokio::test]
async fn tls_trusts_an_added_root_certificate() {
    let server = TlsServer::start().await;

    // Not one of the bundled (or system) roots: refused.
    let plain = https_builder(&server.url()).build().unwrap();
    let err = get_zone::<Json<Value>>(&plain).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(server.heads.lock().unwrap().is_empty());

    let pem = std::fs::read(tls_file("ca.pem")).unwrap();
    let trusting = https_builder(&server.url())
        .add_root_certificate(Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let zone: Value = get_zone::<Json<Value>>(&trusting).await.unwrap();
    assert_eq!(zone, json!({"id": "z1"}));
    let heads = server.heads.lock().unwrap().clone();
    assert!(
        heads[0].starts_with("GET /zones/z1 HTTP/1.1\r\n"),
        "{heads:?}"
    );
}

/// `https` is never followed to `http`: the request would go out in the
/// clear, credentials and all.
#[tokio::test]
async fn a_redirect_from_https_to_http_is_refused_and_says_why() {
    let plain = Server::repeat(Reply::envelope(json!({}))).await;
    let server = TlsServer::redirecting(format!("{}/zones/z1", plain.url())).await;
    let pem = std::fs::read(tls_file("ca.pem")).unwrap();
    let client = https_builder(&server.url())
        .add_root_certificate(Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let err = get_zone::<NoContent>(&client).await.unwrap_err();
    let Error::Redirect { status, reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*status, reason),
        (StatusCode::FOUND, &RedirectStop::Downgrade)
    );
    assert!(err.to_string().contains("from https to http"), "{err}");
    assert_eq!(plain.hits(), 0);
    assert_eq!(server.heads.lock().unwrap().len(), 1);
}

/// `configure_http` reaches reqwest's builder (here its root
/// certificates), and cannot turn redirects back on.
#[tokio::test]
async fn configure_http_adjusts_reqwest_but_keeps_redirects_here() {
    let server = TlsServer::start().await;
    let pem = std::fs::read(tls_file("ca.pem")).unwrap();
    let ca = Certificate::from_pem(&pem).unwrap();
    let client = https_builder(&server.url())
        .configure_http(move |http| http.add_root_certificate(ca.clone()))
        .build()
        .unwrap();
    get_zone::<Json<Value>>(&client).await.unwrap();

    let elsewhere = Server::repeat(Reply::envelope(json!({}))).await;
    let home =
        Server::repeat(Reply::status(302).header("location", &via_localhost(&elsewhere, "/")))
            .await;
    let client = builder(&home.url())
        .api_key("me@example.com", KEY)
        .configure_http(|http| {
            http.redirect(generated_client::reqwest::redirect::Policy::limited(5))
        })
        .build()
        .unwrap();
    get_zone::<Json<Value>>(&client).await.unwrap();
    assert_eq!(secrets_in(&elsewhere.requests()[0]), Vec::<String>::new());
}

/// With `native-roots`, the system's store is trusted: a child process
/// whose store (`SSL_CERT_FILE`) holds the test CA connects without adding
/// it. This process's store does not hold it (the test above).
#[tokio::test]
async fn native_roots_trust_the_system_store() {
    let server = TlsServer::start().await;
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "native_roots_child", "--ignored", "--nocapture"])
        .env("SSL_CERT_FILE", tls_file("ca.pem"))
        .env("SSL_CERT_DIR", tls_file("no-such-folder"))
        .env("NATIVE_ROOTS_CHILD_URL", server.url())
        .stdin(Stdio::null());
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(server.heads.lock().unwrap().len(), 1);
}

#[tokio::test]
#[ignore = "run by native_roots_trust_the_system_store, in a child process"]
async fn native_roots_child() {
    let url = std::env::var("NATIVE_ROOTS_CHILD_URL").expect("run by the parent test");
    let client = https_builder(&url).build().unwrap();
    let zone: Value = get_zone::<Json<Value>>(&client).await.unwrap();
    assert_eq!(zone, json!({"id": "z1"}));
}
