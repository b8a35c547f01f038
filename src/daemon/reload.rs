//! SIGHUP and `hearth reload`: the new configuration and prompts, read without ever letting a
//! file stall the daemon.
//!
//! A FIFO (or a device) dropped among the prompt files used to block the main loop inside
//! `read`, and a crisis utterance then went unanswered. Now every prompt file is first opened
//! non-blocking and must be a regular file by `fstat`, and the reading itself happens on a
//! worker thread the main loop waits for at most [`RELOAD_TIME_LIMIT`]. A reload that does not
//! finish in time is refused like any other bad reload: the running prompts stay.

use super::load::load_prompts;
use crate::config::Config;
use crate::engine::dialogue::prompts::Prompts;
use std::path::{Path, PathBuf};
use std::sync::mpsc::channel;
use std::sync::Arc;
use std::time::Duration;

/// Longest the main loop waits for a reload.
pub const RELOAD_TIME_LIMIT: Duration = Duration::from_secs(3);

/// Loads the configuration at `config_file` (when it exists) and the prompts it points at.
pub fn load_for_reload(config_file: &Path) -> Result<(Config, Arc<Prompts>), String> {
    load_with_limit(config_file.to_path_buf(), RELOAD_TIME_LIMIT)
}

fn load_with_limit(
    config_file: PathBuf,
    limit: Duration,
) -> Result<(Config, Arc<Prompts>), String> {
    let (tx, rx) = channel();
    let spawned = std::thread::Builder::new()
        .name("reload".into())
        .spawn(move || {
            let _ = tx.send(load_checked(&config_file));
        });
    if let Err(e) = spawned {
        return Err(format!("cannot start the reload: {e}"));
    }
    rx.recv_timeout(limit).unwrap_or_else(|_| {
        Err(format!(
            "reading the configuration and prompts took longer than {} s; is one of them a pipe or on a stuck file system?",
            limit.as_secs()
        ))
    })
}

fn load_checked(config_file: &Path) -> Result<(Config, Arc<Prompts>), String> {
    let existing = Some(config_file).filter(|p| p.exists());
    if let Some(p) = existing {
        crate::fsutil::open_regular(p).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    let (config, _) = Config::load(existing).map_err(|e| e.to_string())?;
    let dir = config.assets().prompts_dir();
    crate::fsutil::check_regular_tree(&dir)
        .map_err(|(path, e)| format!("{}: {e}", path.display()))?;
    let prompts = load_prompts(&config).map_err(|e| e.to_string())?;
    Ok((config, prompts))
}
