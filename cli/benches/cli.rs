//! What the `cloudflare` command costs, against the client library on the
//! same mock server (127.0.0.1):
//!
//! - **start-up**: `cloudflare --help` (no table parsed), `cloudflare
//!   --version`, and `cloudflare zone zone-details --help` (one area's
//!   table parsed, one method's command line built), each spawned `--runs`
//!   times; the median and best wall time;
//! - **call**: one `zone-details` GET through the binary (process start,
//!   table, client, request, JSON printed), against the same GET made
//!   in-process by a client that already exists (the generated method, and
//!   `Client::request` re-typed to JSON as the command makes it), so the
//!   difference is what the command adds to a call.
//!
//! ```text
//! cargo bench -p cli --bench cli                 # 50 runs of each
//! cargo bench -p cli --bench cli -- --runs 200
//! ```
//!
//! The binary is the one cargo builds for benches (release, with debug line
//! tables); the release build's time and size are measured by building it
//! on its own (see the README's *Figures*).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use generated_client::runtime::Method;
use generated_client::testing::{MOCK_API_TOKEN, MockResponse, MockServer};
use serde_json::{Value, json};

const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";

fn main() {
    let mut runs = 50usize;
    let mut args = std::env::args().skip(1);
    // Anything else (cargo bench passes `--bench`) is ignored.
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs);
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench(runs));
}

async fn bench(runs: usize) {
    let binary = env!("CARGO_BIN_EXE_cloudflare");
    let size = std::fs::metadata(binary).map(|m| m.len()).unwrap_or(0);
    println!(
        "binary: {binary} ({:.1} MiB)",
        size as f64 / (1 << 20) as f64
    );

    let server = MockServer::start().await;
    let zone = json!({"id": ZONE, "name": "example.com", "status": "active", "paused": false});
    server
        .on(|cf| cf.zone().zone_details(ZONE))
        .respond_with(MockResponse::envelope(&zone));
    let url = server.url();

    let spawn = |args: &'static [&'static str]| {
        let url = url.clone();
        move || {
            let started = Instant::now();
            let output = Command::new(binary)
                .args(args)
                .env("CLOUDFLARE_API_TOKEN", MOCK_API_TOKEN)
                .env("CLOUDFLARE_BASE_URL", &url)
                .stdin(Stdio::null())
                .output()
                .expect("the binary runs");
            let elapsed = started.elapsed();
            assert!(output.status.success(), "{args:?}: {output:?}");
            elapsed
        }
    };
    let help = timed(runs, spawn(&["--help"])).await;
    let version = timed(runs, spawn(&["--version"])).await;
    let method_help = timed(runs, spawn(&["zone", "zone-details", "--help"])).await;
    let call = timed(runs, spawn(&["zone", "zone-details", ZONE])).await;

    let client = server.client();
    let calls = runs * 10;
    let mut typed = Vec::with_capacity(calls);
    let mut untyped = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        let zone = client.zone().zone_details(ZONE).await.unwrap();
        typed.push(started.elapsed());
        assert!(zone.is_some());
        let started = Instant::now();
        let zone: Value = client
            .request(Method::GET, "/zones/{zone_id}", &[("zone_id", ZONE)])
            .await
            .unwrap();
        untyped.push(started.elapsed());
        assert_eq!(zone["id"], ZONE);
    }
    let typed = Summary::of(typed);
    let untyped = Summary::of(untyped);

    println!("\n| what | median | best | runs |");
    println!("| --- | --- | --- | --- |");
    for (what, summary) in [
        ("`cloudflare --help` (start-up; no table parsed)", &help),
        ("`cloudflare --version`", &version),
        (
            "`cloudflare zone zone-details --help` (one area's table parsed)",
            &method_help,
        ),
        (
            "`cloudflare zone zone-details ID`: one GET, a process",
            &call,
        ),
        (
            "the same GET in-process: `client.zone().zone_details(ID)`",
            &typed,
        ),
        (
            "the same GET in-process: `client.request(..)` as JSON",
            &untyped,
        ),
    ] {
        println!(
            "| {what} | {} | {} | {} |",
            ms(summary.median),
            ms(summary.best),
            summary.runs
        );
    }
    println!(
        "\nwhat the command adds to one call: {} (median; {} of it start-up and the method's command line)",
        ms(call.median.saturating_sub(untyped.median)),
        ms(method_help.median),
    );
}

/// Runs `f` `runs` times on a blocking thread (the mock server answers on
/// this runtime meanwhile).
async fn timed<F>(runs: usize, f: F) -> Summary
where
    F: Fn() -> Duration + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        // One run first, so that the binary is in the page cache.
        f();
        Summary::of((0..runs).map(|_| f()).collect())
    })
    .await
    .unwrap()
}

struct Summary {
    median: Duration,
    best: Duration,
    runs: usize,
}

impl Summary {
    fn of(mut times: Vec<Duration>) -> Summary {
        times.sort();
        Summary {
            median: times[times.len() / 2],
            best: times[0],
            runs: times.len(),
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}
