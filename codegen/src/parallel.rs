//! Order-preserving parallel map over independent items (documents, areas).
//! Output order never depends on scheduling, so generation stays
//! deterministic.

use std::num::NonZeroUsize;

/// Maps `f` over `items` on up to one thread per core; results keep the
/// order of `items`.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(items.len())
        .min(16);
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    // Interleaved shares balance documents of very different sizes.
    let f = &f;
    let mut shares: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                // Generous stacks: syn and prettyplease recurse per nesting
                // level of the code they read.
                let builder = std::thread::Builder::new().stack_size(16 << 20);
                builder.spawn_scoped(scope, move || {
                    items
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, item)| (i, f(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|err| panic!("cannot start a worker thread: {err}"));
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut out: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for share in &mut shares {
        for (i, r) in share.drain(..) {
            out[i] = Some(r);
        }
    }
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&[] as &[u32], |x| *x).is_empty());
    }
}
