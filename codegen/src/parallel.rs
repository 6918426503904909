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
    // Each thread takes the next item when it is done with one: documents
    // of very different sizes (a few areas are twenty times the median)
    // keep every core busy to the end.
    let f = &f;
    let next = &std::sync::atomic::AtomicUsize::new(0);
    let mut shares: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                // Generous stacks: syn and prettyplease recurse per nesting
                // level of the code they read.
                let builder = std::thread::Builder::new().stack_size(16 << 20);
                builder.spawn_scoped(scope, move || {
                    let mut share = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return share;
                        };
                        share.push((i, f(item)));
                    }
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
