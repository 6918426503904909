//! Server-Sent Events over HTTP on 127.0.0.1, sent piece by piece as a
//! streaming server does: chunk boundaries anywhere (inside a field name,
//! inside data, between CR and LF), comments and keep-alives, a connection
//! that drops, a server that goes quiet, `[DONE]`, error events, and a
//! server that answers JSON instead of streaming.

mod support;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use generated_client::runtime::{Event, Method, TextChunk};
use generated_client::{Client, Error};
use serde_json::{Value, json};
use support::{Piece, Reply, Server};

const RUN: &str = "/accounts/{account_id}/ai/run/{model_name}";
const ACCOUNT: &str = "acc-7f3a";
const MODEL: &str = "@cf/meta/llama-3.1-8b-instruct";

fn client(server: &Server, timeout: Duration) -> Client {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("sse-test-token")
        .timeout(timeout)
        .retry_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

fn sse(pieces: Vec<Piece>) -> Reply {
    Reply::status(200)
        .header("content-type", "text/event-stream")
        .chunked(pieces)
}

fn run(
    client: &Client,
) -> generated_client::runtime::Request<generated_client::runtime::Json<Value>> {
    client.request(
        Method::POST,
        RUN,
        &[("account_id", ACCOUNT), ("model_name", MODEL)],
    )
}

/// Every event of a stream, and the error that ended it, if any.
async fn drain<T>(
    mut stream: impl futures_util::Stream<Item = generated_client::Result<T>> + Unpin,
) -> (Vec<T>, Option<Error>) {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(error) => {
                assert!(
                    stream.next().await.is_none(),
                    "a stream ends after an error"
                );
                return (items, Some(error));
            }
        }
    }
    (items, None)
}

fn event(name: &str, data: &str, id: &str) -> Event {
    let mut event = Event::default();
    event.event = name.to_owned();
    event.data = data.to_owned();
    event.id = id.to_owned();
    event
}

#[tokio::test]
async fn events_cut_anywhere_arrive_whole_and_comments_are_skipped() {
    let server = Server::start([sse(vec![
        Piece::text(": hello\n\nda"),
        Piece::text("ta: first\r"),
        Piece::text("\ndata: line two\r\n\r\nevent: upd"),
        Piece::text("ate\nid: 7\ndata: {\"n\":"),
        Piece::pause_ms(20),
        Piece::text("1}\n\n:keep-alive\n\n"),
        Piece::text("data: é"),
        Piece::Send(vec![0xC3]),
        Piece::Send(vec![0xA9, b'\n', b'\n']),
    ])])
    .await;
    let client = client(&server, Duration::from_secs(5));

    let stream = client
        .request(Method::GET, "/live", &[])
        .events()
        .await
        .unwrap();
    assert_eq!(stream.meta().status, 200);
    let (events, end) = drain(stream).await;
    assert!(end.is_none(), "{end:?}");
    assert_eq!(
        events,
        [
            event("message", "first\nline two", ""),
            event("update", "{\"n\":1}", "7"),
            // A character cut between two chunks, even between its bytes.
            event("message", "éé", "7"),
        ]
    );
    assert_eq!(
        server.requests()[0].header("accept"),
        Some("text/event-stream")
    );
}

#[tokio::test]
async fn keep_alives_hold_a_quiet_stream_open_and_silence_times_out() {
    // Quiet for longer than the timeout in all, but never between chunks.
    let mut pieces = vec![Piece::text("data: a\n\n")];
    for _ in 0..6 {
        pieces.push(Piece::pause_ms(150));
        pieces.push(Piece::text(": keep-alive\n\n"));
    }
    pieces.push(Piece::text("data: b\n\n"));
    // Then silent for much longer than the timeout.
    pieces.push(Piece::pause_ms(5_000));
    pieces.push(Piece::text("data: never\n\n"));
    let server = Server::start([sse(pieces)]).await;
    let client = client(&server, Duration::from_millis(600));

    let started = Instant::now();
    let stream = client
        .request(Method::GET, "/live", &[])
        .events()
        .await
        .unwrap();
    let (events, end) = drain(stream).await;
    let data: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
    assert_eq!(data, ["a", "b"], "the keep-alives kept it open");
    assert!(
        matches!(end, Some(Error::Timeout { .. })),
        "silence past the timeout ends it: {end:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "it did not wait for the server: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_dropped_connection_ends_with_an_error_after_the_whole_events() {
    let server = Server::start([sse(vec![
        Piece::text("data: {\"response\":\"Hel\"}\n\n"),
        Piece::text("data: {\"response\":\"lo\"}\n\ndata: {\"resp"),
        Piece::Cut,
    ])])
    .await;
    let client = client(&server, Duration::from_secs(5));

    let stream = run(&client)
        .body(&json!({"prompt": "hi"}))
        .stream_text()
        .await
        .unwrap();
    let (chunks, end) = drain(stream).await;
    let text: String = chunks.iter().map(TextChunk::text).collect();
    assert_eq!(text, "Hello", "the events that arrived whole");
    match end {
        Some(error @ Error::StreamEnded { .. }) => {
            let message = error.to_string();
            assert!(
                message.contains("after 2 event(s)") && message.contains("connection broke"),
                "{message}"
            );
            assert!(
                message.contains(RUN) && !message.contains(ACCOUNT),
                "{message}"
            );
        }
        other => panic!("expected StreamEnded, got {other:?}"),
    }
}

#[tokio::test]
async fn a_workers_ai_text_streams_its_chunks_then_usage_until_done() {
    let server = Server::start([sse(vec![
        Piece::text("data: {\"response\":\"Why\",\"p\":\"abc\"}\n\n"),
        Piece::text("data: {\"response\":\" did\"}\n\n"),
        Piece::text("data: {\"response\":\" it?\"}\n\n"),
        Piece::text(
            "data: {\"response\":\"\",\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3,\"total_tokens\":7}}\n\n",
        ),
        Piece::text("data: [DONE]\n\n"),
        // Nothing after `[DONE]` is read.
        Piece::text("data: {\"response\":\" ignored\"}\n\n"),
    ])])
    .await;
    let client = client(&server, Duration::from_secs(5));

    let stream = run(&client)
        .body(&json!({"prompt": "Tell me a joke", "max_tokens": 32}))
        .stream_text()
        .await
        .unwrap();
    let (chunks, end) = drain(stream).await;
    assert!(end.is_none(), "{end:?}");
    let text: String = chunks.iter().map(TextChunk::text).collect();
    assert_eq!(text, "Why did it?");
    let usage = chunks.last().and_then(|c| c.usage.as_ref()).unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (Some(4), Some(3), Some(7))
    );
    assert_eq!(
        chunks[0].extra.get("p"),
        Some(&json!("abc")),
        "what the client does not know is kept"
    );

    let sent = &server.requests()[0];
    assert_eq!(
        sent.json(),
        json!({"prompt": "Tell me a joke", "max_tokens": 32, "stream": true}),
        "the body asks for a stream"
    );
    assert_eq!(sent.header("accept"), Some("text/event-stream"));
    assert_eq!(
        sent.path(),
        "/accounts/acc-7f3a/ai/run/%40cf%2Fmeta%2Fllama-3.1-8b-instruct"
    );
}

#[tokio::test]
async fn a_text_stream_that_ends_without_done_was_cut_short() {
    // No chunked framing: the close is the end, and only `[DONE]` tells a
    // finished answer from a cut one.
    let server = Server::start([
        Reply::status(200)
            .header("content-type", "text/event-stream")
            .until_close(vec![Piece::text("data: {\"response\":\"Hel\"}\n\n")]),
        Reply::status(200)
            .header("content-type", "text/event-stream")
            .until_close(vec![Piece::text("data: {\"n\":1}\n\ndata: {\"n\":2}\n\n")]),
    ])
    .await;
    let client = client(&server, Duration::from_secs(5));

    let stream = run(&client).stream_text().await.unwrap();
    let (chunks, end) = drain(stream).await;
    assert_eq!(chunks.len(), 1);
    assert!(
        matches!(
            end,
            Some(Error::StreamEnded {
                events: 1,
                done_missing: true,
                ..
            })
        ),
        "{end:?}"
    );
    assert_eq!(server.requests()[0].json(), json!({"stream": true}));

    // Events of no stated end: the body's end is theirs.
    let stream = client
        .request(Method::GET, "/live", &[])
        .json_events::<Value>()
        .await
        .unwrap();
    let (items, end) = drain(stream).await;
    assert!(end.is_none(), "{end:?}");
    assert_eq!(items, [json!({"n": 1}), json!({"n": 2})]);
}

#[tokio::test]
async fn an_error_mid_stream_is_an_api_error_with_its_code() {
    let server = Server::start([
        sse(vec![
            Piece::text("data: {\"response\":\"a\"}\n\n"),
            Piece::text(
                "event: error\ndata: {\"errors\":[{\"code\":3040,\"message\":\"Capacity temporarily exceeded\"}]}\n\n",
            ),
            Piece::text("data: {\"response\":\"b\"}\n\n"),
        ]),
        sse(vec![
            Piece::text("data: {\"response\":\"a\"}\n\n"),
            Piece::text(
                "data: {\"success\":false,\"errors\":[{\"code\":971,\"message\":\"Please wait\"}],\"messages\":[],\"result\":null}\n\n",
            ),
        ]),
    ])
    .await;
    let client = client(&server, Duration::from_secs(5));

    let (chunks, end) = drain(run(&client).stream_text().await.unwrap()).await;
    assert_eq!(chunks.len(), 1);
    let end = end.expect("an error");
    assert_eq!(end.codes(), [3040], "{end}");
    assert!(
        end.to_string().contains("Capacity temporarily exceeded"),
        "{end}"
    );

    let (chunks, end) = drain(run(&client).stream_text().await.unwrap()).await;
    assert_eq!(chunks.len(), 1);
    let end = end.expect("an error");
    assert!(end.is_rate_limited(), "Cloudflare's throttling code: {end}");
}

#[tokio::test]
async fn a_server_that_does_not_stream_gives_its_whole_answer_as_one() {
    let server = Server::start([
        Reply::envelope(json!({"response": "All at once.", "usage": {"total_tokens": 9}})),
        Reply::envelope(json!({"response": "All at once."})),
    ])
    .await;
    let client = client(&server, Duration::from_secs(5));

    let (chunks, end) = drain(run(&client).stream_text().await.unwrap()).await;
    assert!(end.is_none(), "{end:?}");
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].text(), "All at once.");
    assert_eq!(chunks[0].usage.as_ref().unwrap().total_tokens, Some(9));

    let (events, end) = drain(
        client
            .request(Method::GET, "/live", &[])
            .events()
            .await
            .unwrap(),
    )
    .await;
    assert!(end.is_none(), "{end:?}");
    assert_eq!(events.len(), 1);
    let whole: Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(whole["result"]["response"], "All at once.");
}

#[tokio::test]
async fn data_that_is_not_json_is_a_decode_error_holding_it() {
    let server = Server::start([sse(vec![
        Piece::text("data: {\"n\":1}\n\n"),
        Piece::text("data: not json\n\n"),
    ])])
    .await;
    let client = client(&server, Duration::from_secs(5));

    let stream = client
        .request(Method::GET, "/live", &[])
        .json_events::<Value>()
        .await
        .unwrap();
    let (items, end) = drain(stream).await;
    assert_eq!(items, [json!({"n": 1})]);
    match end {
        Some(Error::Decode { body, .. }) => assert_eq!(&body[..], b"not json"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn one_event_larger_than_the_limit_is_refused() {
    let big = format!("data: {}\n\n", "x".repeat(4096));
    let server =
        Server::start([sse(vec![Piece::text("data: small\n\n"), Piece::text(&big)])]).await;
    let client = Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("sse-test-token")
        .max_response_size(1024)
        .build()
        .unwrap();

    let stream = client
        .request(Method::GET, "/live", &[])
        .events()
        .await
        .unwrap();
    let (events, end) = drain(stream).await;
    assert_eq!(events.len(), 1);
    assert!(
        matches!(end, Some(Error::ResponseTooLarge { limit: 1024, .. })),
        "{end:?}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_an_object_cannot_ask_for_a_stream() {
    let server = Server::start([]).await;
    let client = client(&server, Duration::from_secs(5));
    let err = run(&client)
        .body(&json!([1, 2]))
        .stream_text()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument(_)) && err.to_string().contains("`stream`"),
        "{err}"
    );
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn the_generated_stream_method_sets_the_flag_and_reads_chunks() {
    use generated_client::testing::{MockResponse, MockServer};
    use generated_client::workers_ai_text_generation::{
        ExecuteCfMetaLlama38bInstructModelBody as Body,
        ExecuteCfMetaLlama38bInstructModelBodyVariant1 as Prompt,
    };

    let body = Body::Variant1(Prompt::new("Tell me a joke"));
    let server = MockServer::start().await;
    let mock = server
        .on(|cf| {
            cf.workers_ai_text_generation()
                .execute_cf_meta_llama_3_8b_instruct_model_stream(ACCOUNT, &body)
        })
        .expect(1)
        .respond_with(
            MockResponse::new(generated_client::runtime::StatusCode::OK)
                .header("content-type", "text/event-stream")
                .body("data: {\"response\":\"Knock\"}\n\ndata: {\"response\":\" knock\"}\n\ndata: [DONE]\n\n"),
        );
    let client = server.client();

    let stream = client
        .workers_ai_text_generation()
        .execute_cf_meta_llama_3_8b_instruct_model_stream(ACCOUNT, &body)
        .await
        .unwrap();
    let (chunks, end) = drain(stream).await;
    assert!(end.is_none(), "{end:?}");
    let text: String = chunks.iter().map(TextChunk::text).collect();
    assert_eq!(text, "Knock knock");
    assert_eq!(mock.hits(), 1);
    let sent = &server.received_requests()[0];
    assert_eq!(
        sent.json::<Value>().unwrap(),
        json!({"prompt": "Tell me a joke", "stream": true})
    );
}
