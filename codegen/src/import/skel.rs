//! The importer's shapes, [`Skel`], and how they are written as overlay
//! skeletons (`"*integer, required, seconds*"`, `["*string*", null]`, `{}`).
//!
//! A `Skel` is what a drafted fence says: the placeholders of the overlay
//! grammar, with each field's `required` flag and words. Two ways to combine
//! them live here too: [`union`] (a `oneOf`: any of the alternatives) and
//! [`both`] (an `allOf`: all of them at once).

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::json::Json;

/// One place in a skeleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Skel {
    /// `null`: nothing known; in an overlay it keeps what the document shows.
    Unknown,
    /// `"*any*"`: any JSON value, whatever the document shows.
    Any,
    /// `{}`: an object without declared fields.
    Map,
    String,
    DateTime,
    Integer,
    Number,
    Boolean,
    /// `"*enum: a | b*"`: a string with these values.
    Enum(Vec<String>),
    Object(Vec<Prop>),
    /// One element shape; `true` when elements may be `null`.
    Array(Box<Skel>, bool),
}

/// A field of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prop {
    pub name: String,
    pub skel: Skel,
    pub required: bool,
    /// What the field means: one line, commas allowed.
    pub words: String,
}

impl Prop {
    pub(crate) fn new(name: &str, skel: Skel) -> Self {
        Self {
            name: name.to_owned(),
            skel,
            required: false,
            words: String::new(),
        }
    }
}

impl Skel {
    /// The shape in a few words, for the note on a widened field.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Skel::Unknown => "nothing",
            Skel::Any => "any JSON",
            Skel::Map | Skel::Object(_) => "an object",
            Skel::String | Skel::DateTime | Skel::Enum(_) => "a string",
            Skel::Integer => "an integer",
            Skel::Number => "a number",
            Skel::Boolean => "a boolean",
            Skel::Array(..) => "an array",
        }
    }

    /// `true` for a shape with nothing in it: a body or query of this is no
    /// content.
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Skel::Unknown | Skel::Any)
    }
}

/// `skel` made to hold `example`, a value the description itself shows
/// for the place: what the API sends must decode, so a place the example
/// contradicts becomes any JSON, an element the example shows `null` may be
/// `null`, a field it shows `null` is optional, and a place the schema
/// leaves untyped takes the example's kind (`{"example": "023e…"}` is a
/// string). Keys the example has and the schema lacks are left to the
/// type's `extra` map.
pub(crate) fn fit_example(skel: Skel, example: &Json) -> Skel {
    use Skel::*;
    match (skel, example) {
        (skel, Json::Null) => skel,
        (Unknown, example) => kind_of(example),
        (Any, _) => Any,
        (skel @ (String | DateTime | Enum(_)), Json::String(_)) => skel,
        (Integer, Json::Number(number)) if number.is_i64() || number.is_u64() => Integer,
        (Integer | Number, Json::Number(_)) => Number,
        (Boolean, Json::Bool(_)) => Boolean,
        (Map, Json::Object(_)) => Map,
        (Object(mut props), Json::Object(entries)) => {
            let entries: &[(std::string::String, Json)] = entries;
            for prop in &mut props {
                let Some((_, value)) = entries.iter().find(|(k, _)| *k == prop.name) else {
                    continue;
                };
                if *value == Json::Null {
                    prop.required = false;
                } else {
                    let skel = std::mem::replace(&mut prop.skel, Unknown);
                    prop.skel = fit_example(skel, value);
                }
            }
            Object(props)
        }
        (Array(mut item, mut nullable), Json::Array(values)) => {
            for value in values {
                if *value == Json::Null {
                    nullable = true;
                } else {
                    item = Box::new(fit_example(*item, value));
                }
            }
            Array(item, nullable)
        }
        _ => Any,
    }
}

/// The shape of an example value, all the way down: a body the
/// description shows only by example. Nothing is required (an example
/// shows what may be sent, not what must).
pub(crate) fn skel_of_example(value: &Json) -> Skel {
    match value {
        Json::Object(entries) if !entries.is_empty() => Skel::Object(
            entries
                .iter()
                .map(|(name, value)| Prop::new(name, skel_of_example(value)))
                .collect(),
        ),
        Json::Array(items) => Skel::Array(
            Box::new(items.first().map_or(Skel::Unknown, skel_of_example)),
            false,
        ),
        Json::Number(number) if number.is_i64() || number.is_u64() => Skel::Integer,
        other => kind_of(other),
    }
}

/// The shape of a value's kind, without looking inside it.
fn kind_of(value: &Json) -> Skel {
    match value {
        Json::Null => Skel::Unknown,
        Json::Bool(_) => Skel::Boolean,
        Json::Number(_) => Skel::Number,
        Json::String(_) => Skel::String,
        Json::Array(_) => Skel::Array(Box::new(Skel::Unknown), false),
        Json::Object(_) => Skel::Map,
    }
}

/// A value that is any one of `a` and `b` (`oneOf`, `anyOf`). Objects join
/// their fields (required only when both require them), scalars of one kind
/// stay that kind (an integer or a number is a number, enums join their
/// values), arrays join their elements; anything else is any JSON.
pub(crate) fn union(a: Skel, b: Skel) -> Skel {
    use Skel::*;
    match (a, b) {
        (Unknown, Unknown) => Unknown,
        (Any, _) | (_, Any) | (Unknown, _) | (_, Unknown) => Any,
        (Enum(mut a), Enum(b)) => {
            for value in b {
                if !a.contains(&value) {
                    a.push(value);
                }
            }
            Enum(a)
        }
        (String | DateTime | Enum(_), String | DateTime | Enum(_)) => String,
        (Integer, Integer) => Integer,
        (Integer | Number, Integer | Number) => Number,
        (Boolean, Boolean) => Boolean,
        (Map, Map) => Map,
        (Map, Object(fields)) | (Object(fields), Map) => Object(
            fields
                .into_iter()
                .map(|p| Prop {
                    required: false,
                    ..p
                })
                .collect(),
        ),
        (Object(a), Object(b)) => Object(join_fields(a, b, union, |x, y| x && y)),
        (Array(a, na), Array(b, nb)) => Array(Box::new(union(*a, *b)), na || nb),
        _ => Any,
    }
}

/// A value that is both `a` and `b` (`allOf`): objects join their fields
/// (required when either requires them), a refinement wins over what it
/// refines (an enum over a string), and what cannot be both is any JSON.
pub(crate) fn both(a: Skel, b: Skel) -> Skel {
    use Skel::*;
    match (a, b) {
        (Unknown | Any, x) | (x, Unknown | Any) => x,
        (Map, Object(f)) | (Object(f), Map) => Object(f),
        (Object(a), Object(b)) => Object(join_fields(a, b, both, |x, y| x || y)),
        (Array(a, na), Array(b, nb)) => Array(Box::new(both(*a, *b)), na && nb),
        (Enum(a), String | DateTime | Enum(_)) | (String | DateTime, Enum(a)) => Enum(a),
        (DateTime, String | DateTime) | (String, DateTime) => DateTime,
        (Integer, Integer | Number) | (Number, Integer) => Integer,
        (a, b) if a == b => a,
        _ => Any,
    }
}

/// The fields of `a`, then those only `b` has; a field both have combines
/// its shapes with `shape` and its flags with `required`.
fn join_fields(
    a: Vec<Prop>,
    b: Vec<Prop>,
    shape: fn(Skel, Skel) -> Skel,
    required: fn(bool, bool) -> bool,
) -> Vec<Prop> {
    let mut out: Vec<Prop> = Vec::with_capacity(a.len().max(b.len()));
    let mut b: Vec<Option<Prop>> = b.into_iter().map(Some).collect();
    for field in a {
        let other = b
            .iter_mut()
            .find(|o| o.as_ref().is_some_and(|o| o.name == field.name))
            .and_then(Option::take);
        out.push(match other {
            Some(other) => Prop {
                required: required(field.required, other.required),
                words: if field.words.is_empty() {
                    other.words
                } else {
                    field.words
                },
                skel: shape(field.skel, other.skel),
                name: field.name,
            },
            // In only one of them: in a union it may be absent.
            None => Prop {
                required: required(field.required, false),
                ..field
            },
        });
    }
    out.extend(b.into_iter().flatten().map(|field| Prop {
        required: required(false, field.required),
        ..field
    }));
    out
}

/// The skeleton text of a fence: JSON, two-space indented, no newline at
/// the end.
pub(crate) fn fence_text(skel: &Skel) -> String {
    let out = Out::of(skel, false, "");
    serde_json::to_string_pretty(&out).unwrap_or_else(|_| "null".to_owned())
}

/// A skeleton as JSON: placeholders are strings, objects keep their order.
enum Out {
    Null,
    Placeholder(String),
    Array(Vec<Out>),
    Object(Vec<(String, Out)>),
}

impl Out {
    /// `required` and `words` describe the field holding `skel`; they go in
    /// its placeholder, or in its array's element's.
    fn of(skel: &Skel, required: bool, words: &str) -> Out {
        let placeholder = |kind: &str| Out::Placeholder(placeholder(kind, required, words));
        match skel {
            Skel::Unknown => Out::Null,
            Skel::Map => Out::Object(Vec::new()),
            Skel::Any => placeholder("any"),
            Skel::String => placeholder("string"),
            Skel::DateTime => placeholder("date-time"),
            Skel::Integer => placeholder("integer"),
            Skel::Number => placeholder("number"),
            Skel::Boolean => placeholder("boolean"),
            Skel::Enum(values) => placeholder(&format!("enum: {}", values.join(" | "))),
            Skel::Object(fields) => Out::Object(
                fields
                    .iter()
                    .map(|f| (f.name.clone(), Out::of(&f.skel, f.required, &f.words)))
                    .collect(),
            ),
            Skel::Array(item, nullable) => {
                let mut items = vec![Out::of(item, required, words)];
                // `[null, null]`: whatever the document shows, or `null`.
                if *nullable {
                    items.push(Out::Null);
                }
                Out::Array(items)
            }
        }
    }
}

/// `*kind, required, words*`.
fn placeholder(kind: &str, required: bool, words: &str) -> String {
    let mut text = format!("*{kind}");
    if required {
        text.push_str(", required");
    }
    if !words.is_empty() {
        text.push_str(", ");
        text.push_str(words);
    }
    text.push('*');
    text
}

impl Serialize for Out {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Out::Null => serializer.serialize_unit(),
            Out::Placeholder(text) => serializer.serialize_str(text),
            Out::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Out::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// A description as a field's words: its first sentence, on one line, at
/// most about 100 characters (cut at a word, with `…`), with `deprecated`
/// in front when the field is.
pub(crate) fn words(description: Option<&str>, deprecated: bool) -> String {
    const MAX: usize = 100;
    let text: String = description
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut sentence = first_sentence(&text).trim_end_matches('.').trim();
    let cut;
    if sentence.chars().count() > MAX {
        let end = sentence
            .char_indices()
            .nth(MAX)
            .map_or(sentence.len(), |(i, _)| i);
        let head = &sentence[..end];
        let head = head.rfind(' ').map_or(head, |space| &head[..space]);
        cut = format!("{}…", head.trim_end_matches([',', ';', ':', ' ']));
        sentence = &cut;
    }
    // A word that is exactly `required` would read as the flag.
    let parts: Vec<&str> = sentence
        .split(',')
        .map(|part| {
            if part.trim() == "required" {
                " (required)"
            } else {
                part
            }
        })
        .collect();
    let sentence = parts.join(",");
    match (deprecated, sentence.trim().is_empty()) {
        (true, true) => "deprecated".to_owned(),
        (true, false) => format!("deprecated, {}", sentence.trim()),
        (false, _) => sentence.trim().to_owned(),
    }
}

/// Up to the first `.`, `!` or `?` followed by a space (not the one of an
/// abbreviation such as `e.g.`).
fn first_sentence(text: &str) -> &str {
    const ABBREVIATIONS: &[&str] = &[
        "e.g", "i.e", "etc", "vs", "approx", "incl", "ex", "eg", "ie",
    ];
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if !matches!(b, b'.' | b'!' | b'?') || bytes.get(i + 1) != Some(&b' ') {
            continue;
        }
        let word = text[..i].rsplit(' ').next().unwrap_or_default();
        let word = word
            .trim_start_matches(['(', '"', '\''])
            .to_ascii_lowercase();
        // `e.g.`, and the `1.` of a numbered list or a version.
        let number = !word.is_empty() && word.bytes().all(|c| c.is_ascii_digit());
        if *b == b'.' && (number || ABBREVIATIONS.contains(&word.as_str())) {
            continue;
        }
        return &text[..=i];
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(fields: &[(&str, Skel, bool)]) -> Skel {
        Skel::Object(
            fields
                .iter()
                .map(|(name, skel, required)| Prop {
                    required: *required,
                    ..Prop::new(name, skel.clone())
                })
                .collect(),
        )
    }

    #[test]
    fn words_take_the_first_sentence_on_one_line() {
        let cases = [
            (
                Some("The zone's name.\nMore text."),
                false,
                "The zone's name",
            ),
            (
                Some("Use e.g. a hostname. Then more."),
                false,
                "Use e.g. a hostname",
            ),
            (Some("Old field."), true, "deprecated, Old field"),
            (None, true, "deprecated"),
            (None, false, ""),
            (
                Some("This is required, always."),
                false,
                "This is required, always",
            ),
            (
                Some("Either, required, or not"),
                false,
                "Either, (required), or not",
            ),
        ];
        for (text, deprecated, expected) in cases {
            assert_eq!(words(text, deprecated), expected, "{text:?}");
        }
        let long = "word ".repeat(40);
        let cut = words(Some(&long), false);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= 101, "{cut}");
    }

    #[test]
    fn unions_and_intersections() {
        use Skel::*;
        let cases = [
            (union(Integer, Number), Number),
            (union(String, Enum(vec!["a".into()])), String),
            (
                union(Enum(vec!["a".into()]), Enum(vec!["b".into(), "a".into()])),
                Enum(vec!["a".into(), "b".into()]),
            ),
            (union(String, Map), Any),
            (union(Unknown, String), Any),
            (
                union(
                    obj(&[("a", String, true), ("b", Integer, true)]),
                    obj(&[("a", String, true)]),
                ),
                obj(&[("a", String, true), ("b", Integer, false)]),
            ),
            (
                union(
                    Array(Box::new(String), false),
                    Array(Box::new(String), true),
                ),
                Array(Box::new(String), true),
            ),
            (both(String, Enum(vec!["x".into()])), Enum(vec!["x".into()])),
            (both(Unknown, Integer), Integer),
            (both(String, Integer), Any),
            (
                both(
                    obj(&[("a", String, false)]),
                    obj(&[("a", String, true), ("b", Boolean, false)]),
                ),
                obj(&[("a", String, true), ("b", Boolean, false)]),
            ),
        ];
        for (got, expected) in cases {
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn writes_placeholders_and_nullable_elements() {
        let skel = Skel::Object(vec![
            Prop {
                required: true,
                words: "seconds, \"quoted\"".into(),
                ..Prop::new("ttl", Skel::Integer)
            },
            Prop {
                words: "values".into(),
                ..Prop::new("list", Skel::Array(Box::new(Skel::Number), true))
            },
            Prop::new("any", Skel::Array(Box::new(Skel::Unknown), true)),
            Prop::new("map", Skel::Map),
            Prop::new("kind", Skel::Enum(vec!["a".into(), "b".into()])),
        ]);
        assert_eq!(
            fence_text(&skel),
            r#"{
  "ttl": "*integer, required, seconds, \"quoted\"*",
  "list": [
    "*number, values*",
    null
  ],
  "any": [
    null,
    null
  ],
  "map": {},
  "kind": "*enum: a | b*"
}"#
        );
    }
}
