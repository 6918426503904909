//! The one non-generic send path: URL, headers, attempts, retries, timeouts,
//! tracing, status check and error-body parsing.
//!
//! Which failures are retried, and after how long, is the request's
//! [`RetryPolicy`] (by default the client's; see `retry.rs`). Once a success
//! status has arrived, a failure while reading the body is retried only for
//! idempotent methods, so a create is never sent twice after the server
//! accepted it.
//!
//! Each attempt is shown to the client's and the request's [`Hook`]s before
//! it is sent (which may change its headers, or answer it themselves) and
//! after it ends. Errors name the path template, never the URL: a
//! transport error's URL (which holds path parameters and query values, and
//! after a redirect perhaps a signature) is removed.
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

use super::binary::OnceBody;
use super::decode::status_error;
use super::hooks::{Answer, Answered, AttemptOutcome, AttemptRequest, Fault, Hook};
use super::multipart::{AttemptBody, Encoded};
use super::parts::{Body, Fetched, FetchedBody, Parts, ResponseMeta};
use super::redirect::{self, MAX_REDIRECTS};
use super::retry::RetryPolicy;
use crate::client::{Client, ClientInner};
use crate::error::{Error, RedirectStop, Result};
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
    /// The error body, for hooks.
    body: Option<Bytes>,
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
        retry,
        max_retries,
        max_pages: _,
        hooks: request_hooks,
        error,
    } = parts;
    if let Some(error) = error {
        tracing::debug!(%error, "request not sent");
        return Err(error);
    }
    let inner = &*client.inner;
    let timeout = timeout.unwrap_or(inner.timeout);
    let policy = retry.unwrap_or_else(|| inner.retry.clone());
    let max_retries = max_retries.unwrap_or(policy.retries());
    let hooks: Vec<Arc<dyn Hook>> = if request_hooks.is_empty() {
        inner.hooks.clone()
    } else {
        inner.hooks.iter().chain(&request_hooks).cloned().collect()
    };

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
        Some(Body::Multipart(form)) => Some(encoded(form.encode().await, &mut headers)?),
        Some(Body::File(path, content_type)) => Some(encoded(
            Encoded::file(&path, content_type).await,
            &mut headers,
        )?),
        Some(Body::Once(stream, content_type, len)) => {
            headers.insert(header::CONTENT_TYPE, content_type);
            if let Some(len) = len {
                headers.insert(header::CONTENT_LENGTH, len.into());
            }
            Some(Payload::Once(stream))
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
        policy: &policy,
        hooks: &hooks,
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
        let delay = policy.delay(failure.headers.as_ref(), attempt - 1, SystemTime::now());
        tracing::info!(
            attempt,
            delay_ms = delay.as_millis() as u64,
            error = %failure.error,
            "retrying"
        );
        tokio::time::sleep(delay).await;
    }
}

/// A body encoded to be streamed (a multipart form, a file): its content
/// type and length set, or why it could not be read (nothing was sent).
fn encoded(encoded: std::io::Result<Encoded>, headers: &mut HeaderMap) -> Result<Payload> {
    let encoded = encoded.map_err(|e| {
        tracing::debug!(error = %e, "request not sent");
        Error::Io(e)
    })?;
    headers.insert(header::CONTENT_TYPE, encoded.content_type.clone());
    // A streamed body has no length of its own; without this header it
    // would go out chunked, which some servers refuse.
    headers.insert(header::CONTENT_LENGTH, encoded.len.into());
    Ok(Payload::Encoded(encoded))
}

/// The body every attempt sends, encoded once.
enum Payload {
    Bytes(Bytes),
    Encoded(Encoded),
    /// Sent by the first attempt only.
    Once(OnceBody),
}

/// The request every attempt starts from.
struct Outgoing<'a> {
    method: &'a Method,
    url: &'a reqwest::Url,
    /// The client's headers (credentials, defaults), the request's own, and
    /// the body's `Content-Type` and `Content-Length`.
    headers: &'a HeaderMap,
    payload: Option<&'a Payload>,
    policy: &'a RetryPolicy,
    /// The client's and the request's hooks, in that order.
    hooks: &'a [Arc<dyn Hook>],
}

impl Payload {
    /// The body, when it is held in memory (for hooks).
    fn in_memory(&self) -> Option<&Bytes> {
        match self {
            Payload::Bytes(bytes) => Some(bytes),
            Payload::Encoded(encoded) => encoded.bytes(),
            Payload::Once(_) => None,
        }
    }

    /// Whether the body can be sent again (it is all in memory).
    fn replayable(&self) -> bool {
        match self {
            Payload::Bytes(_) => true,
            Payload::Encoded(encoded) => encoded.in_memory(),
            Payload::Once(_) => false,
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
            // Taken by this attempt: whatever happens, there is no other.
            Payload::Once(stream) => AttemptBody {
                body: reqwest::Body::wrap_stream(stream.take()),
                started: Some(Arc::new(AtomicBool::new(true))),
            },
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

    /// A transport error, without its URL: the URL holds path parameters
    /// and query values (after a redirect, perhaps a signature), which no
    /// error may show.
    fn transport(&self, e: reqwest::Error) -> Error {
        let e = e.without_url();
        if e.is_timeout() {
            self.timeout()
        } else if e.is_builder() {
            Error::InvalidArgument(format!("{} {}: {e}", self.method, self.template))
        } else {
            Error::Connection {
                method: self.method.clone(),
                path: self.template,
                attempts: self.attempt,
                source: Box::new(e),
            }
        }
    }

    fn redirect(&self, status: StatusCode, reason: RedirectStop) -> Error {
        Error::Redirect {
            method: self.method.clone(),
            path: self.template,
            status,
            reason,
        }
    }

    /// What a hook's fault makes of the attempt.
    fn fault(&self, fault: Fault) -> Error {
        match fault {
            Fault::Timeout => self.timeout(),
            Fault::Connection => Error::Connection {
                method: self.method.clone(),
                path: self.template,
                attempts: self.attempt,
                source: "connection refused (a fault a hook injected)".into(),
            },
        }
    }
}

/// One attempt: the hooks, the request, then the redirects that answer it,
/// within one deadline; and the hooks again. `streamed` is set when the
/// attempt streams its body.
async fn attempt_once(
    inner: &ClientInner,
    outgoing: &Outgoing<'_>,
    timeout: Duration,
    streaming: bool,
    ctx: &Ctx<'_>,
    streamed: &mut Option<Arc<AtomicBool>>,
) -> Result<Fetched, Failure> {
    let started = Instant::now();
    let mut headers = outgoing.headers.clone();
    let mut answer = None;
    let request_body = outgoing.payload.and_then(Payload::in_memory);
    for hook in outgoing.hooks {
        let mut request = AttemptRequest {
            method: outgoing.method,
            template: ctx.template,
            url: outgoing.url,
            attempt: ctx.attempt,
            headers: &mut headers,
            body: request_body,
            answer: None,
        };
        hook.before(&mut request);
        if let Some(given) = request.answer {
            answer = Some(given);
            break;
        }
    }
    let result = exchange(
        inner, outgoing, headers, answer, timeout, streaming, ctx, streamed,
    )
    .await;
    if !outgoing.hooks.is_empty() {
        let result = match &result {
            Ok(fetched) => Ok(Answered {
                status: fetched.meta.status,
                headers: &fetched.meta.headers,
                body: match &fetched.body {
                    FetchedBody::Buffered(body) => Some(&body[..]),
                    FetchedBody::Streaming(_) => None,
                },
            }),
            Err(failure) => match (&failure.headers, failure.error.api()) {
                (Some(headers), Some(api)) => Ok(Answered {
                    status: api.status,
                    headers,
                    body: failure.body.as_deref(),
                }),
                _ => Err(&failure.error),
            },
        };
        let outcome = AttemptOutcome {
            method: ctx.method,
            template: ctx.template,
            attempt: ctx.attempt,
            elapsed: started.elapsed(),
            request_body,
            result,
        };
        for hook in outgoing.hooks {
            hook.after(&outcome);
        }
    }
    result
}

/// The request of one attempt and its redirects (or the answer a hook gave
/// instead), and the answer read as the output kind wants it.
#[allow(clippy::too_many_arguments)]
async fn exchange(
    inner: &ClientInner,
    outgoing: &Outgoing<'_>,
    headers: HeaderMap,
    answer: Option<Answer>,
    timeout: Duration,
    streaming: bool,
    ctx: &Ctx<'_>,
    streamed: &mut Option<Arc<AtomicBool>>,
) -> Result<Fetched, Failure> {
    let deadline = super::parts::deadline_after(timeout);
    let policy = outgoing.policy;
    let fail = |error: Error, retryable: bool| Failure {
        error,
        retryable,
        headers: None,
        body: None,
    };
    let mut method = outgoing.method.clone();
    let mut url = outgoing.url.clone();
    let mut headers = headers;
    let mut payload = outgoing.payload;
    let mut hops = 0;
    let mut response = match answer {
        Some(Answer::Fail(fault)) => {
            return Err(fail(ctx.fault(fault), policy.retries_transport()));
        }
        Some(Answer::Response(status, headers, body)) => {
            let mut response = http::Response::new(body);
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            reqwest::Response::from(response)
        }
        None => loop {
            let mut request = reqwest::Request::new(method.clone(), url.clone());
            *request.headers_mut() = headers.clone();
            if let Some(AttemptBody { body, started }) = payload.map(Payload::attempt) {
                *request.body_mut() = Some(body);
                if started.is_some() {
                    *streamed = started;
                }
            }
            let response = match timeout_at(deadline, inner.http.execute(request)).await {
                Err(_elapsed) => return Err(fail(ctx.timeout(), policy.retries_transport())),
                Ok(Err(e)) => {
                    let retryable =
                        !(e.is_builder() || e.is_redirect()) && policy.retries_transport();
                    return Err(fail(ctx.transport(e), retryable));
                }
                Ok(Ok(response)) => response,
            };
            let status = response.status();
            let hop = match redirect::next_hop(status, response.headers(), &url, &method) {
                Ok(None) => break response,
                Ok(Some(hop)) => hop,
                Err(reason) => return Err(fail(ctx.redirect(status, reason), false)),
            };
            if hops == MAX_REDIRECTS {
                let reason = RedirectStop::TooMany { hops };
                return Err(fail(ctx.redirect(status, reason), false));
            }
            let keeps_body = hop.keeps_body && payload.is_some();
            if keeps_body && !payload.is_some_and(Payload::replayable) {
                // A body streamed from a file is never sent twice.
                let reason = RedirectStop::StreamedBody;
                return Err(fail(ctx.redirect(status, reason), false));
            }
            hops += 1;
            tracing::debug!(
                attempt = ctx.attempt,
                status = status.as_u16(),
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
        },
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
                    let retryable = is_idempotent(ctx.method) && policy.retries_transport();
                    return Err(fail(ctx.transport(e), retryable));
                }
                Err(BodyError::Timeout) => {
                    let retryable = is_idempotent(ctx.method) && policy.retries_transport();
                    return Err(fail(ctx.timeout(), retryable));
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

    // Read the body even when the attempt will be retried: it is small, it
    // keeps the connection reusable, and the last attempt's error needs it.
    let body = read_error_body(&mut response, deadline).await;
    let meta = ResponseMeta::new(status, headers);
    let api = status_error(ctx.method.clone(), ctx.template, &meta, &body);
    let retryable = policy.retries_answer(status, &meta.headers, &api);
    Err(Failure {
        error: api.into(),
        retryable,
        headers: Some(meta.headers),
        body: Some(body),
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
/// chunk is handed on without a copy. An announced length sizes the
/// buffer once; without one the chunks are kept as they came and joined
/// once at the end, so a body refused on the way never held more than the
/// limit (a growing buffer would hold up to twice as much while it moves).
async fn read_body(
    response: &mut reqwest::Response,
    deadline: Instant,
    limit: u64,
) -> Result<Bytes, BodyError> {
    let content_length = response.content_length();
    if content_length.is_some_and(|announced| announced > limit) {
        return Err(BodyError::TooLarge { content_length });
    }
    // With a length: one buffer of that size (the first chunk alone when
    // it is the whole body). Without: the chunks as they came.
    let mut first: Option<Bytes> = None;
    let mut sized: Option<BytesMut> = None;
    let mut chunks: Vec<Bytes> = Vec::new();
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
        match (content_length, &mut sized, first.take()) {
            (None, _, _) => chunks.push(chunk),
            (Some(_), Some(buffer), _) => buffer.extend_from_slice(&chunk),
            (Some(_), None, None) => first = Some(chunk),
            (Some(announced), None, Some(previous)) => {
                let mut buffer = BytesMut::with_capacity(announced.max(received) as usize);
                buffer.extend_from_slice(&previous);
                buffer.extend_from_slice(&chunk);
                sized = Some(buffer);
            }
        }
    }
    Ok(match (sized, first) {
        (Some(buffer), _) => buffer.freeze(),
        (None, Some(only)) => only,
        (None, None) if chunks.len() == 1 => chunks.pop().unwrap_or_default(),
        (None, None) => {
            let mut joined = BytesMut::with_capacity(received as usize);
            for chunk in &chunks {
                joined.extend_from_slice(chunk);
            }
            joined.freeze()
        }
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
