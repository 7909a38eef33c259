//! The rest of a request body that no handler read, read and dropped before the answer goes
//! out. An HTTP/2 server that answers while the client is still sending resets the stream,
//! and clients such as curl then fail the exchange without showing the answer (a 401, 403,
//! 404 or 415 given before the body was needed). kubectl copes; they do not.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};

use crate::state::Hub;

/// Middleware, outermost: handlers get the body as usual; whatever they leave unread (up to
/// the body limit) is read before their answer is sent.
pub async fn read_unread_body(
    State(hub): State<Arc<Hub>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let shared = SharedBody(Arc::new(Mutex::new(body)));
    let response = next
        .run(Request::from_parts(parts, Body::new(shared.clone())))
        .await;
    let rest = std::mem::take(&mut *shared.lock());
    if !rest.is_end_stream() {
        let _ = axum::body::to_bytes(rest, hub.limits.max_body_bytes).await;
    }
    response
}

/// One body with two handles: the handler's and this middleware's.
#[derive(Clone)]
struct SharedBody(Arc<Mutex<Body>>);

impl SharedBody {
    fn lock(&self) -> MutexGuard<'_, Body> {
        // Polling a body does not panic midway; a poisoned lock still holds a usable body.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl HttpBody for SharedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut *self.lock()).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.lock().is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.lock().size_hint()
    }
}
