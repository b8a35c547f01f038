//! The prompt set: every flow (`prompts/flows/*.toml`), the shared texts (`prompts/common.toml`)
//! and the safety scripts (`prompts/safety/`, loaded by the safety module), read and checked
//! together. Loading reports every problem found, each with its file and line, so that
//! `hearth prompts check` and a daemon reload give the same message.
//!
//! A flow file has a `kind`:
//! - `breathing`: `[[phases]]` (spoken `say` cue, `seconds`, optional `chime`) repeated for a
//!   number of cycles;
//! - `timed`: `[[cues]]` said once each, each lasting `seconds` (muscle relaxation);
//! - `conversation`: `[[steps]]` that ask something and listen for the answer, with a `purpose`
//!   saying what the answers become (a reflection, a mood entry, a check-in, a safety plan).

use super::plan::PlanField;
use super::reading::{AnswerKind, Lexicon};
use super::text::{placeholders, speech_ms};
use crate::engine::prompt_error::PromptError;
use crate::engine::safety::rules::RuleSet;
use crate::engine::safety::SafetyScripts;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// A soft tone played with a cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChimeKind {
    Inhale,
    Hold,
    Exhale,
    End,
}

/// What a flow's answers are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Timed breathing cues.
    Breathing,
    /// Timed spoken cues said once each (muscle relaxation).
    Relaxation,
    /// Evening reflection: answers are logged per step (their words only with consent).
    Reflection,
    /// Grounding: answers are listened to, not kept.
    Grounding,
    /// Mood check-in: a score, feelings and a note become a mood entry.
    Mood,
    /// Weekly check-in: PHQ-2 and GAD-2 items scored 0-3.
    Checkin,
    /// Safety plan builder.
    SafetyPlan,
}

/// What kind of answer a conversation step listens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Any words.
    #[default]
    Free,
    /// A mood from 0 to 10 (feelings and a note may come with it).
    MoodScore,
    /// Feeling words.
    Feelings,
    /// A note for the mood entry (only asked when the person keeps their words).
    Note,
    /// A PHQ/GAD frequency, 0-3.
    Frequency,
    /// A number of things named (grounding); `count` of them.
    Things,
}

/// A spoken cue with its duration (a breathing phase or a relaxation step).
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// Phrasings; for breathing, cycle `n` uses `say[min(n, len-1)]` (full cue first, then
    /// shorter ones), for timed cues one is picked by the variant.
    pub say: Vec<String>,
    /// Time from this cue to the next, before the pace factor.
    pub ms: u64,
    pub chime: Option<ChimeKind>,
}

/// A conversation step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    pub expect: Expect,
    pub say: Vec<String>,
    /// Acknowledgements after an answer (the common ones when empty).
    pub ack: Vec<String>,
    /// Acknowledgements chosen by what the answer carries (`[steps.acks]`); they may use
    /// `{words}`, the person's own words said back. Each kind has at least one phrasing
    /// without `{words}`. A phrasing that ends with a question keeps the step open once.
    pub acks: BTreeMap<AnswerKind, Vec<String>>,
    /// Skip this step when the answer to the step of this id carried nothing ("why did that
    /// happen?" after "nothing went well").
    pub follows: Option<String>,
    /// Said when the answer was not understood (the common ones when empty).
    pub clarify: Vec<String>,
    /// Said when fewer than `count` things were named (grounding).
    pub more: Vec<String>,
    pub timeout_ms: u64,
    pub count: u32,
    pub instrument: Option<String>,
    pub plan_field: Option<PlanField>,
    /// How the plan section is read back; contains `{answer}`.
    pub read_back: Option<String>,
    /// The answer carries a strength from nought to a hundred (a thought record's feeling):
    /// the number is kept even when words are not, and a second rating in the flow is said
    /// back with the first ("from eighty to forty-five").
    pub rating: bool,
}

/// What a flow consists of.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Spoken cues on exact timers; `repeat` for breathing cycles.
    Cues {
        cues: Vec<Cue>,
        repeat: bool,
        default_cycles: u32,
    },
    /// Questions and answers.
    Steps(Vec<Step>),
}

/// One flow, loaded from `prompts/flows/NAME.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub name: String,
    pub title: String,
    pub purpose: Purpose,
    pub triggers: Vec<String>,
    /// Free wordings of asking for this flow ("could you walk me through some breathing"),
    /// the sentence encoder's exemplars (see [`super::understand`]).
    pub examples: Vec<String>,
    pub intro: Vec<String>,
    pub closing: Vec<String>,
    pub body: Body,
}

impl Flow {
    /// Length of one breathing cycle (or the whole timed sequence) in ms, before pace.
    pub fn cycle_ms(&self) -> u64 {
        match &self.body {
            Body::Cues { cues, .. } => cues.iter().map(|c| c.ms).sum(),
            Body::Steps(_) => 0,
        }
    }
}

/// Flows the engine itself refers to (from `[flows]` in `common.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowLinks {
    /// Offered after a supportive reply ("would you like to breathe together?").
    pub support: String,
    /// Started by "log my mood" without a number.
    pub mood: String,
    /// Holds the safety plan's read-back texts.
    pub safety_plan: String,
}

/// The prompt files' texts, read by the shell (the engine never reads a file): each file's path
/// relative to the prompts folder (`common.toml`, `words.toml`, `flows/box-breathing.toml`,
/// `safety/crisis.toml`) and its contents. `dir` only names files in errors.
#[derive(Debug, Clone, Default)]
pub struct PromptSources {
    pub dir: PathBuf,
    pub files: BTreeMap<String, String>,
}

impl PromptSources {
    /// The path of `rel` for messages.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Test fixtures: the `*.toml` files under `dir`, read by the shell's reader.
    #[cfg(test)]
    pub(crate) fn read_for_test(dir: &Path) -> PromptSources {
        PromptSources {
            dir: dir.to_path_buf(),
            files: crate::fsutil::read_toml_tree(dir).unwrap_or_default(),
        }
    }
}

/// Every prompt Hearth speaks: flows, shared texts and the safety scripts; and the safety
/// rules the utterances are screened with (`safety/rules.toml`, `guards.toml`, `lexicon.toml`),
/// which are checked and reloaded with the rest.
#[derive(Debug, Clone)]
pub struct Prompts {
    dir: PathBuf,
    texts: BTreeMap<String, Vec<String>>,
    flows: BTreeMap<String, Flow>,
    links: FlowLinks,
    safety: SafetyScripts,
    rules: Arc<RuleSet>,
    lexicon: Lexicon,
    requests: RequestExamples,
}

/// Shared texts, with the placeholders each may use.
pub const COMMON_TEXTS: &[(&str, &[&str])] = &[
    ("greeting", &["name"]),
    ("menu", &[]),
    ("menu_short", &[]),
    ("help_in_flow", &[]),
    ("reprompt", &[]),
    ("flow_reprompt", &[]),
    ("flow_options", &[]),
    ("listen_gentle", &[]),
    ("moving_on", &[]),
    ("ack", &[]),
    ("paused", &[]),
    ("still_paused", &[]),
    ("resumed", &[]),
    ("stopped", &[]),
    ("stopped_idle", &[]),
    ("skipped", &[]),
    ("nothing_running", &[]),
    ("slower", &[]),
    ("faster", &[]),
    ("nothing_to_repeat", &[]),
    ("consent_question", &[]),
    ("consent_yes", &[]),
    ("consent_no", &[]),
    ("consent_unclear", &[]),
    ("consent_on", &[]),
    ("consent_off", &[]),
    ("support_offer", &["flow"]),
    ("offer_declined", &[]),
    ("listening", &[]),
    ("ask_risk", &[]),
    ("ask_risk_no", &[]),
    ("mood_ask_number", &[]),
    ("mood_tone_low", &[]),
    ("mood_tone_middling", &[]),
    ("mood_tone_high", &[]),
    ("mood_logged", &["score", "feelings"]),
    ("mood_logged_plain", &["score"]),
    ("mood_summary", &["count", "average", "trend"]),
    ("mood_summary_best", &["best_day"]),
    ("mood_summary_empty", &[]),
    ("trend_up", &[]),
    ("trend_down", &[]),
    ("trend_steady", &[]),
    ("safety_plan_intro", &[]),
    ("safety_plan_none", &[]),
    ("safety_plan_end", &[]),
    ("safety_unavailable", &[]),
    ("thanks", &[]),
    ("unknown_flow", &[]),
    ("mood_not_logged", &[]),
    ("safety_plan_empty", &[]),
    ("evening_offer", &[]),
    ("evening_offer_declined", &[]),
    ("not_saved", &[]),
    ("forget_confirm_all", &[]),
    ("forget_confirm_since", &["period"]),
    ("forget_done_all", &[]),
    ("forget_done_since", &["period"]),
    ("forget_cancelled", &[]),
    ("forget_expired", &[]),
    ("forget_options", &[]),
    ("forget_period_today", &[]),
    ("forget_period_week", &[]),
    ("forget_period_days", &["days"]),
    ("consent_explain", &[]),
    ("offer_explain", &[]),
    ("plan_follow_up", &["activity"]),
    ("plan_follow_up_plain", &[]),
    ("plan_done", &[]),
    ("rating_change", &["before", "after"]),
    ("plan_not_done", &[]),
    ("support_then", &[]),
    ("back_to_flow", &[]),
    ("mood_logged_in_flow", &["score"]),
    ("listen_nothing", &["words"]),
    ("listen_negative", &["words"]),
    ("listen_positive", &["words"]),
    ("listen_grief", &["words"]),
    ("listen_worry", &["words"]),
    ("listen_anger", &["words"]),
    ("listen_plain", &["words"]),
    ("listen_opening", &[]),
    ("listen_question", &[]),
    ("listen_summary", &["words"]),
    ("listen_offer", &[]),
    ("listen_offer_declined", &[]),
    ("listen_end", &[]),
    ("listen_quiet", &[]),
];

/// Shared texts about deleting records need this many phrasings (a question this weighty
/// should not sound canned), and their required placeholders and words.
const FORGET_MIN_PHRASINGS: usize = 2;
/// `(text, what every phrasing must contain)`: the range being deleted, the number of days, and
/// how to confirm (the engine deletes only on a clear "yes").
const FORGET_MUST_CONTAIN: &[(&str, &str)] = &[
    ("forget_confirm_all", "yes"),
    ("forget_confirm_all", "undone"),
    ("forget_confirm_since", "yes"),
    ("forget_confirm_since", "undone"),
    ("forget_confirm_since", "{period}"),
    ("forget_done_since", "{period}"),
    ("forget_period_days", "{days}"),
];

/// The flow kinds of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Breathing,
    Timed,
    Conversation,
}

type Texts = Spanned<Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommon {
    flows: Spanned<RawLinks>,
    texts: Spanned<BTreeMap<Spanned<String>, Texts>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLinks {
    support: Spanned<String>,
    mood: Spanned<String>,
    safety_plan: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    title: Spanned<String>,
    kind: Spanned<Kind>,
    #[serde(default)]
    purpose: Option<Spanned<Purpose>>,
    triggers: Texts,
    #[serde(default)]
    examples: Option<Texts>,
    intro: Texts,
    closing: Texts,
    #[serde(default)]
    default_cycles: Option<Spanned<u32>>,
    #[serde(default)]
    phases: Option<Spanned<Vec<Spanned<RawCue>>>>,
    #[serde(default)]
    cues: Option<Spanned<Vec<Spanned<RawCue>>>>,
    #[serde(default)]
    steps: Option<Spanned<Vec<Spanned<RawStep>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCue {
    say: Texts,
    seconds: Spanned<f64>,
    #[serde(default)]
    chime: Option<ChimeKind>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: Spanned<String>,
    #[serde(default)]
    expect: Expect,
    say: Texts,
    #[serde(default)]
    ack: Option<Texts>,
    #[serde(default)]
    acks: Option<Spanned<BTreeMap<Spanned<String>, Texts>>>,
    #[serde(default)]
    follows: Option<Spanned<String>>,
    #[serde(default)]
    clarify: Option<Texts>,
    #[serde(default)]
    more: Option<Texts>,
    #[serde(default)]
    timeout_seconds: Option<Spanned<f64>>,
    #[serde(default)]
    count: Option<Spanned<u32>>,
    #[serde(default)]
    instrument: Option<Spanned<String>>,
    #[serde(default)]
    plan_field: Option<Spanned<PlanField>>,
    #[serde(default)]
    read_back: Option<Spanned<String>>,
    #[serde(default)]
    rating: Option<Spanned<bool>>,
}

/// Default time to wait for an answer.
const DEFAULT_TIMEOUT_MS: u64 = 20_000;
/// Breathing phases longer than this are not breathing guidance.
const MAX_PHASE_S: f64 = 20.0;
/// A relaxation cue may last up to this long.
const MAX_CUE_S: f64 = 120.0;
/// Reflection prompts need this many phrasings so nights differ.
const REFLECTION_MIN_PHRASINGS: usize = 3;
/// Known check-in instruments and their item counts.
const INSTRUMENTS: &[(&str, usize)] = &[("PHQ-2", 2), ("GAD-2", 2)];

/// One file being checked: its path and text, and the errors found so far.
struct Checker<'a> {
    file: &'a Path,
    src: &'a str,
    errors: &'a mut Vec<PromptError>,
}

impl Checker<'_> {
    fn err(&mut self, offset: usize, msg: impl Into<String>) {
        self.errors
            .push(PromptError::at_offset(self.file, self.src, offset, msg));
    }

    /// Phrasings: at least `min`, none empty, only `allowed` placeholders.
    fn texts(&mut self, what: &str, t: &Texts, min: usize, allowed: &[&str]) -> Vec<String> {
        if t.get_ref().len() < min {
            let plural = if min == 1 { "phrasing" } else { "phrasings" };
            self.err(
                t.span().start,
                format!(
                    "{what} needs at least {min} {plural}, has {}",
                    t.get_ref().len()
                ),
            );
        }
        let mut out = Vec::new();
        for s in t.get_ref() {
            self.text(what, s, allowed);
            out.push(s.get_ref().trim().to_string());
        }
        out
    }

    fn text(&mut self, what: &str, s: &Spanned<String>, allowed: &[&str]) {
        if s.get_ref().trim().is_empty() {
            self.err(s.span().start, format!("{what} has an empty phrasing"));
        }
        for p in placeholders(s.get_ref()) {
            if !allowed.contains(&p.as_str()) {
                let known = if allowed.is_empty() {
                    "none are allowed here".to_string()
                } else {
                    format!(
                        "known here: {}",
                        allowed
                            .iter()
                            .map(|a| format!("{{{a}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                self.err(
                    s.span().start,
                    format!("{what} uses unknown placeholder {{{p}}} ({known})"),
                );
            }
        }
    }

    fn optional(&mut self, what: &str, t: &Option<Texts>, allowed: &[&str]) -> Vec<String> {
        t.as_ref()
            .map(|t| self.texts(what, t, 1, allowed))
            .unwrap_or_default()
    }
}

/// The text of `rel` among the sources, or an error naming the missing file.
fn source<'a>(
    sources: &'a PromptSources,
    rel: &str,
    errors: &mut Vec<PromptError>,
) -> Option<&'a str> {
    match sources.files.get(rel) {
        Some(s) => Some(s),
        None => {
            errors.push(PromptError::new(
                &sources.path(rel),
                0,
                "cannot read: missing",
            ));
            None
        }
    }
}

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn is_snake(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Prompts {
    /// Load and check every prompt file under `dir`. On failure, every problem found.
    pub fn from_sources(sources: &PromptSources) -> Result<Prompts, Vec<PromptError>> {
        let dir = sources.dir.as_path();
        let mut errors = Vec::new();
        let common_path = sources.path("common.toml");
        let common = source(sources, "common.toml", &mut errors)
            .and_then(|src| load_common(&common_path, src, &mut errors).map(|c| (c, src)));
        let flows = load_flows(sources, &mut errors);
        if let Some(((texts, links, link_spans), src)) = &common {
            let mut ck = Checker {
                file: &common_path,
                src,
                errors: &mut errors,
            };
            for (name, offset, what) in [
                (&links.support, link_spans[0], "flows.support"),
                (&links.mood, link_spans[1], "flows.mood"),
                (&links.safety_plan, link_spans[2], "flows.safety_plan"),
            ] {
                match flows.get(name) {
                    None => ck.err(offset, format!("{what} names an unknown flow `{name}`")),
                    Some(f) => {
                        let ok = match what {
                            "flows.mood" => f.purpose == Purpose::Mood,
                            "flows.safety_plan" => f.purpose == Purpose::SafetyPlan,
                            _ => true,
                        };
                        if !ok {
                            ck.err(offset, format!("{what} must name a flow with the matching purpose, `{name}` is not"));
                        }
                    }
                }
            }
            let _ = texts;
        }
        let safety_files: Vec<(&str, &str)> = crate::engine::safety::scripts::FILES
            .iter()
            .filter_map(|name| {
                let rel = format!("safety/{name}");
                source(sources, &rel, &mut errors).map(|t| (*name, t))
            })
            .collect();
        let safety = match SafetyScripts::from_sources(&dir.join("safety"), &safety_files) {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let rule_files: Vec<(&str, &str)> = crate::engine::safety::rule_files::FILES
            .iter()
            .filter_map(|name| {
                let rel = format!("safety/{name}");
                source(sources, &rel, &mut errors).map(|t| (*name, t))
            })
            .collect();
        let rules = if rule_files.len() == crate::engine::safety::rule_files::FILES.len() {
            match RuleSet::shared_or_compile(&dir.join("safety"), &rule_files) {
                Ok(r) => Some(r),
                Err(e) => {
                    errors.extend(e);
                    None
                }
            }
        } else {
            None
        };
        let lexicon = match source(sources, "words.toml", &mut errors)
            .map(|src| Lexicon::parse(&sources.path("words.toml"), src))
        {
            Some(Ok(l)) => Some(l),
            Some(Err(e)) => {
                errors.extend(e);
                None
            }
            None => None,
        };
        let requests = match sources.files.get(REQUESTS_FILE) {
            Some(src) => load_requests(&sources.path(REQUESTS_FILE), src, &flows, &mut errors),
            None => Some(RequestExamples::from_flows(&flows, None)),
        };
        match (common, safety, rules, lexicon, requests) {
            (
                Some(((texts, links, _), _)),
                Some(safety),
                Some(rules),
                Some(lexicon),
                Some(requests),
            ) if errors.is_empty() => Ok(Prompts {
                dir: dir.to_path_buf(),
                texts,
                flows,
                links,
                safety,
                rules,
                lexicon,
                requests,
            }),
            _ => {
                if errors.is_empty() {
                    errors.push(PromptError::new(dir, 0, "prompt set incomplete"));
                }
                Err(errors)
            }
        }
    }

    /// Every problem in the prompt files (empty when all is well).
    pub fn check(sources: &PromptSources) -> Vec<PromptError> {
        match Prompts::from_sources(sources) {
            Ok(_) => Vec::new(),
            Err(e) => e,
        }
    }

    /// The directory the prompts came from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Names of all flows, sorted.
    pub fn flow_names(&self) -> Vec<&str> {
        self.flows.keys().map(String::as_str).collect()
    }

    /// A flow by name.
    pub fn flow(&self, name: &str) -> Option<&Flow> {
        self.flows.get(name)
    }

    /// All flows.
    pub fn flows(&self) -> impl Iterator<Item = &Flow> {
        self.flows.values()
    }

    /// The phrasings of a shared text (empty if unknown; loading guarantees the known ones).
    pub fn text(&self, key: &str) -> &[String] {
        self.texts.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The flows the engine refers to.
    pub fn links(&self) -> &FlowLinks {
        &self.links
    }

    /// The safety scripts (crisis, referral, support, disclosure, helplines).
    pub fn safety(&self) -> &SafetyScripts {
        &self.safety
    }

    /// The safety rules of this prompt set (`safety/rules.toml` and the files it uses).
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// The word lists answers are read with (`words.toml`).
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The exemplar wordings of every request and where the encoder's reading is trusted
    /// (flows' `examples` and `requests.toml`).
    pub fn request_examples(&self) -> &RequestExamples {
        &self.requests
    }
}

type CommonParts = (BTreeMap<String, Vec<String>>, FlowLinks, [usize; 3]);

fn load_common(path: &Path, src: &str, errors: &mut Vec<PromptError>) -> Option<CommonParts> {
    let raw: RawCommon = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            errors.push(PromptError::from_toml(path, src, &e));
            return None;
        }
    };
    let mut ck = Checker {
        file: path,
        src,
        errors,
    };
    let mut texts = BTreeMap::new();
    for (key, value) in raw.texts.get_ref() {
        match COMMON_TEXTS.iter().find(|(k, _)| k == key.get_ref()) {
            None => ck.err(
                key.span().start,
                format!("unknown text `{}`", key.get_ref()),
            ),
            Some((k, allowed)) => {
                let min = if k.starts_with("forget_") {
                    FORGET_MIN_PHRASINGS
                } else {
                    1
                };
                let v = ck.texts(k, value, min, allowed);
                for phrasing in value.get_ref() {
                    let lower = phrasing.get_ref().to_lowercase();
                    for (_, must) in FORGET_MUST_CONTAIN.iter().filter(|(t, _)| t == k) {
                        if !lower.contains(must) {
                            ck.err(
                                phrasing.span().start,
                                format!("every phrasing of {k} must contain `{must}`"),
                            );
                        }
                    }
                }
                texts.insert((*k).to_string(), v);
            }
        }
    }
    for (k, _) in COMMON_TEXTS {
        if !texts.contains_key(*k) && !raw.texts.get_ref().keys().any(|key| key.get_ref() == k) {
            ck.err(raw.texts.span().start, format!("[texts] is missing `{k}`"));
        }
    }
    let l = raw.flows.into_inner();
    let spans = [
        l.support.span().start,
        l.mood.span().start,
        l.safety_plan.span().start,
    ];
    let links = FlowLinks {
        support: l.support.into_inner(),
        mood: l.mood.into_inner(),
        safety_plan: l.safety_plan.into_inner(),
    };
    Some((texts, links, spans))
}

/// The file with the wordings of requests that are not flows, and the encoder's thresholds.
pub const REQUESTS_FILE: &str = "requests.toml";

/// Requests other than flows that exemplars may name in `requests.toml` (`none` holds ordinary
/// talk that shares words with requests, so that it is nearest to itself).
pub const REQUEST_LABELS: &[&str] = &[
    "log_mood",
    "mood_summary",
    "safety_plan",
    "forget",
    "listen",
    "none",
];

/// Exemplar wordings per request, for the sentence encoder's nearest-neighbour reading.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestExamples {
    /// `(request, wording)`: a flow name or one of [`REQUEST_LABELS`].
    pub examples: Vec<(String, String)>,
    /// Cosine similarity the nearest exemplar must reach; `None` turns the reading off.
    pub threshold: Option<f32>,
    /// How far the nearest exemplar must lead the nearest one of another request.
    pub margin: f32,
}

impl RequestExamples {
    fn from_flows(flows: &BTreeMap<String, Flow>, rest: Option<(f32, f32)>) -> Self {
        let examples = flows
            .values()
            .flat_map(|f| f.examples.iter().map(|e| (f.name.clone(), e.clone())))
            .collect();
        RequestExamples {
            examples,
            threshold: rest.map(|r| r.0),
            margin: rest.map_or(0.0, |r| r.1),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequests {
    threshold: Spanned<f32>,
    margin: Spanned<f32>,
    examples: Spanned<BTreeMap<Spanned<String>, Texts>>,
}

/// `requests.toml`: thresholds in (0, 1), known request names, no wording given to two requests.
fn load_requests(
    path: &Path,
    src: &str,
    flows: &BTreeMap<String, Flow>,
    errors: &mut Vec<PromptError>,
) -> Option<RequestExamples> {
    let raw: RawRequests = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            errors.push(PromptError::from_toml(path, src, &e));
            return None;
        }
    };
    let before = errors.len();
    let mut ck = Checker {
        file: path,
        src,
        errors,
    };
    for (what, v) in [("threshold", &raw.threshold), ("margin", &raw.margin)] {
        let x = *v.get_ref();
        if !(x.is_finite() && (0.0..1.0).contains(&x)) {
            ck.err(
                v.span().start,
                format!("{what} must be at least 0 and below 1, is {x}"),
            );
        }
    }
    let mut out = RequestExamples::from_flows(
        flows,
        Some((*raw.threshold.get_ref(), *raw.margin.get_ref())),
    );
    for (key, texts) in raw.examples.get_ref() {
        let label = key.get_ref();
        if !REQUEST_LABELS.contains(&label.as_str()) {
            let hint = if flows.contains_key(label) {
                format!(" (a flow's wordings go in `examples` of flows/{label}.toml)")
            } else {
                String::new()
            };
            ck.err(
                key.span().start,
                format!(
                    "unknown request `{label}`; known: {}{hint}",
                    REQUEST_LABELS.join(", ")
                ),
            );
            continue;
        }
        for t in ck.texts(label, texts, 1, &[]) {
            out.examples.push((label.clone(), t));
        }
    }
    // The same wording for two requests would make the nearest neighbour a coin toss.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (label, text) in &out.examples {
        let key = super::text::normalize(text);
        match seen.get(&key) {
            Some(other) if other != label => {
                let at = src.find(text.as_str()).unwrap_or(0);
                ck.err(
                    at,
                    format!("wording \"{text}\" is given to both `{other}` and `{label}`"),
                );
            }
            _ => {
                seen.insert(key, label.clone());
            }
        }
    }
    (ck.errors.len() == before).then_some(out)
}

fn load_flows(sources: &PromptSources, errors: &mut Vec<PromptError>) -> BTreeMap<String, Flow> {
    let mut flows = BTreeMap::new();
    let files: Vec<(PathBuf, &str)> = sources
        .files
        .iter()
        .filter(|(rel, _)| rel.starts_with("flows/") && rel.ends_with(".toml"))
        .map(|(rel, text)| (sources.path(rel), text.as_str()))
        .collect();
    // trigger (normalised) -> (flow, file, line) for duplicate detection
    let mut seen_triggers: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for (path, src) in files {
        let before = errors.len();
        if let Some((flow, trigger_spans)) = load_flow(&path, src, errors) {
            let mut ck = Checker {
                file: &path,
                src,
                errors,
            };
            for (t, offset) in flow.triggers.iter().zip(trigger_spans) {
                let words = super::intent::trigger_words(t);
                if words.is_empty() {
                    ck.err(offset, "trigger has no words");
                    continue;
                }
                if let Some(other) = seen_triggers.get(&words) {
                    if other != &flow.name {
                        ck.err(
                            offset,
                            format!("trigger \"{t}\" is also a trigger of flow `{other}`"),
                        );
                    }
                } else {
                    seen_triggers.insert(words, flow.name.clone());
                }
            }
            if errors.len() == before {
                flows.insert(flow.name.clone(), flow);
            }
        }
    }
    if flows.is_empty() && errors.is_empty() {
        let dir = sources.dir.join("flows");
        errors.push(PromptError::new(&dir, 0, "no flow files (*.toml) found"));
    }
    flows
}

fn load_flow(path: &Path, src: &str, errors: &mut Vec<PromptError>) -> Option<(Flow, Vec<usize>)> {
    let raw: RawFlow = match toml::from_str(src) {
        Ok(r) => r,
        Err(e) => {
            errors.push(PromptError::from_toml(path, src, &e));
            return None;
        }
    };
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut ck = Checker {
        file: path,
        src,
        errors,
    };
    if !is_kebab(&name) {
        ck.err(
            0,
            format!("flow file name `{name}` must be lower-case words joined by hyphens"),
        );
    }
    if raw.title.get_ref().trim().is_empty() {
        ck.err(raw.title.span().start, "title is empty");
    }
    let triggers = ck.texts("triggers", &raw.triggers, 1, &[]);
    let examples = ck.optional("examples", &raw.examples, &[]);
    let trigger_spans: Vec<usize> = raw
        .triggers
        .get_ref()
        .iter()
        .map(|t| t.span().start)
        .collect();
    let intro = ck.texts("intro", &raw.intro, 1, &["name", "cycles", "minutes"]);
    let closing = ck.texts("closing", &raw.closing, 1, &["name"]);
    let kind = *raw.kind.get_ref();
    let kind_at = raw.kind.span().start;

    let misplaced = |ck: &mut Checker, field: &str, present: bool| {
        if present {
            ck.err(
                kind_at,
                format!("a {kind:?} flow has no `{field}`").to_lowercase(),
            );
        }
    };

    let (purpose, body) = match kind {
        Kind::Breathing | Kind::Timed => {
            let (list, field, max_s) = if kind == Kind::Breathing {
                misplaced(&mut ck, "cues", raw.cues.is_some());
                (&raw.phases, "phases", MAX_PHASE_S)
            } else {
                misplaced(&mut ck, "phases", raw.phases.is_some());
                misplaced(&mut ck, "default_cycles", raw.default_cycles.is_some());
                (&raw.cues, "cues", MAX_CUE_S)
            };
            misplaced(&mut ck, "steps", raw.steps.is_some());
            if let Some(p) = &raw.purpose {
                ck.err(p.span().start, "only conversation flows have a purpose");
            }
            let mut cues = Vec::new();
            match list {
                None => ck.err(kind_at, format!("this flow needs [[{field}]]")),
                Some(list) if list.get_ref().is_empty() => {
                    ck.err(list.span().start, format!("[[{field}]] is empty"))
                }
                Some(list) => {
                    for c in list.get_ref() {
                        let c = c.get_ref();
                        let say = ck.texts(field, &c.say, 1, &[]);
                        let s = *c.seconds.get_ref();
                        if !(s.is_finite() && s > 0.0 && s <= max_s) {
                            ck.err(
                                c.seconds.span().start,
                                format!("seconds must be more than 0 and at most {max_s}, is {s}"),
                            );
                        }
                        let ms = (s.max(0.0) * 1000.0).round() as u64;
                        for phr in c.say.get_ref() {
                            let need = speech_ms(phr.get_ref());
                            if s > 0.0 && need > ms {
                                ck.err(
                                    phr.span().start,
                                    format!(
                                        "this cue takes about {:.1} s to say but lasts only {s} s",
                                        need as f64 / 1000.0
                                    ),
                                );
                            }
                        }
                        cues.push(Cue {
                            say,
                            ms,
                            chime: c.chime,
                        });
                    }
                }
            }
            let default_cycles = match &raw.default_cycles {
                Some(d) => {
                    let v = *d.get_ref();
                    if !(1..=100).contains(&v) {
                        ck.err(
                            d.span().start,
                            format!("default_cycles must be from 1 to 100, is {v}"),
                        );
                    }
                    v
                }
                None if kind == Kind::Breathing => {
                    ck.err(kind_at, "a breathing flow needs default_cycles");
                    1
                }
                None => 1,
            };
            let cycle: u64 = cues.iter().map(|c| c.ms).sum();
            if kind == Kind::Breathing && cycle > 60_000 {
                ck.err(
                    kind_at,
                    format!("one breathing cycle lasts {} s; at most 60 s", cycle / 1000),
                );
            }
            let purpose = if kind == Kind::Breathing {
                Purpose::Breathing
            } else {
                Purpose::Relaxation
            };
            (
                purpose,
                Body::Cues {
                    cues,
                    repeat: kind == Kind::Breathing,
                    default_cycles,
                },
            )
        }
        Kind::Conversation => {
            misplaced(&mut ck, "phases", raw.phases.is_some());
            misplaced(&mut ck, "cues", raw.cues.is_some());
            misplaced(&mut ck, "default_cycles", raw.default_cycles.is_some());
            let purpose = match &raw.purpose {
                Some(p) if matches!(p.get_ref(), Purpose::Breathing | Purpose::Relaxation) => {
                    ck.err(p.span().start, "a conversation's purpose is reflection, grounding, mood, checkin or safety_plan");
                    Purpose::Reflection
                }
                Some(p) => *p.get_ref(),
                None => {
                    ck.err(kind_at, "a conversation flow needs a purpose");
                    Purpose::Reflection
                }
            };
            let steps = match &raw.steps {
                None => {
                    ck.err(kind_at, "this flow needs [[steps]]");
                    Vec::new()
                }
                Some(list) => {
                    if list.get_ref().is_empty() {
                        ck.err(list.span().start, "[[steps]] is empty");
                    }
                    check_steps(&mut ck, purpose, list.get_ref())
                }
            };
            check_purpose(
                &mut ck,
                purpose,
                &steps,
                raw.steps
                    .as_ref()
                    .map(|s| s.span().start)
                    .unwrap_or(kind_at),
            );
            (purpose, Body::Steps(steps))
        }
    };
    let flow = Flow {
        name,
        title: raw.title.get_ref().trim().to_string(),
        purpose,
        triggers,
        examples,
        intro,
        closing,
        body,
    };
    Some((flow, trigger_spans))
}

fn check_steps(ck: &mut Checker, purpose: Purpose, raw: &[Spanned<RawStep>]) -> Vec<Step> {
    let mut ids = BTreeSet::new();
    let mut fields = BTreeSet::new();
    let mut steps = Vec::new();
    let min_say = if purpose == Purpose::Reflection {
        REFLECTION_MIN_PHRASINGS
    } else {
        1
    };
    for s in raw {
        let at = s.span().start;
        let s = s.get_ref();
        let id = s.id.get_ref().clone();
        if !is_snake(&id) {
            ck.err(
                s.id.span().start,
                format!("step id `{id}` must be lower-case words joined by underscores"),
            );
        }
        if !ids.insert(id.clone()) {
            ck.err(s.id.span().start, format!("step id `{id}` is used twice"));
        }
        let what = format!("step `{id}`");
        let say = ck.texts(&format!("{what} say"), &s.say, min_say, &["name"]);
        let ack = ck.optional(&format!("{what} ack"), &s.ack, &["name"]);
        let mut acks = BTreeMap::new();
        if let Some(table) = &s.acks {
            for (k, texts) in table.get_ref() {
                match AnswerKind::from_name(k.get_ref()) {
                    None => ck.err(
                        k.span().start,
                        format!(
                            "{what} acks: unknown kind `{}` (known: nothing, negative, positive, grief, worry, anger, person, activity, plain)",
                            k.get_ref()
                        ),
                    ),
                    Some(kind) => {
                        let v = ck.texts(
                            &format!("{what} acks.{}", kind.name()),
                            texts,
                            1,
                            &["name", "words"],
                        );
                        if v.iter().all(|t| t.contains("{words}")) {
                            ck.err(
                                texts.span().start,
                                format!(
                                    "{what} acks.{} needs a phrasing without {{words}} (for answers that are not said back)",
                                    kind.name()
                                ),
                            );
                        }
                        acks.insert(kind, v);
                    }
                }
            }
        }
        let follows = s.follows.as_ref().map(|f| {
            if !ids.contains(f.get_ref()) || f.get_ref() == &id {
                ck.err(
                    f.span().start,
                    format!(
                        "{what}: follows must name an earlier step, `{}` is not one",
                        f.get_ref()
                    ),
                );
            }
            f.get_ref().clone()
        });
        let clarify = ck.optional(&format!("{what} clarify"), &s.clarify, &[]);
        let more = ck.optional(&format!("{what} more"), &s.more, &[]);
        let timeout_ms = match &s.timeout_seconds {
            Some(t) => {
                let v = *t.get_ref();
                if !(v.is_finite() && (3.0..=120.0).contains(&v)) {
                    ck.err(
                        t.span().start,
                        format!("timeout_seconds must be from 3 to 120, is {v}"),
                    );
                }
                (v.clamp(3.0, 120.0) * 1000.0).round() as u64
            }
            None => DEFAULT_TIMEOUT_MS,
        };
        let count = match (&s.count, s.expect) {
            (Some(c), Expect::Things) => {
                let v = *c.get_ref();
                if !(1..=10).contains(&v) {
                    ck.err(
                        c.span().start,
                        format!("count must be from 1 to 10, is {v}"),
                    );
                }
                v
            }
            (Some(c), _) => {
                ck.err(c.span().start, "count is only for steps that expect things");
                1
            }
            (None, Expect::Things) => {
                ck.err(at, format!("{what} expects things and needs a count"));
                1
            }
            (None, _) => 1,
        };
        if s.more.is_some() && s.expect != Expect::Things {
            ck.err(
                at,
                format!("{what}: `more` is only for steps that expect things"),
            );
        }
        let instrument = match (&s.instrument, s.expect) {
            (Some(i), Expect::Frequency) => {
                if !INSTRUMENTS.iter().any(|(n, _)| n == i.get_ref()) {
                    ck.err(
                        i.span().start,
                        format!("unknown instrument `{}` (known: PHQ-2, GAD-2)", i.get_ref()),
                    );
                }
                Some(i.get_ref().clone())
            }
            (Some(i), _) => {
                ck.err(
                    i.span().start,
                    "instrument is only for steps that expect a frequency",
                );
                None
            }
            (None, Expect::Frequency) => {
                ck.err(
                    at,
                    format!("{what} expects a frequency and needs an instrument"),
                );
                None
            }
            (None, _) => None,
        };
        let plan_field = s.plan_field.as_ref().map(|f| {
            if purpose != Purpose::SafetyPlan {
                ck.err(f.span().start, "plan_field is only for the safety plan");
            }
            if !fields.insert(*f.get_ref()) {
                ck.err(f.span().start, "this plan_field is used twice");
            }
            *f.get_ref()
        });
        let read_back = s.read_back.as_ref().map(|r| {
            ck.text(&format!("{what} read_back"), r, &["answer"]);
            if !r.get_ref().contains("{answer}") {
                ck.err(r.span().start, "read_back must contain {answer}");
            }
            r.get_ref().trim().to_string()
        });
        let rating = s.rating.as_ref().is_some_and(|r| {
            if purpose != Purpose::Reflection && *r.get_ref() {
                ck.err(r.span().start, "rating is only for reflections");
            }
            *r.get_ref()
        });
        let allowed_expect = match purpose {
            Purpose::Mood => &[Expect::MoodScore, Expect::Feelings, Expect::Note][..],
            Purpose::Checkin => &[Expect::Frequency][..],
            Purpose::Grounding => &[Expect::Things, Expect::Free][..],
            _ => &[Expect::Free][..],
        };
        if !allowed_expect.contains(&s.expect) {
            ck.err(
                at,
                format!("{what}: a {purpose:?} flow cannot expect {:?}", s.expect).to_lowercase(),
            );
        }
        steps.push(Step {
            id,
            expect: s.expect,
            say,
            ack,
            acks,
            follows,
            clarify,
            more,
            timeout_ms,
            count,
            instrument,
            plan_field,
            read_back,
            rating,
        });
    }
    steps
}

fn check_purpose(ck: &mut Checker, purpose: Purpose, steps: &[Step], at: usize) {
    match purpose {
        Purpose::Mood if !steps.iter().any(|s| s.expect == Expect::MoodScore) => {
            ck.err(at, "a mood flow needs a step that expects mood_score");
        }
        Purpose::Checkin => {
            for (name, n) in INSTRUMENTS {
                let have = steps
                    .iter()
                    .filter(|s| s.instrument.as_deref() == Some(*name))
                    .count();
                if have != 0 && have != *n {
                    ck.err(at, format!("{name} has {n} items, this flow asks {have}"));
                }
            }
        }
        Purpose::SafetyPlan => {
            for s in steps {
                if s.plan_field.is_none() || s.read_back.is_none() {
                    ck.err(
                        at,
                        format!("step `{}` needs a plan_field and a read_back", s.id),
                    );
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompts_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prompts")
    }

    #[test]
    fn every_shipped_prompt_file_passes() {
        let errors = Prompts::check(&PromptSources::read_for_test(&prompts_dir()));
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(errors.is_empty(), "prompt errors:\n{}", shown.join("\n"));
        let p = Prompts::from_sources(&PromptSources::read_for_test(&prompts_dir()))
            .unwrap_or_else(|e| panic!("{e:?}"));
        for f in [
            "evening-reflection",
            "box-breathing",
            "breathing-478",
            "cyclic-sighing",
            "resonance-breathing",
            "grounding",
            "muscle-relaxation",
            "mood-checkin",
            "weekly-checkin",
            "safety-plan",
        ] {
            assert!(p.flow(f).is_some(), "missing flow {f}");
        }
    }

    #[test]
    fn request_wordings_are_checked_with_file_and_line() {
        let mut sources = PromptSources::read_for_test(&prompts_dir());
        let shipped = Prompts::from_sources(&sources).unwrap_or_else(|e| panic!("{e:?}"));
        let ex = shipped.request_examples();
        assert!(ex.threshold.is_some());
        assert!(ex.examples.iter().any(|(l, _)| l == "grounding"));
        assert!(ex.examples.iter().any(|(l, _)| l == "none"));
        let bad = "threshold = 1.5\nmargin = 0.05\n[examples]\nlog_mood = [\"put me down as a five\"]\nbreathing = [\"x\"]\nlisten = [\"\", \"Put me down as a five!\"]\n";
        sources.files.insert(REQUESTS_FILE.into(), bad.into());
        let errs = Prompts::check(&sources);
        let shown: Vec<String> = errs.iter().map(ToString::to_string).collect();
        let has = |line: usize, words: &str| {
            errs.iter().any(|e| {
                e.line == line && e.message.contains(words) && e.file.ends_with(REQUESTS_FILE)
            })
        };
        assert!(has(1, "threshold must be"), "{shown:#?}");
        assert!(has(5, "unknown request `breathing`"), "{shown:#?}");
        assert!(has(6, "empty phrasing"), "{shown:#?}");
        assert!(has(4, "given to both"), "{shown:#?}");
        // Without the file the reading is off, and the prompts still load.
        sources.files.remove(REQUESTS_FILE);
        let p = Prompts::from_sources(&sources).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.request_examples().threshold, None);
    }

    /// A scratch copy of the shipped prompts in a unique temp folder.
    pub(crate) fn scratch_copy(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hearth-prompts-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&prompts_dir(), &dir);
        dir
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
        for e in std::fs::read_dir(from)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                copy_dir(&p, &to.join(e.file_name()));
            } else {
                std::fs::copy(&p, to.join(e.file_name())).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }

    fn with_flow(tag: &str, file: &str, body: &str) -> (PathBuf, Vec<PromptError>) {
        let dir = scratch_copy(tag);
        let path = dir.join("flows").join(file);
        std::fs::write(&path, body).unwrap_or_else(|e| panic!("{e}"));
        let errs = Prompts::check(&PromptSources::read_for_test(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        (path, errs)
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let body = "title = \"x\"\nkind = \"breathing\"\ntriggers = [\"zz\"]\nintro = [\"a\"]\nclosing = [\"b\" \"c\"]\ndefault_cycles = 4\n";
        let (path, errs) = with_flow("syntax", "broken.toml", body);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].file, path);
        assert_eq!(errs[0].line, 5, "{errs:?}");
    }

    #[test]
    fn semantic_errors_name_file_and_line() {
        let body = r#"title = "Odd breathing"
kind = "breathing"
triggers = ["odd breathing"]
intro = ["Let's breathe, {nmae}."]
closing = ["Done."]
default_cycles = 4

[[phases]]
say = ["Breathe in"]
seconds = 4

[[phases]]
say = ["Hold"]
seconds = -2

[[phases]]
say = ["Now breathe out slowly through your mouth, all the way"]
seconds = 1
"#;
        let (path, errs) = with_flow("semantic", "odd-breathing.toml", body);
        let lines: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert!(errs.iter().all(|e| e.file == path), "{errs:?}");
        assert!(
            lines.iter().any(|(l, m)| *l == 4 && m.contains("{nmae}")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|(l, m)| *l == 14 && m.contains("seconds")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|(l, m)| *l == 17 && m.contains("to say")),
            "{lines:?}"
        );
    }

    #[test]
    fn unknown_field_and_duplicate_trigger() {
        let body = "title = \"x\"\nkind = \"timed\"\ntriggers = [\"grounding\"]\nintro = [\"a\"]\nclosing = [\"b\"]\n[[cues]]\nsay = [\"Relax.\"]\nseconds = 5\n";
        let (path, errs) = with_flow("dup", "zz-extra.toml", body);
        assert!(errs.iter().all(|e| e.file == path), "{errs:?}");
        assert!(
            errs.iter()
                .any(|e| e.line == 3 && e.message.contains("also a trigger")),
            "{errs:?}"
        );
        let body = "title = \"x\"\nkind = \"timed\"\ntriggers = [\"qq\"]\nintro = [\"a\"]\nclosing = [\"b\"]\ncolour = 1\n";
        let (_, errs) = with_flow("unknown", "extra.toml", body);
        assert!(
            errs.iter()
                .any(|e| e.line == 6 && e.message.contains("unknown field")),
            "{errs:?}"
        );
    }

    #[test]
    fn reflection_needs_three_phrasings() {
        let body = r#"title = "Tiny reflection"
kind = "conversation"
purpose = "reflection"
triggers = ["tiny reflection"]
intro = ["Hi."]
closing = ["Bye."]

[[steps]]
id = "day"
say = ["How was it?", "And today?"]
"#;
        let (_, errs) = with_flow("refl", "tiny.toml", body);
        assert!(
            errs.iter()
                .any(|e| e.line == 10 && e.message.contains("at least 3")),
            "{errs:?}"
        );
    }

    #[test]
    fn forget_texts_need_phrasings_and_a_way_to_confirm() {
        let dir = scratch_copy("forget");
        let path = dir.join("common.toml");
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        let start = src.find("\nforget_done_all = [").unwrap_or(0);
        let end = start + src[start..].find("]\n").unwrap_or(0);
        let src = format!(
            "{}\nforget_done_all = [\n  \"Done.\",\n{}",
            &src[..start],
            &src[end..]
        );
        let src = src.replace("Say 'yes, delete everything'", "Say 'sure thing'");
        std::fs::write(&path, &src).unwrap_or_else(|e| panic!("{e}"));
        let errs = Prompts::check(&PromptSources::read_for_test(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            errs.iter().any(|e| e.line > 0
                && e.message
                    .contains("forget_done_all needs at least 2 phrasings")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.line > 0 && e.message.contains("forget_confirm_all must contain `yes`")),
            "{errs:?}"
        );
    }

    #[test]
    fn missing_common_text_and_bad_link() {
        let dir = scratch_copy("common");
        let path = dir.join("common.toml");
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        let src = src.replace("support = \"box-breathing\"", "support = \"no-such-flow\"");
        let src = src.replacen("\nthanks = ", "\nthanks_typo = ", 1);
        std::fs::write(&path, &src).unwrap_or_else(|e| panic!("{e}"));
        let errs = Prompts::check(&PromptSources::read_for_test(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            errs.iter()
                .any(|e| e.message.contains("no-such-flow") && e.line > 0),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.message.contains("unknown text `thanks_typo`")),
            "{errs:?}"
        );
        assert!(
            errs.iter().any(|e| e.message.contains("missing `thanks`")),
            "{errs:?}"
        );
    }
}
