//! Contract test of the multipart uploads: the generated bodies against
//! Prism (`--errors`) serving Cloudflare's own description of the four
//! operations (`../shared/contract/cloudflare-uploads.openapi.json`), which
//! validates each request body's parts against the operation's schema.
//!
//! - A Worker upload (metadata and a module) and a KV write (value and
//!   metadata) are accepted, and their results decode into the generated
//!   types; a KV write without its `value` part is refused (422).
//! - A DNS zone-file import is accepted (with `X-Auth-Email` and
//!   `X-Auth-Key`: the description lists no token for it).
//! - An image upload is accepted, but Prism then fails its own example
//!   response (500, every violation about the `response`), so only the
//!   request is checked there (see `../shared/contract/README.md`). Prism
//!   reads every part as a string, so the image's `metadata` part, an
//!   object in the description, cannot pass it and is not sent here; the
//!   loopback tests (`uploads.rs`) check that part.
//!
//! Prism is installed and run by `support/prism.rs`, like in `contract.rs`.

#[path = "support/prism.rs"]
mod prism;

use std::time::{Duration, Instant};

use generated_client::cloudflare_images::ImageUpload;
use generated_client::dns_records_for_a_zone::DnsImport;
use generated_client::runtime::{FilePart, Json, Method, Multipart, PathPart, Request};
use generated_client::worker_script::{WorkerMetadata, WorkerUpload};
use generated_client::workers_kv_namespace::KvWrite;
use generated_client::{Client, ClientBuilder, Error};
use serde_json::{Value, json};

use prism::{Prism, ensure_prism, workspace_root};

const SPEC: &str = "../shared/contract/cloudflare-uploads.openapi.json";
/// Identifiers are at most 32 characters in the contract; this is its example.
const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const NAMESPACE: &str = "0f2ac74b498b48028cb68387c421e279";
const WORKER_JS: &str = "export default { fetch() { return new Response(\"OK\"); } };\n";

#[test]
fn uploads_against_prism() {
    let started = Instant::now();
    let root = workspace_root();
    let bin = ensure_prism(&root);
    let prism = Prism::start(&root, &bin, SPEC);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(against_prism(&prism));
    drop(prism);
    eprintln!("contract uploads: done in {:.1?}", started.elapsed());
}

fn builder(prism: &Prism) -> ClientBuilder {
    Client::builder()
        .base_url(prism.url())
        .allow_http(true)
        // A failure must show, not be retried away.
        .max_retries(0)
        .timeout(Duration::from_secs(20))
}

/// Prism's `sl-violations` header of a failed call: where each violation is
/// (`["request", "body", …]`) and what it says.
fn violations(err: &Error) -> Vec<(String, String)> {
    let header = err
        .api()
        .and_then(|api| api.headers.get("sl-violations"))
        .map(|v| v.to_str().expect("violations are ASCII JSON").to_owned())
        .unwrap_or_else(|| panic!("no sl-violations header: {err:?}"));
    let list: Vec<Value> = serde_json::from_str(&header).expect("violations are a JSON list");
    list.iter()
        .map(|v| {
            let location: Vec<&str> = v["location"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            (
                location.join("."),
                v["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The value of a call Prism must accept.
fn accepted<T>(what: &str, result: generated_client::Result<T>) -> T {
    result.unwrap_or_else(|err| {
        let found = err.api().map(|_| violations(&err)).unwrap_or_default();
        panic!("{what}: not accepted: {err}\nPrism's violations: {found:?}")
    })
}

async fn against_prism(prism: &Prism) {
    let client = builder(prism)
        .api_token("contract-test-token")
        .build()
        .expect("client");

    // A module Worker: metadata and its main module.
    let metadata = WorkerMetadata {
        main_module: Some("worker.js".to_owned()),
        compatibility_date: Some("2024-09-23".to_owned()),
        ..WorkerMetadata::default()
    };
    let body = WorkerUpload::new(&metadata, "worker.js", FilePart::bytes(WORKER_JS));
    let script = accepted(
        "upload a Worker",
        client
            .worker_script()
            .upload_worker_module(ACCOUNT, "hello-worker", body)
            .await,
    )
    .expect("the script");
    // The contract's example result, typed.
    assert_eq!(script.id.as_deref(), Some("this-is_my_script-01"));
    assert_eq!(script.startup_time_ms, Some(10));
    assert_eq!(
        script
            .tail_consumers
            .as_ref()
            .and_then(|t| t[0].service.as_deref()),
        Some("my-log-consumer")
    );

    // A KV value with its metadata, and the same write without the value.
    let body = KvWrite::new(
        FilePart::bytes("Some Value"),
        &json!({"someMetadataKey": "someMetadataValue"}),
    );
    let kv = client.workers_kv_namespace();
    accepted(
        "write a KV value",
        kv.write_key_value_pair_with_optional_metadata(ACCOUNT, NAMESPACE, "my-key", body)
            .await,
    );
    let without_value = Request::<Json<Value>>::new(
        &client,
        Method::PUT,
        "/accounts/{account_id}/storage/kv/namespaces/{namespace_id}/values/{key_name}",
        &[
            PathPart::Lit("/accounts/"),
            PathPart::Param("account_id", ACCOUNT),
            PathPart::Lit("/storage/kv/namespaces/"),
            PathPart::Param("namespace_id", NAMESPACE),
            PathPart::Lit("/values/"),
            PathPart::Param("key_name", "my-key"),
        ],
    )
    .multipart(Multipart::new().json("metadata", &json!({"someMetadataKey": 1})))
    .await
    .expect_err("a KV write without `value` must be refused");
    assert_eq!(
        without_value.status().map(|s| s.as_u16()),
        Some(422),
        "{without_value:?}"
    );
    let found = violations(&without_value);
    assert!(
        found
            .iter()
            .any(|(at, message)| at.starts_with("request.body") && message.contains("'value'")),
        "{found:?}"
    );

    // An image from its bytes: the request passes; Prism's own example
    // response does not (every violation is about the response).
    let body = ImageUpload::new()
        .file(FilePart::bytes(&b"\x89PNG\r\n\x1a\n"[..]).content_type("image/png"))
        .require_signed_urls(true);
    let image = client
        .cloudflare_images()
        .upload_image(ACCOUNT, body)
        .await
        .expect_err("Prism's image example fails its own response schema");
    let found = violations(&image);
    assert_eq!(image.status().map(|s| s.as_u16()), Some(500), "{found:?}");
    assert!(
        !found.is_empty() && found.iter().all(|(at, _)| at.starts_with("response")),
        "the image upload request itself was refused: {found:?}"
    );
    // The same check refuses a request that breaks the schema: it can fail.
    let bad = Request::<Json<Value>>::new(
        &client,
        Method::POST,
        "/accounts/{account_id}/images/v1",
        &[
            PathPart::Lit("/accounts/"),
            PathPart::Param("account_id", ACCOUNT),
            PathPart::Lit("/images/v1"),
        ],
    )
    .multipart(Multipart::new().text("requireSignedURLs", "maybe"))
    .await
    .expect_err("a requireSignedURLs that is not a boolean must be refused");
    assert_eq!(bad.status().map(|s| s.as_u16()), Some(422), "{bad:?}");

    // A BIND zone file; this operation takes the email and key only.
    let dns = builder(prism)
        .api_key("user@example.com", "contract-test-key")
        .build()
        .expect("client");
    let zone = "www.example.com. 300 IN A 127.0.0.1\n";
    let body = DnsImport::new(FilePart::bytes(zone).file_name("bind_config.txt")).proxied(true);
    let imported = accepted(
        "import a zone file",
        dns.dns_records_for_a_zone()
            .import_dns_records(ACCOUNT, body)
            .await,
    )
    .expect("the import's counts");
    assert_eq!(imported.recs_added, Some(5.0));
    assert_eq!(imported.total_records_parsed, Some(5.0));
}
