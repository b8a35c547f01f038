//! What a person wants, read from a transcript: global commands that work at any moment (stop,
//! pause, repeat, ...) and the requests understood when nothing is running (a flow by its
//! trigger words, logging a mood, the mood summary, the safety plan, deleting what is kept).
//!
//! Commands match only when the whole utterance, once fillers and the wake word are dropped, is
//! the command: "stop" and "okay Hearth, stop please" stop; "I can't stop thinking about work"
//! is an answer. Requests match trigger phrases anywhere in the utterance, after words are
//! normalised ("breathe"/"breaths" -> "breath", "four seven eight"/"478" -> "4 7 8").

use super::text::{normalize, number_word};
use serde::Serialize;

/// What a spoken deletion removes. Serialised inside [`Action::Forget`] as `"scope":"all"` or
/// `"scope":"since","days":7`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum ForgetScope {
    /// Every personal record: mood entries and notes, reflections, check-ins, sessions, safety
    /// events, the safety plan and the consent setting (back to not keeping words).
    All,
    /// The dated records (mood entries and notes, reflections, check-ins, sessions) of the last
    /// `days` days, today counting as one; the safety plan and settings stay.
    Since { days: u32 },
}

/// A command understood at any moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Stop,
    Pause,
    Resume,
    Repeat,
    Slower,
    Faster,
    Skip,
    Help,
    AreYouHuman,
    /// "keep my reflections" (true) / "don't keep my words" (false).
    Consent(bool),
}

/// Words dropped before a command is matched.
const COMMAND_FILLERS: &[&str] = &[
    "um", "uh", "erm", "er", "hmm", "ok", "okay", "hearth", "hey", "please", "can", "could", "you",
    "would", "now", "just", "lets", "let", "us", "oh", "right", "alright", "so", "well",
    "actually", "thanks", "thank", "the", "a", "that", "this", "it", "for", "moment", "bit",
    "little", "sorry", "go", "i", "want", "to", "wanna", "again", "exercise", "one", "me", "and",
    "yeah",
];

const COMMANDS: &[(&str, Command)] = &[
    ("stop", Command::Stop),
    ("end", Command::Stop),
    ("quit", Command::Stop),
    ("cancel", Command::Stop),
    ("enough", Command::Stop),
    ("thats enough", Command::Stop),
    ("im done", Command::Stop),
    ("done", Command::Stop),
    ("never mind", Command::Stop),
    ("nevermind", Command::Stop),
    ("exit", Command::Stop),
    ("finish", Command::Stop),
    ("shut up", Command::Stop),
    ("be quiet", Command::Stop),
    ("pause", Command::Pause),
    ("wait", Command::Pause),
    ("hold on", Command::Pause),
    ("hang on", Command::Pause),
    ("hold on sec", Command::Pause),
    ("hold on second", Command::Pause),
    ("hold on minute", Command::Pause),
    ("hang on sec", Command::Pause),
    ("hang on second", Command::Pause),
    ("hang on minute", Command::Pause),
    ("give minute", Command::Pause),
    ("give second", Command::Pause),
    ("sec", Command::Pause),
    ("second", Command::Pause),
    ("minute", Command::Pause),
    ("resume", Command::Resume),
    ("continue", Command::Resume),
    ("carry on", Command::Resume),
    ("on", Command::Resume),
    ("keep going", Command::Resume),
    ("im back", Command::Resume),
    ("unpause", Command::Resume),
    ("im ready", Command::Resume),
    ("ready", Command::Resume),
    ("pick up where we left off", Command::Resume),
    ("repeat", Command::Repeat),
    ("say again", Command::Repeat),
    ("say", Command::Repeat),
    ("what", Command::Repeat),
    ("pardon", Command::Repeat),
    ("come", Command::Repeat),
    ("what did say", Command::Repeat),
    ("didnt catch", Command::Repeat),
    ("slower", Command::Slower),
    ("slow down", Command::Slower),
    ("more slowly", Command::Slower),
    ("too fast", Command::Slower),
    ("faster", Command::Faster),
    ("speed up", Command::Faster),
    ("quicker", Command::Faster),
    ("too slow", Command::Faster),
    ("skip", Command::Skip),
    ("next", Command::Skip),
    ("pass", Command::Skip),
    ("move on", Command::Skip),
    ("next question", Command::Skip),
    ("skip question", Command::Skip),
    ("id rather not say", Command::Skip),
    ("rather not say", Command::Skip),
    ("dont know", Command::Skip),
    ("help", Command::Help),
    ("what say", Command::Help),
    ("what ask", Command::Help),
    ("what are my options", Command::Help),
    ("options", Command::Help),
    ("menu", Command::Help),
    ("what do do", Command::Help),
    ("what do", Command::Help),
    ("how does work", Command::Help),
];

/// The utterance with fillers removed, as used for command matching.
fn command_core(text: &str) -> String {
    normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty() && !COMMAND_FILLERS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Phrases asking whether Hearth is a person (also asked of the safety engine).
const HUMAN_QUESTIONS: &[&str] = &[
    "are you human",
    "are you a human",
    "are you a person",
    "are you a real person",
    "are you real",
    "is this a real person",
    "am i talking to a person",
    "am i talking to a human",
    "am i talking to a real person",
    "are you a robot",
    "are you a bot",
    "are you an ai",
    "are you ai",
    "are you a machine",
    "are you a computer",
    "are you a therapist",
    "are you a doctor",
    "is this a person",
    "is there someone there",
    "who am i talking to",
    "what are you",
];

/// Whether the utterance asks if Hearth is human (or a therapist).
pub fn is_identity_question(text: &str) -> bool {
    let n = format!(" {} ", normalize(text));
    HUMAN_QUESTIONS
        .iter()
        .any(|q| n.contains(&format!(" {q} ")))
}

/// A global command, if the utterance is one.
pub fn command(text: &str) -> Option<Command> {
    if is_identity_question(text) {
        return Some(Command::AreYouHuman);
    }
    if let Some(c) = consent_command(text) {
        return Some(Command::Consent(c));
    }
    let whole = command_in(text);
    if whole.is_some() {
        return whole;
    }
    // "No, thank you. Stop." - a stop or a pause said as the last sentence still counts: a person
    // who wants quiet should not have to say it alone. Other commands must stand alone.
    let last = text
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '!' | '?'))
        .rsplit(['.', '!', '?'])
        .next()
        .filter(|s| s.len() < text.len())?;
    command_in(last).filter(|c| matches!(c, Command::Stop | Command::Pause))
}

/// The command that a whole piece of text is, once fillers are dropped.
fn command_in(text: &str) -> Option<Command> {
    let core = command_core(text);
    if core.is_empty() {
        return None;
    }
    COMMANDS.iter().find(|(p, _)| *p == core).map(|(_, c)| *c)
}

/// "keep my reflections", "save my words" -> true; "don't keep my words" -> false.
fn consent_command(text: &str) -> Option<bool> {
    let n = format!(" {} ", normalize(text));
    let about_words = [
        " reflections ",
        " reflection ",
        " words ",
        " transcripts ",
        " what i say ",
    ]
    .iter()
    .any(|w| n.contains(w));
    let keep = [
        " keep ",
        " save ",
        " store ",
        " remember ",
        " keeping ",
        " saving ",
        " storing ",
    ]
    .iter()
    .any(|w| n.contains(w));
    if !(about_words && keep) || n.split(' ').filter(|w| !w.is_empty()).count() > 9 {
        return None;
    }
    let negative = [
        " dont ",
        " do not ",
        " stop ",
        " no longer ",
        " never ",
        " not ",
    ]
    .iter()
    .any(|w| n.contains(w));
    Some(!negative)
}

/// How the consent question ("would you like me to keep your words?") was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentReply {
    /// A clear yes ("yes", "sure, why not", "yes please, keep them").
    Yes,
    No,
    /// A question about the question ("what do you mean?", "why?").
    Question,
    /// A hedge ("I guess", "maybe") or something else: not a yes.
    Unclear,
}

/// Read an answer to the consent question. Only a clear yes is [`ConsentReply::Yes`].
pub fn consent_reply(text: &str) -> ConsentReply {
    let n = format!(" {} ", normalize(text));
    let words = n.split(' ').filter(|w| !w.is_empty()).count();
    const QUESTIONS: &[&str] = &[
        " what do you mean ",
        " what does that mean ",
        " why ",
        " what for ",
        " how do you mean ",
        " what words ",
        " which words ",
        " explain ",
        " huh ",
        " meaning ",
        " keep what ",
        " what would you keep ",
        " who can see ",
        " where are they ",
        " where do they go ",
        " is it private ",
        " what happens to ",
        " what is that ",
        " whats that ",
        " sorry what ",
        " i dont understand ",
        " dont get it ",
    ];
    const HEDGES: &[&str] = &[
        " i guess ",
        " i suppose ",
        " maybe ",
        " perhaps ",
        " probably ",
        " not sure ",
        " kind of ",
        " sort of ",
        " kinda ",
        " sorta ",
        " whatever ",
        " dunno ",
        " if you want ",
        " i dont mind ",
        " dont care ",
        " doesnt matter ",
        " up to you ",
        " hmm ",
        " possibly ",
        " i think so ",
        " might ",
    ];
    const YES: &[&str] = &[
        " yes ",
        " yeah ",
        " yep ",
        " yup ",
        " sure ",
        " okay ",
        " ok ",
        " please do ",
        " of course ",
        " absolutely ",
        " definitely ",
        " go ahead ",
        " keep them ",
        " keep it ",
        " keep my ",
        " thats fine ",
        " fine ",
        " alright ",
        " all right ",
        " why not ",
        " please ",
        " i would ",
        " id like that ",
        " sounds good ",
    ];
    let why_not = n.contains(" why not ");
    let question = QUESTIONS
        .iter()
        .any(|q| n.contains(q) && !(*q == " why " && why_not));
    if question && words <= 12 {
        return ConsentReply::Question;
    }
    if HEDGES.iter().any(|h| n.contains(h)) {
        return ConsentReply::Unclear;
    }
    let cleaned = n.replace(" why not ", " yes ");
    match super::mood::parse_yes_no(&cleaned) {
        Some(false) => ConsentReply::No,
        _ if YES.iter().any(|y| n.contains(y)) => ConsentReply::Yes,
        _ => ConsentReply::Unclear,
    }
}

/// "let's do box breathing instead", "can we switch to grounding": a request to change what is
/// running (not an answer that happens to name an exercise).
pub fn switches(text: &str) -> bool {
    let n = format!(" {} ", normalize(text));
    [
        " instead ",
        " lets do ",
        " can we do ",
        " could we do ",
        " i want to do ",
        " switch to ",
        " id rather do ",
        " lets try ",
        " can we try ",
        " i want to try ",
        " rather do ",
        " can we switch ",
        " start ",
    ]
    .iter()
    .any(|p| n.contains(p))
}

/// "I'd rather keep talking", "can we just talk": the person wants to talk, not do an exercise.
pub fn wants_to_talk(text: &str) -> bool {
    let n = format!(" {} ", normalize(text));
    [" talk ", " talking ", " chat ", " vent "]
        .iter()
        .any(|w| n.contains(w))
}

/// A request understood when no flow is running.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Start the flow of this name.
    Flow(String),
    /// "log my mood" with whatever followed it (may be empty).
    LogMood(String),
    MoodSummary,
    ReadSafetyPlan,
    Greeting,
    Thanks,
    /// "delete all my data", "forget the last week": delete kept records (after a confirmation).
    Forget(ForgetScope),
    /// A deletion Hearth cannot do as asked ("delete my reflections", "wipe last month"): say
    /// what it can delete instead. Never turned into a wider deletion.
    ForgetUnsupported,
}

/// Map word forms so triggers match however they were said.
fn canonical_word(w: &str) -> &str {
    match w {
        "breathe" | "breathing" | "breaths" | "breathed" | "breth" | "breeding" | "breething" => {
            "breath"
        }
        "reflect" | "reflecting" | "reflections" => "reflection",
        "grounded" | "ground" => "grounding",
        // What the recogniser makes of "resonant" and "coherent" ("resident breathing").
        "resonant" | "resident" | "residents" | "residence" | "resonate" => "resonance",
        "coherence" => "coherent",
        "muscles" => "muscle",
        "relaxation" | "relaxing" | "relaxed" => "relax",
        "checkin" => "check in",
        "sighs" | "sighing" | "sighed" => "sigh",
        "exercises" => "exercise",
        "okay" => "ok",
        "zero" => "0",
        "one" => "1",
        "two" => "2",
        "three" => "3",
        "four" => "4",
        "five" => "5",
        "six" => "6",
        "seven" => "7",
        "eight" => "8",
        "nine" => "9",
        _ => w,
    }
}

/// Normalised words for trigger matching: canonical forms, multi-digit numbers split ("478").
pub fn trigger_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in normalize(text).split(' ').filter(|w| !w.is_empty()) {
        let c = canonical_word(w);
        if c.len() >= 3 && c.len() <= 5 && c.chars().all(|ch| ch.is_ascii_digit()) {
            out.extend(c.chars().map(|d| d.to_string()));
        } else {
            out.extend(c.split(' ').map(str::to_string));
        }
    }
    out
}

/// Whether `needle` occurs as a contiguous run in `hay`.
fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn has_any(n: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| n.contains(p))
}

/// A request, given the flows' trigger phrases as `(flow name, triggers)`. The longest matching
/// trigger wins, so "four seven eight breathing" beats the bare "breathing".
pub fn request<'a>(
    text: &str,
    flows: impl IntoIterator<Item = (&'a str, &'a [String])>,
) -> Option<Request> {
    if let Some(r) = forget_request(text) {
        return Some(r);
    }
    let n = format!(" {} ", normalize(text));
    if has_any(&n, &[" safety plan "])
        && has_any(
            &n,
            &[
                " read ",
                " what ",
                " tell ",
                " remind ",
                " hear ",
                " whats ",
                " go through my ",
                " go over my ",
                " show ",
                " say ",
                " says ",
            ],
        )
    {
        return Some(Request::ReadSafetyPlan);
    }
    // A question or an ask about the moods, not talk about one ("my mood has been up and
    // down", "my mood this week was low": the encoder reads those).
    if has_any(&n, &[" mood ", " moods "])
        && has_any(
            &n,
            &[
                " how ",
                " trend ",
                " trends ",
                " summary ",
                " summarise ",
                " average ",
                " overview ",
                " show ",
                " tell me ",
                " whats ",
                " what has ",
                " what have ",
                " what does ",
                " what do ",
                " what is my ",
                " what was my ",
                " what were my ",
            ],
        )
        && !has_any(&n, &[" log ", " record ", " note "])
    {
        return Some(Request::MoodSummary);
    }
    if has_any(&n, &[" how have i been ", " how am i doing "]) {
        return Some(Request::MoodSummary);
    }
    for key in [
        " log my mood ",
        " log mood ",
        " record my mood ",
        " note my mood ",
        " track my mood ",
        " my mood is ",
        " mood log ",
        " log a mood ",
    ] {
        if let Some(pos) = n.find(key) {
            let rest = n[pos + key.len()..].trim().to_string();
            return Some(Request::LogMood(rest));
        }
    }
    // "put me down as a five", "I'm a three today, note it down": a score with a word for
    // writing it down ("I gave the film a four" has none).
    if has_any(
        &n,
        &[
            " put me down ",
            " mark me ",
            " note it ",
            " note that ",
            " note down ",
            " write that ",
            " write it ",
            " write down ",
            " log it ",
            " log that ",
            " record it ",
            " record that ",
            " record an ",
            " record a ",
            " put today ",
            " put that down ",
            " mark today ",
            " jot ",
            " save a ",
        ],
    ) && super::mood::parse_mood(text).score.is_some()
    {
        return Some(Request::LogMood(n.trim().to_string()));
    }
    let words = trigger_words(text);
    let mut best: Option<(usize, &str)> = None;
    for (name, triggers) in flows {
        for t in triggers {
            let tw = trigger_words(t);
            if contains_run(&words, &tw) && best.is_none_or(|(len, _)| tw.len() > len) {
                best = Some((tw.len(), name));
            }
        }
    }
    if let Some((_, name)) = best {
        return Some(Request::Flow(name.to_string()));
    }
    let core = command_core(text);
    if matches!(
        core.as_str(),
        "hi" | "hello"
            | "hey"
            | "good evening"
            | "good morning"
            | "good afternoon"
            | "hiya"
            | "evening"
            | "morning"
    ) {
        return Some(Request::Greeting);
    }
    if has_any(&n, &[" thank you ", " thanks ", " cheers "])
        && n.split(' ').filter(|w| !w.is_empty()).count() <= 5
    {
        return Some(Request::Thanks);
    }
    None
}

// ----- deleting what Hearth keeps -------------------------------------------------------------

/// Words dropped before a deletion request is read.
const FORGET_FILLERS: &[&str] = &[
    "um", "uh", "erm", "er", "hmm", "ok", "okay", "hearth", "hey", "please", "so", "well", "just",
    "actually", "oh", "now", "alright", "right", "yeah", "go", "ahead", "and",
];
/// Verbs that only mean deleting data.
const STRONG_VERBS: &[&str] = &["delete", "wipe", "purge"];
/// Verbs that are also said about feelings and memories ("I wish I could erase this feeling").
const WEAK_VERBS: &[&str] = &["forget", "erase", "remove", "clear"];
/// Before the verb, these make it something other than a request ("I can't forget", "don't").
const NEGATIONS: &[&str] = &[
    "dont", "not", "never", "cant", "cannot", "wont", "shouldnt", "didnt", "couldnt", "wouldnt",
    "no",
];
/// Before a weak verb, these make it a wish about oneself unless "you" or a record is named.
const WISHES: &[&str] = &[
    "want", "wanna", "wish", "need", "could", "like", "try", "trying", "hope", "have", "gotta",
    "able",
];
/// Kept records, in general.
const RECORD_NOUNS: &[&str] = &[
    "data",
    "history",
    "entries",
    "entry",
    "records",
    "record",
    "logs",
    "information",
    "info",
    "stuff",
    "recordings",
    "transcripts",
    "details",
];
/// Records of one kind: Hearth cannot delete only these, so it says what it can do.
const KIND_NOUNS: &[&str] = &[
    "mood",
    "moods",
    "reflection",
    "reflections",
    "note",
    "notes",
    "checkin",
    "checkins",
    "check",
    "sessions",
    "session",
    "plan",
    "journal",
];
/// Time words Hearth does not delete by (a partial or calendar period).
const OTHER_PERIODS: &[&str] = &[
    "yesterday",
    "yesterdays",
    "month",
    "months",
    "year",
    "years",
    "hour",
    "hours",
    "minute",
    "minutes",
    "weekend",
    "morning",
    "afternoon",
    "evening",
    "night",
    "few",
    "couple",
    "several",
    "time",
    "word",
    "words",
    "sentence",
    "thing",
    "things",
    "one",
    "message",
];

/// A count said as a word or digits ("three", "3"), 1-365.
fn count_word(w: &str) -> Option<u32> {
    number_word(w).filter(|n| (1..=365).contains(n))
}

/// The period a deletion request names: `Ok(None)` when none, `Ok(Some(days))` for "today",
/// "this week", "the last N days / weeks", `Err(())` for a period Hearth does not delete by
/// ("last month", "yesterday", "the last thing I said").
fn forget_period(words: &[&str]) -> Result<Option<u32>, ()> {
    let mut days = None;
    let mut timeish = false;
    for (i, w) in words.iter().enumerate() {
        let prev = if i > 0 { words[i - 1] } else { "" };
        let found = match *w {
            "today" | "todays" | "tonight" | "tonights" => Some(1),
            "week" | "weeks" => Some(count_word(prev).map_or(7, |n| n.saturating_mul(7))),
            "day" | "days" => match count_word(prev) {
                Some(n) => Some(n),
                None if matches!(prev, "last" | "past" | "previous" | "a") && *w == "day" => {
                    Some(1)
                }
                None => return Err(()),
            },
            "last" | "past" | "previous" | "recent" | "latest" => {
                timeish = true;
                None
            }
            w if OTHER_PERIODS.contains(&w) => {
                if timeish || !matches!(w, "one" | "thing" | "things" | "time") {
                    return Err(());
                }
                None
            }
            _ => None,
        };
        if let Some(d) = found {
            if days.is_some_and(|old| old != d) {
                return Err(());
            }
            days = Some(d);
        }
    }
    match (days, timeish) {
        (Some(d), _) if d <= 3650 => Ok(Some(d)),
        (Some(_), _) | (None, true) => Err(()),
        (None, false) => Ok(None),
    }
}

/// A spoken request to delete what Hearth keeps: everything ("delete all my data", "erase
/// everything you know about me") or a recent period ("forget the last week", "delete today's
/// entries"). Wishes and other uses of the verbs are not requests: "I want to forget about
/// today", "I wish I could erase this feeling", "delete that last word", "I forgot my keys".
pub fn forget_request(text: &str) -> Option<Request> {
    let norm = normalize(text);
    let words: Vec<&str> = norm
        .split(' ')
        .filter(|w| !w.is_empty() && !FORGET_FILLERS.contains(w))
        .collect();
    let at = words
        .iter()
        .position(|w| STRONG_VERBS.contains(w) || WEAK_VERBS.contains(w))?;
    let verb = words[at];
    let (before, after) = (&words[..at], &words[at + 1..]);
    if before.iter().any(|w| NEGATIONS.contains(w)) {
        return None;
    }
    // "forget about today", "forget it", "clear my head": not about records.
    if matches!(after.first(), Some(&"about") | Some(&"it") | None) {
        return None;
    }
    let n = format!(" {} ", after.join(" "));
    let all = format!(" {} ", words.join(" "));
    let records = after.iter().any(|w| RECORD_NOUNS.contains(w));
    let everything = after.iter().any(|w| matches!(*w, "everything" | "all"));
    let about_me = has_any(
        &n,
        &[
            " about me ",
            " told you ",
            " you know ",
            " you have ",
            " youve ",
            " you stored ",
            " you kept ",
            " you saved ",
            " said to you ",
            " shared ",
        ],
    );
    let kind = after.iter().any(|w| KIND_NOUNS.contains(w));
    let addressed = all.contains(" you ") || all.contains(" hearth ");
    let wish = before.iter().any(|w| WISHES.contains(w)) || before.contains(&"i");
    if WEAK_VERBS.contains(&verb) && wish && !addressed && !records {
        return None;
    }
    let period = forget_period(after);
    // Only the verb and a period ("forget the last week", "delete today").
    let period_only = after.iter().all(|w| {
        matches!(
            *w,
            "the" | "my" | "from" | "of" | "for" | "this" | "last" | "past" | "previous" | "a"
        ) || matches!(
            *w,
            "today" | "todays" | "tonight" | "week" | "weeks" | "day" | "days"
        ) || count_word(w).is_some()
    });
    let object = records || everything || about_me;
    match period {
        Err(()) if records || kind || everything => Some(Request::ForgetUnsupported),
        Err(()) => None,
        Ok(Some(_)) if kind => Some(Request::ForgetUnsupported),
        Ok(Some(days)) if object || period_only => {
            Some(Request::Forget(ForgetScope::Since { days }))
        }
        Ok(Some(_)) => None,
        Ok(None) => {
            // "wipe my mood history" is about moods only; "everything, safety plan too" is not.
            if kind && !after.contains(&"everything") {
                Some(Request::ForgetUnsupported)
            } else if object {
                Some(Request::Forget(ForgetScope::All))
            } else {
                None
            }
        }
    }
}

/// Whether an answer to "shall I delete ...?" is a clear yes: "yes", "yes, delete everything",
/// "yes please", "do it". Anything with other words in it ("no", "yes but keep my plan",
/// "okay", "forget it") is not.
pub fn confirms_deletion(text: &str) -> bool {
    const ALLOWED: &[&str] = &[
        "yes",
        "yeah",
        "yep",
        "yup",
        "yea",
        "ya",
        "sure",
        "absolutely",
        "definitely",
        "confirm",
        "confirmed",
        "correct",
        "please",
        "delete",
        "erase",
        "wipe",
        "remove",
        "clear",
        "forget",
        "everything",
        "all",
        "it",
        "them",
        "of",
        "my",
        "data",
        "do",
        "go",
        "ahead",
        "i",
        "im",
        "am",
        "um",
        "uh",
        "erm",
        "er",
        "hmm",
        "ok",
        "okay",
        "hearth",
        "hey",
        "so",
        "well",
        "just",
        "and",
        "the",
        "that",
        "thats",
        "now",
        "alright",
        "entries",
    ];
    const YES: &[&str] = &[
        "yes",
        "yeah",
        "yep",
        "yup",
        "yea",
        "ya",
        "sure",
        "absolutely",
        "definitely",
        "confirm",
        "confirmed",
        "correct",
        "delete",
        "erase",
        "wipe",
        "remove",
    ];
    let n = format!(" {} ", normalize(text));
    if n.contains(" forget it ") {
        return false;
    }
    let words: Vec<&str> = n.split(' ').filter(|w| !w.is_empty()).collect();
    !words.is_empty()
        && words.iter().all(|w| ALLOWED.contains(w))
        && (words.iter().any(|w| YES.contains(w)) || has_any(&n, &[" do it ", " go ahead "]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_need_the_whole_utterance() {
        assert_eq!(command("stop"), Some(Command::Stop));
        assert_eq!(command("No thank you. Stop."), Some(Command::Stop));
        assert_eq!(command("That's it, thanks. Hold on!"), Some(Command::Pause));
        assert_eq!(command("I heard you. Slower."), None);
        assert_eq!(command("I just want it all to stop."), None);
        assert_eq!(command("Work was long. I want it all to stop."), None);
        assert_eq!(command("Okay Hearth, stop please."), Some(Command::Stop));
        assert_eq!(command("I can't stop thinking about work"), None);
        assert_eq!(command("Hold on a sec."), Some(Command::Pause));
        assert_eq!(command("give me a minute"), Some(Command::Pause));
        assert_eq!(command("OK, I'm ready."), Some(Command::Resume));
        assert_eq!(command("go on"), Some(Command::Resume));
        assert_eq!(command("Sorry, what?"), Some(Command::Repeat));
        assert_eq!(command("Can you say that again?"), Some(Command::Repeat));
        assert_eq!(command("slow down a bit"), Some(Command::Slower));
        assert_eq!(command("a little faster please"), Some(Command::Faster));
        assert_eq!(command("Skip."), Some(Command::Skip));
        assert_eq!(command("next question"), Some(Command::Skip));
        assert_eq!(command("What can you do?"), Some(Command::Help));
        assert_eq!(command("Are you human?"), Some(Command::AreYouHuman));
        assert_eq!(
            command("wait, am I talking to a real person"),
            Some(Command::AreYouHuman)
        );
        assert_eq!(command("keep my reflections"), Some(Command::Consent(true)));
        assert_eq!(
            command("Don't keep my words."),
            Some(Command::Consent(false))
        );
        assert_eq!(command("hold"), None);
        assert_eq!(command(""), None);
    }

    fn flows() -> Vec<(String, Vec<String>)> {
        let f = |name: &str, t: &[&str]| {
            (
                name.to_string(),
                t.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        };
        vec![
            f(
                "box-breathing",
                &[
                    "breathing",
                    "box breathing",
                    "calm down",
                    "square breathing",
                ],
            ),
            f("breathing-478", &["4 7 8", "478 breathing"]),
            f("grounding", &["grounding", "5 4 3 2 1"]),
            f(
                "muscle-relaxation",
                &["muscle relaxation", "relax my muscles"],
            ),
            f(
                "evening-reflection",
                &["evening reflection", "reflection", "three good things"],
            ),
            f("weekly-checkin", &["weekly check in", "weekly"]),
            f("mood-checkin", &["check in", "mood check in"]),
            f("safety-plan", &["make a safety plan", "safety plan"]),
        ]
    }

    fn req(text: &str) -> Option<Request> {
        let fl = flows();
        request(text, fl.iter().map(|(n, t)| (n.as_str(), t.as_slice())))
    }

    #[test]
    fn requests() {
        let flow = |n: &str| Some(Request::Flow(n.to_string()));
        assert_eq!(req("Let's do box breathing."), flow("box-breathing"));
        assert_eq!(req("um, breathing"), flow("box-breathing"));
        assert_eq!(req("4 7 8"), flow("breathing-478"));
        assert_eq!(
            req("Four seven eight breathing please"),
            flow("breathing-478")
        );
        assert_eq!(req("478 breathing"), flow("breathing-478"));
        assert_eq!(req("Can you help me calm down?"), flow("box-breathing"));
        assert_eq!(req("grounding"), flow("grounding"));
        assert_eq!(req("five four three two one"), flow("grounding"));
        assert_eq!(req("5-4-3-2-1"), flow("grounding"));
        assert_eq!(req("Muscle relaxation."), flow("muscle-relaxation"));
        assert_eq!(
            req("Let's do the evening reflection"),
            flow("evening-reflection")
        );
        assert_eq!(req("check in"), flow("mood-checkin"));
        assert_eq!(req("Let's do the weekly check-in"), flow("weekly-checkin"));
        assert_eq!(req("Make a safety plan."), flow("safety-plan"));
        assert_eq!(
            req("Read me my safety plan."),
            Some(Request::ReadSafetyPlan)
        );
        assert_eq!(
            req("How has my mood been this week?"),
            Some(Request::MoodSummary)
        );
        assert_eq!(
            req("Log my mood as six, a bit tired."),
            Some(Request::LogMood("as six a bit tired".into()))
        );
        assert_eq!(req("log my mood"), Some(Request::LogMood(String::new())));
        assert_eq!(req("Hello!"), Some(Request::Greeting));
        assert_eq!(req("thanks"), Some(Request::Thanks));
        assert_eq!(req("purple elephants"), None);
        assert!(wants_to_talk("I'd rather keep talking"));
        assert!(!wants_to_talk("yes please"));
    }

    #[test]
    fn deletion_requests_and_their_scope() {
        let all = Some(Request::Forget(ForgetScope::All));
        let since = |days| Some(Request::Forget(ForgetScope::Since { days }));
        assert_eq!(req("delete all my data"), all);
        assert_eq!(req("Um, forget everything."), all);
        assert_eq!(req("erase everything you know about me"), all);
        assert_eq!(req("delete my history"), all);
        assert_eq!(req("wipe my data"), all);
        assert_eq!(req("forget the last week"), since(7));
        assert_eq!(req("delete this week's entries"), since(7));
        assert_eq!(req("delete today's entries"), since(1));
        assert_eq!(req("forget today"), since(1));
        assert_eq!(req("erase the last 3 days"), since(3));
        assert_eq!(req("delete the last five days"), since(5));
        assert_eq!(req("delete everything from the past two weeks"), since(14));
        // Partial or calendar periods and single kinds are never widened to everything.
        for text in [
            "delete last month's entries",
            "delete my last entry",
            "delete yesterday's data",
            "delete my reflections",
            "delete today's mood entries",
            "wipe my mood history",
        ] {
            assert_eq!(req(text), Some(Request::ForgetUnsupported), "{text}");
        }
        for text in [
            "i want to forget about today",
            "I forgot my keys",
            "delete that last word",
            "i wish i could erase this feeling",
            "I want to forget the last week",
            "I just want to forget everything",
            "i cant forget what happened",
            "forget it",
            "forget about me",
            "I need to clear my head",
            "dont delete anything",
            "how do I remove a splinter",
            "I want to delete myself",
        ] {
            assert_eq!(forget_request(text), None, "{text}");
        }
    }

    #[test]
    fn only_a_clear_yes_confirms_deletion() {
        for yes in [
            "yes",
            "Yes.",
            "yes delete everything",
            "Yes, delete everything.",
            "yes please",
            "do it",
            "Yeah, go ahead.",
            "yep, delete them",
            "I'm sure",
        ] {
            assert!(confirms_deletion(yes), "{yes}");
        }
        for other in [
            "no",
            "no keep it",
            "okay",
            "ok",
            "",
            "hmm",
            "forget it",
            "yes forget it",
            "yes but keep my safety plan",
            "I'm not sure",
            "what will be deleted",
            "wait",
            "yes no",
        ] {
            assert!(!confirms_deletion(other), "{other}");
        }
    }
}
