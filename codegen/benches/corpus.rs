//! Generation speed over the whole corpus and over the PCAP spec: parse
//! alone, parse + lower, and the full pipeline (emit and prettyplease); and
//! the API listing of the corpus: derive, render, read back, compare.
//!
//! `cargo bench -p codegen --bench corpus`

use std::path::{Path, PathBuf};

use codegen::surface::Surface;
use codegen::{EmitOptions, SourceFile};
use criterion::{Criterion, criterion_group, criterion_main};

fn read_dir(dir: &Path) -> Vec<SourceFile> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            SourceFile::new(
                p.display().to_string(),
                &std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = read_dir(&root.join("../../shared/corpus/docs"));
    let spec = read_dir(&root.join("../spec"));
    let features = EmitOptions {
        area_features: true,
    };

    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter(|| {
            corpus
                .iter()
                .map(|s| codegen::parse::parse(s).0.endpoints.len())
                .sum::<usize>()
        })
    });
    group.bench_function("parse+lower", |b| {
        b.iter(|| codegen::build_ir(&corpus).unwrap())
    });
    group.bench_function("generate", |b| {
        b.iter(|| codegen::generate(&corpus, &features).unwrap())
    });
    group.finish();

    // Documents that lower on their own: the listing is measured even while
    // a corpus document is rejected.
    let lowering: Vec<SourceFile> = corpus
        .iter()
        .filter(|s| codegen::build_ir(std::slice::from_ref(*s)).is_ok())
        .cloned()
        .collect();
    let (api, _) = codegen::build_ir(&lowering).unwrap();
    let surface = Surface::of(&api);
    let listing = SourceFile::new("API.md", &surface.render());
    let mut group = c.benchmark_group("listing");
    group.sample_size(20);
    group.bench_function("derive", |b| b.iter(|| Surface::of(&api)));
    group.bench_function("render", |b| b.iter(|| surface.render()));
    group.bench_function("parse", |b| b.iter(|| Surface::parse(&listing).unwrap()));
    group.bench_function("diff", |b| {
        b.iter(|| codegen::surface::diff(&surface, &surface))
    });
    group.finish();

    let mut group = c.benchmark_group("spec");
    group.bench_function("generate", |b| {
        b.iter(|| codegen::generate(&spec, &EmitOptions::default()).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
