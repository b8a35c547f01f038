//! Exports of the person's records, in three forms:
//!
//! - **CSV** for a spreadsheet: one row per mood entry, check-in, exercise session and
//!   reflection (its words only if they were kept), columns
//!   `type,date,time,value,out_of,details,note`. Cells that a spreadsheet would run as a
//!   formula are prefixed with `'`.
//! - **JSON**, the complete machine-readable copy (data portability): every record in the
//!   period, safety events and the consent decision included, with epoch ms and local times.
//! - **HTML**, a report a person can hand to their therapist: one self-contained file (inline
//!   CSS and SVG, no scripts, fonts, links or URLs) with a mood chart, weekly averages, days
//!   with notes, exercises completed and check-in scores named by instrument, with the caution
//!   that screeners are not diagnoses, thought records (the feeling's strength before and after,
//!   and the balanced thought when its words were kept) and how many planned activities
//!   happened. It prints cleanly. Other reflection words and safety events are not in the
//!   report: what to tell a therapist about those is the person's to choose.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;

use crate::engine::dialogue::engine::FOLLOW_UP_STEP;
use crate::store::calendar::Zone;
use crate::store::retention::DAY_MS;
use crate::store::summary::{self, Direction};
use crate::store::{
    instrument_max, report_svg, Checkin, Consent, MoodEntry, Reflection, SafetyEvent, Session,
    SessionOutcome,
};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values.
    Csv,
    /// JSON.
    Json,
    /// The self-contained HTML report.
    Html,
}

impl ExportFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Html => "html",
        }
    }
}

/// An unknown format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format {0:?}: use csv, json or html")]
pub struct UnknownFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            "html" | "htm" => Ok(ExportFormat::Html),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// The records of one export period.
#[derive(Debug, Clone)]
pub struct ExportData {
    /// Start of the period (epoch ms).
    pub since_ms: i64,
    /// End of the period, normally "now" (epoch ms).
    pub until_ms: i64,
    /// Zone for dates.
    pub zone: Zone,
    /// Mood entries, oldest first.
    pub moods: Vec<MoodEntry>,
    /// Sessions, oldest first.
    pub sessions: Vec<Session>,
    /// Reflections, oldest first.
    pub reflections: Vec<Reflection>,
    /// Check-ins, oldest first.
    pub checkins: Vec<Checkin>,
    /// Safety events, oldest first.
    pub safety_events: Vec<SafetyEvent>,
    /// The consent decision.
    pub consent: Option<Consent>,
}

/// Renders `data` in `format`.
pub fn render(data: &ExportData, format: ExportFormat) -> String {
    match format {
        ExportFormat::Csv => csv(data),
        ExportFormat::Json => json(data),
        ExportFormat::Html => html(data),
    }
}

// ----- CSV -----

fn csv_cell(out: &mut String, value: &str) {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = risky || value.contains([',', '"', '\n', '\r']);
    if needs_quotes {
        out.push('"');
        if risky {
            out.push('\'');
        }
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn csv_row(out: &mut String, cells: &[&str]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_cell(out, c);
    }
    out.push_str("\r\n");
}

fn flow_name(flow: &str) -> String {
    let spaced = flow.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// CSV export (see the module docs).
pub fn csv(data: &ExportData) -> String {
    let z = data.zone;
    let mut rows: Vec<(i64, Vec<String>)> = Vec::new();
    let date = |ms: i64| z.datetime(ms).format("%Y-%m-%d").to_string();
    let time = |ms: i64| z.datetime(ms).format("%H:%M").to_string();
    for m in &data.moods {
        rows.push((
            m.at_ms,
            vec![
                "mood".into(),
                date(m.at_ms),
                time(m.at_ms),
                m.score.to_string(),
                "10".into(),
                m.feelings.join("; "),
                m.note.clone().unwrap_or_default(),
            ],
        ));
    }
    for c in &data.checkins {
        rows.push((
            c.at_ms,
            vec![
                "check-in".into(),
                date(c.at_ms),
                time(c.at_ms),
                c.score.to_string(),
                instrument_max(&c.instrument)
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                c.instrument.clone(),
                String::new(),
            ],
        ));
    }
    for s in &data.sessions {
        let outcome = match s.outcome {
            Some(SessionOutcome::Completed) => "completed",
            Some(SessionOutcome::Stopped) => "stopped early",
            None => "not finished",
        };
        let minutes = s
            .ended_ms
            .map(|e| format!("{:.1}", (e - s.started_ms) as f64 / 60_000.0))
            .unwrap_or_default();
        rows.push((
            s.started_ms,
            vec![
                "exercise".into(),
                date(s.started_ms),
                time(s.started_ms),
                minutes,
                String::new(),
                format!("{} ({outcome})", flow_name(&s.flow)),
                String::new(),
            ],
        ));
    }
    for r in &data.reflections {
        rows.push((
            r.at_ms,
            vec![
                "reflection".into(),
                date(r.at_ms),
                time(r.at_ms),
                r.value.map(|v| v.to_string()).unwrap_or_default(),
                String::new(),
                r.step.clone(),
                r.text.clone().unwrap_or_default(),
            ],
        ));
    }
    rows.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(64 + rows.len() * 64);
    csv_row(
        &mut out,
        &["type", "date", "time", "value", "out_of", "details", "note"],
    );
    for (_, cells) in &rows {
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        csv_row(&mut out, &refs);
    }
    out
}

// ----- JSON -----

#[derive(Serialize)]
struct Timed<'a, T: Serialize> {
    local_time: String,
    #[serde(flatten)]
    record: &'a T,
}

#[derive(Serialize)]
struct JsonExport<'a> {
    format: &'static str,
    version: u32,
    since_ms: i64,
    until_ms: i64,
    since_local: String,
    until_local: String,
    consent: Option<&'a Consent>,
    moods: Vec<Timed<'a, MoodEntry>>,
    sessions: Vec<Timed<'a, Session>>,
    reflections: Vec<Timed<'a, Reflection>>,
    checkins: Vec<Timed<'a, Checkin>>,
    safety_events: Vec<Timed<'a, SafetyEvent>>,
}

/// JSON export (see the module docs).
pub fn json(data: &ExportData) -> String {
    let z = data.zone;
    let local = |ms: i64| z.datetime(ms).to_rfc3339();
    fn timed<'a, T: Serialize>(
        items: &'a [T],
        at: impl Fn(&T) -> i64,
        local: &impl Fn(i64) -> String,
    ) -> Vec<Timed<'a, T>> {
        items
            .iter()
            .map(|r| Timed {
                local_time: local(at(r)),
                record: r,
            })
            .collect()
    }
    let doc = JsonExport {
        format: "hearth-export",
        version: 1,
        since_ms: data.since_ms,
        until_ms: data.until_ms,
        since_local: local(data.since_ms),
        until_local: local(data.until_ms),
        consent: data.consent.as_ref(),
        moods: timed(&data.moods, |m| m.at_ms, &local),
        sessions: timed(&data.sessions, |s| s.started_ms, &local),
        reflections: timed(&data.reflections, |r| r.at_ms, &local),
        checkins: timed(&data.checkins, |c| c.at_ms, &local),
        safety_events: timed(&data.safety_events, |e| e.at_ms, &local),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into())
}

// ----- HTML -----

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The full name of a known instrument, for the report.
fn instrument_title(name: &str) -> Option<&'static str> {
    match name.to_ascii_uppercase().as_str() {
        "PHQ-2" => Some("Patient Health Questionnaire, 2 items (interest and mood)"),
        "PHQ-9" => Some("Patient Health Questionnaire, 9 items"),
        "GAD-2" => Some("Generalized Anxiety Disorder scale, 2 items (nervousness and worry)"),
        "GAD-7" => Some("Generalized Anxiety Disorder scale, 7 items"),
        "WHO-5" => Some("WHO-5 Well-Being Index (higher is better)"),
        _ => None,
    }
}

const STYLE: &str = r#"
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --soft: #f0f4f8;
        --entry: #3d6fa3; --week: #d0711f; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eef1f5; color: var(--ink);
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
       font-size: 15px; line-height: 1.45; }
main { max-width: 880px; margin: 24px auto; background: #fff; padding: 32px 40px 24px;
       border-radius: 10px; box-shadow: 0 1px 4px rgba(31, 41, 51, .12); }
header { border-bottom: 3px solid var(--entry); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 27px; margin: 0 0 2px; letter-spacing: -.01em; }
.period { margin: 0; color: var(--muted); font-size: 16px; }
.intro { color: var(--muted); font-size: 13.5px; margin: 8px 0 0; }
h2 { font-size: 18px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.stats { display: grid; grid-template-columns: repeat(5, 1fr); gap: 10px; margin-top: 18px; }
.stat { background: var(--soft); border-radius: 8px; padding: 10px 12px; }
.stat .value { font-size: 22px; font-weight: 650; display: block; }
.stat .label { font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.stat .sub { font-size: 12px; color: var(--muted); }
figure { margin: 0; }
figcaption { font-size: 12.5px; color: var(--muted); margin-top: 4px; }
svg.chart { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 11.5px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.date { white-space: nowrap; }
.bar { display: inline-block; height: 9px; border-radius: 5px; background: var(--week); vertical-align: middle; margin-left: 8px; }
.bar-cell { width: 34%; }
.muted { color: var(--muted); }
.small { font-size: 12.5px; }
.caution { border-left: 4px solid var(--week); background: #fff7ef; padding: 10px 14px; margin: 0 0 12px;
           font-size: 14px; border-radius: 0 6px 6px 0; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 30px; padding-top: 10px; border-top: 1px solid var(--line); font-size: 12px; color: var(--muted); }
@media (max-width: 700px) { main { padding: 20px; } .stats { grid-template-columns: repeat(2, 1fr); } }
@media print {
  body { background: #fff; font-size: 12.5px; }
  main { max-width: none; margin: 0; padding: 0; box-shadow: none; border-radius: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, .stats, .caution, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
@page { size: auto; margin: 15mm 14mm; }
"#;

fn fmt1(v: f64) -> String {
    format!("{v:.1}")
}

/// HTML report (see the module docs).
/// Thought records (how strong the feeling was before and after, and the balanced thought when
/// its words were kept) and planned activities followed up the next day. The numbers are kept
/// whatever the consent to keep words; the words only with it.
fn thought_records_html(h: &mut String, data: &ExportData, day_label: &dyn Fn(i64) -> String) {
    let of = |session: i64, step: &'static str| {
        data.reflections
            .iter()
            .filter(move |r| r.session_id == Some(session) && r.step == step)
    };
    let rating = |session: i64, step: &'static str| {
        of(session, step)
            .find_map(|r| r.value)
            .map_or_else(|| "—".to_string(), |v| v.to_string())
    };
    h.push_str("<h2>Thought records</h2>\n");
    let records: Vec<&Session> = data
        .sessions
        .iter()
        .filter(|s| s.flow.replace('_', "-") == "thought-record")
        .collect();
    if records.is_empty() {
        h.push_str("<p class=\"empty\">No thought records in this period.</p>\n");
    } else {
        h.push_str("<p>How strong the feeling was, from 0 to 100, before and after looking at the thought.</p>\n");
        h.push_str("<table>\n<thead><tr><th>Date</th><th class=\"num\">Before</th><th class=\"num\">After</th><th>Balanced thought</th></tr></thead>\n<tbody>\n");
        for s in records {
            let balanced = of(s.id, "balanced").find_map(|r| r.text.clone());
            let _ = writeln!(
                h,
                "<tr><td class=\"date\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                day_label(s.started_ms),
                rating(s.id, "feeling"),
                rating(s.id, "rerate"),
                escape_html(balanced.as_deref().unwrap_or("(words not kept)")),
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    let follow_ups: Vec<&Reflection> = data
        .reflections
        .iter()
        .filter(|r| r.step == FOLLOW_UP_STEP && r.value.is_some())
        .collect();
    if !follow_ups.is_empty() {
        let done = follow_ups.iter().filter(|r| r.value == Some(1)).count();
        let _ = writeln!(
            h,
            "<p>Planned activities followed up: {done} of {} happened.</p>",
            follow_ups.len()
        );
    }
}

pub fn html(data: &ExportData) -> String {
    let z = data.zone;
    // "All time" (a cutoff at or before the epoch) starts at the first entry, not in 1970.
    let from_day = if data.since_ms <= 0 {
        z.date(data.moods.first().map_or(data.until_ms, |m| m.at_ms))
    } else {
        z.date(data.since_ms)
    };
    let to_day = z.date(data.until_ms);
    let period_days = if data.since_ms <= 0 {
        (to_day - from_day).num_days() + 1
    } else {
        ((data.until_ms - data.since_ms).max(0) + DAY_MS / 2) / DAY_MS
    };
    let long_date = |d: chrono::NaiveDate| d.format("%-d %B %Y").to_string();
    let day_label = |ms: i64| z.datetime(ms).format("%a %-d %b %Y").to_string();
    let summary = summary::summarize(&data.moods, data.since_ms, data.until_ms, z);
    let weeks = summary::weekly_averages(&data.moods, z);

    let mut h = String::with_capacity(32 * 1024 + data.moods.len() * 200);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        h,
        "<title>Mood report, {} to {}</title>",
        long_date(from_day),
        long_date(to_day)
    );
    let _ = writeln!(h, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");

    // Header and headline numbers.
    let _ = writeln!(
        h,
        "<header>\n<h1>Mood report</h1>\n<p class=\"period\">{} – {} <span class=\"muted\">({} days)</span></p>\n\
         <p class=\"intro\">Self-recorded with Hearth, a wellbeing companion app that runs privately on the person's own device. \
         Mood is rated from 0 (worst) to 10 (best). This is a personal record, not a clinical one.</p>\n</header>",
        long_date(from_day),
        long_date(to_day),
        period_days
    );
    let trend = match (summary.direction, summary.change) {
        (Some(Direction::Up), Some(c)) => format!("Up<span class=\"sub\"> +{}</span>", fmt1(c)),
        (Some(Direction::Down), Some(c)) => format!("Down<span class=\"sub\"> {}</span>", fmt1(c)),
        (Some(Direction::Steady), _) => "Steady".into(),
        _ => "—".into(),
    };
    let range = match (summary.lowest, summary.highest) {
        (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
        _ => "—".into(),
    };
    let _ = writeln!(
        h,
        "<section class=\"stats\">\n\
         <div class=\"stat\"><span class=\"label\">Entries</span><span class=\"value\">{}</span></div>\n\
         <div class=\"stat\"><span class=\"label\">Days logged</span><span class=\"value\">{}<span class=\"sub\"> of {}</span></span></div>\n\
         <div class=\"stat\"><span class=\"label\">Average mood</span><span class=\"value\">{}<span class=\"sub\"> / 10</span></span></div>\n\
         <div class=\"stat\"><span class=\"label\">Range</span><span class=\"value\">{}</span></div>\n\
         <div class=\"stat\"><span class=\"label\">Trend</span><span class=\"value\">{}</span></div>\n</section>",
        summary.count,
        summary.days_logged,
        period_days,
        summary.average.map_or("—".into(), fmt1),
        range,
        trend
    );

    // Chart.
    let _ = writeln!(
        h,
        "<h2>Mood over time</h2>\n<figure>\n{}\n<figcaption>Each dot is one entry; the orange line is the average of each week (Monday to Sunday). \
         The line is broken where nothing was logged for more than a week.</figcaption>\n</figure>",
        report_svg::mood_chart(&data.moods, &weeks, data.since_ms, data.until_ms, z)
    );

    // Weekly averages.
    h.push_str("<h2>Weekly averages</h2>\n");
    if weeks.is_empty() {
        h.push_str("<p class=\"empty\">No mood entries in this period.</p>\n");
    } else {
        h.push_str("<table>\n<thead><tr><th>Week of</th><th class=\"num\">Entries</th><th class=\"num\">Average</th><th class=\"bar-cell\"></th><th class=\"num\">Lowest</th><th class=\"num\">Highest</th></tr></thead>\n<tbody>\n");
        for w in &weeks {
            let _ = writeln!(
                h,
                "<tr><td class=\"date\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"bar-cell\"><span class=\"bar\" style=\"width:{:.0}%\"></span></td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                w.week_start.format("%a %-d %b %Y"),
                w.count,
                fmt1(w.average),
                (w.average * 10.0).clamp(1.0, 100.0),
                w.lowest,
                w.highest
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }

    // Days with notes.
    h.push_str("<h2>Days with notes</h2>\n");
    let noted: Vec<&MoodEntry> = data.moods.iter().filter(|m| m.note.is_some()).collect();
    if noted.is_empty() {
        h.push_str("<p class=\"empty\">No notes in this period.</p>\n");
    } else {
        h.push_str("<table>\n<thead><tr><th>Day</th><th class=\"num\">Mood</th><th>Feelings</th><th>Note</th></tr></thead>\n<tbody>\n");
        for m in noted {
            let _ = writeln!(
                h,
                "<tr><td class=\"date\">{} <span class=\"muted small\">{}</span></td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                day_label(m.at_ms),
                z.datetime(m.at_ms).format("%H:%M"),
                m.score,
                escape_html(&m.feelings.join(", ")),
                escape_html(m.note.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }

    // Exercises.
    h.push_str("<h2>Exercises completed</h2>\n");
    #[derive(Default)]
    struct FlowTally {
        completed: usize,
        stopped: usize,
        minutes: f64,
        last: Option<i64>,
    }
    let mut flows: BTreeMap<String, FlowTally> = BTreeMap::new();
    for s in &data.sessions {
        let t = flows.entry(flow_name(&s.flow)).or_default();
        match s.outcome {
            Some(SessionOutcome::Completed) => {
                t.completed += 1;
                t.last = Some(t.last.map_or(s.started_ms, |l| l.max(s.started_ms)));
            }
            Some(SessionOutcome::Stopped) => t.stopped += 1,
            None => {}
        }
        if let Some(end) = s.ended_ms {
            t.minutes += (end - s.started_ms).max(0) as f64 / 60_000.0;
        }
    }
    let total_completed: usize = flows.values().map(|t| t.completed).sum();
    if flows.is_empty() {
        h.push_str("<p class=\"empty\">No exercises in this period.</p>\n");
    } else {
        let _ = writeln!(
            h,
            "<p>{total_completed} exercise{} completed in this period.</p>",
            if total_completed == 1 { "" } else { "s" }
        );
        h.push_str("<table>\n<thead><tr><th>Exercise</th><th class=\"num\">Completed</th><th class=\"num\">Stopped early</th><th class=\"num\">Minutes practised</th><th>Last completed</th></tr></thead>\n<tbody>\n");
        for (name, t) in &flows {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.0}</td><td class=\"date\">{}</td></tr>",
                escape_html(name),
                t.completed,
                t.stopped,
                t.minutes,
                t.last.map_or("—".into(), day_label)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }

    thought_records_html(&mut h, data, &day_label);

    // Check-ins.
    h.push_str("<h2>Check-in questionnaires</h2>\n");
    h.push_str(
        "<p class=\"caution\"><strong>Screeners are not diagnoses.</strong> PHQ-2 and GAD-2 are short screening \
         questionnaires (each scored 0–6; higher means more frequent symptoms over the past two weeks), answered by the \
         person themselves in a spoken check-in. A score is a starting point for a conversation with a professional, \
         not a conclusion.</p>\n",
    );
    if data.checkins.is_empty() {
        h.push_str("<p class=\"empty\">No check-ins in this period.</p>\n");
    } else {
        h.push_str("<table>\n<thead><tr><th>Day</th><th>Questionnaire</th><th class=\"num\">Score</th></tr></thead>\n<tbody>\n");
        for c in &data.checkins {
            let score = match instrument_max(&c.instrument) {
                Some(max) => format!("{}/{max}", c.score),
                None => c.score.to_string(),
            };
            let title = instrument_title(&c.instrument)
                .map(|t| format!(" <span class=\"muted small\">{t}</span>"))
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td class=\"date\">{}</td><td><strong>{}</strong>{title}</td><td class=\"num\">{score}</td></tr>",
                day_label(c.at_ms),
                escape_html(&c.instrument)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }

    let _ = writeln!(
        h,
        "<footer>Generated by Hearth on {} from records kept on the person's own device. Hearth is a self-care \
         companion: it is not a therapist or a medical device and does not diagnose.</footer>\n</main>\n</body>\n</html>",
        long_date(to_day)
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut out = String::new();
        csv_row(
            &mut out,
            &["a,b", "say \"hi\"", "=1+1", "plain", "line\nbreak"],
        );
        assert_eq!(
            out,
            "\"a,b\",\"say \"\"hi\"\"\",\"'=1+1\",plain,\"line\nbreak\"\r\n"
        );
    }

    #[test]
    fn format_names() {
        assert_eq!("HTML".parse::<ExportFormat>(), Ok(ExportFormat::Html));
        assert_eq!("csv".parse::<ExportFormat>(), Ok(ExportFormat::Csv));
        assert!("pdf".parse::<ExportFormat>().is_err());
        assert_eq!(flow_name("box_breathing"), "Box breathing");
        assert_eq!(
            escape_html("<a href='x'>&"),
            "&lt;a href=&#39;x&#39;&gt;&amp;"
        );
    }
}
