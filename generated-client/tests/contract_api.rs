//! Contract test of the whole API: every `GET` method of the client whose
//! result it decodes, called through its generated method against Prism
//! serving Cloudflare's whole OpenAPI description
//! (`../shared/contract/cloudflare-openapi.json`), once with the
//! description's examples (static) and once with randomized responses
//! (`Prefer: dynamic=true`, seeded, so every run sees the same ones).
//!
//! The calls are generated with the client (`contract_api/probes.rs`, by
//! `cargo xtask generate`): path values and required query parameters come
//! from the description's parameters (their examples, enums or types). The
//! client talks to Prism through a forwarding server on 127.0.0.1 that
//! records exactly what Prism answered, so each typed result is compared
//! with the very body it was decoded from.
//!
//! Each call ends in one of these:
//! - **decoded**: Prism's response conforms to the description, the method
//!   decoded it, and the typed value, serialized again, holds everything
//!   Prism sent (`lost`: keys, values; `null` counts as absent);
//! - **failed**: a conforming response that does not decode, or loses
//!   data: the client's fault, listed with the reason;
//! - not counted, each listed with its reason: the response does not
//!   conform to the description (its own example is wrong), Prism refused
//!   the request or could not answer, or the description has no such
//!   operation.
//!
//! Done when at least 99% of the endpoints with a conforming response
//! decode, in each mode, and enough of them were checked.

#[path = "support/contract.rs"]
mod contract;
#[path = "support/prism.rs"]
mod prism;
#[rustfmt::skip]
#[path = "contract_api/probes.rs"]
mod probes;
mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use generated_client::Client;
use generated_client::runtime::{BoxFuture, ResponseMeta};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use contract::{Contract, lost};
use prism::{Prism, ensure_prism, workspace_root};
use support::Server;

const SPEC: &str = "../shared/contract/cloudflare-openapi.json";
/// Dynamic responses come from this seed: the same ones on every run.
const SEED: &str = "20261204";
/// The share of endpoints with a conforming response that must decode.
const REQUIRED: f64 = 0.99;
/// Fewer endpoints checked than this means the test checked nothing much
/// (Prism refusing everything, say), whatever the share.
const MIN_CHECKED: usize = 400;

/// One call of the client: generated, one per `GET` endpoint.
#[derive(Debug)]
pub struct Probe {
    pub area: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// Whether the method reads the envelope's `result` (when the body is
    /// an envelope), or the whole body.
    pub envelope: bool,
    pub call: fn(Client, Args) -> BoxFuture<Result<Value, Failure>>,
}

/// What a call needs: path values in order, and the required query
/// parameters as JSON (decoded into the endpoint's query type).
#[derive(Debug, Clone)]
pub struct Args {
    path: Vec<String>,
    query: Value,
}

impl Args {
    pub fn path(&self, index: usize) -> &str {
        &self.path[index]
    }

    pub fn query<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        serde_json::from_value(self.query.clone()).map_err(|e| {
            Failure::Query(format!(
                "the description's required parameters {} do not make a query: {e}",
                self.query
            ))
        })
    }
}

/// Why a call gave no typed value.
#[derive(Debug)]
pub enum Failure {
    Client(generated_client::Error),
    Query(String),
}

/// The typed value a call returned, serialized again.
pub fn done<T: Serialize>(
    result: generated_client::Result<(T, ResponseMeta)>,
) -> Result<Value, Failure> {
    let (value, _) = result.map_err(Failure::Client)?;
    Ok(serde_json::to_value(&value).expect("a generated value serializes"))
}

/// How one call ended.
#[derive(Debug)]
enum Verdict {
    Decoded,
    Failed(String),
    NotConforming(String),
    Refused(String),
    NoOperation,
}

#[test]
fn every_get_against_prism_serving_the_whole_description() {
    let started = Instant::now();
    let root = workspace_root();
    let contract = Contract::load(&root, SPEC);
    let operations = operations(&contract);
    let bin = ensure_prism(&root);
    let prism = Prism::start_with(&root, &bin, SPEC, &["--seed", SEED]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut report = String::new();
    let mut failures = Vec::new();
    for (mode, prefer) in [("static", None), ("dynamic", Some("dynamic=true"))] {
        let verdicts = runtime.block_on(run(&contract, &operations, &prism.url(), prefer));
        let (line, failed) = summarize(mode, &verdicts);
        report.push_str(&line);
        failures.extend(failed);
    }
    drop(prism);
    eprintln!(
        "contract api: {} probes, done in {:.1?}\n{report}",
        probes::PROBES.len(),
        started.elapsed()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs every probe in order (so that the seeded randomized responses are
/// the same on every run) and judges each.
async fn run(
    contract: &Contract,
    operations: &BTreeMap<String, (String, Value)>,
    prism: &str,
    prefer: Option<&str>,
) -> Vec<(&'static Probe, Verdict)> {
    let mut headers = vec![
        ("authorization", "Bearer contract-test-token"),
        ("x-auth-user-service-key", "v1.0-contract-test"),
    ];
    headers.extend(prefer.map(|p| ("prefer", p)));
    let window = Server::forward(prism, &headers).await;
    let client = Client::builder()
        .base_url(window.url())
        .allow_http(true)
        .api_key(
            "user@example.com",
            "c2547eb745079dac9320b638f5e225cf483cc5cfdda41",
        )
        // A failure must show, not be retried away.
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let mut verdicts = Vec::with_capacity(probes::PROBES.len());
    for probe in probes::PROBES {
        let Some((path, operation)) = operations.get(&normalize(probe.path)) else {
            verdicts.push((probe, Verdict::NoOperation));
            continue;
        };
        let args = args(contract, path, operation);
        let before = window.hits();
        let result = (probe.call)(client.clone(), args).await;
        let exchange = window.requests().into_iter().nth(before);
        verdicts.push((
            probe,
            judge(
                contract,
                operation,
                probe.envelope,
                result,
                exchange.and_then(|r| r.upstream),
            ),
        ));
    }
    verdicts
}

/// The verdict on one call, from its result and what Prism answered.
fn judge(
    contract: &Contract,
    operation: &Value,
    envelope: bool,
    result: Result<Value, Failure>,
    answer: Option<support::Answer>,
) -> Verdict {
    let result = match result {
        Err(Failure::Query(why)) => return Verdict::Refused(why),
        other => other,
    };
    let Some(support::Answer {
        status,
        headers,
        body,
    }) = answer
    else {
        return Verdict::Failed(format!("the client sent nothing: {result:?}"));
    };
    if !(200..300).contains(&status) {
        let violations = headers
            .iter()
            .find(|(k, _)| k == "sl-violations")
            .map_or_else(
                || String::from_utf8_lossy(&body).into_owned(),
                |(_, v)| v.clone(),
            );
        return Verdict::Refused(format!("Prism answered {status}: {}", cut(&violations)));
    }
    let text = String::from_utf8_lossy(&body);
    let Ok(raw) = serde_json::from_slice::<Value>(&body) else {
        return match result {
            Ok(_) if body.is_empty() => Verdict::Decoded,
            _ => Verdict::NotConforming(format!("Prism's body is not JSON: {}", cut(&text))),
        };
    };
    let schema =
        operation["responses"][status.to_string()]["content"]["application/json"]["schema"].clone();
    if schema.is_null() {
        return Verdict::NotConforming(format!("no JSON schema for {status}"));
    }
    let mut unspecified = Vec::new();
    if let Err(why) = contract.conforms_noting(&raw, &schema, "body", &mut unspecified) {
        return Verdict::NotConforming(why);
    }
    let typed = match result {
        Ok(typed) => typed,
        // Prism's randomized envelopes may say `"success": false` with a
        // 200; the client reports every such envelope as an API error.
        Err(Failure::Client(err))
            if err.api().is_some() && raw.get("success") == Some(&json!(false)) =>
        {
            return Verdict::Refused(
                "a 200 whose envelope says `\"success\": false`: an `Error::Api` by design"
                    .to_owned(),
            );
        }
        // A place the description leaves untyped holds whatever Prism made
        // up; the document's type for it is the better word.
        Err(Failure::Client(err)) if !unspecified.is_empty() => {
            return Verdict::NotConforming(format!(
                "the description says nothing of {} and Prism filled it at random; the client keeps the document's type there: {err}",
                unspecified.join(", ")
            ));
        }
        Err(Failure::Client(err)) => return Verdict::Failed(format!("{err}")),
        Err(Failure::Query(_)) => unreachable!("returned above"),
    };
    // What the method decoded: the envelope's `result`, or the whole body.
    let sent = match &raw {
        Value::Object(body) if envelope && body.contains_key("result") => body["result"].clone(),
        _ => raw.clone(),
    };
    let mut diffs = Vec::new();
    // A list's page or a struct: an empty result the client reads as `None`
    // or `[]` is no loss.
    match (&sent, &typed) {
        (Value::Null, Value::Array(items)) if items.is_empty() => {}
        _ => lost(&sent, &typed, "result", &mut diffs),
    }
    if diffs.is_empty() {
        Verdict::Decoded
    } else {
        Verdict::Failed(format!("loses data: {}", diffs.join("; ")))
    }
}

/// One line per mode, and the failures, each with its reason.
fn summarize(mode: &str, verdicts: &[(&Probe, Verdict)]) -> (String, Vec<String>) {
    let mut decoded = 0;
    let mut failed = Vec::new();
    let mut not_counted: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (probe, verdict) in verdicts {
        let name = format!("{}::{} (GET {})", probe.area, probe.method, probe.path);
        match verdict {
            Verdict::Decoded => decoded += 1,
            Verdict::Failed(why) => failed.push(format!("{mode}: {name}: {why}")),
            Verdict::NotConforming(why) => not_counted
                .entry(
                    "response does not conform to the description, or only where it says nothing",
                )
                .or_default()
                .push(format!("{name}: {}", cut(why))),
            Verdict::Refused(why) => not_counted
                .entry("Prism refused the request or could not answer")
                .or_default()
                .push(format!("{name}: {}", cut(why))),
            Verdict::NoOperation => not_counted
                .entry("not in the description")
                .or_default()
                .push(name),
        }
    }
    let checked = decoded + failed.len();
    let share = decoded as f64 / checked.max(1) as f64;
    let mut line = format!(
        "{mode}: {decoded} of {checked} endpoints with a conforming response decoded losslessly ({:.2}%), {} failed",
        share * 100.0,
        failed.len()
    );
    for (why, names) in &not_counted {
        let _ = write!(line, "; {} not counted ({why})", names.len());
    }
    line.push('\n');
    // Every endpoint not counted, with its reason, in a file beside the
    // test's output: the list the done-when asks for.
    let mut listing = format!("{mode}\n");
    for (why, names) in &not_counted {
        let _ = writeln!(listing, "  {why} ({}):", names.len());
        for name in names {
            let _ = writeln!(listing, "    {name}");
        }
    }
    let report =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("contract-api-{mode}.txt"));
    if std::fs::write(&report, &listing).is_ok() {
        let _ = writeln!(
            line,
            "  every endpoint not counted, with its reason: {}",
            report.display()
        );
    }
    let mut problems = Vec::new();
    if share < REQUIRED || checked < MIN_CHECKED {
        problems.push(format!(
            "{mode}: {decoded} of {checked} decoded ({:.2}%); at least {:.0}% of at least {MIN_CHECKED} must:\n  {}",
            share * 100.0,
            REQUIRED * 100.0,
            failed.join("\n  ")
        ));
    } else if !failed.is_empty() {
        // Within the allowance, but still listed with the reason.
        eprintln!(
            "{mode}: failures within the allowance:\n  {}",
            failed.join("\n  ")
        );
    }
    (line, problems)
}

/// Every `GET` of the description by its path with parameters blanked
/// (`/zones/{}/dns_records`): the path as the description writes it, and
/// the operation with the path item's parameters added.
fn operations(contract: &Contract) -> BTreeMap<String, (String, Value)> {
    let mut out = BTreeMap::new();
    let paths = contract.doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let Some(get) = item.get("get") else { continue };
        let mut operation = get.clone();
        let mut parameters: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        parameters.extend(get["parameters"].as_array().cloned().unwrap_or_default());
        operation["parameters"] = Value::Array(parameters);
        out.insert(normalize(path), (path.clone(), operation));
    }
    out
}

/// `/accounts/{account_id}/x/` → `/accounts/{}/x`.
fn normalize(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out.trim_end_matches('/').to_owned()
}

/// Path values in the order the path names them, and the required query
/// parameters, each from its schema.
fn args(contract: &Contract, path: &str, operation: &Value) -> Args {
    let parameters: Vec<Value> = operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| contract.resolve_parameter(p).clone())
        .collect();
    let mut values = Vec::new();
    for name in path.split('{').skip(1).filter_map(|s| s.split('}').next()) {
        let schema = parameters
            .iter()
            .find(|p| p["in"] == json!("path") && p["name"] == json!(name))
            .map(|p| p["schema"].clone())
            .unwrap_or(Value::Null);
        let value = match (&schema, sample(contract, &schema)) {
            // Identifiers are 32 hexadecimal digits.
            (Value::Null, _) => "023e105f4ecef8ad9ca31a8372d0c353".to_owned(),
            (_, Value::String(s)) => s,
            (_, other) => other.to_string(),
        };
        values.push(value);
    }
    let mut query = Map::new();
    for parameter in &parameters {
        if parameter["in"] == json!("query") && parameter["required"] == json!(true) {
            let name = parameter["name"].as_str().unwrap_or_default().to_owned();
            query.insert(name, sample(contract, &parameter["schema"]));
        }
    }
    Args {
        path: values,
        query: Value::Object(query),
    }
}

/// A value of `schema`: its first enum value, else its example or default
/// (made the schema's type: the description's examples are not always),
/// else one made from its type.
fn sample(contract: &Contract, schema: &Value) -> Value {
    let schema = contract.resolve(schema);
    let kind = schema.get("type").and_then(Value::as_str);
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    for key in ["example", "default"] {
        match (schema.get(key), kind) {
            (None | Some(Value::Null), _) => {}
            (Some(Value::String(text)), Some("integer" | "number")) => {
                if let Ok(number) = text.parse::<i64>() {
                    return json!(number);
                }
            }
            (Some(value @ (Value::Number(_) | Value::Bool(_))), Some("string")) => {
                return Value::String(value.to_string());
            }
            (Some(value), _) => return value.clone(),
        }
    }
    if let Some(first) = contract.branches(schema).next() {
        return sample(contract, first);
    }
    match (kind, schema.get("format").and_then(Value::as_str)) {
        (Some("integer" | "number"), _) => json!(1),
        (Some("boolean"), _) => json!(true),
        (Some("array"), _) => json!([sample(contract, &schema["items"])]),
        (Some("string"), Some("date-time")) => json!("2024-08-01T00:00:00Z"),
        (Some("string"), Some("date")) => json!("2024-08-01"),
        (Some("string"), Some("uuid")) => json!("f174e90a-fafe-4643-bbbc-4a0ed4fc8415"),
        (Some("string"), _) => json!("example"),
        // Untyped: a string is what a path or query carries anyway.
        _ => json!("example"),
    }
}

/// At most 300 characters of `text`, for one line of a report.
fn cut(text: &str) -> String {
    let mut end = text.len().min(300);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = text[..end].replace('\n', " ");
    if end < text.len() {
        out.push('…');
    }
    out
}
