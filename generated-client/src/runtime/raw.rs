//! Streamed responses: [`RawResponse`] and its [`BodyStream`].
//!
//! A body is never held whole in memory unless the caller asks for
//! [`RawResponse::bytes`]. [`RawResponse::write_to`] writes to a temporary
//! file beside the target and renames it only once the whole body arrived,
//! so a broken transfer (or a dropped future) leaves neither a partial file
//! nor the temporary one.

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use tokio::io::AsyncWriteExt;
use tokio::time::Sleep;

use super::parts::ResponseMeta;
use crate::error::{Error, Result};

/// A successful response whose body has not been read yet.
pub struct RawResponse {
    meta: ResponseMeta,
    response: reqwest::Response,
    idle_timeout: Duration,
    max_size: u64,
    method: Method,
    path: &'static str,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.meta.status)
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

impl RawResponse {
    pub(super) fn new(
        meta: ResponseMeta,
        response: reqwest::Response,
        idle_timeout: Duration,
        max_size: u64,
        method: Method,
        path: &'static str,
    ) -> Self {
        RawResponse {
            meta,
            response,
            idle_timeout,
            max_size,
            method,
            path,
        }
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.meta.status
    }

    /// Response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.meta.headers
    }

    /// Status and headers.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The most this client reads into memory at once.
    pub(super) fn max_size(&self) -> u64 {
        self.max_size
    }

    /// The body length announced by `Content-Length`, if any.
    pub fn content_length(&self) -> Option<u64> {
        if self.method == Method::HEAD
            || self.meta.status == StatusCode::NO_CONTENT
            || self.meta.status == StatusCode::NOT_MODIFIED
        {
            return None;
        }
        self.meta
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    }

    /// The body as a stream of chunks.
    ///
    /// Each wait for the next chunk is bounded by the request's timeout
    /// ([`Error::Timeout`]); a body that ends early yields
    /// [`Error::IncompleteBody`].
    pub fn stream(self) -> BodyStream {
        let expected = self.content_length();
        BodyStream {
            inner: Box::pin(self.response.bytes_stream()),
            idle_timeout: self.idle_timeout,
            sleep: Box::pin(tokio::time::sleep(self.idle_timeout)),
            expected,
            received: 0,
            done: false,
            method: self.method,
            path: self.path,
        }
    }

    /// Reads the whole body into memory, up to the client's
    /// [`max_response_size`](crate::ClientBuilder::max_response_size)
    /// ([`Error::ResponseTooLarge`] past it, refused from its
    /// `Content-Length` or as soon as it grows past). [`stream`](Self::stream)
    /// and [`write_to`](Self::write_to) read a body of any size.
    pub async fn bytes(self) -> Result<Bytes> {
        let limit = self.max_size;
        let too_large = |content_length| Error::ResponseTooLarge {
            method: self.method.clone(),
            path: self.path,
            status: self.meta.status,
            limit,
            content_length,
        };
        let announced = self.content_length();
        if announced.is_some_and(|len| len > limit) {
            return Err(too_large(announced));
        }
        let capacity = announced.unwrap_or(0).min(16 << 20) as usize;
        let error = too_large(announced);
        let mut stream = self.stream();
        let mut body = BytesMut::with_capacity(capacity);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(error);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// Writes the body to `path`, replacing it only when the whole body
    /// arrived; returns the number of bytes written.
    pub async fn write_to(self, path: impl AsRef<Path>) -> Result<u64> {
        self.write_impl(path.as_ref(), &mut |_, _| {}).await
    }

    /// Like [`write_to`](Self::write_to), calling `progress(bytes_so_far,
    /// content_length)` at the start and after every chunk.
    pub async fn write_to_with_progress<F>(
        self,
        path: impl AsRef<Path>,
        mut progress: F,
    ) -> Result<u64>
    where
        F: FnMut(u64, Option<u64>) + Send,
    {
        self.write_impl(path.as_ref(), &mut progress).await
    }

    async fn write_impl(
        self,
        target: &Path,
        progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
    ) -> Result<u64> {
        let name = target.file_name().ok_or_else(|| {
            Error::InvalidArgument(format!("{} does not name a file", target.display()))
        })?;
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let temp = dir.join(format!(
            ".{}.{:016x}.part",
            name.to_string_lossy(),
            fastrand::u64(..)
        ));
        let total = self.content_length();
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await?;
        // Removes the temporary file on an early return, a panic, or when the
        // future is dropped mid-download.
        let mut guard = TempFile(Some(temp));

        progress(0, total);
        let mut stream = self.stream();
        let mut written = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            file.write_all(&chunk).await?;
            written += chunk.len() as u64;
            progress(written, total);
        }
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        if let Some(temp) = guard.0.take() {
            if let Err(e) = tokio::fs::rename(&temp, target).await {
                guard.0 = Some(temp);
                return Err(e.into());
            }
        }
        Ok(written)
    }
}

/// Removes the temporary file unless it was renamed into place.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            // Best effort: there is nobody to report a failure to.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The chunks of a [`RawResponse`] body; see [`RawResponse::stream`].
pub struct BodyStream {
    inner: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    idle_timeout: Duration,
    sleep: Pin<Box<Sleep>>,
    expected: Option<u64>,
    received: u64,
    done: bool,
    method: Method,
    path: &'static str,
}

impl fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyStream")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("expected", &self.expected)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl BodyStream {
    fn incomplete(&self) -> Error {
        Error::IncompleteBody {
            expected: self.expected,
            received: self.received,
        }
    }
}

impl Stream for BodyStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.received += chunk.len() as u64;
                this.sleep
                    .as_mut()
                    .reset(super::parts::deadline_after(this.idle_timeout));
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.done = true;
                tracing::debug!(error = %e, received = this.received, "body stream broke");
                if e.is_timeout() {
                    return Poll::Ready(Some(Err(this.timeout())));
                }
                Poll::Ready(Some(Err(this.incomplete())))
            }
            Poll::Ready(None) => {
                this.done = true;
                match this.expected {
                    Some(expected) if expected != this.received => {
                        Poll::Ready(Some(Err(this.incomplete())))
                    }
                    _ => Poll::Ready(None),
                }
            }
            Poll::Pending => {
                if this.sleep.as_mut().poll(cx).is_ready() {
                    this.done = true;
                    return Poll::Ready(Some(Err(this.timeout())));
                }
                Poll::Pending
            }
        }
    }
}

impl BodyStream {
    fn timeout(&self) -> Error {
        Error::Timeout {
            method: self.method.clone(),
            path: self.path,
            attempts: 1,
        }
    }
}
