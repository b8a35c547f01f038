//! The imperative shell around the engine: the [`companion`] (engine + store), the file-driven
//! loop ([`converse`]), the text console ([`chat`]), and the live daemon ([`run`]) with its
//! control socket ([`control`]) and wake-phrase gate ([`wake`]).

pub mod chat;
pub mod companion;
pub mod control;
pub mod converse;
pub mod notify;
pub mod peer;
pub mod reload;
pub mod run;
pub mod wake;
