//! The generated client against plain reqwest, on 127.0.0.1:
//!
//! - **download**: a 1 GiB `download_simple_pcap` (generated on the fly by
//!   the scripted test server, never held in memory), drained with
//!   `stream()` and written with `write_to(path)`, against reqwest streaming
//!   the same bytes (`chunk()` and a hand-written atomic file write); then
//!   the peak RSS (`VmHWM`) of a fresh child process that does only the
//!   client download to a file;
//! - **small**: 1,000 sequential `get_pcap_request` calls (a JSON envelope
//!   decoded into `PcapRequest`), by a client without hooks and by one with
//!   a hook (counting attempts and their status, as a metrics hook does),
//!   against reqwest + serde_json doing the same;
//! - **pages**: a list of 100 pages of 1,000 small records read with
//!   `.items()`, against reqwest + serde_json requesting the same 100 pages
//!   one by one (decoding `result` and `result_info`, stopping at
//!   `total_pages`);
//! - **upload**: a 256 MiB file sent as the `value` part of a KV write
//!   (`FilePart::path`, streamed from disk) to a server that counts and drops
//!   what it receives, against reqwest streaming the same file as a plain
//!   body; then the peak RSS of fresh child processes that do one upload
//!   each, from the path and (for comparison) from the file read into memory;
//! - **large**: a 300 MiB JSON success body that does not decode, fetched
//!   with `get_pcap_request` by fresh child processes: its peak RSS with
//!   the default 64 MiB limit (refused from its `Content-Length`) and with
//!   the limit raised above it (read, then a `Decode` error that keeps
//!   64 KiB of it).
//!
//! ```text
//! cargo bench -p generated-client --bench client                  # everything, ~1-2 min
//! cargo bench -p generated-client --bench client -- small         # one part
//! cargo bench -p generated-client --bench client -- pages --pages 100 --per-page 1000
//! cargo bench -p generated-client --bench client -- download --mib 256 --rounds 2
//! cargo bench -p generated-client --bench client -- upload --upload-mib 512
//! cargo bench -p generated-client --bench client -- large --json-mib 300
//! ```
//!
//! Runs alternate between the two sides so that drift (page cache, CPU
//! frequency, the other core's load) hits both alike; the summary shows the
//! median and best round of each.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::TryStreamExt;
use generated_client::Client;
use generated_client::magic_pcap_collection::PcapRequest;
use generated_client::runtime::{AttemptOutcome, FilePart, Hook, List, Method, PathPart, Request};
use generated_client::workers_kv_namespace::KvWrite;
use serde::Deserialize;
use serde_json::json;
use support::{Reply, Server};
use tokio::io::AsyncWriteExt;

const TOKEN: &str = "bench-token";
const ACCOUNT: &str = "acc-1";
const PCAP_ID: &str = "p-1";
const PCAP_MEDIA_TYPE: &str = "application/vnd.tcpdump.pcap";
const MIB: u64 = 1 << 20;
/// The peak RSS the client download must stay under.
const RSS_LIMIT_MIB: f64 = 32.0;

#[derive(Debug)]
struct Args {
    download: bool,
    small: bool,
    pages: bool,
    upload: bool,
    large: bool,
    mib: u64,
    json_mib: u64,
    upload_mib: u64,
    rounds: usize,
    requests: usize,
    page_count: u64,
    per_page: u64,
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("child") {
        child(&argv[1..]);
        return;
    }
    let args = parse(&argv);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "generated-client vs reqwest on 127.0.0.1 ({} cores, release build)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut verdicts = Vec::new();
    if args.download {
        verdicts.extend(runtime.block_on(download(&args)));
    }
    if args.small {
        verdicts.push(runtime.block_on(small(&args)));
    }
    if args.pages {
        verdicts.push(runtime.block_on(pages(&args)));
    }
    if args.upload {
        verdicts.extend(runtime.block_on(upload(&args)));
    }
    if args.large {
        verdicts.push(runtime.block_on(large(&args)));
    }
    println!("\nsummary");
    for (ok, line) in &verdicts {
        println!("  [{}] {line}", if *ok { "ok" } else { "MISS" });
    }
}

fn parse(argv: &[String]) -> Args {
    let mut args = Args {
        download: false,
        small: false,
        pages: false,
        upload: false,
        large: false,
        mib: 1024,
        json_mib: 300,
        upload_mib: 256,
        rounds: 5,
        requests: 1000,
        page_count: 100,
        per_page: 1000,
    };
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let mut number = |what: &str| -> u64 {
            it.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{what} needs a number"))
        };
        match arg.as_str() {
            "download" => args.download = true,
            "small" => args.small = true,
            "pages" => args.pages = true,
            "upload" => args.upload = true,
            "large" => args.large = true,
            "--json-mib" => args.json_mib = number("--json-mib").max(1),
            "--mib" => args.mib = number("--mib").max(1),
            "--upload-mib" => args.upload_mib = number("--upload-mib").max(1),
            "--rounds" => args.rounds = number("--rounds").max(1) as usize,
            "--requests" => args.requests = number("--requests").max(1) as usize,
            "--pages" => args.page_count = number("--pages").max(1),
            "--per-page" => args.per_page = number("--per-page").max(1),
            // Passed by `cargo bench`; filters of other harnesses are ignored.
            _ => {}
        }
    }
    if !args.download && !args.small && !args.pages && !args.upload && !args.large {
        args.download = true;
        args.small = true;
        args.pages = true;
        args.upload = true;
        args.large = true;
    }
    args
}

fn generated(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .allow_http(true)
        .api_token(TOKEN)
        .build()
        .unwrap()
}

fn plain() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}

fn download_url(base_url: &str) -> String {
    format!("{base_url}/accounts/{ACCOUNT}/pcaps/{PCAP_ID}/download")
}

// ---------------------------------------------------------------------------
// Download

/// Drains the generated client's `stream()`; returns the byte count.
async fn client_stream(client: &Client) -> u64 {
    let raw = client
        .magic_pcap_collection()
        .download_simple_pcap(ACCOUNT, PCAP_ID)
        .await
        .unwrap();
    let mut stream = raw.stream();
    let mut n = 0;
    while let Some(chunk) = stream.next().await {
        n += chunk.unwrap().len() as u64;
    }
    n
}

async fn client_write(client: &Client, path: &Path) -> u64 {
    client
        .magic_pcap_collection()
        .download_simple_pcap(ACCOUNT, PCAP_ID)
        .await
        .unwrap()
        .write_to(path)
        .await
        .unwrap()
}

async fn reqwest_response(http: &reqwest::Client, base_url: &str) -> reqwest::Response {
    http.get(download_url(base_url))
        .bearer_auth(TOKEN)
        .header("accept", PCAP_MEDIA_TYPE)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
}

async fn reqwest_stream(http: &reqwest::Client, base_url: &str) -> u64 {
    let mut response = reqwest_response(http, base_url).await;
    let mut n = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        n += chunk.len() as u64;
    }
    n
}

/// What `write_to` does, written by hand: a temporary file beside the
/// target, every chunk written, fsync, rename.
async fn reqwest_write(http: &reqwest::Client, base_url: &str, path: &Path) -> u64 {
    let mut response = reqwest_response(http, base_url).await;
    let temp = path.with_extension("part");
    let mut file = tokio::fs::File::create(&temp).await.unwrap();
    let mut n = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        file.write_all(&chunk).await.unwrap();
        n += chunk.len() as u64;
    }
    file.flush().await.unwrap();
    file.sync_all().await.unwrap();
    drop(file);
    tokio::fs::rename(&temp, path).await.unwrap();
    n
}

/// Checks every byte of one client download against the pattern (outside
/// the timed runs, which only count bytes).
async fn verify_client_bytes(client: &Client, len: u64) {
    let mut stream = client
        .magic_pcap_collection()
        .download_simple_pcap(ACCOUNT, PCAP_ID)
        .await
        .unwrap()
        .stream();
    let mut at = 0u64;
    while let Some(chunk) = stream.next().await {
        for &byte in chunk.unwrap().iter() {
            assert_eq!(byte, support::pattern_byte(at), "byte {at}");
            at += 1;
        }
    }
    assert_eq!(at, len);
}

/// Seconds of each round, per side, alternating A, B, A, B…
#[derive(Default)]
struct Rounds {
    a: Vec<f64>,
    b: Vec<f64>,
}

impl Rounds {
    fn median(v: &[f64]) -> f64 {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    fn best(v: &[f64]) -> f64 {
        v.iter().copied().fold(f64::INFINITY, f64::min)
    }
}

async fn download(args: &Args) -> Vec<(bool, String)> {
    let len = args.mib * MIB;
    let server = Server::repeat(
        Reply::status(200)
            .header("content-type", PCAP_MEDIA_TYPE)
            .pattern(len),
    )
    .await;
    let base = server.url();
    let client = generated(&base);
    let http = plain();
    let dir = std::env::temp_dir().join(format!("generated-client-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut verdicts = Vec::new();

    println!(
        "\ndownload: {} MiB, {} round(s) per side",
        args.mib, args.rounds
    );
    verify_client_bytes(&client, len).await;
    // Warm both connection pools (and the page cache for the file runs).
    assert_eq!(client_stream(&client).await, len);
    assert_eq!(reqwest_stream(&http, &base).await, len);

    let mut drain = Rounds::default();
    let mut file = Rounds::default();
    for _ in 0..args.rounds {
        let t = Instant::now();
        assert_eq!(client_stream(&client).await, len);
        drain.a.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        assert_eq!(reqwest_stream(&http, &base).await, len);
        drain.b.push(t.elapsed().as_secs_f64());
    }
    for round in 0..args.rounds {
        let a = dir.join(format!("client-{round}.pcap"));
        let t = Instant::now();
        assert_eq!(client_write(&client, &a).await, len);
        file.a.push(t.elapsed().as_secs_f64());
        assert_eq!(std::fs::metadata(&a).unwrap().len(), len);
        std::fs::remove_file(&a).unwrap();
        let b = dir.join(format!("reqwest-{round}.pcap"));
        let t = Instant::now();
        assert_eq!(reqwest_write(&http, &base, &b).await, len);
        file.b.push(t.elapsed().as_secs_f64());
        std::fs::remove_file(&b).unwrap();
    }

    let mibs = |secs: f64| args.mib as f64 / secs;
    for (what, rounds) in [
        ("stream() drained vs reqwest chunk()", &drain),
        ("write_to(path) vs reqwest + tokio file", &file),
    ] {
        let (a, b) = (Rounds::median(&rounds.a), Rounds::median(&rounds.b));
        println!("  {what}");
        println!(
            "    generated-client  median {:>7.0} MiB/s  best {:>7.0} MiB/s",
            mibs(a),
            mibs(Rounds::best(&rounds.a))
        );
        println!(
            "    reqwest           median {:>7.0} MiB/s  best {:>7.0} MiB/s",
            mibs(b),
            mibs(Rounds::best(&rounds.b))
        );
        let ratio = mibs(a) / mibs(b);
        verdicts.push((
            ratio >= 0.9,
            format!(
                "download, {what}: {:.0} vs {:.0} MiB/s = {:.0}% of reqwest (target >= 90%)",
                mibs(a),
                mibs(b),
                ratio * 100.0
            ),
        ));
    }

    // Peak RSS, in fresh processes that do only one download each.
    println!("  peak RSS (VmHWM) of a child process doing one download");
    let mut client_peak = 0.0;
    for mode in ["idle", "client-write", "client-stream", "reqwest-write"] {
        let target = dir.join(format!("{mode}.pcap"));
        let peak = run_child(mode, &base, &target, len).await;
        let _ = std::fs::remove_file(&target);
        println!("    {mode:<14} {peak:>6.1} MiB");
        if mode == "client-write" {
            client_peak = peak;
        }
    }
    verdicts.push((
        client_peak < RSS_LIMIT_MIB,
        format!(
            "download, peak RSS of write_to(path) for {} MiB: {client_peak:.1} MiB (target < {RSS_LIMIT_MIB} MiB)",
            args.mib
        ),
    ));
    let _ = std::fs::remove_dir_all(&dir);
    verdicts
}

/// Runs this binary as `child <mode> <base url> <path> <len>` and returns its
/// peak RSS in MiB.
async fn run_child(mode: &str, base: &str, path: &Path, len: u64) -> f64 {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args([
        "child",
        mode,
        base,
        &path.to_string_lossy(),
        &len.to_string(),
    ]);
    // The server lives in this process: wait on a blocking thread.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child {mode} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let kib: f64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM_KIB="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("child {mode} printed no VmHWM: {stdout}"));
    kib / 1024.0
}

/// The child: one download (or none, for `idle`) on a default multi-threaded
/// runtime, as `#[tokio::main]` builds it, then its peak RSS.
fn child(argv: &[String]) {
    let [mode, base, path, len] = argv else {
        panic!("usage: child <mode> <base url> <path> <len>");
    };
    let path = PathBuf::from(path);
    let len: u64 = len.parse().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = generated(base);
        let http = plain();
        let n = match mode.as_str() {
            "idle" => len,
            "client-write" => client_write(&client, &path).await,
            "client-stream" => client_stream(&client).await,
            "reqwest-write" => reqwest_write(&http, base, &path).await,
            "upload-path" => {
                client_upload(&client, FilePart::path(&path)).await;
                len
            }
            "json-default" | "json-raised" => {
                json_error(base, mode == "json-raised", len).await;
                len
            }
            "upload-bytes" => {
                let bytes = tokio::fs::read(&path).await.unwrap();
                client_upload(&client, FilePart::bytes(bytes)).await;
                len
            }
            other => panic!("unknown mode {other}"),
        };
        assert_eq!(n, len);
    });
    drop(runtime);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmHWM in /proc/self/status (Linux only)");
    println!("VmHWM_KIB={kib}");
}

// ---------------------------------------------------------------------------
// Large JSON

/// Peak RSS of a child process fetching a JSON success body of
/// `--json-mib` MiB that does not decode, with the default limit and with
/// one above the body.
async fn large(args: &Args) -> (bool, String) {
    let len = args.json_mib * MIB;
    // Generated while it is sent: the server never holds the body.
    let server = Server::repeat(
        Reply::status(200)
            .header("content-type", "application/json")
            .pattern(len),
    )
    .await;
    let base = server.url();
    println!(
        "\nlarge JSON: a {} MiB success body that does not decode, peak RSS (VmHWM) of a child process",
        args.json_mib
    );
    let mut default_peak = 0.0;
    for mode in ["idle", "json-default", "json-raised"] {
        let peak = run_child(mode, &base, Path::new("unused"), len).await;
        println!("    {mode:<14} {peak:>6.1} MiB");
        if mode == "json-default" {
            default_peak = peak;
        }
    }
    (
        default_peak < RSS_LIMIT_MIB,
        format!(
            "large JSON, peak RSS with the default limit for {} MiB: {default_peak:.1} MiB (target < {RSS_LIMIT_MIB} MiB)",
            args.json_mib
        ),
    )
}

/// One `get_pcap_request` of the large body; it must fail as the limit says.
async fn json_error(base_url: &str, raised: bool, len: u64) {
    let mut builder = Client::builder()
        .base_url(base_url)
        .allow_http(true)
        .api_token(TOKEN)
        .max_retries(0);
    if raised {
        builder = builder.max_response_size(len + MIB);
    }
    let err = builder
        .build()
        .unwrap()
        .magic_pcap_collection()
        .get_pcap_request(ACCOUNT, PCAP_ID)
        .await
        .unwrap_err();
    match (&err, raised) {
        (generated_client::Error::ResponseTooLarge { .. }, false) => {}
        (generated_client::Error::Decode { body, .. }, true) => {
            assert!(
                body.len() <= 64 << 10,
                "the error keeps {} bytes",
                body.len()
            );
        }
        _ => panic!("unexpected outcome: {err}"),
    }
}

// ---------------------------------------------------------------------------
// Upload

/// A KV write whose `value` part is `value`.
async fn client_upload(client: &Client, value: FilePart) {
    let body = KvWrite::new(value, &json!({"bench": true}));
    client
        .workers_kv_namespace()
        .write_key_value_pair_with_optional_metadata(ACCOUNT, "ns", "key", body)
        .await
        .unwrap();
}

/// The same file as a plain streamed body, with reqwest.
async fn reqwest_upload(http: &reqwest::Client, base_url: &str, path: &Path) -> u64 {
    let len = tokio::fs::metadata(path).await.unwrap().len();
    let file = tokio::fs::File::open(path).await.unwrap();
    let chunks = futures_util::stream::try_unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut chunk = bytes::BytesMut::with_capacity(256 << 10);
        let n = file.read_buf(&mut chunk).await?;
        Ok::<_, std::io::Error>((n > 0).then(|| (chunk.freeze(), file)))
    });
    http.put(format!(
        "{base_url}/accounts/{ACCOUNT}/storage/kv/namespaces/ns/values/key"
    ))
    .bearer_auth(TOKEN)
    .header("content-length", len)
    .body(reqwest::Body::wrap_stream(chunks))
    .send()
    .await
    .unwrap()
    .error_for_status()
    .unwrap();
    len
}

/// Writes `len` bytes of the pattern to `path`, a MiB at a time.
fn write_pattern_file(path: &Path, len: u64) {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let block: Vec<u8> = (0..MIB + 251).map(support::pattern_byte).collect();
    let mut at = 0;
    while at < len {
        let n = (len - at).min(MIB);
        let start = (at % 251) as usize;
        file.write_all(&block[start..start + n as usize]).unwrap();
        at += n;
    }
    file.flush().unwrap();
}

async fn upload(args: &Args) -> Vec<(bool, String)> {
    let len = args.upload_mib * MIB;
    let server = Server::sink(Reply::envelope(json!({}))).await;
    let base = server.url();
    let client = generated(&base);
    let http = plain();
    let dir = std::env::temp_dir().join(format!(
        "generated-client-bench-upload-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("value.bin");
    write_pattern_file(&file, len);
    let mut verdicts = Vec::new();

    println!(
        "\nupload: a {} MiB file part, {} round(s) per side",
        args.upload_mib, args.rounds
    );
    // Warm both connection pools and the page cache.
    client_upload(&client, FilePart::path(&file)).await;
    reqwest_upload(&http, &base, &file).await;
    let mut rounds = Rounds::default();
    for _ in 0..args.rounds {
        let t = Instant::now();
        client_upload(&client, FilePart::path(&file)).await;
        rounds.a.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        reqwest_upload(&http, &base, &file).await;
        rounds.b.push(t.elapsed().as_secs_f64());
    }
    let mibs = |secs: f64| args.upload_mib as f64 / secs;
    let (a, b) = (Rounds::median(&rounds.a), Rounds::median(&rounds.b));
    println!("  FilePart::path upload vs reqwest streaming the file");
    println!(
        "    generated-client  median {:>7.0} MiB/s  best {:>7.0} MiB/s",
        mibs(a),
        mibs(Rounds::best(&rounds.a))
    );
    println!(
        "    reqwest           median {:>7.0} MiB/s  best {:>7.0} MiB/s",
        mibs(b),
        mibs(Rounds::best(&rounds.b))
    );
    verdicts.push((
        mibs(a) / mibs(b) >= 0.8,
        format!(
            "upload, FilePart::path vs reqwest: {:.0} vs {:.0} MiB/s = {:.0}% (target >= 80%)",
            mibs(a),
            mibs(b),
            mibs(a) / mibs(b) * 100.0
        ),
    ));

    println!("  peak RSS (VmHWM) of a child process doing one upload");
    let mut path_peak = 0.0;
    for mode in ["idle", "upload-path", "upload-bytes"] {
        let peak = run_child(mode, &base, &file, len).await;
        println!("    {mode:<14} {peak:>6.1} MiB");
        if mode == "upload-path" {
            path_peak = peak;
        }
    }
    // Every body arrived whole: the file, plus a few hundred bytes of part
    // headers and boundaries for the multipart ones.
    for request in server.requests() {
        assert!(
            request.body_len >= len && request.body_len < len + 1024,
            "{} body bytes for a {len}-byte file",
            request.body_len
        );
    }
    verdicts.push((
        path_peak < RSS_LIMIT_MIB,
        format!(
            "upload, peak RSS of a {} MiB FilePart::path upload: {path_peak:.1} MiB (target < {RSS_LIMIT_MIB} MiB)",
            args.upload_mib
        ),
    ));
    let _ = std::fs::remove_dir_all(&dir);
    verdicts
}

// ---------------------------------------------------------------------------
// Small requests

#[derive(Deserialize)]
struct Envelope<T> {
    success: bool,
    result: T,
}

/// A metrics hook: counts attempts and successes.
#[derive(Default)]
struct Counting {
    attempts: std::sync::atomic::AtomicU64,
    successes: std::sync::atomic::AtomicU64,
}

impl Hook for Counting {
    fn after(&self, attempt: &AttemptOutcome<'_>) {
        use std::sync::atomic::Ordering::Relaxed;
        self.attempts.fetch_add(1, Relaxed);
        if attempt.status().is_some_and(|s| s.is_success()) {
            self.successes.fetch_add(1, Relaxed);
        }
    }
}

async fn small(args: &Args) -> (bool, String) {
    let result = json!({
        "id": PCAP_ID, "type": "simple", "system": "magic-transit", "status": "complete",
        "submitted": "2024-05-01T12:00:00Z", "time_limit": 10, "packet_limit": 100,
        "filter_v1": {"source_address": "192.0.2.1", "destination_port": 53}
    });
    let server = Server::repeat(Reply::envelope(result)).await;
    let base = server.url();
    let counting = std::sync::Arc::new(Counting::default());
    let hooked = Client::builder()
        .base_url(&base)
        .allow_http(true)
        .api_token(TOKEN)
        .hook(SharedHook(counting.clone()))
        .build()
        .unwrap();
    let plain_client = generated(&base);
    let http = plain();

    let generated_run = |client: &Client, n: usize| {
        let api = client.magic_pcap_collection();
        async move {
            let t = Instant::now();
            for _ in 0..n {
                let pcap: Option<PcapRequest> =
                    api.get_pcap_request(ACCOUNT, PCAP_ID).await.unwrap();
                assert!(pcap.is_some_and(|p| p.id.is_some()));
            }
            t.elapsed()
        }
    };
    let plain_run = |n: usize| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let t = Instant::now();
            for _ in 0..n {
                let response = http
                    .get(format!("{base}/accounts/{ACCOUNT}/pcaps/{PCAP_ID}"))
                    .bearer_auth(TOKEN)
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap();
                let body = response.bytes().await.unwrap();
                let envelope: Envelope<PcapRequest> = serde_json::from_slice(&body).unwrap();
                assert!(envelope.success && envelope.result.id.is_some());
            }
            t.elapsed()
        }
    };

    let n = args.requests;
    let rounds = args.rounds.max(5);
    println!("\nsmall: {n} sequential GETs per round, {rounds} rounds per side");
    generated_run(&plain_client, n / 5).await;
    generated_run(&hooked, n / 5).await;
    plain_run(n / 5).await;
    let (mut bare, mut hook, mut reqwest) = (Vec::new(), Vec::new(), Vec::new());
    let micros = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    for _ in 0..rounds {
        bare.push(micros(generated_run(&plain_client, n).await));
        hook.push(micros(generated_run(&hooked, n).await));
        reqwest.push(micros(plain_run(n).await));
    }
    let seen = counting
        .successes
        .load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(
        seen,
        (n / 5 + rounds * n) as u64,
        "the hook saw every attempt"
    );
    let (a, h, b) = (
        Rounds::median(&bare),
        Rounds::median(&hook),
        Rounds::median(&reqwest),
    );
    println!(
        "    generated-client          median {a:>6.1} µs/request  best {:>6.1}",
        Rounds::best(&bare)
    );
    println!(
        "    generated-client + hook   median {h:>6.1} µs/request  best {:>6.1}",
        Rounds::best(&hook)
    );
    println!(
        "    reqwest+serde             median {b:>6.1} µs/request  best {:>6.1}",
        Rounds::best(&reqwest)
    );
    let (ratio, hooked_ratio) = (a / b, h / b);
    (
        ratio < 1.1 && hooked_ratio < 1.1,
        format!(
            "small requests: {a:.1} µs ({ratio:.2}x), with a hook {h:.1} µs ({hooked_ratio:.2}x), reqwest {b:.1} µs per request (target < 1.1x)"
        ),
    )
}

/// A hook shared with the bench, which reads its counts.
struct SharedHook(std::sync::Arc<Counting>);

impl Hook for SharedHook {
    fn after(&self, attempt: &AttemptOutcome<'_>) {
        self.0.after(attempt);
    }
}

// ---------------------------------------------------------------------------
// Paging

/// A small list item, as a DNS record listing might return it.
#[derive(Deserialize)]
struct Record {
    id: String,
    name: String,
    ttl: u64,
    proxied: bool,
}

#[derive(Deserialize)]
struct PageInfo {
    page: u64,
    total_pages: u64,
}

#[derive(Deserialize)]
struct ListEnvelope {
    success: bool,
    result: Vec<Record>,
    result_info: PageInfo,
}

/// One page of the list, as the server sends it.
fn record_page(page: u64, per_page: u64, pages: u64) -> Reply {
    let first = (page - 1) * per_page;
    let result: Vec<serde_json::Value> = (first..first + per_page)
        .map(|i| json!({"id": format!("rec-{i:07}"), "name": format!("host-{i}.example.com"), "ttl": 300, "proxied": i % 2 == 0}))
        .collect();
    Reply::json(
        200,
        json!({
            "success": true, "errors": [], "messages": [], "result": result,
            "result_info": {"page": page, "per_page": per_page, "count": per_page,
                            "total_count": per_page * pages, "total_pages": pages}
        }),
    )
}

fn check_record(record: &Record) {
    assert!(record.id.starts_with("rec-") && !record.name.is_empty() && record.ttl == 300);
    let _ = record.proxied;
}

async fn pages(args: &Args) -> (bool, String) {
    let (count, per_page) = (args.page_count, args.per_page);
    let replies: Vec<Reply> = (1..=count)
        .map(|page| record_page(page, per_page, count))
        .collect();
    let server = Server::respond(move |request| {
        let page: u64 = request
            .query_param("page")
            .map_or(1, |p| p.parse().unwrap());
        replies[page as usize - 1].clone()
    })
    .await;
    let base = server.url();
    let client = generated(&base);
    let http = plain();
    let total = count * per_page;

    let generated_run = || {
        let client = client.clone();
        async move {
            let t = Instant::now();
            let request: Request<List<Record>> = Request::new(
                &client,
                Method::GET,
                "/zones/{zone_id}/dns_records",
                &[
                    PathPart::Lit("/zones/"),
                    PathPart::Param("zone_id", "z1"),
                    PathPart::Lit("/dns_records"),
                ],
            );
            let mut items = request.query(&[("per_page", per_page)]).items();
            let mut n = 0;
            while let Some(record) = items.try_next().await.unwrap() {
                check_record(&record);
                n += 1;
            }
            assert_eq!(n, total);
            t.elapsed()
        }
    };
    let plain_run = || {
        let http = http.clone();
        let base = base.clone();
        async move {
            let t = Instant::now();
            let mut n = 0;
            let mut page = 1;
            loop {
                let response = http
                    .get(format!("{base}/zones/z1/dns_records"))
                    .query(&[("per_page", per_page), ("page", page)])
                    .bearer_auth(TOKEN)
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap();
                let body = response.bytes().await.unwrap();
                let envelope: ListEnvelope = serde_json::from_slice(&body).unwrap();
                assert!(envelope.success);
                for record in &envelope.result {
                    check_record(record);
                    n += 1;
                }
                if envelope.result_info.page >= envelope.result_info.total_pages {
                    break;
                }
                page += 1;
            }
            assert_eq!(n, total);
            t.elapsed()
        }
    };

    let rounds = args.rounds.max(5);
    println!("\npages: {count} pages of {per_page} records per round, {rounds} rounds per side");
    generated_run().await;
    plain_run().await;
    let mut per = Rounds::default();
    let millis = |d: Duration| d.as_secs_f64() * 1e3;
    for _ in 0..rounds {
        per.a.push(millis(generated_run().await));
        per.b.push(millis(plain_run().await));
    }
    let (a, b) = (Rounds::median(&per.a), Rounds::median(&per.b));
    println!(
        "    generated-client .items()  median {a:>7.1} ms  best {:>7.1}",
        Rounds::best(&per.a)
    );
    println!(
        "    reqwest+serde page loop    median {b:>7.1} ms  best {:>7.1}",
        Rounds::best(&per.b)
    );
    let ratio = a / b;
    (
        ratio <= 1.1,
        format!(
            "paging {count} x {per_page} records: {a:.1} vs {b:.1} ms = {ratio:.2}x reqwest (target <= 1.1x)"
        ),
    )
}
