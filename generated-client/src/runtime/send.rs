//! The one non-generic send path: URL, headers, attempts, retries, timeouts,
//! tracing, status check and error-body parsing.
//!
//! Retry policy follows Cloudflare's official SDKs: up to `max_retries` more
//! attempts on connection errors, timeouts, 408, 409, 429 and 5xx (or when the
//! server sends `x-should-retry: true`), waiting `retry-after-ms` /
//! `Retry-After` when it is at most 60 s, else an exponential backoff with
//! jitter. Once a success status has arrived, a failure while reading the
//! body is retried only for idempotent methods, so a create is never sent
//! twice after the server accepted it.
//!
//! A body is encoded once, before the first attempt. One held in memory (JSON,
//! bytes, a multipart body without file parts read from a path) is sent again
//! by every attempt. A streamed multipart body is sent at most once: an
//! attempt that failed after it began reading the body is not retried,
//! whatever the failure.
//!
//! An attempt follows redirects itself, as [`super::redirect`] decides, so
//! that no credential or caller header reaches another origin; and reads a
//! success body only up to the client's `max_response_size`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use tokio::time::{Instant, timeout_at};
use tracing::{Instrument, Span, field};

use super::decode::status_error;
use super::multipart::{AttemptBody, Encoded};
use super::parts::{Body, Fetched, FetchedBody, Parts, ResponseMeta};
use super::redirect::{self, MAX_REDIRECTS};
use crate::client::{Client, ClientInner};
use crate::error::{Error, Result};

/// Longest `Retry-After` honoured; a longer one falls back to the backoff.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Longest backoff delay (unless the configured base is longer).
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Most of an error body that is read (they are small; an HTML page may not be).
const MAX_ERROR_BODY: usize = 1 << 20;

/// Sends the request described by `parts`, retrying as configured, and returns
/// the successful response (buffered unless `streaming`).
pub(crate) fn execute(
    client: Client,
    parts: Parts,
    streaming: bool,
) -> impl Future<Output = Result<Fetched>> + Send + 'static {
    let span = tracing::debug_span!(
        "cloudflare_api",
        method = %parts.method,
        path = parts.template,
        status = field::Empty,
        attempts = field::Empty,
        duration_ms = field::Empty,
    );
    run(client, parts, streaming).instrument(span)
}

/// How one attempt ended, when it did not produce the final answer.
struct Failure {
    error: Error,
    retryable: bool,
    /// Response headers, for `Retry-After`.
    headers: Option<HeaderMap>,
}

async fn run(client: Client, parts: Parts, streaming: bool) -> Result<Fetched> {
    let Parts {
        method,
        template,
        path,
        query,
        headers: request_headers,
        body,
        timeout,
        max_retries,
        max_pages: _,
        error,
    } = parts;
    if let Some(error) = error {
        tracing::debug!(%error, "request not sent");
        return Err(error);
    }
    let inner = &*client.inner;
    let timeout = timeout.unwrap_or(inner.timeout);
    let max_retries = max_retries.unwrap_or(inner.max_retries);

    let mut url = String::with_capacity(inner.base_url.len() + path.len() + query.len() + 1);
    url.push_str(&inner.base_url);
    url.push_str(&path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    let url = reqwest::Url::parse(&url).map_err(|e| {
        Error::InvalidArgument(format!("{method} {template}: invalid request URL: {e}"))
    })?;

    let mut headers = inner.headers.clone();
    for (name, value) in &request_headers {
        headers.insert(name.clone(), value.clone());
    }
    let payload = match body {
        None => None,
        Some(Body::Bytes(bytes, content_type)) => {
            headers.insert(header::CONTENT_TYPE, content_type);
            Some(Payload::Bytes(bytes))
        }
        Some(Body::Multipart(form)) => {
            let encoded = form.encode().await.map_err(|e| {
                tracing::debug!(error = %e, "request not sent");
                Error::Io(e)
            })?;
            headers.insert(header::CONTENT_TYPE, encoded.content_type.clone());
            // A streamed body has no length of its own; without this header
            // it would go out chunked, which some servers refuse.
            headers.insert(header::CONTENT_LENGTH, encoded.len.into());
            Some(Payload::Encoded(encoded))
        }
    };

    let span = Span::current();
    let started = Instant::now();
    let mut attempt: u32 = 0;
    let outgoing = Outgoing {
        method: &method,
        url: &url,
        headers: &headers,
        payload: payload.as_ref(),
    };
    loop {
        attempt += 1;
        // Set when this attempt streams its body: whether it began reading it.
        let mut streamed = None;
        tracing::debug!(attempt, "sending");
        let ctx = Ctx {
            method: &method,
            template,
            attempt,
        };
        let outcome = attempt_once(inner, &outgoing, timeout, streaming, &ctx, &mut streamed).await;
        let failure = match outcome {
            Ok(fetched) => {
                span.record("status", fetched.meta.status.as_u16());
                span.record("attempts", attempt);
                span.record("duration_ms", started.elapsed().as_millis() as u64);
                tracing::debug!(status = fetched.meta.status.as_u16(), "done");
                return Ok(Fetched {
                    idle_timeout: timeout,
                    ..fetched
                });
            }
            Err(failure) => failure,
        };
        let mut failure = failure;
        if streamed.is_some_and(|started| started.load(Ordering::Relaxed)) && failure.retryable {
            tracing::debug!("the streamed body began going out; it is not sent again");
            failure.retryable = false;
        }
        if !failure.retryable || attempt > max_retries {
            if let Some(status) = failure.error.status() {
                span.record("status", status.as_u16());
            }
            span.record("attempts", attempt);
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            tracing::debug!(error = %failure.error, "failed");
            return Err(failure.error);
        }
        let delay = retry_delay(
            failure.headers.as_ref(),
            attempt - 1,
            inner.retry_backoff,
            SystemTime::now(),
        );
        tracing::info!(
            attempt,
            delay_ms = delay.as_millis() as u64,
            error = %failure.error,
            "retrying"
        );
        tokio::time::sleep(delay).await;
    }
}

/// The body every attempt sends, encoded once.
enum Payload {
    Bytes(Bytes),
    Encoded(Encoded),
}

/// The request every attempt starts from.
struct Outgoing<'a> {
    method: &'a Method,
    url: &'a reqwest::Url,
    /// The client's headers (credentials, defaults), the request's own, and
    /// the body's `Content-Type` and `Content-Length`.
    headers: &'a HeaderMap,
    payload: Option<&'a Payload>,
}

impl Payload {
    /// Whether the body can be sent again (it is all in memory).
    fn replayable(&self) -> bool {
        match self {
            Payload::Bytes(_) => true,
            Payload::Encoded(encoded) => encoded.in_memory(),
        }
    }

    fn attempt(&self) -> AttemptBody {
        match self {
            // `Bytes` clones share the buffer: sending it again is free.
            Payload::Bytes(bytes) => AttemptBody {
                body: bytes.clone().into(),
                started: None,
            },
            Payload::Encoded(encoded) => encoded.attempt(),
        }
    }
}

/// What errors of one attempt are about.
struct Ctx<'a> {
    method: &'a Method,
    template: &'static str,
    attempt: u32,
}

impl Ctx<'_> {
    fn timeout(&self) -> Error {
        Error::Timeout {
            method: self.method.clone(),
            path: self.template,
            attempts: self.attempt,
        }
    }

    fn transport(&self, e: reqwest::Error) -> Error {
        if e.is_timeout() {
            self.timeout()
        } else if e.is_builder() {
            Error::InvalidArgument(format!("{} {}: {e}", self.method, self.template))
        } else {
            Error::Connection {
                method: self.method.clone(),
                path: self.template,
                attempts: self.attempt,
                source: e,
            }
        }
    }
}

/// One attempt: the request, then the redirects that answer it, within one
/// deadline. `streamed` is set when the attempt streams its body.
async fn attempt_once(
    inner: &ClientInner,
    outgoing: &Outgoing<'_>,
    timeout: Duration,
    streaming: bool,
    ctx: &Ctx<'_>,
    streamed: &mut Option<Arc<AtomicBool>>,
) -> Result<Fetched, Failure> {
    let deadline = super::parts::deadline_after(timeout);
    let fail = |error: Error, retryable: bool| Failure {
        error,
        retryable,
        headers: None,
    };
    let mut method = outgoing.method.clone();
    let mut url = outgoing.url.clone();
    let mut headers = outgoing.headers.clone();
    let mut payload = outgoing.payload;
    let mut hops = 0;
    let mut response = loop {
        let mut request = reqwest::Request::new(method.clone(), url.clone());
        *request.headers_mut() = headers.clone();
        if let Some(AttemptBody { body, started }) = payload.map(Payload::attempt) {
            *request.body_mut() = Some(body);
            if started.is_some() {
                *streamed = started;
            }
        }
        let response = match timeout_at(deadline, inner.http.execute(request)).await {
            Err(_elapsed) => return Err(fail(ctx.timeout(), true)),
            Ok(Err(e)) => {
                let retryable = !(e.is_builder() || e.is_redirect());
                return Err(fail(ctx.transport(e), retryable));
            }
            Ok(Ok(response)) => response,
        };
        if hops == MAX_REDIRECTS {
            break response;
        }
        let Some(hop) = redirect::next_hop(response.status(), response.headers(), &url, &method)
        else {
            break response;
        };
        let keeps_body = hop.keeps_body && payload.is_some();
        if keeps_body && !payload.is_some_and(Payload::replayable) {
            // A body streamed from a file is never sent twice.
            tracing::debug!("not following a redirect that would send the streamed body again");
            break response;
        }
        hops += 1;
        tracing::debug!(
            attempt = ctx.attempt,
            status = response.status().as_u16(),
            host = hop.url.host_str().unwrap_or_default(),
            cross_origin = hop.cross_origin,
            "following a redirect"
        );
        if hop.cross_origin {
            // Nothing the client or the caller set goes to another origin.
            headers = redirect::cross_origin_headers(&headers, keeps_body);
        } else if !keeps_body {
            headers.remove(header::CONTENT_TYPE);
            headers.remove(header::CONTENT_LENGTH);
        }
        if !keeps_body {
            payload = None;
        }
        method = hop.method;
        url = hop.url;
    };
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    tracing::debug!(attempt = ctx.attempt, status = status.as_u16(), "response");

    if status.is_success() {
        let meta = ResponseMeta::new(status, headers);
        let body = if streaming {
            FetchedBody::Streaming(response)
        } else {
            match read_body(&mut response, deadline, inner.max_response_size).await {
                Ok(bytes) => FetchedBody::Buffered(bytes),
                Err(BodyError::TooLarge { content_length }) => {
                    let error = Error::ResponseTooLarge {
                        method: ctx.method.clone(),
                        path: ctx.template,
                        status,
                        limit: inner.max_response_size,
                        content_length,
                    };
                    return Err(fail(error, false));
                }
                Err(BodyError::Transport(e)) => {
                    return Err(fail(ctx.transport(e), is_idempotent(ctx.method)));
                }
                Err(BodyError::Timeout) => {
                    return Err(fail(ctx.timeout(), is_idempotent(ctx.method)));
                }
            }
        };
        return Ok(Fetched {
            meta,
            method: ctx.method.clone(),
            template: ctx.template,
            body,
            idle_timeout: Duration::ZERO,
            max_size: inner.max_response_size,
        });
    }

    let retryable = should_retry(status, &headers);
    // Read the body even when the attempt will be retried: it is small, it
    // keeps the connection reusable, and the last attempt's error needs it.
    let body = read_error_body(&mut response, deadline).await;
    let meta = ResponseMeta::new(status, headers);
    let api = status_error(ctx.method.clone(), ctx.template, &meta, &body);
    Err(Failure {
        error: api.into(),
        retryable,
        headers: Some(meta.headers),
    })
}

/// Why a success body could not be read.
enum BodyError {
    /// Past the limit: announced by `Content-Length`, or received.
    TooLarge {
        content_length: Option<u64>,
    },
    Transport(reqwest::Error),
    Timeout,
}

/// Reads a success body of at most `limit` bytes before the deadline. A
/// body announced larger is refused before any of it is read, one that
/// grows past the limit as soon as it does; a body that arrives in one
/// chunk is handed on without a copy.
async fn read_body(
    response: &mut reqwest::Response,
    deadline: Instant,
    limit: u64,
) -> Result<Bytes, BodyError> {
    let content_length = response.content_length();
    if content_length.is_some_and(|announced| announced > limit) {
        return Err(BodyError::TooLarge { content_length });
    }
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut received: u64 = 0;
    loop {
        let chunk = match timeout_at(deadline, response.chunk()).await {
            Err(_elapsed) => return Err(BodyError::Timeout),
            Ok(Err(e)) => return Err(BodyError::Transport(e)),
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => chunk,
        };
        received += chunk.len() as u64;
        if received > limit {
            return Err(BodyError::TooLarge { content_length });
        }
        match (&mut joined, first.take()) {
            (Some(buffer), _) => buffer.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(previous)) => {
                // The announced length (within the limit) sizes the buffer
                // once, so a large body is never copied while it grows.
                let capacity = content_length.unwrap_or(0).max(received) as usize;
                let mut buffer = BytesMut::with_capacity(capacity);
                buffer.extend_from_slice(&previous);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
        }
    }
    Ok(match (joined, first) {
        (Some(buffer), _) => buffer.freeze(),
        (None, Some(only)) => only,
        (None, None) => Bytes::new(),
    })
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// Reads up to [`MAX_ERROR_BODY`] bytes before the deadline; whatever could be
/// read is returned, since it is only used to describe the error.
async fn read_error_body(response: &mut reqwest::Response, deadline: Instant) -> Bytes {
    let mut body = BytesMut::new();
    while body.len() < MAX_ERROR_BODY {
        match timeout_at(deadline, response.chunk()).await {
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.freeze()
}

fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").map(|v| v.as_bytes()) {
        Some(b"true") => return true,
        Some(b"false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// The wait before the next attempt: the server's hint when it is sensible,
/// else `base * 2^retries_done` (capped) minus up to 25 % jitter.
fn retry_delay(
    headers: Option<&HeaderMap>,
    retries_done: u32,
    base: Duration,
    now: SystemTime,
) -> Duration {
    if let Some(hint) = headers.and_then(|h| retry_after(h, now)) {
        if !hint.is_zero() && hint <= MAX_RETRY_AFTER {
            return hint;
        }
    }
    let backoff = base
        .saturating_mul(1 << retries_done.min(16))
        .min(MAX_BACKOFF.max(base));
    backoff.mul_f64(1.0 - fastrand::f64() * 0.25)
}

/// `retry-after-ms` (milliseconds), else `Retry-After` (seconds or an
/// HTTP-date).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let from_secs = |secs: f64| {
        (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)))
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return from_secs(ms / 1000.0);
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return from_secs(secs);
    }
    let date = httpdate::parse_http_date(value).ok()?;
    date.duration_since(now).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    header::HeaderName::from_static(k),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let in_5s = httpdate::fmt_http_date(now + Duration::from_secs(5));
        for (pairs, expected) in [
            (vec![("retry-after", "3")], Some(Duration::from_secs(3))),
            (
                vec![("retry-after", "1.5")],
                Some(Duration::from_millis(1500)),
            ),
            (
                vec![("retry-after-ms", "250"), ("retry-after", "9")],
                Some(Duration::from_millis(250)),
            ),
            (
                vec![("retry-after", in_5s.as_str())],
                Some(Duration::from_secs(5)),
            ),
            (vec![("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT")], None),
            (vec![("retry-after", "soon")], None),
            (vec![("retry-after", "-1")], None),
            (vec![], None),
        ] {
            assert_eq!(retry_after(&headers(&pairs), now), expected, "{pairs:?}");
        }
    }

    #[test]
    fn delay_prefers_sane_hints() {
        let now = SystemTime::now();
        let base = Duration::from_millis(500);
        let hint = headers(&[("retry-after", "2")]);
        assert_eq!(
            retry_delay(Some(&hint), 0, base, now),
            Duration::from_secs(2)
        );
        for too_long in ["61", "0"] {
            let h = headers(&[("retry-after", too_long)]);
            assert!(retry_delay(Some(&h), 0, base, now) <= base);
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_cap() {
        let base = Duration::from_millis(500);
        for (retries, full) in [
            (0, 500),
            (1, 1000),
            (2, 2000),
            (3, 4000),
            (4, 8000),
            (10, 8000),
        ] {
            let full = Duration::from_millis(full);
            let d = retry_delay(None, retries, base, SystemTime::now());
            assert!(d <= full && d >= full.mul_f64(0.75), "{retries}: {d:?}");
        }
    }

    #[test]
    fn retryable_statuses() {
        let none = HeaderMap::new();
        for code in [408, 409, 429, 500, 502, 503, 504] {
            assert!(
                should_retry(StatusCode::from_u16(code).unwrap(), &none),
                "{code}"
            );
        }
        for code in [400, 401, 403, 404, 422] {
            assert!(
                !should_retry(StatusCode::from_u16(code).unwrap(), &none),
                "{code}"
            );
        }
        let no = headers(&[("x-should-retry", "false")]);
        assert!(!should_retry(StatusCode::SERVICE_UNAVAILABLE, &no));
        let yes = headers(&[("x-should-retry", "true")]);
        assert!(should_retry(StatusCode::BAD_REQUEST, &yes));
    }
}
