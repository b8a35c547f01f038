//! The control socket: how `hearth status | start | stop | say | mood | reload` talk to the daemon.
//!
//!
//! The wire format and its limits are in [`protocol`]; the connection trust checks in [`peer`].
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
//! - Trust both ways ([`peer`]): the client checks the socket directory and file as the
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
//! The tests include a fuzzer built on proptest strategies, with a fixed seed: 200k inputs
//! (random bytes, and mutations of valid requests: bit flips, byte insertions and deletions,
//! truncation, duplicated slices, spliced JSON tokens, huge and non-finite numbers, 10k-deep
//! `[`/`{` nesting, oversize lines). Each goes through [`parse_request`] inside
//! `catch_unwind`; the test asserts there is never a panic, and that every accepted request
//! passes [`Request::validate`] and survives a serialize/parse round trip. A second test sends
//! 2k such lines to a live server and checks that each gets a well-formed reply and that the
//! server still answers `status` afterwards. A failure is shrunk to the smallest input that
//! shows it. Run them with `cargo test --release control::tests::fuzz`; set `PROPTEST_CASES`
//! or change `FUZZ_SEED` to explore further.

use std::io;
use std::path::{Path, PathBuf};
use thiserror::Error;

pub mod client;
pub mod peer;
pub mod protocol;
pub mod server;
pub use client::{request, request_with_timeout};
pub use protocol::*;
pub use server::{ControlServer, Handler, ServerConfig};

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

pub(crate) fn io_err<'a>(
    context: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> ControlError + 'a {
    move |source| ControlError::Io {
        context,
        path: path.to_path_buf(),
        source,
    }
}

use peer::current_uid;

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

#[cfg(test)]
mod tests {
    use super::client::*;
    use super::server::*;
    use super::*;
    use serde_json::json;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::os::unix::fs::{DirBuilderExt, FileTypeExt, PermissionsExt};
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::panic::catch_unwind;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

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
    struct TempDir(tempfile::TempDir);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let dir = tempfile::Builder::new()
                .prefix(&format!("hc-{tag}-"))
                .tempdir()
                .unwrap();
            TempDir(dir)
        }
        /// `<base>/hearth/control.sock` (the `hearth` dir does not exist yet).
        fn sock(&self) -> PathBuf {
            self.0.path().join("hearth").join("control.sock")
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
        let real = tmp.0.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, tmp.0.path().join("hearth")).unwrap();
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

        // The idle connections are closed after the read timeout: the silent one quietly, the
        // half-written one with an error reply that says why.
        let mut r = BufReader::new(&idle);
        assert_eof(&mut r);
        let mut r = BufReader::new(&half);
        let mut reply = String::new();
        r.read_line(&mut reply).unwrap();
        let reply: Reply = serde_json::from_str(&reply).unwrap();
        assert!(!reply.ok);
        assert!(
            reply
                .error
                .as_deref()
                .unwrap()
                .contains("did not arrive whole"),
            "{reply:?}"
        );
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

    use proptest::prelude::*;
    use proptest::test_runner::{RngSeed, TestCaseError, TestRunner};

    /// The same cases in every run; change it (or set `PROPTEST_CASES`) to explore further.
    const FUZZ_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

    fn fuzz_runner(cases: u32, seed: u64) -> TestRunner {
        let cases = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases);
        TestRunner::new(ProptestConfig {
            cases,
            rng_seed: RngSeed::Fixed(seed),
            failure_persistence: None,
            ..ProptestConfig::default()
        })
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

    /// One change to a valid request. Positions are taken modulo the input's length when
    /// applied, so every mutation applies to every input (and shrinks towards the start).
    #[derive(Debug, Clone)]
    enum Mutation {
        FlipBit {
            at: usize,
            bit: u8,
        },
        SetByte {
            at: usize,
            byte: u8,
        },
        Insert {
            at: usize,
            byte: u8,
        },
        Delete {
            at: usize,
            len: usize,
        },
        Truncate {
            at: usize,
        },
        Duplicate {
            from: usize,
            len: usize,
            to: usize,
        },
        Token {
            token: usize,
            at: usize,
        },
        /// A huge number, possibly thousands of digits long.
        Number {
            digits: Vec<u8>,
            negative: bool,
            exponent: Option<u32>,
            at: usize,
        },
        /// Deep `[` / `{` nesting.
        Nest {
            open: usize,
            depth: usize,
            at: usize,
        },
        /// Past the size limit.
        Oversize {
            extra: usize,
        },
        /// A long string value.
        LongString {
            len: usize,
            at: usize,
        },
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        let at = any::<usize>;
        prop_oneof![
            2 => (at(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
            2 => (at(), any::<u8>()).prop_map(|(at, byte)| Mutation::SetByte { at, byte }),
            2 => (at(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
            2 => (at(), 1usize..9).prop_map(|(at, len)| Mutation::Delete { at, len }),
            2 => at().prop_map(|at| Mutation::Truncate { at }),
            2 => (at(), 1usize..33, at())
                .prop_map(|(from, len, to)| Mutation::Duplicate { from, len, to }),
            4 => (0..TOKENS.len(), at()).prop_map(|(token, at)| Mutation::Token { token, at }),
            2 => (
                prop_oneof![9 => prop::collection::vec(0u8..10, 1..40),
                            1 => prop::collection::vec(0u8..10, 1..5000)],
                any::<bool>(),
                prop::option::of(0u32..100_000),
                at(),
            )
                .prop_map(|(digits, negative, exponent, at)| Mutation::Number {
                    digits,
                    negative,
                    exponent,
                    at,
                }),
            1 => (0usize..3, 1usize..10_000, at())
                .prop_map(|(open, depth, at)| Mutation::Nest { open, depth, at }),
            1 => (0usize..1024).prop_map(|extra| Mutation::Oversize { extra }),
            2 => (0usize..3000, at()).prop_map(|(len, at)| Mutation::LongString { len, at }),
        ]
    }

    fn apply(m: &Mutation, input: &mut Vec<u8>) {
        let n = input.len();
        let pos = |at: usize| at % (n + 1);
        match m {
            Mutation::FlipBit { at, bit } if n > 0 => input[at % n] ^= 1 << bit,
            Mutation::SetByte { at, byte } if n > 0 => input[at % n] = *byte,
            Mutation::Insert { at, byte } => input.insert(pos(*at), *byte),
            Mutation::Delete { at, len } if n > 0 => {
                let i = at % n;
                input.drain(i..(i + len).min(n));
            }
            Mutation::Truncate { at } => input.truncate(pos(*at)),
            Mutation::Duplicate { from, len, to } if n > 0 => {
                let i = from % n;
                let slice = input[i..(i + len).min(n)].to_vec();
                let to = pos(*to);
                input.splice(to..to, slice);
            }
            Mutation::Token { token, at } => {
                let at = pos(*at);
                input.splice(at..at, TOKENS[*token].bytes());
            }
            Mutation::Number {
                digits,
                negative,
                exponent,
                at,
            } => {
                let mut num: Vec<u8> = digits.iter().map(|d| b'0' + d).collect();
                if *negative {
                    num.insert(0, b'-');
                }
                if let Some(e) = exponent {
                    num.extend_from_slice(format!("e{e}").as_bytes());
                }
                let at = pos(*at);
                input.splice(at..at, num);
            }
            Mutation::Nest { open, depth, at } => {
                let open: &[u8] = [&b"["[..], b"{\"a\":", b"[{\"cmd\":"][*open];
                let at = pos(*at);
                input.splice(
                    at..at,
                    open.iter().copied().cycle().take(open.len() * depth),
                );
            }
            Mutation::Oversize { extra } => {
                input.extend(std::iter::repeat_n(b' ', MAX_LINE + extra));
            }
            Mutation::LongString { len, at } => {
                let at = pos(*at);
                input.splice(at..at, format!("\"{}\"", "x".repeat(*len)).into_bytes());
            }
            // A byte-level change to an empty input.
            _ => {}
        }
    }

    /// Random bytes (now and then 80 KiB of them), or a valid request with one to four
    /// mutations: bit flips, byte insertions and deletions, truncation, duplicated slices,
    /// spliced JSON tokens, huge and non-finite numbers, 10k-deep nesting, oversize lines.
    fn fuzz_input() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            1 => prop_oneof![
                99 => prop::collection::vec(any::<u8>(), 0..256),
                1 => prop::collection::vec(any::<u8>(), 0..80 * 1024),
            ],
            4 => (0..SEEDS.len(), prop::collection::vec(mutation(), 1..5)).prop_map(
                |(seed, mutations)| {
                    let mut input = SEEDS[seed].as_bytes().to_vec();
                    for m in &mutations {
                        apply(m, &mut input);
                    }
                    input
                }
            ),
        ]
    }

    #[test]
    fn fuzz_parse_request_never_panics() {
        let (accepted, rejected) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let mut runner = fuzz_runner(200_000, FUZZ_SEED);
        let result = runner.run(&fuzz_input(), |input| {
            let parsed = catch_unwind(|| parse_request(&input))
                .map_err(|_| TestCaseError::fail("parse_request panicked"))?;
            match parsed {
                Ok(req) => {
                    accepted.fetch_add(1, Ordering::Relaxed);
                    prop_assert_eq!(req.validate(), Ok(()));
                    let again = serde_json::to_vec(&req).unwrap();
                    prop_assert_eq!(parse_request(&again), Ok(req), "round trip");
                }
                Err(e) => {
                    rejected.fetch_add(1, Ordering::Relaxed);
                    prop_assert!(!e.to_string().is_empty());
                    prop_assert!(Reply::error(e.to_string()).error.unwrap().chars().count() <= 513);
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        // The mutations must keep some inputs valid, or the fuzzer only tests the JSON lexer.
        let (accepted, rejected) = (accepted.into_inner(), rejected.into_inner());
        println!("{accepted} accepted, {rejected} rejected");
        assert!(accepted > 1_000, "only {accepted} accepted");
        assert!(rejected > 100_000, "only {rejected} rejected");
    }

    #[test]
    fn fuzz_live_server() {
        let tmp = TempDir::new("fuzz");
        let path = tmp.sock();
        // A read deadline long enough for an 80 KiB line on a loaded machine; a line that
        // still misses it gets an `incomplete` error reply, which this test accepts too.
        let config = ServerConfig {
            read_timeout: Duration::from_secs(3),
            ..quick_config()
        };
        let _server = ControlServer::bind_with_config(&path, echo_handler(), config).unwrap();
        let mut runner = fuzz_runner(2_000, FUZZ_SEED ^ 0xDEAD_BEEF);
        let result = runner.run(&fuzz_input(), |mut line| {
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
            prop_assert!(parsed.is_ok(), "bad reply {:?}", reply);
            drop(r);
            drop(s);
            sender.join().unwrap();
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        status_ok(&path);
    }
}
