//! Writing a generated struct: its typed fields, then what it kept as sent,
//! so that a decoded value serializes back to what came.
//!
//! What the macro writes per struct is not generic: [`Fields::write_fields`]
//! hands each value to [`Entries`] as an `erased_serde::Serialize`, and the
//! generic halves (`serialize_object`, `serialize_fields`) are written once
//! here. The entries are written by [`Fields`] so that a tagged union can
//! put its tag in front of them in the same map.
//!
//! A struct read from an answer writes back what was sent: a plain field
//! that holds a placeholder (its key was missing, or its value did not fit
//! and is kept) is left out while it still holds it; an optional field sent
//! as `null` is written as `null`; a kept key is left out once its field
//! has a value again; a struct sent as something other than an object is
//! written as that value.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeMap, Serializer};

use super::super::account::{Account, Extra};
use super::super::wire::Wire;

/// Writes a generated struct's entries, whatever the serializer: the
/// struct's own `Serialize`, and a tagged union that puts its tag first
/// (see `tagged!`). Not generic, so each struct's code is compiled once
/// (see [`Entries`]).
#[doc(hidden)]
pub trait Fields {
    fn write_fields(&self, out: &mut Entries<'_>);

    /// What the struct kept beside its fields.
    fn kept(&self) -> &Extra;

    /// The same, to change.
    fn kept_mut(&mut self) -> &mut Extra;
}

/// Where [`Fields`] writes: a map some serializer opened, behind a trait
/// object. Values are written through [`Wire`]; the first error is held,
/// and later entries are skipped.
#[doc(hidden)]
pub struct Entries<'a> {
    sink: &'a mut dyn EntrySink,
    /// The struct's account, when it was read from an answer that needs one.
    account: Option<&'a Account>,
    /// With an account: the declared keys written, which `extra` then skips.
    written: Vec<&'static str>,
}

impl fmt::Debug for Entries<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entries").finish_non_exhaustive()
    }
}

impl Entries<'_> {
    /// Writes a plain field, unless it still holds the placeholder it was
    /// given when its value did not come.
    pub fn put(&mut self, key: &'static str, value: &dyn erased_serde::Serialize) {
        if let Some(account) = self.account {
            if account.placeholders.contains(&key) && is_empty(value) {
                return;
            }
            self.written.push(key);
        }
        self.sink.entry(key, value);
    }

    /// Writes an optional field when it is set, and as `null` when it came
    /// as `null` and still is unset.
    pub fn put_optional(&mut self, key: &'static str, value: &dyn OptionalField) {
        match value.get() {
            Some(value) => {
                if self.account.is_some() {
                    self.written.push(key);
                }
                self.sink.entry(key, value);
            }
            None => {
                if self.account.is_some_and(|a| a.nulls.contains(&key)) {
                    self.sink.entry(key, &());
                }
            }
        }
    }

    /// Writes the keys the struct kept, after the others.
    pub fn extra(&mut self, extra: &Extra) {
        for (key, value) in extra.iter() {
            if !self.written.is_empty() && self.written.contains(&key.as_str()) {
                continue;
            }
            self.sink.entry(key, value);
        }
    }
}

/// An `Option` field, seen without its type.
#[doc(hidden)]
pub trait OptionalField {
    fn get(&self) -> Option<&dyn erased_serde::Serialize>;
}

impl<T: Serialize> OptionalField for Option<T> {
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
            if let Err(err) = self.map.serialize_entry(key, &Wire(value)) {
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
    let mut entries = Entries {
        sink: &mut sink,
        account: fields.kept().account(),
        written: Vec::new(),
    };
    fields.write_fields(&mut entries);
    match sink.error {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

/// A generated struct's `Serialize`: one map of its entries, or the value
/// it was sent as when that was not an object.
#[doc(hidden)]
pub fn serialize_object<S: Serializer, T: Fields + ?Sized>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    if let Some(whole) = value.kept().as_sent() {
        return whole.serialize(serializer);
    }
    let mut map = serializer.serialize_map(None)?;
    serialize_fields(value, &mut map)?;
    map.end()
}

/// Whether a value is the placeholder of its type: `""`, `0`, `false`, an
/// empty array or object, `null`.
fn is_empty(value: &dyn erased_serde::Serialize) -> bool {
    erased_serde::serialize(value, Empty).unwrap_or(false)
}

/// Says whether what it is given is an empty value.
struct Empty;

#[derive(Debug)]
struct NotEmpty;

impl fmt::Display for NotEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an empty value")
    }
}

impl std::error::Error for NotEmpty {}

impl ser::Error for NotEmpty {
    fn custom<T: fmt::Display>(_: T) -> NotEmpty {
        NotEmpty
    }
}

/// The compound values [`Empty`] meets: empty when nothing is put in them.
struct EmptyCompound;

impl ser::SerializeSeq for EmptyCompound {
    type Ok = bool;
    type Error = NotEmpty;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn end(self) -> Result<bool, NotEmpty> {
        Ok(true)
    }
}

impl ser::SerializeMap for EmptyCompound {
    type Ok = bool;
    type Error = NotEmpty;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), NotEmpty> {
        Err(NotEmpty)
    }
    fn end(self) -> Result<bool, NotEmpty> {
        Ok(true)
    }
}

impl Serializer for Empty {
    type Ok = bool;
    type Error = NotEmpty;
    type SerializeSeq = EmptyCompound;
    type SerializeTuple = Impossible<bool, NotEmpty>;
    type SerializeTupleStruct = Impossible<bool, NotEmpty>;
    type SerializeTupleVariant = Impossible<bool, NotEmpty>;
    type SerializeMap = EmptyCompound;
    type SerializeStruct = Impossible<bool, NotEmpty>;
    type SerializeStructVariant = Impossible<bool, NotEmpty>;

    fn serialize_bool(self, v: bool) -> Result<bool, NotEmpty> {
        Ok(!v)
    }
    fn serialize_i8(self, v: i8) -> Result<bool, NotEmpty> {
        Ok(v == 0)
    }
    fn serialize_i16(self, v: i16) -> Result<bool, NotEmpty> {
        Ok(v == 0)
    }
    fn serialize_i32(self, v: i32) -> Result<bool, NotEmpty> {
        Ok(v == 0)
    }
    fn serialize_i64(self, v: i64) -> Result<bool, NotEmpty> {
        Ok(v == 0)
    }
    fn serialize_u8(self, v: u8) -> Result<bool, NotEmpty> {
        Ok(v == 0)
    }
    fn serialize_u16(self, v: u16) -> Result<bool, NotEmpty> {
        Ok(v == 0)
    }
    fn serialize_u32(self, v: u32) -> Result<bool, NotEmpty> {
        Ok(v == 0)
    }
    fn serialize_u64(self, v: u64) -> Result<bool, NotEmpty> {
        Ok(v == 0)
    }
    fn serialize_f32(self, v: f32) -> Result<bool, NotEmpty> {
        Ok(v == 0.0)
    }
    fn serialize_f64(self, v: f64) -> Result<bool, NotEmpty> {
        Ok(v == 0.0)
    }
    fn serialize_char(self, _: char) -> Result<bool, NotEmpty> {
        Ok(false)
    }
    fn serialize_str(self, v: &str) -> Result<bool, NotEmpty> {
        Ok(v.is_empty())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<bool, NotEmpty> {
        Ok(v.is_empty())
    }
    fn serialize_none(self) -> Result<bool, NotEmpty> {
        Ok(true)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<bool, NotEmpty> {
        Ok(false)
    }
    fn serialize_unit(self) -> Result<bool, NotEmpty> {
        Ok(true)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<bool, NotEmpty> {
        Ok(true)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<bool, NotEmpty> {
        Ok(false)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<bool, NotEmpty> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<bool, NotEmpty> {
        Ok(false)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<EmptyCompound, NotEmpty> {
        Ok(EmptyCompound)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<EmptyCompound, NotEmpty> {
        Ok(EmptyCompound)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotEmpty> {
        Err(NotEmpty)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotEmpty> {
        Err(NotEmpty)
    }
}
