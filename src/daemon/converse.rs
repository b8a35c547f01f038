//! `hearth converse`: the whole spoken loop on a recording (placeholder until the engine lands).
use crate::config::Config;
use std::path::Path;

#[derive(Debug, serde::Serialize)]
pub struct UtteranceReport {
    pub start_ms: u64,
    pub end_ms: u64,
    pub transcript: String,
    pub safety_action: String,
    pub reply: String,
}
#[derive(Debug, serde::Serialize)]
pub struct ConverseReport {
    pub utterances: Vec<UtteranceReport>,
}

pub fn converse_file(
    _config: &Config,
    _input: &Path,
    _out: &Path,
) -> anyhow::Result<ConverseReport> {
    anyhow::bail!("not yet")
}
