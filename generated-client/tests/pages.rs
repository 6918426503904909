//! Paging (`List` requests: `.pages()`, `.items()`, `.all()` and their
//! blocking iterators) and `result_info`, against a real HTTP server on
//! 127.0.0.1 that pages by number or by cursor.

mod support;

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use generated_client::runtime::{Json, List, Method, PathPart, Request};
use generated_client::{Client, Error, PagingStop};
use serde::Deserialize;
use serde_json::{Value, json};
use support::{Recorded, Reply, Server};

const PATH: &str = "/zones/z1/dns_records";

fn builder(server: &Server) -> generated_client::ClientBuilder {
    Client::builder()
        .base_url(server.url())
        .allow_http(true)
        .api_token("tok-pages")
        .retry_backoff(Duration::from_millis(1))
}

fn client(server: &Server) -> Client {
    builder(server).build().unwrap()
}

/// `GET /zones/{zone_id}/dns_records`, as generated code builds it.
fn list_records(client: &Client, zone_id: &str) -> Request<List<Record>> {
    Request::new(
        client,
        Method::GET,
        "/zones/{zone_id}/dns_records",
        &[
            PathPart::Lit("/zones/"),
            PathPart::Param("zone_id", zone_id),
            PathPart::Lit("/dns_records"),
        ],
    )
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
struct Record {
    id: u64,
}

fn records(ids: std::ops::Range<u64>) -> Value {
    ids.map(|id| json!({"id": id})).collect()
}

/// A 200 envelope with `result_info`.
fn page(result: Value, result_info: Value) -> Reply {
    Reply::json(
        200,
        json!({"success": true, "errors": [], "messages": [],
               "result": result, "result_info": result_info}),
    )
}

fn ids(items: &[Record]) -> Vec<u64> {
    items.iter().map(|r| r.id).collect()
}

fn targets(server: &Server) -> Vec<String> {
    server.requests().into_iter().map(|r| r.target).collect()
}

fn paging_error(err: &Error) -> (u32, PagingStop) {
    match err {
        Error::Paging { pages, reason, .. } => (*pages, reason.clone()),
        other => panic!("expected a paging error, got {other:?}"),
    }
}

#[tokio::test]
async fn page_numbers_until_total_pages_keep_the_users_query() {
    let server = Server::start([
        page(
            records(0..2),
            json!({"page": 1, "per_page": 2, "count": 2, "total_count": 5, "total_pages": 3}),
        ),
        page(
            records(2..4),
            json!({"page": 2, "per_page": 2, "count": 2, "total_count": 5, "total_pages": 3}),
        ),
        page(
            records(4..5),
            json!({"page": 3, "per_page": 2, "count": 1, "total_count": 5, "total_pages": 3}),
        ),
    ])
    .await;
    let pages: Vec<_> = list_records(&client(&server), "z1")
        .query(&[("per_page", "2"), ("name", "a b")])
        .query(&[("page", "1")])
        .pages()
        .try_collect()
        .await
        .unwrap();

    let got: Vec<(Vec<u64>, Option<u64>)> = pages
        .iter()
        .map(|p| (ids(&p.items), p.result_info().and_then(|i| i.page)))
        .collect();
    assert_eq!(
        got,
        [
            (vec![0, 1], Some(1)),
            (vec![2, 3], Some(2)),
            (vec![4], Some(3))
        ]
    );
    let info = pages[2].result_info().unwrap();
    assert_eq!(
        (
            info.per_page,
            info.count,
            info.total_count,
            info.total_pages
        ),
        (Some(2), Some(1), Some(5), Some(3))
    );
    assert_eq!(
        targets(&server),
        [
            format!("{PATH}?per_page=2&name=a%20b&page=1"),
            format!("{PATH}?per_page=2&name=a%20b&page=2"),
            format!("{PATH}?per_page=2&name=a%20b&page=3"),
        ]
    );
}

#[tokio::test]
async fn without_total_pages_a_short_page_is_the_last() {
    // The server echoes neither `per_page` nor totals; the user's
    // `per_page` tells a full page from a short one.
    let server = Server::start([
        page(records(0..3), json!({"page": 1})),
        page(records(3..6), json!({"page": 2})),
        page(records(6..7), json!({"page": 3})),
    ])
    .await;
    let all = list_records(&client(&server), "z1")
        .query(&[("per_page", 3)])
        .all()
        .await
        .unwrap();
    assert_eq!(ids(&all), (0..7).collect::<Vec<_>>());
    assert_eq!(server.hits(), 3);

    // Knowing no page size, only an empty page ends the list.
    let server = Server::start([
        page(records(0..2), json!({"page": 1, "count": 2})),
        page(records(2..3), json!({"page": 2, "count": 1})),
        page(json!([]), json!({"page": 3, "count": 0})),
    ])
    .await;
    let all = list_records(&client(&server), "z1").all().await.unwrap();
    assert_eq!(ids(&all), [0, 1, 2]);
    assert_eq!(
        targets(&server),
        [
            PATH.to_owned(),
            format!("{PATH}?page=2"),
            format!("{PATH}?page=3")
        ]
    );
}

#[tokio::test]
async fn cursors_go_on_while_not_empty() {
    let server = Server::start([
        page(records(0..2), json!({"count": 2, "cursor": "c/2+=="})),
        page(records(2..4), json!({"count": 2, "cursor": "c3"})),
        page(records(4..5), json!({"count": 1, "cursor": ""})),
    ])
    .await;
    let items: Vec<Record> = list_records(&client(&server), "z1")
        .query(&[("per_page", "2")])
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), [0, 1, 2, 3, 4]);
    assert_eq!(
        targets(&server),
        [
            format!("{PATH}?per_page=2"),
            format!("{PATH}?per_page=2&cursor=c%2F2%2B%3D%3D"),
            format!("{PATH}?per_page=2&cursor=c3"),
        ]
    );
    assert_eq!(
        server.requests()[1].query_param("cursor").as_deref(),
        Some("c/2+==")
    );
}

#[tokio::test]
async fn cursors_after_as_the_lists_api_sends_them() {
    let server = Server::start([
        page(
            records(0..2),
            json!({"cursors": {"before": "b0", "after": "a1"}}),
        ),
        page(records(2..3), json!({"cursors": {"before": "b1"}})),
    ])
    .await;
    let pages: Vec<_> = list_records(&client(&server), "z1")
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    let first = pages[0].result_info().unwrap();
    assert_eq!(first.next_cursor(), Some("a1"));
    assert_eq!(first.other()["cursors"]["before"], "b0");
    assert_eq!(targets(&server)[1], format!("{PATH}?cursor=a1"));
}

#[tokio::test]
async fn empty_null_and_unpaged_lists() {
    let server = Server::start([
        page(
            json!([]),
            json!({"page": 1, "per_page": 20, "total_pages": 0}),
        ),
        page(Value::Null, json!({"page": 1, "total_pages": 1})),
        Reply::json(200, json!({"success": true, "errors": []})),
        Reply::envelope(records(0..3)),
        Reply::json(200, records(0..2)),
    ])
    .await;
    let client = client(&server);
    assert_eq!(list_records(&client, "z1").all().await.unwrap(), []);
    // A null or absent `result` is an empty list, not an error.
    let (items, meta) = list_records(&client, "z1").send_with_meta().await.unwrap();
    assert!(items.is_empty());
    assert_eq!(meta.result_info().unwrap().total_pages, Some(1));
    let mut items = list_records(&client, "z1").items();
    assert!(items.next().await.is_none());
    // Without `result_info` the response is the whole list; so is a bare
    // array.
    assert_eq!(list_records(&client, "z1").all().await.unwrap().len(), 3);
    assert_eq!(list_records(&client, "z1").all().await.unwrap().len(), 2);
    assert_eq!(server.hits(), 5);
}

#[tokio::test]
async fn awaiting_yields_the_first_page_and_its_result_info() {
    let server = Server::start([
        page(
            records(0..2),
            json!({"page": 1, "per_page": 2, "total_pages": 9, "is_truncated": true}),
        ),
        page(
            json!({"id": 7}),
            json!({"page": "1", "cursor": "next-1", "total_count": 1}),
        ),
    ])
    .await;
    let client = client(&server);
    let (items, meta) = list_records(&client, "z1").send_with_meta().await.unwrap();
    assert_eq!(ids(&items), [0, 1]);
    let info = meta.result_info().unwrap();
    assert_eq!((info.page, info.total_pages), (Some(1), Some(9)));
    assert_eq!(info.other()["is_truncated"], true);

    // Any JSON endpoint, not only lists, exposes `result_info`.
    let request: Request<Json<Record>> = Request::new(
        &client,
        Method::GET,
        "/zones/{zone_id}",
        &[PathPart::Lit("/zones/z1")],
    );
    let (record, meta) = request.send_with_meta().await.unwrap();
    assert_eq!(record, Record { id: 7 });
    let info = meta.result_info().unwrap();
    assert_eq!(
        (info.page, info.cursor.as_deref(), info.total_count),
        (Some(1), Some("next-1"), Some(1))
    );
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream() {
    let server = Server::start([
        page(records(0..2), json!({"cursor": "c1"})),
        page(records(2..4), json!({"cursor": "c2"})),
        page(records(0..2), json!({"cursor": "c1"})),
    ])
    .await;
    let mut pages = list_records(&client(&server), "z1").pages();
    assert_eq!(ids(&pages.next().await.unwrap().unwrap().items), [0, 1]);
    assert_eq!(ids(&pages.next().await.unwrap().unwrap().items), [2, 3]);
    let err = pages.next().await.unwrap().unwrap_err();
    assert_eq!(paging_error(&err), (2, PagingStop::RepeatedCursor));
    assert_eq!(
        err.to_string(),
        "GET /zones/{zone_id}/dns_records: paging stopped after 2 page(s): \
         the server sent a cursor it had sent before, so paging would loop"
    );
    assert!(pages.next().await.is_none());
    assert_eq!(server.hits(), 3);

    // A server that answers with the cursor it was sent loops at once.
    let server = Server::start([page(records(0..1), json!({"cursor": "mine"}))]).await;
    let err = list_records(&client(&server), "z1")
        .query(&[("cursor", "mine")])
        .all()
        .await
        .unwrap_err();
    assert_eq!(paging_error(&err), (0, PagingStop::RepeatedCursor));
}

#[tokio::test]
async fn a_server_that_ignores_the_page_number_is_caught() {
    let server = Server::repeat(page(
        records(0..2),
        json!({"page": 1, "per_page": 2, "total_pages": 50}),
    ))
    .await;
    let mut items = list_records(&client(&server), "z1").items();
    assert_eq!(items.next().await.unwrap().unwrap(), Record { id: 0 });
    assert_eq!(items.next().await.unwrap().unwrap(), Record { id: 1 });
    let err = items.next().await.unwrap().unwrap_err();
    assert_eq!(
        paging_error(&err),
        (1, PagingStop::RepeatedPage { page: 1 })
    );
    assert!(items.next().await.is_none());
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn a_failure_on_page_3_comes_after_pages_1_and_2() {
    let info = |page: u64| json!({"page": page, "per_page": 2, "total_pages": 5});
    let server = Server::start([
        page(records(0..2), info(1)),
        // Each page gets the client's retries: this one succeeds on retry.
        Reply::status(503),
        page(records(2..4), info(2)),
        Reply::json(
            404,
            json!({"success": false, "errors": [{"code": 7003, "message": "gone"}]}),
        ),
    ])
    .await;
    let mut items = list_records(&client(&server), "z1").items();
    let mut got = Vec::new();
    let err = loop {
        match items.next().await.expect("the stream ends with the error") {
            Ok(record) => got.push(record.id),
            Err(err) => break err,
        }
    };
    assert_eq!(got, [0, 1, 2, 3]);
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.codes(), [7003]);
    assert!(items.next().await.is_none());
    assert_eq!(
        targets(&server),
        [
            PATH.to_owned(),
            format!("{PATH}?page=2"),
            format!("{PATH}?page=2"),
            format!("{PATH}?page=3"),
        ]
    );

    // `all()` returns the error instead of the partial list; a 200 whose
    // envelope says `"success": false` is an error too.
    let server = Server::start([
        page(records(0..2), info(1)),
        Reply::json(
            200,
            json!({"success": false, "errors": [{"code": 1000, "message": "busy"}],
                   "result": null, "result_info": info(2)}),
        ),
    ])
    .await;
    let err = list_records(&client(&server), "z1")
        .all()
        .await
        .unwrap_err();
    assert_eq!(err.codes(), [1000]);
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn each_page_has_the_requests_timeout() {
    let server = Server::start([
        page(records(0..1), json!({"cursor": "c1"})),
        page(records(1..2), json!({"cursor": ""})).delay(Duration::from_secs(4)),
    ])
    .await;
    // The first page has 700 ms, plenty on a loaded machine; the second
    // takes 4 s.
    let mut pages = list_records(&client(&server), "z1")
        .timeout(Duration::from_millis(700))
        .max_retries(0)
        .pages();
    assert!(pages.next().await.unwrap().is_ok());
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

/// A list that never ends: every page has a new cursor.
async fn endless() -> Server {
    Server::respond(|request: &Recorded| {
        let n: u64 = request
            .query_param("cursor")
            .map_or(0, |c| c.parse().unwrap());
        page(records(n..n + 1), json!({"cursor": (n + 1).to_string()}))
    })
    .await
}

#[tokio::test]
async fn the_page_cap_stops_a_server_that_never_ends() {
    let server = endless().await;
    let mut items = list_records(&client(&server), "z1").max_pages(5).items();
    let mut got = Vec::new();
    let err = loop {
        match items.next().await.unwrap() {
            Ok(record) => got.push(record.id),
            Err(err) => break err,
        }
    };
    assert_eq!(got, [0, 1, 2, 3, 4]);
    assert_eq!(
        paging_error(&err),
        (5, PagingStop::TooManyPages { max_pages: 5 })
    );
    assert!(err.to_string().contains("past the cap of 5 pages"), "{err}");
    assert_eq!(server.hits(), 5, "the cap is checked before a request");

    // The client's cap, and the default one (10,000) at work.
    let capped = builder(&server).max_pages(3).build().unwrap();
    let err = list_records(&capped, "z1").all().await.unwrap_err();
    assert_eq!(
        paging_error(&err),
        (3, PagingStop::TooManyPages { max_pages: 3 })
    );
    let err = list_records(&client(&server), "z1")
        .all()
        .await
        .unwrap_err();
    assert_eq!(
        paging_error(&err),
        (10_000, PagingStop::TooManyPages { max_pages: 10_000 })
    );
    assert_eq!(server.hits(), 5 + 3 + 10_000);
}

#[tokio::test]
async fn pages_are_requested_only_when_needed() {
    let server = endless().await;
    let client = client(&server);
    let pages = list_records(&client, "z1").pages();
    let items = list_records(&client, "z1").items();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.hits(), 0, "nothing is sent before the first poll");
    drop((pages, items));

    let mut items = list_records(&client, "z1").items();
    assert_eq!(items.next().await.unwrap().unwrap().id, 0);
    assert_eq!(server.hits(), 1);
    assert_eq!(items.next().await.unwrap().unwrap().id, 1);
    assert_eq!(server.hits(), 2);
    let first_three: Vec<u64> = list_records(&client, "z1")
        .pages()
        .take(3)
        .map(|page| page.unwrap().items[0].id)
        .collect()
        .await;
    assert_eq!(first_three, [0, 1, 2]);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.hits(), 2 + 3, "no page is fetched ahead");
}

#[tokio::test]
async fn every_page_repeats_the_method_body_and_headers() {
    let server = Server::start([
        page(records(0..1), json!({"page": 1, "total_pages": 2})),
        page(records(1..2), json!({"page": 2, "total_pages": 2})),
    ])
    .await;
    let request: Request<List<Record>> = Request::new(
        &client(&server),
        Method::POST,
        "/zones/{zone_id}/search",
        &[PathPart::Lit("/zones/z1/search")],
    );
    let all = request
        .body(&json!({"match": "any"}))
        .header("x-trace", "t-1")
        .all()
        .await
        .unwrap();
    assert_eq!(ids(&all), [0, 1]);
    for request in server.requests() {
        assert_eq!(request.method, "POST");
        assert_eq!(request.json(), json!({"match": "any"}));
        assert_eq!(request.header("x-trace"), Some("t-1"));
        assert_eq!(request.header("authorization"), Some("Bearer tok-pages"));
    }
}

#[tokio::test]
async fn a_builder_error_is_the_only_item() {
    let server = Server::start([]).await;
    let mut pages = list_records(&client(&server), "").pages();
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert!(pages.next().await.is_none());
    assert_eq!(server.hits(), 0);
}

#[tokio::test]
async fn a_page_that_is_not_json_ends_the_stream() {
    let server = Server::start([
        page(records(0..1), json!({"page": 1, "total_pages": 3})),
        Reply::status(200)
            .header("content-type", "application/json")
            .body(r#"{"success": true, "result": [{"id": 1}"#),
    ])
    .await;
    let mut pages = list_records(&client(&server), "z1").pages();
    assert!(pages.next().await.unwrap().is_ok());
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(pages.next().await.is_none());
    assert_eq!(server.hits(), 2);
}

/// An item a caller's own type cannot hold is left out of its page, which
/// says so and keeps the page as sent; paging goes on.
#[tokio::test]
async fn an_item_that_does_not_fit_is_accounted_for_and_paging_goes_on() {
    let server = Server::start([
        page(records(0..1), json!({"page": 1, "total_pages": 3})),
        page(
            json!([{"id": 1}, {"id": "not a number"}, {"id": 2}]),
            json!({"page": 2, "total_pages": 3}),
        ),
        page(records(3..4), json!({"page": 3, "total_pages": 3})),
    ])
    .await;
    let pages: Vec<_> = list_records(&client(&server), "z1")
        .pages()
        .try_collect()
        .await
        .unwrap();
    let second = &pages[1];
    assert_eq!(second.items, [Record { id: 1 }, Record { id: 2 }]);
    let found: Vec<String> = second
        .meta
        .mismatches()
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(found, [".[1]: expected Record, found an object"]);
    assert_eq!(
        second.meta.as_sent().unwrap()[1],
        json!({"id": "not a number"})
    );
    assert_eq!(pages.len(), 3);
    assert_eq!(server.hits(), 3);
}

// ---------------------------------------------------------------------------
// Blocking iterators

/// The server runs on its own runtime; the test thread stays synchronous.
fn blocking_server(script: Vec<Reply>) -> (tokio::runtime::Runtime, Server) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(Server::start(script));
    (runtime, server)
}

#[test]
fn blocking_iterators_page_lazily() {
    let info = |page: u64| json!({"page": page, "per_page": 2, "total_pages": 2});
    let script = vec![
        page(records(0..2), info(1)),
        page(records(2..4), info(2)),
        page(records(0..2), info(1)),
        page(records(2..4), info(2)),
        page(records(0..2), json!({"cursor": "c"})),
        Reply::status(404),
    ];
    let (_runtime, server) = blocking_server(script);
    let client = client(&server);

    let mut pages = list_records(&client, "z1").pages_blocking();
    assert_eq!(server.hits(), 0);
    let first = pages.next().unwrap().unwrap();
    assert_eq!((ids(&first.items), server.hits()), (vec![0, 1], 1));
    let second = pages.next().unwrap().unwrap();
    assert_eq!(second.result_info().unwrap().page, Some(2));
    assert!(pages.next().is_none());

    let mut items = list_records(&client, "z1").items_blocking();
    assert_eq!(items.next().unwrap().unwrap().id, 0);
    assert_eq!(items.next().unwrap().unwrap().id, 1);
    assert_eq!(server.hits(), 3);
    let rest: Vec<u64> = items.map(|r| r.unwrap().id).collect();
    assert_eq!(rest, [2, 3]);

    let err = list_records(&client, "z1").all_blocking().unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    let mut failing = list_records(&client, "z1").items_blocking();
    assert!(failing.next().unwrap().is_err(), "script exhausted: 400");
    assert!(failing.next().is_none());
}
