//! Hearth's configuration: a TOML file (unknown keys are errors), defaults for everything, XDG
//! paths, and [`Config::validate`] for `hearth validate` and the systemd `ExecStartPre`.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// ISO country code choosing the helpline and emergency number (US, GB, AU, ...).
    pub country: String,
    /// What Hearth calls the person, if anything.
    pub name: Option<String>,
    /// Where models/, voices/ and prompts/ are (default: `$HEARTH_ASSETS_DIR` or the checkout).
    pub assets_dir: Option<PathBuf>,
    /// Where the encrypted database and its key live (default: `$XDG_DATA_HOME/hearth`).
    pub data_dir: Option<PathBuf>,
    pub stt: SttConfig,
    pub tts: TtsConfig,
    pub audio: AudioConfig,
    pub listen: ListenConfig,
    pub schedule: ScheduleConfig,
    /// How long each kind of record is kept (see the README).
    pub retention: crate::store::retention::Retention,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SttConfig {
    /// A model name from models/manifest.toml ("tiny.en", "base") or a path to a ggml file.
    pub model: String,
    pub threads: usize,
    /// Shortened encoder window for short utterances (faster, same accuracy).
    pub short_window: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TtsConfig {
    /// A voice name from voices/manifest.toml or a path to a Piper `.onnx`.
    pub voice: String,
    /// Speaking pace: 1.0 normal; 1.15 is a little slower and calmer.
    pub length_scale: f32,
    /// Play soft chimes with breathing cues.
    pub chimes: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AudioConfig {
    /// Input device name (`hearth devices`), or "default".
    pub input: String,
    /// Output device name, or "default".
    pub output: String,
    /// Silence that ends an utterance, in milliseconds.
    pub hangover_ms: u32,
    /// A pause after which what was said so far is transcribed speculatively, in milliseconds
    /// (0: never). If the person stays silent to the hang-over, that transcript is the turn's
    /// (no second transcription); after words that ask for more ("... and", "um,") the turn
    /// waits 500 ms longer than the hang-over.
    pub speculate_ms: u32,
    /// End the turn at that pause already when the speculative words sound finished ("...
    /// today.", not "... and"). Off by default: Whisper ends half a sentence with a full stop
    /// too often (see the README's numbers).
    pub early_end: bool,
    /// How far above the noise floor speech must be, in dB.
    pub threshold_db: f32,
    /// Extra dB speech needs while Hearth is speaking, so its own voice does not interrupt it
    /// (a fallback behind the echo canceller).
    pub barge_in_db: f32,
    /// Take Hearth's own voice out of the microphone (acoustic echo cancellation). Off by
    /// default until it is shown to help in an echoing room (see the README's numbers).
    pub echo_cancel: bool,
    /// The longest echo path the canceller models (output and capture delay plus the room's
    /// reverberation), in milliseconds.
    pub echo_tail_ms: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListenConfig {
    /// The phrase that wakes Hearth ("" to answer everything it hears).
    pub wake_phrase: String,
    /// Seconds after Hearth speaks during which a reply needs no wake phrase.
    pub follow_up_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Local time ("21:30") at which Hearth gently offers the evening reflection; empty for never.
    pub evening_reflection: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            country: "US".into(),
            name: None,
            assets_dir: None,
            data_dir: None,
            stt: SttConfig::default(),
            tts: TtsConfig::default(),
            audio: AudioConfig::default(),
            listen: ListenConfig::default(),
            schedule: ScheduleConfig::default(),
            retention: Default::default(),
        }
    }
}

impl Default for SttConfig {
    fn default() -> Self {
        Self {
            model: "tiny.en".into(),
            threads: 2,
            short_window: true,
        }
    }
}

impl Default for TtsConfig {
    fn default() -> Self {
        Self {
            voice: "en_US-joe-medium".into(),
            length_scale: 1.1,
            chimes: true,
        }
    }
}

impl Default for AudioConfig {
    fn default() -> Self {
        Self {
            input: "default".into(),
            output: "default".into(),
            hangover_ms: 500,
            speculate_ms: 200,
            early_end: false,
            threshold_db: 10.0,
            barge_in_db: 6.0,
            echo_cancel: false,
            echo_tail_ms: 200,
        }
    }
}

impl Default for ListenConfig {
    fn default() -> Self {
        Self {
            wake_phrase: "hey hearth".into(),
            follow_up_secs: 8,
        }
    }
}

/// `$XDG_CONFIG_HOME/hearth/config.toml`.
pub fn default_config_path() -> PathBuf {
    xdg_dir("XDG_CONFIG_HOME", ".config")
        .join("hearth")
        .join("config.toml")
}

/// `$XDG_DATA_HOME/hearth`.
pub fn default_data_dir() -> PathBuf {
    xdg_dir("XDG_DATA_HOME", ".local/share").join("hearth")
}

/// `$XDG_RUNTIME_DIR/hearth` (falls back to a per-user folder under /tmp).
pub fn runtime_dir() -> PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d).join("hearth"),
        _ => std::env::temp_dir().join(format!("hearth-{}", unsafe_uid())),
    }
}

fn unsafe_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

fn xdg_dir(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp"))
            .join(fallback),
    }
}

impl Config {
    /// Loads `path`; a missing file at the default location means all defaults.
    pub fn load(path: Option<&Path>) -> Result<(Config, PathBuf), ConfigError> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match std::env::var_os("HEARTH_CONFIG") {
                Some(p) => (PathBuf::from(p), true),
                None => (default_config_path(), false),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                return Ok((Config::default(), path))
            }
            Err(e) => return Err(ConfigError::Read { path, source: e }),
        };
        let config = Self::parse(&text, &path)?;
        Ok((config, path))
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            line: e
                .span()
                .map(|s| crate::engine::prompt_error::line_of(text, s.start))
                .unwrap_or(0),
            message: e.message().trim().to_string(),
        })?;
        config.validate().map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        Ok(config)
    }

    /// Checks values a type cannot: ranges, times, names.
    pub fn validate(&self) -> Result<(), String> {
        if self.country.len() != 2 || !self.country.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!(
                "country must be a two-letter code like \"US\" or \"GB\", not {:?}",
                self.country
            ));
        }
        if !(1..=16).contains(&self.stt.threads) {
            return Err(format!(
                "stt.threads must be between 1 and 16, not {}",
                self.stt.threads
            ));
        }
        if !(0.5..=2.0).contains(&self.tts.length_scale) {
            return Err(format!(
                "tts.length_scale must be between 0.5 and 2.0, not {}",
                self.tts.length_scale
            ));
        }
        if !(200..=3000).contains(&self.audio.hangover_ms) {
            return Err(format!(
                "audio.hangover_ms must be between 200 and 3000, not {}",
                self.audio.hangover_ms
            ));
        }
        let spec = self.audio.speculate_ms;
        if spec != 0 && !(100..=self.audio.hangover_ms.saturating_sub(100)).contains(&spec) {
            return Err(format!(
                "audio.speculate_ms must be 0 (off) or between 100 and audio.hangover_ms - 100 \
                 ({}), not {spec}",
                self.audio.hangover_ms.saturating_sub(100)
            ));
        }
        if self.audio.early_end && spec == 0 {
            return Err("audio.early_end needs audio.speculate_ms above 0".into());
        }
        if self.listen.follow_up_secs > 120 {
            return Err(format!(
                "listen.follow_up_secs must be at most 120, not {}",
                self.listen.follow_up_secs
            ));
        }
        if !(0.0..=30.0).contains(&self.audio.barge_in_db) {
            return Err(format!(
                "audio.barge_in_db must be between 0 and 30, not {}",
                self.audio.barge_in_db
            ));
        }
        if !(50..=1000).contains(&self.audio.echo_tail_ms) {
            return Err(format!(
                "audio.echo_tail_ms must be between 50 and 1000, not {}",
                self.audio.echo_tail_ms
            ));
        }
        if !(3.0..=30.0).contains(&self.audio.threshold_db) {
            return Err(format!(
                "audio.threshold_db must be between 3 and 30, not {}",
                self.audio.threshold_db
            ));
        }
        if !self.schedule.evening_reflection.is_empty()
            && parse_hhmm(&self.schedule.evening_reflection).is_none()
        {
            return Err(format!(
                "schedule.evening_reflection must be a time like \"21:30\", not {:?}",
                self.schedule.evening_reflection
            ));
        }
        let r = &self.retention;
        if [
            r.mood_days,
            r.checkin_days,
            r.session_days,
            r.reflection_text_days,
            r.safety_event_days,
        ]
        .contains(&Some(0))
        {
            return Err("retention periods must be at least 1 day".into());
        }
        Ok(())
    }

    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(default_data_dir)
    }

    /// Recognition options from `[stt]`, with Hearth's vocabulary as a hint (for live speech).
    pub fn whisper_options(&self) -> crate::speech::whisper::WhisperOptions {
        crate::speech::whisper::WhisperOptions {
            threads: self.stt.threads,
            short_window: self.stt.short_window,
            language: "en".into(),
            prompt: Some(crate::speech::whisper::HEARTH_VOCABULARY.into()),
        }
    }

    /// The configured Whisper model, loaded with [`Config::whisper_options`].
    pub fn load_transcriber(
        &self,
    ) -> Result<crate::speech::whisper::WhisperTranscriber, crate::speech::SpeechError> {
        crate::speech::whisper::WhisperTranscriber::load(
            &self.assets().model_path(&self.stt.model),
            self.whisper_options(),
        )
    }

    /// A Piper voice (the configured one unless named), at the configured pace.
    pub fn load_synthesizer(
        &self,
        voice: Option<&str>,
    ) -> Result<crate::speech::piper::PiperSynthesizer, crate::speech::SpeechError> {
        let assets = self.assets();
        let mut tts = crate::speech::piper::PiperSynthesizer::load(
            &assets.voice_path(voice.unwrap_or(&self.tts.voice)),
            &assets.ort_library(),
        )?;
        tts.length_scale = self.tts.length_scale;
        Ok(tts)
    }

    pub fn assets(&self) -> crate::speech::assets::Assets {
        crate::speech::assets::Assets::locate(self.assets_dir.as_deref())
    }
}

/// "21:30" → (21, 30).
pub fn parse_hhmm(s: &str) -> Option<(u32, u32)> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("hearth.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let c = Config::parse(&text, &path).unwrap();
        assert_eq!(c.listen.wake_phrase, "hey hearth");
    }

    #[test]
    fn errors_name_file_and_line() {
        let p = Path::new("/etc/hearth.toml");
        let e = Config::parse("country = \"US\"\n[stt]\nmodle = \"x\"\n", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("/etc/hearth.toml:3:") && e.contains("modle"),
            "{e}"
        );
        let e = Config::parse("[audio]\nspeculate_ms = 450\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("speculate_ms"), "{e}");
        assert!(Config::parse("[audio]\nspeculate_ms = 0\n", p).is_ok());
        assert!(Config::parse("[audio]\nspeculate_ms = 250\nearly_end = true\n", p).is_ok());
        let e = Config::parse("[audio]\nspeculate_ms = 0\nearly_end = true\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("early_end"), "{e}");
        let e = Config::parse("[schedule]\nevening_reflection = \"25:00\"\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("evening_reflection"), "{e}");
    }
}
