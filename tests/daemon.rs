//! The daemon on real audio: a private PulseAudio with a null sink as the speaker and a remapped
//! null-sink monitor as the microphone (the loop in DESIGN.md). Recorded speech is played into
//! the virtual microphone, the speaker is recorded, and Hearth's own recogniser checks what
//! Hearth said. Also: the daemon without any audio device, the control socket under abuse,
//! signals and reload.

use crate::common::*;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A private PulseAudio server; killed on drop.
pub(crate) struct PulseAudio {
    pub(crate) runtime: PathBuf,
    child: Child,
}

impl PulseAudio {
    pub(crate) fn start(home: &Path) -> PulseAudio {
        let runtime = home.join("run");
        std::fs::create_dir_all(&runtime).unwrap();
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let script = home.join("pa.pa");
        std::fs::write(
            &script,
            "load-module module-native-protocol-unix\n\
             load-module module-null-sink sink_name=spk rate=48000 channels=2\n\
             load-module module-null-sink sink_name=micfeed rate=48000 channels=1\n\
             load-module module-remap-source source_name=mic master=micfeed.monitor\n\
             set-default-sink spk\nset-default-source mic\n",
        )
        .unwrap();
        let child = Command::new("pulseaudio")
            .args(["-n", "-F"])
            .arg(&script)
            .args([
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--log-target=stderr",
            ])
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("HOME", home)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio is installed by scripts/setup --test-data");
        let pa = PulseAudio { runtime, child };
        wait_until(Duration::from_secs(15), "PulseAudio to start", || {
            pa.cmd("pactl")
                .arg("info")
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
        });
        pa
    }

    /// Writes Hearth's config in `home` choosing this rig's devices by name (as a person would
    /// after `hearth devices`), with `more_audio` lines added to its `[audio]` table.
    pub(crate) fn configure(home: &Path, more_audio: &str) {
        std::fs::create_dir_all(home.join("config/hearth")).unwrap();
        std::fs::write(
            home.join("config/hearth/config.toml"),
            format!("[audio]\ninput = \"mic\"\noutput = \"spk\"\n{more_audio}"),
        )
        .unwrap();
    }

    fn cmd(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("XDG_RUNTIME_DIR", &self.runtime);
        c
    }

    /// A room: Hearth's output (the speaker's monitor) fed back into the microphone `delay_ms`
    /// later at `gain_db` relative to what it plays (0 dB: as loud in the microphone as a person
    /// speaking into it at full level).
    pub(crate) fn add_echo_path(&self, delay_ms: u32, gain_db: f32) {
        let out = self
            .cmd("pactl")
            .args([
                "load-module",
                "module-loopback",
                "source=spk.monitor",
                "sink=micfeed",
                &format!("latency_msec={delay_ms}"),
                "source_dont_move=true",
                "sink_dont_move=true",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The loopback's sink input on the microphone feed carries the level (the rig has one).
        let mut input = None;
        wait_until(Duration::from_secs(10), "the loopback's sink input", || {
            let list = self
                .cmd("pactl")
                .args(["list", "short", "sink-inputs"])
                .output()
                .unwrap();
            input = String::from_utf8_lossy(&list.stdout)
                .lines()
                .find(|l| l.contains("module-loopback"))
                .and_then(|l| l.split_whitespace().next().map(str::to_string));
            input.is_some()
        });
        // As a linear amplitude factor (pactl reads "-6dB" as a relative change).
        let ok = self
            .cmd("pactl")
            .args(["set-sink-input-volume", input.as_deref().unwrap()])
            .arg(format!("{:.4}", 10f32.powf(gain_db / 20.0)))
            .status()
            .unwrap()
            .success();
        assert!(ok, "setting the echo level failed");
    }

    /// Plays a WAV into the virtual microphone and waits for it to finish.
    fn speak_into_mic(&self, wav: &Path) {
        let ok = self
            .cmd("paplay")
            .args(["-d", "micfeed"])
            .arg(wav)
            .status()
            .unwrap()
            .success();
        assert!(ok, "paplay failed");
    }
}

impl Drop for PulseAudio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn wait_until(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

/// A running `hearth run`; SIGTERM on drop.
pub(crate) struct Daemon {
    home: PathBuf,
    runtime: PathBuf,
    child: Option<Child>,
}

impl Daemon {
    pub(crate) fn start(
        home: &Path,
        runtime: &Path,
        extra_env: &[(&str, &Path)],
        args: &[&str],
    ) -> Daemon {
        std::fs::create_dir_all(runtime).unwrap();
        std::fs::set_permissions(runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let mut cmd = hearth(home);
        cmd.env("XDG_RUNTIME_DIR", runtime)
            .env("HEARTH_LOG", "debug,pulseaudio=info,ort=warn")
            .arg("run")
            .args(args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let log = std::fs::File::create(home.join("daemon.log")).unwrap();
        let child = cmd.stdout(Stdio::null()).stderr(log).spawn().unwrap();
        let d = Daemon {
            home: home.to_path_buf(),
            runtime: runtime.to_path_buf(),
            child: Some(child),
        };
        wait_until(
            Duration::from_secs(60),
            "the daemon's control socket",
            || d.try_status().is_some(),
        );
        d
    }

    pub(crate) fn client(&self) -> Command {
        let mut c = hearth(&self.home);
        c.env("XDG_RUNTIME_DIR", &self.runtime);
        c
    }

    pub(crate) fn try_status(&self) -> Option<serde_json::Value> {
        let mut c = self.client();
        c.args(["status", "--json"]);
        let out = c.output().ok()?;
        if !out.status.success() {
            return None;
        }
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
        Some(v["data"].clone())
    }

    /// Waits for `pred` on the status; on time-out fails with the status and the daemon's log.
    pub(crate) fn wait(
        &self,
        limit: Duration,
        what: &str,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.try_status().is_some_and(|s| pred(&s)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "timed out waiting for {what}; status: {}\nlog:\n{}",
            self.try_status().unwrap_or_default(),
            self.log()
        );
    }

    pub(crate) fn status(&self) -> serde_json::Value {
        self.try_status()
            .unwrap_or_else(|| panic!("status failed; daemon log:\n{}", self.log()))
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.home.join("daemon.log")).unwrap_or_default()
    }

    pub(crate) fn socket(&self) -> PathBuf {
        self.runtime.join("hearth/control.sock")
    }

    pub(crate) fn pid(&self) -> i32 {
        self.child.as_ref().unwrap().id() as i32
    }

    /// SIGTERM and the time the daemon took to exit.
    pub(crate) fn terminate(&mut self) -> Duration {
        self.terminate_with_status().0
    }

    /// SIGTERM; the time the daemon took to exit and how it exited.
    pub(crate) fn terminate_with_status(&mut self) -> (Duration, std::process::ExitStatus) {
        let mut child = self.child.take().unwrap();
        let start = Instant::now();
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return (start.elapsed(), status);
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                panic!("daemon did not stop within 10 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            unsafe { libc::kill(c.id() as i32, libc::SIGTERM) };
            let _ = c.wait();
        }
    }
}

/// The spoken request of the audio-loop tests.
const REQUEST: &str = "Hey Hearth, let's do box breathing.";

/// Speech for the microphone: Hearth's requests as a person would say them. No public recording
/// says "hey hearth", so these are synthesized once (Piper for the requests, espeak-ng — a
/// different voice — for "stop") and then travel the real audio path like any voice.
fn make_speech(home: &Path) -> (PathBuf, PathBuf) {
    let request = home.join("request.wav");
    // Piper's synthesis varies from run to run (its noise is not seeded), and now and then the
    // wake phrase comes out as something else ("a harflats do"). Keep a take that Hearth's own
    // recogniser hears as the request, so the test is about the daemon, not about one take.
    for _ in 0..6 {
        let mut c = hearth(home);
        c.args(["say", "Hey Hearth, let's do box breathing.", "--out"])
            .arg(&request);
        assert!(run(c).status.success());
        let mut t = hearth(home);
        t.arg("transcribe").arg(&request);
        let heard = String::from_utf8_lossy(&run(t).stdout).to_lowercase();
        if heard.starts_with("hey hearth") {
            break;
        }
    }
    let stop = home.join("stop.wav");
    let ok = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "140", "-w"])
        .arg(&stop)
        .arg("Stop.")
        .status()
        .expect("espeak-ng is installed by scripts/setup --test-data");
    assert!(ok.success());
    (request, stop)
}

#[test]
fn daemon_listens_answers_runs_box_breathing_and_stops_on_a_spoken_stop() {
    let home = temp_dir("daemon-audio");
    let (request, stop) = make_speech(&home);
    let pa = PulseAudio::start(&home);
    PulseAudio::configure(&home, "");
    let mut daemon = Daemon::start(&home, &pa.runtime, &[], &[]);
    daemon.wait(
        Duration::from_secs(20),
        "the microphone to deliver audio",
        |s| s["input"]["chunks"].as_u64().unwrap_or(0) > 5,
    );

    // Record the speaker for the whole conversation.
    let recording = home.join("speaker.wav");
    let mut recorder = pa
        .cmd("parecord")
        .args(["-d", "spk.monitor", "--file-format=wav"])
        .arg(&recording)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));

    // 1. Speech not addressed to Hearth is dropped.
    let other = home.join("other.wav");
    let mut c = hearth(&home);
    c.args(["say", "Could you pass me the salt, please?", "--out"])
        .arg(&other);
    assert!(run(c).status.success());
    pa.speak_into_mic(&other);
    daemon.wait(
        Duration::from_secs(20),
        "the unaddressed utterance to be dropped",
        |s| s["dropped_not_addressed"].as_u64() == Some(1),
    );
    assert_eq!(daemon.status()["speaking"], false);

    // 2. The wake phrase and a request: Hearth answers (first conversation: it says it is an AI)
    // and the breathing flow starts at once; keeping reflections is asked before the first
    // reflection, not before a breathing exercise.
    say_request_until_heard(&pa, &daemon, &home, request);
    daemon.wait(Duration::from_secs(30), "Hearth to answer", |s| {
        s["speaking"] == true
    });
    daemon.wait(
        Duration::from_secs(30),
        "the box breathing flow to start",
        |s| s["engine"]["flow"] == "box-breathing",
    );
    daemon.wait(
        Duration::from_secs(60),
        "the flow's guidance to play",
        // The disclosure and the first cue have been heard, and a later cue is playing.
        |s| {
            let cue = s["engine"]["step"]
                .as_str()
                .and_then(|t| t.strip_prefix("cue "))
                .and_then(|t| t.split(' ').next())
                .and_then(|n| n.parse::<u32>().ok());
            s["speaking"] == true && cue >= Some(2)
        },
    );

    // 3. A spoken "stop" while Hearth speaks cuts playback and ends the flow.
    let barge_before = daemon.status()["barge_in"]["count"].as_u64().unwrap();
    pa.speak_into_mic(&stop);
    daemon.wait(Duration::from_secs(20), "the flow to stop", |s| {
        s["engine"]["flow"].is_null()
    });
    let status = daemon.status();
    assert_eq!(
        status["barge_in"]["count"].as_u64().unwrap(),
        barge_before + 1,
        "{status}"
    );
    let reaction = status["barge_in"]["reaction_ms"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_f64()
        .unwrap();
    println!(
        "barge-in reaction {reaction:.0} ms; end of speech → first audio: {}",
        status["latency_ms"]
    );
    assert!(status["latency_ms"]["count"].as_u64().unwrap() >= 1);

    std::thread::sleep(Duration::from_millis(2000));
    unsafe { libc::kill(recorder.id() as i32, libc::SIGINT) };
    let _ = recorder.wait();

    // 4. The microphone disappears mid-stream, and is picked up again when it returns.
    let losses = daemon.status()["input"]["losses"].as_u64().unwrap();
    let unload = pa
        .cmd("pactl")
        .args(["unload-module", "module-remap-source"])
        .status()
        .unwrap();
    assert!(unload.success());
    daemon.wait(
        Duration::from_secs(20),
        "the lost microphone to be reported",
        |s| s["input"]["losses"].as_u64().unwrap() > losses && s["input"]["ok"] == false,
    );
    assert!(daemon.status()["input"]["detail"]
        .as_str()
        .unwrap()
        .contains("retrying"));
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        daemon.try_status().is_some(),
        "the daemon must keep running without its microphone"
    );
    let load = pa
        .cmd("pactl")
        .args([
            "load-module",
            "module-remap-source",
            "source_name=mic",
            "master=micfeed.monitor",
        ])
        .output()
        .unwrap();
    assert!(load.status.success());
    assert!(pa
        .cmd("pactl")
        .args(["set-default-source", "mic"])
        .status()
        .unwrap()
        .success());
    daemon.wait(
        Duration::from_secs(30),
        "the microphone to be recovered",
        |s| s["input"]["ok"] == true,
    );
    let chunks = daemon.status()["input"]["chunks"].as_u64().unwrap();
    daemon.wait(Duration::from_secs(20), "audio after recovery", |s| {
        s["input"]["chunks"].as_u64().unwrap() > chunks + 5
    });

    // What Hearth said, heard by Hearth's own recogniser from the recorded speaker. The recording
    // is a minute of speech with the breathing pauses in it; Whisper drops most of such a long
    // file, so it is cut at its silences (sox) and each piece is transcribed.
    let pieces = home.join("pieces");
    std::fs::create_dir_all(&pieces).unwrap();
    let split = Command::new("sox")
        .arg(&recording)
        .arg(pieces.join("part.wav"))
        .args(["silence", "1", "0.05", "0.5%", "1", "0.4", "0.5%"])
        .args([":", "newfile", ":", "restart"])
        .status()
        .expect("sox is installed by scripts/setup --test-data");
    assert!(split.success());
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&pieces)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 16_000))
        .collect();
    parts.sort();
    assert!(!parts.is_empty(), "nothing was played");
    let mut c = hearth(&home);
    c.args(["transcribe", "--full-window"]).args(&parts);
    let out = run(c);
    assert!(out.status.success(), "{}", stderr(&out));
    let heard = stdout(&out).to_lowercase();
    println!("speaker said: {heard}");
    // ("I'm an AI, not a person" is often heard as "I'm a nay" or "I'm a nana person"; the
    // rest of the disclosure is distinctive.)
    assert!(
        heard.contains("person") && heard.contains("not a therapist") && heard.contains("device"),
        "no disclosure in: {heard}"
    );
    assert!(
        heard.contains("box breathing") || heard.contains("breathe") || heard.contains("breath"),
        "no breathing guidance in: {heard}"
    );

    // SIGTERM with live audio devices: a graceful stop within 2 s.
    let took = daemon.terminate();
    println!("stopped in {took:?}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

/// What one run in the echoing room saw.
pub(crate) struct EchoRun {
    /// Barge-ins while Hearth only heard itself (the disclosure and ~25 s of box breathing).
    pub(crate) self_barge_ins: u64,
    /// Transcripts taken as requests over the same time (Hearth's own sentences).
    pub(crate) self_requests: u64,
    /// Utterances the endpointer cut from Hearth's own voice.
    pub(crate) self_utterances: u64,
    /// Whether a spoken "stop" then ended the flow.
    pub(crate) stopped: bool,
    pub(crate) status: serde_json::Value,
}

/// Plays the request into the microphone until Hearth answers it. Piper's takes vary (its noise
/// is not seeded) and its "hearth" is sometimes heard as "harf", which is rightly not the wake
/// phrase: like a person who is not heard, the test says it again, with a fresh take, at most
/// three times; every miss is counted as dropped.
fn say_request_until_heard(pa: &PulseAudio, daemon: &Daemon, home: &Path, request: PathBuf) {
    let mut take = request;
    for attempt in 1..=3 {
        let dropped = daemon.status()["dropped_not_addressed"].as_u64();
        pa.speak_into_mic(&take);
        daemon.wait(Duration::from_secs(30), "Hearth to answer", |s| {
            s["speaking"] == true || s["dropped_not_addressed"].as_u64() != dropped
        });
        if daemon.status()["dropped_not_addressed"].as_u64() == dropped {
            return;
        }
        assert!(attempt < 3, "the wake phrase was not heard in three takes");
        take = home.join(format!("request{attempt}.wav"));
        let mut c = hearth(home);
        c.args(["say", REQUEST, "--out"]).arg(&take);
        assert!(run(c).status.success());
    }
}

/// Box breathing in a room where Hearth's output comes back into the microphone 40 ms later at
/// `gain_db`, then a "stop" in an outside voice (espeak-ng).
pub(crate) fn box_breathing_in_an_echoing_room(echo_cancel: bool, gain_db: f32) -> EchoRun {
    let home = temp_dir("daemon-echo");
    let (request, stop) = make_speech(&home);
    let pa = PulseAudio::start(&home);
    PulseAudio::configure(&home, &format!("echo_cancel = {echo_cancel}\n"));
    let daemon = Daemon::start(&home, &pa.runtime, &[], &[]);
    daemon.wait(
        Duration::from_secs(20),
        "the microphone to deliver audio",
        |s| s["input"]["chunks"].as_u64().unwrap_or(0) > 5,
    );
    pa.add_echo_path(40, gain_db);
    std::thread::sleep(Duration::from_millis(500));

    // The request (a fresh Piper take if one is not heard, as in the main audio test).
    say_request_until_heard(&pa, &daemon, &home, request);
    let before = daemon.status();
    let count = |s: &serde_json::Value, k: &str| s[k].as_u64().unwrap_or(0);
    // From Hearth's first word on, the microphone hears only Hearth: the disclosure, the
    // introduction and the cues, 25 s in all (its first seconds, before the canceller has
    // learnt the room, included).
    let listened = Instant::now();
    let mut flow_started = false;
    while listened.elapsed() < Duration::from_secs(25) {
        std::thread::sleep(Duration::from_millis(250));
        flow_started |= daemon.status()["engine"]["flow"] == "box-breathing";
    }
    let after = daemon.status();
    let mut run = EchoRun {
        self_barge_ins: after["barge_in"]["count"].as_u64().unwrap()
            - before["barge_in"]["count"].as_u64().unwrap(),
        self_requests: count(&after, "requests_heard") - count(&before, "requests_heard"),
        self_utterances: count(&after, "utterances") - count(&before, "utterances"),
        stopped: false,
        status: after.clone(),
    };
    println!(
        "echo_cancel={echo_cancel} at {gain_db} dB: {} barge-ins, {} requests, {} utterances from \
         Hearth's own voice in 25 s; echo {}",
        run.self_barge_ins, run.self_requests, run.self_utterances, after["echo"]
    );
    if !flow_started || after["engine"]["flow"] != "box-breathing" {
        // Hearth's own voice ended the flow: "stop" has nothing left to stop.
        return run;
    }
    // "stop" while Hearth speaks, its own voice still in the microphone.
    let _ = wait_for(&daemon, Duration::from_secs(15), |s| s["speaking"] == true);
    pa.speak_into_mic(&stop);
    run.stopped = wait_for(&daemon, Duration::from_secs(20), |s| {
        s["engine"]["flow"].is_null()
    });
    run.status = daemon.status();
    if !run.stopped {
        println!("the flow did not stop; log:\n{}", daemon.log());
    }
    run
}

/// Polls the status until `pred` holds or `limit` passes; whether it held.
fn wait_for(daemon: &Daemon, limit: Duration, pred: impl Fn(&serde_json::Value) -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if daemon.try_status().is_some_and(|s| pred(&s)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Issue #12's room test. Not yet passing, so ignored: on this loop the echo's delay moves
/// (PulseAudio's loopback adapts its latency; 30 to 110 ms within a run), the canceller alone
/// removes only ~8-10 dB there, and residue still starts barge-ins (5-6 in 25 s against 4-7
/// without the canceller). Run it with `--ignored`; `HEARTH_TEST_ECHO_CANCEL=false` runs the
/// same room without the canceller, for comparison.
#[test]
#[ignore = "fails: Hearth still interrupts itself in the echoing room (issue #12)"]
fn daemon_in_an_echoing_room_does_not_hear_itself_but_hears_stop() {
    let on = std::env::var("HEARTH_TEST_ECHO_CANCEL").map_or(true, |v| v != "false");
    let run = box_breathing_in_an_echoing_room(on, 0.0);
    assert_eq!(run.self_barge_ins, 0, "interrupted itself: {}", run.status);
    assert_eq!(
        run.self_requests, 0,
        "took its own voice as a request: {}",
        run.status
    );
    assert!(
        run.stopped,
        "a spoken stop did not end the flow: {}",
        run.status
    );
    assert_eq!(run.status["echo"]["enabled"], true);
}

#[test]
fn daemon_runs_without_any_audio_device_and_survives_abuse_and_signals() {
    let home = temp_dir("daemon-nodev");
    // Its own copy of the prompts, so a broken one can be tried on reload.
    let assets = home.join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    for d in ["models", "voices"] {
        std::os::unix::fs::symlink(root().join(d), assets.join(d)).unwrap();
    }
    copy_dir(&root().join("prompts"), &assets.join("prompts"));
    let runtime = home.join("run"); // no PulseAudio here, and no sound card on the machine
    let mut daemon = Daemon::start(&home, &runtime, &[("HEARTH_ASSETS_DIR", &assets)], &[]);
    std::thread::sleep(Duration::from_millis(1500));
    let status = daemon.status();
    assert_eq!(status["input"]["ok"], false, "{status}");
    assert!(
        status["input"]["detail"]
            .as_str()
            .unwrap()
            .contains("retrying"),
        "{status}"
    );

    // Socket permissions.
    let mode = std::fs::metadata(daemon.socket())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let dir_mode = std::fs::metadata(daemon.socket().parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);

    // Malformed and oversized messages get an error reply; the daemon carries on.
    for bad in [
        &b"{not json\n"[..],
        b"{\"cmd\":\"launch_rockets\"}\n",
        b"{\"cmd\":\"mood\",\"score\":99}\n",
    ] {
        let reply = raw_exchange(&daemon.socket(), bad);
        assert!(reply.contains("\"ok\":false"), "{reply}");
    }
    let huge = vec![b'x'; 200_000];
    let reply = raw_exchange(&daemon.socket(), &huge);
    assert!(reply.contains("\"ok\":false"), "{reply}");
    assert!(
        daemon.try_status().is_some(),
        "daemon stopped answering after bad input"
    );

    // A typed utterance goes through the same engine (and the safety engine first).
    let mut c = daemon.client();
    c.args(["start", "box-breathing", "--cycles", "2"]);
    let out = run(c);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(daemon.status()["engine"]["flow"], "box-breathing");
    let mut c = daemon.client();
    c.arg("stop");
    assert!(run(c).status.success());
    assert!(daemon.status()["engine"]["flow"].is_null());

    // SIGHUP with a broken prompt file keeps the old prompts and says why.
    let flow = assets.join("prompts/flows/box-breathing.toml");
    let good = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, format!("{good}\n[[[broken\n")).unwrap();
    unsafe { libc::kill(daemon.pid(), libc::SIGHUP) };
    wait_until(Duration::from_secs(10), "the reload to be reported", || {
        !daemon.status()["last_reload"].is_null()
    });
    let reload = daemon.status()["last_reload"].clone();
    assert_eq!(reload["ok"], false, "{reload}");
    assert!(
        reload["error"]
            .as_str()
            .unwrap()
            .contains("box-breathing.toml"),
        "{reload}"
    );
    let mut c = daemon.client();
    c.args(["start", "box-breathing"]);
    assert!(run(c).status.success(), "the old prompts should still work");
    // Fixed again: reload succeeds.
    std::fs::write(&flow, good).unwrap();
    let mut c = daemon.client();
    c.arg("reload");
    assert!(run(c).status.success());
    assert_eq!(daemon.status()["last_reload"]["ok"], true);

    // The same for a safety rule that does not compile: refused, named by file and line, and
    // the running rules stay (Hearth is never left without a screen).
    let rules = assets.join("prompts/safety/rules.toml");
    let good_rules = std::fs::read_to_string(&rules).unwrap();
    let line = good_rules
        .lines()
        .position(|l| l.starts_with("pattern = '"))
        .unwrap()
        + 1;
    std::fs::write(
        &rules,
        good_rules.replacen("pattern = '", "pattern = '(", 1),
    )
    .unwrap();
    unsafe { libc::kill(daemon.pid(), libc::SIGHUP) };
    wait_until(
        Duration::from_secs(10),
        "the refused reload to be reported",
        || daemon.status()["last_reload"]["ok"] == false,
    );
    let reload = daemon.status()["last_reload"].clone();
    assert!(
        reload["error"]
            .as_str()
            .unwrap()
            .contains(&format!("safety/rules.toml:{line}: ")),
        "{reload}"
    );
    std::fs::write(&rules, good_rules).unwrap();

    // SIGTERM: a graceful stop within 2 s, socket removed.
    let took = daemon.terminate();
    println!("stopped in {took:?}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(!runtime.join("hearth/control.sock").exists());
}

fn raw_exchange(socket: &Path, bytes: &[u8]) -> String {
    let mut s = std::os::unix::net::UnixStream::connect(socket).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(bytes);
    // Done sending: the server answers and closes instead of waiting for more requests.
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    reply
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Benchmarks on the real audio loop. Ignored by `cargo test`; `make bench` runs them with
// `--ignored`. They measure and print (and write target/bench-daemon.json); they never fail
// because a machine was slow.

fn proc_cpu_ticks(pid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    f.get(11).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0)
}

fn proc_rss_mb(pid: i32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

fn write_bench(name: &str, value: serde_json::Value) {
    let path = root().join("target").join(format!("bench-{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    println!("{}", serde_json::to_string_pretty(&value).unwrap());
}

#[test]
#[ignore = "benchmark: run with `make bench`"]
fn bench_daemon_latency_barge_in_and_idle_cpu_on_the_audio_loop() {
    let home = temp_dir("bench-loop");
    let pa = PulseAudio::start(&home);
    let daemon = Daemon::start(&home, &pa.runtime, &[], &[]);
    daemon.wait(Duration::from_secs(20), "audio", |s| {
        s["input"]["chunks"].as_u64().unwrap_or(0) > 5
    });
    // Idle CPU: 30 s of silence.
    let ticks_per_s = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    let t0 = proc_cpu_ticks(daemon.pid());
    std::thread::sleep(Duration::from_secs(30));
    let idle_cpu = (proc_cpu_ticks(daemon.pid()) - t0) as f64 / ticks_per_s / 30.0 * 100.0;
    // First conversation: the disclosure, then the breathing flow.
    let (request, stop) = make_speech(&home);
    pa.speak_into_mic(&request);
    daemon.wait(Duration::from_secs(30), "flow", |s| {
        s["engine"]["flow"] == "box-breathing"
    });
    daemon.wait(Duration::from_secs(30), "speech", |s| s["speaking"] == true);
    // Barge-ins: "stop" during playback, ten times.
    for i in 0..10 {
        if i > 0 {
            let mut c = daemon.client();
            c.args(["say", "This is a long sentence that Hearth is speaking so that it can be interrupted in the middle of it."]);
            assert!(run(c).status.success());
            daemon.wait(Duration::from_secs(30), "speech", |s| s["speaking"] == true);
            std::thread::sleep(Duration::from_millis(300));
        }
        pa.speak_into_mic(&stop);
        daemon.wait(Duration::from_secs(20), "barge-in", |s| {
            s["barge_in"]["count"].as_u64() == Some(i + 1)
        });
        daemon.wait(Duration::from_secs(20), "quiet", |s| s["speaking"] == false);
        std::thread::sleep(Duration::from_millis(1500));
    }
    // Turns: a request, the reply starts; repeated for p50/p95 of end of speech → first audio.
    let mood = home.join("mood.wav");
    let mut c = hearth(&home);
    c.args(["say", "Hey Hearth, what can you do?", "--out"])
        .arg(&mood);
    assert!(run(c).status.success());
    for _ in 0..12 {
        pa.speak_into_mic(&mood);
        daemon.wait(Duration::from_secs(30), "reply", |s| s["speaking"] == true);
        let mut c = daemon.client();
        c.arg("stop");
        let _ = run(c);
        daemon.wait(Duration::from_secs(30), "quiet", |s| s["speaking"] == false);
        std::thread::sleep(Duration::from_millis(1200));
    }
    let s = daemon.status();
    write_bench(
        "daemon",
        serde_json::json!({
            "idle_cpu_percent_of_one_core": idle_cpu,
            "end_of_speech_to_first_audio_ms": s["latency_ms"],
            "barge_in_reaction_ms": s["barge_in"]["reaction_ms"],
            "rss_mb": proc_rss_mb(daemon.pid()),
        }),
    );
}

#[test]
#[ignore = "benchmark: run with `make bench`"]
fn bench_daemon_memory_over_an_hour_of_simulated_conversation() {
    // 360 turns (an hour at one every ten seconds), typed through the control socket so they
    // run back to back: the engine, the store and speech synthesis (without a sound card, so
    // synthesized but not played) each turn.
    let home = temp_dir("bench-mem");
    let runtime = home.join("run");
    let daemon = Daemon::start(&home, &runtime, &[], &["--no-audio"]);
    let turns = [
        "what can you do",
        "log my mood as six, a bit tired",
        "no",
        "how has my mood been this week",
        "let's do box breathing",
        "stop",
        "i feel a bit lonely tonight",
        "thank you",
    ];
    let mut samples = Vec::new();
    for i in 0..360 {
        let msg = format!(
            "{{\"cmd\":\"utterance\",\"text\":\"{}\"}}",
            turns[i % turns.len()]
        );
        let reply = raw_exchange(&daemon.socket(), format!("{msg}\n").as_bytes());
        assert!(reply.contains("\"ok\":true"), "{reply}");
        // Each turn is fully answered (synthesized) before the next.
        daemon.wait(Duration::from_secs(60), "the reply", |s| {
            s["speaking"] == false
        });
        if i % 30 == 0 {
            samples.push(proc_rss_mb(daemon.pid()));
        }
    }
    samples.push(proc_rss_mb(daemon.pid()));
    write_bench(
        "memory",
        serde_json::json!({"turns": 360, "rss_mb_every_30_turns": samples}),
    );
}

#[test]
fn daemon_offers_the_evening_reflection_at_the_configured_time() {
    let home = temp_dir("daemon-evening");
    // A whole minute that starts 20 to 80 s from now, local time: the daemon must be up before
    // it starts (with "the next minute", a start at :59 left one second for loading the models,
    // and the offer moved to tomorrow).
    let at = chrono::Local::now() + chrono::Duration::seconds(80);
    std::fs::create_dir_all(home.join("config/hearth")).unwrap();
    std::fs::write(
        home.join("config/hearth/config.toml"),
        format!(
            "[schedule]\nevening_reflection = \"{}\"\n",
            at.format("%H:%M")
        ),
    )
    .unwrap();
    let daemon = Daemon::start(&home, &home.join("run"), &[], &["--no-audio"]);
    assert!(daemon.status()["next_evening_offer"].is_string());
    daemon.wait(Duration::from_secs(95), "the evening offer", |s| {
        s["offered"] == "evening-reflection"
    });
    let reply = raw_exchange(
        &daemon.socket(),
        b"{\"cmd\":\"utterance\",\"text\":\"yes please\"}\n",
    );
    assert!(reply.contains("\"ok\":true"), "{reply}");
    // The first reflection asks first whether to keep its words; "no" keeps the default.
    let reply = raw_exchange(
        &daemon.socket(),
        b"{\"cmd\":\"utterance\",\"text\":\"no\"}\n",
    );
    assert!(reply.contains("\"ok\":true"), "{reply}");
    daemon.wait(Duration::from_secs(10), "the reflection to start", |s| {
        s["engine"]["flow"] == "evening-reflection"
    });
}

/// Ordinary talk in a living room, none of it addressed to Hearth (the kinds of line that once
/// made it speak up uninvited).
const OVERHEARD: &[&str] = &[
    "Which river is the longest in Europe?",
    "My laptop is not responding again.",
    "In the film he jumps off the bridge at the end to save her.",
    "These deadlines are killing me.",
    "Have you seen my coat? I left it on the chair.",
    "The news said a man was hit by a car on the high street.",
    "Our cat got hit by a car this morning, I'm so sad.",
    "I'm dying to see that new film on Friday.",
    "Can you believe the match last night, it was a massacre.",
    "I could just kill for a cup of tea right now.",
    "What's the point of this meeting anyway?",
    "I'm so tired, I'm going to bed early tonight.",
];

#[test]
fn daemon_stays_quiet_through_a_minute_of_overheard_talk_but_answers_i_want_to_die() {
    let home = temp_dir("daemon-overheard");
    let pa = PulseAudio::start(&home);
    PulseAudio::configure(&home, "");
    // Outside voices: espeak-ng, not Hearth's own Piper voice.
    let lines: Vec<PathBuf> = OVERHEARD
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let wav = home.join(format!("overheard{i}.wav"));
            let voice = ["en-us", "en-gb", "en-us+f3", "en-gb+m3"][i % 4];
            let ok = Command::new("espeak-ng")
                .args(["-v", voice, "-s", "150", "-w"])
                .arg(&wav)
                .arg(text)
                .status()
                .expect("espeak-ng is installed by scripts/setup --test-data");
            assert!(ok.success());
            wav
        })
        .collect();
    let mut daemon = Daemon::start(&home, &pa.runtime, &[], &[]);
    daemon.wait(
        Duration::from_secs(20),
        "the microphone to deliver audio",
        |s| s["input"]["chunks"].as_u64().unwrap_or(0) > 5,
    );
    let started = std::time::Instant::now();
    for wav in &lines {
        pa.speak_into_mic(wav);
        std::thread::sleep(Duration::from_millis(800));
        let s = daemon.status();
        assert_eq!(s["speaking"], false, "Hearth spoke up uninvited: {s}");
        assert_eq!(s["engine"]["mode"], "idle", "{s}");
    }
    daemon.wait(
        Duration::from_secs(30),
        "the overheard lines to be dropped",
        |s| s["dropped_not_addressed"].as_u64().unwrap_or(0) >= 6,
    );
    let s = daemon.status();
    println!(
        "{:.0} s of overheard talk, {} utterances dropped",
        started.elapsed().as_secs_f64(),
        s["dropped_not_addressed"]
    );
    assert_eq!(s["speaking"], false, "{s}");
    assert_eq!(s["engine"]["mode"], "idle", "{s}");

    // First-person danger without the wake phrase: the safer behaviour wins.
    let danger = home.join("danger.wav");
    let ok = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "140", "-w"])
        .arg(&danger)
        .arg("I just want to die.")
        .status()
        .unwrap();
    assert!(ok.success());
    pa.speak_into_mic(&danger);
    daemon.wait(Duration::from_secs(30), "Hearth to answer", |s| {
        s["engine"]["mode"] == "crisis" && s["speaking"] == true
    });
    daemon.terminate();
}

/// The p-th percentile (0-1) of `v`, as the daemon's status computes it.
fn percentile(v: &[f64], p: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let i = ((s.len() as f64 * p).ceil() as usize).clamp(1, s.len().max(1)) - 1;
    s.get(i).copied().unwrap_or(f64::NAN)
}

/// Issue #12.2: end of speech → first reply audio at the plain 500 ms hang-over
/// (`speculate_ms = 0`), with the speculative transcript reused at the hang-over (the default),
/// and with the early end of turn; on the same loop, alternating daemons so that the machine's
/// load falls on all alike.
#[test]
#[ignore = "benchmark: run with `make bench`"]
fn bench_end_of_turn_latency_with_early_end_off_and_on() {
    let home = temp_dir("bench-turn");
    let pa = PulseAudio::start(&home);
    let (request, _) = make_speech(&home);
    let ask = home.join("ask.wav");
    for _ in 0..6 {
        let mut c = hearth(&home);
        c.args(["say", "Hey Hearth, what can you do?", "--out"])
            .arg(&ask);
        assert!(run(c).status.success());
        let mut t = hearth(&home);
        t.arg("transcribe").arg(&ask);
        if String::from_utf8_lossy(&run(t).stdout)
            .to_lowercase()
            .starts_with("hey hearth")
        {
            break;
        }
    }
    std::fs::create_dir_all(home.join("config/hearth")).unwrap();
    let mut latencies: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let settings = [
        ("hangover", "speculate_ms = 0"),
        ("speculate", "speculate_ms = 200"),
        ("early_end", "speculate_ms = 200\nearly_end = true"),
    ];
    let mut turn_stats = Vec::new();
    let rounds: u32 = std::env::var("HEARTH_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2);
    for round in 0..rounds as usize * settings.len() {
        let (early, toml) = settings[round % settings.len()];
        std::fs::write(
            home.join("config/hearth/config.toml"),
            format!("[audio]\n{toml}\n"),
        )
        .unwrap();
        let mut daemon = Daemon::start(&home, &pa.runtime, &[], &[]);
        daemon.wait(Duration::from_secs(20), "audio", |s| {
            s["input"]["chunks"].as_u64().unwrap_or(0) > 5
        });
        // A first turn (the disclosure on the first run) that is not counted.
        say_request_until_heard(&pa, &daemon, &home, request.clone());
        let mut c = daemon.client();
        c.arg("stop");
        let _ = run(c);
        daemon.wait(Duration::from_secs(30), "quiet", |s| s["speaking"] == false);
        std::thread::sleep(Duration::from_millis(1200));
        let before = daemon.status()["latency_ms"]["all"]
            .as_array()
            .map(|a| a.len())
            .unwrap_or(0);
        for turn in 0..8 {
            pa.speak_into_mic(&ask);
            // Until the reply's first audio is counted (a stop before it would lose the turn).
            daemon.wait(Duration::from_secs(30), "reply audio", |s| {
                s["latency_ms"]["all"].as_array().map_or(0, |a| a.len()) > before + turn
            });
            let mut c = daemon.client();
            c.arg("stop");
            let _ = run(c);
            daemon.wait(Duration::from_secs(30), "quiet", |s| s["speaking"] == false);
            std::thread::sleep(Duration::from_millis(1200));
        }
        let s = daemon.status();
        let all: Vec<f64> = s["latency_ms"]["all"]
            .as_array()
            .map(|a| a.iter().skip(before).filter_map(|x| x.as_f64()).collect())
            .unwrap_or_default();
        println!("{early}: {all:?} turns {}", s["turns"]);
        latencies.entry(early).or_default().extend(all);
        turn_stats.push(serde_json::json!({"setting": early, "turns": s["turns"]}));
        daemon.terminate();
    }
    let summary: serde_json::Value = latencies
        .iter()
        .map(|(early, v)| {
            (
                early.to_string(),
                serde_json::json!({
                    "count": v.len(),
                    "p50": percentile(v, 0.5),
                    "p95": percentile(v, 0.95),
                    "all": v,
                }),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    write_bench(
        "turn",
        serde_json::json!({
            "end_of_speech_to_first_audio_ms": summary,
            "rounds": turn_stats,
            "load_average": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
        }),
    );
}
