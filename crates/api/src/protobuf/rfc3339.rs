//! `meta/v1.Time` as its JSON form: RFC 3339 in UTC at second precision, which is what Go's
//! `metav1.Time.MarshalJSON` writes (`2024-01-02T03:04:05Z`; nanoseconds are dropped).

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: Go refuses to marshal years outside 0..=9999.
const EARLIEST_SECONDS: i64 = -62_167_219_200;
const LATEST_SECONDS: i64 = 253_402_300_799;

const SECONDS_PER_DAY: i64 = 86_400;
const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// Formats Unix `seconds` + `nanos` (normalised like Go's `time.Unix`), or `None` when the
/// instant is outside the years 0000..=9999.
pub(super) fn format_unix(seconds: i64, nanos: i32) -> Option<String> {
    let carry = i64::from(nanos).div_euclid(NANOS_PER_SECOND);
    let seconds = seconds.checked_add(carry)?;
    if !(EARLIEST_SECONDS..=LATEST_SECONDS).contains(&seconds) {
        return None;
    }
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    ))
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
/// The caller bounds `days` to the years 0000..=9999, far from any overflow.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468; // days since 0000-03-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::format_unix;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_unix(0, 0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_unix(1_704_164_645, 0).unwrap(),
            "2024-01-02T03:04:05Z"
        );
        assert_eq!(format_unix(951_782_400, 0).unwrap(), "2000-02-29T00:00:00Z");
        assert_eq!(
            format_unix(1_799_033_397, 999_999_999).unwrap(),
            "2027-01-04T03:29:57Z"
        );
        assert_eq!(format_unix(-1, 0).unwrap(), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn normalises_nanos_like_go() {
        assert_eq!(format_unix(10, -1).unwrap(), "1970-01-01T00:00:09Z");
        assert_eq!(
            format_unix(0, 2_000_000_000).unwrap(),
            "1970-01-01T00:00:02Z"
        );
    }

    #[test]
    fn covers_exactly_the_years_go_can_marshal() {
        assert_eq!(
            format_unix(-62_167_219_200, 0).unwrap(),
            "0000-01-01T00:00:00Z"
        );
        assert_eq!(
            format_unix(253_402_300_799, 0).unwrap(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(format_unix(-62_167_219_201, 0), None);
        assert_eq!(format_unix(253_402_300_800, 0), None);
        assert_eq!(format_unix(i64::MAX, i32::MAX), None);
        assert_eq!(format_unix(i64::MIN, i32::MIN), None);
    }
}
