//! The mood trend chart of the HTML report, as inline SVG: a 0–10 axis, dated ticks chosen for
//! the span (days, weeks, months, quarters or years), each entry as a point joined by a thin
//! line, and the weekly average as a bold line. No scripts, fonts or links; it prints.

use std::fmt::Write as _;

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::store::calendar::Zone;
use crate::store::retention::DAY_MS;
use crate::store::summary::WeekAverage;
use crate::store::MoodEntry;

/// Width of the SVG's coordinate system.
pub const WIDTH: f64 = 760.0;
/// Height of the SVG's coordinate system.
pub const HEIGHT: f64 = 320.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 18.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 44.0;
/// Colour of entries.
pub const ENTRY_COLOUR: &str = "#3d6fa3";
/// Colour of the weekly average.
pub const WEEK_COLOUR: &str = "#d0711f";

/// The plotted time range: from the start of the first day to the end of the last.
#[derive(Debug, Clone, Copy)]
struct Frame {
    x0: i64,
    x1: i64,
}

impl Frame {
    fn x(&self, ms: i64) -> f64 {
        let span = (self.x1 - self.x0).max(1) as f64;
        LEFT + (ms - self.x0) as f64 / span * (WIDTH - LEFT - RIGHT)
    }

    fn y(score: f64) -> f64 {
        TOP + (10.0 - score) / 10.0 * (HEIGHT - TOP - BOTTOM)
    }
}

/// A tick on the time axis.
struct Tick {
    ms: i64,
    label: String,
}

fn ticks(frame: Frame, zone: Zone) -> Vec<Tick> {
    let first = zone.date(frame.x0);
    let last = zone.date(frame.x1 - 1);
    let span_days = (frame.x1 - frame.x0) / DAY_MS;
    let mut out = Vec::new();
    let mut push = |d: NaiveDate, label: String| {
        let ms = zone.start_of_day(d);
        if ms >= frame.x0 && ms <= frame.x1 {
            out.push(Tick { ms, label });
        }
    };
    if span_days <= 16 {
        let mut d = first;
        while d <= last {
            push(d, d.format("%-d %b").to_string());
            d = d.checked_add_days(Days::new(1)).unwrap_or(NaiveDate::MAX);
        }
    } else if span_days <= 84 {
        let mut d = crate::store::calendar::monday_of(first);
        while d <= last {
            push(d, d.format("%-d %b").to_string());
            d = d.checked_add_days(Days::new(7)).unwrap_or(NaiveDate::MAX);
        }
    } else {
        let step = if span_days <= 400 {
            1
        } else if span_days <= 1100 {
            3
        } else {
            12
        };
        let mut d = NaiveDate::from_ymd_opt(first.year(), 1, 1).unwrap_or(first);
        let mut shown_year = None;
        while d <= last {
            let label = if step == 12 {
                d.format("%Y").to_string()
            } else if shown_year != Some(d.year()) {
                d.format("%b %Y").to_string()
            } else {
                d.format("%b").to_string()
            };
            if d >= first {
                shown_year = Some(d.year());
                push(d, label);
            }
            d = d
                .checked_add_months(Months::new(step))
                .unwrap_or(NaiveDate::MAX);
        }
    }
    out
}

/// Splits points into runs, starting a new run when two neighbours are more than `gap_ms`
/// apart (so the line does not pretend to know what happened in a gap).
fn runs(points: &[(i64, f64)], gap_ms: i64) -> Vec<&[(i64, f64)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..points.len() {
        if points[i].0 - points[i - 1].0 > gap_ms {
            out.push(&points[start..i]);
            start = i;
        }
    }
    if start < points.len() {
        out.push(&points[start..]);
    }
    out
}

fn polyline(out: &mut String, frame: Frame, points: &[(i64, f64)], attrs: &str) {
    if points.len() < 2 {
        return;
    }
    let _ = write!(out, "<polyline {attrs} points=\"");
    for (i, (ms, score)) in points.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{:.1},{:.1}", frame.x(*ms), Frame::y(*score));
    }
    out.push_str("\"/>\n");
}

/// The chart for `entries` (oldest first) and their weekly averages over `[since_ms,
/// until_ms]`. The time axis runs from the day of `since_ms` (or of the first entry when
/// `since_ms <= 0`, "all time") to the end of the day of `until_ms`.
pub fn mood_chart(
    entries: &[MoodEntry],
    weeks: &[WeekAverage],
    since_ms: i64,
    until_ms: i64,
    zone: Zone,
) -> String {
    // "All time" (a cutoff at or before the epoch) starts with the first entry; any other
    // period is drawn whole, so days without entries show as such.
    let start_ms = if since_ms > 0 {
        since_ms.min(until_ms)
    } else {
        entries
            .first()
            .map_or(until_ms - 30 * DAY_MS, |e| e.at_ms.min(until_ms))
    };
    let first_day = zone.date(start_ms);
    let last_day = zone.date(until_ms);
    let end_day = last_day.checked_add_days(Days::new(1)).unwrap_or(last_day);
    let frame = Frame {
        x0: zone.start_of_day(first_day),
        x1: zone
            .start_of_day(end_day)
            .max(zone.start_of_day(first_day) + DAY_MS),
    };
    let plot_bottom = HEIGHT - BOTTOM;
    let plot_right = WIDTH - RIGHT;
    let mut s = String::with_capacity(16 * 1024 + entries.len() * 64);
    let _ = write!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" role=\"img\" \
         aria-labelledby=\"chart-title chart-desc\" preserveAspectRatio=\"xMidYMid meet\">\n\
         <title id=\"chart-title\">Mood over time</title>\n\
         <desc id=\"chart-desc\">Mood scores from 0 (worst) to 10 (best) from {} to {}: \
         {} entries as points and the weekly average as a line.</desc>\n",
        first_day.format("%-d %b %Y"),
        last_day.format("%-d %b %Y"),
        entries.len()
    );
    // Plot background and horizontal grid with the 0–10 scale.
    let _ = writeln!(
        s,
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#fbfcfd\"/>",
        plot_right - LEFT,
        plot_bottom - TOP
    );
    for v in 0..=10 {
        let y = Frame::y(f64::from(v));
        let (stroke, width) = if v % 2 == 0 {
            ("#d5dde5", 1.0)
        } else {
            ("#eef2f6", 1.0)
        };
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{plot_right}\" y2=\"{y:.1}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>"
        );
        if v % 2 == 0 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"#52606d\">{v}</text>",
                LEFT - 8.0,
                y + 4.0
            );
        }
    }
    let _ = writeln!(
        s,
        "<text transform=\"translate(14 {:.1}) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#52606d\">Mood (0–10)</text>",
        (TOP + plot_bottom) / 2.0
    );
    // Time axis with dated ticks.
    for t in ticks(frame, zone) {
        let x = frame.x(t.ms);
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{plot_bottom}\" stroke=\"#eef2f6\"/>\n\
             <line x1=\"{x:.1}\" y1=\"{plot_bottom}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#7b8794\"/>\n\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#52606d\">{}</text>",
            plot_bottom + 5.0,
            plot_bottom + 19.0,
            t.label
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"{LEFT}\" y1=\"{plot_bottom}\" x2=\"{plot_right}\" y2=\"{plot_bottom}\" stroke=\"#7b8794\"/>\n\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{plot_bottom}\" stroke=\"#7b8794\"/>"
    );
    // Legend, above the plot.
    let _ = writeln!(
        s,
        "<g font-size=\"12\" fill=\"#323f4b\">\
         <circle cx=\"{:.1}\" cy=\"18\" r=\"4\" fill=\"{ENTRY_COLOUR}\"/>\
         <text x=\"{:.1}\" y=\"22\">Mood entry</text>\
         <line x1=\"{:.1}\" y1=\"18\" x2=\"{:.1}\" y2=\"18\" stroke=\"{WEEK_COLOUR}\" stroke-width=\"3\" stroke-linecap=\"round\"/>\
         <text x=\"{:.1}\" y=\"22\">Weekly average</text></g>",
        LEFT + 6.0,
        LEFT + 16.0,
        LEFT + 110.0,
        LEFT + 134.0,
        LEFT + 142.0
    );
    if entries.is_empty() {
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"15\" fill=\"#52606d\">No mood entries in this period</text>",
            (LEFT + plot_right) / 2.0,
            (TOP + plot_bottom) / 2.0
        );
        s.push_str("</svg>");
        return s;
    }
    // Entries: a thin line through them (broken over gaps of more than a week), then points.
    let points: Vec<(i64, f64)> = entries
        .iter()
        .filter(|e| e.at_ms >= frame.x0 && e.at_ms <= frame.x1)
        .map(|e| (e.at_ms, f64::from(e.score)))
        .collect();
    // Dense series (months of daily entries) read better as a cloud of dots under the
    // weekly line than as a zigzag.
    let dense = points.len() > 180;
    for run in runs(&points, 7 * DAY_MS).into_iter().filter(|_| !dense) {
        polyline(
            &mut s,
            frame,
            run,
            &format!(
                "fill=\"none\" stroke=\"{ENTRY_COLOUR}\" stroke-opacity=\"0.35\" stroke-width=\"1.2\" stroke-linejoin=\"round\""
            ),
        );
    }
    let r = if points.len() > 400 {
        1.6
    } else if points.len() > 120 {
        2.4
    } else {
        3.6
    };
    let _ = writeln!(
        s,
        "<g fill=\"{ENTRY_COLOUR}\" fill-opacity=\"{}\" stroke=\"#ffffff\" stroke-width=\"{}\">",
        if dense { 0.55 } else { 1.0 },
        if r > 2.0 { 1.0 } else { 0.0 }
    );
    for (ms, score) in &points {
        let _ = writeln!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\"/>",
            frame.x(*ms),
            Frame::y(*score)
        );
    }
    s.push_str("</g>\n");
    // Weekly averages, each at the middle of the part of its week inside the frame.
    let week_points: Vec<(i64, f64)> = weeks
        .iter()
        .map(|w| {
            let start = zone.start_of_day(w.week_start).max(frame.x0);
            let end = (zone.start_of_day(w.week_start) + 7 * DAY_MS).min(frame.x1);
            (start + (end - start).max(0) / 2, w.average)
        })
        .collect();
    for run in runs(&week_points, 15 * DAY_MS) {
        polyline(
            &mut s,
            frame,
            run,
            &format!(
                "fill=\"none\" stroke=\"{WEEK_COLOUR}\" stroke-width=\"3\" stroke-linejoin=\"round\" stroke-linecap=\"round\""
            ),
        );
        if run.len() == 1 {
            let (ms, avg) = run[0];
            let _ = writeln!(
                s,
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{WEEK_COLOUR}\" stroke-width=\"3\" stroke-linecap=\"round\"/>",
                frame.x(ms) - 6.0,
                frame.x(ms) + 6.0,
                y = Frame::y(avg)
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::summary::weekly_averages;
    use crate::store::MoodSource;

    fn entries(days: i64, start_ms: i64) -> Vec<MoodEntry> {
        (0..days)
            .map(|d| MoodEntry {
                id: d,
                at_ms: start_ms + d * DAY_MS,
                score: (d % 11) as u8,
                feelings: vec![],
                note: None,
                source: MoodSource::Cli,
            })
            .collect()
    }

    #[test]
    fn chart_has_axes_points_and_weekly_line_within_bounds() {
        let z = Zone::utc();
        let start = 1_767_225_600_000; // 2026-01-01T00:00Z
        let es = entries(60, start + 20 * 3_600_000);
        let weeks = weekly_averages(&es, z);
        let svg = mood_chart(&es, &weeks, start, start + 60 * DAY_MS, z);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 60 + 1); // + legend
        assert!(svg.contains(WEEK_COLOUR));
        assert!(svg.contains("Mood (0–10)"));
        assert!(svg.contains(">10</text>") && svg.contains(">0</text>"));
        assert!(svg.contains(">5 Jan</text>"), "weekly Monday ticks");
        for cx in svg.split("cx=\"").skip(1) {
            let v: f64 = cx.split('"').next().unwrap().parse().unwrap();
            assert!((LEFT - 0.1..=WIDTH).contains(&v), "{v}");
        }
        assert!(!svg.contains("http"));
    }

    #[test]
    fn tick_granularity_follows_span() {
        let z = Zone::utc();
        let start = 1_767_225_600_000;
        let year = mood_chart(&entries(365, start), &[], start, start + 365 * DAY_MS, z);
        assert!(year.contains(">Jan 2026</text>") && year.contains(">Jun</text>"));
        let five = mood_chart(
            &entries(5 * 365, start),
            &[],
            start,
            start + 5 * 365 * DAY_MS,
            z,
        );
        assert!(five.contains(">2027</text>") && five.contains(">2030</text>"));
        let empty = mood_chart(&[], &[], start, start + 7 * DAY_MS, z);
        assert!(empty.contains("No mood entries"));
    }
}
