//! What every generated struct is made of: serde impls that keep the keys
//! the type does not declare.
//!
//! The docs are lossy (fields that live in a `oneOf` upstream are simply
//! missing), so a response struct must never drop what the API sends. Each
//! generated struct has a public `extra` map of the keys it does not
//! declare, decoded as they came and serialized back after the declared
//! ones: decoding a response and serializing it again gives the same JSON,
//! key order and nulls aside. [`Object`] reaches that map from generic code.
//!
//! The impls come from [`object!`], called once per struct with its wire
//! names, rather than from `#[derive(Serialize, Deserialize)]` with
//! `#[serde(flatten)]`: the derive buffers every object before reading it,
//! and over ~2,000 structs it compiles several times slower than this one
//! macro. Declared fields are matched by name in one pass, as the derive
//! does; optional fields treat `null` as absent; a required field that is
//! missing is an error naming it. The entries are written by [`Fields`], so
//! that a tagged union can put its tag in front of them in the same map.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde::ser::SerializeMap;

/// A generated struct: typed fields, plus the keys it does not declare.
pub trait Object {
    /// Keys the API sent that this type does not declare, as they came.
    fn extra(&self) -> &serde_json::Map<String, serde_json::Value>;

    /// The same, to change before serializing the value again.
    fn extra_mut(&mut self) -> &mut serde_json::Map<String, serde_json::Value>;

    /// An undeclared key decoded as `T`: `None` when absent.
    fn extra_field<T: DeserializeOwned>(&self, key: &str) -> Option<serde_json::Result<T>> {
        self.extra()
            .get(key)
            .map(|value| T::deserialize(value).map_err(serde::de::Error::custom))
    }
}

/// An object key, borrowed from the input when it can be.
#[doc(hidden)]
#[derive(Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into_owned()
    }

    /// The key, still borrowed from the input when it was.
    pub(crate) fn into_cow(self) -> Cow<'de, str> {
        self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Writes a generated struct's entries into a map someone else opened: the
/// struct's own `Serialize`, and a tagged union that puts its tag first
/// (see [`tagged!`](super::tagged)).
#[doc(hidden)]
pub trait Fields {
    fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// Reads a declared field's value into its slot.
#[doc(hidden)]
pub fn fill<'de, A: serde::de::MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads an undeclared key's value into `extra`.
#[doc(hidden)]
pub fn keep<'de, A: serde::de::MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    extra: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    extra.insert(key.into_string(), value);
    Ok(())
}

/// Writes a required field.
#[doc(hidden)]
pub fn put<M: SerializeMap, T: serde::Serialize>(
    map: &mut M,
    key: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    map.serialize_entry(key, &super::Wire(value))
}

/// Writes an optional field when it is set.
#[doc(hidden)]
pub fn put_optional<M: SerializeMap, T: serde::Serialize>(
    map: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, &super::Wire(value)),
        None => Ok(()),
    }
}

/// An optional field's value: absent and `null` are both `None`.
#[doc(hidden)]
pub fn optional<T>(slot: Option<Option<T>>) -> Option<T> {
    slot.flatten()
}

/// Implements `Serialize`, `Deserialize` and [`Object`] for a generated
/// struct whose fields are listed with their wire names; `required` marks a
/// field that is not an `Option`. The struct has an `extra` field of type
/// `serde_json::Map<String, serde_json::Value>`.
///
/// ```text
/// crate::runtime::object!(PcapsOwnership { id: "id" required, validated: "validated" });
/// ```
macro_rules! object {
    ($name:ident { $($field:ident : $wire:literal $($required:ident)?),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> ::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    #[allow(unused_mut)]
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::std::result::Result<$name, A::Error> {
                        $(let mut $field = ::std::option::Option::None;)*
                        let mut extra = ::serde_json::Map::new();
                        while let ::std::option::Option::Some(key) =
                            map.next_key::<$crate::runtime::Key<'de>>()?
                        {
                            // One `?` for every arm: each arm is a plain
                            // call, which type-checks fast (~4,000 structs).
                            match key.as_str() {
                                $($wire => $crate::runtime::fill(&mut map, &mut $field),)*
                                _ => $crate::runtime::keep(&mut map, key, &mut extra),
                            }?;
                        }
                        ::std::result::Result::Ok($name {
                            $($field: $crate::runtime::object!(@take $field $wire $($required)?),)*
                            extra,
                        })
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                $crate::runtime::Fields::serialize_fields(self, &mut map)?;
                map.end()
            }
        }

        impl $crate::runtime::Fields for $name {
            fn serialize_fields<M: ::serde::ser::SerializeMap>(
                &self,
                map: &mut M,
            ) -> ::std::result::Result<(), M::Error> {
                $($crate::runtime::object!(@put map self.$field, $wire $($required)?);)*
                for (key, value) in &self.extra {
                    map.serialize_entry(key, &$crate::runtime::Wire(value))?;
                }
                ::std::result::Result::Ok(())
            }
        }

        impl $crate::runtime::Object for $name {
            fn extra(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
                &self.extra
            }
            fn extra_mut(
                &mut self,
            ) -> &mut ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                &mut self.extra
            }
        }
    };
    (@take $slot:ident $wire:literal) => {
        $crate::runtime::optional($slot)
    };
    (@take $slot:ident $wire:literal required) => {
        match $slot {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => {
                return ::std::result::Result::Err(::serde::de::Error::missing_field($wire));
            }
        }
    };
    (@put $map:ident $value:expr, $wire:literal) => {
        if let ::std::result::Result::Err(err) =
            $crate::runtime::put_optional($map, $wire, &$value)
        {
            return ::std::result::Result::Err(err);
        }
    };
    (@put $map:ident $value:expr, $wire:literal required) => {
        if let ::std::result::Result::Err(err) = $crate::runtime::put($map, $wire, &$value) {
            return ::std::result::Result::Err(err);
        }
    };
}

pub(crate) use object;

/// Implements `Serialize` and `Deserialize` for a generated open enum: a
/// string, known values as variants, any other kept in `Other`. The enum
/// has `as_str` and `From<String>`. A `macro_rules!` rather than serde's
/// derive (`from`/`into` `String`): it writes the value without cloning
/// it, and ~600 enums compile faster without a proc macro each.
macro_rules! open_enum {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)
                    .map(Self::from)
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::Object;

    #[derive(Debug, Clone, PartialEq)]
    struct Record {
        id: String,
        name: Option<String>,
        r#type: Option<String>,
        ttl: Option<f64>,
        meta: Option<Meta>,
        extra: Map<String, Value>,
    }
    super::object!(Record { id: "id" required, name: "name", r#type: "type", ttl: "ttl", meta: "meta" });

    #[derive(Debug, Clone, PartialEq)]
    struct Meta {
        source: Option<String>,
        extra: Map<String, Value>,
    }
    super::object!(Meta { source: "source" });

    /// An open enum as the generator writes one.
    #[derive(Debug, Clone, PartialEq)]
    enum Status {
        Active,
        Other(String),
    }
    impl Status {
        fn as_str(&self) -> &str {
            match self {
                Status::Active => "active",
                Status::Other(other) => other,
            }
        }
    }
    impl From<String> for Status {
        fn from(value: String) -> Status {
            match value.as_str() {
                "active" => Status::Active,
                _ => Status::Other(value),
            }
        }
    }
    crate::runtime::open_enum!(Status);

    #[test]
    fn open_enums_keep_values_they_do_not_know() {
        let read: Vec<Status> = serde_json::from_value(json!(["active", "moved"])).unwrap();
        assert_eq!(read, [Status::Active, Status::Other("moved".into())]);
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            json!(["active", "moved"])
        );
        assert!(serde_json::from_value::<Status>(json!(1)).is_err());
    }

    #[test]
    fn undeclared_keys_are_kept_and_written_back() {
        let sent = json!({
            "id": "r1", "type": "A", "ttl": 3600, "content": "198.51.100.4",
            "meta": {"source": "primary", "auto_added": false},
            "settings": {"ipv4_only": true}, "name": null
        });
        let record: Record = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(record.id, "r1");
        assert_eq!(record.name, None);
        assert_eq!(record.r#type.as_deref(), Some("A"));
        assert_eq!(record.ttl, Some(3600.0));
        assert_eq!(
            record.extra_field::<String>("content").unwrap().unwrap(),
            "198.51.100.4"
        );
        assert_eq!(
            record.meta.as_ref().unwrap().extra()["auto_added"],
            json!(false)
        );
        // Everything comes back, whole numbers as integers; only the null
        // (an absent optional field) is left out.
        let mut expected = sent;
        expected.as_object_mut().unwrap().remove("name");
        assert_eq!(serde_json::to_value(&record).unwrap(), expected);
        assert_eq!(
            serde_json::to_string(&record).unwrap(),
            r#"{"id":"r1","type":"A","ttl":3600,"meta":{"source":"primary","auto_added":false},"content":"198.51.100.4","settings":{"ipv4_only":true}}"#
        );
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let err = serde_json::from_str::<Record>(r#"{"name": "x"}"#).unwrap_err();
        assert_eq!(err.to_string(), "missing field `id` at line 1 column 13");
        let err = serde_json::from_str::<Record>(r#"{"id": 3}"#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid type: integer `3`, expected a string"),
            "{err}"
        );
        let err = serde_json::from_str::<Record>("[]").unwrap_err();
        assert!(
            err.to_string().contains("expected an object (Record)"),
            "{err}"
        );
    }
}
