//! Request bodies that are not JSON: [`Binary`] (bytes, a file, or a
//! stream, for `application/octet-stream` and the like) and NDJSON lines
//! written as they are sent ([`Request::ndjson`]).

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use reqwest::header::HeaderValue;
use serde::Serialize;

use super::model::Wire;
use super::parts::Body;
use super::request::Request;
use crate::error::Error;

/// A request body of bytes: in memory, a file read as it is sent, or a
/// stream of chunks. For the endpoints that take `application/octet-stream`
/// (the Workers AI image and speech models) and any other non-JSON body.
///
/// What is held in memory is sent again by a retry. A file is opened again
/// by each attempt, until one began sending it. A stream is sent once: a
/// failure after it is not retried.
///
/// ```no_run
/// # async fn f(client: generated_client::Client) -> generated_client::Result<()> {
/// use generated_client::runtime::{Binary, Method};
///
/// let image = std::fs::read("cat.jpg")?;
/// let labels = client
///     .request(Method::POST, "/accounts/{account_id}/ai/run/@cf/microsoft/resnet-50", &[("account_id", "acc")])
///     .binary(image, "application/octet-stream")
///     .await?;
///
/// // A large file, not read into memory.
/// let words = client
///     .request(Method::POST, "/accounts/{account_id}/ai/run/@cf/openai/whisper", &[("account_id", "acc")])
///     .binary(Binary::file("talk.mp3"), "application/octet-stream")
///     .await?;
/// # let _ = (labels, words); Ok(()) }
/// ```
pub struct Binary(Source);

enum Source {
    Bytes(Bytes),
    File(PathBuf),
    Stream(OnceBody, Option<u64>),
}

impl Binary {
    /// Bytes held in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Binary {
        Binary(Source::Bytes(bytes.into()))
    }

    /// The content of the file at `path`, read as it is sent (never whole
    /// in memory). Its length is measured when the request is sent; a file
    /// that is missing then fails the request with [`Error::Io`].
    pub fn file(path: impl Into<PathBuf>) -> Binary {
        Binary(Source::File(path.into()))
    }

    /// The chunks of `stream`, sent as they come, with `len` as the
    /// `Content-Length` when it is known (otherwise the body goes out
    /// chunked). Sent once: a failure after it is not retried.
    pub fn stream<S>(stream: S, len: Option<u64>) -> Binary
    where
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        Binary(Source::Stream(OnceBody::new(stream), len))
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Bytes(bytes) => write!(f, "Binary({} bytes)", bytes.len()),
            Source::File(path) => write!(f, "Binary(file {})", path.display()),
            Source::Stream(_, len) => write!(f, "Binary(stream, length {len:?})"),
        }
    }
}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Binary {
        Binary::bytes(bytes)
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Binary {
        Binary::bytes(bytes)
    }
}

impl From<&'static [u8]> for Binary {
    fn from(bytes: &'static [u8]) -> Binary {
        Binary::bytes(bytes)
    }
}

impl From<String> for Binary {
    fn from(text: String) -> Binary {
        Binary::bytes(text)
    }
}

/// A stream of chunks that can be taken once, shared by the clones of the
/// request that holds it (the request is sent once).
#[derive(Clone)]
pub(crate) struct OnceBody(Arc<Mutex<Option<ByteStream>>>);

type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

impl OnceBody {
    fn new(stream: impl Stream<Item = io::Result<Bytes>> + Send + 'static) -> OnceBody {
        OnceBody(Arc::new(Mutex::new(Some(Box::pin(stream)))))
    }

    /// The stream; after the first call, one that fails at once (no
    /// request sends it twice: a streamed body is never retried).
    pub(crate) fn take(&self) -> ByteStream {
        let taken = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        taken.unwrap_or_else(|| {
            Box::pin(futures_util::stream::once(async {
                Err(io::Error::other(
                    "the streamed request body was already sent",
                ))
            }))
        })
    }
}

/// Lines are written into chunks of about this size as the body is sent.
const CHUNK: usize = 64 << 10;

/// The NDJSON encoding of `lines`, written a chunk at a time as the body is
/// sent. A line that does not serialize ends the body with an error that
/// says which line it is.
fn ndjson_stream<I>(lines: I) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static
where
    I: Iterator + Send + 'static,
    I::Item: Serialize,
{
    let mut lines = lines.fuse();
    let mut written = 0usize;
    let mut failed = false;
    futures_util::stream::iter(std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let mut chunk = Vec::new();
        while chunk.len() < CHUNK {
            let Some(line) = lines.next() else { break };
            written += 1;
            if let Err(e) = serde_json::to_writer(&mut chunk, &Wire(&line)) {
                failed = true;
                return Some(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("NDJSON line {written} does not serialize: {e}"),
                )));
            }
            chunk.push(b'\n');
        }
        (!chunk.is_empty()).then(|| Ok(Bytes::from(chunk)))
    }))
    .fuse()
}

impl<K, Q> Request<K, Q> {
    /// Sends `body` (bytes, a [`Binary::file`] or a [`Binary::stream`])
    /// with the given content type, for endpoints that take something
    /// other than JSON. An invalid content type fails the request when
    /// awaited.
    pub fn binary(mut self, body: impl Into<Binary>, content_type: &str) -> Self {
        let Ok(content_type) = HeaderValue::from_str(content_type) else {
            self.parts.fail(Error::InvalidArgument(format!(
                "{} {}: invalid content type {content_type:?}",
                self.parts.method, self.parts.template
            )));
            return self;
        };
        self.parts.body = Some(match body.into().0 {
            Source::Bytes(bytes) => Body::Bytes(bytes, content_type),
            Source::File(path) => Body::File(path, content_type),
            Source::Stream(stream, len) => Body::Once(stream, content_type, len),
        });
        self
    }

    /// Sends `lines` as newline-delimited JSON (`application/x-ndjson`),
    /// each serialized as the body is sent, so a million vectors are never
    /// one buffer. Sent once: a failure after it is not retried (collect
    /// the lines into a `Vec` and send them in batches to retry a batch).
    pub fn ndjson<I>(self, lines: I) -> Self
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        I::Item: Serialize,
    {
        self.json_lines(lines, "application/x-ndjson")
    }

    /// [`ndjson`](Request::ndjson) under another media type for JSON
    /// lines (`application/jsonl`…). An invalid content type fails the
    /// request when awaited.
    pub fn json_lines<I>(mut self, lines: I, content_type: &str) -> Self
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        I::Item: Serialize,
    {
        let Ok(content_type) = HeaderValue::from_str(content_type) else {
            self.parts.fail(Error::InvalidArgument(format!(
                "{} {}: invalid content type {content_type:?}",
                self.parts.method, self.parts.template
            )));
            return self;
        };
        let stream = OnceBody::new(ndjson_stream(lines.into_iter()));
        self.parts.body = Some(Body::Once(stream, content_type, None));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;

    #[tokio::test]
    async fn ndjson_lines_are_written_in_chunks_as_they_are_read() {
        let lines =
            (0..20_000).map(|i| serde_json::json!({"id": i.to_string(), "values": [1.0, 0.5]}));
        let chunks: Vec<Bytes> = ndjson_stream(lines).try_collect().await.unwrap();
        assert!(chunks.len() > 1, "more than one chunk: {}", chunks.len());
        assert!(chunks.iter().all(|c| c.len() < CHUNK + 100));
        let all: Vec<u8> = chunks.concat();
        let text = std::str::from_utf8(&all).unwrap();
        assert_eq!(text.lines().count(), 20_000);
        assert_eq!(
            text.lines().next().unwrap(),
            r#"{"id":"0","values":[1,0.5]}"#
        );
        assert!(text.ends_with('\n'));
    }

    #[tokio::test]
    async fn a_line_that_does_not_serialize_ends_the_body_naming_it() {
        /// A line that serializes, or one that does not.
        struct Line(bool);
        impl Serialize for Line {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    true => serializer.serialize_u8(1),
                    false => Err(serde::ser::Error::custom("no")),
                }
            }
        }
        let lines = vec![Line(true), Line(false), Line(true)];
        let error = ndjson_stream(lines.into_iter())
            .try_collect::<Vec<Bytes>>()
            .await
            .unwrap_err();
        assert!(error.to_string().contains("NDJSON line 2"), "{error}");
    }

    #[tokio::test]
    async fn a_streamed_body_is_taken_once() {
        let once = OnceBody::new(futures_util::stream::iter([Ok(Bytes::from_static(b"a"))]));
        let copy = once.clone();
        let first: Vec<Bytes> = once.take().try_collect().await.unwrap();
        assert_eq!(first, [Bytes::from_static(b"a")]);
        assert!(copy.take().try_collect::<Vec<Bytes>>().await.is_err());
    }
}
