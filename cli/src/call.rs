//! One call: the client from the environment and the flags, the request
//! from the method's table entry and the command line, the answer printed.
//!
//! Everything about sending (credentials, retries, paging, limits, event
//! streams) is the client's runtime, reached through `Client::request`;
//! this module only turns arguments into a request and answers into
//! output. Arguments are read and bodies checked before anything is sent:
//! a usage error sends nothing.

use std::ffi::OsStr;
use std::io::{self, IsTerminal, Read, Write};
use std::time::Duration;

use clap::ArgMatches;
use futures_util::StreamExt;
use generated_client::runtime::{Binary, FilePart, Method as HttpMethod, Multipart, Request};
use generated_client::{ApiError, ApiMessage, Client, ClientBuilder, Error};
use serde_json::{Map, Value};

use crate::check::{Checker, Findings, field_path};
use crate::command::{path_id, query_id};
use crate::table::{AreaTable, Body, BodyEntry, Method, OutputKind, Part, PartKind, Ty};
use crate::{Failure, exit};

/// What to do with the answer.
#[derive(Debug, Clone, Copy)]
enum Show {
    /// The text of a streamed generation, as it arrives.
    Stream,
    /// The body as it came, streamed to stdout.
    Raw,
    /// Nothing to print.
    NoContent,
    /// Every item of a list, one JSON line each, as the pages arrive.
    All { max_pages: Option<u32> },
    /// The first page of a list, as a JSON array.
    Page,
    /// The envelope's `result`.
    Json,
    /// The whole body, JSON.
    Bare,
}

/// Runs the method with the parsed command line.
pub fn run(
    table: &AreaTable,
    method: &Method,
    stream: bool,
    matches: &ArgMatches,
) -> Result<(), Failure> {
    let client = client(matches)?;
    let show = if stream {
        Show::Stream
    } else if flag(matches, "raw") {
        Show::Raw
    } else {
        match method.output {
            OutputKind::Raw => Show::Raw,
            OutputKind::None => Show::NoContent,
            OutputKind::List if flag(matches, "all") => Show::All {
                max_pages: matches
                    .try_get_one::<u32>("max-pages")
                    .ok()
                    .flatten()
                    .copied(),
            },
            OutputKind::List => Show::Page,
            OutputKind::Json => Show::Json,
            OutputKind::Bare => Show::Bare,
        }
    };
    let request = request(&client, table, method, stream, matches)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::new(exit::NETWORK, format!("error: cannot start: {err}")))?;
    runtime.block_on(answer(request, show))
}

/// `get_flag` for an option the method may not have.
fn flag(matches: &ArgMatches, id: &str) -> bool {
    matches!(matches.try_get_one::<bool>(id), Ok(Some(true)))
}

/// A flag's value as written (clap has checked it already).
fn text<'a>(value: &'a OsStr, what: &str) -> Result<&'a str, Failure> {
    value
        .to_str()
        .ok_or_else(|| Failure::usage(format!("error: {what} is not valid UTF-8")))
}

/// The client: the environment's configuration, with the flags over it.
fn client(matches: &ArgMatches) -> Result<Client, Failure> {
    let given = |id: &str| matches.get_one::<String>(id).cloned();
    let (token, email, key, base_url) = (
        given("api-token"),
        given("email"),
        given("api-key"),
        given("base-url"),
    );
    // Credentials given as flags replace the environment's, whichever kind.
    let flags_authenticate = token.is_some() || email.is_some() || key.is_some();
    let builder = ClientBuilder::from_vars(|name| {
        let env = || std::env::var(name).ok();
        match name {
            "CLOUDFLARE_API_TOKEN" if flags_authenticate => token.clone(),
            "CLOUDFLARE_EMAIL" if flags_authenticate => email.clone(),
            "CLOUDFLARE_API_KEY" if flags_authenticate => key.clone(),
            "CLOUDFLARE_ORIGIN_CA_KEY" if flags_authenticate => None,
            "CLOUDFLARE_BASE_URL" => base_url.clone().or_else(env),
            _ => env(),
        }
    });
    if !builder.has_credentials() {
        return Err(Failure::usage(
            "error: no credentials: set CLOUDFLARE_API_TOKEN (or pass --api-token), or \
             CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY (or --email and --api-key); nothing was sent",
        ));
    }
    let mut builder = builder.user_agent(format!("cloudflare-cli/{}", env!("CARGO_PKG_VERSION")));
    if let Some(&seconds) = matches.get_one::<f64>("timeout") {
        if !(seconds.is_finite() && seconds > 0.0) {
            return Err(Failure::usage(
                "error: --timeout takes a number of seconds above 0",
            ));
        }
        builder = builder.timeout(Duration::from_secs_f64(seconds));
    }
    if let Some(&retries) = matches.get_one::<u32>("retries") {
        builder = builder.max_retries(retries);
    }
    builder.build().map_err(failure)
}

/// The request, its arguments read and its body checked: nothing is sent
/// yet.
fn request(
    client: &Client,
    table: &AreaTable,
    method: &Method,
    stream: bool,
    matches: &ArgMatches,
) -> Result<Request<generated_client::runtime::Json<Value>>, Failure> {
    let http = HttpMethod::from_bytes(method.method.as_bytes())
        .map_err(|_| Failure::usage(format!("error: unknown HTTP method {}", method.method)))?;
    let mut values = Vec::with_capacity(method.params.len());
    for (wire, _) in &method.params {
        let value = matches
            .get_raw(&path_id(wire))
            .and_then(|mut v| v.next())
            .ok_or_else(|| Failure::usage(format!("error: `{wire}` is missing")))?;
        values.push((wire.as_str(), text(value, wire)?));
    }
    // The client keeps the path template for its errors and hooks, which
    // live as long as the process: one small string, leaked once.
    let template: &'static str = Box::leak(method.path.clone().into_boxed_str());
    let mut request = client.request(http, template, &values);

    let mut query: Vec<(String, String)> = Vec::new();
    for field in &method.query {
        if let Some(given) = matches.get_raw(&query_id(&field.name)) {
            for value in given {
                query.push((field.name.clone(), text(value, &field.name)?.to_owned()));
            }
        }
    }
    for pair in matches.get_many::<String>("query").into_iter().flatten() {
        // (Every method has `--query`.)
        let (key, value) = pair.split_once('=').ok_or_else(|| {
            Failure::usage(format!("error: --query takes KEY=VALUE, not `{pair}`"))
        })?;
        query.push((key.to_owned(), value.to_owned()));
    }
    if !query.is_empty() {
        request = request.extra_query(&query);
    }
    if let Some(accept) = &method.accept {
        request = request.header("accept", accept.as_str());
    }
    request = body(request, table, method, stream, matches)?;
    Ok(request)
}

/// The body from `--body`, `--set` or `--form`, checked against its type.
fn body(
    request: Request<generated_client::runtime::Json<Value>>,
    table: &AreaTable,
    method: &Method,
    stream: bool,
    matches: &ArgMatches,
) -> Result<Request<generated_client::runtime::Json<Value>>, Failure> {
    let checker = Checker {
        types: &table.types,
    };
    let check = !flag(matches, "no-check");
    let source = matches
        .try_get_one::<String>("body")
        .ok()
        .flatten()
        .map(String::as_str);
    match method.body.as_ref().and_then(BodyEntry::kind) {
        Some(Body::Json(type_text)) => {
            let ty = Ty::parse(type_text);
            let Some(value) = json_body(source, Some(&ty), checker, matches)? else {
                return Err(Failure::usage(format!(
                    "error: {} {} takes a body ({}): give --body FILE (- for stdin) or --set FIELD=VALUE; nothing was sent",
                    method.method,
                    method.path,
                    crate::check::describe(type_text),
                )));
            };
            if check {
                let mut found = Findings::default();
                checker.check(&value, &ty, "body", &mut found);
                report(found)?;
            }
            Ok(request.body(&value))
        }
        None => match json_body(source, None, checker, matches)? {
            Some(value) => Ok(request.body(&value)),
            None if stream => Ok(request.body(&Value::Object(Map::new()))),
            None => Ok(request),
        },
        Some(Body::Lines(ty, content_type)) => {
            let ty = Ty::parse(ty);
            let bytes = read_input(source.unwrap_or("-"))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Failure::usage("error: the body is not UTF-8 text"))?;
            let mut lines = Vec::new();
            let mut found = Findings::default();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let place = format!("line {}", i + 1);
                let value: Value = serde_json::from_str(line).map_err(|err| {
                    Failure::usage(format!("error: body {place}: not JSON: {err}"))
                })?;
                if check {
                    checker.check(&value, &ty, &place, &mut found);
                }
                lines.push(value);
            }
            report(found)?;
            Ok(request.json_lines(lines, content_type))
        }
        Some(Body::Bytes(content_type)) => {
            let binary = match source {
                Some("-") | None => Binary::bytes(read_input("-")?),
                Some(path) => {
                    // Opened here so that a missing file is a usage error;
                    // the client reads it as it sends.
                    std::fs::File::open(path).map_err(|err| {
                        Failure::usage(format!("error: cannot read the body file {path}: {err}"))
                    })?;
                    Binary::file(path)
                }
            };
            Ok(request.binary(binary, content_type))
        }
        Some(Body::Form(parts)) => {
            let form = form(parts, checker, check, matches)?;
            Ok(request.multipart(form))
        }
    }
}

/// The JSON body from `--body` (a file, or `-` for stdin) with each
/// `--set` over it; `None` when neither is given.
fn json_body(
    source: Option<&str>,
    ty: Option<&Ty<'_>>,
    checker: Checker<'_>,
    matches: &ArgMatches,
) -> Result<Option<Value>, Failure> {
    let mut body = match source {
        Some(source) => {
            let bytes = read_input(source)?;
            Some(
                serde_json::from_slice::<Value>(&bytes)
                    .map_err(|err| Failure::usage(format!("error: body: not JSON: {err}")))?,
            )
        }
        None => None,
    };
    let sets: Vec<&String> = matches
        .try_get_many::<String>("set")
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .collect();
    if sets.is_empty() {
        return Ok(body);
    }
    let mut object = match body.take() {
        None => Map::new(),
        Some(Value::Object(object)) => object,
        Some(_) => {
            return Err(Failure::usage(
                "error: --set needs a body that is a JSON object",
            ));
        }
    };
    for assignment in sets {
        let (key, raw, value) = match assignment.split_once('=') {
            Some((key, value)) => match key.strip_suffix(':') {
                Some(key) => (key, true, value),
                None => (key, false, value),
            },
            None => {
                return Err(Failure::usage(format!(
                    "error: --set takes FIELD=VALUE (or FIELD:=JSON), not `{assignment}`"
                )));
            }
        };
        let place = field_path("body", key);
        let parsed = if raw {
            serde_json::from_str(value)
                .map_err(|err| Failure::usage(format!("error: {place}: not JSON: {err}")))?
        } else {
            let declared = ty.and_then(|ty| checker.field_type(ty, key, &object));
            checker
                .parse_value(value, declared.as_ref())
                .map_err(|err| Failure::usage(format!("error: {place}: {err}")))?
        };
        object.insert(key.to_owned(), parsed);
    }
    Ok(Some(Value::Object(object)))
}

/// The multipart body from `--form NAME=VALUE` and `--form NAME=@FILE`.
fn form(
    parts: &[Part],
    checker: Checker<'_>,
    check: bool,
    matches: &ArgMatches,
) -> Result<Multipart, Failure> {
    let mut form = Multipart::new();
    let mut given: Vec<&str> = Vec::new();
    let mut found = Findings::default();
    for entry in matches.get_many::<String>("form").into_iter().flatten() {
        let (name, value) = entry.split_once('=').ok_or_else(|| {
            Failure::usage(format!(
                "error: --form takes NAME=VALUE or NAME=@FILE, not `{entry}`"
            ))
        })?;
        let part = parts
            .iter()
            .find(|p| !p.any_name && p.name == name)
            .or_else(|| parts.iter().find(|p| p.any_name))
            .ok_or_else(|| {
                let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
                Failure::usage(format!(
                    "error: the body has no part `{name}`; its parts: {}",
                    names.join(", ")
                ))
            })?;
        given.push(&part.name);
        let file = value.strip_prefix('@');
        let place = format!("form.{name}");
        form = match part.kind {
            PartKind::File => {
                let path = file.ok_or_else(|| {
                    Failure::usage(format!("error: {place}: a file part takes @FILE"))
                })?;
                std::fs::File::open(path).map_err(|err| {
                    Failure::usage(format!("error: cannot read {path} for {place}: {err}"))
                })?;
                let default = part
                    .content_types
                    .first()
                    .map_or("application/octet-stream", String::as_str);
                let file = FilePart::path(path);
                if part.any_name {
                    form.named_file_or(name, file, default)
                } else {
                    form.file_or(name, file, default)
                }
            }
            PartKind::Json => {
                let text = match file {
                    Some(path) => String::from_utf8(read_input(path)?).map_err(|_| {
                        Failure::usage(format!("error: {place}: {path} is not UTF-8"))
                    })?,
                    None => value.to_owned(),
                };
                let json: Value = serde_json::from_str(&text)
                    .map_err(|err| Failure::usage(format!("error: {place}: not JSON: {err}")))?;
                if check {
                    if let Some(ty) = &part.ty {
                        checker.check(&json, &Ty::parse(ty), &place, &mut found);
                    }
                }
                form.json(name, &json)
            }
            PartKind::Text => {
                let ty = part.ty.as_deref().map(Ty::parse);
                let text = checker
                    .parse_value(value, ty.as_ref())
                    .map_err(|err| Failure::usage(format!("error: {place}: {err}")))?;
                let text = match text {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                form.text(name, &text)
            }
        };
    }
    for part in parts.iter().filter(|p| p.required) {
        if !given.contains(&part.name.as_str()) {
            found.errors.push(format!(
                "form.{}: missing (required part; --form {}=…)",
                part.name, part.name
            ));
        }
    }
    report(found)?;
    Ok(form)
}

/// Prints the notes; fails (nothing sent) when there are errors.
fn report(found: Findings) -> Result<(), Failure> {
    let mut stderr = io::stderr().lock();
    for note in &found.notes {
        let _ = writeln!(stderr, "note: {note}");
    }
    if found.errors.is_empty() {
        return Ok(());
    }
    let mut message = String::from("error: the body does not fit its type; nothing was sent");
    for error in &found.errors {
        message.push_str("\n  ");
        message.push_str(error);
    }
    message.push_str("\n(--no-check sends it as it is)");
    Err(Failure::usage(message))
}

/// A file's bytes, or stdin's for `-`.
fn read_input(source: &str) -> Result<Vec<u8>, Failure> {
    if source == "-" {
        let mut bytes = Vec::new();
        io::stdin().read_to_end(&mut bytes).map_err(|err| {
            Failure::usage(format!("error: cannot read the body from stdin: {err}"))
        })?;
        return Ok(bytes);
    }
    std::fs::read(source)
        .map_err(|err| Failure::usage(format!("error: cannot read the body file {source}: {err}")))
}

/// Sends the request and prints the answer.
async fn answer(
    request: Request<generated_client::runtime::Json<Value>>,
    show: Show,
) -> Result<(), Failure> {
    let pretty = io::stdout().is_terminal();
    let mut out = io::stdout().lock();
    let written = match show {
        Show::Json => print_json(&mut out, &request.await.map_err(failure)?, pretty),
        Show::Bare => print_json(
            &mut out,
            &request.bare::<Value>().await.map_err(failure)?,
            pretty,
        ),
        Show::NoContent => {
            request.no_content().await.map_err(failure)?;
            Ok(())
        }
        Show::Page => {
            let (items, meta) = request
                .list::<Value>()
                .send_with_meta()
                .await
                .map_err(failure)?;
            if let Some(info) = meta.result_info() {
                let more = match (info.page, info.total_pages) {
                    (Some(page), Some(total)) => {
                        (page < total).then(|| format!("page {page} of {total}"))
                    }
                    _ => info.next_cursor().map(|_| "one page".to_owned()),
                };
                if let Some(more) = more {
                    eprintln!("note: {more}; --all prints every item");
                }
            }
            print_json(&mut out, &Value::Array(items), pretty)
        }
        Show::All { max_pages } => {
            let mut list = request.list::<Value>();
            if let Some(max_pages) = max_pages {
                list = list.max_pages(max_pages);
            }
            let mut items = list.items();
            let mut written = Ok(());
            while let Some(item) = items.next().await {
                let item = item.map_err(failure)?;
                written = serde_json::to_writer(&mut out, &item)
                    .map_err(io::Error::from)
                    .and_then(|()| out.write_all(b"\n"))
                    .and_then(|()| out.flush());
                if written.is_err() {
                    break;
                }
            }
            written
        }
        Show::Raw => {
            let mut body = request.raw().await.map_err(failure)?.stream();
            let mut written = Ok(());
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(failure)?;
                written = out.write_all(&chunk).and_then(|()| out.flush());
                if written.is_err() {
                    break;
                }
            }
            written
        }
        Show::Stream => {
            let mut chunks = request.stream_text().await.map_err(failure)?;
            let mut written = Ok(());
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(failure)?;
                written = out
                    .write_all(chunk.text().as_bytes())
                    .and_then(|()| out.flush());
                if written.is_err() {
                    break;
                }
            }
            written.and_then(|()| out.write_all(b"\n"))
        }
    };
    match written {
        // A reader that has seen enough (`| head`) is no failure; the
        // stream stops, and no further page is requested.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(Failure::new(
            exit::NETWORK,
            format!("error: cannot write the output: {err}"),
        )),
        Ok(()) => Ok(()),
    }
}

fn print_json(out: &mut impl Write, value: &Value, pretty: bool) -> io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *out, value)?;
    } else {
        serde_json::to_writer(&mut *out, value)?;
    }
    out.write_all(b"\n")?;
    out.flush()
}

/// The exit code and message of a client error. None of them holds a
/// credential (the client builds errors from the method, the path template
/// and the answer only).
pub fn failure(err: Error) -> Failure {
    match &err {
        Error::Api(api) => Failure::new(exit::API, api_message(api)),
        Error::Timeout { .. }
        | Error::Connection { .. }
        | Error::IncompleteBody { .. }
        | Error::StreamEnded { .. }
        | Error::Io(_) => Failure::new(exit::NETWORK, format!("error: {err}")),
        Error::InvalidArgument(_) | Error::Config(_) => Failure::usage(format!("error: {err}")),
        Error::Decode { .. } | Error::ResponseTooLarge { .. } => Failure::new(
            exit::API,
            format!("error: {err}\n(--raw prints the body as it came)"),
        ),
        _ => Failure::new(exit::API, format!("error: {err}")),
    }
}

/// `error: METHOD /path: STATUS`, then each of Cloudflare's errors as
/// `code: message` (and their `error_chain`, indented), its messages, and
/// the `cf-ray` to quote to Cloudflare's support.
fn api_message(api: &ApiError) -> String {
    let mut out = format!("error: {} {}: {}", api.method, api.path, api.status);
    fn list(out: &mut String, messages: &[ApiMessage], depth: usize) {
        for message in messages {
            let indent = "  ".repeat(depth);
            match message.code {
                Some(code) => out.push_str(&format!("\n{indent}{code}: {}", message.message)),
                None => out.push_str(&format!("\n{indent}{}", message.message)),
            }
            if let Some(pointer) = message.source.as_ref().and_then(|s| s.pointer.as_deref()) {
                out.push_str(&format!(" (at {pointer})"));
            }
            list(out, &message.error_chain, depth + 1);
        }
    }
    list(&mut out, &api.errors, 1);
    if !api.messages.is_empty() {
        out.push_str("\n  messages:");
        list(&mut out, &api.messages, 2);
    }
    if api.errors.is_empty() {
        if let Some(snippet) = &api.body_snippet {
            let line: Vec<&str> = snippet.split_whitespace().collect();
            out.push_str(&format!("\n  body: {}", line.join(" ")));
        }
    }
    if let Some(ray) = &api.cf_ray {
        out.push_str(&format!("\n  cf-ray: {ray}"));
    }
    out
}
