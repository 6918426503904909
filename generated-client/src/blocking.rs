//! The same client without `async` (cargo feature `blocking`).
//!
//! Every request gets [`Request::send_blocking`] and
//! [`Request::send_with_meta_blocking`]; list requests get
//! [`Request::pages_blocking`], [`Request::items_blocking`] and
//! [`Request::all_blocking`] (iterators that fetch a page only when they
//! need it); raw responses get [`RawResponse::bytes_blocking`] and
//! [`RawResponse::write_to_blocking`].
//! They drive the async client on one shared background runtime (one worker
//! thread, started on first use), as `reqwest::blocking` does: the calling
//! thread runs the request, the worker keeps pooled connections alive
//! between calls. Calling them from inside an async runtime would block one
//! of its threads, so that is refused with [`Error::Config`].

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::sync::OnceLock;

use bytes::Bytes;
use futures_util::stream::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::runtime::{Items, List, Output, Page, Pages, RawResponse, Request, ResponseMeta};

fn block_on<F: Future>(future: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::Config(
            "a blocking call inside an async runtime; use `.await` there instead".to_owned(),
        ));
    }
    static RUNTIME: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> =
        OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("generated-client-blocking")
            .enable_all()
            .build()
            .map_err(|err| err.to_string())
    });
    match runtime {
        Ok(runtime) => Ok(runtime.block_on(future)),
        Err(err) => Err(Error::Config(format!(
            "cannot start the blocking runtime: {err}"
        ))),
    }
}

impl<K: Output, Q> Request<K, Q> {
    /// Sends the request and waits for the result.
    pub fn send_blocking(self) -> Result<K::Output> {
        block_on(self.send())?
    }

    /// Sends the request and waits for the result, its status and headers.
    pub fn send_with_meta_blocking(self) -> Result<(K::Output, ResponseMeta)> {
        block_on(self.send_with_meta())?
    }

    /// Sends the request and waits for the answer as it came (see
    /// [`send_raw`](Self::send_raw)); read its body with
    /// [`RawResponse::bytes_blocking`].
    pub fn send_raw_blocking(self) -> Result<RawResponse> {
        block_on(self.send_raw())?
    }
}

impl RawResponse {
    /// Reads the whole body into memory, waiting for it.
    pub fn bytes_blocking(self) -> Result<Bytes> {
        block_on(self.bytes())?
    }

    /// Writes the body to `path` (atomically, as
    /// [`write_to`](Self::write_to) does), waiting for it.
    pub fn write_to_blocking(self, path: impl AsRef<Path>) -> Result<u64> {
        block_on(self.write_to(path))?
    }
}

impl<T: DeserializeOwned + Send + 'static, Q> Request<List<T>, Q> {
    /// The pages of the whole list, as an iterator; each `next()` sends one
    /// request (see [`pages`](Self::pages)).
    pub fn pages_blocking(self) -> BlockingPages<T> {
        BlockingPages(Blocking(Some(self.pages())))
    }

    /// The items of the whole list, as an iterator; a page is requested
    /// when the items received so far are used up (see
    /// [`items`](Self::items)).
    pub fn items_blocking(self) -> BlockingItems<T> {
        BlockingItems(Blocking(Some(self.items())))
    }

    /// Collects the items of the whole list, waiting for every page (see
    /// [`all`](Self::all)).
    pub fn all_blocking(self) -> Result<Vec<T>> {
        block_on(self.all())?
    }
}

/// Drives a stream one item per `next()`; fused after its end or an error.
struct Blocking<S>(Option<S>);

impl<S: Stream<Item = Result<I>> + Unpin, I> Blocking<S> {
    fn next(&mut self) -> Option<Result<I>> {
        let stream = self.0.as_mut()?;
        let item = match block_on(stream.next()) {
            Ok(item) => item,
            Err(error) => Some(Err(error)),
        };
        if !matches!(item, Some(Ok(_))) {
            self.0 = None;
        }
        item
    }
}

/// The pages of a list, from [`Request::pages_blocking`].
pub struct BlockingPages<T>(Blocking<Pages<T>>);

impl<T: DeserializeOwned + Send + 'static> Iterator for BlockingPages<T> {
    type Item = Result<Page<T>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl<T> fmt::Debug for BlockingPages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BlockingPages").field(&self.0.0).finish()
    }
}

/// The items of a list across its pages, from [`Request::items_blocking`].
pub struct BlockingItems<T>(Blocking<Items<T>>);

impl<T: DeserializeOwned + Send + 'static> Iterator for BlockingItems<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

impl<T> fmt::Debug for BlockingItems<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BlockingItems").field(&self.0.0).finish()
    }
}
