//! Understanding requests however they are worded: "could you walk me through some breathing",
//! "I'd like to look back on today", "put me down as a five".
//!
//! The rules ([`super::intent`]) are precise and win whenever they match. When they find
//! nothing, the utterance is embedded with the sentence encoder (the safety screen's
//! [`SentenceEncoder`] seam; the engine never loads a model) and compared by cosine with
//! exemplar wordings of every request: the flows' `examples` and `prompts/requests.toml`,
//! embedded once when the prompts are handed to the engine ([`RequestReader::new`]). The nearest
//! exemplar's request is taken only when it is close enough (`threshold`) and leads the nearest
//! exemplar of any other request by `margin`; both are chosen on Hearth's own paraphrase table
//! (`tests/data/requests.tsv`), never on the blind one. Exemplars of `none` (ordinary talk that
//! shares words with requests: "my breathing was fine at the doctor's") pull such talk away from
//! the requests.
//!
//! One exception to the rules winning: a flow found only by a one-word trigger ("breathing",
//! "reflection", "sighing") is what the encoder clearly reads instead, when it does (by the
//! same threshold and margin): such words turn up in talk about other things ("my breathing
//! was fine at the doctor's", read as nothing) and in asking for a more particular flow ("a
//! breathing for sleep", read as 4-7-8 breathing). Longer triggers always win.
//!
//! A trained head over the same embedding ([`RequestHead`], which has also seen thousands of
//! lines of other people's ordinary talk) joins both: its request is taken when it is sure
//! (`policy.request`); a clear nearest exemplar is dropped when the head reads ordinary talk
//! (`policy.veto`); and a flow or a wish to talk that the rules found is dropped when the head
//! reads ordinary talk strongly (`policy.rule_veto`: "she told me to calm down and it made me
//! angrier", "the ground was soaking after all that rain"; a mood summary or the plan read
//! back the same way). Two readings that agree count: a request the head and the nearest
//! exemplar both name is taken at lower bars (`policy.agree`), and another request both name
//! clearly wins over a rules' reading found by words other requests share ("a breath exercise
//! to get back to sleep" is 4-7-8 breathing, not the "breathing exercise" of box breathing).
//! The policy was chosen on the own table's held-out rows, the development table and the
//! corpora's calibration split; without a head the reading is as before.
//!
//! What the encoder reads is never a deletion: a `forget` reading becomes
//! [`Request::ForgetUnsupported`], which says what Hearth can delete and how to ask. The engine
//! consults this reading only outside flows and never when the safety screen heard risk.

use super::intent::{self, Request};
use super::mood::parse_mood;
use super::prompts::{Prompts, RequestExamples};
use super::request_head::{HeadReading, Policy, RequestHead, AGREE_FLOOR};
use super::text::normalize;
use crate::engine::safety::semantic::{EncodeError, SentenceEncoder};
use std::sync::Arc;

/// What a person asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Understood {
    Request(Request),
    /// "Can we just talk": listening mode.
    Listen,
}

/// The nearest exemplar of an utterance, and the nearest one of another request.
#[derive(Debug, Clone, PartialEq)]
pub struct Nearest {
    pub label: String,
    pub score: f32,
    /// The runner-up request and its best similarity (none when every exemplar is one request).
    pub runner_up: Option<(String, f32)>,
}

impl Nearest {
    /// How far the nearest request leads the next one.
    pub fn lead(&self) -> f32 {
        self.score - self.runner_up.as_ref().map_or(0.0, |r| r.1)
    }
}

/// Exemplar embeddings of every request, and the thresholds that make a reading a request.
pub struct RequestReader {
    encoder: Arc<dyn SentenceEncoder>,
    labels: Vec<String>,
    embeddings: Vec<Vec<f32>>,
    threshold: f32,
    margin: f32,
    /// The trained head, when it is used (see [`RequestReader::with_head`]).
    head: Option<RequestHead>,
}

impl std::fmt::Debug for RequestReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestReader")
            .field("exemplars", &self.labels.len())
            .field("threshold", &self.threshold)
            .field("margin", &self.margin)
            .field("head", &self.head.as_ref().map(|h| h.policy))
            .finish()
    }
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    // The encoder's embeddings are unit length; stay correct if one is not.
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

impl RequestReader {
    /// Embed every exemplar once. `Ok(None)` when the prompts turn the reading off (no
    /// `requests.toml`, so no thresholds) or name no exemplars.
    pub fn new(
        encoder: Arc<dyn SentenceEncoder>,
        examples: &RequestExamples,
    ) -> Result<Option<Self>, EncodeError> {
        let Some(threshold) = examples.threshold else {
            return Ok(None);
        };
        if examples.examples.is_empty() {
            return Ok(None);
        }
        let texts: Vec<String> = examples
            .examples
            .iter()
            .map(|(_, t)| normalize(t))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let embeddings = encoder.embed_batch(&refs)?;
        Ok(Some(RequestReader {
            encoder,
            labels: examples.examples.iter().map(|(l, _)| l.clone()).collect(),
            embeddings,
            threshold,
            margin: examples.margin,
            head: None,
        }))
    }

    /// Read with a trained head too (see [`understand`] for how the readings combine). A head
    /// trained on another encoder's embeddings, or that names a request no exemplar has
    /// (trained for other prompts), is not used.
    pub fn with_head(mut self, head: RequestHead) -> Self {
        if head.encoder != self.encoder.name() {
            tracing::debug!(head = %head.encoder, encoder = %self.encoder.name(), "the request head is for another encoder; not used");
            self.head = None;
            return self;
        }
        match head
            .labels
            .iter()
            .find(|l| *l != "none" && !self.labels.contains(l))
        {
            Some(l) => {
                tracing::warn!(label = %l, "the request head names a request the prompts lack; not used");
                self.head = None;
            }
            None => self.head = Some(head),
        }
        self
    }

    /// Another policy for the head (for choosing it on the own table and calibration split).
    pub fn with_policy(mut self, policy: Policy) -> Self {
        if let Some(h) = &mut self.head {
            h.policy = policy;
        }
        self
    }

    /// The head, when one is used.
    pub fn head(&self) -> Option<&RequestHead> {
        self.head.as_ref()
    }

    /// Built for a prompt set with the committed head, or `None` (with a warning) when the
    /// encoder fails. A committed head that cannot be read leaves the nearest exemplar alone.
    pub fn for_prompts(encoder: &Arc<dyn SentenceEncoder>, prompts: &Prompts) -> Option<Self> {
        match Self::new(encoder.clone(), prompts.request_examples()) {
            Ok(r) => r.map(|r| match shared_head() {
                Ok(h) => r.with_head(h.clone()),
                Err(e) => {
                    tracing::warn!(error = %e, "requests are read without the trained head");
                    r
                }
            }),
            Err(e) => {
                tracing::warn!(error = %e, "requests are read by the rules only");
                None
            }
        }
    }

    /// Another threshold and margin (for choosing them on the own table).
    pub fn with_thresholds(mut self, threshold: f32, margin: f32) -> Self {
        self.threshold = threshold;
        self.margin = margin;
        self
    }

    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    pub fn margin(&self) -> f32 {
        self.margin
    }

    /// Number of exemplars.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The nearest exemplar's request of an utterance and the runner-up request.
    pub fn nearest(&self, text: &str) -> Result<Option<Nearest>, EncodeError> {
        let norm = normalize(text);
        if norm.trim().is_empty() {
            return Ok(None);
        }
        let e = self.encoder.embed(&norm)?;
        Ok(self.nearest_to(&e))
    }

    /// [`nearest`](Self::nearest) for an embedding already made.
    pub fn nearest_to(&self, e: &[f32]) -> Option<Nearest> {
        // Best similarity per request.
        let mut best: Vec<(&str, f32)> = Vec::new();
        for (label, x) in self.labels.iter().zip(&self.embeddings) {
            let s = cosine(e, x);
            match best.iter_mut().find(|(l, _)| *l == label.as_str()) {
                Some(b) if s > b.1 => b.1 = s,
                Some(_) => {}
                None => best.push((label, s)),
            }
        }
        best.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (label, score) = *best.first()?;
        Some(Nearest {
            label: label.to_string(),
            score,
            runner_up: best.get(1).map(|(l, s)| (l.to_string(), *s)),
        })
    }

    /// The request a reading names, if it is close enough and clear enough.
    pub fn decide<'a>(&self, n: &'a Nearest) -> Option<&'a str> {
        (self.clear(n) && n.label != "none").then_some(n.label.as_str())
    }

    /// Whether a reading is close and clear enough to act on (a request, or `none`).
    pub fn clear(&self, n: &Nearest) -> bool {
        n.score >= self.threshold && n.lead() >= self.margin
    }

    /// Both readings of an utterance: the nearest exemplar, and the head's (when there is a
    /// head). `Ok(None)` for an empty utterance.
    pub fn readings(
        &self,
        text: &str,
    ) -> Result<Option<(Nearest, Option<HeadReading>)>, EncodeError> {
        let norm = normalize(text);
        if norm.trim().is_empty() {
            return Ok(None);
        }
        let e = self.encoder.embed(&norm)?;
        // An embedding of another length is another encoder's: the head cannot read it.
        let head = self
            .head
            .as_ref()
            .filter(|_| e.len() == super::request_head::EMBEDDING_DIM)
            .map(|h| h.read(&e));
        Ok(self.nearest_to(&e).map(|n| (n, head)))
    }

    /// The label the readings choose, when nothing else has: the head's request when it is
    /// sure enough; else the nearest exemplar's clear request unless the head reads ordinary
    /// talk strongly enough to veto it; else nothing.
    pub fn combine<'a>(&self, n: &'a Nearest, h: Option<&'a HeadReading>) -> Option<&'a str> {
        let (Some(h), Some(head)) = (h, &self.head) else {
            return self.decide(n);
        };
        if h.p >= head.policy.request && h.p > h.none {
            return Some(h.request.as_str());
        }
        if let Some(l) = self.decide(n).filter(|_| h.none < head.policy.veto) {
            return Some(l);
        }
        self.agreed(n, h)
    }

    /// The request both readings name, when the head gives it `policy.agree` (and more than
    /// ordinary talk) and the nearest exemplar is at least [`AGREE_FLOOR`] similar: two
    /// readings that agree, though neither is sure enough alone ("i need something to bring
    /// me back down to earth").
    fn agreed<'a>(&self, n: &'a Nearest, h: &'a HeadReading) -> Option<&'a str> {
        let head = self.head.as_ref()?;
        (n.label == h.request && h.p >= head.policy.agree && h.p > h.none && n.score >= AGREE_FLOOR)
            .then_some(h.request.as_str())
    }

    /// Another request that both readings name clearly (the head sure of it, the nearest
    /// exemplar clear and the same), for a reading of the rules found by words that also
    /// belong to other requests: "a breath exercise to get back to sleep" (4-7-8 breathing,
    /// not the "breathing exercise" of box breathing), "how am i doing today can we check"
    /// (a check-in, not the summary). `found` is the rules' label.
    fn both_read_other(&self, text: &str, found: &str) -> Option<Understood> {
        let head = self.head.as_ref()?;
        let Ok(Some((n, Some(h)))) = self.readings(text) else {
            return None;
        };
        (h.request != found
            && h.request == n.label
            && h.p >= head.policy.request
            && h.p > h.none
            && self.clear(&n))
        .then(|| from_label(&h.request, text))
        .flatten()
    }

    /// What the encoder reads `text` as asking for, if anything. An encoder failure reads as
    /// nothing (the rules have already had their say).
    pub fn read(&self, text: &str) -> Option<Understood> {
        match self.readings(text) {
            Ok(Some((n, h))) => self
                .combine(&n, h.as_ref())
                .and_then(|l| from_label(l, text)),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "request reading unavailable");
                None
            }
        }
    }

    /// What a flow found only by a one-word trigger becomes: nothing when the head reads
    /// ordinary talk strongly enough to veto the rules; the head's request when it is sure
    /// enough; the flow when the nearest exemplar clearly reads it too; the nearest exemplar's
    /// clear reading (another request the head does not veto, or `none`); else the flow.
    fn instead_of_one_word(&self, text: &str, flow: String) -> Option<Understood> {
        let Ok(Some((n, h))) = self.readings(text) else {
            return Some(Understood::Request(Request::Flow(flow)));
        };
        if let (Some(h), Some(head)) = (&h, &self.head) {
            if h.none >= head.policy.rule_veto && !too_short_to_veto(text) {
                return None;
            }
            if h.p >= head.policy.request && h.p > h.none {
                return from_label(&h.request, text);
            }
        }
        if self.clear(&n) {
            // The rules and the nearest exemplar agree: only the rules' veto drops it.
            if n.label == flow {
                return Some(Understood::Request(Request::Flow(flow)));
            }
            if n.label == "none" || self.combine(&n, h.as_ref()).is_some() {
                return from_label(&n.label, text);
            }
            return None;
        }
        Some(Understood::Request(Request::Flow(flow)))
    }

    /// Whether the head reads `text` as ordinary talk strongly enough to drop a flow or a
    /// wish to talk that the rules found (never, without a head or on an encoder failure).
    fn vetoes_rules(&self, text: &str) -> bool {
        let Some(head) = &self.head else {
            return false;
        };
        if too_short_to_veto(text) {
            return false;
        }
        match self.readings(text) {
            Ok(Some((_, Some(h)))) => h.none >= head.policy.rule_veto,
            _ => false,
        }
    }
}

/// A flow's name said on its own ("evening reflection", "box breathing please") is asked of
/// Hearth, not talk that mentions it: the head's veto is for sentences, never for three words
/// or fewer (`listening::chat_consent_...` said "evening reflection" and was vetoed).
/// Fillers ("um the resident breathing") do not count.
fn too_short_to_veto(text: &str) -> bool {
    const FILLERS: &[&str] = &[
        "um", "uh", "er", "erm", "hmm", "mm", "ah", "oh", "so", "well", "ok", "okay", "please",
    ];
    crate::engine::words::words(text)
        .iter()
        .filter(|w| !FILLERS.contains(&w.as_str()))
        .count()
        <= 3
}

/// Whether the word "talk" (or "chat", "vent") comes with a wish or an ask of the speaker's:
/// "can we just talk", "i'd like to talk about my day", not "we'll talk" or "i'll talk to you
/// tomorrow" (the encoder reads those).
fn asks_to_talk(text: &str) -> bool {
    let n = format!(" {} ", normalize(text));
    [
        " can i ",
        " can we ",
        " could i ",
        " could we ",
        " may i ",
        " i want ",
        " i need ",
        " i wanna ",
        " id like ",
        " i would like ",
        " i d like ",
        " let me ",
        " lets ",
        " just ",
        " rather ",
        " i have to ",
        " i gotta ",
        " we need ",
        " we should ",
        " keep ",
    ]
    .iter()
    .any(|p| n.contains(p))
}

/// The committed request head, parsed once per process.
fn shared_head() -> Result<&'static RequestHead, &'static str> {
    static HEAD: std::sync::OnceLock<Result<RequestHead, String>> = std::sync::OnceLock::new();
    match HEAD.get_or_init(|| RequestHead::builtin().map_err(|e| e.to_string())) {
        Ok(h) => Ok(h),
        Err(e) => Err(e.as_str()),
    }
}

/// Whether the flow `name` matched `text` only by one-word triggers.
fn only_by_one_word(text: &str, name: &str, prompts: &Prompts) -> bool {
    let Some(flow) = prompts.flow(name) else {
        return false;
    };
    let words = intent::trigger_words(text);
    !flow.triggers.iter().any(|t| {
        let tw = intent::trigger_words(t);
        tw.len() > 1 && words.windows(tw.len()).any(|w| w == tw.as_slice())
    })
}

/// Whether `text` says the flow's own name (`box-breathing` as "box breathing"), when that name
/// has two words or more.
fn names_the_flow(text: &str, name: &str) -> bool {
    let name: Vec<&str> = name.split('-').collect();
    let words = crate::engine::words::words(text);
    name.len() > 1 && words.windows(name.len()).any(|w| w.iter().eq(name.iter()))
}

/// The request an exemplar label stands for (`text` carries the mood score, if said).
fn from_label(label: &str, text: &str) -> Option<Understood> {
    Some(match label {
        "none" => return None,
        "listen" => Understood::Listen,
        "log_mood" => Understood::Request(Request::LogMood(normalize(text))),
        "mood_summary" => Understood::Request(Request::MoodSummary),
        "safety_plan" => Understood::Request(Request::ReadSafetyPlan),
        // Never a deletion on a statistical reading: say what can be deleted, and how.
        "forget" => Understood::Request(Request::ForgetUnsupported),
        flow => Understood::Request(Request::Flow(flow.to_string())),
    })
}

/// What an utterance said outside a flow asks for: the rules first (a request by its trigger
/// words, then a wish to talk), then the encoder's reading when `reader` is given. Commands are
/// not read here (the engine hears them before).
pub fn understand(
    text: &str,
    prompts: &Prompts,
    reader: Option<&RequestReader>,
) -> Option<Understood> {
    let rules = intent::request(
        text,
        prompts
            .flows()
            .map(|f| (f.name.as_str(), f.triggers.as_slice())),
    );
    match (rules, reader) {
        // A one-word trigger ("breathing", "reflection") also turns up in talk about other
        // things ("my breathing was fine at the doctor's") and in asking for a more particular
        // flow ("a breathing for sleep"): there, a clear reading of the encoder decides.
        // A flow named by its own name of two words or more ("box breathing", "evening
        // reflection") is asked for, however the rest was heard: the head's veto once dropped
        // "Hey Hearth and we do some box breathing" (Whisper's "can" heard as "and").
        (Some(Request::Flow(name)), _) if names_the_flow(text, &name) => {
            return Some(Understood::Request(Request::Flow(name)));
        }
        (Some(Request::Flow(name)), Some(r)) if only_by_one_word(text, &name, prompts) => {
            return r.instead_of_one_word(text, name);
        }
        (Some(Request::Flow(name)), Some(r)) => {
            if r.vetoes_rules(text) {
                return None;
            }
            if let Some(other) = r.both_read_other(text, &name) {
                return Some(other);
            }
            return Some(Understood::Request(Request::Flow(name)));
        }
        (Some(found @ (Request::MoodSummary | Request::ReadSafetyPlan)), Some(r)) => {
            // "how am i doing as your desk mate": talk, as the head hears it.
            if r.vetoes_rules(text) {
                return None;
            }
            let l = label(Some(&Understood::Request(found.clone())));
            return r
                .both_read_other(text, &l)
                .or(Some(Understood::Request(found)));
        }
        (Some(r), _) => return Some(Understood::Request(r)),
        (None, _) => {}
    }
    if prompts.lexicon().starts_listening(text) || intent::wants_to_talk(text) && asks_to_talk(text)
    {
        if let Some(r) = reader {
            if r.vetoes_rules(text) {
                return None;
            }
            // "Talk" alone also asks for what is to be talked about ("could we talk about
            // what went well today"): another request both readings name clearly wins.
            if !prompts.lexicon().starts_listening(text) {
                if let Some(other) = r.both_read_other(text, "listen") {
                    return Some(other);
                }
            }
        }
        return Some(Understood::Listen);
    }
    reader.and_then(|r| r.read(text))
}

/// A short name for what was understood, as the paraphrase tables write it: a flow's name,
/// `log_mood` (`log_mood:6` with a score), `mood_summary`, `safety_plan`, `forget`, `listen`,
/// `greeting`, `thanks`, or `none`.
pub fn label(u: Option<&Understood>) -> String {
    match u {
        None => "none".into(),
        Some(Understood::Listen) => "listen".into(),
        Some(Understood::Request(r)) => match r {
            Request::Flow(name) => name.clone(),
            Request::LogMood(rest) => match parse_mood(rest).score {
                Some(s) => format!("log_mood:{s}"),
                None => "log_mood".into(),
            },
            Request::MoodSummary => "mood_summary".into(),
            Request::ReadSafetyPlan => "safety_plan".into(),
            Request::Forget(_) | Request::ForgetUnsupported => "forget".into(),
            Request::Greeting => "greeting".into(),
            Request::Thanks => "thanks".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy encoder: one dimension per known word, so sentences sharing words are near
    /// (padded with zeros to the real encoder's length, so a head can read it).
    #[derive(Debug)]
    struct Words;
    const VOCAB: &[&str] = &["breath", "calm", "mood", "five", "talk", "doctor", "fine"];
    impl SentenceEncoder for Words {
        fn embed(&self, text: &str) -> Result<Vec<f32>, EncodeError> {
            let mut v = vec![0f32; crate::engine::dialogue::request_head::EMBEDDING_DIM];
            v[VOCAB.len()] = 0.1;
            for w in text.split(' ') {
                if let Some(i) = VOCAB.iter().position(|k| w.starts_with(k)) {
                    v[i] += 1.0;
                }
            }
            Ok(v)
        }
        fn name(&self) -> &str {
            "words"
        }
    }

    fn reader() -> RequestReader {
        let ex = |l: &str, t: &str| (l.to_string(), t.to_string());
        let examples = RequestExamples {
            examples: vec![
                ex("box-breathing", "help me breathe and calm"),
                ex("log_mood", "my mood is a five"),
                ex("listen", "can we talk"),
                ex("none", "the doctor said i was fine"),
            ],
            threshold: Some(0.6),
            margin: 0.05,
        };
        match RequestReader::new(Arc::new(Words), &examples) {
            Ok(Some(r)) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nearest_exemplar_with_threshold_and_margin() {
        let r = reader();
        assert_eq!(
            r.read("Breathe with me, I need to calm down"),
            Some(Understood::Request(Request::Flow("box-breathing".into())))
        );
        assert_eq!(r.read("talk to me"), Some(Understood::Listen));
        // Nearest to ordinary talk: not a request.
        assert_eq!(r.read("the doctor said fine"), None);
        // Far from everything.
        assert_eq!(r.read("purple elephants"), None);
        // Halfway between two requests: no clear lead.
        assert_eq!(r.with_thresholds(0.1, 0.2).read("breath mood"), None);
    }

    #[test]
    fn a_mood_reading_keeps_the_score_and_forget_never_deletes() {
        assert_eq!(
            label(from_label("log_mood", "put me down as a five").as_ref()),
            "log_mood:5"
        );
        assert_eq!(
            from_label("forget", "wipe the slate"),
            Some(Understood::Request(Request::ForgetUnsupported))
        );
        assert_eq!(from_label("none", "hello"), None);
    }

    #[test]
    fn the_head_decides_sure_requests_and_vetoes_ordinary_talk() {
        use crate::engine::dialogue::request_head::EMBEDDING_DIM;
        // Hidden unit 0 reads "talk" (listen), unit 1 reads "doctor" (ordinary talk).
        let mut hw = vec![vec![0f32; EMBEDDING_DIM]; 2];
        hw[0][4] = 1.0;
        hw[1][5] = 1.0;
        let head = RequestHead {
            encoder: "words".into(),
            labels: vec!["none".into(), "listen".into(), "box-breathing".into()],
            policy: Policy {
                request: 0.8,
                veto: 0.7,
                rule_veto: 0.7,
                agree: 2.0,
            },
            trained_on: vec![],
            hidden_weights: hw,
            hidden_bias: vec![0.0; 2],
            weights: vec![vec![0.0, 10.0], vec![10.0, 0.0], vec![0.0, 0.0]],
            bias: vec![0.0; 3],
        };
        let r = reader().with_head(head.clone());
        assert!(r.head().is_some());
        assert_eq!(r.read("talk talk"), Some(Understood::Listen));
        // The nearest exemplar is box breathing, but the head reads ordinary talk.
        let plain = reader();
        assert!(plain.read("breathe calm doctor").is_some());
        assert_eq!(r.read("breathe calm doctor"), None);
        // A head for another encoder, or naming a request the exemplars lack, is not used.
        let mut other = head.clone();
        other.encoder = "all-MiniLM-L6-v2".into();
        assert!(reader().with_head(other).head().is_none());
        let mut other = head;
        other.labels[2] = "grounding".into();
        assert!(reader().with_head(other).head().is_none());
    }

    #[test]
    fn no_thresholds_no_reader() {
        let examples = RequestExamples {
            examples: vec![("listen".into(), "can we talk".into())],
            threshold: None,
            margin: 0.0,
        };
        assert!(matches!(
            RequestReader::new(Arc::new(Words), &examples),
            Ok(None)
        ));
    }
}
