//! The safety engine: screens every utterance before the dialogue sees it.
//!
//! - [`SafetyEngine::assess`] turns one transcribed utterance into an [`Assessment`]: an action
//!   (none, support, refer, ask, crisis, emergency), a category and the id of the rule that
//!   decided it. The rules are pure, deterministic and fast (under 0.1 ms); the text is
//!   normalised for speech-recognition quirks first ([`normalize`]), then matched against
//!   pattern tables with negation, idiom, history, fiction and accident handling ([`rules`]).
//!   The tables are data, `prompts/safety/rules.toml`, `guards.toml` and `lexicon.toml`,
//!   checked and compiled by [`rule_files`] (a copy is compiled in; a prompt set loaded from
//!   disk brings its own, which the dialogue engine reads with). When the rules see no risk and
//!   no guard explained risky words away, a second reading ([`semantic`]: a sentence encoder
//!   and a small head trained on the labelled [`corpus`] and other people's text) may
//!   escalate: it catches wordings no rule was written for, but only near a risk statement it
//!   was trained on ([`anchors`]), and unless very near it asks rather than alarms. It never
//!   lowers what the rules decided.
//! - [`SafetyScripts`] are Hearth's spoken crisis, emergency, referral, support and disclosure
//!   texts plus the dated helpline table, loaded and validated from `prompts/safety/*.toml`.
//! - [`CrisisProtocol`] is the conversation that runs after a crisis or emergency reading.
//! - [`DisclosurePolicy`] decides when Hearth must say it is an AI, not a person or therapist.
//! - [`evaluate`] scores the engine against a labelled TSV file (`expected<TAB>utterance`).
//!
//! Fail closed: if the rules cannot be compiled, every assessment is
//! [`Assessment::fail_closed`]; if the scripts cannot be loaded, the shell must not carry on as
//! if nothing was said (it can still speak [`FALLBACK_CRISIS_MESSAGE`]).
//! An [`Assessment`] never carries the person's words: it can be stored and logged as is.

pub mod anchors;
pub mod calibrate;
pub mod corpus;
pub mod crisis;
pub mod disclosure;
pub mod eval;
pub mod helplines;
pub mod lexicon;
pub mod normalize;
pub mod rule_files;
pub mod rules;
pub mod scripts;
pub mod semantic;

#[cfg(test)]
mod table_tests;

use std::sync::{Arc, OnceLock};

use serde::Serialize;

pub use crisis::{direct_answer, CrisisProtocol, CrisisStep, DirectAnswer};
pub use disclosure::{DisclosurePolicy, DisclosureReason};
pub use eval::{evaluate, EvalReport};
pub use helplines::{Helpline, HelplineTable};
pub use scripts::SafetyScripts;
pub use semantic::{Label, Probabilities, SafetyHead, SentenceEncoder, Thresholds};

/// Spoken when the safety scripts themselves could not be loaded: no placeholders, no numbers
/// that depend on a country, nothing that can fail.
pub const FALLBACK_CRISIS_MESSAGE: &str = "I'm sorry, part of me isn't working properly right now, so I can't carry on as normal. If you are in danger or thinking about ending your life, please call your local emergency number now, or a crisis line. You deserve help from a real person.";

/// What Hearth must do with an utterance, from least to most urgent (the order is meaningful:
/// when two readings disagree, the greater one wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SafetyAction {
    None,
    Support,
    Refer,
    /// Risk is possible but not clear ("i can't keep going like this"): acknowledge, then ask
    /// directly and kindly whether they are thinking of ending their life or hurting themselves.
    Ask,
    Crisis,
    Emergency,
}

impl SafetyAction {
    /// The lower-case name used in JSON and TSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            SafetyAction::None => "none",
            SafetyAction::Support => "support",
            SafetyAction::Refer => "refer",
            SafetyAction::Ask => "ask",
            SafetyAction::Crisis => "crisis",
            SafetyAction::Emergency => "emergency",
        }
    }

    /// Parse a lower-case action name.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "none" => Some(SafetyAction::None),
            "support" => Some(SafetyAction::Support),
            "refer" => Some(SafetyAction::Refer),
            "ask" => Some(SafetyAction::Ask),
            "crisis" => Some(SafetyAction::Crisis),
            "emergency" => Some(SafetyAction::Emergency),
            _ => None,
        }
    }

    /// Whether the dialogue must stop and hand over to the crisis protocol.
    pub fn is_risk(self) -> bool {
        self >= SafetyAction::Crisis
    }
}

impl std::fmt::Display for SafetyAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The decision for one utterance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub action: SafetyAction,
    /// A short machine-readable category, e.g. `suicidal_ideation`, `self_harm`, `medication`.
    pub category: String,
    /// Why: which rule matched (never the person's words).
    pub reason: String,
}

impl Assessment {
    /// An assessment from its parts.
    pub fn new(
        action: SafetyAction,
        category: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            action,
            category: category.into(),
            reason: reason.into(),
        }
    }

    /// What to do when the assessment cannot run: treat it as a crisis, so the dialogue stops
    /// and the person hears how to reach a human.
    pub fn fail_closed() -> Self {
        Self::new(SafetyAction::Crisis, "safety_unavailable", "fail_closed")
    }

    /// No risk, nothing matched.
    pub fn none() -> Self {
        Self::new(SafetyAction::None, "none", "no_rule")
    }

    /// Whether the statistical second reading, not a rule, decided this.
    pub fn is_second_reading(&self) -> bool {
        self.reason.starts_with(SECOND_READING)
    }
}

/// One line of `hearth safety check` output: `{"text":..., "action":..., "category":..., "reason":...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckRecord<'a> {
    pub text: &'a str,
    pub action: SafetyAction,
    pub category: &'a str,
    pub reason: &'a str,
}

impl<'a> CheckRecord<'a> {
    /// Pair an utterance with its assessment for printing.
    pub fn new(text: &'a str, a: &'a Assessment) -> Self {
        Self {
            text,
            action: a.action,
            category: &a.category,
            reason: &a.reason,
        }
    }
}

/// The committed semantic head, parsed once per process.
fn shared_head() -> Result<&'static SafetyHead, &'static str> {
    static HEAD: OnceLock<Result<SafetyHead, String>> = OnceLock::new();
    match HEAD.get_or_init(|| SafetyHead::builtin().map_err(|e| e.to_string())) {
        Ok(h) => Ok(h),
        Err(e) => Err(e.as_str()),
    }
}

/// The prefix of every reason the second reading gives (`model.crisis`, `model.emergency+...`).
const SECOND_READING: &str = "model.";

/// Below this many words the second reading is not consulted: fragments ("my GP", "not
/// really") carry too little meaning to read, and short risk statements are the rules' strength.
pub const MODEL_MIN_WORDS: usize = 3;

/// Screens utterances. Deterministic: the same words always get the same assessment.
///
/// Built with [`SafetyEngine::new`] it reads with the rules alone; the shell adds the
/// second reading with [`SafetyEngine::with_encoder`] (the engine itself never loads a model).
#[derive(Debug, Clone)]
pub struct SafetyEngine {
    rules: Result<Arc<rules::RuleSet>, &'static str>,
    semantic: Option<(Arc<dyn SentenceEncoder>, &'static SafetyHead)>,
}

impl Default for SafetyEngine {
    fn default() -> Self {
        Self::new()
    }
}

/// One utterance read both ways: what `hearth safety check --explain` shows and what the
/// policy decisions below are made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub assessment: Assessment,
    /// The rules' own reading.
    pub by_rules: Assessment,
    /// The semantic head's probabilities, when the second reading ran.
    pub probabilities: Option<Probabilities>,
    /// Cosine similarity to the nearest risk statement the head was trained on
    /// ([`anchors`]), when the second reading ran.
    pub near: Option<f32>,
    /// Whether the utterance, overheard, reads as the speaker's own danger told in earnest
    /// ([`overheard_as_own`]): it speaks of the speaker ("i", "me", "my"...), not only of
    /// others, without laughing ("haha", "lol"), an "if" or a "would", and (for a crisis
    /// reading) not to someone else in the room ("you").
    pub first_person: bool,
}

impl SafetyEngine {
    /// The engine with the built-in rules alone (compiled once per process).
    pub fn new() -> Self {
        let rules = match rule_files::shared() {
            Ok(r) => Ok(r.clone()),
            Err(e) => Err(e.as_str()),
        };
        Self {
            rules,
            semantic: None,
        }
    }

    /// The rules plus the semantic second reading on `encoder`, with the committed head.
    /// Fails when the committed head is unusable (a build problem, never the person's input).
    pub fn with_encoder(encoder: Arc<dyn SentenceEncoder>) -> Result<Self, String> {
        let head = shared_head()?;
        Ok(Self::with_head(encoder, head))
    }

    /// The rules plus the second reading on a given head (for training and evaluation).
    pub fn with_head(encoder: Arc<dyn SentenceEncoder>, head: &'static SafetyHead) -> Self {
        Self {
            semantic: Some((encoder, head)),
            ..Self::new()
        }
    }

    /// The rules alone, without the second reading (to measure what each part contributes).
    pub fn rules_only() -> Self {
        Self::new()
    }

    /// The same engine reading with other rules (those of a prompt set loaded from disk).
    pub fn with_rules(self, rules: Arc<rules::RuleSet>) -> Self {
        Self {
            rules: Ok(rules),
            ..self
        }
    }

    /// Whether the second reading is available.
    pub fn has_second_reading(&self) -> bool {
        self.semantic.is_some()
    }

    /// The encoder of the second reading, if any.
    pub fn encoder(&self) -> Option<&Arc<dyn SentenceEncoder>> {
        self.semantic.as_ref().map(|(e, _)| e)
    }

    /// Assess with the rules alone (see [`rules_only`](Self::rules_only)).
    pub fn assess_rules_only(&self, text: &str) -> Assessment {
        match &self.rules {
            Ok(rules) => rules.assess(&normalize::normalize(text)),
            Err(_) => Assessment::fail_closed(),
        }
    }

    /// Whether the rules compiled. When they did not, [`assess`](Self::assess) fails closed.
    pub fn check(&self) -> Result<(), String> {
        self.rules.as_ref().map(|_| ()).map_err(|e| e.to_string())
    }

    /// Assess one utterance as transcribed.
    pub fn assess(&self, text: &str) -> Assessment {
        self.read(text).assessment
    }

    /// The part of a reading that needs no thresholds: the normalised text, the rules'
    /// reading, and whether the utterance is long enough for the second reading.
    pub fn first_reading(&self, text: &str) -> (String, Assessment, bool) {
        let norm = normalize::normalize(text);
        let by_rules = match &self.rules {
            Ok(rules) => rules.assess(&norm),
            Err(_) => Assessment::fail_closed(),
        };
        let long_enough = words(&norm) >= MODEL_MIN_WORDS;
        (norm, by_rules, long_enough)
    }

    /// Read one utterance both ways and combine them.
    pub fn read(&self, text: &str) -> Reading {
        let (norm, by_rules, long_enough) = self.first_reading(text);
        let mut probabilities = None;
        let mut near = None;
        let mut assessment = by_rules.clone();
        if let (Some((encoder, head)), true, true) =
            (&self.semantic, long_enough, self.rules.is_ok())
        {
            match encoder.embed(&norm) {
                Ok(e) => {
                    let p = head.predict(&e);
                    near = head.nearest_risk(&e);
                    assessment =
                        second_reading(by_rules.clone(), &p, &head.thresholds, &norm, near);
                    probabilities = Some(p);
                }
                // The rules' reading stands; the shell reports the encoder's failure.
                Err(e) => tracing::warn!(error = %e, "second reading unavailable"),
            }
        }
        let first_person = overheard_as_own(&norm, &assessment);
        Reading {
            assessment,
            by_rules,
            probabilities,
            near,
            first_person,
        }
    }

    /// Whether Hearth should speak up to speech that was not addressed to it (see
    /// [`speaks_up`]).
    pub fn speaks_up_unaddressed(&self, reading: &Reading) -> bool {
        speaks_up(
            &reading.assessment,
            reading.first_person,
            reading.probabilities.as_ref(),
            self.semantic.as_ref().map(|(_, h)| &h.thresholds),
        )
    }

    /// Whether the utterance asks if Hearth is a real person, a bot or a therapist
    /// ("are you human", "am i talking to a therapist", "is this a bot").
    pub fn is_identity_question(&self, text: &str) -> bool {
        match &self.rules {
            Ok(rules) => rules.is_identity_question(&normalize::normalize(text)),
            Err(_) => false,
        }
    }
}

/// Words in normalised text (clause marks are not words).
fn words(norm: &str) -> usize {
    norm.split(' ')
        .filter(|w| !w.is_empty() && *w != ",")
        .count()
}

/// Whether Hearth speaks up to unaddressed speech: only for first-person, high-certainty
/// danger. Never for third-person narration, films, trivia or news, and never for `ask`,
/// `refer` or `support`. High certainty means the two readings agree: a rule's crisis or
/// emergency reading about the speaker that the second reading does not contradict (its
/// p(ask + crisis + emergency) at or above `t.agree`: a television's "I'm gonna kill myself"
/// after a joke reads as banter to it), or the second reading alone at or above
/// `t.unaddressed`, far above its own threshold. Without a second reading (`t` is `None`)
/// the rules decide alone.
pub fn speaks_up(
    a: &Assessment,
    first_person: bool,
    probabilities: Option<&Probabilities>,
    t: Option<&Thresholds>,
) -> bool {
    // Overheard, "I'm gonna kill him" is a figure of speech nearly every time; said to Hearth it
    // still gets the full response. An abuse disclosure overheard is not answered aloud either
    // (the person it is about may be in the room); abuse happening now is an emergency and is.
    if !a.action.is_risk()
        || !first_person
        || matches!(a.category.as_str(), "third_party_risk" | "harm_to_others")
        || (a.category == "domestic_abuse" && a.action < SafetyAction::Emergency)
        // Someone in the room is already calling for help ("i am calling the police", "will
        // you call an ambulance"): Hearth cannot call, and the number adds nothing to them.
        || a.reason == "emergency.ambulance"
    {
        return false;
    }
    match (t, probabilities) {
        (Some(t), Some(p)) if a.is_second_reading() => p.risk() >= t.unaddressed,
        (Some(t), Some(p)) => p.concern() >= t.agree,
        (_, None) => !a.is_second_reading(),
        (None, Some(_)) => !a.is_second_reading(),
    }
}

/// Whether normalised text is laughing or joking ("haha", "lol", "jk", "just kidding"):
/// overheard, such a line is banter, and Hearth does not speak up to it unasked.
pub fn is_banter(norm: &str) -> bool {
    norm.split(' ').any(|w| {
        w.starts_with("haha")
            || w.starts_with("hehe")
            || matches!(w, "lol" | "lmao" | "jk" | "rofl")
    }) || [
        "just kidding",
        "laugh out loud",
        "only joking",
        "just joking",
    ]
    .iter()
    .any(|p| norm.contains(p))
}

/// Whether overheard words (no wake phrase) read as the speaker's own danger, told in earnest,
/// given the screen's assessment of them: the only words Hearth speaks up to unasked.
///
/// - they speak of the speaker ([`is_first_person`]), without laughing ([`is_banter`]);
/// - they are not a hypothesis or a condition ([`is_hypothetical`]): "if i were allergic to
///   dairy i would kill myself", "i would rather die" are figures of speech nearly every time
///   they are overheard;
/// - a crisis reading (not an emergency) is not said to someone else in the room
///   ([`is_said_to_someone`]: "are you gonna make another list? i am gonna kill myself") nor
///   as exasperation ("ugh", "argh", "geez"): the person spoken to is there to hear it, and
///   a television's dialogue is nearly always addressed to someone.
///
/// Said to Hearth, every one of these still gets the full response: this decides only whether
/// Hearth speaks up uninvited.
pub fn overheard_as_own(norm: &str, a: &Assessment) -> bool {
    if !is_first_person(norm) || is_banter(norm) || is_hypothetical(norm) {
        return false;
    }
    a.action >= SafetyAction::Emergency || !(is_said_to_someone(norm) || is_exasperated(norm))
}

/// Whether normalised text is a hypothesis or a condition: "if" or "unless" opening a
/// condition (not the "if" of "whether": "i do not know if i want to live", "i do not care if
/// i die" are statements), or "would" right before the act ("i would kill myself", "i would
/// rather die"; not "everyone would be better off without me").
pub fn is_hypothetical(norm: &str) -> bool {
    let words: Vec<&str> = norm.split(' ').collect();
    words.iter().enumerate().any(|(i, w)| match *w {
        "if" => !matches!(
            i.checked_sub(1).and_then(|j| words.get(j)),
            Some(
                &"know"
                    | &"sure"
                    | &"wonder"
                    | &"wondering"
                    | &"care"
                    | &"matter"
                    | &"matters"
                    | &"see"
                    | &"ask"
                    | &"asking"
                    | &"decide"
                    | &"tell"
                    | &"idea"
                    | &"even"
                    | &"certain"
                    | &"doubt"
            )
        ),
        "unless" => true,
        "would" => matches!(
            words.get(i + 1),
            Some(
                &"kill"
                    | &"rather"
                    | &"sooner"
                    | &"die"
                    | &"jump"
                    | &"hang"
                    | &"shoot"
                    | &"end"
                    | &"slit"
                    | &"off"
                    | &"commit"
                    | &"drink"
            )
        ),
        _ => false,
    })
}

/// Whether normalised text is addressed to another person: "you", "your", "yourself".
pub fn is_said_to_someone(norm: &str) -> bool {
    norm.split(' ')
        .any(|w| matches!(w, "you" | "your" | "yours" | "yourself" | "ya"))
}

/// Whether normalised text carries an interjection of exasperation ("ugh", "argh", "geez",
/// "aaargh", "aaaahh"), the mark of a figure of speech.
pub fn is_exasperated(norm: &str) -> bool {
    norm.split(' ').any(|w| {
        matches!(
            w,
            "ugh" | "ughh" | "argh" | "geez" | "jeez" | "gosh" | "omg"
        ) || (w.len() >= 3
            && (w.starts_with("aa") || w.starts_with("arg") || w.starts_with("ugh"))
            && w.chars().all(|c| matches!(c, 'a' | 'h' | 'r' | 'g' | 'u')))
    })
}

/// Whether normalised text speaks of the speaker.
pub fn is_first_person(norm: &str) -> bool {
    norm.split(' ').any(|w| {
        matches!(
            w,
            "i" | "me" | "my" | "myself" | "mine" | "im" | "ive" | "id"
        )
    })
}

/// Whether normalised text is shaped as a question or a request for advice ("should i...",
/// "what dose...", "is it safe to...", "can you tell me..."): only those can become referrals
/// on the second reading. Small talk never gets "that's one for a professional".
fn asks_for_advice(norm: &str) -> bool {
    let first = norm.split(' ').next().unwrap_or("");
    matches!(
        first,
        "should"
            | "can"
            | "could"
            | "do"
            | "does"
            | "is"
            | "are"
            | "what"
            | "which"
            | "how"
            | "will"
            | "would"
            | "am"
            | "when"
    ) || [
        "should i ",
        "do i need",
        "do i have",
        "is it safe",
        "is it okay to",
        "is it ok to",
        "can i take",
        "can you tell me",
        "tell me if",
        "how much ",
        "how many ",
        "what dose",
        "which medication",
        "i need advice",
        "give me advice",
        "recommend",
    ]
    .iter()
    .any(|p| norm.contains(p))
}

/// Combine the rules' reading with the semantic one. The second reading only escalates, and
/// only where the rules did not explain the words away (a guard's reason reads `guard:rule`,
/// e.g. `negated:crisis.want_to_die`): the rules' handling of negation, history, fiction and
/// idioms stands. On its own (the rules saw no risk) it may ask or alarm only about words that
/// come near a risk statement it was trained on (`near`, the cosine similarity to the nearest
/// [`anchors`], at least `t.near`): a head is sure of nonsense far from its examples.
fn second_reading(
    by_rules: Assessment,
    p: &Probabilities,
    t: &Thresholds,
    norm: &str,
    near: Option<f32>,
) -> Assessment {
    let guarded = by_rules.reason.contains(':');
    if guarded || by_rules.category == "identity_question" {
        return by_rules;
    }
    let emergency = p.of(Label::Emergency) >= t.emergency;
    let grounded = near.is_none_or(|n| n >= t.near);
    match by_rules.action {
        SafetyAction::None | SafetyAction::Support | SafetyAction::Refer | SafetyAction::Ask => {
            if grounded && p.risk() >= t.crisis {
                if near.is_some_and(|n| n < t.alarm_near) {
                    // Possible risk, far from anything said in danger: ask before alarming.
                    if by_rules.action == SafetyAction::Ask {
                        by_rules
                    } else {
                        Assessment::new(SafetyAction::Ask, "possible_risk", "model.ask")
                    }
                } else if emergency && p.of(Label::Emergency) > p.of(Label::Crisis) {
                    Assessment::new(
                        SafetyAction::Emergency,
                        "possible_emergency",
                        "model.emergency",
                    )
                } else {
                    Assessment::new(SafetyAction::Crisis, "possible_risk", "model.crisis")
                }
            } else if grounded && by_rules.action < SafetyAction::Ask && p.concern() >= t.ask {
                Assessment::new(SafetyAction::Ask, "possible_risk", "model.ask")
            } else if by_rules.action < SafetyAction::Refer
                && p.of(Label::Refer) >= t.refer
                && asks_for_advice(norm)
            {
                Assessment::new(SafetyAction::Refer, "out_of_scope", "model.refer")
            } else if by_rules.action == SafetyAction::None && p.of(Label::Support) >= t.support {
                Assessment::new(SafetyAction::Support, "distress", "model.support")
            } else {
                by_rules
            }
        }
        SafetyAction::Crisis if by_rules.category != "past_attempt" && emergency => {
            Assessment::new(
                SafetyAction::Emergency,
                "possible_emergency",
                format!("{SECOND_READING}emergency+{}", by_rules.reason),
            )
        }
        _ => by_rules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_compiles() {
        assert_eq!(SafetyEngine::new().check(), Ok(()));
    }

    #[test]
    fn fail_closed_is_crisis() {
        let a = Assessment::fail_closed();
        assert_eq!(a.action, SafetyAction::Crisis);
        assert_eq!(a.category, "safety_unavailable");
    }

    #[test]
    fn actions_are_ordered_by_severity() {
        assert!(SafetyAction::Emergency > SafetyAction::Crisis);
        assert!(SafetyAction::Crisis > SafetyAction::Ask);
        assert!(SafetyAction::Ask > SafetyAction::Refer);
        assert!(SafetyAction::Refer > SafetyAction::Support);
        assert!(SafetyAction::Support > SafetyAction::None);
    }

    #[test]
    fn assessment_never_quotes_the_text() {
        let e = SafetyEngine::new();
        for t in [
            "i want to kill myself tonight",
            "i feel so alone",
            "what dose of sertraline should i take",
        ] {
            let a = e.assess(t);
            for w in t.split_whitespace().filter(|w| w.len() > 4) {
                assert!(
                    !a.reason.contains(&format!(" {w} ")),
                    "reason quotes text: {}",
                    a.reason
                );
            }
        }
    }

    #[test]
    fn check_record_serialises() {
        let a = Assessment::new(SafetyAction::Crisis, "self_harm", "crisis.self_harm_verbs");
        let json = serde_json::to_string(&CheckRecord::new("x", &a)).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"text":"x","action":"crisis","category":"self_harm","reason":"crisis.self_harm_verbs"}"#
        );
    }

    /// Overheard (no wake phrase), Hearth speaks up only to the speaker's own danger told in
    /// earnest; said to Hearth, the same words still get the full response.
    /// Alone, the second reading asks or alarms only near a risk statement it was trained on:
    /// far from all of them it is silent whatever its probabilities, between `near` and
    /// `alarm_near` it asks, and above it alarms; the rules' own readings never depend on it.
    #[test]
    fn the_second_reading_alone_needs_a_risk_anchor_nearby() {
        let t = Thresholds {
            crisis: 0.9,
            ask: 0.9,
            emergency: 0.9,
            refer: 0.5,
            support: 0.5,
            unaddressed: 1.0,
            agree: 0.2,
            near: 0.5,
            alarm_near: 0.7,
        };
        let mut p = [0f32; 6];
        p[Label::Emergency.index()] = 0.99;
        let p = Probabilities(p);
        let none = Assessment::none();
        let read = |near: Option<f32>| second_reading(none.clone(), &p, &t, "i have a thing", near);
        assert_eq!(read(Some(0.3)).action, SafetyAction::None);
        assert_eq!(read(Some(0.6)).action, SafetyAction::Ask);
        assert_eq!(read(Some(0.6)).reason, "model.ask");
        assert_eq!(read(Some(0.8)).action, SafetyAction::Emergency);
        // A head without anchors (None) reads as before.
        assert_eq!(read(None).action, SafetyAction::Emergency);
        // A rule's crisis still becomes an emergency on the second reading, anchors or not.
        let rule = Assessment::new(SafetyAction::Crisis, "suicide", "crisis.want_to_die");
        let a = second_reading(rule, &p, &t, "i want to die", Some(0.1));
        assert_eq!(a.action, SafetyAction::Emergency);
    }

    #[test]
    fn unaddressed_speech_is_answered_only_in_earnest() {
        let e = SafetyEngine::new();
        for t in [
            "I just want to die",
            "i'm going to kill myself tonight",
            "I took all my pills",
            "i'm going to jump off the bridge",
            "i don't know if i want to live anymore",
            "i don't care if i die",
            "everyone would be better off without me",
            "I can't breathe",
            "my husband is hitting me right now",
            "i took all my pills, i'm sorry, you were right about me",
        ] {
            let r = e.read(t);
            assert!(e.speaks_up_unaddressed(&r), "{t}: {:?}", r.assessment);
        }
        for t in [
            // Hypotheses and conditions.
            "if i were allergic to cheese i think i'd kill myself",
            "if they get engaged before me i'm going to kill myself",
            "i'd rather die, now who wants cake",
            // Said to someone else in the room, or in exasperation.
            "are you going to make another list? i'm going to kill myself",
            "i'm going to kill myself and it's your fault",
            "ugh, i want to die",
            "aaaargh i'm gonna kill myself",
            // An abuse disclosure overheard: the person may be in the room.
            "my boyfriend hit me last week",
            // Already calling for help.
            "okay, i'm calling the police",
        ] {
            let r = e.read(t);
            assert!(!e.speaks_up_unaddressed(&r), "{t}: {:?}", r.assessment);
            assert!(
                r.assessment.action.is_risk(),
                "said to Hearth it counts: {t}"
            );
        }
    }

    #[test]
    fn identity_questions() {
        let e = SafetyEngine::new();
        for t in [
            "are you a real person",
            "am i talking to a therapist",
            "are you human?",
            "is this a bot",
            "Are you an AI or a person",
            "who am i talking to",
        ] {
            assert!(e.is_identity_question(t), "{t}");
        }
        for t in [
            "are you okay with that",
            "i am human after all",
            "this is a real problem",
        ] {
            assert!(!e.is_identity_question(t), "{t}");
        }
    }
}
