//! What generated code calls into: [`Request`], [`PathPart`], the output kinds
//! ([`Json`], [`List`], [`Bare`], [`NoContent`], [`Raw`]), multipart bodies
//! ([`Multipart`], [`FilePart`]) and the re-exported HTTP types.
//!
//! Generated methods only *describe* a request (`Request::new` with a method,
//! a path template and its parts); everything else — URL building, headers,
//! auth, retries, timeouts, tracing, error parsing — is the single
//! non-generic send path, so ~2,000 generated methods cost little to
//! compile. Only the final decode is generic over the output type.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
pub use reqwest::{Certificate, Method, StatusCode};

pub use self::multipart::{FilePart, Multipart};
pub use self::object::Object;
#[doc(hidden)]
pub use self::object::field;
#[doc(hidden)]
pub use self::object::{
    Entries, FieldReader, Fields, Key, Leaf, ObjectSlot, ObjectsSlot, OptionalField,
    OptionalStructField, OptionalStructsField, ReadError, ReadObject, Slot, StructField,
    StructsField, deserialize_object, serialize_fields, serialize_object,
};
pub(crate) use self::object::{object, open_enum};
pub use self::pages::{Items, List, Page, Pages};
pub use self::query::{AnyQuery, QueryOf, TypedQuery};
pub use self::raw::{BodyStream, RawResponse};
pub use self::result_info::ResultInfo;
// Only areas with a tagged union call it.
#[allow(unused_imports)]
pub(crate) use self::tagged::tagged;
#[doc(hidden)]
pub use self::tagged::{Replay, TagRead, read_tag, serialize_tagged};
pub use self::wire::Wire;

/// The keys a generated struct does not declare (its `extra` field).
pub type Extra = serde_json::Map<String, serde_json::Value>;
#[cfg(feature = "blocking")]
pub use crate::blocking::{BlockingItems, BlockingPages};
use crate::client::{Client, HeaderNames, is_secret_header};
use crate::error::{Error, Result};

mod decode;
#[cfg(feature = "testing")]
mod mock;
#[cfg(feature = "testing")]
pub(crate) use self::mock::Described;
mod multipart;
mod object;
mod pages;
mod path;
mod query;
mod raw;
mod redirect;
mod result_info;
mod send;
mod tagged;
mod wire;

/// A boxed, `Send`, `'static` future: what awaiting a [`Request`] runs.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// One piece of a request path, as written by the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPart<'a> {
    /// Literal text of the template, used as is (e.g. `"/accounts/"`).
    Lit(&'a str),
    /// A parameter: its name (for error messages) and its value, which is
    /// percent-encoded as exactly one path segment.
    Param(&'a str, &'a str),
}

/// A request being prepared; `.await` it to send it.
///
/// `K` is the output kind ([`Json`], [`List`], [`Bare`], [`NoContent`] or
/// [`Raw`]) and decides what awaiting yields; a [`List`] request can also
/// page through the whole list ([`Request::pages`]). `Q` is the endpoint's
/// query type, which [`Request::query`] takes; [`AnyQuery`] when the client
/// does not know the endpoint's query parameters. The request owns a clone of the [`Client`],
/// so the future is `Send + 'static` and can be spawned. Builder errors (a
/// body that fails to serialize, an invalid header, an empty path parameter)
/// are kept and returned when the request is awaited; nothing is sent then.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<K, Q = AnyQuery> {
    client: Client,
    parts: Parts,
    kind: PhantomData<fn() -> (K, Q)>,
}

/// The non-generic description of a request.
pub(crate) struct Parts {
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Body>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    /// The page cap of this request, for [`List`] outputs.
    pub(crate) max_pages: Option<u32>,
    /// The first builder error; reported when the request is awaited.
    pub(crate) error: Option<Error>,
}

impl Parts {
    fn new(method: Method, template: &'static str, parts: &[PathPart<'_>]) -> Parts {
        let (path, error) = match path::build(parts) {
            Ok(path) => (path, None),
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
            max_retries: None,
            max_pages: None,
            error,
        }
    }

    /// The same request with another query string, to send again (the next
    /// page). The builder error is not carried over: a request that has one
    /// is never sent.
    fn replay(&self, query: String) -> Parts {
        Parts {
            method: self.method.clone(),
            template: self.template,
            path: self.path.clone(),
            query,
            headers: self.headers.clone(),
            body: self.body.clone(),
            timeout: self.timeout,
            max_retries: self.max_retries,
            max_pages: self.max_pages,
            error: None,
        }
    }

    fn set_multipart(&mut self, form: Multipart) {
        match form.error() {
            None => self.body = Some(Body::Multipart(form)),
            Some(problem) => self.fail(Error::InvalidArgument(format!(
                "{} {}: {problem}",
                self.method, self.template
            ))),
        }
    }

    fn fail(&mut self, err: Error) {
        self.error.get_or_insert(err);
    }

    fn set_json_body(&mut self, json: serde_json::Result<Vec<u8>>) {
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

    fn set_body(&mut self, bytes: Bytes, content_type: &str) {
        match HeaderValue::from_str(content_type) {
            Ok(content_type) => self.body = Some(Body::Bytes(bytes, content_type)),
            Err(_) => self.fail(Error::InvalidArgument(format!(
                "{} {}: invalid content type {content_type:?}",
                self.method, self.template
            ))),
        }
    }

    fn push_query(&mut self, encoded: Result<String, String>) {
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

    fn push_header(&mut self, header: Option<(HeaderName, HeaderValue)>) {
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

impl<K: Output, Q> Request<K, Q> {
    /// Describes a request to `template`, whose path is `parts` joined (each
    /// [`PathPart::Param`] percent-encoded as one segment).
    ///
    /// An empty parameter value, or one that is `.` or `..`, makes the request
    /// fail with [`Error::InvalidArgument`] when awaited, without sending.
    pub fn new(
        client: &Client,
        method: Method,
        template: &'static str,
        parts: &[PathPart<'_>],
    ) -> Self {
        Request {
            client: client.clone(),
            parts: Parts::new(method, template, parts),
            kind: PhantomData,
        }
    }

    /// Sends `body` as JSON (`Content-Type: application/json`), with whole
    /// numbers written as integers ([`Wire`]).
    pub fn body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.parts.set_json_body(serde_json::to_vec(&Wire(body)));
        self
    }

    /// Sends `bytes` as the body with the given content type, for endpoints
    /// that take something other than JSON. An invalid content type fails the
    /// request when awaited.
    pub fn body_bytes(mut self, bytes: impl Into<Bytes>, content_type: &str) -> Self {
        self.parts.set_body(bytes.into(), content_type);
        self
    }

    /// Sends `form` as a `multipart/form-data` body. Endpoints whose overlay
    /// declares their parts take a typed body instead; this is for the
    /// others. A body with a file part read from a path
    /// ([`FilePart::path`]) is streamed and sent at most once: the request
    /// is retried only if it failed before the body started going out.
    pub fn multipart(mut self, form: Multipart) -> Self {
        self.parts.set_multipart(form);
        self
    }

    /// Appends query parameters. An endpoint whose parameters the client
    /// knows takes its own query type (`Q`); any other takes a struct, a
    /// map or a slice of `(key, value)` pairs. `None` values are left out,
    /// an array repeats its key (`name=a&name=b`). May be called more than
    /// once.
    ///
    /// ```no_run
    /// # async fn f(client: generated_client::Client) -> generated_client::Result<()> {
    /// use generated_client::zone::ZoneQuery;
    ///
    /// let query = ZoneQuery { per_page: Some(50), ..Default::default() };
    /// let zones = client.zone().list_zones().query(&query).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// A typed endpoint takes nothing else, so a misspelt parameter is a
    /// compile error rather than a filter the server silently ignores:
    ///
    /// ```compile_fail
    /// # async fn f(client: generated_client::Client) -> generated_client::Result<()> {
    /// let zones = client.zone().list_zones().query(&[("per_pgae", 50)]).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// A parameter newer than the query type goes in its `extra` map, or
    /// through [`Request::extra_query`].
    pub fn query<A: QueryOf<Q> + ?Sized>(mut self, query: &A) -> Self {
        self.parts.push_query(query.encode_query());
        self
    }

    /// Appends query parameters whatever the endpoint's query type: for a
    /// parameter the type does not declare yet. Encoded like
    /// [`Request::query`].
    pub fn extra_query<A: Serialize + ?Sized>(mut self, query: &A) -> Self {
        self.parts.push_query(query::encode(query));
        self
    }

    /// Sets a header on this request, replacing a client default of the same
    /// name. An invalid name or value fails the request when awaited.
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        HeaderName: TryFrom<N>,
        HeaderValue: TryFrom<V>,
    {
        let name = HeaderName::try_from(name).ok();
        let value = HeaderValue::try_from(value).ok();
        self.parts.push_header(name.zip(value));
        self
    }

    /// Timeout of each attempt of this request (overrides the client's).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.parts.timeout = Some(timeout);
        self
    }

    /// Retries allowed for this request (overrides the client's).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.parts.max_retries = Some(retries);
        self
    }

    /// Sends the request; same as `.await`.
    pub fn send(self) -> BoxFuture<Result<K::Output>> {
        let fetch = send::execute(self.client, self.parts, K::STREAMING);
        Box::pin(async move { K::finish(fetch.await?).map(|(output, _)| output) })
    }

    /// Sends the request and also returns the status and headers.
    pub fn send_with_meta(self) -> BoxFuture<Result<(K::Output, ResponseMeta)>> {
        let fetch = send::execute(self.client, self.parts, K::STREAMING);
        Box::pin(async move { K::finish(fetch.await?) })
    }
}

impl<K: Output, Q> IntoFuture for Request<K, Q> {
    type Output = Result<K::Output>;
    type IntoFuture = BoxFuture<Result<K::Output>>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

impl<K, Q> fmt::Debug for Request<K, Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.parts.method)
            .field("path", &self.parts.template)
            .field("headers", &HeaderNames(&self.parts.headers))
            .field("has_body", &self.parts.body.is_some())
            .field("timeout", &self.parts.timeout)
            .field("max_retries", &self.parts.max_retries)
            .field("max_pages", &self.parts.max_pages)
            .finish_non_exhaustive()
    }
}

/// A request body, as described; encoded when the request is sent.
#[derive(Clone)]
pub(crate) enum Body {
    /// Bytes with their content type (JSON, or given with `body_bytes`).
    Bytes(Bytes, HeaderValue),
    Multipart(Multipart),
}

/// Status and headers of a successful response, and its `result_info`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    result_info: Option<ResultInfo>,
}

impl ResponseMeta {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap) -> ResponseMeta {
        ResponseMeta {
            status,
            headers,
            result_info: None,
        }
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

mod sealed {
    pub trait Sealed {}
}

/// How a response body becomes the value a request yields. Implemented by
/// [`Json`], [`List`], [`Bare`], [`NoContent`] and [`Raw`] only.
pub trait Output: sealed::Sealed + 'static {
    /// What awaiting the request yields.
    type Output: Send + 'static;

    /// Whether the body is handed over unread ([`Raw`]) instead of buffered.
    #[doc(hidden)]
    const STREAMING: bool;

    /// Turns the fetched response into the output.
    #[doc(hidden)]
    fn finish(fetched: Fetched) -> Result<(Self::Output, ResponseMeta)>;
}

/// Output kind: the JSON value at `result` of the Cloudflare envelope,
/// decoded as `T`.
///
/// A `"success": false` envelope is an [`Error::Api`]. A body that is not an
/// envelope is decoded whole as `T`, and an empty body as `null`.
pub struct Json<T>(PhantomData<fn() -> T>);

/// Output kind: the whole body decoded as `T` (no envelope), except that an
/// object with `"success": false` and `errors` is an [`Error::Api`].
pub struct Bare<T>(PhantomData<fn() -> T>);

/// Output kind: no output; the body is read and ignored.
#[derive(Debug)]
pub struct NoContent(());

/// Output kind: the response itself, with its body unread, as a
/// [`RawResponse`] (for downloads and non-JSON bodies).
#[derive(Debug)]
pub struct Raw(());

impl<T> fmt::Debug for Json<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Json")
    }
}

impl<T> fmt::Debug for Bare<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bare")
    }
}

impl<T> sealed::Sealed for Json<T> {}
impl<T> sealed::Sealed for Bare<T> {}
impl sealed::Sealed for NoContent {}
impl sealed::Sealed for Raw {}

impl<T: DeserializeOwned + Send + 'static> Output for Json<T> {
    type Output = T;
    const STREAMING: bool = false;

    fn finish(fetched: Fetched) -> Result<(T, ResponseMeta)> {
        let (text, info) = fetched.json_text(decode::Shape::Envelope)?;
        let value = serde_json::from_str(text).map_err(|e| fetched.decode_error(e))?;
        Ok((value, fetched.into_meta_with(info)))
    }
}

impl<T: DeserializeOwned + Send + 'static> Output for Bare<T> {
    type Output = T;
    const STREAMING: bool = false;

    fn finish(fetched: Fetched) -> Result<(T, ResponseMeta)> {
        let (text, info) = fetched.json_text(decode::Shape::Bare)?;
        let value = serde_json::from_str(text).map_err(|e| fetched.decode_error(e))?;
        Ok((value, fetched.into_meta_with(info)))
    }
}

impl Output for NoContent {
    type Output = ();
    const STREAMING: bool = false;

    fn finish(fetched: Fetched) -> Result<((), ResponseMeta)> {
        Ok(((), fetched.into_meta()))
    }
}

impl Output for Raw {
    type Output = RawResponse;
    const STREAMING: bool = true;

    fn finish(fetched: Fetched) -> Result<(RawResponse, ResponseMeta)> {
        fetched.into_raw()
    }
}

/// A successful response as handed to [`Output::finish`]: buffered, or with
/// the body unread for [`Raw`]. Not constructible outside this crate.
#[doc(hidden)]
pub struct Fetched {
    meta: ResponseMeta,
    method: Method,
    template: &'static str,
    body: FetchedBody,
    /// For streamed bodies: the longest wait for the next chunk.
    idle_timeout: Duration,
}

enum FetchedBody {
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
    fn into_meta(self) -> ResponseMeta {
        self.meta
    }

    fn into_meta_with(mut self, result_info: Option<ResultInfo>) -> ResponseMeta {
        self.meta.result_info = result_info;
        self.meta
    }

    fn into_raw(self) -> Result<(RawResponse, ResponseMeta)> {
        match self.body {
            FetchedBody::Streaming(response) => {
                let raw = RawResponse::new(
                    self.meta.clone(),
                    response,
                    self.idle_timeout,
                    self.method,
                    self.template,
                );
                Ok((raw, self.meta))
            }
            // Unreachable in practice: `Raw::STREAMING` asks for a stream.
            FetchedBody::Buffered(_) => Err(Error::InvalidArgument(
                "raw output requested from a buffered response".to_owned(),
            )),
        }
    }
}
