//! Query strings: what `Request::query` and `Request::extra_query` send.
//!
//! An endpoint whose query parameters the client knows takes only its own
//! query type ([`TypedQuery`]), so a misspelt parameter does not compile;
//! any other endpoint takes anything that serializes as pairs (a struct, a
//! map, a slice of `(key, value)`). [`QueryOf`] is the bound that says
//! which, and [`AnyQuery`] marks the endpoints without a query type.
//!
//! Values are written the way Cloudflare's description says parameters are
//! sent (OpenAPI's `form` style, exploded): a scalar as `key=value`, an
//! array as the key repeated (`name=a&name=b`), a `None` left out, `true`
//! and `false` as words, a whole number as an integer. serde_urlencoded,
//! which the client used before, refuses arrays; a nested object is
//! refused here too, by name, since no parameter takes one.

use std::fmt::{self, Display, Write as _};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::ser::{self, Impossible, Serialize};

/// The query type of an endpoint whose parameters the client does not know:
/// its requests take any pairs.
#[derive(Debug)]
pub enum AnyQuery {}

/// A generated query type: the parameters of one endpoint.
pub trait TypedQuery: Serialize {}

/// What `Request::<K, Q>::query` accepts: `Q` itself when the endpoint's
/// query is typed, anything that serializes as pairs when it is
/// [`AnyQuery`].
#[diagnostic::on_unimplemented(
    message = "this endpoint's query parameters are typed: pass a `&{Q}`",
    label = "not the endpoint's query type",
    note = "for a parameter the type does not declare, use `.extra_query(&[(\"name\", value)])`, or set it in the query type's `extra` map"
)]
pub trait QueryOf<Q: ?Sized> {
    #[doc(hidden)]
    fn encode_query(&self) -> Result<String, String>;
}

impl<T: Serialize + ?Sized> QueryOf<AnyQuery> for T {
    fn encode_query(&self) -> Result<String, String> {
        encode(self)
    }
}

impl<Q: TypedQuery> QueryOf<Q> for Q {
    fn encode_query(&self) -> Result<String, String> {
        encode(self)
    }
}

/// What a key or value may keep unencoded: RFC 3986's unreserved characters.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` as `key=value` pairs joined with `&`, or why it cannot be.
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    let mut out = String::new();
    value.serialize(Top { out: &mut out }).map_err(|e| e.0)?;
    Ok(out)
}

/// Why a value is no query.
#[derive(Debug)]
pub(crate) struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

fn push_pair(out: &mut String, key: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    let _ = write!(
        out,
        "{}={}",
        utf8_percent_encode(key, ENCODE),
        utf8_percent_encode(value, ENCODE)
    );
}

fn unsupported(what: &str) -> Error {
    Error(format!(
        "a query is a struct, a map or a sequence of (key, value) pairs, not {what}"
    ))
}

/// The whole query: a struct or map of parameters, or a sequence of pairs.
struct Top<'o> {
    out: &'o mut String,
}

macro_rules! refuse {
    ($($method:ident($($arg:ty),*) $what:literal;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Error> {
            Err(unsupported($what))
        })*
    };
}

impl<'o> ser::Serializer for Top<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = PairSeq<'o>;
    type SerializeTuple = PairSeq<'o>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Params<'o>;
    type SerializeStruct = Params<'o>;
    type SerializeStructVariant = Impossible<(), Error>;

    refuse! {
        serialize_bool(bool) "a boolean";
        serialize_i8(i8) "a number";
        serialize_i16(i16) "a number";
        serialize_i32(i32) "a number";
        serialize_i64(i64) "a number";
        serialize_u8(u8) "a number";
        serialize_u16(u16) "a number";
        serialize_u32(u32) "a number";
        serialize_u64(u64) "a number";
        serialize_f32(f32) "a number";
        serialize_f64(f64) "a number";
        serialize_char(char) "a character";
        serialize_str(&str) "a string";
        serialize_bytes(&[u8]) "bytes";
        serialize_unit_variant(&'static str, u32, &'static str) "an enum";
    }

    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(unsupported("an enum"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<PairSeq<'o>, Error> {
        Ok(PairSeq { out: self.out })
    }
    fn serialize_tuple(self, _: usize) -> Result<PairSeq<'o>, Error> {
        Ok(PairSeq { out: self.out })
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(unsupported("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(unsupported("an enum"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Params<'o>, Error> {
        Ok(Params {
            out: self.out,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Params<'o>, Error> {
        Ok(Params {
            out: self.out,
            key: None,
        })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(unsupported("an enum"))
    }
}

/// Named parameters: a struct's fields or a map's entries.
struct Params<'o> {
    out: &'o mut String,
    /// A map's key, until its value comes.
    key: Option<String>,
}

impl ser::SerializeMap for Params<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(
            key.serialize(Text)?
                .ok_or_else(|| Error("a query parameter's name is missing (`None`)".to_owned()))?,
        );
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("a query value without its name".to_owned()))?;
        value.serialize(Value {
            out: self.out,
            key: &key,
        })
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeStruct for Params<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(Value { out: self.out, key })
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A sequence of `(key, value)` pairs.
struct PairSeq<'o> {
    out: &'o mut String,
}

impl ser::SerializeSeq for PairSeq<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, pair: &T) -> Result<(), Error> {
        let mut params = Params {
            out: self.out,
            key: None,
        };
        pair.serialize(Pair {
            params: &mut params,
        })
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeTuple for PairSeq<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, pair: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, pair)
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// One `(key, value)` tuple of a [`PairSeq`].
struct Pair<'p, 'o> {
    params: &'p mut Params<'o>,
}

impl<'p, 'o> ser::Serializer for Pair<'p, 'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = PairTuple<'p, 'o>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    refuse! {
        serialize_bool(bool) "a boolean";
        serialize_i8(i8) "a number";
        serialize_i16(i16) "a number";
        serialize_i32(i32) "a number";
        serialize_i64(i64) "a number";
        serialize_u8(u8) "a number";
        serialize_u16(u16) "a number";
        serialize_u32(u32) "a number";
        serialize_u64(u64) "a number";
        serialize_f32(f32) "a number";
        serialize_f64(f64) "a number";
        serialize_char(char) "a character";
        serialize_str(&str) "a string";
        serialize_bytes(&[u8]) "bytes";
        serialize_none() "`None`";
        serialize_unit() "`()`";
        serialize_unit_struct(&'static str) "a unit struct";
        serialize_unit_variant(&'static str, u32, &'static str) "an enum";
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(unsupported("an enum"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(unsupported("a sequence of sequences"))
    }
    fn serialize_tuple(self, len: usize) -> Result<PairTuple<'p, 'o>, Error> {
        if len == 2 {
            Ok(PairTuple {
                params: self.params,
                first: true,
            })
        } else {
            Err(unsupported("a tuple that is not a (key, value) pair"))
        }
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(unsupported("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(unsupported("an enum"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(unsupported("a sequence of maps"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(unsupported("a sequence of structs"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(unsupported("an enum"))
    }
}

/// The two elements of a pair: the key, then the value.
struct PairTuple<'p, 'o> {
    params: &'p mut Params<'o>,
    first: bool,
}

impl ser::SerializeTuple for PairTuple<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, element: &T) -> Result<(), Error> {
        if std::mem::take(&mut self.first) {
            ser::SerializeMap::serialize_key(self.params, element)
        } else {
            ser::SerializeMap::serialize_value(self.params, element)
        }
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A parameter's value: written as `key=text`, once per element of a
/// sequence, not at all for `None`.
struct Value<'o, 'k> {
    out: &'o mut String,
    key: &'k str,
}

impl Value<'_, '_> {
    fn text<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        match value.serialize(Text) {
            Ok(Some(text)) => {
                push_pair(self.out, self.key, &text);
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(Error(why)) => Err(Error(format!("query parameter `{}`: {why}", self.key))),
        }
    }
}

macro_rules! as_text {
    ($($method:ident($ty:ty);)*) => {
        $(fn $method(self, value: $ty) -> Result<(), Error> {
            self.text(&value)
        })*
    };
}

impl<'o, 'k> ser::Serializer for Value<'o, 'k> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Repeated<'o, 'k>;
    type SerializeTuple = Repeated<'o, 'k>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    as_text! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(self.nested("bytes"))
    }
    fn serialize_none(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(self.nested("an enum with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Repeated<'o, 'k>, Error> {
        Ok(Repeated { value: self })
    }
    fn serialize_tuple(self, _: usize) -> Result<Repeated<'o, 'k>, Error> {
        Ok(Repeated { value: self })
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(self.nested("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(self.nested("an enum with data"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(self.nested("an object"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(self.nested("an object"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(self.nested("an enum with data"))
    }
}

impl Value<'_, '_> {
    fn nested(&self, what: &str) -> Error {
        Error(format!(
            "query parameter `{}` is {what}; a parameter is a scalar or an array of scalars",
            self.key
        ))
    }
}

/// An array value: the key once per element.
struct Repeated<'o, 'k> {
    value: Value<'o, 'k>,
}

impl ser::SerializeSeq for Repeated<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, element: &T) -> Result<(), Error> {
        let element_value = Value {
            out: self.value.out,
            key: self.value.key,
        };
        element_value.text(element)
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeTuple for Repeated<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, element: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, element)
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A scalar as text; `None` for `None` and `()`. Whole floats are written
/// as integers (`300`, not `300.0`), as [`super::Wire`] writes them in
/// bodies.
struct Text;

macro_rules! display {
    ($($method:ident($ty:ty);)*) => {
        $(fn $method(self, value: $ty) -> Result<Option<String>, Error> {
            Ok(Some(value.to_string()))
        })*
    };
}

impl ser::Serializer for Text {
    type Ok = Option<String>;
    type Error = Error;
    type SerializeSeq = Impossible<Option<String>, Error>;
    type SerializeTuple = Impossible<Option<String>, Error>;
    type SerializeTupleStruct = Impossible<Option<String>, Error>;
    type SerializeTupleVariant = Impossible<Option<String>, Error>;
    type SerializeMap = Impossible<Option<String>, Error>;
    type SerializeStruct = Impossible<Option<String>, Error>;
    type SerializeStructVariant = Impossible<Option<String>, Error>;

    display! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_char(char);
        serialize_str(&str);
    }

    fn serialize_f32(self, value: f32) -> Result<Option<String>, Error> {
        self.serialize_f64(f64::from(value))
    }
    fn serialize_f64(self, value: f64) -> Result<Option<String>, Error> {
        if !value.is_finite() {
            return Err(Error(format!("{value} is not a number a query can carry")));
        }
        if value.fract() == 0.0 && value.abs() < 9.007_199_254_740_992e15 {
            // Exact: below 2^53 every whole f64 is an i64.
            #[allow(clippy::cast_possible_truncation)]
            return Ok(Some((value as i64).to_string()));
        }
        Ok(Some(value.to_string()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Option<String>, Error> {
        Err(Error("bytes are not text".to_owned()))
    }
    fn serialize_none(self) -> Result<Option<String>, Error> {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Option<String>, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Option<String>, Error> {
        Ok(None)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Option<String>, Error> {
        Ok(None)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Option<String>, Error> {
        Ok(Some(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Option<String>, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Option<String>, Error> {
        Err(Error("an enum with data is not text".to_owned()))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(Error("an array inside an array".to_owned()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(Error("a tuple is not text".to_owned()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Error("a tuple struct is not text".to_owned()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error("an enum with data is not text".to_owned()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Error("an object inside an array".to_owned()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(Error("an object inside an array".to_owned()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error("an enum with data is not text".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_json::json;

    use super::encode;

    #[derive(Serialize)]
    struct Filters {
        name: Option<String>,
        // Page numbers are `u64` in generated queries.
        page: Option<u64>,
        per_page: Option<u64>,
        #[serde(rename = "account.id")]
        account_id: Option<String>,
        location: Vec<String>,
        proxied: Option<bool>,
        ratio: Option<f64>,
    }

    #[test]
    fn scalars_arrays_and_absent_values() {
        let filters = Filters {
            name: Some("a b&c".into()),
            page: Some(2),
            per_page: Some(50),
            account_id: None,
            location: vec!["US".into(), "PT".into()],
            proxied: Some(true),
            ratio: Some(2.0),
        };
        assert_eq!(
            encode(&filters).unwrap(),
            "name=a%20b%26c&page=2&per_page=50&location=US&location=PT&proxied=true&ratio=2"
        );
        assert_eq!(
            encode(&[("per_page", "5"), ("page", "2")]).unwrap(),
            "per_page=5&page=2"
        );
        assert_eq!(encode(&[("n", 1.5)]).unwrap(), "n=1.5");
        let map: BTreeMap<&str, Vec<i64>> = [("id", vec![1, 2])].into();
        assert_eq!(encode(&map).unwrap(), "id=1&id=2");
        assert_eq!(encode(&json!({"a": null, "b": ["x"]})).unwrap(), "b=x");
        assert_eq!(encode(&()).unwrap(), "");
    }

    #[test]
    fn what_no_query_can_carry_is_named() {
        let err = encode(&json!({"filter": {"a": 1}})).unwrap_err();
        assert_eq!(
            err,
            "query parameter `filter` is an object; a parameter is a scalar or an array of scalars"
        );
        assert!(encode(&json!({"a": [[1]]})).unwrap_err().contains("`a`"));
        assert!(encode(&"text").unwrap_err().contains("not a string"));
        assert!(encode(&[("n", f64::NAN)]).unwrap_err().contains("NaN"));
    }
}
