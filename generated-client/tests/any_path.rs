//! Calls to paths the docs do not have (`Client::request`), over HTTP on
//! 127.0.0.1: the path is filled and encoded as generated methods do, the
//! answer is untyped or typed by the caller, lists page, bodies and queries
//! are sent, and a wrong parameter fails before anything is sent.

use generated_client::Error;
use generated_client::runtime::Method;
use generated_client::testing::{MockResponse, MockServer};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const THINGS: &str = "/zones/{zone_id}/new_things/{thing_id}";

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Thing {
    id: String,
    size: u32,
}

#[tokio::test]
async fn an_undocumented_path_answers_untyped_with_its_parameters_encoded() {
    let server = MockServer::start().await;
    server
        .on(|cf| {
            cf.request(
                Method::GET,
                THINGS,
                &[("zone_id", ZONE), ("thing_id", "a b/c")],
            )
        })
        .expect(1)
        .respond_with(MockResponse::envelope(&json!({"id": "a b/c", "size": 3})));
    let client = server.client();

    let thing = client
        .request(
            Method::GET,
            THINGS,
            &[("thing_id", "a b/c"), ("zone_id", ZONE)],
        )
        .await
        .unwrap();
    assert_eq!(thing, json!({"id": "a b/c", "size": 3}));
    let sent = &server.received_requests()[0];
    assert_eq!(sent.path, format!("/zones/{ZONE}/new_things/a%20b%2Fc"));
    assert!(
        sent.header("authorization").is_some(),
        "the client's credentials go along"
    );
}

#[tokio::test]
async fn the_caller_types_the_answer_and_it_stays_lenient_for_values() {
    let server = MockServer::start().await;
    server
        .on(|cf| {
            cf.request(
                Method::GET,
                THINGS,
                &[("zone_id", ZONE), ("thing_id", "t1")],
            )
        })
        .respond_with(MockResponse::envelope(&json!({"id": "t1", "size": 3})));
    let client = server.client();
    let call = || {
        client.request(
            Method::GET,
            THINGS,
            &[("zone_id", ZONE), ("thing_id", "t1")],
        )
    };

    let thing = call().json::<Thing>().await.unwrap();
    assert_eq!(
        thing,
        Thing {
            id: "t1".into(),
            size: 3
        }
    );
    let bare = call().bare::<Value>().await.unwrap();
    assert_eq!(bare["success"], json!(true), "bare reads the whole body");
    let raw = call().raw().await.unwrap();
    assert!(raw.status().is_success());
    call().no_content().await.unwrap();

    let wrong = call().json::<Vec<Thing>>().await.unwrap_err();
    assert!(
        matches!(wrong, Error::Decode { .. }),
        "a type of the caller's that does not fit says so: {wrong}"
    );
}

#[tokio::test]
async fn an_undocumented_list_pages_with_a_query() {
    let server = MockServer::start().await;
    let page = |from: u32| {
        (from..from + 2)
            .map(|i| Thing {
                id: format!("t{i}"),
                size: i,
            })
            .collect::<Vec<_>>()
    };
    server
        .on(|cf| {
            cf.request(
                Method::GET,
                "/zones/{zone_id}/new_things",
                &[("zone_id", ZONE)],
            )
            .list::<Thing>()
        })
        .any_path_params()
        .respond_pages([page(0), page(2), page(4)]);
    let client = server.client();

    let all = client
        .request(
            Method::GET,
            "/zones/{zone_id}/new_things",
            &[("zone_id", ZONE)],
        )
        .list::<Thing>()
        .query(&[("per_page", "2"), ("kind", "big")])
        .all()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["t0", "t1", "t2", "t3", "t4", "t5"]
    );
    let requests = server.received_requests();
    assert_eq!(requests.len(), 3, "one request per page");
    assert!(
        requests[2]
            .query_pairs()
            .contains(&("kind".into(), "big".into())),
        "the caller's query goes with every page: {:?}",
        requests[2].query
    );
}

#[tokio::test]
async fn a_body_is_sent_as_json() {
    let server = MockServer::start().await;
    server
        .on(|cf| {
            cf.request(
                Method::POST,
                "/zones/{zone_id}/new_things",
                &[("zone_id", ZONE)],
            )
        })
        .any_path_params()
        .respond_with(MockResponse::envelope(&json!({"id": "t9", "size": 1})));
    let client = server.client();

    let made = client
        .request(
            Method::POST,
            "/zones/{zone_id}/new_things",
            &[("zone_id", ZONE)],
        )
        .body(&json!({"size": 1.0}))
        .json::<Thing>()
        .await
        .unwrap();
    assert_eq!(made.id, "t9");
    let sent = &server.received_requests()[0];
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        std::str::from_utf8(&sent.body).unwrap(),
        r#"{"size":1}"#,
        "whole numbers are written as integers"
    );
}

#[tokio::test]
async fn a_wrong_parameter_fails_without_sending() {
    let server = MockServer::start().await;
    let client = server.client();

    for (params, says) in [
        (&[("zone_id", ZONE)][..], "no value for `{thing_id}`"),
        (
            &[("zone_id", ZONE), ("thing_id", "t"), ("extra", "x")][..],
            "`extra` is no placeholder",
        ),
        (&[("zone_id", ZONE), ("thing_id", "")][..], "thing_id"),
    ] {
        let err = client
            .request(Method::DELETE, THINGS, params)
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(err, Error::InvalidArgument(_)) && message.contains(says),
            "{params:?}: {message}"
        );
        assert!(
            message.contains("DELETE") && message.contains(THINGS),
            "the error names the call: {message}"
        );
    }
    assert!(server.received_requests().is_empty(), "nothing was sent");
}
