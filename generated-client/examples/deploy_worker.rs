//! Deploys a module Worker from a local `.js` file with the generated client,
//! and prints what Cloudflare says about the uploaded script.
//!
//! ```text
//! export CLOUDFLARE_API_TOKEN=...    # or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY
//! export CLOUDFLARE_ACCOUNT_ID=...   # or --account ID
//! cargo run -p generated-client --example deploy_worker -- hello-worker worker.js --var GREETING=hello
//! ```
//!
//! The upload is one `multipart/form-data` request: a `metadata` part
//! ([`WorkerMetadata`]: the main module's name, the compatibility date, the
//! bindings) and the module itself, streamed from the file under its file
//! name, as `application/javascript+module`.
//!
//! `CLOUDFLARE_BASE_URL` sends the request elsewhere; a plain `http://` URL
//! is accepted when its host is `127.0.0.1`, `localhost` or `[::1]`.
//!
//! Exit codes: 0 deployed; 1 the API, the network or the file failed; 2 bad
//! usage or configuration.
//!
//! The program is `main` plus [`Options::parse`] and [`run`], so that
//! `tests/uploads.rs` can also drive it in-process against a local server.

use std::path::PathBuf;
use std::process::ExitCode;

use generated_client::runtime::FilePart;
use generated_client::worker_script::{UploadWorkerModuleResponse, WorkerMetadata, WorkerUpload};
use generated_client::{Client, Error};
use serde_json::{Map, Value};

const HELP: &str = "\
Deploys a module Worker from a local .js file.

usage: deploy_worker SCRIPT_NAME FILE [OPTIONS]

  SCRIPT_NAME                 the Worker's name
  FILE                        its main module, e.g. worker.js
  --account ID                the account (default: $CLOUDFLARE_ACCOUNT_ID)
  --compatibility-date DATE   the runtime date to target (default: 2024-09-23)
  --var NAME=VALUE            a plain-text binding; may be repeated
  -h, --help                  this text

environment: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY;
CLOUDFLARE_ACCOUNT_ID; CLOUDFLARE_BASE_URL (optional).

exit codes: 0 deployed, 1 API/network/file error, 2 usage or configuration error.";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match Options::parse(&args, |name| std::env::var(name).ok()) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    match run(&client, &options).await {
        Ok(script) => {
            println!("{}", describe(&options, &script));
            ExitCode::SUCCESS
        }
        Err(err) => {
            let hint = if err.is_auth() {
                "\nhint: check the credentials, and that they may edit Workers scripts"
            } else {
                ""
            };
            eprintln!("error: uploading {}: {err}{hint}", options.script_name);
            ExitCode::from(1)
        }
    }
}

/// What the command line and the environment asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub account_id: String,
    pub script_name: String,
    pub module: PathBuf,
    pub compatibility_date: String,
    /// Plain-text bindings, in the order given.
    pub vars: Vec<(String, String)>,
}

impl Options {
    /// Reads the arguments (without the program name), looking up
    /// environment variables with `var`. `Ok(None)` means `--help`.
    pub fn parse(
        args: &[String],
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Options>, String> {
        let mut positional = Vec::new();
        let mut account_id = None;
        let mut compatibility_date = "2024-09-23".to_owned();
        let mut vars = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next().cloned())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag {
                "-h" | "--help" => return Ok(None),
                "--account" => account_id = Some(value()?),
                "--compatibility-date" => compatibility_date = value()?,
                "--var" => {
                    let pair = value()?;
                    let (name, text) = pair
                        .split_once('=')
                        .filter(|(name, _)| !name.is_empty())
                        .ok_or_else(|| format!("--var needs NAME=VALUE, not {pair:?}"))?;
                    vars.push((name.to_owned(), text.to_owned()));
                }
                flag if flag.starts_with('-') && flag.len() > 1 => {
                    return Err(format!("unknown option {flag}"));
                }
                _ => positional.push(arg.clone()),
            }
        }
        let [script_name, module] = <[String; 2]>::try_from(positional)
            .map_err(|_| "give the Worker's name and its main module's file".to_owned())?;
        let account_id = account_id
            .or_else(|| var("CLOUDFLARE_ACCOUNT_ID"))
            .filter(|id| !id.is_empty())
            .ok_or("no account: pass --account ID or set CLOUDFLARE_ACCOUNT_ID")?;
        Ok(Some(Options {
            account_id,
            script_name,
            module: PathBuf::from(module),
            compatibility_date,
            vars,
        }))
    }

    /// The part name of the main module: the file's name.
    fn module_name(&self) -> String {
        self.module.file_name().map_or_else(
            || "worker.js".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// Uploads the Worker: its metadata and its main module, streamed from disk.
pub async fn run(client: &Client, options: &Options) -> Result<UploadWorkerModuleResponse, Error> {
    let module_name = options.module_name();
    let bindings = options
        .vars
        .iter()
        .map(|(name, text)| {
            Map::from_iter([
                ("type".to_owned(), Value::from("plain_text")),
                ("name".to_owned(), Value::from(name.as_str())),
                ("text".to_owned(), Value::from(text.as_str())),
            ])
        })
        .collect::<Vec<_>>();
    let metadata = WorkerMetadata {
        main_module: Some(module_name.clone()),
        compatibility_date: Some(options.compatibility_date.clone()),
        bindings: (!bindings.is_empty()).then_some(bindings),
        ..WorkerMetadata::default()
    };
    let body = WorkerUpload::new(&metadata, &module_name, FilePart::path(&options.module));
    let script = client
        .worker_script()
        .upload_worker_module(&options.account_id, &options.script_name, body)
        .await?;
    // A success without a `result` says nothing more than that it worked.
    Ok(script.unwrap_or_default())
}

/// One line about the deployed script.
pub fn describe(options: &Options, script: &UploadWorkerModuleResponse) -> String {
    let mut line = format!(
        "deployed {} from {}",
        script.id.as_deref().unwrap_or(&options.script_name),
        options.module.display()
    );
    if let Some(etag) = &script.etag {
        line.push_str(&format!(", etag {etag}"));
    }
    if let Some(handlers) = &script.handlers {
        line.push_str(&format!(", handlers: {}", handlers.join(", ")));
    }
    if let Some(ms) = script.startup_time_ms {
        line.push_str(&format!(", startup {ms} ms"));
    }
    line
}
