//! Fields that hold other generated types: structs and arrays of them,
//! read by those structs' own code from the deserializer at hand; and any
//! other type (a union, an array of unions or of arrays), read into a
//! `serde_json::Value` first. A value that is not what the field takes is
//! kept by the struct holding the field; an array's element that is not an
//! object, by a struct of its own.

use std::fmt;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Number, Value};

use super::super::super::account::{self, Segment};
use super::super::super::indexed::Indexed;
use super::super::exact::Exact;
use super::leaf::{ChoiceSlot, Text, TextsSlot};
use super::{FieldReader, Fit, NoEntries, ReadError, ReadObject, read_entries, unfit};

/// A field whose type is a generated struct, or an `Option` of one (an
/// optional field, where `null` is `None`). Read by the struct's own
/// [`ReadObject::read`], from the deserializer at hand.
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

/// A field that is an array of generated structs (or an `Option` of one).
/// An element that is not an object is kept whole in a struct of its own
/// ([`Extra::as_sent`](crate::runtime::Extra::as_sent)), so the others stay typed and in place.
#[doc(hidden)]
pub trait ObjectsSlot {
    /// `null` is a value here (`None`).
    fn nullable(&self) -> bool;
    fn set_null(&mut self);
    /// Starts an empty array.
    fn start(&mut self);
    /// Reads one more element.
    fn push(&mut self, fields: &mut FieldReader<'_, '_>) -> Result<(), ReadError>;
    /// One more element, sent as something other than an object.
    fn push_whole(&mut self, value: Value) -> Result<(), ReadError>;
}

impl<T: ReadObject> ObjectsSlot for Option<Vec<T>> {
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
    fn push_whole(&mut self, value: Value) -> Result<(), ReadError> {
        let value = read_whole::<T>(value)?;
        self.get_or_insert_with(Vec::new).push(value);
        Ok(())
    }
}

impl<T: ReadObject> ObjectsSlot for Option<Option<Vec<T>>> {
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
    fn push_whole(&mut self, value: Value) -> Result<(), ReadError> {
        let value = read_whole::<T>(value)?;
        self.get_or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(value);
        Ok(())
    }
}

/// A struct sent as something other than an object: every field empty (a
/// plain one a placeholder), `value` kept whole, one mismatch for it.
pub(super) fn read_whole<T: ReadObject>(value: Value) -> Result<T, ReadError> {
    let mut nothing = NoEntries;
    let mut fields = FieldReader::new(&mut nothing, T::EXPECTING);
    fields.whole = Some(value);
    T::read(&mut fields)
}

/// A field read through a `serde_json::Value`: any type the generator does
/// not mark (a union, an array of unions, of numbers or of arrays). Decoded
/// from the value once it is read, so that one that does not fit leaves
/// the input readable and is kept as it came; through [`Exact`], so that a
/// number is never rounded into an `f64` (see `exact`).
#[doc(hidden)]
pub trait Slot {
    /// Decodes `value` into the slot; gives it back when it does not fit
    /// (with the index of the element that did not, for an array).
    fn fill(&mut self, value: Value) -> Result<(), (Value, Option<usize>)>;
    /// What the value (or an element of it) was expected to be.
    fn expecting(&self, element: bool) -> String;
}

impl<T: DeserializeOwned> Slot for Option<T> {
    fn fill(&mut self, value: Value) -> Result<(), (Value, Option<usize>)> {
        match T::deserialize(Indexed(Exact(&value))) {
            Ok(typed) => {
                *self = Some(typed);
                Ok(())
            }
            Err(_) => Err((value, None)),
        }
    }

    fn expecting(&self, _: bool) -> String {
        type_name::<T>()
    }
}

/// An array field read through a `serde_json::Value`, element by element,
/// so that what did not fit inside an element has its index in its path.
#[doc(hidden)]
pub trait ElementsSlot {
    /// `null` is a value here (`None`).
    fn nullable(&self) -> bool;
    fn set_null(&mut self);
    /// Decodes `elements` into the slot; gives them back, with the index of
    /// the first that did not fit, when one does not.
    fn fill(&mut self, elements: Vec<Value>) -> Result<(), (Vec<Value>, usize)>;
    /// What an element was expected to be.
    fn expecting(&self) -> String;
}

/// Decodes each element as `T`, its mismatches under its index.
fn elements<T: DeserializeOwned>(elements: Vec<Value>) -> Result<Vec<T>, (Vec<Value>, usize)> {
    let mut items = Vec::with_capacity(elements.len());
    for (index, element) in elements.iter().enumerate() {
        let before = account::pending();
        match T::deserialize(Indexed(Exact(element))) {
            Ok(item) => items.push(item),
            Err(_) => return Err((elements, index)),
        }
        account::prefix(before, || Segment::Index(index));
    }
    Ok(items)
}

impl<T: DeserializeOwned> ElementsSlot for Option<Vec<T>> {
    fn nullable(&self) -> bool {
        false
    }
    fn set_null(&mut self) {}
    fn fill(&mut self, items: Vec<Value>) -> Result<(), (Vec<Value>, usize)> {
        *self = Some(elements(items)?);
        Ok(())
    }
    fn expecting(&self) -> String {
        type_name::<T>()
    }
}

impl<T: DeserializeOwned> ElementsSlot for Option<Option<Vec<T>>> {
    fn nullable(&self) -> bool {
        true
    }
    fn set_null(&mut self) {
        *self = Some(None);
    }
    fn fill(&mut self, items: Vec<Value>) -> Result<(), (Vec<Value>, usize)> {
        *self = Some(Some(elements(items)?));
        Ok(())
    }
    fn expecting(&self) -> String {
        type_name::<T>()
    }
}

/// An [`ElementsSlot`] behind [`Slot`]: an array, or `null`.
pub(super) struct Elements<'a>(pub(super) &'a mut dyn ElementsSlot);

impl Slot for Elements<'_> {
    fn fill(&mut self, value: Value) -> Result<(), (Value, Option<usize>)> {
        match value {
            Value::Array(items) => self
                .0
                .fill(items)
                .map_err(|(items, at)| (Value::Array(items), Some(at))),
            Value::Null if self.0.nullable() => {
                self.0.set_null();
                Ok(())
            }
            other => Err((other, None)),
        }
    }

    fn expecting(&self, element: bool) -> String {
        if element {
            self.0.expecting()
        } else {
            "an array".to_owned()
        }
    }
}

/// `T`'s name without module paths, nor an `Option` around it (an optional
/// field's slot, a result that may be `null`): `Vec<Option<f64>>`.
pub(crate) fn type_name<T: ?Sized>() -> String {
    let name = full_type_name::<T>();
    match name
        .strip_prefix("Option<")
        .and_then(|n| n.strip_suffix('>'))
    {
        Some(inner) => inner.to_owned(),
        None => name,
    }
}

fn full_type_name<T: ?Sized>() -> String {
    let full = std::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut word = String::new();
    for c in full.chars().chain(std::iter::once('\0')) {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or_default());
            word.clear();
            if c != '\0' {
                out.push(c);
            }
        }
    }
    out
}

/// Reads a struct field's value (see [`ObjectSlot`]): an object is read by
/// the struct; anything else is kept by the struct holding the field.
pub(super) struct ObjectSeed<'a>(pub(super) &'a mut dyn ObjectSlot);

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = Fit;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ObjectSeed<'_> {
    fn other<E>(self, value: Value) -> Result<Fit, E> {
        unfit(value)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = Fit;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.expecting())
    }

    keep_other_values!();

    fn visit_unit<E: de::Error>(self) -> Result<Fit, E> {
        if !self.0.nullable() {
            return unfit(Value::Null);
        }
        self.0.set_null();
        Ok(Fit::Yes)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Fit, A::Error> {
        unfit(Value::deserialize(SeqAccessDeserializer::new(seq))?)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Fit, A::Error> {
        let expecting = self.0.expecting();
        read_entries(map, expecting, |fields| self.0.read(fields))?;
        Ok(Fit::Yes)
    }
}

/// Reads an array-of-structs field's value (see [`ObjectsSlot`]).
pub(super) struct ObjectsSeed<'a>(pub(super) &'a mut dyn ObjectsSlot);

impl<'de> DeserializeSeed<'de> for ObjectsSeed<'_> {
    type Value = Fit;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ObjectsSeed<'_> {
    fn other<E>(self, value: Value) -> Result<Fit, E> {
        unfit(value)
    }
}

impl<'de> Visitor<'de> for ObjectsSeed<'_> {
    type Value = Fit;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of objects")
    }

    keep_other_values!();

    fn visit_unit<E: de::Error>(self) -> Result<Fit, E> {
        if !self.0.nullable() {
            return unfit(Value::Null);
        }
        self.0.set_null();
        Ok(Fit::Yes)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Fit, A::Error> {
        unfit(Value::deserialize(MapAccessDeserializer::new(map))?)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Fit, S::Error> {
        self.0.start();
        for index in 0.. {
            let before = account::pending();
            if seq.next_element_seed(ElementSeed(&mut *self.0))?.is_none() {
                break;
            }
            account::prefix(before, || Segment::Index(index));
        }
        Ok(Fit::Yes)
    }
}

/// One element of an array-of-structs field.
struct ElementSeed<'a>(&'a mut dyn ObjectsSlot);

impl<'de> DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ElementSeed<'_> {
    fn other<E: de::Error>(self, value: Value) -> Result<(), E> {
        self.0.push_whole(value).map_err(|err| err.to())
    }
}

impl<'de> Visitor<'de> for ElementSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    keep_other_values!();

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.other(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        self.other(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        read_entries(map, "an object", |fields| self.0.push(fields))
    }
}

/// The slot of a struct field as the generated code hands it over: one
/// trait per shape, each with one impl, so that a call site whose slot type
/// is not inferred yet has a single candidate (two would leave the
/// obligation ambiguous until the end of the function, and type-checking
/// ~3,000 such fields gets slower by seconds).
macro_rules! field_shapes {
    ($($(#[$doc:meta])* $name:ident: $slot:ty => $target:ident, $bound:ident;)*) => {
        $(
            $(#[$doc])*
            #[doc(hidden)]
            pub trait $name {
                fn slot(&mut self) -> &mut dyn $target;
            }

            impl<T: $bound> $name for $slot {
                fn slot(&mut self) -> &mut dyn $target {
                    self
                }
            }
        )*
    };
}

field_shapes! {
    /// A plain field whose type is a generated struct.
    StructField: Option<T> => ObjectSlot, ReadObject;
    /// An optional field whose type is a generated struct.
    OptionalStructField: Option<Option<T>> => ObjectSlot, ReadObject;
    /// A plain array of generated structs.
    StructsField: Option<Vec<T>> => ObjectsSlot, ReadObject;
    /// An optional array of generated structs.
    OptionalStructsField: Option<Option<Vec<T>>> => ObjectsSlot, ReadObject;
    /// A plain open enum field.
    ChoiceField: Option<T> => ChoiceSlot, Text;
    /// An optional open enum field.
    OptionalChoiceField: Option<Option<T>> => ChoiceSlot, Text;
    /// A plain array of strings or of an open enum.
    TextsField: Option<Vec<T>> => TextsSlot, Text;
    /// An optional array of strings or of an open enum.
    OptionalTextsField: Option<Option<Vec<T>>> => TextsSlot, Text;
    /// A plain array of any other type.
    ElementsField: Option<Vec<T>> => ElementsSlot, DeserializeOwned;
    /// An optional array of any other type.
    OptionalElementsField: Option<Option<Vec<T>>> => ElementsSlot, DeserializeOwned;
}
