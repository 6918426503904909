//! `cloudflare`: the whole Cloudflare API from the shell.
//!
//! ```text
//! cloudflare <area> <method> [PATH_ARGS…] [--<query-field> VALUE…] [--body FILE|-] [--all] [--raw]
//! ```
//!
//! One generic command interprets a generated table (`src/generated/`: one
//! JSON document per area, written by `cargo xtask generate` from the same
//! IR as the client) and sends every request through the client's runtime
//! (`Client::request`), which owns credentials, retries, paging, limits and
//! streams. The binary compiles none of the client's typed methods, and a
//! call parses only its own area's document.
//!
//! - `main.rs` reads the area and method words, builds only the command
//!   line it needs (`command.rs`) and maps every outcome to an exit code;
//! - `table.rs` reads the table;
//! - `check.rs` checks a body against its type before sending, and reads
//!   `--set` values;
//! - `call.rs` builds the request, sends it and prints the answer.
//!
//! Exit codes: 0 success, 1 the API answered with an error, 2 usage
//! (nothing was sent), 3 network error or timeout. Nothing printed ever
//! holds a credential.

mod call;
mod check;
mod command;
mod table;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::ArgMatches;

use crate::table::AreaEntry;

/// The exit codes.
pub mod exit {
    /// The API answered with an error (or with something that is not what
    /// the method returns).
    pub const API: u8 = 1;
    /// Bad arguments, a body that fails its check, no credentials: nothing
    /// was sent.
    pub const USAGE: u8 = 2;
    /// The connection failed or broke, or an attempt timed out.
    pub const NETWORK: u8 = 3;
}

/// How a run ends when it does not succeed: an exit code, and what to say
/// on stderr (nothing when clap has said it).
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: Option<String>,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: Some(message.into()),
        }
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::new(exit::USAGE, message)
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { code, message }) => {
            if let Some(message) = message {
                let _ = writeln!(std::io::stderr().lock(), "{message}");
            }
            ExitCode::from(code)
        }
    }
}

fn run(args: &[OsString]) -> Result<(), Failure> {
    let word = |i: usize| args.get(i).and_then(|a| a.to_str());
    if word(1) == Some("completions") {
        let matches = parse(command::root(), args)?;
        let shell = matches
            .subcommand_matches("completions")
            .and_then(|m| m.get_one::<String>("shell"))
            .map_or("bash", String::as_str);
        return completions(shell);
    }
    // Anything but a known area (`--help`, a typo) is clap's to answer.
    let Some(area) = word(1).and_then(AreaEntry::find) else {
        parse(command::root(), args)?;
        return Err(Failure::usage("error: name an area"));
    };
    let table = area.parse().map_err(|err| {
        Failure::new(
            exit::API,
            format!(
                "error: internal error: the table of `{}` does not parse: {err}",
                area.name
            ),
        )
    })?;
    let called = word(2).and_then(|name| table.find(name));
    let area_command = command::area(area, &table, |method, stream| {
        called.is_some_and(|(m, s)| std::ptr::eq(m, method) && s == stream)
    });
    let root = command::root().mut_subcommand(area.name, |_| area_command);
    let matches = parse(root, args)?;
    let method_matches = matches
        .subcommand()
        .and_then(|(_, area)| area.subcommand())
        .map(|(_, method)| method);
    match (called, method_matches) {
        (Some((method, stream)), Some(matches)) => call::run(&table, method, stream, matches),
        _ => Err(Failure::usage("error: name a method")),
    }
}

/// clap's parse; help and version are printed and end the run (exit 0),
/// usage errors too (exit 2).
fn parse(command: clap::Command, args: &[OsString]) -> Result<ArgMatches, Failure> {
    command.try_get_matches_from(args).map_err(|err| {
        let _ = err.print();
        Failure {
            code: u8::try_from(err.exit_code()).unwrap_or(exit::USAGE),
            message: None,
        }
    })
}

fn completions(shell: &str) -> Result<(), Failure> {
    use clap_complete::Shell;
    let shell = match shell {
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        _ => Shell::Bash,
    };
    let mut tree = command::full_tree();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut tree, "cloudflare", &mut out);
    out.flush()
        .map_err(|err| Failure::new(exit::NETWORK, format!("error: {err}")))
}
