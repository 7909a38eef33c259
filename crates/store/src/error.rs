use crate::ObjectKey;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("{0:?} not found")]
    NotFound(ObjectKey),
    #[error("{0:?} already exists")]
    AlreadyExists(ObjectKey),
    /// A precondition (resourceVersion or uid) was not met.
    #[error("{key:?}: precondition failed: {reason}")]
    Conflict { key: ObjectKey, reason: String },
    /// The requested resourceVersion is older than the change feed reaches back.
    #[error("resourceVersion {requested} is older than the oldest kept ({oldest})")]
    Expired {
        requested: u64,
        /// The oldest resourceVersion still answered: a list can be continued from it and a
        /// watch started after it.
        oldest: u64,
    },
    /// The database failed; the detail is for logs, never for clients.
    #[error("store backend: {0}")]
    Backend(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}
