//! The safety engine: screens every utterance before the dialogue sees it.
//!
//! - [`SafetyEngine::assess`] turns one transcribed utterance into an [`Assessment`]: an action
//!   (none, support, refer, crisis, emergency), a category and the id of the rule that decided
//!   it. It is pure, deterministic and fast (tens of microseconds); the text is normalised for
//!   speech-recognition quirks first ([`normalize`]), then matched against pattern tables with
//!   negation, idiom, history, fiction and accident handling ([`rules`]).
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

pub mod crisis;
pub mod disclosure;
pub mod eval;
pub mod helplines;
pub mod lexicon;
pub mod normalize;
pub mod rules;
pub mod scripts;

#[cfg(test)]
mod table_tests;

use std::sync::OnceLock;

use serde::Serialize;

pub use crisis::{CrisisProtocol, CrisisStep};
pub use disclosure::{DisclosurePolicy, DisclosureReason};
pub use eval::{evaluate, EvalReport};
pub use helplines::{Helpline, HelplineTable};
pub use scripts::SafetyScripts;

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

/// The compiled rules, shared by every engine in the process.
fn shared_rules() -> &'static Result<rules::RuleSet, String> {
    static RULES: OnceLock<Result<rules::RuleSet, String>> = OnceLock::new();
    RULES.get_or_init(rules::RuleSet::build)
}

/// Screens utterances. Deterministic: the same words always get the same assessment.
#[derive(Debug, Clone)]
pub struct SafetyEngine {
    rules: Result<&'static rules::RuleSet, &'static str>,
}

impl Default for SafetyEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl SafetyEngine {
    /// The engine with the built-in rules (compiled once per process).
    pub fn new() -> Self {
        let rules = match shared_rules() {
            Ok(r) => Ok(r),
            Err(e) => Err(e.as_str()),
        };
        Self { rules }
    }

    /// Whether the rules compiled. When they did not, [`assess`](Self::assess) fails closed.
    pub fn check(&self) -> Result<(), String> {
        self.rules.map(|_| ()).map_err(str::to_string)
    }

    /// Assess one utterance as transcribed.
    pub fn assess(&self, text: &str) -> Assessment {
        match self.rules {
            Ok(rules) => rules.assess(&normalize::normalize(text)),
            Err(_) => Assessment::fail_closed(),
        }
    }

    /// Whether the utterance asks if Hearth is a real person, a bot or a therapist
    /// ("are you human", "am i talking to a therapist", "is this a bot").
    pub fn is_identity_question(&self, text: &str) -> bool {
        match self.rules {
            Ok(rules) => rules.is_identity_question(&normalize::normalize(text)),
            Err(_) => false,
        }
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
        assert!(SafetyAction::Crisis > SafetyAction::Refer);
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
