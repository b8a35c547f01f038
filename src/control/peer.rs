//! Trust on the control socket, both ways: the client only talks to a daemon of its own user,
//! and the daemon only answers clients of its own user.
//!
//! File permissions (a `0700` directory, a `0600` socket) are the first line; they are only as
//! good as the directory, and the fallback directory `<tmp>/hearth-<uid>` lives in a place
//! everyone can write to, where another user can create it first. So:
//!
//! - the client checks the socket directory exactly as the daemon does when it binds (a real
//!   directory, not a symbolic link, owned by us, no access for group or others) and the socket
//!   file (a socket owned by us), and after connecting asks the kernel who is listening
//!   (`SO_PEERCRED`): another user's listener is refused before a byte is sent;
//! - the daemon asks the kernel who connected and closes any connection from another user.

use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::io::AsRawFd;
use std::path::Path;

/// Our real user id.
pub fn current_uid() -> libc::uid_t {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// The user id of the process at the other end of a connected Unix socket (`SO_PEERCRED`: the
/// credentials the peer had when it called `connect` or `listen`).
pub fn peer_uid(socket: &impl AsRawFd) -> io::Result<libc::uid_t> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` is a valid, writable ucred and `len` holds its size; the descriptor is
    // borrowed from a live socket for the duration of the call.
    let rc = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(cred.uid)
}

/// Why a socket directory or socket file is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Distrust {
    /// Nothing there (the daemon is not running).
    Missing,
    /// Something there we must not use, and why.
    Insecure(String),
}

/// Checks the directory holding the control socket: a real directory (not a link), owned by
/// `uid`, with no access for group or others.
pub fn check_socket_dir(dir: &Path, uid: libc::uid_t) -> Result<(), Distrust> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Distrust::Missing),
        Err(e) => return Err(Distrust::Insecure(format!("cannot inspect it: {e}"))),
    };
    if meta.file_type().is_symlink() {
        return Err(Distrust::Insecure("it is a symbolic link".to_owned()));
    }
    if !meta.is_dir() {
        return Err(Distrust::Insecure("it is not a directory".to_owned()));
    }
    if meta.uid() != uid {
        return Err(Distrust::Insecure(format!(
            "it is owned by uid {}, not by us (uid {uid})",
            meta.uid()
        )));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(Distrust::Insecure(format!(
            "others can use it (mode {mode:o}, expected 700)"
        )));
    }
    Ok(())
}

/// Checks the socket file itself: a socket (not a link) owned by `uid`.
pub fn check_socket_file(path: &Path, uid: libc::uid_t) -> Result<(), Distrust> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Distrust::Missing),
        Err(e) => return Err(Distrust::Insecure(format!("cannot inspect it: {e}"))),
    };
    if !meta.file_type().is_socket() {
        return Err(Distrust::Insecure("it is not a socket".to_owned()));
    }
    if meta.uid() != uid {
        return Err(Distrust::Insecure(format!(
            "it is owned by uid {}, not by us (uid {uid})",
            meta.uid()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::UnixStream;

    #[test]
    fn peer_of_a_pair_is_us() {
        let (a, _b) = UnixStream::pair().unwrap();
        assert_eq!(peer_uid(&a).unwrap(), current_uid());
    }

    #[test]
    fn loose_linked_or_foreign_dirs_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let uid = current_uid();
        let dir = d.path().join("h");
        assert_eq!(check_socket_dir(&dir, uid), Err(Distrust::Missing));
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(check_socket_dir(&dir, uid), Ok(()));
        assert!(matches!(
            check_socket_dir(&dir, uid + 1),
            Err(Distrust::Insecure(_))
        ));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            check_socket_dir(&dir, uid),
            Err(Distrust::Insecure(_))
        ));
        let link = d.path().join("l");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert!(matches!(
            check_socket_dir(&link, uid),
            Err(Distrust::Insecure(_))
        ));
    }
}
