//! The database schema as embedded, numbered migrations, tracked with `PRAGMA user_version`.
//!
//! Migration *n* (1-based) takes the schema from version *n − 1* to *n*; each runs in its own
//! transaction together with the `user_version` bump, so a crash leaves the database at a
//! whole version. Never edit a shipped migration: append a new one.
//!
//! Every time is unix epoch milliseconds (UTC); the day a record falls on is computed when it
//! is read, in the person's time zone, so moving house does not rewrite history.

use rusqlite::Connection;

/// The migrations, in order. `MIGRATIONS.len()` is the schema version this build writes.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "
    CREATE TABLE mood_entries (
        id        INTEGER PRIMARY KEY,
        at_ms     INTEGER NOT NULL,
        score     INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
        feelings  TEXT    NOT NULL DEFAULT '[]',   -- JSON array of words
        note      TEXT,
        source    TEXT    NOT NULL CHECK (source IN ('voice', 'cli'))
    );
    CREATE INDEX mood_entries_at ON mood_entries (at_ms);

    CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY,
        flow        TEXT    NOT NULL,
        started_ms  INTEGER NOT NULL,
        ended_ms    INTEGER,
        outcome     TEXT CHECK (outcome IN ('completed', 'stopped'))
    );
    CREATE INDEX sessions_started ON sessions (started_ms);

    CREATE TABLE reflections (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
        at_ms       INTEGER NOT NULL,
        step        TEXT    NOT NULL,
        text        TEXT                              -- only with consent
    );
    CREATE INDEX reflections_at ON reflections (at_ms);

    CREATE TABLE safety_events (
        id        INTEGER PRIMARY KEY,
        at_ms     INTEGER NOT NULL,
        action    TEXT    NOT NULL,
        category  TEXT    NOT NULL
    );
    CREATE INDEX safety_events_at ON safety_events (at_ms);

    CREATE TABLE checkins (
        id          INTEGER PRIMARY KEY,
        at_ms       INTEGER NOT NULL,
        instrument  TEXT    NOT NULL,
        score       INTEGER NOT NULL CHECK (score >= 0),
        items       TEXT    NOT NULL DEFAULT '[]'     -- JSON array of item scores
    );
    CREATE INDEX checkins_at ON checkins (at_ms);

    CREATE TABLE consent (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        keep_words   INTEGER NOT NULL CHECK (keep_words IN (0, 1)),
        decided_ms   INTEGER NOT NULL
    );

    CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    ",
    // 2: a number that belongs to a reflection step and is not the person's words (a
    // feeling's strength from 0 to 100, 1 or 0 for a planned activity done or not), kept
    // whatever the consent to keep words.
    "ALTER TABLE reflections ADD COLUMN value INTEGER;",
];

/// The schema version this build creates and understands.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Reads `PRAGMA user_version`.
pub fn current_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Applies every migration after the database's version. Returns how many ran. The caller
/// has checked that the version is not newer than [`latest_version`].
pub fn migrate(conn: &Connection) -> rusqlite::Result<usize> {
    let from = current_version(conn)?;
    let mut ran = 0;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version <= from {
            continue;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let applied = conn
            .execute_batch(sql)
            .and_then(|()| conn.execute_batch(&format!("PRAGMA user_version = {version}")));
        match applied {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
        ran += 1;
        tracing::info!(version, "applied database migration");
    }
    Ok(ran)
}

/// The tables that hold personal records, children before parents (for deletion order).
pub const PERSONAL_TABLES: &[&str] = &[
    "reflections",
    "mood_entries",
    "sessions",
    "safety_events",
    "checkins",
    "consent",
    "settings",
];
