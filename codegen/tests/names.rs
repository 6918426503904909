//! The names bar over the whole API in `spec/`: no method named after its
//! HTTP method (`update_queue_patch`), none over 70 characters, no
//! one-word type name that two areas declare (a `use` of both would clash),
//! and at most 20 types that several methods use directly while named after
//! one of them (`CreateAccessApplicationPolicyBody` for `create_…` and
//! `update_…`), each listed in the README.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use codegen::SourceFile;
use codegen::ir::{Api, Area, Output, TypeRef};

fn api() -> Api {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    let sources: Vec<SourceFile> = paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            SourceFile::new(format!("spec/{name}"), &std::fs::read_to_string(p).unwrap())
        })
        .collect();
    codegen::build_ir(&sources).unwrap().0
}

/// The type an output, body or query names, through lists and options.
fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Vec(item) | TypeRef::Option(item) => named(item),
        _ => None,
    }
}

/// Types of `area` that two or more methods take or return directly, with
/// those methods.
fn shared_types(area: &Area) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut users: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for endpoint in &area.endpoints {
        let output = match &endpoint.output {
            Output::Json { ty, .. } => Some(ty),
            _ => None,
        };
        let query = endpoint.query.as_ref().map(|q| &q.ty);
        for ty in [output, endpoint.request_body.as_ref(), query]
            .into_iter()
            .flatten()
        {
            if let Some(name) = named(ty) {
                users.entry(name).or_default().insert(&endpoint.rust_name);
            }
        }
    }
    users.retain(|_, methods| methods.len() > 1);
    users
}

fn pascal(snake: &str) -> String {
    snake
        .trim_start_matches("r#")
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The shared types still named after one of their methods, as the README
/// lists them (a name a rule cannot improve on, or a method whose name has
/// no verb and is the type's noun).
const NAMED_AFTER_A_METHOD: &[&str] = &[
    "access_service_tokens::ListServiceTokensItem",
    "email_routing_settings::EmailRoutingSettings",
    "email_security_settings::BatchAllowPoliciesResponseDelete",
    "endpoint_health_checks::EndpointHealthCheck",
    "firewall_rules::CreateFirewallRulesBody",
    "logpush_jobs_for_a_zone::GetOwnershipChallengeBody",
    "logpush_jobs_for_a_zone::ValidateDestinationResponse",
    "logpush_jobs_for_an_account::GetOwnershipChallengeBody",
    "logpush_jobs_for_an_account::ValidateDestinationResponse",
    "radar_layer_3_attacks::GetLayer3AttacksByTargetIndustriesTimeSeriesQuery",
    "vectorize::DeleteVectorsByIdentifierResponse",
    "waiting_room::DeleteWaitingRoomResponse",
    "waiting_room::ListWaitingRoomsZonesQuery",
    "web3_hostname::DeleteWeb3HostnameResponse",
    "workers_for_platforms::ListScriptsInNamespaceItem",
    "zone_analytics_deprecated::GetAnalyticsByCoLocationsQuery",
];

#[test]
fn the_names_bar_holds() {
    let api = api();
    let mut problems = Vec::new();
    let mut one_word: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut after_method = Vec::new();
    for area in &api.areas {
        for endpoint in &area.endpoints {
            let name = endpoint.rust_name.as_str();
            if ["_get", "_put", "_post", "_patch", "_delete"]
                .iter()
                .any(|suffix| name.ends_with(suffix))
            {
                problems.push(format!("{}::{name} ends in an HTTP method", area.module));
            }
            if name.len() > 70 {
                problems.push(format!("{}::{name} is over 70 characters", area.module));
            }
        }
        for def in &area.types {
            let name = def.name();
            if name.chars().filter(char::is_ascii_uppercase).count() == 1 {
                one_word.entry(name).or_default().push(&area.module);
            }
        }
        let methods: Vec<String> = area
            .endpoints
            .iter()
            .map(|e| pascal(&e.rust_name))
            .collect();
        for name in shared_types(area).keys() {
            if methods.iter().any(|m| name.starts_with(m.as_str())) {
                after_method.push(format!("{}::{name}", area.module));
            }
        }
    }
    for (name, areas) in one_word {
        if areas.len() > 1 {
            problems.push(format!("`{name}` is declared by {}", areas.join(", ")));
        }
    }
    assert!(after_method.len() <= 20, "{after_method:#?}");
    for name in &after_method {
        if !NAMED_AFTER_A_METHOD.contains(&name.as_str()) {
            problems.push(format!(
                "{name} is shared by several methods but named after one of them"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
