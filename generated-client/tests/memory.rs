//! Memory is bounded by the caller, not the server: over real HTTP on
//! 127.0.0.1, the most this process holds while the client refuses a body
//! larger than its limit, and while it sends NDJSON lines as they are
//! made; measured by a counting allocator (this test binary's own, so
//! nothing else runs beside the one test).

mod support;

use generated_client::runtime::{Json, Method, NoContent, Output, PathPart, Raw, Request};
use generated_client::{Client, Error};
use peak_alloc::PeakAlloc;
use serde_json::Value;
use support::{Reply, Server};

/// The system allocator, counting the bytes held and the most ever held.
#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// Starts measuring: the bytes held now.
fn reset() -> usize {
    ALLOCATOR.reset_peak_usage();
    ALLOCATOR.current_usage()
}

/// The most held above `base` since [`reset`].
fn peak_above(base: usize) -> usize {
    ALLOCATOR.peak_usage().saturating_sub(base)
}

fn get_zone<K: Output>(client: &Client) -> Request<K> {
    Request::new(
        client,
        Method::GET,
        "/zones/{zone_id}",
        &[PathPart::Lit("/zones/"), PathPart::Param("zone_id", "z1")],
    )
}

fn limited(server: &Server, limit: u64) -> Client {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("t")
        .max_retries(0)
        .max_response_size(limit)
        .build()
        .unwrap()
}

const MIB: usize = 1 << 20;

/// One test, so that nothing else allocates while it measures.
#[tokio::test(flavor = "current_thread")]
async fn refused_bodies_are_never_held() {
    // Announced past the default limit of 64 MiB: refused from its
    // Content-Length.
    let server = Server::repeat(Reply::status(200).pattern((64 << 20) + 1)).await;
    let client = limited(&server, 64 << 20);
    let base = reset();
    let err = get_zone::<Json<Value>>(&client).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    let peak = peak_above(base);
    assert!(
        peak < 4 * MIB,
        "held {peak} bytes for a refused 64 MiB body"
    );
    drop(server);

    // No length: read up to the limit (8 MiB here), then refused.
    let server = Server::repeat(
        Reply::status(200)
            .header("transfer-encoding", "identity")
            .header("connection", "close")
            .pattern(256 << 20),
    )
    .await;
    let client = limited(&server, 8 << 20);
    let base = reset();
    let err = get_zone::<NoContent>(&client).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    let peak = peak_above(base);
    assert!(
        peak < 12 * MIB,
        "held {peak} bytes for a 256 MiB body with an 8 MiB limit"
    );
    drop(server);

    // A raw response read whole obeys the same limit.
    let server = Server::repeat(Reply::status(200).pattern(64 << 20)).await;
    let client = limited(&server, 8 << 20);
    let base = reset();
    let raw = get_zone::<Raw>(&client).await.unwrap();
    let err = raw.bytes().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    let peak = peak_above(base);
    assert!(peak < 4 * MIB, "held {peak} bytes refusing a raw body");
    drop(server);

    // NDJSON lines are written as they are sent: 48 MiB of vectors, made
    // one at a time, never held together.
    let server = Server::sink(Reply::envelope(serde_json::json!({"mutationId": "m"}))).await;
    let client = limited(&server, 8 << 20);
    let lines = 400_000;
    let base = reset();
    client
        .request(
            Method::POST,
            "/accounts/{account_id}/vectorize/v2/indexes/{index_name}/insert",
            &[("account_id", "a"), ("index_name", "i")],
        )
        .ndjson((0..lines).map(|i| {
            serde_json::json!({"id": format!("vector-{i:08}"), "values": vec![0.125; 12], "metadata": {"n": i}})
        }))
        .await
        .unwrap();
    let peak = peak_above(base);
    let sent = server.requests()[0].body_len;
    assert!(sent > 48 * MIB as u64, "sent {sent} bytes");
    assert!(
        peak < 4 * MIB,
        "held {peak} bytes sending {sent} bytes of NDJSON"
    );
}
