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

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use tokio::time::{Instant, timeout_at};
use tracing::{Instrument, Span, field};

use super::decode::status_error;
use super::multipart::{AttemptBody, Encoded};
use super::{Body, Fetched, FetchedBody, Parts, ResponseMeta};
use crate::client::Client;
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
    loop {
        attempt += 1;
        let mut request = reqwest::Request::new(method.clone(), url.clone());
        *request.headers_mut() = headers.clone();
        // Set when this attempt streams its body: whether it began reading it.
        let mut streamed = None;
        if let Some(AttemptBody { body, started }) = payload.as_ref().map(Payload::attempt) {
            *request.body_mut() = Some(body);
            streamed = started;
        }
        tracing::debug!(attempt, "sending");
        let ctx = Ctx {
            method: &method,
            template,
            attempt,
        };
        let outcome = attempt_once(&inner.http, request, timeout, streaming, &ctx).await;
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

impl Payload {
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

async fn attempt_once(
    http: &reqwest::Client,
    request: reqwest::Request,
    timeout: Duration,
    streaming: bool,
    ctx: &Ctx<'_>,
) -> Result<Fetched, Failure> {
    let deadline = super::deadline_after(timeout);
    let fail = |error: Error, retryable: bool| Failure {
        error,
        retryable,
        headers: None,
    };
    let mut response = match timeout_at(deadline, http.execute(request)).await {
        Err(_elapsed) => return Err(fail(ctx.timeout(), true)),
        Ok(Err(e)) => {
            let retryable = !(e.is_builder() || e.is_redirect());
            return Err(fail(ctx.transport(e), retryable));
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    tracing::debug!(attempt = ctx.attempt, status = status.as_u16(), "response");

    if status.is_success() {
        let meta = ResponseMeta::new(status, headers);
        let body = if streaming {
            FetchedBody::Streaming(response)
        } else {
            match timeout_at(deadline, response.bytes()).await {
                Ok(Ok(bytes)) => FetchedBody::Buffered(bytes),
                Ok(Err(e)) => return Err(fail(ctx.transport(e), is_idempotent(ctx.method))),
                Err(_elapsed) => return Err(fail(ctx.timeout(), is_idempotent(ctx.method))),
            }
        };
        return Ok(Fetched {
            meta,
            method: ctx.method.clone(),
            template: ctx.template,
            body,
            idle_timeout: Duration::ZERO,
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
