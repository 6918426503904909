//! Paging: the [`List`] output kind, and its [`Pages`] and [`Items`] streams.
//!
//! Cloudflare pages a list either by number (`page` and `per_page` in the
//! query; `result_info.page`, `total_pages`, `total_count` in the answer) or
//! by cursor (`result_info.cursor`, or `result_info.cursors.after`, sent back
//! as `cursor`). The docs rarely say which, so each response decides the
//! next request:
//!
//! - `result_info` has a `cursor` (or `cursors.after`): go on with
//!   `cursor=<it>` while it is not empty;
//! - else it has `page` or `total_pages`: go on with `page=<this + 1>` while
//!   `total_pages` is beyond this page; without `total_pages`, while the
//!   page is full (`per_page` items, from `result_info` or else the user's
//!   query) and `total_count`, if given, says more; knowing no `per_page`,
//!   while the page is not empty;
//! - else (no `result_info`, e.g. a bare array) the response is the whole
//!   list.
//!
//! Advancing rewrites only the `page` or `cursor` pair of the query; the
//! user's other pairs, `per_page` included, are kept in their order.
//!
//! The engine, [`Pager`], is not generic: it replays the request through the
//! one send path (so each page gets the client's retries and timeouts),
//! decides the next request and enforces the guards. Only decoding a page's
//! `result` as `Vec<T>` is generic.
//!
//! It must never request ahead or hang: a page is requested only when the
//! consumer polls for it, one page is held at a time, and a cursor or page
//! number that comes back a second time, or a list longer than the page cap,
//! ends the stream with [`Error::Paging`]. Any error ends the stream, after
//! the pages already yielded.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::stream::{FusedStream, Stream, StreamExt};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::decode::Shape;
use super::model::ResultInfo;
use super::model::account::Scope;
use super::output::{Listed, Output, decode_list_result, sealed};
use super::parts::{BoxFuture, Fetched, Parts, ResponseMeta, Unfit};
use super::request::Request;
use super::send;
use crate::client::Client;
use crate::error::{Error, PagingStop, Result};

/// Output kind: the JSON array at `result` of the Cloudflare envelope, each
/// element decoded as `T`, and the whole list through [`Request::pages`],
/// [`Request::items`] and [`Request::all`].
///
/// Awaiting the request yields the first page only, as the server sent it. A
/// `null` or absent `result` is an empty list; a `"success": false` envelope
/// is an [`Error::Api`]; a body that is not an envelope (a bare array) is
/// decoded whole, and is the whole list.
pub struct List<T>(PhantomData<fn() -> T>);

impl<T> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("List")
    }
}

impl<T> sealed::Sealed for List<T> {}

impl<T: DeserializeOwned + Send + 'static> Output for List<T> {
    type Output = Vec<T>;
    const STREAMING: bool = false;

    fn finish(fetched: Fetched) -> Result<(Vec<T>, ResponseMeta)> {
        let (items, info, unfit) = decode_list(&fetched)?;
        Ok((items, fetched.into_meta_with(info).with_unfit(unfit)))
    }
}

/// A successful envelope, read in one pass: only what a list page needs.
/// Unknown keys (`errors`, `messages`) are skipped.
#[derive(Deserialize)]
struct Envelope<'a, T> {
    success: Option<bool>,
    result: Option<T>,
    #[serde(borrow)]
    result_info: Option<&'a RawValue>,
}

/// The items of a list response, and its `result_info`.
///
/// The usual body, a `"success": true` envelope with a `result` array, is
/// decoded in one pass. Anything else (a failure envelope, a `null` or
/// missing `result`, a bare array, a body that does not decode) takes the
/// non-generic path of every JSON output: find the text, then decode it.
/// That path alone would scan a large page twice (finding `result`, then
/// decoding it), which costs about a tenth of the time per page in the
/// paging benchmark; the generic part is still one `serde_json::from_str`.
fn decode_list<T: DeserializeOwned>(
    fetched: &Fetched,
) -> Result<(Vec<T>, Option<ResultInfo>, Unfit)> {
    let scope = Scope::open();
    if let Some(Ok(Envelope {
        success: Some(true),
        result: Some(Listed(items)),
        result_info,
    })) = fetched
        .body_text()
        .map(serde_json::from_str::<Envelope<'_, Listed<T>>>)
    {
        let info = result_info.and_then(|raw| ResultInfo::from_json(raw.get()));
        let unfit = Unfit {
            mismatches: scope.close(),
            as_sent: None,
        };
        fetched.warn_unfit(&unfit);
        return Ok((items, info, unfit));
    }
    drop(scope);
    let (text, info) = fetched.json_text(Shape::Envelope)?;
    if text.trim() == "null" {
        return Ok((Vec::new(), info, Unfit::default()));
    }
    let (items, unfit) = decode_list_result(fetched, text)?;
    Ok((items, info, unfit))
}

impl<T: DeserializeOwned + Send + 'static, Q> Request<List<T>, Q> {
    /// The whole list, page by page: a [`Stream`][stream] of [`Page`]s, each with
    /// its items and `result_info`.
    ///
    /// Each page is requested when the stream is polled for it, with the
    /// request's query (its `page` or `cursor` rewritten) and the client's
    /// retries and timeouts. A failed page ends the stream with its error;
    /// so do a repeated cursor or page number, and a list longer than the
    /// page cap ([`Error::Paging`]).
    ///
    /// [stream]: https://docs.rs/futures-core/0.3/futures_core/stream/trait.Stream.html
    pub fn pages(self) -> Pages<T> {
        Pages {
            pager: Pager::new(self.client, self.parts),
            kind: PhantomData,
        }
    }

    /// The items of the whole list: a [`Stream`][stream] of items across pages, as
    /// [`pages`](Self::pages) fetches them.
    ///
    /// [stream]: https://docs.rs/futures-core/0.3/futures_core/stream/trait.Stream.html
    ///
    /// ```no_run
    /// # async fn example(client: generated_client::Client) -> generated_client::Result<()> {
    /// use futures_util::TryStreamExt;
    ///
    /// let pcap = client.magic_pcap_collection();
    /// let mut captures = pcap.list_packet_capture_requests("account-id").items();
    /// while let Some(capture) = captures.try_next().await? {
    ///     println!("{:?}", capture.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn items(self) -> Items<T> {
        Items {
            pages: self.pages(),
            buffer: Vec::new().into_iter(),
        }
    }

    /// Collects the items of the whole list; the first error is returned
    /// instead (use [`pages`](Self::pages) to keep the pages received before
    /// a failure).
    pub fn all(self) -> BoxFuture<Result<Vec<T>>> {
        let mut pages = self.pages();
        Box::pin(async move {
            let mut all = Vec::new();
            while let Some(page) = pages.next().await {
                let items = page?.items;
                if all.is_empty() {
                    all = items;
                } else {
                    all.extend(items);
                }
            }
            Ok(all)
        })
    }

    /// Most pages this listing may fetch (overrides the client's
    /// [`max_pages`](crate::ClientBuilder::max_pages)); at least one page is
    /// always fetched.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.parts.max_pages = Some(pages);
        self
    }
}

/// One page of a list: its items, and the response's status, headers and
/// `result_info`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page, in the server's order.
    pub items: Vec<T>,
    /// Status, headers (`cf-ray`) and `result_info` of this page's response.
    pub meta: ResponseMeta,
}

impl<T> Page<T> {
    /// The page's `result_info` (page numbers, counts, cursor), if it had one.
    pub fn result_info(&self) -> Option<&ResultInfo> {
        self.meta.result_info()
    }
}

/// The pages of a list, from [`Request::pages`]; lazy: a page is requested
/// only when the stream is polled for it.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    pager: Pager,
    kind: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> Stream for Pages<T> {
    type Item = Result<Page<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let pager = &mut self.pager;
        Poll::Ready(match ready!(pager.poll_fetch(cx)) {
            None => None,
            Some(Err(error)) => Some(Err(error)),
            Some(Ok(fetched)) => Some(decode_page(pager, fetched)),
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> FusedStream for Pages<T> {
    fn is_terminated(&self) -> bool {
        self.pager.is_done()
    }
}

fn decode_page<T: DeserializeOwned>(pager: &mut Pager, fetched: Fetched) -> Result<Page<T>> {
    let (items, info, unfit) = decode_list(&fetched)?;
    pager.advance(info.as_ref(), items.len())?;
    Ok(Page {
        items,
        meta: fetched.into_meta_with(info).with_unfit(unfit),
    })
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("path", &self.pager.parts.template)
            .field("pages", &self.pager.pages)
            .finish_non_exhaustive()
    }
}

/// The items of a list across its pages, from [`Request::items`]; lazy: the
/// next page is requested only when the items received so far are used up
/// and the stream is polled again.
#[must_use = "streams do nothing unless polled"]
pub struct Items<T> {
    pages: Pages<T>,
    buffer: std::vec::IntoIter<T>,
}

// The items are only moved out of the buffer, never pinned.
impl<T> Unpin for Items<T> {}

impl<T: DeserializeOwned + Send + 'static> Stream for Items<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(self.pages.poll_next_unpin(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => self.buffer = page.items.into_iter(),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.buffer.len();
        let upper = self.pages.pager.is_done().then_some(buffered);
        (buffered, upper)
    }
}

impl<T: DeserializeOwned + Send + 'static> FusedStream for Items<T> {
    fn is_terminated(&self) -> bool {
        self.buffer.len() == 0 && self.pages.is_terminated()
    }
}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

/// The paging engine: the request, what to send next, and the guards.
struct Pager {
    client: Client,
    /// The request as the user built it, without its builder error (which
    /// is in `state`); every page replays it with another query.
    parts: Parts,
    state: State,
    max_pages: u32,
    /// Pages received and decoded so far.
    pages: u32,
    /// The page number the request in flight asks for (its `page=`, else 1),
    /// for responses that do not say.
    asked_page: u64,
    /// The user's `per_page`, for responses that do not echo it.
    per_page: Option<u64>,
    /// Cursors sent or received so far.
    cursors: HashSet<String>,
    /// Page numbers received so far.
    page_numbers: HashSet<u64>,
}

enum State {
    /// Send the request with this query when polled.
    Ready(String),
    InFlight(BoxFuture<Result<Fetched>>),
    /// End with this error when polled (a builder error, or the page cap).
    Failed(Error),
    Done,
}

/// What follows a page.
#[derive(Debug, PartialEq, Eq)]
enum Next<'a> {
    Stop,
    Cursor(&'a str),
    Page(u64),
}

impl Pager {
    fn new(client: Client, mut parts: Parts) -> Pager {
        let max_pages = parts.max_pages.unwrap_or(client.inner.max_pages).max(1);
        let state = match parts.error.take() {
            Some(error) => State::Failed(error),
            None => State::Ready(parts.query.clone()),
        };
        let mut pager = Pager {
            client,
            parts,
            state,
            max_pages,
            pages: 0,
            asked_page: 1,
            per_page: None,
            cursors: HashSet::new(),
            page_numbers: HashSet::new(),
        };
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&pager.parts.query).unwrap_or_default();
        for (key, value) in pairs {
            match key.as_str() {
                "page" => pager.asked_page = value.trim().parse().unwrap_or(1),
                "per_page" => pager.per_page = value.trim().parse().ok(),
                // A server that answers with the cursor it was sent loops.
                "cursor" if !value.is_empty() => {
                    pager.cursors.insert(value);
                }
                _ => {}
            }
        }
        pager
    }

    fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Sends the next request, if there is one, and waits for its response.
    /// Until [`advance`](Self::advance) says otherwise, the page received
    /// is the last one, so any error ends the stream.
    fn poll_fetch(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Fetched>>> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Ready(query) => {
                    let parts = self.parts.replay(query);
                    let fetch = send::execute(self.client.clone(), parts, false);
                    self.state = State::InFlight(Box::pin(fetch));
                }
                State::InFlight(mut fetch) => match fetch.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = State::InFlight(fetch);
                        return Poll::Pending;
                    }
                    Poll::Ready(result) => return Poll::Ready(Some(result)),
                },
                State::Failed(error) => return Poll::Ready(Some(Err(error))),
                State::Done => return Poll::Ready(None),
            }
        }
    }

    /// Takes note of a page of `items` items and decides what follows it.
    /// An error takes the page's place: its cursor or page number came back
    /// a second time, so the page is likely one already yielded.
    fn advance(&mut self, info: Option<&ResultInfo>, items: usize) -> Result<()> {
        let next = match info {
            None => Next::Stop,
            Some(info) if info.has_cursor() => match info.next_cursor() {
                None => Next::Stop,
                Some(cursor) if !self.cursors.insert(cursor.to_owned()) => {
                    return Err(self.stop(PagingStop::RepeatedCursor));
                }
                Some(cursor) => Next::Cursor(cursor),
            },
            Some(info) if info.page.is_some() || info.total_pages.is_some() => {
                let page = info.page.unwrap_or(self.asked_page);
                if !self.page_numbers.insert(page) {
                    return Err(self.stop(PagingStop::RepeatedPage { page }));
                }
                match page.checked_add(1) {
                    Some(next) if more_pages(info, page, self.per_page, items) => Next::Page(next),
                    _ => Next::Stop,
                }
            }
            Some(_) => Next::Stop,
        };
        self.pages += 1;
        let query = match next {
            Next::Stop => return Ok(()),
            Next::Cursor(cursor) => with_param(&self.parts.query, "cursor", cursor),
            Next::Page(page) => {
                self.asked_page = page;
                with_param(&self.parts.query, "page", &page.to_string())
            }
        };
        tracing::debug!(
            path = self.parts.template,
            pages = self.pages,
            "the list goes on"
        );
        self.state = if self.pages >= self.max_pages {
            State::Failed(self.stop(PagingStop::TooManyPages {
                max_pages: self.max_pages,
            }))
        } else {
            State::Ready(query)
        };
        Ok(())
    }

    fn stop(&self, reason: PagingStop) -> Error {
        Error::Paging {
            method: self.parts.method.clone(),
            path: self.parts.template,
            pages: self.pages,
            reason,
        }
    }
}

/// Whether a list paged by number goes on after `page`, which had `items`
/// items.
fn more_pages(info: &ResultInfo, page: u64, user_per_page: Option<u64>, items: usize) -> bool {
    if let Some(total_pages) = info.total_pages {
        return page < total_pages;
    }
    if items == 0 {
        return false;
    }
    match info.per_page.or(user_per_page).filter(|&n| n > 0) {
        Some(per_page) => {
            let full = items as u64 >= per_page;
            full && info
                .total_count
                .is_none_or(|total| page.saturating_mul(per_page) < total)
        }
        None => true,
    }
}

/// What a query value may keep unencoded (RFC 3986 unreserved characters).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `query` without its `key` pairs, then `key=value`.
fn with_param(query: &str, key: &str, value: &str) -> String {
    let mut out = String::with_capacity(query.len() + key.len() + value.len() + 2);
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        let name = name.replace('+', " ");
        if percent_decode_str(&name).decode_utf8_lossy() != key {
            out.push_str(pair);
            out.push('&');
        }
    }
    out.push_str(key);
    out.push('=');
    out.extend(utf8_percent_encode(value, QUERY_VALUE));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(json: &str) -> ResultInfo {
        ResultInfo::from_json(json).unwrap()
    }

    #[test]
    fn page_numbers_go_on_while_the_server_says_so() {
        let check = |json: &str, page, user_per_page, items, expected| {
            let more = more_pages(&info(json), page, user_per_page, items);
            assert_eq!(more, expected, "{json} page {page}, {items} items");
        };
        check(r#"{"page": 1, "total_pages": 3}"#, 1, None, 0, true);
        check(r#"{"page": 3, "total_pages": 3}"#, 3, None, 20, false);
        check(r#"{"page": 1, "total_pages": 0}"#, 1, None, 0, false);
        // Without total_pages: a full page goes on, a short or empty one ends.
        check(r#"{"page": 1, "per_page": 20}"#, 1, None, 20, true);
        check(r#"{"page": 1, "per_page": 20}"#, 1, None, 19, false);
        check(r#"{"page": 1}"#, 1, Some(5), 5, true);
        check(r#"{"page": 1}"#, 1, Some(5), 4, false);
        check(r#"{"page": 1}"#, 1, None, 7, true);
        check(r#"{"page": 4}"#, 4, None, 0, false);
        // total_count ends a list whose last page is exactly full.
        check(
            r#"{"page": 2, "per_page": 10, "total_count": 20}"#,
            2,
            None,
            10,
            false,
        );
        check(
            r#"{"page": 2, "per_page": 10, "total_count": 21}"#,
            2,
            None,
            10,
            true,
        );
    }

    #[test]
    fn rewriting_the_query_keeps_the_other_pairs() {
        for (query, key, value, expected) in [
            ("", "page", "2", "page=2"),
            ("per_page=50", "page", "2", "per_page=50&page=2"),
            (
                "page=1&per_page=5&name=a+b",
                "page",
                "3",
                "per_page=5&name=a+b&page=3",
            ),
            ("p%61ge=1&x=1&page=9", "page", "2", "x=1&page=2"),
            (
                "cursor=old&page_size=3",
                "cursor",
                "a+b/c==",
                "page_size=3&cursor=a%2Bb%2Fc%3D%3D",
            ),
        ] {
            assert_eq!(with_param(query, key, value), expected, "{query}");
        }
    }
}
