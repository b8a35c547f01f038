//! `hearth chat`: a text console on the same engine, for accessibility and testing. Typed lines
//! are utterances; Hearth's words are printed (and spoken with `--speak`). Timers run on the real
//! clock, so a breathing exercise paces itself here too.

use super::companion::{load_prompts, Companion};
use crate::audio::device::RodioSink;
use crate::audio::AudioSink;
use crate::config::Config;
use crate::engine::dialogue::engine::{Action, Event};
use crate::speech::{split_sentences, Synthesizer};
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::{Duration, Instant};

fn now_ms() -> u64 {
    crate::store::now_ms().max(0) as u64
}

pub fn chat(config: &Config, speak: bool) -> anyhow::Result<ExitCode> {
    let prompts = load_prompts(config)?;
    let (store, problem) = Companion::open_store(config);
    if let Some(p) = &problem {
        eprintln!("(storage unavailable: {p}; nothing will be saved)");
    }
    let mut companion = Companion::new(config, prompts, store, problem);
    let mut voice = if speak {
        let assets = config.assets();
        let tts = crate::speech::piper::PiperSynthesizer::load(
            &assets.voice_path(&config.tts.voice),
            &assets.ort_library(),
        )?;
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
    let mut listen_until: Option<Instant> = None;
    let mut out = std::io::stdout();
    let mut show = |actions: Vec<Action>,
                    listen_until: &mut Option<Instant>,
                    companion: &mut Companion|
     -> anyhow::Result<()> {
        let mut spoke = false;
        for a in actions {
            match a {
                Action::Say { text } => {
                    writeln!(out, "hearth> {text}")?;
                    out.flush()?;
                    if let Some((tts, sink)) = voice.as_mut() {
                        for s in split_sentences(&text) {
                            let pcm = tts.synthesize(&s)?;
                            sink.play(&pcm, tts.sample_rate())?;
                        }
                        while sink.is_playing() {
                            std::thread::sleep(Duration::from_millis(20));
                        }
                    }
                    spoke = true;
                }
                Action::Chime { .. } => {
                    writeln!(out, "        ~")?;
                }
                Action::Listen { timeout_ms } => {
                    *listen_until = Some(Instant::now() + Duration::from_millis(timeout_ms))
                }
                _ => {}
            }
        }
        if spoke {
            let more = companion.handle(Event::SpeechFinished, now_ms());
            for a in more {
                if let Action::Say { text } = a {
                    writeln!(out, "hearth> {text}")?;
                } else if let Action::Listen { timeout_ms } = a {
                    *listen_until = Some(Instant::now() + Duration::from_millis(timeout_ms));
                }
            }
        }
        Ok(())
    };
    loop {
        let mut wait = Duration::from_millis(500);
        if let Some(d) = companion.engine().next_deadline() {
            wait = wait.min(Duration::from_millis(d.saturating_sub(now_ms())));
        }
        if let Some(l) = listen_until {
            wait = wait.min(l.saturating_duration_since(Instant::now()));
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
                listen_until = None;
                let actions = companion.handle(Event::Utterance { text: line }, now_ms());
                show(actions, &mut listen_until, &mut companion)?;
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
            show(actions, &mut listen_until, &mut companion)?;
        }
        if listen_until.is_some_and(|l| Instant::now() >= l) {
            listen_until = None;
            let actions = companion.handle(Event::ListenTimedOut, now_ms());
            show(actions, &mut listen_until, &mut companion)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
