//! Requests in many wordings (#11, point 4), with the real sentence encoder and the shipped
//! prompts: accuracy on Hearth's own paraphrase table (`tests/data/requests.tsv`) and on the
//! blind one (`tests/data/requests-blind.tsv`, never used to tune anything), per request, with
//! the misses; no ordinary talk taken as a request; and new wordings end to end in `hearth chat`.
//!
//! `cargo test --release --test tests requests:: -- --nocapture` prints the report;
//! `... requests::choose_thresholds -- --ignored --nocapture` sweeps the threshold and margin on
//! the own table only.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use hearth::engine::dialogue::intent;
use hearth::engine::dialogue::prompts::Prompts;
use hearth::engine::dialogue::understand::{self, RequestReader};
use hearth::engine::safety::semantic::{EncodeError, SentenceEncoder};

use crate::common::{root, temp_dir};

/// The real encoder, remembering what it embedded (the sweep reads each row many times).
#[derive(Debug)]
struct Remembering {
    inner: hearth::encoder::MiniLm,
    seen: Mutex<HashMap<String, Vec<f32>>>,
}

impl SentenceEncoder for Remembering {
    fn embed(&self, text: &str) -> Result<Vec<f32>, EncodeError> {
        if let Some(e) = self.seen.lock().unwrap().get(text) {
            return Ok(e.clone());
        }
        let e = self.inner.embed(text)?;
        self.seen
            .lock()
            .unwrap()
            .insert(text.to_string(), e.clone());
        Ok(e)
    }
}

fn encoder() -> hearth::encoder::MiniLm {
    hearth::encoder::MiniLm::load(&root().join("models/minilm"))
        .unwrap_or_else(|e| panic!("{e} (run `scripts/setup`)"))
}

fn prompts() -> Prompts {
    let sources = hearth::daemon::load::read_prompt_sources(&root().join("prompts"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    Prompts::from_sources(&sources).unwrap_or_else(|e| panic!("{e:?}"))
}

/// `(expected, utterance)` rows of a table.
fn table(name: &str) -> Vec<(String, String)> {
    let path = root().join("tests/data").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let (e, u) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("{}:{}: no tab", path.display(), i + 1));
            (e.trim().to_string(), u.trim().to_string())
        })
        .collect()
}

/// What Hearth makes of an utterance said outside a flow: a command (heard first), or what
/// [`understand::understand`] reads, as the tables write it.
fn read(text: &str, prompts: &Prompts, reader: &RequestReader) -> String {
    if intent::command(text).is_some() {
        return "command".into();
    }
    understand::label(understand::understand(text, prompts, Some(reader)).as_ref())
}

struct Score {
    right: usize,
    total: usize,
    /// (expected, got, utterance)
    misses: Vec<(String, String, String)>,
    per_class: BTreeMap<String, (usize, usize)>,
    /// Ordinary talk taken as a request.
    false_requests: Vec<String>,
}

impl Score {
    fn accuracy(&self) -> f64 {
        self.right as f64 / self.total.max(1) as f64
    }
}

fn score(rows: &[(String, String)], prompts: &Prompts, reader: &RequestReader) -> Score {
    let mut s = Score {
        right: 0,
        total: 0,
        misses: Vec::new(),
        per_class: BTreeMap::new(),
        false_requests: Vec::new(),
    };
    for (expected, text) in rows {
        let got = read(text, prompts, reader);
        let ok = &got == expected;
        s.total += 1;
        let c = s
            .per_class
            .entry(expected.split(':').next().unwrap_or("").to_string())
            .or_default();
        c.1 += 1;
        if ok {
            s.right += 1;
            c.0 += 1;
        } else {
            if expected == "none" {
                s.false_requests.push(text.clone());
            }
            s.misses.push((expected.clone(), got, text.clone()));
        }
    }
    s
}

fn report(name: &str, s: &Score) {
    println!(
        "\n{name}: {}/{} right ({:.1} %)",
        s.right,
        s.total,
        100.0 * s.accuracy()
    );
    for (class, (r, t)) in &s.per_class {
        println!("  {class:<22} {r:>3}/{t:<3}");
    }
    if !s.misses.is_empty() {
        println!("  misses (expected -> read):");
        for (e, g, t) in &s.misses {
            println!("    {e} -> {g}: {t}");
        }
    }
}

#[test]
fn requests_in_many_wordings_own_and_blind() {
    let prompts = prompts();
    let encoder: Arc<dyn SentenceEncoder> = Arc::new(encoder());
    let started = Instant::now();
    let reader = RequestReader::new(encoder, prompts.request_examples())
        .unwrap()
        .expect("prompts/requests.toml turns the reading on");
    println!(
        "{} exemplars embedded in {} ms; threshold {}, margin {}",
        reader.len(),
        started.elapsed().as_millis(),
        reader.threshold(),
        reader.margin()
    );
    let own = table("requests.tsv");
    let blind = table("requests-blind.tsv");
    assert!(
        own.len() + blind.len() >= 400,
        "{} rows",
        own.len() + blind.len()
    );
    let started = Instant::now();
    let own_score = score(&own, &prompts, &reader);
    let blind_score = score(&blind, &prompts, &reader);
    let per_row = started.elapsed().as_secs_f64() * 1000.0 / (own.len() + blind.len()) as f64;
    report("own (requests.tsv)", &own_score);
    report("blind (requests-blind.tsv)", &blind_score);
    println!("\nreading one utterance (rules + encoder): {per_row:.1} ms on average");
    // The issue's own negatives are never requests.
    for text in [
        "My breathing was fine at the doctor's.",
        "I looked back on today's game.",
    ] {
        assert_eq!(read(text, &prompts, &reader), "none", "{text}");
    }
    // Not yet zero (see FALSE_REQUESTS): must not get worse.
    assert!(
        own_score.false_requests.len() <= FALSE_REQUESTS.0
            && blind_score.false_requests.len() <= FALSE_REQUESTS.1,
        "ordinary talk taken as a request: {:?} {:?}",
        own_score.false_requests,
        blind_score.false_requests
    );
    assert!(
        blind_score.accuracy() >= BLIND_FLOOR,
        "blind accuracy {:.3}",
        blind_score.accuracy()
    );
}

/// The blind part's accuracy must not fall below this. The goal is 0.95; this is the measured
/// floor, not the goal. Round 1's blind table measured 137/169 = 0.811 and was then read, so it
/// joined the own table. Round 2's (written by someone who had seen neither the exemplars nor
/// the tables) measured 144/171 = 0.842 on 2026-12-05 with the exemplars of that day, and the
/// same with the exemplars from before round 1 was read: exemplars written after a table's
/// misses fix that table, not new wordings.
const BLIND_FLOOR: f64 = 0.84;

/// Ordinary talk taken as a request, own and blind, as measured on 2026-12-05 (the goal is
/// none): own "I ground the coffee beans" and "She told me to calm down" (rule triggers); blind
/// 8 of 40 in round 2 (talk that mentions breath work, the ground, a body scan at a hospital, a
/// check-in at work, the weekly shop, and two lines about people talking).
const FALSE_REQUESTS: (usize, usize) = (2, 8);

/// The threshold and margin in `prompts/requests.toml` were chosen here, on the own table only:
/// the most rows right with no ordinary talk taken as a request.
#[test]
#[ignore = "a sweep for choosing thresholds; prints, asserts nothing"]
fn choose_thresholds() {
    let prompts = prompts();
    let encoder: Arc<dyn SentenceEncoder> = Arc::new(Remembering {
        inner: encoder(),
        seen: Mutex::new(HashMap::new()),
    });
    let own = table("requests.tsv");
    let mut results = Vec::new();
    for t in (40..=80).step_by(5) {
        for m in [0.0, 0.01, 0.02, 0.03, 0.05, 0.08] {
            let threshold = t as f32 / 100.0;
            let reader = RequestReader::new(encoder.clone(), prompts.request_examples())
                .unwrap()
                .unwrap()
                .with_thresholds(threshold, m);
            let s = score(&own, &prompts, &reader);
            println!(
                "threshold {threshold:.2} margin {m:.2}: {}/{} right, {} talk taken as requests",
                s.right,
                s.total,
                s.false_requests.len()
            );
            results.push((s.false_requests.len(), s.right, threshold, m));
        }
    }
    results.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    println!("best: {:?}", results.first());
}

/// Type `lines` into `hearth chat` in a fresh home; every line Hearth said.
fn chat(lines: &[&str]) -> Vec<String> {
    crate::common::chat_said(&temp_dir("requests-chat"), lines)
}

#[test]
fn chat_new_wordings_start_what_was_asked() {
    // Looking back on the day, in words no trigger has.
    // (The first reflection asks first whether to keep the words.)
    let said = chat(&["I'd like to look back on today", "no"]);
    let all = said.join("\n");
    assert!(
        all.contains("keep your words") && all.contains("look back over today"),
        "no reflection started:\n{all}"
    );
    // A mood said as "put me down as a five" is logged with its score.
    let said = chat(&["put me down as a five"]);
    let all = said.join("\n");
    assert!(all.contains('5') || all.contains("five"), "{all}");
    // A body that will not let go: muscle relaxation, in words of its own.
    let said = chat(&["my shoulders are so tight, help me loosen up"]);
    let all = said.join("\n").to_lowercase();
    assert!(all.contains("muscle") || all.contains("tense"), "{all}");
    // Safety first: a request said with risk goes to the crisis protocol, not the exercise.
    let said = chat(&["i dont want to be here anymore, could you help me loosen up"]);
    let all = said.join("\n").to_lowercase();
    assert!(
        all.contains("are you safe") && !all.contains("muscle"),
        "{all}"
    );
    // Ordinary talk sharing a word with a request starts nothing.
    let said = chat(&["my breathing was fine at the doctor's"]);
    let all = said.join("\n").to_lowercase();
    assert!(!all.contains("box breathing"), "{all}");
}
