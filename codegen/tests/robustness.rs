//! Robustness: whatever bytes come in, `codegen::generate` returns. It does not
//! panic, does not hang, every diagnostic points inside the document, and on
//! success every generated file is Rust that `syn` parses.
//!
//! The properties feed it arbitrary bytes, a soup of the format's own tokens,
//! and real corpus documents with lines deleted, duplicated and swapped, cut
//! short, and sprinkled with bytes and Markdown tokens. They are bounded (a
//! few hundred cases each) so the file stays fast in a debug build; raise
//! `PROPTEST_CASES` for a longer local run. Failures are not persisted to
//! disk: a crashing input found here is kept as a named `#[test]` below.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::Duration;

use codegen::{Diagnostic, Diagnostics, EmitOptions, SourceFile};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

/// The display path of every input.
const SHOWN: &str = "fuzz.md";

/// Far more than any input here needs in a debug build; only a hang gets near it.
const DEADLINE: Duration = Duration::from_secs(60);

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/docs")
}

/// Every corpus document, by file name, in name order.
fn corpus() -> &'static [(String, Vec<u8>)] {
    static CORPUS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = corpus_dir();
        let mut docs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "md"))
            .map(|path| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&path).unwrap())
            })
            .collect();
        docs.sort();
        assert!(
            docs.len() > 300,
            "expected the whole corpus in {}",
            dir.display()
        );
        docs
    })
}

/// Runs the generator on `bytes` on its own thread, under a deadline, and
/// checks what it returns. A panic or a hang fails with the input attached.
fn check(what: &str, bytes: &[u8]) {
    let input = bytes.to_vec();
    let (done, finished) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("generate".to_owned())
        .spawn(move || {
            run(&input);
            let _ = done.send(());
        })
        .unwrap();
    match finished.recv_timeout(DEADLINE) {
        Ok(()) => worker.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let payload = worker
                .join()
                .expect_err("the worker ended without reporting");
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            panic!("{what}: {message}\n{}", describe(bytes));
        }
        // The worker is left running; the test fails either way.
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("no answer in {DEADLINE:?}\n{}", describe(bytes))
        }
    }
}

/// The input, for a failure message: inline when short, else in a temp file.
fn describe(bytes: &[u8]) -> String {
    if bytes.len() <= 2048 {
        return format!(
            "input ({} bytes): {:?}",
            bytes.len(),
            String::from_utf8_lossy(bytes)
        );
    }
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = std::env::temp_dir().join(format!("codegen-robustness-{hash:016x}.md"));
    match std::fs::write(&path, bytes) {
        Ok(()) => format!(
            "input ({} bytes) written to {}",
            bytes.len(),
            path.display()
        ),
        Err(err) => format!(
            "input ({} bytes) not written to {}: {err}",
            bytes.len(),
            path.display()
        ),
    }
}

/// The checks themselves; panics on the first broken promise.
fn run(bytes: &[u8]) {
    let source = match SourceFile::from_bytes(SHOWN, bytes) {
        Ok(source) => source,
        Err(diagnostic) => {
            assert!(diagnostic.is_error(), "{diagnostic}");
            let lossy = SourceFile::new(SHOWN, &String::from_utf8_lossy(bytes));
            assert!(
                diagnostic.line <= lossy.text().split('\n').count(),
                "{diagnostic}"
            );
            let _ = Diagnostics(vec![diagnostic]).to_string();
            // Go on with the text anyway, to reach the parser with it.
            lossy
        }
    };
    let lines: Vec<&str> = source.text().split('\n').collect();
    match codegen::generate(std::slice::from_ref(&source), &EmitOptions::default()) {
        Ok(generated) => {
            for (file, code) in &generated.files {
                if let Err(err) = syn::parse_file(code) {
                    panic!("generated {file} does not parse: {err}\n{code}");
                }
            }
            assert!(generated.warnings.iter().all(|d| !d.is_error()));
            check_located(&generated.warnings, &lines);
        }
        Err(diagnostics) => {
            assert!(
                diagnostics.has_errors(),
                "an Err without an error:\n{diagnostics}"
            );
            check_located(&diagnostics.0, &lines);
            let _ = diagnostics.to_string();
        }
    }
}

/// Every diagnostic names the document (so none is an internal error) and
/// points at a line and column that exist, showing that line.
fn check_located(diagnostics: &[Diagnostic], lines: &[&str]) {
    for d in diagnostics {
        assert_eq!(d.file, SHOWN, "not about the input:\n{d}");
        let line = lines
            .get(d.line.wrapping_sub(1))
            .unwrap_or_else(|| panic!("line out of range:\n{d}"));
        assert_eq!(d.source_line, *line, "shows another line:\n{d}");
        assert!(
            d.column >= 1 && d.column <= line.chars().count() + 1,
            "column out of range:\n{d}"
        );
        assert!(d.width >= 1, "no caret:\n{d}");
    }
}

/// The format's own tokens, and a few that trip Markdown and JSON up.
const TOKENS: &[&str] = &[
    "\n",
    "\n",
    "\n",
    " ",
    "  ",
    "    ",
    "\t",
    "\r",
    "\r\n",
    "# ",
    "## ",
    "### ",
    "### Responses",
    "#### ",
    "##### ",
    "#",
    "=",
    "---",
    "200",
    "204",
    "101",
    "4XX",
    "4xx",
    "default",
    "600",
    "6XX",
    " OK.",
    "**GET**",
    "**POST**",
    "**get**",
    "**",
    "`",
    "`/zones/{zone_id}`",
    "/",
    "{",
    "}",
    "{}",
    "{zoneId}",
    "```json",
    "```",
    "~~~",
    "> ",
    "> Data is at `body[\"result\"]`",
    "\"*string*\"",
    "\"*integer*\"",
    "\"*x*\"",
    "\"pending\"",
    "3",
    "-1.5e3",
    "true",
    "null",
    "[",
    "]",
    ":",
    ",",
    "\"k\"",
    "\"type\"",
    "\"\"",
    "\\",
    "\\u0000",
    "é",
    "日本",
    "\u{feff}",
    "\u{0}",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "- ",
    "1. ",
    "* ",
    "[x]",
    "](",
    "https://example.com",
    "|",
    "???",
    "Self",
    "r#type",
];

fn soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(TOKENS), 0..200)
        .prop_map(|tokens| tokens.concat())
}

/// One edit to a document's bytes. Positions are resolved against the length
/// at the time the edit applies, so every edit is meaningful and shrinks well.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Truncate(Index),
    InsertBytes(Index, Vec<u8>),
    InsertToken(Index, &'static str),
}

/// Tokens inserted into corpus documents: the ones the brief names, plus a
/// line break so they can start a line.
const INSERTED: &[&str] = &[
    "#",
    "##",
    "```",
    "{",
    "}",
    "**GET**",
    "\"*x*\"",
    "[",
    "null",
    "\n#",
    "\n##",
    "\n```",
    "\n",
    ">",
    "\n#### 200\n",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::DeleteLine),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        2 => (any::<Index>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(at, b)| Mutation::InsertBytes(at, b)),
        4 => (any::<Index>(), proptest::sample::select(INSERTED)).prop_map(|(at, t)| Mutation::InsertToken(at, t)),
    ]
}

fn apply(doc: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = doc.to_vec();
    for mutation in mutations {
        let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
        match mutation {
            Mutation::DeleteLine(at) => {
                lines.remove(at.index(lines.len()));
            }
            Mutation::DuplicateLine(at) => {
                let i = at.index(lines.len());
                lines.insert(i, lines[i].clone());
            }
            Mutation::SwapLines(a, b) => {
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
            }
            Mutation::Truncate(at) => {
                bytes.truncate(at.index(bytes.len() + 1));
                continue;
            }
            Mutation::InsertBytes(at, inserted) => {
                let i = at.index(bytes.len() + 1);
                bytes.splice(i..i, inserted.iter().copied());
                continue;
            }
            Mutation::InsertToken(at, token) => {
                let i = at.index(bytes.len() + 1);
                bytes.splice(i..i, token.bytes());
                continue;
            }
        }
        bytes = lines.join(&b'\n');
    }
    bytes
}

/// A corpus document (by index into [`corpus`]) and the edits made to it.
fn mutated_corpus() -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (
        0..corpus().len(),
        proptest::collection::vec(mutation(), 1..8),
    )
}

/// A JSON skeleton as the format writes them: placeholders, `null`, `{}`,
/// objects with arbitrary keys, one-element arrays, and now and then a literal.
fn skeleton() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        4 => proptest::sample::select(&["*string*", "*integer*", "*number*", "*boolean*"][..]).prop_map(|p| Value::String(p.to_owned())),
        1 => Just(Value::Null),
        1 => Just(Value::Object(serde_json::Map::new())),
        1 => any::<i32>().prop_map(Value::from),
        1 => "[^*]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            inner
                .clone()
                .prop_map(|item| serde_json::Value::Array(vec![item])),
            proptest::collection::vec((key(), inner), 1..6)
                .prop_map(|fields| serde_json::Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// JSON keys: mostly plausible, sometimes anything at all.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_][a-zA-Z0-9_]{0,10}",
        1 => proptest::sample::select(&["type", "self", "Self", "match", "$metadata", "123", "_", "a.b", "a-b", "a b", ""][..]).prop_map(str::to_owned),
        1 => "[^\n\r]{0,8}",
    ]
}

/// Titles: mostly words, sometimes any one line.
fn title() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-z][A-Za-z0-9 ']{0,24}",
        1 => proptest::sample::select(&["Self", "Match", "Type", "New", "Client", "Update zone", "2FA", "r#type"][..]).prop_map(str::to_owned),
        1 => "[^\n\r#]{0,16}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        3 => "[a-z0-9._-]{1,8}",
        2 => "[a-zA-Z_]{1,10}".prop_map(|p| format!("{{{p}}}")),
        1 => "[^{}`\n\r\t ]{1,6}",
    ];
    proptest::collection::vec(segment, 0..5).prop_map(|segments| format!("/{}", segments.join("/")))
}

/// Whole documents in the format, with arbitrary names, paths and bodies, so
/// that most of them get through lowering into naming and emitting.
fn document() -> impl Strategy<Value = String> {
    let method = proptest::sample::select(&["GET", "POST", "PUT", "PATCH", "DELETE"][..]);
    let status = proptest::sample::select(
        &[
            "200", "201", "204", "101", "2XX", "4XX", "4xx", "404", "default",
        ][..],
    );
    let response = (status, any::<bool>(), proptest::option::of(skeleton()));
    let endpoint = (
        title(),
        method,
        path(),
        proptest::collection::vec(response, 1..4),
    );
    (title(), proptest::collection::vec(endpoint, 1..6)).prop_map(|(area, endpoints)| {
        let mut text = format!("# {area}\n");
        for (title, method, path, responses) in endpoints {
            write!(
                text,
                "## {title}\n**{method}** `{path}`\nDoes things.\n### Responses\n"
            )
            .unwrap();
            for (status, envelope, body) in responses {
                writeln!(text, "#### {status} Some response.").unwrap();
                if envelope {
                    text.push_str("> Data is at `body[\"result\"]`\n");
                }
                let body = body
                    .map(|b| serde_json::to_string_pretty(&b).unwrap())
                    .unwrap_or_default();
                write!(text, "```json\n{body}\n```\n").unwrap();
            }
        }
        text
    })
}

fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
        // Keep nothing on disk; a failure prints its minimal input instead.
        failure_persistence: None,
        max_shrink_time: 60_000,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check("bytes", &bytes);
    }

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        check("text", text.as_bytes());
    }

    #[test]
    fn token_soup(text in soup()) {
        check("token soup", text.as_bytes());
    }

    #[test]
    fn generated_documents(text in document()) {
        check("generated document", text.as_bytes());
    }

    #[test]
    fn mutated_corpus_documents((doc, mutations) in mutated_corpus()) {
        let (name, original) = &corpus()[doc];
        let bytes = apply(original, &mutations);
        check(&format!("{name} mutated"), &bytes);
    }
}

/// Every corpus document cut at 16 evenly spaced offsets (the first is 0, an
/// empty document). Offsets are bytes, so some cuts split a UTF-8 character.
#[test]
fn corpus_documents_truncated() {
    for (name, bytes) in corpus() {
        for k in 0..16 {
            let at = bytes.len() * k / 16;
            check(
                &format!("{name} cut at byte {at} of {}", bytes.len()),
                &bytes[..at],
            );
        }
    }
}

/// Many endpoints, ten megabytes in all: generation finishes and succeeds.
#[test]
fn ten_megabyte_document() {
    let mut text = String::from("# Big area\n\nThe intro.\n\n");
    let mut endpoints = 0;
    while text.len() < 10 * 1024 * 1024 {
        let n = endpoints;
        // Every eighth body has a shape of its own; the rest share a few, as
        // real documents do.
        let shape = if n % 8 == 0 { n } else { n % 5 };
        write!(
            text,
            "## Get widget {n}\n**GET** `/accounts/{{account_id}}/widgets/{n}/{{widget_id}}`\n\
             Gets widget {n} of an account, with a description long enough to look real: \
             the widget is returned with its settings and its state.\n\
             ### Responses\n#### 200 Get widget {n} response.\n> Data is at `body[\"result\"]`\n\
             ```json\n{{\n\"id\": \"*string*\",\n\"field_{shape}\": \"*integer*\",\n\"settings\": {{\n\"enabled\": \"*boolean*\",\n\
             \"ratio_{shape}\": \"*number*\"\n}},\n\"tags\": [\n\"*string*\"\n]\n}}\n```\n\
             #### 4XX Get widget {n} response failure.\n```json\n{{\n\"errors\": [\n{{\n\"code\": \"*integer*\",\n\
             \"message\": \"*string*\"\n}}\n],\n\"success\": \"*boolean*\"\n}}\n```\n"
        )
        .unwrap();
        endpoints += 1;
    }
    let generated = codegen::generate(&[SourceFile::new("big.md", &text)], &EmitOptions::default())
        .unwrap_or_else(|d| {
            panic!(
                "{}",
                d.0.first().map(ToString::to_string).unwrap_or_default()
            )
        });
    assert_eq!(generated.stats.endpoints, endpoints);
    assert!(generated.warnings.is_empty());
    // The area is named after its file. How fast this goes is measured by
    // the `corpus` benchmark, not asserted here.
    let area = generated.files.get("big.rs").expect("big.rs");
    assert!(area.len() > text.len() / 2, "{} bytes of code", area.len());
}

/// One endpoint whose description and body are given.
fn endpoint_doc(description: &str, body: &str) -> String {
    format!(
        "# Deep\n## Get deep\n**GET** `/deep`\n{description}\n### Responses\n#### 200 OK.\n```json\n{body}\n```\n"
    )
}

/// Markdown nested far deeper than any document: quotes, lists, brackets,
/// emphasis and HTML in a description go through the parser and the rustdoc
/// sanitiser without a stack overflow.
#[test]
fn deeply_nested_markdown() {
    let depth = 10_000;
    for (what, description) in [
        ("quotes", ">".repeat(depth) + " quoted"),
        ("list items", "- ".repeat(depth) + "item"),
        (
            "indented lists",
            (0..depth)
                .map(|i| format!("{}- item\n", "  ".repeat(i % 200)))
                .collect(),
        ),
        ("brackets", "[".repeat(depth) + &"]".repeat(depth)),
        ("emphasis", "*".repeat(depth) + "x" + &"*".repeat(depth)),
        ("backticks", "`".repeat(depth)),
        ("HTML", "<div>".repeat(depth) + &"</div>".repeat(depth)),
        ("links", "[a](".repeat(depth)),
    ] {
        check(what, endpoint_doc(&description, "null").as_bytes());
    }
}

/// Runs the generator on a thread with an ordinary 2 MiB stack (what `cargo
/// test` and `std::thread::spawn` give), and says whether it succeeded. A
/// stack overflow aborts the whole process: it cannot be caught.
fn generate_on_small_stack(text: String) -> Result<(), String> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            codegen::generate(
                &[SourceFile::new("deep.md", &text)],
                &EmitOptions::default(),
            )
            .map(drop)
            .map_err(|d| d.to_string())
        })
        .unwrap()
        .join()
        .unwrap()
}

/// Objects nested to the skeleton limit (32) become 32 nested struct types;
/// one more level is a located error.
#[test]
fn json_objects_nested_to_the_limit() {
    let nested = |depth: usize| {
        format!(
            "{}\"*string*\"{}",
            "{\"a\": ".repeat(depth),
            "}".repeat(depth)
        )
    };
    generate_on_small_stack(endpoint_doc("Deep.", &nested(32))).unwrap();
    let rendered = generate_on_small_stack(endpoint_doc("Deep.", &nested(33))).unwrap_err();
    assert!(
        rendered.contains("error: nested more than 32 levels deep"),
        "{rendered}"
    );
}

/// Regression (found here): arrays nested 52 or more deep (serde_json accepts
/// 127) became `Vec<Vec<…>>` so deep that `syn::parse2` in
/// `emit::format_file` overflowed a 2 MiB stack, and the process aborted.
/// Skeletons are now limited to 32 levels, with a located error.
#[test]
fn regression_deeply_nested_arrays_overflow_the_stack() {
    let body = format!("{}\"*string*\"{}", "[".repeat(126), "]".repeat(126));
    let rendered = generate_on_small_stack(endpoint_doc("Deep.", &body)).unwrap_err();
    assert!(
        rendered.starts_with("deep.md:8:33: error: nested more than 32 levels deep"),
        "{rendered}"
    );
}
