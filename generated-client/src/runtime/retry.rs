//! The retry policy: which failed attempts are tried again, how many times,
//! and how long to wait before each.
//!
//! The defaults follow Cloudflare's official SDKs: up to 2 more attempts on
//! connection errors, timeouts, 408, 409, 429 and 5xx, or when the server
//! sends `x-should-retry: true` (`false` forbids it); and on Cloudflare's
//! throttling codes (`971`, `10429`) whatever the status. The wait is the
//! server's `retry-after-ms` / `Retry-After` when it is at most 60 s, else
//! an exponential backoff from 0.5 s, doubling, capped at 8 s, with up to a
//! quarter of jitter. Everything can be set per client
//! ([`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy)) and
//! per request ([`Request::retry_policy`](super::Request::retry_policy)).
//!
//! Whether an attempt *may* be retried at all is decided by the send path,
//! not the policy: an attempt that began streaming its body, or a write
//! whose answer had arrived, is never sent twice.

use std::ops::RangeInclusive;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::error::{ApiError, codes};

/// How failed attempts are retried. Build one from [`RetryPolicy::default`]
/// (the SDKs' policy) and change what you need:
///
/// ```
/// use std::time::Duration;
/// use generated_client::runtime::RetryPolicy;
///
/// // Terraform-scale jobs: more patience with throttling.
/// let patient = RetryPolicy::default()
///     .max_retries(8)
///     .backoff(Duration::from_secs(1), Duration::from_secs(60))
///     .retry_after_limit(Duration::from_secs(300));
/// let client = generated_client::Client::builder()
///     .api_token("…")
///     .retry_policy(patient)
///     .build()?;
/// # Ok::<(), generated_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    backoff_base: Duration,
    backoff_cap: Duration,
    retry_after_limit: Duration,
    statuses: Vec<RangeInclusive<u16>>,
    codes: Vec<i64>,
    connection_errors: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(8),
            retry_after_limit: Duration::from_secs(60),
            statuses: vec![408..=409, 429..=429, 500..=599],
            codes: codes::THROTTLING.to_vec(),
            connection_errors: true,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    /// Attempts after the first (2 by default).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff: `base` before the first retry, doubling, at most `cap`
    /// (0.5 s and 8 s by default). A cap below the base is the base.
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_cap = cap;
        self
    }

    /// The longest `Retry-After` honoured (60 s by default); a longer one,
    /// or a zero, falls back to the backoff. `Duration::ZERO` ignores the
    /// server's hint.
    pub fn retry_after_limit(mut self, limit: Duration) -> Self {
        self.retry_after_limit = limit;
        self
    }

    /// The statuses retried, instead of 408, 409, 429 and 5xx.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.statuses = statuses
            .into_iter()
            .map(|status| status.as_u16()..=status.as_u16())
            .collect();
        self
    }

    /// One more status retried.
    pub fn retry_status(mut self, status: StatusCode) -> Self {
        self.statuses.push(status.as_u16()..=status.as_u16());
        self
    }

    /// The Cloudflare error codes retried whatever the status, instead of
    /// the throttling codes ([`codes::THROTTLING`]).
    pub fn codes(mut self, codes: impl IntoIterator<Item = i64>) -> Self {
        self.codes = codes.into_iter().collect();
        self
    }

    /// One more Cloudflare error code retried.
    pub fn retry_code(mut self, code: i64) -> Self {
        self.codes.push(code);
        self
    }

    /// Whether connection errors and timeouts are retried (they are by
    /// default).
    pub fn connection_errors(mut self, retry: bool) -> Self {
        self.connection_errors = retry;
        self
    }

    /// Attempts after the first.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// Whether an answer with this status, headers and error is retried.
    pub(crate) fn retries_answer(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        error: &ApiError,
    ) -> bool {
        match headers.get("x-should-retry").map(|v| v.as_bytes()) {
            Some(b"true") => return true,
            Some(b"false") => return false,
            _ => {}
        }
        let code = status.as_u16();
        self.statuses.iter().any(|range| range.contains(&code))
            || self.codes.iter().any(|&code| error.has_code(code))
    }

    /// Whether a connection error or a timeout is retried.
    pub(crate) fn retries_transport(&self) -> bool {
        self.connection_errors
    }

    /// The wait before the next attempt: the server's hint when it is
    /// sensible, else `base * 2^retries_done` (capped) minus up to 25 %
    /// jitter.
    pub(crate) fn delay(
        &self,
        headers: Option<&HeaderMap>,
        retries_done: u32,
        now: SystemTime,
    ) -> Duration {
        if let Some(hint) = headers.and_then(|h| retry_after(h, now)) {
            if !hint.is_zero() && hint <= self.retry_after_limit {
                return hint;
            }
        }
        let backoff = self
            .backoff_base
            .saturating_mul(1 << retries_done.min(16))
            .min(self.backoff_cap.max(self.backoff_base));
        backoff.mul_f64(1.0 - fastrand::f64() * 0.25)
    }
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
    use reqwest::Method;
    use reqwest::header::{self, HeaderValue};

    use super::*;
    use crate::error::ApiMessage;

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

    fn api(status: StatusCode, codes: &[i64]) -> ApiError {
        let errors = codes
            .iter()
            .map(|&code| ApiMessage {
                code: Some(code),
                ..ApiMessage::default()
            })
            .collect();
        ApiError {
            status,
            errors,
            messages: Vec::new(),
            body_snippet: None,
            method: Method::GET,
            path: "/",
            cf_ray: None,
            headers: HeaderMap::new(),
        }
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
        let policy = RetryPolicy::default();
        let hint = headers(&[("retry-after", "2")]);
        assert_eq!(policy.delay(Some(&hint), 0, now), Duration::from_secs(2));
        for too_long in ["61", "0"] {
            let h = headers(&[("retry-after", too_long)]);
            assert!(policy.delay(Some(&h), 0, now) <= Duration::from_millis(500));
        }
        // A longer limit honours a longer hint; none ignores every hint.
        let patient = policy.clone().retry_after_limit(Duration::from_secs(300));
        let long = headers(&[("retry-after", "120")]);
        assert_eq!(patient.delay(Some(&long), 0, now), Duration::from_secs(120));
        let deaf = policy.retry_after_limit(Duration::ZERO);
        assert!(deaf.delay(Some(&hint), 0, now) <= Duration::from_millis(500));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_cap() {
        let policy = RetryPolicy::default();
        for (retries, full) in [
            (0, 500),
            (1, 1000),
            (2, 2000),
            (3, 4000),
            (4, 8000),
            (10, 8000),
        ] {
            let full = Duration::from_millis(full);
            let d = policy.delay(None, retries, SystemTime::now());
            assert!(d <= full && d >= full.mul_f64(0.75), "{retries}: {d:?}");
        }
        let slow = policy.backoff(Duration::from_secs(1), Duration::from_secs(60));
        let d = slow.delay(None, 5, SystemTime::now());
        assert!(d <= Duration::from_secs(32) && d >= Duration::from_secs(24));
    }

    #[test]
    fn retryable_statuses_and_codes() {
        let policy = RetryPolicy::default();
        let none = HeaderMap::new();
        let retries = |code: u16, codes: &[i64]| {
            let status = StatusCode::from_u16(code).unwrap();
            policy.retries_answer(status, &none, &api(status, codes))
        };
        for code in [408, 409, 429, 500, 502, 503, 504] {
            assert!(retries(code, &[]), "{code}");
        }
        for code in [400, 401, 403, 404, 422] {
            assert!(!retries(code, &[]), "{code}");
        }
        // Throttling codes, whatever the status.
        assert!(retries(400, &[codes::THROTTLED]));
        assert!(retries(403, &[codes::RATE_LIMITED]));
        assert!(!retries(403, &[codes::AUTHENTICATION_ERROR]));

        let no = headers(&[("x-should-retry", "false")]);
        let unavailable = api(StatusCode::SERVICE_UNAVAILABLE, &[]);
        assert!(!policy.retries_answer(StatusCode::SERVICE_UNAVAILABLE, &no, &unavailable));
        let yes = headers(&[("x-should-retry", "true")]);
        let bad = api(StatusCode::BAD_REQUEST, &[]);
        assert!(policy.retries_answer(StatusCode::BAD_REQUEST, &yes, &bad));

        // Set by the caller.
        let custom = RetryPolicy::default()
            .statuses([StatusCode::SERVICE_UNAVAILABLE])
            .codes([1234]);
        let status = StatusCode::BAD_GATEWAY;
        assert!(!custom.retries_answer(status, &none, &api(status, &[])));
        let status = StatusCode::BAD_REQUEST;
        assert!(custom.retries_answer(status, &none, &api(status, &[1234])));
        assert!(!custom.retries_answer(status, &none, &api(status, &[codes::THROTTLED])));
    }
}
