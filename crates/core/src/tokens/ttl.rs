//! A Token's lifetime, in milliseconds, as Rancher's `IngestTTL` computes it (reference §5),
//! with the effective value written back into `spec.ttl`:
//!
//! 1. the max (`auth-token-max-ttl-minutes`) below 1 minute means unlimited;
//! 2. the default (`auth-token-default-ttl-minutes`) of 0 means the max;
//! 3. a requested ttl of 0 means the default;
//! 4. with a finite max, a negative ttl (never) becomes the max and a longer one is cut to
//!    it; with an unlimited max, a negative ttl never expires and is stored as [`NEVER`].
//!
//! Nothing is refused for its size: too long is clamped, as the seed documents.

use jiff::{SignedDuration, Timestamp};

pub const MS_PER_MINUTE: i64 = 60_000;
/// The ttl of a token that never expires.
pub const NEVER: i64 = -1;
/// 90 days, Rancher's default for `auth-token-max-ttl-minutes`.
pub const DEFAULT_MAX_TTL_MINUTES: i64 = 129_600;

/// The two settings that govern a personal Token's ttl.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TtlSettings {
    /// `auth-token-max-ttl-minutes`; below 1 means unlimited.
    pub max_minutes: i64,
    /// `auth-token-default-ttl-minutes`; 0 means the max.
    pub default_minutes: i64,
}

impl Default for TtlSettings {
    fn default() -> Self {
        TtlSettings {
            max_minutes: DEFAULT_MAX_TTL_MINUTES,
            default_minutes: 0,
        }
    }
}

impl TtlSettings {
    /// The max in ms, or [`NEVER`] when unlimited.
    pub fn max_ms(&self) -> i64 {
        if self.max_minutes < 1 {
            NEVER
        } else {
            self.max_minutes.saturating_mul(MS_PER_MINUTE)
        }
    }

    /// What a ttl of 0 becomes.
    pub fn default_ms(&self) -> i64 {
        let default = if self.default_minutes == 0 {
            self.max_ms()
        } else {
            self.default_minutes.saturating_mul(MS_PER_MINUTE)
        };
        self.clamp(default)
    }

    /// The effective ttl of a requested one (§5 of the Rancher reference).
    pub fn ingest_ttl(&self, requested_ms: i64) -> i64 {
        if requested_ms == 0 {
            self.default_ms()
        } else {
            self.clamp(requested_ms)
        }
    }

    fn clamp(&self, ttl_ms: i64) -> i64 {
        match (self.max_ms(), ttl_ms < 0) {
            (NEVER, true) => NEVER,
            (NEVER, false) => ttl_ms,
            (max, true) => max,
            (max, false) => ttl_ms.min(max),
        }
    }
}

/// Whether ttl `new` lasts longer than `old`, a negative ttl being forever.
pub fn is_longer(new_ms: i64, old_ms: i64) -> bool {
    match (new_ms < 0, old_ms < 0) {
        (true, old_never) => !old_never,
        (false, true) => false,
        (false, false) => new_ms > old_ms,
    }
}

/// When a token created at `created` with `ttl_ms` expires; `None` for never. A ttl of 0
/// (never stored by the hub) expires at creation: fail closed.
pub fn expires_at(created: Timestamp, ttl_ms: i64) -> Option<Timestamp> {
    if ttl_ms < 0 {
        return None;
    }
    Some(
        created
            .checked_add(SignedDuration::from_millis(ttl_ms))
            .unwrap_or(Timestamp::MAX),
    )
}

/// Whether the token is expired at `now`: from its expiry instant on.
pub fn is_expired(created: Timestamp, ttl_ms: i64, now: Timestamp) -> bool {
    expires_at(created, ttl_ms).is_some_and(|at| now >= at)
}

/// `status.expiresAt`: RFC 3339 at second precision (`2026-04-01T12:00:00Z`); `None` for never.
pub fn expires_at_rfc3339(created: Timestamp, ttl_ms: i64) -> Option<String> {
    let at = expires_at(created, ttl_ms)?;
    let seconds = Timestamp::from_second(at.as_second()).unwrap_or(at);
    Some(seconds.to_string())
}

/// The TTL column: the exact ttl in its largest unit and, when not zero, the next one (`90d`,
/// `2h`, `1h30m`, `5m30s`, `3d12h`), truncated below that; `never` for a token that does not
/// expire. Rancher prints `HumanDuration`, which shows 2 hours as `120m` and never as `0s`
/// (reference §11.12); the issue asks for `2h`.
pub fn human_ttl(ttl_ms: i64) -> String {
    if ttl_ms < 0 {
        return "never".to_string();
    }
    let seconds = ttl_ms / 1000;
    let units: [(i64, &str); 4] = [
        (seconds / 86_400, "d"),
        (seconds / 3600 % 24, "h"),
        (seconds / 60 % 60, "m"),
        (seconds % 60, "s"),
    ];
    let Some(first) = units.iter().position(|(n, _)| *n != 0) else {
        return "0s".to_string();
    };
    let mut out = format!("{}{}", units[first].0, units[first].1);
    if let Some((n, unit)) = units.get(first + 1)
        && *n != 0
    {
        out.push_str(&format!("{n}{unit}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = MS_PER_MINUTE;
    const DAY: i64 = 24 * 60 * MIN;

    fn settings(max_minutes: i64, default_minutes: i64) -> TtlSettings {
        TtlSettings {
            max_minutes,
            default_minutes,
        }
    }

    /// Every row of the Rancher reference §5, and the corners around them.
    #[test]
    fn ingest_ttl_table() {
        let defaults = TtlSettings::default();
        let unlimited = settings(0, 0);
        let cases: &[(&str, TtlSettings, i64, i64)] = &[
            (
                "omitted: the default, itself the max",
                defaults,
                0,
                7_776_000_000,
            ),
            ("90 days in ms", defaults, 90 * DAY, 7_776_000_000),
            ("2 hours as the seed", defaults, 7_200_000, 7_200_000),
            ("1 ms", defaults, 1, 1),
            ("just below the max", defaults, 90 * DAY - 1, 90 * DAY - 1),
            ("above the max is clamped", defaults, 90 * DAY + 1, 90 * DAY),
            ("far above the max", defaults, i64::MAX, 90 * DAY),
            (
                "negative with a finite max: the max",
                defaults,
                -1,
                90 * DAY,
            ),
            ("very negative, finite max", defaults, i64::MIN, 90 * DAY),
            ("negative, unlimited max: never", unlimited, -1, NEVER),
            ("other negatives are stored as -1", unlimited, -5000, NEVER),
            ("i64::MIN, unlimited max", unlimited, i64::MIN, NEVER),
            (
                "positive, unlimited max: kept",
                unlimited,
                10 * DAY,
                10 * DAY,
            ),
            ("huge, unlimited max: kept", unlimited, i64::MAX, i64::MAX),
            ("0, unlimited max and default: never", unlimited, 0, NEVER),
            ("negative max is unlimited too", settings(-10, 0), -1, NEVER),
            ("max of 1 minute", settings(1, 0), 0, MIN),
            ("own default", settings(129_600, 60), 0, 60 * MIN),
            (
                "own default, explicit ttl wins",
                settings(129_600, 60),
                2 * 60 * MIN,
                2 * 60 * MIN,
            ),
            (
                "default above the max is clamped",
                settings(60, 120),
                0,
                60 * MIN,
            ),
            (
                "default with an unlimited max",
                settings(0, 60),
                0,
                60 * MIN,
            ),
            (
                "negative default, finite max",
                settings(60, -1),
                0,
                60 * MIN,
            ),
            ("negative default, unlimited max", settings(0, -1), 0, NEVER),
            (
                "minutes that overflow ms saturate",
                settings(i64::MAX, 0),
                0,
                i64::MAX,
            ),
        ];
        for (what, s, requested, want) in cases {
            assert_eq!(s.ingest_ttl(*requested), *want, "{what}");
        }
        assert_eq!(defaults.max_ms(), 7_776_000_000);
        assert_eq!(unlimited.max_ms(), NEVER);
    }

    #[test]
    fn longer_treats_negative_as_forever() {
        let cases: &[(i64, i64, bool)] = &[
            (2, 1, true),
            (1, 2, false),
            (1, 1, false),
            (-1, 1, true),
            (1, -1, false),
            (-1, -1, false),
            (-1, -7, false),
            (0, 1, false),
        ];
        for (new, old, want) in cases {
            assert_eq!(is_longer(*new, *old), *want, "{new} vs {old}");
        }
    }

    #[test]
    fn expiry() {
        let created: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let hour = SignedDuration::from_hours(1);
        let two_hours = 7_200_000;
        assert_eq!(
            expires_at(created, two_hours),
            Some("2026-01-01T02:00:00Z".parse().unwrap())
        );
        assert_eq!(expires_at(created, NEVER), None);
        assert_eq!(expires_at(created, -42), None);
        assert_eq!(expires_at(created, 0), Some(created));
        assert_eq!(expires_at(created, i64::MAX), Some(Timestamp::MAX));
        assert!(!is_expired(created, two_hours, created));
        assert!(!is_expired(created, two_hours, created + hour));
        let at = created + hour + hour;
        assert!(is_expired(created, two_hours, at));
        assert!(!is_expired(
            created,
            two_hours,
            at - SignedDuration::from_nanos(1)
        ));
        assert!(is_expired(created, 0, created));
        assert!(!is_expired(created, NEVER, Timestamp::MAX));
        assert_eq!(
            expires_at_rfc3339(created, 1500).as_deref(),
            Some("2026-01-01T00:00:01Z")
        );
        assert_eq!(
            expires_at_rfc3339(created, 90 * DAY).as_deref(),
            Some("2026-04-01T00:00:00Z")
        );
        assert_eq!(expires_at_rfc3339(created, NEVER), None);
    }

    #[test]
    fn ttl_column() {
        let cases: &[(i64, &str)] = &[
            (7_776_000_000, "90d"),
            (7_200_000, "2h"),
            (30 * MIN, "30m"),
            (90 * MIN, "1h30m"),
            (5 * MIN + 30_000, "5m30s"),
            (3 * DAY + 12 * 60 * MIN, "3d12h"),
            (DAY + 1, "1d"),
            (DAY + 60 * MIN + 1000, "1d1h"),
            (DAY + MIN, "1d"),
            (45_000, "45s"),
            (1500, "1s"),
            (999, "0s"),
            (0, "0s"),
            (NEVER, "never"),
            (-5, "never"),
            (i64::MAX, "106751991167d7h"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_ttl(*ms), *want, "{ms}");
        }
    }
}
