//! Verifying a ServiceAccount token: the key by `kid`, the signature (jsonwebtoken), then the
//! issuer, the audience and the times, against a `now` that is passed in.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use jsonwebtoken::errors::ErrorKind;
use serde::Deserialize;

use super::claims::ServiceAccountClaims;
use super::keys::SigningAlgorithm;
use super::keyset::KeySet;

/// The clock skew allowed on `exp`, `nbf` and `iat`: go-jose's `DefaultLeeway`, which kube uses.
pub const CLOCK_SKEW_LEEWAY_SECONDS: i64 = 60;

/// Longer bearer strings are refused before any decoding; a ServiceAccount token is about 1 KB.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Why a token was refused. The messages suit logs and a TokenReview's `status.error`: they
/// never include the token or anything read from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token is malformed")]
    Malformed,
    /// `none`, HMAC and every algorithm but ES256 and RS256.
    #[error("token signing algorithm is not accepted")]
    UnsupportedAlgorithm,
    #[error("token signing key is not known")]
    UnknownKey,
    /// The header's `alg` is not the algorithm of the key its `kid` names.
    #[error("token algorithm does not match its signing key")]
    AlgorithmMismatch,
    #[error("token signature is invalid")]
    InvalidSignature,
    /// Signed by us but not the claims of a ServiceAccount token.
    #[error("token claims are invalid")]
    InvalidClaims,
    #[error("token issuer is not accepted")]
    WrongIssuer,
    #[error("token audience is not accepted")]
    AudienceNotAccepted,
    #[error("service account token has expired")]
    Expired,
    #[error("service account token is not valid yet")]
    NotYetValid,
}

#[derive(Deserialize)]
struct RawHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

impl KeySet {
    /// The claims of `token` if one of this set's keys signed it, its issuer is `issuer`, one
    /// of its audiences is in `accepted_audiences`, and it is within its lifetime at `now` give
    /// or take [`CLOCK_SKEW_LEEWAY_SECONDS`].
    ///
    /// An empty `accepted_audiences` skips the audience check, as upstream does without
    /// implicit audiences: for a caller that caches verified claims and intersects the
    /// audiences of each request itself ([`ServiceAccountClaims::audiences_accepted`]).
    ///
    /// jsonwebtoken checks the signature and the header's algorithm; its own time and audience
    /// checks are off because they read the system clock. That the ServiceAccount (and a bound
    /// object) still exists with the uid in the claims is the caller's check.
    pub fn verify(
        &self,
        token: &str,
        now: Timestamp,
        issuer: &str,
        accepted_audiences: &[String],
    ) -> Result<ServiceAccountClaims, TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::Malformed);
        }
        let header = parse_header(token)?;
        let algorithm = match header.alg.as_str() {
            "ES256" => SigningAlgorithm::ES256,
            "RS256" => SigningAlgorithm::RS256,
            _ => return Err(TokenError::UnsupportedAlgorithm),
        };
        let kid = header.kid.ok_or(TokenError::UnknownKey)?;
        let key = self.key(&kid).ok_or(TokenError::UnknownKey)?;
        if key.algorithm() != algorithm {
            return Err(TokenError::AlgorithmMismatch);
        }
        let claims = jsonwebtoken::decode::<ServiceAccountClaims>(
            token,
            key.decoding_key(),
            &signature_only(algorithm),
        )
        .map_err(|e| from_jwt_error(e.kind()))?
        .claims;
        check_claims(&claims, now, issuer, accepted_audiences)?;
        Ok(claims)
    }
}

/// The header, read before the signature is checked only to pick the key.
fn parse_header(token: &str) -> Result<RawHeader, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

/// Only the algorithm and the signature: no claim is required and no time is read.
fn signature_only(algorithm: SigningAlgorithm) -> jsonwebtoken::Validation {
    let mut validation = jsonwebtoken::Validation::new(algorithm.jwt_algorithm());
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.leeway = 0;
    validation
}

fn from_jwt_error(kind: &ErrorKind) -> TokenError {
    match kind {
        ErrorKind::InvalidToken | ErrorKind::Base64(_) | ErrorKind::Utf8(_) => {
            TokenError::Malformed
        }
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => TokenError::AlgorithmMismatch,
        // The signature held, so the payload is ours but not ServiceAccount claims.
        ErrorKind::Json(_) => TokenError::InvalidClaims,
        _ => TokenError::InvalidSignature,
    }
}

fn check_claims(
    claims: &ServiceAccountClaims,
    now: Timestamp,
    issuer: &str,
    accepted_audiences: &[String],
) -> Result<(), TokenError> {
    if !claims.is_consistent() {
        return Err(TokenError::InvalidClaims);
    }
    if claims.iss != issuer {
        return Err(TokenError::WrongIssuer);
    }
    if !accepted_audiences.is_empty() && !claims.aud.iter().any(|a| accepted_audiences.contains(a))
    {
        return Err(TokenError::AudienceNotAccepted);
    }
    // In nanoseconds, so that a fraction of a second past the leeway counts, as in go-jose.
    let now = now.as_nanosecond();
    let leeway = i128::from(CLOCK_SKEW_LEEWAY_SECONDS) * NANOS_PER_SECOND;
    let at = |seconds: i64| i128::from(seconds) * NANOS_PER_SECOND;
    if now - leeway > at(claims.exp) {
        return Err(TokenError::Expired);
    }
    if now + leeway < at(claims.nbf) || now + leeway < at(claims.iat) {
        return Err(TokenError::NotYetValid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serviceaccount::claims::ServiceAccountRef;
    use crate::serviceaccount::keys::SigningKey;
    use crate::serviceaccount::test_support::{
        AUDIENCE, ISSUER, at, audiences, ec_key, ec_key2, rsa_key,
    };
    use jiff::SignedDuration;
    use serde_json::json;

    const T0: i64 = 1_700_000_000;

    fn claims() -> ServiceAccountClaims {
        ServiceAccountClaims::issue(
            ISSUER,
            &ServiceAccountRef {
                namespace: "default".into(),
                name: "bot".into(),
                uid: "uid-1".into(),
            },
            vec![AUDIENCE.into()],
            None,
            at(T0),
            3600,
        )
        .unwrap()
    }

    fn verify_at(
        set: &KeySet,
        token: &str,
        second: i64,
    ) -> Result<ServiceAccountClaims, TokenError> {
        set.verify(token, at(second), ISSUER, &audiences())
    }

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    /// A token with the given header whose payload is `claims()` and whose signature is
    /// `signature`, to build forgeries.
    fn forged(header: &serde_json::Value, signature: &[u8]) -> String {
        let payload = serde_json::to_string(&claims()).unwrap();
        format!(
            "{}.{}.{}",
            b64(&header.to_string()),
            b64(&payload),
            URL_SAFE_NO_PAD.encode(signature)
        )
    }

    #[test]
    fn both_algorithms_round_trip() {
        for key in [ec_key(), rsa_key()] {
            let set = KeySet::new(key.clone());
            let token = set.sign(&claims()).unwrap();
            let header: serde_json::Value = serde_json::from_slice(
                &URL_SAFE_NO_PAD
                    .decode(token.split('.').next().unwrap())
                    .unwrap(),
            )
            .unwrap();
            assert_eq!(
                header,
                json!({"alg": key.algorithm().as_str(), "kid": key.kid()})
            );
            assert_eq!(
                serde_json::to_string(&header).unwrap(),
                format!(r#"{{"alg":"{}","kid":"{}"}}"#, key.algorithm(), key.kid())
            );
            assert_eq!(
                verify_at(&set, &token, T0 + 10),
                Ok(claims_with_jti(&token))
            );
        }
    }

    fn claims_with_jti(token: &str) -> ServiceAccountClaims {
        let payload = URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap();
        serde_json::from_slice(&payload).unwrap()
    }

    #[test]
    fn expiry_and_not_before_follow_now_with_a_minute_of_leeway() {
        let set = KeySet::new(ec_key());
        let token = set.sign(&claims()).unwrap();
        let exp = T0 + 3600;
        assert!(verify_at(&set, &token, exp).is_ok());
        assert!(verify_at(&set, &token, exp + 60).is_ok());
        let just_past = at(exp + 60) + SignedDuration::from_millis(1);
        assert_eq!(
            set.verify(&token, just_past, ISSUER, &audiences()),
            Err(TokenError::Expired)
        );
        assert_eq!(
            verify_at(&set, &token, exp + 3600),
            Err(TokenError::Expired)
        );
        assert!(verify_at(&set, &token, T0 - 60).is_ok());
        assert_eq!(
            verify_at(&set, &token, T0 - 61),
            Err(TokenError::NotYetValid)
        );

        let mut future_iat = claims();
        future_iat.nbf = T0 - 1000;
        future_iat.iat = T0 + 1000;
        let token = set.sign(&future_iat).unwrap();
        assert_eq!(verify_at(&set, &token, T0), Err(TokenError::NotYetValid));
        assert_eq!(
            TokenError::Expired.to_string(),
            "service account token has expired"
        );
    }

    #[test]
    fn issuer_and_audience_must_match() {
        let set = KeySet::new(rsa_key());
        let token = set.sign(&claims()).unwrap();
        assert_eq!(
            set.verify(&token, at(T0), "https://other", &audiences()),
            Err(TokenError::WrongIssuer)
        );
        assert_eq!(
            set.verify(&token, at(T0), ISSUER, &["api".to_string()]),
            Err(TokenError::AudienceNotAccepted)
        );
        // No accepted audiences: the caller checks them (after a cache, say).
        assert!(set.verify(&token, at(T0), ISSUER, &[]).is_ok());
        let several = ["api".to_string(), AUDIENCE.to_string()];
        assert!(set.verify(&token, at(T0), ISSUER, &several).is_ok());
        assert_eq!(
            TokenError::AudienceNotAccepted.to_string(),
            "token audience is not accepted"
        );
    }

    #[test]
    fn tampering_breaks_the_signature() {
        for key in [ec_key(), rsa_key()] {
            let set = KeySet::new(key);
            let token = set.sign(&claims()).unwrap();
            let parts: Vec<&str> = token.split('.').collect();

            let mut other = claims();
            other.kubernetes_io.serviceaccount.name = "admin".into();
            other.sub = "system:serviceaccount:default:admin".into();
            let payload = b64(&serde_json::to_string(&other).unwrap());
            let swapped = format!("{}.{}.{}", parts[0], payload, parts[2]);
            assert_eq!(
                verify_at(&set, &swapped, T0),
                Err(TokenError::InvalidSignature)
            );

            let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
            sig[5] ^= 1;
            let flipped = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(&sig));
            assert_eq!(
                verify_at(&set, &flipped, T0),
                Err(TokenError::InvalidSignature)
            );

            let truncated = format!("{}.{}.{}", parts[0], parts[1], &parts[2][..12]);
            assert_eq!(
                verify_at(&set, &truncated, T0),
                Err(TokenError::InvalidSignature)
            );
            let no_signature = format!("{}.{}.", parts[0], parts[1]);
            assert_eq!(
                verify_at(&set, &no_signature, T0),
                Err(TokenError::InvalidSignature)
            );
            let bad_base64 = format!("{}.{}.!{}", parts[0], parts[1], &parts[2][1..]);
            assert_eq!(verify_at(&set, &bad_base64, T0), Err(TokenError::Malformed));
        }
    }

    #[test]
    fn unknown_kids_and_missing_kids_are_refused() {
        let set = KeySet::new(ec_key());
        let stranger = KeySet::new(ec_key2());
        let token = stranger.sign(&claims()).unwrap();
        assert_eq!(verify_at(&set, &token, T0), Err(TokenError::UnknownKey));

        // A token claiming our kid but signed by another key.
        let sig = ec_key2().sign(b"whatever").unwrap();
        let token = forged(&json!({"alg": "ES256", "kid": ec_key().kid()}), &sig);
        assert_eq!(
            verify_at(&set, &token, T0),
            Err(TokenError::InvalidSignature)
        );

        let token = forged(&json!({"alg": "ES256"}), &sig);
        assert_eq!(verify_at(&set, &token, T0), Err(TokenError::UnknownKey));
    }

    #[test]
    fn alg_none_and_algorithm_confusion_are_refused() {
        let set = KeySet::new(rsa_key());
        let kid = rsa_key().kid().to_string();
        for alg in ["none", "None", "NONE", "", "HS256", "PS256", "EdDSA"] {
            let token = forged(&json!({"alg": alg, "kid": kid}), b"");
            assert_eq!(
                verify_at(&set, &token, T0),
                Err(TokenError::UnsupportedAlgorithm),
                "{alg}"
            );
        }

        // HS256 keyed with the public key (the classic confusion): refused on `alg` alone,
        // and jsonwebtoken would refuse it too.
        let public_pem = rsa_key().public_key().to_pem();
        let header = json!({"alg": "HS256", "kid": kid});
        let payload = b64(&serde_json::to_string(&claims()).unwrap());
        let message = format!("{}.{}", b64(&header.to_string()), payload);
        let hmac = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, public_pem.as_bytes()),
            message.as_bytes(),
        );
        let token = format!("{message}.{}", URL_SAFE_NO_PAD.encode(hmac.as_ref()));
        assert_eq!(
            verify_at(&set, &token, T0),
            Err(TokenError::UnsupportedAlgorithm)
        );
        let mut validation = signature_only(SigningAlgorithm::RS256);
        validation.algorithms = vec![jsonwebtoken::Algorithm::RS256];
        assert!(
            jsonwebtoken::decode::<serde_json::Value>(
                &token,
                rsa_key().public_key().decoding_key(),
                &validation
            )
            .is_err()
        );

        // ES256 in the header, our RSA key's kid: the algorithm must be the key's.
        let token = forged(&json!({"alg": "ES256", "kid": kid}), &[0; 64]);
        assert_eq!(
            verify_at(&set, &token, T0),
            Err(TokenError::AlgorithmMismatch)
        );
    }

    #[test]
    fn rotation_keeps_old_tokens_until_pruned() {
        let mut set = KeySet::new(ec_key());
        let old = set.sign(&claims()).unwrap();
        set.rotate(rsa_key(), at(T0 + 100));
        let new = set.sign(&claims()).unwrap();
        assert!(verify_at(&set, &old, T0 + 200).is_ok());
        assert!(verify_at(&set, &new, T0 + 200).is_ok());

        let lifetime = SignedDuration::from_hours(1);
        assert_eq!(set.prune(at(T0 + 200), lifetime), 0);
        assert!(verify_at(&set, &old, T0 + 200).is_ok());
        assert_eq!(set.prune(at(T0 + 100 + 3600 + 61), lifetime), 1);
        assert_eq!(verify_at(&set, &old, T0 + 200), Err(TokenError::UnknownKey));
        assert!(verify_at(&set, &new, T0 + 200).is_ok());
    }

    #[test]
    fn claims_that_are_not_a_service_accounts_are_refused_even_when_signed() {
        let set = KeySet::new(ec_key());
        let mut odd = claims();
        odd.sub = "system:serviceaccount:kube-system:bot".into();
        let token = set.sign(&odd).unwrap();
        assert_eq!(verify_at(&set, &token, T0), Err(TokenError::InvalidClaims));

        // A signed payload that is not claims at all.
        let header = json!({"alg": "ES256", "kid": ec_key().kid()});
        let message = format!("{}.{}", b64(&header.to_string()), b64(r#"{"sub":1}"#));
        let sig = ec_key().sign(message.as_bytes()).unwrap();
        let token = format!("{message}.{}", URL_SAFE_NO_PAD.encode(sig));
        assert_eq!(verify_at(&set, &token, T0), Err(TokenError::InvalidClaims));
    }

    #[test]
    fn junk_is_malformed_and_never_panics() {
        let set = KeySet::new(ec_key());
        let good = set.sign(&claims()).unwrap();
        let cases = [
            String::new(),
            ".".into(),
            "..".into(),
            "...".into(),
            "a.b.c".into(),
            "a.b.c.d".into(),
            "{}".into(),
            format!("{good}.x"),
            format!("=={good}"),
            format!("{}.{}", b64("{\"alg\":\"ES256\"}"), "x"),
            format!("{}.x.y", b64("[]")),
            format!("{}.x.y", b64("{\"alg\":5}")),
            "é.é.é".into(),
            "A".repeat(MAX_TOKEN_BYTES + 1),
        ];
        for case in &cases {
            assert_eq!(
                verify_at(&set, case, T0),
                Err(TokenError::Malformed),
                "{case:.40}"
            );
        }
        // A garbled payload under a real header and kid.
        let parts: Vec<&str> = good.split('.').collect();
        let bad_payload = format!("{}.!!!.{}", parts[0], parts[2]);
        assert!(verify_at(&set, &bad_payload, T0).is_err());
    }

    #[test]
    fn every_one_character_change_is_refused() {
        let set = KeySet::new(ec_key());
        let token = set.sign(&claims()).unwrap();
        for i in 0..token.len() {
            for replacement in ['A', '_', '.', '%'] {
                if token.as_bytes()[i] == replacement as u8 {
                    continue;
                }
                let mut changed = token.clone();
                changed.replace_range(i..=i, &replacement.to_string());
                assert!(verify_at(&set, &changed, T0).is_err(), "{i} {replacement}");
            }
        }
    }

    #[test]
    fn error_messages_never_carry_the_token() {
        let set = KeySet::new(SigningKey::generate(SigningAlgorithm::ES256).unwrap());
        let token = KeySet::new(ec_key()).sign(&claims()).unwrap();
        let message = verify_at(&set, &token, T0).unwrap_err().to_string();
        assert!(!message.contains(&token[..20]));
    }
}
