//! What the `testing` feature's mock server reads from a [`Request`]: the
//! request a generated method describes, without sending it.
//!
//! A child of `runtime` so that it can read the request's private parts;
//! it must not change them, or send anything.

use bytes::Bytes;
use reqwest::Method;

use super::parts::Body;
use super::request::Request;

/// A request as a mock matches it.
#[derive(Debug, Clone)]
pub(crate) struct Described {
    pub(crate) method: Method,
    /// The path template, e.g. `/zones/{zone_id}`.
    pub(crate) template: &'static str,
    /// The path with its parameters, percent-encoded as sent.
    pub(crate) path: String,
    /// The encoded query string (without `?`).
    pub(crate) query: String,
    /// A JSON body, as it would be sent.
    pub(crate) json_body: Option<Bytes>,
    /// Why the request would not be sent (an empty path parameter, a body
    /// that does not serialize…).
    pub(crate) problem: Option<String>,
}

impl<K, Q> Request<K, Q> {
    /// The request this describes, for a mock to match.
    pub(crate) fn described(&self) -> Described {
        let parts = &self.parts;
        let json_body = match &parts.body {
            Some(Body::Bytes(bytes, content_type))
                if content_type.as_bytes().starts_with(b"application/json") =>
            {
                Some(bytes.clone())
            }
            _ => None,
        };
        Described {
            method: parts.method.clone(),
            template: parts.template,
            path: parts.path.clone(),
            query: parts.query.clone(),
            json_body,
            problem: parts.error.as_ref().map(ToString::to_string),
        }
    }
}
