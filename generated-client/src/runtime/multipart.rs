//! `multipart/form-data` request bodies: [`Multipart`] (text, JSON and file
//! parts) and [`FilePart`] (a file's content, from memory or from a path),
//! and their encoding into what one attempt sends.
//!
//! The typed bodies that the generator writes for overlay-declared multipart
//! endpoints are thin wrappers around a [`Multipart`]; only
//! [`Multipart::json`] is generic, for the serialization of a typed part.
//!
//! Encoding happens when the request is sent ([`Multipart::encode`]), once
//! for all its attempts. Part headers and small parts held in memory are
//! joined into buffers; a large part in memory is sent from its own buffer,
//! never copied. A body made only of parts in memory is replayed on retries
//! like a JSON body (`Bytes` clones share their buffer). A file part given
//! by a path is read from disk while the request is written, in chunks of
//! [`CHUNK`] bytes, so a large file is never held whole in memory; a body
//! with such a part is sent at most once ([`AttemptBody::started`] tells the
//! send path whether an attempt began reading it). The length of every part
//! is known before sending (a file's from its metadata), so the request
//! always carries a `Content-Length`.
//!
//! reqwest's own `multipart` feature is not used: its `Form` is consumed by
//! sending, so even a body held in memory could not be retried; its files
//! are opened when the form is built, not when it is sent; and it brings
//! `mime_guess`. The format is small enough to write here (RFC 7578).
//!
//! This module must not open a file before the request is sent, read a whole
//! file into memory, or guess content types: a part's type is the one its
//! caller (or the generated body, from the overlay) gives.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use reqwest::header::HeaderValue;
use serde::Serialize;
use tokio::io::AsyncReadExt;

/// Size of the reads from a file part, and so of the chunks written.
pub(crate) const CHUNK: usize = 256 << 10;

/// Largest part in memory that is copied into the buffer of part headers;
/// a larger one is sent from its own buffer.
const INLINE_MAX: usize = 64 << 10;

/// The content type of a file part whose caller gives none.
const DEFAULT_FILE_TYPE: &str = "application/octet-stream";

/// A `multipart/form-data` body, built part by part and sent with
/// [`Request::multipart`](crate::runtime::Request::multipart).
///
/// Parts are sent in the order they are added. A part that cannot be used (a
/// JSON value that does not serialize, an invalid content type) fails the
/// request when it is awaited, without sending.
///
/// ```no_run
/// # async fn example(client: generated_client::Client) -> generated_client::Result<()> {
/// use generated_client::runtime::{FilePart, Json, Method, Multipart, PathPart, Request};
///
/// let form = Multipart::new()
///     .json("metadata", &serde_json::json!({ "main_module": "worker.js" }))
///     .file(
///         "worker.js",
///         FilePart::path("dist/worker.js").content_type("application/javascript+module"),
///     );
/// let script: serde_json::Value = Request::<Json<serde_json::Value>>::new(
///     &client,
///     Method::PUT,
///     "/accounts/{account_id}/workers/scripts/{script_name}",
///     &[
///         PathPart::Lit("/accounts/"),
///         PathPart::Param("account_id", "023e105f4ecef8ad9ca31a8372d0c353"),
///         PathPart::Lit("/workers/scripts/"),
///         PathPart::Param("script_name", "hello"),
///     ],
/// )
/// .multipart(form)
/// .await?;
/// # let _ = script;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
    /// The first problem with a part; reported when the request is awaited.
    error: Option<String>,
}

/// One part, as it will be written.
#[derive(Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<HeaderValue>,
    body: Source,
}

/// Where a part's content comes from.
#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
}

/// The content of a file part: bytes in memory, or a file read while the
/// request is sent; with an optional file name and content type.
///
/// The file name defaults to the path's last component (for
/// [`FilePart::path`]) or to the part's name; the content type to the one the
/// endpoint's documentation names first, else `application/octet-stream`.
/// A part sent under a name of the caller's choosing (a Worker's module) is
/// always sent with that name as its file name, whatever the path says.
#[derive(Clone)]
pub struct FilePart {
    body: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// Content held in memory. A body whose file parts are all in memory can
    /// be sent again, so the request keeps its retries.
    pub fn bytes(bytes: impl Into<Bytes>) -> FilePart {
        FilePart {
            body: Source::Bytes(bytes.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// The content of the file at `path`, read in chunks while the request is
    /// sent (never whole into memory). The file is opened only then; if it
    /// cannot be read, the request fails with [`Error::Io`](crate::Error::Io)
    /// before anything is sent. A request with such a part is sent at most
    /// once: it is not retried once its body started going out.
    pub fn path(path: impl Into<PathBuf>) -> FilePart {
        FilePart {
            body: Source::Path(path.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// The `filename` sent in the part's `Content-Disposition`.
    pub fn file_name(mut self, name: impl Into<String>) -> FilePart {
        self.file_name = Some(name.into());
        self
    }

    /// The part's `Content-Type`, e.g. `application/javascript+module`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> FilePart {
        self.content_type = Some(content_type.into());
        self
    }
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// Adds a text part (no `Content-Type`: it is `text/plain` by default).
    pub fn text(mut self, name: &str, value: &str) -> Multipart {
        self.push(
            name,
            None,
            None,
            Source::Bytes(Bytes::from(value.to_owned())),
        );
        self
    }

    /// Adds a JSON part (`Content-Type: application/json`) holding `value`.
    pub fn json<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Multipart {
        self.json_bytes(name, serde_json::to_vec(value))
    }

    fn json_bytes(mut self, name: &str, json: serde_json::Result<Vec<u8>>) -> Multipart {
        match json {
            Ok(bytes) => self.push(
                name,
                None,
                Some(HeaderValue::from_static("application/json")),
                Source::Bytes(Bytes::from(bytes)),
            ),
            Err(e) => self.fail(format!("the part `{name}` does not serialize to JSON: {e}")),
        }
        self
    }

    /// Adds a file part.
    pub fn file(self, name: &str, file: FilePart) -> Multipart {
        self.file_or(name, file, DEFAULT_FILE_TYPE)
    }

    /// Adds a file part whose content type, when its caller gave none, is
    /// `default_type` (what the generated bodies use: the first type the
    /// documentation lists).
    #[doc(hidden)]
    pub fn file_or(mut self, name: &str, file: FilePart, default_type: &str) -> Multipart {
        let FilePart {
            body,
            file_name,
            content_type,
        } = file;
        let content_type = content_type.as_deref().unwrap_or(default_type);
        let Ok(content_type) = HeaderValue::from_str(content_type) else {
            self.fail(format!(
                "the part `{name}` has an invalid content type {content_type:?}"
            ));
            return self;
        };
        let file_name = file_name.or_else(|| match &body {
            Source::Path(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()),
            Source::Bytes(_) => None,
        });
        let file_name = file_name.unwrap_or_else(|| name.to_owned());
        self.push(name, Some(file_name), Some(content_type), body);
        self
    }

    /// Adds a file part whose `filename` is its part name, as a Worker's
    /// module must be sent: Cloudflare finds each module (the metadata's
    /// `main_module`, and every `import`) by that name, so a file read from
    /// `dist/out-3f9a.mjs` and sent as `worker.js` must say `worker.js`. A
    /// [`FilePart::file_name`] that says otherwise fails the request when it
    /// is awaited. The content type defaults to `default_type`, as for
    /// [`file_or`](Self::file_or). Generated bodies call it for parts sent
    /// under any name.
    #[doc(hidden)]
    pub fn named_file_or(self, name: &str, file: FilePart, default_type: &str) -> Multipart {
        let mut file = file;
        match &file.file_name {
            Some(given) if given != name => {
                let mut form = self;
                form.fail(format!(
                    "the part `{name}` is a module sent under its name, but its file name \
                     is `{given}`; leave the file name out, or make it `{name}`"
                ));
                return form;
            }
            _ => file.file_name = Some(name.to_owned()),
        }
        self.file_or(name, file, default_type)
    }

    /// Removes every part named `name`. The generated bodies call it before
    /// setting a part that is sent once, so that setting it again replaces it.
    pub fn remove(mut self, name: &str) -> Multipart {
        self.parts.retain(|part| part.name != name);
        self
    }

    fn push(
        &mut self,
        name: &str,
        file_name: Option<String>,
        content_type: Option<HeaderValue>,
        body: Source,
    ) {
        self.parts.push(Part {
            name: name.to_owned(),
            file_name,
            content_type,
            body,
        });
    }

    fn fail(&mut self, message: String) {
        self.error.get_or_insert(message);
    }

    /// The first problem with a part, if any.
    pub(crate) fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Lays the body out for sending: headers and in-memory parts joined into
    /// buffers, file parts measured (not read). Fails when a file cannot be
    /// opened or measured.
    pub(crate) async fn encode(&self) -> io::Result<Encoded> {
        let boundary = format!(
            "cloudflare-rs-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let mut segments = Vec::new();
        let mut buffer = BytesMut::new();
        for part in &self.parts {
            buffer.extend_from_slice(b"--");
            buffer.extend_from_slice(boundary.as_bytes());
            buffer.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            buffer.extend_from_slice(quoted(&part.name).as_bytes());
            buffer.extend_from_slice(b"\"");
            if let Some(file_name) = &part.file_name {
                buffer.extend_from_slice(b"; filename=\"");
                buffer.extend_from_slice(quoted(file_name).as_bytes());
                buffer.extend_from_slice(b"\"");
            }
            buffer.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                buffer.extend_from_slice(b"Content-Type: ");
                buffer.extend_from_slice(content_type.as_bytes());
                buffer.extend_from_slice(b"\r\n");
            }
            buffer.extend_from_slice(b"\r\n");
            match &part.body {
                Source::Bytes(bytes) if bytes.len() <= INLINE_MAX => {
                    buffer.extend_from_slice(bytes);
                }
                Source::Bytes(bytes) => {
                    segments.push(Segment::Bytes(buffer.split().freeze()));
                    segments.push(Segment::Bytes(bytes.clone()));
                }
                Source::Path(path) => {
                    let len = file_len(path, Some(&part.name)).await?;
                    segments.push(Segment::Bytes(buffer.split().freeze()));
                    segments.push(Segment::File {
                        path: path.clone(),
                        len,
                        part: Some(part.name.clone()),
                    });
                }
            }
            buffer.extend_from_slice(b"\r\n");
        }
        buffer.extend_from_slice(b"--");
        buffer.extend_from_slice(boundary.as_bytes());
        buffer.extend_from_slice(b"--\r\n");
        segments.push(Segment::Bytes(buffer.freeze()));
        segments.retain(|s| !matches!(s, Segment::Bytes(b) if b.is_empty()));
        let content_type =
            HeaderValue::try_from(format!("multipart/form-data; boundary={boundary}"))
                .expect("the boundary is made of header-safe characters");
        Ok(Encoded {
            content_type,
            len: segments.iter().map(Segment::len).sum(),
            segments: segments.into(),
        })
    }
}

/// A name or file name inside double quotes, the way browsers write them:
/// `"` and line breaks percent-encoded, so no name can end the header.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

async fn file_len(path: &Path, part: Option<&str>) -> io::Result<u64> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| part_error(e, part, path))?;
    if !meta.is_file() {
        return Err(part_error(
            io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
            part,
            path,
        ));
    }
    Ok(meta.len())
}

/// An I/O error that says which part (or the whole body, `None`) and which
/// file it is about, keeping its kind (a missing file stays `NotFound`).
fn part_error(e: io::Error, part: Option<&str>, path: &Path) -> io::Error {
    let what = match part {
        Some(part) => format!("multipart part `{part}`"),
        None => "request body".to_owned(),
    };
    io::Error::new(e.kind(), format!("{what}, file {}: {e}", path.display()))
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names and sources only: part contents may be large or secret.
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|part| match &part.body {
                Source::Bytes(bytes) => format!("{} ({} bytes)", part.name, bytes.len()),
                Source::Path(path) => format!("{} (file {})", part.name, path.display()),
            })
            .collect();
        f.debug_struct("Multipart")
            .field("parts", &parts)
            .field("error", &self.error)
            .finish()
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("FilePart");
        match &self.body {
            Source::Bytes(bytes) => s.field("bytes", &bytes.len()),
            Source::Path(path) => s.field("path", path),
        };
        s.field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// An encoded body: its content type (with the boundary), its exact length,
/// and the pieces that make it.
#[derive(Debug, Clone)]
pub(crate) struct Encoded {
    pub(crate) content_type: HeaderValue,
    pub(crate) len: u64,
    segments: Arc<[Segment]>,
}

#[derive(Debug)]
enum Segment {
    Bytes(Bytes),
    /// `len` bytes read from `path` when the body is written.
    File {
        path: PathBuf,
        len: u64,
        /// The part it is, or `None` for a body that is the file alone.
        part: Option<String>,
    },
}

impl Segment {
    fn len(&self) -> u64 {
        match self {
            Segment::Bytes(bytes) => bytes.len() as u64,
            Segment::File { len, .. } => *len,
        }
    }
}

/// The body of one attempt.
pub(crate) struct AttemptBody {
    pub(crate) body: reqwest::Body,
    /// `None` when the body can be sent again (it is all in memory). For a
    /// body that reads files, turns true when the HTTP stack first asks it
    /// for data, after which it cannot be sent again.
    pub(crate) started: Option<Arc<AtomicBool>>,
}

impl Encoded {
    /// A body that is one file, read as it is sent: measured now, opened
    /// again by each attempt (until one began sending it).
    pub(crate) async fn file(path: &Path, content_type: HeaderValue) -> io::Result<Encoded> {
        let len = file_len(path, None).await?;
        Ok(Encoded {
            content_type,
            len,
            segments: Arc::new([Segment::File {
                path: path.to_owned(),
                len,
                part: None,
            }]),
        })
    }

    /// The body, when it is one buffer in memory (for hooks to see).
    pub(crate) fn bytes(&self) -> Option<&Bytes> {
        match &*self.segments {
            [Segment::Bytes(bytes)] => Some(bytes),
            _ => None,
        }
    }

    /// Whether the whole body is held in memory, so it can be sent again.
    pub(crate) fn in_memory(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Bytes(_)))
    }

    /// The body for one attempt.
    pub(crate) fn attempt(&self) -> AttemptBody {
        let in_memory = self.in_memory();
        match &*self.segments {
            [Segment::Bytes(bytes)] => AttemptBody {
                body: bytes.clone().into(),
                started: None,
            },
            segments if in_memory => {
                let chunks: Vec<io::Result<Bytes>> = segments
                    .iter()
                    .filter_map(|s| match s {
                        Segment::Bytes(bytes) => Some(Ok(bytes.clone())),
                        Segment::File { .. } => None,
                    })
                    .collect();
                AttemptBody {
                    body: reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)),
                    started: None,
                }
            }
            _ => {
                let started = Arc::new(AtomicBool::new(false));
                let stream = SegmentStream {
                    segments: self.segments.clone(),
                    next: 0,
                    started: started.clone(),
                };
                AttemptBody {
                    body: reqwest::Body::wrap_stream(stream.into_stream()),
                    started: Some(started),
                }
            }
        }
    }
}

/// Walks the segments of a streamed body.
struct SegmentStream {
    segments: Arc<[Segment]>,
    next: usize,
    started: Arc<AtomicBool>,
}

/// Where the stream is: between segments, or inside a file.
enum Position {
    Segment(SegmentStream),
    File {
        rest: SegmentStream,
        file: tokio::fs::File,
        left: u64,
        path: PathBuf,
        part: Option<String>,
    },
}

impl SegmentStream {
    fn into_stream(self) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
        futures_util::stream::try_unfold(Position::Segment(self), |position| async move {
            let mut position = position;
            loop {
                match position {
                    Position::Segment(mut walk) => {
                        walk.started.store(true, Ordering::Relaxed);
                        let Some(segment) = walk.segments.get(walk.next) else {
                            return Ok(None);
                        };
                        walk.next += 1;
                        match segment {
                            Segment::Bytes(bytes) => {
                                let bytes = bytes.clone();
                                return Ok(Some((bytes, Position::Segment(walk))));
                            }
                            Segment::File { path, len, part } => {
                                let file = tokio::fs::File::open(path)
                                    .await
                                    .map_err(|e| part_error(e, part.as_deref(), path))?;
                                position = Position::File {
                                    left: *len,
                                    path: path.clone(),
                                    part: part.clone(),
                                    rest: walk,
                                    file,
                                };
                            }
                        }
                    }
                    Position::File { rest, left: 0, .. } => position = Position::Segment(rest),
                    Position::File {
                        rest,
                        mut file,
                        left,
                        path,
                        part,
                    } => {
                        let want = left.min(CHUNK as u64) as usize;
                        let mut chunk = BytesMut::with_capacity(want);
                        while chunk.len() < want {
                            let read = (&mut file)
                                .take((want - chunk.len()) as u64)
                                .read_buf(&mut chunk)
                                .await
                                .map_err(|e| part_error(e, part.as_deref(), &path))?;
                            if read == 0 {
                                // The request announced the length measured
                                // before sending; a shorter body would be cut.
                                let e = io::Error::new(
                                    io::ErrorKind::UnexpectedEof,
                                    "the file shrank while it was being sent",
                                );
                                return Err(part_error(e, part.as_deref(), &path));
                            }
                        }
                        let left = left - chunk.len() as u64;
                        let next = Position::File {
                            rest,
                            file,
                            left,
                            path,
                            part,
                        };
                        return Ok(Some((chunk.freeze(), next)));
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;

    /// The whole body, as the segment stream writes it.
    async fn collect(encoded: &Encoded) -> Vec<u8> {
        let stream = SegmentStream {
            segments: encoded.segments.clone(),
            next: 0,
            started: Arc::new(AtomicBool::new(false)),
        };
        let chunks: Vec<Bytes> = stream.into_stream().try_collect().await.unwrap();
        chunks.concat()
    }

    fn boundary(encoded: &Encoded) -> String {
        let value = encoded.content_type.to_str().unwrap();
        value
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap()
            .to_owned()
    }

    #[tokio::test]
    async fn in_memory_parts_make_one_replayable_buffer() {
        let form = Multipart::new()
            .text("note", "hi \"there\"")
            .json("meta", &serde_json::json!({"a": 1}))
            .file("w\"x.js", FilePart::bytes(&b"export {}"[..]));
        let encoded = form.encode().await.unwrap();
        assert!(encoded.attempt().started.is_none(), "replayable");
        assert_eq!(encoded.segments.len(), 1, "one buffer");
        let b = boundary(&encoded);
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi \"there\"\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"a\":1}}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"w%22x.js\"; filename=\"w%22x.js\"\r\nContent-Type: application/octet-stream\r\n\r\nexport {{}}\r\n\
             --{b}--\r\n"
        );
        let body = collect(&encoded).await;
        assert_eq!(String::from_utf8(body.clone()).unwrap(), expected);
        assert_eq!(encoded.len, body.len() as u64);
    }

    #[tokio::test]
    async fn file_parts_stream_and_start_only_when_polled() {
        let dir = std::env::temp_dir().join(format!("multipart-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.bin");
        let content: Vec<u8> = (0..(CHUNK * 2 + 17)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let form = Multipart::new().file("big", FilePart::path(&path));
        let encoded = form.encode().await.unwrap();
        let started = encoded.attempt().started.expect("a file part streams");
        assert!(
            !started.load(Ordering::Relaxed),
            "nothing asked for data yet"
        );
        let body = collect(&encoded).await;
        assert_eq!(encoded.len, body.len() as u64);
        let head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"big\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            boundary(&encoded)
        );
        assert!(body.starts_with(head.as_bytes()));
        assert_eq!(&body[head.len()..head.len() + content.len()], &content[..]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn a_large_part_in_memory_is_not_copied_and_still_replays() {
        let big = Bytes::from(vec![7u8; INLINE_MAX + 1]);
        let form = Multipart::new().file("big", FilePart::bytes(big.clone()));
        let encoded = form.encode().await.unwrap();
        assert!(encoded.attempt().started.is_none(), "replayable");
        let shared = encoded.segments.iter().any(|s| match s {
            Segment::Bytes(b) => b.as_ptr() == big.as_ptr(),
            Segment::File { .. } => false,
        });
        assert!(shared, "the part's own buffer is sent");
        assert_eq!(encoded.len, collect(&encoded).await.len() as u64);
    }

    #[tokio::test]
    async fn problems_are_kept_or_reported() {
        let bad_type = Multipart::new().file("f", FilePart::bytes("x").content_type("a\nb"));
        assert!(bad_type.error().unwrap().contains("invalid content type"));
        let missing = Multipart::new().file("f", FilePart::path("/nonexistent/file.bin"));
        let err = missing.encode().await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("`f`"), "{err}");
        let replaced = Multipart::new().text("a", "1").text("b", "2").remove("a");
        assert_eq!(replaced.parts.len(), 1);
    }

    #[test]
    fn a_module_part_is_named_after_its_module() {
        let form = Multipart::new().named_file_or(
            "worker.js",
            FilePart::path("dist/out-3f9a.mjs"),
            "application/javascript+module",
        );
        assert_eq!(form.parts[0].file_name.as_deref(), Some("worker.js"));
        let same = Multipart::new().named_file_or(
            "lib/util.js",
            FilePart::bytes("x").file_name("lib/util.js"),
            "application/javascript+module",
        );
        assert!(same.error().is_none());
        let other = Multipart::new().named_file_or(
            "worker.js",
            FilePart::bytes("x").file_name("out.js"),
            "application/javascript+module",
        );
        assert!(other.error().unwrap().contains("`out.js`"), "{other:?}");
    }
}
