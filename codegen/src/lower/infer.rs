//! Fewer needless `serde_json::Value`s: a field the docs show as `null`
//! (an unknown or cut-off schema) takes the type of the fields with the same
//! name elsewhere in the area, when they all agree on one concrete shape.
//!
//! Upstream, such a field usually has one schema that the rendering dropped
//! in one place and kept in another, so the other places are the best
//! evidence there is. When they disagree, or there are none, the field stays
//! untyped. Structs that differed only by such a field then have identical
//! shapes, and [`super::types`] gives them one type.

use std::collections::HashMap;

use crate::ir::Shape;

/// Passes at most: each can make fields concrete that let a later pass
/// agree on a field that holds them. Real documents settle in two or three.
const MAX_PASSES: usize = 8;

/// Rewrites `null` fields of `bodies` (the area's success bodies) in place.
pub(super) fn null_fields<'a>(bodies: impl Iterator<Item = &'a mut Shape>) {
    let mut bodies: Vec<&mut Shape> = bodies.collect();
    for _ in 0..MAX_PASSES {
        let mut seen: HashMap<String, Vec<Shape>> = HashMap::new();
        for body in &bodies {
            collect(body, &mut seen);
        }
        let known: HashMap<String, Shape> = seen
            .into_iter()
            .filter_map(|(name, mut shapes)| {
                let shape = shapes.pop()?;
                // A shape that holds an unknown field of its own name would
                // grow by one level on every pass.
                (shapes.is_empty() && !has_unknown(&shape, &name)).then_some((name, shape))
            })
            .collect();
        let mut changed = false;
        for body in &mut bodies {
            changed |= rewrite(body, &known);
        }
        if !changed {
            break;
        }
    }
}

/// Every field's concrete shapes, by wire name, each shape once.
fn collect(shape: &Shape, seen: &mut HashMap<String, Vec<Shape>>) {
    match shape {
        Shape::Object(fields) => {
            for field in fields {
                if field.shape != Shape::Unknown {
                    let shapes = seen.entry(field.wire_name.clone()).or_default();
                    if !shapes.contains(&field.shape) {
                        shapes.push(field.shape.clone());
                    }
                }
                collect(&field.shape, seen);
            }
        }
        Shape::Array(item) | Shape::Nullable(item) => collect(item, seen),
        _ => {}
    }
}

/// Does `shape` hold a field `name` that is `null`?
fn has_unknown(shape: &Shape, name: &str) -> bool {
    match shape {
        Shape::Object(fields) => fields.iter().any(|f| {
            (f.wire_name == name && f.shape == Shape::Unknown) || has_unknown(&f.shape, name)
        }),
        Shape::Array(item) | Shape::Nullable(item) => has_unknown(item, name),
        _ => false,
    }
}

/// Replaces `null` fields whose name has one known shape; `true` if any.
fn rewrite(shape: &mut Shape, known: &HashMap<String, Shape>) -> bool {
    let mut changed = false;
    match shape {
        Shape::Object(fields) => {
            for field in fields {
                if field.shape == Shape::Unknown {
                    if let Some(concrete) = known.get(&field.wire_name) {
                        field.shape = concrete.clone();
                        changed = true;
                        continue;
                    }
                }
                changed |= rewrite(&mut field.shape, known);
            }
        }
        Shape::Array(item) | Shape::Nullable(item) => changed |= rewrite(item, known),
        _ => {}
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::null_fields;
    use crate::ir::{Field, Shape};

    fn object(fields: &[(&str, Shape)]) -> Shape {
        Shape::Object(
            fields
                .iter()
                .map(|(name, shape)| Field {
                    wire_name: (*name).to_owned(),
                    shape: shape.clone(),
                    required: false,
                    doc: String::new(),
                })
                .collect(),
        )
    }

    fn infer(mut bodies: Vec<Shape>) -> Vec<Shape> {
        null_fields(bodies.iter_mut());
        bodies
    }

    #[test]
    fn a_null_field_takes_the_one_type_its_name_has() {
        let meta = object(&[("source", Shape::String)]);
        let bodies = infer(vec![
            object(&[("id", Shape::String), ("meta", Shape::Unknown)]),
            object(&[("id", Shape::String), ("meta", meta.clone())]),
            Shape::Array(Box::new(object(&[("meta", Shape::Unknown)]))),
        ]);
        assert_eq!(bodies[0], bodies[1]);
        assert_eq!(bodies[2], Shape::Array(Box::new(object(&[("meta", meta)]))));
    }

    #[test]
    fn disagreement_or_no_evidence_leaves_it_untyped() {
        let bodies = infer(vec![
            object(&[("a", Shape::Unknown), ("b", Shape::Unknown)]),
            object(&[("a", Shape::String)]),
            object(&[("a", Shape::Integer)]),
        ]);
        assert_eq!(
            bodies[0],
            object(&[("a", Shape::Unknown), ("b", Shape::Unknown)])
        );
    }

    #[test]
    fn agreement_found_in_a_later_pass() {
        // `inner` settles first; then both `outer`s are the same shape.
        let bodies = infer(vec![
            object(&[("outer", object(&[("inner", Shape::Unknown)]))]),
            object(&[("outer", object(&[("inner", Shape::Boolean)]))]),
            object(&[("outer", Shape::Unknown)]),
        ]);
        let settled = object(&[("outer", object(&[("inner", Shape::Boolean)]))]);
        assert!(bodies.iter().all(|b| *b == settled), "{bodies:#?}");
    }

    #[test]
    fn a_shape_holding_its_own_null_name_does_not_grow() {
        let bodies = infer(vec![
            object(&[("parent", object(&[("parent", Shape::Unknown)]))]),
            object(&[("parent", Shape::Unknown)]),
        ]);
        assert_eq!(bodies[1], object(&[("parent", Shape::Unknown)]));
    }
}
