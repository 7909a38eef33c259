//! The store contract: what every `Store` backend must do, written once against `dyn Store`.
//!
//! Each module holds contract tests as `async fn(&mut Harness)` and lists them in
//! `contract_tests!`, which instantiates every test for every backend (`sqlite::…`; PostgreSQL
//! joins by adding a module to the macro and a constructor to `harness`).

// The tests are plain async fns that a macro wraps in #[tokio::test]; clippy's
// allow-unwrap-in-tests does not see through that.
#![allow(clippy::unwrap_used)]

/// Instantiates the listed contract tests once per backend. The runtime is multi-threaded so
/// that tests of concurrent writers really run in parallel.
macro_rules! contract_tests {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let mut harness = crate::harness::Harness::sqlite().await;
                    super::$test(&mut harness).await;
                }
            )*
        }
    };
}

mod harness;

mod batches;
mod compaction;
mod crud;
mod durability;
mod listing;
mod preconditions;
mod watching;
