//! Safe file creation and reading for paths other people may be able to write to.
//!
//! Hearth writes a few files outside its private data directory (an export the person asks
//! for, wherever they point `--out`) and reads a few it does not own (prompt files, the key file
//! beside the database). In a directory someone else can write to, a predictable temporary name
//! can be pre-planted as a symbolic link or a FIFO. The rules here:
//!
//! - A new file is created with `O_CREAT | O_EXCL | O_NOFOLLOW` under a random name in the
//!   target's own directory, made `0600` with `fchmod` on the open descriptor, written, synced,
//!   and only then renamed over the target ([`write_file_atomically`]). A planted link is never
//!   followed: `O_EXCL` refuses any existing name, link or not.
//! - A file Hearth only reads is opened with `O_NONBLOCK` (a FIFO cannot block the open) and
//!   must be a regular file by `fstat` on that same descriptor ([`read_regular_file`]).
//! - A file whose permissions Hearth fixes is opened with `O_NOFOLLOW` and changed with `fchmod`
//!   on that descriptor ([`open_nofollow`]), never by path.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A random hex string from the kernel's generator (16 bytes; falls back to time and pid).
pub fn random_suffix() -> String {
    let mut buf = [0u8; 16];
    let mut filled = false;
    if let Ok(mut f) = File::open("/dev/urandom") {
        filled = f.read_exact(&mut buf).is_ok();
    }
    if !filled {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mixed = nanos ^ (u128::from(std::process::id()) << 64);
        buf = mixed.to_le_bytes();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a new, empty file `0600` at a random name beside `target` (never following or
/// reusing an existing name). Returns the open file and its path.
pub fn create_temp_beside(target: &Path) -> io::Result<(File, PathBuf)> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    let mut last = None;
    for _ in 0..8 {
        let tmp = dir.join(format!(".{name}.tmp-{}", random_suffix()));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)
        {
            Ok(f) => {
                // The umask cannot widen 0600, but say it on the descriptor all the same.
                f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
                return Ok((f, tmp));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("could not pick a temporary name")))
}

/// Writes `bytes` to `target` atomically: a new `0600` file under a random name in the same
/// directory, synced, then renamed over `target`. If `target` is a symbolic link, the link
/// itself is replaced, never the file it points to.
pub fn write_file_atomically(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let (mut f, tmp) = create_temp_beside(target)?;
    let written = f
        .write_all(bytes)
        .and_then(|()| f.sync_all())
        .and_then(|()| std::fs::rename(&tmp, target));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Opens `path` for reading without following a final symbolic link (`O_NOFOLLOW`); a link
/// gives an error (`ELOOP`).
pub fn open_nofollow(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

/// Opens `path` for reading without blocking on a FIFO or a device, and checks with `fstat` on
/// the open descriptor that it is a regular file.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    let meta = f.metadata()?;
    if !meta.file_type().is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, device or directory is never read)",
        ));
    }
    Ok(f)
}

/// Reads a whole regular file as UTF-8 text (see [`open_regular`]).
pub fn read_regular_file(path: &Path) -> io::Result<String> {
    let mut f = open_regular(path)?;
    let mut s = String::new();
    f.read_to_string(&mut s)?;
    Ok(s)
}

/// Reads every `*.toml` file under `dir`, recursively, each as [`read_regular_file`] does: paths
/// relative to `dir` (with `/`) and their texts. The first file that cannot be read is returned
/// as the error.
pub fn read_toml_tree(dir: &Path) -> Result<BTreeMap<String, String>, (PathBuf, io::Error)> {
    fn walk(
        root: &Path,
        dir: &Path,
        out: &mut BTreeMap<String, String>,
    ) -> Result<(), (PathBuf, io::Error)> {
        let entries = std::fs::read_dir(dir).map_err(|e| (dir.to_path_buf(), e))?;
        for entry in entries {
            let path = entry.map_err(|e| (dir.to_path_buf(), e))?.path();
            let meta = std::fs::metadata(&path).map_err(|e| (path.clone(), e))?;
            if meta.is_dir() {
                walk(root, &path, out)?;
            } else if path.extension().is_some_and(|x| x == "toml") {
                let text = read_regular_file(&path).map_err(|e| (path.clone(), e))?;
                let rel = path.strip_prefix(root).unwrap_or(&path);
                out.insert(rel.to_string_lossy().replace('\\', "/"), text);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// Checks every entry of `dir`, recursively, is a regular file or a directory (after following
/// links), opening each file the way [`open_regular`] does. Returns the first offender.
pub fn check_regular_tree(dir: &Path) -> Result<(), (PathBuf, io::Error)> {
    let entries = std::fs::read_dir(dir).map_err(|e| (dir.to_path_buf(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| (dir.to_path_buf(), e))?;
        let path = entry.path();
        let meta = std::fs::metadata(&path).map_err(|e| (path.clone(), e))?;
        if meta.is_dir() {
            check_regular_tree(&path)?;
        } else {
            open_regular(&path).map_err(|e| (path.clone(), e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn atomic_write_replaces_a_link_not_its_target() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let out = d.path().join("out.json");
        symlink(&victim, &out).unwrap();
        write_file_atomically(&out, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        let meta = std::fs::symlink_metadata(&out).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "new");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 2);
    }

    #[test]
    fn fifos_and_links_are_refused_without_blocking() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("f.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read_regular_file(&fifo).is_err());
        assert!(check_regular_tree(d.path()).is_err());
        let link = d.path().join("l");
        symlink("/etc/hostname", &link).unwrap();
        assert!(open_nofollow(&link).is_err());
    }
}
