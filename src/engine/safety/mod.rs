//! The safety engine: screens every utterance before the dialogue sees it.
//!
//! (Interface placeholder — being filled in. Public API agreed with the dialogue engine:
//! `SafetyEngine::assess(&self, text) -> Assessment`, the `CrisisProtocol` state machine,
//! crisis/referral scripts and the helpline table loaded from `prompts/safety/`.)

use serde::Serialize;

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

/// The decision for one utterance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub action: SafetyAction,
    /// A short machine-readable category, e.g. `suicidal_ideation`, `self_harm`, `medication`.
    pub category: String,
    /// Why: which rule matched (never the person's words).
    pub reason: String,
}

/// Screens utterances. Deterministic: the same words always get the same assessment.
#[derive(Debug, Default, Clone)]
pub struct SafetyEngine {}

impl SafetyEngine {
    pub fn new() -> Self {
        Self {}
    }

    pub fn assess(&self, _text: &str) -> Assessment {
        Assessment { action: SafetyAction::None, category: "none".into(), reason: "placeholder".into() }
    }
}
