//! How long each kind of record is kept, and the purge that deletes what has expired.
//!
//! Hearth keeps data "for as long as the person wants and not a day longer". The defaults are
//! chosen per kind of record, by what it is for and how sensitive it is:
//!
//! | record                         | default  | why                                               |
//! |--------------------------------|----------|---------------------------------------------------|
//! | mood entries (with their notes)| 2 years  | long enough to see seasons and compare a year with the last, which is what a therapist asks about; a note is part of the entry the person chose to log |
//! | check-in scores (PHQ-2, GAD-2…)| 2 years  | screeners are read as a series over months        |
//! | exercise sessions              | 2 years  | no content, only which exercise and when; feeds "exercises completed" |
//! | reflection *words*             | 90 days  | the most personal text Hearth holds, and its value is recent: re-reading last month's good things helps, last year's rarely does. The row (step, time) stays with the sessions |
//! | safety events                  | 30 days  | the most stigmatising record; kept only so Hearth can follow up gently in the weeks after a hard moment, never as a history |
//!
//! Any period can be changed, or set to `None` ("keep until I delete it"). The purge runs when
//! the store opens and then daily ([`crate::store::Store::purge_if_due`]), and after a purge
//! the WAL is checkpointed and truncated so deleted rows do not linger in it.

use serde::{Deserialize, Serialize};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Retention periods in days; `None` keeps that kind of record until the person deletes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retention {
    /// Mood entries, including their notes and feeling words. Default 730 days.
    pub mood_days: Option<u32>,
    /// Check-in questionnaire scores. Default 730 days.
    pub checkin_days: Option<u32>,
    /// Exercise and conversation sessions, and the reflection rows tied to them. Default 730.
    pub session_days: Option<u32>,
    /// The words of reflections (cleared; the row stays). Default 90 days.
    pub reflection_text_days: Option<u32>,
    /// Safety events. Default 30 days.
    pub safety_event_days: Option<u32>,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            mood_days: Some(730),
            checkin_days: Some(730),
            session_days: Some(730),
            reflection_text_days: Some(90),
            safety_event_days: Some(30),
        }
    }
}

impl Retention {
    /// A policy that keeps everything (no automatic deletion).
    pub fn keep_everything() -> Self {
        Retention {
            mood_days: None,
            checkin_days: None,
            session_days: None,
            reflection_text_days: None,
            safety_event_days: None,
        }
    }
}

/// The cutoff (records strictly older are expired) for a period ending at `now_ms`.
pub fn cutoff(now_ms: i64, days: Option<u32>) -> Option<i64> {
    days.map(|d| now_ms.saturating_sub(i64::from(d).saturating_mul(DAY_MS)))
}

/// The statements of one purge, as (SQL with one `?1` cutoff parameter, days). Run in one
/// transaction by the store.
pub(crate) fn purge_statements(policy: &Retention) -> Vec<(&'static str, Option<u32>)> {
    vec![
        (
            "DELETE FROM mood_entries WHERE at_ms < ?1",
            policy.mood_days,
        ),
        ("DELETE FROM checkins WHERE at_ms < ?1", policy.checkin_days),
        (
            "DELETE FROM reflections WHERE at_ms < ?1",
            policy.session_days,
        ),
        (
            "DELETE FROM sessions WHERE started_ms < ?1",
            policy.session_days,
        ),
        (
            "UPDATE reflections SET text = NULL WHERE text IS NOT NULL AND at_ms < ?1",
            policy.reflection_text_days,
        ),
        (
            "DELETE FROM safety_events WHERE at_ms < ?1",
            policy.safety_event_days,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_cutoffs() {
        let r = Retention::default();
        assert_eq!(r.reflection_text_days, Some(90));
        assert_eq!(cutoff(100 * DAY_MS, Some(30)), Some(70 * DAY_MS));
        assert_eq!(cutoff(100 * DAY_MS, None), None);
        let parsed: Retention = serde_json::from_str(r#"{"safety_event_days": 7}"#).unwrap();
        assert_eq!(parsed.safety_event_days, Some(7));
        assert_eq!(parsed.mood_days, Some(730));
        assert!(serde_json::from_str::<Retention>(r#"{"typo": 1}"#).is_err());
    }
}
