//! The same client without `async` (cargo feature `blocking`).
//!
//! Every request gets [`Request::send_blocking`] and
//! [`Request::send_with_meta_blocking`]; raw responses get
//! [`RawResponse::bytes_blocking`] and [`RawResponse::write_to_blocking`].
//! They drive the async client on one shared background runtime (one worker
//! thread, started on first use), as `reqwest::blocking` does: the calling
//! thread runs the request, the worker keeps pooled connections alive
//! between calls. Calling them from inside an async runtime would block one
//! of its threads, so that is refused with [`Error::Config`].

use std::future::Future;
use std::path::Path;
use std::sync::OnceLock;

use bytes::Bytes;

use crate::error::{Error, Result};
use crate::runtime::{Output, RawResponse, Request, ResponseMeta};

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

impl<K: Output> Request<K> {
    /// Sends the request and waits for the result.
    pub fn send_blocking(self) -> Result<K::Output> {
        block_on(self.send())?
    }

    /// Sends the request and waits for the result, its status and headers.
    pub fn send_with_meta_blocking(self) -> Result<(K::Output, ResponseMeta)> {
        block_on(self.send_with_meta())?
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
