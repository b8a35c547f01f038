//! The live daemon's worker threads: capture (cpal → 16 kHz chunks, Hearth's own voice taken
//! out by the echo canceller; reopened with back-off when the device is missing or lost),
//! recognition (Whisper, one utterance at a time; a speculative transcript at a pause that the
//! person has ended since is skipped) and the speaker
//! (Piper sentence by sentence into rodio, dropping a job as soon as its generation is no longer
//! current). Each reports to the main loop through one channel of [`World`] events; blocking
//! work never runs on the main loop.

use crate::audio::device::{AudioCounters, CpalSource, RodioSink};
use crate::audio::echo::{EchoStage, FarEnd, SpeexCanceller};
use crate::audio::{tones, AudioSink, AudioSource};
use crate::control::{Reply, Request};
use crate::session::{Reload, Sound, SENTENCE_GAP_MS};
use crate::speech::{split_sentences, Synthesizer, Transcriber};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Everything the main loop hears from its threads.
pub enum World {
    /// 16 kHz samples, and when the capture thread received them.
    Audio {
        samples: Vec<f32>,
        captured_at_ms: u64,
    },
    DeviceStatus {
        input: bool,
        detail: String,
    },
    Transcript {
        text: String,
        stt_ms: f64,
        speech_end_ms: u64,
    },
    /// The words of a speculative transcript (`Output::Speculate`).
    Speculation {
        id: u64,
        text: String,
        stt_ms: f64,
    },
    FirstAudio {
        generation: u64,
        at_ms: u64,
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
    /// A reload finished (for `hearth reload`, with the client waiting for the reply).
    Reloaded {
        result: Reload,
        reply: Option<Sender<Reply>>,
    },
    Signal(i32),
}

/// Sounds for the speaker thread, of one generation.
pub struct SpeakJob {
    pub generation: u64,
    pub sounds: Vec<Sound>,
}

/// Work for the recogniser.
pub enum SttJob {
    /// A finished utterance, and when its speech ended.
    Utterance {
        samples: Vec<f32>,
        speech_end_ms: u64,
    },
    /// The utterance so far, at a pause.
    Speculate { id: u64, samples: Vec<f32> },
}

/// Milliseconds since the Unix epoch: the session's clock.
pub fn now_ms() -> u64 {
    crate::store::now_ms().max(0) as u64
}

/// The recogniser thread; it ends when `jobs` closes, after the job in hand.
pub fn spawn_recognizer(
    mut stt: Box<dyn Transcriber>,
    jobs: Receiver<SttJob>,
    tx: Sender<World>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    // The first decode allocates whisper.cpp's buffers: done here, before Hearth says it is
    // ready, so that no one waits for it and a stop right after start never finds the thread
    // inside it (leaving then took longer than the 3 s a service manager is promised).
    let _ = stt.transcribe(&vec![0.0; 32_000]);
    std::thread::Builder::new()
        .name("recognizer".into())
        .spawn(move || {
            for job in jobs {
                let (mut samples, speculation) = match job {
                    SttJob::Utterance {
                        samples,
                        speech_end_ms,
                    } => (samples, Err(speech_end_ms)),
                    SttJob::Speculate { id, samples } => (samples, Ok(id)),
                };
                let _span = tracing::debug_span!(
                    "stt",
                    secs = samples.len() as f64 / 16_000.0,
                    speculative = speculation.is_ok()
                )
                .entered();
                let result = stt.transcribe(&samples);
                // The utterance's audio is wiped as soon as it is transcribed. Not wiped: the
                // capture chunks and the endpointer's ring (short, overwritten as audio flows)
                // and whisper.cpp's internal buffers (its own memory, reused for the next one).
                zeroize::Zeroize::zeroize(&mut samples);
                let (text, stt_ms) = match result {
                    Ok(t) => (t.text, t.millis),
                    Err(e) => {
                        tracing::error!(error = %e, "transcription failed");
                        (String::new(), 0.0)
                    }
                };
                let event = match speculation {
                    Ok(id) => World::Speculation { id, text, stt_ms },
                    Err(speech_end_ms) => World::Transcript {
                        text,
                        stt_ms,
                        speech_end_ms,
                    },
                };
                let _ = tx.send(event);
            }
        })
}

#[allow(clippy::too_many_arguments)]
pub fn spawn_speaker(
    mut tts: Box<dyn Synthesizer>,
    jobs: Receiver<SpeakJob>,
    tx: Sender<World>,
    sink: Arc<Mutex<Option<Box<dyn AudioSink>>>>,
    generation: Arc<AtomicU64>,
    device: String,
    no_audio: bool,
    chimes: bool,
    far_end: Option<Arc<FarEnd>>,
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
                                        pcm.extend(std::iter::repeat_n(
                                            0.0,
                                            (u64::from(rate) * SENTENCE_GAP_MS / 1000) as usize,
                                        ));
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
                                Ok(s) => *guard = Some(Box::new(s.with_far_end(far_end.clone()))),
                                Err(e) => {
                                    let _ = tx.send(World::SpeakerError {
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
                                let _ = tx.send(World::SpeakerError {
                                    detail: e.to_string(),
                                });
                                *guard = None;
                            } else if first {
                                first = false;
                                let _ = tx.send(World::FirstAudio {
                                    generation: job.generation,
                                    at_ms: now_ms(),
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
                        let _ = tx.send(World::SpeakerError {
                            detail: "output device stopped playing; reopening".into(),
                        });
                        if let Ok(mut g) = sink.lock() {
                            *g = None;
                        }
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                let _ = tx.send(World::SpeechDone {
                    generation: job.generation,
                });
            }
        })
}

/// The echo canceller for the capture thread: `far_end` is what the speaker plays, `tail_ms`
/// the echo path it models.
pub struct EchoSetup {
    pub far_end: Arc<FarEnd>,
    pub tail_ms: u32,
}

pub fn spawn_capture(
    device: String,
    tx: Sender<World>,
    counters: Arc<AudioCounters>,
    shutdown: Arc<AtomicBool>,
    echo: Option<EchoSetup>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("capture".into())
        .spawn(move || {
            // One canceller for the thread's life: what it learnt about the room is kept across
            // replies and across a reopened device.
            let mut echo = echo.and_then(|e| match SpeexCanceller::new(e.tail_ms) {
                Ok(c) => Some(EchoStage::new(Box::new(c), e.far_end, e.tail_ms)),
                Err(err) => {
                    tracing::error!(error = %err, "echo canceller unavailable; barge_in_db only");
                    None
                }
            });
            let mut backoff = Duration::from_millis(500);
            while !shutdown.load(Ordering::SeqCst) {
                let detail = match CpalSource::open(Some(&device), counters.clone()) {
                    Ok(mut source) => {
                        backoff = Duration::from_millis(500);
                        let listening = format!("listening on {}", source.device);
                        let _ = tx.send(World::DeviceStatus {
                            input: true,
                            detail: listening,
                        });
                        match capture_until_lost(
                            &mut source,
                            &device,
                            &tx,
                            &shutdown,
                            echo.as_mut(),
                            &counters,
                        ) {
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
                let _ = tx.send(World::DeviceStatus {
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
    tx: &Sender<World>,
    shutdown: &AtomicBool,
    mut echo: Option<&mut EchoStage>,
    counters: &AudioCounters,
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
                // The echo canceller sees the audio before anything else does.
                let samples = match echo.as_deref_mut() {
                    Some(stage) => {
                        let clean = stage.process(&samples, last_chunk);
                        if let Ok(mut stats) = counters.echo.lock() {
                            *stats = Some(stage.stats());
                        }
                        clean
                    }
                    None => samples,
                };
                if samples.is_empty() {
                    continue;
                }
                if tx
                    .send(World::Audio {
                        samples,
                        captured_at_ms: now_ms(),
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

/// Waits for a worker thread to end, for at most `limit`; says so if it did not.
pub fn join_within(handle: std::thread::JoinHandle<()>, limit: Duration, name: &str) {
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
