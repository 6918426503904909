//! Contract test: the generated PCAP client against Prism, a mock server that
//! nobody on this project wrote, serving Cloudflare's own OpenAPI description
//! (`../shared/contract/cloudflare-pcaps.openapi.json`).
//!
//! Prism runs with `--errors`, so it answers 401 to a request without valid
//! credentials, 404 to a wrong path or method and 422 to a body that breaks
//! the request schema (the details are in its `sl-violations` header). The
//! test checks that
//!
//! - every request the generated API builds is accepted (typed bodies only);
//! - every JSON response decodes into the generated type with nothing that
//!   does not fit, and is written back exactly: the same request is sent
//!   again with a plain reqwest client, and the raw `result` is compared
//!   with the typed value serialized back (keys, values, `null`s);
//! - with `Prefer: dynamic=true`, randomized responses are written back
//!   exactly too, nothing rewritten; their only mismatches may be the
//!   fractions Prism's faker puts where the PCAP overlay holds whole
//!   numbers (see `WHOLE`), each counted and printed;
//! - independently of Prism, every property the contract declares for a
//!   request or a result can be held by the generated type.
//!
//! Prism is installed from `contract/package-lock.json` with `npm ci` when
//! `contract/node_modules` lacks the pinned version, so a plain `cargo test`
//! works on a fresh clone that has Node.js and npm. `support/prism.rs` runs
//! it; `support/contract.rs` holds the checks shared with `contract_dns.rs`.

#[path = "support/contract.rs"]
mod contract;
#[path = "support/prism.rs"]
mod prism;

use std::time::{Duration, Instant};

use generated_client::Client;
use generated_client::magic_pcap_collection::{
    PcapCreateFull, PcapCreateRequest, PcapCreateSimple, PcapRequest, PcapsOwnership,
    PcapsOwnershipRequest, PcapsOwnershipValidateRequest,
};
use generated_client::runtime::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use contract::{
    Contract, Fits, RawPeer, accepted, decode_exactly, decode_losslessly, differences,
    prism_rejected_itself, say, unfit_struct,
};
use prism::{Prism, ensure_prism, workspace_root};

/// The contract, relative to the workspace root (it lives beside the repo).
const SPEC: &str = "../shared/contract/cloudflare-pcaps.openapi.json";
/// Identifiers are at most 32 characters in the contract; these are its examples.
const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const PCAP_ID: &str = "66802ca5668e47a2b82c2e6746e45037";
const OWNERSHIP_ID: &str = "9883874ecac311ec8475433579a6bf5f";
const TOKEN: &str = "contract-test-token";
const BUCKET: &str = "s3://pcaps-bucket?region=us-east-1";
/// Most attempts to get one valid randomized response from Prism: its faker
/// produces an envelope that its own validator rejects about 2 times in 3.
const DYNAMIC_ATTEMPTS: usize = 60;
/// Randomized responses checked per endpoint.
const DYNAMIC_SAMPLES: usize = 3;

/// One JSON endpoint, called both ways.
struct Endpoint {
    what: &'static str,
    method: reqwest::Method,
    template: &'static str,
    path: String,
    body: Option<Vec<u8>>,
}

fn endpoint<B: Serialize>(
    what: &'static str,
    method: reqwest::Method,
    template: &'static str,
    path: String,
    body: Option<&B>,
) -> Endpoint {
    Endpoint {
        what,
        method,
        template,
        path,
        body: body.map(|b| serde_json::to_vec(b).expect("a typed body serializes")),
    }
}

/// The generated structs' mismatches, for `decode_losslessly`.
macro_rules! structs_fit {
    ($($ty:ty),*) => {
        $(
            impl Fits for $ty {
                fn unfit(&self) -> Vec<String> {
                    unfit_struct(self)
                }
            }
        )*
    };
}
structs_fit!(
    PcapRequest,
    PcapsOwnership,
    PcapsOwnershipRequest,
    PcapsOwnershipValidateRequest
);

impl Fits for PcapCreateRequest {
    fn unfit(&self) -> Vec<String> {
        match self {
            PcapCreateRequest::Simple(simple) => unfit_struct(simple),
            PcapCreateRequest::Full(full) => unfit_struct(full),
            PcapCreateRequest::Other(_) => Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------
// The tests

/// Every property the contract declares for a request body or a result fits
/// the generated type without loss, a result with only the contract's
/// required properties decodes, and a typed request sends nothing the
/// contract does not declare. No Prism needed: this covers the `full`
/// variants too, which Prism's static examples never show.
#[test]
fn generated_types_hold_every_contract_property() {
    let contract = Contract::load(&workspace_root(), SPEC);
    fn check<T: DeserializeOwned + Serialize + Fits>(
        contract: &Contract,
        name: &str,
        tag: Option<&str>,
    ) {
        let schema = contract.schema(name).clone();
        let mut full = contract.full_example(&schema);
        let mut minimal: Map<String, Value> = full
            .as_object()
            .unwrap()
            .iter()
            .filter(|(key, _)| contract.required(&schema).contains(*key))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(tag) = tag {
            full["type"] = json!(tag);
            minimal.insert("type".into(), json!(tag));
        }
        let typed: T = decode_losslessly(&format!("{name} with every property"), &full);
        decode_losslessly::<T>(
            &format!("{name} with only its required properties"),
            &Value::Object(minimal),
        );
        // Nothing the contract does not know goes out (or comes back).
        let back = serde_json::to_value(&typed).unwrap();
        let declared = contract.properties(&schema);
        let extra: Vec<&String> = back
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !declared.contains_key(*k))
            .collect();
        assert!(
            extra.is_empty(),
            "{} serializes keys that {name} does not declare: {extra:?}",
            std::any::type_name::<T>()
        );
    }
    const P: &str = "magic-visibility-pcaps_pcaps_";
    check::<PcapRequest>(&contract, &format!("{P}response_simple"), Some("simple"));
    check::<PcapRequest>(&contract, &format!("{P}response_full"), Some("full"));
    check::<PcapsOwnership>(&contract, &format!("{P}ownership_response"), None);
    check::<PcapCreateRequest>(&contract, &format!("{P}request_simple"), Some("simple"));
    check::<PcapCreateRequest>(&contract, &format!("{P}request_full"), Some("full"));
    check::<PcapsOwnershipRequest>(&contract, &format!("{P}ownership_request"), None);
    check::<PcapsOwnershipValidateRequest>(
        &contract,
        &format!("{P}ownership_validate_request"),
        None,
    );
}

/// The comparison and the pruning catch what they are meant to catch.
#[test]
fn checkers_catch_losses() {
    let raw = json!({"id": "a", "n": 300, "m": 2.5, "gone": 1, "nil": null,
                     "f": {"x": 1, "y": 2}, "l": [1, 2]});
    let typed = json!({"id": "b", "n": 300.0, "m": 2.5, "f": {"x": 1}, "l": [1], "new": 0});
    let mut diffs = Vec::new();
    differences(&raw, &typed, "result", &mut diffs);
    assert_eq!(
        diffs,
        [
            "result.f.y: dropped (the server sent 2)",
            "result.gone: dropped (the server sent 1)",
            "result.id: the server sent \"a\", the typed value holds \"b\"",
            "result.l: the server sent [1,2], the typed value holds [1]",
            "result.nil: dropped (the server sent null)",
            "result.new: added (0), the server sent no such key",
        ]
    );

    let contract = Contract::load(&workspace_root(), SPEC);
    let schema = contract.result_schema("get", "/accounts/{account_id}/pcaps");
    let mut value = json!([{"id": "x", "noise": 1, "filter_v1": {"protocol": 6, "more": true}}]);
    let pruned = contract.prune_undeclared(&mut value, &schema, "result");
    assert_eq!(pruned, ["result[0].noise", "result[0].filter_v1.more"]);
    assert_eq!(value, json!([{"id": "x", "filter_v1": {"protocol": 6}}]));
}

/// Every endpoint of the generated client against Prism.
#[test]
fn generated_client_against_prism() {
    let started = Instant::now();
    let root = workspace_root();
    let contract = Contract::load(&root, SPEC);
    let bin = ensure_prism(&root);
    let prism = Prism::start(&root, &bin, SPEC);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(against_prism(&prism, &contract));
    drop(prism);
    say(&format!("contract: done in {:.1?}\n", started.elapsed()));
}

async fn against_prism(prism: &Prism, contract: &Contract) {
    let client = Client::builder()
        .base_url(prism.url())
        .allow_http(true)
        .api_token(TOKEN)
        // A failure must show, not be retried away.
        .max_retries(0)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let raw = RawPeer {
        http: reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("reqwest client"),
        base: prism.url(),
        auth: vec![("authorization", format!("Bearer {TOKEN}"))],
    };
    let api = client.magic_pcap_collection();
    const STATIC: &str = "code=200";

    // Typed request bodies: the minimal constructors, and every optional
    // field set (from the contract's examples, decoded into the typed structs).
    let simple: PcapCreateRequest = PcapCreateSimple::new(300.0, 10000).into();
    // Whole numbers go out as integers, as Cloudflare's own SDKs send them
    // (`time_limit` is a `number` in the contract, `packet_limit` here an
    // integer); what Prism accepts below is exactly these bytes.
    assert_eq!(
        serde_json::to_string(&simple).unwrap(),
        r#"{"type":"simple","system":"magic-transit","time_limit":300,"packet_limit":10000}"#
    );
    let full: PcapCreateRequest =
        PcapCreateFull::new(86400.0, "ord02".to_owned(), BUCKET.to_owned()).into();
    let complete = |name: &str, tag: &str| -> PcapCreateRequest {
        let mut value = contract.full_example(contract.schema(name));
        value["type"] = json!(tag);
        serde_json::from_value(value).expect("a complete create request decodes")
    };
    let simple_all = complete("magic-visibility-pcaps_pcaps_request_simple", "simple");
    let full_all = complete("magic-visibility-pcaps_pcaps_request_full", "full");
    assert!(matches!(simple_all, PcapCreateRequest::Simple(_)));
    assert!(matches!(full_all, PcapCreateRequest::Full(_)));
    let add = PcapsOwnershipRequest::new(BUCKET.to_owned());
    let validate = PcapsOwnershipValidateRequest::new(
        BUCKET.to_owned(),
        "ownership-challenge-9883874ecac311ec8475433579a6bf5f.txt".to_owned(),
    );

    let pcaps = format!("/accounts/{ACCOUNT}/pcaps");
    let ownership = format!("{pcaps}/ownership");
    let one_pcap = format!("{pcaps}/{PCAP_ID}");
    use reqwest::Method as M;
    let mut endpoints = Vec::new();

    // --- Static responses: deterministic, every key must survive. ---
    for (what, body) in [
        ("create (simple, required fields)", &simple),
        ("create (full, required fields)", &full),
        ("create (simple, every field)", &simple_all),
        ("create (full, every field)", &full_all),
    ] {
        let typed = accepted(
            what,
            api.create_pcap_request(ACCOUNT, body)
                .header("prefer", STATIC)
                .await,
        );
        let raw_result = raw
            .result(
                M::POST,
                &pcaps,
                Some(serde_json::to_vec(body).unwrap()),
                STATIC,
            )
            .await;
        let decoded: PcapRequest = decode_losslessly(what, &raw_result);
        assert_eq!(
            typed,
            Some(decoded),
            "{what}: typed call and raw body differ"
        );
        endpoints.push(endpoint(
            what,
            M::POST,
            "/accounts/{account_id}/pcaps",
            pcaps.clone(),
            Some(body),
        ));
    }

    let typed = accepted(
        "list pcaps",
        api.list_packet_capture_requests(ACCOUNT)
            .header("prefer", STATIC)
            .await,
    );
    assert!(!typed.is_empty(), "Prism's example list is not empty");
    let decoded: Vec<PcapRequest> = decode_losslessly(
        "list pcaps",
        &raw.result(M::GET, &pcaps, None, STATIC).await,
    );
    assert_eq!(typed, decoded);
    endpoints.push(endpoint::<()>(
        "list pcaps",
        M::GET,
        "/accounts/{account_id}/pcaps",
        pcaps.clone(),
        None,
    ));

    let typed = accepted(
        "get pcap",
        api.get_pcap_request(ACCOUNT, PCAP_ID)
            .header("prefer", STATIC)
            .await,
    );
    let decoded: PcapRequest = decode_losslessly(
        "get pcap",
        &raw.result(M::GET, &one_pcap, None, STATIC).await,
    );
    assert_eq!(typed, Some(decoded));
    endpoints.push(endpoint::<()>(
        "get pcap",
        M::GET,
        "/accounts/{account_id}/pcaps/{pcap_id}",
        one_pcap.clone(),
        None,
    ));

    let typed = accepted(
        "add bucket",
        api.add_buckets_for_full_packet_captures(ACCOUNT, &add)
            .header("prefer", STATIC)
            .await,
    );
    let decoded: PcapsOwnership = decode_losslessly(
        "add bucket",
        &raw.result(
            M::POST,
            &ownership,
            Some(serde_json::to_vec(&add).unwrap()),
            STATIC,
        )
        .await,
    );
    assert_eq!(typed, Some(decoded));
    endpoints.push(endpoint(
        "add bucket",
        M::POST,
        "/accounts/{account_id}/pcaps/ownership",
        ownership.clone(),
        Some(&add),
    ));

    let typed = accepted(
        "list buckets",
        api.list_pcaps_bucket_ownership(ACCOUNT)
            .header("prefer", STATIC)
            .await,
    );
    assert!(!typed.is_empty(), "Prism's example list is not empty");
    let decoded: Vec<PcapsOwnership> = decode_losslessly(
        "list buckets",
        &raw.result(M::GET, &ownership, None, STATIC).await,
    );
    assert_eq!(typed, decoded);
    endpoints.push(endpoint::<()>(
        "list buckets",
        M::GET,
        "/accounts/{account_id}/pcaps/ownership",
        ownership.clone(),
        None,
    ));

    let validate_path = format!("{ownership}/validate");
    let typed = accepted(
        "validate bucket",
        api.validate_buckets_for_full_packet_captures(ACCOUNT, &validate)
            .header("prefer", STATIC)
            .await,
    );
    let decoded: PcapsOwnership = decode_losslessly(
        "validate bucket",
        &raw.result(
            M::POST,
            &validate_path,
            Some(serde_json::to_vec(&validate).unwrap()),
            STATIC,
        )
        .await,
    );
    assert_eq!(typed, Some(decoded));
    endpoints.push(endpoint(
        "validate bucket",
        M::POST,
        "/accounts/{account_id}/pcaps/ownership/validate",
        validate_path,
        Some(&validate),
    ));

    // --- No-content endpoints: accepted, 204. ---
    let ((), meta) = accepted(
        "delete bucket",
        api.delete_buckets_for_full_packet_captures(ACCOUNT, OWNERSHIP_ID)
            .header("prefer", "code=204")
            .send_with_meta()
            .await,
    );
    assert_eq!(meta.status, StatusCode::NO_CONTENT, "delete bucket");
    let ((), meta) = accepted(
        "stop pcap",
        api.stop_full_pcap(ACCOUNT, PCAP_ID)
            .header("prefer", "code=204")
            .send_with_meta()
            .await,
    );
    assert_eq!(meta.status, StatusCode::NO_CONTENT, "stop pcap");

    // --- Download: the contract gives `application/vnd.tcpdump.pcap` no
    // schema, so Prism has nothing to serve and answers 500 ("Cannot find
    // serializer"). Checked only as far as that: the request itself (path,
    // auth, Accept) must not be what Prism objects to. ---
    match api.download_simple_pcap(ACCOUNT, PCAP_ID).await {
        Ok(response) => {
            let bytes = response.bytes().await.expect("download body");
            eprintln!(
                "contract: Prism served the download ({} bytes)",
                bytes.len()
            );
        }
        Err(err) => {
            let status = err.status();
            assert_eq!(
                status,
                Some(StatusCode::INTERNAL_SERVER_ERROR),
                "download: expected Prism's 500 for a body without a schema, got {err}"
            );
            assert!(
                err.to_string().contains("Cannot find serializer"),
                "download: a 500 for another reason than the missing schema: {err}"
            );
        }
    }

    // --- Prism does enforce the contract (or the checks above mean little). ---
    let anonymous = Client::builder()
        .base_url(prism.url())
        .allow_http(true)
        .max_retries(0)
        .build()
        .unwrap();
    let err = anonymous
        .magic_pcap_collection()
        .list_packet_capture_requests(ACCOUNT)
        .await
        .expect_err("Prism lets a request without credentials through");
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED), "{err}");
    let too_long: PcapCreateRequest = PcapCreateSimple::new(301.0, 1).into();
    let err = api
        .create_pcap_request(ACCOUNT, &too_long)
        .await
        .expect_err("Prism accepts a simple capture of 301 s (the contract says at most 300)");
    assert_eq!(
        err.status(),
        Some(StatusCode::UNPROCESSABLE_ENTITY),
        "{err}"
    );
    let violations = err.api().unwrap().headers.get("sl-violations");
    assert!(
        violations.is_some_and(|v| String::from_utf8_lossy(v.as_bytes()).contains("time_limit")),
        "Prism's 422 names time_limit: {violations:?}"
    );

    // --- Randomized responses (`Prefer: dynamic=true`). Prism's faker fills
    // objects with extra, undeclared keys, which the generated types must
    // keep like any other, and often builds an envelope that Prism's own
    // response validation then rejects (500, every violation in `response`):
    // those are retried a bounded number of times. ---
    let mut fractions_kept = 0;
    for ep in &endpoints {
        let schema = contract.result_schema(&ep.method.as_str().to_ascii_lowercase(), ep.template);
        let (mut samples, mut empty, mut undeclared, mut fractions) = (0, 0, 0, 0);
        for _ in 0..DYNAMIC_ATTEMPTS {
            let reply = raw
                .send(ep.method.clone(), &ep.path, ep.body.clone(), "dynamic=true")
                .await;
            if reply.status == StatusCode::INTERNAL_SERVER_ERROR
                && prism_rejected_itself(&reply.body)
            {
                continue;
            }
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{} (dynamic): violations {:?}, body {}",
                ep.what,
                reply.headers.get("sl-violations"),
                reply.body
            );
            let result = reply.body["result"].clone();
            // A `{}`, `[]` or `null` result decodes, but checks nothing: it
            // does not count as a sample.
            let counts = contract.carries_declared_data(&result, &schema);
            // Undeclared keys are kept too (in `extra`): counted, not removed.
            undeclared += contract
                .prune_undeclared(&mut result.clone(), &schema, "result")
                .len();
            let what = format!("{} (dynamic)", ep.what);
            let unfit = if ep.template.ends_with("ownership") || ep.template.ends_with("validate") {
                if result.is_array() {
                    decode_exactly::<Vec<PcapsOwnership>>(&what, &result).1
                } else {
                    decode_exactly::<PcapsOwnership>(&what, &result).1
                }
            } else if result.is_array() {
                decode_exactly::<Vec<PcapRequest>>(&what, &result).1
            } else {
                decode_exactly::<PcapRequest>(&what, &result).1
            };
            fractions += only_whole_numbers_unfit(&what, &unfit);
            if !counts {
                empty += 1;
                continue;
            }
            samples += 1;
            if samples == DYNAMIC_SAMPLES {
                break;
            }
        }
        assert_eq!(
            samples, DYNAMIC_SAMPLES,
            "{}: randomized responses from Prism with declared data in {DYNAMIC_ATTEMPTS} \
             attempts ({empty} without any)",
            ep.what
        );
        fractions_kept += fractions;
        say(&format!(
            "contract: {} (dynamic): {samples} samples with declared data ({empty} without, \
             not counted), {undeclared} undeclared keys kept, {fractions} fractions where the \
             client holds whole numbers kept as sent, each a mismatch\n",
            ep.what
        ));
    }

    // The generated API itself on randomized data, for one endpoint of each
    // result type (a 500 is Prism rejecting its own response: retried; an
    // envelope saying `"success": false` is an `Error::Api` by design).
    let (mut pcaps, mut buckets) = (0, 0);
    for _ in 0..DYNAMIC_ATTEMPTS {
        if pcaps < DYNAMIC_SAMPLES {
            let reply = api
                .get_pcap_request(ACCOUNT, PCAP_ID)
                .header("prefer", "dynamic=true")
                .send_with_meta()
                .await;
            if let Some(unfit) = typed_dynamic("get pcap (dynamic, typed)", reply) {
                fractions_kept += only_whole_numbers_unfit("get pcap (dynamic, typed)", &unfit);
                pcaps += 1;
            }
        }
        if buckets < DYNAMIC_SAMPLES {
            let reply = api
                .list_pcaps_bucket_ownership(ACCOUNT)
                .header("prefer", "dynamic=true")
                .send_with_meta()
                .await;
            if let Some(unfit) = typed_dynamic("list buckets (dynamic, typed)", reply) {
                assert!(unfit.is_empty(), "list buckets (dynamic, typed): {unfit:?}");
                buckets += 1;
            }
        }
        if (pcaps, buckets) == (DYNAMIC_SAMPLES, DYNAMIC_SAMPLES) {
            break;
        }
    }
    assert_eq!(
        (pcaps, buckets),
        (DYNAMIC_SAMPLES, DYNAMIC_SAMPLES),
        "randomized responses through the typed calls in {DYNAMIC_ATTEMPTS} attempts"
    );
    say(&format!(
        "contract: {pcaps} + {buckets} randomized responses through the typed calls; {fractions_kept} \
         fractional values in all where the PCAP overlay holds whole numbers, each kept as \
         sent with its mismatch\n"
    ));
}

/// The mismatches of a typed call's randomized response; `None` when Prism
/// rejected its own response (500) or sent `"success": false`.
fn typed_dynamic<T>(
    what: &str,
    reply: generated_client::Result<(T, generated_client::ResponseMeta)>,
) -> Option<Vec<String>> {
    match reply {
        Err(err) if err.status() == Some(StatusCode::INTERNAL_SERVER_ERROR) => None,
        Err(err) if err.status() == Some(StatusCode::OK) && err.api().is_some() => None,
        other => {
            let (_, meta) = accepted(what, other);
            Some(meta.mismatches().iter().map(ToString::to_string).collect())
        }
    }
}

/// Properties Cloudflare's description types `number` that the PCAP
/// overlay holds as integers (ports, a protocol number, packet and byte
/// limits): the API sends whole numbers there, every example is whole, and
/// the overlay's constructors take integers. Prism's faker fills a
/// `number` with any float; the client keeps such a value as sent, with a
/// mismatch, which is the intended, documented result of that choice (and
/// the only mismatch these randomized responses may have).
const WHOLE: &[&str] = &[
    "source_port",
    "destination_port",
    "protocol",
    "packet_limit",
    "byte_limit",
];

/// Checks that every mismatch is a fraction in one of the [`WHOLE`]
/// properties; how many there are.
fn only_whole_numbers_unfit(what: &str, unfit: &[String]) -> usize {
    for mismatch in unfit {
        let whole = WHOLE
            .iter()
            .any(|key| mismatch.ends_with(&format!(".{key}: expected an integer, found a number")));
        assert!(whole, "{what}: {mismatch}");
    }
    unfit.len()
}
