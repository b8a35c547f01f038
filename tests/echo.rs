//! The echo canceller on real speech: a recorded reader stands in for Hearth's voice (the far
//! end), played back into the "microphone" through a synthetic room (60 ms delay, -6 dB, one
//! reflection), with another person (JFK's recording) speaking over it part of the time.

use crate::common::*;
use hearth::audio::echo::{EchoStage, FarEnd, SpeexCanceller};
use hearth::audio::read_wav;

const RATE: usize = 16_000;

fn energy(x: &[f32]) -> f64 {
    x.iter().map(|&s| f64::from(s) * f64::from(s)).sum()
}

fn db(num: f64, den: f64) -> f64 {
    10.0 * (num / den.max(1e-20)).log10()
}

/// The best normalised correlation of `a` with `b` delayed by up to 20 ms (the canceller's
/// noise suppressor works on overlapping blocks and may shift the audio a little).
fn correlation(a: &[f32], b: &[f32]) -> f64 {
    (0..320)
        .map(|lag| {
            let a = &a[lag..];
            let b = &b[..a.len()];
            let ab: f64 = a
                .iter()
                .zip(b)
                .map(|(&x, &y)| f64::from(x) * f64::from(y))
                .sum();
            ab / (energy(a) * energy(b)).sqrt().max(1e-20)
        })
        .fold(f64::MIN, f64::max)
}

fn run(mut stage: EchoStage, mic: &[f32], far: &[f32]) -> Vec<f32> {
    let mut out = Vec::new();
    for (m, f) in mic.chunks(320).zip(far.chunks(320)) {
        out.extend(stage.process_with(m, f));
    }
    out
}

#[test]
fn the_echo_canceller_removes_a_rooms_echo_of_real_speech_and_keeps_the_person() {
    // Hearth's voice: two reader clips back to back (14 s).
    let clips = librivox();
    let mut far: Vec<f32> = Vec::new();
    for (wav, _) in clips.iter().take(2) {
        let a = read_wav(wav).unwrap();
        assert_eq!(a.sample_rate, RATE as u32);
        far.extend(a.samples);
    }
    // The person: starts 8 s in.
    let person = read_wav(&speech("jfk.wav")).unwrap().samples;
    let start = 8 * RATE;
    let n = far.len();
    let room = |i: usize| {
        let d1 = 960; // 60 ms
        let d2 = 960 + 400; // a reflection 25 ms later
        let a = if i >= d1 { 0.5 * far[i - d1] } else { 0.0 };
        let b = if i >= d2 { 0.2 * far[i - d2] } else { 0.0 };
        a + b
    };
    let echo: Vec<f32> = (0..n).map(room).collect();
    let talk: Vec<f32> = (0..n)
        .map(|i| {
            i.checked_sub(start)
                .and_then(|k| person.get(k))
                .copied()
                .unwrap_or(0.0)
        })
        .collect();
    let mic: Vec<f32> = echo.iter().zip(&talk).map(|(e, t)| e + t).collect();

    let stage = || {
        EchoStage::new(
            Box::new(SpeexCanceller::new(200).unwrap()),
            FarEnd::new(),
            200,
        )
    };
    let alone = run(stage().without_gate(), &mic, &far);
    let out = run(stage(), &mic, &far);
    assert_eq!(out.len(), n / 160 * 160);

    // Echo alone, after 3 s of learning: how much of it is left.
    let (a, b) = (3 * RATE, start);
    let erle_alone = db(energy(&mic[a..b]), energy(&alone[a..b]));
    let erle = db(energy(&mic[a..b]), energy(&out[a..b]));
    // Double talk: the person is still there, and still the person.
    let (c, d) = (start + RATE, n.min(start + person.len()) / 160 * 160);
    let kept = db(energy(&out[c..d]), energy(&talk[c..d]));
    let corr = correlation(&out[c..d], &talk[c..d]);
    let corr_alone = correlation(&alone[c..d], &talk[c..d]);
    println!(
        "ERLE: canceller {erle_alone:.1} dB, with the gate {erle:.1} dB; person kept at \
         {kept:+.1} dB, correlation {corr:.2} (canceller alone {corr_alone:.2})"
    );
    assert!(erle_alone > 25.0, "canceller ERLE {erle_alone:.1} dB");
    assert!(erle > 50.0, "ERLE with the gate {erle:.1} dB");
    assert!(kept > -6.0 && kept < 3.0, "person at {kept:+.1} dB");
    assert!(corr > 0.8, "correlation {corr:.2}");
}
