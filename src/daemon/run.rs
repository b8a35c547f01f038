//! `hearth run`: the live front end of a [`Session`].
//!
//! Threads ([`super::workers`]): capture, recognition and the speaker, plus the control socket
//! and signals. Every thread reports to the main loop through one channel of [`World`] events;
//! the main loop turns each into a session [`Input`] at the wall-clock millisecond, and carries
//! out the session's [`Output`]s: samples to the recogniser, sounds to the speaker (with their
//! generation), a cut (the new generation, and the speaker's sink stopped at once), a reply to
//! the control client waiting for it. All conversation policy - the wake gate, the follow-up
//! window, barge-in, unaddressed speech, the evening offer - is in the session, tested there on
//! virtual time; nothing here decides what to say.
//!
//! Re-reading configuration and prompts (SIGHUP, `hearth reload`) happens on a worker with a
//! time limit; its result comes back as a `World` event, so the main loop never waits on a file.

use super::workers::{
    join_within, now_ms, spawn_capture, spawn_recognizer, spawn_speaker, EchoSetup, SpeakJob,
    SttJob, World,
};
use crate::audio::device::AudioCounters;
use crate::audio::AudioSink;
use crate::config::Config;
use crate::control::{self, ControlServer, Reply, Request};
use crate::session::companion::Companion;
use crate::session::{Input, Modality, Output, Session};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The daemon.
pub fn run(config: &Config, config_file: PathBuf, no_audio: bool) -> anyhow::Result<ExitCode> {
    let prompts = super::load::load_prompts(config)?;
    let stt = config.load_transcriber()?;
    let tts = config.load_synthesizer(None)?;
    let (store, store_problem) = super::load::open_store(config);
    let companion = Companion::new(
        config,
        prompts,
        super::load::load_safety(config)?,
        store,
        store_problem,
    );

    let (tx, rx) = channel::<World>();
    let shutdown = Arc::new(AtomicBool::new(false));

    // Signals.
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
    ])?;
    let signal_handle = signals.handle();
    {
        let tx = tx.clone();
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    if tx.send(World::Signal(sig)).is_err() {
                        break;
                    }
                }
            })?;
    }

    // Control socket: each request is answered by the main loop.
    let server = {
        let tx = Mutex::new(tx.clone());
        let handler: control::Handler = Arc::new(move |request: Request| {
            let (reply_tx, reply_rx) = channel();
            let sent = tx
                .lock()
                .map(|t| {
                    t.send(World::Control {
                        request,
                        reply: reply_tx,
                    })
                    .is_ok()
                })
                .unwrap_or(false);
            if !sent {
                return Reply::error("Hearth is shutting down");
            }
            reply_rx
                .recv_timeout(Duration::from_secs(10))
                .unwrap_or_else(|_| Reply::error("Hearth did not answer in time"))
        });
        ControlServer::bind(&control::socket_path(), handler)?
    };
    tracing::info!(socket = %server.path().display(), "control socket ready");

    let (stt_tx, stt_rx) = channel::<SttJob>();
    let recognizer = spawn_recognizer(Box::new(stt), stt_rx, tx.clone())?;
    let counters = Arc::new(AudioCounters::default());
    let generation = Arc::new(AtomicU64::new(0));
    let sink: Arc<Mutex<Option<Box<dyn AudioSink>>>> = Arc::new(Mutex::new(None));
    let (speak_tx, speak_rx) = channel::<SpeakJob>();
    // What the speaker plays, for the echo canceller on the capture thread.
    let far_end = config
        .audio
        .echo_cancel
        .then(crate::audio::echo::FarEnd::new);
    let speaker = spawn_speaker(
        Box::new(tts),
        speak_rx,
        tx.clone(),
        sink.clone(),
        generation.clone(),
        config.audio.output.clone(),
        no_audio,
        config.tts.chimes,
        far_end.clone(),
    )?;
    if !no_audio {
        spawn_capture(
            config.audio.input.clone(),
            tx.clone(),
            counters.clone(),
            shutdown.clone(),
            far_end.map(|far_end| EchoSetup {
                far_end,
                tail_ms: config.audio.echo_tail_ms,
            }),
        )?;
    }

    let mut session = Session::new(config.clone(), companion, Modality::Voice, now_ms());
    if no_audio {
        session.handle(
            Input::InputDevice {
                ok: false,
                detail: "disabled (--no-audio)".into(),
            },
            now_ms(),
        );
    }
    let mut live = Live {
        session,
        config_file,
        tx,
        speak_tx,
        stt_tx,
        sink,
        generation,
        counters,
        echo_cancel: config.audio.echo_cancel && !no_audio,
        notifier: super::notify::Notifier::from_env(),
    };
    tracing::info!("Hearth is listening");
    live.notifier.ready();
    let code = live.main_loop(&rx);
    live.notifier.stopping();

    // Graceful shutdown: stop audio and close open sessions with their end time, stop capture,
    // close the socket; the store closes on drop.
    shutdown.store(true, Ordering::SeqCst);
    let outputs = live.session.shutdown(now_ms());
    live.perform(outputs, None);
    server.shutdown();
    signal_handle.close();
    drop(live);
    // The speaker thread owns the ONNX session. Leaving while it synthesizes tears ONNX Runtime
    // down under it (an ONNX Runtime error and a panic inside piper-rs were seen): the cut above
    // makes it drop its job, dropping the loop closed its queue, so it ends after at most the
    // sentence in progress. Wait for it, within a bound.
    join_within(speaker, Duration::from_secs(8), "speaker");
    // Likewise the recogniser owns whisper.cpp's context: leaving while it decodes (its warm-up
    // decode runs at start) let exit tear whisper.cpp down under it, and the daemon died of
    // SIGSEGV on a SIGTERM soon after start (`storage::daemon_runs_without_storage_...` in CI).
    // Its queue closed with the loop, so it ends after the job in hand.
    join_within(recognizer, Duration::from_secs(8), "recognizer");
    tracing::info!("Hearth stopped");
    Ok(code)
}

/// The main loop's state: the session and the ends of the threads' channels.
struct Live {
    session: Session,
    config_file: PathBuf,
    tx: Sender<World>,
    speak_tx: Sender<SpeakJob>,
    stt_tx: Sender<SttJob>,
    sink: Arc<Mutex<Option<Box<dyn AudioSink>>>>,
    generation: Arc<AtomicU64>,
    counters: Arc<AudioCounters>,
    echo_cancel: bool,
    /// systemd's notification socket: ready, and the watchdog the main loop pets.
    notifier: super::notify::Notifier,
}

impl Live {
    fn main_loop(&mut self, rx: &Receiver<World>) -> ExitCode {
        loop {
            let now = now_ms();
            let wait = self.session.next_wakeup(now).saturating_sub(now).max(20);
            let event = match rx.recv_timeout(Duration::from_millis(wait)) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => {
                    let outputs = self.session.handle(Input::Tick, now_ms());
                    self.perform(outputs, None);
                    self.notifier.ping_if_due();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return ExitCode::FAILURE,
            };
            let (input, reply) = match event {
                World::Signal(sig) if sig == signal_hook::consts::SIGHUP => {
                    self.reload(None);
                    (Input::Tick, None)
                }
                World::Signal(_) => return ExitCode::SUCCESS,
                World::Control {
                    request: Request::Shutdown,
                    reply,
                } => {
                    let _ = reply.send(Reply::done());
                    return ExitCode::SUCCESS;
                }
                World::Control {
                    request: Request::Reload,
                    reply,
                } => {
                    self.reload(Some(reply));
                    (Input::Tick, None)
                }
                World::Control {
                    request: Request::Status,
                    reply,
                } => {
                    self.session.refresh_storage_status();
                    let _ = reply.send(Reply::ok(self.status()));
                    (Input::Tick, None)
                }
                World::Control { request, reply } => (Input::Control(request), Some(reply)),
                World::Reloaded { result, reply } => (Input::Reloaded(result), reply),
                World::Audio {
                    samples,
                    captured_at_ms,
                } => (
                    Input::Audio {
                        samples,
                        captured_at_ms,
                    },
                    None,
                ),
                World::DeviceStatus { input, detail } => {
                    (Input::InputDevice { ok: input, detail }, None)
                }
                World::Transcript {
                    text,
                    stt_ms,
                    speech_end_ms,
                } => (
                    Input::Transcript {
                        text,
                        stt_ms,
                        speech_end_ms,
                    },
                    None,
                ),
                World::Speculation { id, text, stt_ms } => {
                    (Input::Speculation { id, text, stt_ms }, None)
                }
                World::FirstAudio { generation, at_ms } => {
                    (Input::PlaybackStarted { generation, at_ms }, None)
                }
                World::SpeechDone { generation } => (Input::PlaybackFinished { generation }, None),
                World::SpeakerError { detail } => (Input::OutputProblem { detail }, None),
            };
            let outputs = self.session.handle(input, now_ms());
            self.perform(outputs, reply);
            self.notifier.ping_if_due();
        }
    }

    /// Carries out the session's outputs; a reply goes to the client waiting for it.
    fn perform(&mut self, outputs: Vec<Output>, mut reply: Option<Sender<Reply>>) {
        let mut queue = std::collections::VecDeque::from(outputs);
        while let Some(output) = queue.pop_front() {
            match output {
                Output::Transcribe {
                    samples,
                    speech_end_ms,
                    ..
                } => {
                    let _ = self.stt_tx.send(SttJob::Utterance {
                        samples,
                        speech_end_ms,
                    });
                }
                Output::Speculate { id, samples, .. } => {
                    let _ = self.stt_tx.send(SttJob::Speculate { id, samples });
                }
                Output::Play { generation, sounds } => {
                    if self.speak_tx.send(SpeakJob { generation, sounds }).is_err() {
                        // The speaker is gone: say so, and do not wait for it to finish.
                        let now = now_ms();
                        let detail = "the speaker thread has stopped".to_string();
                        queue.extend(self.session.handle(Input::OutputProblem { detail }, now));
                        queue.extend(
                            self.session
                                .handle(Input::PlaybackFinished { generation }, now),
                        );
                    }
                }
                Output::Cut { generation } => {
                    self.generation.store(generation, Ordering::SeqCst);
                    if let Ok(mut guard) = self.sink.lock() {
                        if let Some(s) = guard.as_mut() {
                            s.stop();
                        }
                    }
                }
                Output::Reply(r) => {
                    if let Some(tx) = reply.take() {
                        let _ = tx.send(r);
                    }
                }
            }
        }
    }

    /// Re-reads configuration and prompts on a worker; the result comes back as a `World` event.
    fn reload(&self, reply: Option<Sender<Reply>>) {
        let file = self.config_file.clone();
        let tx = self.tx.clone();
        let spawned = std::thread::Builder::new()
            .name("reload".into())
            .spawn(move || {
                let result = super::reload::load_for_reload(&file).map(|(c, p)| (Box::new(c), p));
                let _ = tx.send(World::Reloaded { result, reply });
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a reload");
        }
    }

    /// The session's status with the capture thread's counters.
    fn status(&self) -> serde_json::Value {
        let mut status = self.session.status(now_ms());
        status["input"]["chunks"] = self.counters.chunks.load(Ordering::Relaxed).into();
        status["input"]["overruns"] = self.counters.overruns.load(Ordering::Relaxed).into();
        let echo = self.counters.echo.lock().ok().and_then(|e| *e);
        status["echo"] = serde_json::json!({
            "enabled": self.echo_cancel,
            "erle_db": echo.and_then(|e| e.erle_db()),
            "frames_with_far_end": echo.map(|e| e.far_frames),
            "muted_frames": echo.map(|e| e.muted_frames),
            "gated_frames": echo.map(|e| e.gated_frames),
        });
        status
    }
}
