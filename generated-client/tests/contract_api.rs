//! Contract test of the whole API: every `GET` method of the client whose
//! result it decodes, called through its generated method against Prism
//! serving Cloudflare's whole OpenAPI description
//! (`../shared/contract/cloudflare-openapi.json`), in three modes: with the
//! description's examples (static), with randomized responses (`Prefer:
//! dynamic=true`, seeded, so every run sees the same ones but for the odd
//! one Prism's own validator rejects; see [`FLOORS`]), and with
//! conforming responses broken on purpose on their way to the client
//! (break, see `contract_api/breaking.rs`).
//!
//! The calls are generated with the client (`contract_api/probes.rs`, by
//! `cargo xtask generate`): path values and required query parameters come
//! from the description's parameters (their examples, enums or types). The
//! client talks to Prism through a forwarding server on 127.0.0.1 that
//! records exactly what Prism answered (and, in break mode, what it passed
//! on instead), so each typed result is judged against the very body it was
//! decoded from.
//!
//! A conforming response always decodes (decoding is lenient), so decoding
//! is not the signal: what did not fit the type is. Each call ends in one
//! of these:
//! - **fits**: a typed result with no mismatch, except at places the
//!   description leaves unspecified (a schema that says nothing, a key it
//!   does not declare, an array without `items`): a mismatch there is
//!   excused, and listed with its place. Nothing else is excused. The
//!   typed value, serialized again, is exactly what was sent (key order
//!   aside; numbers compared as numbers);
//! - **untyped**: the same checks, but the result is typed
//!   `serde_json::Value` (or a map of them), which holds anything: counted
//!   apart, never as a fit;
//! - **empty**: the same checks, but the body is empty or the result
//!   `null`: counted apart, as it checks nothing of the type;
//! - **failed**: a conforming response that is refused, has a mismatch at a
//!   place the description specifies, or is not written back as sent; each
//!   is listed with the endpoint, the place, and what was expected and
//!   found;
//! - not counted, each listed with its reason: the response does not
//!   conform to the description (its own example is wrong), Prism refused
//!   the request or could not answer, or the description has no such
//!   operation.
//!
//! The figures and every failure go to the process's standard error
//! directly (not through `eprintln!`, which the test harness captures), so
//! a plain `cargo test` shows them in CI; the endpoints not counted, and
//! every excused mismatch, are listed in files under `target/tmp/`.
//!
//! Done when no call fails, in every mode, and each mode fits at least its
//! floor ([`FLOORS`]).

#[path = "contract_api/breaking.rs"]
mod breaking;
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
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generated_client::Client;
use generated_client::runtime::{BoxFuture, Found, Mismatch, ResponseMeta, Segment};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use breaking::{Breaker, Change, Surface};
use contract::{Contract, UnspecifiedKind, cut_json, differences, say};
use prism::{Prism, ensure_prism, workspace_root};
use support::Server;

const SPEC: &str = "../shared/contract/cloudflare-openapi.json";
/// Dynamic responses, and the changes of break mode, come from this seed:
/// the same ones on every run.
const SEED: &str = "20261204";

/// The fewest results that must come out right, per mode: typed results
/// that fit (static, dynamic), answers broken and taken as their types say
/// (break). A run below its floor has lost coverage (Prism refusing more,
/// probes gone, results made untyped) even with no failure.
///
/// Static and break floors are the modes' counts on 2026-12-07, exactly:
/// those calls are deterministic (the description's examples, the seeded
/// breaker), and every run gave the same figures, so any drop is a change
/// to the client, the description or Prism, to be looked at and the floor
/// moved on purpose in the same commit. Dynamic mode's seeded faker is
/// deterministic but for Prism's own validator, which now and then rejects
/// a made-up `multipleOf: 0.01` weight on one load balancer pool endpoint
/// or another (a floating-point remainder): runs gave 398 and 399 fits, so
/// its floor is 395, 1% below the best run. A rise needs nothing, but
/// raising the floor keeps it honest.
///
/// History: the first floor, 500 endpoints "checked" in each mode, became
/// 400 when the 128 dynamic answers whose envelope says `"success": false`
/// (an `Error::Api` by design) stopped counting; and results typed
/// `serde_json::Value`, empty bodies and failures excused anywhere in a
/// body with an unspecified place all counted as decoded. They count apart
/// now (dynamic: 399 fits, 34 untyped, 1 empty), so the floors count fits
/// only. Prism's refusals (mostly 500s of its own validator; listed) never
/// counted.
const FLOORS: [(Mode, usize); 3] = [
    (Mode::Static, 578),
    (Mode::Dynamic, 395),
    (Mode::Break, 561),
];

/// One call of the client: generated, one per `GET` endpoint.
#[derive(Debug)]
pub struct Probe {
    pub area: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// Whether the method reads the envelope's `result` (when the body is
    /// an envelope), or the whole body.
    pub envelope: bool,
    pub call: fn(Client, Args) -> BoxFuture<Result<Outcome, Failure>>,
}

impl Probe {
    fn name(&self) -> String {
        format!("{}::{} (GET {})", self.area, self.method, self.path)
    }
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

/// What a call returned: the typed value serialized again, what the
/// response's meta says did not fit, and the result's Rust type.
#[derive(Debug)]
pub struct Outcome {
    back: Value,
    /// [`ResponseMeta::as_sent`]: the result, when its type could not hold
    /// it at all.
    as_sent: Option<Value>,
    mismatches: Vec<Mismatch>,
    result_type: &'static str,
}

/// The outcome of a generated call.
pub fn done<T: Serialize>(
    result: generated_client::Result<(T, ResponseMeta)>,
) -> Result<Outcome, Failure> {
    let (value, meta) = result.map_err(Failure::Client)?;
    Ok(Outcome {
        back: serde_json::to_value(&value).expect("a generated value serializes"),
        as_sent: meta.as_sent().cloned(),
        mismatches: meta.mismatches().to_vec(),
        result_type: std::any::type_name::<T>(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mode {
    Static,
    Dynamic,
    Break,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Static => "static",
            Mode::Dynamic => "dynamic",
            Mode::Break => "break",
        }
    }

    fn prefer(self) -> Option<&'static str> {
        match self {
            Mode::Dynamic => Some("dynamic=true"),
            // Break mode breaks the examples: fixed, and conforming more
            // often than randomized responses.
            Mode::Static | Mode::Break => None,
        }
    }

    fn floor(self) -> usize {
        FLOORS
            .iter()
            .find(|(m, _)| *m == self)
            .map_or(0, |(_, f)| *f)
    }
}

/// A mismatch at a place the description leaves unspecified.
#[derive(Debug)]
struct Excused {
    mismatch: String,
    kind: UnspecifiedKind,
    place: String,
}

/// How one call ended.
#[derive(Debug)]
enum Verdict {
    Fits {
        excused: Vec<Excused>,
        /// Whether the result holds anything the description declares
        /// (`[]`, `{}` and objects of undeclared keys do not).
        declared: bool,
        /// Break mode: what was broken, and how the client took it.
        broken: Option<breaking::Tally>,
    },
    Untyped {
        kind: &'static str,
        excused: Vec<Excused>,
        broken: Option<breaking::Tally>,
    },
    Empty(&'static str),
    Failed(Vec<String>),
    NotConforming(String),
    Refused(String),
    NoOperation,
}

#[test]
fn every_get_against_prism_serving_the_whole_description() {
    let started = Instant::now();
    let root = workspace_root();
    let contract = Arc::new(Contract::load(&root, SPEC));
    let operations = operations(&contract);
    let surface = Arc::new(Surface::load(&root.join("generated-client/API.md")));
    let bin = ensure_prism(&root);
    let prism = Prism::start_with(&root, &bin, SPEC, &["--seed", SEED]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    say(&format!(
        "contract api: {} probes; Prism up in {:.1?}\n",
        probes::PROBES.len(),
        started.elapsed()
    ));
    let mut problems = Vec::new();
    for mode in [Mode::Static, Mode::Dynamic, Mode::Break] {
        let mode_started = Instant::now();
        let verdicts = runtime.block_on(run(&contract, &surface, &operations, &prism.url(), mode));
        let (report, failed) = summarize(mode, &verdicts, mode_started.elapsed());
        say(&report);
        problems.extend(failed);
    }
    drop(prism);
    say(&format!(
        "contract api: done in {:.1?}\n",
        started.elapsed()
    ));
    assert!(
        problems.is_empty(),
        "{} problems (listed above on standard error):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Runs every probe in order (so that the seeded randomized responses, and
/// the seeded changes, are the same on every run) and judges each.
async fn run(
    contract: &Arc<Contract>,
    surface: &Arc<Surface>,
    operations: &BTreeMap<String, (String, Value)>,
    prism: &str,
    mode: Mode,
) -> Vec<(&'static Probe, Verdict)> {
    let mut headers = vec![
        ("authorization", "Bearer contract-test-token"),
        ("x-auth-user-service-key", "v1.0-contract-test"),
    ];
    headers.extend(mode.prefer().map(|p| ("prefer", p)));
    // In break mode, the forwarder breaks each conforming answer as the
    // breaker, armed before each call with the endpoint's schema, says.
    let breaker = Arc::new(Mutex::new(Breaker::new(contract.clone(), SEED)));
    let window = match mode {
        Mode::Break => {
            let breaker = breaker.clone();
            Server::forward_rewriting(prism, &headers, move |answer| {
                breaker.lock().unwrap().rewrite(answer)
            })
            .await
        }
        _ => Server::forward(prism, &headers).await,
    };
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
    for (index, probe) in probes::PROBES.iter().enumerate() {
        let Some((path, operation)) = operations.get(&normalize(probe.path)) else {
            verdicts.push((probe, Verdict::NoOperation));
            continue;
        };
        let args = args(contract, path, operation);
        if mode == Mode::Break {
            breaker
                .lock()
                .unwrap()
                .arm(index, operation, probe.envelope);
        }
        let before = window.hits();
        let result = (probe.call)(client.clone(), args).await;
        let exchange = window.requests().into_iter().nth(before);
        let changes = match mode {
            Mode::Break => breaker.lock().unwrap().disarm(),
            _ => None,
        };
        let verdict = judge(
            contract,
            operation,
            probe,
            result,
            exchange.and_then(|r| r.upstream),
            changes.map(|changes| (surface.as_ref(), changes)),
        );
        verdicts.push((probe, verdict));
    }
    verdicts
}

/// The verdict on one call, from its outcome and what Prism answered (and,
/// in break mode, what the forwarder changed before the client saw it).
fn judge(
    contract: &Contract,
    operation: &Value,
    probe: &Probe,
    result: Result<Outcome, Failure>,
    answer: Option<support::Answer>,
    broken: Option<(&Surface, Vec<Change>)>,
) -> Verdict {
    let result = match result {
        Err(Failure::Query(why)) => return Verdict::Refused(why),
        other => other,
    };
    let Some(support::Answer {
        status,
        headers,
        body,
        passed_on,
    }) = answer
    else {
        return Verdict::Failed(vec![format!("the client sent nothing: {result:?}")]);
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
    if body.iter().all(u8::is_ascii_whitespace) {
        return match result {
            Ok(_) => Verdict::Empty("an empty body"),
            Err(err) => Verdict::Failed(vec![format!("an empty 2xx body is refused: {err:?}")]),
        };
    }
    let Ok(raw) = serde_json::from_slice::<Value>(&body) else {
        return Verdict::NotConforming(format!(
            "Prism's body is not JSON: {}",
            cut(&String::from_utf8_lossy(&body))
        ));
    };
    let schema =
        operation["responses"][status.to_string()]["content"]["application/json"]["schema"].clone();
    if schema.is_null() {
        return Verdict::NotConforming(format!("no JSON schema for {status}"));
    }
    if let Err(why) = contract.conforms(&raw, &schema, "body") {
        return Verdict::NotConforming(why);
    }
    // What the client saw: Prism's answer, or in break mode the broken one.
    let seen: Value = match &passed_on {
        Some(bytes) => serde_json::from_slice(bytes).expect("the breaker writes JSON"),
        None => raw.clone(),
    };
    let outcome = match result {
        Ok(outcome) => outcome,
        // Prism's randomized envelopes may say `"success": false` with a
        // 200; the client reports every such envelope as an API error.
        Err(Failure::Client(err))
            if err.api().is_some() && seen.get("success") == Some(&json!(false)) =>
        {
            return Verdict::Refused(
                "a 200 whose envelope says `\"success\": false`: an `Error::Api` by design"
                    .to_owned(),
            );
        }
        Err(Failure::Client(err)) => {
            return Verdict::Failed(vec![format!("a conforming response is refused: {err}")]);
        }
        Err(Failure::Query(_)) => unreachable!("returned above"),
    };
    // What the method decoded (the envelope's `result`, or the whole body),
    // and the path to it from the body.
    let (sent, prefix) = read_part(&seen, probe.envelope);
    let mut problems = Vec::new();
    let mut excused = Vec::new();
    let tally = match &broken {
        // Every mismatch must be a change the breaker made, or one the
        // answer as Prism sent it has at an unspecified place.
        Some((surface, changes)) => Some(breaking::judge(
            surface,
            probe,
            &sent,
            &outcome,
            changes,
            &mut problems,
            |mismatch| excuse(contract, &schema, &raw, &prefix, mismatch),
        )),
        None => {
            for mismatch in &outcome.mismatches {
                match excuse(contract, &schema, &raw, &prefix, mismatch) {
                    Ok(excuse) => excused.push(excuse),
                    Err(problem) => problems.push(problem),
                }
            }
            None
        }
    };
    // Nothing lost, nothing added: the typed value written back (or, when
    // its type could not hold the result at all, the answer kept as sent)
    // is what was sent. A `null` list is an empty one, by design.
    let back = outcome.as_sent.as_ref().unwrap_or(&outcome.back);
    match (&sent, back) {
        (Value::Null, Value::Array(items)) if items.is_empty() => {}
        _ => {
            let mut diffs = Vec::new();
            differences(&sent, back, "result", &mut diffs);
            if !diffs.is_empty() {
                problems.push(format!(
                    "not written back as sent ({}): {}",
                    outcome.result_type,
                    diffs.join("; ")
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Verdict::Failed(problems);
    }
    if sent.is_null() {
        return Verdict::Empty("a null or absent result");
    }
    if let Some(kind) = untyped(outcome.result_type) {
        return Verdict::Untyped {
            kind,
            excused,
            broken: tally,
        };
    }
    let result_schema = match prefix.is_empty() {
        true => schema.clone(),
        false => contract
            .properties(&schema)
            .remove("result")
            .unwrap_or(Value::Null),
    };
    Verdict::Fits {
        excused,
        declared: contract.carries_declared_data(&sent, &result_schema),
        broken: tally,
    }
}

/// The part of a body a method decodes, as the runtime finds it: an
/// envelope's `result` (`null` when it has none), else the whole body;
/// and the path to it from the body.
fn read_part(body: &Value, envelope: bool) -> (Value, Vec<Segment>) {
    match body {
        Value::Object(object) if envelope && object.contains_key("result") => (
            object["result"].clone(),
            vec![Segment::Key("result".into())],
        ),
        Value::Object(object)
            if envelope && object.contains_key("success") && object.contains_key("errors") =>
        {
            (Value::Null, vec![Segment::Key("result".into())])
        }
        _ => (body.clone(), Vec::new()),
    }
}

/// A mismatch excused (it lies inside a place the description leaves
/// unspecified, in the answer as Prism sent it), or the failure it is.
fn excuse(
    contract: &Contract,
    schema: &Value,
    raw: &Value,
    prefix: &[Segment],
    mismatch: &Mismatch,
) -> Result<Excused, String> {
    let mut path = prefix.to_vec();
    path.extend(mismatch.segments().iter().cloned());
    match contract.place(schema, Some(raw), &path, "body") {
        Err(unspecified) => Ok(Excused {
            mismatch: mismatch.to_string(),
            kind: unspecified.kind,
            place: unspecified.at,
        }),
        Ok(schemas) => {
            let pointer = format!(
                "{}{}",
                prefix
                    .iter()
                    .map(|s| format!("/{}", pointer_step(s)))
                    .collect::<String>(),
                mismatch.pointer()
            );
            let sent = match mismatch.found() {
                Found::Missing => "nothing".to_owned(),
                _ => raw
                    .pointer(&pointer)
                    .map_or_else(|| "?".to_owned(), cut_json),
            };
            Err(format!(
                "{}: expected {}, found {} ({sent}); the description says {} there",
                breaking::path_name(mismatch.segments()),
                mismatch.expected(),
                mismatch.found(),
                contract.summary(&schemas)
            ))
        }
    }
}

fn pointer_step(segment: &Segment) -> String {
    match segment {
        Segment::Key(key) => key.replace('~', "~0").replace('/', "~1"),
        Segment::Index(i) => i.to_string(),
    }
}

/// Whether a result type holds any JSON: `serde_json::Value`, or a map of
/// them (in an `Option` or a `Vec` or not); its short name then.
fn untyped(result_type: &str) -> Option<&'static str> {
    let mut inner = result_type;
    loop {
        let stripped = ["core::option::Option<", "alloc::vec::Vec<"]
            .iter()
            .find_map(|w| {
                inner
                    .strip_prefix(w)
                    .and_then(|rest| rest.strip_suffix('>'))
            });
        match stripped {
            Some(rest) => inner = rest,
            None => break,
        }
    }
    match inner {
        "serde_json::value::Value" => Some("serde_json::Value"),
        "serde_json::map::Map<alloc::string::String, serde_json::value::Value>" => {
            Some("serde_json::Map")
        }
        _ => None,
    }
}

/// Counts of one mode.
#[derive(Default)]
struct Tally {
    fits: usize,
    fits_without_declared_data: usize,
    fits_excused: usize,
    excused: BTreeMap<UnspecifiedKind, usize>,
    untyped: BTreeMap<&'static str, usize>,
    empty: BTreeMap<&'static str, usize>,
    failed: Vec<String>,
    not_counted: BTreeMap<&'static str, Vec<String>>,
    broken: breaking::Tally,
}

/// The mode's report (figures, and every failure by name) and its problems.
fn summarize(mode: Mode, verdicts: &[(&Probe, Verdict)], took: Duration) -> (String, Vec<String>) {
    let name = mode.name();
    let mut tally = Tally::default();
    let mut excused_listing = String::new();
    for (probe, verdict) in verdicts {
        let endpoint = probe.name();
        match verdict {
            Verdict::Fits {
                excused,
                declared,
                broken,
            } => {
                tally.fits += 1;
                tally.fits_without_declared_data += usize::from(!declared);
                tally.fits_excused += usize::from(!excused.is_empty());
                list_excused(&mut tally, &mut excused_listing, &endpoint, excused);
                if let Some(broken) = broken {
                    tally.broken.add(broken);
                }
            }
            Verdict::Untyped {
                kind,
                excused,
                broken,
            } => {
                *tally.untyped.entry(kind).or_default() += 1;
                list_excused(&mut tally, &mut excused_listing, &endpoint, excused);
                if let Some(broken) = broken {
                    tally.broken.add(broken);
                }
            }
            Verdict::Empty(what) => *tally.empty.entry(what).or_default() += 1,
            Verdict::Failed(why) => tally.failed.push(format!(
                "{name}: {endpoint}:\n      {}",
                why.join("\n      ")
            )),
            Verdict::NotConforming(why) => tally
                .not_counted
                .entry("the response does not conform to the description")
                .or_default()
                .push(format!("{endpoint}: {}", cut(why))),
            Verdict::Refused(why) => tally
                .not_counted
                .entry("Prism refused the request or could not answer")
                .or_default()
                .push(format!("{endpoint}: {}", cut(why))),
            Verdict::NoOperation => tally
                .not_counted
                .entry("not in the description")
                .or_default()
                .push(endpoint),
        }
    }
    let mut out = format!("contract api, {name} ({took:.1?}):\n");
    let _ = writeln!(
        out,
        "  {} typed results fit ({} of them hold nothing the description declares: [], {{}}, undeclared keys only)",
        tally.fits, tally.fits_without_declared_data
    );
    let excused_total: usize = tally.excused.values().sum();
    let _ = write!(
        out,
        "  {excused_total} mismatches excused at places the description leaves unspecified, in {} results",
        tally.fits_excused
    );
    for (kind, n) in &tally.excused {
        let _ = write!(out, "; {n} {}", kind.describe());
    }
    out.push('\n');
    let untyped_total: usize = tally.untyped.values().sum();
    let _ = writeln!(
        out,
        "  {untyped_total} results untyped, not counted as fits: {}",
        listed(&tally.untyped)
    );
    let empty_total: usize = tally.empty.values().sum();
    let _ = writeln!(
        out,
        "  {empty_total} empty, not counted as fits: {}",
        listed(&tally.empty)
    );
    if mode == Mode::Break {
        out.push_str(&tally.broken.report());
    }
    let not_counted: usize = tally.not_counted.values().map(Vec::len).sum();
    let _ = write!(out, "  {not_counted} not counted");
    for (why, names) in &tally.not_counted {
        let _ = write!(out, "; {} {why}", names.len());
    }
    out.push('\n');
    // Every endpoint not counted, with its reason, and every excused
    // mismatch, in files beside the test's output.
    let mut listing = format!("{name}\n");
    for (why, names) in &tally.not_counted {
        let _ = writeln!(listing, "  {why} ({}):", names.len());
        for name in names {
            let _ = writeln!(listing, "    {name}");
        }
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let changes_listing = tally.broken.lines.join("\n");
    let mut files = vec![
        (format!("contract-api-{name}.txt"), &listing),
        (format!("contract-api-{name}-excused.txt"), &excused_listing),
    ];
    if mode == Mode::Break {
        files.push((format!("contract-api-{name}-changes.txt"), &changes_listing));
    }
    for (file, text) in files {
        let path = dir.join(file);
        if std::fs::write(&path, text).is_ok() {
            let _ = writeln!(out, "  listed in {}", path.display());
        }
    }
    let mut problems = Vec::new();
    let _ = writeln!(out, "  {} failed", tally.failed.len());
    for failure in &tally.failed {
        let _ = writeln!(out, "    {failure}");
    }
    problems.extend(tally.failed.iter().cloned());
    // Break mode counts the answers broken and taken as their types say.
    let (counted, what) = match mode {
        Mode::Break => (tally.broken.answers, "broken answers were judged"),
        _ => (tally.fits, "typed results fit"),
    };
    if counted < mode.floor() {
        let problem = format!(
            "{name}: {counted} {what}, below the floor of {}: coverage dropped",
            mode.floor()
        );
        let _ = writeln!(out, "  {problem}");
        problems.push(problem);
    }
    (out, problems)
}

fn list_excused(tally: &mut Tally, listing: &mut String, endpoint: &str, excused: &[Excused]) {
    for e in excused {
        *tally.excused.entry(e.kind).or_default() += 1;
        let _ = writeln!(listing, "{endpoint}: {}, inside {}", e.mismatch, e.place);
    }
}

fn listed<K: std::fmt::Display>(counts: &BTreeMap<K, usize>) -> String {
    if counts.is_empty() {
        return "none".to_owned();
    }
    counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
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

// ---------------------------------------------------------------------------
// The judge itself, without Prism: it must be able to fail.

/// A zone's details as a probe, for the judge.
const ZONE_DETAILS: Probe = Probe {
    area: "zone",
    method: "zone_details",
    path: "/zones/{zone_id}",
    envelope: true,
    call: |_, _| Box::pin(async { Err(Failure::Query("not called".into())) }),
};

/// The outcome of decoding `result` as a zone, as a call gives it.
fn zone_outcome(result: &Value) -> Outcome {
    use generated_client::runtime::Object;
    let zone: generated_client::zone::Zone =
        serde_json::from_value(result.clone()).expect("any JSON object decodes");
    Outcome {
        back: serde_json::to_value(Some(&zone)).unwrap(),
        as_sent: None,
        mismatches: zone.mismatches().to_vec(),
        result_type: std::any::type_name::<Option<generated_client::zone::Zone>>(),
    }
}

/// Judges `result` (in a 200 envelope) against `result_schema`, as a
/// static or dynamic call would be.
fn judged(result_schema: Value, result: Value, outcome: Outcome) -> Verdict {
    let contract = Contract {
        doc: json!({"paths": {}}),
    };
    let operation = json!({"responses": {"200": {"content": {"application/json": {"schema": {
        "type": "object",
        "properties": {"success": {"type": "boolean"}, "result": result_schema}
    }}}}}});
    let body = json!({"success": true, "result": result});
    let answer = support::Answer {
        status: 200,
        headers: Vec::new(),
        body: body.to_string().into_bytes(),
        passed_on: None,
    };
    judge(
        &contract,
        &operation,
        &ZONE_DETAILS,
        Ok(outcome),
        Some(answer),
        None,
    )
}

#[test]
fn a_mismatch_is_excused_only_where_the_description_says_nothing() {
    let zone = json!({"id": "z", "name": "example.com", "meta": {"step": 1.5}});
    let typed = json!({"type": "object", "properties": {"step": {"type": "number"}}});
    // The collection's generic branch says nothing of `meta`; another
    // branch types it: the fraction is a failure, named by its place.
    let generic_and_typed = json!({"allOf": [
        {"type": "object", "properties": {"meta": {}}},
        {"properties": {"meta": typed}}
    ]});
    match judged(generic_and_typed, zone.clone(), zone_outcome(&zone)) {
        Verdict::Failed(why) => assert_eq!(
            why,
            [
                "result.meta.step: expected an integer, found a number (1.5); the description says number there"
            ]
        ),
        other => panic!("{other:?}"),
    }
    // A branch the value matches types it too: still a failure.
    let one_of = json!({"oneOf": [
        {"type": "object", "properties": {"meta": typed}},
        {"type": "string"}
    ]});
    assert!(matches!(
        judged(one_of, zone.clone(), zone_outcome(&zone)),
        Verdict::Failed(_)
    ));
    // Where the description says nothing, or does not declare the key,
    // the mismatch is excused, and listed with its place.
    for (schema, kind) in [
        (
            json!({"type": "object", "properties": {"meta": {"description": "Metadata"}}}),
            UnspecifiedKind::SaysNothing,
        ),
        (
            json!({"type": "object", "properties": {"meta": {"type": "object"}}}),
            UnspecifiedKind::Undeclared,
        ),
    ] {
        match judged(schema, zone.clone(), zone_outcome(&zone)) {
            Verdict::Fits { excused, .. } => {
                assert_eq!(excused.len(), 1);
                assert_eq!(excused[0].kind, kind);
                assert_eq!(
                    excused[0].mismatch,
                    ".meta.step: expected an integer, found a number"
                );
            }
            other => panic!("{other:?}"),
        }
    }
    // A value not written back as sent is a failure, whatever the schema.
    let fitting = json!({"id": "z", "name": "example.com"});
    let mut lossy = zone_outcome(&fitting);
    lossy.back["name"] = json!("other.example");
    assert!(matches!(
        judged(json!({"type": "object"}), fitting, lossy),
        Verdict::Failed(why) if why[0].starts_with("not written back as sent")
    ));
}

#[test]
fn break_mode_catches_a_change_not_listed_and_a_mismatch_not_made() {
    let surface = Surface::load(&workspace_root().join("generated-client/API.md"));
    let mut broken = json!({"id": "z", "name": "example.com", "meta": {"step": 2}});
    broken["name"] = json!(42);
    let change = Change {
        path: vec![Segment::Key("name".into())],
        kind: breaking::ChangeKind::StringToNumber,
        now: Some(json!(42)),
    };
    let never_excused = |m: &Mismatch| Err(m.to_string());
    // As the client decodes it: the change is listed at its place.
    let outcome = zone_outcome(&broken);
    let mut problems = Vec::new();
    let tally = breaking::judge(
        &surface,
        &ZONE_DETAILS,
        &broken,
        &outcome,
        std::slice::from_ref(&change),
        &mut problems,
        never_excused,
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((tally.answers, tally.at_place), (1, 1));
    // A client that lists nothing for it fails.
    let mut silent = zone_outcome(&broken);
    silent.mismatches.clear();
    breaking::judge(
        &surface,
        &ZONE_DETAILS,
        &broken,
        &silent,
        std::slice::from_ref(&change),
        &mut problems,
        never_excused,
    );
    assert_eq!(
        problems,
        [
            "result.name: strings made numbers (now 42), and the type holds that place, but no mismatch lists it"
        ]
    );
    // A mismatch no change made, where the description specifies the
    // place, fails too.
    problems.clear();
    breaking::judge(
        &surface,
        &ZONE_DETAILS,
        &broken,
        &outcome,
        &[],
        &mut problems,
        never_excused,
    );
    assert_eq!(
        problems,
        ["no change explains it: .name: expected a string, found a number"]
    );
}
