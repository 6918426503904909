//! The document's response shape against the description's.
//!
//! Codegen merges an overlay's shape into the document's field by field
//! (see `lower::merge`), and refuses a contradiction. So the draft says
//! what the description says wherever the two agree or the description
//! refines the document (an enum for a string, fields for `{}`, a number
//! for an integer), and `"*any*"` where they contradict each other, with
//! words saying what each shows: the method then decodes whatever comes.
//! [`merge`] restates codegen's rules so the importer can check its own
//! output, and tell a draft that adds nothing from one that does.

use super::skel::{Prop, Skel};
use crate::ir::Shape;

/// A document's shape as a skeleton.
pub(crate) fn from_shape(shape: &Shape) -> Skel {
    match shape {
        Shape::String => Skel::String,
        Shape::Integer => Skel::Integer,
        Shape::Number => Skel::Number,
        Shape::Boolean => Skel::Boolean,
        Shape::EmptyObject => Skel::Map,
        Shape::Enum(values) => Skel::Enum(values.clone()),
        Shape::Array(item) => Skel::Array(Box::new(from_shape(item)), false),
        Shape::Object(fields) => Skel::Object(
            fields
                .iter()
                .map(|f| Prop::new(&f.wire_name, from_shape(&f.shape)))
                .collect(),
        ),
        // A document shows none of the overlays' own shapes; what it does
        // not say is unknown.
        _ => Skel::Unknown,
    }
}

/// The overlay shape for a place where the document shows `doc` and the
/// description `desc`: fields the document shows first, in its order, then
/// the description's others. Every contradiction becomes `"*any*"` and
/// is counted in `conflicts`.
pub(crate) fn reconcile(doc: &Skel, desc: Skel, conflicts: &mut usize) -> Skel {
    place(doc, desc, conflicts).0
}

/// [`reconcile`], and what to say about a contradiction at this place (or
/// in its array's elements), which belongs to the words of the field
/// holding it.
fn place(doc: &Skel, desc: Skel, conflicts: &mut usize) -> (Skel, Option<String>) {
    use Skel::*;
    let agreed = match (doc, desc) {
        (Unknown, desc) => desc,
        (_, Unknown) => Unknown,
        (_, Any) => Any,
        (String, desc @ (String | DateTime | Enum(_))) => desc,
        (Integer, desc @ (Integer | Number)) => desc,
        // A number the description calls an integer is whole: the client
        // types it so (a fraction that comes anyway is kept, not refused).
        (Number, desc @ (Integer | Number)) => desc,
        (Boolean, Boolean) => Boolean,
        (Map, desc @ (Map | Object(_))) => desc,
        (Object(_), Map) => Map,
        (Array(doc_item, _), Array(item, nullable)) => {
            let (item, note) = place(doc_item, *item, conflicts);
            return (Array(Box::new(item), nullable), note);
        }
        (Object(doc_fields), Object(fields)) => {
            Object(reconcile_fields(doc_fields, fields, conflicts))
        }
        (doc, desc) => {
            *conflicts += 1;
            let note = format!(
                "the document shows {}, the description {}",
                doc.describe(),
                desc.describe()
            );
            return (Any, Some(note));
        }
    };
    (agreed, None)
}

fn reconcile_fields(doc: &[Prop], desc: Vec<Prop>, conflicts: &mut usize) -> Vec<Prop> {
    let mut desc: Vec<Option<Prop>> = desc.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(desc.len());
    for doc_field in doc {
        let Some(field) = desc
            .iter_mut()
            .find(|f| f.as_ref().is_some_and(|f| f.name == doc_field.name))
            .and_then(Option::take)
        else {
            continue;
        };
        let (skel, note) = place(&doc_field.skel, field.skel, conflicts);
        let words = match (note, field.words.is_empty()) {
            (Some(note), true) => note,
            (Some(note), false) => format!("{note}; {}", field.words),
            (None, _) => field.words,
        };
        out.push(Prop {
            skel,
            words,
            ..field
        });
    }
    out.extend(desc.into_iter().flatten());
    out
}

/// Codegen's merge of an overlay `shape` into the document's `doc`: `null`
/// on either side takes the other; the overlay may refine (string → enum,
/// `{}` → object, integer → number, number → integer) or say any JSON; objects merge key by
/// key (the overlay's first), arrays by element. Anything else is a
/// contradiction, described.
pub(crate) fn merge(doc: &Skel, shape: &Skel) -> Result<Skel, String> {
    use Skel::*;
    Ok(match (doc, shape) {
        (Unknown, _) => shape.clone(),
        (_, Unknown) => doc.clone(),
        (_, Any) => Any,
        (String, String | DateTime | Enum(_))
        | (Map, Map | Object(_))
        | (Integer | Number, Number | Integer)
        | (Boolean, Boolean) => shape.clone(),
        (Object(_), Map) => doc.clone(),
        (Array(a, _), Array(b, nullable)) => Array(Box::new(merge(a, b)?), *nullable),
        (Object(documented), Object(given)) => {
            let mut fields = Vec::with_capacity(documented.len().max(given.len()));
            for field in given {
                let mut merged = field.clone();
                if let Some(d) = documented.iter().find(|d| d.name == field.name) {
                    merged.skel =
                        merge(&d.skel, &field.skel).map_err(|e| format!("{}: {e}", field.name))?;
                }
                fields.push(merged);
            }
            fields.extend(
                documented
                    .iter()
                    .filter(|d| !given.iter().any(|g| g.name == d.name))
                    .cloned(),
            );
            Object(fields)
        }
        _ => {
            return Err(format!(
                "the document shows {}, the overlay {}",
                doc.describe(),
                shape.describe()
            ));
        }
    })
}

/// `true` when merging `shape` into `doc` changes nothing: a draft of it
/// would add nothing. Key order does not count.
pub(crate) fn adds_nothing(doc: &Skel, shape: &Skel) -> bool {
    merge(doc, shape).is_ok_and(|merged| same(&merged, doc))
}

/// Equal, but for the order of object keys.
fn same(a: &Skel, b: &Skel) -> bool {
    match (a, b) {
        (Skel::Object(a), Skel::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|fa| {
                    b.iter().any(|fb| {
                        fa.name == fb.name
                            && fa.required == fb.required
                            && fa.words == fb.words
                            && same(&fa.skel, &fb.skel)
                    })
                })
        }
        (Skel::Array(a, na), Skel::Array(b, nb)) => na == nb && same(a, b),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Skel::*;

    fn obj(fields: &[(&str, Skel)]) -> Skel {
        Object(
            fields
                .iter()
                .map(|(name, skel)| Prop::new(name, skel.clone()))
                .collect(),
        )
    }

    fn arr(item: Skel) -> Skel {
        Array(Box::new(item), false)
    }

    /// (document, description, expected draft, conflicts)
    #[test]
    fn reconciles_by_the_merge_rules() {
        let cases = [
            (String, Integer, Any, 1),
            (Integer, Number, Number, 0),
            (Number, Integer, Integer, 0),
            (String, Enum(vec!["a".into()]), Enum(vec!["a".into()]), 0),
            (String, DateTime, DateTime, 0),
            (Unknown, obj(&[("a", String)]), obj(&[("a", String)]), 0),
            (obj(&[("a", String)]), Unknown, Unknown, 0),
            (Map, obj(&[("a", String)]), obj(&[("a", String)]), 0),
            (obj(&[("a", String)]), Map, Map, 0),
            (obj(&[("a", String)]), arr(String), Any, 1),
            (arr(String), arr(Integer), arr(Any), 1),
            (Boolean, String, Any, 1),
            (
                obj(&[("b", String), ("a", Integer), ("gone", Boolean)]),
                obj(&[("a", Integer), ("new", Boolean), ("b", obj(&[]))]),
                obj(&[("b", Any), ("a", Integer), ("new", Boolean)]),
                1,
            ),
        ];
        for (doc, desc, expected, expected_conflicts) in cases {
            let mut conflicts = 0;
            let got = reconcile(&doc, desc.clone(), &mut conflicts);
            let got_bare = strip_words(&got);
            assert_eq!(got_bare, expected, "{doc:?} vs {desc:?}");
            assert_eq!(conflicts, expected_conflicts, "{doc:?} vs {desc:?}");
            // Whatever the draft says, codegen's merge takes it.
            assert!(merge(&doc, &got).is_ok(), "{doc:?} vs {got:?}");
        }
    }

    fn strip_words(skel: &Skel) -> Skel {
        match skel {
            Object(fields) => Object(
                fields
                    .iter()
                    .map(|f| Prop::new(&f.name, strip_words(&f.skel)))
                    .collect(),
            ),
            Array(item, n) => Array(Box::new(strip_words(item)), *n),
            other => other.clone(),
        }
    }

    #[test]
    fn a_contradiction_is_explained_on_its_field() {
        let mut conflicts = 0;
        let doc = obj(&[("ids", arr(String))]);
        let desc = Object(vec![Prop {
            words: "The ids".into(),
            ..Prop::new("ids", arr(obj(&[("x", String)])))
        }]);
        let Object(fields) = reconcile(&doc, desc, &mut conflicts) else {
            panic!("an object")
        };
        assert_eq!(
            fields[0].words,
            "the document shows a string, the description an object; The ids"
        );
        assert_eq!(conflicts, 1);
    }

    #[test]
    fn merge_refuses_what_codegen_refuses() {
        assert_eq!(merge(&Number, &Integer), Ok(Integer));
        assert!(merge(&String, &Integer).is_err());
        assert!(merge(&arr(String), &Map).is_err());
        assert!(merge(&obj(&[("a", String)]), &obj(&[("a", Boolean)])).is_err());
        assert!(merge(&obj(&[("a", String)]), &obj(&[("b", Boolean)])).is_ok());
        assert!(adds_nothing(
            &obj(&[("a", String), ("b", Integer)]),
            &obj(&[("b", Integer), ("a", String)])
        ));
        assert!(!adds_nothing(&String, &DateTime));
        assert!(adds_nothing(&obj(&[("a", String)]), &Map));
    }
}
