//! Tagged unions that keep what they do not know: the serde impls of every
//! generated "one of" whose variants a field such as `type` tells apart.
//!
//! An API adds kinds over time (a DNS record type, a capture kind), and an
//! old client must still decode a list that holds one, and write it back
//! without loss. So each generated tagged union has, besides a variant per
//! kind it knows, an `Other` variant holding any other value whole, as
//! sent: an object of another kind (or without the tag), tag included, or
//! a value that is not an object at all (that one a mismatch, which
//! [`mismatches`](super::account::mismatches) lists). It serializes back to
//! the same JSON, key order aside. Known kinds decode into their struct,
//! which types what fits and keeps the rest (see `object!`), so a union
//! decodes whatever it is sent.
//!
//! serde's `#[serde(tag = "…")]` derive can do neither: it has no fallback,
//! and it buffers every object into a tree before reading it. [`tagged!`]
//! writes the impls instead. Decoding reads entries only until it meets the
//! tag, holding the few before it (an `id`, a `name`), then hands the chosen
//! struct a map that replays those and goes on reading the input itself.
//! Serializing opens one map, writes the tag, then the struct's entries
//! ([`Fields`]).
//!
//! This module knows no union: the macro's per-union code is a chain of
//! string comparisons from tag value to variant. It must not buffer a known
//! kind's entries past its tag, nor depend on where the tag is.

use std::borrow::Cow;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use super::account::{self, Found, Mismatch};
use super::object::{Fields, Key, serialize_fields};

/// An object read up to its tag: the entries before the tag, the tag's
/// entry (when there is one), and the rest of the input, not read yet.
#[doc(hidden)]
pub struct TagRead<'de, A> {
    before: Vec<(Key<'de>, Value)>,
    tag: Option<(Key<'de>, Value)>,
    rest: A,
    /// The input has no entries left (no tag was found).
    done: bool,
}

impl<A> std::fmt::Debug for TagRead<'_, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TagRead")
            .field("before", &self.before)
            .field("tag", &self.tag)
            .finish_non_exhaustive()
    }
}

/// Reads `map` until the key `tag`, keeping what came before it.
#[doc(hidden)]
pub fn read_tag<'de, A: MapAccess<'de>>(
    mut map: A,
    tag: &str,
) -> Result<TagRead<'de, A>, A::Error> {
    let mut before = Vec::new();
    while let Some(key) = map.next_key::<Key<'de>>()? {
        let value: Value = map.next_value()?;
        if key.as_str() == tag {
            return Ok(TagRead {
                before,
                tag: Some((key, value)),
                rest: map,
                done: false,
            });
        }
        before.push((key, value));
    }
    Ok(TagRead {
        before,
        tag: None,
        rest: map,
        done: true,
    })
}

impl<'de, A: MapAccess<'de>> TagRead<'de, A> {
    /// Whether the tag is the string `value`.
    pub fn is(&self, value: &str) -> bool {
        matches!(&self.tag, Some((_, Value::String(tag))) if tag == value)
    }

    /// The object without its tag, for the struct of a known kind (which
    /// does not declare the tag: the union holds it).
    pub fn known(self) -> Replay<'de, A> {
        Replay {
            buffered: self.before.into_iter(),
            value: None,
            rest: self.rest,
            done: self.done,
        }
    }

    /// The whole object, tag included, in the order it came.
    pub fn whole(self) -> Replay<'de, A> {
        let mut buffered = self.before;
        buffered.extend(self.tag);
        Replay {
            buffered: buffered.into_iter(),
            value: None,
            rest: self.rest,
            done: self.done,
        }
    }
}

/// A map (and a deserializer of it) that yields the entries read already,
/// then the rest of the input.
#[doc(hidden)]
pub struct Replay<'de, A> {
    buffered: std::vec::IntoIter<(Key<'de>, Value)>,
    /// The value of the buffered key just yielded.
    value: Option<Value>,
    rest: A,
    done: bool,
}

impl<A> std::fmt::Debug for Replay<'_, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay")
            .field("buffered", &self.buffered.len())
            .finish_non_exhaustive()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.buffered.next() {
            self.value = Some(value);
            // A borrowed key stays borrowed, as it would have been read.
            return match key.into_cow() {
                Cow::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::new(key)),
                Cow::Owned(key) => seed.deserialize(StringDeserializer::new(key)),
            }
            .map(Some);
        }
        if self.done {
            return Ok(None);
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value).map_err(de::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// Writes a known kind: its tag first, then its struct's entries.
#[doc(hidden)]
pub fn serialize_tagged<S: Serializer, T: Fields>(
    serializer: S,
    tag: &str,
    value: &str,
    fields: &T,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry(tag, value)?;
    serialize_fields(fields, &mut map)?;
    map.end()
}

/// A tagged union sent something other than an object: kept whole in
/// `Other`, and accounted for as a mismatch.
#[doc(hidden)]
pub fn not_an_object(value: Value, expected: &'static str) -> Value {
    account::record(Mismatch::new(Vec::new(), expected, Found::of(&value)));
    value
}

/// The values a tagged union's visitor meets that are not objects, each
/// kept whole in `Other`.
#[allow(unused_macros)]
macro_rules! tagged_other_values {
    ($name:ident) => {
        fn visit_bool<E: ::serde::de::Error>(self, v: bool) -> ::std::result::Result<$name, E> {
            ::std::result::Result::Ok($name::Other($crate::runtime::not_an_object(
                ::serde_json::Value::Bool(v),
                Self::EXPECTING,
            )))
        }
        fn visit_i64<E: ::serde::de::Error>(self, v: i64) -> ::std::result::Result<$name, E> {
            ::std::result::Result::Ok($name::Other($crate::runtime::not_an_object(
                ::serde_json::Value::from(v),
                Self::EXPECTING,
            )))
        }
        fn visit_u64<E: ::serde::de::Error>(self, v: u64) -> ::std::result::Result<$name, E> {
            ::std::result::Result::Ok($name::Other($crate::runtime::not_an_object(
                ::serde_json::Value::from(v),
                Self::EXPECTING,
            )))
        }
        fn visit_f64<E: ::serde::de::Error>(self, v: f64) -> ::std::result::Result<$name, E> {
            ::std::result::Result::Ok($name::Other($crate::runtime::not_an_object(
                ::serde_json::Value::from(v),
                Self::EXPECTING,
            )))
        }
        fn visit_str<E: ::serde::de::Error>(self, v: &str) -> ::std::result::Result<$name, E> {
            ::std::result::Result::Ok($name::Other($crate::runtime::not_an_object(
                ::serde_json::Value::from(v),
                Self::EXPECTING,
            )))
        }
        fn visit_unit<E: ::serde::de::Error>(self) -> ::std::result::Result<$name, E> {
            ::std::result::Result::Ok($name::Other($crate::runtime::not_an_object(
                ::serde_json::Value::Null,
                Self::EXPECTING,
            )))
        }
        fn visit_none<E: ::serde::de::Error>(self) -> ::std::result::Result<$name, E> {
            self.visit_unit()
        }
        fn visit_some<D: ::serde::Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> ::std::result::Result<$name, D::Error> {
            deserializer.deserialize_any(self)
        }
        fn visit_seq<A: ::serde::de::SeqAccess<'de>>(
            self,
            seq: A,
        ) -> ::std::result::Result<$name, A::Error> {
            let value: ::serde_json::Value = ::serde::Deserialize::deserialize(
                ::serde::de::value::SeqAccessDeserializer::new(seq),
            )?;
            ::std::result::Result::Ok($name::Other($crate::runtime::not_an_object(
                value,
                Self::EXPECTING,
            )))
        }
    };
}

/// Implements `Deserialize`, `Serialize` and a `tag()` method for a
/// generated tagged union: an enum with a newtype variant per known kind
/// (each wrapping a struct made by `object!`) and
/// `Other(serde_json::Value)`.
///
/// A build whose areas have no tagged union does not call it.
///
/// ```text
/// crate::runtime::tagged!(PcapCreateRequest, "type", { Simple(PcapCreateSimple) = "simple", Full(PcapCreateFull) = "full" });
/// ```
#[allow(unused_macros)]
macro_rules! tagged {
    ($name:ident, $tag:literal, { $($variant:ident($ty:ident) = $value:literal),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct TaggedVisitor;
                impl TaggedVisitor {
                    const EXPECTING: &'static str = concat!("an object (", stringify!($name), ")");
                }
                impl<'de> ::serde::de::Visitor<'de> for TaggedVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> ::std::result::Result<$name, A::Error> {
                        let read = $crate::runtime::read_tag(map, $tag)?;
                        $(
                            if read.is($value) {
                                return <$ty as ::serde::Deserialize>::deserialize(read.known())
                                    .map($name::$variant);
                            }
                        )*
                        ::serde::Deserialize::deserialize(read.whole()).map($name::Other)
                    }
                    $crate::runtime::tagged_other_values!($name);
                }
                deserializer.deserialize_any(TaggedVisitor)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $($name::$variant(value) => {
                        $crate::runtime::serialize_tagged(serializer, $tag, $value, value)
                    })*
                    $name::Other(value) => {
                        ::serde::Serialize::serialize(&$crate::runtime::Wire(value), serializer)
                    }
                }
            }
        }

        impl $name {
            #[doc = concat!(
                "The `", $tag, "` of this value: its variant's, or for `Other`, the one ",
                "it was sent with (empty when it has none, or one that is not a string)."
            )]
            pub fn tag(&self) -> &str {
                match self {
                    $($name::$variant(_) => $value,)*
                    $name::Other(value) => value
                        .get($tag)
                        .and_then(::serde_json::Value::as_str)
                        .unwrap_or(""),
                }
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use tagged;
#[allow(unused_imports)]
pub(crate) use tagged_other_values;

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::runtime::model::account::Scope;
    use crate::runtime::{Extra, Mismatch, Object};

    #[derive(Debug, Clone, PartialEq)]
    struct Txt {
        name: String,
        content: Option<String>,
        ttl: Option<f64>,
        extra: Extra,
    }
    crate::runtime::object!(Txt { name: "name" required => string, content: "content" => string, ttl: "ttl" => number });

    #[derive(Debug, Clone, PartialEq)]
    struct Mx {
        name: String,
        priority: Option<f64>,
        extra: Extra,
    }
    crate::runtime::object!(Mx { name: "name" required => string, priority: "priority" => number });

    #[derive(Debug, Clone, PartialEq)]
    enum Record {
        Txt(Txt),
        Mx(Mx),
        Other(Value),
    }
    super::tagged!(Record, "type", { Txt(Txt) = "TXT", Mx(Mx) = "MX" });

    fn txt(name: &str, content: &str) -> Txt {
        Txt {
            name: name.into(),
            content: Some(content.into()),
            ttl: None,
            extra: Extra::new(),
        }
    }

    /// Decodes `text` as a caller of a whole result does, with what did not
    /// fit in it.
    fn decode<T: serde::de::DeserializeOwned>(text: &str) -> (T, Vec<String>) {
        let scope = Scope::open();
        let value = serde_json::from_str(text).unwrap();
        let listed = scope.close().iter().map(Mismatch::to_string).collect();
        (value, listed)
    }

    #[test]
    fn known_kinds_decode_wherever_the_tag_is() {
        for text in [
            r#"{"type": "TXT", "name": "a", "content": "hi"}"#,
            r#"{"name": "a", "type": "TXT", "content": "hi"}"#,
            r#"{"name": "a", "content": "hi", "type": "TXT"}"#,
        ] {
            let record: Record = serde_json::from_str(text).unwrap();
            assert_eq!(record, Record::Txt(txt("a", "hi")), "{text}");
            assert_eq!(record.tag(), "TXT");
            // A tree decodes the same way as text.
            let from_value: Record =
                serde_json::from_value(serde_json::from_str(text).unwrap()).unwrap();
            assert_eq!(from_value, record);
        }
        let mx: Record =
            serde_json::from_str(r#"{"id": "r1", "type": "MX", "name": "m", "priority": 10}"#)
                .unwrap();
        let Record::Mx(mx) = mx else { panic!("{mx:?}") };
        assert_eq!((mx.name.as_str(), mx.priority), ("m", Some(10.0)));
        // Keys before the tag that the struct does not declare are kept too.
        assert_eq!(mx.extra(), json!({"id": "r1"}).as_object().unwrap());
    }

    #[test]
    fn a_known_kind_keeps_undeclared_keys_and_writes_its_tag_first() {
        let sent = json!({"settings": {"flatten": true}, "name": "a", "type": "TXT",
                          "content": "hi", "ttl": 3600, "tags": ["x:y"]});
        let record: Record = serde_json::from_value(sent.clone()).unwrap();
        let Record::Txt(inner) = &record else {
            panic!("{record:?}")
        };
        assert_eq!(inner.extra()["settings"], json!({"flatten": true}));
        assert_eq!(serde_json::to_value(&record).unwrap(), sent);
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"type":"TXT","name":"a","content":"hi","ttl":3600,"settings":{"flatten":true},"tags":["x:y"]}"#
        );
    }

    #[test]
    fn an_unknown_kind_is_kept_whole_and_written_back_unchanged() {
        for sent in [
            json!({"id": "r9", "type": "OPENPGPKEY", "name": "k", "content": "mQIN", "ttl": 300}),
            // No tag, or a tag that is not a string: kept too, not refused.
            json!({"name": "k", "content": "x"}),
            json!({"type": 7, "name": "k"}),
            json!({}),
        ] {
            let record: Record = serde_json::from_value(sent.clone()).unwrap();
            let Record::Other(value) = &record else {
                panic!("{record:?}")
            };
            assert_eq!(value, &sent);
            assert_eq!(serde_json::to_value(&record).unwrap(), sent);
            // A kind this client does not know is not a mismatch.
            let (_, listed) = decode::<Record>(&sent.to_string());
            assert!(listed.is_empty());
            let again: Record =
                serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
            assert_eq!(again, record);
        }
        let record: Record = serde_json::from_str(r#"{"type": "SOA", "name": "z"}"#).unwrap();
        assert_eq!(record.tag(), "SOA");
        let record: Record = serde_json::from_str(r#"{"type": 7}"#).unwrap();
        assert_eq!(record.tag(), "");
    }

    #[test]
    fn a_known_kind_that_does_not_fit_keeps_what_did_not() {
        let sent = json!({"type": "MX", "priority": "high"});
        let (record, listed) = decode::<Record>(&sent.to_string());
        let Record::Mx(mx) = &record else {
            panic!("{record:?}")
        };
        assert_eq!((mx.name.as_str(), mx.priority), ("", None));
        assert_eq!(mx.mismatches().len(), 2);
        assert_eq!(
            listed,
            [
                ".priority: expected a number, found a string",
                ".name: expected a value, found nothing (the key is missing)",
            ]
        );
        assert_eq!(serde_json::to_value(&record).unwrap(), sent);
    }

    #[test]
    fn a_value_that_is_not_an_object_is_other_and_a_mismatch() {
        let text = r#"[{"type": "TXT", "name": "a"}, "TXT", null, [1], {"type": "NEW", "x": 1}]"#;
        // Decoded on its own, a union has nowhere to say so but `Other`.
        let records: Vec<Record> = serde_json::from_str(text).unwrap();
        assert_eq!(records[1], Record::Other(json!("TXT")));
        assert_eq!(records[2], Record::Other(json!(null)));
        // Decoded as a result, each is listed (a list's reader puts the
        // index in front; serde's `Vec` does not).
        let (_, listed) = decode::<Vec<Record>>(text);
        assert_eq!(
            listed,
            [
                ".: expected an object (Record), found a string",
                ".: expected an object (Record), found null",
                ".: expected an object (Record), found an array",
            ]
        );
        let back = serde_json::to_value(&records).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn lists_mix_known_and_unknown_kinds() {
        let text = r#"[{"type": "TXT", "name": "a"}, {"type": "NEW", "x": 1}, {"name": "m", "type": "MX", "priority": 5}]"#;
        let records: Vec<Record> = serde_json::from_str(text).unwrap();
        let tags: Vec<&str> = records.iter().map(Record::tag).collect();
        assert_eq!(tags, ["TXT", "NEW", "MX"]);
        assert!(matches!(records[1], Record::Other(_)));
        let back = serde_json::to_value(&records).unwrap();
        assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
    }
}
