//! Reading request bodies within the size limit.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::Response;

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

/// `refusal`, answered once what the client is still sending (up to `limit` bytes) has been
/// read and dropped. An HTTP/2 server that answers without reading resets the stream, and
/// clients such as curl then fail the exchange without showing the answer (a 401, a 403).
pub async fn refuse_after_reading(request: Request, limit: usize, refusal: Response) -> Response {
    let _ = axum::body::to_bytes(request.into_body(), limit).await;
    refusal
}
