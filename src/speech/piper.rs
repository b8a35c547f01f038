//! [`Synthesizer`] on a Piper voice (piper-rs on ONNX Runtime, espeak-ng phonemes).
//!
//! ONNX Runtime is not linked: its shared library is installed from the `onnxruntime` wheel by
//! setup and loaded here at run time. One intra-op thread was fastest on two cores, and the CPU
//! arena is turned off so resident memory follows what synthesis actually needs.

use super::{SpeechError, Synthesizer};
use piper_rs::{ModelConfig, Piper};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static ORT_INIT: OnceLock<Result<(), String>> = OnceLock::new();

/// Folders where distributions install `espeak-ng-data`.
const ESPEAK_DATA_PARENTS: [&str; 4] = [
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/share",
    "/usr/lib",
];

fn init_runtime(ort_library: &Path) -> Result<(), SpeechError> {
    if !ort_library.exists() {
        return Err(SpeechError::Missing {
            what: "ONNX Runtime library",
            path: ort_library.to_path_buf(),
            install: super::assets::INSTALL_COMMAND.into(),
        });
    }
    // `ort` deadlocks on itself when its load fails: check the library first (see ort_check).
    let result = ORT_INIT.get_or_init(|| {
        super::ort_check::verify(ort_library)?;
        match ort::init_from(ort_library) {
            Ok(builder) => {
                builder.with_name("hearth").commit();
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    });
    result.clone().map_err(|reason| SpeechError::Load {
        what: "ONNX Runtime library",
        path: ort_library.to_path_buf(),
        reason,
    })?;
    if std::env::var_os("PIPER_ESPEAKNG_DATA_DIRECTORY").is_none() {
        if let Some(dir) = ESPEAK_DATA_PARENTS
            .iter()
            .map(PathBuf::from)
            .find(|d| d.join("espeak-ng-data").is_dir())
        {
            // Read once by espeak-rs when it initialises; set before any thread synthesizes.
            std::env::set_var("PIPER_ESPEAKNG_DATA_DIRECTORY", dir);
        } else {
            return Err(SpeechError::Missing {
                what: "espeak-ng data (Debian package espeak-ng-data)",
                path: PathBuf::from("/usr/lib/<arch>/espeak-ng-data"),
                install: super::assets::INSTALL_COMMAND.into(),
            });
        }
    }
    Ok(())
}

pub struct PiperSynthesizer {
    piper: Piper,
    sample_rate: u32,
    /// Speaking pace: 1.0 normal, above 1.0 slower (Piper's length scale).
    pub length_scale: f32,
}

impl PiperSynthesizer {
    /// Loads a voice (`.onnx` with its `.onnx.json` beside it).
    pub fn load(voice: &Path, ort_library: &Path) -> Result<Self, SpeechError> {
        let config_path = PathBuf::from(format!("{}.json", voice.display()));
        for (what, p) in [
            ("Piper voice", voice),
            ("Piper voice config", config_path.as_path()),
        ] {
            if !p.exists() {
                return Err(SpeechError::Missing {
                    what,
                    path: p.to_path_buf(),
                    install: super::assets::INSTALL_COMMAND.into(),
                });
            }
        }
        init_runtime(ort_library)?;
        let load = |reason: String| SpeechError::Load {
            what: "Piper voice",
            path: voice.to_path_buf(),
            reason,
        };
        let config_text = std::fs::read_to_string(&config_path).map_err(|e| load(e.to_string()))?;
        let config: ModelConfig = serde_json::from_str(&config_text)
            .map_err(|e| load(format!("{}: {e}", config_path.display())))?;
        let sample_rate = config.audio.sample_rate;
        let session = ort::session::Session::builder()
            .and_then(|b| b.with_intra_threads(1).map_err(Into::into))
            .and_then(|b| b.with_inter_threads(1).map_err(Into::into))
            .and_then(|b| b.with_memory_pattern(false).map_err(Into::into))
            .and_then(|b| {
                b.with_execution_providers([ort::ep::CPU::default()
                    .with_arena_allocator(false)
                    .build()])
                    .map_err(Into::into)
            })
            .and_then(|mut b| b.commit_from_file(voice))
            .map_err(|e| load(e.to_string()))?;
        Ok(Self {
            piper: Piper::from_session(session, config),
            sample_rate,
            length_scale: 1.0,
        })
    }
}

impl Synthesizer for PiperSynthesizer {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn synthesize(&mut self, sentence: &str) -> Result<Vec<f32>, SpeechError> {
        let text = sentence.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let (samples, _) = self
            .piper
            .create(text, false, None, Some(self.length_scale), None, None)
            .map_err(|e| SpeechError::Synthesize(e.to_string()))?;
        Ok(samples)
    }
}
