//! The malformed-input catalogue, and a few documents that look odd but are
//! valid.
//!
//! Every `tests/invalid/<name>.md` must fail to generate, and the rendered
//! diagnostics (`Diagnostics`' `Display`, the file shown as
//! `tests/invalid/<name>.md`, plus one final newline) must equal
//! `tests/invalid/<name>.stderr` byte for byte. `UPDATE_EXPECT=1` rewrites the
//! `.stderr` files: review that diff as you would a change to the messages
//! themselves, since it is exactly what a user will read.
//!
//! Documents are read as bytes and go through `SourceFile::from_bytes`, so a
//! file that is not UTF-8 is part of the catalogue too.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use codegen::{Diagnostic, Diagnostics, EmitOptions, Generated, SourceFile};

fn invalid_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid")
}

/// Runs the whole pipeline on a document given as bytes: the generated files,
/// or the rendered diagnostics.
fn generate(shown: &str, bytes: &[u8]) -> Result<Generated, String> {
    let source =
        SourceFile::from_bytes(shown, bytes).map_err(|d| Diagnostics(vec![d]).to_string())?;
    codegen::generate(&[source], &EmitOptions::default()).map_err(|d| d.to_string())
}

/// Checks one invalid document against its `.stderr` (or rewrites that under
/// `UPDATE_EXPECT`). Returns what is wrong, so one run lists every failure.
fn check(md: &Path) -> Result<(), String> {
    let name = md.file_name().unwrap().to_string_lossy();
    let shown = format!("tests/invalid/{name}");
    let bytes = std::fs::read(md).map_err(|err| format!("{}: {err}", md.display()))?;
    let actual = match generate(&shown, &bytes) {
        Ok(_) => {
            return Err(format!(
                "{shown}: generated without an error; it belongs in the valid tests"
            ));
        }
        Err(rendered) => format!("{rendered}\n"),
    };
    let stderr = md.with_extension("stderr");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&stderr, &actual).map_err(|err| format!("{}: {err}", stderr.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&stderr).map_err(|err| {
        format!(
            "{}: {err}; run with UPDATE_EXPECT=1 to create it, then review it",
            stderr.display()
        )
    })?;
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual.as_str());
    Err(format!(
        "{} is out of date (UPDATE_EXPECT=1 rewrites it):\n{}",
        stderr.display(),
        diff.unified_diff().context_radius(3)
    ))
}

#[test]
fn invalid_documents() {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(invalid_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    let documents: Vec<&PathBuf> = entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    assert!(
        documents.len() >= 25,
        "only {} invalid documents",
        documents.len()
    );
    let mut failures: Vec<String> = documents.iter().filter_map(|md| check(md).err()).collect();
    // A `.stderr` whose document was renamed or deleted would never be checked.
    for path in &entries {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        match ext {
            "md" => {}
            "stderr" if path.with_extension("md").exists() => {}
            _ => failures.push(format!(
                "{}: not an invalid document or its expected output",
                path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The parser for the skeletons is recursive; JSON nested far deeper than any
/// real document must be a located error, not a stack overflow.
#[test]
fn deeply_nested_json_is_a_located_error() {
    // serde_json stops at its recursion limit (128) and says where.
    for (open, close, column) in [("[", "]", 128), ("{\"a\":", "}", 636)] {
        let depth = 10_000;
        let text = format!(
            "# Deep\n## Get deep\n**GET** `/deep`\n### Responses\n#### 200 OK.\n```json\n{}null{}\n```\n",
            open.repeat(depth),
            close.repeat(depth)
        );
        let rendered =
            generate("deep.md", text.as_bytes()).expect_err("nesting 10,000 deep must be refused");
        let first = rendered.lines().next().unwrap();
        assert_eq!(
            first,
            format!(
                "deep.md:7:{column}: error: invalid JSON in the body fence: recursion limit exceeded"
            )
        );
        assert_eq!(rendered.matches(": error: ").count(), 1, "{rendered}");
    }
}

/// A document that must generate; returns the warnings rendered as text.
fn valid(text: &str) -> (Generated, String) {
    let generated = generate("odd.md", text.as_bytes()).unwrap_or_else(|d| panic!("{d}"));
    for (file, code) in &generated.files {
        syn::parse_file(code).unwrap_or_else(|err| panic!("{file} does not parse: {err}"));
    }
    let warnings = Diagnostics(generated.warnings.clone()).to_string();
    (generated, warnings)
}

/// The method names of the only area, in document order.
fn method_names(text: &str) -> Vec<String> {
    let (api, _) =
        codegen::build_ir(&[SourceFile::new("odd.md", text)]).unwrap_or_else(|d| panic!("{d}"));
    api.areas[0]
        .endpoints
        .iter()
        .map(|e| e.rust_name.clone())
        .collect()
}

/// One endpoint document with the given method line and responses section.
fn doc(method_line: &str, responses: &str) -> String {
    format!("# Zones\n## List zones\n{method_line}\nLists zones.\n### Responses\n{responses}")
}

const BODY: &str =
    "#### 200 OK.\n> Data is at `body[\"result\"]`\n```json\n{\n\"id\": \"*string*\"\n}\n```\n";

#[test]
fn crlf_line_endings_generate_the_same_code() {
    let lf = doc("**GET** `/zones/{zone_id}`", BODY);
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(valid(&crlf).0.files, valid(&lf).0.files);
    // And a CRLF error is located like its LF twin.
    let broken = crlf.replace("*string*", "*date*");
    let rendered = generate("odd.md", broken.as_bytes()).unwrap_err();
    assert!(
        rendered.starts_with("odd.md:10:7: error: unknown placeholder"),
        "{rendered}"
    );
    assert!(
        !rendered.contains('\r') && !rendered.contains('\u{fffd}'),
        "{rendered}"
    );
}

#[test]
fn literal_values_are_warnings_at_the_literal() {
    let body = "#### 200 OK.\n```json\n{\n\"status\": \"pending\",\n\"count\": 3,\n\"ratio\": 0.5,\n\"ok\": true\n}\n```\n";
    let (_, warnings) = valid(&doc("**GET** `/zones`", body));
    let expected = [
        "odd.md:9:11: warning[literal-value]: literal value \"pending\" read as a string",
        "  |",
        "9 | \"status\": \"pending\",",
        "  |           ^^^^^^^^^",
        "",
        "odd.md:10:10: warning[literal-value]: literal value 3 read as an integer",
        "   |",
        "10 | \"count\": 3,",
        "   |          ^",
        "",
        "odd.md:11:10: warning[literal-value]: literal value 0.5 read as a number",
        "   |",
        "11 | \"ratio\": 0.5,",
        "   |          ^^^",
        "",
        "odd.md:12:7: warning[literal-value]: literal value true read as a boolean",
        "   |",
        "12 | \"ok\": true",
        "   |       ^^^^",
    ];
    assert_eq!(warnings, expected.join("\n"));
}

#[test]
fn odd_but_valid_documents() {
    let table: &[(&str, String)] = &[
        (
            "a websocket upgrade with an empty fence",
            doc(
                "**GET** `/ws`",
                "#### 101 Switching protocols.\n```json\n```\n",
            ),
        ),
        (
            "a lower-case status class",
            doc(
                "**GET** `/zones`",
                &format!("{BODY}#### 4xx Client error.\n```json\nnull\n```\n"),
            ),
        ),
        (
            "a status with no description",
            doc("**GET** `/zones`", "#### 200\n```json\nnull\n```\n"),
        ),
        (
            "a status with only a trailing space",
            doc("**GET** `/zones`", "#### 200 \n```json\nnull\n```\n"),
        ),
        (
            "a `default`-only endpoint",
            doc(
                "**GET** `/zones`",
                "#### default Anything.\n```json\n{\n\"id\": \"*string*\"\n}\n```\n",
            ),
        ),
        (
            "no fence at all",
            doc("**DELETE** `/zones/{id}`", "#### 204 Deleted.\n"),
        ),
        (
            "a parameter used twice",
            doc("**GET** `/zones/{id}/copy/{id}`", BODY),
        ),
        (
            "a parameter inside a segment",
            doc("**GET** `/scans/{scan_id}.png`", BODY),
        ),
        (
            "a bare placeholder body",
            doc(
                "**GET** `/count`",
                "#### 200 OK.\n```json\n\"*integer*\"\n```\n",
            ),
        ),
        (
            "Rust keywords as keys",
            doc(
                "**GET** `/k`",
                "#### 200 OK.\n```json\n{\n\"type\": \"*string*\",\n\"self\": {},\n\"123\": null\n}\n```\n",
            ),
        ),
        (
            "a title with no letters (the module is named after the file)",
            doc("**GET** `/zones`", BODY).replace("# Zones", "# ???"),
        ),
        (
            "a byte-order mark",
            format!("\u{feff}{}", doc("**GET** `/zones`", BODY)),
        ),
        (
            "no blank lines and extra blank lines alike",
            doc("**GET** `/zones`", &BODY.replace('\n', "\n\n")),
        ),
    ];
    for (what, text) in table {
        let generated = std::panic::catch_unwind(|| valid(text).0);
        assert!(generated.is_ok(), "{what}: should generate:\n{text}");
    }
}

#[test]
fn odd_documents_warn_where_they_should() {
    // Each row: the document, then the first line of every warning.
    let table: &[(&str, String, &[&str])] = &[
        (
            "an empty array",
            doc("**GET** `/zones`", "#### 200 OK.\n```json\n[]\n```\n"),
            &["odd.md:8:1: warning[literal-value]: an empty array; its elements are read as unknown (`null`)"],
        ),
        (
            "an unrecognised quote",
            doc(
                "**GET** `/zones`",
                "#### 200 OK.\n> Data is at `body`\n```json\nnull\n```\n",
            ),
            &[
                "odd.md:7:1: warning[unknown-quote]: unrecognised quote \"Data is at body\"; only \"Data is at `body[\"result\"]`\" is understood, so the body is taken whole",
            ],
        ),
        (
            "an endpoint without `### Responses` (the docs' older form)",
            "# Zones\n## List zones\n**GET** `/zones`\nLists zones.\n## Get zone\n**GET** `/zones/{id}`\n".to_owned(),
            &[
                "odd.md:2:4: warning[untyped-result]: endpoint `List zones` has no `### Responses` section; its method returns the envelope's `result` as untyped JSON (`serde_json::Value`)",
                "odd.md:5:4: warning[untyped-result]: endpoint `Get zone` has no `### Responses` section; its method returns the envelope's `result` as untyped JSON (`serde_json::Value`)",
            ],
        ),
        (
            "`### Responses` with no status under it",
            doc("**GET** `/zones`", ""),
            &[
                "odd.md:5:1: warning[untyped-result]: endpoint `List zones` lists no responses under `### Responses`; its method returns the envelope's `result` as untyped JSON (`serde_json::Value`)",
            ],
        ),
        (
            "failures only",
            doc("**GET** `/zones`", "#### 4XX Failure.\n```json\nnull\n```\n"),
            &[
                "odd.md:5:1: warning[untyped-result]: endpoint `List zones` documents no success (2xx) response; its method returns the envelope's `result` as untyped JSON (`serde_json::Value`)",
            ],
        ),
        (
            "a lone `default` with nothing in it",
            doc("**GET** `/zones`", "#### default \n```json\n```\n"),
            &[
                "odd.md:5:1: warning[untyped-result]: endpoint `List zones` documents no success (2xx) response; its method returns the envelope's `result` as untyped JSON (`serde_json::Value`)",
            ],
        ),
        (
            "a title and no endpoints",
            "# Zones\n\nNothing here yet.\n".to_owned(),
            &["odd.md:1:3: warning[empty-document]: this document has no `##` endpoints; its module will be empty"],
        ),
    ];
    for (what, text, expected) in table {
        let (generated, _) = valid(text);
        let firsts: Vec<String> = generated
            .warnings
            .iter()
            .map(|d| d.to_string().lines().next().unwrap().to_owned())
            .collect();
        assert_eq!(&firsts, expected, "{what}");
    }
}

#[test]
fn repeated_titles_take_what_differs_in_the_path_then_the_methods_verb() {
    let mut text = String::from("# Zones\n");
    for (method, path) in [
        ("PUT", "/zones/{id}"),
        ("PATCH", "/zones/{id}"),
        ("PATCH", "/zones/{id}/other"),
        ("PUT", "/zones/{id}/other"),
        ("GET", "/zones/{id}"),
    ] {
        write!(
            text,
            "## Update zone\n**{method}** `{path}`\n### Responses\n#### 204 Done.\n"
        )
        .unwrap();
    }
    text.push_str("## Update zone patch\n**GET** `/x`\n### Responses\n#### 204 Done.\n");
    let names = method_names(&text);
    assert_eq!(
        names,
        [
            "update_zone",
            "edit_zone",
            "update_zone_other",
            "replace_zone",
            "get_zone",
            "update_zone_patch"
        ]
    );
    valid(&text);
}

#[test]
fn a_file_name_without_letters_gives_no_module() {
    let text = doc("**GET** `/zones`", BODY);
    let rendered = generate("spec/???.md", text.as_bytes()).unwrap_err();
    assert_eq!(
        rendered.lines().next().unwrap(),
        "spec/???.md:1:1: error: the file name `???` gives no module name; it needs an ASCII letter or digit"
    );
}

#[test]
fn invalid_utf8_points_at_the_first_bad_byte() {
    let error: Diagnostic = SourceFile::from_bytes("bad.md", b"# T\nab\xffcd\n").unwrap_err();
    assert_eq!((error.line, error.column), (2, 3));
    assert!(
        error.message.contains("0xff at offset 6"),
        "{}",
        error.message
    );
}
