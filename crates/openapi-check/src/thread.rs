//! The helper threads a large document's check starts.

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
