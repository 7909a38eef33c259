//! Ages and durations as kubectl prints them (k8s.io/apimachinery/pkg/util/duration): `45s`,
//! `5m30s`, `3h2m`, `3d2h`, `2y30d`. The AGE column of every Table the hub renders uses
//! [`human_duration`].

use jiff::SignedDuration;

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY_HOURS: i64 = 24;
const YEAR_HOURS: i64 = 24 * 365;

/// About two or three significant figures. A duration slightly below zero (clocks a second
/// apart) is `0s`; more than a second below zero is `<invalid>`.
pub fn human_duration(d: SignedDuration) -> String {
    // Go truncates toward zero: -1.5s counts as -1s.
    let seconds = d.as_secs();
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 2 * MINUTE {
        return format!("{seconds}s");
    }
    let minutes = seconds / MINUTE;
    if minutes < 10 {
        return match seconds % MINUTE {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        };
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = seconds / HOUR;
    if hours < 8 {
        return match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 8 * DAY_HOURS {
        return match hours % DAY_HOURS {
            0 => format!("{}d", hours / DAY_HOURS),
            h => format!("{}d{h}h", hours / DAY_HOURS),
        };
    }
    if hours < 2 * YEAR_HOURS {
        return format!("{}d", hours / DAY_HOURS);
    }
    if hours < 8 * YEAR_HOURS {
        let years = hours / YEAR_HOURS;
        return match (hours / DAY_HOURS) % 365 {
            0 => format!("{years}y"),
            days => format!("{years}y{days}d"),
        };
    }
    format!("{}y", hours / YEAR_HOURS)
}

/// One unit only: `45s`, `5m`, `3h`, `2d`, `1y`. Upstream's ShortHumanDuration, which kubectl
/// uses where space is tight (event ages in `kubectl describe`).
pub fn short_human_duration(d: SignedDuration) -> String {
    let seconds = d.as_secs();
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < MINUTE {
        return format!("{seconds}s");
    }
    let minutes = seconds / MINUTE;
    if minutes < 60 {
        return format!("{minutes}m");
    }
    let hours = seconds / HOUR;
    if hours < DAY_HOURS {
        return format!("{hours}h");
    }
    if hours < YEAR_HOURS {
        return format!("{}d", hours / DAY_HOURS);
    }
    format!("{}y", hours / YEAR_HOURS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: i64) -> SignedDuration {
        SignedDuration::from_secs(s)
    }

    const M: i64 = 60;
    const H: i64 = 3600;
    const D: i64 = 24 * H;
    const Y: i64 = 365 * D;

    #[test]
    fn human_duration_boundaries() {
        let cases: &[(SignedDuration, &str)] = &[
            (secs(-2), "<invalid>"),
            (SignedDuration::new(-1, -999_999_999), "0s"),
            (SignedDuration::from_millis(-1500), "0s"),
            (secs(-1), "0s"),
            (SignedDuration::from_millis(-1), "0s"),
            (secs(0), "0s"),
            (SignedDuration::from_millis(999), "0s"),
            (secs(1), "1s"),
            (secs(45), "45s"),
            (secs(59), "59s"),
            (secs(60), "60s"),
            (secs(2 * M - 1), "119s"),
            (secs(2 * M), "2m"),
            (secs(2 * M + 1), "2m1s"),
            (secs(5 * M + 30), "5m30s"),
            (secs(10 * M - 1), "9m59s"),
            (secs(10 * M), "10m"),
            (secs(10 * M + 59), "10m"),
            (secs(3 * H - 1), "179m"),
            (secs(3 * H), "3h"),
            (secs(3 * H + 2 * M), "3h2m"),
            (secs(3 * H + 2 * M + 59), "3h2m"),
            (secs(8 * H - 1), "7h59m"),
            (secs(8 * H), "8h"),
            (secs(8 * H + 59 * M), "8h"),
            (secs(48 * H - 1), "47h"),
            (secs(48 * H), "2d"),
            (secs(3 * D + 2 * H), "3d2h"),
            (secs(8 * D - 1), "7d23h"),
            (secs(8 * D), "8d"),
            (secs(2 * Y - 1), "729d"),
            (secs(2 * Y), "2y"),
            (secs(2 * Y + 30 * D), "2y30d"),
            (secs(8 * Y - 1), "7y364d"),
            (secs(8 * Y), "8y"),
            (secs(100 * Y), "100y"),
            (SignedDuration::MAX, format!("{}y", i64::MAX / Y).leak()),
            (SignedDuration::MIN, "<invalid>"),
        ];
        for (d, want) in cases {
            assert_eq!(human_duration(*d), *want, "{d:?}");
        }
    }

    #[test]
    fn short_human_duration_boundaries() {
        let cases: &[(i64, &str)] = &[
            (-2, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (59, "59s"),
            (60, "1m"),
            (H - 1, "59m"),
            (H, "1h"),
            (D - 1, "23h"),
            (D, "1d"),
            (Y - 1, "364d"),
            (Y, "1y"),
            (10 * Y, "10y"),
        ];
        for (s, want) in cases {
            assert_eq!(short_human_duration(secs(*s)), *want, "{s}s");
        }
    }
}
