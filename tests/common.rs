//! Small helpers shared by the integration tests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A recording installed by `scripts/setup --test-data`; fails loudly if it is not there.
pub fn speech(name: &str) -> PathBuf {
    let p = root().join("tests/data/speech").join(name);
    assert!(
        p.exists(),
        "{} is missing: run `scripts/setup --test-data`",
        p.display()
    );
    p
}

/// A fresh temporary directory for one test (`tag` in its name), removed when the test is over;
/// when the test fails it is kept and its path printed, for the logs and recordings in it.
pub fn temp_dir(tag: &str) -> TempHome {
    let dir = tempfile::Builder::new()
        .prefix(&format!("hearth-it-{tag}-"))
        .tempdir()
        .expect("a temporary directory");
    TempHome(Some(dir))
}

/// See [`temp_dir`]; derefs to its path.
pub struct TempHome(Option<tempfile::TempDir>);

impl std::ops::Deref for TempHome {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.as_ref().expect("only taken in drop").path()
    }
}

impl AsRef<Path> for TempHome {
    fn as_ref(&self) -> &Path {
        self
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        if std::thread::panicking() {
            if let Some(dir) = self.0.take() {
                eprintln!("test files kept in {}", dir.keep().display());
            }
        }
    }
}

/// The `hearth` binary with an isolated config and data folder.
pub fn hearth(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env("HEARTH_ASSETS_DIR", root())
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home.join("run"))
        .env_remove("HEARTH_CONFIG")
        .env("HEARTH_LOG", "warn");
    c
}

pub fn run(mut cmd: Command) -> Output {
    cmd.output().expect("hearth binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Types `lines` into `hearth chat` in `home`, `pause` apart, then "quit"; everything it printed
/// (each of Hearth's turns starts at a `hearth> ` prompt). Fails the test if chat fails.
pub fn chat_transcript(home: &Path, lines: &[&str], pause: Duration) -> String {
    let mut c = hearth(home);
    // Hearth varies its lines by the day: the console's clock starts on one day (2026-12-05,
    // noon UTC) so that the same lines come whatever the date the tests run.
    c.arg("chat")
        .env("HEARTH_CHAT_EPOCH_MS", "1796472000000")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("hearth binary runs");
    let mut stdin = child.stdin.take().expect("piped");
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
        std::thread::sleep(pause);
    }
    writeln!(stdin, "quit").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Types `lines` into `hearth chat` in `home`; every line Hearth said, in order.
pub fn chat_said(home: &Path, lines: &[&str]) -> Vec<String> {
    chat_transcript(home, lines, Duration::ZERO)
        .lines()
        .filter_map(|l| l.strip_prefix("hearth> "))
        .map(str::to_string)
        .collect()
}

/// Librivox clips with their reference transcripts.
pub fn librivox() -> Vec<(PathBuf, String)> {
    let dir = root().join("tests/data/speech/librivox");
    assert!(
        dir.exists(),
        "{} is missing: run `scripts/setup --test-data`",
        dir.display()
    );
    let mut v: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .map(|p| {
            let txt = std::fs::read_to_string(p.with_extension("txt")).unwrap();
            (p, txt.trim().to_string())
        })
        .collect();
    v.sort();
    v
}

pub const JFK: &str = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";
