//! An OpenAPI 3 description, read once: its title and version, its
//! operations by method and path, and its components by `$ref`.

use std::collections::{BTreeMap, HashMap};

use super::json::Json;
use super::matching::route_key;

/// Why a text is not a description the importer can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not an OpenAPI 3 description: {0}")]
    NotOpenApi(String),
}

/// The HTTP methods an OpenAPI path item may hold, as its keys spell them.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An OpenAPI 3 description.
#[derive(Debug)]
pub struct Description {
    title: String,
    version: String,
    /// `#/components/<kind>/<name>` → its value.
    components: HashMap<String, Json>,
    operations: Vec<Operation>,
    /// `(METHOD, path with `{}` for every parameter)` → index in `operations`.
    index: BTreeMap<(String, String), usize>,
}

/// One operation and what its path item gives every operation.
#[derive(Debug)]
pub(crate) struct Operation {
    /// Upper case: `GET`.
    pub method: String,
    pub path: String,
    pub node: Json,
    /// The path item's `parameters`.
    pub shared_params: Vec<Json>,
}

impl Description {
    /// Reads a description from its JSON text.
    pub fn parse(text: &str) -> Result<Self, ImportError> {
        let root: Json =
            serde_json::from_str(text).map_err(|err| ImportError::NotJson(err.to_string()))?;
        let Json::Object(entries) = root else {
            return Err(ImportError::NotOpenApi(
                "the top level is not a JSON object".to_owned(),
            ));
        };
        let mut root: BTreeMap<String, Json> = entries.into_iter().collect();
        match root.get("openapi") {
            Some(Json::String(version)) if version.starts_with("3.") => {}
            Some(Json::String(version)) => {
                return Err(ImportError::NotOpenApi(format!(
                    "`openapi` is `{version}`; expected 3.x"
                )));
            }
            _ if root.contains_key("swagger") => {
                return Err(ImportError::NotOpenApi(
                    "this is Swagger 2.0; expected OpenAPI 3.x".to_owned(),
                ));
            }
            _ => {
                return Err(ImportError::NotOpenApi(
                    "no `openapi` version field".to_owned(),
                ));
            }
        }
        let Some(Json::Object(paths)) = root.remove("paths") else {
            return Err(ImportError::NotOpenApi("no `paths` object".to_owned()));
        };
        let info = root.remove("info").unwrap_or(Json::Null);
        let mut components = HashMap::new();
        if let Some(Json::Object(kinds)) = root.remove("components") {
            for (kind, members) in kinds {
                let Json::Object(members) = members else {
                    continue;
                };
                for (name, value) in members {
                    let name = name.replace('~', "~0").replace('/', "~1");
                    components.insert(format!("#/components/{kind}/{name}"), value);
                }
            }
        }
        let mut operations = Vec::new();
        let mut index = BTreeMap::new();
        for (path, item) in paths {
            let Json::Object(item) = item else { continue };
            let shared_params = item
                .iter()
                .find(|(k, _)| k == "parameters")
                .map(|(_, v)| v.items().to_vec())
                .unwrap_or_default();
            for (method, node) in item {
                if !METHODS.contains(&method.as_str()) {
                    continue;
                }
                let method = method.to_ascii_uppercase();
                let key = (method.clone(), route_key(&path));
                // The first of two paths that differ only in parameter
                // names is the one matched.
                index.entry(key).or_insert(operations.len());
                operations.push(Operation {
                    method,
                    path: path.clone(),
                    node,
                    shared_params: shared_params.clone(),
                });
            }
        }
        Ok(Self {
            title: info.str_at("title").unwrap_or("OpenAPI").to_owned(),
            version: info.str_at("version").unwrap_or_default().to_owned(),
            components,
            operations,
            index,
        })
    }

    /// `info.title`.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// `info.version`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// How many operations the description has.
    pub fn operation_count(&self) -> usize {
        self.operations.len()
    }

    /// The operation for `method` (upper case) and a path, if any.
    pub(crate) fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        self.index
            .get(&(method.to_owned(), route_key(path)))
            .map(|&i| &self.operations[i])
    }

    /// `METHOD path` of every operation whose route no document in `routes`
    /// has, in the description's order.
    pub(crate) fn unmatched(
        &self,
        routes: &std::collections::BTreeSet<(String, String)>,
    ) -> Vec<String> {
        self.operations
            .iter()
            .filter(|op| !routes.contains(&(op.method.clone(), route_key(&op.path))))
            .map(|op| format!("{} {}", op.method, op.path))
            .collect()
    }

    /// The component a `$ref` names.
    pub(crate) fn lookup(&self, reference: &str) -> Option<&Json> {
        self.components.get(reference)
    }

    /// `node`, or what its `$ref` chain ends at (parameters, request bodies,
    /// responses). A broken or endless chain gives `null`.
    pub(crate) fn resolve<'a>(&'a self, node: &'a Json) -> &'a Json {
        let mut node = node;
        for _ in 0..32 {
            match node.str_at("$ref") {
                Some(reference) => match self.lookup(reference) {
                    Some(target) => node = target,
                    None => return &Json::Null,
                },
                None => return node,
            }
        }
        &Json::Null
    }
}
