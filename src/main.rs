//! The `hearth` command line: a thin layer over the library that parses arguments, runs one
//! command and turns its outcome into an exit code and a one-line error.

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

mod cli;

#[derive(Parser, Debug)]
#[command(
    name = "hearth",
    version,
    about = "A local, voice-first wellbeing companion"
)]
pub struct Cli {
    /// Configuration file (default: $XDG_CONFIG_HOME/hearth/config.toml)
    #[arg(long, global = true, env = "HEARTH_CONFIG")]
    config: Option<PathBuf>,
    /// More logging (-v info, -vv debug). Transcripts are only ever logged at debug.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: cli::Command,
}

fn main() -> ExitCode {
    no_core_dumps();
    tune_allocator();
    let cli = Cli::parse();
    let filter = match cli.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let env_filter = tracing_subscriber::EnvFilter::try_from_env("HEARTH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(std::io::stderr)
        .init();
    match cli::run(cli.command, cli.config.as_deref()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hearth: {}", one_line(&e));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes on one line, without repeating a cause the message already quotes.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !out.contains(&c) {
            out.push_str(": ");
            out.push_str(&c);
        }
    }
    out
}

/// Hearth's memory holds the database key, mood notes and what was said: a crash must not
/// write it to a core file, and no other process of the same user may read it through ptrace or
/// `/proc/<pid>/mem`. Non-dumpable does both (the kernel then also makes `/proc/<pid>` owned by
/// root). The systemd units add `LimitCORE=0`.
fn no_core_dumps() {
    // SAFETY: prctl(PR_SET_DUMPABLE, 0) only changes a flag of this process.
    let rc = unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    if rc != 0 {
        eprintln!(
            "hearth: warning: could not turn off core dumps: {}",
            std::io::Error::last_os_error()
        );
    }
}

/// Speech synthesis allocates and frees large tensors for every sentence; glibc would keep that
/// memory in its heap (resident, and fragmented). Serving large blocks with mmap returns them to
/// the system at once, which keeps the daemon's resident memory flat (about a third lower at
/// peak, measured with `converse`).
fn tune_allocator() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only changes allocator thresholds; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 * 1024);
    }
}
