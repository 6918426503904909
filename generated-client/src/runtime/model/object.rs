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
//! and over ~4,000 structs it compiles several times slower than this one
//! macro. Declared fields are matched by name in one pass, as the derive
//! does; optional fields treat `null` as absent; a required field that is
//! missing is an error naming it.
//!
//! What the macro writes per struct is not generic: [`ReadObject::read`]
//! takes the map behind a trait object ([`FieldReader`]), and
//! [`Fields::write_fields`] hands each value to [`Entries`] as an
//! `erased_serde::Serialize`. The generic halves (`deserialize_object`,
//! `serialize_object`) are written once here. Type-checking a struct's
//! impls once, rather than once per serializer and deserializer type
//! parameter, took checking every area from 55 s to about 40 s.
//!
//! A field is read the way the generator marks it in the macro call: a
//! leaf (`=> string`, `=> number`…, see [`Leaf`]) and a struct of the
//! area or an array of them (`=> object`, `=> objects`) straight from the
//! deserializer at hand; any other type (an enum, a union, a map) through
//! a [`Slot`] and an erased deserializer, a dynamic call per value and a
//! box for one larger than two words. Typed decoding stays as fast as
//! decoding into a `serde_json::Value` (see the `decode` bench). The
//! entries are written by [`Fields`] so that a tagged union can put its
//! tag in front of them in the same map.

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

    /// Reads the value of a field of a leaf kind.
    pub fn leaf(&mut self, slot: Leaf<'_>) -> Result<(), ReadError> {
        self.map.next_leaf(slot)
    }

    /// Reads the value of a field whose type is a generated struct with
    /// that struct's [`ReadObject::read`] (see [`ObjectSlot`]).
    pub fn object(&mut self, slot: &mut dyn StructField) -> Result<(), ReadError> {
        self.map.next_object(slot.slot())
    }

    /// [`object`](Self::object) for an optional field: `null` is `None`.
    pub fn optional_object(&mut self, slot: &mut dyn OptionalStructField) -> Result<(), ReadError> {
        self.map.next_object(slot.slot())
    }

    /// Reads the value of a field that is an array of generated structs.
    pub fn objects(&mut self, slot: &mut dyn StructsField) -> Result<(), ReadError> {
        self.map.next_objects(slot.slot())
    }

    /// [`objects`](Self::objects) for an optional field: `null` is `None`.
    pub fn optional_objects(
        &mut self,
        slot: &mut dyn OptionalStructsField,
    ) -> Result<(), ReadError> {
        self.map.next_objects(slot.slot())
    }

    /// Reads the value of an undeclared key into `extra`.
    pub fn keep(&mut self, key: Key<'de>, extra: &mut super::Extra) -> Result<(), ReadError> {
        let value = self.map.next_json()?;
        extra.insert(key.into_string(), value);
        Ok(())
    }
}

/// A declared field's value while its struct is read: an `Option` that the
/// field's value fills, seen without its type. For the fields the generator
/// does not mark as a [`Leaf`] or a struct: enums, unions, maps, nested
/// arrays. The value is read through an erased deserializer.
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

/// Declares [`Leaf`], and the `field::read` functions of each leaf kind
/// (see [`field`]).
macro_rules! leaves {
    ($($kind:ident($ty:ty), $variant:ident, $optional:ident;)*) => {
        /// The slot of a field of a common leaf type, as the generator marks
        /// it (`=> string`…): read from the deserializer at hand, not
        /// through an erased one (which would box every string). Each kind
        /// with its optional field's `Option`.
        #[doc(hidden)]
        #[derive(Debug)]
        pub enum Leaf<'a> {
            $($variant(&'a mut Option<$ty>), $optional(&'a mut Option<Option<$ty>>),)*
        }

        impl Leaf<'_> {
            fn read<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                match self {
                    $(
                        Leaf::$variant(slot) => *slot = Some(Deserialize::deserialize(deserializer)?),
                        Leaf::$optional(slot) => *slot = Some(Deserialize::deserialize(deserializer)?),
                    )*
                }
                Ok(())
            }
        }

        /// `field::read::<kind>` and `field::read::<kind>::required`.
        macro_rules! leaf_readers {
            () => {
                $(
                    /// An optional field of this leaf kind.
                    pub fn $kind(
                        fields: &mut FieldReader<'_, '_>,
                        slot: &mut Option<Option<$ty>>,
                    ) -> Result<(), ReadError> {
                        fields.leaf(Leaf::$optional(slot))
                    }

                    pub mod $kind {
                        use super::super::{FieldReader, Leaf, ReadError};

                        /// A required field of this leaf kind.
                        pub fn required(
                            fields: &mut FieldReader<'_, '_>,
                            slot: &mut Option<$ty>,
                        ) -> Result<(), ReadError> {
                            fields.leaf(Leaf::$variant(slot))
                        }
                    }
                )*
            };
        }
    };
}

leaves! {
    string(String), String, OptionalString;
    boolean(bool), Bool, OptionalBool;
    number(f64), F64, OptionalF64;
    integer(i64), I64, OptionalI64;
    strings(Vec<String>), Strings, OptionalStrings;
    json(serde_json::Value), Json, OptionalJson;
}

/// A field whose type is a generated struct, or an `Option` of one (an
/// optional field, where `null` is `None`). Read by the struct's own
/// [`ReadObject::read`], from the deserializer at hand: a struct inside a
/// struct is not read through an erased deserializer, which would box each
/// of its values.
#[doc(hidden)]
pub trait ObjectSlot {
    /// What the value was expected to be.
    fn expecting(&self) -> &'static str;
    /// `null` is a value here (`None`).
    fn nullable(&self) -> bool;
    fn set_null(&mut self);
    fn read(&mut self, fields: &mut FieldReader<'_, '_>) -> Result<(), ReadError>;
}

impl<T: ReadObject> ObjectSlot for Option<T> {
    fn expecting(&self) -> &'static str {
        T::EXPECTING
    }
    fn nullable(&self) -> bool {
        false
    }
    fn set_null(&mut self) {}
    fn read(&mut self, fields: &mut FieldReader<'_, '_>) -> Result<(), ReadError> {
        *self = Some(T::read(fields)?);
        Ok(())
    }
}

impl<T: ReadObject> ObjectSlot for Option<Option<T>> {
    fn expecting(&self) -> &'static str {
        T::EXPECTING
    }
    fn nullable(&self) -> bool {
        true
    }
    fn set_null(&mut self) {
        *self = Some(None);
    }
    fn read(&mut self, fields: &mut FieldReader<'_, '_>) -> Result<(), ReadError> {
        *self = Some(Some(T::read(fields)?));
        Ok(())
    }
}

/// A field that is an array of generated structs (or an `Option` of one),
/// each element read as [`ObjectSlot`] reads one.
#[doc(hidden)]
pub trait ObjectsSlot {
    /// What an element was expected to be.
    fn expecting(&self) -> &'static str;
    /// `null` is a value here (`None`).
    fn nullable(&self) -> bool;
    fn set_null(&mut self);
    /// Starts an empty array.
    fn start(&mut self);
    /// Reads one more element.
    fn push(&mut self, fields: &mut FieldReader<'_, '_>) -> Result<(), ReadError>;
}

impl<T: ReadObject> ObjectsSlot for Option<Vec<T>> {
    fn expecting(&self) -> &'static str {
        T::EXPECTING
    }
    fn nullable(&self) -> bool {
        false
    }
    fn set_null(&mut self) {}
    fn start(&mut self) {
        *self = Some(Vec::new());
    }
    fn push(&mut self, fields: &mut FieldReader<'_, '_>) -> Result<(), ReadError> {
        let value = T::read(fields)?;
        self.get_or_insert_with(Vec::new).push(value);
        Ok(())
    }
}

impl<T: ReadObject> ObjectsSlot for Option<Option<Vec<T>>> {
    fn expecting(&self) -> &'static str {
        T::EXPECTING
    }
    fn nullable(&self) -> bool {
        true
    }
    fn set_null(&mut self) {
        *self = Some(None);
    }
    fn start(&mut self) {
        *self = Some(Some(Vec::new()));
    }
    fn push(&mut self, fields: &mut FieldReader<'_, '_>) -> Result<(), ReadError> {
        let value = T::read(fields)?;
        self.get_or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(value);
        Ok(())
    }
}

/// The slot of a struct field as the generated code hands it over: one
/// trait per shape, each with one impl, so that a call site whose slot type
/// is not inferred yet has a single candidate (two would leave the
/// obligation ambiguous until the end of the function, and type-checking
/// ~3,000 such fields gets slower by seconds).
#[doc(hidden)]
pub trait StructField {
    fn slot(&mut self) -> &mut dyn ObjectSlot;
}

impl<T: ReadObject> StructField for Option<T> {
    fn slot(&mut self) -> &mut dyn ObjectSlot {
        self
    }
}

/// [`StructField`] of an optional field.
#[doc(hidden)]
pub trait OptionalStructField {
    fn slot(&mut self) -> &mut dyn ObjectSlot;
}

impl<T: ReadObject> OptionalStructField for Option<Option<T>> {
    fn slot(&mut self) -> &mut dyn ObjectSlot {
        self
    }
}

/// [`StructField`] of an array of structs.
#[doc(hidden)]
pub trait StructsField {
    fn slot(&mut self) -> &mut dyn ObjectsSlot;
}

impl<T: ReadObject> StructsField for Option<Vec<T>> {
    fn slot(&mut self) -> &mut dyn ObjectsSlot {
        self
    }
}

/// [`StructField`] of an optional array of structs.
#[doc(hidden)]
pub trait OptionalStructsField {
    fn slot(&mut self) -> &mut dyn ObjectsSlot;
}

impl<T: ReadObject> OptionalStructsField for Option<Option<Vec<T>>> {
    fn slot(&mut self) -> &mut dyn ObjectsSlot {
        self
    }
}

trait MapRead<'de> {
    fn next_key(&mut self) -> Result<Option<Key<'de>>, ReadError>;
    fn next_value(&mut self, slot: &mut dyn Slot) -> Result<(), ReadError>;
    fn next_leaf(&mut self, slot: Leaf<'_>) -> Result<(), ReadError>;
    fn next_object(&mut self, slot: &mut dyn ObjectSlot) -> Result<(), ReadError>;
    fn next_objects(&mut self, slot: &mut dyn ObjectsSlot) -> Result<(), ReadError>;
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

    fn next_leaf(&mut self, slot: Leaf<'_>) -> Result<(), ReadError> {
        let value = self.map.next_value_seed(LeafSeed(slot));
        self.hold(value)
    }

    fn next_object(&mut self, slot: &mut dyn ObjectSlot) -> Result<(), ReadError> {
        let value = self.map.next_value_seed(ObjectSeed(slot));
        self.hold(value)
    }

    fn next_objects(&mut self, slot: &mut dyn ObjectsSlot) -> Result<(), ReadError> {
        let value = self.map.next_value_seed(ObjectsSeed(slot));
        self.hold(value)
    }

    fn next_json(&mut self) -> Result<serde_json::Value, ReadError> {
        let value = self.map.next_value();
        self.hold(value)
    }
}

/// Reads a map's entries with `read`: the generic half of every struct's
/// decoding, for each map type.
fn read_entries<'de, A: MapAccess<'de>, T>(
    map: A,
    read: impl FnOnce(&mut FieldReader<'_, 'de>) -> Result<T, ReadError>,
) -> Result<T, A::Error> {
    let mut reader = MapReader { map, error: None };
    match read(&mut FieldReader { map: &mut reader }) {
        Ok(value) => Ok(value),
        Err(ReadError(Some(name))) => Err(serde::de::Error::missing_field(name)),
        Err(ReadError(None)) => Err(reader
            .error
            .unwrap_or_else(|| serde::de::Error::custom("the object could not be read"))),
    }
}

/// Reads a leaf field's value (see [`Leaf`]).
struct LeafSeed<'a>(Leaf<'a>);

impl<'de> DeserializeSeed<'de> for LeafSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.0.read(deserializer)
    }
}

/// Reads a struct field's value (see [`ObjectSlot`]).
struct ObjectSeed<'a>(&'a mut dyn ObjectSlot);

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.0.nullable() {
            deserializer.deserialize_option(self)
        } else {
            deserializer.deserialize_map(self)
        }
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.expecting())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.0.set_null();
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.set_null();
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        read_entries(map, |fields| self.0.read(fields))
    }
}

/// Reads an array-of-structs field's value (see [`ObjectsSlot`]).
struct ObjectsSeed<'a>(&'a mut dyn ObjectsSlot);

impl<'de> DeserializeSeed<'de> for ObjectsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.0.nullable() {
            deserializer.deserialize_option(self)
        } else {
            deserializer.deserialize_seq(self)
        }
    }
}

impl<'de> Visitor<'de> for ObjectsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an array of {}",
            self.0.expecting().trim_start_matches("an ")
        )
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.0.set_null();
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.set_null();
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        self.0.start();
        while let Some(()) = seq.next_element_seed(ElementSeed(&mut *self.0))? {}
        Ok(())
    }
}

/// One element of an array-of-structs field.
struct ElementSeed<'a>(&'a mut dyn ObjectsSlot);

impl<'de> DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ElementSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.expecting())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        read_entries(map, |fields| self.0.push(fields))
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
        read_entries(map, T::read)
    }
}

/// The per-field calls of `object!`'s impls, one function per shape of
/// field. The macro picks one by path, `read $(::$kind)? $(::$required)?`
/// (so `read`, `read::required`, `read::object::required`…): a function
/// and a module can share a name. A nested macro call per field would do
/// the same and cost seconds more to check the crate (~19,000 fields).
#[doc(hidden)]
pub mod field {
    use super::{
        Entries, FieldReader, Leaf, OptionalField, OptionalStructField, OptionalStructsField,
        ReadError, Slot, StructField, StructsField,
    };

    /// Reads a field's value into its slot (see [`Slot`]).
    pub fn read(fields: &mut FieldReader<'_, '_>, slot: &mut dyn Slot) -> Result<(), ReadError> {
        fields.value(slot)
    }

    pub mod read {
        use super::{FieldReader, Leaf, OptionalStructField, OptionalStructsField, ReadError};

        leaf_readers!();

        /// A required field reads as an optional one: whether it came is
        /// checked by [`take::required`](super::take::required).
        pub use super::read as required;

        /// An optional field whose type is a generated struct.
        pub fn object(
            fields: &mut FieldReader<'_, '_>,
            slot: &mut dyn OptionalStructField,
        ) -> Result<(), ReadError> {
            fields.optional_object(slot)
        }

        /// An optional array of generated structs.
        pub fn objects(
            fields: &mut FieldReader<'_, '_>,
            slot: &mut dyn OptionalStructsField,
        ) -> Result<(), ReadError> {
            fields.optional_objects(slot)
        }

        pub mod object {
            use super::super::{FieldReader, ReadError, StructField};

            /// A required field whose type is a generated struct.
            pub fn required(
                fields: &mut FieldReader<'_, '_>,
                slot: &mut dyn StructField,
            ) -> Result<(), ReadError> {
                fields.object(slot)
            }
        }

        pub mod objects {
            use super::super::{FieldReader, ReadError, StructsField};

            /// A required array of generated structs.
            pub fn required(
                fields: &mut FieldReader<'_, '_>,
                slot: &mut dyn StructsField,
            ) -> Result<(), ReadError> {
                fields.objects(slot)
            }
        }
    }

    /// An optional field's value once its struct is read: absent and
    /// `null` are both `None`.
    pub fn take<T>(slot: Option<Option<T>>, _name: &'static str) -> Result<Option<T>, ReadError> {
        Ok(slot.flatten())
    }

    pub mod take {
        use super::ReadError;

        /// A required field's value once its struct is read; missing, an
        /// error naming it.
        pub fn required<T>(slot: Option<T>, name: &'static str) -> Result<T, ReadError> {
            slot.ok_or(ReadError::missing(name))
        }
    }

    /// Writes an optional field when it is set.
    pub fn put(out: &mut Entries<'_>, key: &'static str, value: &dyn OptionalField) {
        out.put_optional(key, value);
    }

    pub mod put {
        use super::Entries;

        /// Writes a required field.
        pub fn required(
            out: &mut Entries<'_>,
            key: &'static str,
            value: &dyn erased_serde::Serialize,
        ) {
            out.put(key, value);
        }
    }
}

/// Implements `Serialize`, `Deserialize` and [`Object`] for a generated
/// struct whose fields are listed with their wire names; `required` marks a
/// field that is not an `Option`, `=> object` one whose type is a generated
/// struct and `=> objects` an array of them (read as [`ObjectSlot`] says). The struct has an `extra` field of type
/// `serde_json::Map<String, serde_json::Value>`.
///
/// ```text
/// crate::runtime::object!(PcapsOwnership { id: "id" required, validated: "validated", owner: "owner" => object });
/// ```
macro_rules! object {
    ($name:ident { $($field:ident : $wire:literal $($required:ident)? $(=> $kind:ident)?),* $(,)? }) => {
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
                        $($wire => $crate::runtime::field::read $(::$kind)? $(::$required)? (
                            fields, &mut $field,
                        ),)*
                        _ => fields.keep(key, &mut extra),
                    }?;
                }
                ::std::result::Result::Ok($name {
                    $($field: $crate::runtime::field::take $(::$required)? ($field, $wire)?,)*
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
                $($crate::runtime::field::put $(::$required)? (out, $wire, &self.$field);)*
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
        history: Option<Vec<Meta>>,
        previous: Option<Meta>,
        extra: Map<String, Value>,
    }
    // `meta` and `history` as the generator marks them; `previous`, a
    // struct too, left to the erased path.
    super::object!(Record {
        id: "id" required, name: "name", r#type: "type", ttl: "ttl",
        meta: "meta" => object, history: "history" => objects, previous: "previous"
    });

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
    fn structs_inside_structs_read_either_way() {
        let sent = json!({
            "id": "r1",
            "meta": {"source": "a", "k": 1},
            "history": [{"source": "b"}, {}],
            "previous": {"source": "c", "k": [2]}
        });
        let record: Record = serde_json::from_str(&sent.to_string()).unwrap();
        assert_eq!(record.meta.as_ref().unwrap().source.as_deref(), Some("a"));
        assert_eq!(record.meta.as_ref().unwrap().extra()["k"], json!(1));
        let history = record.history.as_ref().unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].source.as_deref(), Some("b"));
        assert_eq!(history[1].source, None);
        assert_eq!(record.previous.as_ref().unwrap().extra()["k"], json!([2]));
        assert_eq!(serde_json::to_value(&record).unwrap(), sent);
        assert_eq!(serde_json::from_value::<Record>(sent).unwrap(), record);

        // `null` is absent for an optional struct or array of them; an
        // empty array stays one.
        let record: Record =
            serde_json::from_str(r#"{"id": "r1", "meta": null, "history": [], "previous": null}"#)
                .unwrap();
        assert_eq!(record.meta, None);
        assert_eq!(record.history, Some(vec![]));
        assert_eq!(record.previous, None);

        let err = serde_json::from_str::<Record>(r#"{"id": "r1", "history": [{"source": 1}]}"#)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: integer `1`, expected a string at line 1 column 37"
        );
        let err = serde_json::from_str::<Record>(r#"{"id": "r1", "history": [3]}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: integer `3`, expected an object (Meta) at line 1 column 26"
        );
        let err = serde_json::from_str::<Record>(r#"{"id": "r1", "meta": "x"}"#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid type: string \"x\", expected an object (Meta)"),
            "{err}"
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
