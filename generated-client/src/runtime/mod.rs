//! What generated code calls into: [`Request`], [`PathPart`], the output kinds
//! ([`Json`], [`List`], [`Bare`], [`NoContent`], [`Raw`]), multipart bodies
//! ([`Multipart`], [`FilePart`]) and the re-exported HTTP types.
//!
//! Generated methods only *describe* a request (`Request::new` with a method,
//! a path template and its parts); everything else — URL building, headers,
//! auth, retries, timeouts, tracing, error parsing — is the single
//! non-generic send path, so ~2,000 generated methods cost little to
//! compile. Only the final decode is generic over the output type.

//! The runtime reads in one direction: [`path`](self) and the plain types
//! of `parts` at the bottom; the `model` (what generated types are made of:
//! `object!`, `tagged!`, open enums, the wire form, queries, `result_info`)
//! beside them; `decode`, `redirect`, `multipart` and `send` above those;
//! the output kinds, `Request` and paging on top. Nothing imports from this
//! file, which only lists the modules and re-exports what generated code
//! and users name.

pub use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
pub use reqwest::{Certificate, Method, StatusCode};

#[doc(hidden)]
pub use self::model::field;
pub use self::model::{
    AnyQuery, Extra, Found, Mismatch, Object, QueryOf, ResultInfo, Segment, TypedQuery, Wire,
};
#[doc(hidden)]
pub use self::model::{
    ChoiceField, ChoiceSlot, ElementsField, ElementsSlot, Entries, FieldReader, Fields, Key, Leaf,
    ObjectSlot, ObjectsSlot, OptionalChoiceField, OptionalElementsField, OptionalField,
    OptionalStructField, OptionalStructsField, OptionalTextsField, ReadError, ReadObject, Replay,
    Slot, StructField, StructsField, TagRead, Text, TextsField, TextsSlot, Variant, best_fit,
    deserialize_object, not_an_object, read_tag, serialize_fields, serialize_object,
    serialize_tagged,
};
#[allow(unused_imports)]
pub(crate) use self::model::{object, open_enum};
// Only areas with a tagged or untagged union call them.
pub use self::binary::Binary;
pub use self::hooks::{AttemptOutcome, AttemptRequest, Fault, Hook, TraceLog};
#[allow(unused_imports)]
pub(crate) use self::model::{tagged, tagged_other_values, untagged};
pub use self::multipart::{FilePart, Multipart};
pub use self::output::{Bare, Json, NoContent, Output, Raw};
pub use self::pages::{Items, List, Page, Pages};
pub use self::parts::{BoxFuture, Fetched, ResponseMeta};
pub use self::path::PathPart;
pub use self::raw::{BodyStream, RawResponse};
pub use self::request::Request;
pub use self::retry::RetryPolicy;
pub use self::sse::{
    Event, EventStream, Events, JsonEventStream, JsonEvents, TextChunk, TextStream, Usage,
};

#[cfg(feature = "blocking")]
pub use crate::blocking::{BlockingItems, BlockingPages};

mod binary;
mod call;
mod decode;
mod hooks;
#[cfg(feature = "testing")]
mod mock;
#[cfg(feature = "testing")]
pub(crate) use self::mock::Described;
mod model;
mod multipart;
mod output;
mod pages;
pub(crate) mod parts;
mod path;
mod raw;
mod redirect;
mod request;
mod retry;
mod send;
mod sse;
