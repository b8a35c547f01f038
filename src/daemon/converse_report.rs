//! What `hearth converse` reports: each utterance heard, whether it was for Hearth, what the
//! screen made of it, what Hearth said back, and how long each stage took.

use crate::engine::safety::Assessment;
use serde::Serialize;

/// Per-stage durations of one utterance, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageTimes {
    pub vad: f64,
    pub stt: f64,
    pub engine: f64,
    pub tts_first_audio: Option<f64>,
    pub tts_total: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UtteranceReport {
    /// Where the utterance starts and ends in the input, in milliseconds.
    pub start_ms: u64,
    pub end_ms: u64,
    /// Whether it was for Hearth (wake phrase, follow-up, a conversation, or danger).
    pub addressed: bool,
    /// What was heard; empty when not addressed (never kept, as in the daemon).
    pub transcript: String,
    pub safety_action: String,
    pub safety_category: String,
    /// Everything Hearth began to say in answer, until the next utterance (or the end of a flow).
    pub reply: String,
    pub durations_ms: StageTimes,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConverseReport {
    pub input: String,
    pub input_secs: f64,
    pub output_secs: f64,
    pub stt_load_ms: f64,
    pub tts_load_ms: f64,
    pub utterances: Vec<UtteranceReport>,
}

/// A transcript and where it came from: the words of a turn (the speculative one, when the
/// turn ended with it).
pub(super) struct Speculation {
    pub text: String,
    pub millis: f64,
    pub span_ms: (u64, u64),
}

impl UtteranceReport {
    /// The report of a turn heard as `heard`, screened as `assessment`. Words not addressed to
    /// Hearth are not kept, as in the daemon.
    pub(super) fn heard(
        assessment: Assessment,
        heard: Speculation,
        addressed: bool,
        engine_ms: f64,
        base: u64,
    ) -> Self {
        UtteranceReport {
            start_ms: heard.span_ms.0.saturating_sub(base),
            end_ms: heard.span_ms.1.saturating_sub(base),
            addressed,
            safety_action: if addressed {
                assessment.action.as_str().to_string()
            } else {
                "not addressed".into()
            },
            safety_category: if addressed {
                assessment.category
            } else {
                String::new()
            },
            transcript: if addressed { heard.text } else { String::new() },
            reply: String::new(),
            durations_ms: StageTimes {
                stt: heard.millis,
                engine: engine_ms,
                ..StageTimes::default()
            },
        }
    }
}
