//! Results the document shows alike stay alike.
//!
//! Identical shapes share one type, and a type shared by several endpoints
//! is named after what their titles agree it is (`CertificatePack`). An
//! overlay merged into some of those results but not others (the OpenAPI
//! description types the `order` result of certificate packs, and says
//! nothing of `list` and `get`) would split that one type into several,
//! each with a worse name, and give the endpoints the description left out
//! less than the others. So the results whose objects the *document* shows
//! identically are united again: each gets every field any of them has
//! (required only where all of them require it). A contradiction between
//! them (a string in one, an object in the other) leaves them apart.

use std::collections::HashMap;

use crate::ir::{Field, Shape};

/// Unites the success bodies of an area. Each item is a body as the
/// document showed it and the same body with its overlays merged in.
pub(super) fn alike(bodies: Vec<(Option<Shape>, &mut Shape)>) {
    // The object each body is about: the body, or an array's element.
    let mut objects: Vec<(Shape, &mut Shape)> = Vec::new();
    for (documented, merged) in bodies {
        let Some(documented) = documented else {
            continue;
        };
        if let (Some(documented), Some(merged)) = (object_of(&documented), object_of_mut(merged)) {
            objects.push((documented.clone(), merged));
        }
    }
    // Groups in the order their first member comes, for determinism.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<&Shape, usize> = HashMap::new();
    for (i, (documented, _)) in objects.iter().enumerate() {
        match index.get(documented) {
            Some(&group) => groups[group].push(i),
            None => {
                index.insert(documented, groups.len());
                groups.push(vec![i]);
            }
        }
    }
    let mut united: Vec<(Vec<usize>, Shape)> = Vec::new();
    for group in groups {
        let [first, rest @ ..] = group.as_slice() else {
            continue;
        };
        if rest.iter().all(|&i| *objects[i].1 == *objects[*first].1) {
            continue;
        }
        let mut all = Some(objects[*first].1.clone());
        for &i in rest {
            all = all.and_then(|acc| unite(&acc, objects[i].1));
        }
        if let Some(shape) = all {
            united.push((group, shape));
        }
    }
    for (group, shape) in united {
        for i in group {
            *objects[i].1 = shape.clone();
        }
    }
}

/// The object a body is about: itself, or its elements.
fn object_of(shape: &Shape) -> Option<&Shape> {
    match shape {
        Shape::Object(_) => Some(shape),
        Shape::Array(item) => match &**item {
            Shape::Object(_) => Some(item),
            Shape::Nullable(inner) if matches!(**inner, Shape::Object(_)) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

fn object_of_mut(shape: &mut Shape) -> Option<&mut Shape> {
    let shape = match shape {
        Shape::Array(item) => &mut **item,
        other => return matches!(other, Shape::Object(_)).then_some(other),
    };
    let shape = match shape {
        Shape::Nullable(inner) => &mut **inner,
        other => other,
    };
    matches!(shape, Shape::Object(_)).then_some(shape)
}

/// A shape that holds both `a` and `b`, or `None` where they contradict
/// each other. Keys keep `a`'s order, then `b`'s others; a field is
/// required only where both require it.
pub(super) fn unite(a: &Shape, b: &Shape) -> Option<Shape> {
    Some(match (a, b) {
        _ if a == b => a.clone(),
        (Shape::Unknown, other) | (other, Shape::Unknown) => other.clone(),
        (Shape::Any, _) | (_, Shape::Any) => Shape::Any,
        (Shape::String, Shape::Enum(values)) | (Shape::Enum(values), Shape::String) => {
            Shape::Enum(values.clone())
        }
        (Shape::Enum(left), Shape::Enum(right)) => {
            let mut values = left.clone();
            values.extend(right.iter().filter(|v| !left.contains(v)).cloned());
            Shape::Enum(values)
        }
        (Shape::Integer, Shape::Number) | (Shape::Number, Shape::Integer) => Shape::Number,
        (Shape::EmptyObject, object @ Shape::Object(_))
        | (object @ Shape::Object(_), Shape::EmptyObject) => object.clone(),
        (Shape::Nullable(x), Shape::Nullable(y)) => Shape::Nullable(Box::new(unite(x, y)?)),
        (Shape::Nullable(x), other) | (other, Shape::Nullable(x)) => {
            Shape::Nullable(Box::new(unite(x, other)?))
        }
        (Shape::Array(x), Shape::Array(y)) => Shape::Array(Box::new(unite(x, y)?)),
        (Shape::Object(left), Shape::Object(right)) => {
            let mut fields: Vec<Field> = Vec::with_capacity(left.len().max(right.len()));
            for field in left {
                let mut field = field.clone();
                match right.iter().find(|f| f.wire_name == field.wire_name) {
                    Some(other) => {
                        field.shape = unite(&field.shape, &other.shape)?;
                        field.required &= other.required;
                        if field.doc.is_empty() {
                            field.doc.clone_from(&other.doc);
                        }
                    }
                    None => field.required = false,
                }
                fields.push(field);
            }
            for field in right {
                if !left.iter().any(|f| f.wire_name == field.wire_name) {
                    fields.push(Field {
                        required: false,
                        ..field.clone()
                    });
                }
            }
            Shape::Object(fields)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{alike, unite};
    use crate::ir::{Field, Shape};

    fn field(name: &str, shape: Shape, required: bool) -> Field {
        Field {
            wire_name: name.to_owned(),
            shape,
            required,
            doc: String::new(),
        }
    }

    #[test]
    fn union_of_fields_required_where_both_require() {
        let a = Shape::Object(vec![
            field("id", Shape::String, true),
            field("n", Shape::Integer, true),
        ]);
        let b = Shape::Object(vec![
            field("id", Shape::String, true),
            field("n", Shape::Number, false),
            field("tag", Shape::String, true),
        ]);
        assert_eq!(
            unite(&a, &b),
            Some(Shape::Object(vec![
                field("id", Shape::String, true),
                field("n", Shape::Number, false),
                field("tag", Shape::String, false),
            ]))
        );
        let c = Shape::Object(vec![field("id", Shape::Boolean, true)]);
        assert_eq!(unite(&a, &c), None);
    }

    #[test]
    fn results_documented_alike_are_united_lists_included() {
        let documented = Shape::Object(vec![field("id", Shape::String, false)]);
        let described = Shape::Object(vec![
            field("id", Shape::String, true),
            field("name", Shape::String, false),
        ]);
        let mut list = Shape::Array(Box::new(documented.clone()));
        let mut get = documented.clone();
        let mut order = described;
        let mut other = Shape::Object(vec![field("x", Shape::String, false)]);
        alike(vec![
            (Some(Shape::Array(Box::new(documented.clone()))), &mut list),
            (Some(documented.clone()), &mut get),
            (Some(documented.clone()), &mut order),
            (Some(other.clone()), &mut other),
        ]);
        let united = Shape::Object(vec![
            field("id", Shape::String, false),
            field("name", Shape::String, false),
        ]);
        assert_eq!(get, united);
        assert_eq!(order, united);
        assert_eq!(list, Shape::Array(Box::new(united)));
    }
}
