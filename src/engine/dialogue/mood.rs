//! Understanding answers however the speech recogniser writes them: a mood score from 0 to 10
//! with feeling words and a note, a PHQ/GAD frequency from 0 to 3, yes or no, and a count of
//! things named (for grounding).
//!
//! Rounding: a half rounds up ("seven and a half", "7.5" -> 8; "six or seven" -> 7). Someone
//! torn between two numbers reached for the higher one too, and a mood log is a personal record,
//! not a measurement. A scale out of 5 is converted ("3 out of 5" -> 6).

use super::text::{normalize, number_word, spoken_number, tokens};
use serde::Serialize;

/// The reading of a mood answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct MoodParse {
    /// 0-10, when a number was said.
    pub score: Option<u8>,
    /// Canonical feeling words, in the order they were said, without repeats.
    pub feelings: Vec<String>,
    /// What is left once the number, the feelings and the fillers are taken out (three words or
    /// more), e.g. "work was long".
    pub note: Option<String>,
    /// A description without a number ("pretty low", "not great"): ask for a number.
    pub tone: Option<MoodTone>,
}

/// How a mood was described in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoodTone {
    Low,
    Middling,
    High,
}

/// Feeling words and the canonical feeling each stands for. Multi-word phrases first.
const FEELINGS: &[(&str, &str)] = &[
    ("worn out", "tired"),
    ("wiped out", "tired"),
    ("on edge", "anxious"),
    ("fed up", "frustrated"),
    ("stressed out", "stressed"),
    ("burnt out", "exhausted"),
    ("burned out", "exhausted"),
    ("tired", "tired"),
    ("sleepy", "tired"),
    ("drained", "tired"),
    ("knackered", "tired"),
    ("exhausted", "exhausted"),
    ("anxious", "anxious"),
    ("nervous", "anxious"),
    ("worried", "anxious"),
    ("uneasy", "anxious"),
    ("jittery", "anxious"),
    ("panicky", "anxious"),
    ("calm", "calm"),
    ("relaxed", "calm"),
    ("peaceful", "calm"),
    ("settled", "calm"),
    ("happy", "happy"),
    ("cheerful", "happy"),
    ("glad", "happy"),
    ("joyful", "happy"),
    ("upbeat", "happy"),
    ("sad", "sad"),
    ("unhappy", "sad"),
    ("gloomy", "sad"),
    ("blue", "sad"),
    ("teary", "sad"),
    ("stressed", "stressed"),
    ("frazzled", "stressed"),
    ("overwhelmed", "overwhelmed"),
    ("hopeful", "hopeful"),
    ("optimistic", "hopeful"),
    ("lonely", "lonely"),
    ("isolated", "lonely"),
    ("angry", "angry"),
    ("mad", "angry"),
    ("furious", "angry"),
    ("annoyed", "irritable"),
    ("irritated", "irritable"),
    ("irritable", "irritable"),
    ("grumpy", "irritable"),
    ("cranky", "irritable"),
    ("frustrated", "frustrated"),
    ("content", "content"),
    ("satisfied", "content"),
    ("grateful", "grateful"),
    ("thankful", "grateful"),
    ("energetic", "energetic"),
    ("energised", "energetic"),
    ("energized", "energetic"),
    ("motivated", "motivated"),
    ("restless", "restless"),
    ("bored", "bored"),
    ("excited", "excited"),
    ("numb", "numb"),
    ("relieved", "relieved"),
    ("proud", "proud"),
    ("confused", "confused"),
    ("unwell", "unwell"),
    ("sick", "unwell"),
    ("ill", "unwell"),
    ("scared", "afraid"),
    ("afraid", "afraid"),
    ("guilty", "guilty"),
    ("ashamed", "ashamed"),
];

/// Descriptions without a number, longest first.
const TONES: &[(&str, MoodTone)] = &[
    ("not too bad", MoodTone::Middling),
    ("not so good", MoodTone::Low),
    ("not very good", MoodTone::Low),
    ("not that good", MoodTone::Low),
    ("not great", MoodTone::Low),
    ("not good", MoodTone::Low),
    ("not bad", MoodTone::Middling),
    ("so so", MoodTone::Middling),
    ("pretty low", MoodTone::Low),
    ("pretty good", MoodTone::High),
    ("really good", MoodTone::High),
    ("low", MoodTone::Low),
    ("down", MoodTone::Low),
    ("rough", MoodTone::Low),
    ("awful", MoodTone::Low),
    ("terrible", MoodTone::Low),
    ("horrible", MoodTone::Low),
    ("bad", MoodTone::Low),
    ("meh", MoodTone::Middling),
    ("okay", MoodTone::Middling),
    ("ok", MoodTone::Middling),
    ("alright", MoodTone::Middling),
    ("fine", MoodTone::Middling),
    ("average", MoodTone::Middling),
    ("good", MoodTone::High),
    ("great", MoodTone::High),
    ("wonderful", MoodTone::High),
    ("fantastic", MoodTone::High),
    ("amazing", MoodTone::High),
];

/// Words that carry no content in a mood answer (dropped before deciding on a note).
const FILLERS: &[&str] = &[
    "um", "uh", "erm", "er", "hmm", "mm", "like", "i", "im", "guess", "think", "say", "id",
    "would", "a", "an", "the", "about", "around", "maybe", "probably", "honestly", "really",
    "pretty", "bit", "little", "kind", "kinda", "sort", "sorta", "of", "and", "but", "so", "just",
    "feeling", "feel", "today", "tonight", "right", "now", "its", "it", "is", "was", "my", "mood",
    "log", "as", "at", "solid", "out", "very", "quite", "somewhat", "bit", "well", "yeah", "ok",
    "okay", "hearth", "please", "put", "me", "down", "for", "record", "set", "to", "thanks",
    "call", "that", "with", "also", "though", "lot", "half", "point", "or", "between", "oh",
];

/// Words after which "one" is a pronoun, not a number.
const ONE_PRONOUN_BEFORE: &[&str] = &[
    "no", "the", "every", "some", "any", "that", "this", "each", "which",
];

/// Parse a spoken mood: "six", "6 out of 10", "about a seven", "like a five I guess",
/// "seven and a half" (-> 8), "log my mood as six, a bit tired".
pub fn parse_mood(text: &str) -> MoodParse {
    let norm = normalize(text);
    let toks: Vec<&str> = norm.split(' ').filter(|t| !t.is_empty()).collect();
    let mut used = vec![false; toks.len()];

    let score = find_score(&toks, &mut used);
    let feelings = find_feelings(&toks, &mut used);
    let tone = if score.is_none() {
        find_tone(&toks, &mut used)
    } else {
        mark_tone(&toks, &mut used)
    };

    let rest: Vec<&str> = toks
        .iter()
        .zip(&used)
        .filter(|(t, u)| !**u && !FILLERS.contains(t))
        .map(|(t, _)| *t)
        .collect();
    let note = if rest.len() >= 3 {
        Some(note_text(&toks, &used))
    } else {
        None
    };
    MoodParse {
        score,
        feelings,
        note,
        tone,
    }
}

/// The remaining words, in order, with leading joiners trimmed ("because work was long").
fn note_text(toks: &[&str], used: &[bool]) -> String {
    let words: Vec<&str> = toks
        .iter()
        .zip(used)
        .filter(|(_, u)| !**u)
        .map(|(t, _)| *t)
        .collect();
    let lead = [
        "and", "but", "so", "a", "bit", "i", "guess", "um", "uh", "like", "little", "just", "its",
    ];
    let start = words
        .iter()
        .position(|w| !lead.contains(w))
        .unwrap_or(words.len());
    words[start..].join(" ")
}

struct Candidate {
    start: usize,
    end: usize, // exclusive
    value: f32,
    weight: i32,
}

/// The value of token `i` as a number, honouring pronoun "one" and homophones after "a".
fn token_number(toks: &[&str], i: usize) -> Option<f32> {
    let t = toks[i];
    let prev = if i > 0 { toks[i - 1] } else { "" };
    if t == "one" && ONE_PRONOUN_BEFORE.contains(&prev) {
        return None;
    }
    if t.contains('.') {
        return t.parse::<f32>().ok().filter(|v| (0.0..=10.0).contains(v));
    }
    if prev == "a" {
        match t {
            "for" => return Some(4.0),
            "ate" => return Some(8.0),
            "won" => return Some(1.0),
            _ => {}
        }
    }
    number_word(t).map(|n| n as f32)
}

fn find_score(toks: &[&str], used: &mut [bool]) -> Option<u8> {
    let mut cands: Vec<Candidate> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(mut value) = token_number(toks, i) else {
            i += 1;
            continue;
        };
        let start = i;
        let mut end = i + 1;
        let mut weight = 0;
        // "seven and a half", "seven point five"
        if toks.get(end..end + 3) == Some(&["and", "a", "half"][..]) {
            value += 0.5;
            end += 3;
        } else if toks.get(end) == Some(&"point") {
            if let Some(frac) = toks
                .get(end + 1)
                .and_then(|t| number_word(t))
                .filter(|n| *n < 10)
            {
                value += frac as f32 / 10.0;
                end += 2;
            }
        }
        // "six or seven", "6 to 7", "between six and seven"
        if let Some(joiner) = toks.get(end) {
            if matches!(*joiner, "or" | "to" | "and") && end + 1 < toks.len() {
                if let Some(second) = token_number(toks, end + 1) {
                    if second > value && second - value <= 2.0 && second <= 10.0 {
                        value = (value + second) / 2.0;
                        end += 2;
                        weight += 1;
                    }
                }
            }
        }
        // "out of 10", "of ten", "on a scale of 10"
        let mut scale = 10.0;
        let tail: Vec<&str> = toks.iter().skip(end).take(4).copied().collect();
        let denom_at = match tail.as_slice() {
            ["out", "of", d, ..] => Some((*d, 3)),
            ["of", d, ..] | ["on", d, ..] => Some((*d, 2)),
            _ => None,
        };
        if let Some((d, len)) = denom_at {
            if let Some(dv) = number_word(d) {
                if dv == 5 || dv == 10 {
                    scale = dv as f32;
                    end += len;
                    weight += 3;
                }
            }
        }
        let prev = if start > 0 { toks[start - 1] } else { "" };
        if matches!(
            prev,
            "a" | "an"
                | "about"
                | "around"
                | "like"
                | "maybe"
                | "probably"
                | "say"
                | "solid"
                | "is"
                | "at"
                | "as"
                | "mood"
                | "feel"
                | "feeling"
                | "im"
                | "its"
                | "honestly"
                | "roughly"
                | "be"
                | "me"
                | "give"
                | "call"
        ) {
            weight += 2;
        }
        if let Some(next) = toks.get(end) {
            if matches!(
                *next,
                "hours"
                    | "hour"
                    | "minutes"
                    | "days"
                    | "day"
                    | "times"
                    | "people"
                    | "coffees"
                    | "cups"
                    | "things"
                    | "kids"
                    | "weeks"
                    | "am"
                    | "pm"
                    | "oclock"
                    | "years"
                    | "of"
            ) {
                weight -= 4;
            }
        }
        if scale == 5.0 {
            value *= 2.0;
        }
        if value > 10.0 {
            if weight >= 3 && value <= 20.0 {
                value = 10.0; // "eleven out of ten"
            } else {
                i = end;
                continue;
            }
        }
        cands.push(Candidate {
            start,
            end,
            value,
            weight,
        });
        i = end;
    }
    let best = cands
        .iter()
        .enumerate()
        .max_by_key(|(idx, c)| (c.weight, -(*idx as i64)))?
        .1;
    if best.weight < -1 {
        return None;
    }
    for u in &mut used[best.start..best.end] {
        *u = true;
    }
    // Round half up.
    Some((best.value + 0.5).floor().clamp(0.0, 10.0) as u8)
}

fn is_negated(toks: &[&str], at: usize) -> bool {
    let from = at.saturating_sub(2);
    toks[from..at].iter().any(|t| {
        matches!(
            *t,
            "not" | "never" | "dont" | "isnt" | "wasnt" | "no" | "arent"
        )
    })
}

fn find_feelings(toks: &[&str], used: &mut [bool]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let mut matched = false;
        for (phrase, canonical) in FEELINGS {
            let words: Vec<&str> = phrase.split(' ').collect();
            if toks.get(i..i + words.len()) == Some(words.as_slice()) {
                for u in &mut used[i..i + words.len()] {
                    *u = true;
                }
                if !is_negated(toks, i) && !out.iter().any(|f| f == canonical) {
                    out.push((*canonical).to_string());
                }
                if i > 0 && toks[i - 1] == "not" {
                    used[i - 1] = true;
                }
                i += words.len();
                matched = true;
                break;
            }
        }
        if !matched {
            i += 1;
        }
    }
    out
}

fn tone_at(toks: &[&str], i: usize) -> Option<(usize, MoodTone)> {
    for (phrase, tone) in TONES {
        let words: Vec<&str> = phrase.split(' ').collect();
        if toks.get(i..i + words.len()) == Some(words.as_slice()) {
            return Some((words.len(), *tone));
        }
    }
    None
}

fn find_tone(toks: &[&str], used: &mut [bool]) -> Option<MoodTone> {
    let mut found = None;
    let mut i = 0;
    while i < toks.len() {
        if let Some((len, tone)) = tone_at(toks, i) {
            for u in &mut used[i..i + len] {
                *u = true;
            }
            if found.is_none() {
                found = Some(tone);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    found
}

/// With a score present, tone words are only consumed (so they do not become a note).
fn mark_tone(toks: &[&str], used: &mut [bool]) -> Option<MoodTone> {
    find_tone(toks, used);
    None
}

/// A strength from nought to a hundred said in an answer ("anxious, about 80", "maybe forty
/// five", "a hundred"): the first such number, if any.
pub fn parse_rating(text: &str) -> Option<u8> {
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let toks = tokens(text);
    for (i, t) in toks.iter().enumerate() {
        let t = t.trim_end_matches("percent");
        if let Ok(n) = t.parse::<f32>() {
            if (0.0..=100.0).contains(&n) {
                return Some(n.round() as u8);
            }
            continue;
        }
        if t == "hundred" {
            return Some(100);
        }
        if let Some(n) = (10u8..=19).find(|n| spoken_number(u64::from(*n)) == t) {
            return Some(n);
        }
        if let Some(k) = TENS.iter().position(|w| *w == t) {
            let unit = toks
                .get(i + 1)
                .and_then(|u| number_word(u))
                .filter(|u| (1..=9).contains(u))
                .unwrap_or(0);
            return Some(20 + 10 * k as u8 + unit as u8);
        }
    }
    // A lone small number word last: "no one" is not a one when "sixty" is said too.
    toks.iter()
        .find_map(|t| number_word(t).filter(|n| *n <= 9))
        .map(|n| n as u8)
}

/// A PHQ/GAD answer: 0 "not at all", 1 "several days", 2 "more than half the days",
/// 3 "nearly every day"; also the digits 0-3 and everyday paraphrases.
pub fn parse_frequency(text: &str) -> Option<u8> {
    let n = format!(" {} ", normalize(text));
    const TABLE: &[(&str, u8)] = &[
        (" not at all ", 0),
        (" more than half ", 2),
        (" over half ", 2),
        (" nearly every ", 3),
        (" almost every ", 3),
        (" nearly all ", 3),
        (" almost all ", 3),
        (" every day ", 3),
        (" everyday ", 3),
        (" all the time ", 3),
        (" all day ", 3),
        (" constantly ", 3),
        (" always ", 3),
        (" daily ", 3),
        (" most days ", 2),
        (" most of the ", 2),
        (" a lot ", 2),
        (" often ", 2),
        (" half the days ", 2),
        (" several days ", 1),
        (" several ", 1),
        (" a few days ", 1),
        (" a few ", 1),
        (" a couple ", 1),
        (" some days ", 1),
        (" sometimes ", 1),
        (" once or twice ", 1),
        (" occasionally ", 1),
        (" a little ", 1),
        (" never ", 0),
        (" none ", 0),
        (" not really ", 0),
        (" no ", 0),
        (" nope ", 0),
    ];
    for (phrase, value) in TABLE {
        if n.contains(phrase) {
            return Some(*value);
        }
    }
    let toks: Vec<&str> = n.split_whitespace().collect();
    let nums: Vec<u32> = toks.iter().filter_map(|t| number_word(t)).collect();
    match nums.as_slice() {
        [v] if *v <= 3 => Some(*v as u8),
        _ => None,
    }
}

/// Yes or no, or neither.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    // "sure, why not" and "go on then" are a yes; "why not" must not read as "not".
    let n = format!(" {} ", normalize(text)).replace(" why not ", " yes ");
    const NO: &[&str] = &[
        " no ",
        " nope ",
        " nah ",
        " not now ",
        " dont ",
        " do not ",
        " not really ",
        " maybe later ",
        " later ",
        " no thanks ",
        " not today ",
        " rather not ",
        " im ok ",
        " im fine ",
        " im good ",
        " skip ",
        " not ",
    ];
    const YES: &[&str] = &[
        " yes ",
        " yeah ",
        " yep ",
        " yup ",
        " sure ",
        " ok ",
        " okay ",
        " please ",
        " go ahead ",
        " lets ",
        " alright ",
        " all right ",
        " sounds good ",
        " id like that ",
        " why not ",
        " do it ",
        " keep ",
        " definitely ",
        " of course ",
        " absolutely ",
        " i would ",
        " i do ",
        " ready ",
        " i guess ",
        " i suppose ",
        " go on then ",
        " if you like ",
        " fine ",
        " guess so ",
    ];
    if NO.iter().any(|p| n.contains(p)) {
        return Some(false);
    }
    if YES.iter().any(|p| n.contains(p)) {
        return Some(true);
    }
    None
}

/// How many things were named in a list answer ("the lamp, a cup and the window" -> 3).
pub fn count_things(text: &str) -> usize {
    let lowered = text.to_lowercase();
    let parts = lowered
        .split([',', ';', '.'])
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" then "))
        .filter(|p| {
            p.split_whitespace()
                .any(|w| w.len() > 1 || w.chars().all(char::is_alphanumeric))
        })
        .count();
    parts.max(usize::from(!lowered.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row of tests/data/mood_phrases.tsv: phrase, score ("-" for none), feelings
    /// (comma-separated, "-" for none), whether a note is expected (y/n), tone ("-" or low,
    /// middling, high).
    #[test]
    fn mood_phrase_table() {
        let table = include_str!("../../../tests/data/mood_phrases.tsv");
        let mut rows = 0;
        let mut failures = Vec::new();
        for (lineno, line) in table.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(
                cols.len(),
                5,
                "line {}: expected 5 tab-separated columns",
                lineno + 1
            );
            rows += 1;
            let got = parse_mood(cols[0]);
            let want_score = if cols[1] == "-" {
                None
            } else {
                cols[1].parse::<u8>().ok()
            };
            let want_feelings: Vec<String> = if cols[2] == "-" {
                vec![]
            } else {
                cols[2].split(',').map(|s| s.trim().to_string()).collect()
            };
            let want_note = cols[3] == "y";
            let want_tone = match cols[4] {
                "low" => Some(MoodTone::Low),
                "middling" => Some(MoodTone::Middling),
                "high" => Some(MoodTone::High),
                _ => None,
            };
            if got.score != want_score
                || got.feelings != want_feelings
                || got.note.is_some() != want_note
                || got.tone != want_tone
            {
                failures.push(format!(
                    "line {}: {:?}\n   want score={:?} feelings={:?} note={} tone={:?}\n   got  {:?}",
                    lineno + 1,
                    cols[0],
                    want_score,
                    want_feelings,
                    want_note,
                    want_tone,
                    got
                ));
            }
        }
        assert!(
            rows >= 50,
            "the table needs at least 50 phrasings, has {rows}"
        );
        assert!(
            failures.is_empty(),
            "{} of {rows} rows failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn notes_keep_the_rest() {
        let p = parse_mood("six, a bit tired because work was really long");
        assert_eq!(p.score, Some(6));
        assert_eq!(p.feelings, vec!["tired"]);
        assert_eq!(p.note.as_deref(), Some("because work was really long"));
    }

    #[test]
    fn ratings_from_nought_to_a_hundred() {
        for (text, want) in [
            ("Anxious, about 80", Some(80)),
            ("about 45 now", Some(45)),
            ("maybe forty five", Some(45)),
            ("sad, like seventy", Some(70)),
            ("a hundred", Some(100)),
            ("one hundred percent", Some(100)),
            ("fifteen", Some(15)),
            ("no one noticed, I'd say sixty", Some(60)),
            ("nought", Some(0)),
            ("five", Some(5)),
            ("I don't know", None),
            ("250", None),
        ] {
            assert_eq!(parse_rating(text), want, "{text}");
        }
    }

    #[test]
    fn frequencies() {
        let cases = [
            ("not at all", Some(0)),
            ("Several days.", Some(1)),
            ("more than half the days", Some(2)),
            ("nearly every day", Some(3)),
            ("um, maybe a few days", Some(1)),
            ("pretty much every day honestly", Some(3)),
            ("two", Some(2)),
            ("3", Some(3)),
            ("no, not really", Some(0)),
            ("most days", Some(2)),
            ("banana", None),
            ("seven", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_frequency(text), want, "{text}");
        }
    }

    #[test]
    fn yes_no() {
        assert_eq!(parse_yes_no("Yes please."), Some(true));
        assert_eq!(parse_yes_no("yeah, keep them"), Some(true));
        assert_eq!(parse_yes_no("no thanks"), Some(false));
        assert_eq!(parse_yes_no("don't keep my words"), Some(false));
        assert_eq!(parse_yes_no("purple"), None);
    }

    #[test]
    fn counts_things() {
        assert_eq!(count_things("the lamp, a cup and the window"), 3);
        assert_eq!(count_things("my phone"), 1);
        assert_eq!(count_things(""), 0);
    }
}
