//! The built `cloudflare` binary, run as a child process against the
//! client's typed mock server on 127.0.0.1: each test sets up what the API
//! answers, runs a command line, and checks the exit code, stdout, stderr
//! and what the server received (nothing, for a usage error).

use std::io::Write;
use std::process::{Command, Stdio};

use generated_client::ApiError;
use generated_client::dns_records_for_a_zone::{
    ARecord, DnsRecord, DnsRecordQuery, DnsRecordType, TxtRecord,
};
use generated_client::runtime::{HeaderName, HeaderValue, StatusCode};
use generated_client::testing::{MockResponse, MockServer};
use generated_client::workers_ai_text_generation::{
    ExecuteCfMetaLlama38bInstructModelBody as AiBody,
    ExecuteCfMetaLlama38bInstructModelBodyVariant1 as Prompt,
};
use serde_json::{Value, json};

/// The token every run is given, unless it says otherwise: it must never
/// be printed.
const TOKEN: &str = "secret-token-4f1c9a";
const ZONE: &str = "zone-1";

/// What one run of the command gave.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
}

/// Runs the binary with `args` against `base_url`, with the test token in
/// the environment (and nothing else of Cloudflare's), `stdin` as its
/// input.
async fn cloudflare_with(
    base_url: Option<String>,
    token: Option<&str>,
    args: &[&str],
    stdin: &str,
) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cloudflare"));
    for name in [
        "CLOUDFLARE_API_TOKEN",
        "CLOUDFLARE_EMAIL",
        "CLOUDFLARE_API_KEY",
        "CLOUDFLARE_ORIGIN_CA_KEY",
        "CLOUDFLARE_BASE_URL",
    ] {
        command.env_remove(name);
    }
    if let Some(url) = base_url {
        command.env("CLOUDFLARE_BASE_URL", url);
    }
    if let Some(token) = token {
        command.env("CLOUDFLARE_API_TOKEN", token);
    }
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let stdin = stdin.to_owned();
    // The mock server runs on this test's runtime: the child is waited
    // for on a blocking thread, so that the server keeps answering.
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("the cloudflare binary runs");
        let mut input = child.stdin.take().expect("stdin is piped");
        input.write_all(stdin.as_bytes()).expect("stdin is written");
        drop(input);
        child.wait_with_output().expect("the binary ends")
    })
    .await
    .unwrap();
    let run = Run {
        code: output.status.code().expect("an exit code, not a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
        "the token was printed: {run:?}"
    );
    run
}

async fn cloudflare(server: &MockServer, args: &[&str]) -> Run {
    cloudflare_with(Some(server.url()), Some(TOKEN), args, "").await
}

fn a_record(id: &str, name: &str, content: &str) -> DnsRecord {
    DnsRecord::A(ARecord::new(
        id,
        name,
        true,
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00Z",
        content,
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_get_with_path_arguments_and_typed_query_flags() {
    let server = MockServer::start().await;
    let query = DnsRecordQuery {
        r#type: Some(DnsRecordType::A),
        proxied: Some(true),
        per_page: Some(2),
        ..Default::default()
    };
    server
        .on(|cf| {
            cf.dns_records_for_a_zone()
                .list_dns_records(ZONE)
                .query(&query)
        })
        .expect(1)
        .respond(vec![a_record("r1", "a.example.com", "192.0.2.1")]);

    let run = cloudflare(
        &server,
        &[
            "dns-records-for-a-zone",
            "list-dns-records",
            ZONE,
            "--type",
            "A",
            "--proxied",
            "true",
            "--per-page",
            "2",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let records = run.json();
    assert_eq!(records[0]["content"], "192.0.2.1");
    assert_eq!(records.as_array().unwrap().len(), 1);
    // Piped: one line.
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let received = server.received_requests();
    assert_eq!(received[0].path, "/zones/zone-1/dns_records");
    assert_eq!(
        received[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );

    // A flag of the wrong kind is clap's usage error; nothing is sent.
    let run = cloudflare(
        &server,
        &[
            "dns-records-for-a-zone",
            "list-dns-records",
            ZONE,
            "--per_page",
            "ten",
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--per_page"), "{}", run.stderr);
    // Page numbers are never negative.
    let run = cloudflare(
        &server,
        &[
            "dns-records-for-a-zone",
            "list-dns-records",
            ZONE,
            "--page=-1",
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--page"), "{}", run.stderr);
    assert_eq!(server.received_requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_pages_through_a_list_one_json_line_per_item() {
    let server = MockServer::start().await;
    let query = DnsRecordQuery {
        r#type: Some(DnsRecordType::A),
        ..Default::default()
    };
    server
        .on(|cf| {
            cf.dns_records_for_a_zone()
                .list_dns_records(ZONE)
                .query(&query)
        })
        .respond_pages([
            vec![
                a_record("r1", "a.example.com", "192.0.2.1"),
                a_record("r2", "b.example.com", "192.0.2.2"),
            ],
            vec![a_record("r3", "c.example.com", "192.0.2.3")],
        ]);

    let run = cloudflare(
        &server,
        &[
            "dns-records-for-a-zone",
            "list-dns-records",
            ZONE,
            "--type",
            "A",
            "--all",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let ids: Vec<String> = run
        .stdout
        .lines()
        .map(|line| {
            let item: Value = serde_json::from_str(line).unwrap();
            item["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids, ["r1", "r2", "r3"]);
    let pages: Vec<Vec<(String, String)>> = server
        .received_requests()
        .iter()
        .map(|r| r.query_pairs())
        .collect();
    assert_eq!(pages.len(), 2);
    assert!(pages[1].contains(&("page".to_owned(), "2".to_owned())));

    // Without --all: the first page, and a note that there is more.
    let run = cloudflare(
        &server,
        &[
            "dns-records-for-a-zone",
            "list-dns-records",
            ZONE,
            "--type",
            "A",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json().as_array().unwrap().len(), 2);
    assert!(run.stderr.contains("page 1 of 2"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_with_its_body_from_stdin() {
    let server = MockServer::start().await;
    let body = json!({"type": "A", "name": "new.example.com", "content": "192.0.2.9", "ttl": 300});
    server
        .on(|cf| {
            cf.dns_records_for_a_zone()
                .create_dns_record(ZONE, &serde_json::from_value(body.clone()).unwrap())
        })
        .expect(1)
        .respond_with(MockResponse::envelope(&json!({"id": "r9", "type": "A"})));
    let run = cloudflare_with(
        Some(server.url()),
        Some(TOKEN),
        &[
            "dns-records-for-a-zone",
            "create-dns-record",
            ZONE,
            "--body",
            "-",
        ],
        &body.to_string(),
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["id"], "r9");
    let received = server.received_requests();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].method.as_str(), "POST");
    assert_eq!(received[0].json::<Value>().unwrap(), body);
    assert_eq!(received[0].header("content-type"), Some("application/json"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_fails_its_type_check_is_not_sent() {
    let server = MockServer::start().await;
    let cases = [
        (
            json!({"type": "A", "name": "x.example.com", "ttl": "300"}),
            [
                "body.content: missing (required, string)",
                "body.ttl: expected a number, found a string",
            ]
            .as_slice(),
        ),
        (
            json!({"type": "AA", "name": "x", "content": "y"}),
            [r#"body.type: expected one of A | AAAA | CAA"#].as_slice(),
        ),
        (
            json!(["A"]),
            ["body: expected an object (DnsRecordBody)"].as_slice(),
        ),
    ];
    for (body, expected) in cases {
        let run = cloudflare_with(
            Some(server.url()),
            Some(TOKEN),
            &[
                "dns-records-for-a-zone",
                "create-dns-record",
                ZONE,
                "--body",
                "-",
            ],
            &body.to_string(),
        )
        .await;
        assert_eq!(run.code, 2, "{run:?}");
        for line in expected {
            assert!(run.stderr.contains(line), "{line:?} in {}", run.stderr);
        }
        assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    }
    // Not JSON at all.
    let run = cloudflare_with(
        Some(server.url()),
        Some(TOKEN),
        &[
            "dns-records-for-a-zone",
            "create-dns-record",
            ZONE,
            "--body",
            "-",
        ],
        "{not json",
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("not JSON"), "{}", run.stderr);
    assert!(server.received_requests().is_empty());

    // A key the docs lack is sent, with a note.
    let body = json!({"type": "A", "name": "x", "content": "192.0.2.1", "flatten": true});
    server
        .on(|cf| {
            cf.dns_records_for_a_zone()
                .create_dns_record(ZONE, &serde_json::from_value(body.clone()).unwrap())
        })
        .expect(1)
        .respond_with(MockResponse::envelope(&json!({"id": "r9"})));
    let run = cloudflare_with(
        Some(server.url()),
        Some(TOKEN),
        &[
            "dns-records-for-a-zone",
            "create-dns-record",
            ZONE,
            "--body",
            "-",
        ],
        &body.to_string(),
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("note: body.flatten: not a field of ARecordBody"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("body.type"), "{}", run.stderr);
    assert_eq!(server.received_requests()[0].json::<Value>().unwrap(), body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_exits_1_with_its_codes_on_stderr() {
    let server = MockServer::start().await;
    server.on(|cf| cf.zone().zone_details(ZONE)).respond_error(
        ApiError::new(StatusCode::FORBIDDEN)
            .with_error(10000, "Authentication error")
            .with_header(
                HeaderName::from_static("cf-ray"),
                HeaderValue::from_static("8f00aa11bb22cc33-LHR"),
            ),
    );
    let run = cloudflare(&server, &["zone", "zone-details", ZONE]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("GET /zones/{zone_id}: 403 Forbidden"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("10000: Authentication error"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("cf-ray: 8f00aa11bb22cc33-LHR"),
        "{}",
        run.stderr
    );

    // The same with the token as a flag: still never printed.
    let run = cloudflare_with(
        Some(server.url()),
        None,
        &["zone", "zone-details", ZONE, "--api-token", TOKEN],
        "",
    )
    .await;
    assert_eq!(run.code, 1, "{run:?}");
    let received = server.received_requests();
    assert_eq!(
        received[1].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_enum_value_exits_2_listing_the_values() {
    let server = MockServer::start().await;
    let run = cloudflare(
        &server,
        &[
            "dns-records-for-a-zone",
            "list-dns-records",
            ZONE,
            "--type",
            "AA",
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("invalid value 'AA'"), "{}", run.stderr);
    assert!(run.stderr.contains("AAAA"), "{}", run.stderr);
    assert!(server.received_requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_prints_the_body_as_it_came() {
    let server = MockServer::start().await;
    let body = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"id\":\"zone-1\",  \"name\":\"example.com\"}}";
    server.on(|cf| cf.zone().zone_details(ZONE)).respond_with(
        MockResponse::new(StatusCode::OK)
            .header("content-type", "application/json")
            .body(body),
    );
    let run = cloudflare(&server, &["zone", "zone-details", ZONE, "--raw"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, body);

    // Without it: the envelope's result.
    let run = cloudflare(&server, &["zone", "zone-details", ZONE]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json(), json!({"id": "zone-1", "name": "example.com"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_builds_a_flat_body_typed_by_its_fields() {
    let server = MockServer::start().await;
    server
        .on(|cf| {
            cf.zone().purge_cached_content(
                ZONE,
                &serde_json::from_value(json!({"purge_everything": true})).unwrap(),
            )
        })
        .expect(1)
        .respond_with(MockResponse::envelope(&json!({"id": ZONE})));
    let run = cloudflare(
        &server,
        &[
            "zone",
            "purge-cached-content",
            ZONE,
            "--set",
            "purge_everything=true",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json(), json!({"id": ZONE}));
    assert_eq!(
        server.received_requests()[0].json::<Value>().unwrap(),
        json!({"purge_everything": true})
    );

    // A value that is not of its field's type; and arrays from commas.
    let run = cloudflare(
        &server,
        &[
            "zone",
            "purge-cached-content",
            ZONE,
            "--set",
            "purge_everything=yes",
        ],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("body.purge_everything: expected true or false, found `yes`"),
        "{}",
        run.stderr
    );
    server
        .on(|cf| {
            cf.zone().purge_cached_content(
                ZONE,
                &serde_json::from_value(json!({"files": ["a", "b"]})).unwrap(),
            )
        })
        .expect(1)
        .respond_with(MockResponse::envelope(&json!({"id": ZONE})));
    let run = cloudflare(
        &server,
        &["zone", "purge-cached-content", ZONE, "--set", "files=a,b"],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(server.received_requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_endpoint_prints_the_text_as_it_arrives() {
    let server = MockServer::start().await;
    let body = AiBody::Variant1(Prompt::new("Tell me a joke"));
    let events = "data: {\"response\":\"Why did\"}\n\n\
                  data: {\"response\":\" the chicken\"}\n\n\
                  data: {\"response\":\"...\",\"usage\":{\"total_tokens\":9}}\n\n\
                  data: [DONE]\n\n";
    server
        .on(|cf| {
            cf.workers_ai_text_generation()
                .execute_cf_meta_llama_3_8b_instruct_model_stream("acc-1", &body)
        })
        .expect(1)
        .respond_with(
            MockResponse::new(StatusCode::OK)
                .header("content-type", "text/event-stream")
                .body(events),
        );
    let run = cloudflare(
        &server,
        &[
            "workers-ai-text-generation",
            "execute-cf-meta-llama-3-8b-instruct-model-stream",
            "acc-1",
            "--set",
            "prompt=Tell me a joke",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "Why did the chicken...\n");
    assert_eq!(
        server.received_requests()[0].json::<Value>().unwrap(),
        json!({"prompt": "Tell me a joke", "stream": true})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_are_a_usage_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let run = cloudflare_with(
        Some(server.url()),
        None,
        &["zone", "zone-details", ZONE],
        "",
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("no credentials: set CLOUDFLARE_API_TOKEN"),
        "{}",
        run.stderr
    );
    assert!(server.received_requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_error_exits_3() {
    // A port that was free a moment ago: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let run = cloudflare_with(
        Some(url),
        Some(TOKEN),
        &["zone", "zone-details", ZONE, "--retries", "0"],
        "",
    )
    .await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr
            .contains("GET /zones/{zone_id}: connection error"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_shows_the_description_method_path_and_an_example() {
    let run = cloudflare_with(None, None, &["zone", "zone-details", "--help"], "").await;
    assert_eq!(run.code, 0, "{run:?}");
    for expected in [
        "Zone Details",
        "GET /zones/{zone_id}",
        "<ZONE_ID>",
        "Example:\n  cloudflare zone zone-details 023e105f4ecef8ad9ca31a8372d0c353",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected:?} in {}",
            run.stdout
        );
    }
    let run = cloudflare_with(
        None,
        None,
        &["dns-records-for-a-zone", "create-dns-record", "-h"],
        "",
    )
    .await;
    assert!(
        run.stdout.contains("POST /zones/{zone_id}/dns_records"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("one of these kinds, by `type`"),
        "{}",
        run.stdout
    );

    let run = cloudflare_with(None, None, &["--help"], "").await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("dns-records-for-a-zone"),
        "{}",
        run.stdout
    );
    let run = cloudflare_with(None, None, &["zone", "--help"], "").await;
    assert!(run.stdout.contains("zone-details"), "{}", run.stdout);

    // A misspelt area or method is a usage error, with a suggestion.
    let run = cloudflare_with(None, None, &["zones", "zone-details"], "").await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("zone"), "{}", run.stderr);
    let run = cloudflare_with(None, None, &["zone", "zone-detail", ZONE], "").await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("zone-details"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let run = cloudflare_with(None, None, &["completions", shell], "").await;
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(
            run.stdout.contains("dns-records-for-a-zone"),
            "{shell}: no area in the script"
        );
        assert!(
            run.stdout.contains("list-dns-records"),
            "{shell}: no method in the script"
        );
    }
    let run = cloudflare_with(None, None, &["completions", "powershell"], "").await;
    assert_eq!(run.code, 2, "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_txt_record_lists_with_its_type_kept() {
    // A kind other than the one asked for still prints whole.
    let server = MockServer::start().await;
    server
        .on(|cf| cf.dns_records_for_a_zone().list_dns_records(ZONE))
        .respond(vec![DnsRecord::Txt(TxtRecord::new(
            "t1",
            "_verify.example.com",
            false,
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00Z",
            "token",
        ))]);
    let run = cloudflare(
        &server,
        &["dns-records-for-a-zone", "list-dns-records", ZONE],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()[0]["type"], "TXT");
    assert_eq!(run.json()[0]["content"], "token");
}
