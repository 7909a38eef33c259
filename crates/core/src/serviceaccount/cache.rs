//! Verified tokens, remembered until they expire, so that a token presented again costs a
//! SHA-256 and a map probe instead of a signature verification (~30–90 µs).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::claims::ServiceAccountClaims;

pub const DEFAULT_CACHE_CAPACITY: usize = 10_000;

/// SHA-256 of the token: the token itself is never kept.
type TokenKey = [u8; 32];

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// A bounded, thread-safe map from SHA-256(token) to the claims it was verified to carry.
///
/// It answers only "did this exact token verify, and has it not expired": the caller still
/// checks the audiences wanted by the request at hand
/// ([`ServiceAccountClaims::audiences_accepted`]) and that the ServiceAccount exists, and
/// calls [`VerifiedTokenCache::forget_service_account`] when one is deleted or recreated.
/// When full, the entry that expires soonest (expired ones first) makes room.
#[derive(Debug)]
pub struct VerifiedTokenCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: HashMap<TokenKey, Entry>,
    /// (exp, insertion sequence) → key: eviction order, soonest expiry first.
    by_expiry: BTreeMap<(i64, u64), TokenKey>,
    /// ServiceAccount uid → its tokens' keys.
    by_account: HashMap<String, HashSet<TokenKey>>,
    next_seq: u64,
}

#[derive(Debug)]
struct Entry {
    claims: Arc<ServiceAccountClaims>,
    seq: u64,
}

impl Inner {
    fn remove(&mut self, key: &TokenKey) -> Option<Entry> {
        let entry = self.entries.remove(key)?;
        self.by_expiry.remove(&(entry.claims.exp, entry.seq));
        let uid = entry.claims.service_account_uid();
        if let Some(keys) = self.by_account.get_mut(uid) {
            keys.remove(key);
            if keys.is_empty() {
                self.by_account.remove(uid);
            }
        }
        Some(entry)
    }

    fn evict_one(&mut self) {
        if let Some((_, key)) = self.by_expiry.pop_first() {
            self.remove(&key);
        }
    }
}

impl VerifiedTokenCache {
    pub fn new(capacity: usize) -> VerifiedTokenCache {
        VerifiedTokenCache {
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The claims `token` was verified to carry, while `now` is before their `exp`.
    pub fn get(&self, token: &str, now: Timestamp) -> Option<Arc<ServiceAccountClaims>> {
        let key = token_key(token);
        let now = now.as_nanosecond();
        let mut inner = self.lock();
        let claims = Arc::clone(&inner.entries.get(&key)?.claims);
        if now < i128::from(claims.exp) * NANOS_PER_SECOND {
            Some(claims)
        } else {
            inner.remove(&key);
            None
        }
    }

    /// Remembers that `token` verified to `claims`.
    pub fn insert(&self, token: &str, claims: impl Into<Arc<ServiceAccountClaims>>) {
        if self.capacity == 0 {
            return;
        }
        let claims = claims.into();
        let key = token_key(token);
        let uid = claims.service_account_uid().to_string();
        let mut inner = self.lock();
        inner.remove(&key);
        while inner.entries.len() >= self.capacity {
            inner.evict_one();
        }
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.by_expiry.insert((claims.exp, seq), key);
        inner.by_account.entry(uid).or_default().insert(key);
        inner.entries.insert(key, Entry { claims, seq });
    }

    /// Forgets every token of the ServiceAccount with this uid.
    pub fn forget_service_account(&self, uid: &str) {
        let mut inner = self.lock();
        let Some(keys) = inner.by_account.remove(uid) else {
            return;
        };
        for key in keys {
            if let Some(entry) = inner.entries.remove(&key) {
                inner.by_expiry.remove(&(entry.claims.exp, entry.seq));
            }
        }
    }

    /// Forgets everything (after a signing key was withdrawn, say).
    pub fn clear(&self) {
        *self.lock() = Inner::default();
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for VerifiedTokenCache {
    fn default() -> Self {
        VerifiedTokenCache::new(DEFAULT_CACHE_CAPACITY)
    }
}

fn token_key(token: &str) -> TokenKey {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serviceaccount::claims::ServiceAccountRef;
    use crate::serviceaccount::test_support::at;

    fn claims(uid: &str, exp: i64) -> Arc<ServiceAccountClaims> {
        let mut c = ServiceAccountClaims::issue(
            "i",
            &ServiceAccountRef {
                namespace: "ns".into(),
                name: "sa".into(),
                uid: uid.into(),
            },
            vec!["a".into()],
            None,
            at(0),
            600,
        )
        .unwrap();
        c.exp = exp;
        Arc::new(c)
    }

    #[test]
    fn hits_until_expiry() {
        let cache = VerifiedTokenCache::new(10);
        let c = claims("u1", 1000);
        cache.insert("token-a", Arc::clone(&c));
        assert_eq!(cache.get("token-a", at(999)), Some(Arc::clone(&c)));
        assert_eq!(cache.get("token-b", at(999)), None);
        assert_eq!(cache.get("token-a", at(1000)), None, "expired at exp");
        assert!(cache.is_empty(), "an expired entry is dropped when seen");
    }

    #[test]
    fn the_token_itself_is_not_kept() {
        let cache = VerifiedTokenCache::new(10);
        cache.insert("very-secret-token", claims("u1", 1000));
        assert!(!format!("{cache:?}").contains("very-secret-token"));
    }

    #[test]
    fn it_never_grows_past_its_capacity_and_evicts_the_soonest_expiry() {
        let cache = VerifiedTokenCache::new(3);
        cache.insert("t1", claims("u", 500));
        cache.insert("t2", claims("u", 100));
        cache.insert("t3", claims("u", 300));
        cache.insert("t4", claims("u", 400));
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get("t2", at(0)), None, "soonest expiry went first");
        for t in ["t1", "t3", "t4"] {
            assert!(cache.get(t, at(0)).is_some(), "{t}");
        }
        for i in 0..100 {
            cache.insert(&format!("x{i}"), claims("v", 1000 + i));
        }
        assert_eq!(cache.len(), 3);
        let inner = cache.lock();
        assert_eq!(inner.by_expiry.len(), 3);
        assert_eq!(
            inner.by_account.values().map(HashSet::len).sum::<usize>(),
            3
        );
        assert!(!inner.by_account.contains_key("u"));
    }

    #[test]
    fn reinserting_a_token_replaces_it() {
        let cache = VerifiedTokenCache::new(2);
        cache.insert("t", claims("u1", 100));
        cache.insert("t", claims("u2", 200));
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.get("t", at(150)).unwrap().exp, 200);
        cache.forget_service_account("u1");
        assert!(cache.get("t", at(150)).is_some());
    }

    #[test]
    fn forgetting_a_service_account_drops_all_its_tokens() {
        let cache = VerifiedTokenCache::new(10);
        cache.insert("a1", claims("uid-a", 100));
        cache.insert("a2", claims("uid-a", 200));
        cache.insert("b1", claims("uid-b", 100));
        cache.forget_service_account("uid-a");
        cache.forget_service_account("nobody");
        assert_eq!(cache.get("a1", at(0)), None);
        assert_eq!(cache.get("a2", at(0)), None);
        assert!(cache.get("b1", at(0)).is_some());
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.lock().by_expiry.len(), 1);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn zero_capacity_stores_nothing() {
        let cache = VerifiedTokenCache::new(0);
        cache.insert("t", claims("u", 100));
        assert!(cache.is_empty());
        assert_eq!(
            VerifiedTokenCache::default().capacity(),
            DEFAULT_CACHE_CAPACITY
        );
    }

    #[test]
    fn threads_share_one_cache() {
        let cache = VerifiedTokenCache::new(50);
        std::thread::scope(|s| {
            for t in 0..4 {
                let cache = &cache;
                s.spawn(move || {
                    for i in 0..200 {
                        let token = format!("t{t}-{i}");
                        cache.insert(&token, claims(&format!("u{}", i % 7), 1000 + i));
                        let _ = cache.get(&token, at(0));
                        if i % 50 == 0 {
                            cache.forget_service_account("u3");
                        }
                    }
                });
            }
        });
        assert!(cache.len() <= 50);
        let inner = cache.lock();
        assert_eq!(inner.by_expiry.len(), inner.entries.len());
        assert_eq!(
            inner.by_account.values().map(HashSet::len).sum::<usize>(),
            inner.entries.len()
        );
    }
}
