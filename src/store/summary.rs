//! Numbers about mood entries that the engine turns into words ("you've logged 12 times this
//! month, averaging 6.2, a little up") and the export draws: daily and weekly averages, the
//! direction of the trend, the best and hardest day.
//!
//! **Direction** is the least-squares line through (time, score): its slope times the span
//! from first to last entry estimates how much the mood moved over the period. At least
//! [`MIN_ENTRIES_FOR_DIRECTION`] entries spread over at least two days are needed; a change
//! smaller than [`STEADY_BAND`] points on the 0–10 scale is called steady. A slope uses every
//! entry (unlike comparing halves, it does not depend on where the split falls) and a single
//! bad day moves it little.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::store::calendar::Zone;
use crate::store::retention::DAY_MS;
use crate::store::MoodEntry;

/// Fewest entries for which a direction is given.
pub const MIN_ENTRIES_FOR_DIRECTION: usize = 3;
/// Estimated change (points on 0–10) below which the mood is "steady".
pub const STEADY_BAND: f64 = 1.0;

/// Which way mood went over the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Up by at least [`STEADY_BAND`] points.
    Up,
    /// Down by at least [`STEADY_BAND`] points.
    Down,
    /// Within the band.
    Steady,
}

/// The average of one local day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayAverage {
    /// The local date.
    pub date: NaiveDate,
    /// Mean score that day.
    pub average: f64,
    /// Entries that day.
    pub count: usize,
}

/// The average of one ISO week (Monday to Sunday, local).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekAverage {
    /// The Monday that starts the week.
    pub week_start: NaiveDate,
    /// Mean score of the week's entries.
    pub average: f64,
    /// Entries that week.
    pub count: usize,
    /// Lowest score.
    pub lowest: u8,
    /// Highest score.
    pub highest: u8,
}

/// What the mood entries of a period add up to.
#[derive(Debug, Clone, PartialEq)]
pub struct MoodSummary {
    /// Start of the period (epoch ms).
    pub since_ms: i64,
    /// End of the period (epoch ms).
    pub until_ms: i64,
    /// Number of entries.
    pub count: usize,
    /// Number of distinct local days with an entry.
    pub days_logged: usize,
    /// Mean score, if any entries.
    pub average: Option<f64>,
    /// Lowest score.
    pub lowest: Option<u8>,
    /// Highest score.
    pub highest: Option<u8>,
    /// Trend direction, when there is enough data.
    pub direction: Option<Direction>,
    /// Estimated change in points over the logged span (from the slope), with `direction`.
    pub change: Option<f64>,
    /// The day with the highest average (the latest such day on a tie).
    pub best_day: Option<DayAverage>,
    /// The day with the lowest average (the latest such day on a tie).
    pub hardest_day: Option<DayAverage>,
    /// The most recent entry's time and score.
    pub latest: Option<(i64, u8)>,
    /// Most frequent feeling words with their counts, most frequent first (at most 3).
    pub top_feelings: Vec<(String, usize)>,
}

/// Averages per local day, in date order.
pub fn daily_averages(entries: &[MoodEntry], zone: Zone) -> Vec<DayAverage> {
    let mut days: BTreeMap<NaiveDate, (u32, usize)> = BTreeMap::new();
    for e in entries {
        let d = days.entry(zone.date(e.at_ms)).or_default();
        d.0 += u32::from(e.score);
        d.1 += 1;
    }
    days.into_iter()
        .map(|(date, (sum, count))| DayAverage {
            date,
            average: f64::from(sum) / count as f64,
            count,
        })
        .collect()
}

/// Averages per ISO week (starting Monday, local), in date order.
pub fn weekly_averages(entries: &[MoodEntry], zone: Zone) -> Vec<WeekAverage> {
    let mut weeks: BTreeMap<NaiveDate, WeekAverage> = BTreeMap::new();
    let mut sums: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for e in entries {
        let start = zone.week_start(e.at_ms);
        let w = weeks.entry(start).or_insert(WeekAverage {
            week_start: start,
            average: 0.0,
            count: 0,
            lowest: e.score,
            highest: e.score,
        });
        w.count += 1;
        w.lowest = w.lowest.min(e.score);
        w.highest = w.highest.max(e.score);
        *sums.entry(start).or_default() += u32::from(e.score);
    }
    weeks
        .into_values()
        .map(|mut w| {
            let sum = sums.get(&w.week_start).copied().unwrap_or(0);
            w.average = f64::from(sum) / w.count as f64;
            w
        })
        .collect()
}

/// Least-squares slope of score against time, in points per day.
fn slope_per_day(entries: &[MoodEntry]) -> Option<f64> {
    let n = entries.len() as f64;
    let t0 = entries.first()?.at_ms;
    let xs: Vec<f64> = entries
        .iter()
        .map(|e| (e.at_ms - t0) as f64 / DAY_MS as f64)
        .collect();
    let mean_x = xs.iter().sum::<f64>() / n;
    let mean_y = entries.iter().map(|e| f64::from(e.score)).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, e) in xs.iter().zip(entries) {
        sxy += (x - mean_x) * (f64::from(e.score) - mean_y);
        sxx += (x - mean_x) * (x - mean_x);
    }
    (sxx > 0.0).then(|| sxy / sxx)
}

/// Summarises `entries` (oldest first) of the period `[since_ms, until_ms]`.
pub fn summarize(entries: &[MoodEntry], since_ms: i64, until_ms: i64, zone: Zone) -> MoodSummary {
    let count = entries.len();
    let days = daily_averages(entries, zone);
    let average =
        (count > 0).then(|| entries.iter().map(|e| f64::from(e.score)).sum::<f64>() / count as f64);
    let span_days = match (entries.first(), entries.last()) {
        (Some(a), Some(b)) => (b.at_ms - a.at_ms) as f64 / DAY_MS as f64,
        _ => 0.0,
    };
    let change = if count >= MIN_ENTRIES_FOR_DIRECTION && days.len() >= 2 {
        slope_per_day(entries).map(|s| s * span_days)
    } else {
        None
    };
    let direction = change.map(|c| {
        if c >= STEADY_BAND {
            Direction::Up
        } else if c <= -STEADY_BAND {
            Direction::Down
        } else {
            Direction::Steady
        }
    });
    // Iterating in date order with >= / <= keeps the latest day on ties.
    let mut best_day: Option<DayAverage> = None;
    let mut hardest_day: Option<DayAverage> = None;
    for d in &days {
        if best_day.is_none_or(|b| d.average >= b.average) {
            best_day = Some(*d);
        }
        if hardest_day.is_none_or(|h| d.average <= h.average) {
            hardest_day = Some(*d);
        }
    }
    let mut feelings: BTreeMap<String, usize> = BTreeMap::new();
    for e in entries {
        for f in &e.feelings {
            *feelings.entry(f.to_lowercase()).or_default() += 1;
        }
    }
    let mut top_feelings: Vec<(String, usize)> = feelings.into_iter().collect();
    top_feelings.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top_feelings.truncate(3);
    MoodSummary {
        since_ms,
        until_ms,
        count,
        days_logged: days.len(),
        average,
        lowest: entries.iter().map(|e| e.score).min(),
        highest: entries.iter().map(|e| e.score).max(),
        direction,
        change,
        best_day,
        hardest_day,
        latest: entries.last().map(|e| (e.at_ms, e.score)),
        top_feelings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MoodSource;

    fn entry(day: i64, score: u8, feelings: &[&str]) -> MoodEntry {
        MoodEntry {
            id: day,
            at_ms: day * DAY_MS + 12 * 3_600_000,
            score,
            feelings: feelings.iter().map(|s| s.to_string()).collect(),
            note: None,
            source: MoodSource::Cli,
        }
    }

    #[test]
    fn direction_up_down_steady_and_not_enough() {
        let z = Zone::utc();
        let up: Vec<_> = (0..10).map(|d| entry(d, (3 + d / 2) as u8, &[])).collect();
        assert_eq!(
            summarize(&up, 0, 20 * DAY_MS, z).direction,
            Some(Direction::Up)
        );
        let down: Vec<_> = (0..10).map(|d| entry(d, (8 - d / 2) as u8, &[])).collect();
        assert_eq!(
            summarize(&down, 0, 20 * DAY_MS, z).direction,
            Some(Direction::Down)
        );
        let steady: Vec<_> = (0..10).map(|d| entry(d, 5 + (d % 2) as u8, &[])).collect();
        assert_eq!(
            summarize(&steady, 0, 20 * DAY_MS, z).direction,
            Some(Direction::Steady)
        );
        let few: Vec<_> = (0..2).map(|d| entry(d, 5, &[])).collect();
        assert_eq!(summarize(&few, 0, 20 * DAY_MS, z).direction, None);
        let empty = summarize(&[], 0, 1, z);
        assert_eq!(
            (empty.count, empty.average, empty.best_day),
            (0, None, None)
        );
    }

    #[test]
    fn best_hardest_feelings_and_weeks() {
        let z = Zone::utc();
        // Day 0 = Thursday 1970-01-01.
        let es = vec![
            entry(0, 4, &["Tired"]),
            entry(1, 8, &["hopeful", "tired"]),
            entry(2, 2, &["tired"]),
            entry(4, 8, &["calm"]),
            entry(5, 6, &[]),
        ];
        let s = summarize(&es, 0, 10 * DAY_MS, z);
        assert_eq!(s.count, 5);
        assert_eq!(s.days_logged, 5);
        assert!((s.average.unwrap() - 5.6).abs() < 1e-9);
        assert_eq!(s.best_day.unwrap().date, z.date(4 * DAY_MS)); // tie -> later
        assert_eq!(s.hardest_day.unwrap().date, z.date(2 * DAY_MS));
        assert_eq!(s.top_feelings[0], ("tired".to_string(), 3));
        assert_eq!((s.lowest, s.highest), (Some(2), Some(8)));
        let weeks = weekly_averages(&es, z);
        assert_eq!(weeks.len(), 2); // Thu–Sun, then Mon 5 Jan
        assert_eq!(weeks[0].count, 3);
        assert!((weeks[0].average - 14.0 / 3.0).abs() < 1e-9);
        assert_eq!((weeks[1].lowest, weeks[1].highest), (6, 8));
    }
}
