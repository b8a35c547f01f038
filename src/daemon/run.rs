//! `hearth run`: the daemon's lifecycle and main loop.
//!
//! Threads: capture (cpal → 16 kHz chunks; reopened with back-off when the device is missing or
//! lost), recognition (Whisper, one utterance at a time), the speaker (Piper sentence by sentence
//! into rodio, cut off at once on barge-in or a crisis), the control socket, and signals. The
//! main loop owns the endpointer and the [`Companion`] and is the only place state changes: every
//! thread talks to it through one channel of [`Input`]s.
//!
//! Listening: an utterance is for Hearth when it starts with the wake phrase, when it comes in
//! the follow-up window after Hearth spoke, while Hearth waits for an answer, or while a flow or
//! a crisis conversation is running. Anything else is dropped at once: never transcribed text
//! kept, stored or logged.
//!
//! Barge-in: speech that starts while Hearth is speaking stops playback at once (the endpointer
//! reports speech ~60 ms after it starts). During playback the detector asks for a few more dB
//! (`audio.barge_in_db`) so Hearth's own voice, heard through the room, does not trigger it.
//! Without acoustic echo cancellation, utterances that overlap Hearth's speech are only
//! transcribed when they barged in; Hearth never transcribes its own voice.

use super::companion::{load_prompts, Companion};
use super::control::{self, ControlServer, Reply, Request};
use super::wake::strip_wake_phrase;
use crate::audio::device::{AudioCounters, CpalSource, RodioSink};
use crate::audio::vad::{Endpoint, Endpointer, VadConfig};
use crate::audio::{tones, AudioSink, AudioSource};
use crate::config::Config;
use crate::engine::dialogue::engine::{Action, Event};
use crate::engine::safety::SafetyAction;
use crate::speech::{split_sentences, Synthesizer, Transcriber};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zeroize::{Zeroize, Zeroizing};

/// Everything the main loop reacts to.
pub enum Input {
    /// 16 kHz samples, and when the capture thread received them.
    Audio {
        samples: Vec<f32>,
        captured_at: Instant,
    },
    DeviceStatus {
        input: bool,
        detail: String,
    },
    Transcript {
        text: String,
        stt_ms: f64,
        speech_end: Instant,
    },
    FirstAudio {
        generation: u64,
        at: Instant,
    },
    SpeechDone {
        generation: u64,
    },
    SpeakerError {
        detail: String,
    },
    Control {
        request: Request,
        reply: Sender<Reply>,
    },
    Signal(i32),
}

/// Something for the speaker thread to play.
enum Sound {
    Say(String),
    Chime(tones::Chime),
    Silence(u64),
}

struct SpeakJob {
    generation: u64,
    sounds: Vec<Sound>,
}

/// Numbers `hearth status` reports and the benchmarks read.
#[derive(Default)]
struct Metrics {
    /// End of speech → first reply audio, ms (recent).
    latencies: VecDeque<f64>,
    barge_ins: u64,
    /// Speech start → playback stopped, ms (recent).
    barge_in_ms: VecDeque<f64>,
    utterances: u64,
    dropped_not_addressed: u64,
    /// Longest a chunk of microphone audio waited before the main loop took it.
    max_audio_lag_ms: f64,
}

fn push_recent(v: &mut VecDeque<f64>, x: f64) {
    v.push_back(x);
    while v.len() > 200 {
        v.pop_front();
    }
}

fn percentile(v: &VecDeque<f64>, p: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s: Vec<f64> = v.iter().copied().collect();
    s.sort_by(f64::total_cmp);
    let i = ((s.len() as f64 * p).ceil() as usize).clamp(1, s.len()) - 1;
    Some(s[i])
}

fn now_ms() -> u64 {
    crate::store::now_ms().max(0) as u64
}

/// The daemon.
pub fn run(config: &Config, config_file: PathBuf, no_audio: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let prompts = load_prompts(config)?;
    let stt = config.load_transcriber()?;
    let tts = config.load_synthesizer(None)?;
    let (store, store_problem) = Companion::open_store(config);
    let companion = Companion::new(
        config,
        prompts,
        super::companion::load_safety(config)?,
        store,
        store_problem,
    );

    let (tx, rx) = channel::<Input>();
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
                    if tx.send(Input::Signal(sig)).is_err() {
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
                    t.send(Input::Control {
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

    // Speech recognition worker.
    let (stt_tx, stt_rx) = channel::<(Vec<f32>, Instant)>();
    spawn_recognizer(Box::new(stt), stt_rx, tx.clone())?;

    // Speaker worker, and capture (unless running without audio).
    let counters = Arc::new(AudioCounters::default());
    let generation = Arc::new(AtomicU64::new(0));
    let sink: Arc<Mutex<Option<Box<dyn AudioSink>>>> = Arc::new(Mutex::new(None));
    let (speak_tx, speak_rx) = channel::<SpeakJob>();
    let speaker = spawn_speaker(
        Box::new(tts),
        speak_rx,
        tx.clone(),
        sink.clone(),
        generation.clone(),
        config.audio.output.clone(),
        no_audio,
        config.tts.chimes,
    )?;
    if !no_audio {
        spawn_capture(
            config.audio.input.clone(),
            tx.clone(),
            counters.clone(),
            shutdown.clone(),
        )?;
    }

    let mut daemon = Daemon {
        config: config.clone(),
        config_file,
        companion,
        endpointer: Endpointer::new(vad_config(config)),
        speak_tx,
        stt_tx,
        sink,
        generation,
        speaking: false,
        samples_in: 0,
        stt_in_flight: 0,
        queued_jobs: 0,
        pending_listen: None,
        listen_until: None,
        follow_up_until: None,
        awaiting_first_audio: None,
        reply_to: None,
        metrics: Metrics::default(),
        counters,
        input_ok: false,
        input_losses: 0,
        input_detail: if no_audio {
            "disabled (--no-audio)".into()
        } else {
            "opening".into()
        },
        speaker_problem: None,
        last_reload: None,
        offered: None,
        next_offer: None,
        last_purge: Instant::now(),
        started,
        notifier: super::notify::Notifier::from_env(),
    };
    daemon.schedule_offer();
    tracing::info!("Hearth is listening");
    daemon.notifier.ready();
    let code = daemon.main_loop(&rx);
    daemon.notifier.stopping();

    // Graceful shutdown: stop audio, stop capture, close the socket, close open sessions with
    // their end time; the store closes on drop.
    shutdown.store(true, Ordering::SeqCst);
    daemon.cut_speech();
    server.shutdown();
    signal_handle.close();
    daemon.companion.shutdown(now_ms());
    drop(daemon);
    // The speaker thread owns the ONNX session. Leaving while it synthesizes tears ONNX Runtime
    // down under it (an ONNX Runtime error and a panic inside piper-rs were seen): the cut above
    // makes it drop its job, dropping the daemon closed its queue, so it ends after at most the
    // sentence in progress. Wait for it, within a bound.
    join_within(speaker, Duration::from_secs(8), "speaker");
    tracing::info!("Hearth stopped");
    Ok(code)
}

/// Waits for a worker thread to end, for at most `limit`; says so if it did not.
fn join_within(handle: std::thread::JoinHandle<()>, limit: Duration, name: &str) {
    let start = Instant::now();
    while !handle.is_finished() {
        if start.elapsed() > limit {
            tracing::warn!(
                thread = name,
                "thread did not stop in time; exiting without it"
            );
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    if handle.join().is_err() {
        tracing::error!(thread = name, "thread panicked");
    }
}

fn vad_config(config: &Config) -> VadConfig {
    VadConfig {
        hangover_ms: config.audio.hangover_ms,
        threshold_db: config.audio.threshold_db,
        ..Default::default()
    }
}

fn spawn_recognizer(
    mut stt: Box<dyn Transcriber>,
    jobs: Receiver<(Vec<f32>, Instant)>,
    tx: Sender<Input>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("recognizer".into())
        .spawn(move || {
            // The first decode allocates whisper.cpp's buffers; do it before anyone is waiting.
            let _ = stt.transcribe(&vec![0.0; 32_000]);
            for (mut samples, speech_end) in jobs {
                let _span =
                    tracing::debug_span!("stt", secs = samples.len() as f64 / 16_000.0).entered();
                let result = stt.transcribe(&samples);
                // The utterance's audio is wiped as soon as it is transcribed. Not wiped: the
                // capture chunks and the endpointer's ring (short, overwritten as audio flows)
                // and whisper.cpp's internal buffers (its own memory, reused for the next one).
                samples.zeroize();
                match result {
                    Ok(t) => {
                        let _ = tx.send(Input::Transcript {
                            text: t.text,
                            stt_ms: t.millis,
                            speech_end,
                        });
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "transcription failed");
                        let _ = tx.send(Input::Transcript {
                            text: String::new(),
                            stt_ms: 0.0,
                            speech_end,
                        });
                    }
                }
            }
        })?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn spawn_speaker(
    mut tts: Box<dyn Synthesizer>,
    jobs: Receiver<SpeakJob>,
    tx: Sender<Input>,
    sink: Arc<Mutex<Option<Box<dyn AudioSink>>>>,
    generation: Arc<AtomicU64>,
    device: String,
    no_audio: bool,
    chimes: bool,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("speaker".into())
        .spawn(move || {
            let rate = tts.sample_rate();
            // Warm ONNX Runtime up so the first reply is as quick as the rest.
            let _ = tts.synthesize("Hello.");
            let current = |g: u64| generation.load(Ordering::SeqCst) == g;
            for job in jobs {
                if !current(job.generation) {
                    continue;
                }
                let mut first = true;
                let mut queued_secs = 0.0;
                for sound in job.sounds {
                    if !current(job.generation) {
                        break;
                    }
                    // Lazily: each sentence plays as soon as it is made, while the next is made.
                    let tts = &mut tts;
                    let pieces: Box<dyn Iterator<Item = Vec<f32>>> = match sound {
                        Sound::Say(text) => {
                            Box::new(split_sentences(&text).into_iter().filter_map(move |s| {
                                match tts.synthesize(&s) {
                                    Ok(mut pcm) => {
                                        pcm.extend(std::iter::repeat_n(0.0, rate as usize / 5));
                                        Some(pcm)
                                    }
                                    Err(e) => {
                                        tracing::error!(error = %e, "synthesis failed");
                                        None
                                    }
                                }
                            }))
                        }
                        Sound::Chime(kind) if chimes => {
                            Box::new(std::iter::once(tones::chime(kind, rate)))
                        }
                        Sound::Chime(_) => Box::new(std::iter::empty()),
                        Sound::Silence(ms) => Box::new(std::iter::once(vec![
                            0.0;
                            (rate as u64 * ms / 1000)
                                as usize
                        ])),
                    };
                    for piece in pieces {
                        if !current(job.generation) {
                            break;
                        }
                        if no_audio {
                            continue;
                        }
                        let mut guard = match sink.lock() {
                            Ok(g) => g,
                            Err(p) => p.into_inner(),
                        };
                        if guard.is_none() {
                            match RodioSink::open(Some(&device)) {
                                Ok(s) => *guard = Some(Box::new(s)),
                                Err(e) => {
                                    let _ = tx.send(Input::SpeakerError {
                                        detail: e.to_string(),
                                    });
                                    break;
                                }
                            }
                        }
                        // Checked again under the lock: a cut may have happened while synthesizing.
                        if !current(job.generation) {
                            break;
                        }
                        if let Some(s) = guard.as_mut() {
                            queued_secs += piece.len() as f64 / f64::from(rate);
                            if let Err(e) = s.play(&piece, rate) {
                                let _ = tx.send(Input::SpeakerError {
                                    detail: e.to_string(),
                                });
                                *guard = None;
                            } else if first {
                                first = false;
                                let _ = tx.send(Input::FirstAudio {
                                    generation: job.generation,
                                    at: Instant::now(),
                                });
                            }
                        }
                    }
                }
                // Wait for the queued audio to finish (or be cut off). A device that stalls without
                // an error would keep "playing" forever: give up after the audio's length + 3 s.
                let limit = Instant::now() + Duration::from_secs_f64(queued_secs + 3.0);
                loop {
                    if !current(job.generation) {
                        break;
                    }
                    let playing = sink
                        .lock()
                        .map(|g| g.as_ref().is_some_and(|s| s.is_playing()))
                        .unwrap_or(false);
                    if !playing {
                        break;
                    }
                    if Instant::now() > limit {
                        let _ = tx.send(Input::SpeakerError {
                            detail: "output device stopped playing; reopening".into(),
                        });
                        if let Ok(mut g) = sink.lock() {
                            *g = None;
                        }
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                let _ = tx.send(Input::SpeechDone {
                    generation: job.generation,
                });
            }
        })
}

fn spawn_capture(
    device: String,
    tx: Sender<Input>,
    counters: Arc<AudioCounters>,
    shutdown: Arc<AtomicBool>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("capture".into())
        .spawn(move || {
            let mut backoff = Duration::from_millis(500);
            while !shutdown.load(Ordering::SeqCst) {
                let detail = match CpalSource::open(Some(&device), counters.clone()) {
                    Ok(mut source) => {
                        backoff = Duration::from_millis(500);
                        let listening = format!("listening on {}", source.device);
                        let _ = tx.send(Input::DeviceStatus {
                            input: true,
                            detail: listening,
                        });
                        match capture_until_lost(&mut source, &device, &tx, &shutdown) {
                            Some(why) => {
                                tracing::warn!(reason = %why, "input device lost; retrying");
                                format!("lost: {why}; retrying")
                            }
                            None => return,
                        }
                    }
                    Err(e) => format!(
                        "unavailable: {e}; retrying every {} s",
                        backoff.as_secs().max(1)
                    ),
                };
                let _ = tx.send(Input::DeviceStatus {
                    input: false,
                    detail,
                });
                let until = Instant::now() + backoff;
                while Instant::now() < until && !shutdown.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(100));
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        })?;
    Ok(())
}

/// Forwards audio until the device is lost (returns why) or the daemon stops (returns `None`).
fn capture_until_lost(
    source: &mut CpalSource,
    device: &str,
    tx: &Sender<Input>,
    shutdown: &AtomicBool,
) -> Option<String> {
    // A stream that silently stops delivering (unplugged without an error) counts as lost.
    const SILENT_LIMIT: Duration = Duration::from_secs(4);
    let named = !matches!(device, "" | "default");
    let (mut last_chunk, mut last_check, mut misses) = (Instant::now(), Instant::now(), 0);
    while !shutdown.load(Ordering::SeqCst) {
        if named && last_check.elapsed() > Duration::from_secs(2) {
            last_check = Instant::now();
            // PulseAudio moves a stream whose source vanished to another source (perhaps the
            // speaker's monitor: Hearth would hear itself). Two misses in a row, because one
            // listing can fail while the sound server is busy.
            misses = if crate::audio::device::input_present(device) {
                0
            } else {
                misses + 1
            };
            if misses >= 2 {
                return Some(format!("input device {device:?} is gone"));
            }
        }
        match source.next_chunk(Duration::from_millis(200)) {
            Ok(Some(samples)) => {
                last_chunk = Instant::now();
                if tx
                    .send(Input::Audio {
                        samples,
                        captured_at: Instant::now(),
                    })
                    .is_err()
                {
                    return None;
                }
            }
            Ok(None) if last_chunk.elapsed() > SILENT_LIMIT => {
                return Some("no audio for 4 s".into())
            }
            Ok(None) => {}
            Err(e) => return Some(e.to_string()),
        }
    }
    None
}

struct Daemon {
    config: Config,
    config_file: PathBuf,
    companion: Companion,
    endpointer: Endpointer,
    speak_tx: Sender<SpeakJob>,
    stt_tx: Sender<(Vec<f32>, Instant)>,
    sink: Arc<Mutex<Option<Box<dyn AudioSink>>>>,
    generation: Arc<AtomicU64>,
    speaking: bool,
    /// Samples received from the microphone so far (the endpointer's stream position).
    samples_in: u64,
    /// Utterances sent to the recognizer and not yet back.
    stt_in_flight: usize,
    /// For screening speech that was not addressed to Hearth.
    /// Speak jobs of the current generation not yet finished.
    queued_jobs: usize,
    pending_listen: Option<u64>,
    listen_until: Option<Instant>,
    follow_up_until: Option<Instant>,
    /// (generation, end of the person's speech) waiting for the reply's first audio.
    awaiting_first_audio: Option<(u64, Instant)>,
    /// End of the speech being answered; the next sounds queued are the reply to it.
    reply_to: Option<Instant>,
    metrics: Metrics,
    counters: Arc<AudioCounters>,
    input_ok: bool,
    /// Times a working input device was lost.
    input_losses: u64,
    input_detail: String,
    speaker_problem: Option<String>,
    last_reload: Option<serde_json::Value>,
    /// A flow Hearth offered (the scheduled evening reflection), waiting for yes or no.
    offered: Option<(String, Instant)>,
    next_offer: Option<chrono::DateTime<chrono::Local>>,
    /// Retention runs at open and then daily; checked hourly.
    last_purge: Instant,
    started: Instant,
    /// systemd's notification socket: ready, and the watchdog the main loop pets.
    notifier: super::notify::Notifier,
}

impl Daemon {
    fn main_loop(&mut self, rx: &Receiver<Input>) -> ExitCode {
        loop {
            let timeout = self.next_wakeup().saturating_duration_since(Instant::now());
            match rx.recv_timeout(timeout) {
                Ok(Input::Signal(sig)) if sig == signal_hook::consts::SIGHUP => self.reload(),
                Ok(Input::Signal(_)) => return ExitCode::SUCCESS,
                Ok(Input::Control {
                    request: Request::Shutdown,
                    reply,
                }) => {
                    let _ = reply.send(Reply::done());
                    return ExitCode::SUCCESS;
                }
                Ok(input) => self.on_input(input),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return ExitCode::FAILURE,
            }
            self.on_time();
            self.notifier.ping_if_due();
        }
    }

    fn next_wakeup(&self) -> Instant {
        let now = Instant::now();
        let mut next = now + Duration::from_millis(500);
        if let Some(d) = self.companion.engine().next_deadline() {
            next = next.min(now + Duration::from_millis(d.saturating_sub(now_ms())));
        }
        if let Some(l) = self.listen_until {
            next = next.min(l);
        }
        next.max(now + Duration::from_millis(20))
    }

    /// Timers: engine deadlines, listening time-outs, the scheduled offer.
    fn on_time(&mut self) {
        if let Some(d) = self.companion.engine().next_deadline() {
            if now_ms() >= d {
                self.engine(Event::Timer);
            }
        }
        // Not while the answer is still being spoken or transcribed.
        if self.listen_until.is_some_and(|l| Instant::now() >= l)
            && !self.endpointer.in_speech()
            && self.stt_in_flight == 0
        {
            self.listen_until = None;
            self.engine(Event::ListenTimedOut);
        }
        if self
            .offered
            .as_ref()
            .is_some_and(|(_, at)| at.elapsed() > Duration::from_secs(30))
        {
            // Asked once, gently; no answer is an answer.
            self.offered = None;
        }
        if self.last_purge.elapsed() > Duration::from_secs(3600) {
            self.last_purge = Instant::now();
            if let Some(store) = self.companion.store() {
                match store.purge_if_due(crate::store::now_ms()) {
                    Ok(Some(n)) => tracing::info!(records = n, "expired records deleted"),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "retention purge failed; will retry"),
                }
            }
        }
        if let Some(at) = self.next_offer {
            if chrono::Local::now() >= at {
                self.schedule_offer();
                self.offer_evening_reflection();
            }
        }
    }

    fn on_input(&mut self, input: Input) {
        match input {
            Input::Audio {
                samples,
                captured_at,
            } => self.on_audio(&samples, captured_at),
            Input::DeviceStatus { input, detail } => {
                if self.input_ok && !input {
                    self.input_losses += 1;
                }
                self.input_ok = input;
                self.input_detail = detail;
                self.endpointer = Endpointer::new(vad_config(&self.config));
                if self.speaking {
                    self.endpointer.set_boost_db(self.config.audio.barge_in_db);
                }
            }
            Input::Transcript {
                text,
                stt_ms,
                speech_end,
            } => self.on_transcript(text, stt_ms, speech_end),
            Input::FirstAudio { generation, at } => {
                if let Some((g, end)) = self.awaiting_first_audio {
                    if g == generation {
                        let ms = at.saturating_duration_since(end).as_secs_f64() * 1000.0;
                        push_recent(&mut self.metrics.latencies, ms);
                        self.awaiting_first_audio = None;
                        tracing::info!(latency_ms = ms, "end of speech to first reply audio");
                    }
                }
                self.speaker_problem = None;
            }
            Input::SpeechDone { generation } => {
                let current = generation == self.generation.load(Ordering::SeqCst);
                if current && self.speaking {
                    // Several replies can be queued; Hearth has finished when the last one has.
                    self.queued_jobs = self.queued_jobs.saturating_sub(1);
                    if self.queued_jobs > 0 {
                        return;
                    }
                    self.speaking = false;
                    self.endpointer.set_boost_db(0.0);
                    self.follow_up_until = Some(
                        Instant::now() + Duration::from_secs(self.config.listen.follow_up_secs),
                    );
                    if let Some(ms) = self.pending_listen.take() {
                        self.listen_until = Some(Instant::now() + Duration::from_millis(ms));
                    }
                    self.engine(Event::SpeechFinished);
                }
            }
            Input::SpeakerError { detail } => {
                tracing::warn!(error = %detail, "output device problem; will retry");
                self.speaker_problem = Some(detail);
            }
            Input::Control { request, reply } => {
                let r = self.on_control(request);
                let _ = reply.send(r);
            }
            Input::Signal(_) => {}
        }
    }

    fn on_audio(&mut self, samples: &[f32], captured_at: Instant) {
        self.samples_in += samples.len() as u64;
        let lag = captured_at.elapsed().as_secs_f64() * 1000.0;
        self.metrics.max_audio_lag_ms = self.metrics.max_audio_lag_ms.max(lag);
        for ep in self.endpointer.push(samples) {
            match ep {
                Endpoint::SpeechStart { at } => {
                    // When speech began, on the capture clock: this chunk ended at `captured_at`.
                    let behind = Duration::from_secs_f64(
                        self.samples_in.saturating_sub(at) as f64 / 16_000.0,
                    );
                    let start = captured_at.checked_sub(behind).unwrap_or(captured_at);
                    // In a crisis conversation a cough must not cut off the helpline number:
                    // there, only words (a transcript) interrupt Hearth.
                    if self.speaking && !self.companion.engine().in_crisis() {
                        self.cut_speech();
                        self.metrics.barge_ins += 1;
                        let ms = start.elapsed().as_secs_f64() * 1000.0;
                        push_recent(&mut self.metrics.barge_in_ms, ms);
                        tracing::info!(
                            reaction_ms = ms,
                            behind_ms = behind.as_secs_f64() * 1000.0,
                            chunk = samples.len(),
                            "barge-in: playback stopped"
                        );
                        self.follow_up_until = Some(
                            Instant::now() + Duration::from_secs(self.config.listen.follow_up_secs),
                        );
                        self.engine(Event::SpeechFinished);
                    }
                }
                Endpoint::Utterance { samples, .. } => {
                    let hang = Duration::from_millis(u64::from(self.config.audio.hangover_ms));
                    let speech_end = captured_at.checked_sub(hang).unwrap_or(captured_at);
                    self.metrics.utterances += 1;
                    self.stt_in_flight += 1;
                    let _ = self.stt_tx.send((samples, speech_end));
                }
            }
        }
    }

    /// Whether an utterance without the wake phrase is still for Hearth.
    fn in_conversation(&self) -> bool {
        let now = Instant::now();
        self.listen_until.is_some()
            || self.follow_up_until.is_some_and(|f| now < f)
            || self.offered.is_some()
            || self.companion.engine().in_crisis()
            || self.companion.engine().state_summary().flow.is_some()
    }

    fn on_transcript(&mut self, text: String, stt_ms: f64, speech_end: Instant) {
        let _span = tracing::info_span!("turn", stt_ms).entered();
        // This copy of what was heard is wiped when the turn is over (also when it was not for
        // Hearth and is dropped). Not wiped: the request handed on to the engine, which keeps
        // what a flow needs (a reflection, a mood note) in ordinary strings until it is stored;
        // wiping every copy through the dialogue is not practical, and core dumps are off.
        let text = Zeroizing::new(text);
        self.stt_in_flight = self.stt_in_flight.saturating_sub(1);
        if text.trim().is_empty() || crate::speech::whisper::is_prompt_echo(&text) {
            // A cough or a door: nothing was said.
            return;
        }
        let request = match strip_wake_phrase(&text, &self.config.listen.wake_phrase) {
            Some(rest) => rest,
            None if self.in_conversation() => text.to_string(),
            // Not addressed, but it says someone may be in danger: the safer behaviour wins.
            None if self.companion.engine().answers_unaddressed(&text) => text.to_string(),
            None => {
                // Not addressed to Hearth: dropped here, never stored or logged.
                self.metrics.dropped_not_addressed += 1;
                tracing::info!("utterance not addressed to Hearth: dropped");
                return;
            }
        };
        if request.trim().is_empty() {
            // Just the wake phrase: open a follow-up window and acknowledge softly.
            self.follow_up_until =
                Some(Instant::now() + Duration::from_secs(self.config.listen.follow_up_secs));
            self.speak(vec![Sound::Chime(tones::Chime::Hold)]);
            return;
        }
        tracing::debug!(text = %request, "heard");
        self.on_request(request, speech_end);
    }

    /// Something said (or typed through the socket) to Hearth.
    fn on_request(&mut self, request: String, speech_end: Instant) {
        self.listen_until = None;
        // Only a plain short yes or no answers the evening offer; anything else goes to the
        // engine, and so through the safety screen, as usual.
        let short_answer = request.split_whitespace().count() <= 4;
        let risk = self.companion.engine().screen_action(&request) > SafetyAction::Support;
        if let Some((flow, _)) = self.offered.take().filter(|_| short_answer && !risk) {
            match crate::engine::dialogue::mood::parse_yes_no(&request) {
                Some(true) => {
                    self.reply_to = Some(speech_end);
                    self.engine(Event::StartFlow {
                        name: flow,
                        cycles: None,
                        minutes: None,
                    });
                    self.reply_to = None;
                    return;
                }
                Some(false) => {
                    let text = self.companion.text("evening_offer_declined", now_ms());
                    self.speak(vec![Sound::Say(text)]);
                    return;
                }
                None => {}
            }
        }
        self.reply_to = Some(speech_end);
        self.engine(Event::Utterance { text: request });
        self.reply_to = None;
    }

    /// Passes an event to the engine and performs what comes back.
    fn engine(&mut self, event: Event) {
        let actions = self.companion.handle(event, now_ms());
        self.perform(actions);
    }

    fn perform(&mut self, actions: Vec<Action>) {
        let mut sounds = Vec::new();
        for action in actions {
            match action {
                Action::StopSpeaking => {
                    self.cut_speech();
                    sounds.clear();
                }
                Action::Say { text } => sounds.push(Sound::Say(text)),
                Action::Chime { kind } => {
                    sounds.push(Sound::Chime(super::companion::chime_for(kind)));
                }
                Action::Pause { ms } => sounds.push(Sound::Silence(ms)),
                Action::Listen { timeout_ms } => self.pending_listen = Some(timeout_ms),
                Action::FlowStarted { name } => tracing::info!(flow = %name, "flow started"),
                Action::FlowEnded { name, completed } => {
                    tracing::info!(flow = %name, completed, "flow ended")
                }
                _ => {}
            }
        }
        if !sounds.is_empty() {
            self.speak(sounds);
        } else if let Some(ms) = self.pending_listen.take() {
            if !self.speaking {
                self.listen_until = Some(Instant::now() + Duration::from_millis(ms));
            } else {
                self.pending_listen = Some(ms);
            }
        }
    }

    /// Queues sounds after whatever is playing (same generation) or starts a new generation.
    fn speak(&mut self, sounds: Vec<Sound>) {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some(end) = self.reply_to.take() {
            self.awaiting_first_audio = Some((generation, end));
        }
        self.speaking = true;
        self.queued_jobs += 1;
        self.endpointer.set_boost_db(self.config.audio.barge_in_db);
        if self.speak_tx.send(SpeakJob { generation, sounds }).is_err() {
            self.speaker_problem = Some("the speaker thread has stopped".into());
            self.speaking = false;
            self.queued_jobs = 0;
        }
    }

    /// Stops playback now and drops everything queued.
    fn cut_speech(&mut self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut guard) = self.sink.lock() {
            if let Some(s) = guard.as_mut() {
                s.stop();
            }
        }
        self.speaking = false;
        self.queued_jobs = 0;
        self.endpointer.set_boost_db(0.0);
    }

    fn on_control(&mut self, request: Request) -> Reply {
        tracing::info!(cmd = request.name(), "control request");
        match request {
            Request::Status => {
                self.companion.refresh_storage_status();
                Reply::ok(self.status())
            }
            Request::Start {
                flow,
                cycles,
                minutes,
            } => {
                if self.companion.engine().in_crisis() {
                    return Reply::error(
                        "Hearth is in a safety conversation; flows are paused until it ends",
                    );
                }
                let names: Vec<String> = self
                    .companion
                    .engine()
                    .state_summary()
                    .flow
                    .into_iter()
                    .collect();
                self.engine(Event::StartFlow {
                    name: flow.clone(),
                    cycles,
                    minutes,
                });
                let now = self.companion.engine().state_summary().flow;
                if now.as_deref() == Some(flow.as_str()) || names.contains(&flow) {
                    Reply::ok(serde_json::json!({"started": flow}))
                } else {
                    Reply::error(format!("could not start {flow:?}: is it one of the flows in `hearth prompts check`?"))
                }
            }
            Request::Stop => {
                self.cut_speech();
                self.engine(Event::Stop);
                Reply::done()
            }
            Request::Say { text } => {
                self.speak(vec![Sound::Say(text)]);
                Reply::done()
            }
            Request::Utterance { text } => {
                // Typed to Hearth on purpose: addressed, with no wake phrase needed.
                self.on_request(text, Instant::now());
                Reply::ok(self.status())
            }
            Request::Mood {
                score,
                note,
                feelings,
            } => {
                let entry = crate::store::NewMood {
                    at_ms: crate::store::now_ms(),
                    score,
                    feelings,
                    note,
                    source: crate::store::MoodSource::Cli,
                };
                match self.companion.add_mood(&entry) {
                    Ok(id) => Reply::ok(serde_json::json!({"id": id})),
                    Err(e) => Reply::error(format!("your mood was not saved: {e}")),
                }
            }
            Request::Reload => {
                self.reload();
                Reply::ok(self.last_reload.clone().unwrap_or_default())
            }
            Request::Shutdown => Reply::done(),
        }
    }

    /// Re-reads config and prompts; keeps the old ones if the new ones are invalid.
    fn reload(&mut self) {
        // Regular files only, on a worker, with a time limit: the main loop never blocks on I/O.
        let result = super::reload::load_for_reload(&self.config_file);
        self.last_reload = Some(match result {
            Ok((config, prompts)) => {
                self.companion.replace_prompts(prompts);
                self.config = config;
                self.schedule_offer();
                tracing::info!("reloaded configuration and prompts");
                serde_json::json!({"ok": true, "at_ms": now_ms()})
            }
            Err(e) => {
                tracing::error!(error = %e, "reload refused; keeping the current configuration and prompts");
                serde_json::json!({"ok": false, "error": e, "at_ms": now_ms()})
            }
        });
    }

    fn schedule_offer(&mut self) {
        self.next_offer = crate::config::parse_hhmm(&self.config.schedule.evening_reflection)
            .and_then(|(h, m)| {
                let now = chrono::Local::now();
                let today = now.date_naive().and_hms_opt(h, m, 0)?;
                let mut at = today.and_local_timezone(chrono::Local).earliest()?;
                if at <= now {
                    at = (today + chrono::Duration::days(1))
                        .and_local_timezone(chrono::Local)
                        .earliest()?;
                }
                Some(at)
            });
    }

    fn offer_evening_reflection(&mut self) {
        let engine = self.companion.engine();
        if engine.in_crisis() || engine.state_summary().flow.is_some() || self.speaking {
            return;
        }
        self.offered = Some(("evening-reflection".into(), Instant::now()));
        let text = self.companion.text("evening_offer", now_ms());
        self.speak(vec![Sound::Chime(tones::Chime::Hold), Sound::Say(text)]);
        self.pending_listen = Some(15_000);
    }

    fn status(&self) -> serde_json::Value {
        let m = &self.metrics;
        serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "uptime_s": self.started.elapsed().as_secs(),
            "engine": self.companion.engine().state_summary(),
            "speaking": self.speaking,
            "listening": {
                "wake_phrase": self.config.listen.wake_phrase,
                "in_conversation": self.in_conversation(),
                "noise_floor_db": self.endpointer.noise_floor_db(),
            },
            "input": {
                "ok": self.input_ok,
                "detail": self.input_detail,
                "losses": self.input_losses,
                "chunks": self.counters.chunks.load(Ordering::Relaxed),
                "overruns": self.counters.overruns.load(Ordering::Relaxed),
            },
            "output": { "ok": self.speaker_problem.is_none(), "problem": self.speaker_problem },
            "storage": { "ok": self.companion.store().is_some() && self.companion.store_problem.is_none(), "problem": self.companion.store_problem },
            "latency_ms": { "count": m.latencies.len(), "p50": percentile(&m.latencies, 0.5), "p95": percentile(&m.latencies, 0.95), "all": m.latencies },
            "barge_in": { "count": m.barge_ins, "reaction_ms": m.barge_in_ms },
            "max_audio_lag_ms": m.max_audio_lag_ms,
            "utterances": m.utterances,
            "dropped_not_addressed": m.dropped_not_addressed,
            "last_reload": self.last_reload,
            "next_evening_offer": self.next_offer.map(|t| t.to_rfc3339()),
            "offered": self.offered.as_ref().map(|(flow, _)| flow.clone()),
        })
    }
}
