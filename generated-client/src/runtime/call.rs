//! A call to any path of the API ([`Client::request`]): for an endpoint the
//! docs do not have yet (Cloudflare adds some every month), with the same
//! credentials, retries, redirects, limits, hooks and paging as the
//! generated methods; and a way to re-type any request's answer
//! ([`Request::json`], [`Request::list`], [`Request::raw`]…).

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::output::{Bare, Json, NoContent, Output, Raw};
use super::pages::List;
use super::path::PathPart;
use super::request::Request;
use crate::client::Client;
use crate::error::Error;

impl Client {
    /// A request to any path of the API, relative to the base URL: the
    /// template's `{name}` placeholders are filled from `params`, each
    /// value percent-encoded as one path segment, as the generated methods
    /// do. Awaiting it gives the envelope's `result` as a
    /// `serde_json::Value`; re-type it with [`json`](Request::json),
    /// [`list`](Request::list) (to page through), [`bare`](Request::bare),
    /// [`raw`](Request::raw) or [`no_content`](Request::no_content). Query,
    /// body, headers, timeout and retries are set as on any request.
    ///
    /// A placeholder without a value, or a value for no placeholder, fails
    /// the request when awaited, without sending it.
    ///
    /// ```no_run
    /// # async fn f(client: generated_client::Client) -> generated_client::Result<()> {
    /// use generated_client::runtime::Method;
    ///
    /// let zone = "023e105f4ecef8ad9ca31a8372d0c353";
    /// // Untyped.
    /// let things = client
    ///     .request(Method::GET, "/zones/{zone_id}/new_thing", &[("zone_id", zone)])
    ///     .await?;
    /// println!("{things}");
    ///
    /// // Typed by you, every page, with a query and the usual retries.
    /// #[derive(serde::Deserialize)]
    /// struct Thing { id: String }
    /// let all: Vec<Thing> = client
    ///     .request(Method::GET, "/zones/{zone_id}/new_thing", &[("zone_id", zone)])
    ///     .list::<Thing>()
    ///     .query(&[("per_page", 50)])
    ///     .all()
    ///     .await?;
    ///
    /// // A body, and no interest in the answer.
    /// client
    ///     .request(Method::POST, "/zones/{zone_id}/new_thing", &[("zone_id", zone)])
    ///     .body(&serde_json::json!({"name": "a"}))
    ///     .no_content()
    ///     .await?;
    /// # let _ = all; Ok(()) }
    /// ```
    pub fn request(
        &self,
        method: super::Method,
        template: &'static str,
        params: &[(&str, &str)],
    ) -> Request<Json<Value>> {
        let (parts, problem) = fill(template, params);
        let mut request = Request::new(self, method, template, &parts);
        if let Some(problem) = problem {
            request.parts.fail(Error::InvalidArgument(format!(
                "{} {template}: {problem}",
                request.parts.method
            )));
        }
        request
    }
}

/// The parts of `template` with `params` for its placeholders; and what is
/// wrong, when a placeholder has no value or a value no placeholder.
fn fill<'a>(
    template: &'static str,
    params: &'a [(&'a str, &'a str)],
) -> (Vec<PathPart<'a>>, Option<String>) {
    let mut parts = Vec::new();
    let mut problem = None;
    let mut used = vec![false; params.len()];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|i| open + i) else {
            problem.get_or_insert_with(|| "a `{` without its `}` in the path".to_owned());
            break;
        };
        if open > 0 {
            parts.push(PathPart::Lit(&rest[..open]));
        }
        let name = &rest[open + 1..close];
        match params.iter().position(|(key, _)| *key == name) {
            Some(index) => {
                used[index] = true;
                parts.push(PathPart::Param(params[index].0, params[index].1));
            }
            None => {
                problem.get_or_insert_with(|| format!("no value for `{{{name}}}`"));
            }
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Lit(rest));
    }
    if let Some(index) = used.iter().position(|used| !used) {
        let name = params[index].0;
        problem.get_or_insert_with(|| format!("`{name}` is no placeholder of the path"));
    }
    (parts, problem)
}

impl<K, Q> Request<K, Q> {
    /// The same request, its answer read as another output kind.
    pub(super) fn returning<K2: Output>(self) -> Request<K2, Q> {
        Request {
            client: self.client,
            parts: self.parts,
            kind: std::marker::PhantomData,
        }
    }

    /// The same request, its answer's `result` decoded as `T` (yours, or
    /// `serde_json::Value`): a type that can be empty (`Option`, `Value`)
    /// is never refused a JSON answer, see [`Json`].
    pub fn json<T: DeserializeOwned + Send + 'static>(self) -> Request<Json<T>, Q> {
        self.returning()
    }

    /// The same request, its answer a list of `T`, which
    /// [`pages`](Request::pages), [`items`](Request::items) and
    /// [`all`](Request::all) page through.
    pub fn list<T: DeserializeOwned + Send + 'static>(self) -> Request<List<T>, Q> {
        self.returning()
    }

    /// The same request, its whole body decoded as `T` (no envelope).
    pub fn bare<T: DeserializeOwned + Send + 'static>(self) -> Request<Bare<T>, Q> {
        self.returning()
    }

    /// The same request, its answer handed over unread ([`Raw`]).
    pub fn raw(self) -> Request<Raw, Q> {
        self.returning()
    }

    /// The same request, its answer's body read and dropped.
    pub fn no_content(self) -> Request<NoContent, Q> {
        self.returning()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled_by_name() {
        let (parts, problem) = fill(
            "/zones/{zone_id}/things/{id}.png",
            &[("id", "t 1"), ("zone_id", "z")],
        );
        assert_eq!(problem, None);
        assert_eq!(
            parts,
            [
                PathPart::Lit("/zones/"),
                PathPart::Param("zone_id", "z"),
                PathPart::Lit("/things/"),
                PathPart::Param("id", "t 1"),
                PathPart::Lit(".png"),
            ]
        );
        let (_, problem) = fill("/zones/{zone_id}", &[]);
        assert_eq!(problem.as_deref(), Some("no value for `{zone_id}`"));
        let (_, problem) = fill("/zones", &[("zone_id", "z")]);
        assert_eq!(
            problem.as_deref(),
            Some("`zone_id` is no placeholder of the path")
        );
        let (_, problem) = fill("/zones/{zone_id", &[("zone_id", "z")]);
        assert!(problem.unwrap().contains("without its"));
    }
}
