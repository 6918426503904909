//! Redirects, followed here rather than by reqwest, so that no credential
//! ever reaches another origin.
//!
//! reqwest drops `Authorization` (and cookies) when a redirect leaves the
//! host, but forwards every other header: a global API key (`X-Auth-Key`,
//! `X-Auth-Email`), an Origin CA key (`X-Auth-User-Service-Key`) or any
//! secret a caller put in a default or per-request header would go along.
//! Nor can it tell which of a caller's headers are secret. So the HTTP
//! client is built with redirects turned off, and the send path asks
//! [`next_hop`] what a `3xx` answer means:
//!
//! - a hop within the same origin (scheme, host and port) keeps every
//!   header;
//! - a hop to another origin carries none of the headers the client or the
//!   caller set (credentials, default headers, per-request headers), only
//!   the body's own `Content-Type` and `Content-Length` when the body goes
//!   along, and once they are dropped they stay dropped, even if a later
//!   hop comes back;
//! - `https` never becomes `http`;
//! - `301`, `302` and `303` turn into a `GET` without a body (as browsers
//!   and reqwest do; `HEAD` stays `HEAD`), `307` and `308` repeat the
//!   method and the body: a body held in memory is sent again, a body
//!   streamed from a file never is (the redirect is then the answer);
//! - at most [`MAX_REDIRECTS`] hops.
//!
//! A redirect that is not followed (a downgrade, one hop too many, no
//! usable `Location`, a streamed body that would be sent again) is an
//! [`Error::Redirect`] that says why.
//!
//! [`Error::Redirect`]: crate::Error::Redirect

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode, Url};

use crate::error::RedirectStop;

/// Most redirects one attempt follows.
pub(crate) const MAX_REDIRECTS: usize = 10;

/// The request a redirect asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    pub(crate) url: Url,
    pub(crate) method: Method,
    /// Whether the body is sent again (`307`, `308`).
    pub(crate) keeps_body: bool,
    /// Whether the new URL is on another origin than the one it came from.
    pub(crate) cross_origin: bool,
}

/// What a response with `status` and `headers` to a `method` request for
/// `from` redirects to: `None` when it is no redirect (not a redirect
/// status), an error when it is one this client does not follow (no usable
/// `Location`, or a downgrade to `http`).
pub(crate) fn next_hop(
    status: StatusCode,
    headers: &HeaderMap,
    from: &Url,
    method: &Method,
) -> Result<Option<Hop>, RedirectStop> {
    let (method, keeps_body) = match status {
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND | StatusCode::SEE_OTHER => {
            let method = if *method == Method::HEAD {
                Method::HEAD
            } else {
                Method::GET
            };
            (method, false)
        }
        StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT => (method.clone(), true),
        _ => return Ok(None),
    };
    let location = headers
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .ok_or(RedirectStop::NoLocation)?;
    // A relative `Location` is resolved against the URL it answered.
    let url = from
        .join(location.trim())
        .map_err(|_| RedirectStop::NoLocation)?;
    match (from.scheme(), url.scheme()) {
        ("https", "https") | ("http", "http" | "https") => {}
        ("https", _) => return Err(RedirectStop::Downgrade),
        _ => return Err(RedirectStop::NoLocation),
    }
    let cross_origin = url.origin() != from.origin();
    Ok(Some(Hop {
        url,
        method,
        keeps_body,
        cross_origin,
    }))
}

/// The headers a hop to another origin keeps: only those that describe the
/// body, when the body goes along. Everything a client or a caller set is
/// left behind, whatever its name.
pub(crate) fn cross_origin_headers(headers: &HeaderMap, keeps_body: bool) -> HeaderMap {
    let mut kept = HeaderMap::new();
    if keeps_body {
        for name in [header::CONTENT_TYPE, header::CONTENT_LENGTH] {
            if let Some(value) = headers.get(&name) {
                kept.insert(name, value.clone());
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn location(to: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::LOCATION, HeaderValue::from_str(to).unwrap());
        headers
    }

    fn hop(status: u16, from: &str, to: &str, method: Method) -> Result<Option<Hop>, RedirectStop> {
        next_hop(
            StatusCode::from_u16(status).unwrap(),
            &location(to),
            &Url::parse(from).unwrap(),
            &method,
        )
    }

    #[test]
    fn methods_and_bodies_by_status() {
        let from = "https://api.example.com/a";
        for (status, method, expected, keeps) in [
            (301, Method::POST, Method::GET, false),
            (302, Method::PUT, Method::GET, false),
            (303, Method::DELETE, Method::GET, false),
            (303, Method::HEAD, Method::HEAD, false),
            (307, Method::POST, Method::POST, true),
            (308, Method::PATCH, Method::PATCH, true),
        ] {
            let hop = hop(status, from, "/b", method).unwrap().unwrap();
            assert_eq!((hop.method, hop.keeps_body), (expected, keeps), "{status}");
            assert_eq!(hop.url.as_str(), "https://api.example.com/b");
            assert!(!hop.cross_origin);
        }
        for status in [200, 300, 304, 305, 404] {
            assert_eq!(hop(status, from, "/b", Method::GET), Ok(None), "{status}");
        }
    }

    #[test]
    fn origins() {
        let from = "https://api.example.com:443/a";
        let other = |to: &str| {
            hop(302, from, to, Method::GET)
                .unwrap()
                .unwrap()
                .cross_origin
        };
        assert!(!other("https://api.example.com/b?x=1"));
        assert!(other("https://files.example.com/b"));
        assert!(other("https://api.example.com:8443/b"));
        assert_eq!(
            hop(302, from, "http://api.example.com/b", Method::GET),
            Err(RedirectStop::Downgrade),
            "never downgraded to http"
        );
        assert!(
            hop(
                302,
                "http://127.0.0.1:1/a",
                "https://example.com/",
                Method::GET
            )
            .unwrap()
            .is_some()
        );
        assert_eq!(
            hop(302, from, "ftp://example.com/", Method::GET),
            Err(RedirectStop::Downgrade)
        );
        assert_eq!(
            hop(
                302,
                "http://127.0.0.1:1/a",
                "ftp://example.com/",
                Method::GET
            ),
            Err(RedirectStop::NoLocation)
        );
        let none = next_hop(
            StatusCode::FOUND,
            &HeaderMap::new(),
            &Url::parse(from).unwrap(),
            &Method::GET,
        );
        assert_eq!(none, Err(RedirectStop::NoLocation), "no Location");
    }

    #[test]
    fn only_body_headers_cross() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer t"),
            ("x-auth-key", "k"),
            ("x-auth-email", "e"),
            ("x-auth-user-service-key", "v1.0-s"),
            ("x-custom-secret", "s"),
            ("content-type", "application/json"),
            ("content-length", "2"),
        ] {
            headers.insert(
                header::HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let kept = cross_origin_headers(&headers, true);
        let names: Vec<&str> = kept.keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["content-type", "content-length"]);
        assert!(cross_origin_headers(&headers, false).is_empty());
    }
}
