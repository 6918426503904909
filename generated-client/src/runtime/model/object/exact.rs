//! Decoding a value read whole (a field the generator does not mark, such
//! as `Vec<Option<f64>>` or a union, and each element of an array of them)
//! with serde's own impls, without rounding a number.
//!
//! serde's `f64` takes any integer and rounds what it cannot hold
//! (`9007199254740993` becomes `9007199254740992`), so the value written
//! back would not be the one sent. [`Exact`] is `serde_json::Value`'s
//! deserializer with one change: asked for an `f64` (or `f32`), it refuses
//! an integer that type does not hold exactly, so the value does not fit
//! and is kept as sent, as a leaf field keeps it (see `exact_f64`). Arrays
//! and objects hand their elements out wrapped in turn; everything else,
//! down to which value each method accepts, is `&Value`'s.

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Unexpected, Visitor,
};
use serde_json::{Error, Value};

use super::read::exact_f64;

/// A borrowed value as a deserializer that never rounds an integer into a
/// float.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exact<'a>(pub(crate) &'a Value);

impl Exact<'_> {
    /// Refuses an integer that a float of `bits` bits does not hold exactly.
    fn check_float(self, bits: u32) -> Result<Self, Error> {
        let Value::Number(n) = self.0 else {
            return Ok(self);
        };
        let integer = n.as_i64().map(i128::from).or(n.as_u64().map(i128::from));
        let Some(integer) = integer else {
            return Ok(self);
        };
        let exact = match bits {
            32 => (integer as f32) as i128 == integer,
            _ => exact_f64(integer).is_some(),
        };
        if exact {
            return Ok(self);
        }
        let unexpected = match n.as_i64() {
            Some(v) => Unexpected::Signed(v),
            None => Unexpected::Unsigned(n.as_u64().unwrap_or_default()),
        };
        Err(Error::invalid_value(
            unexpected,
            &"a number the float holds exactly",
        ))
    }
}

impl<'de> Deserializer<'de> for Exact<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(elements) => {
                let mut seq = Elements(elements.iter());
                let value = visitor.visit_seq(&mut seq)?;
                match seq.0.len() {
                    0 => Ok(value),
                    _ => Err(Error::invalid_length(elements.len(), &"fewer elements")),
                }
            }
            Value::Object(map) => visitor.visit_map(Entries {
                entries: map.iter(),
                value: None,
            }),
            scalar => scalar.deserialize_any(visitor),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.check_float(64)?.0.deserialize_f64(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.check_float(32)?.0.deserialize_f32(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    // A container is read only from a value of its kind, as `&Value` reads
    // it: forwarded to `deserialize_any`, serde_json's `Map` would take
    // `null` for an empty map, and write `{}` back.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(_) => self.deserialize_any(visitor),
            other => other.deserialize_seq(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => other.deserialize_map(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(_) | Value::Object(_) => self.deserialize_any(visitor),
            other => other.deserialize_struct(name, fields, visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    // The methods whose values hold no float: `&Value`'s.
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_bool(visitor)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_i8(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_i16(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_i32(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_i64(visitor)
    }
    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_i128(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_u8(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_u16(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_u32(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_u64(visitor)
    }
    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_u128(visitor)
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_char(visitor)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_str(visitor)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_string(visitor)
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_bytes(visitor)
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_byte_buf(visitor)
    }
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_unit(visitor)
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_identifier(visitor)
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.0.deserialize_ignored_any(visitor)
    }
}

/// An array's elements, each wrapped.
struct Elements<'a>(std::slice::Iter<'a, Value>);

impl<'de> SeqAccess<'de> for Elements<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|element| seed.deserialize(Exact(element)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An object's entries, each value wrapped.
struct Entries<'a> {
    entries: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::<Error>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Exact(value)),
            None => Err(de::Error::custom("a value before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::Exact;

    fn read<T: serde::de::DeserializeOwned>(value: Value) -> Option<T> {
        T::deserialize(Exact(&value)).ok()
    }

    #[test]
    fn an_integer_a_float_cannot_hold_does_not_fit_it() {
        let exact = 1_i64 << 53;
        assert_eq!(
            read::<Vec<f64>>(json!([exact, 0.5])),
            Some(vec![exact as f64, 0.5])
        );
        assert_eq!(read::<Vec<Option<f64>>>(json!([exact + 1])), None);
        assert_eq!(read::<f64>(json!(u64::MAX)), None);
        assert_eq!(read::<f64>(json!(i64::MIN)), Some(i64::MIN as f64));
        // Other types are as `Value` reads them.
        assert_eq!(read::<i64>(json!(exact + 1)), Some(exact + 1));
        assert_eq!(
            read::<Value>(json!({"a": [exact + 1]})),
            Some(json!({"a": [exact + 1]}))
        );
        assert_eq!(read::<Option<Vec<String>>>(json!(null)), Some(None));
        assert_eq!(read::<(i64,)>(json!([1, 2])), None);
        // A map is read from an object only (serde_json's `Map` would take
        // `null`, and write `{}` back). Found by the decoding fuzzer.
        type Maps = Vec<serde_json::Map<String, Value>>;
        assert_eq!(read::<Maps>(json!([null])), None);
        assert!(<Maps as serde::Deserialize>::deserialize(&json!([null])).is_err());
        assert_eq!(read::<Maps>(json!([{"a": 1}])).map(|m| m.len()), Some(1));
        assert_eq!(read::<Vec<String>>(json!(null)), None);
    }
}
