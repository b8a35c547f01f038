//! `hearth chat`: a text console on the same engine, for accessibility and testing. Typed lines
//! are utterances; Hearth's words are printed (and spoken with `--speak`). Timers run on the real
//! clock, so a breathing exercise paces itself here too; questions wait for the typed answer.

use super::companion::{load_prompts, Companion};
use crate::audio::device::RodioSink;
use crate::audio::AudioSink;
use crate::config::Config;
use crate::engine::dialogue::engine::{Action, Event};
use crate::speech::{split_sentences, Synthesizer};
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::Duration;

fn now_ms() -> u64 {
    crate::store::now_ms().max(0) as u64
}

pub fn chat(config: &Config, speak: bool) -> anyhow::Result<ExitCode> {
    let prompts = load_prompts(config)?;
    let (store, problem) = Companion::open_store(config);
    if let Some(p) = &problem {
        eprintln!("(storage unavailable: {p}; nothing will be saved)");
    }
    let mut companion = Companion::new(
        config,
        prompts,
        super::companion::load_safety(config)?,
        store,
        problem,
    );
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
    // Prints (and speaks) what Hearth says; tells the engine when it has been said. No listening
    // time-outs here: typing takes as long as it takes.
    let mut show = |mut actions: Vec<Action>, companion: &mut Companion| -> anyhow::Result<()> {
        for _ in 0..20 {
            if !actions.iter().any(|a| matches!(a, Action::Say { .. })) {
                break;
            }
            for a in &actions {
                match a {
                    Action::Say { text } => {
                        writeln!(out, "hearth> {text}")?;
                        out.flush()?;
                        if let Some((tts, sink)) = voice.as_mut() {
                            speak_now(tts, sink, text);
                        }
                    }
                    Action::Chime { .. } => writeln!(out, "        ~")?,
                    _ => {}
                }
            }
            actions = companion.handle(Event::SpeechFinished, now_ms());
        }
        Ok(())
    };
    loop {
        let mut wait = Duration::from_millis(500);
        if let Some(d) = companion.engine().next_deadline() {
            wait = wait.min(Duration::from_millis(d.saturating_sub(now_ms())));
        }
        match rx.recv_timeout(wait) {
            Ok(Some(line)) => {
                let line = line.trim().to_string();
                if line == "quit" || line == "exit" {
                    break;
                }
                if line.is_empty() {
                    continue;
                }
                let actions = companion.handle(Event::Utterance { text: line }, now_ms());
                show(actions, &mut companion)?;
            }
            Ok(None) | Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {}
        }
        if companion
            .engine()
            .next_deadline()
            .is_some_and(|d| now_ms() >= d)
        {
            let actions = companion.handle(Event::Timer, now_ms());
            show(actions, &mut companion)?;
        }
    }
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
