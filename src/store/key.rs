//! The database key: 32 random bytes, kept in a `0600` file beside the database (or handed in
//! by systemd as the credential `hearth-db-key`), given to SQLCipher as a raw key.
//!
//! The key is never logged, never shown by `Debug`, and is wiped from memory (best effort) when
//! dropped. Creating a key file is atomic and never replaces an existing one: the file is
//! written under a temporary name, synced, then hard-linked into place, so a crash leaves either
//! no key or a whole key, and two processes racing to create it end up sharing one.

use std::fmt;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, Zeroizing};

use crate::store::StoreError;

/// Name of the key file inside the data directory.
pub const KEY_FILE_NAME: &str = "db.key";
/// Name of the systemd credential (`LoadCredential=hearth-db-key:...`) that carries the key.
pub const CREDENTIAL_NAME: &str = "hearth-db-key";
/// Length of the raw key in bytes (SQLCipher's 256-bit key).
pub const KEY_LEN: usize = 32;

/// A raw 256-bit SQLCipher key. `Debug` prints `DbKey(<redacted>)`; the bytes are zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; KEY_LEN]);

/// Where a key came from, for messages (the path, never the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A systemd credential file under `$CREDENTIALS_DIRECTORY`.
    Credential(PathBuf),
    /// The key file in the data directory.
    File(PathBuf),
}

impl KeySource {
    /// The file the key was (or will be) read from.
    pub fn path(&self) -> &Path {
        match self {
            KeySource::Credential(p) | KeySource::File(p) => p,
        }
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

impl Drop for DbKey {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Overwrites a buffer with zeros in a way the optimiser keeps (the `zeroize` crate).
pub(crate) fn wipe(buf: &mut [u8]) {
    buf.zeroize();
}

// What is wiped and what is not:
// - Wiped: the key's own bytes (on drop, clones too), the file contents it was read from, its
//   hex form and the SQLCipher literal made from it (buffers sized up front so pushing never
//   reallocates and leaves an unwiped copy behind).
// - Not wiped by Hearth: the copies SQLCipher keeps while the database is open (it derives and
//   holds the page keys in its own memory and clears them itself when the connection closes),
//   the page cache of the key file in the kernel, and the few bytes `read_to_end` may copy
//   through a small stack buffer. Core dumps are off (PR_SET_DUMPABLE 0, LimitCORE=0), which is
//   what keeps any of these out of a file. There is no passphrase: the key is random, so there
//   is no passphrase-derived material to wipe.

impl DbKey {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> DbKey {
        DbKey(bytes)
    }

    /// A fresh key of 32 bytes from `/dev/urandom`.
    pub fn generate() -> Result<DbKey, StoreError> {
        let path = Path::new("/dev/urandom");
        let mut bytes = [0u8; KEY_LEN];
        let mut f = File::open(path).map_err(|e| StoreError::io(path, e))?;
        f.read_exact(&mut bytes)
            .map_err(|e| StoreError::io(path, e))?;
        let key = DbKey(bytes);
        wipe(&mut bytes);
        Ok(key)
    }

    /// Parses 64 hex digits (surrounding whitespace allowed).
    pub fn from_hex(text: &str) -> Option<DbKey> {
        let t = text.trim().as_bytes();
        if t.len() != KEY_LEN * 2 {
            return None;
        }
        let mut bytes = [0u8; KEY_LEN];
        for (i, pair) in t.chunks_exact(2).enumerate() {
            let hi = hex_val(pair[0])?;
            let lo = hex_val(pair[1])?;
            bytes[i] = (hi << 4) | lo;
        }
        let key = DbKey(bytes);
        wipe(&mut bytes);
        Some(key)
    }

    /// The key as 64 lowercase hex digits, in a buffer wiped when dropped. Room for three more
    /// bytes (a newline, quotes) so adding them never moves the digits and leaves a copy.
    pub(crate) fn hex_bytes(&self) -> Zeroizing<Vec<u8>> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = Zeroizing::new(Vec::with_capacity(KEY_LEN * 2 + 3));
        for b in self.0 {
            out.push(DIGITS[usize::from(b >> 4)]);
            out.push(DIGITS[usize::from(b & 0x0f)]);
        }
        out
    }

    /// The SQLCipher raw-key literal `x'<64 hex>'`, in a buffer wiped when dropped.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<Vec<u8>> {
        let hex = self.hex_bytes();
        let mut out = Zeroizing::new(Vec::with_capacity(hex.len() + 3));
        out.extend_from_slice(b"x'");
        out.extend_from_slice(&hex);
        out.push(b'\'');
        out
    }

    /// Parses key file contents: 64 hex digits, or exactly 32 raw bytes (as a systemd
    /// credential made with `systemd-creds` from random bytes may be).
    fn from_file_bytes(bytes: &[u8]) -> Option<DbKey> {
        if let Ok(text) = std::str::from_utf8(bytes) {
            if let Some(k) = DbKey::from_hex(text) {
                return Some(k);
            }
        }
        let raw: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(DbKey(raw))
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Where the key for a data directory lives: the systemd credential when
/// `$CREDENTIALS_DIRECTORY/hearth-db-key` exists, else `data_dir/db.key`.
pub fn locate_key(data_dir: &Path) -> KeySource {
    locate_key_with(
        data_dir,
        std::env::var_os("CREDENTIALS_DIRECTORY").as_deref(),
    )
}

/// [`locate_key`] with the credentials directory given explicitly.
pub fn locate_key_with(data_dir: &Path, credentials_dir: Option<&std::ffi::OsStr>) -> KeySource {
    if let Some(dir) = credentials_dir.filter(|d| !d.is_empty()) {
        let p = Path::new(dir).join(CREDENTIAL_NAME);
        if p.is_file() {
            return KeySource::Credential(p);
        }
    }
    KeySource::File(data_dir.join(KEY_FILE_NAME))
}

/// Reads a key file. A key file in the data directory that others can read is tightened to
/// `0600` with a warning (its path only); a credential file is left as systemd made it.
pub fn load_key(source: &KeySource) -> Result<DbKey, StoreError> {
    let path = source.path();
    let mut f = match source {
        // The key file is opened without following a link, and only the open file is changed
        // (fchmod): a planted link can neither feed us a key nor get its target's mode changed.
        KeySource::File(_) => crate::fsutil::open_nofollow(path).map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                StoreError::Key {
                    path: path.to_path_buf(),
                    reason: "it is a symbolic link; the key file must be a regular file".into(),
                }
            } else {
                StoreError::io(path, e)
            }
        })?,
        KeySource::Credential(_) => File::open(path).map_err(|e| StoreError::io(path, e))?,
    };
    if let KeySource::File(_) = source {
        let meta = f.metadata().map_err(|e| StoreError::io(path, e))?;
        if !meta.file_type().is_file() {
            return Err(StoreError::Key {
                path: path.to_path_buf(),
                reason: "not a regular file".into(),
            });
        }
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "key file was readable by others; setting mode 0600");
            f.set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(|e| StoreError::io(path, e))?;
        }
    }
    // A key file is 65 bytes; read at most 128 into a buffer that never has to grow, so no
    // unwiped copy is left behind by a reallocation.
    let mut buf = Zeroizing::new(Vec::with_capacity(256));
    let read = (&mut f).take(128).read_to_end(&mut buf);
    let key = DbKey::from_file_bytes(&buf);
    read.map_err(|e| StoreError::io(path, e))?;
    key.ok_or_else(|| StoreError::Key {
        path: path.to_path_buf(),
        reason: "not a Hearth key (expected 64 hex digits or 32 raw bytes)".into(),
    })
}

/// Loads the key file at `path`, creating it (mode `0600`, 64 hex digits and a newline) if it
/// does not exist. Never replaces an existing file.
pub fn load_or_create_key_file(path: &Path) -> Result<DbKey, StoreError> {
    let source = KeySource::File(path.to_path_buf());
    if fs::symlink_metadata(path).is_ok() {
        return load_key(&source);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let key = DbKey::generate()?;
    let (mut f, tmp) =
        crate::fsutil::create_temp_beside(path).map_err(|e| StoreError::io(path, e))?;
    {
        let mut line = key.hex_bytes();
        line.push(b'\n');
        let written = f.write_all(&line).and_then(|()| f.sync_all());
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(StoreError::io(&tmp, e));
        }
    }
    // link() fails if the target exists: a key created meanwhile by another process wins.
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
            tracing::info!(path = %path.display(), "created a new database key file");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_key(&source),
        Err(e) => Err(StoreError::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_0600_hex_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(KEY_FILE_NAME);
        let k1 = load_or_create_key_file(&p).unwrap();
        let meta = fs::metadata(&p).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let text = fs::read_to_string(&p).unwrap();
        assert_eq!(text.trim().len(), 64);
        assert!(text.trim().bytes().all(|b| b.is_ascii_hexdigit()));
        let k2 = load_or_create_key_file(&p).unwrap();
        assert_eq!(k1, k2);
        assert_eq!(format!("{k1:?}"), "DbKey(<redacted>)");
        // No temporary file left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn loose_permissions_are_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(KEY_FILE_NAME);
        fs::write(&p, "ab".repeat(32)).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
        let k = load_key(&KeySource::File(p.clone())).unwrap();
        assert_eq!(k, DbKey::from_bytes([0xab; 32]));
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn bad_key_files_are_rejected_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(KEY_FILE_NAME);
        fs::write(&p, "not a key").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        let err = load_key(&KeySource::File(p.clone())).unwrap_err();
        assert!(err.to_string().contains(&p.display().to_string()), "{err}");
        // Raw 32-byte credential form is accepted.
        fs::write(&p, [7u8; 32]).unwrap();
        assert_eq!(
            load_key(&KeySource::Credential(p.clone())).unwrap(),
            DbKey::from_bytes([7; 32])
        );
    }

    #[test]
    fn systemd_credential_wins_when_present() {
        let data = tempfile::tempdir().unwrap();
        let creds = tempfile::tempdir().unwrap();
        let file = KeySource::File(data.path().join(KEY_FILE_NAME));
        assert_eq!(locate_key_with(data.path(), None), file);
        assert_eq!(
            locate_key_with(data.path(), Some(creds.path().as_os_str())),
            file,
            "no credential file: fall back to the data directory"
        );
        let cred = creds.path().join(CREDENTIAL_NAME);
        fs::write(&cred, "cd".repeat(32)).unwrap();
        let found = locate_key_with(data.path(), Some(creds.path().as_os_str()));
        assert_eq!(found, KeySource::Credential(cred));
        assert_eq!(load_key(&found).unwrap(), DbKey::from_bytes([0xcd; 32]));
    }

    #[test]
    fn hex_round_trip_and_literal() {
        let k = DbKey::from_bytes([0x0f; 32]);
        let hex = String::from_utf8(k.hex_bytes().to_vec()).unwrap();
        assert_eq!(DbKey::from_hex(&hex).unwrap(), k);
        let lit = String::from_utf8(k.sqlcipher_literal().to_vec()).unwrap();
        assert!(lit.starts_with("x'0f0f") && lit.ends_with('\'') && lit.len() == 67);
        assert!(DbKey::from_hex("zz").is_none());
    }

    #[test]
    fn key_buffers_never_reallocate_leaving_an_unwiped_copy() {
        // Appending the newline (key file) or the quotes (SQLCipher literal) must not move the
        // digits: a reallocation frees the old buffer without wiping it.
        let k = DbKey::from_bytes([7u8; KEY_LEN]);
        let hex = k.hex_bytes();
        assert!(hex.capacity() >= hex.len() + 3, "{}", hex.capacity());
        let lit = k.sqlcipher_literal();
        assert!(lit.capacity() >= lit.len(), "{}", lit.capacity());
    }
}
