//! The hub's settings and feature flags (issue 4), admin-editable with kubectl.
//!
//! A Setting is named after what it sets and holds its value at the top level, as Rancher's
//! `management.cattle.io` Setting does (`kubectl edit setting auth-token-max-ttl-minutes`):
//!
//! ```yaml
//! apiVersion: tokenhub.io/v1
//! kind: Setting
//! metadata: {name: auth-token-max-ttl-minutes}
//! value: "129600"
//! ```
//!
//! A value is a whole number of minutes, given as a string of digits (Rancher writes strings)
//! or as a JSON integer; `""`, null or no value means the default. Each setting has a floor
//! ([`SettingDef::min`]) and every one a ceiling of 100 years. The default ttl may not exceed
//! a finite max: lowering the max below the default is refused too, naming the setting to
//! lower first.
//!
//! A Feature is switched with `spec.value` (`kubectl patch feature ext-tokens -p
//! '{"spec":{"value":false}}'`, as the Rancher seed writes it); null means its default.

use serde_json::Value;
use tokenhub_api::meta::ObjectExt;

use crate::tokens::{MS_PER_MINUTE, TtlSettings};
use crate::validation::FieldError;

pub const AUTH_TOKEN_MAX_TTL_MINUTES: &str = "auth-token-max-ttl-minutes";
pub const AUTH_TOKEN_DEFAULT_TTL_MINUTES: &str = "auth-token-default-ttl-minutes";
pub const AUTH_USER_SESSION_TTL_MINUTES: &str = "auth-user-session-ttl-minutes";

/// The feature that serves the Token API (`tokens.tokenhub.io`, `tokens.ext.cattle.io`).
pub const EXT_TOKENS_FEATURE: &str = "ext-tokens";

/// Where a Setting object keeps its value.
pub const SETTING_VALUE_FIELD: &str = "value";
/// The largest value of any setting: 100 years of minutes.
pub const MAX_SETTING_MINUTES: i64 = 100 * 365 * 24 * 60;

/// One setting: its name, default, floor and meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingDef {
    pub name: &'static str,
    pub default: i64,
    pub min: i64,
    pub description: &'static str,
}

pub const SETTINGS: [SettingDef; 3] = [
    SettingDef {
        name: AUTH_TOKEN_MAX_TTL_MINUTES,
        default: 129_600,
        min: 0,
        description: "The longest a personal Token may live, in minutes; 0 means no maximum.",
    },
    SettingDef {
        name: AUTH_TOKEN_DEFAULT_TTL_MINUTES,
        default: 0,
        min: 0,
        description: "The lifetime of a personal Token created without a ttl, in minutes; 0 means the maximum.",
    },
    SettingDef {
        name: AUTH_USER_SESSION_TTL_MINUTES,
        default: 960,
        min: 1,
        description: "The lifetime of a login session token, in minutes.",
    },
];

/// One feature flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeatureDef {
    pub name: &'static str,
    pub default: bool,
    pub description: &'static str,
}

pub const FEATURES: [FeatureDef; 1] = [FeatureDef {
    name: EXT_TOKENS_FEATURE,
    default: true,
    description: "Serve the Token API. Off, it is gone from discovery and its paths; existing tokens still authenticate.",
}];

pub fn setting(name: &str) -> Option<&'static SettingDef> {
    SETTINGS.iter().find(|s| s.name == name)
}

pub fn feature(name: &str) -> Option<&'static FeatureDef> {
    FEATURES.iter().find(|f| f.name == name)
}

impl SettingDef {
    /// The value `value` stands for, or why it stands for none.
    pub fn parse(&self, value: Option<&Value>) -> Result<i64, String> {
        let n = match value {
            None | Some(Value::Null) => return Ok(self.default),
            Some(Value::String(s)) if s.is_empty() => return Ok(self.default),
            Some(Value::String(s)) => parse_digits(s),
            Some(Value::Number(n)) => n.as_i64(),
            Some(_) => None,
        }
        .ok_or_else(|| "must be a whole number of minutes, such as \"129600\"".to_string())?;
        if n < self.min {
            return Err(format!("must be at least {}", self.min));
        }
        if n > MAX_SETTING_MINUTES {
            return Err(format!("must be at most {MAX_SETTING_MINUTES}"));
        }
        Ok(n)
    }

    /// The value of a stored setting; one that does not parse (validation keeps such values
    /// out) is the default.
    fn parse_or_default(&self, value: Option<&Value>) -> i64 {
        self.parse(value).unwrap_or(self.default)
    }
}

/// An optional `-` then ASCII digits; no spaces, no `+`, no `1e3`.
fn parse_digits(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The values in force of the three settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingValues {
    pub max_ttl_minutes: i64,
    pub default_ttl_minutes: i64,
    pub session_ttl_minutes: i64,
}

impl Default for SettingValues {
    fn default() -> Self {
        SettingValues::from_lookup(|_| None)
    }
}

impl SettingValues {
    /// From the stored values: `value_of(name)` is the `value` of Setting `name`, if any.
    pub fn from_lookup<'a>(value_of: impl Fn(&str) -> Option<&'a Value>) -> SettingValues {
        let get = |def: &SettingDef| def.parse_or_default(value_of(def.name));
        SettingValues {
            max_ttl_minutes: get(&SETTINGS[0]),
            default_ttl_minutes: get(&SETTINGS[1]),
            session_ttl_minutes: get(&SETTINGS[2]),
        }
    }

    pub fn get(&self, name: &str) -> Option<i64> {
        match name {
            AUTH_TOKEN_MAX_TTL_MINUTES => Some(self.max_ttl_minutes),
            AUTH_TOKEN_DEFAULT_TTL_MINUTES => Some(self.default_ttl_minutes),
            AUTH_USER_SESSION_TTL_MINUTES => Some(self.session_ttl_minutes),
            _ => None,
        }
    }

    fn with(mut self, name: &str, minutes: i64) -> SettingValues {
        match name {
            AUTH_TOKEN_MAX_TTL_MINUTES => self.max_ttl_minutes = minutes,
            AUTH_TOKEN_DEFAULT_TTL_MINUTES => self.default_ttl_minutes = minutes,
            AUTH_USER_SESSION_TTL_MINUTES => self.session_ttl_minutes = minutes,
            _ => {}
        }
        self
    }

    pub fn ttl(&self) -> TtlSettings {
        TtlSettings {
            max_minutes: self.max_ttl_minutes,
            default_minutes: self.default_ttl_minutes,
        }
    }

    /// The ttl of a login session token, in ms. Sessions have their own setting and are not
    /// clamped to the max of personal tokens (as in Rancher).
    pub fn session_ttl_ms(&self) -> i64 {
        self.session_ttl_minutes
            .max(1)
            .saturating_mul(MS_PER_MINUTE)
    }
}

impl TtlSettings {
    /// From the stored `value`s of `auth-token-max-ttl-minutes` and
    /// `auth-token-default-ttl-minutes`; absent or unreadable values are the defaults.
    pub fn from_values(max: Option<&Value>, default: Option<&Value>) -> TtlSettings {
        TtlSettings {
            max_minutes: SETTINGS[0].parse_or_default(max),
            default_minutes: SETTINGS[1].parse_or_default(default),
        }
    }
}

/// A Setting being created or updated, given the values in force now.
pub fn validate_setting(obj: &Value, current: &SettingValues) -> Vec<FieldError> {
    let name = obj.name().unwrap_or_default();
    let Some(def) = setting(name) else {
        let names = SETTINGS.map(|s| s.name);
        return vec![FieldError::not_supported("metadata.name", name, &names)];
    };
    let raw = obj.get(SETTING_VALUE_FIELD);
    let minutes = match def.parse(raw) {
        Ok(minutes) => minutes,
        Err(detail) => {
            return vec![FieldError::invalid(
                SETTING_VALUE_FIELD,
                raw.cloned().unwrap_or(Value::Null),
                detail,
            )];
        }
    };
    let next = current.with(name, minutes);
    let (max, default) = (next.max_ttl_minutes, next.default_ttl_minutes);
    if max > 0 && default > max {
        let detail = if name == AUTH_TOKEN_DEFAULT_TTL_MINUTES {
            format!("may not exceed {AUTH_TOKEN_MAX_TTL_MINUTES} ({max})")
        } else {
            format!(
                "may not be below {AUTH_TOKEN_DEFAULT_TTL_MINUTES} ({default}); lower that first"
            )
        };
        return vec![FieldError::invalid(
            SETTING_VALUE_FIELD,
            raw.cloned().unwrap_or(Value::Null),
            detail,
        )];
    }
    Vec::new()
}

/// A Feature being created or updated: a known name, `spec.value` a boolean or null.
pub fn validate_feature(obj: &Value) -> Vec<FieldError> {
    let name = obj.name().unwrap_or_default();
    if feature(name).is_none() {
        let names = FEATURES.map(|f| f.name);
        return vec![FieldError::not_supported("metadata.name", name, &names)];
    }
    match obj.pointer("/spec/value") {
        None | Some(Value::Null | Value::Bool(_)) => Vec::new(),
        Some(other) => vec![FieldError::invalid(
            "spec.value",
            other,
            "must be true, false or null (the default)",
        )],
    }
}

/// Whether feature `name` is on, given its stored object if there is one.
pub fn feature_enabled(name: &str, obj: Option<&Value>) -> bool {
    let Some(def) = feature(name) else {
        return false;
    };
    obj.and_then(|o| o.pointer("/spec/value"))
        .and_then(Value::as_bool)
        .unwrap_or(def.default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn setting_obj(name: &str, value: Value) -> Value {
        json!({"apiVersion": "tokenhub.io/v1", "kind": "Setting", "metadata": {"name": name}, "value": value})
    }

    #[test]
    fn defaults() {
        let v = SettingValues::default();
        assert_eq!(
            v,
            SettingValues {
                max_ttl_minutes: 129_600,
                default_ttl_minutes: 0,
                session_ttl_minutes: 960,
            }
        );
        assert_eq!(v.ttl(), TtlSettings::default());
        assert_eq!(v.ttl().ingest_ttl(0), 7_776_000_000);
        assert_eq!(v.session_ttl_ms(), 57_600_000);
        assert_eq!(v.get(AUTH_USER_SESSION_TTL_MINUTES), Some(960));
        assert_eq!(v.get("nope"), None);
        assert!(feature_enabled(EXT_TOKENS_FEATURE, None));
    }

    #[test]
    fn values_parse_from_strings_and_numbers() {
        let max = setting(AUTH_TOKEN_MAX_TTL_MINUTES).unwrap();
        let session = setting(AUTH_USER_SESSION_TTL_MINUTES).unwrap();
        let whole = "must be a whole number of minutes, such as \"129600\"";
        let cases: Vec<(&SettingDef, Option<Value>, Result<i64, String>)> = vec![
            (max, None, Ok(129_600)),
            (max, Some(Value::Null), Ok(129_600)),
            (max, Some(json!("")), Ok(129_600)),
            (max, Some(json!("60")), Ok(60)),
            (max, Some(json!(60)), Ok(60)),
            (max, Some(json!("0")), Ok(0)),
            (max, Some(json!(0)), Ok(0)),
            (max, Some(json!("-1")), Err("must be at least 0".into())),
            (max, Some(json!(-1)), Err("must be at least 0".into())),
            (max, Some(json!("1.5")), Err(whole.into())),
            (max, Some(json!(1.5)), Err(whole.into())),
            (max, Some(json!(" 60")), Err(whole.into())),
            (max, Some(json!("+60")), Err(whole.into())),
            (max, Some(json!("1e3")), Err(whole.into())),
            (max, Some(json!("-")), Err(whole.into())),
            (max, Some(json!(true)), Err(whole.into())),
            (max, Some(json!("99999999999999999999")), Err(whole.into())),
            (
                max,
                Some(json!(MAX_SETTING_MINUTES)),
                Ok(MAX_SETTING_MINUTES),
            ),
            (
                max,
                Some(json!(MAX_SETTING_MINUTES + 1)),
                Err(format!("must be at most {MAX_SETTING_MINUTES}")),
            ),
            (session, Some(json!("0")), Err("must be at least 1".into())),
            (session, Some(json!("1")), Ok(1)),
        ];
        for (def, value, want) in cases {
            assert_eq!(def.parse(value.as_ref()), want, "{} {value:?}", def.name);
        }
    }

    #[test]
    fn ttl_settings_from_stored_values() {
        let cases: Vec<(Option<Value>, Option<Value>, TtlSettings)> = vec![
            (None, None, TtlSettings::default()),
            (
                Some(json!("60")),
                Some(json!(30)),
                TtlSettings {
                    max_minutes: 60,
                    default_minutes: 30,
                },
            ),
            (
                Some(json!("0")),
                None,
                TtlSettings {
                    max_minutes: 0,
                    default_minutes: 0,
                },
            ),
            // Unreadable stored values are the defaults, never a panic.
            (
                Some(json!("garbage")),
                Some(json!([])),
                TtlSettings::default(),
            ),
        ];
        for (max, default, want) in cases {
            assert_eq!(
                TtlSettings::from_values(max.as_ref(), default.as_ref()),
                want
            );
        }
        let stored = [
            (AUTH_TOKEN_MAX_TTL_MINUTES, json!("120")),
            (AUTH_USER_SESSION_TTL_MINUTES, json!(30)),
        ];
        let values = SettingValues::from_lookup(|name| {
            stored.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
        });
        assert_eq!(values.max_ttl_minutes, 120);
        assert_eq!(values.default_ttl_minutes, 0);
        assert_eq!(values.session_ttl_ms(), 30 * 60_000);
    }

    #[test]
    fn setting_validation() {
        let current = SettingValues::default();
        let with_default_60 = SettingValues {
            default_ttl_minutes: 60,
            ..current
        };
        let cases: Vec<(Value, SettingValues, Vec<&str>)> = vec![
            (
                setting_obj(AUTH_TOKEN_MAX_TTL_MINUTES, json!("60")),
                current,
                vec![],
            ),
            (
                setting_obj(AUTH_TOKEN_MAX_TTL_MINUTES, json!("0")),
                with_default_60,
                vec![],
            ),
            (
                setting_obj(AUTH_TOKEN_DEFAULT_TTL_MINUTES, json!(1440)),
                current,
                vec![],
            ),
            (
                setting_obj(AUTH_TOKEN_DEFAULT_TTL_MINUTES, json!("129600")),
                current,
                vec![],
            ),
            (
                setting_obj(AUTH_USER_SESSION_TTL_MINUTES, json!("30")),
                current,
                vec![],
            ),
            (
                setting_obj(AUTH_USER_SESSION_TTL_MINUTES, Value::Null),
                current,
                vec![],
            ),
            (
                setting_obj(AUTH_TOKEN_DEFAULT_TTL_MINUTES, json!("129601")),
                current,
                vec![
                    r#"value: Invalid value: "129601": may not exceed auth-token-max-ttl-minutes (129600)"#,
                ],
            ),
            (
                setting_obj(AUTH_TOKEN_MAX_TTL_MINUTES, json!("30")),
                with_default_60,
                vec![
                    r#"value: Invalid value: "30": may not be below auth-token-default-ttl-minutes (60); lower that first"#,
                ],
            ),
            (
                setting_obj(AUTH_TOKEN_MAX_TTL_MINUTES, json!("-5")),
                current,
                vec![r#"value: Invalid value: "-5": must be at least 0"#],
            ),
            (
                setting_obj(AUTH_USER_SESSION_TTL_MINUTES, json!(0)),
                current,
                vec!["value: Invalid value: 0: must be at least 1"],
            ),
            (
                setting_obj(AUTH_TOKEN_MAX_TTL_MINUTES, json!("ninety days")),
                current,
                vec![
                    r#"value: Invalid value: "ninety days": must be a whole number of minutes, such as "129600""#,
                ],
            ),
            (
                setting_obj("server-url", json!("x")),
                current,
                vec![
                    r#"metadata.name: Unsupported value: "server-url": supported values: "auth-token-max-ttl-minutes", "auth-token-default-ttl-minutes", "auth-user-session-ttl-minutes""#,
                ],
            ),
            (
                json!({}),
                current,
                vec![
                    r#"metadata.name: Unsupported value: "": supported values: "auth-token-max-ttl-minutes", "auth-token-default-ttl-minutes", "auth-user-session-ttl-minutes""#,
                ],
            ),
        ];
        for (obj, current, want) in cases {
            let got: Vec<String> = validate_setting(&obj, &current)
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(got, want, "{obj}");
        }
    }

    #[test]
    fn features() {
        let ext = |value: Value| json!({"metadata": {"name": EXT_TOKENS_FEATURE}, "spec": {"value": value}});
        assert!(validate_feature(&ext(json!(false))).is_empty());
        assert!(validate_feature(&ext(json!(true))).is_empty());
        assert!(validate_feature(&ext(Value::Null)).is_empty());
        assert!(validate_feature(&json!({"metadata": {"name": EXT_TOKENS_FEATURE}})).is_empty());
        assert_eq!(
            validate_feature(&ext(json!("false")))[0].to_string(),
            r#"spec.value: Invalid value: "false": must be true, false or null (the default)"#
        );
        assert_eq!(
            validate_feature(&json!({"metadata": {"name": "token-hashing"}}))[0].to_string(),
            r#"metadata.name: Unsupported value: "token-hashing": supported values: "ext-tokens""#
        );
        assert!(!feature_enabled(
            EXT_TOKENS_FEATURE,
            Some(&ext(json!(false)))
        ));
        assert!(feature_enabled(EXT_TOKENS_FEATURE, Some(&ext(json!(true)))));
        assert!(feature_enabled(EXT_TOKENS_FEATURE, Some(&ext(Value::Null))));
        assert!(feature_enabled(EXT_TOKENS_FEATURE, Some(&json!({}))));
        assert!(!feature_enabled("unknown", None));
    }
}
