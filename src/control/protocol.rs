//! The control protocol: one JSON request per line, one JSON reply per line, and the limits on
//! both (shared by the daemon's server and the CLI's client).
//!
//! # Protocol
//!
//! A Unix stream socket at [`super::socket_path`] (`$XDG_RUNTIME_DIR/hearth/control.sock`, or
//! `<tmp>/hearth-<uid>/control.sock` when there is no runtime directory). The directory is `0700`
//! and the socket `0600`: only the user running the daemon can talk to it.
//!
//! Each request is one JSON object on one line, tagged by `"cmd"` (see [`Request`]):
//!
//! ```text
//! {"cmd":"status"}
//! {"cmd":"start","flow":"box-breathing","cycles":4}
//! {"cmd":"mood","score":6,"note":"a bit tired","feelings":["tired"]}
//! ```
//!
//! Each request gets exactly one reply line (see [`Reply`]): `{"ok":true,"data":{...}}` or
//! `{"ok":false,"error":"..."}`. A connection may carry several requests in turn.

use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, Read};
use std::time::Duration;
use thiserror::Error;

/// The longest request line accepted, in bytes, not counting the newline.
pub const MAX_LINE: usize = 64 * 1024;
/// The longest reply line the client accepts, in bytes (replies may carry mood trends).
pub const MAX_REPLY: usize = 1024 * 1024;
/// Longest `say` / `utterance` text and mood note, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Highest mood score (scores are 0 to 10).
pub const MAX_MOOD_SCORE: u8 = 10;
/// Most feelings attached to one mood entry.
pub const MAX_FEELINGS: usize = 16;
/// Longest feeling word, in characters.
pub const MAX_FEELING_CHARS: usize = 64;
/// Longest flow name (`[a-z0-9_-]{1,64}`).
pub const MAX_FLOW_NAME: usize = 64;
/// Most breathing cycles a `start` may ask for.
pub const MAX_CYCLES: u32 = 100;
/// Longest exercise a `start` may ask for, in minutes.
pub const MAX_MINUTES: f32 = 60.0;
/// How long the CLI waits for the daemon's reply.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest error message put in a reply, in characters.
pub(crate) const MAX_ERROR_CHARS: usize = 512;

/// A request: one JSON object per line, tagged by `"cmd"`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "cmd", rename_all = "snake_case", deny_unknown_fields)]
pub enum Request {
    /// What is the daemon doing?
    Status,
    /// Start a flow (an exercise or a conversation) by name.
    Start {
        flow: String,
        #[serde(default)]
        cycles: Option<u32>,
        #[serde(default)]
        minutes: Option<f32>,
    },
    /// Stop whatever is running.
    Stop,
    /// Speak this text aloud.
    Say { text: String },
    /// Inject text as if it had been spoken (for testing and accessibility). It goes through the
    /// safety engine like any utterance.
    Utterance { text: String },
    /// Log a mood entry.
    Mood {
        score: u8,
        #[serde(default)]
        note: Option<String>,
        #[serde(default)]
        feelings: Vec<String>,
    },
    /// Re-read the configuration and prompts.
    Reload,
    /// Stop the daemon.
    Shutdown,
}

impl Request {
    /// The command name, safe to log (it carries no personal text).
    pub fn name(&self) -> &'static str {
        match self {
            Request::Status => "status",
            Request::Start { .. } => "start",
            Request::Stop => "stop",
            Request::Say { .. } => "say",
            Request::Utterance { .. } => "utterance",
            Request::Mood { .. } => "mood",
            Request::Reload => "reload",
            Request::Shutdown => "shutdown",
        }
    }

    /// Checks the values a well-typed request may still get wrong. [`parse_request`] calls this;
    /// the client calls it too, so a bad request is refused before it is sent.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        match self {
            Request::Status | Request::Stop | Request::Reload | Request::Shutdown => Ok(()),
            Request::Start {
                flow,
                cycles,
                minutes,
            } => {
                validate_flow_name(flow)?;
                if let Some(c) = *cycles {
                    if c == 0 || c > MAX_CYCLES {
                        return Err(invalid(
                            "cycles",
                            format!("must be 1 to {MAX_CYCLES}, got {c}"),
                        ));
                    }
                }
                if let Some(m) = *minutes {
                    if !m.is_finite() || m <= 0.0 || m > MAX_MINUTES {
                        return Err(invalid(
                            "minutes",
                            format!("must be more than 0 and at most {MAX_MINUTES}, got {m}"),
                        ));
                    }
                }
                Ok(())
            }
            Request::Say { text } | Request::Utterance { text } => validate_text("text", text),
            Request::Mood {
                score,
                note,
                feelings,
            } => {
                if *score > MAX_MOOD_SCORE {
                    return Err(invalid(
                        "score",
                        format!("must be 0 to {MAX_MOOD_SCORE}, got {score}"),
                    ));
                }
                if let Some(note) = note {
                    let n = note.chars().count();
                    if n > MAX_TEXT_CHARS {
                        return Err(invalid(
                            "note",
                            format!("must be at most {MAX_TEXT_CHARS} characters, got {n}"),
                        ));
                    }
                }
                if feelings.len() > MAX_FEELINGS {
                    return Err(invalid(
                        "feelings",
                        format!("at most {MAX_FEELINGS} allowed, got {}", feelings.len()),
                    ));
                }
                for f in feelings {
                    let n = f.chars().count();
                    if f.trim().is_empty() || n > MAX_FEELING_CHARS {
                        return Err(invalid(
                            "feelings",
                            format!("each must be 1 to {MAX_FEELING_CHARS} characters"),
                        ));
                    }
                }
                Ok(())
            }
        }
    }
}

fn invalid(field: &'static str, reason: String) -> ProtocolError {
    ProtocolError::Invalid { field, reason }
}

fn validate_flow_name(flow: &str) -> Result<(), ProtocolError> {
    let ok_len = !flow.is_empty() && flow.len() <= MAX_FLOW_NAME;
    let ok_chars = flow
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok_len && ok_chars {
        Ok(())
    } else {
        Err(invalid(
            "flow",
            format!("must be 1 to {MAX_FLOW_NAME} of a-z, 0-9, '-' and '_'"),
        ))
    }
}

fn validate_text(field: &'static str, text: &str) -> Result<(), ProtocolError> {
    if text.trim().is_empty() {
        return Err(invalid(field, "must not be empty".to_owned()));
    }
    let n = text.chars().count();
    if n > MAX_TEXT_CHARS {
        return Err(invalid(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters, got {n}"),
        ));
    }
    Ok(())
}

/// A reply: `{"ok":true,"data":...}` (data left out when null) or `{"ok":false,"error":"..."}`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Reply {
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub data: serde_json::Value,
}

impl Reply {
    /// A success carrying `data`.
    pub fn ok(data: serde_json::Value) -> Reply {
        Reply {
            ok: true,
            error: None,
            data,
        }
    }

    /// A success with nothing to report.
    pub fn done() -> Reply {
        Reply::ok(serde_json::Value::Null)
    }

    /// A failure; the message is cut to a few hundred characters.
    pub fn error(message: impl Into<String>) -> Reply {
        Reply {
            ok: false,
            error: Some(truncate_chars(message.into(), MAX_ERROR_CHARS)),
            data: serde_json::Value::Null,
        }
    }
}

fn truncate_chars(mut s: String, max: usize) -> String {
    if let Some((idx, _)) = s.char_indices().nth(max) {
        s.truncate(idx);
        s.push('…');
    }
    s
}

/// Why a request line was refused. The messages go back to the client; serde's messages may
/// quote what was sent, so they are logged at `debug` only (see [`ProtocolError::kind`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    #[error("request line longer than {max} bytes")]
    TooLong { max: usize },
    #[error("empty request line")]
    Empty,
    #[error("request is not valid UTF-8")]
    InvalidUtf8,
    #[error("request is not valid JSON: {0}")]
    Syntax(String),
    #[error("invalid request: {0}")]
    Schema(String),
    #[error("invalid `{field}`: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("the request line did not arrive whole within {ms} ms")]
    Incomplete { ms: u64 },
}

impl ProtocolError {
    /// A short name for the kind of error, safe to log at any level.
    pub fn kind(&self) -> &'static str {
        match self {
            ProtocolError::TooLong { .. } => "too_long",
            ProtocolError::Empty => "empty",
            ProtocolError::InvalidUtf8 => "invalid_utf8",
            ProtocolError::Syntax(_) => "syntax",
            ProtocolError::Schema(_) => "schema",
            ProtocolError::Invalid { .. } => "invalid_value",
            ProtocolError::Incomplete { .. } => "incomplete",
        }
    }
}

/// Parses and validates one request line (a trailing `\n` or `\r\n` is allowed).
pub fn parse_request(line: &[u8]) -> Result<Request, ProtocolError> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() > MAX_LINE {
        return Err(ProtocolError::TooLong { max: MAX_LINE });
    }
    let text = std::str::from_utf8(line).map_err(|_| ProtocolError::InvalidUtf8)?;
    if text.trim().is_empty() {
        return Err(ProtocolError::Empty);
    }
    let to_protocol = |e: serde_json::Error| {
        let msg = truncate_chars(e.to_string(), MAX_ERROR_CHARS);
        match e.classify() {
            serde_json::error::Category::Data => ProtocolError::Schema(msg),
            _ => ProtocolError::Syntax(msg),
        }
    };
    let req: Request = serde_json::from_str(text).map_err(to_protocol)?;
    if matches!(
        req,
        Request::Status | Request::Stop | Request::Reload | Request::Shutdown
    ) {
        // serde ignores extra fields on the unit variants of an internally tagged enum, even
        // with `deny_unknown_fields`: check that `cmd` is the only one.
        serde_json::from_str::<CmdOnly>(text).map_err(to_protocol)?;
    }
    req.validate()?;
    Ok(req)
}

/// An object whose only field is `cmd`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CmdOnly {
    #[serde(rename = "cmd")]
    _cmd: serde::de::IgnoredAny,
}

/// The reply a daemon at its connection limit sends; the client tries again until its timeout.
pub(crate) const TOO_MANY: &str = "too many connections; try again";

// ---- framing: one bounded line at a time, for both ends ----

pub(crate) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

pub(crate) enum LineRead {
    /// A line is in the buffer (with its `\n`, unless the stream ended first).
    Line,
    /// The stream ended cleanly before any byte of a new line.
    Eof,
    /// More than `max` bytes came without a newline; the buffer holds `max + 1` of them.
    TooLong,
}

/// Reads one line into `buf` (which must be empty), never holding more than `max + 1` bytes.
pub(crate) fn read_line_bounded<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<LineRead> {
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let n = reader.take(limit).read_until(b'\n', buf)?;
    if n == 0 {
        Ok(LineRead::Eof)
    } else if buf.last() == Some(&b'\n') || buf.len() <= max {
        Ok(LineRead::Line)
    } else {
        Ok(LineRead::TooLong)
    }
}
