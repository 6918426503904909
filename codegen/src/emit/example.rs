//! The usage example at the top of each area module's docs: the area's most
//! common call, as a `no_run` doctest that the test run compiles with every
//! area on (the crate's tests turn every area on).
//!
//! The call is chosen from the IR alone, by what most users do first with
//! an API: read. A `GET` that lists beats any other `GET`, which beats
//! other methods; among equals, fewer path parameters (the top-level list)
//! and then document order win. Endpoints whose typed body an example
//! cannot build without knowing its fields (a request or multipart body
//! from an overlay, or a query with required parameters) are passed over
//! while another will do; an area with nothing else shows no example.

use crate::ir::{Area, Endpoint, FieldDef, Method, Output, TypeDef, TypeRef};

/// An identifier in Cloudflare's own examples; every `*_id` parameter gets
/// it, so the example reads like the API's documentation.
const EXAMPLE_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// The names the example binds itself.
const TAKEN: &[&str] = &[
    "client", "api", "items", "result", "response", "body", "example",
];

/// The example section of `area`'s module docs (Markdown, with a `no_run`
/// Rust fence), or `None` when no endpoint can be called without a typed
/// body.
pub(super) fn usage_example(area: &Area) -> Option<String> {
    let endpoint = most_common_call(&area.endpoints)?;
    let module = &area.module;
    let method = &endpoint.rust_name;
    let mut code = String::from(
        "# async fn example(client: generated_client::Client) -> generated_client::Result<()> {\n",
    );
    let mut args = Vec::new();
    for param in &endpoint.path.params {
        // A parameter must not shadow the example's own bindings.
        let binding = if TAKEN.contains(&param.rust_name.as_str()) {
            format!("{}_param", param.rust_name)
        } else {
            param.rust_name.clone()
        };
        code.push_str(&format!(
            "let {binding} = {:?};\n",
            example_value(&param.wire_name)
        ));
        args.push(binding);
    }
    let args = args.join(", ");
    code.push_str(&format!("let api = client.{module}();\n"));
    let what = match &endpoint.output {
        Output::Json {
            ty: TypeRef::Vec(_),
            envelope: _,
        } => {
            code.push_str(&format!(
                "// Every page of the list, as one `Vec`.\nlet items = api.{method}({args}).all().await?;\nprintln!(\"{{}} item(s)\", items.len());\n"
            ));
            "reading every page of the list"
        }
        Output::NoContent => {
            code.push_str(&format!("api.{method}({args}).await?;\n"));
            "which returns nothing"
        }
        Output::Raw => {
            code.push_str(&format!(
                "let response = api.{method}({args}).await?;\nlet body = response.bytes().await?;\nprintln!(\"{{}} byte(s)\", body.len());\n"
            ));
            "a download"
        }
        Output::Json { .. } => {
            code.push_str(&format!(
                "let result = api.{method}({args}).await?;\nprintln!(\"{{result:?}}\");\n"
            ));
            "awaited for its typed result"
        }
    };
    code.push_str("# Ok(())\n# }\n");
    // The path is absolute: rustdoc resolves a module's inner docs, which
    // `mod.rs` joins with outer ones, in the parent's scope. It links no raw
    // identifier; the name alone is enough there.
    let name = if method.starts_with("r#") || module.starts_with("r#") {
        format!("`{}`", method.trim_start_matches("r#"))
    } else {
        format!("[`{method}`](crate::{module}::{}::{method})", area.handle)
    };
    Some(format!(
        "# Example\n\nThe most common call of this area is {name}, here {what}. It needs the `{feature}` feature.\n\n```no_run\n{code}```",
        feature = area.feature
    ))
}

/// The endpoint the example calls; see the module docs for the order.
fn most_common_call(endpoints: &[Endpoint]) -> Option<&Endpoint> {
    endpoints
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.request_body.is_none()
                && e.multipart.is_none()
                && e.raw_body.is_none()
                && e.query.as_ref().is_none_or(|q| !q.argument)
        })
        .min_by_key(|(index, e)| {
            let lists = matches!(
                e.output,
                Output::Json {
                    ty: TypeRef::Vec(_),
                    ..
                }
            );
            let rank = match (e.method, lists) {
                (Method::Get, true) => 0,
                (Method::Get, false) => 1,
                _ => 2,
            };
            (rank, e.path.params.len(), *index)
        })
        .map(|(_, e)| e)
}

/// A value for a path parameter: Cloudflare's example identifier for an
/// identifier, else a placeholder that names the parameter.
pub(super) fn example_value(wire_name: &str) -> String {
    let lower = wire_name.to_ascii_lowercase();
    if lower == "id" || lower.ends_with("_id") || lower.ends_with("identifier") {
        EXAMPLE_ID.to_owned()
    } else {
        format!("your-{}", lower.replace('_', "-"))
    }
}

/// The example in every endpoint method's docs: the call with its path
/// arguments, a typed body built with `new` and one optional field set
/// through its setter, the typed query when there is one, and the result
/// read (every page of a list). A `no_run` doctest: the test run compiles
/// every one (merged into one doctest binary, as edition 2024 does).
pub(super) fn method_example(area: &Area, endpoint: &Endpoint) -> String {
    let mut ctx = Ctx {
        area,
        fixed: super::fixed_enums(&area.types),
        imports: std::collections::BTreeSet::new(),
    };
    let mut lines: Vec<String> = Vec::new();
    let mut args = Vec::new();
    for param in &endpoint.path.params {
        let binding = if TAKEN.contains(&param.rust_name.as_str())
            || matches!(param.rust_name.as_str(), "query" | "form")
        {
            format!("{}_param", param.rust_name)
        } else {
            param.rust_name.clone()
        };
        lines.push(format!(
            "let {binding} = {:?};",
            example_value(&param.wire_name)
        ));
        args.push(binding);
    }
    let mut calls = String::new();
    if let Some(query) = &endpoint.query {
        if let TypeRef::Named(name) = &query.ty {
            let built = ctx.build(name, 0);
            if query.argument {
                lines.push(format!("let query = {built};"));
                args.push("&query".to_owned());
            } else if built.contains(").") {
                // Only worth showing with a parameter set.
                lines.push(format!("let query = {built};"));
                calls.push_str(".query(&query)");
            }
        }
    }
    match &endpoint.request_body {
        Some(TypeRef::Named(name)) => {
            let built = ctx.build(name, 0);
            ctx.imports.insert(name.clone());
            lines.push(format!("let body: {name} = {built};"));
            args.push("&body".to_owned());
        }
        Some(TypeRef::Vec(item)) => {
            let element = match &**item {
                TypeRef::Named(name) => ctx.build(name, 0),
                other => ctx.value(other, 0),
            };
            lines.push(format!("let body = vec![{element}];"));
            args.push("&body".to_owned());
        }
        Some(other) => {
            let value = ctx.value(other, 0);
            lines.push(format!("let body = {value};"));
            args.push("&body".to_owned());
        }
        None => {}
    }
    if let Some(form) = &endpoint.multipart {
        let values: Vec<String> = form
            .parts
            .iter()
            .filter(|p| p.required)
            .flat_map(|part| {
                let mut values = Vec::new();
                if let crate::ir::PartName::Any { .. } = &part.name {
                    values.push("\"main.js\"".to_owned());
                }
                values.push(match &part.kind {
                    crate::ir::PartKind::Json(ty) => format!("&{}", ctx.value(ty, 0)),
                    crate::ir::PartKind::Text(TypeRef::String) => "\"example\"".to_owned(),
                    crate::ir::PartKind::Text(ty) => ctx.value(ty, 0),
                    crate::ir::PartKind::File { .. } => {
                        "generated_client::runtime::FilePart::bytes(b\"example\".to_vec())"
                            .to_owned()
                    }
                });
                values
            })
            .collect();
        ctx.imports.insert(form.name.clone());
        lines.push(format!(
            "let body = {}::new({});",
            form.name,
            values.join(", ")
        ));
        args.push("body".to_owned());
    }
    if let Some(raw) = &endpoint.raw_body {
        match &raw.lines {
            // A JSON lines body: any iterator of its items.
            Some(TypeRef::Named(name)) => {
                let built = ctx.build(name, 0);
                ctx.imports.insert(name.clone());
                lines.push(format!("let lines = vec![{built}];"));
                args.push("lines".to_owned());
            }
            Some(other) => {
                let value = ctx.value(other, 0);
                lines.push(format!("let lines = vec![{value}];"));
                args.push("lines".to_owned());
            }
            // Bytes: a file is read while the request is sent.
            None => {
                lines.push(format!(
                    "let body = generated_client::runtime::Binary::file(\"upload\"); // sent as {}",
                    raw.content_type
                ));
                args.push("body".to_owned());
            }
        }
    }
    let module = &area.module;
    let method = &endpoint.rust_name;
    let call = format!("client.{module}().{method}({}){calls}", args.join(", "));
    match &endpoint.output {
        Output::Json {
            ty: TypeRef::Vec(_),
            ..
        } => {
            lines.push(format!(
                "// Every page of the list.\nlet items = {call}.all().await?;"
            ));
            lines.push("for item in &items {\n    println!(\"{item:?}\");\n}".to_owned());
        }
        Output::NoContent => lines.push(format!("{call}.await?;")),
        Output::Raw => {
            lines.push(format!("let response = {call}.await?;"));
            lines.push("let bytes = response.bytes().await?;".to_owned());
        }
        Output::Json {
            ty: TypeRef::Value, ..
        } => {
            lines.push(format!("let result: serde_json::Value = {call}.await?;"));
            lines.push("println!(\"{result}\");".to_owned());
        }
        Output::Json { .. } => {
            lines.push(format!("if let Some(result) = {call}.await? {{"));
            lines.push("    println!(\"{result:?}\");\n}".to_owned());
        }
    }
    let mut code = String::from(
        "# async fn example(client: generated_client::Client) -> generated_client::Result<()> {\n",
    );
    if !ctx.imports.is_empty() {
        let names: Vec<&str> = ctx.imports.iter().map(String::as_str).collect();
        let list = if names.len() == 1 {
            names[0].to_owned()
        } else {
            format!("{{{}}}", names.join(", "))
        };
        code.push_str(&format!("use generated_client::{module}::{list};\n\n"));
    }
    for line in lines {
        code.push_str(&line);
        code.push('\n');
    }
    code.push_str("# Ok(())\n# }\n");
    format!("# Example\n\n```no_run\n{code}```")
}

/// What building a value needs to know.
struct Ctx<'a> {
    area: &'a Area,
    fixed: std::collections::BTreeMap<&'a str, &'a str>,
    imports: std::collections::BTreeSet<String>,
}

impl Ctx<'_> {
    /// A value of the area's type `name`: `new(..)` with its required
    /// fields, then one optional field set (at the top level only).
    fn build(&mut self, name: &str, depth: usize) -> String {
        let Some(def) = self.area.types.iter().find(|t| t.name() == name) else {
            return "Default::default()".to_owned();
        };
        self.imports.insert(name.to_owned());
        match def {
            TypeDef::Enum(def) => match def.variants.first() {
                Some(v) => format!("{name}::{}", v.rust_name),
                None => format!("{name}::Other(\"example\".into())"),
            },
            TypeDef::Union(def) => {
                let Some(variant) = def.variants.first() else {
                    return "serde_json::Value::Null.into()".to_owned();
                };
                let inner = self.build(&variant.ty, depth);
                format!("{inner}.into()")
            }
            TypeDef::Struct(def) => {
                let required = super::types::constructor_fields(&def.fields, &self.fixed);
                let any_required = def.fields.iter().any(|f| f.presence.in_constructor());
                let mut text = if any_required {
                    let args: Vec<String> =
                        required.iter().map(|f| self.arg(f, depth + 1)).collect();
                    format!("{name}::new({})", args.join(", "))
                } else {
                    format!("{name}::default()")
                };
                if depth == 0 {
                    let simple = def.fields.iter().find(|f| {
                        super::types::has_setter(f)
                            && matches!(
                                f.ty,
                                TypeRef::String
                                    | TypeRef::I64
                                    | TypeRef::U64
                                    | TypeRef::F64
                                    | TypeRef::Bool
                            )
                    });
                    if let Some(field) = simple {
                        let value = match field.ty {
                            TypeRef::String => format!("{:?}", example_text(&field.wire_name)),
                            _ => self.value(&field.ty, depth + 1),
                        };
                        text.push_str(&format!(".{}({value})", field.rust_name));
                    }
                }
                text
            }
        }
    }

    /// A constructor argument for `field`.
    fn arg(&mut self, field: &FieldDef, depth: usize) -> String {
        match &field.ty {
            TypeRef::String => format!("{:?}", example_text(&field.wire_name)),
            ty => self.value(ty, depth),
        }
    }

    /// A value of type `ty`.
    fn value(&mut self, ty: &TypeRef, depth: usize) -> String {
        match ty {
            TypeRef::String => "String::from(\"example\")".to_owned(),
            TypeRef::I64 | TypeRef::U64 => "1".to_owned(),
            TypeRef::F64 => "1.0".to_owned(),
            TypeRef::Bool => "true".to_owned(),
            TypeRef::Value => "serde_json::Value::Null".to_owned(),
            TypeRef::Map => "serde_json::Map::new()".to_owned(),
            TypeRef::Vec(_) => "Vec::new()".to_owned(),
            TypeRef::Option(_) => "None".to_owned(),
            TypeRef::Named(name) if depth > 6 => {
                self.imports.insert(name.clone());
                format!("{name}::default()")
            }
            TypeRef::Named(name) => self.build(name, depth),
        }
    }
}

/// Text for a field, by its name: an identifier for an id, a domain for a
/// name or host, else `example`.
fn example_text(wire_name: &str) -> String {
    let lower = wire_name.to_ascii_lowercase();
    if lower == "id" || lower.ends_with("_id") {
        EXAMPLE_ID.to_owned()
    } else if matches!(lower.as_str(), "name" | "hostname" | "domain" | "zone") {
        "example.com".to_owned()
    } else if lower == "content" {
        "192.0.2.1".to_owned()
    } else {
        "example".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_values() {
        assert_eq!(example_value("zone_id"), EXAMPLE_ID);
        assert_eq!(example_value("account_identifier"), EXAMPLE_ID);
        assert_eq!(example_value("script_name"), "your-script-name");
    }
}
