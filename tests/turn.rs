//! The end of turn on real speech and the real Whisper model: pauses of 300-600 ms put into the
//! natural gaps (100 ms or more) of read sentences (LibriVox, JFK). By default (speculative
//! transcripts, no early end) no pause ends a turn before the hang-over, every finished sentence
//! is heard through its speculative transcript, and the hold after words that ask for more cuts
//! fewer pauses than the plain hang-over. The experimental early end ends finished sentences
//! early but cuts too many pauses: its measured rates are pinned so they cannot get worse. The speculative transcript
//! is answered at once (no recognition time passes), which is the earliest - the harshest -
//! moment the turn taker could decide. No timing is asserted: latency is in the daemon bench.

use crate::common::*;
use hearth::audio::vad::FRAME;
use hearth::config::Config;
use hearth::session::turn::{Turn, TurnTaker};
use hearth::speech::Transcriber;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Whisper with a memory: the audio up to a pause is the same whatever the pause's length.
struct Recogniser {
    stt: Box<dyn Transcriber>,
    memo: HashMap<u64, String>,
    /// How sure Whisper was of each transcript's last token.
    last_p: HashMap<String, f32>,
}

impl Recogniser {
    fn text(&mut self, samples: &[f32]) -> String {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for s in samples {
            s.to_bits().hash(&mut h);
        }
        let key = h.finish();
        if let Some(t) = self.memo.get(&key) {
            return t.clone();
        }
        let t = self.stt.transcribe(samples).unwrap();
        self.memo.insert(key, t.text.clone());
        if let Some(p) = t.last_token_p {
            self.last_p.insert(t.text.clone(), p);
        }
        t.text
    }
}

/// How a turn ended: (where the speech before it ended, whether early, its words, whether they
/// were the speculative transcript).
type Ending = (u64, bool, String, bool);

/// Runs the turn taker over `audio` as the daemon's session does, answering speculations at
/// once; returns every turn's ending.
fn turns(config: &Config, stt: &mut Recogniser, audio: &[f32]) -> Vec<Ending> {
    let mut taker = TurnTaker::new(
        hearth::session::vad_config(config),
        hearth::session::turn_policy(config),
    );
    let mut endings = Vec::new();
    let mut pending: Vec<Turn> = Vec::new();
    for chunk in audio.chunks(FRAME) {
        pending.extend(taker.push(chunk));
        while let Some(turn) = pending.pop() {
            match turn {
                Turn::Speculate { id, samples, .. } => {
                    let text = stt.text(&samples);
                    pending.extend(taker.speculated(id, text, 0.0));
                }
                Turn::Utterance {
                    samples,
                    speech_end,
                    ..
                } => endings.push((speech_end, false, stt.text(&samples), false)),
                Turn::Heard {
                    text,
                    speech_end,
                    early,
                    ..
                } => endings.push((speech_end, early, text, true)),
                Turn::SpeechStart { .. } => {}
            }
        }
    }
    endings
}

/// dB of each 20 ms frame.
fn frame_db(audio: &[f32]) -> Vec<f32> {
    audio
        .chunks_exact(FRAME)
        .map(|f| 10.0 * (f.iter().map(|s| s * s).sum::<f32>() / FRAME as f32 + 1e-12).log10())
        .collect()
}

/// A recording at 16 kHz with 1 s of its own quietest frame before it and 1.5 s after, and
/// that frame (the room's silence).
fn clip(path: &std::path::Path) -> (Vec<f32>, Vec<f32>) {
    let wav = hearth::audio::read_wav(path).unwrap();
    let pcm = hearth::audio::resample::resample(&wav.samples, wav.sample_rate, 16_000);
    let db = frame_db(&pcm);
    let quietest = (0..db.len())
        .min_by(|&a, &b| db[a].total_cmp(&db[b]))
        .unwrap();
    let quiet = pcm[quietest * FRAME..(quietest + 1) * FRAME].to_vec();
    let mut v: Vec<f32> = quiet.iter().copied().cycle().take(16_000).collect();
    v.extend_from_slice(&pcm);
    v.extend(quiet.iter().copied().cycle().take(24_000));
    (v, quiet)
}

/// The shortest natural gap a pause is put into: 100 ms, where readers breathe between phrases
/// and clauses rather than between the words of one.
const MIN_GAP_FRAMES: usize = 5;

/// The middles of the natural gaps between words (runs of at least 100 ms within 10 dB of the
/// recording's own quiet frames) inside the speech, with at least 0.5 s of speech before and
/// 0.3 s after, as sample positions.
fn gaps(padded: &[f32]) -> Vec<usize> {
    // The recording itself, without the padding of `clip`.
    let audio = &padded[16_000..padded.len() - 24_000];
    let db = frame_db(audio);
    let loud: Vec<f32> = db.iter().copied().filter(|&d| d > -60.0).collect();
    let mut sorted = loud.clone();
    sorted.sort_by(f32::total_cmp);
    let floor = sorted[sorted.len() / 4];
    let speech: Vec<bool> = db.iter().map(|&d| d > floor + 10.0).collect();
    let first = speech.iter().position(|&s| s).unwrap();
    let last = speech.iter().rposition(|&s| s).unwrap();
    let mut out = Vec::new();
    let mut i = first + 25;
    while i + 15 < last {
        if !speech[i] {
            let run_end = (i..last).find(|&j| speech[j]).unwrap_or(last);
            if run_end - i >= MIN_GAP_FRAMES && run_end + 15 <= last {
                out.push(16_000 + (i + run_end) / 2 * FRAME);
            }
            i = run_end;
        }
        i += 1;
    }
    out
}

/// `audio` with `ms` of the room's silence put in at `at` (a gap's middle).
fn with_pause(audio: &[f32], quiet: &[f32], at: usize, ms: usize) -> Vec<f32> {
    let mut v = audio[..at].to_vec();
    v.extend(quiet.iter().copied().cycle().take(ms * 16));
    v.extend_from_slice(&audio[at..]);
    v
}

fn recordings() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = librivox().into_iter().map(|(p, _)| p).collect();
    v.push(speech("jfk.wav"));
    v
}

/// What one configuration did with the recordings.
#[derive(Debug, Default)]
struct Outcome {
    finished: usize,
    /// Finished sentences whose turn ended before the hang-over.
    ended_early: usize,
    /// Finished sentences whose turn took the speculative transcript (no second recognition).
    reused: usize,
    /// Pauses put in, and the turns that ended inside them before / at the hang-over.
    pauses: usize,
    cut_early: usize,
    cut_at_hangover: usize,
}

fn measure(config: &Config, stt: &mut Recogniser) -> Outcome {
    let mut o = Outcome::default();
    // Finished sentences: the turn should end before the hang-over, at the end of the speech.
    for path in recordings() {
        let (audio, _) = clip(&path);
        let endings = turns(config, stt, &audio);
        o.finished += 1;
        let last = endings.last().cloned().unwrap_or_default();
        println!(
            "{} turn(s); last early: {}  {:?} p={:?} ({})",
            endings.len(),
            last.1,
            last.2,
            stt.last_p.get(&last.2),
            path.file_name().unwrap().to_string_lossy()
        );
        if last.1 {
            o.ended_early += 1;
        }
        if last.3 {
            o.reused += 1;
        }
    }
    // Pauses of 300-600 ms at the natural gaps: a turn that ends inside the pause is cut.
    for path in recordings() {
        let (audio, quiet) = clip(&path);
        for at in gaps(&audio) {
            for ms in [300, 400, 500, 600] {
                // Up to 100 ms after the speech comes back: enough to see whether the turn ended
                // in the pause (what comes later does not change that).
                let mut paused = with_pause(&audio, &quiet, at, ms);
                paused.truncate(at + (ms + 100) * 16);
                let endings = turns(config, stt, &paused);
                o.pauses += 1;
                let inside = |e: &&Ending| (e.0 as usize) <= at;
                if let Some(e) = endings.iter().find(inside) {
                    if e.1 {
                        o.cut_early += 1;
                        if ms == 300 {
                            println!("cut early: {:?} p={:?}", e.2, stt.last_p.get(&e.2));
                        }
                    } else {
                        o.cut_at_hangover += 1;
                    }
                }
            }
        }
    }
    println!(
        "{o:?}: finished sentences ended early {}/{}; pauses of 300-600 ms cut early {}/{} \
         ({:.1} %), at the hang-over {}",
        o.ended_early,
        o.finished,
        o.cut_early,
        o.pauses,
        100.0 * o.cut_early as f64 / o.pauses.max(1) as f64,
        o.cut_at_hangover
    );
    o
}

#[test]
fn end_of_turn_on_real_speech_with_pauses_put_in_at_natural_gaps() {
    let config = Config {
        assets_dir: Some(root()),
        ..Config::default()
    };
    assert!(
        config.audio.speculate_ms > 0,
        "speculation is on by default"
    );
    assert!(!config.audio.early_end, "the early end is off by default");
    let mut stt = Recogniser {
        stt: Box::new(config.load_transcriber().unwrap()),
        memo: HashMap::new(),
        last_p: HashMap::new(),
    };
    // Speculative transcripts reused at the hang-over, never an early end.
    let default = measure(&config, &mut stt);
    assert!(default.pauses >= 40, "only {} pause cases", default.pauses);
    assert_eq!(default.cut_early, 0);
    assert_eq!(default.ended_early, 0);
    assert_eq!(
        default.reused, default.finished,
        "every finished sentence was heard once"
    );
    // The experimental early end: finished sentences end early, and so do too many pauses.
    let mut early = config.clone();
    early.audio.early_end = true;
    let early = measure(&early, &mut stt);
    // Measured 2026-12-05 with tiny.en: 5 of 6 finished sentences ended early, and 88 of 184
    // pauses (47.8 %) were cut early: Whisper ends half a sentence with a full stop ("And Mr.
    // John.", "How to marry the more amiable woman."), and its confidence in that last token
    // (0.30-0.92) does not tell the two apart (0.49-0.97 on the finished ones). Hence off.
    assert!(
        early.ended_early >= 5,
        "only {} of {} finished sentences ended early",
        early.ended_early,
        early.finished
    );
    assert!(
        early.cut_early <= 88,
        "{} of {} pauses cut early",
        early.cut_early,
        early.pauses
    );
    // After words that ask for more, the turn waits longer than the hang-over: fewer pauses of
    // 500-600 ms are cut at the hang-over than a plain hang-over cuts.
    let mut plain = config.clone();
    plain.audio.speculate_ms = 0;
    let plain = measure(&plain, &mut stt);
    // Measured: 108 of 184 at the plain hang-over, 90 with the hold.
    assert_eq!(plain.cut_early, 0);
    assert_eq!(plain.reused, 0);
    assert!(
        default.cut_at_hangover <= 90 && default.cut_at_hangover < plain.cut_at_hangover,
        "{} with the hold, {} without",
        default.cut_at_hangover,
        plain.cut_at_hangover
    );
}
