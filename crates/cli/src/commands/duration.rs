//! Durations on the command line: `30m`, `2h`, `90d`, `1h30m`, `1w`, `45s`.

const UNITS: &[(char, i64)] = &[
    ('w', 7 * 24 * 3_600_000),
    ('d', 24 * 3_600_000),
    ('h', 3_600_000),
    ('m', 60_000),
    ('s', 1_000),
];

/// Milliseconds in `text`: numbers each followed by a unit (w, d, h, m, s).
pub fn parse_millis(text: &str) -> Result<i64, String> {
    let invalid = || {
        format!(
            "invalid duration {text:?}: use a number and a unit (s, m, h, d, w), e.g. 2h, 90d or 1h30m"
        )
    };
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = UNITS
            .iter()
            .find(|(u, _)| *u == c)
            .map(|(_, ms)| *ms)
            .ok_or_else(invalid)?;
        let n: i64 = number.parse().map_err(|_| invalid())?;
        number.clear();
        total = n
            .checked_mul(unit)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(|| format!("duration {text:?} is too long"))?;
    }
    if !number.is_empty() || total == 0 {
        return Err(invalid());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_milliseconds() {
        assert_eq!(parse_millis("2h"), Ok(7_200_000));
        assert_eq!(parse_millis("90d"), Ok(7_776_000_000));
        assert_eq!(parse_millis("30m"), Ok(1_800_000));
        assert_eq!(parse_millis("1h30m"), Ok(5_400_000));
        assert_eq!(parse_millis("45s"), Ok(45_000));
        assert_eq!(parse_millis("1w2d"), Ok(9 * 24 * 3_600_000));
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "10",
            "h",
            "2x",
            "1h30",
            "-1h",
            "0h",
            "1.5h",
            "99999999999999999w",
        ] {
            assert!(parse_millis(bad).is_err(), "{bad}");
        }
    }
}
