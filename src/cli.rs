//! Subcommands: each parses nothing itself (clap did) and calls into the library.

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use hearth::audio::{self, AudioSink};
use hearth::config::Config;
use hearth::speech::{self, Synthesizer, Transcriber};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Transcribe WAV files (any rate, mono or stereo), one line of text per file
    Transcribe {
        files: Vec<PathBuf>,
        /// Print JSON with timings instead of plain text
        #[arg(long)]
        json: bool,
        /// Model name ("tiny.en", "base") or path to a ggml file
        #[arg(long)]
        model: Option<String>,
        #[arg(long)]
        threads: Option<usize>,
        /// Always use Whisper's full 30 s encoder window
        #[arg(long)]
        full_window: bool,
    },
    /// Speak text through the default output device, or write it to a WAV file
    Say {
        text: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        voice: Option<String>,
        /// Print timings as JSON on stderr
        #[arg(long)]
        json: bool,
    },
    /// Run the whole spoken loop on a recording and write the replies to a WAV file
    Converse {
        #[arg(long = "in")]
        input: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        timeline: Option<PathBuf>,
    },
    /// Installed models and voices
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
    /// Check the configuration file (used by systemd's ExecStartPre)
    Validate,
}

#[derive(Subcommand, Debug)]
pub enum ModelsCommand {
    /// Show what is installed, with sizes and hashes
    List {
        #[arg(long)]
        json: bool,
        /// Skip hashing (faster)
        #[arg(long)]
        no_hash: bool,
    },
    /// Convert a CTranslate2 Whisper checkpoint to whisper.cpp's ggml format
    Convert { ct2_dir: PathBuf, out: PathBuf },
}

pub fn run(command: Command, config_path: Option<&Path>) -> Result<ExitCode> {
    let (config, config_file) = Config::load(config_path)?;
    match command {
        Command::Transcribe {
            files,
            json,
            model,
            threads,
            full_window,
        } => {
            let mut stt = load_transcriber(&config, model.as_deref(), threads, !full_window)?;
            transcribe(&mut *stt, &files, json)
        }
        Command::Say {
            text,
            out,
            voice,
            json,
        } => say(&config, &text, out.as_deref(), voice.as_deref(), json),
        Command::Converse {
            input,
            out,
            timeline,
        } => {
            let report = hearth::daemon::converse::converse_file(&config, &input, &out)?;
            if let Some(t) = timeline {
                std::fs::write(&t, serde_json::to_string_pretty(&report)?)
                    .with_context(|| format!("{}: cannot write timeline", t.display()))?;
            }
            for u in &report.utterances {
                println!(
                    "{:>7} ms  [{}]  {}  →  {}",
                    u.start_ms, u.safety_action, u.transcript, u.reply
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Models { command } => models(&config, command),
        Command::Validate => {
            config.assets().model_manifest()?;
            println!("{}: ok", config_file.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn load_transcriber(
    config: &Config,
    model: Option<&str>,
    threads: Option<usize>,
    short_window: bool,
) -> Result<Box<dyn Transcriber>> {
    let assets = config.assets();
    let path = assets.model_path(model.unwrap_or(&config.stt.model));
    let options = speech::whisper::WhisperOptions {
        threads: threads.unwrap_or(config.stt.threads),
        short_window: short_window && config.stt.short_window,
        language: "en".into(),
    };
    Ok(Box::new(speech::whisper::WhisperTranscriber::load(
        &path, options,
    )?))
}

fn transcribe(stt: &mut dyn Transcriber, files: &[PathBuf], json: bool) -> Result<ExitCode> {
    if files.is_empty() {
        bail!("no files given: hearth transcribe FILE.wav...");
    }
    let mut failed = false;
    let stdout = std::io::stdout();
    for file in files {
        let started = Instant::now();
        let result = audio::read_wav(file)
            .map_err(anyhow::Error::from)
            .and_then(|a| {
                let decoded_ms = started.elapsed().as_secs_f64() * 1000.0;
                let t0 = Instant::now();
                let pcm = audio::resample::resample(&a.samples, a.sample_rate, 16_000);
                let resample_ms = t0.elapsed().as_secs_f64() * 1000.0;
                let t = stt
                    .transcribe(&pcm)
                    .with_context(|| format!("{}", file.display()))?;
                Ok((a.duration_secs(), decoded_ms, resample_ms, t))
            });
        let mut out = stdout.lock();
        match result {
            Ok((secs, decode_ms, resample_ms, t)) if json => {
                let v = serde_json::json!({"file": file, "text": t.text, "audio_secs": secs, "decode_ms": decode_ms, "resample_ms": resample_ms, "stt_ms": t.millis, "rtf": t.millis / 1000.0 / secs.max(1e-9)});
                writeln!(out, "{v}")?;
            }
            Ok((_, _, _, t)) => writeln!(out, "{}", t.text)?,
            Err(e) => {
                failed = true;
                eprintln!("hearth: {}", e);
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn load_synthesizer(
    config: &Config,
    voice: Option<&str>,
) -> Result<speech::piper::PiperSynthesizer> {
    let assets = config.assets();
    let mut tts = speech::piper::PiperSynthesizer::load(
        &assets.voice_path(voice.unwrap_or(&config.tts.voice)),
        &assets.ort_library(),
    )?;
    tts.length_scale = config.tts.length_scale;
    Ok(tts)
}

fn say(
    config: &Config,
    text: &str,
    out: Option<&Path>,
    voice: Option<&str>,
    json: bool,
) -> Result<ExitCode> {
    let t0 = Instant::now();
    let mut tts = load_synthesizer(config, voice)?;
    let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let rate = tts.sample_rate();
    let sentences = speech::split_sentences(text);
    if sentences.is_empty() {
        bail!("nothing to say: the text is empty");
    }
    let mut first_audio_ms = None;
    let t1 = Instant::now();
    let mut total_samples = 0usize;
    match out {
        Some(path) => {
            let mut sink = audio::BufferSink::new(rate);
            for (i, s) in sentences.iter().enumerate() {
                if i > 0 {
                    sink.silence(250);
                }
                let pcm = tts.synthesize(s)?;
                first_audio_ms.get_or_insert(t1.elapsed().as_secs_f64() * 1000.0);
                total_samples += pcm.len();
                sink.play(&pcm, rate)?;
            }
            audio::write_wav(path, &sink.into_audio())?;
        }
        None => {
            let mut sink = audio::device::RodioSink::open(Some(&config.audio.output))?;
            for s in &sentences {
                // The first sentence plays while the next is synthesized.
                let pcm = tts.synthesize(s)?;
                first_audio_ms.get_or_insert(t1.elapsed().as_secs_f64() * 1000.0);
                total_samples += pcm.len();
                sink.play(&pcm, rate)?;
                sink.play(&vec![0.0; rate as usize / 4], rate)?;
            }
            while sink.is_playing() {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
    }
    if json {
        let total_ms = t1.elapsed().as_secs_f64() * 1000.0;
        let audio_secs = total_samples as f64 / rate as f64;
        eprintln!(
            "{}",
            serde_json::json!({"load_ms": load_ms, "first_audio_ms": first_audio_ms, "synth_ms": total_ms, "audio_secs": audio_secs, "rtf": total_ms / 1000.0 / audio_secs.max(1e-9), "sentences": sentences.len()})
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn models(config: &Config, command: ModelsCommand) -> Result<ExitCode> {
    match command {
        ModelsCommand::List { json, no_hash } => {
            let assets = config.assets();
            let rows = speech::assets::list_installed(&assets, !no_hash)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{:<8} {:<30} {:>10}  {:<9} {}",
                "KIND", "NAME", "SIZE", "STATUS", "SHA256"
            );
            for r in rows {
                let status = match (r.installed, r.verified) {
                    (false, _) => "missing",
                    (true, Some(false)) => "MODIFIED",
                    (true, Some(true)) => "verified",
                    (true, None) => "installed",
                };
                let size = if r.installed {
                    format!("{:.1} MB", r.bytes as f64 / 1e6)
                } else {
                    "-".into()
                };
                println!(
                    "{:<8} {:<30} {:>10}  {:<9} {}",
                    r.kind,
                    r.name,
                    size,
                    status,
                    r.sha256.as_deref().unwrap_or("-")
                );
            }
            println!("assets: {}", assets.root.display());
            Ok(ExitCode::SUCCESS)
        }
        ModelsCommand::Convert { ct2_dir, out } => {
            let mut last = 0usize;
            let summary = speech::convert::convert_ct2_dir(&ct2_dir, &out, &mut |p| {
                let pct = match p {
                    speech::convert::ConvertProgress::Tensor { index, total, .. } => {
                        index * 100 / total.max(1)
                    }
                    speech::convert::ConvertProgress::Finished { .. } => 100,
                    _ => 0,
                };
                if pct >= last + 10 || (pct == 100 && last < 100) {
                    last = pct;
                    eprint!("\rconverting: {pct:>3}%");
                }
            })?;
            eprintln!();
            println!(
                "wrote {} ({}, {} tensors, vocabulary {}, {:.1} MB)",
                out.display(),
                summary.model,
                summary.tensors,
                summary.n_vocab,
                summary.bytes as f64 / 1e6
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
