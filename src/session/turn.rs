//! The end of a turn: when the person has finished speaking, sooner than a fixed hang-over.
//!
//! [`TurnTaker`] wraps the [`Endpointer`]. When the endpointer reports a short pause inside an
//! utterance ([`Endpoint::Pause`], `audio.speculate_ms` of non-speech), the turn taker asks for
//! a *speculative* transcript of the audio so far ([`Turn::Speculate`]). What comes back
//! ([`TurnTaker::speculated`]) is thrown away if the person has spoken again since; otherwise it
//! is read for completeness ([`completeness`]):
//!
//! - **finished** (ends in `.`, `?` or `!`, not in a word that asks for more): with
//!   [`TurnPolicy::early_end`] the turn ends now, and the speculative transcript *is* the
//!   transcript ([`Turn::Heard`]); without it, as open;
//! - **continuing** (ends in a comma, `...`, "and", "but", "because", "um", "the", ...): the
//!   silence may last up to [`TurnPolicy::hold_ms`] before the turn ends;
//! - **open** (no end punctuation, or just the wake phrase): the ordinary hang-over.
//!
//! When the turn ends at the hang-over in the silence of the speculated pause, the audio holds
//! the same speech, and the speculative transcript is reused (waiting for it if it is still being
//! made). Pure: no clock, no thread; the session feeds it audio and transcripts.

use crate::audio::vad::{Endpoint, Endpointer, VadConfig};

/// How the end of a turn is decided.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnPolicy {
    /// Non-speech after which a speculative transcript is made (ms); 0: never (every turn is
    /// transcribed when it ends at the hang-over).
    pub speculate_ms: u32,
    /// End the turn at the pause when the speculative transcript sounds finished; otherwise a
    /// finished transcript only waits for the hang-over, like an open one.
    pub early_end: bool,
    /// The longest silence after a transcript that asks for more ("... and", "um,") (ms).
    pub hold_ms: u32,
    /// A transcript that is only this phrase waits for the hang-over: people pause after it.
    pub wake_phrase: String,
}

/// How finished a transcript sounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    /// A sentence end (`.`, `?`, `!`) after a word that can end one.
    Finished,
    /// Neither finished nor asking for more: wait for the ordinary hang-over.
    Open,
    /// Ends in a comma, a dash, "..." or a word that needs more after it.
    Continuing,
}

/// Words after which a sentence almost never ends: conjunctions, fillers, articles and
/// possessives. Whisper often puts a full stop after them all the same when the audio stops
/// there. After one of these the turn may wait past the hang-over.
const CONTINUERS: &[&str] = &[
    "and", "but", "or", "nor", "because", "cause", "cuz", "although", "though", "unless",
    "whereas", "if", "um", "umm", "uh", "uhm", "er", "erm", "hmm", "mm", "the", "a", "an", "my",
    "your", "his", "our", "their", "its", "i", "i'm", "we", "they", "she", "he", "to", "of",
    "with", "from", "into", "onto", "let's", "than", "which", "whose", "every", "each",
];

/// Words a sentence can end in but a clause more often does ("so", "then", "like", prepositions):
/// no early end after them, only the ordinary hang-over.
const UNSURE: &[&str] = &[
    "so",
    "then",
    "like",
    "as",
    "that",
    "this",
    "when",
    "while",
    "since",
    "until",
    "where",
    "who",
    "in",
    "on",
    "at",
    "for",
    "by",
    "about",
    "after",
    "before",
    "through",
    "without",
    "between",
    "against",
    "under",
    "over",
    "just",
    "very",
    "also",
    "well",
    "actually",
    "basically",
    "kind",
    "sort",
    "some",
    "any",
    "is",
    "are",
    "was",
    "were",
    "am",
    "be",
    "been",
    "have",
    "has",
    "had",
    "not",
    "it's",
];

/// How finished `text` (one speculative transcript) sounds; see [`Completeness`].
pub fn completeness(text: &str, wake_phrase: &str) -> Completeness {
    let text = text
        .trim()
        .trim_end_matches(['"', '\'', ')', ']', '”', '’']);
    if text.is_empty() {
        return Completeness::Open;
    }
    if text.ends_with("...") || text.ends_with('…') {
        return Completeness::Continuing;
    }
    let Some(last_char) = text.chars().last() else {
        return Completeness::Open;
    };
    if matches!(last_char, ',' | ';' | ':' | '-' | '–' | '—') {
        return Completeness::Continuing;
    }
    let last_word = text
        .split_whitespace()
        .last()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
        .to_lowercase()
        .replace('’', "'");
    if CONTINUERS.contains(&last_word.as_str()) {
        return Completeness::Continuing;
    }
    if UNSURE.contains(&last_word.as_str()) {
        return Completeness::Open;
    }
    // Just the wake phrase ("Hey Hearth."): the request usually follows a breath later.
    if super::wake::strip_wake_phrase(text, wake_phrase).is_some_and(|rest| rest.trim().is_empty())
    {
        return Completeness::Open;
    }
    if matches!(last_char, '.' | '?' | '!') {
        Completeness::Finished
    } else {
        Completeness::Open
    }
}

/// What the turn taker noticed.
#[derive(Debug, PartialEq)]
pub enum Turn {
    /// Speech began at this sample (stream position): barge-in reacts to it.
    SpeechStart { at: u64 },
    /// Transcribe these samples speculatively and answer with [`TurnTaker::speculated`].
    Speculate {
        id: u64,
        samples: Vec<f32>,
        start: u64,
        end: u64,
    },
    /// An utterance to transcribe. Positions are stream samples; `speech_end` is where the
    /// person stopped speaking.
    Utterance {
        samples: Vec<f32>,
        start: u64,
        end: u64,
        speech_end: u64,
    },
    /// An utterance whose words are already known: the speculative transcript of the same
    /// speech. `early`: it ended before the hang-over because the words sounded finished.
    Heard {
        text: String,
        stt_ms: f64,
        start: u64,
        end: u64,
        speech_end: u64,
        early: bool,
    },
}

/// An utterance that ended at the hang-over while its speculative transcript was still being
/// made.
#[derive(Debug)]
struct Awaiting {
    id: u64,
    start: u64,
    end: u64,
    speech_end: u64,
}

/// The endpointer and the speculative transcripts; see the module documentation.
#[derive(Debug)]
pub struct TurnTaker {
    endpointer: Endpointer,
    policy: TurnPolicy,
    /// Speculations asked for and not yet answered.
    in_flight: Vec<u64>,
    /// The answered speculation of the pause the person is silent in.
    heard: Option<(u64, String, f64)>,
    /// Turns that ended while their speculative transcript was still being made, oldest first
    /// (several when the recogniser falls behind).
    awaiting: Vec<Awaiting>,
}

impl TurnTaker {
    pub fn new(vad: VadConfig, policy: TurnPolicy) -> Self {
        let vad = VadConfig {
            pause_ms: policy.speculate_ms,
            ..vad
        };
        Self {
            endpointer: Endpointer::new(vad),
            policy,
            in_flight: Vec::new(),
            heard: None,
            awaiting: Vec::new(),
        }
    }

    pub fn noise_floor_db(&self) -> f32 {
        self.endpointer.noise_floor_db()
    }

    pub fn set_boost_db(&mut self, db: f32) {
        self.endpointer.set_boost_db(db);
    }

    /// True while the person is speaking, or their finished turn waits for its transcript.
    pub fn in_speech(&self) -> bool {
        self.endpointer.in_speech() || !self.awaiting.is_empty()
    }

    /// Feeds microphone audio.
    pub fn push(&mut self, audio: &[f32]) -> Vec<Turn> {
        let endpoints = self.endpointer.push(audio);
        let mut out = Vec::new();
        for ep in endpoints {
            self.endpoint(ep, &mut out);
        }
        out
    }

    /// The answer to [`Turn::Speculate`] `id`.
    pub fn speculated(&mut self, id: u64, text: String, stt_ms: f64) -> Vec<Turn> {
        let mut text = zeroize::Zeroizing::new(text);
        self.in_flight.retain(|&i| i != id);
        if let Some(i) = self.awaiting.iter().position(|a| a.id == id) {
            let a = self.awaiting.remove(i);
            return vec![Turn::Heard {
                text: std::mem::take(&mut *text),
                stt_ms,
                start: a.start,
                end: a.end,
                speech_end: a.speech_end,
                early: false,
            }];
        }
        if self.endpointer.pause_in_progress() != Some(id) {
            // The person spoke again: the words so far are not the turn.
            return Vec::new();
        }
        match completeness(&text, &self.policy.wake_phrase) {
            Completeness::Finished if self.policy.early_end => {
                let Some(Endpoint::Utterance {
                    start,
                    end,
                    speech_end,
                    mut samples,
                    ..
                }) = self.endpointer.end_now(id)
                else {
                    return Vec::new();
                };
                zeroize::Zeroize::zeroize(&mut samples);
                self.heard = None;
                vec![Turn::Heard {
                    text: std::mem::take(&mut *text),
                    stt_ms,
                    start,
                    end,
                    speech_end,
                    early: true,
                }]
            }
            Completeness::Continuing => {
                self.endpointer.extend_hangover(id, self.policy.hold_ms);
                self.heard = Some((id, std::mem::take(&mut *text), stt_ms));
                Vec::new()
            }
            Completeness::Open | Completeness::Finished => {
                self.heard = Some((id, std::mem::take(&mut *text), stt_ms));
                Vec::new()
            }
        }
    }

    /// Forgets the turn in progress and what was speculated (a device reopened). Pause ids go
    /// on from where they were, so a late answer to an old speculation matches nothing.
    pub fn reset(&mut self, vad: VadConfig, policy: TurnPolicy) {
        let next = self.endpointer.next_pause_id();
        let mut fresh = Self::new(vad, policy);
        fresh.endpointer = fresh.endpointer.with_pause_ids_from(next);
        *self = fresh;
    }

    fn endpoint(&mut self, ep: Endpoint, out: &mut Vec<Turn>) {
        match ep {
            Endpoint::SpeechStart { at } => out.push(Turn::SpeechStart { at }),
            Endpoint::Pause {
                id,
                start,
                end,
                samples,
            } => {
                self.heard = None;
                self.in_flight.push(id);
                out.push(Turn::Speculate {
                    id,
                    samples,
                    start,
                    end,
                });
            }
            Endpoint::Utterance {
                start,
                end,
                speech_end,
                pause,
                mut samples,
            } => {
                let heard = self.heard.take();
                match pause {
                    Some(id) if heard.as_ref().is_some_and(|h| h.0 == id) => {
                        zeroize::Zeroize::zeroize(&mut samples);
                        let (_, text, stt_ms) = heard.unwrap_or_default();
                        out.push(Turn::Heard {
                            text,
                            stt_ms,
                            start,
                            end,
                            speech_end,
                            early: false,
                        });
                    }
                    Some(id) if self.in_flight.contains(&id) => {
                        zeroize::Zeroize::zeroize(&mut samples);
                        self.awaiting.push(Awaiting {
                            id,
                            start,
                            end,
                            speech_end,
                        });
                    }
                    _ => out.push(Turn::Utterance {
                        samples,
                        start,
                        end,
                        speech_end,
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::vad::FRAME;

    fn policy(speculate_ms: u32) -> TurnPolicy {
        TurnPolicy {
            speculate_ms,
            early_end: true,
            hold_ms: 1000,
            wake_phrase: "hey hearth".into(),
        }
    }

    /// `ms` of a loud tone ("speech").
    fn speech(ms: u32) -> Vec<f32> {
        (0..ms as usize * 16)
            .map(|i| 0.3 * (2.0 * std::f32::consts::PI * 200.0 * i as f32 / 16_000.0).sin())
            .collect()
    }

    /// `ms` of faint noise.
    fn quiet(ms: u32) -> Vec<f32> {
        let mut seed = 7u32;
        (0..ms as usize * 16)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 0.002
            })
            .collect()
    }

    /// Feeds `audio` in 20 ms chunks; returns every turn event with the sample it came at.
    fn feed(t: &mut TurnTaker, audio: &[f32]) -> Vec<Turn> {
        audio.chunks(FRAME).flat_map(|c| t.push(c)).collect()
    }

    fn speculation(turns: &[Turn]) -> Option<u64> {
        turns.iter().find_map(|t| match t {
            Turn::Speculate { id, .. } => Some(*id),
            _ => None,
        })
    }

    fn taker(speculate_ms: u32) -> TurnTaker {
        let vad = VadConfig {
            hangover_ms: 500,
            ..VadConfig::default()
        };
        let mut t = TurnTaker::new(vad, policy(speculate_ms));
        feed(&mut t, &quiet(1000));
        t
    }

    #[test]
    fn completeness_reads_the_end_of_the_words() {
        use Completeness::*;
        let c = |t: &str| completeness(t, "hey hearth");
        assert_eq!(c("I had a good day."), Finished);
        assert_eq!(c("Can we do box breathing?"), Finished);
        assert_eq!(c("Stop!"), Finished);
        assert_eq!(c("\"Thank you.\""), Finished);
        assert_eq!(c("I had a good day,"), Continuing);
        assert_eq!(c("I went out and"), Continuing);
        assert_eq!(c("I went out and."), Continuing);
        assert_eq!(c("It was hard because."), Continuing);
        assert_eq!(c("Well, um."), Continuing);
        assert_eq!(c("I think that..."), Continuing);
        assert_eq!(c("I talked to my."), Continuing);
        assert_eq!(c("I think so."), Open);
        assert_eq!(c("It was about."), Open);
        assert_eq!(c("No."), Finished);
        assert_eq!(c("Thank you."), Finished);
        assert_eq!(c("I don't know."), Finished);
        assert_eq!(c("I'm feeling a bit tired"), Open);
        assert_eq!(c(""), Open);
        assert_eq!(c("Hey Hearth."), Open);
        assert_eq!(c("Hey, Hearth!"), Open);
        assert_eq!(c("Hey Hearth, what can you do?"), Finished);
    }

    #[test]
    fn a_finished_sentence_ends_the_turn_at_the_pause_with_its_speculative_words() {
        let mut t = taker(200);
        let mut turns = feed(&mut t, &speech(1200));
        assert!(matches!(turns[0], Turn::SpeechStart { .. }), "{turns:?}");
        turns = feed(&mut t, &quiet(220));
        let id = speculation(&turns).expect("a speculation at the pause");
        let turns = t.speculated(id, "I had a good day.".into(), 80.0);
        match &turns[..] {
            [Turn::Heard {
                text,
                early: true,
                speech_end,
                ..
            }] => {
                assert_eq!(text, "I had a good day.");
                // Speech ended 1.2 s after the 1 s of quiet (frame resolution).
                assert!((*speech_end as i64 - 2200 * 16).abs() <= 2 * FRAME as i64);
            }
            other => panic!("{other:?}"),
        }
        assert!(!t.in_speech());
        // Nothing more comes at the hang-over.
        assert!(feed(&mut t, &quiet(800)).is_empty());
    }

    #[test]
    fn speech_after_the_pause_throws_the_speculation_away() {
        let mut t = taker(200);
        feed(&mut t, &speech(800));
        let id = speculation(&feed(&mut t, &quiet(300))).unwrap();
        feed(&mut t, &speech(700));
        // The answer comes after the person went on: it is not the turn.
        assert!(t
            .speculated(id, "I went to the shop.".into(), 80.0)
            .is_empty());
        assert!(t.in_speech());
        let mut turns = feed(&mut t, &quiet(220));
        let id2 = speculation(&turns).unwrap();
        assert_ne!(id, id2);
        // The whole sentence: finished.
        turns = t.speculated(id2, "I went to the shop, and bought bread.".into(), 90.0);
        assert!(matches!(&turns[..], [Turn::Heard { early: true, .. }]));
    }

    #[test]
    fn an_open_transcript_waits_for_the_hang_over_and_is_reused() {
        let mut t = taker(200);
        feed(&mut t, &speech(1000));
        let id = speculation(&feed(&mut t, &quiet(220))).unwrap();
        assert!(t
            .speculated(id, "I'm feeling a bit tired".into(), 70.0)
            .is_empty());
        assert!(t.in_speech());
        let turns = feed(&mut t, &quiet(400));
        match &turns[..] {
            [Turn::Heard {
                text, early: false, ..
            }] => assert_eq!(text, "I'm feeling a bit tired"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_trailing_conjunction_holds_the_turn_longer_than_the_hang_over() {
        let mut t = taker(200);
        feed(&mut t, &speech(1000));
        let id = speculation(&feed(&mut t, &quiet(220))).unwrap();
        assert!(t.speculated(id, "I went out and".into(), 70.0).is_empty());
        // Past the 500 ms hang-over: still the same turn.
        assert!(feed(&mut t, &quiet(600)).is_empty());
        assert!(t.in_speech());
        // At the 1 s hold it ends, with the speculative words.
        let turns = feed(&mut t, &quiet(400));
        assert!(
            matches!(&turns[..], [Turn::Heard { early: false, .. }]),
            "{turns:?}"
        );
    }

    #[test]
    fn a_late_speculation_is_awaited_instead_of_transcribing_again() {
        let mut t = taker(200);
        feed(&mut t, &speech(1000));
        let id = speculation(&feed(&mut t, &quiet(220))).unwrap();
        // The recogniser is slow: the hang-over passes first.
        assert!(feed(&mut t, &quiet(400)).is_empty());
        assert!(t.in_speech(), "the turn waits for its words");
        let turns = t.speculated(id, "I'm feeling a bit tired".into(), 700.0);
        assert!(matches!(&turns[..], [Turn::Heard { early: false, .. }]));
        assert!(!t.in_speech());
    }

    #[test]
    fn two_turns_waiting_for_a_slow_recogniser_are_both_heard() {
        let mut t = taker(200);
        feed(&mut t, &speech(1000));
        let first = speculation(&feed(&mut t, &quiet(220))).unwrap();
        feed(&mut t, &quiet(400));
        feed(&mut t, &speech(1000));
        let second = speculation(&feed(&mut t, &quiet(220))).unwrap();
        feed(&mut t, &quiet(400));
        let a = t.speculated(first, "I had a good day".into(), 900.0);
        assert!(matches!(&a[..], [Turn::Heard { .. }]), "{a:?}");
        assert!(t.in_speech(), "the second turn still waits for its words");
        let b = t.speculated(second, "and then I slept".into(), 900.0);
        assert!(matches!(&b[..], [Turn::Heard { .. }]), "{b:?}");
        assert!(!t.in_speech());
    }

    #[test]
    fn the_wake_phrase_alone_waits_for_the_request() {
        let mut t = taker(200);
        feed(&mut t, &speech(700));
        let id = speculation(&feed(&mut t, &quiet(220))).unwrap();
        assert!(t.speculated(id, "Hey Hearth.".into(), 60.0).is_empty());
        // The request follows 300 ms later: one turn.
        feed(&mut t, &speech(1000));
        let id2 = speculation(&feed(&mut t, &quiet(220))).unwrap();
        let turns = t.speculated(id2, "Hey Hearth, let's do box breathing.".into(), 90.0);
        assert!(matches!(&turns[..], [Turn::Heard { early: true, .. }]));
    }

    #[test]
    fn after_a_reset_an_old_speculation_matches_nothing() {
        let mut t = taker(200);
        feed(&mut t, &speech(1000));
        let old = speculation(&feed(&mut t, &quiet(220))).unwrap();
        t.reset(VadConfig::default(), policy(200));
        feed(&mut t, &quiet(1000));
        feed(&mut t, &speech(1000));
        let new = speculation(&feed(&mut t, &quiet(220))).unwrap();
        assert_ne!(old, new);
        assert!(t
            .speculated(old, "I had a good day.".into(), 50.0)
            .is_empty());
        assert!(t.in_speech());
    }

    #[test]
    fn without_early_end_a_finished_sentence_waits_for_the_hang_over_and_is_reused() {
        let vad = VadConfig {
            hangover_ms: 500,
            ..VadConfig::default()
        };
        let mut t = TurnTaker::new(
            vad,
            TurnPolicy {
                early_end: false,
                ..policy(200)
            },
        );
        feed(&mut t, &quiet(1000));
        feed(&mut t, &speech(1000));
        let id = speculation(&feed(&mut t, &quiet(220))).unwrap();
        assert!(t
            .speculated(id, "I had a good day.".into(), 70.0)
            .is_empty());
        let turns = feed(&mut t, &quiet(400));
        assert!(
            matches!(&turns[..], [Turn::Heard { early: false, .. }]),
            "{turns:?}"
        );
    }

    #[test]
    fn switched_off_every_turn_is_transcribed_at_the_hang_over() {
        let mut t = taker(0);
        feed(&mut t, &speech(1000));
        let turns = feed(&mut t, &quiet(600));
        assert!(matches!(&turns[..], [Turn::Utterance { .. }]), "{turns:?}");
    }
}
