//! The issuer's keys: one active key that signs, and retired public keys that still verify the
//! tokens they signed until those can no longer be alive. Persisted as one JSON document.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::claims::ServiceAccountClaims;
use super::keys::{KeyError, PublicKey, SigningAlgorithm, SigningKey};
use super::verify::CLOCK_SKEW_LEEWAY_SECONDS;

const DOCUMENT_KIND: &str = "ServiceAccountSigningKeys";
const DOCUMENT_VERSION: u32 = 1;

/// A key that no longer signs. Only its public half is kept: verifying needs nothing more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetiredKey {
    pub key: PublicKey,
    pub retired_at: Timestamp,
}

#[derive(Clone, Debug)]
pub struct KeySet {
    active: SigningKey,
    /// Most recently retired first.
    retired: Vec<RetiredKey>,
}

impl KeySet {
    pub fn new(active: SigningKey) -> KeySet {
        KeySet {
            active,
            retired: Vec::new(),
        }
    }

    /// A key set with one freshly generated key.
    pub fn generate(algorithm: SigningAlgorithm) -> Result<KeySet, KeyError> {
        Ok(KeySet::new(SigningKey::generate(algorithm)?))
    }

    pub fn active(&self) -> &SigningKey {
        &self.active
    }

    pub fn retired(&self) -> &[RetiredKey] {
        &self.retired
    }

    /// Every key that verifies: the active one first, then the retired ones, newest first.
    pub fn public_keys(&self) -> impl Iterator<Item = &PublicKey> {
        std::iter::once(self.active.public_key()).chain(self.retired.iter().map(|r| &r.key))
    }

    /// The key a token's `kid` names. A linear scan: a key set holds a handful of keys.
    pub fn key(&self, kid: &str) -> Option<&PublicKey> {
        self.public_keys().find(|k| k.kid() == kid)
    }

    /// The algorithms of all keys, sorted and without repeats (OIDC's
    /// `id_token_signing_alg_values_supported`).
    pub fn algorithms(&self) -> Vec<&'static str> {
        let mut algs: Vec<&'static str> =
            self.public_keys().map(|k| k.algorithm().as_str()).collect();
        algs.sort_unstable();
        algs.dedup();
        algs
    }

    /// Makes `new_key` the signing key; the current one retires at `now` and keeps verifying.
    /// Rotating to the active key changes nothing; rotating back to a retired key un-retires it.
    pub fn rotate(&mut self, new_key: SigningKey, now: Timestamp) {
        if new_key.kid() == self.active.kid() {
            return;
        }
        self.retired.retain(|r| r.key.kid() != new_key.kid());
        let old = std::mem::replace(&mut self.active, new_key);
        self.retired.insert(
            0,
            RetiredKey {
                key: old.public_key().clone(),
                retired_at: now,
            },
        );
    }

    /// Drops the retired keys that can no longer have a live token: retired longer ago than
    /// the longest a token may live, plus the clock-skew leeway verification allows. Returns
    /// how many were dropped.
    pub fn prune(&mut self, now: Timestamp, max_token_lifetime: SignedDuration) -> usize {
        let keep_for =
            max_token_lifetime.saturating_add(SignedDuration::from_secs(CLOCK_SKEW_LEEWAY_SECONDS));
        let before = self.retired.len();
        self.retired
            .retain(|r| match r.retired_at.checked_add(keep_for) {
                Ok(last_use) => now <= last_use,
                Err(_) => true,
            });
        before - self.retired.len()
    }

    /// A compact JWS of `claims` with header `{"alg","kid"}` of the active key, as kube's.
    pub fn sign(&self, claims: &ServiceAccountClaims) -> Result<String, KeyError> {
        let header = json!({"alg": self.active.algorithm().as_str(), "kid": self.active.kid()});
        let payload = serde_json::to_vec(claims).map_err(|_| KeyError::Sign)?;
        let mut token = URL_SAFE_NO_PAD.encode(header.to_string());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let signature = self.active.sign(token.as_bytes())?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }

    /// The document the server keeps in its key file (mode 0600): it holds the private key.
    pub fn to_text(&self) -> Result<String, KeyError> {
        let document = Document {
            kind: DOCUMENT_KIND.to_string(),
            version: DOCUMENT_VERSION,
            active: ActiveEntry {
                algorithm: self.active.algorithm().as_str().to_string(),
                kid: self.active.kid().to_string(),
                private_key: self.active.to_pem()?,
            },
            retired: self
                .retired
                .iter()
                .map(|r| RetiredEntry {
                    algorithm: r.key.algorithm().as_str().to_string(),
                    kid: r.key.kid().to_string(),
                    public_key: r.key.to_pem(),
                    retired_at: r.retired_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&document)
            .map_err(|_| KeyError::InvalidDocument("cannot encode".to_string()))?;
        text.push('\n');
        Ok(text)
    }

    /// Reads [`KeySet::to_text`]'s document back. Anything garbled, inconsistent (a kid or an
    /// algorithm that does not match its key) or repeated is an error; errors never quote the
    /// document, which holds a private key.
    pub fn from_text(text: &str) -> Result<KeySet, KeyError> {
        let invalid = |why: String| KeyError::InvalidDocument(why);
        let document: Document = serde_json::from_str(text).map_err(|e| {
            invalid(format!(
                "not a key document ({:?} error at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        if document.kind != DOCUMENT_KIND || document.version != DOCUMENT_VERSION {
            return Err(invalid(format!(
                "expected kind {DOCUMENT_KIND} version {DOCUMENT_VERSION}"
            )));
        }
        let active = SigningKey::from_pem(&document.active.private_key)
            .map_err(|e| invalid(format!("active key: {e}")))?;
        check_entry(
            "active key",
            active.public_key(),
            &document.active.algorithm,
            &document.active.kid,
        )?;
        let mut set = KeySet::new(active);
        for (i, entry) in document.retired.iter().enumerate() {
            let place = format!("retired key {i}");
            let key = PublicKey::from_pem(&entry.public_key)
                .map_err(|e| invalid(format!("{place}: {e}")))?;
            check_entry(&place, &key, &entry.algorithm, &entry.kid)?;
            let retired_at: Timestamp = entry
                .retired_at
                .parse()
                .map_err(|_| invalid(format!("{place}: retiredAt is not an RFC 3339 time")))?;
            if set.key(key.kid()).is_some() {
                return Err(invalid(format!("{place}: kid {} appears twice", key.kid())));
            }
            set.retired.push(RetiredKey { key, retired_at });
        }
        Ok(set)
    }
}

fn check_entry(place: &str, key: &PublicKey, algorithm: &str, kid: &str) -> Result<(), KeyError> {
    let algorithm: SigningAlgorithm = algorithm
        .parse()
        .map_err(|e| KeyError::InvalidDocument(format!("{place}: {e}")))?;
    if algorithm != key.algorithm() {
        return Err(KeyError::InvalidDocument(format!(
            "{place}: the key is {} but the document says {algorithm}",
            key.algorithm()
        )));
    }
    if kid != key.kid() {
        return Err(KeyError::InvalidDocument(format!(
            "{place}: the kid does not match the key"
        )));
    }
    Ok(())
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    kind: String,
    version: u32,
    active: ActiveEntry,
    #[serde(default)]
    retired: Vec<RetiredEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActiveEntry {
    algorithm: String,
    kid: String,
    private_key: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RetiredEntry {
    algorithm: String,
    kid: String,
    public_key: String,
    retired_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serviceaccount::test_support::{at, ec_key, ec_key2, rsa_key};
    use serde_json::Value;

    #[test]
    fn rotation_retires_the_active_key_newest_first() {
        let mut set = KeySet::new(ec_key());
        set.rotate(rsa_key(), at(100));
        set.rotate(ec_key2(), at(200));
        assert_eq!(set.active().kid(), ec_key2().kid());
        let retired: Vec<_> = set
            .retired()
            .iter()
            .map(|r| (r.key.kid(), r.retired_at))
            .collect();
        assert_eq!(
            retired,
            [(rsa_key().kid(), at(200)), (ec_key().kid(), at(100))]
        );
        assert_eq!(set.algorithms(), ["ES256", "RS256"]);
        assert!(set.key(ec_key().kid()).is_some());
        assert!(set.key("nope").is_none());

        // Rotating to the active key is a no-op; rotating back un-retires.
        set.rotate(ec_key2(), at(300));
        assert_eq!(set.retired().len(), 2);
        set.rotate(ec_key(), at(400));
        assert_eq!(set.active().kid(), ec_key().kid());
        let kids: Vec<_> = set.retired().iter().map(|r| r.key.kid()).collect();
        assert_eq!(kids, [ec_key2().kid(), rsa_key().kid()]);
    }

    #[test]
    fn prune_keeps_retired_keys_while_their_tokens_may_live() {
        let mut set = KeySet::new(ec_key());
        set.rotate(rsa_key(), at(1_000));
        let lifetime = SignedDuration::from_hours(1);
        let last_use = 1_000 + 3600 + CLOCK_SKEW_LEEWAY_SECONDS;
        assert_eq!(set.prune(at(last_use), lifetime), 0);
        assert_eq!(set.retired().len(), 1);
        assert_eq!(set.prune(at(last_use + 1), lifetime), 1);
        assert!(set.retired().is_empty());
        assert_eq!(set.active().kid(), rsa_key().kid());
        // A lifetime that overflows the calendar keeps the key.
        set.rotate(ec_key(), at(0));
        assert_eq!(set.prune(at(10), SignedDuration::MAX), 0);
    }

    #[test]
    fn the_document_round_trips() {
        let mut set = KeySet::new(ec_key());
        set.rotate(rsa_key(), at(1_700_000_000));
        let text = set.to_text().unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["kind"], "ServiceAccountSigningKeys");
        assert_eq!(doc["active"]["algorithm"], "RS256");
        assert_eq!(doc["retired"][0]["retiredAt"], "2023-11-14T22:13:20Z");
        assert!(doc["retired"][0].get("privateKey").is_none());

        let again = KeySet::from_text(&text).unwrap();
        assert_eq!(again.active().kid(), set.active().kid());
        assert_eq!(again.retired(), set.retired());
        assert_eq!(again.to_text().unwrap(), text);
    }

    #[test]
    fn a_garbled_document_is_an_error_that_quotes_nothing() {
        let mut set = KeySet::new(ec_key());
        set.rotate(rsa_key(), at(5));
        let text = set.to_text().unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let edit = |f: &dyn Fn(&mut Value)| {
            let mut d = doc.clone();
            f(&mut d);
            d.to_string()
        };
        let cases = [
            String::new(),
            "{".to_string(),
            text[..text.len() / 2].to_string(),
            "[]".to_string(),
            edit(&|d| d["version"] = json!(2)),
            edit(&|d| d["kind"] = json!("Other")),
            edit(&|d| d["active"]["kid"] = json!("x")),
            edit(&|d| d["active"]["algorithm"] = json!("ES256")),
            edit(&|d| d["active"]["algorithm"] = json!("HS256")),
            edit(&|d| d["active"]["privateKey"] = json!("garbage")),
            edit(&|d| d["active"]["privateKey"] = json!(7)),
            edit(&|d| d["retired"][0]["retiredAt"] = json!("yesterday")),
            edit(&|d| d["retired"][0]["publicKey"] = d["active"]["privateKey"].clone()),
            edit(&|d| d["retired"][0]["kid"] = json!("y")),
            edit(&|d| {
                let first = d["retired"][0].clone();
                d["retired"].as_array_mut().unwrap().push(first);
            }),
            edit(&|d| {
                // Flip characters inside the RSA private key: its parts no longer agree.
                let pem = d["active"]["privateKey"].as_str().unwrap().to_string();
                let mut lines: Vec<String> = pem.lines().map(String::from).collect();
                let flipped = if &lines[3][10..14] == "AAAA" {
                    "BBBB"
                } else {
                    "AAAA"
                };
                lines[3].replace_range(10..14, flipped);
                d["active"]["privateKey"] = json!(lines.join("\n"));
            }),
        ];
        let pem_body_line = doc["active"]["privateKey"]
            .as_str()
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .to_string();
        for (i, case) in cases.iter().enumerate() {
            let Err(err) = KeySet::from_text(case) else {
                panic!("case {i} was accepted");
            };
            let message = err.to_string();
            assert!(
                matches!(err, KeyError::InvalidDocument(_)),
                "{i}: {message}"
            );
            assert!(!message.contains(&pem_body_line), "{i}: {message}");
        }
    }
}
