//! Requests in many wordings (#11, point 4), with the real sentence encoder and the shipped
//! prompts: accuracy on Hearth's own paraphrase table (`tests/data/requests.tsv`) and on the
//! blind one (`tests/data/requests-blind.tsv`, never used to tune anything), per request, with
//! the misses; no ordinary talk taken as a request; and new wordings end to end in `hearth chat`.
//!
//! The committed request head (`models/request-head.json`) is used as Hearth uses it; the
//! public corpora (`scripts/setup --test-data`) are needed for the head's tests: other people's
//! ordinary talk on the blind splits taken as a request, and retraining that reproduces the
//! committed head's decisions. Embeddings are kept between runs in
//! `~/.cache/hearth/embeddings-minilm-requests.bin`.
//!
//! `cargo test --release --test tests requests:: -- --nocapture` prints the report;
//! `... requests::choose_thresholds -- --ignored --nocapture` sweeps the threshold and margin on
//! the own table only; `... requests::train_request_head -- --ignored --nocapture` retrains the
//! head and chooses its policy (never on the blind table or a blind split).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use hearth::engine::dialogue::intent;
use hearth::engine::dialogue::prompts::Prompts;
use hearth::engine::dialogue::understand::{self, RequestReader};
use hearth::engine::safety::semantic::{EncodeError, SentenceEncoder};

use crate::common::{root, temp_dir};

/// The real encoder, remembering what it embedded (the sweep reads each row many times; the
/// property test in `spoken` builds an engine, which embeds the exemplars, for every case).
#[derive(Debug)]
pub(crate) struct Remembering {
    inner: hearth::encoder::MiniLm,
    seen: Mutex<HashMap<String, Vec<f32>>>,
}

impl Remembering {
    /// The real encoder, remembering nothing yet.
    pub(crate) fn new() -> Self {
        Remembering {
            inner: encoder(),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Remembering `texts` (normalised) with their `embeddings` already.
    fn with(texts: &[String], embeddings: &[Vec<f32>]) -> Self {
        Remembering {
            inner: encoder(),
            seen: Mutex::new(
                texts
                    .iter()
                    .map(|t| understand_text(t))
                    .zip(embeddings.iter().cloned())
                    .collect(),
            ),
        }
    }
}

/// The form the reader embeds.
fn understand_text(t: &str) -> String {
    hearth::engine::dialogue::text::normalize(t)
}

impl SentenceEncoder for Remembering {
    fn name(&self) -> &str {
        self.inner.name()
    }

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

/// Print a score; `with_misses` only for tables that may be read (never the blind one: seeing its
/// misses on every run is how a blind table stops being blind).
fn report(name: &str, s: &Score, with_misses: bool) {
    println!(
        "\n{name}: {}/{} right ({:.1} %)",
        s.right,
        s.total,
        100.0 * s.accuracy()
    );
    for (class, (r, t)) in &s.per_class {
        println!("  {class:<22} {r:>3}/{t:<3}");
    }
    if with_misses && !s.misses.is_empty() {
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
    let reader = RequestReader::for_prompts(&encoder, &prompts)
        .expect("prompts/requests.toml turns the reading on");
    println!(
        "{} exemplars embedded in {} ms; threshold {}, margin {}; head {:?}",
        reader.len(),
        started.elapsed().as_millis(),
        reader.threshold(),
        reader.margin(),
        reader.head().map(|h| h.policy)
    );
    assert!(
        reader.head().is_some(),
        "the committed request head is used"
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
    report("own (requests.tsv)", &own_score, true);
    report("blind (requests-blind.tsv)", &blind_score, false);
    println!("\nreading one utterance (rules + encoder): {per_row:.1} ms on average");
    // The issue's own negatives are never requests.
    for text in [
        "My breathing was fine at the doctor's.",
        "I looked back on today's game.",
    ] {
        assert_eq!(read(text, &prompts, &reader), "none", "{text}");
    }
    // A flow asked for by its name, however garbled the rest (CI heard "can we" as "and we"
    // and the head vetoed it as talk).
    for text in [
        "and we do some box breathing",
        "um the evening reflection i guess",
    ] {
        assert_ne!(read(text, &prompts, &reader), "none", "{text}");
    }
    // Not yet zero (see FALSE_REQUESTS): must not get worse.
    assert!(
        own_score.false_requests.len() <= FALSE_REQUESTS.0
            && blind_score.false_requests.len() <= FALSE_REQUESTS.1,
        "ordinary talk taken as a request: own {:?}, blind {} lines",
        own_score.false_requests,
        blind_score.false_requests.len()
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
/// misses fix that table, not new wordings. With the trained head (`models/request-head.json`,
/// trained and its policy chosen without the blind table) it measured 156/171 = 0.912 on
/// 2026-12-05, once; 15 misses remain, mostly one breathing flow read as another and requests
/// read as nothing. With 146 more exemplars, agreeing readings and the head retrained (policy
/// chosen on the own held-out rows, the development table and the calibration split) it
/// measured 159/171 = 0.930 on 2026-12-06, once, at the end of that round.
const BLIND_FLOOR: f64 = 0.92;

/// Ordinary talk taken as a request, own and blind (the goal is none). Measured on 2026-12-05
/// with the nearest exemplar alone: own 2 ("I ground the coffee beans", "She told me to calm
/// down": rule triggers), blind 8 of 39 (talk that mentions breath work, the ground, a body
/// scan at a hospital, a check-in at work, the weekly shop, and two lines about people
/// talking). With the trained head, the same day: none of either (the own table is trained on,
/// so its 0 says little; the blind table's 0 of 39 does).
const FALSE_REQUESTS: (usize, usize) = (0, 0);

/// The development table (`tests/data/requests-dev.tsv`, written to find what the reader misses
/// without reading the blind table; never trained on) and the own table's rows the head's
/// policy is chosen on, with their misses. Never reads the blind table.
#[test]
#[ignore = "a development report; prints, asserts nothing"]
fn dev_report() {
    let prompts = prompts();
    let encoder: Arc<dyn SentenceEncoder> = Arc::new(encoder());
    let reader = RequestReader::for_prompts(&encoder, &prompts).unwrap();
    let own = table("requests.tsv");
    let held_out: Vec<(String, String)> = own
        .iter()
        .filter(|(_, t)| Split::of(t) != Split::Train)
        .cloned()
        .collect();
    let dev = score(&table("requests-dev.tsv"), &prompts, &reader);
    report("dev (requests-dev.tsv)", &dev, true);
    println!("  the dev misses' readings (nearest exemplar; head):");
    for (_, _, t) in &dev.misses {
        if let Ok(Some((n, h))) = reader.readings(t) {
            println!(
                "    {t}: {} {:.2} lead {:.2}; {:?}",
                n.label,
                n.score,
                n.lead(),
                h.map(|h| (h.request, (h.p * 100.0).round(), (h.none * 100.0).round()))
            );
        }
    }
    report(
        "own held-out rows (requests.tsv)",
        &score(&held_out, &prompts, &reader),
        true,
    );
    report("own (requests.tsv)", &score(&own, &prompts, &reader), true);
    // Other people's talk on the corpora's calibration split (never the blind one).
    let b = bench();
    let reader = b.reader(&prompts, RequestHead::builtin().ok());
    let (f, n) = false_requests(&b.calibration, &prompts, &reader);
    println!("\ncalibration split: {}/{n} taken as a request", f.len());
    for (got, text) in &f {
        println!("    {got}: {text}");
    }
}

/// The threshold and margin in `prompts/requests.toml` were chosen here, on the own table only:
/// the most rows right with no ordinary talk taken as a request.
#[test]
#[ignore = "a sweep for choosing thresholds; prints, asserts nothing"]
fn choose_thresholds() {
    let prompts = prompts();
    let encoder: Arc<dyn SentenceEncoder> = Arc::new(Remembering::new());
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

// ---- The trained head ----

use hearth::corpora::EmbeddingCache;
use hearth::engine::dialogue::request_head::{Policy, RequestHead};
use hearth::engine::safety::calibrate::Split;
use hearth::request_training::{self as training, Example};

/// Embeddings kept between runs (keyed by the encoder's hash and each normalised text), as
/// `hearth safety train` keeps its own.
fn cache() -> EmbeddingCache {
    let id = hearth::speech::assets::sha256_file(&root().join("models/minilm/model.safetensors"))
        .unwrap();
    EmbeddingCache::open(
        hearth::corpora::cache_dir().join("embeddings-minilm-requests.bin"),
        &id,
    )
}

/// Every line the head learns from or is judged on, embedded once for this binary: the
/// exemplars, the own table, and the train, calibration and blind splits of the ordinary
/// public sources (an even spread of at most 2,000 lines of each per split).
struct Bench {
    labels: Vec<String>,
    /// Exemplars and own table rows.
    own: Vec<Example>,
    train: Vec<Example>,
    calibration: Vec<Example>,
    blind: Vec<Example>,
    encoder: Arc<Remembering>,
    embeddings: HashMap<String, Vec<f32>>,
}

fn bench() -> &'static Bench {
    static BENCH: std::sync::OnceLock<Bench> = std::sync::OnceLock::new();
    BENCH.get_or_init(|| {
        let prompts = prompts();
        let labels = training::labels(&prompts);
        let mut own = training::exemplars(&prompts);
        own.extend(
            training::table(&root().join(training::OWN_TABLE), "own/requests", &labels).unwrap(),
        );
        let per = training::LINES_PER_SOURCE;
        let train = training::ordinary(&root(), Split::Train, per).unwrap();
        let calibration = training::ordinary(&root(), Split::Calibration, per).unwrap();
        let blind = training::ordinary(&root(), Split::Blind, per).unwrap();
        assert!(
            !train.is_empty(),
            "public corpora not installed: scripts/setup --test-data"
        );
        let all: Vec<Example> = own
            .iter()
            .chain(&train)
            .chain(&calibration)
            .chain(&blind)
            .cloned()
            .collect();
        let mut cache = cache();
        let started = Instant::now();
        let embs = training::embed(&all, &encoder(), &mut cache).unwrap();
        if let Err(e) = cache.save() {
            eprintln!("cannot save the embedding cache: {e}");
        }
        println!(
            "{} lines embedded in {:.1} s",
            all.len(),
            started.elapsed().as_secs_f64()
        );
        let texts: Vec<String> = all.iter().map(|e| e.text.clone()).collect();
        let encoder = Arc::new(Remembering::with(&texts, &embs));
        let embeddings = texts.iter().map(|t| understand_text(t)).zip(embs).collect();
        Bench {
            labels,
            own,
            train,
            calibration,
            blind,
            encoder,
            embeddings,
        }
    })
}

impl Bench {
    fn embeddings_of(&self, examples: &[Example]) -> Vec<Vec<f32>> {
        examples
            .iter()
            .map(|e| self.embeddings[&understand_text(&e.text)].clone())
            .collect()
    }

    /// A head trained on `examples`.
    fn train(&self, examples: &[Example], policy: Policy) -> RequestHead {
        training::train_request_head(
            &self.labels,
            examples,
            &self.embeddings_of(examples),
            policy,
            hearth::encoder::ENCODER_NAME,
        )
        .unwrap()
    }

    /// The committed head's training set: exemplars, the whole own table, the corpora's train
    /// split.
    fn committed_training_set(&self) -> Vec<Example> {
        self.own.iter().chain(&self.train).cloned().collect()
    }

    fn reader(&self, prompts: &Prompts, head: Option<RequestHead>) -> RequestReader {
        let encoder: Arc<dyn SentenceEncoder> = self.encoder.clone();
        let r = RequestReader::new(encoder, prompts.request_examples())
            .unwrap()
            .unwrap();
        match head {
            Some(h) => r.with_head(h),
            None => r,
        }
    }
}

/// Whether a reading starts something (an exercise, a log, listening mode...): anything but
/// nothing, a command, a greeting or thanks.
fn is_request(label: &str) -> bool {
    !matches!(label, "none" | "command" | "greeting" | "thanks")
}

/// Ordinary lines read as a request, and how many were read.
fn false_requests<'a>(
    lines: &'a [Example],
    prompts: &Prompts,
    reader: &RequestReader,
) -> (Vec<(String, &'a str)>, usize) {
    let mut out = Vec::new();
    for e in lines {
        let got = read(&e.text, prompts, reader);
        if is_request(&got) {
            out.push((got, e.text.as_str()));
        }
    }
    (out, lines.len())
}

/// The policies tried: the head's request threshold, its veto of the nearest exemplar, its
/// veto of the rules' flows and wishes to talk, and the head's probability at which a request both
/// readings name is taken (2.0: never).
fn policies() -> Vec<Policy> {
    let mut out = Vec::new();
    for request in [0.7, 0.8, 0.85, 0.9, 2.0] {
        for veto in [0.5, 0.7, 2.0] {
            for rule_veto in [0.6, 0.7, 0.8, 0.9, 2.0] {
                for agree in [0.6, 0.75, 2.0] {
                    out.push(Policy {
                        request,
                        veto,
                        rule_veto,
                        agree,
                    });
                }
            }
        }
    }
    out
}

/// Retrain `models/request-head.json` and choose its policy. The policy is chosen with a head
/// trained on the exemplars, the own table's train split and the corpora's train split, judged
/// on the own table's other rows, the development table (`requests-dev.tsv`, never trained on)
/// and the corpora's calibration split: the most rows right among the policies that take no
/// more calibration lines as requests than the best policy does plus 0.1 % of them, and no
/// more `none` rows than the fewest any policy takes. The committed head is then trained on the
/// whole own table with that policy. Never reads the blind table or any blind split.
#[test]
#[ignore = "retrains models/request-head.json (a minute or two); prints the policy sweep"]
fn train_request_head() {
    let b = bench();
    let prompts = prompts();
    let selection_set: Vec<Example> = b
        .own
        .iter()
        .filter(|e| e.split == Split::Train)
        .chain(&b.train)
        .cloned()
        .collect();
    let held_out: Vec<(String, String)> = table("requests.tsv")
        .into_iter()
        .filter(|(_, t)| Split::of(t) != Split::Train)
        .chain(table("requests-dev.tsv"))
        .collect();
    let started = Instant::now();
    let first = Policy {
        request: 2.0,
        veto: 2.0,
        rule_veto: 2.0,
        agree: 2.0,
    };
    let head = b.train(&selection_set, first);
    println!(
        "selection head trained on {} lines in {:.1} s; judged on {} own rows and {} calibration lines",
        selection_set.len(),
        started.elapsed().as_secs_f64(),
        held_out.len(),
        b.calibration.len()
    );
    let base = b.reader(&prompts, None);
    let s = score(&held_out, &prompts, &base);
    let (f, n) = false_requests(&b.calibration, &prompts, &base);
    println!(
        "nearest exemplar alone: own held-out {}/{}, own none taken {}, calibration {}/{} taken as requests",
        s.right,
        s.total,
        s.false_requests.len(),
        f.len(),
        n
    );
    let mut results = Vec::new();
    for p in policies() {
        let reader = b.reader(&prompts, Some(head.clone())).with_policy(p);
        let s = score(&held_out, &prompts, &reader);
        let (f, n) = false_requests(&b.calibration, &prompts, &reader);
        println!(
            "{p:?}: own held-out {}/{}, own none taken {}, calibration {}/{n} taken",
            s.right,
            s.total,
            s.false_requests.len(),
            f.len()
        );
        results.push((p, s.right, s.false_requests.len(), f.len(), n));
    }
    let least = results.iter().map(|r| r.3).min().unwrap_or(0);
    let fewest_none = results.iter().map(|r| r.2).min().unwrap_or(0);
    let n = results.first().map_or(1, |r| r.4);
    let chosen = results
        .iter()
        .filter(|r| r.2 == fewest_none && r.3 * 1000 <= least * 1000 + n)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.3.cmp(&a.3)))
        .or_else(|| results.iter().max_by_key(|r| r.1))
        .map(|r| r.0)
        .unwrap();
    println!("chosen: {chosen:?}");
    let head = b.train(&b.committed_training_set(), chosen);
    let out = root().join("models/request-head.json");
    std::fs::write(&out, head.to_json()).unwrap();
    println!("wrote {}", out.display());
}

/// Retraining on the same data reproduces the committed head's decisions: the same training
/// set (`trained_on`), the same policy, and (the encoder and the fit run on the CPU's vector
/// units, whose summation order differs between processors) no more than 0.5 % of the
/// decisions on the own table and the corpora's calibration split changed.
#[test]
fn retraining_reproduces_the_committed_request_head() {
    let b = bench();
    let prompts = prompts();
    let committed = RequestHead::builtin().unwrap();
    let head = b.train(&b.committed_training_set(), committed.policy);
    assert_eq!(head.trained_on, committed.trained_on);
    assert_eq!(head.labels, committed.labels);
    let again = b.reader(&prompts, Some(head));
    let shipped = b.reader(&prompts, Some(committed));
    let lines: Vec<&str> = table("requests.tsv")
        .iter()
        .map(|(_, t)| t.clone())
        .chain(b.calibration.iter().map(|e| e.text.clone()))
        .collect::<Vec<String>>()
        .leak()
        .iter()
        .map(String::as_str)
        .collect();
    let differ: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|t| read(t, &prompts, &again) != read(t, &prompts, &shipped))
        .collect();
    println!("{} of {} decisions differ", differ.len(), lines.len());
    assert!(
        differ.len() * 200 <= lines.len(),
        "{} decisions differ: retrain with `requests::train_request_head`: {differ:?}",
        differ.len()
    );
}

/// Other people's ordinary talk taken as a request, on the blind splits of the public
/// ordinary sources (never trained on, never used to choose; chit-chat between people is blind
/// as a whole), per source and in all.
#[test]
fn ordinary_talk_is_not_taken_as_a_request() {
    let b = bench();
    let prompts = prompts();
    let reader = b.reader(&prompts, RequestHead::builtin().ok());
    assert!(reader.head().is_some());
    let base = b.reader(&prompts, None);
    let mut by_source: BTreeMap<&str, Vec<Example>> = BTreeMap::new();
    for e in &b.blind {
        by_source
            .entry(e.source.as_str())
            .or_default()
            .push(e.clone());
    }
    let mut taken = 0;
    let mut before = 0;
    for (source, lines) in &by_source {
        let (f, n) = false_requests(lines, &prompts, &reader);
        let (f0, _) = false_requests(lines, &prompts, &base);
        println!(
            "{source:<22} {:>4}/{n:<5} {:.2} % taken as a request ({:.2} % by the nearest exemplar alone)",
            f.len(),
            100.0 * f.len() as f64 / n as f64,
            100.0 * f0.len() as f64 / n as f64
        );
        for (got, text) in f.iter().take(12) {
            println!("    {got}: {text}");
        }
        taken += f.len();
        before += f0.len();
    }
    let rate = taken as f64 / b.blind.len() as f64;
    println!(
        "all {} blind lines: {taken} taken as a request ({:.2} %; {before}, {:.2} %, by the nearest exemplar alone)",
        b.blind.len(),
        100.0 * rate,
        100.0 * before as f64 / b.blind.len() as f64
    );
    assert!(b.blind.len() >= 5_000, "{} blind lines", b.blind.len());
    assert!(rate <= CORPUS_FALSE_REQUESTS, "{:.4}", rate);
}

/// Share of the blind ordinary lines taken as a request: measured on 2026-12-05 as 13 of 7,275
/// (0.18 %; chit-chat 3 of 2,000, The Office 7 of 2,000, chatterbot 3 of 466, tweets, news and
/// film reviews none), against 179 (2.46 %) by the nearest exemplar alone. What remains is mostly
/// talk that says the words of a request to someone else ("I need to talk to you", "Let's just
/// calm down", "Can you breathe okay?"). Then 14 (0.19 %) the same day, once three words or
/// fewer were never vetoed (a flow's name said alone, "evening reflection", had been dropped as
/// talk): the new one is The Office's "Keep talking.", read as a wish to talk. On 2026-12-06,
/// with agreeing readings, "talk" needing an ask and the head's veto of rules' summaries: 14
/// (0.19 %) again; 85 (1.17 %) by the nearest exemplar alone.
const CORPUS_FALSE_REQUESTS: f64 = 0.0020;
