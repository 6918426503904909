//! The generated client against plain reqwest, on 127.0.0.1:
//!
//! - **download**: a 1 GiB `download_simple_pcap` (generated on the fly by
//!   the scripted test server, never held in memory), drained with
//!   `stream()` and written with `write_to(path)`, against reqwest streaming
//!   the same bytes (`chunk()` and a hand-written atomic file write); then
//!   the peak RSS (`VmHWM`) of a fresh child process that does only the
//!   client download to a file;
//! - **small**: 1,000 sequential `get_pcap_request` calls (a JSON envelope
//!   decoded into `PcapRequest`) against reqwest + serde_json doing the same.
//!
//! ```text
//! cargo bench -p generated-client --bench client                  # everything, ~1-2 min
//! cargo bench -p generated-client --bench client -- small         # one part
//! cargo bench -p generated-client --bench client -- download --mib 256 --rounds 2
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
use generated_client::Client;
use generated_client::magic_pcap_collection::PcapRequest;
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
    mib: u64,
    rounds: usize,
    requests: usize,
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
    println!("\nsummary");
    for (ok, line) in &verdicts {
        println!("  [{}] {line}", if *ok { "ok" } else { "MISS" });
    }
}

fn parse(argv: &[String]) -> Args {
    let mut args = Args {
        download: false,
        small: false,
        mib: 1024,
        rounds: 5,
        requests: 1000,
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
            "--mib" => args.mib = number("--mib").max(1),
            "--rounds" => args.rounds = number("--rounds").max(1) as usize,
            "--requests" => args.requests = number("--requests").max(1) as usize,
            // Passed by `cargo bench`; filters of other harnesses are ignored.
            _ => {}
        }
    }
    if !args.download && !args.small {
        args.download = true;
        args.small = true;
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
// Small requests

#[derive(Deserialize)]
struct Envelope<T> {
    success: bool,
    result: T,
}

async fn small(args: &Args) -> (bool, String) {
    let result = json!({
        "id": PCAP_ID, "type": "simple", "system": "magic-transit", "status": "complete",
        "submitted": "2024-05-01T12:00:00Z", "time_limit": 10, "packet_limit": 100,
        "filter_v1": {"source_address": "192.0.2.1", "destination_port": 53}
    });
    let server = Server::repeat(Reply::envelope(result)).await;
    let base = server.url();
    let client = generated(&base);
    let api = client.magic_pcap_collection();
    let http = plain();

    let generated_run = |n: usize| {
        let api = api.clone();
        async move {
            let t = Instant::now();
            for _ in 0..n {
                let pcap: PcapRequest = api.get_pcap_request(ACCOUNT, PCAP_ID).await.unwrap();
                assert!(pcap.id.is_some());
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
    generated_run(n / 5).await;
    plain_run(n / 5).await;
    let mut per = Rounds::default();
    let micros = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    for _ in 0..rounds {
        per.a.push(micros(generated_run(n).await));
        per.b.push(micros(plain_run(n).await));
    }
    let (a, b) = (Rounds::median(&per.a), Rounds::median(&per.b));
    println!(
        "    generated-client  median {a:>6.1} µs/request  best {:>6.1}",
        Rounds::best(&per.a)
    );
    println!(
        "    reqwest+serde     median {b:>6.1} µs/request  best {:>6.1}",
        Rounds::best(&per.b)
    );
    let ratio = a / b;
    (
        ratio < 1.1,
        format!(
            "small requests: {a:.1} vs {b:.1} µs per request = {ratio:.2}x reqwest (target < 1.1x)"
        ),
    )
}
