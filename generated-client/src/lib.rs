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
//! // Or, from CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY)
//! // and CLOUDFLARE_BASE_URL:
//! let client = generated_client::Client::from_env()?;
//! # let _ = client;
//! // let pcap = client.magic_pcap_collection()
//! //     .get_pcap_request("account-id", "pcap-id")
//! //     .max_retries(0)
//! //     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Behaviour
//!
//! - **Errors** are one [`Error`] enum: [`Error::Api`] carries the parsed
//!   Cloudflare envelope ([`ApiError`]), and helpers such as
//!   [`Error::is_not_found`] and [`Error::codes`] avoid string matching.
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
//! - **Secrets** never appear in `Debug` or error output.
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
#[rustfmt::skip]
mod generated;
// With every area feature turned off (a corpus build) there is nothing to
// re-export; that is not worth a warning.
#[allow(unused_imports)]
pub use generated::*;

#[cfg(feature = "blocking")]
mod blocking;
mod client;
mod error;
pub mod runtime;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use error::{ApiError, ApiMessage, ApiMessageSource, Error, PagingStop, Result};
/// The reqwest this client is built on, for
/// [`ClientBuilder::configure_http`] (proxies, client certificates…) without a
/// dependency of your own that must match its version.
pub use reqwest;
pub use runtime::{BodyStream, Items, Page, Pages, RawResponse, ResponseMeta, ResultInfo};
