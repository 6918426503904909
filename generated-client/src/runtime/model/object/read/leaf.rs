//! Leaf fields: text, numbers, booleans, any JSON, maps, open enums and
//! arrays of text, read from the deserializer at hand by a visitor that
//! takes any JSON value and says whether it fit.

use std::fmt;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::{Fit, unfit};

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
    /// An integer that is never negative (a query's page numbers).
    U64(&'a mut Option<u64>),
    OptionalU64(&'a mut Option<Option<u64>>),
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
    pub(super) fn nullable(&self) -> bool {
        match self {
            Leaf::OptionalString(_)
            | Leaf::OptionalBool(_)
            | Leaf::OptionalF64(_)
            | Leaf::OptionalI64(_)
            | Leaf::OptionalU64(_)
            | Leaf::OptionalJson(_)
            | Leaf::OptionalMap(_) => true,
            Leaf::Choice(slot) => slot.nullable(),
            Leaf::Texts(slot) => slot.nullable(),
            _ => false,
        }
    }

    /// What the value was expected to be, and (for an array) each element.
    pub(super) fn expecting(&self) -> (&'static str, &'static str) {
        let one = match self {
            Leaf::String(_) | Leaf::OptionalString(_) => "a string",
            Leaf::Bool(_) | Leaf::OptionalBool(_) => "a boolean",
            Leaf::F64(_) | Leaf::OptionalF64(_) => "a number",
            Leaf::I64(_) | Leaf::OptionalI64(_) => "an integer",
            Leaf::U64(_) | Leaf::OptionalU64(_) => "a non-negative integer",
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
        // serde_json calls this only for a negative integer, which no
        // unsigned field holds; another deserializer may call it for any.
        match (self.0, exact_f64(i128::from(v))) {
            (Leaf::I64(slot), _) => *slot = Some(v),
            (Leaf::OptionalI64(slot), _) => *slot = Some(Some(v)),
            (Leaf::U64(slot), _) if v >= 0 => *slot = Some(v.unsigned_abs()),
            (Leaf::OptionalU64(slot), _) if v >= 0 => *slot = Some(Some(v.unsigned_abs())),
            (Leaf::F64(slot), Some(f)) => *slot = Some(f),
            (Leaf::OptionalF64(slot), Some(f)) => *slot = Some(Some(f)),
            _ => return unfit(Value::from(v)),
        }
        Ok(Fit::Yes)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Fit, E> {
        match (self.0, i64::try_from(v), exact_f64(i128::from(v))) {
            (Leaf::I64(slot), Ok(v), _) => *slot = Some(v),
            (Leaf::OptionalI64(slot), Ok(v), _) => *slot = Some(Some(v)),
            (Leaf::U64(slot), _, _) => *slot = Some(v),
            (Leaf::OptionalU64(slot), _, _) => *slot = Some(Some(v)),
            (Leaf::F64(slot), _, Some(f)) => *slot = Some(f),
            (Leaf::OptionalF64(slot), _, Some(f)) => *slot = Some(Some(f)),
            _ => return unfit(Value::from(v)),
        }
        Ok(Fit::Yes)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Fit, E> {
        // A whole number written with a fraction (`3.0`) is an integer.
        let whole =
            (v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64).then_some(v as i64);
        // And an unsigned one when it is not negative (`-0.0` is `0`).
        let unsigned = (v.fract() == 0.0 && v >= 0.0 && v < u64::MAX as f64).then_some(v as u64);
        match (self.0, whole, unsigned) {
            (Leaf::F64(slot), _, _) => *slot = Some(v),
            (Leaf::OptionalF64(slot), _, _) => *slot = Some(Some(v)),
            (Leaf::I64(slot), Some(v), _) => *slot = Some(v),
            (Leaf::OptionalI64(slot), Some(v), _) => *slot = Some(Some(v)),
            (Leaf::U64(slot), _, Some(v)) => *slot = Some(v),
            (Leaf::OptionalU64(slot), _, Some(v)) => *slot = Some(Some(v)),
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
            Leaf::OptionalU64(slot) => *slot = Some(None),
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

/// `v` as an `f64`, when an `f64` holds it exactly. Past 2^53 not every
/// integer has an `f64` (`9007199254740993` would become `…992`): one that
/// has none does not fit a number field, and is kept as sent.
pub(crate) fn exact_f64(v: i128) -> Option<f64> {
    let f = v as f64;
    (f as i128 == v).then_some(f)
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

/// Reads a leaf field's value (see [`Leaf`]).
pub(super) struct LeafSeed<'a>(pub(super) Leaf<'a>);

impl<'de> DeserializeSeed<'de> for LeafSeed<'_> {
    type Value = Fit;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit, D::Error> {
        self.0.read(deserializer)
    }
}
