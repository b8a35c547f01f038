//! Hearth's integration tests: one binary, real parts. They use the real Whisper model, the real
//! Piper voice, public recordings of human speech (installed by `scripts/setup --test-data`),
//! real SQLite and real audio. Nothing here is skipped when an asset is missing: the test fails
//! and says how to install it.

mod architecture;
mod cli;
mod common;
mod daemon;
mod echo;
mod listening;
mod requests;
mod safety;
mod security;
mod speech;
mod spoken;
mod storage;
mod turn;
