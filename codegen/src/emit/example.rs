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

use crate::ir::{Area, Endpoint, Method, Output, TypeRef};

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
