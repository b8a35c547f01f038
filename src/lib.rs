//! Hearth: a local, voice-first wellbeing companion.
//!
//! A pure [`engine`] (safety screening and dialogue flows, driven by events and an injected
//! clock) inside an imperative shell: [`audio`] capture, endpointing and playback, [`speech`]
//! recognition (Whisper) and synthesis (Piper), the encrypted [`store`]; the sans-IO conversation
//! [`session`] (wake gate, barge-in, timers) between them, the [`control`] socket, and the
//! [`daemon`]'s front ends that drive a session from the microphone, a recording or a console.

pub mod audio;
pub mod config;
pub mod control;
pub mod corpora;
pub mod daemon;
pub mod encoder;
pub mod engine;
pub mod fsutil;
pub mod request_training;
pub mod session;
pub mod speech;
pub mod store;
