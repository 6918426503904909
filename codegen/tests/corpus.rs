//! Conformance: every real document in `../shared/corpus/docs` parses,
//! lowers and generates code that parses as Rust.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::{EmitOptions, Lint, SourceFile};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/docs")
}

fn corpus() -> Vec<SourceFile> {
    let dir = corpus_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("the corpus must be at {}: {err}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 300,
        "expected the whole corpus, found {} files",
        paths.len()
    );
    paths
        .iter()
        .map(|p| {
            let name = format!("corpus/{}", p.file_name().unwrap().to_string_lossy());
            SourceFile::from_bytes(name, &std::fs::read(p).unwrap()).unwrap()
        })
        .collect()
}

fn spec() -> SourceFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/magic-pcap-collection.md");
    SourceFile::new(
        "spec/magic-pcap-collection.md",
        &std::fs::read_to_string(path).unwrap(),
    )
}

/// Every document lowers with no error; warnings are counted by kind, so a
/// change in how the docs are read shows up here as a changed count.
#[test]
fn every_corpus_document_lowers_without_error() {
    let sources = corpus();
    let mut failures = Vec::new();
    let (mut endpoints, mut responses) = (0, 0);
    let mut warnings: BTreeMap<&str, usize> = Lint::ALL.iter().map(|l| (l.name(), 0)).collect();
    for source in &sources {
        match codegen::build_ir(std::slice::from_ref(source)) {
            Ok((api, warns)) => {
                for warning in &warns {
                    let lint = warning.lint.expect("every warning has a kind");
                    *warnings.entry(lint.name()).or_default() += 1;
                }
                for area in &api.areas {
                    endpoints += area.endpoints.len();
                    responses += area
                        .endpoints
                        .iter()
                        .map(|e| e.responses.len())
                        .sum::<usize>();
                }
            }
            Err(diags) => failures.push(format!("{}:\n{diags}", source.path())),
        }
    }
    println!(
        "corpus: {} files, {endpoints} endpoints, {responses} responses parsed, warnings {warnings:?}",
        sources.len()
    );
    assert!(
        failures.is_empty(),
        "{} file(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert_eq!((sources.len(), endpoints), (426, 2594));
    // Only endpoints that document no success at all warn: the brand
    // protection areas, whose every response is an empty `default`.
    let expected: BTreeMap<&str, usize> = Lint::ALL
        .iter()
        .map(|l| (l.name(), usize::from(*l == Lint::UntypedResult) * 30))
        .collect();
    assert_eq!(warnings, expected);
}

#[test]
fn the_whole_corpus_generates_code_that_parses() {
    let generated = codegen::generate(
        &corpus(),
        &EmitOptions {
            area_features: true,
        },
    )
    .unwrap_or_else(|diags| panic!("{diags}"));
    // One module per area, `mod.rs`, and the list of areas.
    assert_eq!(generated.files.len(), generated.stats.files + 2);
    assert!(generated.files.contains_key(codegen::emit::AREAS_DOC));
    for (name, text) in generated.files.iter().filter(|(n, _)| n.ends_with(".rs")) {
        syn::parse_file(text).unwrap_or_else(|err| panic!("{name} does not parse: {err}"));
    }
    // Every area is a feature, and `all` names them all.
    let features = generated.features.lines().filter(|l| l.ends_with(" = []"));
    assert_eq!(features.count(), generated.stats.files);
}

#[test]
fn spec_and_its_corpus_copy_lower_to_the_same_ir() {
    let copy_path = corpus_dir().join("magic_pcap_collection.md");
    let copy = SourceFile::new(
        "spec/magic-pcap-collection.md",
        &std::fs::read_to_string(copy_path).unwrap(),
    );
    let (from_spec, _) = codegen::build_ir(&[spec()]).unwrap();
    let (from_copy, _) = codegen::build_ir(&[copy]).unwrap();
    assert_eq!(from_spec, from_copy);
}

#[test]
fn blank_lines_are_not_significant() {
    let spec = spec();
    let spaced: String = spec.text().lines().flat_map(|l| [l, "\n\n"]).collect();
    let spaced = SourceFile::new(spec.path(), &spaced);
    let crlf = SourceFile::new(spec.path(), &spec.text().replace('\n', "\r\n"));
    let (plain, _) = codegen::build_ir(&[spec]).unwrap();
    assert_eq!(plain, codegen::build_ir(&[spaced]).unwrap().0);
    assert_eq!(plain, codegen::build_ir(&[crlf]).unwrap().0);
}
