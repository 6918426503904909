//! Untagged unions: one of several structs that no field tells apart (the
//! variants of a request body that the description gives as a `oneOf`).
//!
//! serde's `#[serde(untagged)]` picks the first variant that decodes. Every
//! generated struct decodes whatever it is sent (what does not fit is kept
//! in it), so that would always be the first variant. [`untagged!`] picks
//! the variant the value fits best instead: the fewest mismatches (its
//! account says what did not fit), then the fewest keys it does not
//! declare, then the first. A variant with a required field of a request
//! body type that the value lacks (`must`) does not take it at all.

use serde_json::Value;

use super::account::{self, Scope};

/// Reads `value` as one variant: the union's value and how many keys the
/// variant's struct does not declare.
#[doc(hidden)]
pub type Variant<T> = fn(&Value) -> Option<(T, usize)>;

/// The variant of an untagged union that `value` fits best; `None` when no
/// variant takes it.
#[doc(hidden)]
pub fn best_fit<T>(value: &Value, variants: &[Variant<T>]) -> Option<T> {
    let mut best: Option<(usize, (usize, usize))> = None;
    for (index, variant) in variants.iter().enumerate() {
        let scope = Scope::open();
        let before = account::pending();
        let read = variant(value);
        let score = (
            account::pending() - before,
            read.as_ref().map_or(0, |r| r.1),
        );
        match read {
            Some((read, _)) if score == (0, 0) => {
                scope.close();
                return Some(read);
            }
            Some(_) if best.is_none_or(|(_, fewest)| score < fewest) => {
                best = Some((index, score));
            }
            _ => {}
        }
        scope.discard();
    }
    let (index, _) = best?;
    // Read again, this time keeping what did not fit for the reader around.
    let scope = Scope::open();
    let read = variants[index](value);
    scope.close();
    read.map(|(read, _)| read)
}

/// Implements `Deserialize` and `Serialize` for a generated untagged union
/// of structs: decoded as the variant the value fits best, written as its
/// variant.
///
/// ```text
/// crate::runtime::untagged!(RuleAction { Block(BlockAction), Log(LogAction) });
/// ```
#[allow(unused_macros)]
macro_rules! untagged {
    ($name:ident { $($variant:ident($ty:ident)),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: ::serde_json::Value = ::serde::Deserialize::deserialize(deserializer)?;
                let variants: &[$crate::runtime::Variant<$name>] = &[
                    $(|value| {
                        let read = <$ty as ::serde::Deserialize>::deserialize(value).ok()?;
                        let extra = $crate::runtime::Object::extra(&read).len();
                        ::std::option::Option::Some(($name::$variant(read), extra))
                    },)*
                ];
                $crate::runtime::best_fit(&value, variants).ok_or_else(|| {
                    <D::Error as ::serde::de::Error>::custom(concat!(
                        "the value fits no variant of ",
                        stringify!($name)
                    ))
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $($name::$variant(value) => ::serde::Serialize::serialize(value, serializer),)*
                }
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use untagged;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::runtime::{Extra, Object};

    #[derive(Debug, Clone, PartialEq, Default)]
    struct ByName {
        name: Option<String>,
        extra: Extra,
    }
    crate::runtime::object!(ByName { name: "name" => string });

    #[derive(Debug, Clone, PartialEq, Default)]
    struct ById {
        id: Option<i64>,
        name: Option<String>,
        extra: Extra,
    }
    crate::runtime::object!(ById { id: "id" => integer, name: "name" => string });

    #[derive(Debug, Clone, PartialEq)]
    struct Kind {
        kind: Status,
        extra: Extra,
    }
    crate::runtime::object!(Kind { kind: "kind" must => choice });

    #[derive(Debug, Clone, PartialEq)]
    enum Status {
        On,
        Other(String),
    }
    impl Status {
        fn as_str(&self) -> &str {
            match self {
                Status::On => "on",
                Status::Other(other) => other,
            }
        }
    }
    impl From<String> for Status {
        fn from(value: String) -> Status {
            match value.as_str() {
                "on" => Status::On,
                _ => Status::Other(value),
            }
        }
    }
    crate::runtime::open_enum!(Status);

    #[derive(Debug, Clone, PartialEq)]
    enum Target {
        Kind(Kind),
        ByName(ByName),
        ById(ById),
    }
    super::untagged!(Target { Kind(Kind), ByName(ByName), ById(ById) });

    #[test]
    fn the_variant_that_fits_best_is_chosen() {
        let cases = [
            (json!({"kind": "on"}), "Kind"),
            (json!({"name": "a"}), "ByName"),
            // `ByName` keeps `id` as undeclared; `ById` declares both.
            (json!({"id": 3, "name": "a"}), "ById"),
            // `ById` cannot hold this `id`; `ByName` keeps it undeclared,
            // without a mismatch.
            (json!({"id": "x", "name": "a"}), "ByName (with extra keys)"),
            // Fits none fully: both miss `name`; `ById` keeps fewer keys.
            (json!({"id": 3, "name": 1}), "ById"),
        ];
        for (sent, variant) in cases {
            let target: Target = serde_json::from_value(sent.clone()).unwrap();
            let chosen = match &target {
                Target::Kind(_) => "Kind",
                Target::ByName(b) if b.extra().is_empty() => "ByName",
                Target::ByName(_) => "ByName (with extra keys)",
                Target::ById(_) => "ById",
            };
            assert_eq!(chosen, variant, "{sent}");
            assert_eq!(serde_json::to_value(&target).unwrap(), sent);
        }
    }

    #[test]
    fn a_value_no_variant_fits_is_kept_by_the_first_that_takes_it() {
        // `Kind` must have `kind`; the others keep any value, here whole.
        let Target::ByName(kept) = serde_json::from_value::<Target>(json!(5)).unwrap() else {
            panic!()
        };
        assert_eq!(kept.extra.as_sent(), Some(&json!(5)));
        assert_eq!(kept.mismatches().len(), 1);
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Strict {
        Kind(Kind),
    }
    super::untagged!(Strict { Kind(Kind) });

    #[test]
    fn a_body_no_variant_takes_is_an_error() {
        let err = serde_json::from_value::<Strict>(json!({"other": 1})).unwrap_err();
        assert_eq!(err.to_string(), "the value fits no variant of Strict");
    }
}
