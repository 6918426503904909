//! The command line, built with clap's builder from the table, only as far
//! as it is needed: `cloudflare --help` lists the areas from `AREAS` alone,
//! `cloudflare <area> …` parses that area's document and lists its methods
//! by name and title, and only the method called gets its arguments. The
//! whole tree (every area's document, every method's arguments) is built
//! for `cloudflare completions <shell>` alone.

use std::collections::BTreeSet;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, value_parser};

use crate::check::describe;
use crate::table::{
    AREAS, AreaEntry, AreaTable, Body, BodyEntry, Def, Kind, Method, OutputKind, Part, PartKind, Ty,
};

/// The options every method has, and the ones some have: a query field
/// with one of these names gets `--query.<name>` instead.
const RESERVED: &[&str] = &[
    "help",
    "query",
    "body",
    "set",
    "form",
    "no-check",
    "all",
    "max-pages",
    "raw",
    "timeout",
    "retries",
    "api-token",
    "email",
    "api-key",
    "base-url",
];

/// The argument id of a path parameter.
pub fn path_id(wire: &str) -> String {
    format!("path:{wire}")
}

/// The argument id of a query field.
pub fn query_id(wire: &str) -> String {
    format!("query:{wire}")
}

const ROOT_ABOUT: &str = "The Cloudflare API from the shell.

  cloudflare <AREA> <METHOD> [PATH_ARGS...] [--<query-field> VALUE...] [--body FILE|-] [--all] [--raw]

Areas and methods are the client's names in kebab case; `cloudflare <AREA> --help` lists an area's methods, `cloudflare <AREA> <METHOD> --help` shows a method's description, `METHOD /path`, arguments and an example.";

const ROOT_AFTER: &str = "Credentials: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY (or CLOUDFLARE_ORIGIN_CA_KEY); CLOUDFLARE_BASE_URL overrides the API's address. A method's --api-token, --email, --api-key and --base-url override them.

Output: the result as JSON (indented on a terminal, one line when piped); --all prints every item of a list, one JSON line each, as the pages arrive; --raw prints the body as it came.

Exit codes: 0 success, 1 the API answered with an error, 2 usage (bad arguments, a body that fails its check, no credentials; nothing was sent), 3 network error or timeout.";

/// The top of the tree: every area by name and title (none of their
/// documents read), and `completions`.
pub fn root() -> Command {
    with_help(Command::new("cloudflare"))
        .version(env!("CARGO_PKG_VERSION"))
        .about(ROOT_ABOUT)
        .after_help(ROOT_AFTER)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_subcommand(true)
        .subcommand_value_name("AREA")
        .subcommand_help_heading("Areas")
        .subcommand(completions())
        .subcommands(AREAS.iter().map(area_stub))
}

/// `-h` and `--help` alike print the compact help: one line per area,
/// method or option (clap's long form puts each description on a line of
/// its own, which doubles a list of 426 areas).
fn with_help(command: Command) -> Command {
    command.disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::HelpShort)
            .help("Print help"),
    )
}

fn completions() -> Command {
    with_help(Command::new("completions"))
        .about("Print a completion script for a shell (bash, zsh or fish)")
        .long_about(
            "Print a completion script for a shell, to stdout. For example:\n\n  \
             cloudflare completions bash > ~/.local/share/bash-completion/completions/cloudflare\n  \
             cloudflare completions zsh > \"${fpath[1]}/_cloudflare\"\n  \
             cloudflare completions fish > ~/.config/fish/completions/cloudflare.fish",
        )
        .arg(
            Arg::new("shell")
                .required(true)
                .value_parser(PossibleValuesParser::new(["bash", "zsh", "fish"])),
        )
}

fn area_stub(area: &AreaEntry) -> Command {
    let plural = if area.methods == 1 { "" } else { "s" };
    Command::new(area.name).about(format!("{} ({} method{plural})", area.title, area.methods))
}

/// An area with its methods listed; those `full` picks (a method, and
/// whether it is the stream twin) get their arguments, the others only
/// their titles.
pub fn area(area: &AreaEntry, table: &AreaTable, full: impl Fn(&Method, bool) -> bool) -> Command {
    let methods = table.names().map(|(name, method, stream)| {
        if full(method, stream) {
            self::method(table, method, stream, name)
        } else {
            Command::new(name).about(method_title(method, stream))
        }
    });
    with_help(area_stub(area))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .disable_help_subcommand(true)
        .subcommand_value_name("METHOD")
        .subcommand_help_heading("Methods")
        .subcommands(methods)
}

/// The whole tree, for completion scripts: every area's document parsed,
/// every method with its arguments.
pub fn full_tree() -> Command {
    let mut root = root();
    for entry in AREAS {
        let Ok(table) = entry.parse() else {
            continue;
        };
        let area_command = area(entry, &table, |_, _| true);
        root = root.mut_subcommand(entry.name, |_| area_command);
    }
    root
}

fn method_title(method: &Method, stream: bool) -> String {
    if stream {
        format!("{} (streamed: the text as it is written)", method.title)
    } else {
        method.title.clone()
    }
}

/// One method, with its path parameters, query flags, body options and
/// the options every method has.
pub fn method(table: &AreaTable, method: &Method, stream: bool, name: String) -> Command {
    let mut about = method_title(method, stream);
    if !method.description.is_empty() && method.description != method.title {
        about.push_str("\n\n");
        about.push_str(&method.description);
    }
    if stream {
        about.push_str(
            "\n\nSends the body with \"stream\": true and prints the text as it arrives.",
        );
    }
    about.push_str(&format!("\n\n{} {}", method.method, method.path));
    let mut after = body_help(table, method);
    let example = if stream {
        method
            .example
            .replacen(&format!(" {} ", method.name), &format!(" {name} "), 1)
    } else {
        method.example.clone()
    };
    after.push_str(&format!("Example:\n  {example}"));

    let mut command = with_help(Command::new(name))
        .about(about)
        .after_help(after)
        .disable_version_flag(true);
    for (wire, shown) in &method.params {
        command = command.arg(
            Arg::new(path_id(wire))
                .value_name(shown.clone())
                .required(true)
                .help(format!("path parameter `{wire}`")),
        );
    }
    command = command.next_help_heading("Query");
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    taken.extend(method.query.iter().map(|f| f.name.clone()));
    for field in &method.query {
        if let Some(arg) = query_arg(field, &mut taken) {
            command = command.arg(arg);
        }
    }
    command = command.arg(
        Arg::new("query")
            .long("query")
            .value_name("KEY=VALUE")
            .action(ArgAction::Append)
            .help("Another query parameter, sent as written (repeatable)"),
    );
    command = command.next_help_heading("Body");
    command = body_args(command, method);
    command = command.next_help_heading("Output");
    if method.output == OutputKind::List && !stream {
        command = command
            .arg(
                Arg::new("all")
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .help("Every item of the list, page after page, one JSON line each"),
            )
            .arg(
                Arg::new("max-pages")
                    .long("max-pages")
                    .value_name("N")
                    .value_parser(value_parser!(u32).range(1..))
                    .help("With --all: stop with an error past this many pages (default 10000)"),
            );
    }
    if !stream {
        command = command.arg(
            Arg::new("raw")
                .long("raw")
                .action(ArgAction::SetTrue)
                .help("Print the response body as it came, unparsed"),
        );
    }
    command = command.next_help_heading("Connection");
    command.args(connection_args())
}

/// A query field's flag: `--<wire name>` (or `--query.<name>` when that is
/// one of the command's own options), typed by its kind, an enum's values
/// listed and checked; `None` for a name no flag can have.
fn query_arg(field: &crate::table::QueryField, taken: &mut BTreeSet<String>) -> Option<Arg> {
    let wire = &field.name;
    if wire.is_empty()
        || wire.starts_with('-')
        || !wire
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'))
    {
        return None;
    }
    let long = if RESERVED.contains(&wire.as_str()) {
        format!("query.{wire}")
    } else {
        wire.clone()
    };
    let mut help = field.doc.clone();
    if field.repeat {
        if !help.is_empty() {
            help.push(' ');
        }
        help.push_str("(repeatable)");
    }
    let mut arg = Arg::new(query_id(wire))
        .long(long)
        .required(field.required)
        .help(help)
        .action(if field.repeat {
            ArgAction::Append
        } else {
            ArgAction::Set
        });
    // `per_page` is also `--per-page`, unless that is taken.
    let kebab = wire.replace('_', "-");
    if kebab != *wire && taken.insert(kebab.clone()) {
        arg = arg.alias(kebab);
    }
    arg = if !field.values.is_empty() {
        arg.value_name("VALUE")
            .value_parser(PossibleValuesParser::new(field.values.clone()))
    } else {
        match field.kind {
            Kind::Integer => arg.value_name("INTEGER").value_parser(value_parser!(i64)),
            Kind::Unsigned => arg.value_name("INTEGER").value_parser(value_parser!(u64)),
            Kind::Number => arg.value_name("NUMBER").value_parser(value_parser!(f64)),
            Kind::Boolean => arg
                .value_name("BOOL")
                .value_parser(PossibleValuesParser::new(["true", "false"])),
            Kind::String | Kind::Any => arg.value_name("TEXT"),
        }
    };
    Some(arg)
}

fn body_args(command: Command, method: &Method) -> Command {
    let body = method.body.as_ref().and_then(BodyEntry::kind);
    let file = |help: String| {
        Arg::new("body")
            .long("body")
            .value_name("FILE|-")
            .help(help)
    };
    let set = || {
        Arg::new("set")
            .long("set")
            .value_name("FIELD=VALUE")
            .action(ArgAction::Append)
            .help("A field of the body, read as its declared type (FIELD:=JSON for any JSON); repeatable, applied over --body")
    };
    let no_check = Arg::new("no-check")
        .long("no-check")
        .action(ArgAction::SetTrue)
        .help("Send the body without checking it against its type");
    match body {
        Some(Body::Json(ty)) => command
            .arg(file(format!(
                "The JSON body, from a file or - for stdin; checked as a {ty} before sending"
            )))
            .arg(set())
            .arg(no_check),
        Some(Body::Lines(ty, content_type)) => command
            .arg(
                file(format!(
                    "The body, one JSON value a line ({content_type}), from a file or - for stdin; each line checked as a {ty}"
                ))
                .required(true),
            )
            .arg(no_check),
        Some(Body::Bytes(content_type)) => command.arg(
            file(format!(
                "The body's bytes, from a file or - for stdin, sent as {content_type}"
            ))
            .required(true),
        ),
        Some(Body::Form(parts)) => command.arg(
            Arg::new("form")
                .long("form")
                .value_name("NAME=VALUE|NAME=@FILE")
                .action(ArgAction::Append)
                .required(parts.iter().any(|p| p.required))
                .help("A part of the multipart body: text, or a file's content with @ (repeatable; the parts are listed below)"),
        ),
        // A read sends no body.
        None if matches!(method.method.as_str(), "GET" | "HEAD") => command,
        // The docs declare no body; one may still be sent, unchecked.
        None => command
            .arg(file(
                "A JSON body (the docs declare none; sent unchecked), from a file or - for stdin"
                    .to_owned(),
            ))
            .arg(set()),
    }
}

fn connection_args() -> [Arg; 6] {
    [
        Arg::new("api-token")
            .long("api-token")
            .value_name("TOKEN")
            .conflicts_with_all(["email", "api-key"])
            .help("API token (instead of CLOUDFLARE_API_TOKEN; the environment keeps it out of the process list)"),
        Arg::new("email")
            .long("email")
            .value_name("EMAIL")
            .requires("api-key")
            .help("Account email, with --api-key (instead of CLOUDFLARE_EMAIL)"),
        Arg::new("api-key")
            .long("api-key")
            .value_name("KEY")
            .requires("email")
            .help("Global API key, with --email (instead of CLOUDFLARE_API_KEY)"),
        Arg::new("base-url")
            .long("base-url")
            .value_name("URL")
            .help("The API's address (instead of CLOUDFLARE_BASE_URL; default https://api.cloudflare.com/client/v4)"),
        Arg::new("timeout")
            .long("timeout")
            .value_name("SECONDS")
            .value_parser(value_parser!(f64))
            .help("Time allowed to each attempt, and to each wait between two parts of a stream (default 60)"),
        Arg::new("retries")
            .long("retries")
            .value_name("N")
            .value_parser(value_parser!(u32))
            .help("Retries after a connection error, a timeout, 429 or 5xx (default 2)"),
    ]
}

/// What the body is, for the help: a struct's fields, a union's kinds
/// with their required fields, a multipart body's parts.
fn body_help(table: &AreaTable, method: &Method) -> String {
    let mut out = String::new();
    match method.body.as_ref().and_then(BodyEntry::kind) {
        Some(Body::Json(ty) | Body::Lines(ty, _)) => {
            out.push_str(&format!("Body: {}\n", describe(ty)));
            type_help(table, &Ty::parse(ty), &mut out);
            out.push('\n');
        }
        Some(Body::Bytes(content_type)) => {
            out.push_str(&format!("Body: bytes, sent as {content_type}\n\n"));
        }
        Some(Body::Form(parts)) => {
            out.push_str("Body: multipart/form-data; parts (--form NAME=VALUE or NAME=@FILE):\n");
            for part in parts {
                out.push_str(&format!("  {}\n", part_help(part)));
            }
            out.push('\n');
        }
        None => {}
    }
    out
}

fn type_help(table: &AreaTable, ty: &Ty<'_>, out: &mut String) {
    let name = match ty {
        Ty::Named(name) => *name,
        Ty::Array(inner) | Ty::Nullable(inner) => return type_help(table, inner, out),
        _ => return,
    };
    let fields_line = |fields: &[crate::table::Field]| {
        fields
            .iter()
            .map(|f| {
                if f.required {
                    format!("{} ({}, required)", f.name, describe(&f.ty))
                } else {
                    format!("{} ({})", f.name, describe(&f.ty))
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match table.types.get(name).map(|t| t.def()) {
        Some(Def::Struct(fields)) => {
            for field in fields {
                let required = if field.required { ", required" } else { "" };
                let doc = if field.doc.is_empty() {
                    String::new()
                } else {
                    format!(": {}", field.doc)
                };
                out.push_str(&format!(
                    "  {} ({}{required}){doc}\n",
                    field.name,
                    describe(&field.ty)
                ));
            }
        }
        Some(Def::Union { tag, variants }) => {
            match tag {
                Some(tag) => out.push_str(&format!("  one of these kinds, by `{tag}`:\n")),
                None => out.push_str("  one of these shapes:\n"),
            }
            for (label, ty) in variants {
                let fields = match table.types.get(ty).map(|t| t.def()) {
                    Some(Def::Struct(fields)) => fields_line(fields),
                    _ => String::new(),
                };
                out.push_str(&format!("    {label}: {fields}\n"));
            }
        }
        Some(Def::Enum(values)) => out.push_str(&format!("  one of {}\n", values.join(" | "))),
        None => {}
    }
}

fn part_help(part: &Part) -> String {
    let mut words = Vec::new();
    let name = if part.any_name {
        format!("NAME ({}, any name)", part.name)
    } else {
        part.name.clone()
    };
    words.push(match part.kind {
        PartKind::File => match part.content_types.first() {
            Some(content_type) => format!("{name}: a file (@FILE), sent as {content_type}"),
            None => format!("{name}: a file (@FILE)"),
        },
        PartKind::Json => format!(
            "{name}: JSON ({}), inline or @FILE",
            describe(part.ty.as_deref().unwrap_or("any"))
        ),
        PartKind::Text => format!(
            "{name}: text ({})",
            describe(part.ty.as_deref().unwrap_or("string"))
        ),
    });
    if part.required {
        words.push("required".to_owned());
    }
    if part.repeated {
        words.push("repeatable".to_owned());
    }
    if !part.doc.is_empty() {
        words.push(part.doc.clone());
    }
    words.join(", ")
}
