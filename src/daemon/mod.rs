//! The imperative shell around the engine: the file-driven conversation loop (`converse`), and
//! the live daemon (capture, endpointing, transcription, playback, control socket, signals).

pub mod converse;
