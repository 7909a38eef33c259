//! The opaque `continue` token of a paged list: the snapshot and the last key of the page.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use tokenhub_store::ContinuePoint;

use crate::error::ApiError;

#[derive(Serialize, Deserialize)]
struct Token {
    v: String,
    rv: u64,
    ns: String,
    name: String,
}

const VERSION: &str = "meta.k8s.io/v1";

pub fn encode(point: &ContinuePoint) -> String {
    let token = Token {
        v: VERSION.into(),
        rv: point.resource_version,
        ns: point.namespace.clone(),
        name: point.name.clone(),
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&token).unwrap_or_default())
}

pub fn decode(token: &str) -> Result<ContinuePoint, ApiError> {
    let invalid = |why: &str| {
        ApiError::BadRequest(format!(
            "invalid continue token: continue key is not valid: {why}"
        ))
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .map_err(|_| invalid("not base64"))?;
    let token: Token = serde_json::from_slice(&bytes).map_err(|_| invalid("malformed"))?;
    if token.v != VERSION {
        return Err(invalid(
            "incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        ));
    }
    Ok(ContinuePoint {
        resource_version: token.rv,
        namespace: token.ns,
        name: token.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_garbage_is_a_bad_request() {
        let p = ContinuePoint {
            resource_version: 42,
            namespace: "a".into(),
            name: "b".into(),
        };
        assert_eq!(decode(&encode(&p)).unwrap(), p);
        assert!(matches!(decode("!!!"), Err(ApiError::BadRequest(_))));
        assert!(matches!(decode("e30"), Err(ApiError::BadRequest(_))));
    }
}
