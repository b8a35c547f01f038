//! The dialogue state machine: `handle(event, now_ms) -> actions`.
//!
//! Every utterance is assessed by the safety engine before anything else; a crisis stops what is
//! running and hands over to the crisis protocol. Otherwise the engine is idle (understanding
//! requests), running a flow (breathing cues on exact timers, or a conversation that asks and
//! listens), or waiting for the answer to one idle question (consent, an offered exercise).
//!
//! Time: `now_ms` (unix epoch milliseconds) comes with every event; the engine never reads a
//! clock. When it needs to act at a given time it says so through [`Engine::next_deadline`], and
//! the shell sends [`Event::Timer`] at (or just after) that time. Breathing cues are scheduled
//! from the previous cue's *planned* time, so late timers never make the rhythm drift.
//!
//! Speech: `Say` texts queue in order; `Pause` queues silence; `Listen` opens the microphone
//! once the queued speech has finished, for up to `timeout_ms`, after which the shell sends
//! [`Event::ListenTimedOut`] if nothing was said. The shell sends [`Event::SpeechFinished`] when
//! its queue drains.
//!
//! Pace: "slower" multiplies cue durations and listening time by 1.25, "faster" by 0.8, within
//! 0.6-1.6. A breathing pace change applies from the next cue. [`Action::Pace`] tells the shell,
//! which may slow its voice to match.

use super::intent::{self, Command, Request};
use super::mood::{count_things, parse_frequency, parse_mood, parse_rating, MoodTone};
use super::plan::SafetyPlan;
use super::prompts::{Body, ChimeKind, Expect, Flow, Prompts, Purpose, Step};
use super::reading::AnswerKind;
use super::text::{fill, join_spoken, pick, sentence_case, speech_ms, spoken_number, DAY_MS};
use super::understand::{self, RequestReader, Understood};
use crate::engine::safety::{
    crisis, direct_answer, Assessment, CrisisProtocol, CrisisStep, DirectAnswer, DisclosurePolicy,
    DisclosureReason, SafetyAction, SafetyEngine,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Silence between the end of an introduction and the first breathing cue.
pub const LEAD_IN_MS: u64 = 1_500;
/// If `SpeechFinished` never comes, cues start this long after the estimated end of speech.
const SPEECH_FALLBACK_MS: u64 = 3_000;
/// How long the microphone stays open after an idle question.
const IDLE_LISTEN_MS: u64 = 10_000;
/// How long a scheduled offer waits for its answer.
const OFFER_LISTEN_MS: u64 = 15_000;
/// How long the microphone stays open for the next thing said in listening mode.
const LISTENING_LISTEN_MS: u64 = 45_000;
/// Listening mode sums up what it heard after this many turns.
const LISTEN_SUMMARY_TURN: u32 = 4;
/// How long to wait for an answer to the direct question about risk.
const ASK_RISK_LISTEN_MS: u64 = 30_000;
/// Gaps shorter than this count as one conversation (for the 3-hour disclosure).
const SESSION_GAP_MS: u64 = 10 * 60_000;
/// Memory changes that only move clocks are saved at most this often.
const REMEMBER_EVERY_MS: u64 = 60_000;
/// PHQ-2 / GAD-2 totals from this score suggest talking to a professional.
const CHECKIN_POSITIVE: u8 = 3;
/// Silence between an acknowledgement and the next question.
const BEAT_MS: u64 = 800;
/// Breathing-exercise cycles allowed on request.
const MAX_CYCLES: u32 = 200;
/// A "yes" to "shall I delete ...?" counts only this long after the question was spoken and the
/// listening window closed (typed chat has no time-outs, so an old question must not linger).
const FORGET_CONFIRM_GRACE_MS: u64 = 30_000;

/// Settings the engine needs from the configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineConfig {
    /// ISO country code for helplines (e.g. "US", "GB").
    pub country: String,
    /// How Hearth addresses the person, if they said.
    pub user_name: Option<String>,
    /// Starting pace: a multiplier on cue durations and listening time (1.0 normal, >1 slower).
    pub pace: f32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            country: "US".into(),
            user_name: None,
            pace: 1.0,
        }
    }
}

/// What the engine remembers between runs; the shell persists it when told ([`Action::Remember`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineMemory {
    pub last_disclosed_ms: Option<u64>,
    pub last_used_ms: Option<u64>,
    pub conversation_ms_since_disclosure: u64,
    pub has_safety_plan: bool,
    pub safety_plan: Option<SafetyPlan>,
    /// Consent to keep the words of reflections and mood notes (default no).
    pub keep_transcripts: bool,
    pub consent_asked: bool,
    /// The phrasing variant of the last evening reflection; the next one uses the following one.
    pub last_reflection_variant: Option<u64>,
    /// One small thing planned for the next day (behavioural activation), asked about later.
    pub planned: Option<PlannedActivity>,
}

/// A small pleasant or meaningful thing the person planned (the `activity` step of a flow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedActivity {
    /// The day (days since the epoch) it was planned on.
    pub day: u64,
    /// Their words, only when they keep their words.
    pub what: Option<String>,
}

/// The conversation step whose answer is remembered as tomorrow's plan.
const PLAN_STEP: &str = "activity";
/// The reflection step under which a planned activity's follow-up is logged (1 done, 0 not).
pub const FOLLOW_UP_STEP: &str = "activity_follow_up";
/// A plan is asked about from the next day, for this many days.
const PLAN_FOLLOW_UP_DAYS: u64 = 3;

/// The direction of recent moods, as the store computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoodTrend {
    Up,
    Down,
    Steady,
}

/// What a spoken deletion removes (defined with the requests that ask for it).
pub use super::intent::ForgetScope;

/// Something that happened, for the engine to respond to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// What the person said (or typed).
    Utterance {
        text: String,
    },
    /// The time from [`Engine::next_deadline`] has come.
    Timer,
    /// The shell finished speaking everything queued.
    SpeechFinished,
    /// A `Listen` ended without an utterance.
    ListenTimedOut,
    /// Start a flow (CLI, scheduler). `cycles` wins over `minutes`; both only for breathing.
    StartFlow {
        name: String,
        cycles: Option<u32>,
        minutes: Option<f32>,
    },
    /// Stop what is running (CLI, socket, button).
    Stop,
    /// Pause / resume what is running (CLI, socket, button).
    Pause,
    Resume,
    /// The store's answer to [`Action::RequestMoodSummary`].
    MoodSummary {
        entries: u32,
        average: Option<f32>,
        trend: Option<MoodTrend>,
        best_day: Option<String>,
    },
    /// The shell could not run the safety assessment for an utterance: fail closed.
    SafetyUnavailable,
    /// A scheduled offer is due (the evening reflection). Asked once, gently, and only when
    /// nothing is running and nothing is being asked; silence is taken as no.
    Offer {
        flow: String,
    },
}

/// Something for the shell to do. Serialised as `{"action":"say","text":"..."}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Speak this text (queued after any earlier speech).
    Say {
        text: String,
    },
    /// Play a soft tone now.
    Chime {
        kind: ChimeKind,
    },
    /// Queue this much silence in the speech queue.
    Pause {
        ms: u64,
    },
    /// When the queued speech ends, open the microphone for up to `timeout_ms`.
    Listen {
        timeout_ms: u64,
    },
    /// Cut off speech now and drop the queue (crisis, stop, pause).
    StopSpeaking,
    /// The pace changed: durations are multiplied by `factor` (>1 slower).
    Pace {
        factor: f32,
    },
    LogMood {
        score: u8,
        feelings: Vec<String>,
        note: Option<String>,
    },
    LogCheckin {
        instrument: String,
        score: u8,
        items: Vec<u8>,
    },
    /// A reflection step was answered; `text` only when the person keeps their words.
    LogReflection {
        step: String,
        text: Option<String>,
    },
    /// The number a reflection step carries (a feeling's strength from 0 to 100, 1 or 0 for a
    /// planned activity done or not): not the person's words, so kept whatever the consent.
    LogReflectionValue {
        step: String,
        value: i64,
    },
    /// A safety decision (never the words). `level` is the safety engine's action.
    LogSafetyEvent {
        level: SafetyAction,
        category: String,
    },
    FlowStarted {
        name: String,
    },
    FlowEnded {
        name: String,
        completed: bool,
    },
    SaveSafetyPlan {
        plan: SafetyPlan,
    },
    SetConsent {
        keep_transcripts: bool,
    },
    /// Persist this memory.
    Remember {
        memory: EngineMemory,
    },
    /// Ask the store for the mood summary; it answers with [`Event::MoodSummary`].
    RequestMoodSummary,
    /// The person asked, and then explicitly confirmed, to delete their records. For
    /// [`ForgetScope::All`] an [`Action::Remember`] with the reset memory follows right after:
    /// carry this out first, then save that memory. Serialised as
    /// `{"action":"forget","scope":"since","days":7}`.
    Forget {
        #[serde(flatten)]
        scope: ForgetScope,
    },
}

/// What `hearth status` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateSummary {
    /// "idle", "flow" or "crisis".
    pub mode: String,
    pub flow: Option<String>,
    /// The conversation step id, or "cue N of M" for timed flows.
    pub step: Option<String>,
    pub paused: bool,
    pub pace: f32,
    pub next_deadline_ms: Option<u64>,
    pub keep_transcripts: bool,
}

#[derive(Debug)]
enum Mode {
    Idle,
    Flow(Box<FlowRun>),
    Crisis(Box<CrisisRun>),
}

/// Proof that a flow taken out of `mode` was put back ([`Engine::keep`]) or ended
/// ([`Engine::end_flow`]). Only those two make one, and every function that takes a running flow
/// by value returns one, so the compiler checks that no path forgets the flow.
#[must_use = "a flow taken out of `mode` must be kept or ended"]
struct Placed(());

#[derive(Debug)]
struct CrisisRun {
    protocol: CrisisProtocol,
    prompts: Arc<Prompts>,
}

/// An idle question waiting for its answer.
#[derive(Debug, Clone, PartialEq)]
enum Pending {
    /// "Shall I keep the words of your reflections?" then do `then`.
    Consent { then: Option<Request> },
    /// "Would you like to do some breathing?" (or to talk: anything that is not an answer or a
    /// request is taken as talking, and Hearth listens). `declined` is the common line said to
    /// a no.
    Offer {
        flow: String,
        declined: &'static str,
    },
    /// "This deletes ... Say 'yes, delete everything' to confirm": only a clear yes before
    /// `until` deletes.
    ConfirmForget { scope: ForgetScope, until: u64 },
    /// "Last time you planned a walk. Did it happen?"
    FollowUp,
    /// Hearth asked directly whether they are having thoughts of ending their life or hurting
    /// themselves. A clear no carries on (resuming a flow Hearth held); anything else starts
    /// the crisis protocol.
    AskRisk { category: String, held_flow: bool },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    /// The introduction (or a resume note) is being spoken; cue `next` follows it.
    AwaitSpeech { fallback_at: u64, next: usize },
    /// Cue `next` is due at `at` (when `next == total`, the flow ends at `at`).
    Cues { next: usize, at: u64 },
    /// A conversation step is waiting for its answer.
    Step {
        index: usize,
        misses: u8,
        timeouts: u8,
        things: usize,
        asked_more: bool,
    },
}

/// Answers gathered by a conversation flow.
#[derive(Debug, Clone, Default)]
struct Answers {
    score: Option<u8>,
    feelings: Vec<String>,
    note: Option<String>,
    items: Vec<(String, u8)>,
    plan: SafetyPlan,
    /// Steps answered with nothing (or skipped): steps that `follow` them are left out.
    nothing: Vec<String>,
    /// The answer to the `activity` step: a plan for tomorrow.
    planned: Option<String>,
    /// Strengths from nought to a hundred given at `rating` steps, in order.
    ratings: Vec<u8>,
}

/// A listening conversation ("can we just talk"): reflect, ask one open question, sum up after
/// a few turns, offer (never push) an exercise. Nothing said twice in it.
#[derive(Debug, Default)]
struct ListenRun {
    turns: u32,
    /// Every sentence said in this conversation (none is said twice while others are left).
    said: Vec<String>,
    /// The written lines used so far (a line is used again only when all have been).
    templates: Vec<String>,
    /// The person's words said back so far, for the summary.
    heard: Vec<String>,
    summarised: bool,
    /// The last turn offered an exercise; a yes starts it.
    offered: bool,
    quiet: u8,
}

#[derive(Debug)]
struct FlowRun {
    /// The prompt set the flow started with (a reload does not change a running flow).
    prompts: Arc<Prompts>,
    name: String,
    variant: u64,
    /// Total cues (cue flows), cycles × phases for breathing.
    total: usize,
    paused: bool,
    stage: Stage,
    answers: Answers,
}

impl FlowRun {
    fn flow(&self) -> Option<&Flow> {
        self.prompts.flow(&self.name)
    }
}

/// The dialogue engine. Pure: no I/O, no clock, deterministic.
#[derive(Debug)]
pub struct Engine {
    prompts: Arc<Prompts>,
    safety: SafetyEngine,
    config: EngineConfig,
    memory: EngineMemory,
    mode: Mode,
    pending: Option<Pending>,
    /// What "repeat" says again.
    last_prompt: Vec<String>,
    /// Idle inputs not understood in a row.
    misses: u8,
    pace: f32,
    /// Shared-text picks so far (so repeated acknowledgements differ).
    picks: u64,
    now: u64,
    out: Vec<Action>,
    remembered: EngineMemory,
    remembered_at: u64,
    /// Listening mode, when it runs (the mode is then idle).
    listening: Option<Box<ListenRun>>,
    /// The consent question had no clear answer this session: do not ask it again until the
    /// next one.
    consent_deferred: bool,
    /// Requests in free wordings, read by the safety screen's sentence encoder (exemplars
    /// embedded when the prompts or the screen change); none without an encoder.
    reader: Option<Arc<RequestReader>>,
}

fn significant(m: &EngineMemory) -> EngineMemory {
    EngineMemory {
        last_used_ms: None,
        conversation_ms_since_disclosure: 0,
        ..m.clone()
    }
}

/// Exemplars embedded with the screen's encoder (none without one).
fn build_reader(safety: &SafetyEngine, prompts: &Prompts) -> Option<Arc<RequestReader>> {
    let encoder = safety.encoder()?;
    RequestReader::for_prompts(encoder, prompts).map(Arc::new)
}

fn scaled(ms: u64, pace: f32) -> u64 {
    (ms as f64 * f64::from(pace)).round() as u64
}

impl Engine {
    pub fn new(
        prompts: Arc<Prompts>,
        safety: SafetyEngine,
        config: EngineConfig,
        memory: EngineMemory,
    ) -> Self {
        let pace = if config.pace.is_finite() {
            config.pace.clamp(0.6, 1.6)
        } else {
            1.0
        };
        // The screen reads with the rules of the prompt set (the files on disk, when loaded).
        let safety = safety.with_rules(prompts.rules().clone());
        let reader = build_reader(&safety, &prompts);
        Self {
            prompts,
            safety,
            config,
            reader,
            remembered: memory.clone(),
            memory,
            mode: Mode::Idle,
            pending: None,
            last_prompt: Vec::new(),
            misses: 0,
            pace,
            picks: 0,
            now: 0,
            out: Vec::new(),
            remembered_at: 0,
            listening: None,
            consent_deferred: false,
        }
    }

    /// Respond to one event at `now_ms`.
    pub fn handle(&mut self, event: Event, now_ms: u64) -> Vec<Action> {
        self.now = now_ms;
        self.out.clear();
        match event {
            Event::Utterance { text } => self.on_utterance(&text),
            Event::Timer => {
                self.touch();
                self.on_timer();
            }
            Event::SpeechFinished => {
                self.touch();
                self.on_speech_finished();
            }
            Event::ListenTimedOut => {
                self.touch();
                self.on_listen_timeout();
            }
            Event::StartFlow {
                name,
                cycles,
                minutes,
            } => {
                if !matches!(self.mode, Mode::Crisis(_)) {
                    let reason = self.disclosure_due();
                    self.touch();
                    if let Some(r) = reason {
                        self.disclose(r);
                    }
                    self.pending = None;
                    self.start_flow(&name, cycles, minutes);
                }
            }
            Event::Offer { flow } => self.offer(flow),
            Event::Stop => self.command(Command::Stop),
            Event::Pause => self.command(Command::Pause),
            Event::Resume => self.command(Command::Resume),
            Event::MoodSummary {
                entries,
                average,
                trend,
                best_day,
            } => self.mood_summary(entries, average, trend, best_day.as_deref()),
            Event::SafetyUnavailable => {
                self.touch();
                self.fail_closed();
            }
        }
        self.remember_if_needed();
        std::mem::take(&mut self.out)
    }

    /// When the shell must send [`Event::Timer`] next.
    pub fn next_deadline(&self) -> Option<u64> {
        match &self.mode {
            Mode::Flow(run) if !run.paused => match run.stage {
                Stage::AwaitSpeech { fallback_at, .. } => Some(fallback_at),
                Stage::Cues { at, .. } => Some(at),
                Stage::Step { .. } => None,
            },
            _ => None,
        }
    }

    /// Use a new prompt set from now on. A running flow or crisis conversation finishes on the
    /// set it started with.
    /// The request wordings are embedded again only when they changed (about a second).
    /// The safety screen reads with the new set's rules at once.
    pub fn replace_prompts(&mut self, p: Arc<Prompts>) {
        let same_wordings = p.request_examples() == self.prompts.request_examples();
        self.safety = self.safety.clone().with_rules(p.rules().clone());
        self.prompts = p;
        if !same_wordings {
            self.reader = build_reader(&self.safety, &self.prompts);
        }
    }

    /// Use another safety screen (the shell adds the second reading; tests use fakes).
    /// It reads with the prompt set's rules.
    pub fn replace_safety(&mut self, safety: SafetyEngine) {
        self.safety = safety.with_rules(self.prompts.rules().clone());
        self.reader = build_reader(&self.safety, &self.prompts);
    }

    /// The request reader over the safety screen's encoder, if there is one.
    pub fn request_reader(&self) -> Option<&RequestReader> {
        self.reader.as_deref()
    }

    /// What is going on, for `hearth status`.
    pub fn state_summary(&self) -> StateSummary {
        let (mode, flow, step, paused) = match &self.mode {
            Mode::Idle if self.listening.is_some() => ("listening", None, None, false),
            Mode::Idle => ("idle", None, None, false),
            Mode::Crisis(_) => ("crisis", None, None, false),
            Mode::Flow(run) => {
                let step = match (run.stage, run.flow().map(|f| &f.body)) {
                    (Stage::Step { index, .. }, Some(Body::Steps(steps))) => {
                        steps.get(index).map(|s| s.id.clone())
                    }
                    (Stage::Cues { next, .. }, _) | (Stage::AwaitSpeech { next, .. }, _) => {
                        Some(format!("cue {} of {}", next.min(run.total), run.total))
                    }
                    _ => None,
                };
                ("flow", Some(run.name.clone()), step, run.paused)
            }
        };
        StateSummary {
            mode: mode.into(),
            flow,
            step,
            paused,
            pace: self.pace,
            next_deadline_ms: self.next_deadline(),
            keep_transcripts: self.memory.keep_transcripts,
        }
    }

    /// The memory as it stands.
    pub fn memory(&self) -> &EngineMemory {
        &self.memory
    }

    /// The kind of answer being listened for in a conversation step, if any.
    pub fn expecting(&self) -> Option<Expect> {
        match &self.mode {
            Mode::Flow(run) if !run.paused => match (run.stage, run.flow().map(|f| &f.body)) {
                (Stage::Step { index, .. }, Some(Body::Steps(steps))) => {
                    steps.get(index).map(|s| s.expect)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether speech that was not addressed to Hearth must still be answered: the one safety
    /// policy for overheard speech (first-person, high-certainty danger only; see
    /// [`SafetyEngine::speaks_up_unaddressed`]).
    pub fn answers_unaddressed(&self, text: &str) -> bool {
        let reading = self.safety.read(text);
        self.safety.speaks_up_unaddressed(&reading)
    }

    /// What the screen makes of an utterance in the current state, without acting on it.
    pub fn screen_assessment(&self, text: &str) -> Assessment {
        self.screen(text)
    }

    /// The action of [`screen_assessment`](Self::screen_assessment).
    pub fn screen_action(&self, text: &str) -> SafetyAction {
        self.screen(text).action
    }

    /// Whether the crisis protocol is running.
    /// The flow of a scheduled offer waiting for its answer, if any.
    pub fn offered_flow(&self) -> Option<&str> {
        match &self.pending {
            Some(Pending::Offer {
                flow,
                declined: "evening_offer_declined",
            }) => Some(flow),
            _ => None,
        }
    }

    pub fn in_crisis(&self) -> bool {
        matches!(self.mode, Mode::Crisis(_))
    }

    /// Ends a running flow (not completed) and returns true; in a crisis conversation, changes
    /// nothing and returns false.
    fn leave_flow_unless_crisis(&mut self) -> bool {
        match std::mem::replace(&mut self.mode, Mode::Idle) {
            Mode::Flow(run) => {
                self.out.push(Action::FlowEnded {
                    name: run.name.clone(),
                    completed: false,
                });
                true
            }
            Mode::Crisis(c) => {
                self.mode = Mode::Crisis(c);
                false
            }
            Mode::Idle => true,
        }
    }

    // ----- output helpers -------------------------------------------------------------------

    fn day(&self) -> u64 {
        self.now / DAY_MS
    }

    fn personal(&self, text: &str) -> String {
        fill(
            text,
            &[("name", self.config.user_name.as_deref().unwrap_or(""))],
        )
    }

    fn say(&mut self, text: &str) {
        let t = self.personal(text);
        if !t.trim().is_empty() {
            self.out.push(Action::Say { text: t });
        }
    }

    /// A shared text, a different phrasing each time it is used.
    fn common(&mut self, key: &str) -> String {
        let v = self.day().wrapping_add(self.picks);
        self.picks += 1;
        pick(self.prompts.text(key), v, key).to_string()
    }

    fn ask_common(&mut self, key: &str) {
        let t = self.common(key);
        self.ask(&t);
    }

    fn say_common(&mut self, key: &str) {
        let t = self.common(key);
        self.say(&t);
    }

    /// Say a question and remember it for "repeat".
    fn ask(&mut self, text: &str) {
        self.say(text);
        self.last_prompt = vec![self.personal(text)];
    }

    fn listen(&mut self, ms: u64) {
        self.out.push(Action::Listen { timeout_ms: ms });
    }

    fn idle_listen(&mut self) {
        let ms = scaled(IDLE_LISTEN_MS, self.pace);
        self.listen(ms);
    }

    fn touch(&mut self) {
        if let Some(last) = self.memory.last_used_ms {
            if self.now >= last && self.now - last <= SESSION_GAP_MS {
                self.memory.conversation_ms_since_disclosure += self.now - last;
            }
        }
        self.memory.last_used_ms = Some(self.now);
    }

    fn remember_if_needed(&mut self) {
        if self.memory == self.remembered {
            return;
        }
        let due = significant(&self.memory) != significant(&self.remembered)
            || self.now.saturating_sub(self.remembered_at) >= REMEMBER_EVERY_MS;
        if due {
            self.remembered = self.memory.clone();
            self.remembered_at = self.now;
            self.out.push(Action::Remember {
                memory: self.memory.clone(),
            });
        }
    }

    // ----- disclosure -----------------------------------------------------------------------

    /// Whether Hearth must say it is an AI before answering (the safety module's policy).
    fn disclosure_due(&self) -> Option<DisclosureReason> {
        DisclosurePolicy::due(
            self.memory.last_disclosed_ms,
            self.memory.conversation_ms_since_disclosure,
            self.memory.last_used_ms,
            self.now,
        )
    }

    fn disclose(&mut self, why: DisclosureReason) {
        let text = self.prompts.safety().disclosure(why, self.day());
        self.say(&text);
        self.memory.last_disclosed_ms = Some(self.now);
        self.memory.conversation_ms_since_disclosure = 0;
    }

    // ----- safety ---------------------------------------------------------------------------

    /// The safety reading of an utterance. The statistical second reading is set aside, and the
    /// rules alone decide, where its bag of words is known to mislead: a request Hearth
    /// recognises ("remove everything from the past two weeks", "4 7 8 breathing") and answers
    /// in the safety-plan builder, which asks for warning signs and means to put out of reach
    /// ("i stop answering messages", "give my pills to Ana"). The rules still hear any risk said
    /// outright in them.
    fn screen(&self, text: &str) -> Assessment {
        let assessment = self.safety.assess(text);
        if !assessment.is_second_reading() {
            return assessment;
        }
        let planning = matches!(&self.mode, Mode::Flow(run)
            if run.flow().map(|f| f.purpose) == Some(Purpose::SafetyPlan));
        let request = intent::command(text).is_some()
            || intent::forget_request(text).is_some()
            || intent::request(
                text,
                self.prompts
                    .flows()
                    .map(|f| (f.name.as_str(), f.triggers.as_slice())),
            )
            .is_some();
        if planning || request {
            self.safety.assess_rules_only(text)
        } else {
            assessment
        }
    }

    fn on_utterance(&mut self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let assessment = self.screen(text);
        let due = self.disclosure_due();
        self.touch();
        if let Mode::Crisis(_) = self.mode {
            // The crisis conversation hears everything, including a new risk reading.
            if assessment.action != SafetyAction::None {
                self.log_safety(&assessment);
            }
            self.crisis_utterance(text, &assessment);
            return;
        }
        if matches!(
            assessment.action,
            SafetyAction::Crisis | SafetyAction::Emergency
        ) {
            self.enter_crisis(&assessment);
            return;
        }
        if let Some(Pending::AskRisk {
            category,
            held_flow,
        }) = self.pending.clone()
        {
            self.pending = None;
            self.risk_answer(text, &assessment, category, held_flow);
            return;
        }
        if assessment.action == SafetyAction::Ask {
            self.ask_about_risk(&assessment);
            return;
        }
        if let Some(why) = due {
            self.disclose(why);
        }
        // "What do you mean?" to the consent question is asked about it, not a question for a
        // professional: explain, and ask again.
        if intent::consent_reply(text) == intent::ConsentReply::Question {
            let explain = match self.pending {
                Some(Pending::Consent { .. }) => Some("consent_explain"),
                Some(Pending::Offer { .. }) => Some("offer_explain"),
                _ => None,
            };
            if let Some(key) = explain {
                self.ask_common(key);
                self.idle_listen();
                return;
            }
        }
        match assessment.action {
            SafetyAction::Refer => {
                self.log_safety(&assessment);
                let t = self
                    .prompts
                    .safety()
                    .referral(&assessment.category, self.day());
                self.say(&t);
                match &self.mode {
                    Mode::Flow(_) => self.reask(),
                    _ if self.listening.is_some() => self.listen(LISTENING_LISTEN_MS),
                    _ => {
                        self.pending = None;
                        // The referral may end with its own question; do not stack a second one.
                        if !t.trim_end().ends_with('?') {
                            self.say_common("menu_short");
                        }
                        self.idle_listen();
                    }
                }
                return;
            }
            SafetyAction::Support => {
                self.log_safety(&assessment);
                let asked = self.request_in(text).or_else(|| {
                    // Outside flows, a freely worded request counts too ("I feel awful, could
                    // you walk me through some breathing").
                    let idle = matches!(self.mode, Mode::Idle) && self.pending.is_none();
                    let reader = self.reader.as_deref().filter(|_| idle)?;
                    match reader.read(text) {
                        Some(Understood::Request(r)) => Some(r),
                        _ => None,
                    }
                });
                let exercise = matches!(asked, Some(Request::Flow(_) | Request::LogMood(_)));
                if matches!(self.mode, Mode::Idle)
                    && self.pending.is_none()
                    && self.listening.is_none()
                    && exercise
                {
                    // They asked for something: one short line, then it starts (never offered
                    // back to them as a question).
                    self.say_common("support_then");
                } else if matches!(self.mode, Mode::Idle)
                    && self.pending.is_none()
                    && self.listening.is_none()
                    && !self.prompts.lexicon().starts_listening(text)
                {
                    let t = self
                        .prompts
                        .safety()
                        .support_for(&assessment.category, self.day());
                    self.say(&t);
                    if asked.is_none() {
                        let support = self.prompts.links().support.clone();
                        let title = self
                            .prompts
                            .flow(&support)
                            .map(|f| f.title.clone())
                            .unwrap_or_default();
                        // The support line may already offer an exercise as a question.
                        if !t.trim_end().ends_with('?') {
                            let offer = self.common("support_offer");
                            self.say(&fill(&offer, &[("flow", &title)]));
                        }
                        self.pending = Some(Pending::Offer {
                            flow: support,
                            declined: "offer_declined",
                        });
                        self.idle_listen();
                        return;
                    }
                }
            }
            _ => {}
        }
        if let Some(p) = self.pending.take() {
            self.pending_answer(p, text);
            return;
        }
        if let Some(run) = self.listening.take() {
            self.listening_utterance(run, text);
            return;
        }
        match self.take_flow() {
            Some(run) => {
                let _placed = self.flow_utterance(run, text);
            }
            None => self.idle_utterance(text),
        }
    }

    /// A request in `text` (a flow by its triggers, logging a mood, ...), if any.
    fn request_in(&self, text: &str) -> Option<Request> {
        intent::request(
            text,
            self.prompts
                .flows()
                .map(|f| (f.name.as_str(), f.triggers.as_slice())),
        )
    }

    /// Possible but unclear risk: acknowledge, then ask directly and kindly. A running flow is
    /// held (not ended) while Hearth asks.
    fn ask_about_risk(&mut self, a: &Assessment) {
        self.out.push(Action::StopSpeaking);
        self.log_safety(a);
        let held_flow = self.hold_flow();
        self.say_common("ask_risk");
        self.pending = Some(Pending::AskRisk {
            category: a.category.clone(),
            held_flow,
        });
        self.listen(ASK_RISK_LISTEN_MS);
    }

    /// Pause a running flow without a word (its cue timers stop); true if one was held.
    fn hold_flow(&mut self) -> bool {
        let Mode::Flow(run) = &mut self.mode else {
            return false;
        };
        if run.paused {
            return false;
        }
        run.paused = true;
        if let Stage::Cues { next, .. } | Stage::AwaitSpeech { next, .. } = run.stage {
            let resume = match &self.mode {
                Mode::Flow(r) => self.resume_index(r, next),
                _ => next,
            };
            if let Mode::Flow(run) = &mut self.mode {
                run.stage = Stage::Cues {
                    next: resume,
                    at: 0,
                };
            }
        }
        true
    }

    /// The answer to the direct question. Its own screen ran first: a crisis reading of the
    /// answer has already started the protocol.
    fn risk_answer(&mut self, text: &str, a: &Assessment, category: String, held_flow: bool) {
        let answer = if a.action >= SafetyAction::Ask {
            DirectAnswer::Unclear
        } else {
            direct_answer(text)
        };
        match answer {
            DirectAnswer::ClearNo => {
                self.say_common("ask_risk_no");
                if held_flow {
                    self.command(Command::Resume);
                    if let Mode::Flow(run) = &self.mode {
                        if matches!(run.stage, Stage::Step { .. }) {
                            self.reask();
                        }
                    }
                } else {
                    self.offer_support();
                }
            }
            DirectAnswer::Yes | DirectAnswer::Unclear => {
                let (category, reason) = if answer == DirectAnswer::Yes {
                    ("suicidal_ideation".to_string(), crisis::YES_ANSWER)
                } else {
                    (category, crisis::UNCLEAR_ANSWER)
                };
                self.enter_crisis(&Assessment::new(SafetyAction::Crisis, category, reason));
            }
        }
    }

    /// A scheduled offer: only into quiet (no flow, no crisis, no question waiting, not
    /// listening), and only for a flow that exists.
    fn offer(&mut self, flow: String) {
        let idle = matches!(self.mode, Mode::Idle) && self.listening.is_none();
        if !idle || self.pending.is_some() || self.prompts.flow(&flow).is_none() {
            return;
        }
        self.out.push(Action::Chime {
            kind: ChimeKind::Hold,
        });
        self.say_common("evening_offer");
        self.pending = Some(Pending::Offer {
            flow,
            declined: "evening_offer_declined",
        });
        self.listen(OFFER_LISTEN_MS);
    }

    /// After distress without risk, offer the support exercise (or to talk) and listen.
    fn offer_support(&mut self) {
        let support = self.prompts.links().support.clone();
        let title = self
            .prompts
            .flow(&support)
            .map(|f| f.title.clone())
            .unwrap_or_default();
        let offer = self.common("support_offer");
        self.say(&fill(&offer, &[("flow", &title)]));
        self.pending = Some(Pending::Offer {
            flow: support,
            declined: "offer_declined",
        });
        self.idle_listen();
    }

    fn log_safety(&mut self, a: &Assessment) {
        self.out.push(Action::LogSafetyEvent {
            level: a.action,
            category: a.category.clone(),
        });
    }

    /// Stop everything and start the crisis protocol.
    fn enter_crisis(&mut self, assessment: &Assessment) {
        self.out.push(Action::StopSpeaking);
        self.pending = None;
        self.listening = None;
        self.log_safety(assessment);
        // Already in the crisis conversation (a fail-closed event while it runs): stay in it.
        if !self.leave_flow_unless_crisis() {
            return;
        }
        let prompts = self.prompts.clone();
        let (protocol, steps) = CrisisProtocol::begin(
            prompts.safety(),
            &self.config.country,
            assessment,
            self.memory.has_safety_plan,
            self.day(),
        );
        self.mode = Mode::Crisis(Box::new(CrisisRun { protocol, prompts }));
        self.crisis_steps(steps);
    }

    fn crisis_utterance(&mut self, text: &str, assessment: &Assessment) {
        if let Mode::Crisis(c) = &mut self.mode {
            let prompts = c.prompts.clone();
            let steps =
                c.protocol
                    .on_utterance(prompts.safety(), text, assessment, self.now / DAY_MS);
            self.crisis_steps(steps);
        }
    }

    fn crisis_steps(&mut self, steps: Vec<CrisisStep>) {
        for step in steps {
            match step {
                CrisisStep::Say(t) => self.say(&t),
                CrisisStep::Listen { timeout_ms } => self.listen(timeout_ms),
                CrisisStep::ReadSafetyPlan => self.read_plan(),
                CrisisStep::Finish => self.mode = Mode::Idle,
            }
        }
        if let Mode::Crisis(c) = &self.mode {
            if c.protocol.is_finished() {
                self.mode = Mode::Idle;
            }
        }
    }

    /// The shell could not assess an utterance: do not carry on as if nothing was said.
    fn fail_closed(&mut self) {
        self.say_common("safety_unavailable");
        let text = self.out.pop();
        self.enter_crisis(&Assessment::fail_closed());
        // StopSpeaking must come before our own words.
        if let Some(t) = text {
            let at = self
                .out
                .iter()
                .position(|a| matches!(a, Action::StopSpeaking))
                .map_or(0, |i| i + 1);
            self.out.insert(at, t);
        }
    }

    // ----- idle -----------------------------------------------------------------------------

    /// A global command, asking the safety engine about identity questions too.
    fn command_in(&self, text: &str) -> Option<Command> {
        if self.safety.is_identity_question(text) {
            return Some(Command::AreYouHuman);
        }
        intent::command(text)
    }

    fn idle_utterance(&mut self, text: &str) {
        if let Some(c) = self.command_in(text) {
            self.misses = 0;
            self.command(c);
            return;
        }
        // The rules first; the encoder's reading only when they find nothing (the safety
        // screen has already heard this utterance and found no risk, or it would not be here).
        let understood = understand::understand(text, &self.prompts, self.reader.as_deref());
        let req = match understood {
            // The consent question waits until there is something to keep (the first reflection).
            Some(Understood::Listen) => {
                self.misses = 0;
                self.start_listening(Some(text));
                return;
            }
            Some(Understood::Request(r)) => Some(r),
            None => None,
        };
        match req {
            Some(r) => {
                self.misses = 0;
                self.request(r);
            }
            None => {
                self.misses += 1;
                if self.misses >= 2 {
                    self.misses = 0;
                    self.ask_common("menu");
                } else {
                    self.ask_common("reprompt");
                }
                self.idle_listen();
            }
        }
    }

    fn request(&mut self, r: Request) {
        match r {
            Request::Flow(name) => self.start_flow(&name, None, None),
            Request::LogMood(rest) => {
                let m = parse_mood(&rest);
                match m.score {
                    Some(score) => {
                        let note = if self.memory.keep_transcripts {
                            m.note.clone()
                        } else {
                            None
                        };
                        self.out.push(Action::LogMood {
                            score,
                            feelings: m.feelings.clone(),
                            note,
                        });
                        let s = score.to_string();
                        if m.feelings.is_empty() {
                            let t = self.common("mood_logged_plain");
                            self.say(&fill(&t, &[("score", &s)]));
                        } else {
                            let t = self.common("mood_logged");
                            let f = join_spoken(&m.feelings);
                            self.say(&fill(&t, &[("score", &s), ("feelings", &f)]));
                        }
                    }
                    None => {
                        let name = self.prompts.links().mood.clone();
                        self.start_flow(&name, None, None);
                        if let Mode::Flow(run) = &mut self.mode {
                            run.answers.feelings = m.feelings;
                        }
                    }
                }
            }
            Request::MoodSummary => self.out.push(Action::RequestMoodSummary),
            Request::ReadSafetyPlan => self.read_plan(),
            Request::Greeting => {
                let g = self.common("greeting");
                self.say(&g);
                if self.follow_up_due() {
                    self.ask_follow_up();
                } else {
                    self.ask_common("menu_short");
                }
                self.idle_listen();
            }
            Request::Thanks => self.say_common("thanks"),
            Request::Forget(scope) => self.ask_forget(scope),
            Request::ForgetUnsupported => {
                self.ask_common("forget_options");
                self.idle_listen();
            }
        }
    }

    // ----- deleting records -----------------------------------------------------------------

    /// How a period is said: "from today", "from the past week", "from the last three days".
    fn forget_period(&mut self, days: u32) -> String {
        match days {
            1 => self.common("forget_period_today"),
            7 => self.common("forget_period_week"),
            n => {
                let t = self.common("forget_period_days");
                fill(&t, &[("days", &spoken_number(u64::from(n)))])
            }
        }
    }

    /// Say what would be deleted and that it cannot be undone, and wait for a clear yes.
    fn ask_forget(&mut self, scope: ForgetScope) {
        let text = match scope {
            ForgetScope::All => self.common("forget_confirm_all"),
            ForgetScope::Since { days } => {
                let period = self.forget_period(days);
                let t = self.common("forget_confirm_since");
                fill(&t, &[("period", &period)])
            }
        };
        self.ask(&text);
        self.idle_listen();
        let window = scaled(speech_ms(&text) + IDLE_LISTEN_MS, self.pace);
        self.pending = Some(Pending::ConfirmForget {
            scope,
            until: self.now + window + FORGET_CONFIRM_GRACE_MS,
        });
    }

    /// The answer to the deletion question: delete only on a clear yes in time, otherwise say
    /// nothing was deleted (and carry out anything else that was asked instead).
    fn forget_answer(&mut self, scope: ForgetScope, until: u64, text: &str) {
        let command = self.command_in(text);
        if self.now <= until && intent::confirms_deletion(text) && command.is_none() {
            self.forget(scope);
            return;
        }
        if command == Some(Command::Repeat) && self.now <= until {
            // "Sorry, what?": ask again; still only a clear yes deletes.
            self.repeat();
            self.idle_listen();
            self.pending = Some(Pending::ConfirmForget { scope, until });
            return;
        }
        self.last_prompt.clear();
        if command == Some(Command::Stop) {
            self.out.push(Action::StopSpeaking);
        }
        if self.now > until && intent::confirms_deletion(text) {
            self.say_common("forget_expired");
            return;
        }
        self.say_common("forget_cancelled");
        if super::mood::parse_yes_no(text) == Some(false) {
            return;
        }
        match command {
            Some(Command::Stop) => {}
            Some(c) => self.command(c),
            None => {
                let prompts = self.prompts.clone();
                let req = intent::request(
                    text,
                    prompts
                        .flows()
                        .map(|f| (f.name.as_str(), f.triggers.as_slice())),
                );
                if let Some(r) = req {
                    self.request(r);
                }
            }
        }
    }

    /// Delete (confirmed). Forgetting everything also resets what the engine itself holds that
    /// is personal: the safety plan and the consent to keep words (back to the default). The
    /// consent question is not asked again straight away.
    fn forget(&mut self, scope: ForgetScope) {
        self.out.push(Action::Forget { scope });
        self.last_prompt.clear();
        match scope {
            ForgetScope::All => {
                self.memory.planned = None;
                self.memory.safety_plan = None;
                self.memory.has_safety_plan = false;
                self.memory.keep_transcripts = false;
                // The store's memory may have gone with everything else: save it again, always.
                self.remembered = self.memory.clone();
                self.remembered_at = self.now;
                self.out.push(Action::Remember {
                    memory: self.memory.clone(),
                });
                self.say_common("forget_done_all");
            }
            ForgetScope::Since { days } => {
                let from = self.day().saturating_sub(u64::from(days));
                if self.memory.planned.as_ref().is_some_and(|p| p.day >= from) {
                    self.memory.planned = None;
                }
                let period = self.forget_period(days);
                let t = self.common("forget_done_since");
                self.say(&fill(&t, &[("period", &period)]));
            }
        }
    }

    fn pending_answer(&mut self, p: Pending, text: &str) {
        match p {
            Pending::Consent { then } => self.consent_answer(then, text),
            Pending::Offer { flow, declined } => {
                if intent::wants_to_talk(text) || self.prompts.lexicon().starts_listening(text) {
                    self.start_listening(None);
                    return;
                }
                let command = self.command_in(text);
                match super::mood::parse_yes_no(text).filter(|_| command.is_none()) {
                    Some(true) if self.request_in(text).is_none() => {
                        self.start_flow(&flow, None, None)
                    }
                    Some(false) if self.request_in(text).is_none() => self.say_common(declined),
                    _ if command.is_none() && self.request_in(text).is_none() => {
                        // Not an answer and not a request: they are telling Hearth more. Listen.
                        self.start_listening(Some(text));
                    }
                    _ => self.dispatch_again(text),
                }
            }
            Pending::ConfirmForget { scope, until } => self.forget_answer(scope, until, text),
            Pending::FollowUp => self.follow_up_answer(text),
            Pending::AskRisk {
                category,
                held_flow,
            } => {
                let a = self.screen(text);
                self.risk_answer(text, &a, category, held_flow);
            }
        }
    }

    /// The answer to "would you like me to keep your words?". Only a clear yes keeps them;
    /// anything else leaves them unkept, and the question can come back another day. A request
    /// given with or instead of the answer is honoured (before what the question was asked for).
    fn consent_answer(&mut self, then: Option<Request>, text: &str) {
        let command = self.command_in(text);
        let reply = match command {
            Some(Command::Consent(true)) => intent::ConsentReply::Yes,
            Some(Command::Consent(false)) => intent::ConsentReply::No,
            _ => intent::consent_reply(text),
        };
        let keep = reply == intent::ConsentReply::Yes;
        self.memory.keep_transcripts = keep;
        self.out.push(Action::SetConsent {
            keep_transcripts: keep,
        });
        match reply {
            intent::ConsentReply::Yes => self.say_common("consent_yes"),
            intent::ConsentReply::No => self.say_common("consent_no"),
            _ => {
                self.say_common("consent_unclear");
                self.memory.consent_asked = false;
                self.consent_deferred = true;
            }
        }
        match command {
            Some(Command::Consent(_)) | None => {}
            Some(Command::Stop) => {
                self.out.push(Action::StopSpeaking);
                return;
            }
            Some(c) => {
                self.command(c);
                return;
            }
        }
        let asked = self
            .request_in(text)
            .filter(|r| !matches!(r, Request::Thanks | Request::Greeting));
        match (asked, then) {
            (Some(r), _) => self.request(r),
            (None, Some(r)) => self.request(r),
            (None, None) => {
                self.ask_common("menu_short");
                self.idle_listen();
            }
        }
    }

    // ----- listening ------------------------------------------------------------------------

    /// Start listening mode; with `first`, that is the first thing they told Hearth.
    fn start_listening(&mut self, first: Option<&str>) {
        self.pending = None;
        let run = Box::<ListenRun>::default();
        let carries = first.is_some_and(|t| {
            let kind = self.prompts.lexicon().read(t);
            kind != AnswerKind::Plain && kind != AnswerKind::Nothing
                || !self.prompts.lexicon().starts_listening(t) && !intent::wants_to_talk(t)
        });
        match first {
            Some(t) if carries => self.listening_turn(run, t),
            _ => {
                let mut run = run;
                let t = self.common("listening");
                self.say(&t);
                run.said.push(t);
                self.listen(LISTENING_LISTEN_MS);
                self.listening = Some(run);
            }
        }
    }

    /// One utterance in listening mode (the safety screen has already heard it).
    fn listening_utterance(&mut self, mut run: Box<ListenRun>, text: &str) {
        let lexicon = self.prompts.lexicon().clone();
        let command = self.command_in(text);
        if command == Some(Command::Stop) || lexicon.ends_listening(text) {
            self.out.push(Action::StopSpeaking);
            let t = self.fresh(&mut run, "listen_end", None);
            self.say(&t);
            return;
        }
        if let Some(c) = command {
            self.listening = Some(run);
            self.command(c);
            if self.listening.is_some() {
                self.listen(LISTENING_LISTEN_MS);
            }
            return;
        }
        let offered = std::mem::replace(&mut run.offered, false);
        let request = self.request_in(text);
        if let Some(r) = request {
            self.request(r);
            return;
        }
        // Only a short answer is an answer to the offer; anything longer is them talking.
        let short = text.split_whitespace().count() <= 5;
        if offered && short {
            match super::mood::parse_yes_no(text) {
                Some(true) => {
                    let support = self.prompts.links().support.clone();
                    self.start_flow(&support, None, None);
                    return;
                }
                Some(false) => {
                    let t = self.fresh(&mut run, "listen_offer_declined", None);
                    self.say(&t);
                    let q = self.fresh(&mut run, "listen_question", None);
                    self.ask(&q);
                    self.listen(LISTENING_LISTEN_MS);
                    self.listening = Some(run);
                    return;
                }
                None => {}
            }
        }
        self.listening_turn(run, text);
    }

    /// Reflect what was said (their feeling, and their words when safe to say back), then one
    /// open question; after a few turns, a summary and an offer instead of the question.
    fn listening_turn(&mut self, mut run: Box<ListenRun>, text: &str) {
        run.turns += 1;
        run.quiet = 0;
        let lexicon = self.prompts.lexicon().clone();
        let kind = lexicon.read(text);
        let echo = lexicon.echo(text);
        let key = match kind {
            AnswerKind::Nothing => "listen_nothing",
            AnswerKind::Negative => "listen_negative",
            AnswerKind::Grief => "listen_grief",
            AnswerKind::Worry => "listen_worry",
            AnswerKind::Anger => "listen_anger",
            AnswerKind::Positive => "listen_positive",
            AnswerKind::Person | AnswerKind::Activity | AnswerKind::Plain => "listen_plain",
        };
        let reflection = self.fresh(&mut run, key, echo.as_deref());
        self.say(&reflection);
        if let Some(e) = echo {
            if !run.heard.contains(&e) {
                run.heard.push(e);
            }
        }
        if run.turns >= LISTEN_SUMMARY_TURN && !run.summarised && run.heard.len() >= 2 {
            run.summarised = true;
            let start = run.heard.len().saturating_sub(3);
            let words = join_spoken(&run.heard[start..]);
            let summary = self.fresh(&mut run, "listen_summary", Some(&words));
            self.say(&summary);
            let offer = self.fresh(&mut run, "listen_offer", None);
            self.ask(&offer);
            run.offered = true;
        } else {
            let key = if run.turns == 1 {
                "listen_opening"
            } else {
                "listen_question"
            };
            let q = self.fresh(&mut run, key, None);
            self.ask(&q);
        }
        self.listen(LISTENING_LISTEN_MS);
        self.listening = Some(run);
    }

    /// A phrasing of `key` not yet said in this listening conversation, filled with `words`
    /// when given (lines with `{words}` are preferred then, and left out without them). When
    /// every phrasing has been said, a plain reflection not yet said; only then a repeat.
    fn fresh(&mut self, run: &mut ListenRun, key: &str, words: Option<&str>) -> String {
        let start = self.day().wrapping_add(self.picks) as usize;
        self.picks += 1;
        let make = |t: &String| -> Option<String> {
            match words {
                Some(w) => Some(sentence_case(&fill(t, &[("words", w)]))),
                None if t.contains("{words}") => None,
                None => Some(t.clone()),
            }
        };
        let mut keys = vec![key];
        if key.starts_with("listen_")
            && !matches!(key, "listen_question" | "listen_opening" | "listen_plain")
        {
            keys.push("listen_plain");
        }
        for k in &keys {
            let all = self.prompts.text(k).to_vec();
            if all.is_empty() {
                continue;
            }
            // Lines with their words first, then a line not used yet, then (with new words)
            // a line used before; never a sentence already said.
            let n = all.len();
            let rotated: Vec<&String> = (0..n).map(|i| &all[(start + i) % n]).collect();
            let fresh_line = |t: &&String| !run.templates.contains(*t);
            let mut order: Vec<&String> = Vec::new();
            if words.is_some() && *k == key {
                order.extend(
                    rotated
                        .iter()
                        .filter(|t| t.contains("{words}") && fresh_line(t)),
                );
            }
            order.extend(rotated.iter().filter(|t| fresh_line(t)));
            order.extend(rotated.iter());
            for t in order {
                if let Some(c) = make(t) {
                    if !run.said.contains(&c) {
                        run.said.push(c.clone());
                        run.templates.push(t.clone());
                        return c;
                    }
                }
            }
        }
        let all = self.prompts.text(key).to_vec();
        let c = all.iter().filter_map(make).next().unwrap_or_default();
        run.said.push(c.clone());
        c
    }

    /// Handle an utterance that answered no pending question as a fresh one.
    fn dispatch_again(&mut self, text: &str) {
        match self.take_flow() {
            Some(run) => {
                let _placed = self.flow_utterance(run, text);
            }
            None => self.idle_utterance(text),
        }
    }

    fn command(&mut self, c: Command) {
        if let Mode::Crisis(_) = self.mode {
            // The crisis conversation is not ended by a control; only quiet it.
            if c == Command::Stop {
                self.out.push(Action::StopSpeaking);
            }
            return;
        }
        if let Some(run) = self.take_flow() {
            let _placed = self.flow_command(run, c);
            return;
        }
        match c {
            Command::Stop => {
                self.pending = None;
                self.out.push(Action::StopSpeaking);
                self.say_common("stopped_idle");
            }
            Command::Pause | Command::Resume | Command::Skip => {
                self.say_common("nothing_running");
                self.ask_common("menu_short");
                self.idle_listen();
            }
            Command::Repeat => self.repeat(),
            Command::Slower | Command::Faster => self.change_pace(c == Command::Slower),
            Command::Help => {
                self.ask_common("menu");
                self.idle_listen();
            }
            Command::AreYouHuman => self.disclose(DisclosureReason::Asked),
            Command::Consent(keep) => self.set_consent(keep),
        }
    }

    fn set_consent(&mut self, keep: bool) {
        self.memory.keep_transcripts = keep;
        self.memory.consent_asked = true;
        self.out.push(Action::SetConsent {
            keep_transcripts: keep,
        });
        self.say_common(if keep { "consent_on" } else { "consent_off" });
    }

    fn repeat(&mut self) {
        if self.last_prompt.is_empty() {
            self.say_common("nothing_to_repeat");
        } else {
            for t in self.last_prompt.clone() {
                self.say(&t);
            }
        }
    }

    fn change_pace(&mut self, slower: bool) {
        let next = if slower {
            self.pace * 1.25
        } else {
            self.pace * 0.8
        };
        self.pace = next.clamp(0.6, 1.6);
        self.out.push(Action::Pace { factor: self.pace });
        self.say_common(if slower { "slower" } else { "faster" });
    }

    fn read_plan(&mut self) {
        let plan = self.memory.safety_plan.clone().filter(|p| !p.is_empty());
        let Some(plan) = plan else {
            self.say_common("safety_plan_none");
            return;
        };
        self.say_common("safety_plan_intro");
        let prompts = self.prompts.clone();
        if let Some(Body::Steps(steps)) =
            prompts.flow(&prompts.links().safety_plan).map(|f| &f.body)
        {
            for s in steps {
                if let (Some(field), Some(rb)) = (s.plan_field, &s.read_back) {
                    let entries = plan.field(field);
                    if !entries.is_empty() {
                        self.say(&fill(rb, &[("answer", &join_spoken(entries))]));
                    }
                }
            }
        }
        self.say_common("safety_plan_end");
    }

    fn mood_summary(
        &mut self,
        entries: u32,
        average: Option<f32>,
        trend: Option<MoodTrend>,
        best: Option<&str>,
    ) {
        if matches!(self.mode, Mode::Crisis(_)) {
            return;
        }
        let Some(avg) = average.filter(|_| entries > 0) else {
            self.say_common("mood_summary_empty");
            return;
        };
        let avg = (avg * 10.0).round() / 10.0;
        let avg_s = if avg.fract() == 0.0 {
            format!("{avg:.0}")
        } else {
            format!("{avg:.1}")
        };
        let trend_s = match trend {
            Some(MoodTrend::Up) => self.common("trend_up"),
            Some(MoodTrend::Down) => self.common("trend_down"),
            _ => self.common("trend_steady"),
        };
        let t = self.common("mood_summary");
        self.say(&fill(
            &t,
            &[
                ("count", &entries.to_string()),
                ("average", &avg_s),
                ("trend", &trend_s),
            ],
        ));
        if let Some(b) = best.filter(|b| !b.is_empty()) {
            let t = self.common("mood_summary_best");
            self.say(&fill(&t, &[("best_day", b)]));
        }
    }

    // ----- flows ----------------------------------------------------------------------------

    fn start_flow(&mut self, name: &str, cycles: Option<u32>, minutes: Option<f32>) {
        let prompts = self.prompts.clone();
        let Some(flow) = prompts.flow(name) else {
            self.say_common("unknown_flow");
            self.ask_common("menu_short");
            self.idle_listen();
            return;
        };
        // Never leave the crisis conversation for an exercise.
        if !self.leave_flow_unless_crisis() {
            return;
        }
        self.listening = None;
        if flow.purpose == Purpose::Reflection
            && !self.memory.consent_asked
            && !self.consent_deferred
        {
            self.memory.consent_asked = true;
            self.ask_common("consent_question");
            self.pending = Some(Pending::Consent {
                then: Some(Request::Flow(name.to_string())),
            });
            self.idle_listen();
            return;
        }
        self.misses = 0;
        let variant = if flow.purpose == Purpose::Reflection {
            let v = self
                .memory
                .last_reflection_variant
                .map_or(self.day(), |l| l.wrapping_add(1));
            self.memory.last_reflection_variant = Some(v);
            v
        } else {
            self.day()
        };
        let (total, n_cycles) = match &flow.body {
            Body::Cues {
                cues,
                repeat: true,
                default_cycles,
            } => {
                let cycle_ms = flow.cycle_ms().max(1);
                let n = match (cycles, minutes) {
                    (Some(c), _) => c,
                    (None, Some(m)) if m.is_finite() && m > 0.0 => {
                        ((f64::from(m) * 60_000.0) / cycle_ms as f64).ceil() as u32
                    }
                    _ => *default_cycles,
                }
                .clamp(1, MAX_CYCLES);
                (cues.len() * n as usize, n)
            }
            Body::Cues { cues, .. } => (cues.len(), 1),
            Body::Steps(_) => (0, 0),
        };
        let minutes_s = ((flow.cycle_ms() * u64::from(n_cycles)) as f64 / 60_000.0)
            .round()
            .max(1.0);
        let intro = pick(&flow.intro, variant, "intro");
        let intro = fill(
            intro,
            &[
                ("cycles", &spoken_number(u64::from(n_cycles))),
                ("minutes", &spoken_number(minutes_s as u64)),
            ],
        );
        self.out.push(Action::FlowStarted {
            name: flow.name.clone(),
        });
        self.say(&intro);
        let mut run = Box::new(FlowRun {
            prompts: prompts.clone(),
            name: flow.name.clone(),
            variant,
            total,
            paused: false,
            stage: Stage::AwaitSpeech {
                fallback_at: 0,
                next: 0,
            },
            answers: Answers::default(),
        });
        let _placed = match &flow.body {
            Body::Cues { .. } => {
                self.last_prompt = vec![self.personal(&intro)];
                run.stage = Stage::AwaitSpeech {
                    fallback_at: self.fallback_after(&intro),
                    next: 0,
                };
                self.keep(run)
            }
            Body::Steps(_) => {
                self.out.push(Action::Pause { ms: BEAT_MS });
                self.enter_step(run, 0)
            }
        };
    }

    fn fallback_after(&self, said: &str) -> u64 {
        self.now + scaled(speech_ms(said), self.pace) + SPEECH_FALLBACK_MS
    }

    fn on_speech_finished(&mut self) {
        if let Mode::Flow(run) = &mut self.mode {
            if let (false, Stage::AwaitSpeech { next, .. }) = (run.paused, run.stage) {
                run.stage = Stage::Cues {
                    next,
                    at: self.now + LEAD_IN_MS,
                };
            }
        }
    }

    fn on_timer(&mut self) {
        let Some(mut run) = self.take_flow() else {
            return;
        };
        let _placed = match run.stage {
            _ if run.paused => self.keep(run),
            Stage::AwaitSpeech { fallback_at, next } if self.now >= fallback_at => {
                run.stage = Stage::Cues {
                    next,
                    at: self.now + LEAD_IN_MS,
                };
                self.keep(run)
            }
            Stage::Cues { next, at } if self.now >= at => self.cue_due(run, next, at),
            _ => self.keep(run),
        };
    }

    /// Duration of cue `i` at the current pace.
    fn cue_ms(&self, flow: &Flow, i: usize) -> u64 {
        match &flow.body {
            Body::Cues { cues, .. } if !cues.is_empty() => {
                scaled(cues[i % cues.len()].ms, self.pace)
            }
            _ => 0,
        }
    }

    fn cue_due(&mut self, mut run: Box<FlowRun>, mut next: usize, mut at: u64) -> Placed {
        let prompts = run.prompts.clone();
        let Some(flow) = prompts.flow(&run.name) else {
            return self.end_flow(run, false);
        };
        let Body::Cues { cues, repeat, .. } = &flow.body else {
            return self.end_flow(run, false);
        };
        if next >= run.total || cues.is_empty() {
            return self.finish_flow(run);
        }
        // A very late timer: skip cues whose time has passed rather than rush through them.
        while next + 1 < run.total && at + self.cue_ms(flow, next) <= self.now {
            at += self.cue_ms(flow, next);
            next += 1;
        }
        let cue = &cues[next % cues.len()];
        let cycle = next / cues.len();
        let text = if *repeat {
            cue.say
                .get(cycle.min(cue.say.len().saturating_sub(1)))
                .map(String::as_str)
                .unwrap_or("")
        } else {
            pick(&cue.say, run.variant, &format!("cue{next}"))
        };
        if let Some(kind) = cue.chime {
            self.out.push(Action::Chime { kind });
        }
        self.ask(text);
        run.stage = Stage::Cues {
            next: next + 1,
            at: at + self.cue_ms(flow, next),
        };
        self.keep(run)
    }

    fn flow_utterance(&mut self, run: Box<FlowRun>, text: &str) -> Placed {
        if let Some(c) = self.command_in(text) {
            return self.flow_command(run, c);
        }
        let is_steps = matches!(run.stage, Stage::Step { .. });
        if run.paused || !is_steps {
            // A request for something else switches over; anything else waits (paused) or is
            // left alone (breathing keeps its rhythm).
            let prompts = self.prompts.clone();
            let req = intent::request(
                text,
                prompts
                    .flows()
                    .map(|f| (f.name.as_str(), f.triggers.as_slice())),
            );
            if let Some(Request::Flow(name)) = req {
                let placed = self.keep(run);
                self.start_flow(&name, None, None);
                return placed;
            }
            let paused = run.paused;
            let placed = self.keep(run);
            if paused {
                self.say_common("still_paused");
            }
            return placed;
        }
        self.step_answer(run, text)
    }

    fn flow_command(&mut self, mut run: Box<FlowRun>, c: Command) -> Placed {
        let is_steps = matches!(run.stage, Stage::Step { .. });
        match c {
            Command::Stop => {
                self.out.push(Action::StopSpeaking);
                self.say_common("stopped");
                self.end_flow(run, false)
            }
            Command::Pause => {
                self.out.push(Action::StopSpeaking);
                if !run.paused {
                    run.paused = true;
                    if let Stage::Cues { next, .. } | Stage::AwaitSpeech { next, .. } = run.stage {
                        let resume = self.resume_index(&run, next);
                        run.stage = Stage::Cues {
                            next: resume,
                            at: 0,
                        };
                    }
                    self.say_common("paused");
                } else {
                    self.say_common("still_paused");
                }
                self.keep(run)
            }
            Command::Resume => {
                if run.paused {
                    run.paused = false;
                    let resumed = self.common("resumed");
                    self.say(&resumed);
                    match run.stage {
                        Stage::Cues { next, .. } | Stage::AwaitSpeech { next, .. } => {
                            run.stage = Stage::AwaitSpeech {
                                fallback_at: self.fallback_after(&resumed),
                                next,
                            };
                            self.keep(run)
                        }
                        Stage::Step { .. } => {
                            let placed = self.keep(run);
                            self.reask();
                            placed
                        }
                    }
                } else {
                    let placed = self.keep(run);
                    if is_steps {
                        self.reask();
                    }
                    placed
                }
            }
            Command::Repeat => {
                let placed = self.keep(run);
                if is_steps {
                    self.reask();
                } else {
                    self.repeat();
                }
                placed
            }
            Command::Slower | Command::Faster => {
                self.change_pace(c == Command::Slower);
                let placed = self.keep(run);
                if is_steps {
                    self.relisten();
                }
                placed
            }
            Command::Skip => {
                if run.paused {
                    run.paused = false;
                }
                match run.stage {
                    Stage::Step { index, .. } => {
                        if let Some(Body::Steps(steps)) = run.flow().map(|f| &f.body) {
                            if let Some(id) = steps.get(index).map(|s| s.id.clone()) {
                                run.answers.nothing.push(id);
                            }
                        }
                        self.say_common("skipped");
                        self.out.push(Action::Pause { ms: BEAT_MS });
                        self.enter_step(run, index + 1)
                    }
                    Stage::Cues { next, .. } | Stage::AwaitSpeech { next, .. } => {
                        let repeat = matches!(
                            run.flow().map(|f| &f.body),
                            Some(Body::Cues { repeat: true, .. })
                        );
                        self.out.push(Action::StopSpeaking);
                        if repeat {
                            // Skipping breathing ends it gently.
                            self.closing(&run);
                            self.end_flow(run, false)
                        } else {
                            let target = self.resume_index(&run, next) + 1;
                            run.stage = Stage::Cues {
                                next: target,
                                at: self.now,
                            };
                            self.cue_due(run, target, self.now)
                        }
                    }
                }
            }
            Command::Help => {
                self.say_common("help_in_flow");
                let placed = self.keep(run);
                if is_steps {
                    self.relisten();
                }
                placed
            }
            Command::AreYouHuman => {
                self.disclose(DisclosureReason::Asked);
                let placed = self.keep(run);
                if is_steps {
                    self.reask();
                }
                placed
            }
            Command::Consent(keep) => {
                self.set_consent(keep);
                let placed = self.keep(run);
                if is_steps {
                    self.relisten();
                }
                placed
            }
        }
    }

    /// The cue to resume from: the start of the current breathing cycle, or the current cue.
    fn resume_index(&self, run: &FlowRun, next: usize) -> usize {
        let Some(Body::Cues { cues, repeat, .. }) = run.flow().map(|f| &f.body) else {
            return next;
        };
        if next == 0 || cues.is_empty() {
            return 0;
        }
        let current = next - 1;
        if *repeat {
            current - current % cues.len()
        } else {
            current
        }
    }

    /// Ask the current conversation step again (after a pause, repeat, an interruption).
    fn reask(&mut self) {
        let Mode::Flow(run) = &self.mode else { return };
        if let Stage::Step { .. } = run.stage {
            for t in self.last_prompt.clone() {
                self.say(&t);
            }
            self.relisten();
        }
    }

    fn relisten(&mut self) {
        let Mode::Flow(run) = &self.mode else { return };
        if let (Stage::Step { index, .. }, Some(Body::Steps(steps))) =
            (run.stage, run.flow().map(|f| &f.body))
        {
            if let Some(s) = steps.get(index) {
                let ms = scaled(s.timeout_ms, self.pace);
                self.listen(ms);
            }
        }
    }

    /// Move to step `index` (skipping steps that do not apply) and ask it, or finish.
    fn enter_step(&mut self, mut run: Box<FlowRun>, mut index: usize) -> Placed {
        let prompts = run.prompts.clone();
        let Some(Body::Steps(steps)) = prompts.flow(&run.name).map(|f| &f.body) else {
            return self.end_flow(run, false);
        };
        while let Some(s) = steps.get(index) {
            let skip = match s.expect {
                Expect::Note => !self.memory.keep_transcripts,
                Expect::Feelings => !run.answers.feelings.is_empty(),
                _ => false,
            } || s
                .follows
                .as_ref()
                .is_some_and(|f| run.answers.nothing.contains(f));
            if !skip {
                break;
            }
            index += 1;
        }
        let Some(step) = steps.get(index) else {
            return self.finish_flow(run);
        };
        let text = pick(&step.say, run.variant, &step.id).to_string();
        self.ask(&text);
        self.listen(scaled(step.timeout_ms, self.pace));
        run.stage = Stage::Step {
            index,
            misses: 0,
            timeouts: 0,
            things: 0,
            asked_more: false,
        };
        self.keep(run)
    }

    fn step_answer(&mut self, mut run: Box<FlowRun>, text: &str) -> Placed {
        let prompts = run.prompts.clone();
        let (
            Stage::Step {
                index,
                misses,
                timeouts,
                things,
                asked_more,
            },
            Some(Body::Steps(steps)),
        ) = (run.stage, prompts.flow(&run.name).map(|f| &f.body))
        else {
            return self.keep(run);
        };
        let Some(step) = steps.get(index) else {
            return self.finish_flow(run);
        };
        let purpose = run.flow().map(|f| f.purpose);
        // A clear request in the middle of a conversation is a request, not the answer.
        if matches!(purpose, Some(Purpose::Reflection | Purpose::Checkin)) {
            match self.request_in(text) {
                Some(Request::LogMood(rest)) if parse_mood(&rest).score.is_some() => {
                    self.request(Request::LogMood(rest));
                    self.say_common("back_to_flow");
                    let q = pick(&step.say, run.variant, &step.id).to_string();
                    self.ask(&q);
                    self.listen(scaled(step.timeout_ms, self.pace));
                    return self.keep(run);
                }
                Some(Request::Flow(name)) if name != run.name && intent::switches(text) => {
                    let placed = self.keep(run);
                    self.start_flow(&name, None, None);
                    return placed;
                }
                _ => {}
            }
        }
        let understood = match step.expect {
            Expect::Free => {
                if step.id == PLAN_STEP && self.prompts.lexicon().read(text) != AnswerKind::Nothing
                {
                    run.answers.planned = Some(text.trim().to_string());
                }
                if purpose == Some(Purpose::Reflection) {
                    // A strength from nought to a hundred is kept as a number even when the
                    // words are not.
                    let rating = if step.rating {
                        parse_rating(text)
                    } else {
                        None
                    };
                    run.answers.ratings.extend(rating);
                    let kept = if self.memory.keep_transcripts {
                        Some(text.trim().to_string())
                    } else {
                        None
                    };
                    self.out.push(Action::LogReflection {
                        step: step.id.clone(),
                        text: kept,
                    });
                    if let Some(r) = rating {
                        self.out.push(Action::LogReflectionValue {
                            step: step.id.clone(),
                            value: i64::from(r),
                        });
                    }
                }
                if let Some(field) = step.plan_field {
                    run.answers
                        .plan
                        .field_mut(field)
                        .push(text.trim().to_string());
                }
                true
            }
            Expect::MoodScore => {
                let m = parse_mood(text);
                match m.score {
                    Some(score) => {
                        run.answers.score = Some(score);
                        for f in m.feelings {
                            if !run.answers.feelings.contains(&f) {
                                run.answers.feelings.push(f);
                            }
                        }
                        if self.memory.keep_transcripts && m.note.is_some() {
                            run.answers.note = m.note;
                        }
                        true
                    }
                    None if m.tone.is_some() => {
                        // "pretty low": acknowledge it and ask for a number (not a miss).
                        let key = match m.tone {
                            Some(MoodTone::Low) => "mood_tone_low",
                            Some(MoodTone::High) => "mood_tone_high",
                            _ => "mood_tone_middling",
                        };
                        for f in m.feelings {
                            if !run.answers.feelings.contains(&f) {
                                run.answers.feelings.push(f);
                            }
                        }
                        self.say_common(key);
                        let q = self.common("mood_ask_number");
                        self.ask(&q);
                        self.listen(scaled(step.timeout_ms, self.pace));
                        run.stage = Stage::Step {
                            index,
                            misses,
                            timeouts,
                            things,
                            asked_more,
                        };
                        return self.keep(run);
                    }
                    None => false,
                }
            }
            Expect::Feelings => {
                let m = parse_mood(text);
                for f in m.feelings {
                    if !run.answers.feelings.contains(&f) {
                        run.answers.feelings.push(f);
                    }
                }
                true
            }
            Expect::Note => {
                if super::mood::parse_yes_no(text) != Some(false) && self.memory.keep_transcripts {
                    run.answers.note = Some(text.trim().to_string());
                }
                true
            }
            Expect::Frequency => match parse_frequency(text) {
                Some(v) => {
                    run.answers
                        .items
                        .push((step.instrument.clone().unwrap_or_default(), v));
                    true
                }
                None => false,
            },
            Expect::Things => {
                let total = things + count_things(text);
                if total < step.count as usize && !asked_more && !step.more.is_empty() {
                    let t = pick(&step.more, run.variant.wrapping_add(index as u64), "more")
                        .to_string();
                    self.say(&t);
                    self.listen(scaled(step.timeout_ms, self.pace));
                    run.stage = Stage::Step {
                        index,
                        misses,
                        timeouts,
                        things: total,
                        asked_more: true,
                    };
                    return self.keep(run);
                }
                true
            }
        };
        if understood {
            let kind = self.prompts.lexicon().read(text);
            let fitted = if step.expect == Expect::Free {
                self.fitted_ack(step, kind, text, run.variant.wrapping_add(index as u64))
            } else {
                None
            };
            if kind == AnswerKind::Nothing && step.expect == Expect::Free {
                if !run.answers.nothing.contains(&step.id) {
                    run.answers.nothing.push(step.id.clone());
                }
                // "Want to try once more, or skip?": the step stays open, once.
                if let Some(a) = fitted.as_ref().filter(|a| a.trim_end().ends_with('?')) {
                    if !asked_more {
                        self.ask(a);
                        self.listen(scaled(step.timeout_ms, self.pace));
                        run.stage = Stage::Step {
                            index,
                            misses,
                            timeouts,
                            things,
                            asked_more: true,
                        };
                        return self.keep(run);
                    }
                    self.say_common("moving_on");
                    self.out.push(Action::Pause { ms: BEAT_MS });
                    return self.enter_step(run, index + 1);
                }
            } else {
                run.answers.nothing.retain(|id| id != &step.id);
            }
            let ack = match fitted {
                Some(a) => a,
                None if step.ack.is_empty() => self.common("ack"),
                None => pick(&step.ack, run.variant.wrapping_add(index as u64), "ack").to_string(),
            };
            // A feeling rated again is said back with its first rating.
            if let (true, [first, .., last]) = (step.rating, run.answers.ratings.as_slice()) {
                if parse_rating(text) == Some(*last) {
                    let (before, after) = (
                        spoken_number(u64::from(*first)),
                        spoken_number(u64::from(*last)),
                    );
                    let change = self.common("rating_change");
                    self.say(&fill(&change, &[("before", &before), ("after", &after)]));
                }
            }
            self.say(&ack);
            self.out.push(Action::Pause { ms: BEAT_MS });
            return self.enter_step(run, index + 1);
        }
        let misses = misses + 1;
        match misses {
            1 => {
                let t = if step.clarify.is_empty() {
                    self.common("flow_reprompt")
                } else {
                    pick(&step.clarify, run.variant, "clarify").to_string()
                };
                self.say(&t);
            }
            2 => self.say_common("flow_options"),
            _ => {
                self.say_common("moving_on");
                self.out.push(Action::Pause { ms: BEAT_MS });
                return self.enter_step(run, index + 1);
            }
        }
        self.listen(scaled(step.timeout_ms, self.pace));
        run.stage = Stage::Step {
            index,
            misses,
            timeouts,
            things,
            asked_more,
        };
        self.keep(run)
    }

    /// Whether a plan from an earlier day (within a few days) is waiting to be asked about.
    fn follow_up_due(&self) -> bool {
        self.memory.planned.as_ref().is_some_and(|p| {
            let today = self.day();
            p.day < today && today - p.day <= PLAN_FOLLOW_UP_DAYS
        })
    }

    /// "Last time you planned ...: did it happen?"
    fn ask_follow_up(&mut self) {
        let what = self
            .memory
            .planned
            .as_ref()
            .and_then(|p| p.what.clone())
            .and_then(|w| self.prompts.lexicon().echo(&w));
        let t = match what {
            Some(w) => {
                let t = self.common("plan_follow_up");
                fill(&t, &[("activity", &w)])
            }
            None => self.common("plan_follow_up_plain"),
        };
        self.ask(&t);
        self.pending = Some(Pending::FollowUp);
    }

    /// The answer to the follow-up: noted (as done or not, never their words without consent),
    /// and the plan is let go either way.
    fn follow_up_answer(&mut self, text: &str) {
        let answer = super::mood::parse_yes_no(text).filter(|_| self.command_in(text).is_none());
        self.memory.planned = None;
        match answer {
            Some(done) => {
                self.out.push(Action::LogReflectionValue {
                    step: FOLLOW_UP_STEP.into(),
                    value: i64::from(done),
                });
                self.say_common(if done { "plan_done" } else { "plan_not_done" });
                self.ask_common("menu_short");
                self.idle_listen();
            }
            None => self.dispatch_again(text),
        }
    }

    /// The acknowledgment that fits what the answer carries, from the step's `acks` (grief,
    /// worry and anger fall back to the negative ones; a person or an activity to the plain
    /// ones). Lines with `{words}` say the answer back, only when that is safe.
    fn fitted_ack(
        &self,
        step: &Step,
        kind: AnswerKind,
        text: &str,
        variant: u64,
    ) -> Option<String> {
        let fallback = match kind {
            // A person or an activity is not good news in itself ("my sister and I argued").
            AnswerKind::Person | AnswerKind::Activity => Some(AnswerKind::Plain),
            AnswerKind::Grief | AnswerKind::Worry | AnswerKind::Anger => Some(AnswerKind::Negative),
            _ => None,
        };
        let list = step
            .acks
            .get(&kind)
            .or_else(|| fallback.and_then(|f| step.acks.get(&f)))?;
        let echo = self.prompts.lexicon().echo(text);
        let with_words: Vec<String> = list
            .iter()
            .filter(|t| t.contains("{words}"))
            .cloned()
            .collect();
        let plain: Vec<String> = list
            .iter()
            .filter(|t| !t.contains("{words}"))
            .cloned()
            .collect();
        match echo {
            Some(w) if !with_words.is_empty() => {
                let t = pick(&with_words, variant, kind.name());
                Some(sentence_case(&fill(t, &[("words", &w)])))
            }
            _ => Some(pick(&plain, variant, kind.name()).to_string()),
        }
    }

    fn on_listen_timeout(&mut self) {
        // No answer to the direct question: unclear, and the safer reading wins.
        if let Some(Pending::AskRisk { category, .. }) = &self.pending {
            let a = Assessment::new(
                SafetyAction::Crisis,
                category.clone(),
                crisis::UNCLEAR_ANSWER,
            );
            self.pending = None;
            self.enter_crisis(&a);
            return;
        }
        let run = match std::mem::replace(&mut self.mode, Mode::Idle) {
            Mode::Flow(run) => run,
            Mode::Crisis(mut c) => {
                let prompts = c.prompts.clone();
                let steps = c.protocol.on_silence(prompts.safety(), self.now / DAY_MS);
                self.mode = Mode::Crisis(c);
                self.crisis_steps(steps);
                return;
            }
            Mode::Idle if self.listening.is_some() => {
                // Quiet in listening mode: wait once more, then let it rest.
                if let Some(mut run) = self.listening.take() {
                    run.quiet += 1;
                    if run.quiet >= 2 {
                        let t = self.fresh(&mut run, "listen_quiet", None);
                        self.say(&t);
                    } else {
                        self.say_common("listen_gentle");
                        self.listen(LISTENING_LISTEN_MS);
                        self.listening = Some(run);
                    }
                }
                return;
            }
            Mode::Idle => {
                // Idle: silence after a question is fine; no nagging. An unanswered consent question
                // keeps the default (not keeping words) and still does what was asked.
                match self.pending.take() {
                    Some(Pending::Consent { then }) => {
                        self.out.push(Action::SetConsent {
                            keep_transcripts: false,
                        });
                        self.say_common("consent_unclear");
                        if let Some(r) = then {
                            self.request(r);
                        }
                    }
                    Some(Pending::ConfirmForget { .. }) => {
                        // No answer is not a yes.
                        self.last_prompt.clear();
                        self.say_common("forget_cancelled");
                    }
                    _ => {}
                }
                return;
            }
        };
        let _placed = self.flow_listen_timeout(run);
    }

    /// No answer to a flow's question: ask once more gently, then move on (or end, when the
    /// step's answer is needed).
    fn flow_listen_timeout(&mut self, mut run: Box<FlowRun>) -> Placed {
        let Stage::Step {
            index,
            misses,
            timeouts,
            things,
            asked_more,
        } = run.stage
        else {
            return self.keep(run);
        };
        if run.paused {
            return self.keep(run);
        }
        let required = matches!(self.expect_of(&run, index), Some(Expect::MoodScore));
        if timeouts == 0 {
            self.say_common("listen_gentle");
            for t in self.last_prompt.clone() {
                self.say(&t);
            }
            let ms = self.step_timeout(&run, index);
            self.listen(ms);
            run.stage = Stage::Step {
                index,
                misses,
                timeouts: 1,
                things,
                asked_more,
            };
            self.keep(run)
        } else if required {
            self.say_common("mood_not_logged");
            self.end_flow(run, false)
        } else {
            self.say_common("moving_on");
            self.out.push(Action::Pause { ms: BEAT_MS });
            self.enter_step(run, index + 1)
        }
    }

    fn expect_of(&self, run: &FlowRun, index: usize) -> Option<Expect> {
        match run.flow().map(|f| &f.body) {
            Some(Body::Steps(steps)) => steps.get(index).map(|s| s.expect),
            _ => None,
        }
    }

    fn step_timeout(&self, run: &FlowRun, index: usize) -> u64 {
        match run.flow().map(|f| &f.body) {
            Some(Body::Steps(steps)) => steps
                .get(index)
                .map_or(0, |s| scaled(s.timeout_ms, self.pace)),
            _ => 0,
        }
    }

    fn closing(&mut self, run: &FlowRun) {
        if let Some(flow) = run.flow() {
            let t = pick(&flow.closing, run.variant, "closing").to_string();
            self.say(&t);
            self.last_prompt.clear();
        }
    }

    /// The flow ran to its end: log what it gathered, say its closing, end it.
    fn finish_flow(&mut self, run: Box<FlowRun>) -> Placed {
        let Some(flow) = run.flow() else {
            return self.end_flow(run, false);
        };
        let purpose = flow.purpose;
        let is_cues = matches!(flow.body, Body::Cues { .. });
        if let Some(planned) = &run.answers.planned {
            self.memory.planned = Some(PlannedActivity {
                day: self.day(),
                what: self.memory.keep_transcripts.then(|| planned.clone()),
            });
        }
        match purpose {
            Purpose::Mood => match run.answers.score {
                Some(score) => self.out.push(Action::LogMood {
                    score,
                    feelings: run.answers.feelings.clone(),
                    note: run.answers.note.clone(),
                }),
                None => {
                    self.say_common("mood_not_logged");
                    return self.end_flow(run, false);
                }
            },
            Purpose::Checkin => {
                let mut positive = false;
                let mut names: Vec<&str> =
                    run.answers.items.iter().map(|(n, _)| n.as_str()).collect();
                names.dedup();
                for name in names {
                    let items: Vec<u8> = run
                        .answers
                        .items
                        .iter()
                        .filter(|(n, _)| n == name)
                        .map(|(_, v)| *v)
                        .collect();
                    if items.len() == 2 {
                        let score: u8 = items.iter().sum();
                        positive |= score >= CHECKIN_POSITIVE;
                        self.out.push(Action::LogCheckin {
                            instrument: name.to_string(),
                            score,
                            items,
                        });
                    }
                }
                if positive {
                    let a = Assessment {
                        action: SafetyAction::Refer,
                        category: "checkin_positive".into(),
                        reason: format!("a check-in total of {CHECKIN_POSITIVE} or more"),
                    };
                    self.log_safety(&a);
                    let t = run.prompts.safety().referral(&a.category, self.day());
                    self.say(&t);
                }
            }
            Purpose::SafetyPlan => {
                if run.answers.plan.is_empty() {
                    self.say_common("safety_plan_empty");
                    return self.end_flow(run, false);
                }
                let plan = run.answers.plan.clone();
                self.memory.safety_plan = Some(plan.clone());
                self.memory.has_safety_plan = true;
                self.out.push(Action::SaveSafetyPlan { plan });
            }
            _ => {}
        }
        if is_cues {
            self.out.push(Action::Chime {
                kind: ChimeKind::End,
            });
        }
        self.closing(&run);
        self.end_flow(run, true)
    }

    fn end_flow(&mut self, run: Box<FlowRun>, completed: bool) -> Placed {
        self.out.push(Action::FlowEnded {
            name: run.name.clone(),
            completed,
        });
        self.mode = Mode::Idle;
        if !completed {
            self.last_prompt.clear();
        }
        Placed(())
    }

    /// Puts a flow that was taken out of `mode` back.
    fn keep(&mut self, run: Box<FlowRun>) -> Placed {
        self.mode = Mode::Flow(run);
        Placed(())
    }

    /// Takes the running flow out of `mode` to work on it (leaving idle behind); any other mode
    /// stays as it is.
    fn take_flow(&mut self) -> Option<Box<FlowRun>> {
        match std::mem::replace(&mut self.mode, Mode::Idle) {
            Mode::Flow(run) => Some(run),
            other => {
                self.mode = other;
                None
            }
        }
    }
}
