//! Reading a generated struct: every JSON value decodes, what fits into
//! its typed field, the rest kept as sent in the struct's [`Extra`] with a
//! [`Mismatch`] for each.
//!
//! What the macro writes per struct is not generic: [`ReadObject::read`]
//! takes the map behind a trait object ([`FieldReader`]). Each field is read
//! the way the generator marks it: a leaf (`=> string`, `=> choice`…, see
//! [`Leaf`]) or a struct of the area (`=> object`, `=> objects`) straight
//! from the deserializer at hand, with a visitor that accepts any JSON
//! value and says whether it fit; any other type (a union, nested arrays)
//! is read into a `serde_json::Value` first and decoded from it ([`Slot`]),
//! so that a value that does not fit leaves the input readable.
//!
//! Whether a value fits is decided where it is read, and a value that does
//! not is never an error: a field's goes to the struct's `extra` under its
//! key; a struct sent something other than an object is built empty and
//! keeps that value whole ([`Extra::as_sent`]); an array's element that is
//! not an object becomes such a struct. Only a required field of a type
//! without an empty value (`must`, which request body types alone have) is
//! an error when it is missing.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Number, Value};

use super::super::account::{self, Extra, Found, Mismatch, Scope, Segment};
use super::super::indexed::Indexed;

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

/// Reads a generated struct from the entries of a map, whatever the
/// deserializer. Not generic, so each struct's code is compiled once: the
/// map is behind [`FieldReader`].
#[doc(hidden)]
pub trait ReadObject: Sized {
    /// What the struct is, for a mismatch: `an object (Name)`.
    const EXPECTING: &'static str;

    fn read<'de>(fields: &mut FieldReader<'_, 'de>) -> Result<Self, ReadError>;
}

/// Why [`ReadObject::read`] stopped: the input's own error (held by the
/// reader, to be returned as it is), or a required field of a request body
/// type (`must`) that is missing or does not fit.
#[doc(hidden)]
#[derive(Debug)]
pub struct ReadError(Stop);

#[derive(Debug)]
enum Stop {
    Input,
    Missing(&'static str),
    Invalid(&'static str),
}

impl ReadError {
    fn to<E: de::Error>(&self) -> E {
        match self.0 {
            Stop::Input => E::custom("the object could not be read"),
            Stop::Missing(name) => E::missing_field(name),
            Stop::Invalid(name) => E::custom(format_args!(
                "the value of field `{name}` does not fit its type"
            )),
        }
    }
}

/// The entries of the map a struct is read from, and what the struct keeps
/// beside its fields while it is read.
#[doc(hidden)]
pub struct FieldReader<'a, 'de> {
    map: &'a mut dyn MapRead<'de>,
    extra: Extra,
    /// Keeps the mismatches found while this struct is read.
    scope: Option<Scope>,
    /// The value, when this struct was sent something other than an object
    /// (and is read from no entries).
    whole: Option<Value>,
    /// What the struct is, for that mismatch.
    expecting: &'static str,
}

impl fmt::Debug for FieldReader<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldReader").finish_non_exhaustive()
    }
}

impl<'a, 'de> FieldReader<'a, 'de> {
    fn new(map: &'a mut dyn MapRead<'de>, expecting: &'static str) -> Self {
        FieldReader {
            map,
            extra: Extra::new(),
            scope: Some(Scope::open()),
            whole: None,
            expecting,
        }
    }
}

impl<'de> FieldReader<'_, 'de> {
    /// The next key; `None` after the last entry.
    pub fn next_key(&mut self) -> Result<Option<Key<'de>>, ReadError> {
        self.map.next_key()
    }

    /// Reads the value of an undeclared key into `extra`.
    pub fn keep(&mut self, key: Key<'de>) -> Result<(), ReadError> {
        let value = self.map.next_json()?;
        self.extra.insert(key.into_string(), value);
        Ok(())
    }

    /// What the struct keeps beside its fields, once they are all read.
    pub fn finish(&mut self) -> Extra {
        if let Some(value) = self.whole.take() {
            let found = Found::of(&value);
            account::record(Mismatch::new(Vec::new(), self.expecting, found));
            self.extra.account_mut().whole = Some(value);
        }
        if let Some(scope) = self.scope.take() {
            let found = scope.close();
            if !found.is_empty() {
                self.extra.account_mut().mismatches = found;
            }
        }
        std::mem::take(&mut self.extra)
    }

    fn leaf(&mut self, wire: &'static str, leaf: Leaf<'_>) -> Result<(), ReadError> {
        let plain = !leaf.nullable();
        let (whole, element) = leaf.expecting();
        let fit = self.map.next_leaf(leaf)?;
        let expecting = match &fit {
            Fit::No(_, Some(_)) => element,
            _ => whole,
        };
        self.fitted(fit, wire, expecting, plain);
        Ok(())
    }

    fn object(
        &mut self,
        wire: &'static str,
        slot: &mut dyn ObjectSlot,
        plain: bool,
    ) -> Result<(), ReadError> {
        let expecting = slot.expecting();
        let before = account::pending();
        let fit = self.map.next_object(slot)?;
        account::prefix(before, || Segment::Key(wire.to_owned()));
        self.fitted(fit, wire, expecting, plain);
        Ok(())
    }

    fn objects(
        &mut self,
        wire: &'static str,
        slot: &mut dyn ObjectsSlot,
        plain: bool,
    ) -> Result<(), ReadError> {
        let before = account::pending();
        let fit = self.map.next_objects(slot)?;
        account::prefix(before, || Segment::Key(wire.to_owned()));
        self.fitted(fit, wire, "an array of objects", plain);
        Ok(())
    }

    fn buffered(
        &mut self,
        wire: &'static str,
        slot: &mut dyn Slot,
        plain: bool,
    ) -> Result<(), ReadError> {
        let value = self.map.next_json()?;
        let before = account::pending();
        let filled = slot.fill(value);
        account::prefix(before, || Segment::Key(wire.to_owned()));
        if let Err((value, at)) = filled {
            let expecting = slot.expecting(at.is_some());
            self.fitted(Fit::No(value, at), wire, expecting, plain);
        }
        Ok(())
    }

    /// Keeps a value that did not fit under its key, and accounts for it.
    fn fitted(
        &mut self,
        fit: Fit,
        wire: &'static str,
        expecting: impl Into<Cow<'static, str>>,
        plain: bool,
    ) {
        let Fit::No(value, at) = fit else { return };
        let mut path = vec![Segment::Key(wire.to_owned())];
        let found = match at {
            Some(index) => {
                path.push(Segment::Index(index));
                value.get(index).map_or(Found::Null, Found::of)
            }
            None => Found::of(&value),
        };
        account::record(Mismatch::new(path, expecting, found));
        if plain {
            self.extra.account_mut().placeholders.push(wire);
        }
        self.extra.insert(wire.to_owned(), value);
    }

    /// A plain field had no value: it holds a placeholder, which is never
    /// written back, and its absence is a mismatch (unless the whole struct
    /// already is one).
    fn placeholder(&mut self, wire: &'static str) {
        let account = self.extra.account_mut();
        if account.placeholders.contains(&wire) {
            // Its value did not fit, and is accounted for already.
            return;
        }
        account.placeholders.push(wire);
        if self.whole.is_none() {
            let path = vec![Segment::Key(wire.to_owned())];
            account::record(Mismatch::new(path, "a value", Found::Missing));
        }
    }

    /// An optional field came as `null`.
    fn null(&mut self, wire: &'static str) {
        self.extra.account_mut().nulls.push(wire);
    }

    /// A `must` field had no value that fit.
    fn stop(&mut self, wire: &'static str) -> ReadError {
        let invalid = self
            .extra
            .account()
            .is_some_and(|a| a.placeholders.contains(&wire));
        ReadError(if invalid {
            Stop::Invalid(wire)
        } else {
            Stop::Missing(wire)
        })
    }
}

/// Whether a value fit the type it was read as; when not, the value as sent
/// (and, inside an array that was read in part, the index of the element
/// that did not fit).
#[derive(Debug)]
enum Fit {
    Yes,
    No(Value, Option<usize>),
}

/// A value that `T` could not hold: kept whole.
fn unfit<E>(value: Value) -> Result<Fit, E> {
    Ok(Fit::No(value, None))
}

/// A leaf field's slot, as the generator marks it (`=> string`…): read from
/// the deserializer at hand, not through an erased one. Each kind with its
/// optional field's `Option`, whose `null` is `None`; a plain field's `null`
/// does not fit.
#[doc(hidden)]
#[derive(Debug)]
pub enum Leaf<'a> {
    String(&'a mut Option<String>),
    OptionalString(&'a mut Option<Option<String>>),
    Bool(&'a mut Option<bool>),
    OptionalBool(&'a mut Option<Option<bool>>),
    F64(&'a mut Option<f64>),
    OptionalF64(&'a mut Option<Option<f64>>),
    I64(&'a mut Option<i64>),
    OptionalI64(&'a mut Option<Option<i64>>),
    Json(&'a mut Option<Value>),
    OptionalJson(&'a mut Option<Option<Value>>),
    Map(&'a mut Option<Map<String, Value>>),
    OptionalMap(&'a mut Option<Option<Map<String, Value>>>),
    /// An open enum (a string), plain or optional.
    Choice(&'a mut dyn ChoiceSlot),
    /// An array of strings or of an open enum, plain or optional.
    Texts(&'a mut dyn TextsSlot),
}

impl fmt::Debug for dyn ChoiceSlot + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChoiceSlot")
    }
}

impl fmt::Debug for dyn TextsSlot + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TextsSlot")
    }
}

impl Leaf<'_> {
    fn nullable(&self) -> bool {
        match self {
            Leaf::OptionalString(_)
            | Leaf::OptionalBool(_)
            | Leaf::OptionalF64(_)
            | Leaf::OptionalI64(_)
            | Leaf::OptionalJson(_)
            | Leaf::OptionalMap(_) => true,
            Leaf::Choice(slot) => slot.nullable(),
            Leaf::Texts(slot) => slot.nullable(),
            _ => false,
        }
    }

    /// What the value was expected to be, and (for an array) each element.
    fn expecting(&self) -> (&'static str, &'static str) {
        let one = match self {
            Leaf::String(_) | Leaf::OptionalString(_) => "a string",
            Leaf::Bool(_) | Leaf::OptionalBool(_) => "a boolean",
            Leaf::F64(_) | Leaf::OptionalF64(_) => "a number",
            Leaf::I64(_) | Leaf::OptionalI64(_) => "an integer",
            Leaf::Json(_) | Leaf::OptionalJson(_) => "any value",
            Leaf::Map(_) | Leaf::OptionalMap(_) => "an object",
            Leaf::Choice(slot) => slot.expecting(),
            Leaf::Texts(slot) => return ("an array of strings", slot.expecting()),
        };
        (one, one)
    }

    /// Reads the value; JSON values and maps directly, the others through
    /// a visitor that takes anything.
    fn read<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit, D::Error> {
        match self {
            Leaf::Json(slot) => *slot = Some(Value::deserialize(deserializer)?),
            Leaf::OptionalJson(slot) => *slot = Some(Option::<Value>::deserialize(deserializer)?),
            Leaf::Map(slot) => match Value::deserialize(deserializer)? {
                Value::Object(map) => *slot = Some(map),
                other => return unfit(other),
            },
            Leaf::OptionalMap(slot) => match Value::deserialize(deserializer)? {
                Value::Object(map) => *slot = Some(Some(map)),
                Value::Null => *slot = Some(None),
                other => return unfit(other),
            },
            leaf => return deserializer.deserialize_any(LeafVisitor(leaf)),
        }
        Ok(Fit::Yes)
    }
}

/// The slot of an open enum field: a string, known or not.
#[doc(hidden)]
pub trait ChoiceSlot {
    fn set(&mut self, value: String);
    fn nullable(&self) -> bool;
    fn set_null(&mut self);
    fn expecting(&self) -> &'static str;
}

/// The slot of an array of strings, or of an open enum's values.
#[doc(hidden)]
pub trait TextsSlot {
    fn fill(&mut self, items: Vec<String>);
    fn nullable(&self) -> bool;
    fn set_null(&mut self);
    fn expecting(&self) -> &'static str;
}

/// A value read from a string: `String`, and every open enum.
#[doc(hidden)]
pub trait Text: From<String> {
    /// What it was expected to be, for a mismatch.
    const EXPECTING: &'static str;
}

impl Text for String {
    const EXPECTING: &'static str = "a string";
}

impl<T: Text> ChoiceSlot for Option<T> {
    fn set(&mut self, value: String) {
        *self = Some(T::from(value));
    }
    fn nullable(&self) -> bool {
        false
    }
    fn set_null(&mut self) {}
    fn expecting(&self) -> &'static str {
        T::EXPECTING
    }
}

impl<T: Text> ChoiceSlot for Option<Option<T>> {
    fn set(&mut self, value: String) {
        *self = Some(Some(T::from(value)));
    }
    fn nullable(&self) -> bool {
        true
    }
    fn set_null(&mut self) {
        *self = Some(None);
    }
    fn expecting(&self) -> &'static str {
        T::EXPECTING
    }
}

impl<T: Text> TextsSlot for Option<Vec<T>> {
    fn fill(&mut self, items: Vec<String>) {
        *self = Some(items.into_iter().map(T::from).collect());
    }
    fn nullable(&self) -> bool {
        false
    }
    fn set_null(&mut self) {}
    fn expecting(&self) -> &'static str {
        T::EXPECTING
    }
}

impl<T: Text> TextsSlot for Option<Option<Vec<T>>> {
    fn fill(&mut self, items: Vec<String>) {
        *self = Some(Some(items.into_iter().map(T::from).collect()));
    }
    fn nullable(&self) -> bool {
        true
    }
    fn set_null(&mut self) {
        *self = Some(None);
    }
    fn expecting(&self) -> &'static str {
        T::EXPECTING
    }
}

/// Reads a leaf from whatever JSON value comes.
struct LeafVisitor<'a>(Leaf<'a>);

impl<'de> Visitor<'de> for LeafVisitor<'_> {
    type Value = Fit;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Fit, E> {
        match self.0 {
            Leaf::Bool(slot) => *slot = Some(v),
            Leaf::OptionalBool(slot) => *slot = Some(Some(v)),
            _ => return unfit(Value::Bool(v)),
        }
        Ok(Fit::Yes)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Fit, E> {
        match self.0 {
            Leaf::I64(slot) => *slot = Some(v),
            Leaf::OptionalI64(slot) => *slot = Some(Some(v)),
            Leaf::F64(slot) => *slot = Some(v as f64),
            Leaf::OptionalF64(slot) => *slot = Some(Some(v as f64)),
            _ => return unfit(Value::from(v)),
        }
        Ok(Fit::Yes)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Fit, E> {
        match (self.0, i64::try_from(v)) {
            (Leaf::I64(slot), Ok(v)) => *slot = Some(v),
            (Leaf::OptionalI64(slot), Ok(v)) => *slot = Some(Some(v)),
            (Leaf::F64(slot), _) => *slot = Some(v as f64),
            (Leaf::OptionalF64(slot), _) => *slot = Some(Some(v as f64)),
            _ => return unfit(Value::from(v)),
        }
        Ok(Fit::Yes)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Fit, E> {
        // A whole number written with a fraction (`3.0`) is an integer.
        let whole =
            (v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64).then_some(v as i64);
        match (self.0, whole) {
            (Leaf::F64(slot), _) => *slot = Some(v),
            (Leaf::OptionalF64(slot), _) => *slot = Some(Some(v)),
            (Leaf::I64(slot), Some(v)) => *slot = Some(v),
            (Leaf::OptionalI64(slot), Some(v)) => *slot = Some(Some(v)),
            _ => return unfit(Number::from_f64(v).map_or(Value::Null, Value::Number)),
        }
        Ok(Fit::Yes)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Fit, E> {
        match self.0 {
            Leaf::String(slot) => *slot = Some(v.to_owned()),
            Leaf::OptionalString(slot) => *slot = Some(Some(v.to_owned())),
            Leaf::Choice(slot) => slot.set(v.to_owned()),
            _ => return unfit(Value::String(v.to_owned())),
        }
        Ok(Fit::Yes)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Fit, E> {
        match self.0 {
            Leaf::String(slot) => *slot = Some(v),
            Leaf::OptionalString(slot) => *slot = Some(Some(v)),
            Leaf::Choice(slot) => slot.set(v),
            _ => return unfit(Value::String(v)),
        }
        Ok(Fit::Yes)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Fit, E> {
        match self.0 {
            Leaf::OptionalString(slot) => *slot = Some(None),
            Leaf::OptionalBool(slot) => *slot = Some(None),
            Leaf::OptionalF64(slot) => *slot = Some(None),
            Leaf::OptionalI64(slot) => *slot = Some(None),
            Leaf::Choice(slot) if slot.nullable() => slot.set_null(),
            Leaf::Texts(slot) if slot.nullable() => slot.set_null(),
            _ => return unfit(Value::Null),
        }
        Ok(Fit::Yes)
    }

    fn visit_none<E: de::Error>(self) -> Result<Fit, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Fit, A::Error> {
        let Leaf::Texts(slot) = self.0 else {
            return unfit(Value::deserialize(SeqAccessDeserializer::new(seq))?);
        };
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(TextOrValue)? {
            match item {
                Ok(text) => items.push(text),
                Err(other) => {
                    // The array as sent: what was read, then the rest.
                    let at = items.len();
                    let mut all: Vec<Value> = items.into_iter().map(Value::String).collect();
                    all.push(other);
                    while let Some(value) = seq.next_element::<Value>()? {
                        all.push(value);
                    }
                    return Ok(Fit::No(Value::Array(all), Some(at)));
                }
            }
        }
        slot.fill(items);
        Ok(Fit::Yes)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Fit, A::Error> {
        unfit(Value::deserialize(MapAccessDeserializer::new(map))?)
    }
}

/// An array's element that should be a string: the string, or the value
/// that came instead.
struct TextOrValue;

impl<'de> DeserializeSeed<'de> for TextOrValue {
    type Value = Result<String, Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextOrValue {
    type Value = Result<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Ok(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Ok(v))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Err(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Err(Number::from_f64(v).map_or(Value::Null, Value::Number)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Err(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Err)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Err)
    }
}

/// A value that is not what was expected, whatever it is: kept whole.
/// The visitor of every place that takes an object or an array and meets
/// something else.
macro_rules! keep_other_values {
    () => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            self.other(Value::Bool(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.other(Value::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.other(Value::from(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            self.other(Number::from_f64(v).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            self.other(Value::String(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            self.other(Value::String(v))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            self.visit_unit()
        }
        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    };
}

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
/// ([`Extra::as_sent`]), so the others stay typed and in place.
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
fn read_whole<T: ReadObject>(value: Value) -> Result<T, ReadError> {
    let mut nothing = NoEntries;
    let mut fields = FieldReader::new(&mut nothing, T::EXPECTING);
    fields.whole = Some(value);
    T::read(&mut fields)
}

/// A field read through a `serde_json::Value`: any type the generator does
/// not mark (a union, an array of unions, of numbers or of arrays). Decoded
/// from the value once it is read, so that one that does not fit leaves
/// the input readable and is kept as it came.
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
        match T::deserialize(Indexed(&value)) {
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
        match T::deserialize(Indexed(element)) {
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
struct Elements<'a>(&'a mut dyn ElementsSlot);

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

trait MapRead<'de> {
    fn next_key(&mut self) -> Result<Option<Key<'de>>, ReadError>;
    fn next_leaf(&mut self, slot: Leaf<'_>) -> Result<Fit, ReadError>;
    fn next_object(&mut self, slot: &mut dyn ObjectSlot) -> Result<Fit, ReadError>;
    fn next_objects(&mut self, slot: &mut dyn ObjectsSlot) -> Result<Fit, ReadError>;
    fn next_json(&mut self) -> Result<Value, ReadError>;
}

/// A [`MapAccess`] behind [`MapRead`], holding its first error.
struct MapReader<'de, A: MapAccess<'de>> {
    map: A,
    error: Option<A::Error>,
    _input: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> MapReader<'de, A> {
    fn hold<T>(&mut self, result: Result<T, A::Error>) -> Result<T, ReadError> {
        result.map_err(|err| {
            self.error = Some(err);
            ReadError(Stop::Input)
        })
    }
}

impl<'de, A: MapAccess<'de>> MapRead<'de> for MapReader<'de, A> {
    fn next_key(&mut self) -> Result<Option<Key<'de>>, ReadError> {
        let key = self.map.next_key::<Key<'de>>();
        self.hold(key)
    }

    fn next_leaf(&mut self, slot: Leaf<'_>) -> Result<Fit, ReadError> {
        let value = self.map.next_value_seed(LeafSeed(slot));
        self.hold(value)
    }

    fn next_object(&mut self, slot: &mut dyn ObjectSlot) -> Result<Fit, ReadError> {
        let value = self.map.next_value_seed(ObjectSeed(slot));
        self.hold(value)
    }

    fn next_objects(&mut self, slot: &mut dyn ObjectsSlot) -> Result<Fit, ReadError> {
        let value = self.map.next_value_seed(ObjectsSeed(slot));
        self.hold(value)
    }

    fn next_json(&mut self) -> Result<Value, ReadError> {
        let value = self.map.next_value();
        self.hold(value)
    }
}

/// The entries of a value that was not an object: none.
struct NoEntries;

impl<'de> MapRead<'de> for NoEntries {
    fn next_key(&mut self) -> Result<Option<Key<'de>>, ReadError> {
        Ok(None)
    }
    fn next_leaf(&mut self, _: Leaf<'_>) -> Result<Fit, ReadError> {
        Err(ReadError(Stop::Input))
    }
    fn next_object(&mut self, _: &mut dyn ObjectSlot) -> Result<Fit, ReadError> {
        Err(ReadError(Stop::Input))
    }
    fn next_objects(&mut self, _: &mut dyn ObjectsSlot) -> Result<Fit, ReadError> {
        Err(ReadError(Stop::Input))
    }
    fn next_json(&mut self) -> Result<Value, ReadError> {
        Err(ReadError(Stop::Input))
    }
}

/// Reads a map's entries with `read`: the generic half of every struct's
/// decoding, for each map type.
fn read_entries<'de, A: MapAccess<'de>, T>(
    map: A,
    expecting: &'static str,
    read: impl FnOnce(&mut FieldReader<'_, 'de>) -> Result<T, ReadError>,
) -> Result<T, A::Error> {
    let mut reader = MapReader {
        map,
        error: None,
        _input: PhantomData,
    };
    let result = read(&mut FieldReader::new(&mut reader, expecting));
    result.map_err(|err| match (err.0, reader.error) {
        (Stop::Input, Some(error)) => error,
        (stop, _) => ReadError(stop).to(),
    })
}

/// Reads a leaf field's value (see [`Leaf`]).
struct LeafSeed<'a>(Leaf<'a>);

impl<'de> DeserializeSeed<'de> for LeafSeed<'_> {
    type Value = Fit;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit, D::Error> {
        self.0.read(deserializer)
    }
}

/// Reads a struct field's value (see [`ObjectSlot`]): an object is read by
/// the struct; anything else is kept by the struct holding the field.
struct ObjectSeed<'a>(&'a mut dyn ObjectSlot);

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
struct ObjectsSeed<'a>(&'a mut dyn ObjectsSlot);

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

/// A generated struct's `Deserialize`: a map, read by [`ReadObject`]; any
/// other value kept whole ([`Extra::as_sent`]).
#[doc(hidden)]
pub fn deserialize_object<'de, D: Deserializer<'de>, T: ReadObject>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<T: ReadObject> ObjectVisitor<T> {
    fn other<E: de::Error>(self, value: Value) -> Result<T, E> {
        read_whole(value).map_err(|err| err.to())
    }
}

impl<'de, T: ReadObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    keep_other_values!();

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.other(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        self.other(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        read_entries(map, T::EXPECTING, T::read)
    }
}

/// The per-field calls of `object!`'s reading, one function per shape of
/// field (see `field`).
impl FieldReader<'_, '_> {
    #[doc(hidden)]
    pub fn read_leaf(&mut self, wire: &'static str, leaf: Leaf<'_>) -> Result<(), ReadError> {
        self.leaf(wire, leaf)
    }

    #[doc(hidden)]
    pub fn read_object(
        &mut self,
        wire: &'static str,
        slot: &mut dyn ObjectSlot,
    ) -> Result<(), ReadError> {
        let plain = !slot.nullable();
        self.object(wire, slot, plain)
    }

    #[doc(hidden)]
    pub fn read_objects(
        &mut self,
        wire: &'static str,
        slot: &mut dyn ObjectsSlot,
    ) -> Result<(), ReadError> {
        let plain = !slot.nullable();
        self.objects(wire, slot, plain)
    }

    #[doc(hidden)]
    pub fn read_buffered(
        &mut self,
        wire: &'static str,
        slot: &mut dyn Slot,
        plain: bool,
    ) -> Result<(), ReadError> {
        self.buffered(wire, slot, plain)
    }

    #[doc(hidden)]
    pub fn read_elements(
        &mut self,
        wire: &'static str,
        slot: &mut dyn ElementsSlot,
    ) -> Result<(), ReadError> {
        let plain = !slot.nullable();
        self.buffered(wire, &mut Elements(slot), plain)
    }

    #[doc(hidden)]
    pub fn take_null(&mut self, wire: &'static str) {
        self.null(wire);
    }

    #[doc(hidden)]
    pub fn take_placeholder(&mut self, wire: &'static str) {
        self.placeholder(wire);
    }

    #[doc(hidden)]
    pub fn take_stop(&mut self, wire: &'static str) -> ReadError {
        self.stop(wire)
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
