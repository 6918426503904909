//! Counts over the IR of a folder of docs: types, untyped fields, names.
//! The figures the issues and closing notes quote come from here:
//! `cargo run --release -p codegen --example stats -- [DIR]` (default
//! `spec/`; overlays in the folder are applied).

use std::collections::BTreeMap;

use std::collections::BTreeSet;

use codegen::ir::{Area, Output, TypeDef, TypeRef};

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
    names_bar(&api.areas, &method_names, &type_names);
}

/// The names bar of issue 28: methods named with an HTTP verb after the
/// title's words, methods over 70 characters, types that several methods
/// use but that are named after one of them, and bare names that more than
/// one area declares. `STATS_LIST=1` lists them.
fn names_bar(areas: &[Area], method_names: &[String], type_names: &[(String, String)]) {
    let list = std::env::var_os("STATS_LIST").is_some();
    let suffixed: Vec<&String> = method_names
        .iter()
        .filter(|m| {
            ["_patch", "_put", "_post", "_get", "_delete"]
                .iter()
                .any(|s| m.ends_with(s))
        })
        .collect();
    let long: Vec<&String> = method_names.iter().filter(|m| m.len() > 70).collect();
    let mut after_method = Vec::new();
    let mut direct_after_method = 0;
    for area in areas {
        let pascal: Vec<String> = area
            .endpoints
            .iter()
            .map(|e| pascal(&e.rust_name))
            .collect();
        for def in &area.types {
            let users = users_of(area, def.name(), false);
            if users.len() < 2 {
                continue;
            }
            if let Some(method) = pascal.iter().find(|p| def.name().starts_with(p.as_str())) {
                let direct = users_of(area, def.name(), true).len() > 1;
                direct_after_method += usize::from(direct);
                after_method.push(format!(
                    "{}{}::{} (after `{method}`; used by {})",
                    if direct { "* " } else { "" },
                    area.module,
                    def.name(),
                    users.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    let mut areas_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, name) in type_names {
        *areas_of.entry(name).or_default() += 1;
    }
    let colliding: Vec<(&&str, &usize)> = areas_of
        .iter()
        .filter(|(name, n)| **n > 1 && name.chars().filter(char::is_ascii_uppercase).count() == 1)
        .collect();
    println!(
        "names bar: {} methods end in an HTTP verb, {} over 70 characters, {} shared types named after a method ({} of them results, bodies or queries of several methods), {} one-word type names in several areas",
        suffixed.len(),
        long.len(),
        after_method.len(),
        direct_after_method,
        colliding.len()
    );
    if list {
        for m in suffixed.iter().chain(&long) {
            println!("  method {m}");
        }
        for t in &after_method {
            println!("  type {t}");
        }
        for (name, n) in &colliding {
            println!("  bare {name} ({n} areas)");
        }
    }
}

fn pascal(snake: &str) -> String {
    snake
        .trim_start_matches("r#")
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The endpoints whose result, body or query holds the type `name`, at any depth.
fn users_of(area: &Area, name: &str, direct: bool) -> BTreeSet<String> {
    let mut users = BTreeSet::new();
    for endpoint in &area.endpoints {
        let mut roots = Vec::new();
        if let Output::Json { ty, .. } = &endpoint.output {
            roots.push(ty.clone());
        }
        roots.extend(endpoint.request_body.clone());
        roots.extend(endpoint.query.as_ref().map(|q| q.ty.clone()));
        let mut seen = BTreeSet::new();
        for root in &roots {
            if direct {
                let mut root = root;
                while let TypeRef::Vec(item) | TypeRef::Option(item) = root {
                    root = item;
                }
                if let TypeRef::Named(n) = root {
                    seen.insert(n.clone());
                }
            } else {
                reach(area, root, &mut seen);
            }
        }
        if seen.contains(name) {
            users.insert(endpoint.rust_name.clone());
        }
    }
    users
}

fn reach(area: &Area, ty: &TypeRef, seen: &mut BTreeSet<String>) {
    match ty {
        TypeRef::Named(name) => {
            if !seen.insert(name.clone()) {
                return;
            }
            match area.types.iter().find(|d| d.name() == name) {
                Some(TypeDef::Struct(def)) => {
                    for f in &def.fields {
                        reach(area, &f.ty, seen);
                    }
                }
                Some(TypeDef::Union(def)) => {
                    for v in &def.variants {
                        reach(area, &TypeRef::Named(v.ty.clone()), seen);
                    }
                }
                _ => {}
            }
        }
        TypeRef::Vec(item) | TypeRef::Option(item) => reach(area, item, seen),
        _ => {}
    }
}

/// `serde_json::Value`, alone or as the element of a list.
fn untyped(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Value => true,
        TypeRef::Vec(item) => untyped(item),
        _ => false,
    }
}
