//! The `testing` feature as a user's tests meet it: `MockServer` on
//! 127.0.0.1 answering generated endpoints with typed values and API
//! failures, driven by the real client; and errors built by hand.

use std::time::Duration;

use generated_client::dns_records_for_a_zone::{
    DnsRecord, DnsRecordQuery, DnsRecordType, TxtRecord, TxtRecordBody,
};
use generated_client::runtime::{Bare, Method, NoContent, Object, PathPart, Request, StatusCode};
use generated_client::testing::{MOCK_API_TOKEN, MockResponse, MockServer, UNMATCHED};
use generated_client::{ApiError, Error, PagingStop};
use serde_json::{Value, json};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";

fn txt(id: &str, content: &str) -> DnsRecord {
    DnsRecord::Txt(TxtRecord::new(
        id,
        "_verify.example.com",
        false,
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00Z",
        content,
    ))
}

#[tokio::test]
async fn typed_values_come_back_typed() {
    let server = MockServer::start().await;
    assert!(
        server.url().starts_with("http://127.0.0.1:"),
        "loopback only"
    );
    server
        .on(|cf| cf.dns_records_for_a_zone().dns_record_details(ZONE, "r1"))
        .respond(txt("r1", "token"));
    server
        .on(|cf| cf.dns_records_for_a_zone().list_dns_records(ZONE))
        .respond([txt("r1", "a"), txt("r2", "b")]);
    server.on(|cf| cf.zone().zone_details(ZONE)).respond(None);

    let client = server.client();
    let dns = client.dns_records_for_a_zone();
    let record = dns.dns_record_details(ZONE, "r1").await.unwrap();
    assert_eq!(record, Some(txt("r1", "token")));
    let records = dns.list_dns_records(ZONE).all().await.unwrap();
    assert_eq!(records, [txt("r1", "a"), txt("r2", "b")]);
    assert_eq!(client.zone().zone_details(ZONE).await.unwrap(), None);

    let sent = &server.received_requests()[0];
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {MOCK_API_TOKEN}").as_str())
    );
    assert_eq!(sent.path, format!("/zones/{ZONE}/dns_records/r1"));
}

/// A body-less success and a bare (not enveloped) result.
#[tokio::test]
async fn no_content_and_bare_results() {
    let server = MockServer::start().await;
    let bare = |client: &generated_client::Client| {
        Request::<Bare<Value>>::new(client, Method::GET, "/ips", &[PathPart::Lit("/ips")])
    };
    server
        .on(bare)
        .respond(json!({"ipv4_cidrs": ["198.51.100.0/24"]}));
    let purge = |client: &generated_client::Client| {
        Request::<NoContent>::new(client, Method::DELETE, "/cache", &[PathPart::Lit("/cache")])
    };
    let purged = server.on(purge).respond(());
    let client = server.client();
    let ips = bare(&client).await.unwrap();
    assert_eq!(ips, json!({"ipv4_cidrs": ["198.51.100.0/24"]}));
    let ((), meta) = purge(&client).send_with_meta().await.unwrap();
    assert_eq!(meta.status, StatusCode::NO_CONTENT);
    assert_eq!(purged.hits(), 1);
}

#[tokio::test]
async fn api_failures_arrive_as_the_client_reports_them() {
    let server = MockServer::start().await;
    server
        .on(|cf| cf.zone().zone_details("gone"))
        .respond_error(
            ApiError::new(StatusCode::NOT_FOUND)
                .with_error(1001, "Invalid zone identifier")
                .with_message(9, "see the docs")
                .with_header("cf-ray", "8a1b2c3d4e5f-AMS"),
        );
    server
        .on(|cf| cf.zone().zone_details("html"))
        .respond_error(
            ApiError::new(StatusCode::BAD_GATEWAY).with_body_snippet("<html>bad gateway</html>"),
        );
    let client = server.client_builder().max_retries(0).build().unwrap();

    let err = client.zone().zone_details("gone").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.codes(), [1001]);
    let api = err.api().unwrap();
    assert_eq!(api.messages[0].message, "see the docs");
    assert_eq!(api.cf_ray.as_deref(), Some("8a1b2c3d4e5f-AMS"));
    assert_eq!(api.path, "/zones/{zone_id}");
    assert_eq!(
        err.to_string(),
        "GET /zones/{zone_id}: 404 Not Found: [1001] Invalid zone identifier (cf-ray 8a1b2c3d4e5f-AMS)"
    );

    let err = client.zone().zone_details("html").await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(
        err.api().unwrap().body_snippet.as_deref(),
        Some("<html>bad gateway</html>")
    );
}

#[tokio::test]
async fn an_unmatched_request_is_a_loud_failure_not_a_404() {
    let server = MockServer::start().await;
    server.on(|cf| cf.zone().zone_details(ZONE)).respond(None);
    let client = server.client_builder().max_retries(0).build().unwrap();
    let err = client.zone().zone_details("other").await.unwrap_err();
    // Nothing a real API sends: a caller's `is_not_found` branch is not taken.
    assert!(!err.is_not_found());
    assert_eq!(err.status(), Some(UNMATCHED));
    let text = err.to_string();
    assert!(
        text.contains("no mock matched GET /zones/other")
            && text.contains(&format!("mocks: GET /zones/{ZONE}")),
        "{text}"
    );
    let unmatched = server.unmatched_requests();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].path, "/zones/other");
    // Looked at: dropping the server does not fail for it.
}

#[tokio::test]
async fn a_test_of_a_delete_without_its_mock_fails() {
    let server = MockServer::start().await;
    let client = server.client_builder().max_retries(0).build().unwrap();
    // Code under test that treats "not found" as "already deleted".
    let deleted = match client
        .dns_records_for_a_zone()
        .delete_dns_record(ZONE, "r1")
        .await
    {
        Ok(_) => true,
        Err(err) => err.is_not_found(),
    };
    assert!(!deleted, "an unmatched request must not look like a 404");
    let verify = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.verify()));
    let message = *verify.unwrap_err().downcast::<String>().unwrap();
    assert!(
        message.contains("1 request(s) matched no mock")
            && message.contains(&format!("DELETE /zones/{ZONE}/dns_records/r1"))
            && message.contains("mocks: none"),
        "{message}"
    );
    server.unmatched_requests();
}

#[tokio::test]
async fn headers_take_one_type_everywhere() {
    let server = MockServer::start().await;
    server
        .on(|cf| cf.zone().zone_details("a").header("x-test", "1"))
        .respond_with(MockResponse::envelope(&serde_json::json!(null)).header("x-answer", "2"));
    server
        .on(|cf| cf.zone().zone_details("b"))
        .respond_error(ApiError::new(StatusCode::FORBIDDEN).with_header("x-answer", "3"));
    let client = server.client_builder().max_retries(0).build().unwrap();
    let (_, meta) = client
        .zone()
        .zone_details("a")
        .header("x-test", "1")
        .send_with_meta()
        .await
        .unwrap();
    assert_eq!(meta.headers["x-answer"], "2");
    let err = client.zone().zone_details("b").await.unwrap_err();
    assert_eq!(err.api().unwrap().headers["x-answer"], "3");
    assert_eq!(server.received_requests()[0].header("x-test"), Some("1"));
}

#[tokio::test]
async fn any_path_params_match_the_template() {
    let server = MockServer::start().await;
    let mock = server
        .on(|cf| cf.dns_records_for_a_zone().dns_record_details("any", "any"))
        .any_path_params()
        .respond(txt("r", "x"));
    let dns = server.client().dns_records_for_a_zone();
    dns.dns_record_details("z1", "a").await.unwrap();
    dns.dns_record_details("z2", "b/c").await.unwrap();
    assert!(
        dns.list_dns_records("z1").await.is_err(),
        "another template"
    );
    assert_eq!(server.unmatched_requests().len(), 1);
    assert_eq!(mock.hits(), 2);
    let paths: Vec<String> = mock
        .received_requests()
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(
        paths,
        ["/zones/z1/dns_records/a", "/zones/z2/dns_records/b%2Fc"]
    );
}

/// The query and JSON body of the described request must be in the request.
#[tokio::test]
async fn queries_and_bodies_narrow_a_mock() {
    let server = MockServer::start().await;
    let txt_only = DnsRecordQuery {
        r#type: Some(DnsRecordType::Txt),
        ..Default::default()
    };
    server
        .on(|cf| {
            cf.dns_records_for_a_zone()
                .list_dns_records(ZONE)
                .query(&txt_only)
        })
        .respond([txt("r1", "only TXT")]);
    server
        .on(|cf| cf.dns_records_for_a_zone().list_dns_records(ZONE))
        .respond([]);
    let body = TxtRecordBody::new("_verify.example.com", "token").into();
    server
        .on(|cf| cf.dns_records_for_a_zone().create_dns_record(ZONE, &body))
        .respond(txt("new", "token"));

    let dns = server.client().dns_records_for_a_zone();
    let filtered = dns
        .list_dns_records(ZONE)
        .query(&txt_only)
        // A parameter the query type does not declare (yet).
        .extra_query(&[("per_page", 50)])
        .await
        .unwrap();
    assert_eq!(filtered.len(), 1);
    assert!(dns.list_dns_records(ZONE).await.unwrap().is_empty());
    assert!(dns.create_dns_record(ZONE, &body).await.unwrap().is_some());
    let other = TxtRecordBody::new("_verify.example.com", "other").into();
    let err = dns.create_dns_record(ZONE, &other).await.unwrap_err();
    assert_eq!(err.status(), Some(UNMATCHED), "{err}");
    assert_eq!(server.unmatched_requests().len(), 1);
}

/// `times` lets a failure come first: the client's retry meets the success.
#[tokio::test]
async fn times_then_the_next_mock() {
    let server = MockServer::start().await;
    let failing = server
        .on(|cf| cf.zone().zone_details(ZONE))
        .times(1)
        .respond_error(ApiError::new(StatusCode::SERVICE_UNAVAILABLE));
    let working = server
        .on(|cf| cf.zone().zone_details(ZONE))
        .expect(1)
        .respond(None);
    server.client().zone().zone_details(ZONE).await.unwrap();
    assert_eq!((failing.hits(), working.hits()), (1, 1));
    server.verify();
}

#[tokio::test]
async fn pages_are_served_by_number() {
    let server = MockServer::start().await;
    let pages = server
        .on(|cf| cf.dns_records_for_a_zone().list_dns_records(ZONE))
        .respond_pages([
            vec![txt("1", "a"), txt("2", "b")],
            vec![txt("3", "c"), txt("4", "d")],
            vec![txt("5", "e")],
        ]);
    let all = server
        .client()
        .dns_records_for_a_zone()
        .list_dns_records(ZONE)
        .all()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|r| r.id().unwrap_or("?")).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(pages.hits(), 3);
    let queries: Vec<String> = pages
        .received_requests()
        .into_iter()
        .map(|r| r.query)
        .collect();
    assert_eq!(queries, ["", "page=2", "page=3"]);
}

/// A raw download, a slow answer and a body that does not decode.
#[tokio::test]
async fn any_response_at_all() {
    let server = MockServer::start().await;
    server
        .on(|cf| cf.dns_records_for_a_zone().export_dns_records(ZONE))
        .respond_with(
            MockResponse::new(StatusCode::OK)
                .header("content-type", "text/plain")
                .body("example.com. 3600 IN A 198.51.100.4\n"),
        );
    server
        .on(|cf| cf.zone().zone_details("slow"))
        .respond_with(MockResponse::envelope(&Value::Null).delay(Duration::from_secs(5)));
    server
        .on(|cf| cf.zone().zone_details("broken"))
        .respond_with(MockResponse::new(StatusCode::OK).body("<html>maintenance</html>"));
    server
        .on(|cf| cf.zone().zone_details("odd"))
        .respond_with(MockResponse::envelope(&json!({"id": 7})));
    // 1 s covers the download on a loaded machine; the slow mock takes 5.
    let client = server
        .client_builder()
        .timeout(Duration::from_secs(1))
        .max_retries(0)
        .build()
        .unwrap();
    let zone_file = client
        .dns_records_for_a_zone()
        .export_dns_records(ZONE)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&zone_file[..], b"example.com. 3600 IN A 198.51.100.4\n");
    let slow = client.zone().zone_details("slow").await.unwrap_err();
    assert!(slow.is_timeout(), "{slow:?}");
    let broken = client.zone().zone_details("broken").await.unwrap_err();
    assert!(matches!(broken, Error::Decode { .. }), "{broken:?}");
    // JSON that does not fit is a success, with what did not fit listed.
    let odd = client.zone().zone_details("odd").await.unwrap().unwrap();
    assert_eq!(odd.extra["id"], json!(7));
    assert_eq!(odd.mismatches().len(), 2, "{:?}", odd.mismatches());
}

#[tokio::test]
#[should_panic(expected = "expected 1 request(s), got 0")]
async fn an_unmet_expectation_fails_the_test() {
    let server = MockServer::start().await;
    let _mock = server.on(|cf| cf.zone().list_zones()).expect(1).respond([]);
    // Dropping the server checks the expectation.
}

#[tokio::test]
#[should_panic(expected = "is invalid")]
async fn a_mock_of_a_request_that_cannot_be_sent_is_refused() {
    let server = MockServer::start().await;
    let _ = server.on(|cf| cf.zone().zone_details("")).respond(None);
}

#[test]
fn errors_can_be_built_for_tests() {
    let api: Error = ApiError::new(StatusCode::TOO_MANY_REQUESTS)
        .with_request(Method::GET, "/zones")
        .with_error(
            971,
            "Please wait and consider throttling your request speed",
        )
        .into();
    assert!(api.is_rate_limited());
    assert_eq!(api.codes(), [971]);
    assert_eq!(
        api.to_string(),
        "GET /zones: 429 Too Many Requests: [971] Please wait and consider throttling your request speed"
    );

    let timeout = Error::timeout(Method::GET, "/zones", 3);
    assert!(timeout.is_timeout());
    assert_eq!(
        timeout.to_string(),
        "GET /zones: timed out after 3 attempt(s)"
    );

    let source = serde_json::from_str::<u8>("x").unwrap_err();
    let decode = Error::decode(Method::GET, "/zones", StatusCode::OK, source, "x");
    assert!(matches!(&decode, Error::Decode { body, body_len: 1, .. } if &body[..] == b"x"));

    let too_large =
        Error::response_too_large(Method::GET, "/zones", StatusCode::OK, 1024, Some(4096));
    assert!(
        too_large
            .to_string()
            .ends_with("larger than the limit of 1024 bytes (Content-Length: 4096)"),
        "{too_large}"
    );
    let paging = Error::paging(Method::GET, "/zones", 2, PagingStop::RepeatedCursor);
    assert!(
        paging
            .to_string()
            .contains("paging stopped after 2 page(s)")
    );
    let incomplete = Error::incomplete_body(Some(10), 4);
    assert_eq!(
        incomplete.to_string(),
        "response body incomplete: received 4 of 10 bytes"
    );
}

/// A mocked `Retry-After` is retried at once by the mock server's client;
/// the real waits come back when the test asks for them.
#[tokio::test]
async fn a_mocked_retry_after_is_not_slept_on_unless_asked() {
    /// A 429 asking for `wait`, then a success.
    async fn throttled_once(wait: &str) -> MockServer {
        let server = MockServer::start().await;
        server
            .on(|cf| cf.zone().zone_details(ZONE))
            .times(1)
            .respond_with(
                MockResponse::json(StatusCode::TOO_MANY_REQUESTS, &json!({"success": false}))
                    .header("retry-after", wait),
            );
        server
            .on(|cf| cf.zone().zone_details(ZONE))
            .times(1)
            .respond(None);
        server
    }

    let server = throttled_once("3").await;
    let started = std::time::Instant::now();
    server.client().zone().zone_details(ZONE).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // Asked for: the production policy waits as told (1 s here).
    let server = throttled_once("1").await;
    let real = server
        .client_builder()
        .retry_policy(generated_client::runtime::RetryPolicy::default())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    real.zone().zone_details(ZONE).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
}
