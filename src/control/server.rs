//! The daemon's side of the control socket: a private directory and socket file, an accept loop,
//! a thread per connection with a per-line read deadline, and a cap on connections. Each request
//! is handed to the daemon's [`Handler`]; see the module above for the robustness rules.

use super::peer::{self, current_uid};
use super::protocol::{is_timeout, read_line_bounded, LineRead};
use super::{
    io_err, parse_request, ControlError, ProtocolError, Reply, Request, MAX_LINE, TOO_MANY,
};
use std::io::{self, BufReader, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// After rejecting a request, how much of the client's remaining input is read and discarded (so
/// the client sees the reply and a clean end of stream, not a reset), and for how long at most.
const DRAIN_MAX_BYTES: usize = 4 * 1024 * 1024;
const DRAIN_MAX_TIME: Duration = Duration::from_secs(1);

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
    match peer::peer_uid(&stream) {
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
            // Part of a line and then too long a wait: say why before closing; an idle
            // connection with nothing sent is closed quietly.
            Err(e) if is_timeout(&e) && !line.is_empty() => Err(ProtocolError::Incomplete {
                ms: shared.config.read_timeout.as_millis() as u64,
            }),
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
