//! Manages a zone's DNS records with the generated client: lists them, then
//! creates a TXT record, updates it and deletes it again.
//!
//! ```text
//! export CLOUDFLARE_API_TOKEN=...    # or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY
//! export CLOUDFLARE_ZONE_ID=...      # or give the zone id as the first argument
//! cargo run -p generated-client --example dns -- [ZONE_ID] [--name NAME] [--keep]
//! ```
//!
//! The TXT record is called `_generated-client-demo.<zone>` unless `--name`
//! says otherwise; `--keep` leaves it in place. `CLOUDFLARE_BASE_URL` sends
//! the requests elsewhere; a plain `http://` URL is accepted when its host
//! is `127.0.0.1`, `localhost` or `[::1]`.
//!
//! Exit codes: 0 done; 1 the API or the network failed; 2 bad usage or
//! configuration.
//!
//! The program is `main` plus [`Options::parse`] and [`run`], so that
//! `tests/dns.rs` can also drive it in-process against a scripted server.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use generated_client::dns_records_for_a_zone::{
    DnsRecord, DnsRecordBody, TxtRecordBody, TxtRecordPatch,
};
use generated_client::{Client, Error};

const HELP: &str = "\
Lists a zone's DNS records, then creates, updates and deletes a TXT record.

usage: dns [ZONE_ID] [OPTIONS]

  ZONE_ID           the zone (default: $CLOUDFLARE_ZONE_ID)
  --name NAME       the TXT record's name (default: _generated-client-demo.<zone>)
  --keep            leave the TXT record in place
  -h, --help        this text

environment: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY;
CLOUDFLARE_ZONE_ID; CLOUDFLARE_BASE_URL (optional).

exit codes: 0 done, 1 API or network error, 2 usage or configuration error.";

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
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub zone_id: String,
    pub name: Option<String>,
    pub keep: bool,
}

impl Options {
    /// Reads the arguments (without the program name), looking up
    /// environment variables with `var`. `Ok(None)` means `--help`.
    pub fn parse(
        args: &[String],
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Options>, Failure> {
        let mut zone_id = None;
        let mut options = Options {
            zone_id: String::new(),
            name: None,
            keep: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            match flag {
                "-h" | "--help" => return Ok(None),
                "--keep" => options.keep = true,
                "--name" => {
                    let name = inline
                        .or_else(|| args.next().cloned())
                        .filter(|name| !name.trim().is_empty())
                        .ok_or_else(|| Failure::usage("--name needs a value".into()))?;
                    options.name = Some(name);
                }
                _ if flag.starts_with('-') => {
                    return Err(Failure::usage(format!("unknown option {flag}")));
                }
                _ if zone_id.is_none() => zone_id = Some(arg.clone()),
                _ => return Err(Failure::usage(format!("unexpected argument {arg:?}"))),
            }
        }
        options.zone_id = zone_id
            .or_else(|| var("CLOUDFLARE_ZONE_ID"))
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                Failure::usage("no zone: pass ZONE_ID or set CLOUDFLARE_ZONE_ID".into())
            })?;
        Ok(Some(options))
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
             and that it may edit the zone's DNS"
        } else if err.is_not_found() {
            "\nhint: check the zone id"
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
    /// How many records the zone had, every page of them.
    pub listed: usize,
    /// The TXT record's id.
    pub record_id: String,
    pub deleted: bool,
}

/// The whole program after option parsing.
pub async fn run(client: &Client, options: &Options) -> Result<Outcome, Failure> {
    let dns = client.dns_records_for_a_zone();
    let zone = options.zone_id.as_str();

    // Every record, page by page, as the stream asks for them.
    let mut records = dns.list_dns_records(zone).items();
    let mut listed = 0;
    while let Some(record) = records
        .try_next()
        .await
        .map_err(|e| Failure::api("listing the zone's records", &e))?
    {
        println!("{}", describe(&record));
        listed += 1;
    }
    println!("{listed} record(s)");

    let name = match &options.name {
        Some(name) => name.clone(),
        None => {
            let details = client
                .zone()
                .zone_details(zone)
                .await
                .map_err(|e| Failure::api("reading the zone", &e))?
                .ok_or_else(|| Failure {
                    code: 1,
                    message: "reading the zone: the API answered without it".into(),
                })?;
            format!("_generated-client-demo.{}", details.name)
        }
    };

    // One line builds the body of a record of a given type.
    let body: DnsRecordBody =
        TxtRecordBody::new(name.clone(), "created by generated-client").into();
    let created = dns
        .create_dns_record(zone, &body)
        .await
        .map_err(|e| Failure::api("creating the TXT record", &e))?;
    let Some(DnsRecord::Txt(created)) = created else {
        return Err(Failure {
            code: 1,
            message: format!("creating the TXT record: the API answered with {created:?}"),
        });
    };
    println!("created TXT {} ({})", created.name, created.id);

    // A PATCH sends only what changes.
    let update = TxtRecordPatch::default()
        .content("updated by generated-client")
        .comment("changed by the dns example")
        .ttl(300.0);
    let updated = dns
        .update_dns_record(zone, &created.id, &update.into())
        .await
        .map_err(|e| Failure::api("updating the TXT record", &e))?;
    match &updated {
        Some(record) => println!("updated: {}", describe(record)),
        None => println!("updated {}", created.id),
    }

    if options.keep {
        println!("kept {}", created.id);
        return Ok(Outcome {
            listed,
            record_id: created.id,
            deleted: false,
        });
    }
    dns.delete_dns_record(zone, &created.id)
        .await
        .map_err(|e| Failure::api("deleting the TXT record", &e))?;
    println!("deleted {}", created.id);
    Ok(Outcome {
        listed,
        record_id: created.id,
        deleted: true,
    })
}

/// One line about a record: its type, name and content, read the same way
/// whatever its kind (a kind this client does not know included).
fn describe(record: &DnsRecord) -> String {
    let known = if matches!(record, DnsRecord::Other(_)) {
        " (a type this client does not know)"
    } else {
        ""
    };
    format!(
        "{:<6} {} {}{known}",
        record.tag(),
        record.name().unwrap_or("?"),
        record.content().unwrap_or_default()
    )
}
