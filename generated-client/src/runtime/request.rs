//! [`Request`]: what every generated method returns, to adjust and then
//! await. It only describes the request ([`Parts`]); `send` does the rest.

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;

use super::model::{AnyQuery, QueryOf, Wire, query};
use super::multipart::Multipart;
use super::output::{Output, Raw};
use super::parts::{BoxFuture, Parts, ResponseMeta};
use super::path::PathPart;
use super::raw::RawResponse;
use super::send;
use crate::client::{Client, HeaderNames};
use crate::error::Result;

/// A request being prepared; `.await` it to send it.
///
/// `K` is the output kind ([`Json`](crate::runtime::Json), [`List`](crate::runtime::List),
/// [`Bare`](crate::runtime::Bare), [`NoContent`](crate::runtime::NoContent) or
/// [`Raw`](crate::runtime::Raw)) and decides what awaiting yields; a
/// [`List`](crate::runtime::List) request can also
/// page through the whole list ([`Request::pages`]). `Q` is the endpoint's
/// query type, which [`Request::query`] takes; [`AnyQuery`] when the client
/// does not know the endpoint's query parameters. The request owns a clone of the [`Client`],
/// so the future is `Send + 'static` and can be spawned. Builder errors (a
/// body that fails to serialize, an invalid header, an empty path parameter)
/// are kept and returned when the request is awaited; nothing is sent then.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<K, Q = AnyQuery> {
    pub(crate) client: Client,
    pub(crate) parts: Parts,
    pub(crate) kind: PhantomData<fn() -> (K, Q)>,
}

impl<K: Output, Q> Request<K, Q> {
    /// Describes a request to `template`, whose path is `parts` joined (each
    /// [`PathPart::Param`] percent-encoded as one segment).
    ///
    /// An empty parameter value, or one that is `.` or `..`, makes the request
    /// fail with [`Error::InvalidArgument`](crate::Error::InvalidArgument) when awaited, without sending.
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
    /// ([`FilePart::path`](crate::runtime::FilePart::path)) is streamed and sent at most once: the request
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

    /// Retries allowed for this request (overrides the client's, and this
    /// request's [`retry_policy`](Self::retry_policy)).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.parts.max_retries = Some(retries);
        self
    }

    /// Adds a [`Hook`](super::Hook) for this request's attempts, after the
    /// client's.
    pub fn hook(mut self, hook: impl super::Hook) -> Self {
        self.parts.hooks.push(std::sync::Arc::new(hook));
        self
    }

    /// How this request's failed attempts are retried, instead of the
    /// client's policy (see [`RetryPolicy`](super::RetryPolicy)).
    pub fn retry_policy(mut self, policy: super::RetryPolicy) -> Self {
        self.parts.retry = Some(std::sync::Arc::new(policy));
        self
    }

    /// Sends the request; same as `.await`.
    pub fn send(self) -> BoxFuture<Result<K::Output>> {
        let fetch = send::execute(self.client, self.parts, K::STREAMING);
        Box::pin(async move { K::finish(fetch.await?).map(|(output, _)| output) })
    }

    /// Sends the request and hands back the answer as it came, whatever
    /// the endpoint's result type: status, headers, and the body unread, to
    /// read as bytes or a stream ([`RawResponse`]). The same credentials,
    /// retries, redirects and size limit as [`send`](Self::send) (the limit
    /// applies to [`RawResponse::bytes`]); a non-success status is still an
    /// [`Error::Api`](crate::Error::Api).
    ///
    /// ```no_run
    /// # async fn f(client: generated_client::Client) -> generated_client::Result<()> {
    /// let raw = client.zone().zone_details("023e105f4ecef8ad9ca31a8372d0c353").send_raw().await?;
    /// println!("{} {:?}", raw.status(), raw.headers().get("content-type"));
    /// let body = raw.bytes().await?;
    /// # let _ = body; Ok(()) }
    /// ```
    pub fn send_raw(self) -> BoxFuture<Result<RawResponse>> {
        let fetch = send::execute(self.client, self.parts, Raw::STREAMING);
        Box::pin(async move { Raw::finish(fetch.await?).map(|(raw, _)| raw) })
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
