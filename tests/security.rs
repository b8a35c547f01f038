//! The threat model, tested (issue #13): another local user, a copied disk and a broken install
//! against the real binary. "Another user" is `nobody`: a thread whose effective uid is switched
//! with the raw `setresuid` system call (which, unlike the libc wrapper, changes only the calling
//! thread), so a hostile listener or client runs inside the test without a helper program.

use crate::common::*;
use crate::daemon::{copy_dir, Daemon, PulseAudio};
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NOBODY: u32 = 65534;

fn uid() -> u32 {
    unsafe { libc::getuid() }
}

/// Makes the calling thread's effective uid `nobody` (only this thread: raw system call).
fn become_nobody_on_this_thread() {
    let rc = unsafe {
        libc::syscall(
            libc::SYS_setresuid,
            u32::MAX as libc::c_long,
            NOBODY as libc::c_long,
            u32::MAX as libc::c_long,
        )
    };
    assert_eq!(rc, 0, "setresuid: {}", std::io::Error::last_os_error());
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A listener run by `nobody` that records what it is sent and answers like a daemon would.
struct HostileListener {
    received: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HostileListener {
    /// Binds `path` as nobody (the directory must let nobody create it); `setup` runs first on
    /// the same thread, as nobody.
    fn start(path: PathBuf, setup: impl FnOnce() + Send + 'static) -> HostileListener {
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = {
            let received = received.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                become_nobody_on_this_thread();
                setup();
                let listener = UnixListener::bind(&path).unwrap();
                chmod(&path, 0o777);
                listener.set_nonblocking(true).unwrap();
                ready_tx.send(()).unwrap();
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((mut s, _)) => {
                            s.set_nonblocking(false).unwrap();
                            s.set_read_timeout(Some(Duration::from_millis(500)))
                                .unwrap();
                            let mut buf = [0u8; 4096];
                            if let Ok(n) = s.read(&mut buf) {
                                received.lock().unwrap().extend_from_slice(&buf[..n]);
                            }
                            let _ = s.write_all(b"{\"ok\":true,\"data\":{\"hostile\":true}}\n");
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        ready_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        HostileListener {
            received,
            stop,
            thread: Some(thread),
        }
    }

    fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().unwrap()).into_owned()
    }
}

impl Drop for HostileListener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Issue #13.1: with no `XDG_RUNTIME_DIR`, the client used any socket in `<tmp>/hearth-<uid>`,
/// even in a world-writable directory another user created first.
#[test]
fn client_refuses_a_hostile_listener_in_the_fallback_directory() {
    let home = temp_dir("sec-fallback");
    let tmp = home.join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    chmod(&tmp, 0o1777); // like /tmp
    let dir = tmp.join(format!("hearth-{}", uid()));
    let listener = {
        let dir = dir.clone();
        HostileListener::start(dir.join("control.sock"), move || {
            std::fs::create_dir(&dir).unwrap();
            chmod(&dir, 0o777);
        })
    };
    assert_eq!(std::fs::metadata(&dir).unwrap().uid(), NOBODY);
    let client = |args: &[&str]| {
        let mut c = hearth(&home);
        c.env_remove("XDG_RUNTIME_DIR")
            .env("TMPDIR", &tmp)
            .args(args);
        run(c)
    };

    let out = client(&["mood", "4", "--note", "SECRET-MOOD-NOTE"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(stderr(&out).contains("refusing"), "{}", stderr(&out));
    let out = client(&["status"]);
    assert!(!out.status.success());
    assert!(!stdout(&out).contains("hostile"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&dir.display().to_string()),
        "{}",
        stderr(&out)
    );
    // forget is not fooled into "Hearth is running" by someone else's listener.
    let out = client(&["forget", "--all", "--yes"]);
    assert!(
        !stderr(&out).contains("Hearth is running"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        listener.received(),
        "",
        "the client sent something to a stranger"
    );
}

/// Issue #13.1: a socket in a private directory of ours, but served by another user's process
/// (the file renamed in and given to us): the kernel's `SO_PEERCRED` says who listens.
#[test]
fn client_refuses_a_listener_of_another_user_by_peer_credentials() {
    let home = temp_dir("sec-peer");
    let theirs = home.join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    chmod(&theirs, 0o777);
    let runtime = home.join("run");
    let ours = runtime.join("hearth");
    std::fs::create_dir_all(&ours).unwrap();
    chmod(&runtime, 0o700);
    chmod(&ours, 0o700);
    let listener = HostileListener::start(theirs.join("control.sock"), || {});
    let sock = ours.join("control.sock");
    std::fs::rename(theirs.join("control.sock"), &sock).unwrap();
    std::os::unix::fs::chown(&sock, Some(uid()), None).unwrap();
    chmod(&sock, 0o600);

    let mut c = hearth(&home);
    c.env("XDG_RUNTIME_DIR", &runtime)
        .args(["say", "SECRET-SAY-TEXT"]);
    let out = run(c);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!("uid {NOBODY}")),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        listener.received(),
        "",
        "the client sent something to a stranger"
    );
}

/// A daemon with its own copy of the assets (so a test can break them), no audio devices; its
/// home first, so that the daemon is stopped before the home is removed.
fn start_daemon(tag: &str, extra_env: &[(&str, &Path)]) -> (TempHome, Daemon) {
    let home = temp_dir(tag);
    let daemon = start_daemon_at(&home, extra_env);
    (home, daemon)
}

/// A `--no-audio` daemon in a prepared `home` (its assets linked and copied there).
fn start_daemon_at(home: &Path, extra_env: &[(&str, &Path)]) -> Daemon {
    let assets = home.join("assets");
    if assets.exists() {
        let mut env: Vec<(&str, &Path)> = vec![("HEARTH_ASSETS_DIR", &assets)];
        env.extend_from_slice(extra_env);
        return Daemon::start(home, &home.join("run"), &env, &["--no-audio"]);
    }
    std::fs::create_dir_all(&assets).unwrap();
    for d in ["models", "voices"] {
        std::os::unix::fs::symlink(root().join(d), assets.join(d)).unwrap();
    }
    copy_dir(&root().join("prompts"), &assets.join("prompts"));
    let mut env: Vec<(&str, &Path)> = vec![("HEARTH_ASSETS_DIR", &assets)];
    env.extend_from_slice(extra_env);
    Daemon::start(home, &home.join("run"), &env, &["--no-audio"])
}

/// Issue #13.1, the daemon's side: even if the socket's permissions are loosened, a connection
/// from another user is refused.
#[test]
fn daemon_refuses_clients_of_another_user() {
    let (home, daemon) = start_daemon("sec-daemon-peer", &[]);
    let sock = daemon.socket();
    chmod(&home, 0o755);
    chmod(&home.join("run"), 0o755);
    chmod(sock.parent().unwrap(), 0o755);
    chmod(&sock, 0o666);
    let reply = {
        let sock = sock.clone();
        std::thread::spawn(move || {
            become_nobody_on_this_thread();
            let mut s = UnixStream::connect(&sock).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let _ = s.write_all(b"{\"cmd\":\"status\"}\n");
            let mut reply = String::new();
            let _ = s.read_to_string(&mut reply);
            reply
        })
        .join()
        .unwrap()
    };
    assert!(!reply.contains("\"ok\":true"), "{reply}");
    assert!(reply.contains("permission denied"), "{reply}");
    // We are still served.
    chmod(sock.parent().unwrap(), 0o700);
    assert!(daemon.try_status().is_some());
}

/// Issue #13.7: 40 clients sending one byte a second held every connection slot for ever.
#[test]
fn slow_clients_cannot_lock_out_status() {
    let (_home, daemon) = start_daemon("sec-slow", &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for _ in 0..40 {
        let sock = daemon.socket();
        let stop = stop.clone();
        threads.push(std::thread::spawn(move || {
            let Ok(mut s) = UnixStream::connect(&sock) else {
                return;
            };
            while !stop.load(Ordering::SeqCst) {
                if s.write_all(b" ").is_err() {
                    return; // the daemon hung up on us
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let mut c = daemon.client();
    c.args(["status", "--json"]);
    let out = run(c);
    stop.store(true, Ordering::SeqCst);
    assert!(
        out.status.success(),
        "status was locked out: {}{}",
        stdout(&out),
        stderr(&out)
    );
    println!("status answered after {:?}", started.elapsed());
    for t in threads {
        let _ = t.join();
    }
}

/// Issue #13.3: a `db.key` symlink made Hearth chmod its target.
#[test]
fn key_file_symlink_is_refused_and_its_target_untouched() {
    let home = temp_dir("sec-key");
    let data = home.join("data/hearth");
    std::fs::create_dir_all(&data).unwrap();
    let victim = home.join("victim");
    std::fs::write(&victim, "not yours\n").unwrap();
    chmod(&victim, 0o644);
    std::os::unix::fs::symlink(&victim, data.join("db.key")).unwrap();
    let mut c = hearth(&home);
    c.args(["mood", "5", "--note", "x"]);
    let out = run(c);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    let meta = std::fs::metadata(&victim).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o644, "the link's target was chmodded");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not yours\n");
}

/// Issue #13.2: the export's temporary file had a predictable name (`.{name}.tmp-{pid}`) and was
/// opened with create+truncate, so a planted link was written through. Links are planted here
/// for every possible pid.
#[test]
fn export_never_writes_through_planted_symlinks() {
    let home = temp_dir("sec-export");
    let mut c = hearth(&home);
    c.args(["mood", "3", "--note", "EXPORT-MARKER-NOTE"]);
    let out = run(c);
    assert!(out.status.success(), "{}", stderr(&out));

    let outdir = home.join("shared");
    std::fs::create_dir(&outdir).unwrap();
    chmod(&outdir, 0o1777);
    let victim = home.join("victim");
    std::fs::write(&victim, "root's file\n").unwrap();
    chmod(&victim, 0o644);
    let pid_max: u32 = std::fs::read_to_string("/proc/sys/kernel/pid_max")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    for pid in 1..=pid_max.min(1 << 22) {
        std::os::unix::fs::symlink(&victim, outdir.join(format!(".report.html.tmp-{pid}")))
            .unwrap();
    }
    // And the final name is someone's link too.
    let decoy = home.join("decoy");
    std::fs::write(&decoy, "decoy\n").unwrap();
    let target = outdir.join("report.html");
    std::os::unix::fs::symlink(&decoy, &target).unwrap();

    let mut c = hearth(&home);
    c.args(["export", "--since", "all", "--out"]).arg(&target);
    let out = run(c);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "root's file\n");
    assert_eq!(std::fs::read_to_string(&decoy).unwrap(), "decoy\n");
    let meta = std::fs::symlink_metadata(&target).unwrap();
    assert!(meta.file_type().is_file(), "the export is someone's link");
    assert_eq!(meta.mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .contains("EXPORT-MARKER-NOTE"));
    let _ = std::fs::remove_dir_all(&outdir);
}

/// Issue #13.4: a core dump held mood notes and utterances in clear. With core dumps enabled
/// (`RLIMIT_CORE` unlimited, the kernel's `core_pattern` a plain file name), Hearth is aborted
/// while a marker it was told is in memory; no core file may appear, and none may hold it.
#[test]
fn no_core_dump_holds_what_was_said() {
    let pattern = std::fs::read_to_string("/proc/sys/kernel/core_pattern").unwrap();
    let pattern = pattern.trim();
    assert!(
        !pattern.starts_with('|') && !pattern.starts_with('/'),
        "this test needs core files written to the working directory (core_pattern is {pattern:?})"
    );
    let home = temp_dir("sec-core");
    let cwd = home.join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let marker = format!("CORE-MARKER-{}-PLAINTEXT", std::process::id());
    let mut c = hearth(&home);
    c.arg("chat")
        .current_dir(&cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    unsafe {
        use std::os::unix::process::CommandExt;
        c.pre_exec(|| {
            let unlimited = libc::rlimit {
                rlim_cur: libc::RLIM_INFINITY,
                rlim_max: libc::RLIM_INFINITY,
            };
            if libc::setrlimit(libc::RLIMIT_CORE, &unlimited) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = c.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "I feel tired today, {marker}").unwrap();
    // Wait for the reply so the line has gone through the engine.
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    while seen.iter().filter(|&&b| b == b'\n').count() < 2
        && started.elapsed() < Duration::from_secs(30)
    {
        match stdout.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGABRT) };
    let status = child.wait().unwrap();
    drop(stdin);
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGABRT), "{status:?}");
    let cores: Vec<PathBuf> = std::fs::read_dir(&cwd)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    for core in &cores {
        let bytes = std::fs::read(core).unwrap();
        let found = bytes.windows(marker.len()).any(|w| w == marker.as_bytes());
        assert!(!found, "{} holds the marker in clear", core.display());
    }
    assert!(cores.is_empty(), "a core file was written: {cores:?}");
    assert!(!status.core_dumped());
}

/// Issue #13.9: both units scored 5.9 and 5.5 ("MEDIUM"); they must score 2.5 or lower, with
/// core dumps off and the watchdog on.
#[test]
fn systemd_units_are_hardened_to_2_5_or_lower() {
    let version = std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output();
    if version.is_err() {
        println!("SKIPPED: systemd-analyze is not installed");
        return;
    }
    for unit in ["hearth.service", "hearth-system.service"] {
        let path = root().join("systemd").join(unit);
        let text = std::fs::read_to_string(&path).unwrap();
        for line in [
            "LimitCORE=0",
            "Type=notify",
            "WatchdogSec=",
            "CapabilityBoundingSet=\n",
            "PrivateNetwork=yes",
            "SystemCallFilter=@system-service",
            "ProtectProc=invisible",
            "ProcSubset=pid",
            "DevicePolicy=closed",
            "DeviceAllow=char-alsa",
            "PrivateIPC=yes",
            "RemoveIPC=yes",
            "ProtectKernelLogs=yes",
        ] {
            assert!(text.contains(line), "{unit} lacks {line:?}");
        }
        assert!(!text.contains("MemoryDenyWriteExecute=no"), "{unit}");
        let out = std::process::Command::new("systemd-analyze")
            .args(["security", "--offline=true", "--no-pager"])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find(|l| l.contains("Overall exposure level"))
            .unwrap_or_else(|| panic!("no score for {unit}: {text}{}", stderr(&out)));
        let score: f64 = line
            .split(':')
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("unreadable score line: {line}"));
        println!("{unit}: systemd-analyze security exposure {score}");
        assert!(score <= 2.5, "{unit} scores {score}: {text}");
    }
}

/// Issue #13.9: with `Type=notify` and `WatchdogSec=`, the daemon says READY=1 once it listens
/// and then pets the watchdog from its main loop (here every 0.5 s for a 1 s watchdog).
#[test]
fn daemon_notifies_systemd_ready_and_pets_the_watchdog() {
    let home = temp_dir("sec-notify");
    let notify = home.join("notify.sock");
    let listener = std::os::unix::net::UnixDatagram::bind(&notify).unwrap();
    listener
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    // Daemon::start takes its environment as paths.
    let (_h, daemon) = start_daemon(
        "sec-notify-d",
        &[
            ("NOTIFY_SOCKET", notify.as_path()),
            ("WATCHDOG_USEC", Path::new("1000000")),
        ],
    );
    let mut got = Vec::new();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    while started.elapsed() < Duration::from_secs(30) {
        let Ok(n) = listener.recv(&mut buf) else {
            break;
        };
        got.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        if got.iter().filter(|m| m.contains("WATCHDOG=1")).count() >= 2 {
            break;
        }
    }
    assert!(
        got.first().is_some_and(|m| m.starts_with("READY=1")),
        "{got:?}"
    );
    assert!(
        got.iter().filter(|m| m.contains("WATCHDOG=1")).count() >= 2,
        "{got:?}\n{}",
        daemon.log()
    );
}

/// Runs `cmd` and fails the test if it has not finished within `limit` (killing it).
fn run_with_limit(mut cmd: std::process::Command, limit: Duration) -> std::process::Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("hung: still running after {limit:?}");
        }
    }
}

/// An asset folder like the checkout's, with `voices/<ORT library>` replaced by `library`.
fn assets_with_ort_library(home: &Path, library: &[u8]) -> PathBuf {
    let assets = home.join("assets");
    let voices = assets.join("voices");
    std::fs::create_dir_all(&voices).unwrap();
    for d in ["models", "prompts"] {
        std::os::unix::fs::symlink(root().join(d), assets.join(d)).unwrap();
    }
    for e in std::fs::read_dir(root().join("voices")).unwrap().flatten() {
        let name = e.file_name();
        if name.to_string_lossy().starts_with("libonnxruntime") {
            continue;
        }
        std::os::unix::fs::symlink(e.path(), voices.join(&name)).unwrap();
    }
    std::fs::write(voices.join("libonnxruntime.so.1.31.1"), library).unwrap();
    assets
}

/// Issue #13.5: a library that cannot be loaded (garbage, or another library under the name)
/// made `hearth say` and `hearth run` hang for ever in ort's loader. Now: one line naming it.
#[test]
fn an_unloadable_onnx_runtime_is_a_one_line_error_not_a_hang() {
    let libz = [
        "/lib/x86_64-linux-gnu/libz.so.1",
        "/usr/lib/x86_64-linux-gnu/libz.so.1",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .map(|p| std::fs::read(p).unwrap());
    let mut cases: Vec<(&str, Vec<u8>)> = vec![("garbage", b"\x7fELF garbage".repeat(1000))];
    if let Some(l) = libz {
        cases.push(("wrong-library", l));
    }
    for (tag, bytes) in cases {
        let home = temp_dir(&format!("sec-ort-{tag}"));
        let assets = assets_with_ort_library(&home, &bytes);
        let lib = assets.join("voices/libonnxruntime.so.1.31.1");
        for args in [
            &["say", "--out", "x.wav", "hello"][..],
            &["run", "--no-audio"][..],
            &["validate"][..],
        ] {
            let mut c = hearth(&home);
            c.env("HEARTH_ASSETS_DIR", &assets)
                .current_dir(&home)
                .args(args);
            let out = run_with_limit(c, Duration::from_secs(60));
            let err = stderr(&out);
            assert!(!out.status.success(), "{tag} {args:?}: {err}");
            assert!(
                err.contains(&lib.display().to_string()),
                "{tag} {args:?}: {err}"
            );
            assert_eq!(err.trim().lines().count(), 1, "{tag} {args:?}: {err}");
        }
    }
}

/// Issue #13.7: `hearth validate` passed with a corrupt model (it only checked that files exist).
#[test]
fn validate_loads_the_models() {
    let home = temp_dir("sec-validate");
    let assets = home.join("assets");
    let models = assets.join("models");
    std::fs::create_dir_all(&models).unwrap();
    for d in ["voices", "prompts"] {
        std::os::unix::fs::symlink(root().join(d), assets.join(d)).unwrap();
    }
    for e in std::fs::read_dir(root().join("models")).unwrap().flatten() {
        std::os::unix::fs::symlink(e.path(), models.join(e.file_name())).unwrap();
    }
    let mut c = hearth(&home);
    c.env("HEARTH_ASSETS_DIR", &assets).arg("validate");
    let out = run_with_limit(c, Duration::from_secs(120));
    assert!(out.status.success(), "{}", stderr(&out));

    let model = models.join("ggml-tiny.en.bin");
    std::fs::remove_file(&model).unwrap();
    std::fs::write(&model, vec![0x5au8; 1 << 20]).unwrap();
    let mut c = hearth(&home);
    c.env("HEARTH_ASSETS_DIR", &assets).arg("validate");
    let out = run_with_limit(c, Duration::from_secs(120));
    assert!(!out.status.success(), "a corrupt model passed validate");
    assert!(
        stderr(&out).contains("ggml-tiny.en.bin"),
        "{}",
        stderr(&out)
    );
}

/// Issue #13.5 and #13.7: a FIFO among the prompt files blocked the main loop on SIGHUP (every
/// request then timed out), and `hearth reload` exited 0 when the reload was refused.
#[test]
fn a_fifo_prompt_file_cannot_block_reload_and_a_refused_reload_fails() {
    let (home, daemon) = start_daemon("sec-fifo", &[]);
    let fifo = home.join("assets/prompts/flows/evil.toml");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    unsafe { libc::kill(daemon.pid(), libc::SIGHUP) };
    std::thread::sleep(Duration::from_millis(300));
    // The main loop still answers, promptly.
    let mut c = daemon.client();
    c.args(["status", "--json"]);
    let out = run_with_limit(c, Duration::from_secs(8));
    assert!(out.status.success(), "{}{}", stderr(&out), daemon.log());
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reload = &status["data"]["last_reload"];
    assert_eq!(reload["ok"], false, "{status}");
    assert!(
        reload["error"].as_str().unwrap_or("").contains("evil.toml"),
        "{status}"
    );
    // `hearth reload` says it was refused, with a failing exit code.
    let mut c = daemon.client();
    c.arg("reload");
    let out = run_with_limit(c, Duration::from_secs(8));
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(stderr(&out).contains("evil.toml"), "{}", stderr(&out));
    // A crisis disclosure typed to the daemon is still answered.
    let mut s = UnixStream::connect(daemon.socket()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    s.write_all(b"{\"cmd\":\"utterance\",\"text\":\"I want to end my life tonight\"}\n")
        .unwrap();
    let mut line = String::new();
    let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(&s), &mut line);
    assert!(
        line.contains("\"ok\":true"),
        "crisis utterance not answered: {line:?}"
    );
    std::fs::remove_file(&fifo).unwrap();
    let mut c = daemon.client();
    c.arg("reload");
    let out = run_with_limit(c, Duration::from_secs(8));
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Issue #13, 6: SIGTERM while Hearth speaks (a flow running, Piper synthesizing) exits cleanly
/// (status 0, no panic, no ONNX Runtime error) and closes the interrupted session with its end
/// time. Three runs at different moments of the speech, on the PulseAudio null-sink loop.
#[test]
fn sigterm_during_speech_exits_cleanly_and_closes_the_session() {
    let home = temp_dir("sec-sigterm");
    let pa = PulseAudio::start(&home);
    PulseAudio::configure(&home, "");
    const RUNS: u64 = 3;
    for i in 0..RUNS {
        let mut daemon = Daemon::start(&home, &pa.runtime, &[], &[]);
        let mut c = daemon.client();
        c.args(["start", "box-breathing"]);
        let out = run(c);
        assert!(out.status.success(), "start failed: {}", stderr(&out));
        daemon.wait(Duration::from_secs(20), "Hearth to speak", |s| {
            s["speaking"] == true
        });
        // Early in the first sentence, later, and later still.
        std::thread::sleep(Duration::from_millis(150 + 700 * i));
        assert_eq!(
            daemon.status()["speaking"],
            true,
            "Hearth stopped speaking before the SIGTERM; log:\n{}",
            daemon.log()
        );
        let (took, status) = daemon.terminate_with_status();
        let log = daemon.log();
        eprintln!("run {i}: SIGTERM during speech, exit {status} after {took:?}");
        assert!(status.success(), "run {i}: exit {status}; log:\n{log}");
        assert!(!log.contains("panicked"), "run {i}: a panic; log:\n{log}");
        let onnx_error = log.lines().any(|l| {
            let l = l.to_lowercase();
            l.contains("onnx") && (l.contains("error") || l.contains("fail"))
        });
        assert!(!onnx_error, "run {i}: an ONNX Runtime error; log:\n{log}");
        assert!(
            log.contains("open session closed at shutdown"),
            "run {i}: no session closed; log:\n{log}"
        );
    }
    // Every interrupted session has its end time in the database.
    let file = home.join("export.json");
    let mut c = hearth(&home);
    c.args(["export", "--since", "all", "--format", "json", "--out"])
        .arg(&file);
    let out = run(c);
    assert!(out.status.success(), "export failed: {}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let sessions = v["sessions"].as_array().unwrap();
    assert_eq!(sessions.len() as u64, RUNS, "{v:#}");
    for s in sessions {
        assert!(s["ended_ms"].as_i64().is_some(), "session left open: {s}");
        assert_eq!(s["outcome"], "stopped", "{s}");
    }
}

/// A small tmpfs mounted for one test; unmounted (lazily, so an open file cannot stop it) on
/// drop, whatever happened.
struct TmpfsMount(PathBuf);

impl TmpfsMount {
    /// `None` (having said why) when mounting is not allowed: the tests need root.
    fn new(at: &Path, size: &str) -> Option<TmpfsMount> {
        std::fs::create_dir_all(at).unwrap();
        let out = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(at)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(TmpfsMount(at.to_path_buf())),
            Ok(o) => {
                eprintln!(
                    "SKIPPED: cannot mount a tmpfs (this test needs root, as in CI): {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount (this test needs root, as in CI): {e}");
                None
            }
        }
    }

    fn remount(&self, how: &str) {
        let ok = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{how}")])
            .arg(&self.0)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mount -o remount,{how} failed");
    }
}

impl Drop for TmpfsMount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

fn mood(daemon: &Daemon, score: &str, note: &str) -> std::process::Output {
    let mut c = daemon.client();
    c.args(["mood", score, "--note", note]);
    run(c)
}

fn exported_moods(home: &Path) -> Vec<serde_json::Value> {
    let file = home.join("export.json");
    let _ = std::fs::remove_file(&file);
    let mut c = hearth(home);
    c.args(["export", "--since", "all", "--format", "json", "--out"])
        .arg(&file);
    let out = run(c);
    assert!(out.status.success(), "export failed: {}", stderr(&out));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    v["moods"].as_array().unwrap().clone()
}

/// Issue #13.7: on a full disk `status` said storage was fine and nothing was logged. Now a
/// failed write says "the disk is full" to the person and in `status`, logs a warning without
/// the note, loses no acknowledged entry, and storage recovers when space returns.
#[test]
fn a_full_disk_is_reported_and_recovers_without_losing_acknowledged_entries() {
    let home = temp_dir("sec-disk-full");
    let Some(mount) = TmpfsMount::new(&home.join("data"), "6m") else {
        return;
    };
    let mut daemon = start_daemon_at(&home, &[]);
    let out = mood(&daemon, "6", "before the disk filled");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(daemon.status()["storage"]["ok"], true);

    // Fill the disk.
    let filler = home.join("data/filler");
    {
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while f.write_all(&chunk).is_ok() {}
        let _ = f.sync_all();
    }
    const MARKER: &str = "zebra-lantern-note";
    let note = format!("{MARKER} {}", "x".repeat(1500));
    let mut acknowledged = 1;
    let mut refused = None;
    for _ in 0..200 {
        let out = mood(&daemon, "5", &note);
        if out.status.success() {
            acknowledged += 1;
        } else {
            refused = Some(stderr(&out));
            break;
        }
    }
    let refused = refused.expect("200 entries fitted on a full disk");
    eprintln!(
        "{acknowledged} entries acknowledged; then: {}",
        refused.trim()
    );
    assert!(refused.contains("the disk is full"), "{refused}");
    assert!(refused.contains("not saved"), "{refused}");
    let status = daemon.status();
    assert_eq!(status["storage"]["ok"], false, "{status}");
    let problem = status["storage"]["problem"].as_str().unwrap_or_default();
    assert!(problem.contains("the disk is full"), "{status}");
    let log = daemon.log();
    assert!(
        log.lines()
            .any(|l| l.contains("WARN") && l.contains("the disk is full")),
        "no warning in the log:\n{log}"
    );
    assert!(
        !log.lines()
            .any(|l| l.contains(MARKER) && !l.contains("DEBUG") && !l.contains("TRACE")),
        "the note reached the log above debug:\n{log}"
    );

    // Space returns: status recovers and writes work again.
    std::fs::remove_file(&filler).unwrap();
    daemon.wait(Duration::from_secs(10), "storage to recover", |s| {
        s["storage"]["ok"] == true
    });
    let out = mood(&daemon, "7", "after space returned");
    assert!(out.status.success(), "{}", stderr(&out));
    acknowledged += 1;
    daemon.terminate();

    // Every acknowledged entry is there.
    let moods = exported_moods(&home);
    assert_eq!(moods.len(), acknowledged, "acknowledged {acknowledged}");
    drop(mount);
}

/// Issue #13.7: a read-only data folder read as "wrong key, damaged". Now the CLI and the
/// daemon's status say it is read-only, a mood is refused saying so, and the data is intact.
#[test]
fn a_read_only_data_folder_is_called_read_only_not_a_wrong_key() {
    let home = temp_dir("sec-read-only");
    let Some(mount) = TmpfsMount::new(&home.join("data"), "8m") else {
        return;
    };
    let mut daemon = start_daemon_at(&home, &[]);
    let out = mood(&daemon, "7", "kept before the folder went read-only");
    assert!(out.status.success(), "{}", stderr(&out));
    daemon.terminate();

    mount.remount("ro");
    // Without a daemon: the CLI opens the store itself.
    let mut c = hearth(&home);
    c.args(["mood", "4", "--note", "while read-only"]);
    let out = run(c);
    let err = stderr(&out);
    assert!(!out.status.success(), "saved on a read-only disk?");
    assert!(err.contains("read-only"), "{err}");
    assert!(!err.contains("wrong key"), "{err}");

    // The daemon says the same in status and when asked to save a mood.
    let mut daemon = start_daemon_at(&home, &[]);
    let status = daemon.status();
    assert_eq!(status["storage"]["ok"], false, "{status}");
    let problem = status["storage"]["problem"].as_str().unwrap_or_default();
    assert!(problem.contains("read-only"), "{status}");
    assert!(!problem.contains("wrong key"), "{status}");
    let out = mood(&daemon, "4", "while read-only");
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("not saved") && err.contains("read-only"),
        "{err}"
    );
    daemon.terminate();

    mount.remount("rw");
    let moods = exported_moods(&home);
    assert_eq!(moods.len(), 1, "{moods:?}");
    drop(mount);
}
