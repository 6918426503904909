//! The `xtask` binary as a maintainer uses it: exit codes, all-or-nothing
//! writes, drift reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GOOD: &str = "# Things\n## Get thing\n**GET** `/things/{id}`\n### Responses\n#### 200 OK\n> Data is at `body[\"result\"]`\n```json\n{\n\"id\": \"*string*\"\n}\n```\n";

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh folder with `spec/` holding `docs` and an empty crate folder.
fn scratch(name: &str, docs: &[(&str, &str)]) -> (PathBuf, PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("xtask-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let spec = root.join("spec");
    let out = root.join("crate");
    std::fs::create_dir_all(&spec).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    for (file, text) in docs {
        std::fs::write(spec.join(file), text).unwrap();
    }
    (root, spec, out)
}

fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &["bogus"][..],
        &["generate", "--frobnicate"],
        &["check", "--spec"],
    ] {
        let output = xtask(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("usage: cargo xtask"), "{args:?}");
    }
    for args in [
        &["--help"][..],
        &["generate", "--help"],
        &["check", "-h"],
        &["corpus", "--help"],
    ] {
        let output = xtask(args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("usage: cargo xtask"));
    }
}

#[test]
fn generate_then_check_then_drift() {
    let (root, spec, out) = scratch("drift", &[("things.md", GOOD)]);
    let (spec_s, out_s) = (spec.to_str().unwrap(), out.to_str().unwrap());
    let output = xtask(&["generate", "--spec", spec_s, "--out", out_s]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let generated = out.join("src/generated");
    assert_eq!(
        tree(&generated)
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["areas.md", "mod.rs", "things.rs"]
    );
    let listing = std::fs::read_to_string(out.join("API.md")).unwrap();
    assert!(
        listing.contains("things::ThingsApi::get_thing method GET \"/things/{id}\" fn get_thing(&self, id: &str) -> Request<Json<Option<Thing>>>\n"),
        "{listing}"
    );
    assert_eq!(
        xtask(&["check", "--spec", spec_s, "--out", out_s])
            .status
            .code(),
        Some(0)
    );

    std::fs::write(generated.join("things.rs"), "// edited by hand\n").unwrap();
    std::fs::write(generated.join("stray.rs"), "\n").unwrap();
    let output = xtask(&["check", "--spec", spec_s, "--out", out_s]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("-// edited by hand"), "{err}");
    assert!(err.contains("stale: things.rs"), "{err}");
    assert!(
        err.contains("extra (not generated, would be deleted): stray.rs"),
        "{err}"
    );
    // A hand edit of the code changes no API: the listing is still right.
    assert!(err.starts_with("API changes: none"), "{err}");
    assert!(err.contains("run `cargo xtask generate --spec"), "{err}");

    assert_eq!(
        xtask(&["generate", "--spec", spec_s, "--out", out_s])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        xtask(&["check", "--spec", spec_s, "--out", out_s])
            .status
            .code(),
        Some(0)
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn the_commands_table_is_written_and_checked_with_the_client() {
    let (root, spec, out) = scratch("command", &[("things.md", GOOD)]);
    // A `cli/` crate beside the client's folder gets the command's table.
    let cli = root.join("cli");
    std::fs::create_dir_all(&cli).unwrap();
    std::fs::write(cli.join("Cargo.toml"), "[package]\nname = \"cli\"\n").unwrap();
    let (spec_s, out_s) = (spec.to_str().unwrap(), out.to_str().unwrap());
    let output = xtask(&["generate", "--spec", spec_s, "--out", out_s]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = cli.join("src/generated");
    let files = tree(&table);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["areas.rs", "things.json"]);
    assert!(
        files[1].1.contains(r#""name":"get-thing""#),
        "{}",
        files[1].1
    );
    assert_eq!(
        xtask(&["check", "--spec", spec_s, "--out", out_s])
            .status
            .code(),
        Some(0)
    );

    // The client is fresh, the command's table is not: check fails, names
    // the file, and writes nothing.
    std::fs::write(table.join("things.json"), "{}\n").unwrap();
    let output = xtask(&["check", "--spec", spec_s, "--out", out_s]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("things.json"), "{err}");
    assert_eq!(
        std::fs::read_to_string(table.join("things.json")).unwrap(),
        "{}\n"
    );

    assert_eq!(
        xtask(&["generate", "--spec", spec_s, "--out", out_s])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(tree(&table), files);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn bad_input_writes_nothing() {
    let (root, spec, out) = scratch("bad", &[("things.md", GOOD)]);
    let (spec_s, out_s) = (spec.to_str().unwrap(), out.to_str().unwrap());
    assert_eq!(
        xtask(&["generate", "--spec", spec_s, "--out", out_s])
            .status
            .code(),
        Some(0)
    );
    let before = tree(&out.join("src/generated"));

    // One good document changed, one broken: nothing may be written.
    std::fs::write(
        spec.join("things.md"),
        GOOD.replace("Get thing", "Show thing"),
    )
    .unwrap();
    std::fs::write(
        spec.join("broken.md"),
        "# Broken\n## X\n**GTE** `/x`\n### Responses\n#### 200\n```json\n```\n",
    )
    .unwrap();
    let output = xtask(&["generate", "--spec", spec_s, "--out", out_s]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("broken.md:3:3: error: unknown HTTP method `GTE`"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(tree(&out.join("src/generated")), before);
    let listing = std::fs::read_to_string(out.join("API.md")).unwrap();
    assert!(listing.contains("get_thing"), "{listing}");
    for (dir, expected) in [
        (out.join("src"), &["generated"][..]),
        (out.clone(), &["API.md", "src"]),
    ] {
        let mut leftovers: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        leftovers.sort();
        assert_eq!(leftovers, expected);
    }
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn warnings_fail_only_when_denied() {
    let literal = GOOD.replace("\"*string*\"", "\"pending\"");
    let (root, spec, out) = scratch("warn", &[("things.md", &literal)]);
    let (spec_s, out_s) = (spec.to_str().unwrap(), out.to_str().unwrap());
    let output = xtask(&[
        "generate",
        "--spec",
        spec_s,
        "--out",
        out_s,
        "--deny-warnings",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("warning[literal-value]: literal value \"pending\" read as a string"),
        "{}",
        stderr(&output)
    );
    assert!(!out.join("src/generated").exists());
    let output = xtask(&["generate", "--spec", spec_s, "--out", out_s]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(out.join("src/generated/things.rs").exists());
    std::fs::remove_dir_all(root).unwrap();
}

// A write that fails half way (full disk, unwritable file) is covered by
// `sync::tests::a_failed_write_leaves_the_folder_untouched`, which can make
// the staging write fail deterministically even as root.

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn check_heads_its_diff_with_the_api_change_report() {
    let (root, spec, out) = scratch("check-report", &[("things.md", GOOD)]);
    let (spec_s, out_s) = (spec.to_str().unwrap(), out.to_str().unwrap());
    assert_eq!(
        xtask(&["generate", "--spec", spec_s, "--out", out_s])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(
        spec.join("things.md"),
        GOOD.replace("Get thing", "Show thing"),
    )
    .unwrap();
    let output = xtask(&["check", "--spec", spec_s, "--out", out_s]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    let report = "API changes: 1 breaking, 0 additive (version bump: major, or minor while 0.x)\n  breaking: method `things::ThingsApi::show_thing` renamed from `get_thing`\n";
    assert!(err.starts_with(report), "{err}");
    assert!(err.contains("+++ b/API.md"), "{err}");
    assert!(err.contains("+++ b/things.rs"), "{err}");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn diff_exits_3_only_for_breaking_changes() {
    let added = format!(
        "{GOOD}## Delete thing\n**DELETE** `/things/{{id}}`\n### Responses\n#### 204 Deleted.\n```json\n```\n"
    );
    let (root, old, new) = scratch("diff-codes", &[("things.md", GOOD)]);
    let (old_s, new_s) = (old.to_str().unwrap(), new.to_str().unwrap());
    let diff = |format: &str| xtask(&["diff", "--old", old_s, "--spec", new_s, "--format", format]);

    std::fs::write(new.join("things.md"), GOOD).unwrap();
    let output = diff("text");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "API changes: none (version bump: patch)\n");

    std::fs::write(new.join("things.md"), &added).unwrap();
    let output = diff("markdown");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "## API changes\n\n0 breaking, 1 additive. Version bump: **minor** (patch while 0.x).\n\n### Additive\n\n#### `things`\n\n- method `things::ThingsApi::delete_thing` added: `DELETE /things/{id}`\n"
    );

    // The other way round, the method is removed.
    let output = xtask(&["diff", "--old", new_s, "--spec", old_s, "--format", "json"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let json = stdout(&output);
    assert!(json.contains("\"breaking\": 1,"), "{json}");
    assert!(json.contains("\"change\": \"removed\","), "{json}");

    // Docs that do not generate are bad input, not a report.
    std::fs::write(new.join("things.md"), GOOD.replace("**GET**", "**GTE**")).unwrap();
    let output = diff("text");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the new docs do not generate"),
        "{}",
        stderr(&output)
    );

    for args in [
        &["diff", "--old", old_s, "--base", "HEAD"][..],
        &["diff", "--format", "yaml"],
        &["diff", "--old"],
        &["diff", "--out", "x"],
        &["generate", "--base", "HEAD"],
    ] {
        let output = xtask(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn diff_reads_the_old_docs_from_git() {
    let (root, spec, _) = scratch(
        "diff-git",
        &[("things.md", GOOD), ("notes.txt", "not a doc\n")],
    );
    let git = |args: &[&str]| {
        let output = Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    };
    git(&["init", "--quiet"]);
    git(&["add", "spec"]);
    git(&["commit", "--quiet", "-m", "first"]);
    let spec_s = spec.to_str().unwrap();

    // Nothing changed since HEAD.
    let output = xtask(&["diff", "--spec", spec_s]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "API changes: none (version bump: patch)\n");

    // A retitled endpoint, and a new area, uncommitted.
    std::fs::write(
        spec.join("things.md"),
        GOOD.replace("Get thing", "Show thing"),
    )
    .unwrap();
    std::fs::write(spec.join("parts.md"), GOOD.replace("# Things", "# Parts")).unwrap();
    let output = xtask(&["diff", "--spec", spec_s, "--base", "HEAD"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("API changes: 1 breaking, 1 additive"),
        "{text}"
    );
    assert!(
        text.contains("method `things::ThingsApi::show_thing` renamed from `get_thing`"),
        "{text}"
    );
    assert!(text.contains("area `parts` added"), "{text}");

    // Committed, the same change is what `HEAD~1` shows.
    git(&["add", "spec"]);
    git(&["commit", "--quiet", "-m", "second"]);
    let output = xtask(&["diff", "--spec", spec_s, "--base", "HEAD~1"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(stdout(&output), text);

    let output = xtask(&["diff", "--spec", spec_s, "--base", "no-such-revision"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("at `no-such-revision`"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn the_manifest_gets_a_feature_per_area_with_the_code() {
    let (root, spec, out) = scratch("features", &[("things.md", GOOD), ("more-things.md", GOOD)]);
    let (spec_s, out_s) = (spec.to_str().unwrap(), out.to_str().unwrap());
    let manifest = out.join("Cargo.toml");

    // A manifest without the markers is refused, and nothing is written.
    std::fs::write(
        &manifest,
        "[package]\nname = \"x\"\n\n[features]\nblocking = []\n",
    )
    .unwrap();
    let output = xtask(&["generate", "--spec", spec_s, "--out", out_s]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("has no generated feature list"),
        "{}",
        stderr(&output)
    );
    assert!(!out.join("src/generated").exists());

    let begin =
        "# @generated by `cargo xtask generate`: one feature per area, and `all`; do not edit.";
    let end = "# @generated end";
    std::fs::write(
        &manifest,
        format!(
            "[package]\nname = \"x\"\n\n[features]\nblocking = []\n{begin}\n{end}\n\n[lints]\n"
        ),
    )
    .unwrap();
    let output = xtask(&["generate", "--spec", spec_s, "--out", out_s]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(&manifest).unwrap();
    assert_eq!(
        written,
        format!(
            "[package]\nname = \"x\"\n\n[features]\nblocking = []\n{begin}\nall = [\n    \"more-things\",\n    \"things\",\n]\nmore-things = []\nthings = []\n{end}\n\n[lints]\n"
        )
    );
    let module = std::fs::read_to_string(out.join("src/generated/mod.rs")).unwrap();
    assert!(
        module.contains("#[cfg(feature = \"more-things\")]"),
        "{module}"
    );

    // A removed area is stale in the manifest too.
    std::fs::remove_file(spec.join("more-things.md")).unwrap();
    let output = xtask(&["check", "--spec", spec_s, "--out", out_s]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("-more-things = []"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_dir_all(root).unwrap();
}

/// A description of `GET /things/{id}` and `POST /things`, with names for
/// its parameters that differ from the document's.
const OPENAPI: &str = r#"{
  "openapi": "3.0.3",
  "info": { "title": "Things API", "version": "1" },
  "paths": {
    "/things/{thing_identifier}": {
      "get": {
        "parameters": [{ "in": "query", "name": "verbose", "schema": { "type": "boolean" } }],
        "responses": {
          "200": {
            "description": "A thing.",
            "content": { "application/json": { "schema": { "properties": { "result": {
              "type": "object", "required": ["id"], "properties": { "id": { "type": "string" }, "size": { "type": "integer" } }
            } } } } }
          }
        }
      }
    },
    "/things": {
      "post": {
        "requestBody": { "content": { "application/json": { "schema": {
          "type": "object", "properties": { "name": { "type": "string" } }
        } } } },
        "responses": { "200": { "description": "ok" } }
      }
    }
  }
}"#;

const CREATE: &str = "# Widgets\n## Create thing\n**POST** `/things`\n### Responses\n#### 200 OK\n";

#[test]
fn overlay_drafts_refreshes_and_removes() {
    let hand = "# Things\n## Get thing\n**GET** `/things/{id}`\n### Query\n```json\n{\"verbose\": \"*boolean*\"}\n```\n";
    let (root, spec, _) = scratch(
        "overlay",
        &[
            ("things.md", GOOD),
            ("things.overlay.md", hand),
            ("widgets.md", CREATE),
            ("gone.openapi.overlay.md", "# Gone\n"),
        ],
    );
    let description = root.join("openapi.json");
    std::fs::write(&description, OPENAPI).unwrap();
    let (spec_s, desc_s) = (spec.to_str().unwrap(), description.to_str().unwrap());
    let overlay = |extra: &[&str]| {
        let mut args = vec!["overlay", "--openapi", desc_s, "--spec", spec_s];
        args.extend_from_slice(extra);
        xtask(&args)
    };

    let output = overlay(&[]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("2 with a draft (2 written, 0 unchanged, 1 removed)"),
        "{err}"
    );
    assert!(
        err.contains("2 of 2 matched; 0 operations no document has"),
        "{err}"
    );
    let words = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("left to hand overlays 1 section(s)"),
        "{err}"
    );
    let files = tree(&spec);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "things.md",
            "things.openapi.overlay.md",
            "things.overlay.md",
            "widgets.md",
            "widgets.openapi.overlay.md"
        ]
    );
    let things = &files[1].1;
    assert!(
        things.starts_with(
            "# Things\n\nDrafted by `cargo xtask overlay` from Things API 1 (OpenAPI)."
        ),
        "{things}"
    );
    // The hand overlay gives the query: the draft leaves it out.
    assert!(!things.contains("### Query"), "{things}");
    assert!(
        things.contains("\"id\": \"*string, required*\""),
        "{things}"
    );
    assert_eq!(files[2].1, hand);

    // A second run changes nothing.
    let output = overlay(&[]);
    assert!(
        stderr(&output).contains("(0 written, 2 unchanged, 0 removed)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(tree(&spec), files);

    // `--area` rewrites only that area.
    std::fs::write(spec.join("widgets.openapi.overlay.md"), "edited\n").unwrap();
    std::fs::write(spec.join("things.openapi.overlay.md"), "edited\n").unwrap();
    let output = overlay(&["--area", "things"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("1 with a draft (1 written"),
        "{}",
        stderr(&output)
    );
    let read = |name: &str| std::fs::read_to_string(spec.join(name)).unwrap();
    assert_eq!(&read("things.openapi.overlay.md"), things);
    assert_eq!(read("widgets.openapi.overlay.md"), "edited\n");

    // An area whose draft would be empty loses its draft.
    std::fs::write(
        spec.join("widgets.md"),
        CREATE.replace("/things", "/widgets"),
    )
    .unwrap();
    let output = overlay(&[]);
    assert!(
        stderr(&output).contains("(0 written, 1 unchanged, 1 removed)"),
        "{}",
        stderr(&output)
    );
    assert!(!spec.join("widgets.openapi.overlay.md").exists());
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn overlay_errors_say_what_is_wrong() {
    let (root, spec, _) = scratch("overlay-errors", &[("things.md", GOOD)]);
    let spec_s = spec.to_str().unwrap();
    let write = |name: &str, text: &str| {
        let path = root.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let good = write("good.json", OPENAPI);
    let bad = write("bad.json", "{\"openapi\": ");
    let v2 = write("v2.json", "{\"swagger\": \"2.0\"}");
    let cases = [
        (vec!["overlay"], 2, "`overlay` needs `--openapi FILE`"),
        (vec!["overlay", "--openapi"], 2, "`--openapi` needs a value"),
        (
            vec!["overlay", "--openapi", &good, "--out", "x"],
            2,
            "unknown option `--out` for `overlay`",
        ),
        (
            vec!["overlay", "--openapi", "/nonexistent/openapi.json"],
            1,
            "error: cannot read /nonexistent/openapi.json: ",
        ),
        (
            vec!["overlay", "--openapi", &bad],
            1,
            "bad.json: not JSON: EOF while parsing a value",
        ),
        (
            vec!["overlay", "--openapi", &v2],
            1,
            "v2.json: not an OpenAPI 3 description: this is Swagger 2.0",
        ),
        (
            vec!["overlay", "--openapi", &good, "--area", "nope"],
            1,
            "error: --area `nope`: there is no document",
        ),
    ];
    for (args, code, message) in cases {
        let mut args = args;
        if code == 1 {
            args.extend(["--spec", spec_s]);
        }
        let output = xtask(&args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        if code == 2 {
            assert!(err.contains("usage: cargo xtask"), "{args:?}");
        }
    }
    // Nothing was written.
    assert_eq!(tree(&spec).len(), 1);
    let help = xtask(&["overlay", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("--openapi FILE"));
    std::fs::remove_dir_all(root).unwrap();
}
