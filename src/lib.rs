//! Hearth: a local, voice-first wellbeing companion.
//!
//! A pure [`engine`] (safety screening and dialogue flows, driven by events and an injected
//! clock) inside an imperative shell: [`audio`] capture, endpointing and playback, [`speech`]
//! recognition (Whisper) and synthesis (Piper), the encrypted [`store`], and the [`daemon`].

pub mod audio;
pub mod config;
pub mod corpora;
pub mod daemon;
pub mod encoder;
pub mod engine;
pub mod fsutil;
pub mod speech;
pub mod store;
