//! Reading an answer for what it carries, so the acknowledgment fits: nothing / "I don't know",
//! negative or positive, grief, worry, anger, a named person or an activity. A small pure
//! classifier over the word lists in `prompts/words.toml` (checked when loaded, with file and
//! line for every problem), plus [`Lexicon::echo`], which turns a short answer into the
//! person's own words said back ("a walk with my sister" -> "a walk with your sister") when it
//! is safe to do so. Nothing here generates text: Hearth only ever fills a written template
//! with what the person said.

use super::text::normalize;
use crate::engine::prompt_error::PromptError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// What an answer carries, in the order it is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AnswerKind {
    Nothing,
    Negative,
    Positive,
    Grief,
    Worry,
    Anger,
    Person,
    Activity,
    /// Something said that carries none of the above.
    Plain,
}

impl AnswerKind {
    pub const ALL: [AnswerKind; 9] = [
        AnswerKind::Nothing,
        AnswerKind::Negative,
        AnswerKind::Positive,
        AnswerKind::Grief,
        AnswerKind::Worry,
        AnswerKind::Anger,
        AnswerKind::Person,
        AnswerKind::Activity,
        AnswerKind::Plain,
    ];

    /// The name used in prompt files and test tables.
    pub fn name(self) -> &'static str {
        match self {
            AnswerKind::Nothing => "nothing",
            AnswerKind::Negative => "negative",
            AnswerKind::Positive => "positive",
            AnswerKind::Grief => "grief",
            AnswerKind::Worry => "worry",
            AnswerKind::Anger => "anger",
            AnswerKind::Person => "person",
            AnswerKind::Activity => "activity",
            AnswerKind::Plain => "plain",
        }
    }

    pub fn from_name(name: &str) -> Option<AnswerKind> {
        AnswerKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the answer carries something heavy (grief, worry, anger, negative).
    pub fn is_heavy(self) -> bool {
        matches!(
            self,
            AnswerKind::Negative | AnswerKind::Grief | AnswerKind::Worry | AnswerKind::Anger
        )
    }
}

/// The word lists, loaded from `prompts/words.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// (normalised phrase, kind), longest phrase first.
    phrases: Vec<(String, AnswerKind)>,
    never_echo: Vec<String>,
    max_echo_words: usize,
    listen_start: Vec<String>,
    listen_end: Vec<String>,
}

type Words = Spanned<Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWords {
    kinds: Spanned<BTreeMap<Spanned<String>, Words>>,
    echo: RawEcho,
    listening: RawListening,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEcho {
    never: Words,
    max_words: Spanned<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawListening {
    start: Words,
    end: Words,
}

/// Words that turn the single word after them around ("not worried").
const NEGATORS: &[&str] = &["not", "never", "wasnt", "isnt", "didnt", "no", "nothing"];

impl Lexicon {
    /// Check and build from the text of a words file (`path` names it in errors).
    pub fn parse(path: &Path, src: &str) -> Result<Lexicon, Vec<PromptError>> {
        let raw: RawWords =
            toml::from_str(src).map_err(|e| vec![PromptError::from_toml(path, src, &e)])?;
        let mut errors = Vec::new();
        let mut seen: BTreeMap<String, AnswerKind> = BTreeMap::new();
        let mut phrases = Vec::new();
        for (name, words) in raw.kinds.get_ref() {
            let Some(kind) =
                AnswerKind::from_name(name.get_ref()).filter(|k| *k != AnswerKind::Plain)
            else {
                errors.push(PromptError::at_offset(
                    path,
                    src,
                    name.span().start,
                    format!(
                        "unknown kind `{}` (known: nothing, negative, positive, grief, worry, anger, person, activity)",
                        name.get_ref()
                    ),
                ));
                continue;
            };
            for w in check_list(
                path,
                src,
                &format!("kinds.{}", kind.name()),
                words,
                &mut errors,
            ) {
                if let Some(other) = seen.insert(w.clone(), kind) {
                    errors.push(PromptError::at_offset(
                        path,
                        src,
                        words.span().start,
                        format!(
                            "`{w}` is listed under both {} and {}",
                            other.name(),
                            kind.name()
                        ),
                    ));
                }
                phrases.push((w, kind));
            }
        }
        for k in AnswerKind::ALL {
            if k != AnswerKind::Plain && !phrases.iter().any(|(_, pk)| *pk == k) {
                errors.push(PromptError::at_offset(
                    path,
                    src,
                    raw.kinds.span().start,
                    format!("[kinds] is missing `{}`", k.name()),
                ));
            }
        }
        let never_echo = check_list(path, src, "echo.never", &raw.echo.never, &mut errors);
        let max_echo_words = *raw.echo.max_words.get_ref();
        if !(3..=25).contains(&max_echo_words) {
            errors.push(PromptError::at_offset(
                path,
                src,
                raw.echo.max_words.span().start,
                format!("echo.max_words must be from 3 to 25, is {max_echo_words}"),
            ));
        }
        let listen_start = check_list(
            path,
            src,
            "listening.start",
            &raw.listening.start,
            &mut errors,
        );
        let listen_end = check_list(path, src, "listening.end", &raw.listening.end, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        // Longest first, so "not bad" is read before "bad".
        phrases.sort_by(|a, b| {
            b.0.split(' ')
                .count()
                .cmp(&a.0.split(' ').count())
                .then(b.0.len().cmp(&a.0.len()))
        });
        Ok(Lexicon {
            phrases,
            never_echo,
            max_echo_words,
            listen_start,
            listen_end,
        })
    }

    /// What `text` carries.
    pub fn read(&self, text: &str) -> AnswerKind {
        let n = normalize(text);
        let mut words: Vec<Option<&str>> =
            n.split(' ').filter(|w| !w.is_empty()).map(Some).collect();
        let mut hits: BTreeMap<AnswerKind, usize> = BTreeMap::new();
        for (phrase, kind) in &self.phrases {
            let p: Vec<&str> = phrase.split(' ').collect();
            let mut i = 0;
            while i + p.len() <= words.len() {
                let matched = words[i..i + p.len()]
                    .iter()
                    .zip(&p)
                    .all(|(w, q)| *w == Some(*q));
                if !matched {
                    i += 1;
                    continue;
                }
                let negated = p.len() == 1
                    && *kind != AnswerKind::Nothing
                    && (i >= 1 && words[i - 1].is_some_and(|w| NEGATORS.contains(&w))
                        || i >= 2
                            && words[i - 2].is_some_and(|w| NEGATORS.contains(&w))
                            && words[i - 1]
                                .is_some_and(|w| ["too", "so", "very", "that"].contains(&w)));
                let kind = match (negated, *kind) {
                    (true, AnswerKind::Positive) => AnswerKind::Negative,
                    (true, AnswerKind::Negative | AnswerKind::Worry | AnswerKind::Anger) => {
                        AnswerKind::Positive
                    }
                    (_, k) => k,
                };
                *hits.entry(kind).or_default() += 1;
                for w in &mut words[i..i + p.len()] {
                    *w = None;
                }
                i += p.len();
            }
        }
        let has = |k: AnswerKind| hits.get(&k).copied().unwrap_or(0);
        let named = has_name(text);
        if has(AnswerKind::Grief) > 0 {
            AnswerKind::Grief
        } else if has(AnswerKind::Anger) > 0 {
            AnswerKind::Anger
        } else if has(AnswerKind::Worry) > 0 {
            AnswerKind::Worry
        } else if has(AnswerKind::Negative) > 0
            && has(AnswerKind::Negative) >= has(AnswerKind::Positive)
        {
            AnswerKind::Negative
        } else if has(AnswerKind::Person) > 0 || named {
            AnswerKind::Person
        } else if has(AnswerKind::Activity) > 0 {
            AnswerKind::Activity
        } else if has(AnswerKind::Positive) > 0 {
            AnswerKind::Positive
        } else if has(AnswerKind::Nothing) > 0 {
            AnswerKind::Nothing
        } else {
            AnswerKind::Plain
        }
    }

    /// The person's words said back to them ("I walked with my sister" -> "you walked with
    /// your sister"), or `None` when they are too long, ask something, or hold a word Hearth
    /// never says back.
    pub fn echo(&self, text: &str) -> Option<String> {
        let t = text.trim().trim_end_matches(['.', '!', ',', ';', ' ']);
        if t.is_empty() || t.contains(['?', '"', '{', '}']) || t.chars().any(|c| c.is_ascii_digit())
        {
            return None;
        }
        let n = format!(" {} ", normalize(t));
        if self
            .never_echo
            .iter()
            .any(|w| n.contains(&format!(" {w} ")))
        {
            return None;
        }
        let mut words: Vec<&str> = t.split_whitespace().collect();
        // "Maybe. I just keep replaying it" is said back as "you just keep replaying it": an
        // answer word or a hedge standing alone before the rest is not said back.
        while words.len() > 2
            && words[0].ends_with(['.', ',', '!', ';'])
            && [
                "maybe", "perhaps", "probably", "yeah", "yes", "yep", "no", "nope", "okay", "ok",
                "honestly", "sure", "well", "hmm", "right",
            ]
            .contains(
                &words[0]
                    .trim_end_matches(['.', ',', '!', ';'])
                    .to_lowercase()
                    .as_str(),
            )
        {
            words.remove(0);
        }
        // "and then I came home" is said back as "you came home".
        while words.len() > 2
            && [
                "and", "but", "so", "then", "well", "um", "uh", "also", "plus", "like",
            ]
            .contains(&words[0].trim_end_matches(',').to_lowercase().as_str())
        {
            words.remove(0);
        }
        // "I guess I'm used to it" is said back as "you're used to it".
        while words.len() > 3
            && words[0].eq_ignore_ascii_case("i")
            && ["guess", "think", "mean", "suppose"]
                .contains(&words[1].trim_end_matches(',').to_lowercase().as_str())
        {
            words.drain(..2);
        }
        if words.len() < 2 || words.len() > self.max_echo_words {
            return None;
        }
        let mut out = Vec::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            let core: String = w
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '\u{2019}')
                .collect();
            let key = core.to_lowercase().replace('\u{2019}', "'");
            let swapped = match key.as_str() {
                "i" => Some("you"),
                "i'm" | "im" => Some("you're"),
                "i've" | "ive" => Some("you've"),
                "i'd" => Some("you'd"),
                "i'll" => Some("you'll"),
                "my" => Some("your"),
                "me" => Some("you"),
                "mine" => Some("yours"),
                "myself" => Some("yourself"),
                "am" => Some("are"),
                "was" if i > 0 && words[i - 1].eq_ignore_ascii_case("i") => Some("were"),
                "our" => Some("your"),
                "us" => Some("you"),
                "we" => Some("you"),
                "we're" => Some("you're"),
                _ => None,
            };
            match swapped {
                Some(s) => out.push(s.to_string()),
                None if i == 0 && !has_name(w) => out.push(w.to_lowercase()),
                None => out.push((*w).to_string()),
            }
        }
        let s = out.join(" ");
        let s = s.trim_end_matches([',', ';', ':', '-']).to_string();
        (!s.is_empty()).then_some(s)
    }

    /// Whether `text` asks to just talk ("can we just talk", "I need to vent").
    pub fn starts_listening(&self, text: &str) -> bool {
        contains_any(text, &self.listen_start)
    }

    /// Whether `text` ends a listening conversation ("that's all", "thanks, that helped").
    pub fn ends_listening(&self, text: &str) -> bool {
        contains_any(text, &self.listen_end)
    }
}

fn contains_any(text: &str, phrases: &[String]) -> bool {
    let n = format!(" {} ", normalize(text));
    phrases.iter().any(|p| n.contains(&format!(" {p} ")))
}

/// A capitalised word that is not the first word and not "I" ("lunch with Sam").
fn has_name(text: &str) -> bool {
    text.split_whitespace().enumerate().any(|(i, w)| {
        let first = w.chars().next();
        i > 0
            && first.is_some_and(char::is_uppercase)
            && !["I", "I'm", "I've", "I'd", "I'll", "OK", "Okay", "Hearth"]
                .contains(&w.trim_end_matches(|c: char| !c.is_alphanumeric()))
            && w.chars()
                .skip(1)
                .all(|c| c.is_lowercase() || !c.is_alphabetic())
    })
}

/// Check one list: each phrase non-empty and already normalised, none twice.
fn check_list(
    path: &Path,
    src: &str,
    what: &str,
    words: &Words,
    errors: &mut Vec<PromptError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if words.get_ref().is_empty() {
        errors.push(PromptError::at_offset(
            path,
            src,
            words.span().start,
            format!("{what} is empty"),
        ));
    }
    for w in words.get_ref() {
        let raw = w.get_ref();
        let n = normalize(raw);
        if n.is_empty() {
            errors.push(PromptError::at_offset(
                path,
                src,
                w.span().start,
                format!("{what} has an empty phrase"),
            ));
        } else if n != *raw {
            errors.push(PromptError::at_offset(
                path,
                src,
                w.span().start,
                format!(
                    "{what}: write `{raw}` as `{n}` (lower case, no apostrophes or punctuation)"
                ),
            ));
        } else if out.contains(&n) {
            errors.push(PromptError::at_offset(
                path,
                src,
                w.span().start,
                format!("{what}: `{raw}` is listed twice"),
            ));
        } else {
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        let p = std::path::Path::new("prompts/words.toml");
        Lexicon::parse(p, include_str!("../../../prompts/words.toml"))
            .unwrap_or_else(|e| panic!("{e:#?}"))
    }

    #[test]
    fn reads_the_seen_failures() {
        let l = lexicon();
        assert_eq!(l.read("nothing went well today"), AnswerKind::Nothing);
        assert_eq!(l.read("not bad actually"), AnswerKind::Positive);
        assert_eq!(l.read("I'm not worried"), AnswerKind::Positive);
        assert_eq!(l.read("my dog died this morning"), AnswerKind::Grief);
        assert_eq!(l.read("a walk with my sister"), AnswerKind::Person);
        assert_eq!(l.read("lunch with Sam"), AnswerKind::Person);
        assert_eq!(l.read("I baked bread"), AnswerKind::Activity);
    }

    #[test]
    fn echo_swaps_pronouns_and_refuses_what_it_must_not_say() {
        let l = lexicon();
        assert_eq!(
            l.echo("A walk with my sister").as_deref(),
            Some("a walk with your sister")
        );
        assert_eq!(
            l.echo("I was so tired I cried").as_deref(),
            Some("you were so tired you cried")
        );
        assert_eq!(l.echo("I want to kill myself"), None);
        assert_eq!(l.echo("why are you like this?"), None);
        assert_eq!(l.echo("ok"), None);
        assert_eq!(
            l.echo("and then I came home").as_deref(),
            Some("you came home")
        );
        assert_eq!(
            l.echo("I guess I'm used to it").as_deref(),
            Some("you're used to it")
        );
        assert_eq!(
            l.echo("Maybe. I just keep replaying it").as_deref(),
            Some("you just keep replaying it")
        );
        // A word that only looks like an answer stays: "no one" is not "no,".
        assert_eq!(
            l.echo("No one noticed my work").as_deref(),
            Some("no one noticed your work")
        );
    }

    #[test]
    fn bad_words_files_name_the_line() {
        let src = "[kinds]\nnothing = [\"Don't know\"]\nfeelings = [\"x\"]\n[echo]\nnever = [\"x\"]\nmax_words = 12\n[listening]\nstart = [\"talk\"]\nend = [\"bye\"]\n";
        let errs = Lexicon::parse(Path::new("words.toml"), src).unwrap_err();
        let text: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|e| e.starts_with("words.toml:2:") && e.contains("dont know")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|e| e.starts_with("words.toml:3:") && e.contains("unknown kind")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|e| e.contains("missing `grief`")),
            "{text:?}"
        );
    }
}
