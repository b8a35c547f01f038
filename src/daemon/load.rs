//! Loading what a conversation needs from disk: the prompts, the safety screen with its sentence
//! encoder, and the store. The shell's job; the session and the engine only ever get the result.

use crate::config::Config;
use crate::engine::dialogue::prompts::{PromptSources, Prompts};
use crate::engine::safety::SafetyEngine;
use crate::engine::PromptError;
use crate::store::{self, Store};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("invalid prompts:\n{}", .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Prompts(Vec<PromptError>),
    #[error(transparent)]
    Encoder(#[from] crate::encoder::EncoderLoadError),
    #[error("safety screen: {0}")]
    Safety(String),
}

/// The safety screen with its semantic second reading: the rules plus the installed sentence
/// encoder. A missing encoder is an error naming how to install it; Hearth does not quietly
/// run on half a screen.
pub fn load_safety(config: &Config) -> Result<SafetyEngine, LoadError> {
    let encoder = crate::encoder::MiniLm::load_installed(&config.assets())?;
    SafetyEngine::with_encoder(Arc::new(encoder)).map_err(LoadError::Safety)
}

/// Reads the prompt files under `dir` (regular `*.toml` files only: a FIFO never blocks).
pub fn read_prompt_sources(dir: &Path) -> Result<PromptSources, Vec<PromptError>> {
    match crate::fsutil::read_toml_tree(dir) {
        Ok(files) => Ok(PromptSources {
            dir: dir.to_path_buf(),
            files,
        }),
        Err((path, e)) => Err(vec![PromptError::new(
            &path,
            0,
            format!("cannot read: {e}"),
        )]),
    }
}

/// Every problem in the prompt files under `dir` (empty when all is well).
pub fn check_prompts(dir: &Path) -> Vec<PromptError> {
    match read_prompt_sources(dir) {
        Ok(sources) => Prompts::check(&sources),
        Err(e) => e,
    }
}

/// Loads the prompt files, naming every problem.
pub fn load_prompts(config: &Config) -> Result<Arc<Prompts>, LoadError> {
    let sources =
        read_prompt_sources(&config.assets().prompts_dir()).map_err(LoadError::Prompts)?;
    Prompts::from_sources(&sources)
        .map(Arc::new)
        .map_err(LoadError::Prompts)
}

/// Opens the store in the configured data folder; on failure, carries on without it (and says
/// why).
pub fn open_store(config: &Config) -> (Option<Store>, Option<String>) {
    let opts = store::StoreOptions {
        retention: config.retention,
        ..Default::default()
    };
    match Store::open_in_with(&config.data_dir(), opts) {
        Ok(s) => (Some(s), None),
        Err(e) => {
            tracing::error!(error = %e, "storage unavailable; carrying on without it");
            (None, Some(e.to_string()))
        }
    }
}
