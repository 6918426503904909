//! Recognising the Cloudflare envelope and building [`ApiError`]s.
//!
//! All of this is non-generic: it finds the JSON text a value must be decoded
//! from, and the generic caller runs one `serde_json::from_str::<T>` on it.

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::model::ResultInfo;
use super::parts::{Fetched, FetchedBody, ResponseMeta, cf_ray};
use crate::error::{ApiError, ApiMessage, Error, Result, body_snippet};
use reqwest::Method;

/// What the endpoint documents as its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `{"success": .., "result": <T>, "errors": [..], "messages": [..]}`.
    Envelope,
    /// The whole body is `T`.
    Bare,
}

/// The top-level keys of a body that matter, borrowed unparsed. A field is
/// `Some` when the key is present, even with a `null` value.
#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    success: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    result: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    errors: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    messages: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    result_info: Option<&'a RawValue>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

impl Probe<'_> {
    /// Reads the top-level keys of a JSON object; `None` for anything else.
    fn of(text: &str) -> Option<Probe<'_>> {
        if !text.trim_start().starts_with('{') {
            return None;
        }
        serde_json::from_str(text).ok()
    }

    fn is_envelope(&self) -> bool {
        self.success.is_some() && (self.result.is_some() || self.errors.is_some())
    }

    fn said_failure(&self) -> bool {
        self.success.is_some_and(|raw| raw.get() == "false")
    }

    fn api_error(&self, method: Method, path: &'static str, meta: &ResponseMeta) -> ApiError {
        let list = |raw: Option<&RawValue>| {
            raw.and_then(|raw| serde_json::from_str::<serde_json::Value>(raw.get()).ok())
                .map(|value| ApiMessage::list_from_json(&value))
                .unwrap_or_default()
        };
        ApiError {
            status: meta.status,
            errors: list(self.errors),
            messages: list(self.messages),
            body_snippet: None,
            method,
            path,
            cf_ray: cf_ray(&meta.headers).map(str::to_owned),
            headers: meta.headers.clone(),
        }
    }
}

impl Fetched {
    /// The JSON text the output value is decoded from: the envelope's
    /// `result` (or `null`), or the whole body; and the body's top-level
    /// `result_info`, when it is an object.
    pub(crate) fn json_text(&self, shape: Shape) -> Result<(&str, Option<ResultInfo>)> {
        let FetchedBody::Buffered(body) = &self.body else {
            return Ok(("null", None));
        };
        let text = match std::str::from_utf8(body) {
            Ok(text) => text,
            // Let serde_json describe the problem (where the bad byte is).
            Err(_) => {
                let err = serde_json::from_slice::<serde::de::IgnoredAny>(body)
                    .err()
                    .unwrap_or_else(|| serde::de::Error::custom("body is not valid UTF-8"));
                return Err(self.decode_error(err));
            }
        };
        if text.trim().is_empty() {
            return Ok(("null", None));
        }
        let Some(probe) = Probe::of(text) else {
            return Ok((text, None));
        };
        let failed = match shape {
            Shape::Envelope => probe.is_envelope() && probe.said_failure(),
            Shape::Bare => probe.said_failure() && probe.errors.is_some(),
        };
        if failed {
            let mut api = probe.api_error(self.method.clone(), self.template, &self.meta);
            if api.errors.is_empty() && api.messages.is_empty() {
                api.body_snippet = Some(body_snippet(body));
            }
            return Err(api.into());
        }
        let info = probe
            .result_info
            .and_then(|raw| ResultInfo::from_json(raw.get()));
        match shape {
            // An endpoint documented with an envelope: its `result`, even
            // when a server leaves `success` out.
            Shape::Envelope if probe.is_envelope() || probe.result.is_some() => {
                Ok((probe.result.map_or("null", |raw| raw.get()), info))
            }
            _ => Ok((text, info)),
        }
    }

    /// The buffered body as text, for a decoder that reads it in one pass
    /// and falls back to [`json_text`](Self::json_text) when it cannot.
    pub(crate) fn body_text(&self) -> Option<&str> {
        match &self.body {
            FetchedBody::Buffered(body) => std::str::from_utf8(body).ok(),
            FetchedBody::Streaming(_) => None,
        }
    }

    /// The answer is not JSON (an HTML page with a 200, a truncated body):
    /// the error keeps the whole body, as it came (the buffer it was read
    /// into, not a copy), and serde_json's position counts from its start.
    pub(crate) fn decode_error(&self, source: serde_json::Error) -> Error {
        let body = match &self.body {
            FetchedBody::Buffered(body) => body.clone(),
            FetchedBody::Streaming(_) => bytes::Bytes::new(),
        };
        Error::Decode {
            method: self.method.clone(),
            path: self.template,
            status: self.meta.status,
            source,
            body_len: body.len() as u64,
            body,
        }
    }
}

/// The JSON text one streamed event's `data` is decoded from: the
/// envelope's `result` when the data is an envelope, the whole data
/// otherwise. An envelope that says `"success": false` is its error.
pub(crate) fn event_json<'a>(
    data: &'a str,
    method: &Method,
    path: &'static str,
    meta: &ResponseMeta,
) -> Result<&'a str> {
    let Some(probe) = Probe::of(data) else {
        return Ok(data);
    };
    if probe.is_envelope() && probe.said_failure() {
        let mut api = probe.api_error(method.clone(), path, meta);
        if api.errors.is_empty() && api.messages.is_empty() {
            api.body_snippet = Some(body_snippet(data.as_bytes()));
        }
        return Err(api.into());
    }
    match probe.result {
        Some(result) if probe.is_envelope() => Ok(result.get()),
        _ => Ok(data),
    }
}

/// The error for a non-success status: the envelope's messages when the body
/// is one, otherwise a snippet of the body.
pub(crate) fn status_error(
    method: Method,
    path: &'static str,
    meta: &ResponseMeta,
    body: &[u8],
) -> ApiError {
    let probe = std::str::from_utf8(body).ok().and_then(Probe::of);
    let mut api = match &probe {
        Some(probe) if probe.errors.is_some() || probe.messages.is_some() => {
            probe.api_error(method, path, meta)
        }
        _ => ApiError {
            status: meta.status,
            errors: Vec::new(),
            messages: Vec::new(),
            body_snippet: None,
            method,
            path,
            cf_ray: cf_ray(&meta.headers).map(str::to_owned),
            headers: meta.headers.clone(),
        },
    };
    if api.errors.is_empty() && api.messages.is_empty() {
        api.body_snippet = Some(body_snippet(body));
    }
    api
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_sees_keys_even_when_null() {
        let probe = Probe::of(r#"{"success": true, "result": null, "x": [1, {"y": 2}]}"#).unwrap();
        assert!(probe.is_envelope());
        assert_eq!(probe.result.unwrap().get(), "null");
        assert!(!probe.said_failure());
        assert!(Probe::of("[1, 2]").is_none());
        assert!(Probe::of("\"text\"").is_none());
        let bare = Probe::of(r#"{"id": "a", "success": false}"#).unwrap();
        assert!(!bare.is_envelope() && bare.said_failure());
    }
}
