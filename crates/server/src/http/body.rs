//! Reading request bodies within the size limit.

use axum::body::{Body, Bytes};

use crate::error::ApiError;

/// The whole body, or 413 when it is larger than `limit`.
pub async fn read(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<http_body_util::LengthLimitError>())
            .is_some();
        if too_large {
            ApiError::RequestEntityTooLarge { limit }
        } else {
            ApiError::BadRequest(format!("the request body could not be read: {e}"))
        }
    })
}
