//! The session's policy on virtual milliseconds: the wake gate, the follow-up window, barge-in,
//! unaddressed speech, listening time-outs and the evening offer. Real prompts, the rule-based
//! safety screen (the encoder is tested in the integration tests), no store, no devices.

use super::*;
use crate::engine::safety::SafetyEngine;
use chrono::TimeZone;

fn config() -> Config {
    Config {
        assets_dir: Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
        ..Config::default()
    }
}

/// A session whose first conversation (disclosure, consent) is behind it.
fn session_with(config: Config, now: u64) -> Session {
    let prompts = crate::daemon::load::load_prompts(&config).unwrap();
    let companion = Companion::new(&config, prompts, SafetyEngine::new(), None, None);
    let mut s = Session::new(config, companion, Modality::Voice, now);
    // Get the disclosure out of the way: a first request, played to the end.
    let out = heard(&mut s, "hey hearth, what can you do?", now);
    finish_all(&mut s, &out, now + 1);
    s
}

fn session(now: u64) -> Session {
    session_with(config(), now)
}

/// Today at `h:m` local time, in ms.
fn local(h: u32, m: u32) -> u64 {
    let today = chrono::Local::now()
        .date_naive()
        .and_hms_opt(h, m, 0)
        .unwrap();
    chrono::Local
        .from_local_datetime(&today)
        .earliest()
        .unwrap()
        .timestamp_millis() as u64
}

fn heard(s: &mut Session, text: &str, now: u64) -> Vec<Output> {
    s.handle(
        Input::Transcript {
            text: text.into(),
            stt_ms: 100.0,
            speech_end_ms: now,
        },
        now,
    )
}

fn said(out: &[Output]) -> String {
    let mut v = Vec::new();
    for o in out {
        if let Output::Play { sounds, .. } = o {
            for sound in sounds {
                if let Sound::Say(t) = sound {
                    v.push(t.clone());
                }
            }
        }
    }
    v.join(" ")
}

fn plays(out: &[Output]) -> Vec<u64> {
    out.iter()
        .filter_map(|o| match o {
            Output::Play { generation, .. } => Some(*generation),
            _ => None,
        })
        .collect()
}

/// Plays everything to its end at `at`; returns what that led to.
fn finish_all(s: &mut Session, out: &[Output], at: u64) -> Vec<Output> {
    let mut more = Vec::new();
    for g in plays(out) {
        more.extend(s.handle(
            Input::PlaybackStarted {
                generation: g,
                at_ms: at,
            },
            at,
        ));
        more.extend(s.handle(Input::PlaybackFinished { generation: g }, at));
    }
    more
}

/// `ms` of quiet room noise, then (if `loud`) speech-like sound, in 20 ms chunks.
fn audio(s: &mut Session, from: u64, ms: u64, loud: bool) -> Vec<Output> {
    let mut out = Vec::new();
    let mut seed = 7u32;
    for k in 0..ms / 20 {
        let chunk: Vec<f32> = (0..320)
            .map(|i| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 0.002;
                let t = (k * 320 + i) as f32 / 16_000.0;
                let voice = if loud {
                    0.3 * (t * 2.0 * std::f32::consts::PI * 220.0).sin()
                        * (0.6 + 0.4 * (t * 2.0 * std::f32::consts::PI * 4.0).sin())
                } else {
                    0.0
                };
                noise + voice
            })
            .collect();
        let at = from + (k + 1) * 20;
        out.extend(s.handle(
            Input::Audio {
                samples: chunk,
                captured_at_ms: at,
            },
            at,
        ));
    }
    out
}

const T0: u64 = 1_800_000_000_000;

#[test]
fn without_the_wake_phrase_ordinary_talk_is_dropped_and_with_it_answered() {
    let mut s = session(T0);
    // Long after the follow-up window.
    let t = T0 + 60_000;
    let out = heard(&mut s, "could you pass me the salt please", t);
    assert!(plays(&out).is_empty(), "{out:?}");
    assert_eq!(s.dropped_not_addressed(), 1);
    assert_eq!(s.requests_heard(), 1, "the first request, in setting up");
    let out = heard(&mut s, "Hey Hearth, let's do box breathing.", t + 1000);
    assert!(
        said(&out).to_lowercase().contains("box breathing"),
        "{out:?}"
    );
    assert_eq!(s.requests_heard(), 2);
    assert_eq!(s.status(t + 1000)["requests_heard"], 2);
    assert_eq!(
        s.engine().state_summary().flow.as_deref(),
        Some("box-breathing")
    );
}

#[test]
fn the_follow_up_window_opens_when_hearth_finishes_speaking_and_closes_after_it() {
    let follow = config().listen.follow_up_secs * 1000;
    let say = |s: &mut Session, t: u64| {
        let text = "The kettle has boiled.".to_string();
        let out = s.handle(Input::Control(Request::Say { text }), t);
        assert!(!plays(&out).is_empty());
        out
    };
    let mut s = session(T0);
    let t = T0 + 60_000;
    let out = say(&mut s, t);
    // While Hearth speaks, however long, the window has not opened: it opens at the end.
    finish_all(&mut s, &out, t + 20_000);
    let out = heard(&mut s, "what did you say", t + 20_000 + follow - 500);
    assert!(!plays(&out).is_empty(), "inside the window: answered");

    let mut s = session(T0);
    let out = say(&mut s, t);
    finish_all(&mut s, &out, t + 20_000);
    let out = heard(&mut s, "what did you say", t + 20_000 + follow + 500);
    assert!(plays(&out).is_empty(), "after the window: dropped");
    assert_eq!(s.dropped_not_addressed(), 1);
}

#[test]
fn speech_while_hearth_speaks_cuts_playback_and_a_new_generation_starts() {
    let mut s = session(T0);
    let t = T0 + 60_000;
    let out = heard(&mut s, "hey hearth, let's do box breathing", t);
    let g = plays(&out)[0];
    s.handle(
        Input::PlaybackStarted {
            generation: g,
            at_ms: t + 300,
        },
        t + 300,
    );
    assert!(s.speaking());
    // Quiet room, then someone speaks over Hearth.
    let mut out = audio(&mut s, t + 300, 3000, false);
    assert!(!out.iter().any(|o| matches!(o, Output::Cut { .. })));
    out = audio(&mut s, t + 3300, 400, true);
    let cut = out.iter().find_map(|o| match o {
        Output::Cut { generation } => Some(*generation),
        _ => None,
    });
    assert_eq!(cut, Some(g + 1), "{out:?}");
    assert!(!s.speaking());
    let status = s.status(t + 3700);
    assert_eq!(status["barge_in"]["count"], 1);
    let reaction = status["barge_in"]["reaction_ms"][0].as_f64().unwrap();
    assert!(reaction <= 200.0, "{reaction}");
    // The old generation finishing late changes nothing.
    let late = s.handle(Input::PlaybackFinished { generation: g }, t + 3800);
    assert!(late.is_empty());
}

#[test]
fn in_a_crisis_conversation_a_sound_does_not_cut_the_helpline_number() {
    let mut s = session(T0);
    let t = T0 + 60_000;
    let out = heard(&mut s, "hey hearth, I want to kill myself", t);
    assert!(s.engine().in_crisis(), "{out:?}");
    let g = *plays(&out).last().unwrap();
    s.handle(
        Input::PlaybackStarted {
            generation: g,
            at_ms: t + 300,
        },
        t + 300,
    );
    audio(&mut s, t + 300, 2000, false);
    let out = audio(&mut s, t + 2300, 400, true);
    assert!(
        !out.iter().any(|o| matches!(o, Output::Cut { .. })),
        "{out:?}"
    );
    assert!(s.speaking());
}

#[test]
fn unaddressed_danger_is_answered_but_unaddressed_sadness_is_not() {
    let mut s = session(T0);
    let t = T0 + 60_000;
    let out = heard(&mut s, "I had such a rotten day at work", t);
    assert!(plays(&out).is_empty());
    let out = heard(
        &mut s,
        "I'm going to kill myself tonight, I have the pills here",
        t + 5000,
    );
    assert!(
        !plays(&out).is_empty(),
        "first-person danger must be answered"
    );
    assert!(s.engine().in_crisis());
    // A running crisis conversation makes what follows addressed.
    let more = finish_all(&mut s, &out, t + 30_000);
    let out = heard(&mut s, "I don't know", t + 31_000);
    assert!(!plays(&out).is_empty() || !plays(&more).is_empty());
    assert_eq!(s.dropped_not_addressed(), 1);
}

#[test]
fn a_question_times_out_only_after_it_has_been_asked_and_heard() {
    let mut s = session(T0);
    let t = T0 + 60_000;
    // "log my mood" asks for a number and listens.
    let out = heard(&mut s, "hey hearth, log my mood", t);
    assert!(!plays(&out).is_empty());
    // While the question plays, the listening window has not started, however long it takes.
    let quiet = s.handle(Input::Tick, t + 120_000);
    assert!(plays(&quiet).is_empty(), "{quiet:?}");
    finish_all(&mut s, &out, t + 120_000);
    // An answer without the wake phrase inside the window is taken.
    let out = heard(&mut s, "six", t + 121_000);
    assert!(said(&out).to_lowercase().contains("feeling"), "{out:?}");
}

#[test]
fn the_evening_offer_comes_at_its_time_and_a_yes_without_the_wake_phrase_starts_it() {
    let mut c = config();
    c.schedule.evening_reflection = "21:00".into();
    let before = local(20, 50);
    let mut s = session_with(c, before);
    let at = local(21, 0);
    assert!(s.next_wakeup(at - 1000) <= at);
    assert!(plays(&s.handle(Input::Tick, at - 1000)).is_empty());
    let out = s.handle(Input::Tick, at);
    let text = said(&out);
    assert!(text.to_lowercase().contains("yes"), "the offer: {out:?}");
    assert!(
        out.iter().any(|o| matches!(o, Output::Play { sounds, .. } if sounds.iter().any(|x| matches!(x, Sound::Chime(_))))),
        "a soft chime first"
    );
    assert_eq!(s.status(at)["offered"], "evening-reflection");
    finish_all(&mut s, &out, at + 6000);
    let out = heard(&mut s, "Yes please.", at + 8000);
    // The first reflection asks about keeping its words first; "no" is answered without the
    // wake phrase too.
    assert!(
        said(&out).to_lowercase().contains("keep your words"),
        "{out:?}"
    );
    finish_all(&mut s, &out, at + 20_000);
    let out = heard(&mut s, "No.", at + 22_000);
    assert_eq!(
        s.engine().state_summary().flow.as_deref(),
        Some("evening-reflection"),
        "{out:?}"
    );
    // Asked once a day: the next one is tomorrow.
    assert!(s.next_offer_ms.unwrap() >= at + 23 * 3_600_000);
}

#[test]
fn a_declined_or_unanswered_evening_offer_is_let_go() {
    let mut c = config();
    c.schedule.evening_reflection = "21:00".into();
    let at = local(21, 0);
    let mut s = session_with(c.clone(), local(20, 50));
    let out = s.handle(Input::Tick, at);
    finish_all(&mut s, &out, at + 6000);
    let out = heard(&mut s, "no thanks", at + 8000);
    assert!(!said(&out).is_empty(), "a short acknowledgement");
    assert!(s.engine().state_summary().flow.is_none());
    assert!(s.status(at + 9000)["offered"].is_null());

    let mut s = session_with(c, local(20, 50));
    let out = s.handle(Input::Tick, at);
    finish_all(&mut s, &out, at + 6000);
    // Silence: the question times out without a word more, and nothing is pending.
    let later = s.handle(Input::Tick, at + 6000 + 16_000);
    assert!(plays(&later).is_empty(), "{later:?}");
    assert!(s.status(at + 30_000)["offered"].is_null());
    let out = heard(&mut s, "yes", at + 60_000);
    assert!(plays(&out).is_empty(), "a late yes is not for Hearth");
}

#[test]
fn the_evening_offer_waits_for_quiet() {
    let mut c = config();
    c.schedule.evening_reflection = "21:00".into();
    let at = local(21, 0);
    let mut s = session_with(c, local(20, 50));
    let out = heard(&mut s, "hey hearth, let's do box breathing", at - 2000);
    assert!(!plays(&out).is_empty());
    let out = s.handle(Input::Tick, at);
    assert!(!said(&out).to_lowercase().contains("reflection"), "{out:?}");
    assert_eq!(
        s.engine().state_summary().flow.as_deref(),
        Some("box-breathing")
    );
}

fn speculation(out: &[Output]) -> Option<u64> {
    out.iter().find_map(|o| match o {
        Output::Speculate { id, .. } => Some(*id),
        _ => None,
    })
}

#[test]
fn a_finished_sentence_is_answered_at_a_short_pause_from_its_speculative_transcript() {
    let mut c = config();
    c.audio.speculate_ms = 200;
    c.audio.early_end = true;
    let mut s = session_with(c, T0);
    let t = T0 + 60_000;
    audio(&mut s, t, 2000, false);
    audio(&mut s, t + 2000, 1500, true);
    let out = audio(&mut s, t + 3500, 240, false);
    let id = speculation(&out).expect("a speculative transcript at the pause");
    assert!(!out.iter().any(|o| matches!(o, Output::Transcribe { .. })));
    let at = t + 3500 + 300;
    let text = "Hey Hearth, let's do box breathing.".to_string();
    let out = s.handle(
        Input::Speculation {
            id,
            text,
            stt_ms: 60.0,
        },
        at,
    );
    assert!(
        said(&out).to_lowercase().contains("box breathing"),
        "{out:?}"
    );
    // The latency runs from the end of the speech, not from the decision.
    let g = plays(&out)[0];
    s.handle(
        Input::PlaybackStarted {
            generation: g,
            at_ms: at + 100,
        },
        at + 100,
    );
    let status = s.status(at + 100);
    let ms = status["latency_ms"]["all"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    let ms = ms.as_f64().unwrap();
    // Speech ended at +3500 (frame resolution), the first audio came at +3900.
    assert!((380.0..=420.0).contains(&ms), "{ms}");
    assert_eq!(status["turns"]["early_ends"], 1);
    // Nothing is transcribed again at the hang-over.
    let out = audio(&mut s, at, 800, false);
    assert!(!out.iter().any(|o| matches!(o, Output::Transcribe { .. })));
}

#[test]
fn an_unfinished_sentence_waits_and_its_speculative_transcript_is_reused() {
    let mut c = config();
    c.audio.speculate_ms = 200;
    let mut s = session_with(c, T0);
    let t = T0 + 60_000;
    audio(&mut s, t, 2000, false);
    audio(&mut s, t + 2000, 1500, true);
    let id = speculation(&audio(&mut s, t + 3500, 240, false)).unwrap();
    let text = "Hey Hearth, I went for a walk and".to_string();
    let out = s.handle(
        Input::Speculation {
            id,
            text,
            stt_ms: 60.0,
        },
        t + 3800,
    );
    assert!(plays(&out).is_empty(), "{out:?}");
    // Past the hang-over, still waiting after "and".
    let out = audio(&mut s, t + 3740, 600, false);
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(s.requests_heard(), 1);
    // At the longer hold the turn ends with the words already heard: nothing to transcribe.
    let out = audio(&mut s, t + 4340, 600, false);
    assert!(!out.iter().any(|o| matches!(o, Output::Transcribe { .. })));
    assert_eq!(s.requests_heard(), 2);
    assert_eq!(s.status(t + 5000)["turns"]["reused"], 1);
}
