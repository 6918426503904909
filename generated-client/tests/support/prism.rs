//! The Prism harness of the contract tests: installing the pinned Prism
//! (`contract/package-lock.json`, with `npm ci`) and running `prism mock
//! --errors` on a loopback port for one OpenAPI description, killed when the
//! test ends, even on a panic. Prism's output goes to a log file under
//! `target/tmp/`, kept and shown only when a test failed.
//!
//! Included with `#[path]` by each contract test; it knows nothing about any
//! one contract.

#![allow(dead_code)] // Each test binary uses a different subset.

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Longest wait for Prism to accept connections (a cold start takes ~3 s).
const STARTUP: Duration = Duration::from_secs(60);

/// The workspace root, where `contract/` is and beside which `shared/` is.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generated-client sits inside the workspace")
        .to_path_buf()
}

/// The contract at `spec` (relative to the workspace root), which must exist.
pub fn spec_path(root: &Path, spec: &str) -> PathBuf {
    let path = root.join(spec);
    assert!(
        path.is_file(),
        "the contract {} is missing: the repo must be checked out with `shared/` beside it",
        path.display()
    );
    path
}

/// A JSON file, read and parsed; panics with the path otherwise.
pub fn json_file(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The Prism binary from `contract/node_modules`, installed with `npm ci`
/// first when it is missing or not the version `contract/package.json` pins.
pub fn ensure_prism(root: &Path) -> PathBuf {
    let dir = root.join("contract");
    let bin = dir.join("node_modules/.bin/prism");
    let pinned = json_file(&dir.join("package.json"))["dependencies"]["@stoplight/prism-cli"]
        .as_str()
        .expect("contract/package.json pins @stoplight/prism-cli")
        .to_owned();
    let installed = || {
        let manifest = dir.join("node_modules/@stoplight/prism-cli/package.json");
        manifest.is_file() && json_file(&manifest)["version"].as_str() == Some(pinned.as_str())
    };
    if bin.exists() && installed() {
        return bin;
    }

    match Command::new("npm")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "`npm --version` failed ({}); the contract test needs Node.js (>= 18.20) and npm \
             to install Prism: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!(
            "npm is not on PATH ({e}). The contract test installs Prism \
             (@stoplight/prism-cli {pinned}) with `npm ci` in {}: install Node.js (>= 18.20) \
             and npm, e.g. `apt-get install nodejs npm`, then run the tests again.",
            dir.display()
        ),
    }
    eprintln!(
        "contract: installing Prism {pinned} with `npm ci` in {}",
        dir.display()
    );
    let started = Instant::now();
    // Output is captured, not inherited: CI shows it only if the install fails.
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .expect("could not run `npm ci`");
    assert!(
        out.status.success(),
        "`npm ci` in {} failed ({}):\n{}\n{}",
        dir.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        bin.exists() && installed(),
        "`npm ci` succeeded but {} is not Prism {pinned}",
        bin.display()
    );
    eprintln!("contract: npm ci took {:.1?}", started.elapsed());
    bin
}

/// A running `prism mock --errors`, killed when dropped.
pub struct Prism {
    child: Child,
    port: u16,
    log: PathBuf,
}

enum NotReady {
    Exited(ExitStatus),
    TimedOut,
}

impl Prism {
    /// Starts Prism serving `spec` (relative to the workspace root) on a free
    /// loopback port and waits until it accepts connections. A port taken
    /// between choosing it and Prism binding it is retried with another one.
    pub fn start(root: &Path, bin: &Path, spec: &str) -> Prism {
        Prism::start_with(root, bin, spec, &[])
    }

    /// [`Prism::start`] with more of Prism's options, such as `--seed`.
    pub fn start_with(root: &Path, bin: &Path, spec: &str, options: &[&str]) -> Prism {
        spec_path(root, spec);
        let logs = Path::new(env!("CARGO_TARGET_TMPDIR"));
        std::fs::create_dir_all(logs).expect("create target/tmp");
        for attempt in 1..=3 {
            let port = free_port();
            let log = logs.join(format!("prism-{port}.log"));
            let out = File::create(&log).expect("create the Prism log file");
            let err = out.try_clone().expect("clone the log file handle");
            let child = Command::new(bin)
                .args([
                    "mock",
                    "--errors",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                ])
                .args(options)
                .arg(spec)
                .current_dir(root)
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
            // From here on the guard owns the process.
            let mut prism = Prism { child, port, log };
            let started = Instant::now();
            match prism.wait_ready() {
                Ok(()) => {
                    eprintln!(
                        "contract: Prism up on 127.0.0.1:{port} in {:.1?} (log: {})",
                        started.elapsed(),
                        prism.log.display()
                    );
                    return prism;
                }
                Err(NotReady::Exited(_))
                    if attempt < 3 && prism.output().contains("EADDRINUSE") =>
                {
                    continue;
                }
                Err(NotReady::Exited(status)) => panic!(
                    "Prism exited ({status}) before accepting connections. Its output ({}):\n{}",
                    prism.log.display(),
                    prism.output()
                ),
                Err(NotReady::TimedOut) => panic!(
                    "Prism did not accept connections on 127.0.0.1:{port} within {STARTUP:?}. \
                     Its output ({}):\n{}",
                    prism.log.display(),
                    prism.output()
                ),
            }
        }
        unreachable!("the last attempt returns or panics")
    }

    fn wait_ready(&mut self) -> Result<(), NotReady> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(NotReady::Exited(status));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(NotReady::TimedOut);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `http://127.0.0.1:<port>`, to use as a base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            // Kept only when something failed.
            let _ = std::fs::remove_file(&self.log);
        } else {
            let output = self.output();
            let lines: Vec<&str> = output.lines().collect();
            let tail = &lines[lines.len().saturating_sub(40)..];
            eprintln!(
                "--- last lines of Prism's output ({}) ---\n{}",
                self.log.display(),
                tail.join("\n")
            );
        }
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}
