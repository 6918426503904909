//! [`ResultInfo`]: the envelope's `result_info`, the paging facts of a
//! response (page numbers, counts, cursor).
//!
//! It is read leniently. A field of an unexpected type (a page number sent
//! as text that is not a number, a cursor that is an object) is left `None`
//! and kept among the other keys; it is never an error, because the result
//! is useful without it. This module only reads `result_info`; deciding what
//! to request next is `pages.rs`'s job.

use serde_json::{Map, Value};

/// The `result_info` object of a Cloudflare envelope.
///
/// Cloudflare sends it beside `result` on most list endpoints: page numbers
/// (`page`, `per_page`, `total_pages`), counts, or a `cursor`. Every field is
/// optional; keys this type does not name are kept and reachable through
/// [`other`](Self::other). Get it from
/// [`ResponseMeta::result_info`](crate::runtime::ResponseMeta::result_info) (via
/// `send_with_meta()`) or from each [`Page`](crate::runtime::Page).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResultInfo {
    /// The number of this page (the first is 1).
    pub page: Option<u64>,
    /// Items per page, as the server applied it.
    pub per_page: Option<u64>,
    /// Items on this page.
    pub count: Option<u64>,
    /// Items in the whole list.
    pub total_count: Option<u64>,
    /// Pages in the whole list.
    pub total_pages: Option<u64>,
    /// The cursor of the next page (`result_info.cursor`); empty or absent
    /// on the last page. See also [`next_cursor`](Self::next_cursor).
    pub cursor: Option<String>,
    other: Map<String, Value>,
}

impl ResultInfo {
    /// Reads a `result_info` value; `None` when it is not an object.
    pub(crate) fn from_json(text: &str) -> Option<ResultInfo> {
        let mut map: Map<String, Value> = serde_json::from_str(text).ok()?;
        let mut number = |key: &str| take(&mut map, key, as_count);
        Some(ResultInfo {
            page: number("page"),
            per_page: number("per_page"),
            count: number("count"),
            total_count: number("total_count"),
            total_pages: number("total_pages"),
            cursor: take(&mut map, "cursor", |v| v.as_str().map(str::to_owned)),
            other: map,
        })
    }

    /// The keys of `result_info` not named by a field (and named keys whose
    /// value had an unexpected type), e.g. `cursors` or `is_truncated`.
    pub fn other(&self) -> &Map<String, Value> {
        &self.other
    }

    /// The cursor to request the next page with: [`cursor`](Self::cursor),
    /// else `cursors.after` (which some APIs, such as Lists, send instead).
    /// `None` when it is absent or empty, that is on the last page.
    pub fn next_cursor(&self) -> Option<&str> {
        self.cursor
            .as_deref()
            .or_else(|| self.cursors_after())
            .filter(|cursor| !cursor.is_empty())
    }

    /// Whether the response pages by cursor: it has a `cursor` key or a
    /// `cursors.after` key, even an empty one (the last page says so).
    pub(crate) fn has_cursor(&self) -> bool {
        self.cursor.is_some() || self.cursors_after().is_some()
    }

    fn cursors_after(&self) -> Option<&str> {
        self.other.get("cursors")?.get("after")?.as_str()
    }
}

/// Removes `key` from `map` when `read` accepts its value; a value it does
/// not accept (or `null`) stays in the map, so nothing is lost.
fn take<T>(
    map: &mut Map<String, Value>,
    key: &str,
    read: impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    let value = read(map.get(key)?)?;
    map.remove(key);
    Some(value)
}

/// A count: a non-negative integer, also when sent as `2.0` or `"2"`.
fn as_count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < u64::MAX as f64)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fields_and_the_rest() {
        let info = ResultInfo::from_json(
            r#"{"page": 2, "per_page": "50", "count": 50.0, "total_count": 1234,
                "total_pages": null, "cursor": "abc", "is_truncated": true}"#,
        )
        .unwrap();
        assert_eq!(
            (info.page, info.per_page, info.count, info.total_count),
            (Some(2), Some(50), Some(50), Some(1234))
        );
        assert_eq!(info.total_pages, None);
        assert_eq!(info.next_cursor(), Some("abc"));
        let other: Vec<&str> = info.other().keys().map(String::as_str).collect();
        assert_eq!(other, ["is_truncated", "total_pages"]);
    }

    #[test]
    fn odd_values_are_kept_not_fatal() {
        let info =
            ResultInfo::from_json(r#"{"page": -1, "count": "many", "cursor": {"x": 1}}"#).unwrap();
        assert_eq!(
            (info.page, info.count, info.cursor.as_deref()),
            (None, None, None)
        );
        assert_eq!(info.other().len(), 3);
        assert!(!info.has_cursor());
        assert_eq!(ResultInfo::from_json("[1]"), None);
        assert_eq!(ResultInfo::from_json("null"), None);
    }

    #[test]
    fn cursors_after_and_empty_cursors() {
        let lists = ResultInfo::from_json(r#"{"cursors": {"after": "n2", "before": "p0"}}"#);
        let lists = lists.unwrap();
        assert_eq!(lists.next_cursor(), Some("n2"));
        assert!(lists.has_cursor());
        let last = ResultInfo::from_json(r#"{"count": 3, "cursor": ""}"#).unwrap();
        assert_eq!(last.next_cursor(), None);
        assert!(last.has_cursor());
        let pages = ResultInfo::from_json(r#"{"page": 1, "total_pages": 3}"#).unwrap();
        assert!(!pages.has_cursor() && pages.next_cursor().is_none());
    }
}
