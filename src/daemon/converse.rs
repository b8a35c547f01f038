//! `hearth converse`: the whole spoken loop on a recording.
//!
//! The recording is split into utterances by the endpointer; each is transcribed, screened and
//! answered by the engine exactly as in the daemon, and the replies are synthesized into one WAV
//! on the recording's own timeline (virtual time: a breathing flow started in the recording plays
//! out with its real spacing). The timeline reports each utterance with per-stage durations.

use super::companion::Companion;
use crate::audio::vad::{split_utterances, Endpoint, VadConfig};
use crate::audio::{self, tones, AudioSink, BufferSink};
use crate::config::Config;
use crate::engine::dialogue::engine::{Action, Event};
use crate::speech::{split_sentences, Synthesizer, Transcriber};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;

/// Per-stage durations of one utterance, in milliseconds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageTimes {
    pub vad: f64,
    pub stt: f64,
    pub engine: f64,
    pub tts_first_audio: Option<f64>,
    pub tts_total: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UtteranceReport {
    /// Where the utterance starts and ends in the input, in milliseconds.
    pub start_ms: u64,
    pub end_ms: u64,
    pub transcript: String,
    pub safety_action: String,
    pub safety_category: String,
    /// Everything Hearth said in answer, until the next utterance (or the end of a flow).
    pub reply: String,
    pub durations_ms: StageTimes,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConverseReport {
    pub input: String,
    pub input_secs: f64,
    pub output_secs: f64,
    pub stt_load_ms: f64,
    pub tts_load_ms: f64,
    pub utterances: Vec<UtteranceReport>,
}

/// Plays actions onto a buffer on virtual time.
struct Renderer<'a> {
    tts: &'a mut dyn Synthesizer,
    /// Everything said so far; its length is the virtual time (ms since the input's start).
    sink: BufferSink,
    chimes: bool,
}

impl Renderer<'_> {
    fn cursor_ms(&self) -> u64 {
        self.sink.samples.len() as u64 * 1000 / u64::from(self.sink.rate)
    }

    /// Pads with silence up to `t_ms` of virtual time.
    fn seek(&mut self, t_ms: u64) {
        let now = self.cursor_ms();
        if t_ms > now {
            self.sink.silence(t_ms - now);
        }
    }

    /// Renders speech, chimes and pauses; returns (spoken text, first-audio ms, total ms).
    fn render(
        &mut self,
        actions: &[Action],
        at_ms: u64,
    ) -> Result<(String, Option<f64>, f64), crate::speech::SpeechError> {
        self.seek(at_ms);
        let started = Instant::now();
        let mut first = None;
        let mut said = Vec::new();
        for action in actions {
            match action {
                Action::Say { text } => {
                    said.push(text.clone());
                    for sentence in split_sentences(text) {
                        let pcm = self.tts.synthesize(&sentence)?;
                        first.get_or_insert(started.elapsed().as_secs_f64() * 1000.0);
                        let rate = self.tts.sample_rate();
                        let _ = self.sink.play(&pcm, rate);
                        self.sink.silence(200);
                    }
                }
                Action::Pause { ms } => self.sink.silence(*ms),
                Action::Chime { kind } if self.chimes => {
                    let pcm = tones::chime(super::companion::chime_for(*kind), self.sink.rate);
                    let _ = self.sink.play(&pcm, self.sink.rate);
                }
                _ => {}
            }
        }
        Ok((
            said.join(" "),
            first,
            started.elapsed().as_secs_f64() * 1000.0,
        ))
    }
}

/// Virtual-time driver: delivers timers, end-of-speech and listen time-outs up to `until`.
struct Clock {
    base_ms: u64,
    listen_until: Option<u64>,
}

fn drive(
    companion: &mut Companion,
    renderer: &mut Renderer,
    clock: &mut Clock,
    until_rel: u64,
    said: &mut Vec<String>,
) -> Result<(), crate::speech::SpeechError> {
    for _ in 0..10_000 {
        let deadline = companion
            .engine()
            .next_deadline()
            .map(|d| d.saturating_sub(clock.base_ms));
        let listen = clock.listen_until;
        let next = [deadline, listen].into_iter().flatten().min();
        let Some(t) = next else { return Ok(()) };
        if t > until_rel {
            return Ok(());
        }
        let event = if Some(t) == listen && deadline.is_none_or(|d| d > t) {
            clock.listen_until = None;
            Event::ListenTimedOut
        } else {
            Event::Timer
        };
        let actions = companion.handle(event, clock.base_ms + t);
        apply(companion, renderer, clock, &actions, t, said)?;
    }
    Ok(())
}

/// Renders actions at virtual time `t`, then tells the engine when the speech ended.
fn apply(
    companion: &mut Companion,
    renderer: &mut Renderer,
    clock: &mut Clock,
    actions: &[Action],
    t: u64,
    said: &mut Vec<String>,
) -> Result<(Option<f64>, f64), crate::speech::SpeechError> {
    if actions.is_empty() {
        return Ok((None, 0.0));
    }
    let (text, first, total) = renderer.render(actions, t)?;
    if !text.is_empty() {
        said.push(text);
    }
    let end = renderer.cursor_ms();
    if actions
        .iter()
        .any(|a| matches!(a, Action::Say { .. } | Action::Pause { .. }))
    {
        let more = companion.handle(Event::SpeechFinished, clock.base_ms + end);
        if !more.is_empty() {
            apply(companion, renderer, clock, &more, end, said)?;
        }
    }
    if let Some(timeout) = actions.iter().find_map(|a| {
        if let Action::Listen { timeout_ms } = a {
            Some(*timeout_ms)
        } else {
            None
        }
    }) {
        clock.listen_until = Some(renderer.cursor_ms() + timeout);
    }
    Ok((first, total))
}

/// Runs the loop on `input` and writes the replies to `output`.
pub fn converse_file(
    config: &Config,
    input: &Path,
    output: &Path,
) -> anyhow::Result<ConverseReport> {
    let recording = audio::read_wav(input)?;
    let pcm = audio::resample::resample(&recording.samples, recording.sample_rate, 16_000);
    let t = Instant::now();
    let mut stt = config.load_transcriber()?;
    let stt_load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let mut tts = config.load_synthesizer(None)?;
    let tts_load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let prompts = super::companion::load_prompts(config)?;
    // `converse` is a rehearsal on a recording: it never writes to the person's history.
    let mut companion = Companion::new(
        config,
        prompts,
        super::companion::load_safety(config)?,
        None,
        Some("converse does not store".into()),
    );
    let report = run(
        config,
        &mut companion,
        &mut stt,
        &mut tts,
        &pcm,
        input,
        stt_load_ms,
        tts_load_ms,
        output,
    )?;
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn run(
    config: &Config,
    companion: &mut Companion,
    stt: &mut dyn Transcriber,
    tts: &mut dyn Synthesizer,
    pcm: &[f32],
    input: &Path,
    stt_load_ms: f64,
    tts_load_ms: f64,
    output: &Path,
) -> anyhow::Result<ConverseReport> {
    let vad_cfg = VadConfig {
        hangover_ms: config.audio.hangover_ms,
        threshold_db: config.audio.threshold_db,
        ..Default::default()
    };
    let t = Instant::now();
    let utterances = split_utterances(pcm, &vad_cfg);
    let vad_ms = t.elapsed().as_secs_f64() * 1000.0;
    let rate = tts.sample_rate();
    let mut renderer = Renderer {
        tts,
        sink: BufferSink::new(rate),
        chimes: config.tts.chimes,
    };
    let base_ms = crate::store::now_ms() as u64;
    let mut clock = Clock {
        base_ms,
        listen_until: None,
    };
    let mut reports = Vec::new();
    let n = utterances.len().max(1) as f64;
    for u in utterances {
        let Endpoint::Utterance {
            start,
            end,
            samples,
        } = u
        else {
            continue;
        };
        let (start_ms, end_ms) = (start * 1000 / 16_000, end * 1000 / 16_000);
        // What Hearth says before this utterance answers the previous one (a flow's cues).
        let mut said = Vec::new();
        drive(companion, &mut renderer, &mut clock, start_ms, &mut said)?;
        if let Some(last) = reports.last_mut() {
            append_reply(last, &said);
        }
        said.clear();
        let transcript = stt.transcribe(&samples)?;
        let text = transcript.text.clone();
        let t = Instant::now();
        let assessment = companion.engine().screen_assessment(&text);
        let actions = companion.handle(Event::Utterance { text: text.clone() }, base_ms + end_ms);
        let engine_ms = t.elapsed().as_secs_f64() * 1000.0;
        if actions.iter().any(|a| matches!(a, Action::Say { .. })) {
            clock.listen_until = None;
        }
        let mut reply = Vec::new();
        let (first, total) = apply(
            companion,
            &mut renderer,
            &mut clock,
            &actions,
            end_ms,
            &mut reply,
        )?;
        said.extend(reply);
        tracing::debug!(transcript = %text, "utterance");
        reports.push(UtteranceReport {
            start_ms,
            end_ms,
            transcript: text,
            safety_action: assessment.action.as_str().to_string(),
            safety_category: assessment.category,
            reply: said.join(" "),
            durations_ms: StageTimes {
                vad: vad_ms / n,
                stt: transcript.millis,
                engine: engine_ms,
                tts_first_audio: first,
                tts_total: total,
            },
        });
    }
    // Let a running flow finish (bounded: at most 20 minutes of virtual time).
    let mut closing = Vec::new();
    let horizon = renderer.cursor_ms() + 20 * 60_000;
    drive(companion, &mut renderer, &mut clock, horizon, &mut closing)?;
    if let Some(last) = reports.last_mut() {
        append_reply(last, &closing);
    }
    let out = renderer.sink.into_audio();
    audio::write_wav(output, &out)?;
    Ok(ConverseReport {
        input: input.display().to_string(),
        input_secs: pcm.len() as f64 / 16_000.0,
        output_secs: out.duration_secs(),
        stt_load_ms,
        tts_load_ms,
        utterances: reports,
    })
}

fn append_reply(report: &mut UtteranceReport, said: &[String]) {
    for s in said {
        if !report.reply.is_empty() {
            report.reply.push(' ');
        }
        report.reply.push_str(s);
    }
}
