//! The body check before sending, and `--set field=value`.
//!
//! A JSON body is checked against the endpoint's body type from the table:
//! required fields present, each value of its declared kind, enum values
//! among the known ones, a tagged union's tag one of its kinds, an untagged
//! union fitting one of its shapes. Every problem is reported with its
//! place (`body.rules[2].action: expected one of block | allow, found
//! "blok"`), and nothing is sent. Keys the type does not declare are
//! allowed (the API takes fields the docs lack) and noted.
//!
//! The client keeps enum values and union kinds it does not know, so that
//! an API that adds one breaks nothing; a body typed by hand on a command
//! line is more often misspelt than ahead of the docs, so the command
//! refuses them, and `--no-check` sends a body as it is.
//!
//! A value is shown only where it says what went wrong (an enum value
//! that is not one of the known ones); otherwise its kind is.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::table::{Def, Field, Ty, TypeDef};

/// What the check found: errors (the body is not sent) and notes.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<String>,
    pub notes: Vec<String>,
}

/// Checks values against the types of one area.
#[derive(Debug, Clone, Copy)]
pub struct Checker<'a> {
    pub types: &'a BTreeMap<String, TypeDef>,
}

impl<'a> Checker<'a> {
    /// Checks `value` against `ty`; `path` names the value in messages.
    pub fn check(&self, value: &Value, ty: &Ty<'_>, path: &str, found: &mut Findings) {
        match ty {
            Ty::Any => {}
            Ty::String => self.kind(value.is_string(), value, "a string", path, found),
            Ty::Integer => self.kind(is_integer(value), value, "an integer", path, found),
            Ty::Unsigned => self.kind(
                is_unsigned(value),
                value,
                "a non-negative integer",
                path,
                found,
            ),
            Ty::Number => self.kind(value.is_number(), value, "a number", path, found),
            Ty::Boolean => self.kind(value.is_boolean(), value, "true or false", path, found),
            Ty::Object => self.kind(value.is_object(), value, "an object", path, found),
            Ty::Nullable(inner) => {
                if !value.is_null() {
                    self.check(value, inner, path, found);
                }
            }
            Ty::Array(item) => match value {
                Value::Array(items) => {
                    for (i, element) in items.iter().enumerate() {
                        self.check(element, item, &format!("{path}[{i}]"), found);
                    }
                }
                other => found.errors.push(format!(
                    "{path}: expected an array, found {}",
                    kind_of(other)
                )),
            },
            Ty::Named(name) => match self.types.get(*name).map(TypeDef::def) {
                // A type the table does not carry takes anything.
                None => {}
                Some(Def::Enum(values)) => check_enum(value, values, path, found),
                Some(Def::Struct(fields)) => {
                    self.check_struct(value, name, fields, None, path, found)
                }
                Some(Def::Union {
                    tag: Some(tag),
                    variants,
                }) => self.check_tagged(value, name, tag, variants, path, found),
                Some(Def::Union {
                    tag: None,
                    variants,
                }) => self.check_untagged(value, name, variants, path, found),
            },
        }
    }

    fn kind(&self, fits: bool, value: &Value, expected: &str, path: &str, found: &mut Findings) {
        if !fits {
            found.errors.push(format!(
                "{path}: expected {expected}, found {}",
                kind_of(value)
            ));
        }
    }

    fn fields(&self, name: &str) -> &'a [Field] {
        match self.types.get(name).map(TypeDef::def) {
            Some(Def::Struct(fields)) => fields,
            _ => &[],
        }
    }

    /// A struct's fields; `tag`, a tagged union's tag, which its variant
    /// need not declare.
    fn check_struct(
        &self,
        value: &Value,
        name: &str,
        fields: &[Field],
        tag: Option<&str>,
        path: &str,
        found: &mut Findings,
    ) {
        let Value::Object(object) = value else {
            found.errors.push(format!(
                "{path}: expected an object ({name}), found {}",
                kind_of(value)
            ));
            return;
        };
        for field in fields {
            let place = field_path(path, &field.name);
            match object.get(&field.name) {
                None if field.required => found.errors.push(format!(
                    "{place}: missing (required, {})",
                    describe(&field.ty)
                )),
                None => {}
                // An optional field sent as `null` is as good as absent.
                Some(Value::Null) if !field.required => {}
                Some(value) => self.check(value, &Ty::parse(&field.ty), &place, found),
            }
        }
        for key in object.keys() {
            if Some(key.as_str()) != tag && !fields.iter().any(|f| &f.name == key) {
                found.notes.push(format!(
                    "{}: not a field of {name} in the docs; sent as given",
                    field_path(path, key)
                ));
            }
        }
    }

    fn check_tagged(
        &self,
        value: &Value,
        name: &str,
        tag: &str,
        variants: &[(String, String)],
        path: &str,
        found: &mut Findings,
    ) {
        let kinds = || {
            variants
                .iter()
                .map(|(label, _)| label.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        };
        let Value::Object(object) = value else {
            found.errors.push(format!(
                "{path}: expected an object ({name}), found {}",
                kind_of(value)
            ));
            return;
        };
        let place = field_path(path, tag);
        match object.get(tag) {
            None => found
                .errors
                .push(format!("{place}: missing (required, one of {})", kinds())),
            Some(Value::String(kind)) => match variants.iter().find(|(label, _)| label == kind) {
                Some((_, ty)) => {
                    self.check_struct(value, ty, self.fields(ty), Some(tag), path, found)
                }
                None => found.errors.push(format!(
                    "{place}: expected one of {}, found {}",
                    kinds(),
                    Value::from(kind.as_str())
                )),
            },
            Some(other) => found.errors.push(format!(
                "{place}: expected one of {}, found {}",
                kinds(),
                kind_of(other)
            )),
        }
    }

    /// Fits when a variant fits that declares some of the value's keys (or
    /// any variant, when none declares one: an object of unknown keys);
    /// its notes are those of the fitting variant with fewest. A variant
    /// whose fields are all optional takes any object, so one that fits
    /// only by knowing none of its keys does not count. When none fits,
    /// the errors are those of the closest (most keys known, then fewest
    /// errors), under a line that says so.
    fn check_untagged(
        &self,
        value: &Value,
        name: &str,
        variants: &[(String, String)],
        path: &str,
        found: &mut Findings,
    ) {
        let tries: Vec<(&str, usize, Findings)> = variants
            .iter()
            .map(|(label, ty)| {
                let mut tried = Findings::default();
                self.check(value, &Ty::Named(ty), path, &mut tried);
                let known = match value {
                    Value::Object(object) => {
                        let fields = self.fields(ty);
                        object
                            .keys()
                            .filter(|key| fields.iter().any(|f| &f.name == *key))
                            .count()
                    }
                    _ => 0,
                };
                (label.as_str(), known, tried)
            })
            .collect();
        let most = tries.iter().map(|(_, known, _)| *known).max().unwrap_or(0);
        let fitting = tries
            .iter()
            .filter(|(_, known, tried)| tried.errors.is_empty() && (*known > 0 || most == 0))
            .min_by_key(|(_, _, tried)| tried.notes.len());
        if let Some((_, _, tried)) = fitting {
            found.notes.extend(tried.notes.iter().cloned());
            return;
        }
        let Some((label, _, closest)) = tries
            .into_iter()
            .filter(|(_, known, _)| *known == most)
            .min_by_key(|(_, _, tried)| tried.errors.len())
        else {
            return;
        };
        let labels: Vec<&str> = variants.iter().map(|(label, _)| label.as_str()).collect();
        found.errors.push(format!(
            "{path}: fits none of the shapes of {name} ({}); the closest, {label}:",
            labels.join(", ")
        ));
        found
            .errors
            .extend(closest.errors.into_iter().map(|e| format!("  {e}")));
    }

    /// The declared type of `key` in a body of type `ty` (whose value so
    /// far is `body`): a struct's field; a union's, in the variant the
    /// body's tag names, else in the first variant that has it.
    pub fn field_type(&self, ty: &Ty<'a>, key: &str, body: &Map<String, Value>) -> Option<Ty<'a>> {
        let Ty::Named(name) = ty else {
            return None;
        };
        let find = |fields: &'a [Field]| {
            fields
                .iter()
                .find(|f| f.name == key)
                .map(|f| Ty::parse(&f.ty))
        };
        match self.types.get(*name)?.def() {
            Def::Struct(fields) => find(fields),
            Def::Enum(_) => None,
            Def::Union { tag, variants } => {
                let chosen = tag
                    .and_then(|tag| body.get(tag))
                    .and_then(Value::as_str)
                    .and_then(|kind| variants.iter().find(|(label, _)| label == kind));
                match chosen {
                    Some((_, ty)) => find(self.fields(ty)),
                    None => variants.iter().find_map(|(_, ty)| find(self.fields(ty))),
                }
            }
        }
    }

    /// The value of `--set key=text` for a field of type `ty` (`None`: a
    /// key the docs do not declare, sent as text).
    pub fn parse_value(&self, text: &str, ty: Option<&Ty<'_>>) -> Result<Value, String> {
        let Some(ty) = ty else {
            return Ok(Value::from(text));
        };
        match ty {
            Ty::String => Ok(Value::from(text)),
            Ty::Integer => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("expected an integer, found `{text}`")),
            Ty::Unsigned => text
                .trim()
                .parse::<u64>()
                .map(Value::from)
                .map_err(|_| format!("expected a non-negative integer, found `{text}`")),
            Ty::Number => parse_number(text),
            Ty::Boolean => match text.trim() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!("expected true or false, found `{text}`")),
            },
            Ty::Nullable(inner) => match text.trim() {
                "null" => Ok(Value::Null),
                _ => self.parse_value(text, Some(inner)),
            },
            Ty::Any => Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::from(text))),
            Ty::Array(item) if !text.trim_start().starts_with('[') => text
                .split(',')
                .map(|part| self.parse_value(part.trim(), Some(item)))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Ty::Named(name)
                if matches!(self.types.get(*name).map(TypeDef::def), Some(Def::Enum(_))) =>
            {
                Ok(Value::from(text))
            }
            Ty::Array(_) | Ty::Object | Ty::Named(_) => serde_json::from_str(text)
                .map_err(|_| format!("expected JSON ({}), found `{text}`", describe_ty(ty))),
        }
    }
}

/// An enum's value: a string among the known ones.
fn check_enum(value: &Value, values: &[String], path: &str, found: &mut Findings) {
    let known = match value {
        Value::String(text) => values.iter().any(|v| v == text),
        _ => false,
    };
    if !known {
        let shown = match value {
            Value::String(_) => value.to_string(),
            other => kind_of(other).to_owned(),
        };
        found.errors.push(format!(
            "{path}: expected one of {}, found {shown}",
            values.join(" | ")
        ));
    }
}

/// A number as JSON has it: an integer stays one.
fn parse_number(text: &str) -> Result<Value, String> {
    let text = text.trim();
    if let Ok(integer) = text.parse::<i64>() {
        return Ok(Value::from(integer));
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| format!("expected a number, found `{text}`"))
}

/// A whole number, as the client sends one (`3.0` goes out as `3`).
fn is_integer(value: &Value) -> bool {
    value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
}

fn is_unsigned(value: &Value) -> bool {
    value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0 && f >= 0.0)
}

/// `body.name`, or `body["odd key"]` for a key that is not a plain word.
pub fn field_path(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$');
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::from(key))
    }
}

/// What kind of JSON value this is, in words (never the value itself).
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A type as the help and the messages show it.
pub fn describe(ty: &str) -> String {
    describe_ty(&Ty::parse(ty))
}

fn describe_ty(ty: &Ty<'_>) -> String {
    match ty {
        Ty::String => "string".to_owned(),
        Ty::Integer => "integer".to_owned(),
        Ty::Unsigned => "non-negative integer".to_owned(),
        Ty::Number => "number".to_owned(),
        Ty::Boolean => "boolean".to_owned(),
        Ty::Any => "any JSON".to_owned(),
        Ty::Object => "object".to_owned(),
        Ty::Array(item) => format!("array of {}", describe_ty(item)),
        Ty::Nullable(inner) => format!("{} or null", describe_ty(inner)),
        Ty::Named(name) => (*name).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn types() -> BTreeMap<String, TypeDef> {
        serde_json::from_value(json!({
            "Rule": {"fields": [
                {"name": "action", "type": "Action", "required": true},
                {"name": "priority", "type": "integer"},
                {"name": "tags", "type": "[string]"}
            ]},
            "Action": {"enum": ["block", "allow"]},
            "Ruleset": {"fields": [{"name": "rules", "type": "[Rule]", "required": true}]},
            "Record": {"tag": "type", "variants": [["A", "ARecord"], ["MX", "MxRecord"]]},
            "ARecord": {"fields": [
                {"name": "type", "type": "AType", "required": true},
                {"name": "content", "type": "string", "required": true}
            ]},
            "AType": {"enum": ["A"]},
            "MxRecord": {"fields": [
                {"name": "type", "type": "MxType", "required": true},
                {"name": "priority", "type": "number", "required": true}
            ]},
            "MxType": {"enum": ["MX"]},
            "Purge": {"variants": [["Files", "Files"], ["Everything", "Everything"]]},
            "Files": {"fields": [{"name": "files", "type": "[string]"}]},
            "Everything": {"fields": [{"name": "purge_everything", "type": "boolean"}]}
        }))
        .unwrap()
    }

    /// Errors and notes of `value` against the type named `ty`.
    fn check(ty: &str, value: Value) -> (Vec<String>, Vec<String>) {
        let types = types();
        let mut found = Findings::default();
        Checker { types: &types }.check(&value, &Ty::parse(ty), "body", &mut found);
        (found.errors, found.notes)
    }

    #[test]
    fn problems_name_their_place() {
        let table: &[(&str, Value, &[&str])] = &[
            (
                "Ruleset",
                json!({"rules": [{"action": "allow"}, {"action": "allow"}, {"action": "blok"}]}),
                &[r#"body.rules[2].action: expected one of block | allow, found "blok""#],
            ),
            (
                "Ruleset",
                json!({"rules": [{"priority": 1.5, "tags": ["a", 2]}]}),
                &[
                    "body.rules[0].action: missing (required, Action)",
                    "body.rules[0].priority: expected an integer, found a number",
                    "body.rules[0].tags[1]: expected a string, found a number",
                ],
            ),
            (
                "Ruleset",
                json!([]),
                &["body: expected an object (Ruleset), found an array"],
            ),
            (
                "Record",
                json!({"type": "AAAA", "content": "::1"}),
                &[r#"body.type: expected one of A | MX, found "AAAA""#],
            ),
            (
                "Record",
                json!({"type": "MX", "priority": "10"}),
                &["body.priority: expected a number, found a string"],
            ),
            (
                "Record",
                json!({"content": "x"}),
                &["body.type: missing (required, one of A | MX)"],
            ),
            ("Rule", json!({"action": "block", "priority": 3.0}), &[]),
        ];
        for (ty, value, expected) in table {
            let (errors, _) = check(ty, value.clone());
            assert_eq!(errors, *expected, "{value}");
        }
    }

    #[test]
    fn unknown_keys_are_notes_and_untagged_unions_take_the_best_fit() {
        let (errors, notes) = check("Rule", json!({"action": "block", "extra": 1}));
        assert!(errors.is_empty());
        assert_eq!(
            notes,
            ["body.extra: not a field of Rule in the docs; sent as given"]
        );

        // Both variants fit (their fields are optional); the one that
        // declares the key leaves nothing to note.
        let (errors, notes) = check("Purge", json!({"purge_everything": true}));
        assert!(
            errors.is_empty() && notes.is_empty(),
            "{errors:?} {notes:?}"
        );

        let (errors, _) = check("Purge", json!({"files": "a"}));
        assert_eq!(
            errors,
            [
                "body: fits none of the shapes of Purge (Files, Everything); the closest, Files:",
                "  body.files: expected an array, found a string",
            ]
        );
    }

    #[test]
    fn set_values_take_their_declared_type() {
        let types = types();
        let checker = Checker { types: &types };
        let body = Map::new();
        let ty = |key: &str| checker.field_type(&Ty::Named("Rule"), key, &body);
        assert_eq!(
            checker.parse_value("7", ty("priority").as_ref()),
            Ok(json!(7))
        );
        assert_eq!(
            checker.parse_value("a, b", ty("tags").as_ref()),
            Ok(json!(["a", "b"]))
        );
        assert_eq!(
            checker.parse_value("block", ty("action").as_ref()),
            Ok(json!("block"))
        );
        assert_eq!(
            checker.parse_value("7", ty("nothing").as_ref()),
            Ok(json!("7"))
        );
        assert!(checker.parse_value("x", ty("priority").as_ref()).is_err());

        let mut mx = Map::new();
        mx.insert("type".to_owned(), json!("MX"));
        let priority = checker.field_type(&Ty::Named("Record"), "priority", &mx);
        assert_eq!(priority, Some(Ty::Number));
        assert_eq!(checker.parse_value("10", priority.as_ref()), Ok(json!(10)));
        assert_eq!(
            checker.parse_value("2.5", priority.as_ref()),
            Ok(json!(2.5))
        );

        // An unsigned value (a page number) is never negative.
        let page = Some(Ty::Unsigned);
        assert_eq!(checker.parse_value("2", page.as_ref()), Ok(json!(2)));
        assert_eq!(
            checker.parse_value("-1", page.as_ref()),
            Err("expected a non-negative integer, found `-1`".to_owned())
        );
    }

    #[test]
    fn an_unsigned_value_is_a_non_negative_integer() {
        let types = types();
        let checker = Checker { types: &types };
        for (value, fits) in [
            (json!(0), true),
            (json!(u64::MAX), true),
            (json!(3.0), true),
            (json!(-1), false),
            (json!(1.5), false),
            (json!("2"), false),
        ] {
            let mut found = Findings::default();
            checker.check(&value, &Ty::Unsigned, "query.page", &mut found);
            assert_eq!(found.errors.is_empty(), fits, "{value}: {found:?}");
        }
        let mut found = Findings::default();
        checker.check(&json!(-1), &Ty::Unsigned, "query.page", &mut found);
        assert_eq!(
            found.errors,
            ["query.page: expected a non-negative integer, found a number"]
        );
    }
}
