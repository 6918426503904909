//! The one error type of the client, and the parsed Cloudflare error envelope.
//!
//! Callers match on [`Error`] variants and use its helpers; they never need to
//! parse a message. Nothing here ever holds a credential: errors are built from
//! the method, the path *template*, the response and the underlying cause only.

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// Shorthand for `Result<T, generated_client::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The cause of an [`Error::Connection`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong when calling the API.
///
/// The enum is `#[non_exhaustive]`: match the variants you care about and keep
/// a `_` arm. Helpers such as [`Error::status`], [`Error::is_not_found`] and
/// [`Error::codes`] cover the common questions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-success status, or with `"success": false`.
    ///
    /// Boxed to keep `Result<T, Error>` small; field access works through the box
    /// (`err.status`).
    #[error("{0}")]
    Api(Box<ApiError>),

    /// An attempt did not finish within its timeout (connecting, waiting for the
    /// response, or reading a buffered body), and no retry was left.
    #[error("{method} {path}: timed out after {attempts} attempt(s)")]
    #[non_exhaustive]
    Timeout {
        /// HTTP method of the request.
        method: Method,
        /// Path template of the endpoint, e.g. `/zones/{zone_id}`.
        path: &'static str,
        /// How many attempts were made.
        attempts: u32,
    },

    /// The connection could not be made or broke, and no retry was left.
    #[error("{method} {path}: connection error: {}", root_cause(.source))]
    #[non_exhaustive]
    Connection {
        /// HTTP method of the request.
        method: Method,
        /// Path template of the endpoint.
        path: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// The transport error of the last attempt (reqwest's, without its
        /// URL; or a hook's injected fault).
        #[source]
        source: BoxError,
    },

    /// The response was a success but its body is not JSON (an HTML page,
    /// a truncated body). A body that is JSON always decodes into the
    /// generated result types: what does not fit is kept as sent (see
    /// [`ResponseMeta::mismatches`](crate::ResponseMeta::mismatches)). Only
    /// a caller's own result type (`Request::new`) that can neither hold
    /// the body nor be empty (`None`) refuses it here.
    #[error("{method} {path}: could not decode the {status} response body: {source}")]
    #[non_exhaustive]
    Decode {
        /// HTTP method of the request.
        method: Method,
        /// Path template of the endpoint.
        path: &'static str,
        /// Status of the response.
        status: StatusCode,
        /// What serde_json reported; its line and column count from the
        /// start of `body`.
        #[source]
        source: serde_json::Error,
        /// The whole response body, as it came (the buffer it was read
        /// into, up to the client's `max_response_size`; not a copy).
        body: Bytes,
        /// The length of the whole body, in bytes.
        body_len: u64,
    },

    /// A success body was larger than the client reads into memory
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size),
    /// 64 MiB by default). Nothing past the limit was read, and the request
    /// is not retried.
    #[error("{method} {path}: the {status} response body is larger than the limit of {limit} bytes{}", match .content_length { Some(n) => format!(" (Content-Length: {n})"), None => String::new() })]
    #[non_exhaustive]
    ResponseTooLarge {
        /// HTTP method of the request.
        method: Method,
        /// Path template of the endpoint.
        path: &'static str,
        /// Status of the response.
        status: StatusCode,
        /// The limit, in bytes.
        limit: u64,
        /// The `Content-Length` the server announced, if any.
        content_length: Option<u64>,
    },

    /// An argument could not be used: an empty path parameter, a header that is
    /// not a valid header, a body or query that does not serialize.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// The client is misconfigured (bad base URL, plain `http://` without
    /// [`allow_http`](crate::ClientBuilder::allow_http), bad credentials format…).
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// A local file operation failed (e.g. in [`RawResponse::write_to`](crate::RawResponse::write_to)).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),

    /// Paging through a list stopped before its end, after the pages already
    /// yielded: the server sent a cursor or page number a second time (so
    /// paging would loop), or the list went on past the page cap
    /// ([`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages)).
    #[error("{method} {path}: paging stopped after {pages} page(s): {reason}")]
    #[non_exhaustive]
    Paging {
        /// HTTP method of the request.
        method: Method,
        /// Path template of the endpoint.
        path: &'static str,
        /// Pages received before stopping.
        pages: u32,
        /// Why paging stopped.
        reason: PagingStop,
    },

    /// A redirect the client does not follow, with why: a hop from `https`
    /// to `http`, more than 10 hops, a `3xx` without a usable `Location`, or
    /// a `307`/`308` that would send a streamed body a second time. Never
    /// retried.
    #[error("{method} {path}: redirect not followed: {reason}")]
    #[non_exhaustive]
    Redirect {
        /// HTTP method of the request.
        method: Method,
        /// Path template of the endpoint.
        path: &'static str,
        /// The status of the redirect that was not followed.
        status: StatusCode,
        /// Why it was not followed.
        reason: RedirectStop,
    },

    /// A streamed body ended before it was complete.
    ///
    /// `expected` is the `Content-Length`, when the server sent one.
    #[error("response body incomplete: received {received} of {} bytes", match .expected { Some(n) => n.to_string(), None => "an unknown number of".to_owned() })]
    #[non_exhaustive]
    IncompleteBody {
        /// Bytes announced by `Content-Length`, if any.
        expected: Option<u64>,
        /// Bytes actually received.
        received: u64,
    },

    /// An event stream ended before its end: the connection broke in the
    /// middle, or the body ended without the `[DONE]` event the endpoint
    /// ends its streams with. The events before it were delivered.
    #[error("{method} {path}: the event stream ended early, after {events} event(s): {}", if *.done_missing { "the body ended without `[DONE]`" } else { "the connection broke" })]
    #[non_exhaustive]
    StreamEnded {
        /// HTTP method of the request.
        method: Method,
        /// Path template of the endpoint.
        path: &'static str,
        /// The events delivered before the end.
        events: u64,
        /// The body ended cleanly, but without `[DONE]`; otherwise the
        /// connection broke.
        done_missing: bool,
    },
}

impl Error {
    /// The parsed API error, if this is [`Error::Api`].
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<StatusCode> {
        self.api().map(|api| api.status)
    }

    /// `true` for a 404 response.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// `true` when the API throttled the request (still, after the
    /// retries): a 429, or one of Cloudflare's throttling codes
    /// ([`codes::THROTTLING`]) whatever the status.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
            || codes::THROTTLING.iter().any(|&code| self.has_code(code))
    }

    /// `true` when the credentials were refused or do not reach the
    /// resource: a 401 or 403, or one of Cloudflare's authentication codes
    /// ([`codes::AUTHENTICATION`]) whatever the status (the API sends
    /// `10000` with 400, 401 and 403 alike).
    pub fn is_auth(&self) -> bool {
        matches!(
            self.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        ) || codes::AUTHENTICATION
            .iter()
            .any(|&code| self.has_code(code))
    }

    /// Whether an API error carries the Cloudflare `code`, in its errors or
    /// in their `error_chain`.
    pub fn has_code(&self, code: i64) -> bool {
        self.api().is_some_and(|api| api.has_code(code))
    }

    /// `true` for [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// The Cloudflare error codes of an API error (`errors[].code`), in order.
    pub fn codes(&self) -> Vec<i64> {
        self.api()
            .map(|api| api.errors.iter().filter_map(|m| m.code).collect())
            .unwrap_or_default()
    }
}

/// Errors built by hand, for tests of code that handles them (the
/// `testing` feature). [`Error::Api`] is built from an [`ApiError`]
/// (`ApiError::new(..).into()`); [`Error::Connection`] only ever comes from
/// a real connection (a port nothing listens on gives one).
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
impl Error {
    /// An [`Error::Timeout`] after `attempts` attempts.
    pub fn timeout(method: Method, path: &'static str, attempts: u32) -> Error {
        Error::Timeout {
            method,
            path,
            attempts,
        }
    }

    /// An [`Error::Decode`] of `body` (kept whole here: it is yours).
    pub fn decode(
        method: Method,
        path: &'static str,
        status: StatusCode,
        source: serde_json::Error,
        body: impl Into<Bytes>,
    ) -> Error {
        let body = body.into();
        Error::Decode {
            method,
            path,
            status,
            source,
            body_len: body.len() as u64,
            body,
        }
    }

    /// An [`Error::ResponseTooLarge`].
    pub fn response_too_large(
        method: Method,
        path: &'static str,
        status: StatusCode,
        limit: u64,
        content_length: Option<u64>,
    ) -> Error {
        Error::ResponseTooLarge {
            method,
            path,
            status,
            limit,
            content_length,
        }
    }

    /// An [`Error::Paging`] after `pages` pages.
    pub fn paging(method: Method, path: &'static str, pages: u32, reason: PagingStop) -> Error {
        Error::Paging {
            method,
            path,
            pages,
            reason,
        }
    }

    /// An [`Error::IncompleteBody`].
    pub fn incomplete_body(expected: Option<u64>, received: u64) -> Error {
        Error::IncompleteBody { expected, received }
    }

    /// An [`Error::StreamEnded`] after `events` events.
    pub fn stream_ended(
        method: Method,
        path: &'static str,
        events: u64,
        done_missing: bool,
    ) -> Error {
        Error::StreamEnded {
            method,
            path,
            events,
            done_missing,
        }
    }
}

/// Why a redirect was not followed ([`Error::Redirect`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectStop {
    /// From `https` to `http`: the request, and its credentials, would go
    /// out in the clear.
    Downgrade,
    /// More hops than one request follows.
    TooMany {
        /// How many were followed.
        hops: usize,
    },
    /// No `Location`, or one that is not a URL.
    NoLocation,
    /// A `307` or `308` would send the body again, and the body is streamed
    /// (from a file, an iterator): it is sent at most once.
    StreamedBody,
}

impl fmt::Display for RedirectStop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectStop::Downgrade => {
                f.write_str("it goes from https to http, which would send the request in the clear")
            }
            RedirectStop::TooMany { hops } => {
                write!(
                    f,
                    "it is one more than the {hops} redirects a request follows"
                )
            }
            RedirectStop::NoLocation => f.write_str("it has no usable Location header"),
            RedirectStop::StreamedBody => f.write_str(
                "it would send the body again, and a streamed body is sent at most once",
            ),
        }
    }
}

/// Cloudflare's error codes that mean the same on every endpoint, as the
/// API sends them in `errors[].code` (or a cause's, in `error_chain`), with
/// the message it sends along. [`Error::is_auth`] and
/// [`Error::is_rate_limited`] know them, and the default retry policy
/// retries [`codes::THROTTLING`] like a 429.
///
/// Cloudflare publishes no list of its global codes: these are the ones its
/// answers carry, whatever the endpoint, with the status they come with.
///
/// ```
/// # fn f(err: generated_client::Error) {
/// use generated_client::codes;
///
/// if err.has_code(codes::INVALID_ACCESS_TOKEN) {
///     eprintln!("the token is wrong, expired, or not allowed from here");
/// }
/// # }
/// ```
pub mod codes {
    /// `Please wait and consider throttling your request speed`: too many
    /// requests. With a 429, and with a 500 from Workers AI.
    pub const THROTTLED: i64 = 971;
    /// `Rate limited. Please wait and consider throttling your request
    /// speed`, from the Workers and Pages endpoints.
    pub const RATE_LIMITED: i64 = 10429;
    /// `Invalid request headers`; its `error_chain` says which (see
    /// [`INVALID_KEY_FORMAT`], [`INVALID_AUTHORIZATION_FORMAT`]). With a 400.
    pub const INVALID_REQUEST_HEADERS: i64 = 6003;
    /// `Invalid format for X-Auth-Key header` (in an `error_chain`).
    pub const INVALID_KEY_FORMAT: i64 = 6103;
    /// `Invalid format for Authorization header` (in an `error_chain`).
    pub const INVALID_AUTHORIZATION_FORMAT: i64 = 6111;
    /// `Could not route to …, perhaps your object identifier is invalid?`:
    /// an identifier in the path that names nothing. With a 400 or 404.
    pub const INVALID_OBJECT_IDENTIFIER: i64 = 7003;
    /// `Unknown X-Auth-Key or X-Auth-Email`: a global API key that does not
    /// match the email. With a 400 or 403.
    pub const UNKNOWN_KEY_OR_EMAIL: i64 = 9103;
    /// `Missing X-Auth-Key, X-Auth-Email or Authorization headers`.
    pub const MISSING_CREDENTIALS: i64 = 9106;
    /// `Invalid access token`, `Unauthorized to access requested resource`
    /// or `Cannot use the access token from location: …`: a token that is
    /// wrong, lacks the permission, or is bound to other addresses. With a
    /// 400, 401 or 403.
    pub const INVALID_ACCESS_TOKEN: i64 = 9109;
    /// `Authentication error`: the credentials were refused, or a token
    /// lacks the permission for the resource. With a 400, 401 or 403.
    pub const AUTHENTICATION_ERROR: i64 = 10000;

    /// The codes that mean the request was throttled.
    pub const THROTTLING: &[i64] = &[THROTTLED, RATE_LIMITED];
    /// The codes that mean the credentials were refused or do not reach the
    /// resource.
    pub const AUTHENTICATION: &[i64] = &[
        INVALID_REQUEST_HEADERS,
        UNKNOWN_KEY_OR_EMAIL,
        MISSING_CREDENTIALS,
        INVALID_ACCESS_TOKEN,
        AUTHENTICATION_ERROR,
    ];
}

/// Why paging stopped early ([`Error::Paging`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingStop {
    /// The list has more pages than the cap allows.
    TooManyPages {
        /// The cap that was reached.
        max_pages: u32,
    },
    /// A response carried a cursor that an earlier response (or the request
    /// itself) already had.
    RepeatedCursor,
    /// A response reported a page number that an earlier one already had.
    RepeatedPage {
        /// The repeated page number.
        page: u64,
    },
}

impl fmt::Display for PagingStop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PagingStop::TooManyPages { max_pages } => write!(
                f,
                "the list goes on past the cap of {max_pages} pages (raise it with `max_pages`)"
            ),
            PagingStop::RepeatedCursor => {
                f.write_str("the server sent a cursor it had sent before, so paging would loop")
            }
            PagingStop::RepeatedPage { page } => write!(
                f,
                "the server sent page {page} a second time, so paging would loop"
            ),
        }
    }
}

impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Error::Api(Box::new(api))
    }
}

/// The innermost cause of an error, which for transport errors is the useful
/// part ("Connection refused", "connection reset") rather than reqwest's
/// generic "error sending request".
fn root_cause(err: &BoxError) -> String {
    let err: &(dyn std::error::Error + 'static) = &**err;
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A non-success answer from the API.
///
/// Built from the Cloudflare envelope (`{"success": false, "errors": [...],
/// "messages": [...]}`) when there is one; otherwise `body_snippet` holds the
/// start of whatever the server sent (an HTML error page, plain text…).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the response (may be 200 when the envelope said
    /// `"success": false`).
    pub status: StatusCode,
    /// `errors` of the envelope.
    pub errors: Vec<ApiMessage>,
    /// `messages` of the envelope.
    pub messages: Vec<ApiMessage>,
    /// The start of the body (at most ~500 characters) when it was not an
    /// envelope; `"empty body"` when there was none.
    pub body_snippet: Option<String>,
    /// HTTP method of the request.
    pub method: Method,
    /// Path template of the endpoint, e.g. `/zones/{zone_id}/dns_records`.
    pub path: &'static str,
    /// The `cf-ray` response header, handy when asking Cloudflare support.
    pub cf_ray: Option<String>,
    /// All response headers (rate-limit headers, …).
    pub headers: HeaderMap,
}

impl ApiError {
    /// The error codes (`errors[].code`), in order.
    pub fn codes(&self) -> Vec<i64> {
        self.errors.iter().filter_map(|m| m.code).collect()
    }

    /// Whether the `code` is among the errors, or in their `error_chain`.
    pub fn has_code(&self, code: i64) -> bool {
        fn within(messages: &[ApiMessage], code: i64) -> bool {
            messages
                .iter()
                .any(|m| m.code == Some(code) || within(&m.error_chain, code))
        }
        within(&self.errors, code)
    }
}

/// Building an [`ApiError`] by hand, for tests (the `testing` feature): the
/// error a fake of yours returns, or what a
/// [`MockServer`](crate::testing::MockServer) answers with.
///
/// ```
/// use generated_client::runtime::{Method, StatusCode};
/// use generated_client::{ApiError, Error};
///
/// let err: Error = ApiError::new(StatusCode::NOT_FOUND)
///     .with_request(Method::GET, "/zones/{zone_id}")
///     .with_error(1001, "Invalid zone identifier")
///     .into();
/// assert!(err.is_not_found());
/// assert_eq!(err.codes(), [1001]);
/// ```
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
impl ApiError {
    /// An error with this status and nothing else: no messages, no headers,
    /// for a `GET` of an empty path until [`with_request`](Self::with_request)
    /// says otherwise.
    pub fn new(status: StatusCode) -> ApiError {
        ApiError {
            status,
            errors: Vec::new(),
            messages: Vec::new(),
            body_snippet: None,
            method: Method::GET,
            path: "",
            cf_ray: None,
            headers: HeaderMap::new(),
        }
    }

    /// Adds an entry to `errors`.
    pub fn with_error(mut self, code: i64, message: impl Into<String>) -> ApiError {
        self.errors.push(ApiMessage::new(code, message));
        self
    }

    /// Adds an entry to `messages`.
    pub fn with_message(mut self, code: i64, message: impl Into<String>) -> ApiError {
        self.messages.push(ApiMessage::new(code, message));
        self
    }

    /// The request the error answers: its method and path template.
    pub fn with_request(mut self, method: Method, path: &'static str) -> ApiError {
        self.method = method;
        self.path = path;
        self
    }

    /// Adds a response header; a `cf-ray` header also sets
    /// [`cf_ray`](Self::cf_ray). Takes what
    /// [`Request::header`](crate::runtime::Request::header) takes (`&str`,
    /// `String`, `HeaderName`, `HeaderValue`); panics on a name or value
    /// that is not a valid header.
    pub fn with_header<N, V>(mut self, name: N, value: V) -> ApiError
    where
        reqwest::header::HeaderName: TryFrom<N>,
        reqwest::header::HeaderValue: TryFrom<V>,
    {
        let name = reqwest::header::HeaderName::try_from(name)
            .unwrap_or_else(|_| panic!("ApiError::with_header: invalid header name"));
        let value = reqwest::header::HeaderValue::try_from(value)
            .unwrap_or_else(|_| panic!("ApiError::with_header: invalid header value"));
        if name == "cf-ray" {
            self.cf_ray = value.to_str().ok().map(str::to_owned);
        }
        self.headers.append(name, value);
        self
    }

    /// The body of an answer that was not a Cloudflare envelope (an HTML
    /// page, plain text), as [`body_snippet`](Self::body_snippet) keeps it.
    pub fn with_body_snippet(mut self, snippet: impl Into<String>) -> ApiError {
        self.body_snippet = Some(snippet.into());
        self
    }
}

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
impl ApiMessage {
    /// A message with a code (for tests; the `testing` feature).
    pub fn new(code: i64, message: impl Into<String>) -> ApiMessage {
        ApiMessage {
            code: Some(code),
            message: message.into(),
            documentation_url: None,
            source: None,
            error_chain: Vec::new(),
        }
    }

    /// The same, caused by `cause` (its `error_chain`).
    pub fn caused_by(mut self, cause: ApiMessage) -> ApiMessage {
        self.error_chain.push(cause);
        self
    }
}

/// Longest body snippet shown in [`fmt::Display`] (the field keeps up to
/// [`SNIPPET_CHARS`]).
const DISPLAY_SNIPPET_CHARS: usize = 200;

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.method, self.path, self.status)?;
        let listed = if self.errors.is_empty() {
            &self.messages
        } else {
            &self.errors
        };
        if !listed.is_empty() {
            f.write_str(": ")?;
            for (i, m) in listed.iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "{m}")?;
            }
        } else if let Some(snippet) = &self.body_snippet {
            // One line: collapse the whitespace of HTML pages and stack traces.
            let line: String = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
            let cut = cut_chars(&line, DISPLAY_SNIPPET_CHARS);
            write!(f, ": {cut}")?;
            if cut.len() < line.len() {
                f.write_str("…")?;
            }
        } else {
            f.write_str(": no error details")?;
        }
        if let Some(ray) = &self.cf_ray {
            write!(f, " (cf-ray {ray})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// One entry of an envelope's `errors` or `messages`.
///
/// Every field is optional on the wire; a missing `message` becomes `""`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiMessage {
    /// Cloudflare's numeric code, e.g. `10000`.
    pub code: Option<i64>,
    /// Human-readable text.
    pub message: String,
    /// Link to the documentation of this error, when given.
    pub documentation_url: Option<String>,
    /// Which part of the request the message is about.
    pub source: Option<ApiMessageSource>,
    /// The errors that led to this one (Cloudflare's `error_chain`), e.g.
    /// `6003 Invalid request headers` from `6111 Invalid format for
    /// Authorization header`.
    pub error_chain: Vec<ApiMessage>,
}

/// Where in the request an [`ApiMessage`] points.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiMessageSource {
    /// A JSON pointer into the request body, e.g. `/name`.
    pub pointer: Option<String>,
}

impl ApiMessage {
    /// Reads one message leniently: a bare string becomes the message, a
    /// numeric string is accepted as a code, wrong types are skipped.
    pub(crate) fn from_json(value: &serde_json::Value) -> ApiMessage {
        ApiMessage::read(value, 0)
    }

    /// [`from_json`](Self::from_json), `depth` chains deep: a chain deeper
    /// than a few links is left out.
    fn read(value: &serde_json::Value, depth: usize) -> ApiMessage {
        use serde_json::Value;
        let obj = match value {
            Value::Object(obj) => obj,
            Value::String(s) => {
                return ApiMessage {
                    message: s.clone(),
                    ..ApiMessage::default()
                };
            }
            other => {
                return ApiMessage {
                    message: other.to_string(),
                    ..ApiMessage::default()
                };
            }
        };
        let string = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_owned);
        let code = match obj.get("code") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let source = obj
            .get("source")
            .and_then(Value::as_object)
            .map(|src| ApiMessageSource {
                pointer: src
                    .get("pointer")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        let error_chain = match obj.get("error_chain") {
            Some(Value::Array(items)) if depth < 8 => items
                .iter()
                .map(|item| ApiMessage::read(item, depth + 1))
                .collect(),
            _ => Vec::new(),
        };
        ApiMessage {
            code,
            message: string("message").unwrap_or_default(),
            documentation_url: string("documentation_url"),
            source,
            error_chain,
        }
    }

    /// Reads a list of messages; anything but an array gives an empty list.
    pub(crate) fn list_from_json(value: &serde_json::Value) -> Vec<ApiMessage> {
        match value {
            serde_json::Value::Array(items) => items.iter().map(ApiMessage::from_json).collect(),
            serde_json::Value::Null => Vec::new(),
            other => vec![ApiMessage::from_json(other)],
        }
    }
}

impl fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(code) = self.code {
            write!(f, "[{code}] ")?;
        }
        f.write_str(&self.message)?;
        if let Some(pointer) = self.source.as_ref().and_then(|s| s.pointer.as_deref()) {
            write!(f, " (at {pointer})")?;
        }
        Ok(())
    }
}

/// Longest `body_snippet` kept, in characters.
pub(crate) const SNIPPET_CHARS: usize = 500;

/// A readable snippet of a non-envelope body: valid UTF-8 (lossy), cut on a
/// character boundary, `"empty body"` when there is nothing to show.
pub(crate) fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "empty body".to_owned();
    }
    let cut = cut_chars(text, SNIPPET_CHARS);
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut.to_owned()
    }
}

/// The first `max` characters of `s`.
fn cut_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((idx, _)) => &s[..idx],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_cuts_on_char_boundary() {
        let body = "é".repeat(600);
        let snippet = body_snippet(body.as_bytes());
        assert_eq!(snippet.chars().count(), SNIPPET_CHARS + 1);
        assert!(snippet.ends_with('…'));
    }

    #[test]
    fn snippet_of_nothing() {
        assert_eq!(body_snippet(b""), "empty body");
        assert_eq!(body_snippet(b"  \r\n"), "empty body");
        assert_eq!(body_snippet(b"\xff oops"), "\u{fffd} oops");
    }

    #[test]
    fn lenient_messages() {
        let value = serde_json::json!([
            {"code": 1003, "message": "bad", "documentation_url": "https://x", "source": {"pointer": "/a"}},
            {"code": "7000"},
            "plain",
            {"message": 5, "extra": true}
        ]);
        let list = ApiMessage::list_from_json(&value);
        assert_eq!(list[0].code, Some(1003));
        assert_eq!(list[0].to_string(), "[1003] bad (at /a)");
        assert_eq!(list[1].code, Some(7000));
        assert_eq!(list[2].message, "plain");
        assert_eq!(list[3], ApiMessage::default());
    }
}
