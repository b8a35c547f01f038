//! The CLI's side of the control socket: check the socket before trusting it, send one request,
//! read one bounded reply, and ask again while the daemon is at its connection limit.

use super::peer::{self, current_uid};
use super::protocol::{is_timeout, read_line_bounded, LineRead};
use super::{
    io_err, ControlError, ProtocolError, Reply, Request, CLIENT_TIMEOUT, MAX_LINE, MAX_REPLY,
    TOO_MANY,
};
use std::io::{self, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// Sends one request to the daemon at `path` and returns its reply (waiting [`CLIENT_TIMEOUT`]).
pub fn request(path: &Path, req: &Request) -> Result<Reply, ControlError> {
    request_with_timeout(path, req, CLIENT_TIMEOUT)
}

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
    match peer::peer_uid(&stream) {
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
