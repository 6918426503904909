//! What every generated struct is made of: serde impls that decode any JSON
//! an answer holds, type what fits, and keep the rest as sent.
//!
//! The docs are lossy and Cloudflare's description is stricter than the
//! API: fields it calls required are absent in real answers, shapes change.
//! So a struct never refuses an answer. A field whose value does not fit
//! its type is left empty and its value kept in the struct's `extra`
//! ([`Extra`]) under its key, with a [`Mismatch`] naming it; a key the type
//! does not declare is kept there too. Serializing the struct gives back
//! what was sent (key order aside). [`Object`] reaches all of it from
//! generic code, and lists every mismatch inside a value with its path.
//!
//! A field is plain (not an `Option`) only where every answer has it (see
//! the generator's `lower/presence.rs`); when one does not, the field holds
//! the empty value of its type, which is never written back, and the
//! mismatch says so. Request body types alone have required fields of
//! types without an empty value (`must`): those are refused when missing,
//! as a body built from a file should be.
//!
//! The impls come from [`object!`], called once per struct with its wire
//! names and each field's kind, rather than from `#[derive]` with
//! `#[serde(flatten)]`, which buffers every object before reading it and
//! over ~4,000 structs compiles several times slower. What the macro
//! writes per struct is not generic; `read` and `write` hold the rest.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub(crate) use self::read::type_name;
pub use self::read::{
    ChoiceField, ChoiceSlot, ElementsField, ElementsSlot, FieldReader, Key, Leaf, ObjectSlot,
    ObjectsSlot, OptionalChoiceField, OptionalElementsField, OptionalStructField,
    OptionalStructsField, OptionalTextsField, ReadError, ReadObject, Slot, StructField,
    StructsField, Text, TextsField, TextsSlot, deserialize_object,
};
pub use self::write::{Entries, Fields, OptionalField, serialize_fields, serialize_object};
use super::account::Mismatch;

mod exact;
mod read;
#[cfg(test)]
mod tests;
mod write;

/// A generated struct: typed fields, plus what it keeps as sent (`extra`).
pub trait Object: Fields {
    /// The keys kept as sent: those this type does not declare, and those
    /// of its fields whose value did not fit.
    fn extra(&self) -> &Map<String, Value> {
        self.kept()
    }

    /// The same, to change before serializing the value again.
    fn extra_mut(&mut self) -> &mut Map<String, Value> {
        self.kept_mut()
    }

    /// A kept key decoded as `T`: `None` when absent.
    fn extra_field<T: DeserializeOwned>(&self, key: &str) -> Option<serde_json::Result<T>> {
        self.extra()
            .get(key)
            .map(|value| T::deserialize(value).map_err(serde::de::Error::custom))
    }

    /// Every place in this value, and in the values inside it, where the
    /// answer did not fit the type, with its path from this value
    /// (`.meta.source`, `.tags[2]`). Empty when everything fit.
    fn mismatches(&self) -> &[Mismatch] {
        self.kept().mismatches()
    }

    /// Whether everything in this value fit its type (no [`mismatches`](Self::mismatches)).
    fn fits(&self) -> bool {
        self.kept().fits()
    }
}

/// The per-field calls of `object!`'s impls, one function per shape of
/// field. The macro picks one by path, `read $(::$kind)? $(::$required)?`
/// (so `read`, `read::required`, `read::object::must`…): a function and a
/// module can share a name. A nested macro call per field would do the
/// same and cost seconds more to check the crate (~19,000 fields).
///
/// Shapes: an optional field (no marker, an `Option` whose `null` is
/// `None`); a plain one (`required`: missing, it holds the empty value of
/// its type); a plain one whose type has no empty value (`must`: missing,
/// an error; request body types only).
#[doc(hidden)]
pub mod field {
    use super::{
        Entries, FieldReader, Leaf, OptionalChoiceField, OptionalElementsField, OptionalField,
        OptionalStructField, OptionalStructsField, OptionalTextsField, ReadError, Slot,
    };

    /// Reads a field of any other type (see [`Slot`]).
    pub fn read(
        fields: &mut FieldReader<'_, '_>,
        slot: &mut dyn Slot,
        wire: &'static str,
    ) -> Result<(), ReadError> {
        fields.read_buffered(wire, slot, false)
    }

    pub mod read {
        use super::{
            FieldReader, Leaf, OptionalChoiceField, OptionalElementsField, OptionalStructField,
            OptionalStructsField, OptionalTextsField, ReadError, Slot,
        };

        /// A plain field of any other type.
        pub fn required(
            fields: &mut FieldReader<'_, '_>,
            slot: &mut dyn Slot,
            wire: &'static str,
        ) -> Result<(), ReadError> {
            fields.read_buffered(wire, slot, true)
        }

        pub use required as must;

        /// Declares `read::<kind>` and `read::<kind>::required` for each
        /// leaf kind with a concrete slot.
        macro_rules! leaf_readers {
            ($($kind:ident($ty:ty), $plain:ident, $optional:ident;)*) => {
                $(
                    /// An optional field of this leaf kind.
                    pub fn $kind(
                        fields: &mut FieldReader<'_, '_>,
                        slot: &mut Option<Option<$ty>>,
                        wire: &'static str,
                    ) -> Result<(), ReadError> {
                        fields.read_leaf(wire, Leaf::$optional(slot))
                    }

                    pub mod $kind {
                        use super::super::{FieldReader, Leaf, ReadError};

                        /// A plain field of this leaf kind.
                        pub fn required(
                            fields: &mut FieldReader<'_, '_>,
                            slot: &mut Option<$ty>,
                            wire: &'static str,
                        ) -> Result<(), ReadError> {
                            fields.read_leaf(wire, Leaf::$plain(slot))
                        }
                    }
                )*
            };
        }

        leaf_readers! {
            string(String), String, OptionalString;
            boolean(bool), Bool, OptionalBool;
            number(f64), F64, OptionalF64;
            integer(i64), I64, OptionalI64;
            unsigned(u64), U64, OptionalU64;
            json(serde_json::Value), Json, OptionalJson;
            map(serde_json::Map<String, serde_json::Value>), Map, OptionalMap;
        }

        /// An optional array of strings.
        pub fn strings(
            fields: &mut FieldReader<'_, '_>,
            slot: &mut dyn OptionalTextsField,
            wire: &'static str,
        ) -> Result<(), ReadError> {
            fields.read_leaf(wire, Leaf::Texts(slot.slot()))
        }

        /// An optional open enum.
        pub fn choice(
            fields: &mut FieldReader<'_, '_>,
            slot: &mut dyn OptionalChoiceField,
            wire: &'static str,
        ) -> Result<(), ReadError> {
            fields.read_leaf(wire, Leaf::Choice(slot.slot()))
        }

        /// An optional array of an open enum.
        pub use strings as choices;

        /// An optional field whose type is a generated struct.
        pub fn object(
            fields: &mut FieldReader<'_, '_>,
            slot: &mut dyn OptionalStructField,
            wire: &'static str,
        ) -> Result<(), ReadError> {
            fields.read_object(wire, slot.slot())
        }

        /// An optional array of generated structs.
        pub fn objects(
            fields: &mut FieldReader<'_, '_>,
            slot: &mut dyn OptionalStructsField,
            wire: &'static str,
        ) -> Result<(), ReadError> {
            fields.read_objects(wire, slot.slot())
        }

        /// An optional array of any other type, element by element.
        pub fn elements(
            fields: &mut FieldReader<'_, '_>,
            slot: &mut dyn OptionalElementsField,
            wire: &'static str,
        ) -> Result<(), ReadError> {
            fields.read_elements(wire, slot.slot())
        }

        pub mod elements {
            use super::super::super::ElementsField;
            use super::super::{FieldReader, ReadError};

            /// A plain array of any other type.
            pub fn required(
                fields: &mut FieldReader<'_, '_>,
                slot: &mut dyn ElementsField,
                wire: &'static str,
            ) -> Result<(), ReadError> {
                fields.read_elements(wire, slot.slot())
            }
        }

        pub mod strings {
            use super::super::super::TextsField;
            use super::super::{FieldReader, Leaf, ReadError};

            /// A plain array of strings.
            pub fn required(
                fields: &mut FieldReader<'_, '_>,
                slot: &mut dyn TextsField,
                wire: &'static str,
            ) -> Result<(), ReadError> {
                fields.read_leaf(wire, Leaf::Texts(slot.slot()))
            }
        }

        pub mod choice {
            use super::super::super::ChoiceField;
            use super::super::{FieldReader, Leaf, ReadError};

            /// A plain open enum.
            pub fn required(
                fields: &mut FieldReader<'_, '_>,
                slot: &mut dyn ChoiceField,
                wire: &'static str,
            ) -> Result<(), ReadError> {
                fields.read_leaf(wire, Leaf::Choice(slot.slot()))
            }

            pub use required as must;
        }

        pub mod object {
            use super::super::super::StructField;
            use super::super::{FieldReader, ReadError};

            /// A plain field whose type is a generated struct.
            pub fn required(
                fields: &mut FieldReader<'_, '_>,
                slot: &mut dyn StructField,
                wire: &'static str,
            ) -> Result<(), ReadError> {
                fields.read_object(wire, slot.slot())
            }

            pub use required as must;
        }

        pub mod objects {
            use super::super::super::StructsField;
            use super::super::{FieldReader, ReadError};

            /// A plain array of generated structs.
            pub fn required(
                fields: &mut FieldReader<'_, '_>,
                slot: &mut dyn StructsField,
                wire: &'static str,
            ) -> Result<(), ReadError> {
                fields.read_objects(wire, slot.slot())
            }
        }
    }

    /// An optional field's value once its struct is read: absent, `null`
    /// or kept as sent, `None` (a `null` is remembered, to be written back).
    pub fn take<T>(
        fields: &mut FieldReader<'_, '_>,
        slot: Option<Option<T>>,
        wire: &'static str,
    ) -> Result<Option<T>, ReadError> {
        match slot {
            Some(None) => {
                fields.take_null(wire);
                Ok(None)
            }
            slot => Ok(slot.flatten()),
        }
    }

    pub mod take {
        use super::{FieldReader, ReadError};

        /// A plain field's value once its struct is read; without one, the
        /// empty value of its type, accounted for.
        pub fn required<T: Default>(
            fields: &mut FieldReader<'_, '_>,
            slot: Option<T>,
            wire: &'static str,
        ) -> Result<T, ReadError> {
            match slot {
                Some(value) => Ok(value),
                None => {
                    fields.take_placeholder(wire);
                    Ok(T::default())
                }
            }
        }

        /// A plain field of a type without an empty value (request body
        /// types only): without a value that fit, an error naming it.
        pub fn must<T>(
            fields: &mut FieldReader<'_, '_>,
            slot: Option<T>,
            wire: &'static str,
        ) -> Result<T, ReadError> {
            slot.ok_or_else(|| fields.take_stop(wire))
        }
    }

    /// Writes an optional field when it is set (or came as `null`).
    pub fn put(out: &mut Entries<'_>, key: &'static str, value: &dyn OptionalField) {
        out.put_optional(key, value);
    }

    pub mod put {
        use super::Entries;

        /// Writes a plain field (unless it holds its placeholder).
        pub fn required(
            out: &mut Entries<'_>,
            key: &'static str,
            value: &dyn erased_serde::Serialize,
        ) {
            out.put(key, value);
        }

        pub use required as must;
    }
}

/// Implements `Serialize`, `Deserialize` and [`Object`] for a generated
/// struct whose fields are listed with their wire names. A marker says a
/// field is plain (`required`, or `must` for a type without an empty
/// value); `=> kind` how it is read (`string`, `boolean`, `number`,
/// `integer`, `unsigned`, `json`, `map`, `strings`, `choice`, `choices`, `object`,
/// `objects`, `elements`; none: through a `serde_json::Value`). The struct has an
/// `extra` field of type [`Extra`](super::Extra).
///
/// ```text
/// crate::runtime::object!(PcapsOwnership { id: "id" required => string, validated: "validated" => boolean, owner: "owner" => object });
/// ```
///
/// A build with no area turned on does not call it.
#[allow(unused_macros)]
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
                while let ::std::option::Option::Some(key) = fields.next_key()? {
                    // One `?` for every arm: each arm is a plain call.
                    match key.as_str() {
                        $($wire => $crate::runtime::field::read $(::$kind)? $(::$required)? (
                            fields, &mut $field, $wire,
                        ),)*
                        _ => fields.keep(key),
                    }?;
                }
                ::std::result::Result::Ok($name {
                    $($field: $crate::runtime::field::take $(::$required)? (fields, $field, $wire)?,)*
                    extra: fields.finish(),
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
            fn kept(&self) -> &$crate::runtime::Extra {
                &self.extra
            }
            fn kept_mut(&mut self) -> &mut $crate::runtime::Extra {
                &mut self.extra
            }
        }

        impl $crate::runtime::Object for $name {}
    };
}

#[allow(unused_imports)]
pub(crate) use object;

/// Implements `Serialize` and `Deserialize` for a generated open enum: a
/// string, known values as variants, any other kept in `Other`. The enum
/// has `as_str` and `From<String>`. A `macro_rules!` rather than serde's
/// derive (`from`/`into` `String`): it writes the value without cloning
/// it, and ~600 enums compile faster without a proc macro each. A struct
/// field of an open enum type is read as `=> choice`, which keeps a value
/// that is not a string; the enum's own `Deserialize` refuses one.
///
/// A build whose areas have no open enum does not call it.
#[allow(unused_macros)]
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

        impl $crate::runtime::Text for $name {
            const EXPECTING: &'static str = concat!("a string (", stringify!($name), ")");
        }
    };
}

#[allow(unused_imports)]
pub(crate) use open_enum;
