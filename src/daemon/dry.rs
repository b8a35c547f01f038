//! `hearth flow NAME --dry-run`: a flow rehearsed on a virtual clock, through the same
//! [`Session`] as the daemon, with no devices, no models but the safety screen, and no storage.
//!
//! The front end is a speaker that "plays" each sound for as long as it would take (speech at
//! [`speech_ms`], each sentence followed by [`SENTENCE_GAP_MS`], chimes for their length,
//! pauses exactly), reports `PlaybackStarted` and `PlaybackFinished` at those virtual moments,
//! and a person who answers each question [`ANSWER_DELAY_MS`] after it has been heard, with a
//! canned answer for the kind of step (or stays silent, and the question times out as in the
//! daemon). Timers, listening windows, the follow-up window and the flow's pacing are the
//! session's own, so the timeline is what the daemon would do, by construction.
//!
//! The rehearsal starts as someone who has met Hearth already: the disclosure was just given and
//! the consent question asked, so the timeline shows the flow itself.

use super::load::{load_prompts, load_safety};
use crate::audio::tones;
use crate::config::Config;
use crate::control::protocol::Request;
use crate::engine::dialogue::prompts::Expect;
use crate::engine::dialogue::rehearsal::{canned_answer, ANSWER_DELAY_MS};
use crate::engine::dialogue::text::speech_ms;
use crate::engine::dialogue::EngineMemory;
use crate::session::companion::Companion;
use crate::session::{Input, Modality, Output, Session, Sound, SENTENCE_GAP_MS};
use crate::speech::split_sentences;
use serde::Serialize;
use std::collections::VecDeque;

/// The rehearsal stops after this much virtual time.
const MAX_VIRTUAL_MS: u64 = 6 * 3_600_000;
/// Rate at which chime lengths are worked out.
const CHIME_RATE: u32 = 16_000;

/// What happened at one virtual moment, in milliseconds since the start.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Entry {
    /// Hearth starts saying `text`.
    Say { t: u64, text: String },
    /// A chime starts.
    Chime { t: u64, kind: String },
    /// Silence of `ms` starts (breathing holds, spacing).
    Pause { t: u64, ms: u64 },
    /// A question has been heard; the microphone is open for the answer.
    Listen { t: u64 },
    /// The rehearsed person finished saying `text`.
    Heard { t: u64, text: String },
    /// Playback was cut.
    Cut { t: u64 },
}

impl Entry {
    /// When it happened, in milliseconds since the start.
    pub fn t(&self) -> u64 {
        match self {
            Entry::Say { t, .. }
            | Entry::Chime { t, .. }
            | Entry::Pause { t, .. }
            | Entry::Listen { t }
            | Entry::Heard { t, .. }
            | Entry::Cut { t } => *t,
        }
    }
}

/// Rehearses `flow` as configured; the timeline of what was said and heard.
pub fn dry_run(
    config: &Config,
    flow: &str,
    cycles: Option<u32>,
    minutes: Option<f32>,
    start_ms: u64,
) -> anyhow::Result<Vec<Entry>> {
    let prompts = load_prompts(config)?;
    if prompts.flow(flow).is_none() {
        anyhow::bail!(
            "no flow named `{flow}` (known: {})",
            prompts.flow_names().join(", ")
        );
    }
    let memory = EngineMemory {
        last_disclosed_ms: Some(start_ms),
        last_used_ms: Some(start_ms),
        consent_asked: true,
        ..EngineMemory::default()
    };
    let companion = Companion::with_memory(
        config,
        prompts,
        load_safety(config)?,
        None,
        Some("a rehearsal does not store".into()),
        memory,
    );
    let session = Session::new(config.clone(), companion, Modality::Voice, start_ms);
    let start = Request::Start {
        flow: flow.to_string(),
        cycles,
        minutes,
    };
    rehearse(
        session,
        start,
        start_ms,
        config.tts.chimes,
        &mut canned_answer,
    )
}

/// Drives `session` from the control request `start` on a virtual clock from `start_ms`; each
/// question is answered by `answer` for the kind of step (`None`: silence). Chimes play (and
/// take their time) only with `chimes`, as in the daemon's speaker.
pub fn rehearse(
    mut session: Session,
    start: Request,
    start_ms: u64,
    chimes: bool,
    answer: &mut dyn FnMut(Option<Expect>) -> Option<String>,
) -> anyhow::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut t = start_ms;
    // When the virtual speaker has played everything it was given.
    let mut free_at = start_ms;
    // (generation, when its audio ends), in order.
    let mut playing: VecDeque<(u64, u64)> = VecDeque::new();
    let mut reply: Option<(u64, String)> = None;
    let mut window_seen = false;
    let mut outputs = session.handle(Input::Control(start), t);
    loop {
        let mut queue = VecDeque::from(std::mem::take(&mut outputs));
        while let Some(output) = queue.pop_front() {
            match output {
                Output::Reply(r) if !r.ok => {
                    anyhow::bail!("{}", r.error.unwrap_or_else(|| "refused".into()))
                }
                Output::Play { generation, sounds } => {
                    let begins = t.max(free_at);
                    free_at = play(&sounds, begins, start_ms, chimes, &mut entries);
                    playing.push_back((generation, free_at));
                    let started = Input::PlaybackStarted {
                        generation,
                        at_ms: begins,
                    };
                    queue.extend(session.handle(started, t));
                }
                Output::Cut { .. } => {
                    entries.push(Entry::Cut { t: t - start_ms });
                    playing.clear();
                    free_at = t;
                }
                Output::Reply(_) | Output::Transcribe { .. } | Output::Speculate { .. } => {}
            }
        }
        // A question that has just been heard gets its answer (or silence).
        if session.listening() && !window_seen {
            window_seen = true;
            entries.push(Entry::Listen { t: t - start_ms });
            reply = answer(session.engine().expecting()).map(|text| (t + ANSWER_DELAY_MS, text));
        }
        window_seen &= session.listening();
        if (playing.is_empty() && reply.is_none() && session.is_idle())
            || t > start_ms + MAX_VIRTUAL_MS
        {
            return Ok(entries);
        }
        // The earliest of: the end of what plays, the answer, the session's wake-up.
        let finish_at = playing.front().map(|p| p.1);
        let reply_at = reply.as_ref().map(|r| r.0);
        let wake_at = session.next_wakeup(t);
        t = [finish_at, reply_at, Some(wake_at)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(wake_at)
            .max(t);
        outputs = if finish_at == Some(t) {
            let (generation, _) = playing.pop_front().expect("checked above");
            session.handle(Input::PlaybackFinished { generation }, t)
        } else if let Some((_, text)) = reply.take_if(|r| r.0 == t) {
            entries.push(Entry::Heard {
                t: t - start_ms,
                text: text.clone(),
            });
            let heard = Input::Transcript {
                text,
                stt_ms: 0.0,
                speech_end_ms: t,
            };
            session.handle(heard, t)
        } else {
            session.handle(Input::Tick, t)
        };
    }
}

/// Records `sounds` as played from `from`; returns when they end.
fn play(sounds: &[Sound], from: u64, start_ms: u64, chimes: bool, entries: &mut Vec<Entry>) -> u64 {
    let mut at = from;
    for sound in sounds {
        let t = at - start_ms;
        match sound {
            Sound::Say(text) => {
                entries.push(Entry::Say {
                    t,
                    text: text.clone(),
                });
                for sentence in split_sentences(text) {
                    at += speech_ms(&sentence) + SENTENCE_GAP_MS;
                }
            }
            Sound::Chime(_) if !chimes => {}
            Sound::Chime(kind) => {
                entries.push(Entry::Chime {
                    t,
                    kind: format!("{kind:?}").to_lowercase(),
                });
                at += tones::chime(*kind, CHIME_RATE).len() as u64 * 1000 / u64::from(CHIME_RATE);
            }
            Sound::Silence(ms) => {
                entries.push(Entry::Pause { t, ms: *ms });
                at += ms;
            }
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::safety::SafetyEngine;

    fn config() -> Config {
        Config {
            assets_dir: Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
            ..Config::default()
        }
    }

    fn session(config: &Config, start: u64) -> Session {
        let memory = EngineMemory {
            last_disclosed_ms: Some(start),
            last_used_ms: Some(start),
            consent_asked: true,
            ..EngineMemory::default()
        };
        let prompts = load_prompts(config).unwrap();
        let companion =
            Companion::with_memory(config, prompts, SafetyEngine::new(), None, None, memory);
        Session::new(config.clone(), companion, Modality::Voice, start)
    }

    fn start(flow: &str) -> Request {
        Request::Start {
            flow: flow.into(),
            cycles: Some(2),
            minutes: None,
        }
    }

    const NOON: u64 = 1_780_000_000_000;

    fn cue_times(entries: &[Entry], chimes: bool) -> Vec<u64> {
        entries
            .iter()
            .filter_map(|e| match e {
                Entry::Chime { t, kind } if chimes && kind != "end" => Some(*t),
                Entry::Say { t, text } if !chimes => {
                    let text = text.to_lowercase();
                    (text.starts_with("breathe") || text.starts_with("hold")).then_some(*t)
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn box_breathing_keeps_its_four_second_count_with_and_without_chimes() {
        let config = config();
        for chimes in [true, false] {
            let entries = rehearse(
                session(&config, NOON),
                start("box-breathing"),
                NOON,
                chimes,
                &mut canned_answer,
            )
            .unwrap();
            let cues = cue_times(&entries, chimes);
            assert_eq!(cues.len(), 8, "{entries:?}");
            for w in cues.windows(2) {
                assert_eq!(w[1] - w[0], 4000, "{cues:?}");
            }
            // With chimes, each cue's word follows its chime as soon as the chime has sounded.
            for pair in entries.windows(2) {
                if let [Entry::Chime { t: c, kind }, next] = pair {
                    let Entry::Say { t: s, .. } = next else {
                        panic!("{kind} chime not followed by words: {entries:?}")
                    };
                    assert!(*s > *c && *s < c + 1_500, "{entries:?}");
                }
            }
        }
    }

    #[test]
    fn questions_are_answered_after_they_are_heard_and_silence_times_out() {
        let config = config();
        let answered = rehearse(
            session(&config, NOON),
            start("evening-reflection"),
            NOON,
            true,
            &mut canned_answer,
        )
        .unwrap();
        let listens = answered
            .iter()
            .filter(|e| matches!(e, Entry::Listen { .. }))
            .count();
        let heard: Vec<&Entry> = answered
            .iter()
            .filter(|e| matches!(e, Entry::Heard { .. }))
            .collect();
        assert!(listens >= 3, "{answered:?}");
        assert_eq!(heard.len(), listens, "{answered:?}");
        // Every answer comes after the question has been said, never over it.
        for (i, e) in answered.iter().enumerate() {
            if let Entry::Heard { t, .. } = e {
                let said_before = answered[..i]
                    .iter()
                    .rev()
                    .find(|e| matches!(e, Entry::Listen { .. }))
                    .map(Entry::t)
                    .unwrap();
                assert_eq!(*t, said_before + ANSWER_DELAY_MS);
            }
        }
        let silent = rehearse(
            session(&config, NOON),
            start("evening-reflection"),
            NOON,
            true,
            &mut |_| None,
        )
        .unwrap();
        assert!(
            !silent.iter().any(|e| matches!(e, Entry::Heard { .. })),
            "{silent:?}"
        );
        // The question times out (later than an answer would have come) and Hearth goes on.
        let asked = silent
            .iter()
            .position(|e| matches!(e, Entry::Listen { .. }))
            .unwrap();
        let next = silent[asked + 1..]
            .iter()
            .find(|e| matches!(e, Entry::Say { .. }))
            .unwrap();
        assert!(next.t() > silent[asked].t() + ANSWER_DELAY_MS, "{silent:?}");
    }

    #[test]
    fn an_unknown_flow_is_refused_with_the_sessions_reason() {
        let config = config();
        let err = rehearse(
            session(&config, NOON),
            start("no-such-flow"),
            NOON,
            true,
            &mut canned_answer,
        )
        .unwrap_err();
        assert!(!err.to_string().is_empty());
    }
}
