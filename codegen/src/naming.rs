//! Every Rust name the generator makes comes from here: case conversion,
//! keywords, leading digits, punctuation and uniqueness. This is the only
//! module that uses heck.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of every edition (strict and reserved).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_` instead.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// snake_case of a human title, aware of acronyms: `List PCAPs Bucket
/// Ownership` → `list_pcaps_bucket_ownership`, `IPv4` → `ipv4`, `mTLS` →
/// `mtls`, while camelCase words still split (`zoneId` → `zone_id`).
/// Returns an empty string when the title has no letters or digits.
pub fn title_snake(title: &str) -> String {
    let cleaned: String = title.chars().filter(|&c| c != '\'' && c != '’').collect();
    cleaned
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(word_snake)
        .collect::<Vec<_>>()
        .join("_")
}

fn word_snake(word: &str) -> String {
    let core = match word.strip_suffix('s') {
        Some(core) if core.ends_with(|c: char| c.is_ascii_uppercase()) => core,
        _ => word,
    };
    let first_upper = word.find(|c: char| c.is_ascii_uppercase());
    let lower_whole = !core.chars().any(|c| c.is_ascii_lowercase())
        || word.starts_with(|c: char| c.is_ascii_uppercase())
        || first_upper.is_some_and(|i| !word[i..].chars().any(|c| c.is_ascii_lowercase()));
    if lower_whole {
        word.to_ascii_lowercase()
    } else {
        word.to_snake_case()
    }
}

/// snake_case of a wire name (JSON key, path parameter): `accountId` →
/// `account_id`, `$metadata` → `metadata`, `a.b/c d` → `a_b_c_d`.
fn wire_snake(wire: &str) -> String {
    let spaced: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    spaced.to_snake_case()
}

/// Turns a snake-ish name into a valid identifier: a leading digit gets a `_`
/// prefix; keywords become raw identifiers (`r#type`) or, where Rust forbids
/// that, get a trailing `_` (`self_`).
fn identifier(name: String, fallback: &str) -> String {
    let name = if name.is_empty() {
        fallback.to_owned()
    } else {
        name
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Method name for an endpoint title; `None` when the title holds no letters
/// or digits.
pub fn method_name(title: &str) -> Option<String> {
    let snake = title_snake(title);
    (!snake.is_empty()).then(|| identifier(snake, ""))
}

/// Module name for an area title; `None` when the title gives no identifier.
pub fn module_name(title: &str) -> Option<String> {
    let snake = title_snake(title);
    (!snake.is_empty()).then(|| identifier(snake, ""))
}

/// The cargo feature of an area, from its module name:
/// `magic_pcap_collection` → `magic-pcap-collection`, `r#match` → `match`,
/// `_2fa` → `2fa`.
pub fn feature_name(module: &str) -> String {
    module
        .trim_start_matches("r#")
        .trim_matches('_')
        .replace('_', "-")
}

/// Struct field name for a JSON key.
pub fn field_name(wire: &str) -> String {
    identifier(wire_snake(wire), "field")
}

/// Argument name for a path parameter.
pub fn param_name(wire: &str) -> String {
    identifier(wire_snake(wire), "param")
}

/// PascalCase type name from any name this module made (or a title).
pub fn type_name(name: &str) -> String {
    let bare = name.trim_start_matches("r#");
    let pascal = bare.to_upper_camel_case();
    if pascal.is_empty() {
        "Type".to_owned()
    } else if pascal.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{pascal}")
    } else if pascal == "Self" {
        "Self_".to_owned()
    } else {
        pascal
    }
}

/// A set of names already taken in one namespace.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `true` when `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims `base`, or `base` + `suffix`, or that followed by `2`, `3`, …:
    /// the first that is free. Deterministic for a given sequence of claims.
    pub fn claim(&mut self, base: &str, suffix: &str) -> String {
        let join = |s: &str| {
            if base.ends_with('_') || base.is_empty() {
                format!("{base}{s}")
            } else if base.starts_with(|c: char| c.is_ascii_uppercase()) {
                format!("{base}{}", type_name(s))
            } else {
                format!("{base}_{s}")
            }
        };
        let mut candidates = vec![base.to_owned()];
        if !suffix.is_empty() {
            candidates.push(join(suffix));
        }
        let last = candidates.last().cloned().unwrap_or_default();
        for candidate in candidates {
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        (2..)
            .map(|n| {
                if last.starts_with("r#") {
                    format!("{}{n}", last.trim_start_matches("r#"))
                } else if last.ends_with(|c: char| c.is_ascii_digit()) {
                    format!("{last}_{n}")
                } else {
                    format!("{last}{n}")
                }
            })
            .find(|c| self.taken.insert(c.clone()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_method_names() {
        let table = [
            ("Create PCAP request", "create_pcap_request"),
            ("List PCAPs Bucket Ownership", "list_pcaps_bucket_ownership"),
            ("Download Simple PCAP", "download_simple_pcap"),
            ("Get IPv4 prefixes", "get_ipv4_prefixes"),
            ("Update mTLS settings", "update_mtls_settings"),
            ("List URLs", "list_urls"),
            ("Get zoneId", "get_zone_id"),
            ("Zone's DNSSEC", "zones_dnssec"),
            (
                "Open Websocket connection with @cf/deepgram/nova-3 model.",
                "open_websocket_connection_with_cf_deepgram_nova_3_model",
            ),
            ("GitHub OAuth", "github_oauth"),
            ("Match", "r#match"),
            ("Self", "self_"),
            ("2FA status", "_2fa_status"),
        ];
        for (title, expected) in table {
            assert_eq!(method_name(title).as_deref(), Some(expected), "{title}");
        }
        assert_eq!(method_name("???"), None);
        assert_eq!(method_name(""), None);
    }

    #[test]
    fn wire_names_become_fields() {
        let table = [
            ("destination_conf", "destination_conf"),
            ("type", "r#type"),
            ("ref", "r#ref"),
            ("self", "self_"),
            ("camelCase", "camel_case"),
            ("with space", "with_space"),
            ("a/b", "a_b"),
            ("a.b", "a_b"),
            ("x-request-id", "x_request_id"),
            ("123", "_123"),
            ("$metadata", "metadata"),
            ("_private", "private"),
            ("", "field"),
            ("$", "field"),
        ];
        for (wire, expected) in table {
            assert_eq!(field_name(wire), expected, "{wire}");
        }
    }

    #[test]
    fn type_names() {
        let table = [
            ("list_pcaps_bucket_ownership", "ListPcapsBucketOwnership"),
            ("r#type", "Type"),
            ("_123", "N123"),
            ("self_", "Self_"),
        ];
        for (name, expected) in table {
            assert_eq!(type_name(name), expected, "{name}");
        }
    }

    #[test]
    fn namespace_claims_are_unique_and_deterministic() {
        let mut ns = Namespace::with_reserved(&["client"]);
        assert_eq!(ns.claim("update_rule", "patch"), "update_rule");
        assert_eq!(ns.claim("update_rule", "patch"), "update_rule_patch");
        assert_eq!(ns.claim("update_rule", "patch"), "update_rule_patch2");
        assert_eq!(ns.claim("client", ""), "client2");
        assert_eq!(ns.claim("r#type", ""), "r#type");
        assert_eq!(ns.claim("r#type", ""), "type2");
        let mut types = Namespace::default();
        assert_eq!(types.claim("Item", ""), "Item");
        assert_eq!(types.claim("Item", ""), "Item2");
        assert_eq!(types.claim("V1", ""), "V1");
        assert_eq!(types.claim("V1", ""), "V1_2");
    }
}
