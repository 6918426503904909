//! Runs a simple packet capture with the generated client and saves it as a
//! `.pcap` file.
//!
//! ```text
//! export CLOUDFLARE_API_TOKEN=...    # or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY
//! export CLOUDFLARE_ACCOUNT_ID=...   # or give the account id as the first argument
//! cargo run -p generated-client --example pcap -- [ACCOUNT_ID] [OPTIONS]
//! ```
//!
//! It lists the account's packet captures (every page of them), starts a
//! simple capture, polls it until it is complete (or has failed), downloads
//! it with a progress bar and, given `--bucket URI`, lists the buckets
//! registered for full captures and registers `URI` when it is not yet.
//!
//! `CLOUDFLARE_BASE_URL` sends the requests elsewhere; a plain `http://` URL
//! is accepted when its host is `127.0.0.1`, `localhost` or `[::1]`.
//!
//! Exit codes: 0 done; 1 the API, the network or the disk failed; 2 bad
//! usage or configuration; 3 the capture failed; 4 the capture did not finish
//! within the allowed polls.
//!
//! The program is `main` plus two functions, [`Options::parse`] and [`run`],
//! so that `tests/pcap.rs` can also drive it in-process against a scripted
//! server.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use futures_util::TryStreamExt;
use generated_client::magic_pcap_collection::{
    MagicPcapCollectionApi, PcapCreateSimple, PcapRequest, PcapRequestStatus, PcapsOwnershipRequest,
};
use generated_client::{Client, Error};
use indicatif::{ProgressBar, ProgressStyle};

const HELP: &str = "\
Runs a simple packet capture and saves it as a .pcap file.

usage: pcap [ACCOUNT_ID] [OPTIONS]

  ACCOUNT_ID            the account (default: $CLOUDFLARE_ACCOUNT_ID)
  --bucket URI          also list bucket ownership and register URI if needed
  --out FILE            where to save the capture (default: pcap-<id>.pcap)
  --time-limit SECS     how long to capture, 1 to 300 (default: 10)
  --packet-limit N      most packets to capture, 1 to 10000 (default: 100)
  --polls N             most status checks before giving up (default: 60)
  --interval SECS       time between status checks (default: 5)
  -q, --quiet           no spinner or progress bar
  -h, --help            this text

environment: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY;
CLOUDFLARE_ACCOUNT_ID; CLOUDFLARE_BASE_URL (optional).

exit codes: 0 done, 1 API/network/disk error, 2 usage or configuration error,
3 the capture failed, 4 the capture did not finish in time.";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match Options::parse(&args, |name| std::env::var(name).ok()) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(failure) => return failure.report(),
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(err) => return Failure::usage(err.to_string()).report(),
    };
    match run(&client, &options).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// What the command line and the environment asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub account_id: String,
    pub bucket: Option<String>,
    pub out: Option<PathBuf>,
    pub time_limit: f64,
    pub packet_limit: i64,
    pub polls: u32,
    pub interval: Duration,
    pub quiet: bool,
}

impl Options {
    /// Reads the arguments (without the program name), looking up
    /// environment variables with `var`. `Ok(None)` means `--help`.
    pub fn parse(
        args: &[String],
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Options>, Failure> {
        let mut account_id = None;
        let mut options = Options {
            account_id: String::new(),
            bucket: None,
            out: None,
            time_limit: 10.0,
            packet_limit: 100,
            polls: 60,
            interval: Duration::from_secs(5),
            quiet: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            // `--flag=value` and `--flag value` both work.
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next().cloned())
                    .ok_or_else(|| Failure::usage(format!("{flag} needs a value")))
            };
            match flag {
                "-h" | "--help" => return Ok(None),
                "-q" | "--quiet" => options.quiet = true,
                "--bucket" => options.bucket = Some(value()?),
                "-o" | "--out" => options.out = Some(PathBuf::from(value()?)),
                "--time-limit" => options.time_limit = number(flag, &value()?, 1.0, 300.0)?,
                "--packet-limit" => options.packet_limit = whole(flag, &value()?, 1, 10_000)?,
                "--polls" => {
                    let text = value()?;
                    options.polls = text
                        .trim()
                        .parse()
                        .ok()
                        .filter(|&n: &u32| n > 0)
                        .ok_or_else(|| {
                            Failure::usage(format!(
                                "--polls must be a whole number from 1, not {text:?}"
                            ))
                        })?
                }
                "--interval" => {
                    options.interval =
                        Duration::from_secs_f64(number(flag, &value()?, 0.0, 3600.0)?)
                }
                _ if flag.starts_with('-') => {
                    return Err(Failure::usage(format!("unknown option {flag}")));
                }
                _ if account_id.is_none() => account_id = Some(arg.clone()),
                _ => return Err(Failure::usage(format!("unexpected argument {arg:?}"))),
            }
        }
        options.account_id = account_id
            .or_else(|| var("CLOUDFLARE_ACCOUNT_ID"))
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                Failure::usage("no account: pass ACCOUNT_ID or set CLOUDFLARE_ACCOUNT_ID".into())
            })?;
        Ok(Some(options))
    }
}

/// A number within `min..=max`.
fn number(flag: &str, text: &str, min: f64, max: f64) -> Result<f64, Failure> {
    match text.trim().parse::<f64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Failure::usage(format!(
            "{flag} must be a number from {min} to {max}, not {text:?}"
        ))),
    }
}

fn whole(flag: &str, text: &str, min: i64, max: i64) -> Result<i64, Failure> {
    match text.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Failure::usage(format!(
            "{flag} must be a whole number from {min} to {max}, not {text:?}"
        ))),
    }
}

/// Why the program stops early, and its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    fn usage(message: String) -> Failure {
        Failure { code: 2, message }
    }

    /// An API call failed; adds a hint for the usual causes.
    fn api(doing: &str, err: &Error) -> Failure {
        let hint = if err.is_auth() {
            "\nhint: check CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) \
             and that the token may use Magic Transit packet captures"
        } else if err.is_not_found() {
            "\nhint: check the account id"
        } else if matches!(err, Error::Connection { .. }) || err.is_timeout() {
            "\nhint: check CLOUDFLARE_BASE_URL and the network"
        } else {
            ""
        };
        Failure {
            code: 1,
            message: format!("{doing}: {err}{hint}"),
        }
    }

    fn report(self) -> ExitCode {
        eprintln!("error: {}", self.message);
        if self.code == 2 {
            eprintln!("(run with --help for usage)");
        }
        ExitCode::from(self.code)
    }
}

/// What a successful run did.
#[derive(Debug)]
pub struct Outcome {
    pub pcap_id: String,
    pub file: PathBuf,
    pub bytes: u64,
    /// The id of the bucket registered by `--bucket`, when it was not yet.
    pub added_bucket: Option<String>,
}

/// The whole program after option parsing.
pub async fn run(client: &Client, options: &Options) -> Result<Outcome, Failure> {
    let api = client.magic_pcap_collection();
    let account = options.account_id.as_str();

    list_captures(&api, account).await?;

    let request = PcapCreateSimple::new(options.time_limit, options.packet_limit);
    let created = api
        .create_pcap_request(account, &request.into())
        .await
        .map_err(|e| Failure::api("starting a simple capture", &e))?
        // A success with no `result` has no id either; that is said below.
        .unwrap_or_default();
    let Some(id) = created.id.filter(|id| !id.is_empty()) else {
        return Err(Failure {
            code: 1,
            message: "starting a simple capture: the API answered without a capture id".into(),
        });
    };
    let status = created
        .status
        .as_ref()
        .map_or("", PcapRequestStatus::as_str);
    println!(
        "started simple capture {id} ({status}): {} s, up to {} packets",
        options.time_limit, options.packet_limit
    );

    wait_until_done(&api, account, &id, options).await?;

    let file = options
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(default_file_name(&id)));
    let bytes = download(&api, account, &id, &file, options.quiet).await?;
    println!("saved capture {id} to {} ({bytes} bytes)", file.display());

    let added_bucket = match &options.bucket {
        Some(uri) => ensure_bucket(&api, account, uri).await?,
        None => None,
    };
    Ok(Outcome {
        pcap_id: id,
        file,
        bytes,
        added_bucket,
    })
}

/// Prints every packet capture of the account, across all pages: `.items()`
/// requests the next page only when the lines of the previous one are out.
async fn list_captures(api: &MagicPcapCollectionApi, account: &str) -> Result<(), Failure> {
    let mut captures = api.list_packet_capture_requests(account).items();
    let mut count = 0;
    while let Some(pcap) = captures
        .try_next()
        .await
        .map_err(|e| Failure::api("listing packet captures", &e))?
    {
        println!(
            "  {:<36}  {:<6}  {:<18}  {}",
            text(pcap.id.as_deref()),
            text(pcap.r#type.as_ref().map(|t| t.as_str())),
            text(pcap.status.as_ref().map(|s| s.as_str())),
            text(pcap.submitted.as_deref()),
        );
        count += 1;
    }
    println!("{count} packet capture(s)");
    Ok(())
}

/// Polls the capture until it is complete (or `success`), failed, or the
/// polls run out, with a spinner showing the latest status.
async fn wait_until_done(
    api: &MagicPcapCollectionApi,
    account: &str,
    id: &str,
    options: &Options,
) -> Result<PcapRequest, Failure> {
    let spinner = if options.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    spinner.set_style(ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").unwrap());
    spinner.enable_steady_tick(Duration::from_millis(120));
    let mut last = String::new();
    for poll in 1..=options.polls {
        let pcap = api
            .get_pcap_request(account, id)
            .await
            .map_err(|e| Failure::api(&format!("checking capture {id}"), &e))?
            .unwrap_or_default();
        let status = pcap
            .status
            .as_ref()
            .map_or("(no status)", PcapRequestStatus::as_str)
            .to_owned();
        if status != last {
            // Also a plain line, for logs where the spinner is not drawn.
            spinner.suspend(|| eprintln!("capture {id}: {status}"));
            last.clone_from(&status);
        }
        spinner.set_message(format!(
            "capture {id}: {status} (check {poll}/{})",
            options.polls
        ));
        match pcap.status {
            Some(PcapRequestStatus::Complete | PcapRequestStatus::Success) => {
                spinner.finish_and_clear();
                return Ok(pcap);
            }
            Some(PcapRequestStatus::Failed) => {
                spinner.finish_and_clear();
                let reason = pcap.error_message.as_deref().unwrap_or("no reason given");
                return Err(Failure {
                    code: 3,
                    message: format!("capture {id} failed: {reason}"),
                });
            }
            _ => {}
        }
        if poll < options.polls {
            tokio::time::sleep(options.interval).await;
        }
    }
    spinner.finish_and_clear();
    Err(Failure {
        code: 4,
        message: format!(
            "capture {id} is still {last} after {} checks {:?} apart; \
             raise --polls or --interval, or download it later",
            options.polls, options.interval
        ),
    })
}

/// Downloads the capture to `file` (atomically: a broken transfer leaves no
/// file) with a progress bar.
async fn download(
    api: &MagicPcapCollectionApi,
    account: &str,
    id: &str,
    file: &Path,
    quiet: bool,
) -> Result<u64, Failure> {
    let doing = format!("downloading capture {id} to {}", file.display());
    let raw = api
        .download_simple_pcap(account, id)
        .await
        .map_err(|e| Failure::api(&doing, &e))?;
    let bar = match (quiet, raw.content_length()) {
        (true, _) => ProgressBar::hidden(),
        (false, Some(total)) => ProgressBar::new(total).with_style(
            ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            )
            .unwrap(),
        ),
        (false, None) => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} ({bytes_per_sec})").unwrap(),
        ),
    };
    let progress = bar.clone();
    let written = raw
        .write_to_with_progress(file, move |done, _total| progress.set_position(done))
        .await
        .map_err(|e| Failure::api(&doing, &e))?;
    bar.finish_and_clear();
    Ok(written)
}

/// Lists the buckets registered for full captures and registers `uri` when
/// it is not among them; returns the new bucket's id.
async fn ensure_bucket(
    api: &MagicPcapCollectionApi,
    account: &str,
    uri: &str,
) -> Result<Option<String>, Failure> {
    // Every page: the bucket may be on any of them.
    let buckets = api
        .list_pcaps_bucket_ownership(account)
        .all()
        .await
        .map_err(|e| Failure::api("listing buckets for full captures", &e))?;
    println!("{} bucket(s) for full captures", buckets.len());
    for bucket in &buckets {
        println!(
            "  {:<36}  {:<8}  {}",
            bucket.id,
            text(bucket.status.as_ref().map(|s| s.as_str())),
            text(bucket.destination_conf.as_deref())
        );
    }
    if let Some(bucket) = buckets
        .iter()
        .find(|b| b.destination_conf.as_deref() == Some(uri))
    {
        let status = text(bucket.status.as_ref().map(|s| s.as_str()));
        println!("bucket {uri} is already registered ({status})");
        return Ok(None);
    }
    let added = api
        .add_buckets_for_full_packet_captures(account, &PcapsOwnershipRequest::new(uri))
        .await
        .map_err(|e| Failure::api(&format!("registering bucket {uri}"), &e))?;
    let Some(added) = added else {
        return Err(Failure {
            code: 1,
            message: format!("registering bucket {uri}: the API answered without the bucket"),
        });
    };
    println!(
        "registered bucket {uri} as {} ({}); Cloudflare wrote the challenge file {} to it, \
         validate it before using the bucket",
        added.id,
        text(added.status.as_ref().map(|s| s.as_str())),
        text(added.filename.as_deref())
    );
    Ok(Some(added.id))
}

/// A field the API may leave out, for display.
fn text(value: Option<&str>) -> String {
    value.unwrap_or("-").to_owned()
}

/// `pcap-<id>.pcap`, keeping only characters that are safe in a file name:
/// the id comes from the server and must not choose the folder.
fn default_file_name(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("pcap-{safe}.pcap")
}
