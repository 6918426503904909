//! The model: what every generated type is made of. [`object!`] writes a
//! struct's serde impls (its undeclared keys kept in [`Extra`]), `tagged!`
//! a tagged union's, `open_enum!` an open enum's; [`Wire`] writes whole
//! numbers as integers; `query` encodes query strings and types them per
//! endpoint; [`ResultInfo`] reads the envelope's `result_info`.
//!
//! Nothing here sends a request or knows the client: the model is below the
//! send path, which only hands it text to decode and values to encode.

pub use self::object::Object;
#[doc(hidden)]
pub use self::object::field;
#[doc(hidden)]
pub use self::object::{
    Entries, FieldReader, Fields, Key, Leaf, ObjectSlot, ObjectsSlot, OptionalField,
    OptionalStructField, OptionalStructsField, ReadError, ReadObject, Slot, StructField,
    StructsField, deserialize_object, serialize_fields, serialize_object,
};
pub(crate) use self::object::{object, open_enum};
pub use self::query::{AnyQuery, QueryOf, TypedQuery};
pub use self::result_info::ResultInfo;
#[allow(unused_imports)]
pub(crate) use self::tagged::tagged;
#[doc(hidden)]
pub use self::tagged::{Replay, TagRead, read_tag, serialize_tagged};
pub use self::wire::Wire;

mod object;
pub(crate) mod query;
mod result_info;
mod tagged;
mod wire;

/// The keys a generated struct does not declare (its `extra` field).
pub type Extra = serde_json::Map<String, serde_json::Value>;
