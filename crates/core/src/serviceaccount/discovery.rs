//! OIDC discovery for the issuer, shaped as kube's `pkg/serviceaccount/openidmetadata.go`, so
//! that others (a kube-apiserver, a cloud IAM) can verify the hub's tokens.

use serde_json::{Value, json};

use super::keyset::KeySet;

pub const OPENID_CONFIG_PATH: &str = "/.well-known/openid-configuration";
pub const JWKS_PATH: &str = "/openid/v1/jwks";
/// `Cache-Control: public, max-age=3600` on both documents, as upstream.
pub const DISCOVERY_MAX_AGE_SECONDS: u32 = 3600;

/// The provider metadata document: issuer, JWKS location, and the algorithms of the keys.
pub fn openid_configuration(issuer: &str, jwks_uri: &str, algorithms: &[&str]) -> Value {
    let mut algorithms = algorithms.to_vec();
    algorithms.sort_unstable();
    algorithms.dedup();
    json!({
        "issuer": issuer,
        "jwks_uri": jwks_uri,
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": algorithms,
    })
}

/// `https://ADDRESS/openid/v1/jwks`, upstream's default when no JWKS URI is configured.
pub fn default_jwks_uri(external_address: &str) -> String {
    format!("https://{external_address}{JWKS_PATH}")
}

/// OIDC requires an https issuer without query or fragment; the words are upstream's.
pub fn validate_issuer_url(issuer: &str) -> Result<(), String> {
    let Some(rest) = issuer.strip_prefix("https://") else {
        return Err(format!("issuer URL must use https scheme, got: {issuer}"));
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("issuer URL has no host, got: {issuer}"));
    }
    if rest.contains('?') {
        return Err(format!("issuer URL may not include a query, got: {issuer}"));
    }
    if rest.contains('#') {
        return Err(format!(
            "issuer URL may not include a fragment, got: {issuer}"
        ));
    }
    Ok(())
}

impl KeySet {
    /// The JWK Set of every key that verifies, active first: `{"keys":[...]}`.
    pub fn jwks(&self) -> Value {
        json!({"keys": self.public_keys().map(|k| k.jwk()).collect::<Vec<_>>()})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serviceaccount::test_support::{at, ec_key, rsa_key};
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    #[test]
    fn the_configuration_document_is_upstreams() {
        let doc = openid_configuration(
            "https://hub.example",
            "https://hub.example/openid/v1/jwks",
            &["RS256", "ES256", "RS256"],
        );
        assert_eq!(
            doc.to_string(),
            concat!(
                r#"{"issuer":"https://hub.example","jwks_uri":"https://hub.example/openid/v1/jwks","#,
                r#""response_types_supported":["id_token"],"subject_types_supported":["public"],"#,
                r#""id_token_signing_alg_values_supported":["ES256","RS256"]}"#
            )
        );
        assert_eq!(
            default_jwks_uri("hub.example:7443"),
            "https://hub.example:7443/openid/v1/jwks"
        );
    }

    #[test]
    fn the_jwks_lists_every_key_in_go_joses_member_order() {
        let mut set = KeySet::new(ec_key());
        set.rotate(rsa_key(), at(0));
        let jwks = set.jwks();
        let keys = jwks["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 2);

        let rsa = &keys[0];
        let members: Vec<&str> = rsa
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(members, ["use", "kty", "kid", "alg", "n", "e"]);
        assert_eq!(rsa["use"], "sig");
        assert_eq!(rsa["kty"], "RSA");
        assert_eq!(rsa["alg"], "RS256");
        assert_eq!(rsa["kid"], rsa_key().kid());
        assert_eq!(rsa["e"], "AQAB");
        let n = URL_SAFE_NO_PAD.decode(rsa["n"].as_str().unwrap()).unwrap();
        assert_eq!(n.len(), 256);
        assert_ne!(n[0], 0, "no leading zero");

        let ec = &keys[1];
        let members: Vec<&str> = ec.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(members, ["use", "kty", "kid", "crv", "alg", "x", "y"]);
        assert_eq!(ec["kty"], "EC");
        assert_eq!(ec["crv"], "P-256");
        assert_eq!(ec["alg"], "ES256");
        assert_eq!(ec["kid"], ec_key().kid());
        for c in ["x", "y"] {
            let bytes = URL_SAFE_NO_PAD.decode(ec[c].as_str().unwrap()).unwrap();
            assert_eq!(bytes.len(), 32, "{c} is a full-width coordinate");
        }
        // The published key verifies the tokens: it is the point of the public key.
        let key = ec_key();
        let point = &key.public_key().to_der()[26..];
        let x = URL_SAFE_NO_PAD.decode(ec["x"].as_str().unwrap()).unwrap();
        assert_eq!(&point[1..33], x.as_slice());

        assert_eq!(
            openid_configuration("https://i", "https://i/j", &set.algorithms())["id_token_signing_alg_values_supported"],
            json!(["ES256", "RS256"])
        );
    }

    #[test]
    fn issuer_urls_follow_oidc() {
        assert_eq!(validate_issuer_url("https://hub.example:7443"), Ok(()));
        assert_eq!(validate_issuer_url("https://hub.example/path"), Ok(()));
        for (bad, message) in [
            (
                "http://hub",
                "issuer URL must use https scheme, got: http://hub",
            ),
            (
                "https://hub?a=b",
                "issuer URL may not include a query, got: https://hub?a=b",
            ),
            (
                "https://hub#x",
                "issuer URL may not include a fragment, got: https://hub#x",
            ),
            ("https://", "issuer URL has no host, got: https://"),
        ] {
            assert_eq!(validate_issuer_url(bad), Err(message.to_string()));
        }
    }
}
