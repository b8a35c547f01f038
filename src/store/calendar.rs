//! Days and weeks in the person's time zone, and the `--since` parser used by the CLI.
//!
//! Records carry UTC epoch milliseconds. Which *day* an entry belongs to is decided when it is
//! read, in a [`Zone`]: `Zone::Local` (the default; `chrono::Local`, which follows daylight
//! saving per instant) or a fixed offset (tests, or a person who wants one). Weeks start on
//! Monday (ISO 8601).

use chrono::{
    DateTime, Datelike, Days, FixedOffset, Local, LocalResult, Months, NaiveDate, NaiveTime,
    Offset, TimeZone, Utc,
};

use crate::store::retention::DAY_MS;

/// The time zone used to bucket records into days and weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    /// The machine's local zone (`TZ` / `/etc/localtime`), daylight saving included.
    #[default]
    Local,
    /// A fixed UTC offset.
    Fixed(FixedOffset),
}

impl Zone {
    /// UTC.
    pub fn utc() -> Zone {
        Zone::Fixed(Utc.fix())
    }

    /// The local calendar date and time of an instant.
    pub fn datetime(&self, ms: i64) -> DateTime<FixedOffset> {
        let utc = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        match self {
            Zone::Local => utc.with_timezone(&Local).fixed_offset(),
            Zone::Fixed(off) => utc.with_timezone(off),
        }
    }

    /// The local calendar date of an instant.
    pub fn date(&self, ms: i64) -> NaiveDate {
        self.datetime(ms).date_naive()
    }

    /// The instant local midnight starts `date` (for zones whose clocks jump over midnight,
    /// the first valid local hour of that day).
    pub fn start_of_day(&self, date: NaiveDate) -> i64 {
        for hour in 0..3 {
            let Some(naive) = date.and_hms_opt(hour, 0, 0) else {
                continue;
            };
            let found = match self {
                Zone::Local => first(Local.from_local_datetime(&naive).map(|t| t.fixed_offset())),
                Zone::Fixed(off) => first(off.from_local_datetime(&naive)),
            };
            if let Some(ms) = found {
                return ms;
            }
        }
        date.and_time(NaiveTime::MIN).and_utc().timestamp_millis()
    }

    /// Monday of the ISO week `ms` falls in, locally.
    pub fn week_start(&self, ms: i64) -> NaiveDate {
        monday_of(self.date(ms))
    }
}

fn first(r: LocalResult<DateTime<FixedOffset>>) -> Option<i64> {
    match r {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.timestamp_millis()),
        LocalResult::None => None,
    }
}

/// The Monday on or before `d`.
pub fn monday_of(d: NaiveDate) -> NaiveDate {
    let back = u64::from(d.weekday().num_days_from_monday());
    d.checked_sub_days(Days::new(back)).unwrap_or(d)
}

/// Why a `--since` value was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {input:?} as a time span: use e.g. 30d, 12w, 6m, 1y, all, or a date like 2026-01-31")]
pub struct SinceError {
    /// What was given.
    pub input: String,
}

/// Parses a `--since` value into a cutoff instant (epoch ms): records at or after it are
/// included.
///
/// - `30d`, `12w`: that many days or weeks before `now_ms`, exactly;
/// - `6m`, `1y`: that many calendar months or years before now, at the same local time
///   (`m` is months, never minutes);
/// - `2026-01-31`: local midnight starting that date;
/// - `all`: the beginning of time (0).
pub fn parse_since(input: &str, now_ms: i64, zone: Zone) -> Result<i64, SinceError> {
    let err = || SinceError {
        input: input.to_string(),
    };
    let s = input.trim();
    if s.eq_ignore_ascii_case("all") {
        return Ok(0);
    }
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(zone.start_of_day(date));
    }
    let unit = s.chars().last().ok_or_else(err)?;
    let n: u32 = s[..s.len() - unit.len_utf8()].parse().map_err(|_| err())?;
    match unit.to_ascii_lowercase() {
        'd' => Ok(now_ms.saturating_sub(i64::from(n) * DAY_MS)),
        'w' => Ok(now_ms.saturating_sub(i64::from(n) * 7 * DAY_MS)),
        'm' | 'y' => {
            let months = if unit.eq_ignore_ascii_case(&'y') {
                n.checked_mul(12).ok_or_else(err)?
            } else {
                n
            };
            let now = zone.datetime(now_ms);
            let then = now
                .checked_sub_months(Months::new(months))
                .ok_or_else(err)?;
            Ok(then.timestamp_millis())
        }
        _ => Err(err()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc_ms(y: i32, m: u32, d: u32, h: u32) -> i64 {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn parse_since_forms() {
        let z = Zone::utc();
        let now = utc_ms(2026, 3, 31, 12);
        assert_eq!(parse_since("30d", now, z), Ok(now - 30 * DAY_MS));
        assert_eq!(parse_since("2w", now, z), Ok(now - 14 * DAY_MS));
        assert_eq!(parse_since("1m", now, z), Ok(utc_ms(2026, 2, 28, 12)));
        assert_eq!(parse_since("1y", now, z), Ok(utc_ms(2025, 3, 31, 12)));
        assert_eq!(
            parse_since("2026-01-31", now, z),
            Ok(utc_ms(2026, 1, 31, 0))
        );
        assert_eq!(parse_since("all", now, z), Ok(0));
        for bad in ["", "d", "10x", "-3d", "2026-13-01", "ten days"] {
            assert!(parse_since(bad, now, z).is_err(), "{bad}");
        }
        let plus2 = Zone::Fixed(FixedOffset::east_opt(2 * 3600).unwrap());
        assert_eq!(
            parse_since("2026-01-31", now, plus2),
            Ok(utc_ms(2026, 1, 30, 22))
        );
    }

    #[test]
    fn days_and_weeks_follow_the_zone() {
        let minus5 = Zone::Fixed(FixedOffset::west_opt(5 * 3600).unwrap());
        let t = utc_ms(2026, 3, 2, 3); // Monday 03:00 UTC = Sunday 22:00 at -05:00
        assert_eq!(
            Zone::utc().date(t),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
        assert_eq!(minus5.date(t), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(
            minus5.week_start(t),
            NaiveDate::from_ymd_opt(2026, 2, 23).unwrap()
        );
        assert_eq!(
            Zone::utc().week_start(t),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
    }
}
