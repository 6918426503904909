//! Which description operation a document endpoint is, and what the hand
//! overlay already gives for it.
//!
//! A document endpoint (`**GET** `/zones/{zone_id}``) is the operation with
//! the same method and the same path once every `{parameter}` is `{}` and a
//! trailing `/` is dropped: the two name their parameters differently
//! (`{account_id}`, `{account_identifier}`).

use crate::overlay::Overlay;

/// The path as matching sees it: `/zones/{zone_id}/` → `/zones/{}`.
pub(crate) fn route_key(path: &str) -> String {
    let mut key = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' if !in_param => {
                in_param = true;
                key.push_str("{}");
            }
            '}' if in_param => in_param = false,
            _ if in_param => {}
            _ => key.push(c),
        }
    }
    if key.len() > 1 && key.ends_with('/') {
        key.pop();
    }
    key
}

/// What a hand overlay gives for one endpoint; the draft leaves all of it
/// out, so the two files never say the same thing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HandGives {
    /// A `Request body` or a `Multipart body`.
    pub body: bool,
    pub query: bool,
    /// Every status it mentions, lower case.
    pub statuses: Vec<String>,
    pub accept: bool,
}

impl HandGives {
    /// What `overlay` gives for `method path` (exactly as the document
    /// writes them: that is how codegen matches an overlay).
    pub(crate) fn of(overlay: Option<&Overlay>, method: &str, path: &str) -> Self {
        let Some(endpoint) = overlay.and_then(|o| {
            o.endpoints.iter().find(|e| {
                e.method.as_ref().is_some_and(|m| m.value == method)
                    && e.path.as_ref().is_some_and(|p| p.value == path)
            })
        }) else {
            return Self::default();
        };
        Self {
            body: endpoint.request_body.is_some() || endpoint.multipart.is_some(),
            query: endpoint.query.is_some(),
            statuses: endpoint
                .responses
                .iter()
                .map(|r| r.status.value.to_ascii_lowercase())
                .collect(),
            accept: endpoint.responses.iter().any(|r| r.accept.is_some()),
        }
    }

    /// `true` when the hand overlay mentions `status`.
    pub(crate) fn has_status(&self, status: &str) -> bool {
        self.statuses.contains(&status.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::route_key;

    #[test]
    fn parameters_and_trailing_slashes_do_not_count() {
        let cases = [
            ("/accounts/{account_id}/rules/", "/accounts/{}/rules"),
            ("/accounts/{account_identifier}/rules", "/accounts/{}/rules"),
            (
                "/zones/{zone_id}/dns_records/{id}",
                "/zones/{}/dns_records/{}",
            ),
            ("/", "/"),
            ("/a/{b}.{c}", "/a/{}.{}"),
        ];
        for (path, key) in cases {
            assert_eq!(route_key(path), key, "{path}");
        }
    }
}
