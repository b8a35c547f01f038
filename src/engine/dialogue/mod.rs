//! The dialogue engine: flows loaded from `prompts/`, understanding what people say however the
//! speech recogniser writes it, and a pure state machine that turns events into actions.
//!
//! - [`prompts`]: loading and checking the prompt files (flows, shared texts, safety scripts);
//! - [`engine`]: the state machine ([`Engine::handle`]) with its [`Event`]s and [`Action`]s;
//! - [`rehearsal`]: what a rehearsed person answers (`hearth flow --dry-run`, which runs in the
//!   daemon's session; the engine's own tests run it alone on a virtual clock in `simulate`);
//! - [`mood`], [`intent`]: reading answers and requests by rules; [`understand`]: requests in
//!   free wordings, read with the sentence encoder when the rules find nothing; [`text`]: phrasing helpers;
//! - [`plan`]: the spoken safety plan.
//!
//! # Driving the engine (for the shell)
//!
//! 1. Read the prompt files (the shell does: `daemon::load::read_prompt_sources`) and build
//!    them with `Prompts::from_sources` (all errors, each `file:line: message`); keep the last
//!    good set and hand a new one over with [`Engine::replace_prompts`] only when it loads.
//! 2. `Engine::new(prompts, SafetyEngine::new(), config, memory)` with the persisted
//!    [`EngineMemory`]; save it whenever an [`Action::Remember`] comes out.
//! 3. Feed every transcript as [`Event::Utterance`] (the engine runs the safety assessment
//!    itself, first); if the shell cannot (e.g. the safety engine failed), send
//!    [`Event::SafetyUnavailable`] instead. Send [`Event::SpeechFinished`] when the speech queue
//!    drains, [`Event::ListenTimedOut`] when a `Listen` window closes in silence, and
//!    [`Event::Timer`] when [`Engine::next_deadline`] (re-read after every call) is reached.
//! 4. Carry out the actions in order: `Say` and `Pause` queue speech and silence, `Listen` opens
//!    the microphone once the queue has played, `StopSpeaking` cuts playback and clears the
//!    queue, `Chime` plays at once, the `Log*`/`Save*`/`Set*` actions go to the store (they
//!    never carry words unless the person opted in), `RequestMoodSummary` is answered with
//!    [`Event::MoodSummary`], and `Forget` deletes records (only ever after the person said a
//!    clear yes to the question that lists what goes; for `ForgetScope::All`, save the
//!    `Remember` that follows it only after deleting).
//! 5. `hearth chat` is the same loop with typed text, `SpeechFinished` sent right after printing
//!    and no listening time-outs.

pub mod engine;
pub mod intent;
pub mod mood;
pub mod plan;
pub mod prompts;
pub mod reading;
pub mod rehearsal;
pub mod request_head;
#[cfg(test)]
pub mod simulate;
pub mod text;
pub mod understand;

#[cfg(test)]
mod tests;

pub use engine::{
    Action, Engine, EngineConfig, EngineMemory, Event, ForgetScope, MoodTrend, PlannedActivity,
    StateSummary,
};
pub use mood::{parse_frequency, parse_mood, MoodParse, MoodTone};
pub use plan::{PlanField, SafetyPlan};
pub use prompts::{ChimeKind, Expect, Flow, Prompts, Purpose};
