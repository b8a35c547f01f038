//! One conversation, sans-IO: the daemon's policy, driven by inputs on a millisecond clock.
//!
//! [`Session::handle`] takes one [`Input`] (microphone audio, a transcript, typed text, playback
//! started or finished, a device report, a control request, a tick) at `now_ms` and returns the
//! [`Output`]s for the world: transcribe these samples, play these sounds (generation `g`), cut
//! playback, reply to a control request. [`Session::next_wakeup`] says when to call again if
//! nothing happens. The session never sleeps, reads a clock, opens a device or spawns a thread;
//! the front ends in `daemon/` (live audio, a recording, the console) do, which is why they are
//! thin and behave alike by construction. The one effect outside its outputs is the
//! [`Companion`]'s store (mood entries, sessions), which tests run without.
//!
//! What lives here:
//!
//! - **The wake gate and the follow-up window.** An utterance is for Hearth when it starts with
//!   the wake phrase, comes within `listen.follow_up_secs` after Hearth spoke, answers a question
//!   (a `Listen` window), or comes while a flow or a crisis conversation runs. Anything else is
//!   dropped at once - never kept, stored or logged - unless the engine's one safety policy
//!   ([`crate::engine::dialogue::engine::Engine::answers_unaddressed`]) says someone may be in
//!   danger: then the safer behaviour wins.
//! - **Speech generations and barge-in.** Every `Play` carries the current generation; `Cut`
//!   starts a new one, so a front end drops whatever it still holds of an older one. Speech that
//!   starts while Hearth speaks cuts playback at once (the endpointer reports it ~60 ms in),
//!   except in a crisis conversation, where only words interrupt the helpline number. While
//!   Hearth speaks, the endpointer asks for `audio.barge_in_db` more, so Hearth's own voice
//!   through the room does not trigger it.
//! - **The end of a turn** ([`turn`]): at a short pause the utterance so far is transcribed
//!   speculatively; if the person stays silent to the hang-over, those words are the turn's
//!   transcript (no second transcription), and with `audio.early_end` a turn whose words sound
//!   finished ends at the pause already.
//! - **The evening offer**, scheduled at `schedule.evening_reflection` local time and passed to
//!   the engine as [`Event::Offer`], which asks only into quiet and reads the answer.
//! - **The numbers `hearth status` reports** (latency from end of speech to first reply audio,
//!   barge-in reaction, dropped utterances).

pub mod companion;
pub mod turn;
pub mod wake;

use crate::audio::tones::Chime;
use crate::audio::vad::VadConfig;
use crate::config::Config;
use crate::control::protocol::{Reply, Request};
use crate::engine::dialogue::engine::{Action, Engine, Event};
use crate::engine::dialogue::prompts::Prompts;
use companion::Companion;
use std::collections::VecDeque;
use std::sync::Arc;
use turn::{Turn, TurnPolicy, TurnTaker};

/// Samples per second of microphone audio.
const RATE: u64 = 16_000;
/// How often retention is checked.
const PURGE_EVERY_MS: u64 = 3_600_000;
/// The longest the session sleeps without being asked.
const MAX_SLEEP_MS: u64 = 500;

/// Silence after each sentence of a [`Sound::Say`], in every front end's speaker.
pub const SENTENCE_GAP_MS: u64 = 200;

/// Something to play, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Sound {
    /// Spoken sentence by sentence, each followed by [`SENTENCE_GAP_MS`] of silence.
    Say(String),
    Chime(Chime),
    Silence(u64),
}

/// What the world tells the session.
#[derive(Debug)]
pub enum Input {
    /// 16 kHz microphone samples; `captured_at_ms` is when their last sample was captured.
    Audio {
        samples: Vec<f32>,
        captured_at_ms: u64,
    },
    /// The recogniser's text for an [`Output::Speculate`].
    Speculation { id: u64, text: String, stt_ms: f64 },
    /// The recogniser's text for a [`Output::Transcribe`].
    Transcript {
        text: String,
        stt_ms: f64,
        speech_end_ms: u64,
    },
    /// Typed to Hearth on purpose (the console, `hearth say-to`, the socket's `utterance`):
    /// addressed, no wake phrase needed.
    Typed { text: String },
    /// The first audio of a `Play` reached the speaker.
    PlaybackStarted { generation: u64, at_ms: u64 },
    /// Everything of one `Play` has been heard (or dropped because it was cut).
    PlaybackFinished { generation: u64 },
    /// The microphone was opened (`ok`) or lost.
    InputDevice { ok: bool, detail: String },
    /// The speaker failed; the front end retries.
    OutputProblem { detail: String },
    /// A control request. `reload` arrives as [`Input::Reloaded`] instead: reading files is the
    /// front end's job.
    Control(Request),
    /// The outcome of re-reading configuration and prompts.
    Reloaded(Reload),
    /// Nothing happened; time passed.
    Tick,
}

/// New configuration and prompts, or why a reload was refused.
pub type Reload = Result<(Box<Config>, Arc<Prompts>), String>;

/// What the session asks of the world.
#[derive(Debug, PartialEq)]
pub enum Output {
    /// Transcribe these samples and answer with [`Input::Transcript`]. `span_ms` is where
    /// the utterance lies on the capture clock (pre-roll and a short tail included);
    /// `speech_end_ms` is when the person stopped speaking, for the reply's latency.
    Transcribe {
        samples: Vec<f32>,
        span_ms: (u64, u64),
        speech_end_ms: u64,
    },
    /// Transcribe the utterance so far, speculatively (the person has paused and may go on);
    /// answer with [`Input::Speculation`]. Its words may become the turn's transcript.
    Speculate {
        id: u64,
        samples: Vec<f32>,
        span_ms: (u64, u64),
    },
    /// Play these after whatever of the same generation is still playing; answer with
    /// `PlaybackStarted` and `PlaybackFinished`.
    Play { generation: u64, sounds: Vec<Sound> },
    /// Stop playback now and drop everything queued; `generation` is the new current one.
    Cut { generation: u64 },
    /// The answer to the last [`Input::Control`] or [`Input::Reloaded`].
    Reply(Reply),
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
    /// Transcripts taken as requests (addressed, or inside a conversation).
    requests_heard: u64,
    /// Longest a chunk of microphone audio waited before the session took it.
    max_audio_lag_ms: f64,
    /// Speculative transcripts asked for at a pause.
    speculations: u64,
    /// Turns ended before the hang-over because their words sounded finished.
    early_ends: u64,
    /// Turns whose speculative transcript was reused at the hang-over.
    reused: u64,
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

/// The endpointer's settings from the configuration.
pub fn vad_config(config: &Config) -> VadConfig {
    VadConfig {
        hangover_ms: config.audio.hangover_ms,
        threshold_db: config.audio.threshold_db,
        ..Default::default()
    }
}

/// The end-of-turn policy from the configuration (see [`turn`]).
pub fn turn_policy(config: &Config) -> TurnPolicy {
    TurnPolicy {
        speculate_ms: config.audio.speculate_ms,
        early_end: config.audio.early_end,
        hold_ms: config.audio.hangover_ms + HOLD_EXTRA_MS,
        wake_phrase: config.listen.wake_phrase.clone(),
    }
}

/// How much longer than the hang-over a turn waits after words that ask for more ("and", "um").
const HOLD_EXTRA_MS: u32 = 500;

/// How a front end meets the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    /// Speech through a microphone (live or recorded): listening windows time out.
    Voice,
    /// Typing at a console: a question waits for the typed answer however long it takes.
    Typed,
}

/// One conversation's state. See the module documentation.
pub struct Session {
    config: Config,
    modality: Modality,
    companion: Companion,
    turns: TurnTaker,
    generation: u64,
    speaking: bool,
    /// `Play`s of the current generation not yet finished.
    queued: usize,
    /// Samples received from the microphone so far (the endpointer's stream position).
    samples_in: u64,
    /// When the last of them was captured.
    last_captured_at: u64,
    /// Utterances sent to the recogniser and not yet back.
    stt_in_flight: usize,
    /// A `Listen` waiting for the speech before it to finish.
    pending_listen: Option<u64>,
    listen_until: Option<u64>,
    follow_up_until: Option<u64>,
    /// (generation, end of the person's speech) waiting for the reply's first audio.
    awaiting_first_audio: Option<(u64, u64)>,
    /// End of the speech being answered; the next sounds queued are the reply to it.
    reply_to: Option<u64>,
    metrics: Metrics,
    input_ok: bool,
    /// Times a working input device was lost.
    input_losses: u64,
    input_detail: String,
    output_problem: Option<String>,
    last_reload: Option<serde_json::Value>,
    next_offer_ms: Option<u64>,
    last_purge_ms: u64,
    started_ms: u64,
    out: Vec<Output>,
}

impl Session {
    pub fn new(config: Config, companion: Companion, modality: Modality, now_ms: u64) -> Self {
        let mut s = Self {
            turns: TurnTaker::new(vad_config(&config), turn_policy(&config)),
            config,
            modality,
            companion,
            generation: 0,
            speaking: false,
            queued: 0,
            samples_in: 0,
            last_captured_at: now_ms,
            stt_in_flight: 0,
            pending_listen: None,
            listen_until: None,
            follow_up_until: None,
            awaiting_first_audio: None,
            reply_to: None,
            metrics: Metrics::default(),
            input_ok: false,
            input_losses: 0,
            input_detail: "opening".into(),
            output_problem: None,
            last_reload: None,
            next_offer_ms: None,
            last_purge_ms: now_ms,
            started_ms: now_ms,
            out: Vec::new(),
        };
        s.schedule_offer(now_ms);
        s
    }

    pub fn engine(&self) -> &Engine {
        self.companion.engine()
    }

    pub fn companion(&self) -> &Companion {
        &self.companion
    }

    pub fn speaking(&self) -> bool {
        self.speaking
    }

    /// A question has been asked and heard, and its answer is awaited.
    pub fn listening(&self) -> bool {
        self.listen_until.is_some()
    }

    /// Nothing is playing, due, running or waiting for an answer.
    pub fn is_idle(&self) -> bool {
        !self.speaking
            && self.listen_until.is_none()
            && self.pending_listen.is_none()
            && self.engine().next_deadline().is_none()
            && self.engine().state_summary().flow.is_none()
    }

    /// The current speech generation (what a front end's speaker compares against).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Utterances dropped because they were not for Hearth.
    pub fn dropped_not_addressed(&self) -> u64 {
        self.metrics.dropped_not_addressed
    }

    /// Turns whose transcript was a speculative one (ended early, or reused at the hang-over).
    pub fn speculative_turns(&self) -> u64 {
        self.metrics.early_ends + self.metrics.reused
    }

    /// Transcripts taken as requests: what Hearth heard as said to it.
    pub fn requests_heard(&self) -> u64 {
        self.metrics.requests_heard
    }

    /// Takes one input at `now_ms`. Timers that fell due before it are run first (a listening
    /// window that closed before an utterance began does not make it addressed), and again after
    /// it.
    pub fn handle(&mut self, input: Input, now_ms: u64) -> Vec<Output> {
        self.on_time(now_ms);
        match input {
            Input::Audio {
                samples,
                captured_at_ms,
            } => self.on_audio(&samples, captured_at_ms, now_ms),
            Input::Transcript {
                text,
                stt_ms,
                speech_end_ms,
            } => self.on_transcript(text, stt_ms, speech_end_ms, now_ms),
            Input::Speculation { id, text, stt_ms } => {
                let turns = self.turns.speculated(id, text, stt_ms);
                self.on_turns(turns, now_ms);
            }
            Input::Typed { text } => self.on_request(text, now_ms, now_ms),
            Input::PlaybackStarted { generation, at_ms } => {
                if let Some((g, end)) = self.awaiting_first_audio {
                    if g == generation {
                        let ms = at_ms.saturating_sub(end) as f64;
                        push_recent(&mut self.metrics.latencies, ms);
                        self.awaiting_first_audio = None;
                        tracing::info!(latency_ms = ms, "end of speech to first reply audio");
                    }
                }
                self.output_problem = None;
            }
            Input::PlaybackFinished { generation } => self.on_playback_finished(generation, now_ms),
            Input::InputDevice { ok, detail } => {
                if self.input_ok && !ok {
                    self.input_losses += 1;
                }
                self.input_ok = ok;
                self.input_detail = detail;
                self.turns
                    .reset(vad_config(&self.config), turn_policy(&self.config));
                if self.speaking {
                    self.turns.set_boost_db(self.config.audio.barge_in_db);
                }
            }
            Input::OutputProblem { detail } => {
                tracing::warn!(error = %detail, "output device problem; will retry");
                self.output_problem = Some(detail);
            }
            Input::Control(request) => {
                let reply = self.on_control(request, now_ms);
                self.out.push(Output::Reply(reply));
            }
            Input::Reloaded(result) => {
                let reply = self.on_reloaded(result, now_ms);
                self.out.push(Output::Reply(reply));
            }
            Input::Tick => {}
        }
        self.on_time(now_ms);
        std::mem::take(&mut self.out)
    }

    /// When to call [`Session::handle`] with [`Input::Tick`] if nothing else happens.
    pub fn next_wakeup(&self, now_ms: u64) -> u64 {
        let mut next = now_ms + MAX_SLEEP_MS;
        if let Some(d) = self.engine().next_deadline() {
            next = next.min(d);
        }
        if let Some(l) = self.listen_until {
            next = next.min(l);
        }
        if let Some(o) = self.next_offer_ms {
            next = next.min(o);
        }
        next.max(now_ms)
    }

    /// Stops speaking and closes what is open, for a clean exit.
    pub fn shutdown(&mut self, now_ms: u64) -> Vec<Output> {
        self.cut();
        self.companion.shutdown(now_ms);
        std::mem::take(&mut self.out)
    }

    /// Timers: engine deadlines, listening time-outs, the scheduled offer, retention.
    fn on_time(&mut self, now: u64) {
        if self.engine().next_deadline().is_some_and(|d| now >= d) {
            self.engine_event(Event::Timer, now);
        }
        // Not while the answer is still being spoken or transcribed.
        if self.listen_until.is_some_and(|l| now >= l)
            && !self.turns.in_speech()
            && self.stt_in_flight == 0
        {
            self.listen_until = None;
            self.engine_event(Event::ListenTimedOut, now);
        }
        if now.saturating_sub(self.last_purge_ms) > PURGE_EVERY_MS {
            self.last_purge_ms = now;
            if let Some(store) = self.companion.store() {
                match store.purge_if_due(now as i64) {
                    Ok(Some(n)) => tracing::info!(records = n, "expired records deleted"),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "retention purge failed; will retry"),
                }
            }
        }
        if self.next_offer_ms.is_some_and(|at| now >= at) {
            self.schedule_offer(now + 60_000);
            // Only into quiet: not over Hearth's own voice, not over someone talking.
            if !self.speaking && !self.turns.in_speech() && self.stt_in_flight == 0 {
                self.engine_event(
                    Event::Offer {
                        flow: "evening-reflection".into(),
                    },
                    now,
                );
            }
        }
    }

    fn on_audio(&mut self, samples: &[f32], captured_at: u64, now: u64) {
        self.samples_in += samples.len() as u64;
        self.last_captured_at = captured_at;
        let lag = now.saturating_sub(captured_at) as f64;
        self.metrics.max_audio_lag_ms = self.metrics.max_audio_lag_ms.max(lag);
        let turns = self.turns.push(samples);
        self.on_turns(turns, now);
    }

    /// A stream position (16 kHz samples) on the capture clock.
    fn captured_ms(&self, pos: u64) -> u64 {
        self.last_captured_at
            .saturating_sub(self.samples_in.saturating_sub(pos) * 1000 / RATE)
    }

    /// What the turn taker noticed: speech starting (barge-in), a pause to transcribe
    /// speculatively, an utterance to transcribe, or a turn whose words are already known.
    fn on_turns(&mut self, turns: Vec<Turn>, now: u64) {
        for turn in turns {
            match turn {
                Turn::SpeechStart { at } => {
                    // When speech began, on the capture clock.
                    let behind = self.samples_in.saturating_sub(at) * 1000 / RATE;
                    let start = self.captured_ms(at);
                    // In a crisis conversation a cough must not cut off the helpline number:
                    // there, only words (a transcript) interrupt Hearth.
                    if self.speaking && !self.engine().in_crisis() {
                        self.cut();
                        self.metrics.barge_ins += 1;
                        let ms = now.saturating_sub(start) as f64;
                        push_recent(&mut self.metrics.barge_in_ms, ms);
                        tracing::info!(
                            reaction_ms = ms,
                            behind_ms = behind,
                            "barge-in: playback stopped"
                        );
                        self.follow_up_until = Some(now + self.follow_up_ms());
                        self.engine_event(Event::SpeechFinished, now);
                    }
                }
                Turn::Speculate {
                    id,
                    samples,
                    start,
                    end,
                } => {
                    self.metrics.speculations += 1;
                    self.out.push(Output::Speculate {
                        id,
                        samples,
                        span_ms: (self.captured_ms(start), self.captured_ms(end)),
                    });
                }
                Turn::Utterance {
                    samples,
                    start,
                    end,
                    speech_end,
                } => {
                    self.metrics.utterances += 1;
                    self.stt_in_flight += 1;
                    self.out.push(Output::Transcribe {
                        samples,
                        span_ms: (self.captured_ms(start), self.captured_ms(end)),
                        speech_end_ms: self.captured_ms(speech_end),
                    });
                }
                Turn::Heard {
                    text,
                    stt_ms,
                    speech_end,
                    early,
                    ..
                } => {
                    self.metrics.utterances += 1;
                    if early {
                        self.metrics.early_ends += 1;
                    } else {
                        self.metrics.reused += 1;
                    }
                    let silence_ms = self.samples_in.saturating_sub(speech_end) * 1000 / RATE;
                    tracing::debug!(
                        early,
                        silence_ms,
                        "end of turn from a speculative transcript"
                    );
                    // Counted as in flight so that the transcript is taken as any other.
                    self.stt_in_flight += 1;
                    let speech_end_ms = self.captured_ms(speech_end);
                    self.on_transcript(text, stt_ms, speech_end_ms, now);
                }
            }
        }
    }

    fn follow_up_ms(&self) -> u64 {
        self.config.listen.follow_up_secs * 1000
    }

    /// Whether an utterance without the wake phrase is still for Hearth.
    fn in_conversation(&self, now: u64) -> bool {
        self.listen_until.is_some()
            || self.follow_up_until.is_some_and(|f| now < f)
            || self.engine().in_crisis()
            || self.engine().state_summary().flow.is_some()
    }

    fn on_transcript(&mut self, text: String, stt_ms: f64, speech_end: u64, now: u64) {
        let _span = tracing::info_span!("turn", stt_ms).entered();
        // This copy of what was heard is wiped when the turn is over (also when it was not for
        // Hearth and is dropped). Not wiped: the request handed on to the engine, which keeps
        // what a flow needs (a reflection, a mood note) in ordinary strings until it is stored;
        // wiping every copy through the dialogue is not practical, and core dumps are off.
        let text = zeroize::Zeroizing::new(text);
        self.stt_in_flight = self.stt_in_flight.saturating_sub(1);
        if text.trim().is_empty() || crate::speech::whisper::is_prompt_echo(&text) {
            // A cough or a door: nothing was said.
            return;
        }
        let request = match wake::strip_wake_phrase(&text, &self.config.listen.wake_phrase) {
            Some(rest) => rest,
            None if self.in_conversation(now) => text.to_string(),
            // Not addressed, but it says someone may be in danger: the safer behaviour wins.
            None if self.engine().answers_unaddressed(&text) => text.to_string(),
            None => {
                // Not addressed to Hearth: dropped here, never stored or logged.
                self.metrics.dropped_not_addressed += 1;
                tracing::info!("utterance not addressed to Hearth: dropped");
                return;
            }
        };
        if request.trim().is_empty() {
            // Just the wake phrase: open a follow-up window and acknowledge softly.
            self.follow_up_until = Some(now + self.follow_up_ms());
            self.speak(vec![Sound::Chime(Chime::Hold)]);
            return;
        }
        tracing::debug!(text = %request, "heard");
        self.metrics.requests_heard += 1;
        self.on_request(request, speech_end, now);
    }

    /// Something said (or typed) to Hearth.
    fn on_request(&mut self, request: String, speech_end: u64, now: u64) {
        self.listen_until = None;
        self.reply_to = Some(speech_end);
        self.engine_event(Event::Utterance { text: request }, now);
        self.reply_to = None;
    }

    fn on_playback_finished(&mut self, generation: u64, now: u64) {
        if generation != self.generation || !self.speaking {
            return;
        }
        // Several replies can be queued; Hearth has finished when the last one has.
        self.queued = self.queued.saturating_sub(1);
        if self.queued > 0 {
            return;
        }
        self.speaking = false;
        self.turns.set_boost_db(0.0);
        self.follow_up_until = Some(now + self.follow_up_ms());
        if let Some(ms) = self.pending_listen.take() {
            self.open_listen(ms, now);
        }
        self.engine_event(Event::SpeechFinished, now);
    }

    fn open_listen(&mut self, ms: u64, now: u64) {
        self.listen_until = match self.modality {
            Modality::Voice => Some(now + ms),
            // Typing takes as long as it takes; the window stays open until the answer.
            Modality::Typed => Some(u64::MAX),
        };
    }

    /// Passes an event to the engine and performs what comes back.
    fn engine_event(&mut self, event: Event, now: u64) {
        let actions = self.companion.handle(event, now);
        let mut sounds = Vec::new();
        for action in actions {
            match action {
                Action::StopSpeaking => {
                    self.cut();
                    sounds.clear();
                }
                Action::Say { text } => sounds.push(Sound::Say(text)),
                Action::Chime { kind } => sounds.push(Sound::Chime(companion::chime_for(kind))),
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
        } else if !self.speaking {
            if let Some(ms) = self.pending_listen.take() {
                self.open_listen(ms, now);
            }
        }
    }

    /// Queues sounds after whatever is playing (same generation).
    fn speak(&mut self, sounds: Vec<Sound>) {
        if let Some(end) = self.reply_to.take() {
            self.awaiting_first_audio = Some((self.generation, end));
        }
        self.speaking = true;
        self.queued += 1;
        self.turns.set_boost_db(self.config.audio.barge_in_db);
        self.out.push(Output::Play {
            generation: self.generation,
            sounds,
        });
    }

    /// Stops playback now and drops everything queued.
    fn cut(&mut self) {
        self.generation += 1;
        self.out.push(Output::Cut {
            generation: self.generation,
        });
        self.speaking = false;
        self.queued = 0;
        self.turns.set_boost_db(0.0);
    }

    fn on_control(&mut self, request: Request, now: u64) -> Reply {
        tracing::info!(cmd = request.name(), "control request");
        match request {
            Request::Status => {
                self.companion.refresh_storage_status();
                Reply::ok(self.status(now))
            }
            Request::Start {
                flow,
                cycles,
                minutes,
            } => {
                if self.engine().in_crisis() {
                    return Reply::error(
                        "Hearth is in a safety conversation; flows are paused until it ends",
                    );
                }
                self.engine_event(
                    Event::StartFlow {
                        name: flow.clone(),
                        cycles,
                        minutes,
                    },
                    now,
                );
                if self.engine().state_summary().flow.as_deref() == Some(flow.as_str()) {
                    Reply::ok(serde_json::json!({"started": flow}))
                } else {
                    Reply::error(format!("could not start {flow:?}: is it one of the flows in `hearth prompts check`?"))
                }
            }
            Request::Stop => {
                self.cut();
                self.engine_event(Event::Stop, now);
                Reply::done()
            }
            Request::Say { text } => {
                self.speak(vec![Sound::Say(text)]);
                Reply::done()
            }
            Request::Utterance { text } => {
                self.on_request(text, now, now);
                Reply::ok(self.status(now))
            }
            Request::Mood {
                score,
                note,
                feelings,
            } => {
                let entry = crate::store::NewMood {
                    at_ms: now as i64,
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
            Request::Reload => Reply::error("reload is read by the front end"),
            Request::Shutdown => Reply::done(),
        }
    }

    /// New configuration and prompts, or why they were refused (the old ones stay).
    fn on_reloaded(&mut self, result: Reload, now: u64) -> Reply {
        let reply = match result {
            Ok((config, prompts)) => {
                self.companion.replace_prompts(prompts);
                self.config = *config;
                self.schedule_offer(now);
                tracing::info!("reloaded configuration and prompts");
                serde_json::json!({"ok": true, "at_ms": now})
            }
            Err(e) => {
                tracing::error!(error = %e, "reload refused; keeping the current configuration and prompts");
                serde_json::json!({"ok": false, "error": e, "at_ms": now})
            }
        };
        self.last_reload = Some(reply.clone());
        Reply::ok(reply)
    }

    /// The next time the evening offer is due at or after `from_ms`, in local time.
    fn schedule_offer(&mut self, from_ms: u64) {
        use chrono::TimeZone;
        self.next_offer_ms = crate::config::parse_hhmm(&self.config.schedule.evening_reflection)
            .and_then(|(h, m)| {
                let from = chrono::Local
                    .timestamp_millis_opt(from_ms as i64)
                    .single()?;
                let today = from.date_naive().and_hms_opt(h, m, 0)?;
                let mut at = today.and_local_timezone(chrono::Local).earliest()?;
                if at < from {
                    at = (today + chrono::Duration::days(1))
                        .and_local_timezone(chrono::Local)
                        .earliest()?;
                }
                Some(at.timestamp_millis().max(0) as u64)
            });
    }

    /// Looks again at a storage problem that may have cleared (space freed, folder writable).
    pub fn refresh_storage_status(&mut self) {
        self.companion.refresh_storage_status();
    }

    /// What `hearth status` shows.
    pub fn status(&self, now: u64) -> serde_json::Value {
        use chrono::TimeZone;
        let m = &self.metrics;
        let offered = self.engine().offered_flow();
        serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "uptime_s": now.saturating_sub(self.started_ms) / 1000,
            "engine": self.engine().state_summary(),
            "speaking": self.speaking,
            "listening": {
                "wake_phrase": self.config.listen.wake_phrase,
                "in_conversation": self.in_conversation(now),
                "noise_floor_db": self.turns.noise_floor_db(),
            },
            "input": {
                "ok": self.input_ok,
                "detail": self.input_detail,
                "losses": self.input_losses,
            },
            "output": { "ok": self.output_problem.is_none(), "problem": self.output_problem },
            "storage": { "ok": self.companion.store().is_some() && self.companion.store_problem.is_none(), "problem": self.companion.store_problem },
            "latency_ms": { "count": m.latencies.len(), "p50": percentile(&m.latencies, 0.5), "p95": percentile(&m.latencies, 0.95), "all": m.latencies },
            "barge_in": { "count": m.barge_ins, "reaction_ms": m.barge_in_ms },
            "max_audio_lag_ms": m.max_audio_lag_ms,
            "turns": { "speculations": m.speculations, "early_ends": m.early_ends, "reused": m.reused },
            "utterances": m.utterances,
            "dropped_not_addressed": m.dropped_not_addressed,
            "requests_heard": m.requests_heard,
            "last_reload": self.last_reload,
            "next_evening_offer": self.next_offer_ms
                .and_then(|t| chrono::Local.timestamp_millis_opt(t as i64).single())
                .map(|t| t.to_rfc3339()),
            "offered": offered,
        })
    }
}

#[cfg(test)]
mod tests;
