//! The pure core of Hearth: safety screening and the dialogue state machine.
//!
//! Nothing in here sleeps, reads a device, touches the disk after loading its prompt files, or
//! reads the clock: time comes in with each event, so every flow can be run on a virtual clock.

pub mod classifier;
pub mod dialogue;
pub mod prompt_error;
pub mod safety;
pub mod words;

pub use dialogue::{
    parse_mood, Action, ChimeKind, Engine, EngineConfig, EngineMemory, Event, ForgetScope,
    MoodParse, MoodTrend, Prompts, SafetyPlan, StateSummary,
};
pub use prompt_error::PromptError;
