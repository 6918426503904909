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

use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};

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

/// Writes a generated struct's entries, whatever the serializer: the
/// struct's own `Serialize`, and a tagged union that puts its tag first
/// (see [`tagged!`](super::tagged)). Not generic, so each struct's code is
/// compiled once (see [`Entries`]).
#[doc(hidden)]
pub trait Fields {
    fn write_fields(&self, out: &mut Entries<'_>);
}

/// Where [`Fields`] writes: a map some serializer opened, behind a trait
/// object. Values are written through [`Wire`](super::Wire); the first
/// error is held, and later entries are skipped.
#[doc(hidden)]
pub struct Entries<'a> {
    sink: &'a mut dyn EntrySink,
}

impl fmt::Debug for Entries<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entries").finish_non_exhaustive()
    }
}

impl Entries<'_> {
    /// Writes a required field.
    pub fn put(&mut self, key: &str, value: &dyn erased_serde::Serialize) {
        self.sink.entry(key, value);
    }

    /// Writes an optional field when it is set.
    pub fn put_optional(&mut self, key: &str, value: &dyn OptionalField) {
        if let Some(value) = value.get() {
            self.sink.entry(key, value);
        }
    }

    /// Writes the keys the struct does not declare, after the others.
    pub fn extra(&mut self, extra: &super::Extra) {
        for (key, value) in extra {
            self.sink.entry(key, value);
        }
    }
}

/// An `Option` field, seen without its type.
#[doc(hidden)]
pub trait OptionalField {
    fn get(&self) -> Option<&dyn erased_serde::Serialize>;
}

impl<T: serde::Serialize> OptionalField for Option<T> {
    fn get(&self) -> Option<&dyn erased_serde::Serialize> {
        self.as_ref()
            .map(|value| value as &dyn erased_serde::Serialize)
    }
}

trait EntrySink {
    fn entry(&mut self, key: &str, value: &dyn erased_serde::Serialize);
}

struct MapSink<'a, M: SerializeMap> {
    map: &'a mut M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> EntrySink for MapSink<'_, M> {
    fn entry(&mut self, key: &str, value: &dyn erased_serde::Serialize) {
        if self.error.is_none() {
            if let Err(err) = self.map.serialize_entry(key, &super::Wire(value)) {
                self.error = Some(err);
            }
        }
    }
}

/// Writes `fields` into a map already open.
#[doc(hidden)]
pub fn serialize_fields<M: SerializeMap, T: Fields + ?Sized>(
    fields: &T,
    map: &mut M,
) -> Result<(), M::Error> {
    let mut sink = MapSink { map, error: None };
    fields.write_fields(&mut Entries { sink: &mut sink });
    match sink.error {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

/// A generated struct's `Serialize`: one map of its entries.
#[doc(hidden)]
pub fn serialize_object<S: Serializer, T: Fields + ?Sized>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    serialize_fields(value, &mut map)?;
    map.end()
}

/// Reads a generated struct from the entries of a map, whatever the
/// deserializer. Not generic, so each struct's code is compiled once: the
/// map is behind [`FieldReader`], and each declared field is filled through
/// a [`Slot`].
#[doc(hidden)]
pub trait ReadObject: Sized {
    /// What a value that is not a map was expected to be.
    const EXPECTING: &'static str;

    fn read<'de>(fields: &mut FieldReader<'_, 'de>) -> Result<Self, ReadError>;
}

/// Why [`ReadObject::read`] stopped: the map's own error (held by the
/// reader, to be returned as it is), or a required field that is missing.
#[doc(hidden)]
#[derive(Debug)]
pub struct ReadError(Option<&'static str>);

impl ReadError {
    /// The required field `name` is missing.
    pub fn missing(name: &'static str) -> ReadError {
        ReadError(Some(name))
    }
}

/// The entries of the map a struct is read from.
#[doc(hidden)]
pub struct FieldReader<'a, 'de> {
    map: &'a mut dyn MapRead<'de>,
}

impl fmt::Debug for FieldReader<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldReader").finish_non_exhaustive()
    }
}

impl<'de> FieldReader<'_, 'de> {
    /// The next key; `None` after the last entry.
    pub fn next_key(&mut self) -> Result<Option<Key<'de>>, ReadError> {
        self.map.next_key()
    }

    /// Reads the value of a declared field into its slot.
    pub fn value(&mut self, slot: &mut dyn Slot) -> Result<(), ReadError> {
        self.map.next_value(slot)
    }

    /// Reads the value of an undeclared key into `extra`.
    pub fn keep(&mut self, key: Key<'de>, extra: &mut super::Extra) -> Result<(), ReadError> {
        let value = self.map.next_json()?;
        extra.insert(key.into_string(), value);
        Ok(())
    }
}

/// A declared field's value while its struct is read: an `Option` that the
/// field's value fills, seen without its type.
#[doc(hidden)]
pub trait Slot {
    fn fill<'de>(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error>;
}

impl<T: DeserializeOwned> Slot for Option<T> {
    fn fill<'de>(
        &mut self,
        deserializer: &mut dyn erased_serde::Deserializer<'de>,
    ) -> Result<(), erased_serde::Error> {
        *self = Some(erased_serde::deserialize(deserializer)?);
        Ok(())
    }
}

trait MapRead<'de> {
    fn next_key(&mut self) -> Result<Option<Key<'de>>, ReadError>;
    fn next_value(&mut self, slot: &mut dyn Slot) -> Result<(), ReadError>;
    fn next_json(&mut self) -> Result<serde_json::Value, ReadError>;
}

/// A [`MapAccess`] behind [`MapRead`], holding its first error.
struct MapReader<'de, A: MapAccess<'de>> {
    map: A,
    error: Option<A::Error>,
}

impl<'de, A: MapAccess<'de>> MapReader<'de, A> {
    fn hold<T>(&mut self, result: Result<T, A::Error>) -> Result<T, ReadError> {
        result.map_err(|err| {
            self.error = Some(err);
            ReadError(None)
        })
    }
}

impl<'de, A: MapAccess<'de>> MapRead<'de> for MapReader<'de, A> {
    fn next_key(&mut self) -> Result<Option<Key<'de>>, ReadError> {
        let key = self.map.next_key::<Key<'de>>();
        self.hold(key)
    }

    fn next_value(&mut self, slot: &mut dyn Slot) -> Result<(), ReadError> {
        let value = self.map.next_value_seed(SlotSeed(slot));
        self.hold(value)
    }

    fn next_json(&mut self) -> Result<serde_json::Value, ReadError> {
        let value = self.map.next_value();
        self.hold(value)
    }
}

/// Deserializes a field's value into its slot, through an erased
/// deserializer.
struct SlotSeed<'a>(&'a mut dyn Slot);

impl<'de> DeserializeSeed<'de> for SlotSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut erased = <dyn erased_serde::Deserializer>::erase(deserializer);
        self.0.fill(&mut erased).map_err(serde::de::Error::custom)
    }
}

/// A generated struct's `Deserialize`: a map, read by [`ReadObject`].
#[doc(hidden)]
pub fn deserialize_object<'de, D: Deserializer<'de>, T: ReadObject>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: ReadObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let mut reader = MapReader { map, error: None };
        let read = T::read(&mut FieldReader { map: &mut reader });
        match read {
            Ok(value) => Ok(value),
            Err(ReadError(Some(name))) => Err(serde::de::Error::missing_field(name)),
            Err(ReadError(None)) => Err(reader
                .error
                .unwrap_or_else(|| serde::de::Error::custom("the object could not be read"))),
        }
    }
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
                $crate::runtime::deserialize_object(deserializer)
            }
        }

        impl $crate::runtime::ReadObject for $name {
            const EXPECTING: &'static str = concat!("an object (", stringify!($name), ")");

            fn read<'de>(
                fields: &mut $crate::runtime::FieldReader<'_, 'de>,
            ) -> ::std::result::Result<Self, $crate::runtime::ReadError> {
                $(let mut $field = ::std::option::Option::None;)*
                let mut extra = $crate::runtime::Extra::new();
                while let ::std::option::Option::Some(key) = fields.next_key()? {
                    // One `?` for every arm: each arm is a plain call.
                    match key.as_str() {
                        $($wire => fields.value(&mut $field),)*
                        _ => fields.keep(key, &mut extra),
                    }?;
                }
                ::std::result::Result::Ok($name {
                    $($field: $crate::runtime::object!(@take $field $wire $($required)?),)*
                    extra,
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::runtime::serialize_object(self, serializer)
            }
        }

        impl $crate::runtime::Fields for $name {
            fn write_fields(&self, out: &mut $crate::runtime::Entries<'_>) {
                $($crate::runtime::object!(@put out self.$field, $wire $($required)?);)*
                out.extra(&self.extra);
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
        ::std::option::Option::flatten($slot)
    };
    (@take $slot:ident $wire:literal required) => {
        match $slot {
            ::std::option::Option::Some(value) => value,
            ::std::option::Option::None => {
                return ::std::result::Result::Err($crate::runtime::ReadError::missing($wire));
            }
        }
    };
    (@put $out:ident $value:expr, $wire:literal) => {
        $out.put_optional($wire, &$value)
    };
    (@put $out:ident $value:expr, $wire:literal required) => {
        $out.put($wire, &$value)
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
    fn an_error_in_a_nested_value_says_where_once() {
        // Each field's value is read through an erased deserializer; the
        // error that comes back out is the one serde_json would give.
        let err =
            serde_json::from_str::<Record>(r#"{"id": "a", "meta": {"source": 5}}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: integer `5`, expected a string at line 1 column 32"
        );
        let err =
            serde_json::from_str::<Record>(r#"{"id": "a", "meta": {"k": [1, }}"#).unwrap_err();
        assert_eq!(err.to_string(), "expected value at line 1 column 31");
        let err = serde_json::from_value::<Record>(json!({"id": "a", "meta": 3})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: integer `3`, expected an object (Meta)"
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
