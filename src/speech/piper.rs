//! [`Synthesizer`] on a Piper voice (piper-rs on ONNX Runtime, espeak-ng phonemes).
//!
//! ONNX Runtime is not linked: its shared library is installed from the `onnxruntime` wheel by
//! setup and loaded here at run time. One intra-op thread was fastest on two cores, and the CPU
//! arena is turned off so resident memory follows what synthesis actually needs.

use super::{SpeechError, Synthesizer};
use ort::session::builder::{GraphOptimizationLevel, SessionBuilder};
use ort::session::Session;
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
        let session = open_session(voice, ort_library).map_err(|e| load(e.to_string()))?;
        Ok(Self {
            piper: Piper::from_session(session, config),
            sample_rate,
            length_scale: 1.0,
        })
    }
}

/// The session options: one intra-op thread, no arena, no memory pattern.
fn session_builder() -> ort::Result<SessionBuilder> {
    Session::builder()
        .and_then(|b| b.with_intra_threads(1).map_err(Into::into))
        .and_then(|b| b.with_inter_threads(1).map_err(Into::into))
        .and_then(|b| b.with_memory_pattern(false).map_err(Into::into))
        .and_then(|b| {
            b.with_execution_providers([ort::ep::CPU::default()
                .with_arena_allocator(false)
                .build()])
                .map_err(Into::into)
        })
}

/// Opens the voice, through its optimised ORT-format copy in the cache when there is one.
///
/// Measured (2 vCPU EPYC, shared, 2026-12-05; CPU time of the loading thread, wall in brackets):
/// the session costs ~1.3 s of CPU on one thread whatever the options. Graph optimisation level
/// (1, 2, all), weight prepacking off, the arena on or off, and bytes instead of a path each
/// changed it by less than the run-to-run noise; a second session in the same process costs the
/// same, so it is not one-time runtime set-up. piper-tts (Python, same ONNX Runtime) spends the
/// same ~1.3-1.8 s of CPU loading the same file. What helps is not redoing the graph
/// optimisation: the optimised graph saved once in ORT format and opened with optimisation off
/// took 1.08-1.26 s of CPU instead of 1.29-1.67 s (2.2-2.6 s wall instead of 2.6-3.4 s, the
/// machine at a load average of 7-8). In `make bench` (`cargo bench -- reference`, five
/// alternating processes) the voice load was 0.99-1.01x piper-tts' before and 0.90x and 1.03x
/// in two runs after: smaller than the noise of a shared machine. Still above the 0.8x target.
/// Synthesis of the two-sentence benchmark text costs ~310 ms of CPU with one intra-op thread
/// and ~500-600 ms with two (spinning threads on two shared cores), where piper-tts (two
/// threads) spends 530-590 ms: one thread stays.
fn open_session(voice: &Path, ort_library: &Path) -> ort::Result<Session> {
    let Some(copy) = optimized_copy_path(voice, ort_library) else {
        return session_builder()?.commit_from_file(voice);
    };
    if copy.is_file() {
        let opened = session_builder()
            .and_then(|b| {
                b.with_optimization_level(GraphOptimizationLevel::Disable)
                    .map_err(Into::into)
            })
            .and_then(|mut b| b.commit_from_file(&copy));
        match opened {
            Ok(session) => return Ok(session),
            Err(e) => {
                tracing::warn!(copy = %copy.display(), error = %e, "optimised voice copy unusable; rebuilding it");
                let _ = std::fs::remove_file(&copy);
            }
        }
    }
    // Optimise from the original and save the result beside the cache key; a cache that cannot
    // be written (read-only home under systemd) only costs the saving.
    let tmp = copy.with_extension(format!("{}.tmp.ort", std::process::id()));
    let saving = copy.parent().is_some_and(|dir| {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .is_ok()
    })
        // A read-only cache (ProtectHome=read-only) is found out here, not by a second load.
        && std::fs::File::create(&tmp).is_ok();
    if saving {
        // Extended, not All: All adds layout changes for this CPU (ORT warns the file is then
        // not portable) and made synthesis no faster here (300-340 ms of CPU either way).
        let saved = session_builder()
            .and_then(|b| {
                b.with_optimization_level(GraphOptimizationLevel::Level2)
                    .map_err(Into::into)
            })
            .and_then(|b| b.with_optimized_model_path(&tmp).map_err(Into::into))
            .and_then(|mut b| b.commit_from_file(voice));
        match saved {
            Ok(session) => {
                if std::fs::rename(&tmp, &copy).is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
                return Ok(session);
            }
            // An unwritable cache folder: load as before, without the copy.
            Err(e) => {
                tracing::debug!(copy = %copy.display(), error = %e, "optimised voice copy not saved");
                let _ = std::fs::remove_file(&tmp);
            }
        }
    }
    session_builder()?.commit_from_file(voice)
}

/// `$XDG_CACHE_HOME/hearth/voices/<voice>-<size>-<mtime>-<runtime size>.ort`: a changed voice
/// file or ONNX Runtime makes a new key.
fn optimized_copy_path(voice: &Path, ort_library: &Path) -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
    let meta = std::fs::metadata(voice).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    let runtime = std::fs::metadata(ort_library).ok()?.len();
    let stem = voice.file_stem()?.to_string_lossy();
    Some(
        cache
            .join("hearth/voices")
            .join(format!("{stem}-{:x}-{mtime:x}-{runtime:x}.ort", meta.len())),
    )
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
