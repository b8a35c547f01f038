//! `hearth chat`: a text console on the same engine, for accessibility and testing. Typed lines
//! are utterances; Hearth's words are printed (and spoken with `--speak`). Timers run on the real
//! clock, so a breathing exercise paces itself here too; questions wait for the typed answer.
//! A front end of the same [`Session`] as the daemon, in its typed modality: everything typed is
//! addressed, and a question waits for its answer however long typing takes.

use super::load::{load_prompts, load_safety, open_store};
use super::workers;
use crate::audio::device::RodioSink;
use crate::audio::AudioSink;
use crate::config::Config;
use crate::session::companion::Companion;
use crate::session::{Input, Modality, Output, Session, Sound};
use crate::speech::{split_sentences, Synthesizer};
use std::collections::VecDeque;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::Duration;

/// `HEARTH_CHAT_EPOCH_MS`: the console's clock starts at this moment instead of now, so that a
/// test (or a demonstration) sees the same day's wording whatever the date: Hearth varies its
/// lines by the day.
const EPOCH_VAR: &str = "HEARTH_CHAT_EPOCH_MS";

pub fn chat(config: &Config, speak: bool) -> anyhow::Result<ExitCode> {
    let shift = std::env::var(EPOCH_VAR)
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .map_or(0, |epoch| epoch - workers::now_ms() as i64);
    let now_ms = move || (workers::now_ms() as i64 + shift).max(0) as u64;
    let prompts = load_prompts(config)?;
    let (store, problem) = open_store(config);
    if let Some(p) = &problem {
        eprintln!("(storage unavailable: {p}; nothing will be saved)");
    }
    let companion = Companion::new(config, prompts, load_safety(config)?, store, problem);
    let mut session = Session::new(config.clone(), companion, Modality::Typed, now_ms());
    let mut voice = if speak {
        let tts = config.load_synthesizer(None)?;
        Some((tts, RodioSink::open(Some(&config.audio.output))?))
    } else {
        None
    };
    let (tx, rx) = channel::<Option<String>>();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            match line {
                Ok(l) => {
                    if tx.send(Some(l)).is_err() {
                        return;
                    }
                }
                Err(_) => break,
            }
        }
        let _ = tx.send(None);
    });
    println!("Hearth (text). Type what you would say; \"quit\" or Ctrl-D to leave.");
    let mut out = std::io::stdout();
    loop {
        let now = now_ms();
        let wait = session.next_wakeup(now).saturating_sub(now).max(10);
        let outputs = match rx.recv_timeout(Duration::from_millis(wait)) {
            Ok(Some(line)) => {
                let text = line.trim().to_string();
                if text == "quit" || text == "exit" {
                    break;
                }
                if text.is_empty() {
                    continue;
                }
                session.handle(Input::Typed { text }, now_ms())
            }
            Ok(None) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => session.handle(Input::Tick, now_ms()),
        };
        // Prints (and speaks) what Hearth says, then tells the session it has been said.
        let mut queue = VecDeque::from(outputs);
        while let Some(output) = queue.pop_front() {
            let Output::Play { generation, sounds } = output else {
                continue;
            };
            for sound in &sounds {
                match sound {
                    Sound::Say(text) => {
                        writeln!(out, "hearth> {text}")?;
                        out.flush()?;
                        if let Some((tts, sink)) = voice.as_mut() {
                            speak_now(tts, sink, text);
                        }
                    }
                    Sound::Chime(_) => writeln!(out, "        ~")?,
                    Sound::Silence(_) => {}
                }
            }
            let now = now_ms();
            queue.extend(session.handle(
                Input::PlaybackStarted {
                    generation,
                    at_ms: now,
                },
                now,
            ));
            queue.extend(session.handle(Input::PlaybackFinished { generation }, now));
        }
    }
    let _ = session.shutdown(now_ms());
    Ok(ExitCode::SUCCESS)
}

/// Speaks a reply and waits for it; a synthesis or device error is reported, never the end of
/// the conversation (the text is on screen either way).
fn speak_now(tts: &mut crate::speech::piper::PiperSynthesizer, sink: &mut RodioSink, text: &str) {
    for s in split_sentences(text) {
        let played = tts
            .synthesize(&s)
            .map_err(|e| e.to_string())
            .and_then(|pcm| {
                sink.play(&pcm, tts.sample_rate())
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = played {
            eprintln!("(could not speak: {e})");
            return;
        }
    }
    while sink.is_playing() {
        std::thread::sleep(Duration::from_millis(20));
    }
}
