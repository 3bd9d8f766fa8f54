//! Dates and times as the config and the widget write them: RFC 3339 text to milliseconds since
//! the Unix epoch and back (UTC), without a date library in the wasm.

/// Milliseconds in a day.
pub const MS_PER_DAY: f64 = 86_400_000.0;

/// Parses `YYYY-MM-DD` (midnight UTC) or RFC 3339 (`2026-11-23T10:00:00Z`, `...+02:00`,
/// fractional seconds allowed) into milliseconds since the Unix epoch.
pub fn parse_date_ms(text: &str) -> Option<f64> {
    let text = text.trim();
    let digits = |s: &str| -> Option<i64> {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = (
        digits(text.get(0..4)?)?,
        digits(text.get(5..7)?)?,
        digits(text.get(8..10)?)?,
    );
    if text.get(4..5)? != "-"
        || text.get(7..8)? != "-"
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
    {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) as f64 * MS_PER_DAY;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(ms);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (hour, minute, second) = (
        digits(rest.get(0..2)?)?,
        digits(rest.get(3..5)?)?,
        digits(rest.get(6..8)?)?,
    );
    if rest.get(2..3)? != ":" || rest.get(5..6)? != ":" || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    ms += ((hour * 60 + minute) * 60 + second) as f64 * 1000.0;
    let mut zone = &rest[8..];
    if let Some(fraction) = zone.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return None;
        }
        // Digits past the 15th are below any clock's precision.
        ms +=
            crate::core::number::parse_number(&format!("0.{}", &fraction[..end.min(15)]))? * 1000.0;
        zone = &fraction[end..];
    }
    match zone {
        "Z" | "z" => Some(ms),
        _ => {
            let sign = match zone.get(0..1)? {
                "+" => 1.0,
                "-" => -1.0,
                _ => return None,
            };
            let (h, m) = (digits(zone.get(1..3)?)?, digits(zone.get(4..6)?)?);
            if zone.len() != 6 || zone.get(3..4)? != ":" {
                return None;
            }
            Some(ms - sign * ((h * 60 + m) * 60_000) as f64)
        }
    }
}

/// Formats milliseconds since the epoch as a `YYYY-MM-DD` date (UTC).
pub fn format_date(ms: f64) -> String {
    let days = (ms / MS_PER_DAY).floor() as i64 + 719_468;
    let era = if days >= 0 { days } else { days - 146_096 } / 146_097;
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Formats milliseconds since the epoch as `YYYY-MM-DD HH:MM UTC` (a schedule's start or end).
pub fn format_moment(ms: f64) -> String {
    let minutes = ((ms / 60_000.0).floor() as i64).rem_euclid(24 * 60);
    format!(
        "{} {:02}:{:02} UTC",
        format_date(ms),
        minutes / 60,
        minutes % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = if year >= 0 { year } else { year - 399 } / 400;
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_format_as_documented() {
        assert_eq!(parse_date_ms("1970-01-02"), Some(86_400_000.0));
        assert_eq!(parse_date_ms("1970-01-01T00:00:01.5Z"), Some(1500.0));
        assert_eq!(parse_date_ms("1970-01-01T02:00:00+02:00"), Some(0.0));
        assert_eq!(parse_date_ms("2000-02-29"), Some(951_782_400_000.0));
        for date in [
            "1970-01-01",
            "2000-02-29",
            "2026-11-23",
            "2100-12-31",
            "1969-07-20",
        ] {
            assert_eq!(
                format_date(parse_date_ms(date).unwrap() + 3_600_000.0),
                date
            );
        }
        for bad in [
            "2026-13-01",
            "2026-1-01",
            "yesterday",
            "2026-11-23T25:00:00Z",
            "2026-11-23T10:00:00",
            "2026-11-23T10:00:00+0200",
        ] {
            assert_eq!(parse_date_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn moments_read_as_utc_minutes() {
        let ms = parse_date_ms("2026-12-01T10:05:30+02:00").unwrap();
        assert_eq!(format_moment(ms), "2026-12-01 08:05 UTC");
    }
}
