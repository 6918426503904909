//! The output kinds: how a fetched response becomes what awaiting a request
//! yields ([`Json`], [`Bare`], [`NoContent`], [`Raw`]; [`List`](super::List)
//! is in `pages`).

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

use super::decode;
use super::model::account::{self, Scope};
use super::model::indexed::{Indexed, IndexedSeed};
use super::model::{Found, Mismatch, Segment, type_name};
use super::parts::{Fetched, FetchedBody, ResponseMeta, Unfit};
use super::raw::RawResponse;
use crate::error::{Error, Result};

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// How a response body becomes the value a request yields. Implemented by
/// [`Json`], [`List`](crate::runtime::List), [`Bare`], [`NoContent`] and [`Raw`] only.
pub trait Output: sealed::Sealed + 'static {
    /// What awaiting the request yields.
    type Output: Send + 'static;

    /// Whether the body is handed over unread ([`Raw`]) instead of buffered.
    #[doc(hidden)]
    const STREAMING: bool;

    /// Turns the fetched response into the output.
    #[doc(hidden)]
    fn finish(fetched: Fetched) -> Result<(Self::Output, ResponseMeta)>;
}

/// Output kind: the JSON value at `result` of the Cloudflare envelope,
/// decoded as `T`.
///
/// A `"success": false` envelope is an [`Error::Api`]. A body that is not an
/// envelope is decoded whole as `T`, and an empty body as `null`. Any JSON
/// decodes: what does not fit `T` is kept as sent and listed in
/// [`ResponseMeta::mismatches`]; only a body that is not
/// JSON is an [`Error::Decode`].
pub struct Json<T>(PhantomData<fn() -> T>);

/// Output kind: the whole body decoded as `T` (no envelope), except that an
/// object with `"success": false` and `errors` is an [`Error::Api`].
pub struct Bare<T>(PhantomData<fn() -> T>);

/// Output kind: no output; the body is read and ignored.
#[derive(Debug)]
pub struct NoContent(());

/// Output kind: the response itself, with its body unread, as a
/// [`RawResponse`] (for downloads and non-JSON bodies).
#[derive(Debug)]
pub struct Raw(());

impl<T> fmt::Debug for Json<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Json")
    }
}

impl<T> fmt::Debug for Bare<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bare")
    }
}

impl<T> sealed::Sealed for Json<T> {}
impl<T> sealed::Sealed for Bare<T> {}
impl sealed::Sealed for NoContent {}
impl sealed::Sealed for Raw {}

impl<T: DeserializeOwned + Send + 'static> Output for Json<T> {
    type Output = T;
    const STREAMING: bool = false;

    fn finish(fetched: Fetched) -> Result<(T, ResponseMeta)> {
        let (text, info) = fetched.json_text(decode::Shape::Envelope)?;
        let (value, unfit) = decode_result(&fetched, text)?;
        Ok((value, fetched.into_meta_with(info).with_unfit(unfit)))
    }
}

impl<T: DeserializeOwned + Send + 'static> Output for Bare<T> {
    type Output = T;
    const STREAMING: bool = false;

    fn finish(fetched: Fetched) -> Result<(T, ResponseMeta)> {
        let (text, info) = fetched.json_text(decode::Shape::Bare)?;
        let (value, unfit) = decode_result(&fetched, text)?;
        Ok((value, fetched.into_meta_with(info).with_unfit(unfit)))
    }
}

/// Decodes a result: typed, with an account of what did not fit (and the
/// answer as sent when the type could not hold it at all). Only text that
/// is not JSON is an error, and an answer that a caller's own type can
/// neither hold nor be empty for.
///
/// The generated results are `Option<T>` (a struct or a union holds any
/// JSON, what does not fit kept inside it) or `serde_json::Value`, so an
/// answer that does not fit at all (an object where a text was expected)
/// gives `None`, the answer kept in [`ResponseMeta::as_sent`].
pub(crate) fn decode_result<T: DeserializeOwned>(
    fetched: &Fetched,
    text: &str,
) -> Result<(T, Unfit)> {
    let scope = Scope::open();
    let error = match serde_json::from_str::<T>(text) {
        Ok(value) => {
            let unfit = Unfit {
                mismatches: scope.close(),
                as_sent: None,
            };
            fetched.warn_unfit(&unfit);
            return Ok((value, unfit));
        }
        Err(error) => error,
    };
    drop(scope);
    if !error.is_data() {
        return Err(fetched.decode_error(error));
    }
    let sent: Value = serde_json::from_str(text).map_err(|e| fetched.decode_error(e))?;
    // The empty value of the type: `None`, for the generated results.
    let empty = T::deserialize(Value::Null).map_err(|_| fetched.decode_error(error))?;
    let unfit = Unfit {
        mismatches: vec![Mismatch::new(
            Vec::new(),
            type_name::<T>(),
            Found::of(&sent),
        )],
        as_sent: Some(sent),
    };
    fetched.warn_unfit(&unfit);
    Ok((empty, unfit))
}

/// A list result, read element by element, so that what did not fit in an
/// element has its index in front of its path.
pub(crate) struct Listed<T>(pub(crate) Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Listed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Elements<T>(PhantomData<fn() -> T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for Elements<T> {
            type Value = Listed<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }

            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Listed<T>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                loop {
                    let before = account::pending();
                    let Some(item) = seq.next_element_seed(IndexedSeed(PhantomData))? else {
                        break;
                    };
                    let index = items.len();
                    account::prefix(before, || Segment::Index(index));
                    items.push(item);
                }
                Ok(Listed(items))
            }
        }

        deserializer.deserialize_seq(Elements(PhantomData))
    }
}

/// Decodes a list result: the elements in order, with an account of what
/// did not fit. When the answer is not an array of elements the type can
/// hold, the list has those it can (none, for an answer that is not an
/// array), and the answer is kept in [`ResponseMeta::as_sent`].
pub(crate) fn decode_list_result<T: DeserializeOwned>(
    fetched: &Fetched,
    text: &str,
) -> Result<(Vec<T>, Unfit)> {
    let scope = Scope::open();
    let error = match serde_json::from_str::<Listed<T>>(text) {
        Ok(Listed(items)) => {
            let unfit = Unfit {
                mismatches: scope.close(),
                as_sent: None,
            };
            fetched.warn_unfit(&unfit);
            return Ok((items, unfit));
        }
        Err(error) => error,
    };
    drop(scope);
    if !error.is_data() {
        return Err(fetched.decode_error(error));
    }
    let sent: Value = serde_json::from_str(text).map_err(|e| fetched.decode_error(e))?;
    let scope = Scope::open();
    let mut items = Vec::new();
    let mut unfit = Vec::new();
    match sent.as_array() {
        None => unfit.push(Mismatch::new(Vec::new(), "an array", Found::of(&sent))),
        Some(elements) => {
            for (index, element) in elements.iter().enumerate() {
                let before = account::pending();
                match T::deserialize(Indexed(element)) {
                    Ok(item) => {
                        account::prefix(before, || Segment::Index(index));
                        items.push(item);
                    }
                    Err(_) => unfit.push(Mismatch::new(
                        vec![Segment::Index(index)],
                        type_name::<T>(),
                        Found::of(element),
                    )),
                }
            }
        }
    }
    let mut mismatches = scope.close();
    mismatches.extend(unfit);
    let unfit = Unfit {
        mismatches,
        as_sent: Some(sent),
    };
    fetched.warn_unfit(&unfit);
    Ok((items, unfit))
}

impl Output for NoContent {
    type Output = ();
    const STREAMING: bool = false;

    fn finish(fetched: Fetched) -> Result<((), ResponseMeta)> {
        Ok(((), fetched.into_meta()))
    }
}

impl Output for Raw {
    type Output = RawResponse;
    const STREAMING: bool = true;

    fn finish(fetched: Fetched) -> Result<(RawResponse, ResponseMeta)> {
        into_raw(fetched)
    }
}

/// The response with its body unread.
pub(super) fn into_raw(fetched: Fetched) -> Result<(RawResponse, ResponseMeta)> {
    match fetched.body {
        FetchedBody::Streaming(response) => {
            let raw = RawResponse::new(
                fetched.meta.clone(),
                response,
                fetched.idle_timeout,
                fetched.max_size,
                fetched.method,
                fetched.template,
            );
            Ok((raw, fetched.meta))
        }
        // Unreachable in practice: `Raw::STREAMING` asks for a stream.
        FetchedBody::Buffered(_) => Err(Error::InvalidArgument(
            "raw output requested from a buffered response".to_owned(),
        )),
    }
}
