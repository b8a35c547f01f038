//! The one error every prompt file reports through: which file, which line, what is wrong.
//!
//! Both the dialogue flows and the safety scripts are loaded from `prompts/*.toml`; a person who
//! edits one of them must be told exactly where the mistake is, and the daemon must be able to
//! refuse a bad set while keeping the last good one.

use std::path::{Path, PathBuf};

/// A problem in a prompt file, with the 1-based line it was found on (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct PromptError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl PromptError {
    pub fn new(file: &Path, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        }
    }

    /// An error at a byte offset of `source` (as `toml` spans report them).
    pub fn at_offset(file: &Path, source: &str, offset: usize, message: impl Into<String>) -> Self {
        Self::new(file, line_of(source, offset), message)
    }

    /// A `toml` parse or shape error, placed on the line its span points at.
    pub fn from_toml(file: &Path, source: &str, err: &toml::de::Error) -> Self {
        let line = err.span().map(|s| line_of(source, s.start)).unwrap_or(0);
        Self::new(file, line, err.message().trim().to_string())
    }
}

/// 1-based line number of a byte offset.
pub fn line_of(source: &str, offset: usize) -> usize {
    let end = offset.min(source.len());
    source.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
