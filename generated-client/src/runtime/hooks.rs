//! Hooks: code of yours that sees, and may change, every attempt of every
//! request a client sends — metrics, logging, signing, fault injection in
//! tests — and [`TraceLog`], a ready one that logs each attempt with
//! `tracing`.
//!
//! A small trait of our own rather than tower layers: the send path is
//! ours (it follows redirects itself, so that credentials stay at home,
//! and retries with its own policy), so a layer around reqwest would see
//! neither the attempts nor the hops as they are; and a tower stack's
//! boxed futures and `poll_ready` would cost every request, where two
//! plain calls per attempt cost nothing measurable (see the client bench).
//! A hook is called in the attempt's task, synchronously: keep it quick,
//! and hand slow work (an HTTP call to a metrics service) to a task of
//! your own.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use crate::client::is_secret_header;
use crate::error::Error;

/// Sees, and may change, each attempt of every request (see the module
/// docs). Both methods do nothing by default.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use generated_client::runtime::{AttemptOutcome, AttemptRequest, Hook};
///
/// /// Counts the answers by status class, and tags every request.
/// #[derive(Default)]
/// struct Metrics {
///     failures: AtomicU64,
/// }
///
/// impl Hook for Metrics {
///     fn before(&self, attempt: &mut AttemptRequest<'_>) {
///         attempt.set_header("x-request-source", "billing-sync");
///     }
///     fn after(&self, attempt: &AttemptOutcome<'_>) {
///         if attempt.status().is_none_or(|s| !s.is_success()) {
///             self.failures.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
///
/// let client = generated_client::Client::builder()
///     .api_token("…")
///     .hook(Metrics::default())
///     .build()?;
/// # Ok::<(), generated_client::Error>(())
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Before an attempt is sent (once per attempt; the redirects within an
    /// attempt are not attempts). It may change the headers (sign the
    /// request), or answer the attempt itself with
    /// [`AttemptRequest::respond`] or [`AttemptRequest::fail`]: then nothing
    /// is sent, and the answer is handled like a real one (retried,
    /// decoded, reported).
    fn before(&self, attempt: &mut AttemptRequest<'_>) {
        let _ = attempt;
    }

    /// After an attempt: its answer (status, headers, and the body when it
    /// was read into memory) or its error, and how long it took.
    fn after(&self, attempt: &AttemptOutcome<'_>) {
        let _ = attempt;
    }
}

impl fmt::Debug for dyn Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hook")
    }
}

/// An attempt about to be sent, as a [`Hook`] sees it.
pub struct AttemptRequest<'a> {
    pub(crate) method: &'a Method,
    pub(crate) template: &'static str,
    pub(crate) url: &'a Url,
    pub(crate) attempt: u32,
    pub(crate) headers: &'a mut HeaderMap,
    pub(crate) body: Option<&'a Bytes>,
    pub(crate) answer: Option<Answer>,
}

/// What a hook answered an attempt with, instead of sending it.
pub(crate) enum Answer {
    Response(StatusCode, HeaderMap, Bytes),
    Fail(Fault),
}

/// A failure a hook makes an attempt end with ([`AttemptRequest::fail`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The attempt timed out ([`Error::Timeout`] once no retry is left).
    Timeout,
    /// The connection could not be made ([`Error::Connection`]).
    Connection,
}

impl fmt::Debug for AttemptRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptRequest")
            .field("method", self.method)
            .field("path", &self.template)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl AttemptRequest<'_> {
    /// The method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The endpoint's path template (`/zones/{zone_id}`): no parameter
    /// values, safe to log.
    pub fn path_template(&self) -> &'static str {
        self.template
    }

    /// The full URL, parameters and query included: for signing, not for
    /// logs.
    pub fn url(&self) -> &Url {
        self.url
    }

    /// Which attempt this is: 1, then 2 for the first retry…
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The headers to be sent, credentials included (marked sensitive).
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The same, to change.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }

    /// Sets a header; an invalid name or value is ignored.
    pub fn set_header(&mut self, name: &str, value: &str) {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            self.headers.insert(name, value);
        }
    }

    /// The body, when it is held in memory (JSON, bytes, a multipart body
    /// without files); `None` for none, and for one streamed as it is sent.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.map(|body| &body[..])
    }

    /// Answers the attempt without sending it: the answer goes through the
    /// same checks, retries and decoding as the server's would.
    pub fn respond(&mut self, status: StatusCode, headers: HeaderMap, body: impl Into<Bytes>) {
        self.answer = Some(Answer::Response(status, headers, body.into()));
    }

    /// Ends the attempt with a failure, without sending it (retried like a
    /// real one).
    pub fn fail(&mut self, fault: Fault) {
        self.answer = Some(Answer::Fail(fault));
    }
}

/// An attempt that has ended, as a [`Hook`] sees it.
pub struct AttemptOutcome<'a> {
    pub(crate) method: &'a Method,
    pub(crate) template: &'static str,
    pub(crate) attempt: u32,
    pub(crate) elapsed: Duration,
    pub(crate) request_body: Option<&'a Bytes>,
    pub(crate) result: Result<Answered<'a>, &'a Error>,
}

/// An answer an attempt got.
pub(crate) struct Answered<'a> {
    pub(crate) status: StatusCode,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: Option<&'a [u8]>,
}

impl fmt::Debug for AttemptOutcome<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttemptOutcome")
            .field("method", self.method)
            .field("path", &self.template)
            .field("attempt", &self.attempt)
            .field("status", &self.status())
            .field("elapsed", &self.elapsed)
            .finish_non_exhaustive()
    }
}

impl AttemptOutcome<'_> {
    /// The method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The endpoint's path template: no parameter values, safe to log.
    pub fn path_template(&self) -> &'static str {
        self.template
    }

    /// Which attempt this was.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// How long the attempt took, redirects included.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The status of the answer; `None` when the attempt got none.
    pub fn status(&self) -> Option<StatusCode> {
        self.result.as_ref().ok().map(|answer| answer.status)
    }

    /// The headers of the answer.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.result.as_ref().ok().map(|answer| answer.headers)
    }

    /// The body of the answer, when it was read into memory (not for a
    /// download or a stream, which you read yourself).
    pub fn body(&self) -> Option<&[u8]> {
        self.result.as_ref().ok().and_then(|answer| answer.body)
    }

    /// The body that was sent, when it was held in memory.
    pub fn request_body(&self) -> Option<&[u8]> {
        self.request_body.map(|body| &body[..])
    }

    /// Why the attempt got no answer (a timeout, a connection error…).
    pub fn error(&self) -> Option<&Error> {
        self.result.as_ref().err().copied()
    }
}

/// A ready [`Hook`] that logs each attempt with `tracing`, under the target
/// `generated_client::attempts`: method, path template, attempt, status and
/// time at `DEBUG`; the request's and the answer's headers and bodies too
/// at `TRACE`. Secrets are redacted: credential headers and any header
/// marked sensitive, and in JSON bodies the values of keys that name a
/// secret (`token`, `secret`, `password`, `key`, `authorization`,
/// `credential`, `signature`; and `value` on token endpoints, where it is
/// the token). Path parameters and query values never appear (the path is
/// the template); a body is cut after 16 KiB.
///
/// ```
/// let client = generated_client::Client::builder()
///     .api_token("…")
///     .hook(generated_client::runtime::TraceLog::new())
///     .build()?;
/// # Ok::<(), generated_client::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct TraceLog(());

impl TraceLog {
    /// The logger.
    pub fn new() -> TraceLog {
        TraceLog(())
    }
}

/// Most of a body a [`TraceLog`] writes.
const LOGGED_BODY: usize = 16 << 10;

impl Hook for TraceLog {
    fn after(&self, attempt: &AttemptOutcome<'_>) {
        let elapsed_ms = attempt.elapsed.as_millis() as u64;
        match &attempt.result {
            Ok(answer) => tracing::debug!(
                target: "generated_client::attempts",
                method = %attempt.method,
                path = attempt.template,
                attempt = attempt.attempt,
                status = answer.status.as_u16(),
                elapsed_ms,
                "attempt answered"
            ),
            Err(error) => tracing::debug!(
                target: "generated_client::attempts",
                method = %attempt.method,
                path = attempt.template,
                attempt = attempt.attempt,
                elapsed_ms,
                %error,
                "attempt failed"
            ),
        }
        if tracing::enabled!(target: "generated_client::attempts", tracing::Level::TRACE) {
            let secret_value = attempt.template.contains("token");
            let sent = attempt
                .request_body
                .map(|body| redacted_body(body, secret_value));
            let (headers, body) = match &attempt.result {
                Ok(answer) => (
                    Some(redacted_headers(answer.headers)),
                    answer.body.map(|body| redacted_body(body, secret_value)),
                ),
                Err(_) => (None, None),
            };
            tracing::trace!(
                target: "generated_client::attempts",
                method = %attempt.method,
                path = attempt.template,
                attempt = attempt.attempt,
                request_body = sent.as_deref().unwrap_or(""),
                response_headers = headers.as_deref().unwrap_or(""),
                response_body = body.as_deref().unwrap_or(""),
                "attempt bodies"
            );
        }
    }

    fn before(&self, attempt: &mut AttemptRequest<'_>) {
        if tracing::enabled!(target: "generated_client::attempts", tracing::Level::TRACE) {
            tracing::trace!(
                target: "generated_client::attempts",
                method = %attempt.method,
                path = attempt.template,
                attempt = attempt.attempt,
                request_headers = %redacted_headers(attempt.headers),
                "attempt sent"
            );
        }
    }
}

/// Headers as `name: value` lines, secrets replaced.
pub(crate) fn redacted_headers(headers: &HeaderMap) -> String {
    let mut out = String::new();
    for (name, value) in headers {
        let shown = if value.is_sensitive() || is_secret_header(name) {
            "[redacted]"
        } else {
            value.to_str().unwrap_or("[not text]")
        };
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(name.as_str());
        out.push_str(": ");
        out.push_str(shown);
    }
    out
}

/// A body for a log: JSON with secret values replaced, other text as it
/// is, anything else by its length; cut after [`LOGGED_BODY`] bytes.
pub(crate) fn redacted_body(body: &[u8], secret_value: bool) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact(&mut value, secret_value);
            value.to_string()
        }
        Err(_) => match std::str::from_utf8(body) {
            Ok(text) => text.to_owned(),
            Err(_) => return format!("[{} bytes]", body.len()),
        },
    };
    if text.len() <= LOGGED_BODY {
        return text;
    }
    let mut cut = LOGGED_BODY;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes)", &text[..cut], text.len())
}

/// Replaces the values of keys that name a secret, at any depth.
fn redact(value: &mut serde_json::Value, secret_value: bool) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_secret_key(key) || (secret_value && key == "value") {
                    *value = serde_json::Value::String("[redacted]".to_owned());
                } else {
                    redact(value, secret_value);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                redact(item, secret_value);
            }
        }
        _ => {}
    }
}

fn is_secret_key(key: &str) -> bool {
    const WORDS: [&str; 8] = [
        "token",
        "secret",
        "password",
        "passphrase",
        "authorization",
        "credential",
        "signature",
        "private",
    ];
    let key = key.to_ascii_lowercase();
    WORDS.iter().any(|word| key.contains(word))
        || key == "key"
        || key.ends_with("_key")
        || key.ends_with("apikey")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_lose_their_secrets() {
        let body = br#"{"id":"t1","name":"ci","value":"s3cr3t","policies":[{"effect":"allow"}],
            "api_key":"k","client_secret":"c","nested":{"password":"p","ok":1},"token":"x"}"#;
        let shown = redacted_body(body, false);
        for secret in ["\"k\"", "\"c\"", "\"p\"", "\"x\""] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("\"value\":\"s3cr3t\""), "{shown}");
        assert!(
            shown.contains("\"ok\":1") && shown.contains("allow"),
            "{shown}"
        );
        // On a token endpoint, `value` is the token.
        assert!(!redacted_body(body, true).contains("s3cr3t"));
        assert_eq!(redacted_body(b"\xff\x00", false), "[2 bytes]");
        let long = "a".repeat(LOGGED_BODY + 10);
        assert!(
            redacted_body(long.as_bytes(), false).ends_with(&format!("({} bytes)", long.len()))
        );
    }

    #[test]
    fn headers_lose_their_secrets() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer t"));
        headers.insert("x-auth-key", HeaderValue::from_static("k"));
        let mut marked = HeaderValue::from_static("s");
        marked.set_sensitive(true);
        headers.insert("x-custom", marked);
        headers.insert("cf-ray", HeaderValue::from_static("8a1b"));
        let shown = redacted_headers(&headers);
        assert_eq!(
            shown,
            "authorization: [redacted], x-auth-key: [redacted], x-custom: [redacted], cf-ray: 8a1b"
        );
    }
}
