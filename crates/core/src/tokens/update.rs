//! What an update of a Token may change: metadata (checked elsewhere), `spec.description`,
//! `spec.enabled` and `spec.ttl`. Every other spec field is immutable, and the ttl may only be
//! reduced unless the caller may extend it (an administrator), up to the max. Failures are
//! field errors, so the answer is 422 Invalid with causes, where Rancher answered 400.
//!
//! The ttl of the update is ingested like a new one, so `0` (or leaving `ttl` out) asks for the
//! default, which is an extension when the default is longer. A ttl the update does not change
//! is kept as stored, not clamped again: Rancher shortened a token to a lowered max on any
//! unrelated edit (reference §11.7).

use serde_json::{Map, Value};

use super::spec_fields::{self, boolean, check_description, immutable_changes, integer, spec_of};
use super::ttl::{TtlSettings, is_longer};
use crate::validation::FieldError;

const MUTABLE: [&str; 3] = ["description", "enabled", "ttl"];

/// Checks the update of Token `old` to `new` and answers the ttl to store in `spec.ttl`.
/// `may_extend_ttl` is for callers allowed to lengthen a token (administrators).
pub fn check_token_update(
    old: &Value,
    new: &Value,
    settings: &TtlSettings,
    may_extend_ttl: bool,
) -> Result<i64, Vec<FieldError>> {
    let old_spec = spec_of(old).ok().flatten();
    let new_spec = spec_of(new)?;
    let mut errs = Vec::new();
    check_description(new_spec, &mut errs);
    boolean(new_spec, "enabled", &mut errs);
    errs.extend(immutable_changes(old_spec, new_spec, &MUTABLE, normalized));
    let ttl = match integer(new_spec, "ttl", &mut errs) {
        Some(requested) => effective_ttl(old_spec, requested, settings, may_extend_ttl),
        None if spec_fields::field(new_spec, "ttl").is_some() => Ok(0), // a type error, above
        None => effective_ttl(old_spec, 0, settings, may_extend_ttl),
    };
    match ttl {
        Ok(ttl) if errs.is_empty() => Ok(ttl),
        Ok(_) => Err(errs),
        Err(e) => {
            errs.push(*e);
            Err(errs)
        }
    }
}

/// The stored ttl when unchanged; otherwise the ingested request, if it is no extension or the
/// caller may extend.
fn effective_ttl(
    old_spec: Option<&Map<String, Value>>,
    requested: i64,
    settings: &TtlSettings,
    may_extend_ttl: bool,
) -> Result<i64, Box<FieldError>> {
    // A stored token always has its effective ttl; one that does not is treated as 0 (expired),
    // so any ttl lengthens it: only those who may extend can repair it.
    let old = spec_fields::field(old_spec, "ttl")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if requested == old {
        return Ok(old);
    }
    let ttl = settings.ingest_ttl(requested);
    if is_longer(ttl, old) && !may_extend_ttl {
        return Err(Box::new(FieldError::forbidden(
            "spec.ttl",
            format!(
                "may only be reduced; an administrator can extend it (the token's ttl is {}, \
                 this update asks for {})",
                describe(old),
                describe(ttl)
            ),
        )));
    }
    Ok(ttl)
}

fn describe(ttl_ms: i64) -> String {
    if ttl_ms < 0 {
        "no expiry".to_string()
    } else {
        format!("{ttl_ms} ms")
    }
}

/// `spec.kind` defaults to `""`, so an absent kind and an empty one are the same.
fn normalized<'a>(key: &str, value: Option<&'a Value>) -> Option<&'a Value> {
    match value {
        Some(Value::String(s)) if key == "kind" && s.is_empty() => None,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DAY: i64 = 86_400_000;
    const MAX: i64 = 90 * DAY;

    fn token(ttl: i64) -> Value {
        json!({
            "metadata": {"name": "token-abcde"},
            "spec": {"userID": "alice", "kind": "", "description": "ci", "ttl": ttl, "enabled": true},
            "status": {"expired": false}
        })
    }

    fn with(mut obj: Value, key: &str, value: Value) -> Value {
        obj["spec"][key] = value;
        obj
    }

    fn without(mut obj: Value, key: &str) -> Value {
        if let Some(spec) = obj["spec"].as_object_mut() {
            spec.remove(key);
        }
        obj
    }

    fn check(old: &Value, new: &Value, may_extend: bool) -> Result<i64, Vec<String>> {
        check_token_update(old, new, &TtlSettings::default(), may_extend)
            .map_err(|errs| errs.iter().map(ToString::to_string).collect())
    }

    const REFUSED_7200000_TO_MAX: &str = "spec.ttl: Forbidden: may only be reduced; an administrator can extend it (the token's ttl is 7200000 ms, this update asks for 7776000000 ms)";

    #[test]
    fn mutable_fields_change_freely() {
        let old = token(7_200_000);
        let cases = [
            old.clone(),
            with(old.clone(), "description", json!("new words")),
            with(old.clone(), "enabled", json!(false)),
            without(old.clone(), "description"),
            without(old.clone(), "enabled"),
            with(old.clone(), "enabled", Value::Null),
            without(old.clone(), "kind"),
            {
                let mut o = old.clone();
                o["metadata"]["labels"] = json!({"team": "a"});
                o["status"] = json!({"expired": true, "value": "ignored"});
                o
            },
        ];
        for new in cases {
            for may_extend in [false, true] {
                assert_eq!(check(&old, &new, may_extend), Ok(7_200_000), "{new}");
            }
        }
    }

    #[test]
    fn immutable_fields_are_422_causes() {
        let old = with(token(MAX), "clusterName", json!("c1"));
        let cases: Vec<(Value, Vec<&str>)> = vec![
            (
                with(old.clone(), "userID", json!("x")),
                vec![r#"spec.userID: Invalid value: "x": field is immutable"#],
            ),
            (
                without(old.clone(), "userID"),
                vec!["spec.userID: Invalid value: null: field is immutable"],
            ),
            (
                with(old.clone(), "kind", json!("session")),
                vec![r#"spec.kind: Invalid value: "session": field is immutable"#],
            ),
            (
                with(old.clone(), "clusterName", json!("c2")),
                vec![r#"spec.clusterName: Invalid value: "c2": field is immutable"#],
            ),
            (
                with(
                    old.clone(),
                    "userPrincipal",
                    json!({"name": "local://alice"}),
                ),
                vec![
                    r#"spec.userPrincipal: Invalid value: {"name":"local://alice"}: field is immutable"#,
                ],
            ),
            (
                with(with(old.clone(), "userID", json!("x")), "kind", json!("k")),
                vec![
                    r#"spec.kind: Invalid value: "k": field is immutable"#,
                    r#"spec.userID: Invalid value: "x": field is immutable"#,
                ],
            ),
            (
                with(
                    with(old.clone(), "userID", json!("x")),
                    "description",
                    json!(5),
                ),
                vec![
                    "spec.description: Invalid value: 5: must be a string",
                    r#"spec.userID: Invalid value: "x": field is immutable"#,
                ],
            ),
            (
                with(old.clone(), "ttl", json!("1h")),
                vec![r#"spec.ttl: Invalid value: "1h": must be an integer"#],
            ),
            (
                json!({"spec": "nope"}),
                vec![r#"spec: Invalid value: "nope": must be an object"#],
            ),
        ];
        for (new, want) in cases {
            for may_extend in [false, true] {
                assert_eq!(
                    check(&old, &new, may_extend),
                    Err(want.iter().map(|s| s.to_string()).collect()),
                    "{new}"
                );
            }
        }
    }

    #[test]
    fn ttl_rules() {
        let two_hours = token(7_200_000);
        let ninety_days = token(MAX);
        let never = token(-1);
        type Case<'a> = (&'a str, &'a Value, Value, bool, Result<i64, Vec<&'a str>>);
        let cases: Vec<Case> = vec![
            ("reduce", &two_hours, json!(3_600_000), false, Ok(3_600_000)),
            ("reduce to 1 ms", &two_hours, json!(1), false, Ok(1)),
            (
                "unchanged",
                &two_hours,
                json!(7_200_000),
                false,
                Ok(7_200_000),
            ),
            (
                "extend refused",
                &two_hours,
                json!(10_800_000),
                false,
                Err(vec![
                    "spec.ttl: Forbidden: may only be reduced; an administrator can extend it (the token's ttl is 7200000 ms, this update asks for 10800000 ms)",
                ]),
            ),
            (
                "admin extends",
                &two_hours,
                json!(10_800_000),
                true,
                Ok(10_800_000),
            ),
            (
                "admin extends to the max at most",
                &two_hours,
                json!(MAX * 2),
                true,
                Ok(MAX),
            ),
            (
                "above the max, as a user: still an extension",
                &two_hours,
                json!(MAX * 2),
                false,
                Err(vec![REFUSED_7200000_TO_MAX]),
            ),
            (
                "0 means the default, longer here",
                &two_hours,
                json!(0),
                false,
                Err(vec![REFUSED_7200000_TO_MAX]),
            ),
            (
                "absent is 0",
                &two_hours,
                Value::Null,
                false,
                Err(vec![REFUSED_7200000_TO_MAX]),
            ),
            (
                "admin: 0 is the default",
                &two_hours,
                json!(0),
                true,
                Ok(MAX),
            ),
            (
                "0 at the max is no extension",
                &ninety_days,
                json!(0),
                false,
                Ok(MAX),
            ),
            (
                "never, finite max: the max, no extension",
                &ninety_days,
                json!(-1),
                false,
                Ok(MAX),
            ),
            (
                "never, finite max, from 2h",
                &two_hours,
                json!(-1),
                false,
                Err(vec![REFUSED_7200000_TO_MAX]),
            ),
            (
                "a never token may be reduced",
                &never,
                json!(DAY),
                false,
                Ok(DAY),
            ),
            ("a never token kept as is", &never, json!(-1), false, Ok(-1)),
            (
                "a never token, other negative: the max, shorter",
                &never,
                json!(-7),
                false,
                Ok(MAX),
            ),
        ];
        for (what, old, ttl, may_extend, want) in cases {
            let new = if ttl.is_null() {
                without((*old).clone(), "ttl")
            } else {
                with((*old).clone(), "ttl", ttl)
            };
            let want = want.map_err(|v| v.into_iter().map(String::from).collect());
            assert_eq!(check(old, &new, may_extend), want, "{what}");
        }
    }

    #[test]
    fn unlimited_max_lets_admins_make_tokens_eternal() {
        let unlimited = TtlSettings {
            max_minutes: 0,
            default_minutes: 0,
        };
        let old = token(DAY);
        let new = with(old.clone(), "ttl", json!(-1));
        assert_eq!(check_token_update(&old, &new, &unlimited, true), Ok(-1));
        let errs = check_token_update(&old, &new, &unlimited, false).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "spec.ttl: Forbidden: may only be reduced; an administrator can extend it (the token's ttl is 86400000 ms, this update asks for no expiry)"
        );
    }

    #[test]
    fn a_lowered_max_does_not_shorten_an_unrelated_update() {
        let lowered = TtlSettings {
            max_minutes: 60,
            default_minutes: 0,
        };
        let old = token(MAX);
        let new = with(old.clone(), "description", json!("renamed"));
        assert_eq!(check_token_update(&old, &new, &lowered, false), Ok(MAX));
        // A changed ttl is ingested under the current settings.
        let new = with(old.clone(), "ttl", json!(MAX - 1));
        assert_eq!(
            check_token_update(&old, &new, &lowered, false),
            Ok(3_600_000)
        );
    }

    #[test]
    fn a_stored_token_without_ttl_counts_as_expired() {
        let old = without(token(0), "ttl");
        let new = with(old.clone(), "ttl", json!(1000));
        assert!(check(&old, &new, false).is_err());
        assert_eq!(check(&old, &new, true), Ok(1000));
    }
}
