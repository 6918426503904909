//! The output kinds: how a fetched response becomes what awaiting a request
//! yields ([`Json`], [`Bare`], [`NoContent`], [`Raw`]; [`List`](super::List)
//! is in `pages`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use super::decode;
use super::parts::{Fetched, FetchedBody, ResponseMeta};
use super::raw::RawResponse;
use crate::error::{Error, Result};

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// How a response body becomes the value a request yields. Implemented by
/// [`Json`], [`List`], [`Bare`], [`NoContent`] and [`Raw`] only.
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
/// envelope is decoded whole as `T`, and an empty body as `null`.
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
        let value = serde_json::from_str(text).map_err(|e| fetched.decode_error(e))?;
        Ok((value, fetched.into_meta_with(info)))
    }
}

impl<T: DeserializeOwned + Send + 'static> Output for Bare<T> {
    type Output = T;
    const STREAMING: bool = false;

    fn finish(fetched: Fetched) -> Result<(T, ResponseMeta)> {
        let (text, info) = fetched.json_text(decode::Shape::Bare)?;
        let value = serde_json::from_str(text).map_err(|e| fetched.decode_error(e))?;
        Ok((value, fetched.into_meta_with(info)))
    }
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
fn into_raw(fetched: Fetched) -> Result<(RawResponse, ResponseMeta)> {
    match fetched.body {
        FetchedBody::Streaming(response) => {
            let raw = RawResponse::new(
                fetched.meta.clone(),
                response,
                fetched.idle_timeout,
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
