//! Contract test of DNS records and zones: the generated client against
//! Prism (`--errors`) serving Cloudflare's own description of those
//! endpoints (`../shared/contract/cloudflare-dns-zones.openapi.json`), and
//! the generated types against that description's schemas.
//!
//! - Every record kind the description lists decodes into its own variant
//!   of `DnsRecord` with every property it declares, and with only the
//!   required ones; a zone likewise. Nothing is lost on the way back out.
//! - Every request body the client can build (each kind's `new`, and each
//!   kind with every writable property set) validates against the record
//!   schemas with the read-only fields left out. This version of the
//!   description reuses the result schema as the body, so Prism demands the
//!   read-only fields of a result in a request: the test checks that they
//!   are exactly what Prism misses in the body as the client sends it, then
//!   sends it with them added, which Prism accepts.
//! - Every GET and list, and the zone and record changes, decode from
//!   Prism's examples with no key lost (the same request is sent again with
//!   plain reqwest and compared), with typed queries that set every filter.
//! - Randomized responses (`Prefer: dynamic=true`) of every GET and list,
//!   through the typed calls and a recording forwarder, nothing rewritten:
//!   each mismatch must lie at a place the description leaves unspecified
//!   (a fractional `ttl`, which the description allows, is a number and
//!   fits), each result is written back exactly as sent, and each endpoint
//!   must reach its count of samples that carry declared data.
//!
//! The record endpoints accept only `X-Auth-Email` + `X-Auth-Key` in this
//! description (no token): the client uses those throughout. Prism is
//! installed and run by `support/prism.rs`; the shared checks are in
//! `support/contract.rs`.

#[path = "support/contract.rs"]
mod contract;
#[path = "support/prism.rs"]
mod prism;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use generated_client::Client;
use generated_client::dns_records_for_a_zone::{
    ARecordBody, AaaaRecordBody, CaaData, CaaRecordBody, CertData, CertRecordBody, CnameRecordBody,
    DeleteDnsRecordResponse, DnsRecord, DnsRecordBody, DnsRecordPatch, DnsRecordQuery,
    DnsRecordQueryDirection, DnsRecordQueryMatch, DnsRecordQueryOrder, DnsRecordType, DnsRecords,
    DnskeyData, DnskeyRecordBody, DsData, DsRecordBody, HttpsData, HttpsRecordBody, LocData,
    LocDataLatDirection, LocDataLongDirection, LocRecordBody, MxRecordBody, NaptrData,
    NaptrRecordBody, NsRecordBody, PtrRecordBody, SmimeaData, SmimeaRecordBody, SrvData,
    SrvRecordBody, SshfpData, SshfpRecordBody, SvcbData, SvcbRecordBody, TlsaData, TlsaRecordBody,
    TxtRecordBody, UriData, UriRecordBody,
};
use generated_client::runtime::{Mismatch, Segment, StatusCode};
use generated_client::zone::{
    QueryDirection, QueryMatch, QueryOrder, Reference, Zone, ZoneCreate, ZoneEdit, ZoneQuery,
    ZoneStatus as Status, ZoneType as Type,
};
use serde_json::{Map, Value, json};

use contract::{
    Contract, Fits, RawPeer, UnspecifiedKind, accepted, decode_losslessly, differences,
    prism_rejected_itself, say, unfit_struct,
};
use prism::{Prism, ensure_prism, workspace_root};
use support::Server;

const SPEC: &str = "../shared/contract/cloudflare-dns-zones.openapi.json";
/// Identifiers are at most 32 characters in the contract; these are its examples.
const ZONE: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const RECORD: &str = "372e67954025e0ba6aaa6d586b9e0b59";
const ACCOUNT: &str = "01a7362d577a6c3019a474fd6f485823";
const EMAIL: &str = "dns@example.com";
const KEY: &str = "contract-test-global-key";
const RECORD_SCHEMA: &str = "dns-records_dns-record";
const ZONE_SCHEMA: &str = "zones_zone";
/// Most attempts per endpoint to get randomized responses from Prism: its
/// faker builds an envelope its own validator rejects about 2 times in 3.
const DYNAMIC_ATTEMPTS: usize = 60;
/// Randomized responses with declared data checked per endpoint.
const DYNAMIC_SAMPLES: usize = 3;

/// The mismatches of each kind of record: its struct's.
macro_rules! record_kinds {
    ($($union:ident: $($kind:ident)*;)*) => {
        $(
            impl Fits for $union {
                fn unfit(&self) -> Vec<String> {
                    match self {
                        $($union::$kind(record) => unfit_struct(record),)*
                        // Kept whole, as sent: nothing in it is typed.
                        $union::Other(_) => Vec::new(),
                    }
                }
            }
        )*
    };
}
record_kinds! {
    DnsRecord: A Aaaa Caa Cert Cname Dnskey Ds Https Loc Mx Naptr Ns Ptr Smimea Srv Sshfp Svcb
        Tlsa Txt Uri;
    DnsRecordBody: A Aaaa Caa Cert Cname Dnskey Ds Https Loc Mx Naptr Ns Ptr Smimea Srv Sshfp
        Svcb Tlsa Txt Uri;
}

impl Fits for Zone {
    fn unfit(&self) -> Vec<String> {
        unfit_struct(self)
    }
}

impl Fits for DeleteDnsRecordResponse {
    fn unfit(&self) -> Vec<String> {
        unfit_struct(self)
    }
}

impl Fits for DnsRecords {
    fn unfit(&self) -> Vec<String> {
        unfit_struct(self)
    }
}

/// One body per record kind, each built in one line.
fn minimal_bodies() -> Vec<DnsRecordBody> {
    let name = || "www.example.com".to_owned();
    vec![
        ARecordBody::new(name(), "198.51.100.4").into(),
        AaaaRecordBody::new(name(), "2001:db8::1").into(),
        CaaRecordBody::new(
            name(),
            CaaData {
                flags: Some(0.0),
                tag: Some("issue".into()),
                value: Some("letsencrypt.org".into()),
                ..Default::default()
            },
        )
        .into(),
        CertRecordBody::new(
            name(),
            CertData {
                algorithm: Some(8.0),
                certificate: Some("MIIB".into()),
                key_tag: Some(1.0),
                r#type: Some(9.0),
                ..Default::default()
            },
        )
        .into(),
        CnameRecordBody::new(name(), "origin.example.com").into(),
        DnskeyRecordBody::new(
            name(),
            DnskeyData {
                algorithm: Some(13.0),
                flags: Some(257.0),
                protocol: Some(3.0),
                public_key: Some("mdsswUyr3DPW".into()),
                ..Default::default()
            },
        )
        .into(),
        DsRecordBody::new(
            name(),
            DsData {
                algorithm: Some(13.0),
                digest: Some("2f9c".into()),
                digest_type: Some(2.0),
                key_tag: Some(2371.0),
                ..Default::default()
            },
        )
        .into(),
        HttpsRecordBody::new(
            name(),
            HttpsData {
                priority: Some(1.0),
                target: Some(".".into()),
                value: Some("alpn=\"h3,h2\"".into()),
                ..Default::default()
            },
        )
        .into(),
        LocRecordBody::new(
            name(),
            LocData {
                lat_degrees: Some(37.0),
                lat_direction: Some(LocDataLatDirection::N),
                long_degrees: Some(122.0),
                long_direction: Some(LocDataLongDirection::W),
                altitude: Some(10.0),
                ..Default::default()
            },
        )
        .into(),
        MxRecordBody::new(name(), "mx.example.com", 10).into(),
        NaptrRecordBody::new(
            name(),
            NaptrData {
                order: Some(100.0),
                preference: Some(10.0),
                flags: Some("S".into()),
                service: Some("SIP+D2U".into()),
                regex: Some(String::new()),
                replacement: Some("_sip._udp.example.com".into()),
                ..Default::default()
            },
        )
        .into(),
        NsRecordBody::new(name(), "ns1.example.com").into(),
        PtrRecordBody::new(name(), "host.example.com").into(),
        SmimeaRecordBody::new(
            name(),
            SmimeaData {
                usage: Some(3.0),
                selector: Some(1.0),
                matching_type: Some(1.0),
                certificate: Some("d2abde".into()),
                ..Default::default()
            },
        )
        .into(),
        SrvRecordBody::new(
            "_sip._tcp.example.com",
            SrvData {
                priority: Some(10.0),
                weight: Some(5.0),
                port: Some(5060.0),
                target: Some("sip.example.com".into()),
                ..Default::default()
            },
        )
        .into(),
        SshfpRecordBody::new(
            name(),
            SshfpData {
                algorithm: Some(4.0),
                r#type: Some(2.0),
                fingerprint: Some("123456789abcdef".into()),
                ..Default::default()
            },
        )
        .into(),
        SvcbRecordBody::new(
            name(),
            SvcbData {
                priority: Some(1.0),
                target: Some(".".into()),
                value: Some("alpn=\"h2\"".into()),
                ..Default::default()
            },
        )
        .into(),
        TlsaRecordBody::new(
            name(),
            TlsaData {
                usage: Some(3.0),
                selector: Some(1.0),
                matching_type: Some(1.0),
                certificate: Some("d2abde".into()),
                ..Default::default()
            },
        )
        .into(),
        TxtRecordBody::new(name(), "v=spf1 -all").into(),
        UriRecordBody::new(
            name(),
            UriData {
                target: Some("http://example.com/".into()),
                weight: Some(20.0),
                ..Default::default()
            },
            10,
        )
        .into(),
    ]
}

// ---------------------------------------------------------------------------
// The record kinds of the description

/// A record kind: its `type` and its `oneOf` branch.
struct Kind {
    tag: String,
    branch: Value,
}

fn kinds(contract: &Contract) -> Vec<Kind> {
    let record = contract.schema(RECORD_SCHEMA);
    let kinds: Vec<Kind> = record["oneOf"]
        .as_array()
        .expect("the record is a oneOf")
        .iter()
        .map(|branch| {
            let tag = contract.full_example(&contract.properties(branch)["type"]);
            Kind {
                tag: tag.as_str().expect("a kind's type is a string").to_owned(),
                branch: contract.resolve(branch).clone(),
            }
        })
        .collect();
    assert_eq!(kinds.len(), 20, "the description lists 20 record kinds");
    kinds
}

impl Kind {
    /// The branch's properties that a result has and a request leaves out.
    fn read_only(&self, contract: &Contract) -> BTreeSet<String> {
        contract
            .properties(&self.branch)
            .into_iter()
            .filter(|(_, sub)| contract.resolve(sub)["readOnly"] == json!(true))
            .map(|(name, _)| name)
            .collect()
    }

    /// A record of this kind with every property the description declares.
    fn full(&self, contract: &Contract) -> Value {
        let mut full = contract.full_example(&self.branch);
        // The description gives a CNAME's content neither a type nor an
        // example; it is a hostname.
        if full["content"] == json!({}) {
            full["content"] = json!("origin.example.com");
        }
        full
    }

    /// What a result of this kind must have: the kind's own required
    /// properties and those the `oneOf` requires of every kind.
    fn required(&self, contract: &Contract) -> BTreeSet<String> {
        let mut required = contract.required(&self.branch);
        required.extend(contract.required(contract.schema(RECORD_SCHEMA)));
        required
    }
}

/// `value` with only the keys in `keep`.
fn only(value: &Value, keep: &BTreeSet<String>) -> Value {
    let object: Map<String, Value> = value
        .as_object()
        .expect("an object")
        .iter()
        .filter(|(key, _)| keep.contains(*key))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(object)
}

// ---------------------------------------------------------------------------
// Without Prism: the types against the schemas

/// Every record kind decodes into its own variant, with every property the
/// description declares and with only the required ones, and writes back
/// what it read. The same for a zone.
#[test]
fn every_record_kind_and_the_zone_decode_without_loss() {
    let contract = Contract::load(&workspace_root(), SPEC);
    let mut seen = BTreeSet::new();
    for kind in kinds(&contract) {
        let full = kind.full(&contract);
        let minimal = only(&full, &kind.required(&contract));
        for (what, raw) in [("every property", &full), ("required only", &minimal)] {
            let what = format!("{} record, {what}", kind.tag);
            let record: DnsRecord = decode_losslessly(&what, raw);
            assert!(
                !matches!(record, DnsRecord::Other(_)),
                "{what}: decoded as Other"
            );
            assert_eq!(record.tag(), kind.tag, "{what}");
        }
        seen.insert(kind.tag);
    }
    assert_eq!(seen.len(), 20);

    let zone = contract.schema(ZONE_SCHEMA).clone();
    let full = contract.full_example(&zone);
    let minimal = only(&full, &contract.required(&zone));
    let typed: Zone = decode_losslessly("zone, every property", &full);
    assert_eq!(typed.name, full["name"].as_str().unwrap());
    decode_losslessly::<Zone>("zone, required only", &minimal);
}

/// The request bodies hold every writable property of their kind and
/// nothing else: the description's example of each kind, read-only
/// properties left out, decodes into the kind's body and back unchanged.
#[test]
fn every_record_body_holds_every_writable_property() {
    let contract = Contract::load(&workspace_root(), SPEC);
    for kind in kinds(&contract) {
        let mut writable = kind.full(&contract);
        for field in kind.read_only(&contract) {
            writable.as_object_mut().unwrap().remove(&field);
        }
        let what = format!("{} body, every writable property", kind.tag);
        let body: DnsRecordBody = decode_losslessly(&what, &writable);
        assert!(
            !matches!(body, DnsRecordBody::Other(_)),
            "{what}: decoded as Other"
        );
        let back = serde_json::to_value(&body).unwrap();
        let declared = contract.properties(&kind.branch);
        let undeclared: Vec<&String> = back
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !declared.contains_key(*k))
            .collect();
        assert!(undeclared.is_empty(), "{what}: sends {undeclared:?}");
    }
}

// ---------------------------------------------------------------------------
// Against Prism

#[test]
fn dns_records_and_zones_against_prism() {
    let started = Instant::now();
    let root = workspace_root();
    let contract = Contract::load(&root, SPEC);
    let bin = ensure_prism(&root);
    let prism = Prism::start(&root, &bin, SPEC);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let peers = Peers::new(&prism);
        request_bodies(&peers, &contract).await;
        static_responses(&peers).await;
        prism_enforces_the_contract(&peers).await;
        randomized_responses(&peers, &contract).await;
    });
    drop(prism);
    say(&format!(
        "contract dns: done in {:.1?}\n",
        started.elapsed()
    ));
}

/// The generated client and a plain reqwest client, both pointed at Prism.
struct Peers {
    client: Client,
    raw: RawPeer,
    url: String,
}

impl Peers {
    fn new(prism: &Prism) -> Peers {
        let client = Client::builder()
            .base_url(prism.url())
            .allow_http(true)
            .api_key(EMAIL, KEY)
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
            auth: vec![
                ("x-auth-email", EMAIL.to_owned()),
                ("x-auth-key", KEY.to_owned()),
            ],
        };
        Peers {
            client,
            raw,
            url: prism.url(),
        }
    }
}

const STATIC: &str = "code=200";

/// Each body the client builds, minimal and complete, for create, overwrite
/// and update: Prism misses exactly the read-only fields in it, and accepts
/// it with them added.
async fn request_bodies(peers: &Peers, contract: &Contract) {
    let dns = peers.client.dns_records_for_a_zone();
    let kinds = kinds(contract);
    let mut bodies: Vec<(String, DnsRecordBody)> = minimal_bodies()
        .into_iter()
        .map(|body| (format!("{} (new)", body.tag()), body))
        .collect();
    for kind in &kinds {
        let mut writable = kind.full(contract);
        for field in kind.read_only(contract) {
            writable.as_object_mut().unwrap().remove(&field);
        }
        let body = serde_json::from_value(writable).expect("a complete body decodes");
        bodies.push((format!("{} (every writable property)", kind.tag), body));
    }
    assert_eq!(bodies.len(), 40);
    let records = format!("/zones/{ZONE}/dns_records");
    let one = format!("{records}/{RECORD}");
    let mut accepted_bodies = 0;
    for (what, body) in &bodies {
        let kind = kinds
            .iter()
            .find(|k| k.tag == body.tag())
            .unwrap_or_else(|| panic!("{what}: no kind {}", body.tag()));
        let sent = serde_json::to_value(body).unwrap();
        let read_only = kind.read_only(contract);
        let leaked: Vec<&String> = sent
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| read_only.contains(*k))
            .collect();
        assert!(
            leaked.is_empty(),
            "{what}: a body sends read-only fields {leaked:?}"
        );
        // What this version of the description wrongly demands of a request:
        // the required fields a body leaves out, each read-only (or `id`,
        // which the API assigns).
        let left_out: BTreeSet<String> = kind
            .required(contract)
            .into_iter()
            .filter(|f| !sent.as_object().unwrap().contains_key(f))
            .collect();
        for field in &left_out {
            assert!(
                field == "id" || read_only.contains(field),
                "{what}: a body built by the client lacks `{field}`, which the description requires and is not read-only"
            );
        }
        let expected: BTreeSet<String> = left_out
            .iter()
            .map(|f| format!("Request body must have required property '{f}'"))
            .collect();
        let full = kind.full(contract);
        let mut completed = sent.clone();
        for field in &left_out {
            completed[field] = full[field].clone();
        }
        for (method, path) in [
            (reqwest::Method::POST, &records),
            (reqwest::Method::PUT, &one),
            (reqwest::Method::PATCH, &one),
        ] {
            // The body exactly as the client sends it (`Request::body`).
            let bytes = serde_json::to_vec(&generated_client::runtime::Wire(body)).unwrap();
            let reply = peers
                .raw
                .send(method.clone(), path, Some(bytes), STATIC)
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{what}: {method} {}",
                reply.body
            );
            let missed: BTreeSet<String> = reply.body["validation"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v["message"].as_str().unwrap_or_default().to_owned())
                .collect();
            assert_eq!(
                missed, expected,
                "{what}: {method}: Prism's violations are not only the read-only fields"
            );
            // With them added, through the typed call (its body replaced).
            let result = match method.as_str() {
                "POST" => {
                    dns.create_dns_record(ZONE, body)
                        .body(&completed)
                        .header("prefer", STATIC)
                        .await
                }
                "PUT" => {
                    dns.overwrite_dns_record(ZONE, RECORD, body)
                        .body(&completed)
                        .header("prefer", STATIC)
                        .await
                }
                _ => {
                    // The same record as a PATCH body, every field optional.
                    let patch: DnsRecordPatch =
                        serde_json::from_value(serde_json::to_value(body).unwrap()).unwrap();
                    dns.update_dns_record(ZONE, RECORD, &patch)
                        .body(&completed)
                        .header("prefer", STATIC)
                        .await
                }
            };
            let record = accepted(&format!("{what}: {method}"), result).expect("a record");
            assert!(!matches!(record, DnsRecord::Other(_)));
            accepted_bodies += 1;
        }
    }
    say(&format!(
        "contract dns: {accepted_bodies} request bodies (20 kinds, minimal and complete; create, overwrite, update) accepted\n"
    ));
}

/// Prism's examples of every JSON GET, list and change, typed and raw.
async fn static_responses(peers: &Peers) {
    let dns = peers.client.dns_records_for_a_zone();
    let zones = peers.client.zone();
    use reqwest::Method as M;

    // Queries that set every filter Prism checks (formats, enums, ranges).
    let query = DnsRecordQuery {
        name: Some("www.example.com".into()),
        r#type: Some(DnsRecordType::Txt),
        content: Some("v=spf1 -all".into()),
        proxied: Some(false),
        r#match: Some(DnsRecordQueryMatch::Any),
        comment: Some("Hello, world".into()),
        comment_present: Some(true),
        comment_absent: Some(true),
        comment_exact: Some("Hello, world".into()),
        comment_contains: Some("ello".into()),
        comment_startswith: Some("Hello".into()),
        comment_endswith: Some("world".into()),
        tag: Some("owner:dns-team".into()),
        tag_present: Some("important".into()),
        tag_absent: Some("important".into()),
        tag_exact: Some("greeting:Hello, world".into()),
        tag_contains: Some("greeting:ello".into()),
        tag_startswith: Some("greeting:Hello".into()),
        tag_endswith: Some("greeting:world".into()),
        search: Some("www.example.com".into()),
        tag_match: Some(DnsRecordQueryMatch::All),
        page: Some(2),
        per_page: Some(50),
        order: Some(DnsRecordQueryOrder::Name),
        direction: Some(DnsRecordQueryDirection::Desc),
        ..Default::default()
    };
    let query_text = serde_urlencoded::to_string(&query).unwrap();
    assert!(
        query_text.contains("comment.present=true&") && query_text.contains("per_page=50"),
        "{query_text}"
    );
    let listed = accepted(
        "list records",
        dns.list_dns_records(ZONE)
            .query(&query)
            .header("prefer", STATIC)
            .await,
    );
    assert!(!listed.is_empty(), "Prism's example list is not empty");
    let raw = peers
        .raw
        .result(
            M::GET,
            &format!("/zones/{ZONE}/dns_records?{query_text}"),
            None,
            STATIC,
        )
        .await;
    assert_eq!(
        listed,
        decode_losslessly::<Vec<DnsRecord>>("list records", &raw)
    );

    let one = accepted(
        "record details",
        dns.dns_record_details(ZONE, RECORD)
            .header("prefer", STATIC)
            .await,
    );
    let raw = peers
        .raw
        .result(
            M::GET,
            &format!("/zones/{ZONE}/dns_records/{RECORD}"),
            None,
            STATIC,
        )
        .await;
    assert_eq!(one, Some(decode_losslessly("record details", &raw)));

    // The description gives the delete and scan operations a JSON body
    // without a schema; an empty object satisfies it.
    let deleted = accepted(
        "delete record",
        dns.delete_dns_record(ZONE, RECORD)
            .body(&json!({}))
            .header("prefer", STATIC)
            .await,
    );
    // Its description has a `result` but no `success`, so Prism sends an
    // envelope without `success`: an endpoint documented with an envelope
    // still reads its `result` (Cloudflare itself sends `success` too).
    let reply = peers
        .raw
        .send(
            M::DELETE,
            &format!("/zones/{ZONE}/dns_records/{RECORD}"),
            Some(b"{}".to_vec()),
            STATIC,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.get("success").is_none(), "{}", reply.body);
    assert_eq!(
        deleted,
        Some(decode_losslessly("delete record", &reply.body["result"]))
    );

    let scanned = accepted(
        "scan records",
        dns.scan_dns_records(ZONE)
            .body(&json!({}))
            .header("prefer", STATIC)
            .await,
    );
    let raw = peers
        .raw
        .result(
            M::POST,
            &format!("/zones/{ZONE}/dns_records/scan"),
            Some(b"{}".to_vec()),
            STATIC,
        )
        .await;
    assert_eq!(scanned, Some(decode_losslessly("scan records", &raw)));

    let export = accepted("export records", dns.export_dns_records(ZONE).await);
    let text = export.bytes().await.expect("the zone file");
    assert!(
        String::from_utf8_lossy(&text).contains(" IN "),
        "a BIND zone file: {text:?}"
    );

    let zone_query = ZoneQuery {
        name: Some("contains:example".into()),
        status: Some(Status::Active),
        account_id: Some(ACCOUNT.into()),
        account_name: Some("contains:Dev".into()),
        page: Some(1),
        per_page: Some(50),
        order: Some(QueryOrder::AccountName),
        direction: Some(QueryDirection::Asc),
        r#match: Some(QueryMatch::All),
        ..Default::default()
    };
    let query_text = serde_urlencoded::to_string(&zone_query).unwrap();
    let listed = accepted(
        "list zones",
        zones
            .list_zones()
            .query(&zone_query)
            .header("prefer", STATIC)
            .await,
    );
    assert!(!listed.is_empty(), "Prism's example list is not empty");
    let raw = peers
        .raw
        .result(M::GET, &format!("/zones?{query_text}"), None, STATIC)
        .await;
    assert_eq!(listed, decode_losslessly::<Vec<Zone>>("list zones", &raw));

    let zone = accepted(
        "zone details",
        zones.zone_details(ZONE).header("prefer", STATIC).await,
    );
    let raw = peers
        .raw
        .result(M::GET, &format!("/zones/{ZONE}"), None, STATIC)
        .await;
    assert_eq!(zone, Some(decode_losslessly("zone details", &raw)));

    let create = ZoneCreate {
        r#type: Some(Type::Full),
        ..ZoneCreate::new("example.com", Reference::new(ACCOUNT))
    };
    let created = accepted(
        "create zone",
        zones.create_zone(&create).header("prefer", STATIC).await,
    );
    let raw = peers
        .raw
        .result(
            M::POST,
            "/zones",
            Some(serde_json::to_vec(&create).unwrap()),
            STATIC,
        )
        .await;
    assert_eq!(created, Some(decode_losslessly("create zone", &raw)));

    for (what, edit) in [
        (
            "pause zone",
            ZoneEdit {
                paused: Some(true),
                ..Default::default()
            },
        ),
        (
            "zone plan",
            ZoneEdit {
                plan: Some(Reference::new("e592fd9519420ba7405e1307bff33214")),
                ..Default::default()
            },
        ),
        (
            "zone type",
            ZoneEdit {
                r#type: Some(Type::Partial),
                ..Default::default()
            },
        ),
        (
            "vanity name servers",
            ZoneEdit {
                vanity_name_servers: Some(vec!["ns1.example.com".into()]),
                ..Default::default()
            },
        ),
    ] {
        let edited = accepted(
            what,
            zones.edit_zone(ZONE, &edit).header("prefer", STATIC).await,
        );
        let raw = peers
            .raw
            .result(
                M::PATCH,
                &format!("/zones/{ZONE}"),
                Some(serde_json::to_vec(&edit).unwrap()),
                STATIC,
            )
            .await;
        assert_eq!(edited, Some(decode_losslessly(what, &raw)));
    }

    let deleted = accepted(
        "delete zone",
        zones
            .delete_zone(ZONE)
            .body(&json!({}))
            .header("prefer", STATIC)
            .await,
    );
    assert!(
        deleted.is_some_and(|d| d.id.is_some()),
        "the deleted zone's id"
    );
    say(
        "contract dns: static responses of 12 operations decode, fit and are written back exactly\n",
    );
}

/// Prism does enforce the contract, or the checks above mean little.
async fn prism_enforces_the_contract(peers: &Peers) {
    // The record endpoints take no token in this description.
    let with_token = Client::builder()
        .base_url(peers.url.clone())
        .allow_http(true)
        .api_token("a-token")
        .max_retries(0)
        .build()
        .unwrap();
    let err = with_token
        .dns_records_for_a_zone()
        .list_dns_records(ZONE)
        .await
        .expect_err("a token is not enough");
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED), "{err}");
    assert!(
        with_token.zone().zone_details(ZONE).await.is_ok(),
        "zones take a token"
    );

    let dns = peers.client.dns_records_for_a_zone();
    let bad_query = DnsRecordQuery {
        r#type: Some(DnsRecordType::Other("BOGUS".into())),
        ..Default::default()
    };
    let err = dns
        .list_dns_records(ZONE)
        .query(&bad_query)
        .await
        .expect_err("an unknown record type filter");
    assert_eq!(
        err.status(),
        Some(StatusCode::UNPROCESSABLE_ENTITY),
        "{err}"
    );
    let bad_page = DnsRecordQuery {
        per_page: Some(0),
        ..Default::default()
    };
    let err = dns
        .list_dns_records(ZONE)
        .query(&bad_page)
        .await
        .expect_err("per_page 0");
    assert_eq!(
        err.status(),
        Some(StatusCode::UNPROCESSABLE_ENTITY),
        "{err}"
    );
    // An A record whose content is no IPv4 address, even completed.
    let reply = peers
        .raw
        .send(
            reqwest::Method::POST,
            &format!("/zones/{ZONE}/dns_records"),
            Some(serde_json::to_vec(&json!({"type": "A", "name": "www", "content": "not an address",
                "id": RECORD, "proxiable": true, "created_on": "2014-01-01T05:20:00Z", "modified_on": "2014-01-01T05:20:00Z"})).unwrap()),
            STATIC,
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
}

/// Randomized responses (`Prefer: dynamic=true`) of every GET and list,
/// through the generated calls: the client talks to Prism through a
/// recording forwarder on 127.0.0.1, so each typed result is judged
/// against the very body it came from. Nothing in it is rewritten: every
/// mismatch must lie at a place the description leaves unspecified (it
/// gives a CNAME's or an NS record's `content` no type, and Prism's faker
/// fills it with anything), and the result written back must be exactly
/// what Prism sent. Only samples that carry declared data count, and each
/// endpoint must reach [`DYNAMIC_SAMPLES`] of them.
async fn randomized_responses(peers: &Peers, contract: &Contract) {
    let window = Server::forward(&peers.url, &[("prefer", "dynamic=true")]).await;
    let client = Client::builder()
        .base_url(window.url())
        .allow_http(true)
        .api_key(EMAIL, KEY)
        .max_retries(0)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let dns = client.dns_records_for_a_zone();
    let zones = client.zone();
    let templates = [
        ("list records", "/zones/{zone_id}/dns_records"),
        (
            "record details",
            "/zones/{zone_id}/dns_records/{dns_record_id}",
        ),
        ("list zones", "/zones"),
        ("zone details", "/zones/{zone_id}"),
    ];
    let mut kinds_seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut fractions = 0;
    let mut counted = Vec::new();
    for (what, template) in templates {
        let schema = contract.doc["paths"][template]["get"]["responses"]["200"]["content"]
            ["application/json"]["schema"]
            .clone();
        let result_schema = contract.result_schema("get", template);
        let (mut samples, mut empty, mut rejected, mut failures) = (0, 0, 0, 0);
        let mut not_conforming = Vec::new();
        let mut excused: BTreeMap<UnspecifiedKind, usize> = BTreeMap::new();
        for _ in 0..DYNAMIC_ATTEMPTS {
            let before = window.hits();
            let reply = match what {
                "list records" => typed(dns.list_dns_records(ZONE).send_with_meta().await),
                "record details" => {
                    typed(dns.dns_record_details(ZONE, RECORD).send_with_meta().await)
                }
                "list zones" => typed(zones.list_zones().send_with_meta().await),
                _ => typed(zones.zone_details(ZONE).send_with_meta().await),
            };
            let answer = window.requests()[before]
                .upstream
                .clone()
                .expect("the forwarder recorded Prism's answer");
            let body: Value = serde_json::from_slice(&answer.body)
                .unwrap_or_else(|e| panic!("{what} (dynamic): not JSON ({e}): {:?}", answer.body));
            // Prism rejecting its own made-up response: try again.
            if answer.status == 500 && prism_rejected_itself(&body) {
                rejected += 1;
                continue;
            }
            assert_eq!(answer.status, 200, "{what} (dynamic): {body}");
            // Prism's validator lets through what the test reads more
            // strictly (a schema with only an example has that example's
            // type: an NS record's `content` made an object is noise). Such
            // an answer is no sample; it is counted, as the whole-API test
            // counts it.
            if let Err(why) = contract.conforms(&body, &schema, "body") {
                not_conforming.push(why);
                continue;
            }
            // An envelope that says `"success": false` is an `Error::Api`
            // by design; it says nothing of the types.
            if body["success"] == json!(false)
                && reply.as_ref().is_err_and(|err| err.api().is_some())
            {
                failures += 1;
                continue;
            }
            let (back, mismatches, records) = reply.unwrap_or_else(|err| {
                panic!("{what} (dynamic): a conforming answer is refused: {err}")
            });
            for mismatch in &mismatches {
                let mut path = vec![Segment::Key("result".into())];
                path.extend(mismatch.segments().iter().cloned());
                match contract.place(&schema, Some(&body), &path, "body") {
                    Err(unspecified) => *excused.entry(unspecified.kind).or_default() += 1,
                    Ok(schemas) => panic!(
                        "{what} (dynamic): {mismatch}, where the description says {}\n{body:#}",
                        contract.summary(&schemas)
                    ),
                }
            }
            let sent = &body["result"];
            let mut diffs = Vec::new();
            match (sent, &back) {
                (Value::Null, Value::Array(items)) if items.is_empty() => {}
                _ => differences(sent, &back, "result", &mut diffs),
            }
            assert!(
                diffs.is_empty(),
                "{what} (dynamic): not written back as sent: {}",
                diffs.join("; ")
            );
            for record in &records {
                assert!(
                    !matches!(record, DnsRecord::Other(_)),
                    "{what} (dynamic): a kind the description lists decoded as Other: {record:?}"
                );
                *kinds_seen.entry(record.tag().to_owned()).or_default() += 1;
                // A fraction of a second, which the description allows:
                // typed, with no mismatch (checked above).
                fractions += usize::from(record.ttl().is_some_and(|t| t.fract() != 0.0));
            }
            if !contract.carries_declared_data(sent, &result_schema) {
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
            "{what}: {samples} randomized responses with declared data in {DYNAMIC_ATTEMPTS} attempts ({empty} without, {rejected} rejected by Prism itself, {failures} saying `success: false`, not conforming: {not_conforming:?})"
        );
        counted.push(samples);
        say(&format!(
            "contract dns: {what} (dynamic): {samples} samples with declared data through the typed call ({empty} without, {rejected} rejected by Prism's own validator, {failures} saying `success: false`, {} not conforming: {not_conforming:?}), mismatches excused at unspecified places: {excused:?}\n",
            not_conforming.len()
        ));
    }
    assert_eq!(counted, [DYNAMIC_SAMPLES; 4]);
    // Each sample of a record's details with declared data is a record.
    let records: usize = kinds_seen.values().sum();
    assert!(
        records >= DYNAMIC_SAMPLES,
        "{records} records in the randomized samples"
    );
    say(&format!(
        "contract dns: record kinds in randomized samples: {kinds_seen:?}; {fractions} fractional TTLs typed without a mismatch\n"
    ));
}

/// A typed call's result written back (or, when its type could not hold
/// it at all, the answer kept as sent), its mismatches, and the records in
/// it.
fn typed<T: serde::Serialize + 'static>(
    reply: generated_client::Result<(T, generated_client::ResponseMeta)>,
) -> generated_client::Result<(Value, Vec<Mismatch>, Vec<DnsRecord>)> {
    let (value, meta) = reply?;
    let back = meta
        .as_sent()
        .cloned()
        .unwrap_or_else(|| serde_json::to_value(&value).expect("a generated value serializes"));
    let any: &dyn std::any::Any = &value;
    let records = match (
        any.downcast_ref::<Vec<DnsRecord>>(),
        any.downcast_ref::<Option<DnsRecord>>(),
    ) {
        (Some(list), _) => list.clone(),
        (_, Some(one)) => one.iter().cloned().collect(),
        _ => Vec::new(),
    };
    Ok((back, meta.mismatches().to_vec(), records))
}
