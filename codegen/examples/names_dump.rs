fn main() {
    let dir = "spec";
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    let sources: Vec<_> = paths
        .iter()
        .map(|p| {
            codegen::SourceFile::new(
                format!("spec/{}", p.file_name().unwrap().to_string_lossy()),
                &std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    let (api, _) = codegen::build_ir(&sources).unwrap();
    for area in &api.areas {
        for e in &area.endpoints {
            println!(
                "M {}::{} <= {} {} {}",
                area.module,
                e.rust_name,
                e.method.as_str(),
                e.path.template,
                e.title
            );
        }
        for t in &area.types {
            println!("T {}::{}", area.module, t.name());
        }
    }
}
