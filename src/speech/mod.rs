//! Speech in and out: the [`Transcriber`] and [`Synthesizer`] seams, their Whisper and Piper
//! implementations, the installed model and voice assets, and the CTranslate2 → ggml converter.

pub mod assets;
pub mod convert;
pub mod ort_check;
pub mod piper;
pub mod sentences;
pub mod wer;
pub mod whisper;

pub use sentences::split_sentences;

/// Errors from the speech engines. Each names what to do about it where there is something to do.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("{what} not found at {path}: install it with `{install}`")]
    Missing {
        what: &'static str,
        path: std::path::PathBuf,
        install: String,
    },
    #[error("cannot load {what} from {path}: {reason}")]
    Load {
        what: &'static str,
        path: std::path::PathBuf,
        reason: String,
    },
    #[error("transcription failed: {0}")]
    Transcribe(String),
    #[error("speech synthesis failed: {0}")]
    Synthesize(String),
}

/// What the recognizer heard, with how long it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub text: String,
    pub millis: f64,
    /// How sure the recogniser was of the last thing it wrote (0-1), when it knows.
    pub last_token_p: Option<f32>,
}

/// Turns 16 kHz mono speech into text.
pub trait Transcriber: Send {
    fn transcribe(&mut self, samples_16k: &[f32]) -> Result<Transcript, SpeechError>;
}

/// Turns one sentence into mono audio at [`Synthesizer::sample_rate`].
pub trait Synthesizer: Send {
    fn sample_rate(&self) -> u32;
    fn synthesize(&mut self, sentence: &str) -> Result<Vec<f32>, SpeechError>;
}
