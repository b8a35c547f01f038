//! Engine-level tests: every flow on the virtual clock, exact breathing timelines, global
//! commands at every step, the safety hand-over at every step, consent, disclosure and variety.

use super::engine::{Action, Engine, EngineConfig, EngineMemory, Event, ForgetScope, MoodTrend};
use super::plan::SafetyPlan;
use super::prompts::{Body, ChimeKind, Expect, Prompts, Purpose};
use super::rehearsal::canned_answer;
use super::simulate::{dry_engine, run_dry, run_dry_with, simulate, Timeline};
use super::text::DAY_MS;
use crate::engine::safety::{SafetyAction, SafetyEngine};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// 2025-01-15 20:00 UTC, a Wednesday evening.
const T0: u64 = 1_736_971_200_000;
const CRISIS: &str = "I want to kill myself";

fn prompts() -> Arc<Prompts> {
    static P: OnceLock<Arc<Prompts>> = OnceLock::new();
    P.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prompts");
        match Prompts::from_sources(&super::prompts::PromptSources::read_for_test(&dir)) {
            Ok(p) => Arc::new(p),
            Err(errors) => panic!("shipped prompts fail to load: {errors:#?}"),
        }
    })
    .clone()
}

fn all_flows() -> Vec<String> {
    prompts()
        .flow_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// The US crisis line as the crisis scripts say it (digits, or spelled out for speech).
fn mentions_helpline(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("988") || t.contains("nine eight eight") || t.contains("nine-eight-eight")
}

fn says(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Say { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn ended(t: &Timeline) -> Option<bool> {
    t.entries.iter().rev().find_map(|e| match &e.action {
        Action::FlowEnded { completed, .. } => Some(*completed),
        _ => None,
    })
}

fn engine_with(memory: EngineMemory) -> Engine {
    Engine::new(
        prompts(),
        SafetyEngine::new(),
        EngineConfig::default(),
        memory,
    )
}

/// An engine that has already met the person (disclosed, consent asked).
fn known_engine() -> Engine {
    dry_engine(prompts(), T0)
}

/// Cue times and texts of a breathing timeline.
fn cues(t: &Timeline) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut started = false;
    for e in &t.entries {
        match &e.action {
            Action::Chime {
                kind: ChimeKind::End,
            } => break,
            Action::Say { text } if started => out.push((e.t, text.clone())),
            Action::Say { .. } => started = true, // the introduction
            _ => {}
        }
    }
    out
}

// ----- every flow runs to completion -------------------------------------------------------

#[test]
fn every_flow_runs_to_completion_with_answers() {
    for name in all_flows() {
        let t = run_dry(prompts(), &name, None, None, T0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ended(&t),
            Some(true),
            "{name} did not complete:\n{}",
            t.to_json_lines()
        );
        assert!(
            matches!(
                t.entries.first().map(|e| &e.action),
                Some(Action::FlowStarted { .. })
            ),
            "{name}"
        );
        assert!(t.said().len() >= 3, "{name} said too little");
        // Time only moves forward.
        assert!(
            t.entries.windows(2).all(|w| w[0].t <= w[1].t),
            "{name}: time went backwards"
        );
    }
}

#[test]
fn every_flow_ends_when_the_person_stays_silent() {
    for name in all_flows() {
        let t = run_dry_with(prompts(), &name, None, None, T0, &mut |_| None)
            .unwrap_or_else(|e| panic!("{e}"));
        let done = ended(&t);
        assert!(
            done.is_some(),
            "{name} never ended in silence:\n{}",
            t.to_json_lines()
        );
        let purpose = prompts().flow(&name).map(|f| f.purpose);
        // Without answers nothing can be logged for a mood or saved for a plan.
        let want = !matches!(purpose, Some(Purpose::Mood) | Some(Purpose::SafetyPlan));
        assert_eq!(done, Some(want), "{name}");
        let gentle = t
            .said()
            .iter()
            .filter(|s| {
                [
                    "Take your time.",
                    "There's no rush.",
                    "Whenever you're ready.",
                ]
                .contains(s)
            })
            .count();
        if matches!(prompts().flow(&name).map(|f| &f.body), Some(Body::Steps(_))) {
            assert!(gentle >= 1, "{name}: no gentle time-out");
        }
    }
}

#[test]
fn dry_run_rejects_unknown_flows() {
    let err = run_dry(prompts(), "juggling", None, None, T0)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("juggling") && err.contains("box-breathing"),
        "{err}"
    );
}

// ----- breathing timelines -------------------------------------------------------------------

#[test]
fn box_breathing_four_cycles_is_exact() {
    let t =
        run_dry(prompts(), "box-breathing", Some(4), None, T0).unwrap_or_else(|e| panic!("{e}"));
    let c = cues(&t);
    assert_eq!(c.len(), 16, "{}", t.to_json_lines());
    let texts: Vec<&str> = c.iter().map(|(_, s)| s.as_str()).collect();
    for cycle in texts.chunks(4) {
        assert_eq!(cycle, ["Breathe in", "Hold", "Breathe out", "Hold"]);
    }
    for w in c.windows(2) {
        let gap = w[1].0 - w[0].0;
        assert!(gap.abs_diff(4000) <= 50, "cue gap {gap} ms");
        assert_eq!(gap, 4000);
    }
    let end = t
        .entries
        .iter()
        .find(|e| {
            matches!(
                e.action,
                Action::Chime {
                    kind: ChimeKind::End
                }
            )
        })
        .map(|e| e.t);
    assert_eq!(
        end,
        Some(c[0].0 + 64_000),
        "guidance must last exactly 64 s"
    );
    // Chimes sound with their cues.
    let chimes: Vec<(u64, ChimeKind)> = t
        .entries
        .iter()
        .filter_map(|e| match e.action {
            Action::Chime { kind } if kind != ChimeKind::End => Some((e.t, kind)),
            _ => None,
        })
        .collect();
    assert_eq!(chimes.len(), 16);
    assert!(chimes.iter().zip(&c).all(|((ct, _), (st, _))| ct == st));
    assert_eq!(chimes[0].1, ChimeKind::Inhale);
    assert_eq!(chimes[2].1, ChimeKind::Exhale);
    // Introduction, then a calm lead-in before the first cue; the closing comes after the end.
    assert!(c[0].0 > 5_000, "the introduction is spoken first");
    let closing = t
        .entries
        .iter()
        .rev()
        .find(|e| matches!(e.action, Action::Say { .. }))
        .map(|e| e.t);
    assert_eq!(closing, end);
}

fn check_pattern(
    name: &str,
    cycles: Option<u32>,
    minutes: Option<f32>,
    phases_ms: &[u64],
    want_cycles: usize,
) {
    let t = run_dry(prompts(), name, cycles, minutes, T0).unwrap_or_else(|e| panic!("{e}"));
    let c = cues(&t);
    assert_eq!(
        c.len(),
        phases_ms.len() * want_cycles,
        "{name}:\n{}",
        t.to_json_lines()
    );
    for (i, w) in c.windows(2).enumerate() {
        assert_eq!(
            w[1].0 - w[0].0,
            phases_ms[i % phases_ms.len()],
            "{name}: gap after cue {i}"
        );
    }
    let end = t
        .entries
        .iter()
        .find(|e| {
            matches!(
                e.action,
                Action::Chime {
                    kind: ChimeKind::End
                }
            )
        })
        .map(|e| e.t);
    let cycle: u64 = phases_ms.iter().sum();
    assert_eq!(
        end,
        Some(c[0].0 + cycle * want_cycles as u64),
        "{name}: total guidance time"
    );
}

#[test]
fn four_seven_eight_timeline() {
    check_pattern("breathing-478", Some(4), None, &[4000, 7000, 8000], 4);
    let t =
        run_dry(prompts(), "breathing-478", Some(2), None, T0).unwrap_or_else(|e| panic!("{e}"));
    let texts: Vec<String> = cues(&t).into_iter().map(|(_, s)| s).collect();
    assert_eq!(texts[0], "Breathe in through your nose");
    assert_eq!(texts[3], "Breathe in", "later rounds use the short cue");
}

#[test]
fn cyclic_sighing_timeline() {
    check_pattern("cyclic-sighing", None, None, &[3000, 1500, 6000], 12);
    // By minutes: 2 minutes of 10.5 s cycles is 12 cycles (rounded up).
    check_pattern("cyclic-sighing", None, Some(2.0), &[3000, 1500, 6000], 12);
}

#[test]
fn resonance_breathing_timeline() {
    check_pattern("resonance-breathing", None, Some(5.0), &[5500, 5500], 28);
    check_pattern("resonance-breathing", Some(3), Some(5.0), &[5500, 5500], 3);
}

#[test]
fn box_breathing_by_minutes() {
    check_pattern("box-breathing", None, Some(1.0), &[4000; 4], 4);
    check_pattern("box-breathing", None, Some(1.1), &[4000; 4], 5);
}

#[test]
fn muscle_relaxation_timeline() {
    let flow = prompts().flow("muscle-relaxation").cloned();
    let Some(Body::Cues { cues: steps, .. }) = flow.map(|f| f.body) else {
        panic!("muscle relaxation is timed")
    };
    let ms: Vec<u64> = steps.iter().map(|c| c.ms).collect();
    check_pattern("muscle-relaxation", None, None, &ms, 1);
}

#[test]
fn late_timers_do_not_drift() {
    let mut e = known_engine();
    let mut now = T0;
    e.handle(
        Event::StartFlow {
            name: "box-breathing".into(),
            cycles: Some(2),
            minutes: None,
        },
        now,
    );
    now += 9_000;
    e.handle(Event::SpeechFinished, now);
    let first = e.next_deadline().unwrap_or_default();
    let mut cue_deadlines = Vec::new();
    for _ in 0..8 {
        let Some(d) = e.next_deadline() else { break };
        cue_deadlines.push(d);
        now = d + 37; // the shell is always a little late
        e.handle(Event::Timer, now);
    }
    let want: Vec<u64> = (0..8).map(|i| first + i * 4000).collect();
    assert_eq!(cue_deadlines, want);
    // A timer far too early does nothing.
    let d = e.next_deadline().unwrap_or_default();
    assert!(e.handle(Event::Timer, d - 1000).is_empty());
}

#[test]
fn slower_and_faster_change_the_pace() {
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "box-breathing".into(),
            cycles: Some(4),
            minutes: None,
        },
        T0,
    );
    e.handle(Event::SpeechFinished, T0 + 9_000);
    let mut now = e.next_deadline().unwrap_or_default();
    e.handle(Event::Timer, now); // "Breathe in"
    let out = e.handle(
        Event::Utterance {
            text: "slower please".into(),
        },
        now + 500,
    );
    assert!(
        out.iter()
            .any(|a| matches!(a, Action::Pace { factor } if (*factor - 1.25).abs() < 1e-6)),
        "{out:?}"
    );
    // The cue already scheduled keeps its time; the ones after it stretch to 5 s.
    now = e.next_deadline().unwrap_or_default();
    e.handle(Event::Timer, now);
    assert_eq!(e.next_deadline(), Some(now + 5000));
    e.handle(
        Event::Utterance {
            text: "faster".into(),
        },
        now + 100,
    );
    e.handle(
        Event::Utterance {
            text: "faster".into(),
        },
        now + 200,
    );
    now = e.next_deadline().unwrap_or_default();
    e.handle(Event::Timer, now);
    assert_eq!(
        e.next_deadline(),
        Some(now + 3200),
        "1.25 × 0.8 × 0.8 = 0.8"
    );
}

// ----- stop, pause, resume, skip, repeat -------------------------------------------------------

/// Number of `Say`s in a full run of a flow with canned answers, up to its end.
fn says_in_run(name: &str) -> usize {
    run_dry(prompts(), name, Some(2), None, T0)
        .map(|t| t.said().len())
        .unwrap_or(0)
}

#[test]
fn stop_at_every_step_ends_cleanly() {
    for name in all_flows() {
        let n_says = says_in_run(&name);
        for n in 1..n_says {
            let mut e = known_engine();
            let first = Event::StartFlow {
                name: name.clone(),
                cycles: Some(2),
                minutes: None,
            };
            let t = simulate(&mut e, first, T0, &mut canned_answer, Some((n, "stop")));
            if ended(&t) == Some(true) {
                continue; // the n-th Say was the closing itself
            }
            assert_eq!(
                ended(&t),
                Some(false),
                "{name}: stop after say {n}:\n{}",
                t.to_json_lines()
            );
            let last_says = t.said();
            let last = last_says.last().copied().unwrap_or_default();
            assert!(
                [
                    "Okay, we'll stop there.",
                    "Alright, let's leave it there for now."
                ]
                .contains(&last),
                "{name}/{n}: {last}"
            );
            assert!(
                e.next_deadline().is_none(),
                "{name}/{n}: a timer is still set"
            );
            assert_eq!(e.state_summary().mode, "idle", "{name}/{n}");
            assert!(e.expecting().is_none());
            // Nothing is logged after a stop.
            let stop_at = t
                .entries
                .iter()
                .position(|e| matches!(e.action, Action::StopSpeaking))
                .unwrap_or(0);
            assert!(!t.entries[stop_at..].iter().any(|e| matches!(
                e.action,
                Action::LogMood { .. } | Action::LogCheckin { .. } | Action::SaveSafetyPlan { .. }
            )));
        }
    }
}

#[test]
fn crisis_at_every_step_hands_over() {
    for name in all_flows() {
        let n_says = says_in_run(&name);
        for n in 1..n_says {
            let mut e = known_engine();
            let first = Event::StartFlow {
                name: name.clone(),
                cycles: Some(2),
                minutes: None,
            };
            let t = simulate(&mut e, first, T0, &mut canned_answer, Some((n, CRISIS)));
            if ended(&t) == Some(true) {
                continue;
            }
            let stop = t
                .entries
                .iter()
                .position(|e| matches!(e.action, Action::StopSpeaking));
            let Some(stop) = stop else {
                panic!("{name}/{n}: no StopSpeaking:\n{}", t.to_json_lines())
            };
            let after = &t.entries[stop..];
            assert!(
                after.iter().any(|e| matches!(
                    e.action,
                    Action::FlowEnded {
                        completed: false,
                        ..
                    }
                )),
                "{name}/{n}: flow not ended"
            );
            assert!(
                after.iter().any(|e| matches!(&e.action, Action::LogSafetyEvent { level, .. } if *level >= SafetyAction::Crisis)),
                "{name}/{n}: crisis not logged"
            );
            assert!(
                after
                    .iter()
                    .any(|e| matches!(&e.action, Action::Say { text } if mentions_helpline(text))),
                "{name}/{n}: no helpline in:\n{}",
                t.to_json_lines()
            );
            // No flow speech after the hand-over.
            let flow_texts: Vec<String> = prompts()
                .flow(&name)
                .map(|f| f.closing.iter().chain(&f.intro).cloned().collect())
                .unwrap_or_default();
            assert!(!after
                .iter()
                .any(|e| matches!(&e.action, Action::Say { text } if flow_texts.contains(text))));
        }
    }
}

#[test]
fn crisis_while_idle_paused_or_answering_consent() {
    // Idle.
    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: CRISIS.into(),
        },
        T0,
    );
    assert!(matches!(out.first(), Some(Action::StopSpeaking)), "{out:?}");
    assert!(says(&out).iter().any(|s| mentions_helpline(s)), "{out:?}");
    assert!(e.in_crisis());
    // StartFlow during a crisis conversation is refused.
    assert!(e
        .handle(
            Event::StartFlow {
                name: "box-breathing".into(),
                cycles: None,
                minutes: None
            },
            T0 + 10
        )
        .is_empty());
    // Paused.
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "grounding".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    e.handle(
        Event::Utterance {
            text: "pause".into(),
        },
        T0 + 1000,
    );
    let out = e.handle(
        Event::Utterance {
            text: CRISIS.into(),
        },
        T0 + 2000,
    );
    assert!(
        out.iter().any(|a| matches!(
            a,
            Action::FlowEnded {
                completed: false,
                ..
            }
        )),
        "{out:?}"
    );
    assert!(says(&out).iter().any(|s| mentions_helpline(s)));
    // Answering the first-conversation consent question.
    let mut e = engine_with(EngineMemory::default());
    e.handle(
        Event::Utterance {
            text: "hello".into(),
        },
        T0,
    );
    let out = e.handle(
        Event::Utterance {
            text: CRISIS.into(),
        },
        T0 + 5000,
    );
    assert!(says(&out).iter().any(|s| mentions_helpline(s)), "{out:?}");
}

#[test]
fn safety_unavailable_fails_closed() {
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "evening-reflection".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    let out = e.handle(Event::SafetyUnavailable, T0 + 3000);
    assert!(matches!(out.first(), Some(Action::StopSpeaking)), "{out:?}");
    assert!(out.iter().any(|a| matches!(
        a,
        Action::FlowEnded {
            completed: false,
            ..
        }
    )));
    let s = says(&out);
    assert!(s.first().is_some_and(|t| t.contains("gone wrong")), "{s:?}");
    assert!(s.iter().any(|t| mentions_helpline(t)), "{s:?}");
}

#[test]
fn pause_and_resume_breathing_restarts_the_cycle_on_time() {
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "box-breathing".into(),
            cycles: Some(4),
            minutes: None,
        },
        T0,
    );
    e.handle(Event::SpeechFinished, T0 + 9_000);
    let mut now = 0;
    for _ in 0..6 {
        now = e.next_deadline().unwrap_or_default();
        e.handle(Event::Timer, now); // cycle 1, then "Breathe in", "Hold" of cycle 2
    }
    let out = e.handle(
        Event::Utterance {
            text: "hold on a sec".into(),
        },
        now + 1000,
    );
    assert!(matches!(out.first(), Some(Action::StopSpeaking)));
    assert!(e.state_summary().paused);
    assert_eq!(e.next_deadline(), None, "no cues while paused");
    // Talking while paused gets a gentle reminder, not a cue.
    let out = e.handle(
        Event::Utterance {
            text: "my neighbour is here".into(),
        },
        now + 20_000,
    );
    assert_eq!(
        says(&out),
        vec!["We're paused. Say resume to carry on, or stop to finish."]
    );
    let out = e.handle(
        Event::Utterance {
            text: "okay I'm ready".into(),
        },
        now + 60_000,
    );
    assert!(!says(&out).is_empty());
    e.handle(Event::SpeechFinished, now + 62_000);
    let restart = e.next_deadline().unwrap_or_default();
    assert_eq!(restart, now + 62_000 + super::engine::LEAD_IN_MS);
    let out = e.handle(Event::Timer, restart);
    assert_eq!(
        says(&out),
        vec!["Breathe in"],
        "resume starts the interrupted cycle again"
    );
    assert_eq!(e.next_deadline(), Some(restart + 4000));
    // The rest of the session: cycle 2 again, then 3 and 4 → 12 more cues.
    let mut count = 1;
    while let Some(d) = e.next_deadline() {
        let out = e.handle(Event::Timer, d);
        if out.iter().any(|a| {
            matches!(
                a,
                Action::FlowEnded {
                    completed: true,
                    ..
                }
            )
        }) {
            break;
        }
        count += 1;
    }
    assert_eq!(count, 12);
}

#[test]
fn pause_and_resume_a_conversation_asks_again() {
    let mut e = known_engine();
    let out = e.handle(
        Event::StartFlow {
            name: "grounding".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    let question = says(&out).last().cloned().unwrap_or_default();
    e.handle(
        Event::Utterance {
            text: "wait".into(),
        },
        T0 + 5000,
    );
    assert!(e.state_summary().paused);
    assert!(
        e.handle(Event::ListenTimedOut, T0 + 30_000).is_empty(),
        "silence while paused is fine"
    );
    let out = e.handle(
        Event::Utterance {
            text: "resume".into(),
        },
        T0 + 60_000,
    );
    let s = says(&out);
    assert_eq!(s.last(), Some(&question), "{s:?}");
    assert!(out.iter().any(|a| matches!(a, Action::Listen { .. })));
}

#[test]
fn skip_repeat_and_help_in_a_reflection() {
    let mut e = known_engine();
    let out = e.handle(
        Event::StartFlow {
            name: "evening-reflection".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    let q1 = says(&out).last().cloned().unwrap_or_default();
    assert_eq!(e.state_summary().step.as_deref(), Some("day"));
    let out = e.handle(
        Event::Utterance {
            text: "Can you repeat that?".into(),
        },
        T0 + 10_000,
    );
    assert_eq!(says(&out), vec![q1.clone()]);
    let out = e.handle(
        Event::Utterance {
            text: "what can I say".into(),
        },
        T0 + 20_000,
    );
    assert!(says(&out)[0].contains("pause"), "{out:?}");
    assert!(out.iter().any(|a| matches!(a, Action::Listen { .. })));
    let out = e.handle(
        Event::Utterance {
            text: "skip".into(),
        },
        T0 + 30_000,
    );
    assert_eq!(e.state_summary().step.as_deref(), Some("good_1"));
    assert!(
        !out.iter()
            .any(|a| matches!(a, Action::LogReflection { .. })),
        "skipped steps are not logged"
    );
    let out = e.handle(
        Event::Utterance {
            text: "I had a lovely lunch with Sam".into(),
        },
        T0 + 40_000,
    );
    assert!(
        out.iter()
            .any(|a| matches!(a, Action::LogReflection { step, text: None } if step == "good_1")),
        "words are not kept without consent: {out:?}"
    );
    assert_eq!(e.state_summary().step.as_deref(), Some("why_1"));
    // "I can't stop thinking about it" is an answer, not a command.
    e.handle(
        Event::Utterance {
            text: "I can't stop thinking about how nice it was".into(),
        },
        T0 + 50_000,
    );
    assert_eq!(e.state_summary().step.as_deref(), Some("good_2"));
}

#[test]
fn reflection_keeps_words_only_with_consent() {
    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: "keep my reflections".into(),
        },
        T0,
    );
    assert!(out.contains(&Action::SetConsent {
        keep_transcripts: true
    }));
    assert!(out
        .iter()
        .any(|a| matches!(a, Action::Remember { memory } if memory.keep_transcripts)));
    e.handle(
        Event::StartFlow {
            name: "evening-reflection".into(),
            cycles: None,
            minutes: None,
        },
        T0 + 1000,
    );
    let out = e.handle(
        Event::Utterance {
            text: "It was a calm day.".into(),
        },
        T0 + 9000,
    );
    assert!(out.iter().any(
        |a| matches!(a, Action::LogReflection { text: Some(t), .. } if t == "It was a calm day.")
    ));
    let out = e.handle(
        Event::Utterance {
            text: "don't keep my words".into(),
        },
        T0 + 20_000,
    );
    assert!(out.contains(&Action::SetConsent {
        keep_transcripts: false
    }));
    let out = e.handle(
        Event::Utterance {
            text: "A walk in the park.".into(),
        },
        T0 + 30_000,
    );
    assert!(out
        .iter()
        .any(|a| matches!(a, Action::LogReflection { text: None, .. })));
}

#[test]
fn two_misses_offer_the_menu() {
    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: "purple elephants".into(),
        },
        T0,
    );
    let first = says(&out);
    assert_eq!(first.len(), 1);
    assert!(
        first[0].contains("breathing"),
        "a helpful reprompt: {first:?}"
    );
    assert!(out.iter().any(|a| matches!(a, Action::Listen { .. })));
    let out = e.handle(
        Event::Utterance {
            text: "the weather in Spain".into(),
        },
        T0 + 10_000,
    );
    let second = says(&out);
    assert!(
        second[0].contains("reflection")
            && second[0].contains("mood")
            && second[0].contains("check-in"),
        "{second:?}"
    );
    // Understood input resets the count.
    e.handle(Event::Utterance { text: "zzz".into() }, T0 + 20_000);
    e.handle(
        Event::Utterance {
            text: "thanks".into(),
        },
        T0 + 30_000,
    );
    let out = e.handle(Event::Utterance { text: "zzz".into() }, T0 + 40_000);
    assert_eq!(says(&out), first);
}

#[test]
fn structured_answers_get_clarified_then_options_then_move_on() {
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "weekly-checkin".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    let out = e.handle(
        Event::Utterance {
            text: "bananas".into(),
        },
        T0 + 20_000,
    );
    assert!(says(&out)[0].contains("several days"), "{out:?}");
    let out = e.handle(
        Event::Utterance {
            text: "bananas".into(),
        },
        T0 + 30_000,
    );
    assert!(says(&out)[0].contains("skip"), "{out:?}");
    let out = e.handle(
        Event::Utterance {
            text: "bananas".into(),
        },
        T0 + 40_000,
    );
    assert!(
        says(&out)
            .iter()
            .any(|s| s.contains("move on") || s.contains("carry on")),
        "{out:?}"
    );
    assert_eq!(e.state_summary().step.as_deref(), Some("down"));
}

#[test]
fn idle_requests() {
    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: "Um, let's do four seven eight breathing".into(),
        },
        T0,
    );
    assert!(
        out.contains(&Action::FlowStarted {
            name: "breathing-478".into()
        }),
        "{out:?}"
    );
    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: "five four three two one".into(),
        },
        T0,
    );
    assert!(
        out.contains(&Action::FlowStarted {
            name: "grounding".into()
        }),
        "{out:?}"
    );
    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: "How has my mood been this week?".into(),
        },
        T0,
    );
    assert_eq!(out, vec![Action::RequestMoodSummary]);
    let out = e.handle(
        Event::MoodSummary {
            entries: 5,
            average: Some(6.4),
            trend: Some(MoodTrend::Up),
            best_day: Some("Saturday".into()),
        },
        T0 + 100,
    );
    let s = says(&out);
    assert!(s[0].contains('5') && s[0].contains("6.4"), "{s:?}");
    assert!(s[1].contains("Saturday"), "{s:?}");
    let out = e.handle(
        Event::MoodSummary {
            entries: 0,
            average: None,
            trend: None,
            best_day: None,
        },
        T0 + 200,
    );
    assert!(says(&out)[0].contains("haven't logged"));
    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: "what can you do".into(),
        },
        T0,
    );
    assert!(says(&out)[0].contains("breathing"));
    let out = e.handle(
        Event::Utterance {
            text: "Are you human?".into(),
        },
        T0 + 100,
    );
    let s = says(&out);
    assert!(s.len() == 1 && s[0].contains("AI"), "{s:?}");
}

#[test]
fn log_mood_directly_and_by_conversation() {
    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: "Log my mood as six, a bit tired.".into(),
        },
        T0,
    );
    assert!(
        out.contains(&Action::LogMood {
            score: 6,
            feelings: vec!["tired".into()],
            note: None
        }),
        "{out:?}"
    );
    assert!(says(&out)[0].contains("6") && says(&out)[0].contains("tired"));
    assert_eq!(e.state_summary().mode, "idle");

    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: "log my mood".into(),
        },
        T0,
    );
    assert!(out.contains(&Action::FlowStarted {
        name: "mood-checkin".into()
    }));
    assert_eq!(e.expecting(), Some(Expect::MoodScore));
    let out = e.handle(
        Event::Utterance {
            text: "Pretty low.".into(),
        },
        T0 + 8000,
    );
    let s = says(&out);
    assert!(
        s.iter().any(|t| t.contains("zero to ten")),
        "asks for a number: {s:?}"
    );
    assert_eq!(e.expecting(), Some(Expect::MoodScore));
    e.handle(
        Event::Utterance {
            text: "like a three I guess".into(),
        },
        T0 + 16_000,
    );
    assert_eq!(e.expecting(), Some(Expect::Feelings));
    let out = e.handle(
        Event::Utterance {
            text: "lonely and tired".into(),
        },
        T0 + 24_000,
    );
    assert!(
        out.contains(&Action::LogMood {
            score: 3,
            feelings: vec!["lonely".into(), "tired".into()],
            note: None
        }),
        "the note step is skipped without consent: {out:?}"
    );
    assert!(out.iter().any(|a| matches!(
        a,
        Action::FlowEnded {
            completed: true,
            ..
        }
    )));
}

#[test]
fn mood_checkin_with_consent_asks_for_a_note_and_skips_known_feelings() {
    let memory = EngineMemory {
        keep_transcripts: true,
        ..dry_engine(prompts(), T0).memory().clone()
    };
    let mut e = engine_with(memory);
    e.handle(
        Event::StartFlow {
            name: "mood-checkin".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    e.handle(
        Event::Utterance {
            text: "a solid eight, hopeful".into(),
        },
        T0 + 8000,
    );
    assert_eq!(e.expecting(), Some(Expect::Note), "feelings already given");
    let out = e.handle(
        Event::Utterance {
            text: "Finished the garden today".into(),
        },
        T0 + 16_000,
    );
    assert!(out.contains(&Action::LogMood {
        score: 8,
        feelings: vec!["hopeful".into()],
        note: Some("Finished the garden today".into())
    }));
}

#[test]
fn weekly_checkin_scores_and_refers() {
    let answers = [
        "more than half the days",
        "nearly every day",
        "not at all",
        "several days",
    ];
    let mut i = 0;
    let t = run_dry_with(prompts(), "weekly-checkin", None, None, T0, &mut |_| {
        let a = answers.get(i).map(|s| s.to_string());
        i += 1;
        a
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let logs: Vec<&Action> = t
        .entries
        .iter()
        .map(|e| &e.action)
        .filter(|a| matches!(a, Action::LogCheckin { .. }))
        .collect();
    assert_eq!(
        logs,
        vec![
            &Action::LogCheckin {
                instrument: "PHQ-2".into(),
                score: 5,
                items: vec![2, 3]
            },
            &Action::LogCheckin {
                instrument: "GAD-2".into(),
                score: 1,
                items: vec![0, 1]
            },
        ]
    );
    assert!(t
        .entries
        .iter()
        .any(|e| matches!(&e.action, Action::LogSafetyEvent { level: SafetyAction::Refer, category } if category == "checkin_positive")));
    assert_eq!(ended(&t), Some(true));
    // A low score is logged without a referral.
    let t = run_dry(prompts(), "weekly-checkin", None, None, T0).unwrap_or_else(|e| panic!("{e}"));
    assert!(!t
        .entries
        .iter()
        .any(|e| matches!(e.action, Action::LogSafetyEvent { .. })));
}

#[test]
fn safety_plan_is_built_saved_and_read_back() {
    let answers = [
        "I stop answering messages",
        "a hot shower and music",
        "the library, my friend Jo",
        "my sister Ana",
        "my GP",
        "give my pills to Ana to keep",
    ];
    let mut i = 0;
    let mut e = known_engine();
    let first = Event::StartFlow {
        name: "safety-plan".into(),
        cycles: None,
        minutes: None,
    };
    let t = simulate(
        &mut e,
        first,
        T0,
        &mut |x| {
            x?;
            let a = answers.get(i).map(|s| s.to_string());
            i += 1;
            a
        },
        None,
    );
    assert_eq!(ended(&t), Some(true), "{}", t.to_json_lines());
    assert!(e.memory().has_safety_plan);
    let saved = t.entries.iter().find_map(|e| match &e.action {
        Action::SaveSafetyPlan { plan } => Some(plan.clone()),
        _ => None,
    });
    assert_eq!(
        saved.map(|p| p.people),
        Some(vec!["my sister Ana".to_string()])
    );
    let out = e.handle(
        Event::Utterance {
            text: "read me my safety plan".into(),
        },
        T0 + 3_600_000,
    );
    let s = says(&out).join(" ");
    for a in answers {
        assert!(s.contains(a), "{a} missing from: {s}");
    }
    // Without a plan, Hearth says how to make one.
    let mut e = known_engine();
    let out = e.handle(
        Event::Utterance {
            text: "What's my safety plan?".into(),
        },
        T0,
    );
    assert!(says(&out)[0].contains("make a safety plan"));
}

#[test]
fn grounding_waits_for_more_things() {
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "grounding".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    let out = e.handle(
        Event::Utterance {
            text: "the lamp and the window".into(),
        },
        T0 + 10_000,
    );
    assert_eq!(
        e.state_summary().step.as_deref(),
        Some("see"),
        "asks for more: {out:?}"
    );
    e.handle(
        Event::Utterance {
            text: "a cup".into(),
        },
        T0 + 20_000,
    );
    assert_eq!(
        e.state_summary().step.as_deref(),
        Some("touch"),
        "only asks for more once"
    );
}

// ----- first conversation, disclosure, variety ---------------------------------------------------

#[test]
fn first_conversation_discloses_and_asks_consent_only_before_a_reflection() {
    // An exercise starts straight after the disclosure: nothing to keep, nothing to ask.
    let mut e = engine_with(EngineMemory::default());
    let out = e.handle(
        Event::Utterance {
            text: "let's do box breathing".into(),
        },
        T0,
    );
    let s = says(&out);
    assert!(s[0].contains("AI"), "disclosure first: {s:?}");
    assert!(!s.iter().any(|t| t.contains("keep your words")), "{s:?}");
    assert!(out.contains(&Action::FlowStarted {
        name: "box-breathing".into()
    }));
    // A reflection has words to keep: the question comes first, and a no starts it.
    let mut e = engine_with(EngineMemory::default());
    let out = e.handle(
        Event::Utterance {
            text: "let's do an evening reflection".into(),
        },
        T0,
    );
    let s = says(&out);
    assert!(s[1].contains("keep your words"), "{s:?}");
    assert!(out.iter().any(|a| matches!(a, Action::Remember { memory } if memory.consent_asked && memory.last_disclosed_ms == Some(T0))));
    let out = e.handle(
        Event::Utterance {
            text: "no thanks".into(),
        },
        T0 + 15_000,
    );
    assert!(out.contains(&Action::SetConsent {
        keep_transcripts: false
    }));
    assert!(
        out.contains(&Action::FlowStarted {
            name: "evening-reflection".into()
        }),
        "then does what was asked: {out:?}"
    );
}

#[test]
fn disclosure_every_three_hours_and_after_a_week() {
    let mut e = known_engine();
    // Three hours of steady conversation (an utterance every five minutes).
    let mut now = T0;
    let mut disclosed = 0;
    for _ in 0..40 {
        now += 5 * 60_000;
        let out = e.handle(
            Event::Utterance {
                text: "thanks".into(),
            },
            now,
        );
        if says(&out).iter().any(|s| s.contains("AI")) {
            disclosed += 1;
        }
    }
    assert_eq!(disclosed, 1, "once after three hours of conversation");
    // A week later.
    let out = e.handle(
        Event::Utterance {
            text: "thanks".into(),
        },
        now + 8 * DAY_MS,
    );
    assert!(says(&out)[0].contains("AI"), "{out:?}");
    let out = e.handle(
        Event::Utterance {
            text: "thanks".into(),
        },
        now + 8 * DAY_MS + 1000,
    );
    assert!(!says(&out).iter().any(|s| s.contains("AI")));
}

#[test]
fn reflections_differ_on_consecutive_nights() {
    let mut memory = dry_engine(prompts(), T0).memory().clone();
    let mut previous: Option<Vec<String>> = None;
    for night in 0..5u64 {
        let mut e = engine_with(memory.clone());
        let out = e.handle(
            Event::StartFlow {
                name: "evening-reflection".into(),
                cycles: None,
                minutes: None,
            },
            T0 + night * DAY_MS,
        );
        let s = says(&out);
        if let Some(p) = &previous {
            assert_ne!(p[0], s[0], "same intro two nights running");
            assert_ne!(p[1], s[1], "same first question two nights running");
        }
        previous = Some(s);
        memory = e.memory().clone();
    }
}

#[test]
fn replacing_prompts_keeps_a_running_flow() {
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "box-breathing".into(),
            cycles: Some(1),
            minutes: None,
        },
        T0,
    );
    e.replace_prompts(prompts());
    e.handle(Event::SpeechFinished, T0 + 9000);
    let mut n = 0;
    while let Some(d) = e.next_deadline() {
        let out = e.handle(Event::Timer, d);
        n += 1;
        if out.iter().any(|a| {
            matches!(
                a,
                Action::FlowEnded {
                    completed: true,
                    ..
                }
            )
        }) {
            break;
        }
    }
    assert_eq!(n, 5);
}

#[test]
fn support_offers_an_exercise_when_idle() {
    for (answer, starts) in [
        ("yes please", true),
        ("I'd rather keep talking", false),
        ("no thanks", false),
    ] {
        let mut e = known_engine();
        let out = e.handle(
            Event::Utterance {
                text: "I feel so lonely tonight".into(),
            },
            T0,
        );
        assert!(
            out.iter().any(|a| matches!(
                a,
                Action::LogSafetyEvent {
                    level: SafetyAction::Support,
                    ..
                }
            )),
            "{out:?}"
        );
        let s = says(&out);
        assert_eq!(
            s.iter().filter(|t| t.trim_end().ends_with('?')).count(),
            1,
            "one question at a time: {s:?}"
        );
        assert!(matches!(out.last(), Some(Action::Listen { .. })));
        let out = e.handle(
            Event::Utterance {
                text: answer.into(),
            },
            T0 + 10_000,
        );
        assert_eq!(
            out.contains(&Action::FlowStarted {
                name: "box-breathing".into()
            }),
            starts,
            "{answer}: {out:?}"
        );
        assert!(!says(&out).is_empty(), "{answer}: always a reply");
    }
    // Inside a flow, a hard moment is simply the answer: the flow carries on.
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "evening-reflection".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    e.handle(
        Event::Utterance {
            text: "I feel so lonely tonight".into(),
        },
        T0 + 9000,
    );
    assert_eq!(e.state_summary().step.as_deref(), Some("good_1"));
}

#[test]
fn referral_then_back_to_the_question() {
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "evening-reflection".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    let out = e.handle(
        Event::Utterance {
            text: "should I stop taking my sertraline".into(),
        },
        T0 + 9000,
    );
    assert!(
        out.iter().any(|a| matches!(
            a,
            Action::LogSafetyEvent {
                level: SafetyAction::Refer,
                ..
            }
        )),
        "{out:?}"
    );
    let s = says(&out);
    assert!(
        s.len() >= 2
            && s.last()
                .is_some_and(|q| q == "How was your day, overall?" || s.len() >= 2),
        "{s:?}"
    );
    assert_eq!(
        e.state_summary().step.as_deref(),
        Some("day"),
        "the question is asked again, not skipped"
    );
    assert!(matches!(out.last(), Some(Action::Listen { .. })));
}

#[test]
fn crisis_conversation_survives_silence_and_stray_events() {
    let mut e = known_engine();
    e.handle(
        Event::Utterance {
            text: CRISIS.into(),
        },
        T0,
    );
    assert!(e.in_crisis());
    let out = e.handle(Event::Timer, T0 + 1000);
    assert!(
        out.iter().all(|a| matches!(a, Action::Remember { .. })),
        "a stray timer changes nothing: {out:?}"
    );
    assert!(e.in_crisis());
    let out = e.handle(Event::ListenTimedOut, T0 + 60_000);
    assert!(
        !says(&out).is_empty(),
        "silence gets a gentle check-in: {out:?}"
    );
    assert!(matches!(out.last(), Some(Action::Listen { .. })));
    assert!(e.in_crisis());
    let out = e.handle(Event::Stop, T0 + 70_000);
    assert_eq!(out.first(), Some(&Action::StopSpeaking));
    assert!(says(&out).is_empty());
    assert!(
        e.in_crisis(),
        "a stop button quiets Hearth but does not end the crisis conversation"
    );
    assert!(e
        .handle(
            Event::StartFlow {
                name: "grounding".into(),
                cycles: None,
                minutes: None
            },
            T0 + 80_000
        )
        .is_empty());
    // A safety-plan request inside the crisis conversation reads the plan (or says there is none).
    let out = e.handle(
        Event::Utterance {
            text: "read me my safety plan".into(),
        },
        T0 + 90_000,
    );
    assert!(!says(&out).is_empty());
}

#[test]
fn silent_consent_question_keeps_the_default_and_carries_on() {
    let mut e = engine_with(EngineMemory::default());
    e.handle(
        Event::Utterance {
            text: "evening reflection please".into(),
        },
        T0,
    );
    let out = e.handle(Event::ListenTimedOut, T0 + 30_000);
    assert!(
        out.contains(&Action::SetConsent {
            keep_transcripts: false
        }),
        "{out:?}"
    );
    assert!(
        out.contains(&Action::FlowStarted {
            name: "evening-reflection".into()
        }),
        "{out:?}"
    );
}

#[test]
fn timeline_json_lines_have_the_agreed_shape() {
    let t =
        run_dry(prompts(), "box-breathing", Some(1), None, T0).unwrap_or_else(|e| panic!("{e}"));
    let lines = t.to_json_lines();
    assert!(
        lines.lines().any(|l| l.starts_with("{\"t\":")
            && l.contains("\"action\":\"say\",\"text\":\"Breathe in\"")),
        "{lines}"
    );
    assert!(
        lines
            .lines()
            .any(|l| l.contains("\"action\":\"chime\",\"kind\":\"inhale\"")),
        "{lines}"
    );
    assert!(
        lines.starts_with("{\"t\":0,\"action\":\"flow_started\",\"name\":\"box-breathing\"}"),
        "{lines}"
    );
    for l in lines.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
        assert!(v.get("t").is_some() && v.get("action").is_some(), "{l}");
    }
}

#[test]
fn state_summary_and_memory_round_trip() {
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "weekly-checkin".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    let s = e.state_summary();
    assert_eq!(
        (
            s.mode.as_str(),
            s.flow.as_deref(),
            s.step.as_deref(),
            s.paused
        ),
        ("flow", Some("weekly-checkin"), Some("interest"), false)
    );
    let json = serde_json::to_string(e.memory()).unwrap_or_default();
    let back: EngineMemory = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(&back, e.memory());
    let ev: Event = serde_json::from_str(
        r#"{"event":"start_flow","name":"grounding","cycles":null,"minutes":null}"#,
    )
    .unwrap_or(Event::Timer);
    assert_eq!(
        ev,
        Event::StartFlow {
            name: "grounding".into(),
            cycles: None,
            minutes: None
        }
    );
}

#[test]
fn idle_requests_as_the_recogniser_writes_them() {
    let table = [
        ("Let's do box breathing.", "box-breathing"),
        ("lets do box breathing", "box-breathing"),
        ("Um, can we do some breathing?", "box-breathing"),
        ("Help me calm down.", "box-breathing"),
        ("4-7-8 breathing", "breathing-478"),
        ("478", "breathing-478"),
        ("Four, seven, eight.", "breathing-478"),
        ("I can't sleep.", "breathing-478"),
        ("cyclic sighing please", "cyclic-sighing"),
        (
            "Resonance breathing for five minutes.",
            "resonance-breathing",
        ),
        ("Grounding.", "grounding"),
        ("Can we do the 5-4-3-2-1 thing?", "grounding"),
        ("five four three two one", "grounding"),
        ("Muscle relaxation.", "muscle-relaxation"),
        ("progressive muscle relaxation please", "muscle-relaxation"),
        ("Evening reflection.", "evening-reflection"),
        ("I'd like to reflect on my day", "evening-reflection"),
        ("three good things", "evening-reflection"),
        ("Check in.", "mood-checkin"),
        ("Let's do my weekly check-in.", "weekly-checkin"),
        ("Make a safety plan.", "safety-plan"),
        ("Can we build a safety plan together?", "safety-plan"),
    ];
    for (text, flow) in table {
        let mut e = known_engine();
        let out = e.handle(Event::Utterance { text: text.into() }, T0);
        assert!(
            out.contains(&Action::FlowStarted { name: flow.into() }),
            "{text:?} should start {flow}: {out:?}"
        );
    }
}

#[test]
fn checking_a_missing_folder_reports_it() {
    let dir = std::env::temp_dir().join(format!("hearth-no-prompts-{}", std::process::id()));
    let errors = Prompts::check(&super::prompts::PromptSources::read_for_test(&dir));
    assert!(!errors.is_empty());
    assert!(
        errors.iter().any(|e| e.file.starts_with(&dir)),
        "{errors:?}"
    );
}

// ----- spoken deletion with confirmation ---------------------------------------------------

fn forgets(actions: &[Action]) -> Vec<ForgetScope> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Forget { scope } => Some(*scope),
            _ => None,
        })
        .collect()
}

fn asks_to_confirm(actions: &[Action]) -> bool {
    says(actions)
        .iter()
        .any(|s| s.contains("undone") && s.contains("yes"))
}

/// A known engine with a safety plan and kept words, asked to delete everything.
fn asked_to_forget_all() -> Engine {
    let plan = SafetyPlan {
        warning_signs: vec!["not sleeping".into()],
        ..SafetyPlan::default()
    };
    let mut e = engine_with(EngineMemory {
        last_disclosed_ms: Some(T0),
        last_used_ms: Some(T0),
        consent_asked: true,
        keep_transcripts: true,
        has_safety_plan: true,
        safety_plan: Some(plan),
        ..EngineMemory::default()
    });
    let out = e.handle(
        Event::Utterance {
            text: "Um, delete all my data.".into(),
        },
        T0,
    );
    assert!(forgets(&out).is_empty(), "{out:?}");
    assert!(asks_to_confirm(&out), "{out:?}");
    let s = says(&out).join(" ");
    for what in [
        "mood entries",
        "notes",
        "reflections",
        "check-ins",
        "sessions",
        "safety plan",
        "can't be undone",
        "'no'",
    ] {
        assert!(s.contains(what), "the question must mention {what}: {s}");
    }
    assert!(matches!(out.last(), Some(Action::Listen { .. })), "{out:?}");
    e
}

#[test]
fn forget_everything_after_a_clear_yes() {
    for yes in [
        "yes",
        "Yes, delete everything.",
        "yes please",
        "Do it.",
        "um, yeah, go ahead",
    ] {
        let mut e = asked_to_forget_all();
        let out = e.handle(Event::Utterance { text: yes.into() }, T0 + 20_000);
        assert_eq!(forgets(&out), vec![ForgetScope::All], "{yes:?}: {out:?}");
        let forget_at = out.iter().position(|a| matches!(a, Action::Forget { .. }));
        let remember_at = out.iter().position(|a| {
            matches!(
                a,
                Action::Remember { memory }
                    if memory.safety_plan.is_none()
                        && !memory.has_safety_plan
                        && !memory.keep_transcripts
                        && memory.consent_asked
            )
        });
        assert!(
            forget_at.is_some() && remember_at > forget_at,
            "Remember with the reset memory must follow Forget: {out:?}"
        );
        let m = e.memory();
        assert!(m.safety_plan.is_none() && !m.has_safety_plan && !m.keep_transcripts);
        assert!(m.consent_asked, "the consent question is not asked again");
        assert!(
            says(&out)
                .iter()
                .any(|s| s.contains("Everything is deleted")),
            "{out:?}"
        );
        // Nothing is deleted twice, and the next "hello" does not ask for consent again.
        let out = e.handle(
            Event::Utterance {
                text: "hello".into(),
            },
            T0 + 40_000,
        );
        assert!(forgets(&out).is_empty() && !asks_to_confirm(&out));
        assert!(!says(&out).iter().any(|s| s.contains("keep your words")));
        // The plan is gone for the engine too.
        let out = e.handle(
            Event::Utterance {
                text: "read me my safety plan".into(),
            },
            T0 + 50_000,
        );
        assert!(
            says(&out)[0].contains("haven't made a safety plan"),
            "{out:?}"
        );
    }
}

#[test]
fn forget_is_cancelled_by_anything_but_a_clear_yes() {
    let answers = [
        "no",
        "No, keep it.",
        "um, no thanks",
        "hmm, I'm not sure",
        "okay",
        "yes but keep my safety plan",
        "forget it",
        "what about my safety plan?",
        "wait",
        "never mind",
    ];
    for answer in answers {
        let mut e = asked_to_forget_all();
        let before = e.memory().clone();
        let out = e.handle(
            Event::Utterance {
                text: answer.into(),
            },
            T0 + 15_000,
        );
        assert!(forgets(&out).is_empty(), "{answer:?}: {out:?}");
        assert!(
            says(&out).iter().any(|s| s.contains("othing was deleted")),
            "{answer:?} must say nothing was deleted: {out:?}"
        );
        assert_eq!(e.memory().safety_plan, before.safety_plan, "{answer:?}");
        assert!(e.memory().keep_transcripts, "{answer:?}");
        // The question is over: a later "yes" deletes nothing.
        let out = e.handle(Event::Utterance { text: "yes".into() }, T0 + 20_000);
        assert!(forgets(&out).is_empty(), "{answer:?} then yes: {out:?}");
    }
}

#[test]
fn forget_is_cancelled_by_silence() {
    let mut e = asked_to_forget_all();
    let out = e.handle(Event::ListenTimedOut, T0 + 30_000);
    assert!(forgets(&out).is_empty(), "{out:?}");
    assert!(
        says(&out).iter().any(|s| s.contains("othing was deleted")),
        "{out:?}"
    );
    let out = e.handle(Event::Utterance { text: "yes".into() }, T0 + 35_000);
    assert!(forgets(&out).is_empty(), "{out:?}");
    assert!(e.memory().has_safety_plan);
}

#[test]
fn a_late_yes_deletes_nothing() {
    // Typed chat sends no listening time-outs: a "yes" long after the question is not a yes.
    let mut e = asked_to_forget_all();
    let out = e.handle(Event::Utterance { text: "yes".into() }, T0 + 3_600_000);
    assert!(forgets(&out).is_empty(), "{out:?}");
    assert!(
        says(&out).iter().any(|s| s.contains("ask me again")),
        "{out:?}"
    );
}

#[test]
fn repeat_asks_again_and_a_different_request_cancels_and_runs() {
    let mut e = asked_to_forget_all();
    let out = e.handle(
        Event::Utterance {
            text: "sorry, what?".into(),
        },
        T0 + 15_000,
    );
    assert!(forgets(&out).is_empty() && asks_to_confirm(&out), "{out:?}");
    let out = e.handle(Event::Utterance { text: "yes".into() }, T0 + 30_000);
    assert_eq!(forgets(&out), vec![ForgetScope::All], "{out:?}");

    let mut e = asked_to_forget_all();
    let out = e.handle(
        Event::Utterance {
            text: "let's do some box breathing instead".into(),
        },
        T0 + 15_000,
    );
    assert!(forgets(&out).is_empty(), "{out:?}");
    assert!(says(&out)[0].contains("othing was deleted"), "{out:?}");
    assert!(
        out.contains(&Action::FlowStarted {
            name: "box-breathing".into()
        }),
        "{out:?}"
    );
}

#[test]
fn forget_the_last_week_after_yes() {
    for (text, days) in [
        ("forget the last week", 7),
        ("Delete this week's entries.", 7),
        ("um, delete today's entries please", 1),
        ("erase the last 3 days", 3),
        ("Hearth, remove everything from the past two weeks.", 14),
    ] {
        let mut e = asked_to_forget_all();
        e.handle(Event::Utterance { text: "no".into() }, T0 + 1000);
        let out = e.handle(Event::Utterance { text: text.into() }, T0 + 2000);
        assert!(forgets(&out).is_empty(), "{text:?}: {out:?}");
        assert!(asks_to_confirm(&out), "{text:?}: {out:?}");
        let s = says(&out).join(" ");
        assert!(s.contains("safety plan stays"), "{text:?}: {s}");
        let out = e.handle(
            Event::Utterance {
                text: "Yes, delete them.".into(),
            },
            T0 + 20_000,
        );
        assert_eq!(
            forgets(&out),
            vec![ForgetScope::Since { days }],
            "{text:?}: {out:?}"
        );
        // A dated deletion leaves the plan and the consent alone.
        assert!(e.memory().has_safety_plan && e.memory().keep_transcripts);
        assert!(
            !out.iter().any(|a| matches!(a, Action::Remember { .. })),
            "{out:?}"
        );
        assert!(says(&out).iter().any(|s| s.starts_with("Done.")), "{out:?}");
    }
}

#[test]
fn crisis_at_the_deletion_question_goes_to_the_crisis_protocol() {
    let mut e = asked_to_forget_all();
    let out = e.handle(
        Event::Utterance {
            text: CRISIS.into(),
        },
        T0 + 10_000,
    );
    assert!(matches!(out.first(), Some(Action::StopSpeaking)), "{out:?}");
    assert!(says(&out).iter().any(|s| mentions_helpline(s)), "{out:?}");
    assert!(forgets(&out).is_empty(), "{out:?}");
    assert!(e.in_crisis());
    // "yes" now belongs to the crisis conversation, never to the deletion question.
    let out = e.handle(Event::Utterance { text: "yes".into() }, T0 + 20_000);
    assert!(forgets(&out).is_empty(), "{out:?}");
    let out = e.handle(
        Event::Utterance {
            text: "yes, delete everything".into(),
        },
        T0 + 30_000,
    );
    assert!(forgets(&out).is_empty(), "{out:?}");
    assert!(e.memory().has_safety_plan);
    // A failed safety check at the question fails closed the same way.
    let mut e = asked_to_forget_all();
    let out = e.handle(Event::SafetyUnavailable, T0 + 10_000);
    assert!(matches!(out.first(), Some(Action::StopSpeaking)), "{out:?}");
    let out = e.handle(Event::Utterance { text: "yes".into() }, T0 + 20_000);
    assert!(forgets(&out).is_empty(), "{out:?}");
}

#[test]
fn deletion_requests_as_the_recogniser_writes_them() {
    let requests = [
        "Delete all my data.",
        "delete all my data",
        "Um, forget everything.",
        "Hearth, erase everything you know about me.",
        "delete my history please",
        "Wipe my data.",
        "uh could you wipe all my data hearth",
        "Can you please delete everything you've stored about me?",
        "I want you to forget everything I told you.",
        "I'd like to delete all of my information.",
        "okay hearth delete everything",
    ];
    for text in requests {
        let mut e = known_engine();
        let out = e.handle(Event::Utterance { text: text.into() }, T0);
        assert!(
            asks_to_confirm(&out) && forgets(&out).is_empty(),
            "{text:?} should ask to confirm deleting: {out:?}"
        );
        assert!(
            says(&out).join(" ").contains("safety plan"),
            "{text:?} should be everything: {out:?}"
        );
    }
    let not_requests = [
        "I want to forget about today.",
        "I forgot my keys.",
        "delete that last word",
        "I wish I could erase this feeling.",
        "I just want to forget everything.",
        "I can't forget what happened this week.",
        "forget it",
        "I need to clear my head.",
        "Don't delete anything.",
        "I'll never forget today.",
    ];
    for text in not_requests {
        let mut e = known_engine();
        let out = e.handle(Event::Utterance { text: text.into() }, T0);
        assert!(
            !asks_to_confirm(&out) && forgets(&out).is_empty(),
            "{text:?} is not a deletion request: {out:?}"
        );
        let out = e.handle(Event::Utterance { text: "yes".into() }, T0 + 5000);
        assert!(forgets(&out).is_empty(), "{text:?} then yes: {out:?}");
    }
}

#[test]
fn first_words_asking_to_delete_are_not_met_with_the_consent_question() {
    let mut e = engine_with(EngineMemory::default());
    let out = e.handle(
        Event::Utterance {
            text: "delete all my data".into(),
        },
        T0,
    );
    assert!(asks_to_confirm(&out), "{out:?}");
    assert!(!says(&out).iter().any(|s| s.contains("keep your words")));
    let out = e.handle(Event::Utterance { text: "yes".into() }, T0 + 20_000);
    assert_eq!(forgets(&out), vec![ForgetScope::All]);
}

#[test]
fn deleting_only_some_records_is_not_widened() {
    for text in [
        "delete my reflections",
        "wipe my mood history",
        "delete last month's entries",
        "delete all my mood entries",
        "delete my safety plan",
    ] {
        let mut e = known_engine();
        let out = e.handle(Event::Utterance { text: text.into() }, T0);
        assert!(
            !asks_to_confirm(&out) && forgets(&out).is_empty(),
            "{text:?}: {out:?}"
        );
        assert!(
            !out.iter().any(|a| matches!(a, Action::FlowStarted { .. })),
            "{text:?} must not start a flow: {out:?}"
        );
        assert!(
            says(&out).iter().any(|s| s.contains("delete everything")),
            "{text:?} should hear what can be deleted: {out:?}"
        );
    }
}

#[test]
fn forget_actions_serialise_flat() {
    let all = serde_json::to_string(&Action::Forget {
        scope: ForgetScope::All,
    })
    .unwrap_or_default();
    assert_eq!(all, r#"{"action":"forget","scope":"all"}"#);
    let week = serde_json::to_string(&Action::Forget {
        scope: ForgetScope::Since { days: 7 },
    })
    .unwrap_or_default();
    assert_eq!(week, r#"{"action":"forget","scope":"since","days":7}"#);
}

// ----- the second reading: ask, and alarms that can be corrected -----------------------------

/// A fake encoder for the pure engine: each utterance containing a key phrase is embedded on
/// that phrase's axis; everything else on a neutral axis. (The real encoder is tested in the
/// integration tests.)
#[derive(Debug)]
struct KeyedEncoder(Vec<&'static str>);

impl crate::engine::safety::SentenceEncoder for KeyedEncoder {
    fn embed(&self, text: &str) -> Result<Vec<f32>, crate::engine::safety::semantic::EncodeError> {
        let mut e = vec![0f32; crate::engine::safety::semantic::EMBEDDING_DIM];
        let axis = self
            .0
            .iter()
            .position(|k| text.contains(k))
            .map_or(0, |i| i + 1);
        e[axis] = 1.0;
        Ok(e)
    }
}

/// An engine whose second reading gives `label` to utterances containing each key phrase.
fn engine_reading(keys: &[(&'static str, crate::engine::safety::Label)]) -> Engine {
    use crate::engine::safety::semantic::{SafetyHead, Thresholds, EMBEDDING_DIM, LABELS};
    let n = keys.len() + 1;
    let mut hidden_weights = vec![vec![0f32; EMBEDDING_DIM]; n];
    for (i, row) in hidden_weights.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    let mut weights = vec![vec![0f32; n]; LABELS.len()];
    weights[0][0] = 20.0; // the neutral axis reads as none
    for (i, (_, label)) in keys.iter().enumerate() {
        weights[label.index()][i + 1] = 20.0;
    }
    let head = SafetyHead {
        encoder: "keyed".into(),
        labels: LABELS.to_vec(),
        hidden_weights,
        hidden_bias: vec![0.0; n],
        weights,
        bias: vec![0.0; LABELS.len()],
        thresholds: Thresholds {
            crisis: 0.9,
            ask: 0.9,
            emergency: 0.9,
            refer: 0.9,
            support: 0.9,
            unaddressed: 0.999,
            agree: 0.3,
            near: 0.0,
            alarm_near: 0.0,
        },
        trained_on: vec![],
        anchors: Default::default(),
    };
    let head: &'static SafetyHead = Box::leak(Box::new(head));
    let encoder = Arc::new(KeyedEncoder(keys.iter().map(|(k, _)| *k).collect()));
    let mut e = dry_engine(prompts(), T0);
    e.replace_safety(SafetyEngine::with_head(encoder, head));
    e
}

fn said(e: &mut Engine, text: &str, at: u64) -> String {
    says(&e.handle(Event::Utterance { text: text.into() }, at)).join(" ")
}

#[test]
fn possible_risk_is_asked_about_and_a_clear_no_carries_on() {
    use crate::engine::safety::Label;
    let mut e = engine_reading(&[("keep going", Label::Ask)]);
    let out = said(&mut e, "i can't keep going like this", T0 + 1_000);
    assert!(
        out.contains("ending your life") || out.contains("suicide"),
        "{out}"
    );
    assert!(
        !mentions_helpline(&out),
        "asking is not the crisis script yet: {out}"
    );
    assert!(!e.in_crisis());
    let out = said(
        &mut e,
        "no, god no, I'm just exhausted from work",
        T0 + 5_000,
    );
    assert!(!e.in_crisis(), "{out}");
    assert!(
        out.contains("Thank you") || out.contains("thank you"),
        "{out}"
    );
    // The conversation carries on: a request is honoured.
    let out = e.handle(
        Event::Utterance {
            text: "let's do box breathing".into(),
        },
        T0 + 9_000,
    );
    assert_eq!(
        e.state_summary().flow.as_deref(),
        Some("box-breathing"),
        "{out:?}"
    );
}

#[test]
fn a_yes_or_an_unclear_answer_to_the_direct_question_starts_the_crisis_protocol() {
    use crate::engine::safety::Label;
    for answer in [
        "yes",
        "sometimes",
        "i don't know",
        "not really",
        "no but sometimes i wonder",
        "can we just do some breathing",
    ] {
        let mut e = engine_reading(&[("keep going", Label::Ask)]);
        said(&mut e, "i can't keep going like this", T0 + 1_000);
        let out = said(&mut e, answer, T0 + 5_000);
        assert!(e.in_crisis(), "{answer:?}: {out}");
        assert!(mentions_helpline(&out), "{answer:?}: {out}");
    }
    // Silence is not a no.
    let mut e = engine_reading(&[("keep going", Label::Ask)]);
    said(&mut e, "i can't keep going like this", T0 + 1_000);
    let out = says(&e.handle(Event::ListenTimedOut, T0 + 40_000)).join(" ");
    assert!(e.in_crisis() && mentions_helpline(&out), "{out}");
}

#[test]
fn asking_mid_exercise_holds_the_exercise_and_a_no_resumes_it() {
    use crate::engine::safety::Label;
    let mut e = engine_reading(&[("what is the point", Label::Ask)]);
    e.handle(
        Event::StartFlow {
            name: "box-breathing".into(),
            cycles: Some(4),
            minutes: None,
        },
        T0,
    );
    e.handle(Event::SpeechFinished, T0 + 8_000);
    let out = said(
        &mut e,
        "honestly what is the point of any of it",
        T0 + 10_000,
    );
    assert!(
        out.contains("ending your life") || out.contains("suicide"),
        "{out}"
    );
    assert_eq!(e.next_deadline(), None, "cues must wait while Hearth asks");
    said(&mut e, "no", T0 + 14_000);
    assert_eq!(e.state_summary().flow.as_deref(), Some("box-breathing"));
    assert!(e.next_deadline().is_some(), "the exercise goes on");
}

#[test]
fn an_uncertain_alarm_ends_with_one_clear_clarification_and_a_request_is_honoured() {
    use crate::engine::safety::Label;
    let mut e = engine_reading(&[("drilling next door", Label::Crisis)]);
    let out = said(&mut e, "the drilling next door is unbearable", T0 + 1_000);
    assert!(e.in_crisis() && mentions_helpline(&out), "{out}");
    let out = said(
        &mut e,
        "no, I mean the noise from the building site, I'm safe",
        T0 + 5_000,
    );
    assert!(!e.in_crisis(), "{out}");
    assert!(mentions_helpline(&out), "the line is said once more: {out}");
    e.handle(
        Event::Utterance {
            text: "let's do box breathing".into(),
        },
        T0 + 9_000,
    );
    assert_eq!(e.state_summary().flow.as_deref(), Some("box-breathing"));
}

#[test]
fn an_explicit_statement_is_not_ended_by_im_fine_or_a_claimed_misunderstanding() {
    let mut e = known_engine();
    said(&mut e, "i want to kill myself", T0 + 1_000);
    assert!(e.in_crisis());
    for reply in [
        "i'm fine",
        "i was joking",
        "you misunderstood me",
        "let's do box breathing",
    ] {
        let out = said(&mut e, reply, T0 + 5_000);
        assert!(e.in_crisis(), "{reply:?} ended it: {out}");
    }
}

#[test]
fn a_wrong_emergency_is_left_when_they_say_they_are_safe_and_it_was_a_misunderstanding() {
    use crate::engine::safety::Label;
    let mut e = engine_reading(&[("paint my bedroom", Label::Emergency)]);
    let out = said(&mut e, "i want to paint my bedroom", T0 + 1_000);
    assert!(e.in_crisis() && out.contains("nine one one"), "{out}");
    // Saying only "i'm fine" keeps the emergency script going.
    let out = said(&mut e, "what can you do?", T0 + 3_000);
    assert!(e.in_crisis(), "{out}");
    let out = said(
        &mut e,
        "no, you misunderstood, I'm safe, I was talking about decorating",
        T0 + 6_000,
    );
    assert!(!e.in_crisis(), "{out}");
    assert!(
        out.contains("nine one one"),
        "the number is said once more: {out}"
    );
    e.handle(
        Event::Utterance {
            text: "let's do box breathing".into(),
        },
        T0 + 9_000,
    );
    assert_eq!(e.state_summary().flow.as_deref(), Some("box-breathing"));
}

// ----- listening: acknowledgments that fit, answers read as given, listening mode ------------

/// (rows, right, failures) of an acknowledgment table against the classifier.
fn table_score(file: &str) -> (usize, usize, Vec<String>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let lexicon = prompts().lexicon().clone();
    let (mut rows, mut right, mut wrong) = (0, 0, Vec::new());
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{file}:{}: three columns", i + 1);
        assert!(
            super::reading::AnswerKind::from_name(cols[2]).is_some(),
            "{file}:{}: unknown kind",
            i + 1
        );
        rows += 1;
        let got = lexicon.read(cols[1]);
        if got.name() == cols[2] {
            right += 1;
        } else {
            wrong.push(format!(
                "{}: {:?} -> {} (want {})",
                cols[0],
                cols[1],
                got.name(),
                cols[2]
            ));
        }
    }
    (rows, right, wrong)
}

#[test]
fn acknowledgment_table_scores() {
    let (own_n, own_ok, own_wrong) = table_score("acknowledgments.tsv");
    let (blind_n, blind_ok, _) = table_score("acknowledgments-blind.tsv");
    let own = own_ok as f64 / own_n as f64;
    let blind = blind_ok as f64 / blind_n as f64;
    println!(
        "acknowledgments own: {own_ok}/{own_n} = {:.1} %",
        own * 100.0
    );
    println!(
        "acknowledgments blind: {blind_ok}/{blind_n} = {:.1} %",
        blind * 100.0
    );
    assert!(own_n + blind_n >= 300);
    assert!(own >= 0.90, "own part {own:.3}: {own_wrong:#?}");
    // The blind part is reported as it is; the floor only catches a broken classifier.
    assert!(blind >= 0.75, "blind part {blind:.3}");
}

/// Says of an engine that has met the person, after `lines`, one reply list per line.
fn talk(e: &mut Engine, lines: &[&str]) -> Vec<Vec<String>> {
    let mut t = T0;
    lines
        .iter()
        .map(|l| {
            t += 20_000;
            says(&e.handle(Event::Utterance { text: (*l).into() }, t))
        })
        .collect()
}

#[test]
fn consent_comes_only_from_a_clear_yes_and_requests_are_honoured() {
    // "let's do an evening reflection" as the answer: not a yes, and the reflection starts.
    for (answer, keep, flow) in [
        (
            "let's do an evening reflection",
            false,
            "evening-reflection",
        ),
        (
            "sure why not, but first can we do breathing",
            true,
            "box-breathing",
        ),
        ("I guess", false, "evening-reflection"),
        ("nah", false, "evening-reflection"),
        ("not really", false, "evening-reflection"),
        ("yes please", true, "evening-reflection"),
    ] {
        let mut e = engine_with(EngineMemory::default());
        e.handle(
            Event::Utterance {
                text: "evening reflection".into(),
            },
            T0,
        );
        let out = e.handle(
            Event::Utterance {
                text: answer.into(),
            },
            T0 + 10_000,
        );
        assert!(
            out.contains(&Action::SetConsent {
                keep_transcripts: keep
            }),
            "{answer}: {out:?}"
        );
        assert!(
            out.iter()
                .any(|a| matches!(a, Action::FlowStarted { name } if name == flow)),
            "{answer}: {out:?}"
        );
        if answer == "I guess" || answer.starts_with("let's") {
            assert!(
                !e.memory().consent_asked,
                "{answer}: may be asked another day"
            );
        }
    }
}

#[test]
fn what_do_you_mean_gets_an_explanation_not_the_referral() {
    for q in ["what do you mean?", "why?", "what does that mean"] {
        let mut e = engine_with(EngineMemory::default());
        e.handle(
            Event::Utterance {
                text: "evening reflection".into(),
            },
            T0,
        );
        let s = says(&e.handle(Event::Utterance { text: q.into() }, T0 + 5_000)).join(" ");
        assert!(s.contains("I mean the words"), "{q}: {s}");
        assert!(!s.contains("professional"), "{q}: {s}");
        let out = e.handle(Event::Utterance { text: "yes".into() }, T0 + 9_000);
        assert!(out.contains(&Action::SetConsent {
            keep_transcripts: true
        }));
    }
}

#[test]
fn an_asked_for_exercise_starts_within_two_sentences_of_the_disclosure() {
    let mut e = engine_with(EngineMemory::default());
    let out = e.handle(
        Event::Utterance {
            text: "I feel anxious tonight, can we do some breathing?".into(),
        },
        T0,
    );
    let s = says(&out);
    assert!(s[0].contains("AI"), "{s:?}");
    let started = out
        .iter()
        .position(|a| matches!(a, Action::FlowStarted { .. }))
        .unwrap_or_else(|| panic!("no exercise: {s:?}"));
    let before: Vec<&Action> = out[..started]
        .iter()
        .filter(|a| matches!(a, Action::Say { .. }))
        .collect();
    assert!(before.len() <= 2, "{s:?}");
    assert!(!s.iter().any(|t| t.contains("keep your words")), "{s:?}");
    // The support reply never offers what was just asked for.
    assert!(!s[..before.len()].iter().any(|t| t.ends_with('?')), "{s:?}");
}

#[test]
fn reflection_acknowledgments_fit_the_answer_and_a_mood_command_is_done() {
    let mut e = known_engine();
    let said = talk(
        &mut e,
        &[
            "evening reflection",
            "it was ok",
            "nothing went well today",
            "skip",
            "a walk with my sister",
        ],
    );
    let after_nothing = said[2].join(" ");
    assert!(!after_nothing.contains("lovely"), "{after_nothing}");
    assert!(after_nothing.contains("tiny"), "{after_nothing}");
    assert!(
        said[4].join(" ").contains("A walk with your sister"),
        "{:?}",
        said[4]
    );
    // The intention step: a mood command is a command.
    let mut e = known_engine();
    e.handle(
        Event::StartFlow {
            name: "evening-reflection".into(),
            cycles: None,
            minutes: None,
        },
        T0,
    );
    for i in 0..8 {
        if e.state_summary().step.as_deref() == Some("intention") {
            break;
        }
        e.handle(
            Event::Utterance {
                text: "skip".into(),
            },
            T0 + 1000 * (i + 1),
        );
    }
    assert_eq!(e.state_summary().step.as_deref(), Some("intention"));
    let out = e.handle(
        Event::Utterance {
            text: "log my mood as three, feeling sad".into(),
        },
        T0 + 20_000,
    );
    assert!(
        out.iter()
            .any(|a| matches!(a, Action::LogMood { score: 3, .. })),
        "{out:?}"
    );
    let s = says(&out).join(" ");
    assert!(s.contains("where we"), "{s}");
    assert!(!s.contains("A good intention"), "{s}");
    assert_eq!(e.state_summary().step.as_deref(), Some("intention"));
}

#[test]
fn an_offer_to_talk_can_be_taken_up() {
    let mut e = known_engine();
    let said = talk(
        &mut e,
        &["I'm so lonely tonight", "my dog died this morning"],
    );
    let reply = said[1].join(" ");
    assert!(!reply.contains("not sure I caught"), "{reply}");
    assert!(reply.contains("sorry") || reply.contains("loss"), "{reply}");
    assert_eq!(e.state_summary().mode, "listening");
}

#[test]
fn listening_mode_reflects_varies_sums_up_and_hands_crisis_over() {
    let mut e = known_engine();
    let lines = [
        "can we just talk",
        "work has been awful lately",
        "my manager shouted at me in front of everyone",
        "I just felt so small",
        "and then I came home to an empty flat",
        "I don't really have anyone to tell",
        "my sister lives far away",
        "I miss how things used to be",
        "I keep replaying the meeting",
        "I'm tired of feeling like this",
        "I guess I just needed to say it",
    ];
    let said = talk(&mut e, &lines);
    let all: Vec<String> = said.iter().flatten().cloned().collect();
    let mut seen = std::collections::BTreeSet::new();
    for s in &all {
        assert!(seen.insert(s.clone()), "said twice: {s}\n{all:#?}");
        assert!(!s.contains("Here's what I can do"), "menu: {s}");
    }
    assert!(all.iter().any(|s| s.contains("an empty flat")), "{all:#?}");
    assert!(
        all.iter()
            .any(|s| s.contains("slow breathing") || s.contains("calm breaths")),
        "an offer: {all:#?}"
    );
    assert_eq!(e.state_summary().mode, "listening");
    let out = e.handle(
        Event::Utterance {
            text: CRISIS.into(),
        },
        T0 + 900_000,
    );
    assert!(e.in_crisis());
    assert!(mentions_helpline(&says(&out).join(" ")), "{out:?}");
}

#[test]
fn a_request_inside_a_reflection_is_a_request_not_the_answer() {
    let mut e = known_engine();
    let said = talk(
        &mut e,
        &["evening reflection", "let's do box breathing instead"],
    );
    assert!(
        e.state_summary().flow.as_deref() == Some("box-breathing"),
        "{said:?}"
    );
    // An answer that only mentions an exercise is an answer.
    let mut e = known_engine();
    talk(
        &mut e,
        &[
            "evening reflection",
            "fine",
            "I did some breathing at lunch",
        ],
    );
    assert_eq!(
        e.state_summary().flow.as_deref(),
        Some("evening-reflection")
    );
    assert_eq!(e.state_summary().step.as_deref(), Some("why_1"));
}

#[test]
fn what_do_you_mean_to_an_offer_explains_it() {
    let mut e = known_engine();
    let said = talk(
        &mut e,
        &["I'm feeling really stressed", "what do you mean?", "yes"],
    );
    assert!(
        said[1].join(" ").contains("I mean we could breathe"),
        "{said:?}"
    );
    assert!(!said[1].join(" ").contains("professional"), "{said:?}");
    assert_eq!(e.state_summary().mode, "flow", "{said:?}");
}

#[test]
fn a_small_plan_for_tomorrow_is_asked_about_the_next_day() {
    let memory = EngineMemory {
        keep_transcripts: true,
        ..dry_engine(prompts(), T0).memory().clone()
    };
    let mut e = engine_with(memory);
    let said = talk(
        &mut e,
        &[
            "let's plan something nice",
            "go for a walk by the river",
            "after lunch",
        ],
    );
    assert!(
        said[1].join(" ").contains("Go for a walk by the river"),
        "{said:?}"
    );
    let planned = e
        .memory()
        .planned
        .clone()
        .unwrap_or_else(|| panic!("{said:?}"));
    assert_eq!(planned.what.as_deref(), Some("go for a walk by the river"));
    let next = T0 + DAY_MS;
    let s = says(&e.handle(Event::Utterance { text: "hi".into() }, next)).join(" ");
    assert!(s.contains("go for a walk by the river. Did"), "{s}");
    let out = e.handle(
        Event::Utterance {
            text: "yes I did".into(),
        },
        next + 10_000,
    );
    assert!(out.contains(&Action::LogReflectionValue {
        step: "activity_follow_up".into(),
        value: 1
    }));
    assert!(e.memory().planned.is_none());
    // Without their words kept, the plan is remembered but not what it was.
    let mut e = known_engine();
    talk(
        &mut e,
        &["let's plan something nice", "call my sister", "evening"],
    );
    assert_eq!(
        e.memory().planned.as_ref().map(|p| p.what.is_none()),
        Some(true)
    );
    let s = says(&e.handle(
        Event::Utterance {
            text: "hello".into(),
        },
        T0 + DAY_MS,
    ))
    .join(" ");
    assert!(
        s.contains("one small thing") && !s.contains("sister"),
        "{s}"
    );
}

/// The screen reads with the rules of the prompt set it was given (the files on disk), not only
/// the copy compiled in, and a reload brings the new set's rules at once.
#[test]
fn the_screen_reads_with_the_prompt_sets_rules() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("prompts");
    let mut sources = super::prompts::PromptSources::read_for_test(&dir);
    let Some(rules) = sources.files.get_mut("safety/rules.toml") else {
        panic!("no safety/rules.toml among the prompts");
    };
    rules.push_str(
        "\n[[crisis]]\nid = \"crisis.test_only\"\ncategory = \"suicidal_ideation\"\naction = \"crisis\"\nflags = []\npattern = '\\bpurple elephants tonight\\b'\n",
    );
    let edited = match Prompts::from_sources(&sources) {
        Ok(p) => Arc::new(p),
        Err(errors) => panic!("the edited prompts fail to load: {errors:#?}"),
    };
    let said = "the purple elephants tonight";
    let mut e = dry_engine(prompts(), T0);
    let out = e.handle(Event::Utterance { text: said.into() }, T0);
    assert!(!e.in_crisis(), "{out:?}");
    e.replace_prompts(edited.clone());
    let out = e.handle(Event::Utterance { text: said.into() }, T0 + 10);
    assert!(e.in_crisis(), "{out:?}");
    let mut e = dry_engine(edited, T0);
    e.handle(Event::Utterance { text: said.into() }, T0);
    assert!(e.in_crisis());
}
