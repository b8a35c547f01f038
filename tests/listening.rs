//! A companion that listens (#11), through `hearth chat`: acknowledgments that fit the answer,
//! answers read as people give them (consent only from a clear yes, "what do you mean?"
//! explained, a request in place of an answer honoured), an asked-for exercise that starts at
//! once, a mood command inside a reflection, an offer to talk that can be taken up, and ten
//! turns of listening with no sentence said twice, no menu, and the crisis protocol when a
//! crisis line comes in the middle. Each seen failure of the issue has its test here.

use crate::common::{chat_said, hearth, run, stderr, stdout, temp_dir};

fn chat(lines: &[&str]) -> Vec<String> {
    chat_said(&temp_dir("listen-chat"), lines)
}

/// Index of the first line containing `needle` (panics with the transcript when none does).
fn at(said: &[String], needle: &str) -> usize {
    said.iter()
        .position(|s| s.contains(needle))
        .unwrap_or_else(|| panic!("nothing said contains {needle:?}:\n{said:#?}"))
}

#[test]
fn chat_nothing_went_well_is_not_lovely_and_a_mood_said_in_the_intention_is_logged() {
    let home = temp_dir("listen-reflection");
    let said = chat_said(
        &home,
        &[
            "let's do an evening reflection",
            "no",
            "it was okay",
            "nothing went well today",
            "skip",
            "a walk with my sister",
            "she asked me to come",
            "skip",
            "skip",
            "log my mood as three, feeling sad",
        ],
    );
    let nothing = at(&said, "tiny");
    assert!(
        !said[nothing - 1..=nothing]
            .iter()
            .any(|s| s.contains("lovely")),
        "{said:#?}"
    );
    at(
        &said,
        "A walk with your sister — that sounds like it mattered.",
    );
    let logged = at(&said, "logged a 3");
    assert!(
        said[logged..].iter().any(|s| s.contains("where we")),
        "{said:#?}"
    );
    assert!(
        !said.iter().any(|s| s.contains("A good intention")),
        "{said:#?}"
    );
    let mut c = hearth(&home);
    c.args(["mood", "list", "--since", "1d", "--json"]);
    let out = run(c);
    let entries: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(entries[0]["score"], 3, "{entries}");
}

#[test]
fn chat_an_offer_to_talk_is_kept_when_they_go_on_talking() {
    let said = chat(&["I'm so lonely tonight", "my dog died this morning"]);
    assert!(
        !said.iter().any(|s| s.contains("not sure I caught")),
        "{said:#?}"
    );
    let last = said.len() - 2;
    assert!(
        said[last].contains("sorry") || said[last].contains("loss"),
        "{said:#?}"
    );
    assert!(
        said[last + 1].ends_with('?'),
        "one open question: {said:#?}"
    );
}

#[test]
fn chat_consent_is_explained_and_only_a_clear_yes_keeps_words() {
    let said = chat(&[
        "evening reflection",
        "what do you mean?",
        "let's do an evening reflection",
    ]);
    let explained = at(&said, "I mean the words");
    // (The disclosure mentions a professional; nothing after it may.)
    assert!(
        !said[1..].iter().any(|s| s.contains("professional")),
        "{said:#?}"
    );
    assert!(
        !said.iter().any(|s| s.contains("I'll keep the words")),
        "not a yes: {said:#?}"
    );
    let unclear = at(&said, "not store them for now");
    assert!(explained < unclear);
    assert!(
        said[unclear + 1..].iter().any(|s| s.ends_with('?')),
        "the reflection starts: {said:#?}"
    );

    let said = chat(&[
        "evening reflection",
        "sure why not, but first can we do breathing",
    ]);
    at(&said, "I'll keep the words");
    at(&said, "breath");
}

#[test]
fn chat_an_anxious_request_for_breathing_starts_within_two_sentences() {
    let said = chat(&["I feel anxious tonight, can we do some breathing?"]);
    assert!(said[0].contains("AI"), "{said:#?}");
    assert!(
        !said.iter().any(|s| s.contains("keep your words")),
        "{said:#?}"
    );
    let intro = 1 + said[1..]
        .iter()
        .position(|s| s.to_lowercase().contains("breath") && !s.ends_with('?'))
        .unwrap_or_else(|| panic!("{said:#?}"));
    // The disclosure, one sentence or two, then the exercise.
    let between: usize = said[1..intro]
        .iter()
        .map(|s| s.matches(['.', '!', '?']).count())
        .sum();
    assert!(between <= 2, "{said:#?}");
    assert!(
        !said[1..intro].iter().any(|s| s.ends_with('?')),
        "{said:#?}"
    );
}

#[test]
fn chat_ten_turns_of_listening_without_a_repeat_or_a_menu_then_a_crisis_line() {
    let said = chat(&[
        "can we just talk",
        "work has been awful lately",
        "my manager shouted at me in front of everyone",
        "I just felt so small",
        "and then I came home to an empty flat",
        "I don't really have anyone to tell",
        "my sister lives far away",
        "no, let's keep talking",
        "I miss how things used to be",
        "I keep replaying the meeting",
        "I'm tired of feeling like this",
        "I want to kill myself",
    ]);
    let crisis = at(&said, "nine eight eight");
    let listening = &said[1..crisis];
    let mut seen = std::collections::BTreeSet::new();
    for s in listening {
        assert!(seen.insert(s.as_str()), "said twice: {s}\n{said:#?}");
        assert!(
            !s.contains("I can guide some slow breathing, help you ground"),
            "menu: {said:#?}"
        );
        assert!(!s.contains("Here's what I can do"), "menu: {said:#?}");
        assert!(!s.contains("not sure I caught"), "{said:#?}");
    }
    at(&said, "you came home to an empty flat");
    at(&said, "your manager shouted at you");
    assert!(
        listening.iter().filter(|s| s.ends_with('?')).count() >= 8,
        "{said:#?}"
    );
}

#[test]
fn chat_a_thought_record_walks_through_the_steps_and_names_the_traps() {
    let home = temp_dir("listen-thought");
    let said = chat_said(
        &home,
        &[
            "can we do a thought record",
            "no",
            "my friend didn't reply to my message",
            "she's angry with me",
            "anxious, about seventy",
            "mind reading I guess",
            "she hasn't texted for two days",
            "she said she loved our lunch last week",
            "maybe she's just busy",
            "forty",
        ],
    );
    let traps = at(&said, "mind reading");
    assert!(said[traps].contains("catastrophising"), "{said:#?}");
    let rerate = said
        .iter()
        .rposition(|s| s.ends_with('?') && (s.contains("hundred") || s.contains("number")))
        .unwrap_or_else(|| panic!("{said:#?}"));
    assert!(
        rerate > traps,
        "the feeling is rated again at the end: {said:#?}"
    );
    assert!(
        said.last().is_some_and(|s| !s.ends_with('?')),
        "it closes: {said:#?}"
    );
    // The feeling rated again is said back with its first rating.
    let change = at(&said, "70 to 40");
    assert!(change > rerate, "{said:#?}");
    // The therapist's report shows the record: both numbers, kept although the words were not.
    let report = home.join("report.html");
    let mut c = hearth(&home);
    c.args(["export", "--since", "all", "--out"]).arg(&report);
    let out = run(c);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&report).unwrap();
    let table = &html[html
        .find("<h2>Thought records</h2>")
        .expect("a thought record section")..];
    let row = &table[table.find("<tbody>").unwrap()..table.find("</tbody>").unwrap()];
    assert!(
        row.contains(">70<") && row.contains(">40<") && row.contains("words not kept"),
        "{row}"
    );
    assert!(
        !html.contains("angry with me"),
        "words kept without consent"
    );
}
