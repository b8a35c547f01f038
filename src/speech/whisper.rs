//! [`Transcriber`] on whisper.cpp (through whisper-rs), with a ggml model converted at setup.
//!
//! Short utterances are decoded with a shortened encoder window (`audio_ctx`): the encoder's cost
//! grows with the window, and a 3–4 s utterance does not need Whisper's full 30 s. The window
//! comes in fixed steps with headroom; a window fitted exactly to a clip was seen to produce
//! garbage.

use super::{SpeechError, Transcriber, Transcript};
use std::path::Path;
use std::time::Instant;
use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
};

/// Encoder frames per second of audio (one frame per 20 ms).
const FRAMES_PER_SEC: f64 = 50.0;

/// Options for decoding.
#[derive(Debug, Clone, PartialEq)]
pub struct WhisperOptions {
    pub threads: usize,
    /// Use a shortened encoder window for clips that fit in one.
    pub short_window: bool,
    pub language: String,
    /// Text Whisper sees as if said just before: it biases recognition towards these words.
    pub prompt: Option<String>,
}

/// Words people say to Hearth, as a recognition hint for live speech (a vocabulary, not a
/// sentence: Whisper sometimes repeats its prompt on near-silence, and a list of words cannot
/// turn into a command nobody gave). "hey Hearth" is in it because the name alone was heard
/// in 50 of 96 outside-voice takes of the wake phrase and the phrase in 68; noise bursts, tones
/// and read speech were never transcribed as it (2026-12-05).
pub const HEARTH_VOCABULARY: &str =
    "Hearth, hey Hearth. Breathing, box breathing, grounding, reflection, mood, check-in.";

/// Whether a transcript is only Whisper repeating (part of) its prompt.
pub fn is_prompt_echo(text: &str) -> bool {
    let words = super::wer::normalize_words(text);
    let vocab = super::wer::normalize_words(HEARTH_VOCABULARY);
    words.len() >= 2
        && words.iter().all(|w| vocab.contains(w))
        && !words.contains(&"hearth".to_string())
}

impl Default for WhisperOptions {
    fn default() -> Self {
        Self {
            threads: 2,
            short_window: true,
            language: "en".into(),
            prompt: None,
        }
    }
}

/// The encoder window for a clip: the smallest step that leaves at least 1.5 s of headroom, or
/// 0 (whisper.cpp's full 1500-frame window) for long clips.
pub fn audio_ctx_for(seconds: f64) -> i32 {
    const STEPS: [i32; 3] = [512, 768, 1024];
    let needed = (seconds + 1.5) * FRAMES_PER_SEC;
    STEPS
        .into_iter()
        .find(|&s| f64::from(s) >= needed)
        .unwrap_or(0)
}

pub struct WhisperTranscriber {
    // The state borrows nothing from the context in whisper-rs 0.16 (it holds an Arc), but keep
    // the context alive alongside it for clarity.
    _ctx: WhisperContext,
    state: WhisperState,
    options: WhisperOptions,
}

impl WhisperTranscriber {
    pub fn load(model: &Path, options: WhisperOptions) -> Result<Self, SpeechError> {
        if !model.exists() {
            return Err(SpeechError::Missing {
                what: "Whisper model",
                path: model.to_path_buf(),
                install: super::assets::INSTALL_COMMAND.into(),
            });
        }
        whisper_rs::install_logging_hooks();
        let load = |reason: String| SpeechError::Load {
            what: "Whisper model",
            path: model.to_path_buf(),
            reason,
        };
        let ctx = WhisperContext::new_with_params(model, WhisperContextParameters::default())
            .map_err(|e| load(format!("{e} (is it a whisper.cpp ggml file?)")))?;
        let state = ctx.create_state().map_err(|e| load(e.to_string()))?;
        Ok(Self {
            _ctx: ctx,
            state,
            options,
        })
    }
}

impl Transcriber for WhisperTranscriber {
    fn transcribe(&mut self, samples_16k: &[f32]) -> Result<Transcript, SpeechError> {
        let started = Instant::now();
        if samples_16k.len() < 1600 {
            return Ok(Transcript {
                text: String::new(),
                millis: 0.0,
                last_token_p: None,
            });
        }
        let seconds = samples_16k.len() as f64 / 16_000.0;
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.options.threads.max(1) as i32);
        params.set_language(Some(&self.options.language));
        params.set_translate(false);
        params.set_no_context(true);
        params.set_no_timestamps(true);
        params.set_single_segment(seconds <= 30.0);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_suppress_blank(true);
        if let Some(prompt) = &self.options.prompt {
            params.set_initial_prompt(prompt);
        }
        if self.options.short_window {
            params.set_audio_ctx(audio_ctx_for(seconds));
        }
        // Whisper needs at least ~1 s; pad very short clips with silence.
        let mut padded;
        let audio = if samples_16k.len() < 16_000 + 1_600 {
            padded = samples_16k.to_vec();
            padded.resize(16_000 + 1_600, 0.0);
            &padded[..]
        } else {
            samples_16k
        };
        self.state
            .full(params, audio)
            .map_err(|e| SpeechError::Transcribe(e.to_string()))?;
        // The probability of the last text token (special tokens come after the text ones).
        let eot = self._ctx.token_eot();
        let mut last_token_p = None;
        for segment in self.state.as_iter() {
            for i in 0..segment.n_tokens() {
                if let Some(token) = segment.get_token(i) {
                    if token.token_id() < eot {
                        last_token_p = Some(token.token_probability());
                    }
                }
            }
        }
        let mut text = String::new();
        // Every segment is kept: Whisper's no-speech estimate is unreliable for quiet, tearful
        // or whispered speech, and the endpointer has already decided this was speech.
        for segment in self.state.as_iter() {
            let piece = segment
                .to_str_lossy()
                .map_err(|e| SpeechError::Transcribe(e.to_string()))?;
            text.push_str(&piece);
        }
        Ok(Transcript {
            text: clean_transcript(&text),
            millis: started.elapsed().as_secs_f64() * 1000.0,
            last_token_p,
        })
    }
}

/// Drops Whisper's non-speech annotations ("[BLANK_AUDIO]", "(wind blowing)", "♪") and extra
/// spaces.
pub fn clean_transcript(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut depth, mut in_stars) = (0usize, false);
    for c in raw.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            '*' => in_stars = !in_stars,
            '♪' => {}
            _ if depth == 0 && !in_stars => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_steps() {
        assert_eq!(audio_ctx_for(3.5), 512);
        assert_eq!(audio_ctx_for(8.7), 512);
        assert_eq!(audio_ctx_for(9.0), 768);
        assert_eq!(audio_ctx_for(18.0), 1024);
        assert_eq!(audio_ctx_for(25.0), 0);
    }

    #[test]
    fn a_repeated_prompt_is_recognised() {
        assert!(is_prompt_echo("Breathing, box breathing, grounding."));
        assert!(!is_prompt_echo("Hey Hearth, box breathing"));
        assert!(!is_prompt_echo("I can't stop breathing so fast"));
    }

    #[test]
    fn annotations_are_dropped() {
        assert_eq!(clean_transcript(" [BLANK_AUDIO]"), "");
        assert_eq!(
            clean_transcript(" Hello (wind blowing) there. ♪"),
            "Hello there."
        );
        assert_eq!(clean_transcript(" *sighs* I'm tired."), "I'm tired.");
    }
}
