//! The embedded default store: one SQLite file in the data directory.
//! (Being implemented: see the store contract tests.)

#[derive(Debug)]
pub struct SqliteStore;
