//! Server-Sent Events: an answer read as it arrives, one event at a time
//! ([`Request::events`], [`EventStream`]), or each event's data decoded
//! ([`Request::json_events`], [`Request::stream_text`], in `json`).
//!
//! The bytes are cut into events by `sse-parse` (the WHATWG algorithm,
//! linear in the bytes whatever the chunking); this module adds what a
//! client needs around it: the wait for each chunk is bounded by the
//! request's timeout (so a keep-alive comment keeps a quiet stream open),
//! one event is capped at the client's `max_response_size`, and a stream
//! that breaks says so ([`Error::StreamEnded`]).

mod json;

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::BytesMut;
use futures_util::{Stream, StreamExt};
use reqwest::Method;
use reqwest::header::{self, HeaderValue};
use sse_parse::SseParser;

pub use self::json::{JsonEventStream, JsonEvents, TextChunk, TextStream, Usage};

use super::output::{Output, into_raw, sealed};
use super::parts::{Fetched, ResponseMeta};
use super::raw::BodyStream;
use super::request::Request;
use crate::error::{Error, Result};

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Event {
    /// The event's type: `"message"` unless the stream named another.
    pub event: String,
    /// The event's `data` lines, joined with `\n`.
    pub data: String,
    /// The last event ID the stream gave (empty before the first).
    pub id: String,
    /// The reconnection time the stream asked for with this event, if any.
    pub retry: Option<Duration>,
}

impl From<sse_parse::Event> for Event {
    fn from(event: sse_parse::Event) -> Event {
        Event {
            event: event.event,
            data: event.data,
            id: event.id,
            retry: event.retry,
        }
    }
}

/// Output kind: the answer as a stream of [`Event`]s ([`EventStream`]).
#[derive(Debug)]
pub struct Events(());

impl sealed::Sealed for Events {}

impl Output for Events {
    type Output = EventStream;
    const STREAMING: bool = true;

    fn finish(fetched: Fetched) -> Result<(EventStream, ResponseMeta)> {
        let (method, path) = (fetched.method.clone(), fetched.template);
        let (raw, meta) = into_raw(fetched)?;
        let whole = raw
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|value| !is_event_stream(value));
        let limit = raw.max_size();
        let stream = EventStream {
            body: raw.stream(),
            parser: SseParser::new().max_buffer(usize::try_from(limit).unwrap_or(usize::MAX)),
            whole: whole.then(BytesMut::new),
            not_streamed: whole,
            ended: false,
            delivered: 0,
            limit,
            meta: meta.clone(),
            method,
            path,
        };
        Ok((stream, meta))
    }
}

fn is_event_stream(content_type: &HeaderValue) -> bool {
    content_type.to_str().is_ok_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/event-stream"))
    })
}

/// The events of an answer, as they arrive: a
/// [`Stream`](futures_util::Stream) of [`Event`]s.
///
/// Comments and keep-alives are skipped; each wait for more of the body is
/// bounded by the request's timeout ([`Error::Timeout`]); a connection that
/// breaks is [`Error::StreamEnded`], after the events that arrived whole;
/// one event larger than the client's
/// [`max_response_size`](crate::ClientBuilder::max_response_size) is
/// [`Error::ResponseTooLarge`]. After an error the stream ends.
///
/// An answer that is not `text/event-stream` (a server that did not
/// stream: a JSON answer) arrives as one event holding the whole body.
pub struct EventStream {
    body: BodyStream,
    parser: SseParser,
    /// The body, collected, when the answer is not an event stream.
    whole: Option<BytesMut>,
    /// The answer is not an event stream: it comes as one event.
    not_streamed: bool,
    ended: bool,
    delivered: u64,
    limit: u64,
    meta: ResponseMeta,
    method: Method,
    path: &'static str,
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.meta.status)
            .field("delivered", &self.delivered)
            .finish_non_exhaustive()
    }
}

impl EventStream {
    /// Status and headers of the answer.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The last event ID the stream gave: what to send back as
    /// `Last-Event-ID` to resume it, where the endpoint supports that.
    pub fn last_event_id(&self) -> &str {
        self.parser.last_event_id()
    }

    /// How many events were delivered so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// The answer was not an event stream: it comes as one event.
    fn is_whole(&self) -> bool {
        self.not_streamed
    }

    fn end_with(&mut self, error: Error) -> Poll<Option<Result<Event>>> {
        self.ended = true;
        self.parser.finish();
        self.whole = None;
        Poll::Ready(Some(Err(error)))
    }

    fn too_large(&self) -> Error {
        Error::ResponseTooLarge {
            method: self.method.clone(),
            path: self.path,
            status: self.meta.status,
            limit: self.limit,
            content_length: None,
        }
    }
}

impl Stream for EventStream {
    type Item = Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Event>>> {
        let this = &mut *self;
        loop {
            if let Some(event) = this.parser.next_event() {
                this.delivered += 1;
                return Poll::Ready(Some(Ok(event.into())));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match ready!(this.body.poll_next_unpin(cx)) {
                Some(Ok(chunk)) => match &mut this.whole {
                    Some(body) => {
                        if (body.len() + chunk.len()) as u64 > this.limit {
                            let error = this.too_large();
                            return this.end_with(error);
                        }
                        body.extend_from_slice(&chunk);
                    }
                    None => {
                        this.parser.feed(&chunk);
                        if this.parser.overflows() > 0 {
                            let error = this.too_large();
                            return this.end_with(error);
                        }
                    }
                },
                Some(Err(Error::IncompleteBody { .. })) => {
                    let error = Error::StreamEnded {
                        method: this.method.clone(),
                        path: this.path,
                        events: this.delivered,
                        done_missing: false,
                    };
                    return this.end_with(error);
                }
                Some(Err(error)) => return this.end_with(error),
                None => {
                    this.ended = true;
                    this.parser.finish();
                    if let Some(body) = this.whole.take().filter(|body| !body.is_empty()) {
                        this.delivered += 1;
                        return Poll::Ready(Some(Ok(Event {
                            event: "message".to_owned(),
                            data: String::from_utf8_lossy(&body).into_owned(),
                            ..Event::default()
                        })));
                    }
                }
            }
        }
    }
}

impl<K, Q> Request<K, Q> {
    /// The same request, its answer read as Server-Sent Events, one
    /// [`Event`] at a time as they arrive ([`EventStream`]). Asks for
    /// `text/event-stream`; what turns streaming on for an endpoint (a
    /// `"stream": true` in its body, a query parameter) is the endpoint's.
    ///
    /// ```no_run
    /// # async fn f(client: generated_client::Client) -> generated_client::Result<()> {
    /// use futures_util::StreamExt;
    /// use generated_client::runtime::Method;
    ///
    /// let mut events = client
    ///     .request(Method::GET, "/accounts/{account_id}/live", &[("account_id", "acc")])
    ///     .events()
    ///     .await?;
    /// while let Some(event) = events.next().await {
    ///     let event = event?;
    ///     println!("{}: {}", event.event, event.data);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn events(mut self) -> Request<Events, Q> {
        self.parts.headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/event-stream"),
        );
        self.returning()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_stream_content_types() {
        for (value, expected) in [
            ("text/event-stream", true),
            ("text/event-stream; charset=utf-8", true),
            ("Text/Event-Stream", true),
            ("application/json", false),
            ("text/plain", false),
        ] {
            let value = HeaderValue::from_static(value);
            assert_eq!(is_event_stream(&value), expected, "{value:?}");
        }
    }
}
