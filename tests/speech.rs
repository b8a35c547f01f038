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
