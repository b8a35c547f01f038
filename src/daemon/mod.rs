//! The imperative shell: front ends that turn the world into [`crate::session`] inputs and its
//! outputs into the world. The live daemon ([`run`], with its microphone, recogniser and speaker
//! threads in [`workers`]), a recording ([`converse`], on virtual time through [`render`]), the
//! text console ([`chat`]); and what they share: loading from disk ([`load`]), re-reading on
//! SIGHUP ([`reload`]) and systemd notification ([`notify`]).

pub mod chat;
pub mod converse;
mod converse_report;
pub mod dry;
pub mod load;
pub mod notify;
pub mod reload;
pub mod render;
pub mod run;
pub mod workers;
