//! The control socket: how `hearth status | start | stop | say | mood | reload` talk to the daemon.
//!
//! # Protocol
//!
//! A Unix stream socket at [`socket_path`] (`$XDG_RUNTIME_DIR/hearth/control.sock`, or
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
//!
//! # Robustness
//!
//! - A line longer than [`MAX_LINE`] bytes is never buffered: the reader is capped at
//!   `MAX_LINE + 1` bytes, so memory per connection is bounded whatever the client sends.
//! - A malformed request (oversized, not UTF-8, not JSON, unknown `cmd`, unknown or mistyped
//!   fields, out-of-range values) gets an error reply, then *that* connection is closed. The
//!   daemon and every other connection carry on.
//! - Every connection has its own thread and a per-line deadline (each request line must arrive
//!   whole within the read timeout, however slowly its bytes trickle in), so a client that
//!   connects and sends nothing, or one byte a second, cannot hold up anyone else; the number of
//!   concurrent connections is capped, and the client asks again while the daemon is at its cap.
//! - Trust both ways ([`super::peer`]): the client checks the socket directory and file as the
//!   daemon does and refuses a listener of another user (`SO_PEERCRED`); the daemon refuses
//!   connections from other users.
//! - A panicking handler is caught and turned into an error reply.
//!
//! # Privacy
//!
//! Requests carry personal text (`say`, `utterance`, mood notes). Above `debug`, logs name only
//! the command and the *kind* of protocol error, never the content.
//!
//! # Fuzzing (no cargo-fuzz needed)
//!
//! The tests include a deterministic fuzzer: a small xorshift PRNG with a fixed seed generates
//! 200k inputs (random bytes, and mutations of valid requests: bit flips, byte insertions and
//! deletions, truncation, duplicated slices, spliced JSON tokens, huge and non-finite numbers,
//! 10k-deep `[`/`{` nesting, oversize lines). Each goes through [`parse_request`] inside
//! `catch_unwind`; the test asserts there is never a panic, and that every accepted request
//! passes [`Request::validate`] and survives a serialize/parse round trip. A second test sends
//! 2k mutated lines to a live server and checks that each gets a well-formed reply and that the
//! server still answers `status` afterwards. Run them with
//! `cargo test --release daemon::control::tests::fuzz`; change `FUZZ_SEED` to explore further.

use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
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
const MAX_ERROR_CHARS: usize = 512;
/// After rejecting a request, how much of the client's remaining input is read and discarded (so
/// the client sees the reply and a clean end of stream, not a reset), and for how long at most.
const DRAIN_MAX_BYTES: usize = 4 * 1024 * 1024;
const DRAIN_MAX_TIME: Duration = Duration::from_secs(1);

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

/// Errors of the server and the client.
#[derive(Debug, Error)]
pub enum ControlError {
    #[error("Hearth is not running (no socket at {}): start it with `hearth run` or `systemctl --user start hearth`", .path.display())]
    NotRunning { path: PathBuf },
    #[error("Hearth is already running (a daemon answers on {})", .path.display())]
    AlreadyRunning { path: PathBuf },
    #[error("refusing to use {}: {reason}", .path.display())]
    InsecureDir { path: PathBuf, reason: String },
    #[error("{} exists and is not a socket; refusing to replace it", .path.display())]
    PathOccupied { path: PathBuf },
    #[error("{context} ({}): {source}", .path.display())]
    Io {
        context: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("refusing to talk to {}: it is served by uid {uid}, not by us (uid {ours}); is someone else's program listening there?", .path.display())]
    UntrustedPeer {
        path: PathBuf,
        uid: libc::uid_t,
        ours: libc::uid_t,
    },
    #[error("timed out waiting for the daemon on {}", .path.display())]
    Timeout { path: PathBuf },
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    #[error("the daemon sent an unreadable reply: {0}")]
    BadReply(String),
}

fn io_err<'a>(
    context: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> ControlError + 'a {
    move |source| ControlError::Io {
        context,
        path: path.to_path_buf(),
        source,
    }
}

use super::peer::current_uid;

/// `$XDG_RUNTIME_DIR/hearth`, else `<temp dir>/hearth-<uid>`.
pub fn socket_dir() -> PathBuf {
    socket_dir_from(
        std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from),
        std::env::temp_dir(),
        current_uid(),
    )
}

fn socket_dir_from(xdg: Option<PathBuf>, tmp: PathBuf, uid: libc::uid_t) -> PathBuf {
    match xdg {
        // The spec says a relative value must be ignored.
        Some(dir) if dir.is_absolute() => dir.join("hearth"),
        _ => tmp.join(format!("hearth-{uid}")),
    }
}

/// `socket_dir()/control.sock`.
pub fn socket_path() -> PathBuf {
    socket_dir().join("control.sock")
}

/// The per-request handler: the daemon's side of the protocol.
pub type Handler = Arc<dyn Fn(Request) -> Reply + Send + Sync>;

/// Server tuning; the defaults suit the daemon, tests shorten the timeouts.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// A connection that sends nothing for this long is closed.
    pub read_timeout: Duration,
    /// A client that does not read its reply for this long is dropped.
    pub write_timeout: Duration,
    /// Connections served at once; more get an error reply and are closed.
    pub max_connections: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            read_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(5),
            max_connections: 32,
        }
    }
}

struct Shared {
    handler: Handler,
    config: ServerConfig,
    stop: AtomicBool,
    active: AtomicUsize,
}

/// The listening control socket. Dropping it (or calling [`ControlServer::shutdown`]) stops
/// accepting, lets open connections finish their current request, and removes the socket file.
pub struct ControlServer {
    path: PathBuf,
    /// Dropping this wakes the accept thread (its peer becomes readable).
    wake: Option<UnixStream>,
    accept_thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
    /// (device, inode) of the socket file we created, so we never remove someone else's.
    identity: (u64, u64),
}

impl std::fmt::Debug for ControlServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlServer")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ControlServer {
    /// Binds the socket at `path` with the default [`ServerConfig`].
    pub fn bind(path: &Path, handler: Handler) -> Result<ControlServer, ControlError> {
        ControlServer::bind_with_config(path, handler, ServerConfig::default())
    }

    /// Binds the socket at `path` and starts accepting.
    ///
    /// The directory holding `path` is meant for the socket alone, like [`socket_dir`]: it is
    /// created `0700`; an existing one must be ours and is tightened to `0700`; a symlink or one
    /// owned by someone else is refused. A stale socket file is replaced, but if a daemon answers
    /// on it this fails with [`ControlError::AlreadyRunning`]. The socket is made `0600`.
    pub fn bind_with_config(
        path: &Path,
        handler: Handler,
        config: ServerConfig,
    ) -> Result<ControlServer, ControlError> {
        let dir = match path.parent() {
            Some(d) if path.is_absolute() && d.parent().is_some() => d,
            _ => {
                return Err(ControlError::InsecureDir {
                    path: path.to_path_buf(),
                    reason: "the socket path must be absolute and inside a directory of its own"
                        .to_owned(),
                })
            }
        };
        let (wake_tx, wake_rx) =
            UnixStream::pair().map_err(io_err("creating the wake-up pair", path))?;
        ensure_private_dir(dir)?;
        remove_stale_socket(path)?;

        let listener = UnixListener::bind(path).map_err(|e| {
            if e.kind() == io::ErrorKind::AddrInUse {
                // Another daemon bound it between our probe and our bind.
                ControlError::AlreadyRunning {
                    path: path.to_path_buf(),
                }
            } else {
                io_err("binding the control socket", path)(e)
            }
        })?;
        let identity = match finish_bind(path, &listener) {
            Ok(id) => id,
            Err(e) => {
                drop(listener);
                let _ = std::fs::remove_file(path);
                return Err(e);
            }
        };

        let shared = Arc::new(Shared {
            handler,
            config,
            stop: AtomicBool::new(false),
            active: AtomicUsize::new(0),
        });
        let thread_shared = Arc::clone(&shared);
        let accept_thread = std::thread::Builder::new()
            .name("hearth-control".to_owned())
            .spawn(move || accept_loop(listener, wake_rx, thread_shared))
            .map_err(|e| {
                let _ = std::fs::remove_file(path);
                io_err("starting the control socket thread", path)(e)
            })?;
        tracing::info!(path = %path.display(), "control socket listening");
        Ok(ControlServer {
            path: path.to_path_buf(),
            wake: Some(wake_tx),
            accept_thread: Some(accept_thread),
            shared,
            identity,
        })
    }

    /// Where the socket is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stops accepting and removes the socket file (the same as dropping the server).
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for ControlServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        drop(self.wake.take());
        if let Some(t) = self.accept_thread.take() {
            if t.join().is_err() {
                tracing::error!("control socket thread panicked");
            }
        }
        match std::fs::symlink_metadata(&self.path) {
            Ok(m) if (m.dev(), m.ino()) == self.identity => {
                if let Err(e) = std::fs::remove_file(&self.path) {
                    tracing::warn!(path = %self.path.display(), error = %e, "could not remove the control socket");
                }
            }
            Ok(_) => {
                tracing::warn!(path = %self.path.display(), "control socket was replaced; leaving it")
            }
            Err(_) => {}
        }
        tracing::info!("control socket closed");
    }
}

/// Creates `dir` as `0700`, or checks an existing one: it must be a real directory owned by us;
/// group or world access is taken away.
fn ensure_private_dir(dir: &Path) -> Result<(), ControlError> {
    if let Some(parent) = dir.parent() {
        if !parent.as_os_str().is_empty() && !parent.exists() {
            std::fs::create_dir_all(parent)
                .map_err(io_err("creating the runtime directory", parent))?;
        }
    }
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io_err("creating the socket directory", dir)(e)),
    }
    let meta =
        std::fs::symlink_metadata(dir).map_err(io_err("inspecting the socket directory", dir))?;
    let insecure = |reason: String| ControlError::InsecureDir {
        path: dir.to_path_buf(),
        reason,
    };
    if meta.file_type().is_symlink() {
        return Err(insecure("it is a symbolic link".to_owned()));
    }
    if !meta.is_dir() {
        return Err(insecure("it is not a directory".to_owned()));
    }
    let uid = current_uid();
    if meta.uid() != uid {
        return Err(insecure(format!(
            "it is owned by uid {}, not by us (uid {uid})",
            meta.uid()
        )));
    }
    let mode = meta.mode() & 0o7777;
    if mode != 0o700 {
        if mode & 0o077 != 0 {
            tracing::warn!(path = %dir.display(), mode = format!("{mode:o}"), "socket directory was accessible to others; tightening it to 0700");
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(io_err("setting the socket directory to 0700", dir))?;
    }
    Ok(())
}

/// Removes a socket file nobody answers on. A live daemon gives `AlreadyRunning`; anything that
/// is not a socket is left alone.
fn remove_stale_socket(path: &Path) -> Result<(), ControlError> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err("inspecting the control socket path", path)(e)),
    };
    if !meta.file_type().is_socket() {
        return Err(ControlError::PathOccupied {
            path: path.to_path_buf(),
        });
    }
    match UnixStream::connect(path) {
        Ok(_) => Err(ControlError::AlreadyRunning {
            path: path.to_path_buf(),
        }),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::ConnectionRefused | io::ErrorKind::NotFound
            ) =>
        {
            tracing::info!(path = %path.display(), "removing a stale control socket");
            match std::fs::remove_file(path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io_err("removing a stale control socket", path)(e)),
            }
        }
        // Anything else (a full backlog, say) may be a live daemon: do not steal its socket.
        Err(e) => Err(io_err("probing the existing control socket", path)(e)),
    }
}

fn finish_bind(path: &Path, listener: &UnixListener) -> Result<(u64, u64), ControlError> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(io_err("setting the control socket to 0600", path))?;
    listener
        .set_nonblocking(true)
        .map_err(io_err("configuring the control socket", path))?;
    let meta =
        std::fs::symlink_metadata(path).map_err(io_err("inspecting the control socket", path))?;
    Ok((meta.dev(), meta.ino()))
}

fn accept_loop(listener: UnixListener, wake: UnixStream, shared: Arc<Shared>) {
    let mut fds = [
        libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: wake.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        for fd in fds.iter_mut() {
            fd.revents = 0;
        }
        // SAFETY: `fds` is a valid, initialised array of two pollfd structs that outlives the
        // call, and both descriptors stay open (owned by `listener` and `wake`) until we return.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                tracing::warn!(error = %e, "control socket poll failed");
                std::thread::sleep(Duration::from_millis(100));
            }
            continue;
        }
        if fds[1].revents != 0 || shared.stop.load(Ordering::SeqCst) {
            return;
        }
        if fds[0].revents & (libc::POLLERR | libc::POLLNVAL) != 0 {
            tracing::error!("control socket failed; no longer accepting connections");
            return;
        }
        // Accept everything that is waiting.
        loop {
            match listener.accept() {
                Ok((stream, _)) => spawn_connection(stream, &shared),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // Out of descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accepting a control connection failed");
                    std::thread::sleep(Duration::from_millis(50));
                    break;
                }
            }
        }
    }
}

/// Decrements the active-connection count when a connection ends, however it ends.
struct ActiveGuard(Arc<Shared>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

fn spawn_connection(stream: UnixStream, shared: &Arc<Shared>) {
    // Only our own user may talk to us, whatever the file permissions say.
    match super::peer::peer_uid(&stream) {
        Ok(uid) if uid == current_uid() => {}
        other => {
            tracing::warn!(peer_uid = ?other.ok(), "control connection from another user refused");
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
            let _ = write_reply(&stream, &Reply::error("permission denied: not your Hearth"));
            return;
        }
    }
    let previous = shared.active.fetch_add(1, Ordering::SeqCst);
    let guard = ActiveGuard(Arc::clone(shared));
    if previous >= shared.config.max_connections {
        tracing::warn!(
            max = shared.config.max_connections,
            "too many control connections; refusing one"
        );
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
        let _ = write_reply(&stream, &Reply::error(TOO_MANY));
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("hearth-control-conn".to_owned())
        .spawn(move || {
            let shared = Arc::clone(&guard.0);
            serve_connection(stream, &shared);
            drop(guard);
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start a control connection thread");
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

enum LineRead {
    /// A line is in the buffer (with its `\n`, unless the stream ended first).
    Line,
    /// The stream ended cleanly before any byte of a new line.
    Eof,
    /// More than `max` bytes came without a newline; the buffer holds `max + 1` of them.
    TooLong,
}

/// Reads one line into `buf` (which must be empty), never holding more than `max + 1` bytes.
fn read_line_bounded<R: BufRead>(
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

/// Reads from a socket, failing with `TimedOut` once `deadline` has passed, however slowly the
/// bytes come.
struct DeadlineReader<'a> {
    stream: &'a UnixStream,
    deadline: Instant,
}

impl Read for DeadlineReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "request line not finished in time",
            ));
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut s = self.stream;
        s.read(buf)
    }
}

fn write_reply(mut stream: &UnixStream, reply: &Reply) -> io::Result<()> {
    let mut out = serde_json::to_vec(reply).map_err(io::Error::other)?;
    out.push(b'\n');
    stream.write_all(&out)?;
    stream.flush()
}

fn serve_connection(stream: UnixStream, shared: &Shared) {
    let setup = stream
        .set_nonblocking(false)
        .and_then(|()| stream.set_read_timeout(Some(shared.config.read_timeout)))
        .and_then(|()| stream.set_write_timeout(Some(shared.config.write_timeout)));
    if let Err(e) = setup {
        tracing::warn!(error = %e, "could not configure a control connection");
        return;
    }
    let deadline_reader = DeadlineReader {
        stream: &stream,
        deadline: Instant::now() + shared.config.read_timeout,
    };
    let mut reader = BufReader::with_capacity(8 * 1024, deadline_reader);
    let mut line = Vec::with_capacity(1024);
    loop {
        line.clear();
        // Each request line must arrive whole within the read timeout of the previous reply (or
        // of connecting): a client dribbling a byte at a time cannot hold its slot for ever.
        reader.get_mut().deadline = Instant::now() + shared.config.read_timeout;
        let outcome = match read_line_bounded(&mut reader, &mut line, MAX_LINE) {
            Ok(LineRead::Eof) => return,
            Ok(LineRead::TooLong) => Err(ProtocolError::TooLong { max: MAX_LINE }),
            Ok(LineRead::Line) => parse_request(&line),
            Err(e) if is_timeout(&e) => {
                tracing::debug!("control connection idle too long; closing it");
                return;
            }
            Err(e) => {
                tracing::debug!(error = %e, "control connection read failed");
                return;
            }
        };
        let request = match outcome {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(
                    kind = e.kind(),
                    "malformed control request; closing that connection"
                );
                tracing::debug!(error = %e, "malformed control request detail");
                drop(reader);
                reject(&stream, &e);
                return;
            }
        };
        let name = request.name();
        tracing::debug!(cmd = name, "control request");
        let handler = &shared.handler;
        let reply = match catch_unwind(AssertUnwindSafe(|| handler(request))) {
            Ok(reply) => reply,
            Err(_) => {
                tracing::error!(cmd = name, "control handler panicked");
                Reply::error("internal error")
            }
        };
        if let Err(e) = write_reply(&stream, &reply) {
            tracing::debug!(error = %e, "could not write a control reply");
            return;
        }
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
    }
}

/// Sends the error reply, ends our side, and discards (boundedly) whatever the client is still
/// sending, so it reads the reply and then a clean end of stream rather than a reset.
fn reject(stream: &UnixStream, err: &ProtocolError) {
    if write_reply(stream, &Reply::error(err.to_string())).is_err() {
        return;
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let deadline = Instant::now() + DRAIN_MAX_TIME;
    let mut sink = [0u8; 8 * 1024];
    let mut drained = 0usize;
    let mut reader = stream;
    while drained < DRAIN_MAX_BYTES && Instant::now() < deadline {
        match reader.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// Sends one request to the daemon at `path` and returns its reply (waiting [`CLIENT_TIMEOUT`]).
pub fn request(path: &Path, req: &Request) -> Result<Reply, ControlError> {
    request_with_timeout(path, req, CLIENT_TIMEOUT)
}

/// The reply a daemon at its connection limit sends; the client tries again until its timeout.
const TOO_MANY: &str = "too many connections; try again";

/// [`request`] with a chosen timeout for each read and write.
///
/// Before connecting, the socket's directory and file are checked as the daemon checks them
/// (ours, private, not links); after connecting, the listening process must be of our own user
/// (`SO_PEERCRED`). Nothing is sent to anyone else. A daemon at its connection limit is asked
/// again until `timeout` has passed.
pub fn request_with_timeout(
    path: &Path,
    req: &Request,
    timeout: Duration,
) -> Result<Reply, ControlError> {
    let started = Instant::now();
    loop {
        let reply = request_once(path, req, timeout)?;
        let busy = !reply.ok && reply.error.as_deref() == Some(TOO_MANY);
        if !busy || started.elapsed() >= timeout {
            return Ok(reply);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Checks the socket's directory and file before anything is sent through them.
fn check_trusted_path(path: &Path) -> Result<(), ControlError> {
    use super::peer::{check_socket_dir, check_socket_file, Distrust};
    let uid = current_uid();
    let dir = path.parent().unwrap_or(Path::new("/"));
    let verdict = check_socket_dir(dir, uid)
        .map_err(|d| (d, dir))
        .and_then(|()| check_socket_file(path, uid).map_err(|d| (d, path)));
    match verdict {
        Ok(()) => Ok(()),
        Err((Distrust::Missing, _)) => Err(ControlError::NotRunning {
            path: path.to_path_buf(),
        }),
        Err((Distrust::Insecure(reason), at)) => Err(ControlError::InsecureDir {
            path: at.to_path_buf(),
            reason,
        }),
    }
}

fn request_once(path: &Path, req: &Request, timeout: Duration) -> Result<Reply, ControlError> {
    req.validate()?;
    check_trusted_path(path)?;
    let mut line = serde_json::to_vec(req)
        .map_err(|e| ControlError::Protocol(ProtocolError::Schema(e.to_string())))?;
    if line.len() > MAX_LINE {
        return Err(ProtocolError::TooLong { max: MAX_LINE }.into());
    }
    line.push(b'\n');

    let stream = UnixStream::connect(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused => ControlError::NotRunning {
            path: path.to_path_buf(),
        },
        _ => io_err("connecting to the control socket", path)(e),
    })?;
    let ours = current_uid();
    match super::peer::peer_uid(&stream) {
        Ok(uid) if uid == ours => {}
        Ok(uid) => {
            return Err(ControlError::UntrustedPeer {
                path: path.to_path_buf(),
                uid,
                ours,
            })
        }
        Err(e) => return Err(io_err("asking who serves the control socket", path)(e)),
    }
    let timeout = Some(timeout.max(Duration::from_millis(1)));
    stream
        .set_read_timeout(timeout)
        .and_then(|()| stream.set_write_timeout(timeout))
        .map_err(io_err("configuring the control connection", path))?;
    let io_or_timeout = |context: &'static str| {
        move |e: io::Error| {
            if is_timeout(&e) {
                ControlError::Timeout {
                    path: path.to_path_buf(),
                }
            } else {
                io_err(context, path)(e)
            }
        }
    };
    let read_reply = || -> Result<Reply, ControlError> {
        let mut reader = BufReader::new(&stream);
        let mut buf = Vec::with_capacity(1024);
        match read_line_bounded(&mut reader, &mut buf, MAX_REPLY)
            .map_err(io_or_timeout("reading the reply"))?
        {
            LineRead::Eof => Err(ControlError::BadReply(
                "the daemon closed the connection without replying".to_owned(),
            )),
            LineRead::TooLong => Err(ControlError::BadReply(format!(
                "reply longer than {MAX_REPLY} bytes"
            ))),
            LineRead::Line => {
                serde_json::from_slice(&buf).map_err(|e| ControlError::BadReply(e.to_string()))
            }
        }
    };
    if let Err(e) = (&stream).write_all(&line) {
        if is_timeout(&e) {
            return Err(io_or_timeout("sending the request")(e));
        }
        // The daemon may have answered and hung up before reading the request (it does so when
        // it is at its connection limit): report what it said if it said anything.
        return read_reply().or(Err(io_err("sending the request", path)(e)));
    }
    read_reply()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // ---- parsing ---------------------------------------------------------------------------

    #[test]
    fn parses_good_requests() {
        let cases: Vec<(&str, Request)> = vec![
            (r#"{"cmd":"status"}"#, Request::Status),
            (r#"  {"cmd":"status"}  "#, Request::Status),
            ("{\"cmd\":\"status\"}\r\n", Request::Status),
            (r#"{"cmd":"stop"}"#, Request::Stop),
            (r#"{"cmd":"reload"}"#, Request::Reload),
            (r#"{"cmd":"shutdown"}"#, Request::Shutdown),
            (
                r#"{"cmd":"start","flow":"box-breathing"}"#,
                Request::Start {
                    flow: "box-breathing".into(),
                    cycles: None,
                    minutes: None,
                },
            ),
            (
                r#"{"flow":"four_7_8","cmd":"start","cycles":100,"minutes":60}"#,
                Request::Start {
                    flow: "four_7_8".into(),
                    cycles: Some(100),
                    minutes: Some(60.0),
                },
            ),
            (
                r#"{"cmd":"start","flow":"a","cycles":1,"minutes":0.5}"#,
                Request::Start {
                    flow: "a".into(),
                    cycles: Some(1),
                    minutes: Some(0.5),
                },
            ),
            (
                r#"{"cmd":"start","flow":"a","cycles":null,"minutes":null}"#,
                Request::Start {
                    flow: "a".into(),
                    cycles: None,
                    minutes: None,
                },
            ),
            (
                r#"{"cmd":"say","text":"Hello there."}"#,
                Request::Say {
                    text: "Hello there.".into(),
                },
            ),
            (
                r#"{"cmd":"utterance","text":"log my mood as six"}"#,
                Request::Utterance {
                    text: "log my mood as six".into(),
                },
            ),
            (
                r#"{"cmd":"mood","score":0}"#,
                Request::Mood {
                    score: 0,
                    note: None,
                    feelings: vec![],
                },
            ),
            (
                r#"{"cmd":"mood","score":10,"note":"a bit tired","feelings":["tired","calm"]}"#,
                Request::Mood {
                    score: 10,
                    note: Some("a bit tired".into()),
                    feelings: vec!["tired".into(), "calm".into()],
                },
            ),
        ];
        for (line, want) in cases {
            assert_eq!(parse_request(line.as_bytes()), Ok(want), "{line}");
        }
        // Exactly 2000 characters (multi-byte) is fine.
        let text: String = "é".repeat(MAX_TEXT_CHARS);
        let line = serde_json::to_string(&json!({"cmd":"say","text":text})).unwrap();
        assert!(parse_request(line.as_bytes()).is_ok());
    }

    #[test]
    fn rejects_bad_requests() {
        let long_text = "x".repeat(MAX_TEXT_CHARS + 1);
        let long_flow = "a".repeat(MAX_FLOW_NAME + 1);
        let say_long = format!(r#"{{"cmd":"say","text":"{long_text}"}}"#);
        let note_long = format!(r#"{{"cmd":"mood","score":3,"note":"{long_text}"}}"#);
        let flow_long = format!(r#"{{"cmd":"start","flow":"{long_flow}"}}"#);
        let too_many_feelings = serde_json::to_string(
            &json!({"cmd":"mood","score":3,"feelings":vec!["ok"; MAX_FEELINGS + 1]}),
        )
        .unwrap();
        let oversize = format!(r#"{{"cmd":"say","text":"{}"}}"#, "x".repeat(MAX_LINE + 10));
        let cases: Vec<(&[u8], &str)> = vec![
            (b"", "empty"),
            (b"\n", "empty"),
            (b"   ", "empty"),
            (b"\xff\xfe{}", "invalid_utf8"),
            (b"{\"cmd\":\"say\",\"text\":\"\xc3\x28\"}", "invalid_utf8"),
            (b"{", "syntax"),
            (b"not json", "syntax"),
            (b"{\"cmd\":\"status\"} {\"cmd\":\"stop\"}", "syntax"),
            (b"{\"cmd\":\"status\"}\n{\"cmd\":\"stop\"}", "syntax"),
            (b"[]", "schema"),
            (b"42", "schema"),
            (b"null", "schema"),
            (b"{}", "schema"),
            (b"{\"cmd\":\"dance\"}", "schema"),
            (b"{\"cmd\":\"STATUS\"}", "schema"),
            (b"{\"cmd\":5}", "schema"),
            (b"{\"cmd\":\"status\",\"extra\":1}", "schema"),
            (b"{\"cmd\":\"stop\",\"cmd\":\"stop\"}", "schema"),
            (b"{\"cmd\":\"reload\",\"text\":\"x\"}", "schema"),
            (b"{\"cmd\":\"shutdown\",\"now\":true}", "schema"),
            (
                b"{\"cmd\":\"say\",\"cmd\":\"say\",\"text\":\"x\"}",
                "schema",
            ),
            (
                b"{\"cmd\":\"say\",\"text\":\"hi\",\"voice\":\"x\"}",
                "schema",
            ),
            (b"{\"cmd\":\"say\"}", "schema"),
            (b"{\"cmd\":\"say\",\"text\":5}", "schema"),
            (b"{\"cmd\":\"say\",\"text\":\"a\",\"text\":\"b\"}", "schema"),
            (b"{\"cmd\":\"start\"}", "schema"),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"cycles\":-1}",
                "schema",
            ),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"cycles\":1.5}",
                "schema",
            ),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"cycles\":\"3\"}",
                "schema",
            ),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"cycles\":99999999999}",
                "schema",
            ),
            (b"{\"cmd\":\"mood\",\"score\":256}", "schema"),
            (b"{\"cmd\":\"mood\",\"score\":-1}", "schema"),
            (b"{\"cmd\":\"mood\",\"score\":\"5\"}", "schema"),
            (
                b"{\"cmd\":\"mood\",\"score\":5,\"feelings\":\"sad\"}",
                "schema",
            ),
            (b"{\"cmd\":\"mood\",\"score\":5,\"feelings\":[1]}", "schema"),
            (b"{\"cmd\":\"mood\",\"score\":11}", "invalid_value"),
            (b"{\"cmd\":\"mood\",\"score\":255}", "invalid_value"),
            (
                b"{\"cmd\":\"mood\",\"score\":5,\"feelings\":[\"\"]}",
                "invalid_value",
            ),
            (b"{\"cmd\":\"say\",\"text\":\"\"}", "invalid_value"),
            (b"{\"cmd\":\"say\",\"text\":\"  \\n \"}", "invalid_value"),
            (b"{\"cmd\":\"utterance\",\"text\":\"\"}", "invalid_value"),
            (say_long.as_bytes(), "invalid_value"),
            (note_long.as_bytes(), "invalid_value"),
            (too_many_feelings.as_bytes(), "invalid_value"),
            (b"{\"cmd\":\"start\",\"flow\":\"\"}", "invalid_value"),
            (b"{\"cmd\":\"start\",\"flow\":\"Box\"}", "invalid_value"),
            (b"{\"cmd\":\"start\",\"flow\":\"../etc\"}", "invalid_value"),
            (b"{\"cmd\":\"start\",\"flow\":\"a b\"}", "invalid_value"),
            (flow_long.as_bytes(), "invalid_value"),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"cycles\":0}",
                "invalid_value",
            ),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"cycles\":101}",
                "invalid_value",
            ),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"minutes\":0}",
                "invalid_value",
            ),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"minutes\":-0.0}",
                "invalid_value",
            ),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"minutes\":-5}",
                "invalid_value",
            ),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"minutes\":60.01}",
                "invalid_value",
            ),
            (
                b"{\"cmd\":\"start\",\"flow\":\"a\",\"minutes\":1e300}",
                "invalid_value",
            ),
            (oversize.as_bytes(), "too_long"),
        ];
        for (line, kind) in cases {
            match parse_request(line) {
                Err(e) => assert_eq!(e.kind(), kind, "{:?}: {e}", String::from_utf8_lossy(line)),
                Ok(r) => panic!("accepted {:?} as {r:?}", String::from_utf8_lossy(line)),
            }
        }
        // Deep nesting stops at serde_json's recursion limit instead of overflowing the stack.
        let deep = "[".repeat(10_000);
        assert!(parse_request(deep.as_bytes()).is_err());
    }

    #[test]
    fn reply_shapes() {
        let ok = serde_json::to_string(&Reply::ok(json!({"state":"idle"}))).unwrap();
        assert_eq!(ok, r#"{"ok":true,"data":{"state":"idle"}}"#);
        assert_eq!(
            serde_json::to_string(&Reply::done()).unwrap(),
            r#"{"ok":true}"#
        );
        let err = serde_json::to_string(&Reply::error("nope")).unwrap();
        assert_eq!(err, r#"{"ok":false,"error":"nope"}"#);
        let back: Reply = serde_json::from_str(&err).unwrap();
        assert_eq!(back, Reply::error("nope"));
        let long = Reply::error("x".repeat(10_000));
        assert!(long.error.unwrap().chars().count() <= MAX_ERROR_CHARS + 1);
    }

    #[test]
    fn socket_dir_choice() {
        let tmp = PathBuf::from("/tmp");
        assert_eq!(
            socket_dir_from(Some("/run/user/1000".into()), tmp.clone(), 1000),
            PathBuf::from("/run/user/1000/hearth")
        );
        assert_eq!(
            socket_dir_from(None, tmp.clone(), 1000),
            PathBuf::from("/tmp/hearth-1000")
        );
        assert_eq!(
            socket_dir_from(Some("relative".into()), tmp, 7),
            PathBuf::from("/tmp/hearth-7")
        );
        assert_eq!(socket_path().file_name().unwrap(), "control.sock");
        assert_eq!(socket_path().parent().unwrap(), socket_dir());
    }

    // ---- server ----------------------------------------------------------------------------

    /// A fresh directory under the system temp dir, removed on drop. Short names: socket paths
    /// are limited to about 100 bytes.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let base = std::env::temp_dir().join(format!("hc-{}-{}-{tag}", std::process::id(), n));
            std::fs::create_dir_all(&base).unwrap();
            TempDir(base)
        }
        /// `<base>/hearth/control.sock` (the `hearth` dir does not exist yet).
        fn sock(&self) -> PathBuf {
            self.0.join("hearth").join("control.sock")
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn echo_handler() -> Handler {
        Arc::new(|req: Request| match req {
            Request::Say { text } => Reply::ok(json!({ "said": text })),
            Request::Reload => Reply::error("nothing to reload"),
            Request::Shutdown => panic!("handler panic (test)"),
            other => Reply::ok(json!({ "cmd": other.name() })),
        })
    }

    fn quick_config() -> ServerConfig {
        ServerConfig {
            read_timeout: Duration::from_millis(500),
            write_timeout: Duration::from_secs(2),
            max_connections: 32,
        }
    }

    fn connect(path: &Path) -> UnixStream {
        let s = UnixStream::connect(path).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
        s
    }

    fn read_reply_line(reader: &mut BufReader<&UnixStream>) -> Reply {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.ends_with('\n'), "reply without newline: {line:?}");
        serde_json::from_str(&line).unwrap()
    }

    fn assert_eof(reader: &mut BufReader<&UnixStream>) {
        let mut rest = Vec::new();
        let n = reader.read_to_end(&mut rest).unwrap();
        assert_eq!(
            n,
            0,
            "expected EOF, got {:?}",
            String::from_utf8_lossy(&rest)
        );
    }

    fn status_ok(path: &Path) {
        let reply = request_with_timeout(path, &Request::Status, Duration::from_secs(5)).unwrap();
        assert_eq!(reply, Reply::ok(json!({"cmd":"status"})));
    }

    #[test]
    fn round_trip_and_permissions() {
        let tmp = TempDir::new("rt");
        let path = tmp.sock();
        let server =
            ControlServer::bind_with_config(&path, echo_handler(), quick_config()).unwrap();
        assert_eq!(server.path(), path);

        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        let sock_meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(sock_meta.file_type().is_socket());
        assert_eq!(sock_meta.permissions().mode() & 0o777, 0o600);

        status_ok(&path);
        let said = request(
            &path,
            &Request::Say {
                text: "hello".into(),
            },
        )
        .unwrap();
        assert_eq!(said, Reply::ok(json!({"said":"hello"})));
        // A handler error is a normal reply, not a protocol error.
        let reload = request(&path, &Request::Reload).unwrap();
        assert!(!reload.ok);
        // A panicking handler becomes an error reply, and the server carries on.
        let boom = request(&path, &Request::Shutdown).unwrap();
        assert_eq!(boom, Reply::error("internal error"));
        status_ok(&path);

        // Several requests on one connection.
        let s = connect(&path);
        let mut r = BufReader::new(&s);
        for _ in 0..3 {
            (&s).write_all(b"{\"cmd\":\"stop\"}\n").unwrap();
            assert_eq!(read_reply_line(&mut r), Reply::ok(json!({"cmd":"stop"})));
        }
        drop(r);
        drop(s);

        // The client refuses invalid requests before sending them.
        let bad = request(
            &path,
            &Request::Mood {
                score: 11,
                note: None,
                feelings: vec![],
            },
        );
        assert!(matches!(bad, Err(ControlError::Protocol(_))));

        server.shutdown();
        assert!(!path.exists(), "socket file left behind");
        match request(&path, &Request::Status) {
            Err(e @ ControlError::NotRunning { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains("Hearth is not running"), "{msg}");
                assert!(msg.contains("hearth run"), "{msg}");
            }
            other => panic!("expected NotRunning, got {other:?}"),
        }
    }

    #[test]
    fn loose_existing_dir_is_tightened() {
        let tmp = TempDir::new("loose");
        let path = tmp.sock();
        let dir = path.parent().unwrap();
        std::fs::create_dir(dir).unwrap();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let server = ControlServer::bind(&path, echo_handler()).unwrap();
        let mode = std::fs::metadata(dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        drop(server);
    }

    #[test]
    fn relative_or_bare_paths_are_refused() {
        for p in ["control.sock", "hearth/control.sock", "/control.sock"] {
            let err = ControlServer::bind(Path::new(p), echo_handler()).unwrap_err();
            assert!(
                matches!(err, ControlError::InsecureDir { .. }),
                "{p}: {err}"
            );
        }
    }

    #[test]
    fn symlinked_dir_is_refused() {
        let tmp = TempDir::new("link");
        let real = tmp.0.join("real");
        std::fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, tmp.0.join("hearth")).unwrap();
        let err = ControlServer::bind(&tmp.sock(), echo_handler()).unwrap_err();
        assert!(matches!(err, ControlError::InsecureDir { .. }), "{err}");
    }

    #[test]
    fn malformed_json_closes_only_that_connection() {
        let tmp = TempDir::new("bad");
        let path = tmp.sock();
        let _server =
            ControlServer::bind_with_config(&path, echo_handler(), quick_config()).unwrap();

        let s = connect(&path);
        (&s).write_all(b"{\"cmd\":\"status\"\n").unwrap();
        let mut r = BufReader::new(&s);
        let reply = read_reply_line(&mut r);
        assert!(!reply.ok);
        assert!(reply.error.unwrap().contains("JSON"));
        assert_eof(&mut r);

        // Unknown command and out-of-range values close the connection too.
        for bad in [
            &b"{\"cmd\":\"dance\"}\n"[..],
            b"{\"cmd\":\"mood\",\"score\":42}\n",
        ] {
            let s = connect(&path);
            (&s).write_all(bad).unwrap();
            let mut r = BufReader::new(&s);
            assert!(!read_reply_line(&mut r).ok);
            assert_eof(&mut r);
        }
        status_ok(&path);
    }

    #[test]
    fn oversized_line_is_rejected_and_server_survives() {
        let tmp = TempDir::new("big");
        let path = tmp.sock();
        let _server =
            ControlServer::bind_with_config(&path, echo_handler(), quick_config()).unwrap();

        let s = connect(&path);
        let writer = s.try_clone().unwrap();
        let sender = std::thread::spawn(move || {
            let blob = vec![b'a'; 1024 * 1024];
            // The server may stop reading at any point; a broken pipe here is fine.
            let _ = (&writer).write_all(&blob);
        });
        let mut r = BufReader::new(&s);
        let reply = read_reply_line(&mut r);
        assert!(!reply.ok);
        assert!(reply.error.unwrap().contains("longer than"));
        assert_eof(&mut r);
        sender.join().unwrap();
        status_ok(&path);

        // Exactly MAX_LINE bytes is read in full and judged on content.
        let s = connect(&path);
        let mut line = vec![b' '; MAX_LINE - 16];
        line.splice(0..0, b"{\"cmd\":\"stop\"}".iter().copied());
        line.truncate(MAX_LINE);
        line.push(b'\n');
        (&s).write_all(&line).unwrap();
        let mut r = BufReader::new(&s);
        assert_eq!(read_reply_line(&mut r), Reply::ok(json!({"cmd":"stop"})));
    }

    #[test]
    fn idle_client_does_not_block_others() {
        let tmp = TempDir::new("idle");
        let path = tmp.sock();
        let config = ServerConfig {
            read_timeout: Duration::from_millis(1500),
            ..quick_config()
        };
        let _server = ControlServer::bind_with_config(&path, echo_handler(), config).unwrap();

        let idle = connect(&path);
        // A half-written line that never finishes.
        let half = connect(&path);
        (&half).write_all(b"{\"cmd\":").unwrap();

        let started = Instant::now();
        status_ok(&path);
        status_ok(&path);
        // Well before the idle connections' read timeout.
        assert!(started.elapsed() < Duration::from_millis(1000));

        // The idle connections are closed after the read timeout.
        let mut r = BufReader::new(&idle);
        assert_eof(&mut r);
        let mut r = BufReader::new(&half);
        assert_eof(&mut r);
    }

    #[test]
    fn connection_cap() {
        let tmp = TempDir::new("cap");
        let path = tmp.sock();
        let config = ServerConfig {
            max_connections: 2,
            ..quick_config()
        };
        let _server = ControlServer::bind_with_config(&path, echo_handler(), config).unwrap();
        let a = connect(&path);
        let b = connect(&path);
        std::thread::sleep(Duration::from_millis(50));
        let c = connect(&path);
        let mut r = BufReader::new(&c);
        let reply = read_reply_line(&mut r);
        assert!(reply.error.unwrap().contains("too many"));
        drop((a, b));
        // Their threads notice the hang-up promptly; then there is room again.
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let reply = request(&path, &Request::Status).unwrap();
            if reply.ok {
                break;
            }
            assert!(Instant::now() < deadline, "connection slots never freed");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn stale_socket_is_replaced_and_live_one_is_not() {
        let tmp = TempDir::new("stale");
        let path = tmp.sock();
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(path.parent().unwrap())
            .unwrap();
        // A socket file nobody listens on (dropping a std listener leaves the file).
        drop(UnixListener::bind(&path).unwrap());
        assert!(path.exists());
        let first = ControlServer::bind_with_config(&path, echo_handler(), quick_config()).unwrap();
        status_ok(&path);

        match ControlServer::bind(&path, echo_handler()) {
            Err(ControlError::AlreadyRunning { .. }) => {}
            other => panic!("expected AlreadyRunning, got {other:?}"),
        }
        // The failed bind left the live socket alone.
        status_ok(&path);
        drop(first);
        assert!(!path.exists());

        // Something that is not a socket is never removed.
        std::fs::write(&path, b"not a socket").unwrap();
        match ControlServer::bind(&path, echo_handler()) {
            Err(ControlError::PathOccupied { .. }) => {}
            other => panic!("expected PathOccupied, got {other:?}"),
        }
        assert!(path.exists());
    }

    // ---- fuzzing ---------------------------------------------------------------------------

    const FUZZ_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

    /// xorshift64*: small, deterministic, good enough for fuzzing.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            if n == 0 {
                0
            } else {
                (self.next() % n as u64) as usize
            }
        }
        fn chance(&mut self, one_in: usize) -> bool {
            self.below(one_in) == 0
        }
    }

    const SEEDS: &[&str] = &[
        r#"{"cmd":"status"}"#,
        r#"{"cmd":"stop"}"#,
        r#"{"cmd":"reload"}"#,
        r#"{"cmd":"shutdown"}"#,
        r#"{"cmd":"start","flow":"box-breathing","cycles":4}"#,
        r#"{"cmd":"start","flow":"resonance","minutes":5.5}"#,
        r#"{"cmd":"start","flow":"grounding_54321","cycles":null,"minutes":null}"#,
        r#"{"cmd":"say","text":"Let's take a slow breath together."}"#,
        r#"{"cmd":"utterance","text":"log my mood as six, a bit tired"}"#,
        r#"{"cmd":"mood","score":6,"note":"a bit tired","feelings":["tired","calm"]}"#,
        r#"{"cmd":"mood","score":3}"#,
        r#"{"cmd":"say","text":"caf\u00e9 \ud83d\ude00 \"quoted\" \\ back"}"#,
    ];

    const TOKENS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "\"",
        "\\",
        "null",
        "true",
        "false",
        "\"cmd\"",
        "\"status\"",
        "\"start\"",
        "\"say\"",
        "\"mood\"",
        "\"text\"",
        "\"score\"",
        "\"flow\"",
        "\"cycles\"",
        "\"minutes\"",
        "\"feelings\"",
        "\"note\"",
        "0",
        "-0",
        "-1",
        "255",
        "256",
        "4294967295",
        "4294967296",
        "18446744073709551616",
        "340282366920938463463374607431768211456",
        "1e999",
        "-1e999",
        "1e-400",
        "1e38",
        "3.5e38",
        "NaN",
        "Infinity",
        "0.0000000000000000000000000000000000000000000001",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\\udc00\\ud800\"",
        "\"\\uZZZZ\"",
        "\u{feff}",
        "\0",
        "\r",
        "\n",
        "\t",
        "é",
        "\u{10FFFF}",
        "\u{202E}",
    ];

    fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
        match rng.below(11) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] ^= 1 << rng.below(8);
            }
            1 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(input.len() + 1);
                input.insert(i, rng.next() as u8);
            }
            3 if !input.is_empty() => {
                let i = rng.below(input.len());
                let j = (i + 1 + rng.below(8)).min(input.len());
                input.drain(i..j);
            }
            4 => {
                let n = rng.below(input.len() + 1);
                input.truncate(n);
            }
            5 if !input.is_empty() => {
                let i = rng.below(input.len());
                let j = (i + 1 + rng.below(32)).min(input.len());
                let slice = input[i..j].to_vec();
                let at = rng.below(input.len() + 1);
                input.splice(at..at, slice);
            }
            6 | 7 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let at = rng.below(input.len() + 1);
                input.splice(at..at, t.iter().copied());
            }
            8 => {
                // A huge number, possibly thousands of digits long.
                let max_digits = if rng.chance(10) { 5000 } else { 40 };
                let digits = 1 + rng.below(max_digits);
                let mut num: Vec<u8> = (0..digits).map(|_| b'0' + rng.below(10) as u8).collect();
                if rng.chance(2) {
                    num.insert(0, b'-');
                }
                if rng.chance(3) {
                    num.extend_from_slice(format!("e{}", rng.below(100_000)).as_bytes());
                }
                let at = rng.below(input.len() + 1);
                input.splice(at..at, num);
            }
            9 if rng.chance(20) => {
                // Deep nesting.
                let open: &[u8] = match rng.below(3) {
                    0 => b"[",
                    1 => b"{\"a\":",
                    _ => b"[{\"cmd\":",
                };
                let depth = 1 + rng.below(10_000);
                let at = rng.below(input.len() + 1);
                let nest: Vec<u8> = open
                    .iter()
                    .copied()
                    .cycle()
                    .take(open.len() * depth)
                    .collect();
                input.splice(at..at, nest);
            }
            10 if rng.chance(200) => {
                // Past the size limit.
                let extra = MAX_LINE + rng.below(1024);
                input.extend(std::iter::repeat_n(b' ', extra));
            }
            _ => {
                // Replace a value with a long string.
                let s = format!("\"{}\"", "x".repeat(rng.below(3000)));
                let at = rng.below(input.len() + 1);
                input.splice(at..at, s.into_bytes());
            }
        }
    }

    fn fuzz_input(rng: &mut Rng) -> Vec<u8> {
        if rng.chance(5) {
            let len = if rng.chance(100) {
                rng.below(80 * 1024)
            } else {
                rng.below(256)
            };
            return (0..len).map(|_| rng.next() as u8).collect();
        }
        let mut input = SEEDS[rng.below(SEEDS.len())].as_bytes().to_vec();
        for _ in 0..1 + rng.below(4) {
            mutate(rng, &mut input);
        }
        input
    }

    #[test]
    fn fuzz_parse_request_never_panics() {
        let mut rng = Rng(FUZZ_SEED);
        let (mut accepted, mut rejected) = (0usize, 0usize);
        for case in 0..200_000 {
            let input = fuzz_input(&mut rng);
            let result = catch_unwind(|| parse_request(&input));
            let parsed = match result {
                Ok(p) => p,
                Err(_) => panic!(
                    "parse_request panicked on case {case}: {:?}",
                    String::from_utf8_lossy(&input[..input.len().min(300)])
                ),
            };
            match parsed {
                Ok(req) => {
                    accepted += 1;
                    assert_eq!(req.validate(), Ok(()), "case {case}");
                    let again = serde_json::to_vec(&req).unwrap();
                    assert_eq!(parse_request(&again), Ok(req), "case {case} round trip");
                }
                Err(e) => {
                    rejected += 1;
                    assert!(!e.to_string().is_empty());
                    assert!(Reply::error(e.to_string()).error.unwrap().chars().count() <= 513);
                }
            }
        }
        // The mutations must keep some inputs valid, or the fuzzer only tests the JSON lexer.
        assert!(accepted > 1_000, "only {accepted} accepted");
        assert!(rejected > 100_000, "only {rejected} rejected");
    }

    #[test]
    fn fuzz_live_server() {
        let tmp = TempDir::new("fuzz");
        let path = tmp.sock();
        let _server =
            ControlServer::bind_with_config(&path, echo_handler(), quick_config()).unwrap();
        let mut rng = Rng(FUZZ_SEED ^ 0xDEAD_BEEF);
        for case in 0..2_000 {
            let mut line = fuzz_input(&mut rng);
            line.push(b'\n');
            let s = connect(&path);
            let writer = s.try_clone().unwrap();
            let sender = std::thread::spawn(move || {
                let _ = (&writer).write_all(&line);
            });
            let mut r = BufReader::new(&s);
            let mut reply = String::new();
            r.read_line(&mut reply).unwrap();
            let parsed: Result<Reply, _> = serde_json::from_str(&reply);
            assert!(parsed.is_ok(), "case {case}: bad reply {reply:?}");
            drop(r);
            drop(s);
            sender.join().unwrap();
        }
        status_ok(&path);
    }
}
