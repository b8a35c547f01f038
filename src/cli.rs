//! Subcommands: each parses nothing itself (clap did) and calls into the library.

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use hearth::audio::{self, AudioSink};
use hearth::config::Config;
use hearth::control::Request;
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
    /// Check the configuration file and prompts (used by systemd's ExecStartPre)
    Validate,
    /// The safety engine: screen utterances from standard input, or evaluate a labelled set
    Safety {
        #[command(subcommand)]
        command: SafetyCommand,
    },
    /// Run a flow: `--dry-run --timeline` prints its actions on virtual time as JSON lines
    Flow {
        name: String,
        #[arg(long, conflicts_with = "minutes")]
        cycles: Option<u32>,
        #[arg(long)]
        minutes: Option<f32>,
        /// Do not speak: simulate on a virtual clock
        #[arg(long)]
        dry_run: bool,
        /// Print the timeline as JSON lines
        #[arg(long)]
        timeline: bool,
    },
    /// A text console on the same engine (type instead of speaking)
    Chat {
        /// Also speak the replies
        #[arg(long)]
        speak: bool,
    },
    /// Prompt files
    Prompts {
        #[command(subcommand)]
        command: PromptsCommand,
    },
    /// The wake phrase: check whether Hearth hears it in recordings
    Wake {
        #[command(subcommand)]
        command: WakeCommand,
    },
    /// Log a mood (0-10), or list recent entries
    Mood {
        #[command(subcommand)]
        command: Option<MoodCommand>,
        /// Score from 0 (worst) to 10 (best)
        score: Option<u8>,
        #[arg(long)]
        note: Option<String>,
        /// Feeling words, comma separated ("tired,hopeful")
        #[arg(long, value_delimiter = ',')]
        feelings: Vec<String>,
    },
    /// Export your history for yourself or your therapist
    Export {
        /// How far back: 30d, 12w, 6m, 1y, a date (2026-01-31) or "all"
        #[arg(long, default_value = "90d")]
        since: String,
        #[arg(long, default_value = "html")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Delete your data: everything (--all) or a recent range (--since 7d)
    Forget {
        #[arg(long, conflicts_with = "since")]
        all: bool,
        #[arg(long)]
        since: Option<String>,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Run the daemon: listen through the microphone and answer through the speaker
    Run {
        /// Run without audio devices (control socket only), e.g. for testing
        #[arg(long)]
        no_audio: bool,
    },
    /// Show the daemon's state
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Ask the daemon to start a flow
    Start {
        flow: String,
        #[arg(long)]
        cycles: Option<u32>,
        #[arg(long)]
        minutes: Option<f32>,
    },
    /// Ask the daemon to stop what it is doing
    Stop,
    /// Ask the daemon to reload its configuration and prompts
    Reload,
    /// List audio devices
    Devices,
    /// (testing) Write mood entries until killed, printing each acknowledged id
    #[command(hide = true)]
    StoreBurst {
        data_dir: PathBuf,
        #[arg(long)]
        count: Option<u64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SafetyCommand {
    /// Read one utterance per line; write one JSON decision per line
    Check {
        /// The rules alone, without the semantic second reading
        #[arg(long)]
        rules_only: bool,
        /// Also print the second reading's probabilities and whether Hearth would speak up
        /// to the line unaddressed
        #[arg(long)]
        explain: bool,
    },
    /// Score the screen. With FILE: precision and recall on a labelled TSV
    /// (expected<TAB>utterance). Without: every source (Hearth's own tables and the public
    /// corpora) against its budgets, on the blind split unless --split says otherwise
    Eval {
        file: Option<PathBuf>,
        /// Score the rules alone, without the semantic second reading
        #[arg(long)]
        rules_only: bool,
        /// Which split of the sources to score: blind, calibration or train
        #[arg(long, default_value = "blind")]
        split: String,
        /// Also list every line of the split the screen got wrong for its group (expected,
        /// decision, rule reason, text), to see what to fix. Not for the blind split: its
        /// lines are never read, so that its numbers stay honest
        #[arg(long)]
        misses: bool,
    },
    /// Retrain the semantic head on the train split of every source, choose its thresholds on
    /// the calibration split, and write it (deterministic: the same data gives the same file)
    Train {
        /// Where to write the head (default: the installation's models/safety-head.json)
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum PromptsCommand {
    /// Validate every prompt file in DIR (default: the installed prompts)
    Check { dir: Option<PathBuf> },
}

#[derive(Subcommand, Debug)]
pub enum WakeCommand {
    /// Transcribe each WAV as the daemon does and say whether it starts with the wake phrase
    /// (and what the request after it is). Try a recording of your own voice.
    Check {
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum MoodCommand {
    /// List entries
    List {
        #[arg(long, default_value = "30d")]
        since: String,
        #[arg(long)]
        json: bool,
    },
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
        } => {
            // Through the running daemon (which owns the speaker) when there is one.
            if out.is_none() && voice.is_none() && !json {
                if let Some(code) = via_daemon(Request::Say { text: text.clone() })? {
                    return Ok(code);
                }
            }
            say(&config, &text, out.as_deref(), voice.as_deref(), json)
        }
        Command::Converse {
            input,
            out,
            timeline,
        } => {
            let report = hearth::daemon::converse::converse_file(&config, &input, &out)?;
            if let Some(t) = timeline {
                hearth::fsutil::write_file_atomically(
                    &t,
                    serde_json::to_string_pretty(&report)?.as_bytes(),
                )
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
            // Everything `hearth run` needs before it can listen: config, prompts, model, voice.
            let assets = config.assets();
            assets.model_manifest()?;
            hearth::daemon::load::load_prompts(&config)?;
            let voice = assets.voice_path(&config.tts.voice);
            let voice_config = PathBuf::from(format!("{}.json", voice.display()));
            for (what, path) in [
                ("Whisper model", assets.model_path(&config.stt.model)),
                ("Piper voice", voice),
                ("Piper voice config", voice_config),
                ("ONNX Runtime library", assets.ort_library()),
            ] {
                if !path.exists() {
                    bail!(
                        "{what} not found at {}: install it with `{}`",
                        path.display(),
                        speech::assets::INSTALL_COMMAND
                    );
                }
            }
            // Present is not enough: a damaged model or library must fail here, not in `run`.
            config
                .load_transcriber()
                .context("the Whisper model does not load")?;
            config
                .load_synthesizer(None)
                .context("the Piper voice does not load")?;
            println!("{}: ok", config_file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Safety { command } => safety(&config, command),
        Command::Wake {
            command: WakeCommand::Check { files, json },
        } => wake_check(&config, &files, json),
        Command::Flow {
            name,
            cycles,
            minutes,
            dry_run,
            timeline,
        } => flow(&config, &name, cycles, minutes, dry_run, timeline),
        Command::Chat { speak } => hearth::daemon::chat::chat(&config, speak),
        Command::Prompts {
            command: PromptsCommand::Check { dir },
        } => {
            let dir = dir.unwrap_or_else(|| config.assets().prompts_dir());
            let errors = hearth::daemon::load::check_prompts(&dir);
            if errors.is_empty() {
                println!("{}: all prompt files are valid", dir.display());
                return Ok(ExitCode::SUCCESS);
            }
            for e in &errors {
                eprintln!("{e}");
            }
            Ok(ExitCode::from(1))
        }
        Command::Mood {
            command,
            score,
            note,
            feelings,
        } => mood(&config, command, score, note, feelings),
        Command::Export { since, format, out } => {
            let store = open_store(&config)?;
            let now = hearth::store::now_ms();
            let since_ms = hearth::store::parse_since(&since, now, hearth::store::Zone::default())?;
            let format: hearth::store::ExportFormat = format.parse()?;
            store.export_to_file(&out, since_ms, now, format)?;
            println!("wrote {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Forget { all, since, yes } => forget(&config, all, since, yes),
        Command::Run { no_audio } => hearth::daemon::run::run(&config, config_file, no_audio),
        Command::Status { json } => {
            let reply = hearth::control::request(
                &hearth::control::socket_path(),
                &hearth::control::Request::Status,
            )?;
            if json {
                println!("{}", serde_json::to_string(&reply)?);
            } else {
                println!("{}", serde_json::to_string_pretty(&reply.data)?);
            }
            Ok(if reply.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Start {
            flow,
            cycles,
            minutes,
        } => control(Request::Start {
            flow,
            cycles,
            minutes,
        }),
        Command::Stop => control(Request::Stop),
        Command::Reload => {
            // The daemon answers with the outcome; a refused reload is a failure here too.
            let reply =
                hearth::control::request(&hearth::control::socket_path(), &Request::Reload)?;
            if !reply.ok {
                bail!(
                    "{}",
                    reply.error.unwrap_or_else(|| "the daemon refused".into())
                );
            }
            if reply.data["ok"] == serde_json::Value::Bool(false) {
                bail!(
                    "reload refused; Hearth keeps its current configuration and prompts: {}",
                    reply.data["error"].as_str().unwrap_or("no reason given")
                );
            }
            println!("{}", reply.data);
            Ok(ExitCode::SUCCESS)
        }
        Command::Devices => {
            for d in audio::device::list_devices()? {
                let mut tags = Vec::new();
                if d.input {
                    tags.push(if d.default_input {
                        "input (default)"
                    } else {
                        "input"
                    });
                }
                if d.output {
                    tags.push(if d.default_output {
                        "output (default)"
                    } else {
                        "output"
                    });
                }
                println!("{:<28} {:<40} {}", d.id, d.name, tags.join(", "));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::StoreBurst { data_dir, count } => {
            let store = hearth::store::Store::open_in(&data_dir)?;
            hearth::store::write_burst(&store, count, &mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Sends a request to the daemon, which must be running.
fn control(req: Request) -> Result<ExitCode> {
    via_daemon(req)?.ok_or_else(|| {
        anyhow::anyhow!(
            "Hearth is not running (no socket at {}): start it with `hearth run` or `systemctl --user start hearth`",
            hearth::control::socket_path().display()
        )
    })
}

/// Sends a request to the running daemon; `None` when no daemon is running.
fn via_daemon(req: Request) -> Result<Option<ExitCode>> {
    match hearth::control::request(&hearth::control::socket_path(), &req) {
        Ok(reply) if reply.ok => {
            if !reply.data.is_null() {
                println!("{}", reply.data);
            }
            Ok(Some(ExitCode::SUCCESS))
        }
        Ok(reply) => bail!(
            "{}",
            reply.error.unwrap_or_else(|| "the daemon refused".into())
        ),
        Err(hearth::control::ControlError::NotRunning { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn open_store(config: &Config) -> Result<hearth::store::Store> {
    let opts = hearth::store::StoreOptions {
        retention: config.retention,
        ..Default::default()
    };
    Ok(hearth::store::Store::open_in_with(
        &config.data_dir(),
        opts,
    )?)
}

/// The safety engine with its second reading, or a clear error naming how to install it.
fn safety_engine(config: &Config) -> Result<hearth::engine::safety::SafetyEngine> {
    let encoder = hearth::encoder::MiniLm::load_installed(&config.assets())?;
    hearth::engine::safety::SafetyEngine::with_encoder(std::sync::Arc::new(encoder))
        .map_err(anyhow::Error::msg)
}

fn safety(config: &Config, command: SafetyCommand) -> Result<ExitCode> {
    use hearth::engine::safety::{calibrate, CheckRecord, SafetyEngine};
    match command {
        SafetyCommand::Check {
            rules_only,
            explain,
        } => {
            let engine = if rules_only {
                SafetyEngine::rules_only()
            } else {
                safety_engine(config)?
            };
            // The rules of the configured prompts folder, as the daemon reads with them.
            let prompts = hearth::daemon::load::load_prompts(config)?;
            let engine = engine.with_rules(prompts.rules().clone());
            let stdin = std::io::stdin();
            let mut out = std::io::stdout().lock();
            let mut line = String::new();
            let mut reader = std::io::BufReader::new(stdin.lock());
            loop {
                line.clear();
                if std::io::BufRead::read_line(&mut reader, &mut line)? == 0 {
                    break;
                }
                let text = line.trim_end_matches(['\n', '\r']);
                if text.trim().is_empty() {
                    continue;
                }
                let reading = engine.read(text);
                let mut record = serde_json::to_value(CheckRecord::new(text, &reading.assessment))?;
                if explain {
                    if let Some(p) = reading.probabilities {
                        let probs: serde_json::Map<String, serde_json::Value> =
                            hearth::engine::safety::semantic::LABELS
                                .iter()
                                .map(|l| {
                                    let v = (p.of(*l) * 1000.0).round() / 1000.0;
                                    (l.as_str().to_string(), serde_json::json!(v))
                                })
                                .collect();
                        record["p"] = serde_json::Value::Object(probs);
                    }
                    if let Some(n) = reading.near {
                        record["near"] = serde_json::json!((n * 1000.0).round() / 1000.0);
                    }
                    record["rules"] = serde_json::json!(reading.by_rules.action);
                    record["unaddressed_reply"] =
                        serde_json::json!(engine.speaks_up_unaddressed(&reading));
                }
                match writeln!(out, "{record}").and_then(|_| out.flush()) {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
                    r => r?,
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        SafetyCommand::Eval {
            file: Some(file),
            rules_only,
            ..
        } => {
            let tsv = std::fs::read_to_string(&file)
                .with_context(|| format!("{}: cannot read", file.display()))?;
            let engine = if rules_only {
                SafetyEngine::rules_only()
            } else {
                safety_engine(config)?
            };
            let report = hearth::engine::safety::evaluate(&engine, &tsv);
            print_or_pipe(&format!("{report}"))
        }
        SafetyCommand::Eval {
            file: None,
            rules_only,
            split,
            misses,
        } => {
            let split = match split.as_str() {
                "blind" => calibrate::Split::Blind,
                "calibration" => calibrate::Split::Calibration,
                "train" => calibrate::Split::Train,
                other => bail!("unknown split {other:?}: blind, calibration or train"),
            };
            if misses && split == calibrate::Split::Blind {
                bail!(
                    "--misses lists lines to fix, and the blind split's lines are never read (else \
                     its numbers stop being blind): add --split calibration or --split train"
                );
            }
            let head = hearth::engine::safety::SafetyHead::builtin()?;
            // The rules alone need no encoder: nothing is embedded.
            let scored = if rules_only {
                hearth::corpora::score_rules_only(hearth::corpora::all_sources(
                    &config.assets().root,
                )?)
            } else {
                workbench(config)?.score(&head)
            };
            let t = (!rules_only).then_some(&head.thresholds);
            let rows = calibrate::score(&scored, split, t);
            let mut text = format!(
                "split: {} ({}); thresholds: {:?}\n",
                split.as_str(),
                if rules_only {
                    "rules alone"
                } else {
                    "rules + second reading"
                },
                head.thresholds
            );
            text.push_str(&calibrate::render(&rows));
            text.push_str(&unaddressed_summary(&scored, split, t));
            let missed = rows
                .iter()
                .flat_map(|r| &r.checks)
                .filter(|c| !c.ok())
                .count();
            text.push_str(&format!("budgets missed: {missed}\n"));
            if misses {
                text.push_str("\nlines the screen got wrong (source, expected, decision, reason, speaks up unaddressed, text):\n");
                for s in scored.iter().filter(|s| s.item.split == split) {
                    let a = s.assess(t);
                    if !calibrate::acceptable(s.item.group, s.item.label, a.action)
                        || s.speaks_up(t)
                            && matches!(
                                s.item.label,
                                hearth::engine::safety::semantic::Label::None
                                    | hearth::engine::safety::semantic::Label::Support
                            )
                    {
                        text.push_str(&format!(
                            "{}\t{}\t{}\t{}\t{}\t{}\n",
                            s.item.source,
                            s.item.label.as_str(),
                            a.action,
                            a.reason,
                            s.speaks_up(t),
                            s.item.text
                        ));
                    }
                }
            }
            print_or_pipe(&text)
        }
        SafetyCommand::Train { out } => {
            let out = out.unwrap_or_else(|| config.assets().models_dir().join("safety-head.json"));
            let bench = workbench(config)?;
            let started = Instant::now();
            let (head, scored) =
                hearth::corpora::train_head(&bench, hearth::encoder::ENCODER_NAME)?;
            eprintln!("trained in {:.1} s", started.elapsed().as_secs_f64());
            std::fs::write(&out, head.to_json())
                .with_context(|| format!("{}: cannot write", out.display()))?;
            let anchors_out = out.with_file_name("safety-anchors.txt");
            std::fs::write(&anchors_out, head.anchors.to_text())
                .with_context(|| format!("{}: cannot write", anchors_out.display()))?;
            let mut text = format!(
                "wrote {} and {} ({} risk anchors)\nthresholds: {:?}\n",
                out.display(),
                anchors_out.display(),
                head.anchors.len(),
                head.thresholds
            );
            for split in [calibrate::Split::Calibration, calibrate::Split::Blind] {
                text.push_str(&format!("\nsplit: {}\n", split.as_str()));
                let rows = calibrate::score(&scored, split, Some(&head.thresholds));
                text.push_str(&calibrate::render(&rows));
                text.push_str(&unaddressed_summary(&scored, split, Some(&head.thresholds)));
            }
            print_or_pipe(&text)
        }
    }
}

/// Every source read and embedded (embeddings cached between runs).
fn workbench(config: &Config) -> Result<hearth::corpora::Workbench> {
    let assets = config.assets();
    let items = hearth::corpora::all_sources(&assets.root)?;
    let encoder = hearth::encoder::MiniLm::load_installed(&assets)?;
    let id = speech::assets::sha256_file(
        &assets
            .models_dir()
            .join(hearth::encoder::ENCODER_DIR)
            .join("model.safetensors"),
    )?;
    let mut cache = hearth::corpora::EmbeddingCache::open(
        hearth::corpora::cache_dir().join("embeddings-minilm.bin"),
        &id,
    );
    let started = Instant::now();
    let bench = hearth::corpora::Workbench::build(items, &encoder, &mut cache)?;
    if let Err(e) = cache.save() {
        eprintln!("warning: cannot save the embedding cache: {e}");
    }
    eprintln!(
        "{} lines read and embedded in {:.1} s",
        bench.items.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(bench)
}

/// Unprompted replies per hour over the ordinary and distressed talk of one split.
fn unaddressed_summary(
    scored: &[hearth::engine::safety::calibrate::Scored],
    split: hearth::engine::safety::calibrate::Split,
    t: Option<&hearth::engine::safety::Thresholds>,
) -> String {
    use hearth::engine::safety::semantic::Label;
    let talk: Vec<&hearth::engine::safety::calibrate::Scored> = scored
        .iter()
        .filter(|s| s.item.split == split && matches!(s.item.label, Label::None | Label::Support))
        .collect();
    let (per_hour, hours) =
        hearth::engine::safety::calibrate::unprompted_per_hour(&talk, |s| s.speaks_up(t));
    format!(
        "unaddressed speech: {per_hour:.3} unprompted replies per hour over {hours:.1} h of ordinary and distressed talk (budget 0.1)\n"
    )
}

/// Print, treating a reader that stops early (`| head`) as fine.
fn print_or_pipe(text: &str) -> Result<ExitCode> {
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn flow(
    config: &Config,
    name: &str,
    cycles: Option<u32>,
    minutes: Option<f32>,
    dry_run: bool,
    timeline: bool,
) -> Result<ExitCode> {
    if !dry_run {
        return control(Request::Start {
            flow: name.to_string(),
            cycles,
            minutes,
        });
    }
    let entries = hearth::daemon::dry::dry_run(
        config,
        name,
        cycles,
        minutes,
        hearth::store::now_ms() as u64,
    )?;
    let mut out = std::io::stdout().lock();
    for entry in &entries {
        if timeline {
            writeln!(out, "{}", serde_json::to_string(entry)?)?;
        } else if let hearth::daemon::dry::Entry::Say { t, text } = entry {
            writeln!(out, "{:>7.1}s  {text}", *t as f64 / 1000.0)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn mood(
    config: &Config,
    command: Option<MoodCommand>,
    score: Option<u8>,
    note: Option<String>,
    feelings: Vec<String>,
) -> Result<ExitCode> {
    if let (None, Some(score)) = (&command, score) {
        let req = Request::Mood {
            score,
            note: note.clone(),
            feelings: feelings.clone(),
        };
        if let Some(code) = via_daemon(req)? {
            return Ok(code);
        }
    }
    let store = open_store(config)?;
    match (command, score) {
        (Some(MoodCommand::List { since, json }), _) => {
            let now = hearth::store::now_ms();
            let entries = store.moods_since(hearth::store::parse_since(
                &since,
                now,
                hearth::store::Zone::default(),
            )?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                for e in &entries {
                    let when = chrono::DateTime::from_timestamp_millis(e.at_ms)
                        .map(|d| {
                            d.with_timezone(&chrono::Local)
                                .format("%a %Y-%m-%d %H:%M")
                                .to_string()
                        })
                        .unwrap_or_default();
                    println!(
                        "{when}  {:>2}/10  {}  {}",
                        e.score,
                        e.feelings.join(", "),
                        e.note.as_deref().unwrap_or("")
                    );
                }
                if entries.is_empty() {
                    println!("no mood entries since {since}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        (None, Some(score)) => {
            let id = store.add_mood(&hearth::store::NewMood {
                at_ms: hearth::store::now_ms(),
                score,
                feelings,
                note,
                source: hearth::store::MoodSource::Cli,
            })?;
            println!("logged mood {score}/10 (entry {id})");
            Ok(ExitCode::SUCCESS)
        }
        (None, None) => bail!(
            "give a score from 0 to 10 (hearth mood 6 --note \"tired\"), or `hearth mood list`"
        ),
    }
}

fn forget(config: &Config, all: bool, since: Option<String>, yes: bool) -> Result<ExitCode> {
    if !all && since.is_none() {
        bail!("say what to forget: --all, or --since 7d");
    }
    // A running daemon keeps what it remembers (consent, the safety plan) in memory and would
    // write it back: deletion goes through it by voice, or happens while it is stopped.
    if hearth::control::request(&hearth::control::socket_path(), &Request::Status).is_ok() {
        bail!("Hearth is running: say \"hey Hearth, delete all my data\", or stop it first (systemctl --user stop hearth) and run this again");
    }
    if !yes {
        eprint!(
            "This permanently deletes {}. Type yes to continue: ",
            if all {
                "everything Hearth has stored about you".to_string()
            } else {
                format!("everything since {}", since.as_deref().unwrap_or(""))
            }
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if answer.trim() != "yes" {
            println!("nothing deleted");
            return Ok(ExitCode::from(1));
        }
    }
    let store = open_store(config)?;
    if all {
        store.forget_all()?;
        println!(
            "deleted everything and compacted {}",
            store.path().display()
        );
    } else if let Some(since) = since {
        let cutoff = hearth::store::parse_since(
            &since,
            hearth::store::now_ms(),
            hearth::store::Zone::default(),
        )?;
        let n = store.forget_since(cutoff)?;
        println!("deleted {n} records since {since}");
    }
    Ok(ExitCode::SUCCESS)
}

fn load_transcriber(
    config: &Config,
    model: Option<&str>,
    threads: Option<usize>,
    short_window: bool,
) -> Result<Box<dyn Transcriber>> {
    let assets = config.assets();
    let path = assets.model_path(model.unwrap_or(&config.stt.model));
    // Plain transcription of arbitrary recordings: no vocabulary hint.
    let options = speech::whisper::WhisperOptions {
        threads: threads.unwrap_or(config.stt.threads),
        short_window: short_window && config.stt.short_window,
        prompt: None,
        ..config.whisper_options()
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

fn say(
    config: &Config,
    text: &str,
    out: Option<&Path>,
    voice: Option<&str>,
    json: bool,
) -> Result<ExitCode> {
    let t0 = Instant::now();
    let mut tts = config.load_synthesizer(voice)?;
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
                "{:<8} {:<30} {:>10}  {:<9} SHA256",
                "KIND", "NAME", "SIZE", "STATUS"
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

/// `hearth wake check`: the daemon's recogniser (with its vocabulary hint) and wake matcher.
fn wake_check(config: &Config, files: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    use hearth::speech::Transcriber;
    let mut stt = config.load_transcriber()?;
    let phrase = &config.listen.wake_phrase;
    let mut heard_all = true;
    for f in files {
        let audio = hearth::audio::read_wav(f)?;
        let pcm = hearth::audio::resample::resample(&audio.samples, audio.sample_rate, 16_000);
        let t = stt.transcribe(&pcm)?;
        let rest = hearth::session::wake::strip_wake_phrase(&t.text, phrase);
        heard_all &= rest.is_some();
        if json {
            println!(
                "{}",
                serde_json::json!({"file": f, "text": t.text, "wake": rest.is_some(), "request": rest})
            );
        } else {
            match rest {
                Some(r) => println!("{}: heard the wake phrase; request: {r:?}", f.display()),
                None => println!("{}: no wake phrase in {:?}", f.display(), t.text),
            }
        }
    }
    Ok(if heard_all {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
