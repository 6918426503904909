//! Runs the whole pipeline over a folder many times, for profilers.
//! `cargo run --release -p codegen --example profile -- DIR [N]`
fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/corpus/docs".to_owned());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let mut sources = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        sources.push(codegen::SourceFile::new(
            p.display().to_string(),
            &std::fs::read_to_string(&p).unwrap(),
        ));
    }
    let options = codegen::EmitOptions {
        area_features: true,
    };
    for _ in 0..n {
        let started = std::time::Instant::now();
        let generated = codegen::generate(&sources, &options).unwrap();
        eprintln!(
            "{} files in {:.1} ms",
            generated.files.len(),
            started.elapsed().as_secs_f64() * 1e3
        );
    }
}
