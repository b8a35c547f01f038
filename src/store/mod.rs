//! Hearth's private storage: an encrypted SQLite (SQLCipher) database on the device.
//!
//! What people tell Hearth stays here, encrypted, for as long as they want and not a day
//! longer:
//!
//! - **Records**: mood entries, sessions (exercise/conversation flows), reflections (the words
//!   only with consent), safety events (what was done, never what was said), check-in scores,
//!   the consent decision, and settings.
//! - **Encryption at rest** of the whole file, WAL included (SQLCipher, a raw 256-bit key from
//!   a `0600` key file or a systemd credential, see [`key`]). This protects a copied disk, a
//!   lost backup or a stolen SD card. It does *not* protect against someone who is logged in as
//!   the person (or root) on the running machine: they can read the key file like Hearth does.
//! - **Durability**: WAL with `synchronous=FULL`; every write is one `BEGIN IMMEDIATE … COMMIT`
//!   transaction and a call returns only after the commit is on disk, so an acknowledged entry
//!   survives `kill -9` and power loss.
//! - **Contention**: another process holding the write lock makes a write wait (SQLite's busy
//!   handler) and retry, within a bounded budget ([`StoreOptions::busy_budget`]); past it the
//!   write fails with [`StoreError::Busy`] and nothing is half-written.
//! - **Damaged or foreign files**: an existing file is first opened *read-only* and checked
//!   (`PRAGMA quick_check`) before anything writes to it. A wrong key, garbage or corruption
//!   gives [`StoreError::Unreadable`] naming the file, which is left byte-for-byte as it was;
//!   the caller carries on without storage.
//! - **Retention and deletion**: expired records are purged at open and daily
//!   ([`retention`]); [`Store::forget_all`] and [`Store::forget_since`] delete on request with
//!   `secure_delete`, `VACUUM` and a truncating WAL checkpoint so the words are gone from the
//!   files, not just unlinked from an index.
//!
//! Logging: only counts, ids and paths. Notes, feeling words and reflection text are never
//! logged, and the `Debug` output of the record types redacts them.
//!
//! Times are unix epoch milliseconds (UTC). Days and weeks are computed in a [`Zone`] (the
//! local zone by default).

pub mod calendar;
pub mod export;
pub mod key;
pub mod report_svg;
pub mod retention;
pub mod sample;
pub mod schema;
pub mod summary;
#[cfg(test)]
mod tests;

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, Row};
use serde::Serialize;

pub use calendar::{parse_since, SinceError, Zone};
pub use export::ExportFormat;
pub use key::{DbKey, KeySource};
pub use retention::Retention;
pub use summary::{DayAverage, Direction, MoodSummary, WeekAverage};

/// Name of the database file inside the data directory.
pub const DB_FILE_NAME: &str = "hearth.db";
/// Setting that records when the last retention purge ran (epoch ms).
pub const LAST_PURGE_SETTING: &str = "store.last_purge_ms";
/// Longest note, feeling word list, step name or reflection accepted, in bytes.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;
/// How many times a write is attempted when another process holds the lock.
const BUSY_ATTEMPTS: u32 = 3;

/// Everything that can go wrong in the store. Messages name files, never content or keys.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but cannot be read as a Hearth database: wrong key, not a database,
    /// damaged, or not readable. It was not modified.
    #[error("cannot read the Hearth database {path}: {reason} (wrong key, damaged, or not a Hearth database); the file was left untouched")]
    Unreadable {
        /// The database file.
        path: PathBuf,
        /// What SQLite or the file system said.
        reason: String,
    },
    /// Another process held the database lock for longer than the retry budget.
    #[error("the Hearth database {path} is locked by another process (waited {waited_ms} ms); nothing was written, try again")]
    Busy {
        /// The database file.
        path: PathBuf,
        /// How long the write waited before giving up.
        waited_ms: u64,
    },
    /// The database exists but its key file does not: a new key could never open it.
    #[error("the Hearth database {db} exists but its key file {key} is missing; not creating a new key (it could never open this database)")]
    KeyMissing {
        /// The database file.
        db: PathBuf,
        /// Where the key was expected.
        key: PathBuf,
    },
    /// A key file that is not a key.
    #[error("database key file {path}: {reason}")]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The database was written by a newer Hearth.
    #[error("the Hearth database {path} has schema version {found}, newer than this build understands ({known}); not touching it")]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A value the store refuses to save (a score out of range, …).
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was invalid.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// The file system holding the database has no space left: the write was not made.
    #[error("the disk is full: {path} could not be written, nothing was saved; free some space and try again")]
    DiskFull {
        /// The database file.
        path: PathBuf,
    },
    /// The data folder is on a read-only file system (or the database file is not writable).
    #[error(
        "the data folder is read-only: {dir}; nothing can be saved until it is writable again"
    )]
    ReadOnly {
        /// The data folder.
        dir: PathBuf,
    },
    /// The store is not open (the reason given is why).
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    /// Any other SQLite error.
    #[error("database error on {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: rusqlite::Error,
    },
    /// A file-system error.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether this is a full disk or a read-only data folder: a condition of the machine that
    /// can pass (space freed, the folder made writable), not of the database.
    pub fn is_storage_condition(&self) -> bool {
        matches!(
            self,
            StoreError::DiskFull { .. } | StoreError::ReadOnly { .. }
        )
    }

    fn invalid(what: &'static str, reason: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            what,
            reason: reason.into(),
        }
    }

    /// True for the errors after which Hearth should carry on without storage
    /// (the file cannot be used), as opposed to a failed single write.
    pub fn is_unusable_database(&self) -> bool {
        matches!(
            self,
            StoreError::Unreadable { .. }
                | StoreError::KeyMissing { .. }
                | StoreError::Key { .. }
                | StoreError::TooNew { .. }
        )
    }
}

/// Where a mood entry came from. Both write the same kind of entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MoodSource {
    /// The spoken check-in.
    Voice,
    /// `hearth mood`.
    Cli,
}

impl MoodSource {
    /// `"voice"` or `"cli"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MoodSource::Voice => "voice",
            MoodSource::Cli => "cli",
        }
    }

    fn parse(s: &str) -> Option<MoodSource> {
        match s {
            "voice" => Some(MoodSource::Voice),
            "cli" => Some(MoodSource::Cli),
            _ => None,
        }
    }
}

/// Formats optional personal text for `Debug` without revealing it.
struct Redacted<'a>(Option<&'a str>);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(t) => write!(f, "<{} chars>", t.chars().count()),
        }
    }
}

/// A mood entry to save: a 0–10 score (10 = best), optional feeling words and note.
#[derive(Clone, PartialEq, Eq)]
pub struct NewMood {
    /// When (epoch ms).
    pub at_ms: i64,
    /// 0 (worst) to 10 (best).
    pub score: u8,
    /// Words like "tired", "hopeful"; blanks are dropped.
    pub feelings: Vec<String>,
    /// A free-text note; blank means none.
    pub note: Option<String>,
    /// Voice check-in or CLI.
    pub source: MoodSource,
}

impl fmt::Debug for NewMood {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewMood")
            .field("at_ms", &self.at_ms)
            .field("score", &self.score)
            .field("feelings", &format_args!("<{} words>", self.feelings.len()))
            .field("note", &Redacted(self.note.as_deref()))
            .field("source", &self.source)
            .finish()
    }
}

/// A saved mood entry.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct MoodEntry {
    /// Row id.
    pub id: i64,
    /// When (epoch ms).
    pub at_ms: i64,
    /// 0 (worst) to 10 (best).
    pub score: u8,
    /// Feeling words.
    pub feelings: Vec<String>,
    /// The note, if any.
    pub note: Option<String>,
    /// Voice check-in or CLI.
    pub source: MoodSource,
}

impl fmt::Debug for MoodEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MoodEntry")
            .field("id", &self.id)
            .field("at_ms", &self.at_ms)
            .field("score", &self.score)
            .field("feelings", &format_args!("<{} words>", self.feelings.len()))
            .field("note", &Redacted(self.note.as_deref()))
            .field("source", &self.source)
            .finish()
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionOutcome {
    /// The flow ran to its end.
    Completed,
    /// The person (or a safety interruption) stopped it.
    Stopped,
}

impl SessionOutcome {
    fn as_str(self) -> &'static str {
        match self {
            SessionOutcome::Completed => "completed",
            SessionOutcome::Stopped => "stopped",
        }
    }

    fn parse(s: &str) -> Option<SessionOutcome> {
        match s {
            "completed" => Some(SessionOutcome::Completed),
            "stopped" => Some(SessionOutcome::Stopped),
            _ => None,
        }
    }
}

/// A session of a flow (a breathing exercise, an evening reflection, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// Row id.
    pub id: i64,
    /// The flow's name, e.g. `box_breathing`.
    pub flow: String,
    /// Start (epoch ms).
    pub started_ms: i64,
    /// End (epoch ms), if it has ended.
    pub ended_ms: Option<i64>,
    /// How it ended, if it has.
    pub outcome: Option<SessionOutcome>,
}

/// One step of a reflection; `text` is present only if the person chose to keep their words.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Reflection {
    /// Row id.
    pub id: i64,
    /// The session it belongs to.
    pub session_id: Option<i64>,
    /// When (epoch ms).
    pub at_ms: i64,
    /// The step, e.g. `good_things`.
    pub step: String,
    /// The person's words, only with consent and within retention.
    pub text: Option<String>,
    /// A number the step carries (a strength 0-100, 1/0 for done or not), whatever the consent.
    pub value: Option<i64>,
}

impl fmt::Debug for Reflection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reflection")
            .field("id", &self.id)
            .field("session_id", &self.session_id)
            .field("at_ms", &self.at_ms)
            .field("step", &self.step)
            .field("text", &Redacted(self.text.as_deref()))
            .finish()
    }
}

/// A safety event: what the safety engine did and the category it recognised. Never the words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafetyEvent {
    /// Row id.
    pub id: i64,
    /// When (epoch ms).
    pub at_ms: i64,
    /// What was done, e.g. `crisis_protocol`.
    pub action: String,
    /// What was recognised, e.g. `self_harm`.
    pub category: String,
}

/// A check-in questionnaire result to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckin {
    /// When (epoch ms).
    pub at_ms: i64,
    /// The instrument's name as people know it: `PHQ-2`, `GAD-2`, `PHQ-9`, `GAD-7`, `WHO-5`.
    pub instrument: String,
    /// The total score.
    pub score: u32,
    /// Per-item scores, in order (may be empty; if given they must add up to `score`).
    pub items: Vec<u8>,
}

/// A saved check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkin {
    /// Row id.
    pub id: i64,
    /// When (epoch ms).
    pub at_ms: i64,
    /// Instrument name.
    pub instrument: String,
    /// Total score.
    pub score: u32,
    /// Per-item scores.
    pub items: Vec<u8>,
}

/// The person's decision about keeping the words of their reflections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Consent {
    /// True when they chose to keep their words.
    pub keep_words: bool,
    /// When they decided (epoch ms).
    pub decided_ms: i64,
}

/// The highest total score of a known screening instrument.
pub fn instrument_max(instrument: &str) -> Option<u32> {
    match instrument.to_ascii_uppercase().as_str() {
        "PHQ-2" | "GAD-2" => Some(6),
        "PHQ-9" => Some(27),
        "GAD-7" => Some(21),
        "WHO-5" => Some(25),
        _ => None,
    }
}

/// How the store behaves; [`StoreOptions::default`] is what Hearth uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// What expires when.
    pub retention: Retention,
    /// Longest a write waits for another process's lock, retries included. Default 5 s.
    pub busy_budget: Duration,
    /// Zone for days and weeks. Default: local.
    pub zone: Zone,
    /// Run [`Store::purge_expired`] when opening. Default true.
    pub purge_on_open: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            retention: Retention::default(),
            busy_budget: Duration::from_secs(5),
            zone: Zone::Local,
            purge_on_open: true,
        }
    }
}

/// The current time as epoch milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `$XDG_DATA_HOME/hearth`, else `$HOME/.local/share/hearth` (a fallback; the config module
/// decides the real data directory).
pub fn default_data_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("hearth"));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".local/share/hearth"))
}

/// The encrypted database. One connection; wrap it in a `Mutex` to share between threads.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    opts: StoreOptions,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn wal_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push("-wal");
    PathBuf::from(s)
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn apply_key(conn: &Connection, key: Option<&DbKey>, path: &Path) -> Result<(), StoreError> {
    // SQLCipher prints decryption failures to stderr itself; Hearth reports them as
    // `Unreadable` instead. (A process-wide setting, and it carries no content either way.)
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE");
    let Some(key) = key else { return Ok(()) };
    // Wiped when dropped; SQLCipher's own copies are its to clear (see `key`).
    let literal = key.sqlcipher_literal();
    let r = conn.key(Option::<&str>::None, &*literal, false);
    r.map_err(|_| StoreError::Unreadable {
        path: path.to_path_buf(),
        reason: "SQLCipher refused the key".into(),
    })
}

/// Runs the statements of a retention purge (inside the caller's transaction).
fn purge_rows(
    c: &Connection,
    statements: &[(&'static str, Option<u32>)],
    now_ms: i64,
) -> rusqlite::Result<usize> {
    let mut total = 0;
    for (sql, days) in statements {
        if let Some(cut) = retention::cutoff(now_ms, *days) {
            total += c.execute(sql, [cut])?;
        }
    }
    Ok(total)
}

/// Whether `dir` is on a file system mounted read-only (`statvfs`'s `ST_RDONLY`).
pub fn read_only_fs(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid C string and `st` is large enough for the result.
    let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
    if rc != 0 {
        return false;
    }
    // SAFETY: statvfs returned 0, so it filled `st`.
    let st = unsafe { st.assume_init() };
    st.f_flag & libc::ST_RDONLY != 0
}

/// Bytes available to this user on the file system holding `dir`, if it can be asked.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: as in `read_only_fs`.
    let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled `st`.
    let st = unsafe { st.assume_init() };
    // The field types are narrower than u64 on some 32-bit targets (an armv7 board).
    #[allow(clippy::useless_conversion)]
    let (blocks, size) = (u64::from(st.f_bavail), u64::from(st.f_frsize));
    Some(blocks.saturating_mul(size))
}

fn text_ok(what: &'static str, s: &str) -> Result<(), StoreError> {
    if s.len() > MAX_TEXT_BYTES {
        return Err(StoreError::invalid(
            what,
            format!("longer than {MAX_TEXT_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn clean_note(note: Option<&str>) -> Option<String> {
    note.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

fn mood_from_row(r: &Row<'_>) -> rusqlite::Result<MoodEntry> {
    let feelings: String = r.get(3)?;
    let source: String = r.get(5)?;
    Ok(MoodEntry {
        id: r.get(0)?,
        at_ms: r.get(1)?,
        score: r.get(2)?,
        feelings: serde_json::from_str(&feelings).unwrap_or_default(),
        note: r.get(4)?,
        source: MoodSource::parse(&source).unwrap_or(MoodSource::Cli),
    })
}

const MOOD_COLUMNS: &str = "id, at_ms, score, feelings, note, source";

impl Store {
    /// Opens (or creates) the encrypted database at `path` with the default options.
    ///
    /// An existing file is checked read-only before anything writes to it; if it cannot be
    /// read with `key` the result is [`StoreError::Unreadable`] and the file is untouched.
    /// A missing file is created with mode `0600`, encrypted, in WAL mode, and migrated.
    pub fn open(path: &Path, key: &DbKey) -> Result<Store, StoreError> {
        Store::open_with(path, key, StoreOptions::default())
    }

    /// [`Store::open`] with explicit options.
    pub fn open_with(path: &Path, key: &DbKey, opts: StoreOptions) -> Result<Store, StoreError> {
        Store::open_inner(path, Some(key), opts)
    }

    /// Opens `data_dir/hearth.db`, keyed by `$CREDENTIALS_DIRECTORY/hearth-db-key` when that
    /// systemd credential exists, else by `data_dir/db.key` (created, `0600`, if absent). The
    /// data directory is created with mode `0700` if needed. Refuses to make a new key for a
    /// database that already exists ([`StoreError::KeyMissing`]).
    pub fn open_in(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_in_with(data_dir, StoreOptions::default())
    }

    /// [`Store::open_in`] with explicit options.
    pub fn open_in_with(data_dir: &Path, opts: StoreOptions) -> Result<Store, StoreError> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(data_dir)
            .map_err(|e| StoreError::io(data_dir, e))?;
        // Said as it is: on a read-only file system SQLite cannot even read a WAL database
        // (it needs its shared-memory file), which would otherwise read as a wrong key.
        if read_only_fs(data_dir) {
            return Err(StoreError::ReadOnly {
                dir: data_dir.to_path_buf(),
            });
        }
        let db = data_dir.join(DB_FILE_NAME);
        let source = key::locate_key(data_dir);
        let key = match &source {
            KeySource::Credential(_) => key::load_key(&source)?,
            KeySource::File(p) => {
                let db_has_data = fs::metadata(&db).map(|m| m.len() > 0).unwrap_or(false);
                if !p.exists() && db_has_data {
                    return Err(StoreError::KeyMissing { db, key: p.clone() });
                }
                key::load_or_create_key_file(p)?
            }
        };
        Store::open_with(&db, &key, opts)
    }

    /// Opens a database **without encryption**. Hearth never does this; it exists so tests
    /// can show that deleted text is really gone from the files (with encryption on, no text
    /// is ever visible to look for).
    #[doc(hidden)]
    pub fn open_unencrypted(path: &Path, opts: StoreOptions) -> Result<Store, StoreError> {
        Store::open_inner(path, None, opts)
    }

    fn open_inner(
        path: &Path,
        key: Option<&DbKey>,
        opts: StoreOptions,
    ) -> Result<Store, StoreError> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if read_only_fs(dir) {
            return Err(StoreError::ReadOnly {
                dir: dir.to_path_buf(),
            });
        }
        let unreadable = |reason: String| StoreError::Unreadable {
            path: path.to_path_buf(),
            reason,
        };
        let fresh = match fs::metadata(path) {
            Ok(m) if !m.is_file() => return Err(unreadable("not a regular file".into())),
            Ok(m) => m.len() == 0 && fs::metadata(wal_path(path)).map_or(true, |w| w.len() == 0),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                match OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                {
                    Ok(_) => true,
                    // Created by someone else meanwhile: treat it as existing.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => false,
                    Err(e) => return Err(StoreError::io(path, e)),
                }
            }
            Err(e) => return Err(unreadable(e.to_string())),
        };
        if !fresh {
            Store::probe(path, key)?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| unreadable(e.to_string()))?;
        apply_key(&conn, key, path)?;
        // Check again on the writing connection before its first write (the file could have
        // been swapped between the probe and this open).
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| {
            if is_busy(&e) {
                StoreError::Busy {
                    path: path.to_path_buf(),
                    waited_ms: 0,
                }
            } else {
                unreadable(e.to_string())
            }
        })?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            opts,
        };
        store.configure()?;
        let ran = schema::migrate(&store.conn).map_err(|e| store.sql(e))?;
        tracing::debug!(path = %path.display(), migrations = ran, fresh, "database open");
        if opts.purge_on_open {
            store.purge_at_open();
        }
        Ok(store)
    }

    /// The retention purge when opening. It is housekeeping, so it never waits for another
    /// process's lock: waiting would spend the busy budget before the write the caller opened
    /// the store for has even started, and that write would then wait a second budget (a
    /// `hearth mood` under a held lock took twice the promised 5 s, and could succeed after
    /// it). When the database is locked the purge is left to [`Store::purge_if_due`].
    fn purge_at_open(&self) {
        let now = now_ms();
        let statements = retention::purge_statements(&self.opts.retention);
        let _ = self.conn.busy_timeout(Duration::ZERO);
        let purged = self.try_write(&|c| purge_rows(c, &statements, now));
        let _ = self
            .conn
            .busy_timeout(self.opts.busy_budget / BUSY_ATTEMPTS);
        match purged {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(records = n, "purged expired records at open");
                    if let Err(e) = self.checkpoint() {
                        tracing::warn!(error = %e, "checkpoint after the purge at open failed");
                    }
                }
                let _ = self.set_setting(LAST_PURGE_SETTING, &now.to_string());
            }
            Err(e) if is_busy(&e) => {
                tracing::debug!("database locked by another process; retention purge deferred");
            }
            Err(e) => tracing::warn!(error = %self.sql(e), "retention purge at open failed"),
        }
    }

    /// Reads an existing file through a read-only connection that cannot write to it (not
    /// even a checkpoint on close) and checks it: keyed, well-formed, a schema we know.
    fn probe(path: &Path, key: Option<&DbKey>) -> Result<(), StoreError> {
        let unreadable = |reason: String| StoreError::Unreadable {
            path: path.to_path_buf(),
            reason,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| unreadable(e.to_string()))?;
        let _ = conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
        let _ = conn.busy_timeout(Duration::from_millis(500));
        apply_key(&conn, key, path)?;
        let check: String = conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
            .map_err(|e| {
                if is_busy(&e) {
                    StoreError::Busy {
                        path: path.to_path_buf(),
                        waited_ms: 500,
                    }
                } else {
                    unreadable(e.to_string())
                }
            })?;
        if check != "ok" {
            return Err(unreadable(format!("integrity check failed: {check}")));
        }
        let version = schema::current_version(&conn).map_err(|e| unreadable(e.to_string()))?;
        if version > schema::latest_version() {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: schema::latest_version(),
            });
        }
        Ok(())
    }

    fn configure(&self) -> Result<(), StoreError> {
        let per_attempt = self.opts.busy_budget / BUSY_ATTEMPTS;
        self.conn
            .busy_timeout(per_attempt)
            .map_err(|e| self.sql(e))?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unreadable {
                path: self.path.clone(),
                reason: format!("could not switch to WAL mode (got {mode})"),
            });
        }
        self.conn
            .execute_batch(
                "PRAGMA synchronous = FULL;
                 PRAGMA secure_delete = ON;
                 PRAGMA foreign_keys = ON;
                 PRAGMA temp_store = MEMORY;",
            )
            .map_err(|e| self.sql(e))
    }

    fn sql(&self, e: rusqlite::Error) -> StoreError {
        let dir = || {
            self.path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        if is_busy(&e) {
            StoreError::Busy {
                path: self.path.clone(),
                waited_ms: u64::try_from(self.opts.busy_budget.as_millis()).unwrap_or(u64::MAX),
            }
        } else if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            StoreError::DiskFull {
                path: self.path.clone(),
            }
        } else if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly)
            || read_only_fs(&dir())
        {
            StoreError::ReadOnly { dir: dir() }
        } else {
            StoreError::Sqlite {
                path: self.path.clone(),
                source: e,
            }
        }
    }

    /// Runs `f` in one `BEGIN IMMEDIATE … COMMIT` transaction; returns after the commit is
    /// durable. Retries when another process holds the lock, within the busy budget.
    fn write<T>(&self, f: impl Fn(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            match self.try_write(&f) {
                Ok(v) => return Ok(v),
                Err(e) if is_busy(&e) => {
                    let waited = started.elapsed();
                    if attempt >= BUSY_ATTEMPTS || waited >= self.opts.busy_budget {
                        tracing::warn!(path = %self.path.display(), attempts = attempt, "database stayed locked; write abandoned");
                        return Err(StoreError::Busy {
                            path: self.path.clone(),
                            waited_ms: u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
                        });
                    }
                    tracing::debug!(attempt, "database locked by another process; retrying");
                    std::thread::sleep(Duration::from_millis(25 * u64::from(attempt)));
                    attempt += 1;
                }
                Err(e) => return Err(self.sql(e)),
            }
        }
    }

    fn try_write<T>(&self, f: &impl Fn(&Connection) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = f(&self.conn).and_then(|v| self.conn.execute_batch("COMMIT").map(|()| v));
        if result.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        result
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The options in force.
    pub fn options(&self) -> &StoreOptions {
        &self.opts
    }

    /// Changes how long writes wait for another process's lock.
    pub fn set_busy_budget(&mut self, budget: Duration) -> Result<(), StoreError> {
        self.opts.busy_budget = budget;
        self.conn
            .busy_timeout(budget / BUSY_ATTEMPTS)
            .map_err(|e| self.sql(e))
    }

    // ----- mood -----

    fn check_mood(e: &NewMood) -> Result<(Vec<String>, Option<String>), StoreError> {
        if e.score > 10 {
            return Err(StoreError::invalid(
                "mood score",
                format!("{} is not between 0 and 10", e.score),
            ));
        }
        let feelings: Vec<String> = e
            .feelings
            .iter()
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect();
        let note = clean_note(e.note.as_deref());
        text_ok("feelings", &feelings.concat())?;
        if let Some(n) = &note {
            text_ok("note", n)?;
        }
        Ok((feelings, note))
    }

    /// Saves a mood entry; returns its id once it is committed to disk.
    pub fn add_mood(&self, e: &NewMood) -> Result<i64, StoreError> {
        let (feelings, note) = Store::check_mood(e)?;
        let feelings = serde_json::to_string(&feelings).unwrap_or_else(|_| "[]".into());
        let id = self.write(|c| {
            c.prepare_cached(
                "INSERT INTO mood_entries (at_ms, score, feelings, note, source)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![e.at_ms, e.score, feelings, note, e.source.as_str()])?;
            Ok(c.last_insert_rowid())
        })?;
        tracing::debug!(id, "mood entry saved");
        Ok(id)
    }

    /// Saves many mood entries in one transaction (imports, benchmarks).
    pub fn add_moods(&self, entries: &[NewMood]) -> Result<Vec<i64>, StoreError> {
        let mut rows = Vec::with_capacity(entries.len());
        for e in entries {
            let (feelings, note) = Store::check_mood(e)?;
            let feelings = serde_json::to_string(&feelings).unwrap_or_else(|_| "[]".into());
            rows.push((e.at_ms, e.score, feelings, note, e.source.as_str()));
        }
        self.write(|c| {
            let mut st = c.prepare_cached(
                "INSERT INTO mood_entries (at_ms, score, feelings, note, source)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut ids = Vec::with_capacity(rows.len());
            for (at, score, feelings, note, source) in &rows {
                st.execute(params![at, score, feelings, note, source])?;
                ids.push(c.last_insert_rowid());
            }
            Ok(ids)
        })
    }

    /// Mood entries at or after `since_ms`, oldest first.
    pub fn moods_since(&self, since_ms: i64) -> Result<Vec<MoodEntry>, StoreError> {
        self.moods_between(since_ms, i64::MAX)
    }

    /// Mood entries with `since_ms <= at_ms <= until_ms`, oldest first.
    pub fn moods_between(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<MoodEntry>, StoreError> {
        let run = || -> rusqlite::Result<Vec<MoodEntry>> {
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT {MOOD_COLUMNS} FROM mood_entries
                 WHERE at_ms >= ?1 AND at_ms <= ?2 ORDER BY at_ms, id"
            ))?;
            let rows = st.query_map(params![since_ms, until_ms], mood_from_row)?;
            rows.collect()
        };
        run().map_err(|e| self.sql(e))
    }

    /// Summary of the mood entries in `[since_ms, now_ms]` for the engine to put into words.
    pub fn mood_summary(&self, since_ms: i64, now_ms: i64) -> Result<MoodSummary, StoreError> {
        let entries = self.moods_between(since_ms, now_ms)?;
        Ok(summary::summarize(
            &entries,
            since_ms,
            now_ms,
            self.opts.zone,
        ))
    }

    // ----- sessions and reflections -----

    /// Records the start of a session of `flow`; returns its id.
    pub fn add_session(&self, flow: &str, started_ms: i64) -> Result<i64, StoreError> {
        let flow = flow.trim();
        if flow.is_empty() {
            return Err(StoreError::invalid("session flow", "empty"));
        }
        text_ok("session flow", flow)?;
        self.write(|c| {
            c.prepare_cached("INSERT INTO sessions (flow, started_ms) VALUES (?1, ?2)")?
                .execute(params![flow, started_ms])?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Records how and when session `id` ended.
    pub fn end_session(
        &self,
        id: i64,
        ended_ms: i64,
        outcome: SessionOutcome,
    ) -> Result<(), StoreError> {
        let n = self.write(|c| {
            c.prepare_cached("UPDATE sessions SET ended_ms = ?2, outcome = ?3 WHERE id = ?1")?
                .execute(params![id, ended_ms, outcome.as_str()])
        })?;
        if n == 0 {
            return Err(StoreError::invalid("session", format!("no session {id}")));
        }
        Ok(())
    }

    /// Sessions started in `[since_ms, until_ms]`, oldest first.
    pub fn sessions_between(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<Session>, StoreError> {
        let run = || -> rusqlite::Result<Vec<Session>> {
            let mut st = self.conn.prepare_cached(
                "SELECT id, flow, started_ms, ended_ms, outcome FROM sessions
                 WHERE started_ms >= ?1 AND started_ms <= ?2 ORDER BY started_ms, id",
            )?;
            let rows = st.query_map(params![since_ms, until_ms], |r| {
                let outcome: Option<String> = r.get(4)?;
                Ok(Session {
                    id: r.get(0)?,
                    flow: r.get(1)?,
                    started_ms: r.get(2)?,
                    ended_ms: r.get(3)?,
                    outcome: outcome.as_deref().and_then(SessionOutcome::parse),
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.sql(e))
    }

    /// Records a reflection step. The words are saved only if the person has consented to
    /// keeping them ([`Store::set_consent`]); otherwise only the step and time are. Returns
    /// the id.
    pub fn add_reflection(
        &self,
        session_id: Option<i64>,
        at_ms: i64,
        step: &str,
        text: Option<&str>,
    ) -> Result<i64, StoreError> {
        let step = step.trim();
        if step.is_empty() {
            return Err(StoreError::invalid("reflection step", "empty"));
        }
        text_ok("reflection step", step)?;
        let text = clean_note(text);
        if let Some(t) = &text {
            text_ok("reflection", t)?;
        }
        self.write(|c| {
            let keep: bool = c
                .query_row("SELECT keep_words FROM consent WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .optional()?
                .unwrap_or(false);
            let text = if keep { text.as_deref() } else { None };
            c.prepare_cached(
                "INSERT INTO reflections (session_id, at_ms, step, text) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![session_id, at_ms, step, text])?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Records the number a reflection step carries (a feeling's strength, an activity done or
    /// not). It is not the person's words, so it is kept whatever the consent. Returns the id.
    pub fn add_reflection_value(
        &self,
        session_id: Option<i64>,
        at_ms: i64,
        step: &str,
        value: i64,
    ) -> Result<i64, StoreError> {
        let step = step.trim();
        if step.is_empty() {
            return Err(StoreError::invalid("reflection step", "empty"));
        }
        text_ok("reflection step", step)?;
        self.write(|c| {
            c.prepare_cached(
                "INSERT INTO reflections (session_id, at_ms, step, value) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![session_id, at_ms, step, value])?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Reflections in `[since_ms, until_ms]`, oldest first.
    pub fn reflections_between(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<Reflection>, StoreError> {
        let run = || -> rusqlite::Result<Vec<Reflection>> {
            let mut st = self.conn.prepare_cached(
                "SELECT id, session_id, at_ms, step, text, value FROM reflections
                 WHERE at_ms >= ?1 AND at_ms <= ?2 ORDER BY at_ms, id",
            )?;
            let rows = st.query_map(params![since_ms, until_ms], |r| {
                Ok(Reflection {
                    id: r.get(0)?,
                    session_id: r.get(1)?,
                    at_ms: r.get(2)?,
                    step: r.get(3)?,
                    text: r.get(4)?,
                    value: r.get(5)?,
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.sql(e))
    }

    // ----- safety events -----

    /// Records that the safety engine acted: `action` (e.g. `crisis_protocol`) and the
    /// `category` it recognised. Never pass what the person said.
    pub fn add_safety_event(
        &self,
        at_ms: i64,
        action: &str,
        category: &str,
    ) -> Result<i64, StoreError> {
        text_ok("safety action", action)?;
        text_ok("safety category", category)?;
        self.write(|c| {
            c.prepare_cached(
                "INSERT INTO safety_events (at_ms, action, category) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![at_ms, action, category])?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Safety events in `[since_ms, until_ms]`, oldest first.
    pub fn safety_events_between(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<SafetyEvent>, StoreError> {
        let run = || -> rusqlite::Result<Vec<SafetyEvent>> {
            let mut st = self.conn.prepare_cached(
                "SELECT id, at_ms, action, category FROM safety_events
                 WHERE at_ms >= ?1 AND at_ms <= ?2 ORDER BY at_ms, id",
            )?;
            let rows = st.query_map(params![since_ms, until_ms], |r| {
                Ok(SafetyEvent {
                    id: r.get(0)?,
                    at_ms: r.get(1)?,
                    action: r.get(2)?,
                    category: r.get(3)?,
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.sql(e))
    }

    // ----- check-ins -----

    /// Saves a questionnaire result. Known instruments are checked against their range.
    pub fn add_checkin(&self, c: &NewCheckin) -> Result<i64, StoreError> {
        let instrument = c.instrument.trim();
        if instrument.is_empty() {
            return Err(StoreError::invalid("check-in instrument", "empty"));
        }
        text_ok("check-in instrument", instrument)?;
        if let Some(max) = instrument_max(instrument) {
            if c.score > max {
                return Err(StoreError::invalid(
                    "check-in score",
                    format!("{} is above the {instrument} maximum of {max}", c.score),
                ));
            }
        }
        if !c.items.is_empty() && c.items.iter().map(|&i| u32::from(i)).sum::<u32>() != c.score {
            return Err(StoreError::invalid(
                "check-in items",
                "item scores do not add up to the total",
            ));
        }
        let items = serde_json::to_string(&c.items).unwrap_or_else(|_| "[]".into());
        self.write(|conn| {
            conn.prepare_cached(
                "INSERT INTO checkins (at_ms, instrument, score, items) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![c.at_ms, instrument, c.score, items])?;
            Ok(conn.last_insert_rowid())
        })
    }

    /// Check-ins in `[since_ms, until_ms]`, oldest first.
    pub fn checkins_between(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<Checkin>, StoreError> {
        let run = || -> rusqlite::Result<Vec<Checkin>> {
            let mut st = self.conn.prepare_cached(
                "SELECT id, at_ms, instrument, score, items FROM checkins
                 WHERE at_ms >= ?1 AND at_ms <= ?2 ORDER BY at_ms, id",
            )?;
            let rows = st.query_map(params![since_ms, until_ms], |r| {
                let items: String = r.get(4)?;
                Ok(Checkin {
                    id: r.get(0)?,
                    at_ms: r.get(1)?,
                    instrument: r.get(2)?,
                    score: r.get(3)?,
                    items: serde_json::from_str(&items).unwrap_or_default(),
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.sql(e))
    }

    // ----- consent and settings -----

    /// Records the person's decision about keeping the words of reflections. Withdrawing
    /// consent (`keep_words = false`) also erases the words already kept.
    pub fn set_consent(&self, keep_words: bool, at_ms: i64) -> Result<(), StoreError> {
        let cleared = self.write(|c| {
            c.execute(
                "INSERT INTO consent (id, keep_words, decided_ms) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET keep_words = ?1, decided_ms = ?2",
                params![keep_words, at_ms],
            )?;
            if keep_words {
                Ok(0)
            } else {
                c.execute(
                    "UPDATE reflections SET text = NULL WHERE text IS NOT NULL",
                    [],
                )
            }
        })?;
        tracing::info!(keep_words, "consent recorded");
        if cleared > 0 {
            tracing::info!(
                reflections = cleared,
                "erased kept reflection words after consent was withdrawn"
            );
            self.checkpoint()?;
        }
        Ok(())
    }

    /// The consent decision, or `None` if the person has not been asked yet.
    pub fn consent(&self) -> Result<Option<Consent>, StoreError> {
        self.conn
            .query_row(
                "SELECT keep_words, decided_ms FROM consent WHERE id = 1",
                [],
                |r| {
                    Ok(Consent {
                        keep_words: r.get(0)?,
                        decided_ms: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// A setting's value.
    pub fn get_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Sets a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        text_ok("setting", value)?;
        self.write(|c| {
            c.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = ?2",
                params![key, value],
            )
        })
        .map(|_| ())
    }

    // ----- export -----

    /// Everything in `[since_ms, now_ms]`, as the exporters see it.
    pub fn export_data(
        &self,
        since_ms: i64,
        now_ms: i64,
    ) -> Result<export::ExportData, StoreError> {
        Ok(export::ExportData {
            since_ms,
            until_ms: now_ms,
            zone: self.opts.zone,
            moods: self.moods_between(since_ms, now_ms)?,
            sessions: self.sessions_between(since_ms, now_ms)?,
            reflections: self.reflections_between(since_ms, now_ms)?,
            checkins: self.checkins_between(since_ms, now_ms)?,
            safety_events: self.safety_events_between(since_ms, now_ms)?,
            consent: self.consent()?,
        })
    }

    /// Renders the records in `[since_ms, now_ms]` as CSV, JSON or the HTML report
    /// (see [`export`] for what each contains).
    pub fn export(
        &self,
        since_ms: i64,
        now_ms: i64,
        format: ExportFormat,
    ) -> Result<String, StoreError> {
        let data = self.export_data(since_ms, now_ms)?;
        Ok(export::render(&data, format))
    }

    /// [`Store::export`] written to `out` with mode `0600` (it is as private as the database),
    /// via a temporary file and a rename so a reader never sees half a report.
    pub fn export_to_file(
        &self,
        out: &Path,
        since_ms: i64,
        now_ms: i64,
        format: ExportFormat,
    ) -> Result<(), StoreError> {
        let text = self.export(since_ms, now_ms, format)?;
        // A random temporary name, created new without following links, then renamed: the
        // export can land in a directory others write to without writing through their links.
        crate::fsutil::write_file_atomically(out, text.as_bytes())
            .map_err(|e| StoreError::io(out, e))?;
        tracing::info!(path = %out.display(), format = ?format, "export written");
        Ok(())
    }

    // ----- retention and deletion -----

    /// Deletes what `policy` says has expired at `now_ms`; returns how many records were
    /// deleted or had their words cleared.
    pub fn purge_expired(&self, now_ms: i64, policy: &Retention) -> Result<usize, StoreError> {
        let statements = retention::purge_statements(policy);
        let n = self.write(|c| purge_rows(c, &statements, now_ms))?;
        if n > 0 {
            self.checkpoint()?;
        }
        tracing::debug!(records = n, "retention purge");
        Ok(n)
    }

    /// Runs [`Store::purge_expired`] with the store's policy if the last purge was a day or
    /// more ago (call it from the scheduler as often as you like). Returns `None` when not due.
    pub fn purge_if_due(&self, now_ms: i64) -> Result<Option<usize>, StoreError> {
        let last = self
            .get_setting(LAST_PURGE_SETTING)?
            .and_then(|v| v.parse::<i64>().ok());
        if let Some(last) = last {
            if now_ms.saturating_sub(last) < retention::DAY_MS && now_ms >= last {
                return Ok(None);
            }
        }
        let n = self.purge_expired(now_ms, &self.opts.retention)?;
        self.set_setting(LAST_PURGE_SETTING, &now_ms.to_string())?;
        Ok(Some(n))
    }

    /// Deletes every personal record (moods, sessions, reflections, safety events, check-ins,
    /// consent and settings), then rebuilds the file (`VACUUM`) and truncates the WAL, so the
    /// deleted text is gone from the database file, its WAL and journal. The key and the
    /// empty, encrypted database remain.
    pub fn forget_all(&self) -> Result<(), StoreError> {
        let n = self.write(|c| {
            let mut n = 0;
            for table in schema::PERSONAL_TABLES {
                n += c.execute(&format!("DELETE FROM {table}"), [])?;
            }
            Ok(n)
        })?;
        self.compact()?;
        tracing::info!(records = n, "forgot everything");
        Ok(())
    }

    /// Deletes every record from `since_ms` on (mood entries, sessions started, reflections,
    /// safety events, check-ins), then compacts like [`Store::forget_all`]. Returns how many
    /// records were deleted.
    pub fn forget_since(&self, since_ms: i64) -> Result<usize, StoreError> {
        let n = self.write(|c| {
            let mut n = 0;
            n += c.execute("DELETE FROM reflections WHERE at_ms >= ?1", [since_ms])?;
            n += c.execute("DELETE FROM mood_entries WHERE at_ms >= ?1", [since_ms])?;
            n += c.execute("DELETE FROM sessions WHERE started_ms >= ?1", [since_ms])?;
            n += c.execute("DELETE FROM safety_events WHERE at_ms >= ?1", [since_ms])?;
            n += c.execute("DELETE FROM checkins WHERE at_ms >= ?1", [since_ms])?;
            Ok(n)
        })?;
        self.compact()?;
        tracing::info!(records = n, "forgot records in a range");
        Ok(n)
    }

    /// Copies the WAL into the database and truncates it to zero bytes.
    fn checkpoint(&self) -> Result<(), StoreError> {
        let started = Instant::now();
        loop {
            let busy: i64 = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
                .map_err(|e| self.sql(e))?;
            if busy == 0 {
                return Ok(());
            }
            if started.elapsed() >= self.opts.busy_budget {
                return Err(StoreError::Busy {
                    path: self.path.clone(),
                    waited_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Rebuilds the file without free pages and truncates the WAL.
    fn compact(&self) -> Result<(), StoreError> {
        self.checkpoint()?;
        self.conn.execute_batch("VACUUM").map_err(|e| self.sql(e))?;
        self.checkpoint()
    }
}

/// Writes mood entries one by one, printing `ack <id>` to `out` (flushed) after each commit,
/// until `count` entries (or forever when `None`, until the output is closed). The kill-9
/// durability test drives this in a child process and checks that every acknowledged id is
/// there after a restart.
pub fn write_burst(
    store: &Store,
    count: Option<u64>,
    out: &mut dyn Write,
) -> Result<u64, StoreError> {
    let mut written = 0;
    while count.is_none_or(|c| written < c) {
        let id = store.add_mood(&NewMood {
            at_ms: now_ms(),
            score: (written % 11) as u8,
            feelings: vec!["steady".into()],
            note: Some(format!("burst entry {written}")),
            source: MoodSource::Cli,
        })?;
        written += 1;
        let acked = writeln!(out, "ack {id}").and_then(|()| out.flush());
        if let Err(e) = acked {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                break;
            }
            return Err(StoreError::io(Path::new("<burst output>"), e));
        }
    }
    Ok(written)
}
