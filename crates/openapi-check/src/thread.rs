//! The helper threads a large document's check starts: how they are
//! built, and `join`, the one way two halves of a piece of work run side by
//! side (the rules' helper, which waits for the model, has its own).

/// A helper thread's stack: as large as the main thread's (8 MiB on Linux),
/// where this work ran before it moved onto helpers. Parsing, the
/// structural check and the example walks recurse as deep as the document
/// nests, up to the parser's limit: that needs more than 64 KiB
/// (`rules::tests::a_large_document_nested_to_the_parsers_limit_is_checked_on_helper_threads`
/// overflows there) and fits in a spawned thread's default 2 MiB today; the
/// main thread's size keeps the margin it had. The memory is reserved, not
/// touched, until a deep document needs it.
const STACK_BYTES: usize = 8 << 20;

/// A builder for a named helper thread.
pub fn named(name: &str) -> std::thread::Builder {
    std::thread::Builder::new()
        .name(name.to_owned())
        .stack_size(STACK_BYTES)
}

/// `helper` on a named helper thread beside `here` on this one, as
/// `rayon::join` does; both on this one when no thread can be started (the
/// result is the same, only later). A panic on the helper is this thread's
/// panic, as it would have been without the thread.
pub fn join<A: Send, B>(
    name: &str,
    helper: impl FnOnce() -> A + Send,
    here: impl FnOnce() -> B,
) -> (A, B) {
    // The helper's work stays reachable if the thread cannot start, which
    // drops the closure handed to it.
    let work = std::sync::Mutex::new(Some(helper));
    let take = || work.lock().ok().and_then(|mut w| w.take());
    std::thread::scope(|scope| {
        let handle = named(name).spawn_scoped(scope, || take().map(|f| f())).ok();
        let b = here();
        let a = handle
            .and_then(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .or_else(|| take().map(|f| f()));
        // Taken by the thread or here: the work ran once.
        (a.expect("the helper's work runs on the thread or here"), b)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn join_runs_both_and_returns_both() {
        let here_thread = std::thread::current().id();
        let (a, b) = super::join(
            "test",
            || std::thread::current().id(),
            || std::thread::current().id(),
        );
        assert_ne!(a, here_thread, "the helper's work ran here");
        assert_eq!(b, here_thread);
    }
}
