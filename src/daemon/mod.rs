//! The imperative shell: front ends that turn the world into [`crate::session`] inputs and its
//! outputs into the world. The live daemon ([`run`]: microphone, recogniser and speaker threads,
//! the control socket, signals), a recording ([`converse`], virtual time), the text console
//! ([`chat`]); with what they share: loading from disk ([`load`]), re-reading on SIGHUP
//! ([`reload`]) and systemd notification ([`notify`]).

pub mod chat;
pub mod converse;
pub mod load;
pub mod notify;
pub mod reload;
pub mod run;
pub mod workers;
