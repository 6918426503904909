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
        GOOD.replace("Get thing", "Fetch thing"),
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
    let leftovers: Vec<_> = std::fs::read_dir(out.join("src"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["generated"]);
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
