//! Multipart uploads through the generated API, over loopback: the scripted
//! server records each request, and multer, a parser nobody on this project
//! wrote, reads the body back (part names, file names, content types and
//! bytes) for the four uploads the overlays declare: a Worker, an image, a
//! DNS zone file and a KV value with metadata. Then the runtime's promises:
//! a body held in memory is retried, a body streamed from a file is sent at
//! most once (but retried when it never started going out), and a part that
//! cannot be sent fails the request before anything is sent. Last, the
//! `deploy_worker` example, run in-process against the same kind of server.

mod support;

#[path = "../examples/deploy_worker.rs"]
#[allow(dead_code)] // `main` only the binary uses.
mod example;

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use generated_client::cloudflare_images::ImageUpload;
use generated_client::dns_records_for_a_zone::DnsImport;
use generated_client::runtime::FilePart;
use generated_client::worker_script::{TailConsumer, WorkerMetadata, WorkerUpload};
use generated_client::workers_kv_namespace::KvWrite;
use generated_client::{Client, Error};
use serde_json::{Value, json};
use support::{Recorded, Reply, Server, TempDir};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const WORKER_JS: &str = "export default { fetch() { return new Response(\"hello\"); } };\n";

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .allow_http(true)
        .api_token("upload-test-token")
        .retry_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

/// One part as multer read it.
#[derive(Debug)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

impl Part {
    fn text(&self) -> &str {
        std::str::from_utf8(&self.bytes).unwrap()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap()
    }
}

/// Reads a recorded request as `multipart/form-data` with multer, after
/// checking it announced its exact length (the server reads by it).
async fn parts(request: &Recorded) -> Vec<Part> {
    let content_type = request
        .header("content-type")
        .expect("a multipart request has a content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    assert_eq!(request.header("transfer-encoding"), None);
    assert_eq!(
        request.header("content-length"),
        Some(request.body.len().to_string().as_str())
    );
    let boundary = multer::parse_boundary(content_type).unwrap();
    let body = Bytes::from(request.body.clone());
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.unwrap() {
        parts.push(Part {
            name: field.name().unwrap_or_default().to_owned(),
            file_name: field.file_name().map(str::to_owned),
            content_type: field.content_type().map(ToString::to_string),
            bytes: field.bytes().await.unwrap().to_vec(),
        });
    }
    parts
}

fn names(parts: &[Part]) -> Vec<&str> {
    parts.iter().map(|p| p.name.as_str()).collect()
}

#[tokio::test]
async fn a_module_worker_goes_up_as_metadata_and_modules() {
    let dir = TempDir::new("worker");
    let path = dir.path().join("index.js");
    std::fs::write(&path, WORKER_JS).unwrap();
    let server = Server::start([Reply::envelope(json!({
        "id": "hello-worker",
        "etag": "ea95132c15732412d22c1476fa83f27a",
        "handlers": ["fetch"],
        "startup_time_ms": 10,
        "usage_model": "bundled"
    }))])
    .await;
    let metadata = WorkerMetadata {
        main_module: Some("worker.js".to_owned()),
        compatibility_date: Some("2024-09-23".to_owned()),
        bindings: Some(vec![
            json!({"type": "plain_text", "name": "GREETING", "text": "hello"})
                .as_object()
                .unwrap()
                .clone(),
        ]),
        tail_consumers: Some(vec![TailConsumer::new("log-consumer".to_owned())]),
        ..WorkerMetadata::default()
    };
    let body = WorkerUpload::new(&metadata, "worker.js", FilePart::path(&path))
        .module(
            "lib.wasm",
            FilePart::bytes(&b"\0asm\x01\0\0\0"[..]).content_type("application/wasm"),
        )
        .module(
            "worker.js.map",
            FilePart::bytes("{}").content_type("application/source-map"),
        );

    let script = client(&server.url())
        .worker_script()
        .upload_worker_module(ACCOUNT, "hello-worker", body)
        .await
        .unwrap()
        .expect("the script");
    assert_eq!(script.id.as_deref(), Some("hello-worker"));
    assert_eq!(script.handlers, Some(vec!["fetch".to_owned()]));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.path(),
        format!("/accounts/{ACCOUNT}/workers/scripts/hello-worker")
    );
    let parts = parts(request).await;
    assert_eq!(
        names(&parts),
        ["metadata", "worker.js", "lib.wasm", "worker.js.map"]
    );
    assert_eq!(parts[0].content_type.as_deref(), Some("application/json"));
    assert_eq!(parts[0].file_name, None);
    assert_eq!(
        parts[0].json(),
        json!({
            "main_module": "worker.js",
            "compatibility_date": "2024-09-23",
            "bindings": [{"type": "plain_text", "name": "GREETING", "text": "hello"}],
            "tail_consumers": [{"service": "log-consumer"}]
        })
    );
    // A module without a content type of its own gets the documented first one.
    assert_eq!(
        parts[1].content_type.as_deref(),
        Some("application/javascript+module")
    );
    // Cloudflare finds a module by its file name: the module's name, not
    // the name of the file it was read from (`index.js`).
    assert_eq!(parts[1].file_name.as_deref(), Some("worker.js"));
    assert_eq!(parts[1].text(), WORKER_JS);
    assert_eq!(parts[2].content_type.as_deref(), Some("application/wasm"));
    assert_eq!(parts[2].file_name.as_deref(), Some("lib.wasm"));
    assert_eq!(parts[2].bytes, b"\0asm\x01\0\0\0");
    assert_eq!(
        parts[3].content_type.as_deref(),
        Some("application/source-map")
    );
    assert_eq!(parts[3].file_name.as_deref(), Some("worker.js.map"));
}

/// A module whose file name says something else than its name would be
/// one Cloudflare cannot find: the request fails before anything is sent.
#[tokio::test]
async fn a_module_under_another_file_name_is_refused_before_sending() {
    let server = Server::repeat(Reply::envelope(json!({}))).await;
    let metadata = WorkerMetadata {
        main_module: Some("worker.js".to_owned()),
        ..WorkerMetadata::default()
    };
    let module = FilePart::bytes(WORKER_JS).file_name("out-3f9a.mjs");
    let err = client(&server.url())
        .worker_script()
        .upload_worker_module(
            ACCOUNT,
            "hello-worker",
            WorkerUpload::new(&metadata, "worker.js", module),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, generated_client::Error::InvalidArgument(m) if m.contains("out-3f9a.mjs")),
        "{err:?}"
    );
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn an_image_goes_up_from_a_path_with_its_options() {
    let dir = TempDir::new("image");
    let path = dir.path().join("logo.png");
    let image: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(&path, &image).unwrap();
    let server = Server::start([Reply::envelope(json!({
        "id": "107b9558-dd06-4bbd-5fef-9c2c16bb7900",
        "filename": "logo.png",
        "requireSignedURLs": true,
        "variants": ["https://imagedelivery.net/x/107b9558/public"]
    }))])
    .await;
    let metadata = json!({"owner": "docs"}).as_object().unwrap().clone();
    let body = ImageUpload::new()
        .require_signed_urls(false)
        .file(FilePart::path(&path).content_type("image/png"))
        .metadata(&metadata)
        // Set twice: the last value is the one sent.
        .require_signed_urls(true);

    let uploaded = client(&server.url())
        .cloudflare_images()
        .upload_image(ACCOUNT, body)
        .await
        .unwrap()
        .expect("the image");
    assert_eq!(
        uploaded.variants,
        Some(vec![
            "https://imagedelivery.net/x/107b9558/public".to_owned()
        ])
    );

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), format!("/accounts/{ACCOUNT}/images/v1"));
    let parts = parts(request).await;
    assert_eq!(names(&parts), ["file", "metadata", "requireSignedURLs"]);
    assert_eq!(parts[0].content_type.as_deref(), Some("image/png"));
    assert_eq!(parts[0].file_name.as_deref(), Some("logo.png"));
    assert_eq!(parts[0].bytes, image);
    assert_eq!(parts[1].json(), json!({"owner": "docs"}));
    assert_eq!(parts[2].content_type, None);
    assert_eq!(parts[2].text(), "true");
}

#[tokio::test]
async fn a_zone_file_is_imported() {
    let zone = "www.example.com. 300 IN A 127.0.0.1\nmail.example.com. 300 IN A 127.0.0.2\n";
    let server = Server::start([Reply::envelope(
        json!({"recs_added": 2, "total_records_parsed": 2}),
    )])
    .await;
    let body = DnsImport::new(FilePart::bytes(zone).file_name("bind_config.txt")).proxied(true);
    let imported = client(&server.url())
        .dns_records_for_a_zone()
        .import_dns_records(ACCOUNT, body)
        .await
        .unwrap()
        .expect("the import's counts");
    assert_eq!(imported.recs_added, Some(2.0));

    let request = &server.requests()[0];
    assert_eq!(
        request.path(),
        format!("/zones/{ACCOUNT}/dns_records/import")
    );
    let parts = parts(request).await;
    assert_eq!(names(&parts), ["file", "proxied"]);
    assert_eq!(parts[0].content_type.as_deref(), Some("text/plain"));
    assert_eq!(parts[0].file_name.as_deref(), Some("bind_config.txt"));
    assert_eq!(parts[0].text(), zone);
    assert_eq!(parts[1].text(), "true");
}

#[tokio::test]
async fn a_kv_value_is_written_with_its_metadata() {
    let server = Server::start([Reply::envelope(json!({}))]).await;
    let value: Vec<u8> = (0..=255u8).collect();
    let body = KvWrite::new(
        FilePart::bytes(value.clone()),
        &json!({"someMetadataKey": "someMetadataValue"}),
    );
    client(&server.url())
        .workers_kv_namespace()
        .write_key_value_pair_with_optional_metadata(ACCOUNT, "ns-1", "my key", body)
        .await
        .unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.path(),
        format!("/accounts/{ACCOUNT}/storage/kv/namespaces/ns-1/values/my%20key")
    );
    let parts = parts(request).await;
    assert_eq!(names(&parts), ["value", "metadata"]);
    assert_eq!(
        parts[0].content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(parts[0].bytes, value);
    assert_eq!(
        parts[1].json(),
        json!({"someMetadataKey": "someMetadataValue"})
    );
}

/// A KV write of `value` through the generated API, with at most two retries.
async fn write_kv(base_url: &str, value: FilePart) -> generated_client::Result<()> {
    let body = KvWrite::new(value, &json!({"v": 1}));
    client(base_url)
        .workers_kv_namespace()
        .write_key_value_pair_with_optional_metadata(ACCOUNT, "ns-1", "k", body)
        .max_retries(2)
        .await
        .map(drop)
}

#[tokio::test]
async fn a_body_in_memory_is_sent_again_on_a_retry() {
    // Small parts are copied into one buffer; a large one (100 KB here) is
    // sent from its own. Both kinds are sent again.
    let large: Vec<u8> = (0..100_000).map(support::pattern_byte).collect();
    for value in [b"the value".to_vec(), large] {
        let server = Server::start([Reply::status(503), Reply::envelope(json!({}))]).await;
        write_kv(&server.url(), FilePart::bytes(value.clone()))
            .await
            .unwrap();
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        // The same bytes, boundary included: the body was encoded once.
        assert_eq!(requests[0].body, requests[1].body);
        assert!(parts(&requests[1]).await[0].bytes == value);
    }
}

#[tokio::test]
async fn a_body_streamed_from_a_file_is_sent_at_most_once() {
    let dir = TempDir::new("once");
    let path = dir.path().join("value.bin");
    std::fs::write(&path, b"streamed value").unwrap();

    // A retryable status after the body went out: not sent again.
    let server = Server::start([Reply::status(503), Reply::envelope(json!({}))]).await;
    let err = write_kv(&server.url(), FilePart::path(&path))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert_eq!(server.hits(), 1);
    assert_eq!(
        parts(&server.requests()[0]).await[0].text(),
        "streamed value"
    );

    // A connection reset after the server read the body: not sent again.
    let server = Server::start([Reply::reset(), Reply::envelope(json!({}))]).await;
    let err = write_kv(&server.url(), FilePart::path(&path))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Connection { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_streamed_body_that_never_went_out_is_retried() {
    let dir = TempDir::new("refused");
    let path = dir.path().join("value.bin");
    std::fs::write(&path, b"streamed value").unwrap();
    // Nothing listens on a port just released: every connection is refused
    // before the body is read, so each attempt may try again.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = write_kv(&format!("http://127.0.0.1:{port}"), FilePart::path(&path))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Connection { attempts: 3, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_part_that_cannot_be_sent_fails_before_sending() {
    let server = Server::start([Reply::envelope(json!({}))]).await;
    let missing = write_kv(&server.url(), FilePart::path("/nonexistent/value.bin"))
        .await
        .unwrap_err();
    match &missing {
        Error::Io(e) => {
            assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
            assert!(e.to_string().contains("/nonexistent/value.bin"), "{e}");
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
    let bad_type = write_kv(
        &server.url(),
        FilePart::bytes("v").content_type("text/plain\r\nx-injected: 1"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&bad_type, Error::InvalidArgument(m) if m.contains("invalid content type")),
        "{bad_type:?}"
    );
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_large_file_part_arrives_whole() {
    let dir = TempDir::new("large");
    let path = dir.path().join("big.bin");
    let len = 9 * (1 << 20) + 123;
    let content: Vec<u8> = (0..len as u64).map(support::pattern_byte).collect();
    std::fs::write(&path, &content).unwrap();
    let server = Server::start([Reply::envelope(json!({}))]).await;
    write_kv(&server.url(), FilePart::path(&path))
        .await
        .unwrap();
    let parts = parts(&server.requests()[0]).await;
    assert_eq!(parts[0].file_name.as_deref(), Some("big.bin"));
    assert!(parts[0].bytes == content, "the file part's bytes differ");
}

#[tokio::test]
async fn the_deploy_worker_example_uploads_metadata_and_module() {
    let dir = TempDir::new("example");
    let path = dir.path().join("hello.js");
    std::fs::write(&path, WORKER_JS).unwrap();
    let server = Server::start([Reply::envelope(json!({
        "id": "hello-worker",
        "etag": "ea95132c",
        "handlers": ["fetch"],
        "startup_time_ms": 7
    }))])
    .await;
    let argv: Vec<String> = [
        "hello-worker",
        path.to_str().unwrap(),
        "--var",
        "GREETING=hi there",
        "--compatibility-date=2025-01-01",
    ]
    .map(str::to_owned)
    .to_vec();
    let env = |name: &str| (name == "CLOUDFLARE_ACCOUNT_ID").then(|| ACCOUNT.to_owned());
    let options = example::Options::parse(&argv, env).unwrap().unwrap();
    let script = example::run(&client(&server.url()), &options)
        .await
        .unwrap();
    assert_eq!(
        example::describe(&options, &script),
        format!(
            "deployed hello-worker from {}, etag ea95132c, handlers: fetch, startup 7 ms",
            path.display()
        )
    );

    let request = &server.requests()[0];
    assert_eq!(
        request.path(),
        format!("/accounts/{ACCOUNT}/workers/scripts/hello-worker")
    );
    let parts = parts(request).await;
    assert_eq!(names(&parts), ["metadata", "hello.js"]);
    assert_eq!(
        parts[0].json(),
        json!({
            "main_module": "hello.js",
            "compatibility_date": "2025-01-01",
            "bindings": [{"type": "plain_text", "name": "GREETING", "text": "hi there"}]
        })
    );
    assert_eq!(
        parts[1].content_type.as_deref(),
        Some("application/javascript+module")
    );
    assert_eq!(parts[1].text(), WORKER_JS);
}

#[test]
fn the_deploy_worker_example_reads_its_command_line() {
    let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let none = |_: &str| None;
    let parse = |list: &[&str]| example::Options::parse(&args(list), none);
    assert_eq!(parse(&["--help"]), Ok(None));
    assert_eq!(
        parse(&["w", "w.js"]),
        Err("no account: pass --account ID or set CLOUDFLARE_ACCOUNT_ID".to_owned())
    );
    assert_eq!(
        parse(&["w"]),
        Err("give the Worker's name and its main module's file".to_owned())
    );
    assert_eq!(
        parse(&["w", "w.js", "--account", "a", "--var", "NOEQUALS"]),
        Err("--var needs NAME=VALUE, not \"NOEQUALS\"".to_owned())
    );
    assert_eq!(
        parse(&["w", "w.js", "--acount", "a"]),
        Err("unknown option --acount".to_owned())
    );
    let options = parse(&["w", "dir/w.js", "--account=a"]).unwrap().unwrap();
    assert_eq!(options.compatibility_date, "2024-09-23");
    assert_eq!(options.module, std::path::PathBuf::from("dir/w.js"));
}
