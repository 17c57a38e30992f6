//! Times for people: `2026-12-02 05:16:14 UTC (in 4 min)`.

/// A Unix time as a UTC date and time (proleptic Gregorian calendar).
pub fn utc(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// `t` relative to `now`: `in 4 min`, `3 h ago`, `now`.
pub fn relative(t: i64, now: i64) -> String {
    let delta = t.saturating_sub(now);
    let span = delta.unsigned_abs();
    if span < 1 {
        return "now".to_owned();
    }
    let amount = match span {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        s if s < 2 * 365 * 86_400 => format!("{} days", s / 86_400),
        s => format!("{} years", s / (365 * 86_400)),
    };
    if delta > 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// Both: the date, then the relative time in parentheses.
pub fn date_and_relative(t: i64, now: i64) -> String {
    format!("{} ({})", utc(t), relative(t, now))
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_798_761_599), "2026-12-31 23:59:59 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative(100, 100), "now");
        assert_eq!(relative(130, 100), "in 30 s");
        assert_eq!(relative(100, 400), "5 min ago");
        assert_eq!(relative(100 + 3 * 3600 + 120, 100), "in 3 h 2 min");
        assert_eq!(relative(0, 10 * 86_400), "10 days ago");
        assert_eq!(relative(i64::MAX, 0), "in 292471208677 years");
    }
}
