//! Filling a path template: every parameter becomes exactly one segment.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::Error;

/// One piece of a request path, as written by the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPart<'a> {
    /// Literal text of the template, used as is (e.g. `"/accounts/"`).
    Lit(&'a str),
    /// A parameter: its name (for error messages) and its value, which is
    /// percent-encoded as exactly one path segment.
    Param(&'a str, &'a str),
}

/// Everything but RFC 3986 "unreserved" characters is encoded, so a value can
/// never add a segment (`/`), a query (`?`), a fragment (`#`) or an escape (`%`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Joins literal parts and encoded parameters into the request path.
///
/// `.` and `..` are refused rather than encoded: URL parsers (the WHATWG
/// rules the `url` crate follows) treat `%2E` and `%2E%2E` as dot segments
/// too and would resolve them, moving the request to another endpoint.
pub(crate) fn build(parts: &[PathPart<'_>]) -> Result<String, Error> {
    let mut path = String::with_capacity(
        parts
            .iter()
            .map(|p| match p {
                PathPart::Lit(s) => s.len(),
                PathPart::Param(_, v) => v.len() * 3,
            })
            .sum(),
    );
    for part in parts {
        match *part {
            PathPart::Lit(lit) => path.push_str(lit),
            PathPart::Param(name, value) => {
                if value.is_empty() {
                    return Err(Error::InvalidArgument(format!(
                        "path parameter `{name}` is empty"
                    )));
                }
                if value == "." || value == ".." {
                    return Err(Error::InvalidArgument(format!(
                        "path parameter `{name}` must not be `{value}`"
                    )));
                }
                path.extend(utf8_percent_encode(value, SEGMENT));
            }
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(value: &str) -> Result<String, Error> {
        build(&[PathPart::Lit("/zones/"), PathPart::Param("zone_id", value)])
    }

    #[test]
    fn encodes_one_segment() {
        for (value, expected) in [
            ("abc123", "/zones/abc123"),
            ("../x", "/zones/..%2Fx"),
            ("a/b", "/zones/a%2Fb"),
            ("a b", "/zones/a%20b"),
            ("%", "/zones/%25"),
            ("?q#f", "/zones/%3Fq%23f"),
            ("é", "/zones/%C3%A9"),
            ("...", "/zones/..."),
            ("-._~", "/zones/-._~"),
        ] {
            assert_eq!(one(value).unwrap(), expected, "{value:?}");
        }
    }

    #[test]
    fn refuses_empty_and_dot_segments() {
        for value in ["", ".", ".."] {
            let err = one(value).unwrap_err();
            assert!(err.to_string().contains("`zone_id`"), "{err}");
        }
    }

    #[test]
    fn url_parser_resolves_encoded_dots() {
        // Why `.`/`..` are refused instead of encoded as `%2E`.
        let url = reqwest::Url::parse("https://h/a/%2E%2E/b").unwrap();
        assert_eq!(url.path(), "/b");
    }
}
