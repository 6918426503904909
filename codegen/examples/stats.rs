//! Counts over the IR of a folder of docs: types, untyped fields, names.
//! The figures the issues and closing notes quote come from here:
//! `cargo run --release -p codegen --example stats -- [DIR]` (default
//! `spec/`; overlays in the folder are applied).

use std::collections::BTreeMap;

use codegen::ir::{Output, TypeDef, TypeRef};

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "spec".to_owned());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    let sources: Vec<_> = paths
        .iter()
        .map(|p| {
            let shown = format!("spec/{}", p.file_name().unwrap().to_string_lossy());
            codegen::SourceFile::new(shown, &std::fs::read_to_string(p).unwrap())
        })
        .collect();
    let (api, _) = codegen::build_ir(&sources).unwrap_or_else(|d| panic!("{d}"));

    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut type_names = Vec::new();
    let mut method_names = Vec::new();
    for area in &api.areas {
        for endpoint in &area.endpoints {
            *counts.entry("endpoints").or_default() += 1;
            method_names.push(endpoint.rust_name.clone());
            if let Output::Json { ty, .. } = &endpoint.output {
                if untyped(ty) {
                    *counts
                        .entry("endpoints with an untyped result")
                        .or_default() += 1;
                }
            }
        }
        for def in &area.types {
            *counts.entry("types").or_default() += 1;
            type_names.push((area.module.clone(), def.name().to_owned()));
            if let TypeDef::Struct(def) = def {
                *counts.entry("structs").or_default() += 1;
                for field in &def.fields {
                    *counts.entry("fields").or_default() += 1;
                    if untyped(&field.ty) {
                        *counts
                            .entry("untyped fields (serde_json::Value)")
                            .or_default() += 1;
                    }
                }
            }
        }
    }
    for (what, n) in &counts {
        println!("{what}: {n}");
    }

    let mut lengths: Vec<usize> = type_names.iter().map(|(_, n)| n.len()).collect();
    lengths.sort_unstable();
    let repeat_module = type_names
        .iter()
        .filter(|(module, name)| {
            let pascal: String = module
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            name.contains(&pascal)
        })
        .count();
    println!(
        "type names: median {} characters, {} over 60, longest {}, {} repeat their module's name",
        lengths.get(lengths.len() / 2).copied().unwrap_or_default(),
        lengths.iter().filter(|&&l| l > 60).count(),
        lengths.last().copied().unwrap_or_default(),
        repeat_module
    );
    let articles = method_names
        .iter()
        .filter(|m| m.split('_').any(|w| matches!(w, "a" | "an" | "the")))
        .count();
    let third_person = method_names
        .iter()
        .filter(|m| {
            let first = m.split('_').next().unwrap_or_default();
            first.len() > 3 && first.ends_with('s') && !first.ends_with("ss")
        })
        .count();
    println!(
        "method names: {} hold a/an/the, {} over 40 characters, {} start with a third-person verb",
        articles,
        method_names.iter().filter(|m| m.len() > 40).count(),
        third_person
    );
}

/// `serde_json::Value`, alone or as the element of a list.
fn untyped(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Value => true,
        TypeRef::Vec(item) => untyped(item),
        _ => false,
    }
}
