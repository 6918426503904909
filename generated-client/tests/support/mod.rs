//! A scripted HTTP/1.1 server on 127.0.0.1 for client tests.
//!
//! Each incoming request is recorded and answered with the next [`Reply`] of
//! the script (or the fallback once the script is used up), or by a function
//! of the request ([`Server::respond`], e.g. by its query string). Replies can be
//! delayed, cut off mid-body, stall mid-body, or reset the connection, so the
//! real reqwest/hyper stack of the client meets real faults. A body can also
//! be generated on the fly ([`Reply::pattern`]), so a benchmark can serve a
//! gigabyte without holding it, and request bodies can be counted and
//! dropped as they arrive ([`Server::sink`]), so one can receive a gigabyte
//! too. It binds only to loopback and stops when the [`Server`] is dropped.
//! [`example_binary`] builds an example for the tests that run it against
//! such a server.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How the server answers one request.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// When set, the body is this many bytes of [`pattern_byte`], generated
    /// while sending instead of `body`.
    pattern_len: Option<u64>,
    delay: Duration,
    fault: Fault,
}

/// Byte `i` of a [`Reply::pattern`] body. 251 is prime, so the pattern does
/// not line up with any power-of-two chunk size.
pub fn pattern_byte(i: u64) -> u8 {
    (i % 251) as u8
}

#[derive(Debug, Clone)]
enum Fault {
    None,
    /// Announce the full `Content-Length`, send this many body bytes, close.
    TruncateAfter(usize),
    /// Send this many body bytes, pause, then send the rest.
    StallAfter(usize, Duration),
    /// Read the request, then reset the connection (RST) without answering.
    Reset,
    /// A body sent piece by piece as it is written: `chunked`, or ended by
    /// closing the connection.
    Pieces {
        pieces: Vec<Piece>,
        chunked: bool,
    },
}

/// One step of a body sent as it is written ([`Reply::chunked`]).
#[derive(Debug, Clone)]
pub enum Piece {
    /// These bytes, as one write (one HTTP chunk when chunked).
    Send(Vec<u8>),
    /// A pause before the next piece.
    Pause(Duration),
    /// Close the connection here, without ending the body properly.
    Cut,
}

impl Piece {
    pub fn text(text: &str) -> Piece {
        Piece::Send(text.as_bytes().to_vec())
    }

    pub fn pause_ms(ms: u64) -> Piece {
        Piece::Pause(Duration::from_millis(ms))
    }
}

impl Reply {
    /// An empty-bodied reply with this status.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            pattern_len: None,
            delay: Duration::ZERO,
            fault: Fault::None,
        }
    }

    /// A JSON reply.
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    /// A 200 Cloudflare envelope around `result`.
    pub fn envelope(result: serde_json::Value) -> Reply {
        Reply::json(
            200,
            serde_json::json!({"success": true, "errors": [], "messages": [], "result": result}),
        )
    }

    /// Resets the connection after reading the request.
    pub fn reset() -> Reply {
        Reply {
            fault: Fault::Reset,
            ..Reply::status(0)
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self.pattern_len = None;
        self
    }

    /// A body of `len` bytes of [`pattern_byte`], generated while it is sent
    /// (faults do not apply to it).
    pub fn pattern(mut self, len: u64) -> Reply {
        self.body = Vec::new();
        self.pattern_len = Some(len);
        self
    }

    /// Waits this long before answering.
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Sends only the first `sent` body bytes (after a full Content-Length),
    /// then closes the connection.
    pub fn truncate_after(mut self, sent: usize) -> Reply {
        self.fault = Fault::TruncateAfter(sent);
        self
    }

    /// A body written piece by piece with `Transfer-Encoding: chunked`,
    /// each piece as it comes (pauses between them), ended properly unless
    /// a [`Piece::Cut`] closes the connection first.
    pub fn chunked(mut self, pieces: Vec<Piece>) -> Reply {
        self.fault = Fault::Pieces {
            pieces,
            chunked: true,
        };
        self
    }

    /// A body written piece by piece with no length and no chunks: its end
    /// is the connection's (a clean close is the only end there is).
    pub fn until_close(mut self, pieces: Vec<Piece>) -> Reply {
        self.fault = Fault::Pieces {
            pieces,
            chunked: false,
        };
        self
    }

    /// Sends the first `sent` body bytes, pauses for `pause`, sends the rest.
    pub fn stall_after(mut self, sent: usize, pause: Duration) -> Reply {
        self.fault = Fault::StallAfter(sent, pause);
        self
    }
}

/// A fresh folder under the system temp folder, removed when dropped.
#[derive(Debug)]
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "generated-client-test-{name}-{}-{:08x}",
            std::process::id(),
            fastrand::u32(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// The names in the folder, sorted.
    pub fn entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, exactly as sent on the request line.
    pub target: String,
    /// Header names are lower-case.
    pub headers: Vec<(String, String)>,
    /// Empty when the server drops bodies ([`Server::sink`]).
    pub body: Vec<u8>,
    /// How many body bytes arrived.
    pub body_len: u64,
    pub at: Instant,
    /// What a forwarding server ([`Server::forward`]) got back from
    /// upstream and passed on: status, headers, body.
    pub upstream: Option<Answer>,
}

/// What a forwarding server's upstream answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// Header names are lower-case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body passed on instead of `body`, when a rewriting forwarder
    /// ([`Server::forward_rewriting`]) changed it.
    pub passed_on: Option<Vec<u8>>,
}

impl Recorded {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query string (without `?`; empty when there is none).
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, query)| query)
    }

    /// The first value of a query parameter, decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(self.query()).unwrap();
        pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The body parsed as JSON; panics with the body when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The raw request head and body, for "the secret is nowhere" checks.
    pub fn all_text(&self) -> String {
        let mut text = format!("{} {}\n", self.method, self.target);
        for (k, v) in &self.headers {
            text.push_str(&format!("{k}: {v}\n"));
        }
        text.push_str(&String::from_utf8_lossy(&self.body));
        text
    }
}

/// Makes the reply to a request.
type Responder = Box<dyn Fn(&Recorded) -> Reply + Send + Sync>;

struct State {
    script: Mutex<VecDeque<Reply>>,
    /// Answers once the script is used up, instead of `fallback`.
    responder: Option<Responder>,
    fallback: Reply,
    requests: Mutex<Vec<Recorded>>,
    /// Whether request bodies are kept, or only counted.
    keep_bodies: bool,
    /// Where a forwarding server sends every request.
    upstream: Option<Upstream>,
    /// Bytes of pattern bodies written so far (whether a client read a
    /// large body, or closed the connection first).
    pattern_sent: std::sync::atomic::AtomicU64,
}

/// A forwarding server's upstream: a base URL and headers added to every
/// request sent there, and what rewrites its answers, if anything does.
struct Upstream {
    http: reqwest::Client,
    base: String,
    headers: Vec<(String, String)>,
    rewrite: Option<Rewrite>,
}

/// Given upstream's answer, the body to pass on instead (`None`: as it came).
type Rewrite = Box<dyn Fn(&Answer) -> Option<Vec<u8>> + Send + Sync>;

/// The running server; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Server {
    /// Answers with `script` in order, then with 400 "script exhausted".
    pub async fn start(script: impl IntoIterator<Item = Reply>) -> Server {
        let fallback = Reply::status(400).body("test server: script exhausted");
        Server::with_fallback(script, fallback).await
    }

    /// Answers every request with `reply`.
    pub async fn repeat(reply: Reply) -> Server {
        Server::with_fallback([], reply).await
    }

    pub async fn with_fallback(script: impl IntoIterator<Item = Reply>, fallback: Reply) -> Server {
        Server::spawn(State {
            script: Mutex::new(script.into_iter().collect()),
            responder: None,
            fallback,
            requests: Mutex::new(Vec::new()),
            keep_bodies: true,
            upstream: None,
            pattern_sent: Default::default(),
        })
        .await
    }

    /// Sends every request on to `base` (with `headers` added) and answers
    /// with what comes back, recording both ([`Recorded::upstream`]): a
    /// window on exactly what a client received from a real server.
    pub async fn forward(base: &str, headers: &[(&str, &str)]) -> Server {
        Server::forwarding(base, headers, None).await
    }

    /// [`Server::forward`], passing on the body `rewrite` makes of each
    /// answer instead of the one upstream sent, when it makes one (status
    /// and headers stay, `Content-Length` is the new body's). Both bodies
    /// are recorded ([`Answer::passed_on`]).
    pub async fn forward_rewriting(
        base: &str,
        headers: &[(&str, &str)],
        rewrite: impl Fn(&Answer) -> Option<Vec<u8>> + Send + Sync + 'static,
    ) -> Server {
        Server::forwarding(base, headers, Some(Box::new(rewrite))).await
    }

    async fn forwarding(base: &str, headers: &[(&str, &str)], rewrite: Option<Rewrite>) -> Server {
        Server::spawn(State {
            script: Mutex::new(VecDeque::new()),
            responder: None,
            fallback: Reply::status(500),
            requests: Mutex::new(Vec::new()),
            keep_bodies: true,
            pattern_sent: Default::default(),
            upstream: Some(Upstream {
                http: reqwest::Client::new(),
                base: base.trim_end_matches('/').to_owned(),
                headers: headers
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                rewrite,
            }),
        })
        .await
    }

    /// Answers every request with `reply`, counting request bodies as they
    /// arrive and keeping none of them ([`Recorded::body_len`]).
    pub async fn sink(reply: Reply) -> Server {
        Server::spawn(State {
            script: Mutex::new(VecDeque::new()),
            responder: None,
            fallback: reply,
            requests: Mutex::new(Vec::new()),
            keep_bodies: false,
            upstream: None,
            pattern_sent: Default::default(),
        })
        .await
    }

    /// Answers every request with `respond(request)`.
    pub async fn respond(respond: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        Server::spawn(State {
            script: Mutex::new(VecDeque::new()),
            responder: Some(Box::new(respond)),
            fallback: Reply::status(500),
            requests: Mutex::new(Vec::new()),
            keep_bodies: true,
            upstream: None,
            pattern_sent: Default::default(),
        })
        .await
    }

    async fn spawn(state: State) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(state);
        let accept_state = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                // Without it, a reply written as head then body can wait for
                // the client's delayed ACK (Nagle), adding up to 40 ms.
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, accept_state.clone()));
            }
        });
        Server { addr, state, task }
    }

    /// `http://127.0.0.1:<port>`, to use as a base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn hits(&self) -> usize {
        self.state.requests.lock().unwrap().len()
    }

    /// Bytes of [`Reply::pattern`] bodies written so far: the server blocks
    /// once the connection's buffers are full, so a client that refuses a
    /// large body unread stops it after a few MiB at most.
    pub fn pattern_bytes_sent(&self) -> u64 {
        self.state
            .pattern_sent
            .load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one connection: requests in sequence (keep-alive) until the client
/// closes it or a fault ends it.
async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let mut buf = Vec::new();
    loop {
        let Some(mut request) = read_request(&mut stream, &mut buf, state.keep_bodies).await else {
            return;
        };
        let reply = match &state.upstream {
            Some(upstream) => {
                let (reply, answer) = forward(upstream, &request).await;
                request.upstream = Some(answer);
                reply
            }
            None => {
                let scripted = state.script.lock().unwrap().pop_front();
                scripted.unwrap_or_else(|| match &state.responder {
                    Some(respond) => respond(&request),
                    None => state.fallback.clone(),
                })
            }
        };
        state.requests.lock().unwrap().push(request);
        // A zero sleep still waits for the next timer tick (~1 ms), which
        // would dominate the latency of small requests in benchmarks.
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        if write_reply(&mut stream, reply, &state.pattern_sent)
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Sends `request` to `upstream`; the reply to pass on, and what came back.
async fn forward(upstream: &Upstream, request: &Recorded) -> (Reply, Answer) {
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
    let mut outgoing = upstream
        .http
        .request(method, format!("{}{}", upstream.base, request.target))
        .body(request.body.clone());
    for (name, value) in &request.headers {
        // reqwest sets these for the new connection and body.
        if !["host", "content-length", "connection"].contains(&name.as_str()) {
            outgoing = outgoing.header(name, value);
        }
    }
    for (name, value) in &upstream.headers {
        outgoing = outgoing.header(name, value);
    }
    let (status, headers, body) = match outgoing.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = response
                .bytes()
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            (status, headers, body)
        }
        Err(err) => (
            502,
            Vec::new(),
            format!("forwarding failed: {err}").into_bytes(),
        ),
    };
    let mut answer = Answer {
        status,
        headers,
        body,
        passed_on: None,
    };
    answer.passed_on = upstream
        .rewrite
        .as_ref()
        .and_then(|rewrite| rewrite(&answer));
    let passed_on = answer.passed_on.as_ref().unwrap_or(&answer.body);
    let mut reply = Reply::status(status).body(passed_on.clone());
    for (name, value) in &answer.headers {
        // The body is passed on whole, with its own length.
        if !["content-length", "transfer-encoding", "connection"].contains(&name.as_str()) {
            reply = reply.header(name, value);
        }
    }
    (reply, answer)
}

/// Reads one request; `None` when the connection ends first. `buf` carries
/// bytes already read past the previous request. Without `keep_body`, the
/// body is counted and dropped as it arrives.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    keep_body: bool,
) -> Option<Recorded> {
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    buf.drain(..head_end + 4);

    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        let (body, body_len) = read_chunked(stream, buf, keep_body).await?;
        return Some(Recorded {
            method,
            target,
            headers,
            body,
            body_len,
            at: Instant::now(),
            upstream: None,
        });
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    if !keep_body {
        let mut left = length - buf.len().min(length);
        buf.drain(..length.min(buf.len()));
        let mut chunk = vec![0u8; 256 << 10];
        while left > 0 {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            // Bytes past the body belong to the next request.
            if n > left {
                buf.extend_from_slice(&chunk[left..n]);
            }
            left = left.saturating_sub(n);
        }
        return Some(Recorded {
            method,
            target,
            headers,
            body: Vec::new(),
            body_len: length as u64,
            at: Instant::now(),
            upstream: None,
        });
    }
    while buf.len() < length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf.drain(..length).collect();
    Some(Recorded {
        method,
        target,
        headers,
        body,
        body_len: length as u64,
        at: Instant::now(),
        upstream: None,
    })
}

/// Reads a `Transfer-Encoding: chunked` body: the body (empty unless
/// `keep_body`) and its length.
async fn read_chunked(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    keep_body: bool,
) -> Option<(Vec<u8>, u64)> {
    let mut body = Vec::new();
    let mut total = 0u64;
    loop {
        let line_end = loop {
            if let Some(pos) = buf.windows(2).position(|w| w == b"\r\n") {
                break pos;
            }
            fill(stream, buf).await?;
        };
        let size_text = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        buf.drain(..line_end + 2);
        // The data and the CRLF after it (after the last, empty, chunk: the
        // CRLF that ends the trailers, none here).
        while buf.len() < size + 2 {
            fill(stream, buf).await?;
        }
        if keep_body {
            body.extend_from_slice(&buf[..size]);
        }
        buf.drain(..size + 2);
        total += size as u64;
        if size == 0 {
            return Some((body, total));
        }
    }
}

/// Reads more of the connection into `buf`; `None` when it ended.
async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<()> {
    let mut chunk = vec![0u8; 64 << 10];
    let n = stream.read(&mut chunk).await.ok()?;
    if n == 0 {
        return None;
    }
    buf.extend_from_slice(&chunk[..n]);
    Some(())
}

async fn write_reply(
    stream: &mut TcpStream,
    reply: Reply,
    pattern_sent: &std::sync::atomic::AtomicU64,
) -> std::io::Result<()> {
    if let Fault::Reset = reply.fault {
        // SO_LINGER 0 makes the close send RST instead of FIN.
        stream.set_zero_linger()?;
        return Err(std::io::Error::other("reset"));
    }
    let reason = generated_client::runtime::StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Whatever");
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Fault::Pieces { pieces, chunked } = &reply.fault {
        head.push_str(if *chunked {
            "transfer-encoding: chunked\r\n\r\n"
        } else {
            "connection: close\r\n\r\n"
        });
        stream.write_all(head.as_bytes()).await?;
        stream.flush().await?;
        return write_pieces(stream, pieces, *chunked).await;
    }
    // A reply that sets its own framing (`Content-Length`, or a body
    // already chunked with `Transfer-Encoding: chunked`) keeps it.
    if !reply.headers.iter().any(|(k, _)| {
        k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("transfer-encoding")
    }) {
        let length = reply.pattern_len.unwrap_or(reply.body.len() as u64);
        head.push_str(&format!("content-length: {length}\r\n"));
    }
    head.push_str("\r\n");
    if let Some(len) = reply.pattern_len {
        stream.write_all(head.as_bytes()).await?;
        write_pattern(stream, len, pattern_sent).await?;
        return stream.flush().await;
    }
    if let Fault::None = reply.fault {
        // One write for head and body: one segment for small replies.
        let mut all = head.into_bytes();
        all.extend_from_slice(&reply.body);
        stream.write_all(&all).await?;
        return stream.flush().await;
    }
    stream.write_all(head.as_bytes()).await?;
    match reply.fault {
        Fault::None | Fault::Reset | Fault::Pieces { .. } => stream.write_all(&reply.body).await?,
        Fault::TruncateAfter(sent) => {
            stream.write_all(&reply.body[..sent]).await?;
            stream.flush().await?;
            stream.shutdown().await?;
            return Err(std::io::Error::other("truncated"));
        }
        Fault::StallAfter(sent, pause) => {
            stream.write_all(&reply.body[..sent]).await?;
            stream.flush().await?;
            tokio::time::sleep(pause).await;
            stream.write_all(&reply.body[sent..]).await?;
        }
    }
    stream.flush().await
}

/// Writes a body piece by piece; the connection is closed after it unless
/// it was properly chunked.
async fn write_pieces(
    stream: &mut TcpStream,
    pieces: &[Piece],
    chunked: bool,
) -> std::io::Result<()> {
    for piece in pieces {
        match piece {
            Piece::Send(bytes) if chunked => {
                let mut chunk = format!("{:x}\r\n", bytes.len()).into_bytes();
                chunk.extend_from_slice(bytes);
                chunk.extend_from_slice(b"\r\n");
                stream.write_all(&chunk).await?;
            }
            Piece::Send(bytes) => stream.write_all(bytes).await?,
            Piece::Pause(pause) => tokio::time::sleep(*pause).await,
            Piece::Cut => {
                stream.flush().await?;
                stream.shutdown().await?;
                return Err(std::io::Error::other("cut"));
            }
        }
        stream.flush().await?;
    }
    if chunked {
        stream.write_all(b"0\r\n\r\n").await?;
        return stream.flush().await;
    }
    stream.shutdown().await?;
    Err(std::io::Error::other("closed: the end of the body"))
}

/// Sends `len` bytes of [`pattern_byte`] in 256 KiB writes, from one buffer
/// that holds a chunk plus one period of the pattern, so memory stays small
/// whatever `len` is.
async fn write_pattern(
    stream: &mut TcpStream,
    len: u64,
    counted: &std::sync::atomic::AtomicU64,
) -> std::io::Result<()> {
    const CHUNK: usize = 256 << 10;
    const PERIOD: usize = 251;
    let buffer: Vec<u8> = (0..(CHUNK + PERIOD) as u64).map(pattern_byte).collect();
    let mut sent = 0u64;
    while sent < len {
        let n = (len - sent).min(CHUNK as u64) as usize;
        let start = (sent % PERIOD as u64) as usize;
        stream.write_all(&buffer[start..start + n]).await?;
        sent += n as u64;
        counted.fetch_add(n as u64, std::sync::atomic::Ordering::SeqCst);
    }
    Ok(())
}

/// An example's binary, built by the cargo that runs the test.
///
/// Under `cargo test --test <name>` cargo does not build examples, and
/// under a plain `cargo test` an example binary may be stale, so this asks
/// cargo to build it (a no-op when it is fresh) and takes the path from
/// cargo's JSON messages rather than guessing the target folder. Cargo holds
/// the build lock only while compiling, not while tests run, so this nested
/// build does not deadlock.
pub fn example_binary(name: &str) -> std::path::PathBuf {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    static BUILT: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap();
    if let Some((_, path)) = built.iter().find(|(n, _)| n == name) {
        return path.clone();
    }
    let exe = std::env::current_exe().unwrap();
    // `target/<profile dir>/deps/<test>-<hash>`; the dev profile's dir is `debug`.
    let profile = match exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
    {
        Some(dir) if dir != "debug" => dir.to_string_lossy().into_owned(),
        _ => "dev".to_owned(),
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    // Cargo gives the test the variables it sets for a crate being run
    // (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`…). Passed on, they would make the
    // nested cargo see a changed environment and rebuild dependencies whose
    // build scripts track them (ring does).
    for (var, _) in std::env::vars_os() {
        let var = var.to_string_lossy();
        if var.starts_with("CARGO_PKG_")
            || var.starts_with("CARGO_BIN_")
            || var.starts_with("CARGO_MANIFEST_")
            || [
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
            ]
            .contains(&&*var)
        {
            command.env_remove(&*var);
        }
    }
    let output = command
        .args(["build", "--quiet", "--message-format=json", "--profile"])
        .arg(&profile)
        .args(["-p", "generated-client", "--example", name])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "building the example {name} failed"
    );
    let path = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the example's executable");
    built.push((name.to_owned(), path.clone()));
    path
}
