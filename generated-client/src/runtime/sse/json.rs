//! Events whose data is JSON, decoded as they arrive: [`JsonEvents`] for
//! any type, [`TextStream`] for a Workers AI text generation.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use super::{EventStream, Events};
use crate::error::{Error, Result};
use crate::runtime::decode::{event_json, status_error};
use crate::runtime::model::account::Scope;
use crate::runtime::model::{Extra, object};
use crate::runtime::output::{Output, sealed};
use crate::runtime::parts::{Fetched, ResponseMeta};
use crate::runtime::request::Request;

/// Output kind: the answer's events, each one's data decoded from JSON as
/// `T` ([`JsonEventStream`]).
pub struct JsonEvents<T>(PhantomData<fn() -> T>);

/// Output kind: a Workers AI text generation, streamed: its
/// [`TextChunk`]s, ended by `[DONE]` ([`JsonEventStream`]).
#[derive(Debug)]
pub struct TextStream(());

impl<T> fmt::Debug for JsonEvents<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JsonEvents")
    }
}

impl<T> sealed::Sealed for JsonEvents<T> {}
impl sealed::Sealed for TextStream {}

impl<T: DeserializeOwned + Send + 'static> Output for JsonEvents<T> {
    type Output = JsonEventStream<T>;
    const STREAMING: bool = true;

    fn finish(fetched: Fetched) -> Result<(JsonEventStream<T>, ResponseMeta)> {
        let (events, meta) = Events::finish(fetched)?;
        Ok((JsonEventStream::new(events, false), meta))
    }
}

impl Output for TextStream {
    type Output = JsonEventStream<TextChunk>;
    const STREAMING: bool = true;

    fn finish(fetched: Fetched) -> Result<(JsonEventStream<TextChunk>, ResponseMeta)> {
        let (events, meta) = Events::finish(fetched)?;
        Ok((JsonEventStream::new(events, true), meta))
    }
}

/// The events of an answer, each one's data decoded as `T`: a
/// [`Stream`](futures_util::Stream) of `T`.
///
/// An event whose data is `[DONE]` ends the stream. An event named `error`,
/// or data that is a Cloudflare envelope saying `"success": false`, is an
/// [`Error::Api`] with what it says; data in an envelope that succeeded is
/// its `result`. Data that is not JSON, or JSON that `T` cannot hold, is an
/// [`Error::Decode`] holding the event's data (the generated types, and
/// `serde_json::Value`, hold any JSON object). Events with empty data are
/// skipped. The rest is as for [`EventStream`]: timeouts between chunks,
/// a broken connection, a cap on one event. After an error the stream
/// ends.
///
/// An answer that is not an event stream (a server that did not stream)
/// gives its `result` as the one item.
pub struct JsonEventStream<T> {
    events: EventStream,
    /// The stream must end with `[DONE]`: a body that ends without it was
    /// cut short.
    done_required: bool,
    done: bool,
    item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for JsonEventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonEventStream")
            .field("events", &self.events)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T> JsonEventStream<T> {
    fn new(events: EventStream, done_required: bool) -> Self {
        JsonEventStream {
            events,
            done_required,
            done: false,
            item: PhantomData,
        }
    }

    /// Status and headers of the answer.
    pub fn meta(&self) -> &ResponseMeta {
        self.events.meta()
    }

    /// The event stream underneath (its last event ID, how many events
    /// arrived).
    pub fn events(&self) -> &EventStream {
        &self.events
    }
}

impl<T: DeserializeOwned> JsonEventStream<T> {
    /// The item an event's data gives, or `None` for an event to skip.
    fn decode(&self, event: &super::Event) -> Option<Result<T>> {
        let events = &self.events;
        if event.event == "error" {
            let api = status_error(
                events.method.clone(),
                events.path,
                &events.meta,
                event.data.as_bytes(),
            );
            return Some(Err(api.into()));
        }
        if event.data.trim().is_empty() {
            return None;
        }
        let json = match event_json(&event.data, &events.method, events.path, &events.meta) {
            Ok(json) => json,
            Err(error) => return Some(Err(error)),
        };
        // The generated types keep what did not fit inside themselves; the
        // scope only has to be open for them to see it.
        let scope = Scope::open();
        let item = serde_json::from_str::<T>(json);
        scope.discard();
        Some(item.map_err(|source| Error::Decode {
            method: events.method.clone(),
            path: events.path,
            status: events.meta.status,
            source,
            body_len: event.data.len() as u64,
            body: Bytes::copy_from_slice(event.data.as_bytes()),
        }))
    }
}

impl<T: DeserializeOwned> Stream for JsonEventStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let Some(event) = ready!(this.events.poll_next_unpin(cx)) else {
                this.done = true;
                if this.done_required && !this.events.is_whole() {
                    return Poll::Ready(Some(Err(Error::StreamEnded {
                        method: this.events.method.clone(),
                        path: this.events.path,
                        events: this.events.delivered,
                        done_missing: true,
                    })));
                }
                return Poll::Ready(None);
            };
            let event = match event {
                Ok(event) => event,
                Err(error) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
            };
            if event.data.trim() == "[DONE]" {
                this.done = true;
                return Poll::Ready(None);
            }
            if let Some(item) = this.decode(&event) {
                this.done = item.is_err();
                return Poll::Ready(Some(item));
            }
        }
    }
}

/// One event of a streamed Workers AI text generation: the next piece of
/// the text; the last one also says how many tokens were used. What else
/// a model sends is in `extra`.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct TextChunk {
    /// The text this event adds.
    pub response: Option<String>,
    /// The tokens used, in the last event (of the models that say).
    pub usage: Option<Usage>,
    /// Keys this client does not know, and values that did not fit.
    pub extra: Extra,
}

object!(TextChunk {
    response: "response" => string,
    usage: "usage" => object,
});

impl TextChunk {
    /// The text this event adds (empty when it adds none).
    pub fn text(&self) -> &str {
        self.response.as_deref().unwrap_or_default()
    }
}

/// Tokens used by a text generation.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Usage {
    /// Tokens of the prompt.
    pub prompt_tokens: Option<i64>,
    /// Tokens generated.
    pub completion_tokens: Option<i64>,
    /// Both.
    pub total_tokens: Option<i64>,
    /// Keys this client does not know, and values that did not fit.
    pub extra: Extra,
}

object!(Usage {
    prompt_tokens: "prompt_tokens" => integer,
    completion_tokens: "completion_tokens" => integer,
    total_tokens: "total_tokens" => integer,
});

impl<K, Q> Request<K, Q> {
    /// The same request, its answer read as Server-Sent Events whose data
    /// is JSON, each decoded as `T` as it arrives ([`JsonEventStream`]).
    /// Asks for `text/event-stream`; turning streaming on is the
    /// endpoint's (see [`stream_text`](Request::stream_text) for Workers
    /// AI).
    pub fn json_events<T: DeserializeOwned + Send + 'static>(self) -> Request<JsonEvents<T>, Q> {
        self.events().returning()
    }

    /// The same request with `"stream": true` in its JSON body, its answer
    /// read as a Workers AI text generation streams it: [`TextChunk`]s as
    /// they arrive, until `[DONE]`. The generated `…_stream` methods of the
    /// text generation models call it.
    ///
    /// ```no_run
    /// # async fn f(client: generated_client::Client) -> generated_client::Result<()> {
    /// use futures_util::StreamExt;
    /// use generated_client::runtime::Method;
    ///
    /// let mut chunks = client
    ///     .request(
    ///         Method::POST,
    ///         "/accounts/{account_id}/ai/run/{model_name}",
    ///         &[("account_id", "acc"), ("model_name", "@cf/meta/llama-3.1-8b-instruct")],
    ///     )
    ///     .body(&serde_json::json!({"prompt": "Tell me a joke"}))
    ///     .stream_text()
    ///     .await?;
    /// while let Some(chunk) = chunks.next().await {
    ///     let chunk = chunk?;
    ///     print!("{}", chunk.text());
    ///     if let Some(usage) = &chunk.usage {
    ///         println!("\n{:?} tokens", usage.total_tokens);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream_text(mut self) -> Request<TextStream, Q> {
        self.parts.set_json_flag("stream");
        self.events().returning()
    }
}
