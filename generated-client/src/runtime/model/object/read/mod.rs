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
//! keeps that value whole ([`Extra::as_sent`](crate::runtime::Extra::as_sent)); an array's element that is
//! not an object becomes such a struct. Only a required field of a type
//! without an empty value (`must`, which request body types alone have) is
//! an error when it is missing.
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::SeqAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

use super::super::account::{self, Extra, Found, Mismatch, Scope, Segment};

use self::leaf::LeafSeed;
pub(crate) use self::leaf::exact_f64;
pub use self::leaf::{ChoiceSlot, Leaf, Text, TextsSlot};
pub(crate) use self::nested::type_name;
pub use self::nested::{
    ChoiceField, ElementsField, ElementsSlot, ObjectSlot, ObjectsSlot, OptionalChoiceField,
    OptionalElementsField, OptionalStructField, OptionalStructsField, OptionalTextsField, Slot,
    StructField, StructsField, TextsField,
};
use self::nested::{Elements, ObjectSeed, ObjectsSeed, read_whole};

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

mod leaf;
mod nested;

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
        let float = matches!(leaf, Leaf::F64(_) | Leaf::OptionalF64(_));
        let fit = self.map.next_leaf(leaf)?;
        let expecting = match &fit {
            Fit::No(_, Some(_)) => element,
            // An integer past what an `f64` holds exactly (see `exact_f64`).
            Fit::No(Value::Number(_), None) if float => "a number an f64 holds exactly",
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
        account::prefix(before, || Segment::Key(Cow::Borrowed(wire)));
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
        account::prefix(before, || Segment::Key(Cow::Borrowed(wire)));
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
        account::prefix(before, || Segment::Key(Cow::Borrowed(wire)));
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
        let mut path = vec![Segment::Key(Cow::Borrowed(wire))];
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
            let path = vec![Segment::Key(Cow::Borrowed(wire))];
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

/// A generated struct's `Deserialize`: a map, read by [`ReadObject`]; any
/// other value kept whole ([`Extra::as_sent`](crate::runtime::Extra::as_sent)).
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
