//! The engine alone on a virtual clock, for the engine's unit tests (compiled only for tests).
//! `hearth flow NAME --dry-run` goes through the daemon's session instead (`daemon::dry`); this
//! harness exists so flows can be tested below the session, event by event.
//!
//! The simulated shell speaks at [`SPEECH_CHARS_PER_SEC`](super::text::SPEECH_CHARS_PER_SEC)
//! (queued `Say`s and `Pause`s play one after another), sends `SpeechFinished` when its queue
//! drains, sends `Timer` at each deadline, and answers each `Listen` after
//! [`ANSWER_DELAY_MS`](super::rehearsal::ANSWER_DELAY_MS) with a canned answer for the kind of step (or lets it time out).
//! Entries carry `t`, milliseconds since the start: for speech, when it starts playing; other
//! actions are placed in order after the speech that came before them in the same batch (so a
//! flow ends when its closing words start), which keeps the timeline in time order.

use super::engine::{Action, Engine, EngineConfig, EngineMemory, Event};
use super::prompts::{Expect, Prompts};
use super::rehearsal::{canned_answer, ANSWER_DELAY_MS};
use super::text::speech_ms;
use crate::engine::safety::SafetyEngine;
use serde::Serialize;
use std::sync::Arc;

/// The simulation stops after this much virtual time.
const MAX_VIRTUAL_MS: u64 = 6 * 3_600_000;
/// ... or after this many events.
const MAX_EVENTS: usize = 20_000;

/// One action at its virtual time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// Milliseconds since the start of the run.
    pub t: u64,
    #[serde(flatten)]
    pub action: Action,
}

/// Everything a flow did, in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Timeline {
    pub entries: Vec<TimelineEntry>,
}

impl Timeline {
    /// One JSON object per line: `{"t":1234,"action":"say","text":"..."}`.
    pub fn to_json_lines(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            if let Ok(line) = serde_json::to_string(e) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }

    /// The texts said, in order.
    pub fn said(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter_map(|e| match &e.action {
                Action::Say { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// Why a dry run could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DryRunError {
    #[error("no flow named `{name}` (known: {})", known.join(", "))]
    UnknownFlow { name: String, known: Vec<String> },
}

/// Run `flow` from `start_ms` with canned answers; the timeline of everything it did.
pub fn run_dry(
    prompts: Arc<Prompts>,
    flow: &str,
    cycles: Option<u32>,
    minutes: Option<f32>,
    start_ms: u64,
) -> Result<Timeline, DryRunError> {
    run_dry_with(prompts, flow, cycles, minutes, start_ms, &mut canned_answer)
}

/// Like [`run_dry`], with answers from `answer` (`None`: the person stays silent).
pub fn run_dry_with(
    prompts: Arc<Prompts>,
    flow: &str,
    cycles: Option<u32>,
    minutes: Option<f32>,
    start_ms: u64,
    answer: &mut dyn FnMut(Option<Expect>) -> Option<String>,
) -> Result<Timeline, DryRunError> {
    if prompts.flow(flow).is_none() {
        return Err(DryRunError::UnknownFlow {
            name: flow.to_string(),
            known: prompts.flow_names().iter().map(|s| s.to_string()).collect(),
        });
    }
    let mut engine = dry_engine(prompts, start_ms);
    let first = Event::StartFlow {
        name: flow.to_string(),
        cycles,
        minutes,
    };
    Ok(simulate(&mut engine, first, start_ms, answer, None))
}

/// An engine as the dry run uses it: consent asked, disclosure just given, US helplines.
pub fn dry_engine(prompts: Arc<Prompts>, start_ms: u64) -> Engine {
    let memory = EngineMemory {
        last_disclosed_ms: Some(start_ms),
        last_used_ms: Some(start_ms),
        consent_asked: true,
        ..EngineMemory::default()
    };
    Engine::new(
        prompts,
        SafetyEngine::new(),
        EngineConfig::default(),
        memory,
    )
}

/// Drive `engine` from `first` on a virtual clock. With `inject = Some((n, text))`, the person
/// says `text` right after the batch in which the `n`-th `Say` was produced.
pub fn simulate(
    engine: &mut Engine,
    first: Event,
    start: u64,
    answer: &mut dyn FnMut(Option<Expect>) -> Option<String>,
    inject: Option<(usize, &str)>,
) -> Timeline {
    let mut entries = Vec::new();
    let mut now = start;
    let mut free_at = start;
    let mut speech_pending = false;
    let mut listen: Option<(u64, Option<String>)> = None; // (reply time, words or silence)
    let mut says = 0usize;
    let mut injected = false;
    let mut next = Some(first);
    let mut events = 0;
    while let Some(event) = next.take() {
        events += 1;
        if events > MAX_EVENTS || now > start + MAX_VIRTUAL_MS {
            break;
        }
        let mut ended = false;
        let mut batch_t = now;
        for a in engine.handle(event, now) {
            let at = match &a {
                Action::Say { text } => {
                    let s = now.max(free_at);
                    free_at = s + speech_ms(text);
                    speech_pending = true;
                    says += 1;
                    s
                }
                Action::Pause { ms } => {
                    let s = now.max(free_at);
                    free_at = s + ms;
                    speech_pending = true;
                    s
                }
                Action::StopSpeaking => {
                    free_at = now;
                    listen = None;
                    now
                }
                Action::Listen { timeout_ms } => {
                    let s = now.max(free_at);
                    listen = Some(match answer(engine.expecting()) {
                        Some(text) => (s + ANSWER_DELAY_MS, Some(text)),
                        None => (s + timeout_ms, None),
                    });
                    s
                }
                Action::Remember { .. } => continue,
                Action::FlowEnded { .. } => {
                    ended = true;
                    batch_t
                }
                _ => batch_t,
            };
            batch_t = at;
            entries.push(TimelineEntry {
                t: at - start,
                action: a,
            });
        }
        if let Some((n, text)) = inject {
            if !injected && says >= n {
                injected = true;
                listen = None;
                next = Some(Event::Utterance {
                    text: text.to_string(),
                });
                continue;
            }
        }
        if ended
            && !engine.in_crisis()
            && engine.next_deadline().is_none()
            && engine.expecting().is_none()
        {
            // Let the closing words play out, then stop.
            break;
        }
        // The earliest of: speech draining, the engine's timer, the open microphone.
        let mut best: Option<(u64, u8)> = None;
        let mut consider = |t: u64, kind: u8| {
            if best.is_none_or(|(bt, bk)| (t, kind) < (bt, bk)) {
                best = Some((t, kind));
            }
        };
        if speech_pending {
            consider(free_at.max(now), 0);
        }
        if let Some(d) = engine.next_deadline() {
            consider(d.max(now), 1);
        }
        if let Some((t, _)) = &listen {
            consider((*t).max(now), 2);
        }
        let Some((t, kind)) = best else { break };
        now = t;
        next = Some(match kind {
            0 => {
                speech_pending = false;
                Event::SpeechFinished
            }
            1 => Event::Timer,
            _ => match listen.take().and_then(|(_, text)| text) {
                Some(text) => Event::Utterance { text },
                None => Event::ListenTimedOut,
            },
        });
    }
    Timeline { entries }
}
