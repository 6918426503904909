//! The model: what every generated type is made of. `object!` writes a
//! struct's serde impls (what does not fit kept in [`Extra`], with an
//! account of each [`Mismatch`]), `tagged!` a tagged union's, `open_enum!`
//! an open enum's; [`Wire`] writes whole
//! numbers as integers; `query` encodes query strings and types them per
//! endpoint; [`ResultInfo`] reads the envelope's `result_info`.
//!
//! Nothing here sends a request or knows the client: the model is below the
//! send path, which only hands it text to decode and values to encode.

pub use self::account::{Extra, Found, Mismatch, Segment};
pub use self::object::Object;
#[doc(hidden)]
pub use self::object::field;
#[doc(hidden)]
pub use self::object::{
    ChoiceField, ChoiceSlot, ElementsField, ElementsSlot, Entries, FieldReader, Fields, Key, Leaf,
    ObjectSlot, ObjectsSlot, OptionalChoiceField, OptionalElementsField, OptionalField,
    OptionalStructField, OptionalStructsField, OptionalTextsField, ReadError, ReadObject, Slot,
    StructField, StructsField, Text, TextsField, TextsSlot, deserialize_object, serialize_fields,
    serialize_object,
};
#[allow(unused_imports)]
pub(crate) use self::object::{object, open_enum, type_name};
pub use self::query::{AnyQuery, QueryOf, TypedQuery};
pub use self::result_info::ResultInfo;
#[doc(hidden)]
pub use self::tagged::{Replay, TagRead, not_an_object, read_tag, serialize_tagged};
#[allow(unused_imports)]
pub(crate) use self::tagged::{tagged, tagged_other_values};
#[allow(unused_imports)]
pub(crate) use self::untagged::untagged;
#[doc(hidden)]
pub use self::untagged::{Variant, best_fit};
pub use self::wire::Wire;

pub(crate) mod account;
pub(crate) mod indexed;
mod object;
pub(crate) mod query;
mod result_info;
mod tagged;
mod untagged;
mod wire;
