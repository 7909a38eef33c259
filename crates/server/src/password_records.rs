//! The stored password of a user: an argon2id hash, with the uid of the user it was set for,
//! in a record no request can read. The uid ties it to that user: should the record outlive
//! its user (a crash before the clean-up), a later user given the same name does not inherit
//! the password.

use serde_json::{Value, json};

const USER_UID: &str = "userUID";

pub fn record(username: &str, user_uid: &str, hash: &str) -> Value {
    json!({"metadata": {"name": username}, USER_UID: user_uid, "hash": hash})
}

/// The hash in `record` if it was set for the user whose uid is `user_uid` (a record without
/// a uid, written before they were kept, counts for the user of its name).
pub fn hash_for(record: &Value, user_uid: &str) -> Option<String> {
    let set_for = record.get(USER_UID).and_then(Value::as_str);
    if set_for.is_some_and(|uid| uid != user_uid) {
        return None;
    }
    record
        .get("hash")
        .and_then(Value::as_str)
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_counts_only_for_the_user_it_was_set_for() {
        let stored = record("alice", "uid-1", "$argon2id$x");
        assert_eq!(hash_for(&stored, "uid-1").as_deref(), Some("$argon2id$x"));
        assert_eq!(hash_for(&stored, "uid-2"), None);
        let older = json!({"metadata": {"name": "alice"}, "hash": "$argon2id$y"});
        assert_eq!(hash_for(&older, "uid-2").as_deref(), Some("$argon2id$y"));
        assert_eq!(hash_for(&json!({}), "uid-1"), None);
    }
}
