//! [`Client`] and its builder: base URL, credentials, TLS, timeouts, limits
//! and retry policy.
//!
//! The client is only configuration plus a connection pool; sending lives in
//! [`crate::runtime`]. Credentials are kept as sensitive [`HeaderValue`]s and
//! never reach a `Debug` or `Display` output. The reqwest client inside never
//! follows a redirect itself: the send path does (`runtime/redirect.rs`), so
//! that no credential reaches another origin; whatever a caller configures
//! with [`ClientBuilder::configure_http`], that stays so.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::error::{Error, Result};
use crate::runtime::{Hook, RetryPolicy};

/// Default base URL of the Cloudflare v4 API.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Large enough for any JSON answer the API gives (a list page is a few
/// MiB at most), small enough that a runaway body cannot exhaust memory.
const DEFAULT_MAX_RESPONSE_SIZE: u64 = 64 << 20;
/// Large enough for any real list (10,000 pages of 100 items is a million
/// DNS records), small enough that a server that never ends is noticed.
const DEFAULT_MAX_PAGES: u32 = 10_000;

/// A Cloudflare API client.
///
/// Cheap to clone (an [`Arc`] inside) and `Send + Sync`: share one client
/// across tasks so they share its connection pool. Each API area is reached
/// through a method named after it, e.g. `client.zone()` (the `zone` area)
/// or `client.dns_records_for_a_zone()`.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// Base URL without a trailing slash.
    pub(crate) base_url: String,
    /// Credentials and user default headers, applied to every request.
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) retry: Arc<RetryPolicy>,
    /// Called around every attempt, in order.
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    pub(crate) max_pages: u32,
    /// Largest buffered (non-streamed) success body, in bytes.
    pub(crate) max_response_size: u64,
    credentials: Option<Credentials>,
}

impl Client {
    /// A builder with the defaults: the public API, no credentials, 60 s per
    /// attempt, 10 s to connect, 2 retries, at most 10,000 pages per list.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment; see [`ClientBuilder::from_env`].
    ///
    /// Fails with [`Error::Config`] when no credentials are set.
    pub fn from_env() -> Result<Client> {
        Client::from_env_vars(&ClientBuilder::from_env())
    }

    /// Builds a client from a builder read from the environment, which must
    /// have found credentials.
    fn from_env_vars(builder: &ClientBuilder) -> Result<Client> {
        if builder.credentials.is_none() && builder.deferred.is_none() {
            return Err(Error::Config(
                "no credentials in the environment: set CLOUDFLARE_API_TOKEN, \
                 CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY, or CLOUDFLARE_ORIGIN_CA_KEY"
                    .to_owned(),
            ));
        }
        builder.clone().build()
    }

    /// The base URL requests are sent to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("credentials", &inner.credentials)
            .field("default_headers", &HeaderNames(&inner.headers))
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .field("hooks", &inner.hooks.len())
            .field("max_pages", &inner.max_pages)
            .field("max_response_size", &inner.max_response_size)
            .finish_non_exhaustive()
    }
}

/// How requests authenticate.
#[derive(Clone)]
enum Credentials {
    /// `Authorization: Bearer <token>`.
    Token(HeaderValue),
    /// `X-Auth-Email` + `X-Auth-Key` (the legacy global API key).
    Key {
        email: HeaderValue,
        key: HeaderValue,
    },
    /// `X-Auth-User-Service-Key` (an Origin CA key, `v1.0-…`).
    OriginCaKey(HeaderValue),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Token(_) => f.debug_tuple("ApiToken").field(&Redacted).finish(),
            Credentials::Key { email, .. } => f
                .debug_struct("ApiKey")
                .field("email", email)
                .field("key", &Redacted)
                .finish(),
            Credentials::OriginCaKey(_) => f.debug_tuple("OriginCaKey").field(&Redacted).finish(),
        }
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Debug-prints only the names of a header map: values may be secrets.
pub(crate) struct HeaderNames<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// Whether a header carries a secret and must be marked sensitive.
pub(crate) fn is_secret_header(name: &HeaderName) -> bool {
    name == header::AUTHORIZATION
        || name == header::PROXY_AUTHORIZATION
        || name == header::COOKIE
        || name.as_str() == "x-auth-key"
        || name.as_str() == "x-auth-user-service-key"
}

/// Builds a [`Client`]. Errors (a bad header, a bad URL) are reported by
/// [`ClientBuilder::build`], so the chain never needs `?` in the middle.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    allow_http: bool,
    /// Set by [`ClientBuilder::from_env`]: an `http://` base URL is accepted
    /// when its host is a loopback address.
    allow_loopback_http: bool,
    credentials: Option<Credentials>,
    default_headers: HeaderMap,
    user_agent: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
    max_pages: u32,
    max_response_size: u64,
    /// Extra roots of trust for TLS, besides the built-in ones.
    root_certificates: Vec<reqwest::Certificate>,
    /// The caller's changes to the reqwest client builder.
    configure_http: Option<ConfigureHttp>,
    /// The first configuration error, reported by `build`.
    deferred: Option<String>,
}

/// A caller's function that adjusts the reqwest client builder.
type ConfigureHttp =
    Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static>;

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("allow_http", &self.allow_http)
            .field("credentials", &self.credentials)
            .field("default_headers", &HeaderNames(&self.default_headers))
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("max_pages", &self.max_pages)
            .field("max_response_size", &self.max_response_size)
            .field("root_certificates", &self.root_certificates.len())
            .field("configure_http", &self.configure_http.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Same as [`Client::builder`].
    pub fn new() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            allow_http: false,
            allow_loopback_http: false,
            credentials: None,
            default_headers: HeaderMap::new(),
            user_agent: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            hooks: Vec::new(),
            max_pages: DEFAULT_MAX_PAGES,
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            root_certificates: Vec::new(),
            configure_http: None,
            deferred: None,
        }
    }

    /// A builder pre-filled from the environment, which later calls may
    /// override:
    ///
    /// - `CLOUDFLARE_API_TOKEN`: an API token; or else
    /// - `CLOUDFLARE_EMAIL` and `CLOUDFLARE_API_KEY`: a global API key (setting
    ///   only one of the two is a configuration error); or else
    /// - `CLOUDFLARE_ORIGIN_CA_KEY`: an Origin CA key
    ///   ([`origin_ca_key`](Self::origin_ca_key));
    /// - `CLOUDFLARE_BASE_URL`: the base URL. An `http://` URL is accepted
    ///   here without [`allow_http`](Self::allow_http) when its host is
    ///   `127.0.0.1`, `localhost` or `[::1]`, so examples can run against a
    ///   local test server; any other `http://` URL still needs `allow_http`.
    ///
    /// Empty variables count as unset.
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read through `var`
    /// (a name in, its value if set): for a program whose own options
    /// stand in for some of them, as the `cloudflare` command's flags do,
    /// with the same rules for each.
    ///
    /// ```
    /// let token = Some("from-a-flag".to_owned());
    /// let builder = generated_client::ClientBuilder::from_vars(|name| match name {
    ///     "CLOUDFLARE_API_TOKEN" => token.clone(),
    ///     other => std::env::var(other).ok(),
    /// });
    /// assert!(builder.has_credentials());
    /// ```
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let mut builder = ClientBuilder::new();
        if let Some(token) = var("CLOUDFLARE_API_TOKEN") {
            builder = builder.api_token(token);
        } else {
            match (var("CLOUDFLARE_EMAIL"), var("CLOUDFLARE_API_KEY")) {
                (Some(email), Some(key)) => builder = builder.api_key(email, key),
                (None, None) => {
                    if let Some(key) = var("CLOUDFLARE_ORIGIN_CA_KEY") {
                        builder = builder.origin_ca_key(key);
                    }
                }
                (Some(_), None) => {
                    builder.defer("CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not".into())
                }
                (None, Some(_)) => {
                    builder.defer("CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not".into())
                }
            }
        }
        if let Some(url) = var("CLOUDFLARE_BASE_URL") {
            builder = builder.base_url(url.trim());
            builder.allow_loopback_http = true;
        }
        builder
    }

    fn defer(&mut self, message: String) {
        self.deferred.get_or_insert(message);
    }

    /// Whether credentials were given: an API token, an email and API key,
    /// or an Origin CA key; also `true` when something was given that
    /// [`build`](Self::build) will refuse, saying why (half of a pair, a
    /// character a header cannot hold), as [`Client::from_env`] decides.
    pub fn has_credentials(&self) -> bool {
        self.credentials.is_some() || self.deferred.is_some()
    }

    /// Authenticate with an API token (`Authorization: Bearer <token>`).
    /// Surrounding whitespace (a newline from a file) is ignored. Replaces any
    /// earlier credentials.
    pub fn api_token(mut self, token: impl AsRef<str>) -> Self {
        match secret_value(&format!("Bearer {}", token.as_ref().trim())) {
            Some(value) => self.credentials = Some(Credentials::Token(value)),
            None => self.defer("the API token contains characters not allowed in a header".into()),
        }
        self
    }

    /// Authenticate with an account email and global API key (`X-Auth-Email`
    /// and `X-Auth-Key`). Surrounding whitespace is ignored. Replaces any
    /// earlier credentials.
    pub fn api_key(mut self, email: impl AsRef<str>, key: impl AsRef<str>) -> Self {
        let email = HeaderValue::from_str(email.as_ref().trim()).ok();
        let key = secret_value(key.as_ref().trim());
        match (email, key) {
            (Some(email), Some(key)) => self.credentials = Some(Credentials::Key { email, key }),
            (None, _) => self.defer("the email contains characters not allowed in a header".into()),
            (_, None) => {
                self.defer("the API key contains characters not allowed in a header".into())
            }
        }
        self
    }

    /// Authenticate with an Origin CA key (`X-Auth-User-Service-Key`), the
    /// `v1.0-…` key of the dashboard's *Origin CA Key* that the Origin CA
    /// certificate endpoints accept. Surrounding whitespace is ignored.
    /// Replaces any earlier credentials.
    pub fn origin_ca_key(mut self, key: impl AsRef<str>) -> Self {
        match secret_value(key.as_ref().trim()) {
            Some(value) => self.credentials = Some(Credentials::OriginCaKey(value)),
            None => {
                self.defer("the Origin CA key contains characters not allowed in a header".into())
            }
        }
        self
    }

    /// The API base URL (default [`DEFAULT_BASE_URL`]). A trailing slash is
    /// ignored. It must be `https://` unless [`allow_http`](Self::allow_http)
    /// is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Accept a plain `http://` base URL (for tests and local proxies).
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Timeout of one attempt: connecting, sending, and receiving the response
    /// (and reading the body, for JSON responses). Default 60 s. For streamed
    /// downloads it bounds the wait for the headers and then every wait for
    /// the next chunk. Can be overridden per request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How failed attempts are retried: how many times, how long to wait,
    /// which statuses and Cloudflare codes (see [`RetryPolicy`]; its default
    /// is the official SDKs' policy). Can be overridden per request.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Adds a [`Hook`]: code that sees, and may change, every attempt of
    /// every request this client sends (metrics, logging, signing, fault
    /// injection); [`TraceLog`](crate::runtime::TraceLog) is a ready one.
    /// Hooks run in the order they are added.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// How many times a failed attempt is retried (connection errors,
    /// timeouts, 408, 409, 429, 5xx and throttling codes). Default 2. Can
    /// be overridden per request. The same as setting it on the
    /// [`retry_policy`](Self::retry_policy).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry = self.retry.max_retries(retries);
        self
    }

    /// First delay of the exponential backoff between retries (doubling each
    /// time, capped at 8 s, with jitter). Default 500 ms. A `Retry-After` or
    /// `retry-after-ms` header of at most 60 s takes precedence. The same as
    /// setting it on the [`retry_policy`](Self::retry_policy), with an 8 s
    /// cap.
    pub fn retry_backoff(mut self, base: Duration) -> Self {
        self.retry = self.retry.backoff(base, Duration::from_secs(8));
        self
    }

    /// Most pages one listing (`.pages()`, `.items()`, `.all()`) may fetch.
    /// Default 10,000. A list that goes on past it ends with
    /// [`Error::Paging`]: a server that never ends, or keeps handing out new
    /// cursors, cannot make paging hang. At least one page is always
    /// fetched. Can be overridden per request.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages;
        self
    }

    /// Largest success body read into memory, in bytes (default 64 MiB):
    /// every response but a raw one ([`RawResponse`](crate::RawResponse),
    /// which streams). A larger body fails with
    /// [`Error::ResponseTooLarge`] as soon as its `Content-Length`, or the
    /// bytes received, pass the limit; it is never read whole. Error bodies
    /// are read up to 1 MiB whatever this says.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// Trusts `certificate` as a root of TLS trust too, besides the bundled
    /// Mozilla roots (and the system's, with the `native-roots` feature): a
    /// company's TLS-inspecting proxy, or a test server's own CA. May be
    /// called more than once.
    ///
    /// ```no_run
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use generated_client::runtime::Certificate;
    ///
    /// let pem = std::fs::read("corporate-ca.pem")?;
    /// let client = generated_client::Client::builder()
    ///     .api_token("…")
    ///     .add_root_certificate(Certificate::from_pem(&pem)?)
    ///     .build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.root_certificates.push(certificate);
        self
    }

    /// Adjusts the [`reqwest::ClientBuilder`] this client is built from: a
    /// proxy, a client certificate, a DNS resolver, a connector layer, the
    /// local address, HTTP/1 options…
    ///
    /// `configure` receives the builder with this client's settings (user
    /// agent, connect timeout, root certificates) and may change any of
    /// them. Two settings are applied after it, whatever it does: redirects
    /// are never followed by reqwest (this client follows them, and drops
    /// every credential and header it set on a hop to another origin), and
    /// an `https://` base URL allows only `https` connections.
    ///
    /// A ready-made `reqwest::Client` is not accepted on purpose: its own
    /// redirect policy would forward `X-Auth-Key` and any custom secret
    /// header to whatever host a redirect names, and nothing could stop it.
    ///
    /// ```no_run
    /// # fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use generated_client::reqwest::Proxy;
    ///
    /// let proxy = Proxy::https("http://proxy.internal:3128")?;
    /// let client = generated_client::Client::builder()
    ///     .api_token("…")
    ///     .configure_http(move |http| http.proxy(proxy.clone()).tcp_nodelay(true))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn configure_http<F>(mut self, configure: F) -> Self
    where
        F: Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    {
        self.configure_http = Some(Arc::new(configure));
        self
    }

    /// Text appended to the `User-Agent` (`generated-client/<version> <extra>`).
    pub fn user_agent(mut self, extra: impl Into<String>) -> Self {
        self.user_agent = Some(extra.into());
        self
    }

    /// A header sent with every request. Credentials set with
    /// [`api_token`](Self::api_token) / [`api_key`](Self::api_key) /
    /// [`origin_ca_key`](Self::origin_ca_key) take precedence over a default
    /// header of the same name. Like every header the client or a caller
    /// sets, it is never sent to another origin when a redirect leads there.
    pub fn default_header<K, V>(mut self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        HeaderValue: TryFrom<V>,
    {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(mut value)) => {
                if is_secret_header(&name) {
                    value.set_sensitive(true);
                }
                self.default_headers.insert(name, value);
            }
            (Err(_), _) => self.defer("invalid default header name".into()),
            (_, Err(_)) => self.defer("invalid default header value".into()),
        }
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] on an invalid base URL, an `http://` base
    /// URL without [`allow_http`](Self::allow_http), or invalid credentials or
    /// headers given earlier.
    pub fn build(self) -> Result<Client> {
        if let Some(message) = self.deferred {
            return Err(Error::Config(message));
        }
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("invalid base URL {base_url:?}: {e}")))?;
        let is_http = match parsed.scheme() {
            "https" => false,
            "http" => true,
            other => {
                return Err(Error::Config(format!(
                    "base URL {base_url:?} has scheme {other:?}; expected https"
                )));
            }
        };
        if is_http && !(self.allow_http || self.allow_loopback_http && is_loopback(&parsed)) {
            return Err(Error::Config(format!(
                "base URL {base_url:?} is not https; call `.allow_http(true)` to allow plain http"
            )));
        }
        if parsed.host_str().is_none() || parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::Config(format!(
                "base URL {base_url:?} must have a host and no query or fragment"
            )));
        }

        let mut headers = self.default_headers;
        match &self.credentials {
            Some(Credentials::Token(value)) => {
                headers.insert(header::AUTHORIZATION, value.clone());
            }
            Some(Credentials::Key { email, key }) => {
                headers.insert(HeaderName::from_static("x-auth-email"), email.clone());
                headers.insert(HeaderName::from_static("x-auth-key"), key.clone());
            }
            Some(Credentials::OriginCaKey(key)) => {
                headers.insert(
                    HeaderName::from_static("x-auth-user-service-key"),
                    key.clone(),
                );
            }
            None => {}
        }

        let mut agent = format!("generated-client/{}", env!("CARGO_PKG_VERSION"));
        if let Some(extra) = self
            .user_agent
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            agent.push(' ');
            agent.push_str(extra);
        }
        let agent = HeaderValue::from_str(&agent)
            .map_err(|_| Error::Config("invalid user agent".to_owned()))?;

        let mut http = reqwest::Client::builder()
            .user_agent(agent)
            .connect_timeout(self.connect_timeout);
        for certificate in self.root_certificates {
            http = http.add_root_certificate(certificate);
        }
        // A server on this machine is never reached through a proxy, whatever
        // HTTP_PROXY says (and a proxy would see the credentials).
        if is_loopback(&parsed) {
            http = http.no_proxy();
        }
        if let Some(configure) = &self.configure_http {
            http = configure(http);
        }
        // After the caller's changes, so that none can undo them: redirects
        // are followed by the send path, which keeps credentials at home.
        let http = http
            .https_only(!is_http)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?;

        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                headers,
                timeout: self.timeout,
                retry: Arc::new(self.retry),
                hooks: self.hooks,
                max_pages: self.max_pages,
                max_response_size: self.max_response_size,
                credentials: self.credentials,
            }),
        })
    }
}

/// A header value holding a secret.
fn secret_value(text: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(text).ok()?;
    value.set_sensitive(true);
    Some(value)
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> ClientBuilder {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ClientBuilder::from_vars(move |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn env_token_and_loopback_http() {
        let client = from(&[
            ("CLOUDFLARE_API_TOKEN", "tok-123"),
            ("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9/client/v4/"),
        ])
        .build()
        .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/client/v4");
        let debug = format!("{client:?}");
        assert!(
            debug.contains("[REDACTED]") && !debug.contains("tok-123"),
            "{debug}"
        );
        for host in ["localhost", "[::1]"] {
            let url = format!("http://{host}:9");
            from(&[("CLOUDFLARE_BASE_URL", &url)]).build().unwrap();
        }
    }

    #[test]
    fn env_http_on_other_host_is_refused() {
        let err = from(&[("CLOUDFLARE_BASE_URL", "http://example.com")])
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
    }

    #[test]
    fn env_api_key() {
        let builder = from(&[
            ("CLOUDFLARE_EMAIL", "a@b.c"),
            ("CLOUDFLARE_API_KEY", "k-999"),
        ]);
        let debug = format!("{builder:?}");
        assert!(
            debug.contains("a@b.c") && !debug.contains("k-999"),
            "{debug}"
        );
        let err = from(&[("CLOUDFLARE_EMAIL", "a@b.c")]).build().unwrap_err();
        assert!(err.to_string().contains("CLOUDFLARE_API_KEY"), "{err}");
    }

    #[test]
    fn env_origin_ca_key_comes_after_the_others() {
        let builder = from(&[("CLOUDFLARE_ORIGIN_CA_KEY", " v1.0-secret-ca-key\n")]);
        let debug = format!("{builder:?}");
        assert!(
            debug.contains("OriginCaKey") && !debug.contains("secret-ca-key"),
            "{debug}"
        );
        assert!(Client::from_env_vars(&builder).is_ok());
        let token = from(&[
            ("CLOUDFLARE_API_TOKEN", "tok"),
            ("CLOUDFLARE_ORIGIN_CA_KEY", "v1.0-x"),
        ]);
        assert!(matches!(token.credentials, Some(Credentials::Token(_))));
        let key = from(&[
            ("CLOUDFLARE_EMAIL", "a@b.c"),
            ("CLOUDFLARE_API_KEY", "k"),
            ("CLOUDFLARE_ORIGIN_CA_KEY", "v1.0-x"),
        ]);
        assert!(matches!(key.credentials, Some(Credentials::Key { .. })));
    }

    #[test]
    fn env_empty_is_unset() {
        let builder = from(&[("CLOUDFLARE_API_TOKEN", " "), ("CLOUDFLARE_BASE_URL", "")]);
        assert!(builder.credentials.is_none());
        assert_eq!(builder.base_url, DEFAULT_BASE_URL);
    }
}
