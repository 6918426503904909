//! The plain types every part of the send path shares: the description of
//! a request ([`Parts`], its [`Body`]), a fetched response ([`Fetched`]) and
//! what a caller learns of it ([`ResponseMeta`]).
//!
//! Nothing here sends, decodes or knows an output kind; `send`, `decode`,
//! the output kinds and `Request` build on it, never the other way round.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};

use super::hooks::Hook;
use super::model::{Mismatch, ResultInfo};
use super::multipart::Multipart;
use super::path::{self, PathPart};
use super::retry::RetryPolicy;
use crate::client::is_secret_header;
use crate::error::{Error, Result};

/// A boxed, `Send`, `'static` future: what awaiting a [`Request`](super::Request) runs.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The non-generic description of a request.
pub(crate) struct Parts {
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Body>,
    pub(crate) timeout: Option<Duration>,
    /// This request's own retry policy, instead of the client's.
    pub(crate) retry: Option<Arc<RetryPolicy>>,
    pub(crate) max_retries: Option<u32>,
    /// The page cap of this request, for [`List`](super::List) outputs.
    pub(crate) max_pages: Option<u32>,
    /// This request's own hooks, after the client's.
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    /// The first builder error; reported when the request is awaited.
    pub(crate) error: Option<Error>,
}

impl Parts {
    pub(crate) fn new(method: Method, template: &'static str, parts: &[PathPart<'_>]) -> Parts {
        let (path, error) = match path::build(parts) {
            Ok(path) => (path, None),
            // Named with the call, as every builder error is.
            Err(Error::InvalidArgument(problem)) => (
                String::new(),
                Some(Error::InvalidArgument(format!(
                    "{method} {template}: {problem}"
                ))),
            ),
            Err(err) => (String::new(), Some(err)),
        };
        Parts {
            method,
            template,
            path,
            query: String::new(),
            headers: HeaderMap::new(),
            body: None,
            timeout: None,
            retry: None,
            max_retries: None,
            max_pages: None,
            hooks: Vec::new(),
            error,
        }
    }

    /// The same request with another query string, to send again (the next
    /// page). The builder error is not carried over: a request that has one
    /// is never sent.
    pub(crate) fn replay(&self, query: String) -> Parts {
        Parts {
            method: self.method.clone(),
            template: self.template,
            path: self.path.clone(),
            query,
            headers: self.headers.clone(),
            body: self.body.clone(),
            timeout: self.timeout,
            retry: self.retry.clone(),
            max_retries: self.max_retries,
            max_pages: self.max_pages,
            hooks: self.hooks.clone(),
            error: None,
        }
    }

    pub(crate) fn set_multipart(&mut self, form: Multipart) {
        match form.error() {
            None => self.body = Some(Body::Multipart(form)),
            Some(problem) => self.fail(Error::InvalidArgument(format!(
                "{} {}: {problem}",
                self.method, self.template
            ))),
        }
    }

    pub(crate) fn fail(&mut self, err: Error) {
        self.error.get_or_insert(err);
    }

    pub(crate) fn set_json_body(&mut self, json: serde_json::Result<Vec<u8>>) {
        match json {
            Ok(bytes) => {
                let content_type = HeaderValue::from_static("application/json");
                self.body = Some(Body::Bytes(Bytes::from(bytes), content_type));
            }
            Err(e) => self.fail(Error::InvalidArgument(format!(
                "{} {}: request body does not serialize to JSON: {e}",
                self.method, self.template
            ))),
        }
    }

    pub(crate) fn set_body(&mut self, bytes: Bytes, content_type: &str) {
        match HeaderValue::from_str(content_type) {
            Ok(content_type) => self.body = Some(Body::Bytes(bytes, content_type)),
            Err(_) => self.fail(Error::InvalidArgument(format!(
                "{} {}: invalid content type {content_type:?}",
                self.method, self.template
            ))),
        }
    }

    /// Sets `key` to `true` in the JSON object body (`{"key": true}` when
    /// there is no body yet), keeping the rest of it.
    pub(crate) fn set_json_flag(&mut self, key: &str) {
        let mut object = match &self.body {
            None => serde_json::Map::new(),
            Some(Body::Bytes(bytes, content_type)) if content_type == "application/json" => {
                match serde_json::from_slice(bytes) {
                    Ok(serde_json::Value::Object(object)) => object,
                    _ => {
                        return self.fail(Error::InvalidArgument(format!(
                            "{} {}: `{key}` needs a JSON object body",
                            self.method, self.template
                        )));
                    }
                }
            }
            Some(_) => {
                return self.fail(Error::InvalidArgument(format!(
                    "{} {}: `{key}` needs a JSON body",
                    self.method, self.template
                )));
            }
        };
        object.insert(key.to_owned(), serde_json::Value::Bool(true));
        self.set_json_body(serde_json::to_vec(&object));
    }

    pub(crate) fn push_query(&mut self, encoded: Result<String, String>) {
        match encoded {
            Ok(pairs) if pairs.is_empty() => {}
            Ok(pairs) => {
                if !self.query.is_empty() {
                    self.query.push('&');
                }
                self.query.push_str(&pairs);
            }
            Err(e) => self.fail(Error::InvalidArgument(format!(
                "{} {}: query does not serialize: {e}",
                self.method, self.template
            ))),
        }
    }

    pub(crate) fn push_header(&mut self, header: Option<(HeaderName, HeaderValue)>) {
        match header {
            Some((name, mut value)) => {
                if is_secret_header(&name) {
                    value.set_sensitive(true);
                }
                self.headers.insert(name, value);
            }
            None => self.fail(Error::InvalidArgument(format!(
                "{} {}: invalid header name or value",
                self.method, self.template
            ))),
        }
    }
}

/// A request body, as described; encoded when the request is sent.
#[derive(Clone)]
pub(crate) enum Body {
    /// Bytes with their content type (JSON, or given with `body_bytes`).
    Bytes(Bytes, HeaderValue),
    Multipart(Multipart),
    /// A file's content, read as it is sent ([`Binary::file`](super::Binary::file)).
    File(std::path::PathBuf, HeaderValue),
    /// A stream sent once, with its length when known (NDJSON lines,
    /// [`Binary::stream`](super::Binary::stream)).
    Once(super::binary::OnceBody, HeaderValue, Option<u64>),
}

/// Status and headers of a successful response, and its `result_info`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    pub(crate) result_info: Option<ResultInfo>,
    unfit: Unfit,
}

/// What of a result did not fit its type.
#[derive(Debug, Clone, Default)]
pub(crate) struct Unfit {
    pub(crate) mismatches: Vec<Mismatch>,
    /// The result as sent, when the type could not hold it at all.
    pub(crate) as_sent: Option<serde_json::Value>,
}

impl ResponseMeta {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap) -> ResponseMeta {
        ResponseMeta {
            status,
            headers,
            result_info: None,
            unfit: Unfit::default(),
        }
    }

    pub(crate) fn with_unfit(mut self, unfit: Unfit) -> ResponseMeta {
        self.unfit = unfit;
        self
    }

    /// Every place where the result did not fit its type, with its path
    /// from the result (`.[3].meta.source`); empty when everything fit.
    /// What did not fit is kept as sent: in the `extra` of the struct that
    /// holds it (see [`Object`](super::Object)), or, when the type could
    /// not hold the result at all, in [`as_sent`](Self::as_sent).
    pub fn mismatches(&self) -> &[Mismatch] {
        &self.unfit.mismatches
    }

    /// The result as sent, when its type could not hold it at all (an
    /// object where a text was expected): the typed result is then `None`,
    /// or a list without the items that did not fit.
    pub fn as_sent(&self) -> Option<&serde_json::Value> {
        self.unfit.as_sent.as_ref()
    }

    /// The `cf-ray` header: the id Cloudflare support asks for.
    pub fn cf_ray(&self) -> Option<&str> {
        cf_ray(&self.headers)
    }

    /// The envelope's `result_info` (page numbers, counts, cursor), when the
    /// body is a JSON object that has one.
    pub fn result_info(&self) -> Option<&ResultInfo> {
        self.result_info.as_ref()
    }
}

/// `now + timeout`, saturating to a far-away instant for huge timeouts.
pub(crate) fn deadline_after(timeout: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

pub(crate) fn cf_ray(headers: &HeaderMap) -> Option<&str> {
    headers.get("cf-ray").and_then(|v| v.to_str().ok())
}

/// A successful response as handed to [`Output::finish`]: buffered, or with
/// the body unread for [`Raw`]. Not constructible outside this crate.
#[doc(hidden)]
pub struct Fetched {
    pub(crate) meta: ResponseMeta,
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) body: FetchedBody,
    /// For streamed bodies: the longest wait for the next chunk.
    pub(crate) idle_timeout: Duration,
    /// The most of a body read into memory (the client's
    /// `max_response_size`), for a streamed body read whole later.
    pub(crate) max_size: u64,
}

pub(crate) enum FetchedBody {
    Buffered(Bytes),
    Streaming(reqwest::Response),
}

impl fmt::Debug for Fetched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetched")
            .field("method", &self.method)
            .field("path", &self.template)
            .field("status", &self.meta.status)
            .finish_non_exhaustive()
    }
}

impl Fetched {
    /// Says, once per answer, that its result did not fit its type.
    pub(crate) fn warn_unfit(&self, unfit: &Unfit) {
        if let Some(first) = unfit.mismatches.first() {
            tracing::warn!(
                method = %self.method,
                path = self.template,
                mismatches = unfit.mismatches.len(),
                first = %first,
                "the answer did not fit its type; what did not fit is kept as sent"
            );
        }
    }

    pub(crate) fn into_meta(self) -> ResponseMeta {
        self.meta
    }

    pub(crate) fn into_meta_with(mut self, result_info: Option<ResultInfo>) -> ResponseMeta {
        self.meta.result_info = result_info;
        self.meta
    }
}
