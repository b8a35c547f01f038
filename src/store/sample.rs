//! Made-up but plausible records for benchmarks, demos and tests: a daily mood entry with a
//! slow seasonal swing, weekly noise, feeling words, an occasional note, and a few exercise
//! sessions and check-ins. Deterministic (a fixed-seed generator), so runs compare.

use crate::store::retention::DAY_MS;
use crate::store::{MoodSource, NewCheckin, NewMood, SessionOutcome, Store, StoreError};

/// A tiny deterministic pseudo-random generator (SplitMix64).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const FEELINGS: &[&str] = &[
    "tired", "calm", "anxious", "hopeful", "restless", "content", "low", "grateful",
];
const NOTES: &[&str] = &[
    "slept badly",
    "good walk with a friend",
    "long day at work",
    "felt lighter after breathing exercise",
    "argument, then made up",
    "quiet evening, read a book",
];

/// One mood entry per day for `days` days ending on the day of `end_ms` (each at a varying
/// evening hour), oldest first. Every fourth day or so carries a note.
pub fn synthetic_daily_moods(end_ms: i64, days: u32, seed: u64) -> Vec<NewMood> {
    let mut rng = SplitMix(seed);
    let mut out = Vec::with_capacity(days as usize);
    for i in 0..i64::from(days) {
        let day_index = i64::from(days) - 1 - i;
        let at_ms = end_ms - day_index * DAY_MS - (rng.below(4) as i64) * 3_600_000;
        // A slow swing over ~half a year plus a little noise, kept in 1..=9.
        let phase = (i as f64) / 182.0 * std::f64::consts::TAU;
        let base = 5.5 + 2.0 * phase.sin();
        let noise = rng.below(5) as f64 - 2.0;
        let score = (base + noise).round().clamp(1.0, 9.0) as u8;
        let feelings = (0..rng.below(3))
            .map(|_| FEELINGS[rng.below(FEELINGS.len() as u64) as usize].to_string())
            .collect();
        let note =
            (rng.below(4) == 0).then(|| NOTES[rng.below(NOTES.len() as u64) as usize].into());
        out.push(NewMood {
            at_ms,
            score,
            feelings,
            note,
            source: if rng.below(2) == 0 {
                MoodSource::Voice
            } else {
                MoodSource::Cli
            },
        });
    }
    out
}

/// Fills `store` with `days` days of synthetic history ending at `end_ms`: daily moods, an
/// exercise about every third day, and a PHQ-2 and GAD-2 check-in every two weeks, in two
/// transactions. Returns the number of mood entries written.
pub fn fill_synthetic_history(
    store: &Store,
    end_ms: i64,
    days: u32,
    seed: u64,
) -> Result<usize, StoreError> {
    let moods = synthetic_daily_moods(end_ms, days, seed);
    store.add_moods(&moods)?;
    let mut rng = SplitMix(seed ^ 0x5eed);
    let flows = [
        "box_breathing",
        "grounding_54321",
        "evening_reflection",
        "cyclic_sighing",
    ];
    let mut sessions = Vec::new();
    let mut checkins: Vec<NewCheckin> = Vec::new();
    for d in (0..i64::from(days)).rev() {
        let day_ms = end_ms - d * DAY_MS;
        if rng.below(3) == 0 {
            let flow = flows[rng.below(flows.len() as u64) as usize];
            let outcome = if rng.below(5) == 0 {
                SessionOutcome::Stopped
            } else {
                SessionOutcome::Completed
            };
            let start = day_ms - 2 * 3_600_000;
            sessions.push((flow, start, start + 240_000, outcome.as_str()));
        }
        if d % 14 == 0 {
            for instrument in ["PHQ-2", "GAD-2"] {
                let a = rng.below(3) as u8;
                let b = rng.below(3) as u8;
                checkins.push(NewCheckin {
                    at_ms: day_ms - 3_600_000,
                    instrument: instrument.into(),
                    score: u32::from(a + b),
                    items: vec![a, b],
                });
            }
        }
    }
    store.write(|c| {
        let mut st = c.prepare_cached(
            "INSERT INTO sessions (flow, started_ms, ended_ms, outcome) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (flow, start, end, outcome) in &sessions {
            st.execute(rusqlite::params![flow, start, end, outcome])?;
        }
        let mut st = c.prepare_cached(
            "INSERT INTO checkins (at_ms, instrument, score, items) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for k in &checkins {
            let items = serde_json::to_string(&k.items).unwrap_or_else(|_| "[]".into());
            st.execute(rusqlite::params![k.at_ms, k.instrument, k.score, items])?;
        }
        Ok(())
    })?;
    Ok(moods.len())
}
