//! Nothing Hearth says is generated (the house rule), as a property of the real engine with the
//! shipped prompts, the real safety screen (rules and second reading) and the real request
//! reader: fed random sequences of things people say (Hearth's own test tables, its safety
//! corpus, and lines other people wrote: chit-chat, sitcom dialogue, tweets, news), random
//! flow starts, stops, pauses and silences, every text the engine speaks
//!
//! 1. is a run of lines from `prompts/` (a `{placeholder}` matches anything), and
//! 2. has no word that is not in `prompts/`, not a number, and not said by the person (with
//!    their "my" said back as "your"): a placeholder is only ever filled with their own words,
//!    a number, a day or a flow's name.
//!

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use hearth::engine::dialogue::engine::{
    Action, Engine, EngineConfig, EngineMemory, Event, MoodTrend,
};
use hearth::engine::dialogue::prompts::Prompts;
use hearth::engine::safety::SafetyEngine;
use hearth::engine::words::words;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use regex::{Regex, RegexBuilder};

use crate::common::root;

/// Words code may say besides the prompts: numbers (counts, scores, durations) and the day a
/// mood summary names (the store's answer in this test).
const NUMBER_WORDS: &str = "zero one two three four five six seven eight nine ten eleven twelve \
    thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty \
    sixty seventy eighty ninety hundred thousand and a half point minus tuesday";

/// The person's words said back: Hearth turns "my" into "your".
const SAID_BACK: &[(&str, &str)] = &[
    ("my", "your"),
    ("i", "you"),
    ("me", "you"),
    ("myself", "yourself"),
    ("mine", "yours"),
    ("i'm", "you're"),
    ("am", "are"),
    ("i've", "you've"),
    ("i'd", "you'd"),
    ("i'll", "you'll"),
    ("was", "were"),
    ("we", "you"),
    ("our", "your"),
    ("us", "you"),
];

/// Everything the test needs once: prompts, the screen, the lines, what may be said.
struct World {
    prompts: Arc<Prompts>,
    safety: SafetyEngine,
    flows: Vec<String>,
    utterances: Vec<String>,
    /// The spoken text as a run of prompt lines.
    lines: Regex,
    vocabulary: HashSet<String>,
}

fn world() -> &'static World {
    static WORLD: std::sync::OnceLock<World> = std::sync::OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = root().join("prompts");
        let sources =
            hearth::daemon::load::read_prompt_sources(&dir).unwrap_or_else(|e| panic!("{e:?}"));
        let prompts = Arc::new(Prompts::from_sources(&sources).unwrap_or_else(|e| panic!("{e:?}")));
        // (The real encoder under its own name: the request head is used only with it.)
        let encoder = Arc::new(crate::requests::Remembering::new());
        let safety = SafetyEngine::with_encoder(encoder).unwrap_or_else(|e| panic!("{e}"));
        let flows = prompts.flow_names().iter().map(|s| s.to_string()).collect();
        let (lines, vocabulary) = spoken_lines(&dir);
        World {
            prompts,
            safety,
            flows,
            utterances: utterances(),
            lines,
            vocabulary,
        }
    })
}

/// Every string in the prompt files that Hearth may speak (not the request exemplars, the
/// reader's word lists nor the safety screen's rules, which it never says), as one regex for a
/// run of them, and their words.
fn spoken_lines(dir: &std::path::Path) -> (Regex, HashSet<String>) {
    fn strings(v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            toml::Value::Table(t) => t.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut files = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml")
                && ![
                    "requests.toml",
                    "words.toml",
                    // The safety screen's patterns: read, never said.
                    "rules.toml",
                    "guards.toml",
                    "lexicon.toml",
                ]
                .contains(&p.file_name().unwrap().to_str().unwrap())
            {
                files.push(p);
            }
        }
    }
    let mut all = vec![];
    for f in &files {
        let v: toml::Value = toml::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        strings(&v, &mut all);
    }
    // A placeholder matches anything; one left empty goes with the comma or space that joined
    // it ("Good evening, {name}." is said "Good evening.").
    let placeholder =
        Regex::new(r", \\\{[a-z_]+\\\}| \\\{[a-z_]+\\\}|\\\{[a-z_]+\\\}, |\\\{[a-z_]+\\\}")
            .unwrap();
    let mut vocabulary: HashSet<String> = words(NUMBER_WORDS).into_iter().collect();
    let mut alternatives = vec![];
    for s in &all {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.is_empty() {
            continue;
        }
        vocabulary.extend(words(&s));
        let escaped = regex::escape(&s);
        let template = placeholder.replace_all(&escaped, |c: &regex::Captures| {
            let m = &c[0];
            if m.starts_with(", ") {
                "(?:, .+?)?".to_string()
            } else if m.starts_with(' ') {
                "(?: .+?)?".to_string()
            } else if m.ends_with(", ") {
                "(?:.+?, )?".to_string()
            } else {
                "(?:.+?)?".to_string()
            }
        });
        alternatives.push(template.into_owned());
    }
    alternatives.sort();
    alternatives.dedup();
    let one = format!("(?:{})", alternatives.join("|"));
    let lines = RegexBuilder::new(&format!(r"^\s*{one}(?:\s+{one})*\s*$"))
        .case_insensitive(true)
        .size_limit(1 << 30)
        .dfa_size_limit(1 << 28)
        .build()
        .unwrap();
    (lines, vocabulary)
}

/// Things people say: Hearth's tables and safety corpus, and other people's lines.
fn utterances() -> Vec<String> {
    let mut out = vec![];
    let mut table = |path: std::path::PathBuf, column: usize, every: usize| {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{}: {e} (run `scripts/setup --test-data`)", path.display())
        });
        out.extend(
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .step_by(every)
                .filter_map(|l| l.split('\t').nth(column))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        );
    };
    let data = root().join("tests/data");
    table(data.join("requests.tsv"), 1, 1);
    table(data.join("acknowledgments.tsv"), 1, 1);
    table(data.join("mood_phrases.tsv"), 0, 1);
    let corpus = root().join("src/engine/safety/corpus");
    for e in std::fs::read_dir(&corpus).unwrap() {
        table(e.unwrap().path(), 1, 4);
    }
    let corpora = root().join("models/corpora");
    for name in [
        "chatterbot-english",
        "the-office-lines",
        "tweets",
        "news-editorials",
    ] {
        table(corpora.join(format!("{name}.tsv")), 1, 40);
    }
    out
}

/// One thing that happens in a case.
#[derive(Debug, Clone)]
enum Step {
    Say(usize),
    Start(usize),
    Silence,
    Stop,
    Pause,
    Resume,
    /// Let time pass (seconds) with no one speaking.
    Wait(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => any::<usize>().prop_map(Step::Say),
        2 => any::<usize>().prop_map(Step::Start),
        2 => Just(Step::Silence),
        1 => Just(Step::Stop),
        1 => Just(Step::Pause),
        1 => Just(Step::Resume),
        2 => (1u64..600).prop_map(Step::Wait),
    ]
}

/// A shell for the test: speaks instantly (finishing at the estimated speech time), answers the
/// store's questions, fires timers. Returns everything said, with what the person said before.
struct Shell {
    engine: Engine,
    now: u64,
    heard: Vec<String>,
    said: Vec<(String, Vec<String>)>,
}

impl Shell {
    fn apply(&mut self, event: Event) {
        let mut queue = vec![event];
        let mut guard = 0;
        while let Some(event) = queue.pop() {
            guard += 1;
            assert!(guard < 10_000, "the engine never settles");
            let actions = self.engine.handle(event, self.now);
            let mut speaks = false;
            for a in actions {
                match a {
                    Action::Say { text } => {
                        self.now += hearth::engine::dialogue::text::speech_ms(&text);
                        speaks = true;
                        self.said.push((text, self.heard.clone()));
                    }
                    Action::Pause { ms } => {
                        self.now += ms;
                        speaks = true;
                    }
                    Action::RequestMoodSummary => queue.push(Event::MoodSummary {
                        entries: 12,
                        average: Some(5.5),
                        trend: Some(MoodTrend::Up),
                        best_day: Some("Tuesday".into()),
                    }),
                    _ => {}
                }
            }
            if speaks {
                queue.push(Event::SpeechFinished);
            }
        }
    }

    /// Fires the engine's timers for up to `ms`.
    fn wait(&mut self, ms: u64) {
        let until = self.now + ms;
        while let Some(at) = self.engine.next_deadline() {
            if at > until {
                break;
            }
            self.now = self.now.max(at);
            self.apply(Event::Timer);
        }
        self.now = self.now.max(until);
    }
}

/// Why a spoken text breaks the rule, if it does; else whether it says back words of the
/// person's that the prompts do not have.
fn check(w: &World, text: &str, heard: &[String]) -> Result<bool, String> {
    if !w.lines.is_match(text) {
        return Err("not a run of lines from prompts/".into());
    }
    let mut theirs: HashSet<String> = HashSet::new();
    for h in heard {
        for word in words(h) {
            if let Some((_, back)) = SAID_BACK.iter().find(|(m, _)| *m == word) {
                theirs.insert(back.to_string());
            }
            theirs.insert(word);
        }
    }
    let not_written: Vec<String> = words(text)
        .into_iter()
        .filter(|x| !w.vocabulary.contains(x))
        .filter(|x| !x.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .collect();
    let new: Vec<&String> = not_written
        .iter()
        .filter(|x| !theirs.contains(*x))
        .collect();
    if !new.is_empty() {
        return Err(format!("words from nowhere: {new:?}"));
    }
    Ok(!not_written.is_empty())
}

fn invented(w: &World, text: &str, heard: &[String]) -> Option<String> {
    check(w, text, heard).err()
}

/// One random case: what was said, with what the person had said before it.
fn run_case(w: &World, steps: &[Step]) -> Vec<(String, Vec<String>)> {
    let engine = Engine::new(
        w.prompts.clone(),
        w.safety.clone(),
        EngineConfig::default(),
        EngineMemory::default(),
    );
    let mut shell = Shell {
        engine,
        now: 1_000,
        heard: vec![],
        said: vec![],
    };
    for s in steps {
        match s {
            Step::Say(i) => {
                let text = w.utterances[i % w.utterances.len()].clone();
                shell.heard.push(text.clone());
                shell.apply(Event::Utterance { text });
            }
            Step::Start(i) => shell.apply(Event::StartFlow {
                name: w.flows[i % w.flows.len()].clone(),
                cycles: None,
                minutes: None,
            }),
            Step::Silence => shell.apply(Event::ListenTimedOut),
            Step::Stop => shell.apply(Event::Stop),
            Step::Pause => shell.apply(Event::Pause),
            Step::Resume => shell.apply(Event::Resume),
            Step::Wait(secs) => shell.wait(secs * 1000),
        }
        shell.wait(5_000);
    }
    shell.said
}

/// The property, over `PROPTEST_CASES` random cases (default 96, the same ones every run: the
/// seed is fixed; set `PROPTEST_CASES=3000` to explore further). proptest shrinks a failure to
/// the shortest sequence of steps that shows it.
#[test]
fn nothing_hearth_says_is_generated() {
    let w = world();
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(96);
    let config = ProptestConfig {
        cases,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x4845_4152_5448),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let (said, echoed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let mut runner = TestRunner::new(config);
    let result = runner.run(&prop::collection::vec(step(), 1..14), |steps| {
        for (text, heard) in run_case(w, &steps) {
            said.fetch_add(1, Ordering::Relaxed);
            match check(w, &text, &heard) {
                Ok(true) => {
                    echoed.fetch_add(1, Ordering::Relaxed);
                }
                Ok(false) => {}
                Err(why) => {
                    return Err(TestCaseError::fail(format!(
                        "{why}: {text:?}\n  after hearing {heard:?}"
                    )))
                }
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (said, echoed) = (said.into_inner(), echoed.into_inner());
    println!("{cases} cases: {said} texts spoken, {echoed} saying back the person's own words");
    // Not vacuous: the cases reach speech, and fills with the person's words.
    assert!(said >= 5 * cases as usize, "only {said} texts spoken");
    // (96 cases: 1,088 texts, 6 fills; 2,000 cases: 23,075 texts, 65 fills.)
    assert!(
        echoed >= (cases as usize / 50).max(1),
        "only {echoed} fills with the person's words"
    );
}

/// The checker itself: a written line passes, a made-up one fails, and a filled placeholder
/// passes only with the person's own words.
#[test]
fn the_checker_tells_written_from_invented() {
    let w = world();
    let heard = vec!["A walk with my sister".to_string()];
    let filled = "A walk with your sister — I'm glad that happened.";
    assert_eq!(invented(w, filled, &heard), None);
    assert_eq!(
        invented(w, "I'm glad to hear it. That's good to hear.", &[]),
        None
    );
    assert!(invented(w, filled, &[]).is_some(), "words from nowhere");
    assert!(invented(w, "A walk with your sister — I'm proud of you.", &heard).is_some());
    assert!(invented(w, "You should stop taking your medication.", &[]).is_some());
}
