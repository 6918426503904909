//! Testing code that calls the API (the `testing` feature; put it in your
//! `[dev-dependencies]`): a mock of the Cloudflare API that your tests start
//! and program with typed values, and errors built by hand
//! ([`ApiError::new`], [`Error::timeout`](crate::Error::timeout), …).
//!
//! A [`MockServer`] listens on 127.0.0.1 (never another address) on a port
//! of its own, so tests can run in parallel. A mock names the endpoint it
//! answers by calling the endpoint's method, just as the code under test
//! does; the value it answers with must then have the type that method
//! returns, and goes out in Cloudflare's envelope:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use generated_client::dns_records_for_a_zone::{DnsRecord, TxtRecord};
//! use generated_client::runtime::StatusCode;
//! use generated_client::testing::MockServer;
//! use generated_client::{ApiError, Client};
//!
//! /// The code under test.
//! async fn txt_content(client: &Client, zone: &str, id: &str) -> generated_client::Result<String> {
//!     match client.dns_records_for_a_zone().dns_record_details(zone, id).await? {
//!         Some(DnsRecord::Txt(txt)) => Ok(txt.content.unwrap_or_default()),
//!         _ => Ok(String::new()),
//!     }
//! }
//!
//! let server = MockServer::start().await;
//! let record = TxtRecord::new("r1", "_verify.example.com", false, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "token-1");
//! server
//!     .on(|cf| cf.dns_records_for_a_zone().dns_record_details("zone-1", "r1"))
//!     .respond(DnsRecord::Txt(record));
//! server
//!     .on(|cf| cf.dns_records_for_a_zone().dns_record_details("zone-1", "gone"))
//!     .respond_error(ApiError::new(StatusCode::NOT_FOUND).with_error(81044, "Record does not exist."));
//!
//! let client = server.client();
//! assert_eq!(txt_content(&client, "zone-1", "r1").await.unwrap(), "token-1");
//! let err = txt_content(&client, "zone-1", "gone").await.unwrap_err();
//! assert!(err.is_not_found());
//! assert_eq!(err.codes(), [81044]);
//! # }
//! ```
//!
//! - A mock matches the method and the path the call describes (the path
//!   parameters given); [`MockBuilder::any_path_params`] matches any value
//!   of them. Query parameters and a JSON body set on the described request
//!   (`.query(..)`, `.body(..)`) must be in the request too.
//! - The first mock that matches (in the order they were added) and is not
//!   used up ([`MockBuilder::times`]) answers. A request that no mock
//!   matches is a failure of the test, never an answer that looks real: it
//!   gets a `459`, a status no API sends ([`UNMATCHED`]), whose message
//!   says `no mock matched` and names it and the mocks, so the client's
//!   error is unmistakable (`Error::is_not_found` is `false`); and the
//!   server panics when dropped (or at [`MockServer::verify`]), listing
//!   every unmatched request, unless the test looked at them with
//!   [`MockServer::unmatched_requests`]. A test of a delete without its
//!   mock therefore fails.
//! - [`MockBuilder::expect`] says how many requests a mock must answer;
//!   the server checks when it is dropped (or at [`MockServer::verify`])
//!   and panics otherwise.
//! - Every request is kept ([`MockServer::received_requests`]), with its
//!   headers and body, for assertions on what your code sent.
//!
//! The server holds no state besides what it is told, and answers only what
//! a mock says: it is no simulation of Cloudflare. This module, its HTTP
//! server (hyper's, which reqwest already uses) and its dependencies are
//! built only with the `testing` feature.

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::AbortHandle;

use crate::runtime::parts::FetchedBody;
use crate::runtime::{
    Bare, Described, Fetched, HeaderMap, HeaderName, HeaderValue, Json, List, Method, NoContent,
    Output, Request, ResponseMeta, RetryPolicy, StatusCode, Wire,
};
use crate::{ApiError, Client, ClientBuilder};

/// The API token of [`MockServer::client`]: the server accepts anything,
/// but a request sent with it shows it was sent by that client.
pub const MOCK_API_TOKEN: &str = "mock-api-token";

/// A mock of the Cloudflare API on 127.0.0.1; see the [module docs](self).
///
/// Stops when dropped, and then checks the expectations set with
/// [`MockBuilder::expect`].
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
    /// Builds the requests that mocks are described with; never sends.
    describer: Client,
    accept: AbortHandle,
}

struct State {
    mocks: Mutex<Vec<MockEntry>>,
    received: Mutex<Vec<ReceivedRequest>>,
    /// How many unmatched requests the test has looked at.
    unmatched_seen: Mutex<usize>,
    /// The tasks serving connections, stopped with the server.
    connections: Mutex<Vec<AbortHandle>>,
}

struct MockEntry {
    matcher: Matcher,
    answer: Answer,
    times: Option<usize>,
    expected: Option<usize>,
    hits: usize,
}

enum Answer {
    Fixed(MockResponse),
    /// The pages of a list, each a JSON array, chosen by the `page` query
    /// parameter.
    Pages(Vec<Value>),
}

/// What a mock matches.
#[derive(Debug, Clone)]
struct Matcher {
    method: Method,
    path: PathMatch,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

#[derive(Debug, Clone)]
enum PathMatch {
    Exact(String),
    Template(&'static str),
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding a lock must not hide its own
    // failure behind a poisoned mutex here.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl MockServer {
    /// Starts a server on 127.0.0.1, on a free port. Needs a Tokio runtime
    /// (a `#[tokio::test]`); panics when no port can be bound.
    pub async fn start() -> MockServer {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("MockServer: cannot bind a port on 127.0.0.1");
        let addr = listener
            .local_addr()
            .expect("MockServer: a bound socket has an address");
        let state = Arc::new(State {
            mocks: Mutex::new(Vec::new()),
            received: Mutex::new(Vec::new()),
            unmatched_seen: Mutex::new(0),
            connections: Mutex::new(Vec::new()),
        });
        let serving = state.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let state = serving.clone();
                let connection = tokio::spawn(async move {
                    let service = service_fn(move |request| answer(state.clone(), request));
                    // A connection that breaks concerns only its request,
                    // whose client sees the error.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
                let mut connections = lock(&serving.connections);
                connections.retain(|task| !task.is_finished());
                connections.push(connection.abort_handle());
            }
        })
        .abort_handle();
        let describer = Client::builder()
            .base_url(format!("http://{addr}"))
            .allow_http(true)
            .build()
            .expect("MockServer: a loopback base URL is valid");
        MockServer {
            addr,
            state,
            describer,
            accept,
        }
    }

    /// `http://127.0.0.1:<port>`: the base URL to give the client under
    /// test (e.g. as `CLOUDFLARE_BASE_URL`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client builder for this server: its [`url`](Self::url), plain
    /// `http` allowed, the token [`MOCK_API_TOKEN`], and a retry policy
    /// that does not wait, so that tests of failures stay fast: a 1 ms
    /// backoff (instead of 500 ms), and a mocked `Retry-After` not slept on.
    /// The retries themselves are as in production (2, on the same
    /// statuses and codes). For the real waits, set
    /// `.retry_policy(RetryPolicy::default())` on the builder.
    pub fn client_builder(&self) -> ClientBuilder {
        let no_waiting = RetryPolicy::default()
            .backoff(Duration::from_millis(1), Duration::from_millis(1))
            .retry_after_limit(Duration::ZERO);
        Client::builder()
            .base_url(self.url())
            .allow_http(true)
            .api_token(MOCK_API_TOKEN)
            .retry_policy(no_waiting)
    }

    /// A client of this server, as [`client_builder`](Self::client_builder)
    /// makes it.
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .expect("MockServer: the client of a loopback URL builds")
    }

    /// A mock of the request that `endpoint` describes: call the endpoint's
    /// method on the client it is given, with the arguments (and query or
    /// body) the request must have, then say how to answer.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// # let server = generated_client::testing::MockServer::start().await;
    /// let mock = server
    ///     .on(|cf| cf.zone().list_zones())
    ///     .expect(1)
    ///     .respond(vec![]);
    /// let zones = server.client().zone().list_zones().all().await.unwrap();
    /// assert!(zones.is_empty());
    /// assert_eq!(mock.hits(), 1);
    /// # }
    /// ```
    ///
    /// Panics when the described request could not be sent (an empty path
    /// parameter, a body that does not serialize): the mock could never
    /// match.
    pub fn on<K, Q>(&self, endpoint: impl FnOnce(&Client) -> Request<K, Q>) -> MockBuilder<'_, K> {
        let Described {
            method,
            template,
            path,
            query,
            json_body,
            problem,
        } = endpoint(&self.describer).described();
        if let Some(problem) = problem {
            panic!("MockServer::on: the request {method} {template} is invalid: {problem}");
        }
        let body = json_body.map(|bytes| {
            serde_json::from_slice(&bytes).expect("a JSON body the client wrote is JSON")
        });
        MockBuilder {
            server: self,
            matcher: Matcher {
                method,
                path: PathMatch::Exact(path),
                query: decode_query(&query),
                body,
            },
            template,
            times: None,
            expected: None,
            kind: PhantomData,
        }
    }

    /// Every request received so far, in order, matched or not.
    pub fn received_requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.state.received).clone()
    }

    /// The requests no mock matched (each was answered with [`UNMATCHED`]).
    /// Those returned are the test's to judge: [`verify`](Self::verify) no
    /// longer fails for them.
    pub fn unmatched_requests(&self) -> Vec<ReceivedRequest> {
        let unmatched: Vec<ReceivedRequest> = lock(&self.state.received)
            .iter()
            .filter(|r| r.mock.is_none())
            .cloned()
            .collect();
        *lock(&self.state.unmatched_seen) = unmatched.len();
        unmatched
    }

    /// Panics, naming them, when a request matched no mock (unless the
    /// test looked at it with [`unmatched_requests`](Self::unmatched_requests)),
    /// or when mocks did not answer as many requests as
    /// [`MockBuilder::expect`] said. Dropping the server checks too.
    pub fn verify(&self) {
        let seen = *lock(&self.state.unmatched_seen);
        let unmatched: Vec<String> = lock(&self.state.received)
            .iter()
            .filter(|r| r.mock.is_none())
            .skip(seen)
            .map(ReceivedRequest::line)
            .collect();
        if !unmatched.is_empty() {
            let mocks: Vec<String> = lock(&self.state.mocks)
                .iter()
                .map(|m| m.matcher.to_string())
                .collect();
            panic!(
                "MockServer: {} request(s) matched no mock:\n  {}\nmocks: {}",
                unmatched.len(),
                unmatched.join("\n  "),
                if mocks.is_empty() {
                    "none".to_owned()
                } else {
                    mocks.join(", ")
                }
            );
        }
        let unmet: Vec<String> = lock(&self.state.mocks)
            .iter()
            .filter_map(|mock| {
                let expected = mock.expected?;
                (mock.hits != expected).then(|| {
                    format!(
                        "{}: expected {expected} request(s), got {}",
                        mock.matcher, mock.hits
                    )
                })
            })
            .collect();
        if !unmet.is_empty() {
            panic!("MockServer: unmet expectations:\n  {}", unmet.join("\n  "));
        }
    }

    fn add(&self, entry: MockEntry) -> Mock {
        let mut mocks = lock(&self.state.mocks);
        mocks.push(entry);
        Mock {
            state: self.state.clone(),
            index: mocks.len() - 1,
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.accept.abort();
        for connection in lock(&self.state.connections).drain(..) {
            connection.abort();
        }
        // A test that already failed reports its own panic, not this one.
        if !std::thread::panicking() {
            self.verify();
        }
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mocks: Vec<String> = lock(&self.state.mocks)
            .iter()
            .map(|m| m.matcher.to_string())
            .collect();
        f.debug_struct("MockServer")
            .field("url", &self.url())
            .field("mocks", &mocks)
            .field("received", &lock(&self.state.received).len())
            .finish()
    }
}

/// A mock being described; finish it with one of the `respond` methods.
#[must_use = "a mock is added by one of its `respond` methods"]
pub struct MockBuilder<'a, K> {
    server: &'a MockServer,
    matcher: Matcher,
    template: &'static str,
    times: Option<usize>,
    expected: Option<usize>,
    kind: PhantomData<fn() -> K>,
}

impl<K> fmt::Debug for MockBuilder<'_, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockBuilder")
            .field("matches", &self.matcher.to_string())
            .field("times", &self.times)
            .field("expected", &self.expected)
            .finish()
    }
}

impl<K> MockBuilder<'_, K> {
    /// Matches any value of the path parameters (the endpoint's path
    /// template, e.g. `/zones/{zone_id}`), not only those given.
    pub fn any_path_params(mut self) -> Self {
        self.matcher.path = PathMatch::Template(self.template);
        self
    }

    /// Answers at most `n` requests; later ones go to the next mock that
    /// matches (e.g. a failure once, then a success).
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// The mock must answer exactly `n` requests by the time the server is
    /// dropped or [verified](MockServer::verify).
    pub fn expect(mut self, n: usize) -> Self {
        self.expected = Some(n);
        self
    }

    /// Answers with an API failure: `error`'s status, and its `errors` and
    /// `messages` in Cloudflare's envelope (or its
    /// [`body_snippet`](ApiError::body_snippet) as the body when it has
    /// neither), with its headers. The client under test gets an
    /// [`Error::Api`](crate::Error::Api) with the same status, codes and
    /// messages.
    pub fn respond_error(self, error: ApiError) -> Mock {
        self.respond_with(MockResponse::from_api_error(&error))
    }

    /// Answers with `response`, whatever it is: a raw download, a body that
    /// does not decode, a slow answer…
    pub fn respond_with(self, response: MockResponse) -> Mock {
        self.finish(Answer::Fixed(response))
    }

    fn finish(self, answer: Answer) -> Mock {
        self.server.add(MockEntry {
            matcher: self.matcher,
            answer,
            times: self.times,
            expected: self.expected,
            hits: 0,
        })
    }
}

impl<K: MockOutput> MockBuilder<'_, K> {
    /// Answers with `value`, the type the endpoint's method returns, as the
    /// API would: in a `200` envelope for JSON results (an
    /// `Option<Record>` result takes a `Record` too), a `204` for methods
    /// that return `()`.
    pub fn respond(self, value: impl Into<K::Output>) -> Mock {
        let response = K::response(value.into());
        self.respond_with(response)
    }
}

impl<T: Serialize + DeserializeOwned + Send + 'static> MockBuilder<'_, List<T>> {
    /// Answers a list in pages, as Cloudflare pages by number: the page the
    /// request's `page` parameter asks for (the first without one), with a
    /// `result_info` giving `page`, `per_page` (the first page's length),
    /// `count`, `total_count` and `total_pages`. `.all()` and `.items()`
    /// then read every page.
    pub fn respond_pages<I, P>(self, pages: I) -> Mock
    where
        I: IntoIterator<Item = P>,
        P: IntoIterator<Item = T>,
    {
        let pages = pages
            .into_iter()
            .map(|page| to_json(&page.into_iter().collect::<Vec<T>>()))
            .collect();
        self.finish(Answer::Pages(pages))
    }
}

/// A mock that was added: how many requests it answered.
#[derive(Clone)]
pub struct Mock {
    state: Arc<State>,
    index: usize,
}

impl Mock {
    /// How many requests this mock answered.
    pub fn hits(&self) -> usize {
        lock(&self.state.mocks)[self.index].hits
    }

    /// The requests this mock answered, in order.
    pub fn received_requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.state.received)
            .iter()
            .filter(|r| r.mock == Some(self.index))
            .cloned()
            .collect()
    }
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mocks = lock(&self.state.mocks);
        let mock = &mocks[self.index];
        f.debug_struct("Mock")
            .field("matches", &mock.matcher.to_string())
            .field("hits", &mock.hits)
            .finish()
    }
}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for crate::runtime::Json<T> {}
    impl<T> Sealed for crate::runtime::Bare<T> {}
    impl<T> Sealed for crate::runtime::List<T> {}
    impl Sealed for crate::runtime::NoContent {}
}

/// The output kinds a mock can answer with a typed value: every kind but
/// `Raw` (a download), which takes a [`MockResponse`].
pub trait MockOutput: Output + sealed::Sealed {
    /// The answer that makes the client yield `value`.
    #[doc(hidden)]
    fn response(value: Self::Output) -> MockResponse;
}

impl<T: Serialize + DeserializeOwned + Send + 'static> MockOutput for Json<T> {
    fn response(value: T) -> MockResponse {
        MockResponse::envelope(&value)
    }
}

impl<T: Serialize + DeserializeOwned + Send + 'static> MockOutput for Bare<T> {
    fn response(value: T) -> MockResponse {
        MockResponse::json(StatusCode::OK, &value)
    }
}

impl<T: Serialize + DeserializeOwned + Send + 'static> MockOutput for List<T> {
    fn response(value: Vec<T>) -> MockResponse {
        MockResponse::envelope(&value)
    }
}

impl MockOutput for NoContent {
    fn response((): ()) -> MockResponse {
        MockResponse::new(StatusCode::NO_CONTENT)
    }
}

/// An answer as the server sends it: status, headers, body, and a delay.
#[derive(Debug, Clone)]
pub struct MockResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    delay: Duration,
}

impl MockResponse {
    /// An empty answer with this status.
    pub fn new(status: StatusCode) -> MockResponse {
        MockResponse {
            status,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            delay: Duration::ZERO,
        }
    }

    /// A JSON body (`Content-Type: application/json`), whole numbers written
    /// as integers as the client writes them.
    pub fn json(status: StatusCode, value: &impl Serialize) -> MockResponse {
        MockResponse::new(status)
            .header("content-type", "application/json")
            .body(to_json(value).to_string())
    }

    /// A `200` Cloudflare envelope (`success`, empty `errors` and
    /// `messages`) around `result`.
    pub fn envelope(result: &impl Serialize) -> MockResponse {
        let envelope = json!({
            "success": true,
            "errors": [],
            "messages": [],
            "result": to_json(result),
        });
        MockResponse::json(StatusCode::OK, &envelope)
    }

    /// Adds a header: a name and a value of any type
    /// [`Request::header`](crate::runtime::Request::header) and
    /// [`ApiError::with_header`] take too (`&str`, `String`, `HeaderName`,
    /// `HeaderValue`). Panics on a name or value that is not a valid header.
    pub fn header<N, V>(mut self, name: N, value: V) -> MockResponse
    where
        HeaderName: TryFrom<N>,
        HeaderValue: TryFrom<V>,
    {
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|_| panic!("MockResponse: invalid header name"));
        let value = HeaderValue::try_from(value)
            .unwrap_or_else(|_| panic!("MockResponse: invalid header value"));
        self.headers.append(name, value);
        self
    }

    /// The body, as is.
    pub fn body(mut self, body: impl Into<Bytes>) -> MockResponse {
        self.body = body.into();
        self
    }

    /// Waits this long before answering (to test timeouts).
    pub fn delay(mut self, delay: Duration) -> MockResponse {
        self.delay = delay;
        self
    }

    fn from_api_error(error: &ApiError) -> MockResponse {
        let messages = |list: &[crate::ApiMessage]| -> Vec<Value> {
            list.iter()
                .map(|m| {
                    let mut entry = json!({"code": m.code, "message": m.message});
                    if let Some(url) = &m.documentation_url {
                        entry["documentation_url"] = json!(url);
                    }
                    if let Some(pointer) = m.source.as_ref().and_then(|s| s.pointer.as_ref()) {
                        entry["source"] = json!({ "pointer": pointer });
                    }
                    entry
                })
                .collect()
        };
        let mut response = if error.errors.is_empty() && error.messages.is_empty() {
            MockResponse::new(error.status).body(error.body_snippet.clone().unwrap_or_default())
        } else {
            let envelope = json!({
                "success": false,
                "errors": messages(&error.errors),
                "messages": messages(&error.messages),
                "result": null,
            });
            MockResponse::json(error.status, &envelope)
        };
        for (name, value) in &error.headers {
            response.headers.append(name.clone(), value.clone());
        }
        if let Some(ray) = &error.cf_ray {
            if !response.headers.contains_key("cf-ray") {
                response = response.header("cf-ray", ray);
            }
        }
        response
    }
}

/// A request the server received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// HTTP method.
    pub method: Method,
    /// The path, percent-encoded as sent.
    pub path: String,
    /// The query string, without `?` (empty when there is none).
    pub query: String,
    /// Request headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The index of the mock that answered it.
    mock: Option<usize>,
}

impl ReceivedRequest {
    /// `METHOD /path?query`, as a panic lists it.
    fn line(&self) -> String {
        if self.query.is_empty() {
            format!("{} {}", self.method, self.path)
        } else {
            format!("{} {}?{}", self.method, self.path, self.query)
        }
    }

    /// A header's value, when it is present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The query's pairs, decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        decode_query(&self.query)
    }

    /// The body decoded from JSON as `T` (e.g. the typed body the code under
    /// test sent, or a `serde_json::Value`).
    pub fn json<T: DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.body)
    }
}

/// Decodes `result`, the JSON text of an answer's `result`, as the client
/// decodes it for an endpoint whose output kind is `K` (`Json<Option<Zone>>`,
/// `List<DnsRecord>`): what awaiting such a request gives, and its
/// [`ResponseMeta`], whose [`mismatches`](ResponseMeta::mismatches) and
/// [`as_sent`](ResponseMeta::as_sent) say what did not fit. The answer is a
/// `200` envelope around `result`, read by the code that reads a real one,
/// without a server: for tests of recorded answers, and for the decoding
/// fuzzer (`generated-client/fuzz`).
///
/// ```
/// use generated_client::runtime::{Json, List};
/// use generated_client::testing::decode_result;
/// use generated_client::zone::Zone;
///
/// let (zone, meta) = decode_result::<Json<Option<Zone>>>(r#"{"id": "z1", "name": 7}"#).unwrap();
/// assert_eq!(zone.unwrap().id, "z1");
/// assert_eq!(meta.mismatches()[0].to_string(), ".name: expected a string, found a number");
///
/// let (zones, meta) = decode_result::<List<Zone>>(r#"{"id": "z1"}"#).unwrap();
/// assert!(zones.is_empty());
/// assert_eq!(meta.as_sent(), Some(&serde_json::json!({"id": "z1"})));
/// ```
///
/// Text that is not one JSON value is an [`Error::Decode`](crate::Error::Decode),
/// as the same body would be.
pub fn decode_result<K: Output>(result: &str) -> crate::Result<(K::Output, ResponseMeta)> {
    let body = match serde_json::value::RawValue::from_string(result.to_owned()) {
        Ok(raw) => format!(
            r#"{{"success":true,"errors":[],"messages":[],"result":{}}}"#,
            raw.get()
        ),
        // Not JSON: sent as the whole body, which the client refuses.
        Err(_) => result.to_owned(),
    };
    let fetched = Fetched {
        meta: ResponseMeta::new(StatusCode::OK, HeaderMap::new()),
        method: Method::GET,
        template: "(decode_result)",
        body: FetchedBody::Buffered(Bytes::from(body)),
        idle_timeout: Duration::ZERO,
        max_size: u64::MAX,
    };
    K::finish(fetched)
}

/// Serializes a value the way the client writes JSON. A value that does
/// not serialize is a mistake in the test, so it panics.
fn to_json(value: &(impl Serialize + ?Sized)) -> Value {
    serde_json::to_value(Wire(value))
        .unwrap_or_else(|e| panic!("MockServer: the answer does not serialize to JSON: {e}"))
}

fn decode_query(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query).unwrap_or_default()
}

impl Matcher {
    fn matches(&self, request: &ReceivedRequest) -> bool {
        if request.method != self.method {
            return false;
        }
        let path_matches = match &self.path {
            PathMatch::Exact(path) => *path == request.path,
            PathMatch::Template(template) => template_matches(template, &request.path),
        };
        if !path_matches {
            return false;
        }
        let received = request.query_pairs();
        if !self.query.iter().all(|pair| received.contains(pair)) {
            return false;
        }
        match &self.body {
            None => true,
            Some(expected) => request.json::<Value>().is_ok_and(|body| body == *expected),
        }
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = match &self.path {
            PathMatch::Exact(path) => path.as_str(),
            PathMatch::Template(template) => template,
        };
        write!(f, "{} {path}", self.method)?;
        if !self.query.is_empty() {
            let query = serde_urlencoded::to_string(&self.query).unwrap_or_default();
            write!(f, "?{query}")?;
        }
        if self.body.is_some() {
            f.write_str(" (with a JSON body)")?;
        }
        Ok(())
    }
}

/// Whether `path` is an instance of `template`: the same segments, where a
/// `{param}` (alone or with literal text around it) stands for any
/// non-empty text.
fn template_matches(template: &str, path: &str) -> bool {
    let mut wanted = template.split('/');
    let mut seen = path.split('/');
    loop {
        match (wanted.next(), seen.next()) {
            (None, None) => return true,
            (Some(pattern), Some(segment)) => {
                let fits = match (pattern.find('{'), pattern.rfind('}')) {
                    (Some(open), Some(close)) if open < close => {
                        let (prefix, suffix) = (&pattern[..open], &pattern[close + 1..]);
                        segment.len() > prefix.len() + suffix.len()
                            && segment.starts_with(prefix)
                            && segment.ends_with(suffix)
                    }
                    _ => pattern == segment,
                };
                if !fits {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Answers one request: the first mock that matches and is not used up.
async fn answer(
    state: Arc<State>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (head, body) = request.into_parts();
    // A body that breaks off leaves the request without one; its client
    // sees the broken connection anyway.
    let body = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let mut received = ReceivedRequest {
        method: head.method,
        path: head.uri.path().to_owned(),
        query: head.uri.query().unwrap_or_default().to_owned(),
        headers: head.headers,
        body,
        mock: None,
    };
    let response = {
        let mut mocks = lock(&state.mocks);
        let found = mocks.iter_mut().enumerate().find(|(_, mock)| {
            mock.times.is_none_or(|times| mock.hits < times) && mock.matcher.matches(&received)
        });
        match found {
            Some((index, mock)) => {
                mock.hits += 1;
                received.mock = Some(index);
                match &mock.answer {
                    Answer::Fixed(response) => response.clone(),
                    Answer::Pages(pages) => page_response(pages, &received),
                }
            }
            None => unmatched_response(&received, &mocks),
        }
    };
    lock(&state.received).push(received);
    if !response.delay.is_zero() {
        tokio::time::sleep(response.delay).await;
    }
    let MockResponse {
        status,
        headers,
        body,
        delay: _,
    } = response;
    let mut reply = hyper::Response::new(Full::new(body));
    *reply.status_mut() = status;
    *reply.headers_mut() = headers;
    Ok(reply)
}

/// The page of a list that `request` asks for, in an envelope.
fn page_response(pages: &[Value], request: &ReceivedRequest) -> MockResponse {
    let page: usize = request
        .query_pairs()
        .into_iter()
        .find(|(name, _)| name == "page")
        .and_then(|(_, value)| value.parse().ok())
        .filter(|&page| page >= 1)
        .unwrap_or(1);
    let length = |value: &Value| value.as_array().map_or(0, Vec::len);
    let items = pages.get(page - 1).cloned().unwrap_or_else(|| json!([]));
    let envelope = json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": items,
        "result_info": {
            "page": page,
            "per_page": pages.first().map_or(0, length),
            "count": length(&items),
            "total_count": pages.iter().map(length).sum::<usize>(),
            "total_pages": pages.len(),
        },
    });
    MockResponse::json(StatusCode::OK, &envelope)
}

/// The status of the answer to a request no mock matched: `459`, which
/// IANA does not assign and no API sends, so that it never passes for a
/// real answer (a `404` would let a test of a delete pass without its
/// mock); a `4xx`, so the client does not retry it.
pub const UNMATCHED: StatusCode = match StatusCode::from_u16(459) {
    Ok(status) => status,
    Err(_) => StatusCode::IM_A_TEAPOT,
};

/// The [`UNMATCHED`] answer to a request no mock matches, naming it and
/// the mocks.
fn unmatched_response(request: &ReceivedRequest, mocks: &[MockEntry]) -> MockResponse {
    let mut message = format!("MockServer: no mock matched {}", request.line());
    if mocks.is_empty() {
        message.push_str("; there are no mocks");
    } else {
        let list: Vec<String> = mocks.iter().map(|m| m.matcher.to_string()).collect();
        message.push_str(&format!("; mocks: {}", list.join(", ")));
    }
    let error = ApiError::new(UNMATCHED).with_error(0, message);
    MockResponse::from_api_error(&error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_any_segment_value() {
        for (template, path, expected) in [
            ("/zones/{zone_id}", "/zones/z1", true),
            ("/zones/{zone_id}", "/zones/", false),
            ("/zones/{zone_id}", "/zones/z1/dns_records", false),
            (
                "/zones/{zone_id}/dns_records",
                "/zones/z%2F1/dns_records",
                true,
            ),
            ("/scripts/{name}.js", "/scripts/app.js", true),
            ("/scripts/{name}.js", "/scripts/.js", false),
            ("/zones", "/zones", true),
            ("/zones", "/accounts", false),
        ] {
            assert_eq!(
                template_matches(template, path),
                expected,
                "{template} {path}"
            );
        }
    }
}
