//! Storage through the real `hearth` binary: mood entries written and listed by the CLI, every
//! acknowledged write surviving `kill -9`, a database locked by another process (waited for
//! within the budget, refused with a clear error past it), a wrong key or a garbage file (refused,
//! left byte-for-byte as it was, and the daemon carries on without storage), `forget` (encryption
//! at rest, everything or only the recent range deleted), and the exports, with the HTML report
//! rendered by headless Chromium and its pixels checked.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hearth::store::{MoodSource, NewCheckin, NewMood, SessionOutcome, Store};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::{hearth, run, stderr, stdout, temp_dir};

const DAY_MS: i64 = 86_400_000;

/// `$XDG_DATA_HOME/hearth` for the isolated `home`.
fn data_dir(home: &Path) -> PathBuf {
    home.join("data").join("hearth")
}

fn db_path(home: &Path) -> PathBuf {
    data_dir(home).join("hearth.db")
}

fn key_path(home: &Path) -> PathBuf {
    data_dir(home).join("db.key")
}

/// Runs `hearth ARGS` for `home`.
fn hearth_run(home: &Path, args: &[&str]) -> Output {
    let mut c = hearth(home);
    c.args(args);
    run(c)
}

/// Runs `hearth ARGS` and fails the test (with its stderr) unless it succeeds.
fn hearth_ok(home: &Path, args: &[&str]) -> Output {
    let o = hearth_run(home, args);
    assert!(
        o.status.success(),
        "hearth {args:?} failed ({}):\nstdout: {}\nstderr: {}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    o
}

/// Every mood entry, through `hearth mood list --since all --json`.
fn list_moods(home: &Path) -> Vec<Value> {
    let o = hearth_ok(home, &["mood", "list", "--since", "all", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("mood list --json is not JSON ({e}): {}", stdout(&o)));
    v.as_array()
        .unwrap_or_else(|| panic!("mood list --json is not an array: {v}"))
        .clone()
}

fn ids(moods: &[Value]) -> BTreeSet<i64> {
    moods.iter().map(|m| m["id"].as_i64().unwrap()).collect()
}

fn notes(moods: &[Value]) -> Vec<String> {
    moods
        .iter()
        .filter_map(|m| m["note"].as_str().map(str::to_string))
        .collect()
}

fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format!("{:x}", Sha256::digest(&bytes))
}

/// The `hearth: …` error lines of a failed command.
fn error_lines(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("hearth: "))
        .map(str::to_string)
        .collect()
}

/// Asserts that a command failed cleanly: exit code 1, exactly one `hearth:` error line
/// containing every one of `needles`, and no panic. Returns the error line.
fn assert_clean_failure(o: &Output, what: &str, needles: &[&str]) -> String {
    let err = stderr(o);
    assert!(
        !o.status.success(),
        "{what}: expected a failure, got success; stdout: {}",
        stdout(o)
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{what}: exit status; stderr: {err}"
    );
    assert!(!err.contains("panicked"), "{what}: panicked: {err}");
    let lines = error_lines(o);
    assert_eq!(lines.len(), 1, "{what}: want one error line, stderr: {err}");
    for n in needles {
        assert!(
            lines[0].contains(n),
            "{what}: error lacks {n:?}: {}",
            lines[0]
        );
    }
    lines[0].clone()
}

/// A 64-hex-digit key that is not the one in `db.key`.
fn other_key(current: &str) -> String {
    let k = "5a".repeat(32);
    if current.trim() == k {
        "a5".repeat(32)
    } else {
        k
    }
}

// ----- 1. mood via the CLI -----

#[test]
fn cli_mood_entry_is_listed() {
    let home = temp_dir("st-mood");
    let o = hearth_ok(
        &home,
        &["mood", "6", "--note", "tired", "--feelings", "slow,calm"],
    );
    assert!(stdout(&o).contains("logged mood 6/10"), "{}", stdout(&o));
    assert!(
        db_path(&home).is_file(),
        "no database at {}",
        db_path(&home).display()
    );

    let o = hearth_ok(&home, &["mood", "list", "--since", "30d", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("mood list --json parses");
    let entries = v.as_array().expect("an array");
    assert_eq!(entries.len(), 1, "{v}");
    let e = &entries[0];
    assert_eq!(e["score"], 6, "{e}");
    assert_eq!(e["note"], "tired", "{e}");
    assert_eq!(e["feelings"], serde_json::json!(["slow", "calm"]), "{e}");
    assert_eq!(e["source"], "cli", "{e}");
    let at = e["at_ms"].as_i64().unwrap();
    assert!(
        (hearth::store::now_ms() - at).abs() < 60_000,
        "at_ms {at} is not now"
    );

    // The plain listing shows it too, and a second entry is added, not replacing the first.
    let o = hearth_ok(&home, &["mood", "list"]);
    assert!(
        stdout(&o).contains("6/10") && stdout(&o).contains("tired"),
        "{}",
        stdout(&o)
    );
    hearth_ok(&home, &["mood", "3"]);
    let all = list_moods(&home);
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["score"], 3);
    assert!(all[1]["note"].is_null(), "{}", all[1]);

    // Out of range is refused and writes nothing.
    let o = hearth_run(&home, &["mood", "11"]);
    assert!(!o.status.success(), "mood 11 was accepted");
    assert_eq!(list_moods(&home).len(), 2);
}

// ----- 2. kill -9 mid-burst -----

/// Reads `ack <id>` lines from the child's stdout on a thread; only whole lines count.
fn spawn_ack_reader(child: &mut Child) -> (mpsc::Receiver<i64>, JoinHandle<()>) {
    let out = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    let h = std::thread::spawn(move || {
        let mut r = BufReader::new(out);
        let mut line = String::new();
        loop {
            line.clear();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            // A line cut short by the kill has no newline; it was never an acknowledgement.
            let Some(whole) = line.strip_suffix('\n') else {
                break;
            };
            let id: i64 = whole
                .strip_prefix("ack ")
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("unexpected burst output {whole:?}"));
            if tx.send(id).is_err() {
                break;
            }
        }
    });
    (rx, h)
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let home = temp_dir("st-kill");
    let dir = data_dir(&home);
    let mut acked_all = BTreeSet::new();
    for round in 1..=3 {
        let mut c = hearth(&home);
        c.arg("store-burst")
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = c.spawn().expect("spawn store-burst");
        let (rx, reader) = spawn_ack_reader(&mut child);

        let mut acked = Vec::new();
        let first = rx
            .recv_timeout(Duration::from_secs(15))
            .unwrap_or_else(|_| panic!("round {round}: no ack from store-burst within 15 s"));
        acked.push(first);
        let window = Instant::now();
        while acked.len() < 50 {
            let left = Duration::from_millis(300).saturating_sub(window.elapsed());
            if left.is_zero() {
                break;
            }
            match rx.recv_timeout(left) {
                Ok(id) => acked.push(id),
                Err(_) => break,
            }
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "round {round}: store-burst stopped by itself"
        );
        child.kill().expect("SIGKILL"); // SIGKILL on Unix
        let status = child.wait().unwrap();
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(
                status.signal(),
                Some(libc::SIGKILL),
                "round {round}: {status}"
            );
        }
        // Lines it printed before dying were acknowledged too (each follows a commit).
        reader.join().unwrap();
        acked.extend(rx.try_iter());
        assert!(acked.len() >= 5, "round {round}: only {} acks", acked.len());

        for id in &acked {
            assert!(
                acked_all.insert(*id),
                "round {round}: id {id} acknowledged twice"
            );
        }
        let moods = list_moods(&home);
        let present = ids(&moods);
        let missing: Vec<_> = acked_all.difference(&present).collect();
        assert!(
            missing.is_empty(),
            "round {round}: acknowledged ids lost after kill -9: {missing:?} ({} acked, {} present)",
            acked_all.len(),
            present.len()
        );
        // The entries are whole: the burst's note and feeling are there.
        for m in moods
            .iter()
            .filter(|m| acked.contains(&m["id"].as_i64().unwrap()))
        {
            assert!(
                m["note"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("burst entry ")),
                "{m}"
            );
            assert_eq!(m["feelings"], serde_json::json!(["steady"]), "{m}");
        }
    }
    // And the database still takes writes.
    hearth_ok(&home, &["mood", "7", "--note", "after the crashes"]);
    assert!(notes(&list_moods(&home)).contains(&"after the crashes".to_string()));
}

// ----- 3. a database locked by another process -----

/// Holds the database's write lock (`BEGIN EXCLUSIVE` on our own SQLCipher connection) for
/// `hold` on a thread; returns once the lock is taken.
fn hold_write_lock(home: &Path, hold: Duration) -> JoinHandle<()> {
    let db = db_path(home);
    let hex = std::fs::read_to_string(key_path(home)).expect("key file");
    let (tx, rx) = mpsc::channel();
    let h = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&db).expect("open db");
        conn.key(None::<&str>, format!("x'{}'", hex.trim()), false)
            .expect("key");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM mood_entries", [], |r| r.get(0))
            .expect("the key from db.key opens the database");
        assert!(n > 0);
        conn.execute_batch("BEGIN EXCLUSIVE")
            .expect("BEGIN EXCLUSIVE");
        tx.send(()).unwrap();
        std::thread::sleep(hold);
        conn.execute_batch("COMMIT").expect("COMMIT");
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("the lock holder took the lock");
    h
}

#[test]
fn locked_database_waits_then_fails_cleanly() {
    let home = temp_dir("st-lock");
    hearth_ok(&home, &["mood", "8", "--note", "before the lock"]);

    // Held for 1.5 s: the write waits for it and succeeds.
    let holder = hold_write_lock(&home, Duration::from_millis(1500));
    let t = Instant::now();
    let o = hearth_run(&home, &["mood", "5", "--note", "locked"]);
    let took = t.elapsed();
    holder.join().unwrap();
    assert!(
        o.status.success(),
        "mood 5 failed while the lock was held 1.5 s: {}",
        stderr(&o)
    );
    assert!(
        took >= Duration::from_millis(1200),
        "mood 5 returned after {took:?}: it did not wait for the lock"
    );
    assert!(took < Duration::from_secs(5), "mood 5 took {took:?}");
    let moods = list_moods(&home);
    assert_eq!(notes(&moods), ["before the lock", "locked"]);

    // Held for 8 s: the write gives up within its 5 s budget with a clear error.
    let holder = hold_write_lock(&home, Duration::from_secs(8));
    let t = Instant::now();
    let o = hearth_run(&home, &["mood", "4", "--note", "too long"]);
    let took = t.elapsed();
    let still_locked = !holder.is_finished();
    let db = db_path(&home).display().to_string();
    let line = assert_clean_failure(&o, "mood 4 under an 8 s lock", &[&db]);
    eprintln!("after {took:?}: {line}");
    assert!(
        line.contains("locked") || line.contains("busy"),
        "the error does not say the database is locked/busy: {line}"
    );
    assert!(
        still_locked,
        "mood 4 returned after the lock was released ({took:?})"
    );
    assert!(
        took >= Duration::from_secs(4),
        "gave up after only {took:?}"
    );
    holder.join().unwrap();

    // After the release: the retry succeeds, the failed attempt wrote nothing, nothing is lost.
    hearth_ok(&home, &["mood", "4", "--note", "retried"]);
    let moods = list_moods(&home);
    assert_eq!(notes(&moods), ["before the lock", "locked", "retried"]);
    let scores: Vec<_> = moods.iter().map(|m| m["score"].as_i64().unwrap()).collect();
    assert_eq!(scores, [8, 5, 4]);
}

// ----- 4. wrong key, garbage, and the daemon without storage -----

/// A data directory with a real database holding one entry, then a different valid key.
fn database_with_wrong_key(tag: &str) -> crate::common::TempHome {
    let home = temp_dir(tag);
    hearth_ok(&home, &["mood", "6", "--note", "kept safe"]);
    let current = std::fs::read_to_string(key_path(&home)).unwrap();
    std::fs::write(key_path(&home), format!("{}\n", other_key(&current))).unwrap();
    home
}

#[test]
fn wrong_key_is_refused_and_file_untouched() {
    let home = database_with_wrong_key("st-wrongkey");
    let db = db_path(&home);
    let before = sha256(&db);
    let key_before = sha256(&key_path(&home));
    let shown = db.display().to_string();

    let o = hearth_run(&home, &["mood", "list"]);
    assert_clean_failure(&o, "mood list with the wrong key", &[&shown]);
    let o = hearth_run(&home, &["mood", "5", "--note", "should not land"]);
    assert_clean_failure(&o, "mood 5 with the wrong key", &[&shown]);
    let out = home.join("x.json");
    let o = hearth_run(
        &home,
        &["export", "--format", "json", "--out", out.to_str().unwrap()],
    );
    assert_clean_failure(&o, "export with the wrong key", &[&shown]);
    assert!(
        !out.exists(),
        "an export was written from an unreadable database"
    );

    assert_eq!(sha256(&db), before, "the database file was modified");
    assert_eq!(
        sha256(&key_path(&home)),
        key_before,
        "the key file was modified"
    );
}

#[test]
fn garbage_database_is_refused_and_file_untouched() {
    let home = temp_dir("st-garbage");
    // A valid key, then garbage where the database should be.
    hearth_ok(&home, &["mood", "6"]);
    let db = db_path(&home);
    let garbage: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data_dir(&home).join(format!("hearth.db{suffix}")));
    }
    std::fs::write(&db, &garbage).unwrap();
    let before = sha256(&db);
    let shown = db.display().to_string();

    let o = hearth_run(&home, &["mood", "list", "--json"]);
    assert_clean_failure(&o, "mood list on garbage", &[&shown]);
    let o = hearth_run(&home, &["mood", "4"]);
    assert_clean_failure(&o, "mood 4 on garbage", &[&shown]);
    let o = hearth_run(&home, &["forget", "--all", "--yes"]);
    assert_clean_failure(&o, "forget on garbage", &[&shown]);
    assert_eq!(sha256(&db), before, "the garbage file was modified");

    // Without its key file, a database is never given a new key.
    std::fs::remove_file(key_path(&home)).unwrap();
    let o = hearth_run(&home, &["mood", "4"]);
    assert_clean_failure(&o, "mood 4 without a key", &[&shown]);
    assert!(
        !key_path(&home).exists(),
        "a new key was made for an existing database"
    );
    assert_eq!(sha256(&db), before, "the garbage file was modified");
}

/// The daemon's status reply, once its socket answers; panics if it died or took 30 s.
fn wait_for_status(home: &Path, daemon: &mut Child, log: &Path) -> Value {
    let started = Instant::now();
    loop {
        if let Some(status) = daemon.try_wait().unwrap() {
            panic!(
                "the daemon exited ({status}) before answering: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        let o = hearth_run(home, &["status", "--json"]);
        if o.status.success() {
            return serde_json::from_str(&stdout(&o)).expect("status --json parses");
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no status after 30 s: {}\ndaemon log: {}",
            stderr(&o),
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn daemon_runs_without_storage_when_the_database_is_unreadable() {
    let home = database_with_wrong_key("st-daemon");
    let db = db_path(&home);
    let before = sha256(&db);
    let run_dir = home.join("run");
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&run_dir)
            .unwrap();
    }
    let log = home.join("daemon.log");
    let mut c = hearth(&home);
    c.args(["run", "--no-audio"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&log).unwrap());
    let mut daemon = c.spawn().expect("spawn hearth run");
    let guard = KillOnDrop(Some(daemon.id()));

    let status = wait_for_status(&home, &mut daemon, &log);
    let storage = &status["data"]["storage"];
    assert_eq!(storage["ok"], false, "storage reported ok: {status}");
    let problem = storage["problem"].as_str().unwrap_or_default();
    assert!(
        problem.contains(&db.display().to_string()),
        "the storage problem does not name {}: {problem:?}",
        db.display()
    );

    // Still answering.
    std::thread::sleep(Duration::from_millis(300));
    let again = hearth_ok(&home, &["status", "--json"]);
    let again: Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert_eq!(again["ok"], true, "{again}");
    assert_eq!(again["data"]["storage"]["ok"], false, "{again}");
    assert!(daemon.try_wait().unwrap().is_none(), "the daemon died");

    // SIGTERM: it stops within 3 s, cleanly.
    let pid = libc::pid_t::try_from(daemon.id()).unwrap();
    // SAFETY: signalling our own child, which has not been reaped.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let t = Instant::now();
    let exit = loop {
        if let Some(s) = daemon.try_wait().unwrap() {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(3),
            "the daemon did not exit within 3 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    std::mem::forget(guard);
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(exit.success(), "daemon exit {exit}; log: {log_text}");
    assert!(!log_text.contains("panicked"), "{log_text}");
    assert!(
        !run_dir.join("hearth/control.sock").exists(),
        "the control socket was left behind"
    );
    assert_eq!(
        sha256(&db),
        before,
        "the daemon modified the unreadable database"
    );
}

/// Kills a spawned process (SIGKILL) if a test fails before stopping it.
struct KillOnDrop(Option<u32>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(pid) = self.0.take().and_then(|p| libc::pid_t::try_from(p).ok()) {
            // SAFETY: a plain kill(2) of our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

// ----- 5. forget -----

/// Every database file in the data directory (the database, its WAL, shared memory, journal).
fn database_files(home: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(data_dir(home))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("hearth.db"))
        })
        .collect()
}

fn files_containing(files: &[PathBuf], needle: &[u8]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|p| {
            std::fs::read(p)
                .unwrap_or_default()
                .windows(needle.len())
                .any(|w| w == needle)
        })
        .cloned()
        .collect()
}

#[test]
fn forget_all_deletes_everything_and_text_is_never_in_the_files() {
    let home = temp_dir("st-forget");
    const NOTE: &str = "zebra-umbrella-4471";
    for score in [2, 5, 9] {
        hearth_ok(
            &home,
            &[
                "mood",
                &score.to_string(),
                "--note",
                NOTE,
                "--feelings",
                "quokka-lantern",
            ],
        );
    }
    let moods = list_moods(&home);
    assert_eq!(notes(&moods), [NOTE, NOTE, NOTE]);

    // Encryption at rest: the words were never in the files.
    let files = database_files(&home);
    assert!(files.contains(&db_path(&home)), "{files:?}");
    let db_size = std::fs::metadata(db_path(&home)).unwrap().len();
    assert!(db_size > 0, "empty database file");
    for needle in [NOTE, "quokka-lantern", "mood_entries", "SQLite format 3"] {
        let hits = files_containing(&files, needle.as_bytes());
        assert!(hits.is_empty(), "{needle:?} is readable in {hits:?}");
    }

    let o = hearth_ok(&home, &["forget", "--all", "--yes"]);
    assert!(stdout(&o).contains("deleted everything"), "{}", stdout(&o));
    let files = database_files(&home);
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        if name.ends_with("-wal") || name.ends_with("-journal") {
            assert_eq!(std::fs::metadata(f).unwrap().len(), 0, "{name} not emptied");
        }
    }
    let hits = files_containing(&files, NOTE.as_bytes());
    assert!(
        hits.is_empty(),
        "the note is readable in {hits:?} after forget"
    );
    assert!(
        list_moods(&home).is_empty(),
        "entries left after forget --all"
    );

    // The key and the (empty, encrypted) database remain usable.
    assert!(key_path(&home).is_file());
    hearth_ok(&home, &["mood", "6"]);
    assert_eq!(list_moods(&home).len(), 1);

    // Without --yes it asks, and anything but "yes" deletes nothing.
    let mut c = hearth(&home);
    c.args(["forget", "--all"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"no\n").unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert!(!o.status.success(), "forget without yes succeeded");
    assert_eq!(list_moods(&home).len(), 1, "forget deleted without a yes");
}

#[test]
fn forget_since_removes_only_recent_entries() {
    let home = temp_dir("st-forget-since");
    let now = hearth::store::now_ms();
    {
        let store = Store::open_in(&data_dir(&home)).expect("open store");
        for (days, note) in [
            (30, "a month ago"),
            (10, "ten days ago"),
            (2, "two days ago"),
        ] {
            store
                .add_mood(&NewMood {
                    at_ms: now - days * DAY_MS,
                    score: 5,
                    feelings: vec![],
                    note: Some(note.into()),
                    source: MoodSource::Voice,
                })
                .unwrap();
        }
        store
            .add_checkin(&NewCheckin {
                at_ms: now - DAY_MS,
                instrument: "PHQ-2".into(),
                score: 2,
                items: vec![1, 1],
            })
            .unwrap();
    }
    hearth_ok(&home, &["mood", "7", "--note", "just now"]);
    assert_eq!(
        notes(&list_moods(&home)),
        ["a month ago", "ten days ago", "two days ago", "just now"]
    );

    let o = hearth_ok(&home, &["forget", "--since", "7d", "--yes"]);
    assert!(stdout(&o).contains("deleted 3 records"), "{}", stdout(&o));
    let left = list_moods(&home);
    assert_eq!(notes(&left), ["a month ago", "ten days ago"]);
    assert_eq!(left[0]["source"], "voice");

    let out = home.join("after.json");
    hearth_ok(
        &home,
        &[
            "export",
            "--since",
            "all",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        v["checkins"].as_array().unwrap().len(),
        0,
        "recent check-in kept: {v}"
    );
    assert_eq!(v["moods"].as_array().unwrap().len(), 2);
}

// ----- 6. exports, and the HTML report in a real browser -----

/// ~120 days of mood entries with a visible trend, two check-ins and a completed session.
/// Returns how many mood entries fall within the last 90 days.
fn seed_history(home: &Path, now: i64) -> usize {
    let store = Store::open_in(&data_dir(home)).expect("open store");
    let mut entries = Vec::new();
    for d in 0..120i64 {
        // A slow wave plus a weekly wobble: scores spread over most of 0–10.
        let score = 5.0 + 3.0 * ((d as f64) / 19.0).sin() + ((d % 7) as f64 - 3.0) * 0.5;
        entries.push(NewMood {
            at_ms: now - d * DAY_MS - 3 * 3_600_000,
            score: score.round().clamp(0.0, 10.0) as u8,
            feelings: if d % 5 == 0 {
                vec!["tired".into()]
            } else {
                vec![]
            },
            note: (d % 9 == 0).then(|| format!("day {d}: a walk by the river")),
            source: if d % 2 == 0 {
                MoodSource::Voice
            } else {
                MoodSource::Cli
            },
        });
        if d % 7 == 0 {
            entries.push(NewMood {
                at_ms: now - d * DAY_MS - 9 * 3_600_000,
                score: 6,
                feelings: vec!["hopeful".into()],
                note: None,
                source: MoodSource::Cli,
            });
        }
    }
    let in_90 = entries
        .iter()
        .filter(|e| e.at_ms >= now - 90 * DAY_MS)
        .count();
    store.add_moods(&entries).unwrap();
    store
        .add_checkin(&NewCheckin {
            at_ms: now - 5 * DAY_MS,
            instrument: "PHQ-2".into(),
            score: 2,
            items: vec![1, 1],
        })
        .unwrap();
    store
        .add_checkin(&NewCheckin {
            at_ms: now - 4 * DAY_MS,
            instrument: "GAD-2".into(),
            score: 3,
            items: vec![2, 1],
        })
        .unwrap();
    let s = store
        .add_session("box_breathing", now - 3 * DAY_MS)
        .unwrap();
    store
        .end_session(s, now - 3 * DAY_MS + 4 * 60_000, SessionOutcome::Completed)
        .unwrap();
    in_90
}

/// An 8-bit RGB(A) image.
struct Image {
    width: usize,
    height: usize,
    channels: usize,
    data: Vec<u8>,
}

impl Image {
    fn load(path: &Path) -> Image {
        let mut decoder = png::Decoder::new(File::open(path).unwrap());
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().expect("a PNG");
        let mut data = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut data).expect("PNG pixels");
        data.truncate(info.buffer_size());
        let channels = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => panic!("unexpected screenshot colour type {other:?}"),
        };
        Image {
            width: info.width as usize,
            height: info.height as usize,
            channels,
            data,
        }
    }

    fn rgb(&self, x: usize, y: usize) -> (i32, i32, i32) {
        let i = (y * self.width + x) * self.channels;
        (
            i32::from(self.data[i]),
            i32::from(self.data[i + 1]),
            i32::from(self.data[i + 2]),
        )
    }
}

/// Close to the report's weekly-average orange (#d0711f).
fn is_orange((r, g, b): (i32, i32, i32)) -> bool {
    r > 170 && (90..=160).contains(&g) && b < 100 && r - b > 100
}

/// Close to the report's entry blue (#3d6fa3), possibly blended with white.
fn is_blue((r, g, b): (i32, i32, i32)) -> bool {
    b - r > 50 && b > g && b > 120
}

fn is_dark((r, g, b): (i32, i32, i32)) -> bool {
    r + g + b < 3 * 110
}

#[test]
fn exports_and_html_report_render() {
    let home = temp_dir("st-export");
    let now = hearth::store::now_ms();
    let in_90 = seed_history(&home, now);
    assert!(in_90 > 90, "{in_90}");

    // CSV: the header and one row per record in the period.
    let csv = home.join("report.csv");
    hearth_ok(
        &home,
        &[
            "export",
            "--since",
            "90d",
            "--format",
            "csv",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("type,date,time,value,out_of,details,note")
    );
    let rows: Vec<&str> = lines.collect();
    let count = |kind: &str| rows.iter().filter(|r| r.starts_with(kind)).count();
    assert_eq!(count("mood,"), in_90, "mood rows");
    assert_eq!(count("check-in,"), 2, "check-in rows");
    assert_eq!(count("exercise,"), 1, "exercise rows");
    assert_eq!(rows.len(), in_90 + 3, "{text}");
    assert!(rows.iter().any(|r| r.contains("PHQ-2")) && rows.iter().any(|r| r.contains("GAD-2")));
    assert!(
        rows.iter().any(|r| r.contains("Box breathing (completed)")),
        "{text}"
    );

    // JSON: parses, complete for the period.
    let json = home.join("report.json");
    hearth_ok(
        &home,
        &[
            "export",
            "--since",
            "90d",
            "--format",
            "json",
            "--out",
            json.to_str().unwrap(),
        ],
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap())
        .expect("the JSON export parses");
    assert_eq!(v["format"], "hearth-export");
    assert_eq!(v["moods"].as_array().unwrap().len(), in_90);
    assert_eq!(v["checkins"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["sessions"][0]["outcome"], "completed",
        "{}",
        v["sessions"]
    );
    let oldest = v["moods"][0]["at_ms"].as_i64().unwrap();
    assert!(
        oldest >= now - 90 * DAY_MS,
        "an entry older than 90 days was exported"
    );

    // HTML: self-contained, with the chart, the instruments and the caution.
    let html_path = home.join("report.html");
    hearth_ok(
        &home,
        &[
            "export",
            "--since",
            "90d",
            "--format",
            "html",
            "--out",
            html_path.to_str().unwrap(),
        ],
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&html_path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the report is readable by others: {mode:o}"
        );
    }
    let html = std::fs::read_to_string(&html_path).unwrap();
    let lower = html.to_ascii_lowercase();
    for banned in ["http", "<script", "<link", "@import", "url("] {
        assert!(
            !lower.contains(banned),
            "the report is not self-contained: {banned:?}"
        );
    }
    for needed in ["<svg", "PHQ-2", "GAD-2", "Screeners are not diagnoses"] {
        assert!(html.contains(needed), "the report lacks {needed:?}");
    }
    assert!(
        html.contains("a walk by the river"),
        "the notes are missing"
    );

    // Rendered by a real browser.
    let png_path = home.join("report.png");
    let profile = home.join("chromium-profile");
    std::fs::create_dir_all(&profile).unwrap();
    let shot = Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1100,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png_path.display()))
        .arg(format!("file://{}", html_path.display()))
        .stdin(Stdio::null())
        .output()
        .expect("chromium runs (/usr/bin/chromium)");
    assert!(
        png_path.is_file(),
        "chromium wrote no screenshot ({}): {}",
        shot.status,
        String::from_utf8_lossy(&shot.stderr)
    );
    let _ = std::fs::copy(&png_path, "/tmp/hearth-report.png");
    let size = std::fs::metadata(&png_path).unwrap().len();
    assert!(size > 20_000, "screenshot is only {size} bytes");

    let img = Image::load(&png_path);
    assert_eq!((img.width, img.height), (1100, 1600));
    let total = img.width * img.height;
    let mut non_white = 0;
    let mut dark = 0;
    for y in 0..img.height {
        for x in 0..img.width {
            let p = img.rgb(x, y);
            if p.0 < 245 || p.1 < 245 || p.2 < 245 {
                non_white += 1;
            }
            if is_dark(p) {
                dark += 1;
            }
        }
    }
    assert!(
        non_white * 50 > total,
        "mostly blank: {non_white} of {total} non-white"
    );
    // Text was drawn (not an empty page with only a background).
    assert!(
        dark * 200 > total,
        "hardly any text: {dark} dark pixels of {total}"
    );

    chart_checks(&img);
}

/// The mood chart: blue entry dots scattered over many rows and columns, and an orange
/// weekly-average line that moves up and down across the chart (not a flat rule or a bar).
fn chart_checks(img: &Image) {
    // Rows with orange pixels, and for each row its orange columns.
    let mut orange_rows = Vec::new();
    let mut blue_rows = BTreeSet::new();
    let mut blue_cols = BTreeSet::new();
    let mut blue = 0;
    for y in 0..img.height {
        let mut orange = Vec::new();
        let mut row_blue = Vec::new();
        for x in 0..img.width {
            let p = img.rgb(x, y);
            if is_orange(p) {
                orange.push(x);
            }
            if is_blue(p) {
                row_blue.push(x);
            }
        }
        // A row that is mostly blue is the header's rule, not entry dots.
        if !row_blue.is_empty() && row_blue.len() < 200 {
            blue += row_blue.len();
            blue_rows.insert(y);
            blue_cols.extend(row_blue.iter().map(|x| x / 10));
        }
        if !orange.is_empty() {
            orange_rows.push((y, orange));
        }
    }
    eprintln!(
        "chart: {blue} blue px over {} rows and {} column bands; {} orange rows",
        blue_rows.len(),
        blue_cols.len(),
        orange_rows.len()
    );
    // Dots at several mood levels (8 px each) across most of the chart's width.
    assert!(blue > 500, "too few blue (entry) pixels: {blue}");
    assert!(
        blue_rows.len() > 40,
        "blue dots on only {} rows",
        blue_rows.len()
    );
    assert!(
        blue_cols.len() > 40,
        "blue dots in only {} column bands of 10 px",
        blue_cols.len()
    );

    // The weekly line: split the orange rows into bands of (nearly) consecutive rows and take
    // the one covering the largest area: the line, not a table bar or the legend swatch.
    let mut bands: Vec<&[(usize, Vec<usize>)]> = Vec::new();
    let mut i = 0;
    while i < orange_rows.len() {
        let mut j = i + 1;
        while j < orange_rows.len() && orange_rows[j].0 <= orange_rows[j - 1].0 + 3 {
            j += 1;
        }
        bands.push(&orange_rows[i..j]);
        i = j;
    }
    let extent = |band: &[(usize, Vec<usize>)]| {
        let top = band.first().map_or(0, |r| r.0);
        let bottom = band.last().map_or(0, |r| r.0);
        let min_x = band
            .iter()
            .flat_map(|r| r.1.iter())
            .min()
            .copied()
            .unwrap_or(0);
        let max_x = band
            .iter()
            .flat_map(|r| r.1.iter())
            .max()
            .copied()
            .unwrap_or(0);
        (top, bottom, min_x, max_x)
    };
    let band = bands
        .iter()
        .max_by_key(|b| {
            let (top, bottom, min_x, max_x) = extent(b);
            (bottom - top + 1) * (max_x - min_x + 1)
        })
        .expect("no orange pixels at all: the weekly line is missing");
    let (top, bottom, min_x, max_x) = extent(band);
    eprintln!("weekly line: rows {top}..{bottom}, columns {min_x}..{max_x}");
    assert!(
        bottom - top >= 40,
        "the orange line spans only rows {top}..{bottom}"
    );
    assert!(
        max_x - min_x >= 400,
        "the orange line spans only columns {min_x}..{max_x}"
    );
}
