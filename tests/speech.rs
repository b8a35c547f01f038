//! Speech on real parts: Whisper tiny.en on public recordings of human speech, the Piper voice,
//! resampling invariance, and clear errors for bad input.

use crate::common::*;
use hearth::speech::wer::word_errors;
use std::path::{Path, PathBuf};

fn transcribe_json(home: &Path, files: &[PathBuf]) -> Vec<serde_json::Value> {
    let mut cmd = hearth(home);
    cmd.arg("transcribe").arg("--json").args(files);
    let out = run(cmd);
    assert!(out.status.success(), "transcribe failed: {}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn whisper_tiny_en_transcribes_real_speech_within_ten_percent_wer() {
    let home = temp_dir("wer");
    let mut cases = librivox();
    cases.push((speech("jfk.wav"), JFK.to_string()));
    let files: Vec<PathBuf> = cases.iter().map(|(p, _)| p.clone()).collect();
    let results = transcribe_json(&home, &files);
    assert_eq!(results.len(), cases.len());
    let (mut errors, mut words) = (0, 0);
    for ((path, reference), r) in cases.iter().zip(&results) {
        let hyp = r["text"].as_str().unwrap();
        let (e, n) = word_errors(reference, hyp);
        println!(
            "{:>5.1}%  {}\n        ref: {reference}\n        hyp: {hyp}",
            100.0 * e as f64 / n as f64,
            path.display()
        );
        errors += e;
        words += n;
    }
    let wer = errors as f64 / words as f64;
    println!("WER {:.1}% over {words} words", 100.0 * wer);
    assert!(wer <= 0.10, "WER {:.1}% is above 10%", 100.0 * wer);
}

/// The same recording at 44.1 or 48 kHz, in stereo, or as 24-bit or float samples (made with
/// sox, an independent tool) gives the same words as the 16 kHz mono original.
#[test]
fn transcript_does_not_depend_on_rate_channels_or_sample_format() {
    let home = temp_dir("rates");
    let original = speech("librivox/sense_and_sensibility_01_austen_64kb-0920.wav");
    let variants: [(&str, &[&str]); 5] = [
        ("44k.wav", &["-r", "44100"]),
        ("48k.wav", &["-r", "48000"]),
        ("stereo.wav", &["-c", "2"]),
        (
            "48k-stereo-24bit.wav",
            &["-r", "48000", "-c", "2", "-b", "24"],
        ),
        (
            "22k-float.wav",
            &["-r", "22050", "-e", "floating-point", "-b", "32"],
        ),
    ];
    let mut files = vec![original.clone()];
    for (name, args) in variants {
        let out = home.join(name);
        // Output options go before the output file: `sox in.wav -r 44100 out.wav`.
        let status = std::process::Command::new("sox")
            .arg(&original)
            .args(args)
            .arg(&out)
            .status()
            .expect("sox is installed by scripts/setup --test-data");
        assert!(status.success(), "sox failed for {name}");
        files.push(out);
    }
    let results = transcribe_json(&home, &files);
    let texts: Vec<Vec<String>> = results
        .iter()
        .map(|r| hearth::speech::wer::normalize_words(r["text"].as_str().unwrap()))
        .collect();
    for (f, t) in files.iter().zip(&texts) {
        println!(
            "{}: {}",
            f.file_name().unwrap().to_string_lossy(),
            t.join(" ")
        );
    }
    for (f, t) in files.iter().zip(&texts).skip(1) {
        assert_eq!(
            t,
            &texts[0],
            "{} differs from the 16 kHz mono original",
            f.display()
        );
    }
}

const HEARTH_SENTENCES: [&str; 12] = [
    "Let's take a slow breath together.",
    "Breathe in gently through your nose.",
    "Hold it for a moment.",
    "Now let the breath go, slowly.",
    "How was your day today?",
    "What is one good thing that happened?",
    "Thank you for telling me about that.",
    "I logged your mood as six out of ten.",
    "Notice five things you can see around you.",
    "You can say stop at any time.",
    "I'm an AI companion, not a person and not a therapist.",
    "Is there one thing you would like to do tomorrow?",
];

#[test]
fn say_then_transcribe_recovers_the_text() {
    let home = temp_dir("roundtrip");
    let mut files = Vec::new();
    for (i, s) in HEARTH_SENTENCES.iter().enumerate() {
        let wav = home.join(format!("s{i:02}.wav"));
        // The first `say` saves the voice's optimised copy in the cache, the others open it.
        let mut cmd = hearth(&home);
        cmd.env("XDG_CACHE_HOME", home.join("cache"));
        cmd.args(["say", s, "--out"]).arg(&wav);
        let out = run(cmd);
        assert!(out.status.success(), "say failed: {}", stderr(&out));
        let audio = hearth::audio::read_wav(&wav).unwrap();
        assert_eq!(audio.sample_rate, 22_050);
        assert!(
            audio.duration_secs() > 0.5,
            "{s}: only {:.2} s of audio",
            audio.duration_secs()
        );
        files.push(wav);
    }
    let copies: Vec<_> = std::fs::read_dir(home.join("cache/hearth/voices"))
        .expect("the optimised voice copy's folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        copies.len() == 1
            && copies[0].starts_with("en_US-joe-medium-")
            && copies[0].ends_with(".ort"),
        "one optimised copy of the voice expected, found {copies:?}"
    );
    let results = transcribe_json(&home, &files);
    let (mut errors, mut words) = (0, 0);
    for (s, r) in HEARTH_SENTENCES.iter().zip(&results) {
        let hyp = r["text"].as_str().unwrap();
        let (e, n) = word_errors(s, hyp);
        println!("{e}/{n}  {s}  →  {hyp}");
        errors += e;
        words += n;
    }
    let wer = errors as f64 / words as f64;
    println!("round-trip WER {:.1}%", 100.0 * wer);
    assert!(
        wer <= 0.10,
        "round-trip WER {:.1}% is above 10%",
        100.0 * wer
    );
}

#[test]
fn bad_audio_files_get_one_line_errors_naming_file_and_problem() {
    let home = temp_dir("badwav");
    let empty = home.join("empty.wav");
    std::fs::write(&empty, b"").unwrap();
    let text = home.join("notes.wav");
    std::fs::write(&text, "these are my notes, not audio\n").unwrap();
    let good = std::fs::read(speech("jfk.wav")).unwrap();
    let truncated = home.join("truncated.wav");
    std::fs::write(&truncated, &good[..good.len() / 3]).unwrap();
    let missing = home.join("missing.wav");
    for (file, problem) in [
        (&empty, "empty"),
        (&text, "not a WAV"),
        (&truncated, "truncated"),
        (&missing, "not found"),
    ] {
        let mut cmd = hearth(&home);
        cmd.arg("transcribe").arg(file);
        let out = run(cmd);
        let err = stderr(&out);
        assert!(
            !out.status.success(),
            "{}: exit status was success",
            file.display()
        );
        assert!(
            !err.contains("panicked"),
            "{}: panicked: {err}",
            file.display()
        );
        let line = err
            .lines()
            .find(|l| l.starts_with("hearth:"))
            .unwrap_or_default();
        assert_eq!(
            err.lines().filter(|l| l.starts_with("hearth:")).count(),
            1,
            "{err}"
        );
        assert!(
            line.contains(&*file.to_string_lossy()) && line.contains(problem),
            "{}: {err}",
            file.display()
        );
    }
}

#[test]
fn a_missing_model_or_voice_names_the_install_command() {
    let home = temp_dir("missing-model");
    let mut cmd = hearth(&home);
    cmd.args(["transcribe", "--model", "/nonexistent/ggml-huge.bin"])
        .arg(speech("jfk.wav"));
    let out = run(cmd);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("/nonexistent/ggml-huge.bin") && err.contains("scripts/setup"),
        "{err}"
    );

    let mut cmd = hearth(&home);
    cmd.args([
        "say",
        "hello",
        "--voice",
        "/nonexistent/voice.onnx",
        "--out",
    ])
    .arg(home.join("x.wav"));
    let out = run(cmd);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("/nonexistent/voice.onnx") && err.contains("scripts/setup"),
        "{err}"
    );
}

/// Takes of the wake phrase and a request in voices nobody on the team chose (flite slt, awb,
/// rms and kal16, festival, espeak-ng en-us and en-gb), at normal level, 12 dB quieter, and in
/// pink noise at 10 dB SNR: the grid is made here with sox, and `hearth wake check` hears each
/// as the daemon does (its recogniser, its hint, its matcher).
fn wake_grid(home: &Path) -> Vec<(String, String, PathBuf)> {
    let sh = |cmd: &str| {
        let ok = std::process::Command::new("sh")
            .args(["-c", cmd])
            .status()
            .expect("sh");
        assert!(
            ok.success(),
            "{cmd} (flite, festival and sox come with scripts/setup --test-data)"
        );
    };
    let texts = [
        "Hey Hearth. What can you do?",
        "Hey Hearth. Log my mood as six.",
        "Hey Hearth, let's do some breathing.",
        "Hey Hearth, I had a rough day.",
    ];
    let mut out = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let t = home.join(format!("text-{i}.txt"));
        std::fs::write(&t, text).unwrap();
        let t = t.display();
        let voices: Vec<(&str, String)> = vec![
            ("slt", format!("flite -voice slt -f '{t}' -o")),
            ("awb", format!("flite -voice awb -f '{t}' -o")),
            ("rms", format!("flite -voice rms -f '{t}' -o")),
            ("kal16", format!("flite -voice kal16 -f '{t}' -o")),
            ("festival", format!("text2wave '{t}' -o")),
            ("espeak-us", format!("espeak-ng -v en-us -f '{t}' -w")),
            ("espeak-gb", format!("espeak-ng -v en-gb -f '{t}' -w")),
        ];
        for (voice, make) in voices {
            let raw = home.join(format!("raw-{voice}-{i}.wav"));
            sh(&format!("{make} '{}'", raw.display()));
            let n = home.join(format!("normal-{voice}-{i}.wav"));
            sh(&format!(
                "sox '{}' -r 16000 -c 1 -b 16 '{}' norm -3 pad 0.3 0.3",
                raw.display(),
                n.display()
            ));
            let q = home.join(format!("quiet-{voice}-{i}.wav"));
            sh(&format!("sox '{}' '{}' gain -12", n.display(), q.display()));
            // Pink noise 10 dB below the speech's RMS level.
            let p = home.join(format!("noise-{voice}-{i}.wav"));
            let a = hearth::audio::read_wav(&n).unwrap();
            let rms =
                (a.samples.iter().map(|x| x * x).sum::<f32>() / a.samples.len() as f32).sqrt();
            let db = 20.0 * rms.log10() - 10.0;
            sh(&format!(
                "sox -n -r 16000 -c 1 -b 16 '{pink}' synth {secs} pinknoise norm {db:.1} && sox -m -v 1 '{n}' -v 1 '{pink}' '{p}'",
                pink = home.join("pink.wav").display(),
                secs = a.duration_secs(),
                n = n.display(),
                p = p.display(),
            ));
            for (level, f) in [("normal", n), ("quiet", q), ("noise", p)] {
                out.push((voice.to_string(), level.to_string(), f));
            }
        }
    }
    out
}

#[test]
fn the_wake_phrase_is_heard_in_outside_voices_quiet_and_in_noise() {
    let home = temp_dir("wake-grid");
    let grid = wake_grid(&home);
    let mut c = hearth(&home);
    c.args(["wake", "check", "--json"]);
    c.args(grid.iter().map(|(_, _, f)| f));
    let out = run(c);
    let heard: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(heard.len(), grid.len(), "{}", stderr(&out));
    let mut by_level = std::collections::BTreeMap::<String, (u32, u32)>::new();
    let mut misses = Vec::new();
    for ((voice, level, _), h) in grid.iter().zip(&heard) {
        let e = by_level.entry(level.clone()).or_default();
        e.1 += 1;
        if h["wake"] == true {
            e.0 += 1;
        } else {
            misses.push(format!("{voice}/{level}: {}", h["text"]));
        }
    }
    println!("wake phrase heard: {by_level:?}\nmissed: {misses:#?}");
    // Measured 2026-12-05: 31/32 normal, 31/32 quiet, 20/32 in noise (Whisper tiny.en in pink
    // noise is the weak part). Floors a little below, for Piper-free takes that do not vary.
    let (n, q, p) = (by_level["normal"], by_level["quiet"], by_level["noise"]);
    assert!(n.0 * 100 >= n.1 * 90, "normal level: {n:?} {misses:#?}");
    assert!(q.0 * 100 >= q.1 * 90, "quiet: {q:?} {misses:#?}");
    assert!(p.0 * 100 >= p.1 * 50, "noise: {p:?} {misses:#?}");
    // The exit code says whether every file was heard.
    assert_eq!(out.status.success(), misses.is_empty());
}

#[test]
fn no_false_wake_on_tens_of_thousands_of_lines_other_people_wrote() {
    // Chat between people, sitcom dialogue, tweets and news, as a transcript would read: none
    // starts with anything the matcher takes for the wake phrase.
    let dir = root().join("models").join("corpora");
    let mut lines = 0;
    let mut woke = Vec::new();
    for name in [
        "chitchat",
        "the-office-lines",
        "tweets",
        "chatterbot-english",
        "news-editorials",
    ] {
        let path = dir.join(format!("{name}.tsv"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (scripts/setup --test-data installs it)",
                path.display()
            )
        });
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let utterance = line.split_once('\t').map_or(line, |(_, u)| u);
            lines += 1;
            if hearth::session::wake::strip_wake_phrase(utterance, "hey hearth").is_some() {
                woke.push(utterance.to_string());
            }
        }
    }
    assert!(lines > 60_000, "only {lines} lines");
    assert!(
        woke.is_empty(),
        "{} false wakes in {lines} lines: {woke:?}",
        woke.len()
    );
}
