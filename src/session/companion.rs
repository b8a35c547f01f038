//! The engine with its memory and its store: one conversation's state, shared by `converse`,
//! `chat` and the daemon.
//!
//! [`Companion::handle`] passes an event to the pure engine, carries out the data actions it
//! returns (mood entries, check-ins, reflections, safety events, sessions, consent, the safety
//! plan, the engine's memory) against the store, answers the engine's requests for a mood
//! summary, and hands back only what must be heard or timed: speech, chimes, pauses, listening.
//! Storage is optional: when the database cannot be opened Hearth carries on without it (and
//! says so in `hearth status`); nothing here ever stops a crisis response because of storage.

use crate::audio::tones::Chime;
use crate::config::Config;
use crate::engine::dialogue::engine::{
    Action, Engine, EngineConfig, EngineMemory, Event, ForgetScope, MoodTrend,
};
use crate::engine::dialogue::prompts::ChimeKind;
use crate::engine::dialogue::prompts::Prompts;
use crate::engine::safety::SafetyEngine;
use crate::store::{self, NewCheckin, NewMood, SessionOutcome, Store};
use std::collections::HashMap;
use std::sync::Arc;

/// Where the engine's memory is kept in the store's settings.
const MEMORY_KEY: &str = "engine_memory";
const WEEK_MS: i64 = 7 * 86_400_000;

/// The engine and what it is connected to.
pub struct Companion {
    engine: Engine,
    prompts: Arc<Prompts>,
    store: Option<Store>,
    /// Why storage is off, if it is.
    pub store_problem: Option<String>,
    /// Why the last write failed, while it is the reason for `store_problem`.
    write_fault: Option<WriteFault>,
    sessions: HashMap<String, i64>,
}

/// What made a write fail, to know when storage has recovered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WriteFault {
    /// No space left: recovered when space is free again (or a write succeeds).
    DiskFull,
    /// A read-only file system: recovered when it is writable again (or a write succeeds).
    ReadOnly,
    /// Anything else: recovered when a write succeeds.
    Other,
}

/// Free space under which a disk that was full still counts as full.
const FREE_SPACE_TO_RECOVER: u64 = 1 << 20;

impl Companion {
    /// An engine over `prompts`, with the memory kept in `store` (if any).
    pub fn new(
        config: &Config,
        prompts: Arc<Prompts>,
        safety: SafetyEngine,
        store: Option<Store>,
        store_problem: Option<String>,
    ) -> Self {
        let memory: EngineMemory = store
            .as_ref()
            .and_then(|s| s.get_setting(MEMORY_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        Self::with_memory(config, prompts, safety, store, store_problem, memory)
    }

    /// An engine over `prompts` that starts from `memory` (a rehearsal's, say) instead of the
    /// store's.
    pub fn with_memory(
        config: &Config,
        prompts: Arc<Prompts>,
        safety: SafetyEngine,
        store: Option<Store>,
        store_problem: Option<String>,
        memory: EngineMemory,
    ) -> Self {
        let engine_config = EngineConfig {
            country: config.country.clone(),
            user_name: config.name.clone(),
            pace: 1.0,
        };
        let engine = Engine::new(prompts.clone(), safety, engine_config, memory);
        Self {
            engine,
            prompts,
            store,
            store_problem,
            write_fault: None,
            sessions: HashMap::new(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    pub fn replace_prompts(&mut self, prompts: Arc<Prompts>) {
        self.prompts = prompts.clone();
        self.engine.replace_prompts(prompts);
    }

    /// One phrasing of a shared text from `prompts/common.toml`, varying from day to day.
    pub fn text(&self, key: &str, now_ms: u64) -> String {
        crate::engine::dialogue::text::pick(self.prompts.text(key), now_ms / 86_400_000, key)
            .to_string()
    }

    /// Handles one event; returns the actions the shell must perform (speech, chimes, pauses,
    /// listening, stop, pace) plus `FlowStarted`/`FlowEnded` for reporting.
    pub fn handle(&mut self, event: Event, now_ms: u64) -> Vec<Action> {
        let mut out = Vec::new();
        let mut queue = vec![event];
        let mut unsaved = false;
        while let Some(ev) = queue.pop() {
            for action in self.engine.handle(ev, now_ms) {
                match self.apply(&action, now_ms) {
                    Applied::Done => {}
                    Applied::Reply(reply) => queue.push(reply),
                    Applied::NotSaved => unsaved = true,
                }
                if is_for_shell(&action) {
                    out.push(action);
                }
            }
        }
        if unsaved {
            // Never let the person believe something was kept when it was not.
            out.push(Action::Say {
                text: self.text("not_saved", now_ms),
            });
        }
        out
    }

    /// Saves a mood entry typed through the CLI or the socket; a failure is reported to the
    /// caller and shows in `hearth status` like any other write.
    pub fn add_mood(&mut self, entry: &NewMood) -> Result<i64, store::StoreError> {
        let Some(s) = self.store.as_ref() else {
            return Err(store::StoreError::Unavailable(
                self.store_problem.clone().unwrap_or_default(),
            ));
        };
        let result = s.add_mood(entry);
        self.note_write(result.as_ref().map(|_| ()));
        result
    }

    /// Keeps `store_problem` honest after a write: set (with a warning in the log, never the
    /// data) when it failed for a reason of the storage, cleared when writes work again.
    fn note_write(&mut self, result: Result<(), &store::StoreError>) {
        match result {
            Ok(()) => {
                if self.write_fault.take().is_some() {
                    self.store_problem = None;
                    tracing::info!("storage works again");
                }
            }
            // A value the store refused says nothing about the storage.
            Err(store::StoreError::Invalid { .. }) => {}
            Err(e) => {
                let fault = match e {
                    store::StoreError::DiskFull { .. } => WriteFault::DiskFull,
                    store::StoreError::ReadOnly { .. } => WriteFault::ReadOnly,
                    _ => WriteFault::Other,
                };
                if fault == WriteFault::Other {
                    // The error text can quote the value (a mood score): only at debug.
                    tracing::warn!("could not save to the store; see `hearth status`");
                    tracing::debug!(error = %e, "store write failed");
                } else {
                    // Names the file system's condition and the path, never what was said.
                    tracing::warn!(problem = %e, "could not save to the store");
                }
                self.write_fault = Some(fault);
                self.store_problem = Some(e.to_string());
            }
        }
    }

    /// Clears a full-disk or read-only problem once the condition has passed (space freed, the
    /// folder writable again), so `hearth status` recovers without waiting for the next write.
    /// One `statvfs`: cheap enough for the main loop.
    pub fn refresh_storage_status(&mut self) {
        let (Some(fault), Some(s)) = (self.write_fault, self.store.as_ref()) else {
            return;
        };
        let dir = s
            .path()
            .parent()
            .map_or_else(|| std::path::PathBuf::from("."), |d| d.to_path_buf());
        let passed = match fault {
            WriteFault::DiskFull => {
                store::free_bytes(&dir).is_some_and(|b| b >= FREE_SPACE_TO_RECOVER)
            }
            WriteFault::ReadOnly => !store::read_only_fs(&dir),
            WriteFault::Other => false,
        };
        if passed {
            self.write_fault = None;
            self.store_problem = None;
            tracing::info!("storage condition passed; writes should work again");
        }
    }

    /// Closes every open session with its end time, as stopped: the daemon is going away (a
    /// SIGTERM in the middle of a flow). Failures are logged, not returned: shutdown goes on
    /// whatever the store says.
    pub fn shutdown(&mut self, now_ms: u64) {
        let Some(store) = self.store.as_ref() else {
            self.sessions.clear();
            return;
        };
        for (flow, id) in self.sessions.drain() {
            match store.end_session(id, now_ms as i64, SessionOutcome::Stopped) {
                Ok(()) => tracing::info!(flow = %flow, "open session closed at shutdown"),
                Err(e) => {
                    tracing::warn!(flow = %flow, "could not close the open session at shutdown");
                    tracing::debug!(error = %e, "end_session failed");
                }
            }
        }
    }

    /// Carries out one data action; may produce an event to feed back (the mood summary).
    fn apply(&mut self, action: &Action, now_ms: u64) -> Applied {
        let at = now_ms as i64;
        let personal = matches!(
            action,
            Action::LogMood { .. } | Action::LogCheckin { .. } | Action::SaveSafetyPlan { .. }
        );
        if personal && self.store.is_none() {
            return Applied::NotSaved;
        }
        let result: Result<(), store::StoreError> = match (action, self.store.as_ref()) {
            (Action::RequestMoodSummary, s) => {
                return Applied::Reply(match s.map(|s| s.mood_summary(at - WEEK_MS, at)) {
                    Some(Ok(sum)) => Event::MoodSummary {
                        entries: sum.count as u32,
                        average: sum.average.map(|a| a as f32),
                        trend: sum.direction.map(|d| match d {
                            store::summary::Direction::Up => MoodTrend::Up,
                            store::summary::Direction::Down => MoodTrend::Down,
                            store::summary::Direction::Steady => MoodTrend::Steady,
                        }),
                        best_day: sum.best_day.map(|d| d.date.format("%A").to_string()),
                    },
                    _ => Event::MoodSummary {
                        entries: 0,
                        average: None,
                        trend: None,
                        best_day: None,
                    },
                });
            }
            (_, None) => Ok(()),
            (
                Action::LogMood {
                    score,
                    feelings,
                    note,
                },
                Some(s),
            ) => s
                .add_mood(&NewMood {
                    at_ms: at,
                    score: *score,
                    feelings: feelings.clone(),
                    note: note.clone(),
                    source: store::MoodSource::Voice,
                })
                .map(|_| ()),
            (
                Action::LogCheckin {
                    instrument,
                    score,
                    items,
                },
                Some(s),
            ) => s
                .add_checkin(&NewCheckin {
                    at_ms: at,
                    instrument: instrument.clone(),
                    score: u32::from(*score),
                    items: items.clone(),
                })
                .map(|_| ()),
            (Action::LogReflection { step, text }, Some(s)) => {
                let session = self.sessions.values().copied().max();
                s.add_reflection(session, at, step, text.as_deref())
                    .map(|_| ())
            }
            (Action::LogReflectionValue { step, value }, Some(s)) => {
                let session = self.sessions.values().copied().max();
                s.add_reflection_value(session, at, step, *value)
                    .map(|_| ())
            }
            (Action::LogSafetyEvent { level, category }, Some(s)) => {
                s.add_safety_event(at, level.as_str(), category).map(|_| ())
            }
            (Action::FlowStarted { name }, Some(s)) => s.add_session(name, at).map(|id| {
                self.sessions.insert(name.clone(), id);
            }),
            (Action::FlowEnded { name, completed }, Some(s)) => match self.sessions.remove(name) {
                Some(id) => s.end_session(
                    id,
                    at,
                    if *completed {
                        SessionOutcome::Completed
                    } else {
                        SessionOutcome::Stopped
                    },
                ),
                None => Ok(()),
            },
            (Action::SetConsent { keep_transcripts }, Some(s)) => {
                s.set_consent(*keep_transcripts, at)
            }
            (Action::Forget { scope }, Some(s)) => match scope {
                ForgetScope::All => {
                    self.sessions.clear();
                    s.forget_all()
                }
                ForgetScope::Since { days } => s
                    .forget_since(at - i64::from(*days) * 86_400_000)
                    .map(|_| ()),
            },
            (Action::SaveSafetyPlan { plan }, Some(s)) => match serde_json::to_string(plan) {
                Ok(json) => s.set_setting("safety_plan", &json),
                Err(_) => Ok(()),
            },
            (Action::Remember { memory }, Some(s)) => match serde_json::to_string(memory) {
                Ok(json) => s.set_setting(MEMORY_KEY, &json),
                Err(_) => Ok(()),
            },
            _ => Ok(()),
        };
        let wrote = self.store.is_some() && !matches!(action, Action::RequestMoodSummary);
        if wrote {
            self.note_write(result.as_ref().map(|_| ()));
        }
        match result {
            Ok(()) => Applied::Done,
            Err(_) => {
                // Status shows it and the log names it; the person hears it if it was theirs.
                if personal {
                    Applied::NotSaved
                } else {
                    Applied::Done
                }
            }
        }
    }
}

/// The outcome of one data action.
enum Applied {
    Done,
    /// An event to feed back to the engine (the mood summary).
    Reply(Event),
    /// Something personal could not be saved.
    NotSaved,
}

/// The tone for an engine chime.
pub fn chime_for(kind: ChimeKind) -> Chime {
    match kind {
        ChimeKind::Inhale => Chime::Inhale,
        ChimeKind::Hold => Chime::Hold,
        ChimeKind::Exhale => Chime::Exhale,
        ChimeKind::End => Chime::End,
    }
}

/// Actions that reach the audio side (or are reported), as opposed to data the store takes.
pub fn is_for_shell(action: &Action) -> bool {
    matches!(
        action,
        Action::Say { .. }
            | Action::Chime { .. }
            | Action::Pause { .. }
            | Action::Listen { .. }
            | Action::StopSpeaking
            | Action::Pace { .. }
            | Action::FlowStarted { .. }
            | Action::FlowEnded { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn companion_without_storage() -> Companion {
        let config = Config {
            assets_dir: Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
            ..Config::default()
        };
        let prompts = crate::daemon::load::load_prompts(&config).unwrap();
        Companion::new(
            &config,
            prompts,
            SafetyEngine::new(),
            None,
            Some("test: no storage".into()),
        )
    }

    fn said(actions: &[Action]) -> String {
        actions
            .iter()
            .filter_map(|a| {
                if let Action::Say { text } = a {
                    Some(text.as_str())
                } else {
                    None
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_mood_that_cannot_be_saved_is_not_reported_as_saved() {
        let mut c = companion_without_storage();
        let now = 1_800_000_000_000;
        let mut heard = said(&c.handle(
            Event::Utterance {
                text: "log my mood as six, a bit tired".into(),
            },
            now,
        ));
        heard.push(' ');
        heard.push_str(&said(
            &c.handle(Event::Utterance { text: "no".into() }, now + 5_000),
        ));
        let lower = heard.to_lowercase();
        assert!(
            lower.contains("couldn't save") || lower.contains("wasn't saved"),
            "{heard}"
        );
    }
}
