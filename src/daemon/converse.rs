//! `hearth converse`: a [`Session`] driven by a recording, on virtual time.
//!
//! The recording is fed to the session in 20 ms chunks at the virtual moment each was "captured";
//! what the session asks for happens at once on the same clock: utterances (and the speculative
//! transcript at a pause) are transcribed with no time passing, sounds are synthesized into one
//! reply WAV at the moment they would play, playback finishes when their audio ends, and a cut
//! drops what had not been heard yet. So the wake gate, the follow-up window, barge-in, listening
//! time-outs and a flow's spacing are the daemon's own: an utterance without the wake phrase
//! outside a conversation is dropped as there (reported as not addressed, its words not kept).
//! After the recording, a running flow plays out (at most 20 minutes of virtual time).

use super::converse_report::Speculation;
pub use super::converse_report::{ConverseReport, StageTimes, UtteranceReport};
use super::load::{load_prompts, load_safety};
use super::render::Speaker;
use crate::audio::{self, BufferSink};
use crate::config::Config;
use crate::session::companion::Companion;
use crate::session::{Input, Modality, Output, Session};
use crate::speech::{Synthesizer, Transcriber};
use std::path::Path;
use std::time::Instant;

/// Samples per chunk fed to the session: 20 ms, like a capture callback.
const CHUNK: usize = 320;
/// How long a flow may play on after the recording ends.
const AFTER_MS: u64 = 20 * 60_000;

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
    // `converse` is a rehearsal on a recording: it never writes to the person's history.
    let companion = Companion::new(
        config,
        load_prompts(config)?,
        load_safety(config)?,
        None,
        Some("converse does not store".into()),
    );
    let base = crate::store::now_ms().max(0) as u64;
    let session = Session::new(config.clone(), companion, Modality::Voice, base);
    let rate = tts.sample_rate();
    let mut speaker = Speaker {
        tts: &mut tts,
        sink: BufferSink::new(rate),
        chimes: config.tts.chimes,
        finishing: Vec::new(),
    };
    let utterances = drive(session, &mut stt, &mut speaker, &pcm, base)?;
    let out = speaker.sink.into_audio();
    audio::write_wav(output, &out)?;
    Ok(ConverseReport {
        input: input.display().to_string(),
        input_secs: pcm.len() as f64 / 16_000.0,
        output_secs: out.duration_secs(),
        stt_load_ms,
        tts_load_ms,
        utterances,
    })
}

/// Feeds the recording and the session's own timers in time order; carries out its outputs.
fn drive(
    mut session: Session,
    stt: &mut dyn Transcriber,
    speaker: &mut Speaker,
    pcm: &[f32],
    base: u64,
) -> anyhow::Result<Vec<UtteranceReport>> {
    let mut reports: Vec<UtteranceReport> = Vec::new();
    let mut vad_ms = 0.0;
    let mut pos = 0usize;
    let end_ms = pcm.len() as u64 * 1000 / 16_000;
    let mut t = 0u64;
    let mut last_speculation: Option<Speculation> = None;
    loop {
        let chunk_at =
            (pos < pcm.len()).then(|| (pos + CHUNK).min(pcm.len()) as u64 * 1000 / 16_000);
        let finish_at = speaker.finishing.first().map(|(_, at)| *at);
        if (chunk_at.is_none() && finish_at.is_none() && session.is_idle()) || t > end_ms + AFTER_MS
        {
            break;
        }
        // The earliest of: the next chunk, the end of what plays, the session's wake-up.
        let wake_at = session.next_wakeup(base + t).saturating_sub(base);
        t = [chunk_at, finish_at, Some(wake_at)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(wake_at)
            .max(t);
        let outputs = if chunk_at == Some(t) {
            let samples = pcm[pos..(pos + CHUNK).min(pcm.len())].to_vec();
            pos += samples.len();
            let started = Instant::now();
            let input = Input::Audio {
                samples,
                captured_at_ms: base + t,
            };
            let (turns, dropped) = (session.speculative_turns(), session.dropped_not_addressed());
            let o = session.handle(input, base + t);
            vad_ms += started.elapsed().as_secs_f64() * 1000.0;
            // A turn that ended at the hang-over with its speculative transcript.
            if session.speculative_turns() > turns {
                if let Some(spec) = last_speculation.take() {
                    let addressed = session.dropped_not_addressed() == dropped;
                    let assessment = session.engine().screen_assessment(&spec.text);
                    reports.push(UtteranceReport::heard(
                        assessment, spec, addressed, 0.0, base,
                    ));
                }
            }
            o
        } else if finish_at == Some(t) {
            let (generation, _) = speaker.finishing.remove(0);
            session.handle(Input::PlaybackFinished { generation }, base + t)
        } else {
            session.handle(Input::Tick, base + t)
        };
        perform(
            &mut session,
            stt,
            speaker,
            outputs,
            (t, base),
            &mut reports,
            &mut last_speculation,
        )?;
    }
    let n = reports.len().max(1) as f64;
    for r in &mut reports {
        r.durations_ms.vad = vad_ms / n;
    }
    Ok(reports)
}

/// Carries out outputs at virtual time `t` (and what the session says in answer to them).
fn perform(
    session: &mut Session,
    stt: &mut dyn Transcriber,
    speaker: &mut Speaker,
    outputs: Vec<Output>,
    (t, base): (u64, u64),
    reports: &mut Vec<UtteranceReport>,
    last_speculation: &mut Option<Speculation>,
) -> anyhow::Result<()> {
    let mut queue = std::collections::VecDeque::from(outputs);
    while let Some(output) = queue.pop_front() {
        match output {
            Output::Transcribe {
                samples,
                span_ms,
                speech_end_ms,
            } => {
                let transcript = stt.transcribe(&samples)?;
                let assessment = session.engine().screen_assessment(&transcript.text);
                let dropped = session.dropped_not_addressed();
                let started = Instant::now();
                let more = session.handle(
                    Input::Transcript {
                        text: transcript.text.clone(),
                        stt_ms: transcript.millis,
                        speech_end_ms,
                    },
                    base + t,
                );
                let engine_ms = started.elapsed().as_secs_f64() * 1000.0;
                let addressed = session.dropped_not_addressed() == dropped;
                tracing::debug!(transcript = %transcript.text, addressed, "utterance");
                let heard = Speculation {
                    text: transcript.text,
                    millis: transcript.millis,
                    span_ms,
                };
                reports.push(UtteranceReport::heard(
                    assessment, heard, addressed, engine_ms, base,
                ));
                queue.extend(more);
            }
            Output::Speculate {
                id,
                samples,
                span_ms,
            } => {
                let transcript = stt.transcribe(&samples)?;
                let (turns, dropped) =
                    (session.speculative_turns(), session.dropped_not_addressed());
                *last_speculation = Some(Speculation {
                    text: transcript.text.clone(),
                    millis: transcript.millis,
                    span_ms,
                });
                let started = Instant::now();
                let more = session.handle(
                    Input::Speculation {
                        id,
                        text: transcript.text,
                        stt_ms: transcript.millis,
                    },
                    base + t,
                );
                let engine_ms = started.elapsed().as_secs_f64() * 1000.0;
                // The words sounded finished: the turn ended here, early.
                if session.speculative_turns() > turns {
                    if let Some(spec) = last_speculation.take() {
                        let addressed = session.dropped_not_addressed() == dropped;
                        let assessment = session.engine().screen_assessment(&spec.text);
                        let r =
                            UtteranceReport::heard(assessment, spec, addressed, engine_ms, base);
                        reports.push(r);
                    }
                }
                queue.extend(more);
            }
            Output::Play { generation, sounds } => {
                let (said, starts, first, total) = speaker.play(generation, &sounds, t)?;
                let at_ms = base + starts;
                let started = Input::PlaybackStarted { generation, at_ms };
                queue.extend(session.handle(started, base + t));
                if let Some(r) = reports.last_mut() {
                    if !said.is_empty() {
                        if !r.reply.is_empty() {
                            r.reply.push(' ');
                        }
                        r.reply.push_str(&said);
                    }
                    if r.durations_ms.tts_first_audio.is_none() {
                        r.durations_ms.tts_first_audio = first;
                        r.durations_ms.tts_total = total;
                    }
                }
            }
            Output::Cut { .. } => speaker.cut(t),
            Output::Reply(_) => {}
        }
    }
    Ok(())
}
