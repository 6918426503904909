//! Typed async client for the Cloudflare API, generated from its Markdown
//! endpoint docs.
//!
//! Build one [`Client`], then reach each API area through a method named
//! after it. Every endpoint method returns a [`runtime::Request`]: set
//! options on it, then `.await` it to send it.
//!
//! ```no_run
//! # async fn example() -> generated_client::Result<()> {
//! use std::time::Duration;
//!
//! let client = generated_client::Client::builder()
//!     .api_token(std::env::var("CLOUDFLARE_API_TOKEN").unwrap_or_default())
//!     .timeout(Duration::from_secs(30))
//!     .build()?;
//!
//! // Or, from CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY,
//! // or CLOUDFLARE_ORIGIN_CA_KEY) and CLOUDFLARE_BASE_URL:
//! let client = generated_client::Client::from_env()?;
//!
//! // The `zone` area (a default feature): every zone, page after page.
//! for zone in client.zone().list_zones().all().await? {
//!     println!("{} {} {:?}", zone.id, zone.name, zone.status);
//! }
//! // One request, with options of its own.
//! let zone = client
//!     .zone()
//!     .zone_details("023e105f4ecef8ad9ca31a8372d0c353")
//!     .max_retries(0)
//!     .await?;
//! # let _ = zone;
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour
//!
//! - **Errors** are one [`Error`] enum: [`Error::Api`] carries the parsed
//!   Cloudflare envelope ([`ApiError`]), and helpers such as
//!   [`Error::is_not_found`] and [`Error::codes`] avoid string matching.
//! - **A success is never refused** for its shape: a 2xx body that is JSON
//!   always decodes. What fits is typed; a value that does not fit its field
//!   is kept as sent in the struct's `extra` ([`runtime::Extra`]), and each
//!   such place is a [`runtime::Mismatch`] with its path, listed by the
//!   struct ([`runtime::Object::mismatches`]) and for the whole result by
//!   [`ResponseMeta::mismatches`], and logged as one `tracing` warning per
//!   answer. Fields of answer types are `Option`s, but for the `id` and
//!   `name` every answer has. Only a body that is not JSON is an
//!   [`Error::Decode`], which keeps it whole; any request can also be sent
//!   for its raw answer ([`Request::send_raw`](runtime::Request::send_raw)).
//! - **Retries**: 2 by default, on connection errors, timeouts, 408, 409, 429
//!   and 5xx, honouring `Retry-After` / `retry-after-ms` up to 60 s and
//!   otherwise backing off exponentially (0.5 s doubling, capped at 8 s, with
//!   jitter).
//! - **Timeouts**: 60 s per attempt, 10 s to connect; both configurable, the
//!   first also per request.
//! - **Lists**: awaiting an endpoint whose result is an array gives the first
//!   page; [`Request::pages`](runtime::Request::pages),
//!   [`items`](runtime::Request::items) and [`all`](runtime::Request::all)
//!   read the whole list, by page number or cursor as each response's
//!   [`ResultInfo`] says, one page at a time, never looping: a repeated
//!   cursor or page, or more than 10,000 pages
//!   ([`ClientBuilder::max_pages`]), is an [`Error::Paging`].
//! - **Secrets** never appear in `Debug` or error output, and never leave for
//!   another origin: redirects are followed by the client itself, which sends
//!   none of the credentials or headers it or you set to a host other than
//!   the one they were meant for (see the README's *Security* section).
//! - **Limits**: a success body is read into memory only up to 64 MiB
//!   ([`ClientBuilder::max_response_size`]; [`Error::ResponseTooLarge`]
//!   past it), and so does [`RawResponse::bytes`]; an error body up to
//!   1 MiB.
//! - **TLS**: rustls with the bundled Mozilla roots; the `native-roots`
//!   feature adds the system's store, [`ClientBuilder::add_root_certificate`]
//!   a CA of yours, and [`ClientBuilder::configure_http`] anything else
//!   reqwest's builder offers (proxies, client certificates).
//! - **Testing**: the `testing` feature adds `testing::MockServer`, a
//!   typed mock of the API for your tests, and constructors for errors.
//! - **Tracing**: each request runs in a `cloudflare_api` span (method, path
//!   template, status, attempts, duration) with an event per attempt.
//! - **Local testing**: [`Client::from_env`] accepts an `http://`
//!   `CLOUDFLARE_BASE_URL` when its host is `127.0.0.1`, `localhost` or
//!   `[::1]`; any other plain-http base URL needs
//!   [`ClientBuilder::allow_http`].
//!
//! Each area of the API is a module and a cargo feature named after its
//! document (`dns-records-for-a-zone`); the default features are the DNS
//! records and zone areas, and `all` turns on every area.
#![doc = ""]
#![doc = include_str!("generated/areas.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The generator owns `src/generated/`, and prettyplease formats it. It is
// held to the same lints as the hand-written code: no allowances.
//
// The crate's unit tests (`cargo test --lib`) cover the runtime, which
// never names an area; the areas are tested by `tests/` and the doc
// examples, which link the library as users get it. So the unit-test build
// leaves the areas out instead of compiling every area a second time (the
// crate's own tests turn all of them on, see `[dev-dependencies]`).
#[cfg(not(test))]
#[rustfmt::skip]
mod generated;
// With every area feature turned off (a corpus build) there is nothing to
// re-export; that is not worth a warning.
#[cfg(not(test))]
#[allow(unused_imports)]
pub use generated::*;

#[cfg(feature = "blocking")]
mod blocking;
mod client;
mod error;
pub mod runtime;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use error::{
    ApiError, ApiMessage, ApiMessageSource, Error, PagingStop, RedirectStop, Result, codes,
};
/// The reqwest this client is built on, for
/// [`ClientBuilder::configure_http`] (proxies, client certificates…) without a
/// dependency of your own that must match its version.
pub use reqwest;
pub use runtime::{BodyStream, Items, Page, Pages, RawResponse, ResponseMeta, ResultInfo};
