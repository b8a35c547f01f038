//! The safety rules as data: `prompts/safety/rules.toml`, `guards.toml` and `lexicon.toml`,
//! parsed, checked and compiled into a [`RuleSet`].
//!
//! - `rules.toml`: the idiom masks (`[[mask]]`), then the rule tables in the order they are
//!   tried (`[[method]]`, `[[emergency]]`, `[[crisis]]`, `[[fallback]]`, `[[ask]]`, `[[refer]]`,
//!   `[[support]]`), each row an id (the `reason`), a category, an action, its guard flags by
//!   name (`["NEG", "HIST"]`) and a pattern.
//! - `guards.toml`: the named patterns the matcher consults for context (history, media,
//!   accidents, ...) and the words a negation reaches across.
//! - `lexicon.toml`: the word lists patterns name as `{NAME}` ([`super::lexicon`]).
//!
//! Like the other prompt files, a mistake is reported as `file:line: problem`, every one found:
//! an unknown action, flag, guard or word list, a pattern that does not compile or is empty, a
//! duplicate id, a missing field, a list nothing uses. The engine never reads files: the shell
//! passes the texts in, and the repository's copy is compiled into the binary
//! ([`RuleSet::builtin`]) so a binary without its prompts folder still screens.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::lexicon::WordLists;
use super::rules::{self, Mask, Rule, RuleSet};
use super::SafetyAction;
use crate::engine::prompt_error::PromptError;

/// The rule files, relative to `prompts/safety/`.
pub const FILES: &[&str] = &["rules.toml", "guards.toml", "lexicon.toml"];

/// The repository's rule files, compiled in.
pub const BUILTIN_SOURCES: &[(&str, &str)] = &[
    (
        "rules.toml",
        include_str!("../../../prompts/safety/rules.toml"),
    ),
    (
        "guards.toml",
        include_str!("../../../prompts/safety/guards.toml"),
    ),
    (
        "lexicon.toml",
        include_str!("../../../prompts/safety/lexicon.toml"),
    ),
];

/// Where the built-in copy says it comes from in messages.
const BUILTIN_DIR: &str = "<builtin>/prompts/safety";

/// Guard flags by the name the files use.
pub const FLAGS: &[(&str, u32)] = &[
    ("NEG", rules::NEG),
    ("HIST", rules::HIST),
    ("MEDIA", rules::MEDIA),
    ("ACC", rules::ACC),
    ("PASTDOWN", rules::PASTDOWN),
    ("TRIV", rules::TRIV),
    ("THREAT_IDIOM", rules::THREAT_IDIOM),
    ("SELF", rules::SELF),
    ("MEDIA_3P", rules::MEDIA_3P),
    ("PREMASK", rules::PREMASK),
    ("MEDPAST", rules::MEDPAST),
    ("MEDADMIN", rules::MEDADMIN),
    ("BENIGN", rules::BENIGN),
    ("INNER_NEG", rules::INNER_NEG),
    ("ROUTINE", rules::ROUTINE),
    ("OTHER_SUBJ", rules::OTHER_SUBJ),
    ("EVERYDAY", rules::EVERYDAY),
];

/// The actions a rule may propose.
const ACTIONS: &[&str] = &["support", "refer", "ask", "crisis", "emergency"];

/// The rule tables in the order they are tried.
pub const TABLES: &[&str] = &[
    "method",
    "emergency",
    "crisis",
    "fallback",
    "ask",
    "refer",
    "support",
];

/// The guard patterns `guards.toml` must define, each used by the matcher.
pub const GUARDS: &[&str] = &[
    "identity",
    "hist_past",
    "recent",
    "media",
    "accident",
    "deliberate",
    "past_time",
    "trivial",
    "threat_idiom",
    "med_past",
    "med_neutral",
    "benign",
    "routine",
    "everyday",
    "trivia",
    "first_person",
    "quote",
    "denial",
    "report",
    "weak_now",
    "means",
    "now_any",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMask {
    id: Spanned<String>,
    #[serde(default)]
    support: Option<Spanned<String>>,
    pattern: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    category: Spanned<String>,
    action: Spanned<String>,
    flags: Vec<Spanned<String>>,
    pattern: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    mask: Vec<RawMask>,
    method: Vec<RawRule>,
    emergency: Vec<RawRule>,
    crisis: Vec<RawRule>,
    fallback: Vec<RawRule>,
    ask: Vec<RawRule>,
    refer: Vec<RawRule>,
    support: Vec<RawRule>,
}

impl RulesFile {
    fn tables(&self) -> [(&'static str, &[RawRule]); 7] {
        [
            ("method", &self.method),
            ("emergency", &self.emergency),
            ("crisis", &self.crisis),
            ("fallback", &self.fallback),
            ("ask", &self.ask),
            ("refer", &self.refer),
            ("support", &self.support),
        ]
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Negation {
    bridge: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardsFile {
    guards: BTreeMap<Spanned<String>, Spanned<String>>,
    negation: Negation,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    lists: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// Collects the problems of one set of files.
struct Problems<'a> {
    dir: &'a Path,
    errors: Vec<PromptError>,
}

impl Problems<'_> {
    fn at(&mut self, (file, src): (&str, &str), offset: usize, message: impl Into<String>) {
        self.errors.push(PromptError::at_offset(
            &self.dir.join(file),
            src,
            offset,
            message,
        ));
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, (file, src): (&str, &str)) -> Option<T> {
        match toml::from_str::<T>(src) {
            Ok(t) => Some(t),
            Err(e) => {
                self.errors
                    .push(PromptError::from_toml(&self.dir.join(file), src, &e));
                None
            }
        }
    }
}

/// The one line of a regex error that says what is wrong (the rest repeats the whole
/// expanded pattern).
fn regex_problem(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| text.lines().last().unwrap_or_default().trim().to_string())
}

/// Expand and compile one pattern, or report why not at its line.
fn compile(
    p: &mut Problems,
    file: (&str, &str),
    lists: &WordLists,
    what: &str,
    pattern: &Spanned<String>,
) -> Option<Regex> {
    let offset = pattern.span().start;
    if pattern.get_ref().trim().is_empty() {
        p.at(
            file,
            offset,
            format!("{what}: empty pattern (it would match everything)"),
        );
        return None;
    }
    let expanded = match lists.expand(pattern.get_ref()) {
        Ok(s) => s,
        Err(e) => {
            p.at(file, offset, format!("{what}: {e}"));
            return None;
        }
    };
    match Regex::new(&expanded) {
        Ok(re) => Some(re),
        Err(e) => {
            p.at(
                file,
                offset,
                format!("{what}: pattern does not compile: {}", regex_problem(&e)),
            );
            None
        }
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.'))
}

fn is_category(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl RuleSet {
    /// Parse, check and compile the rule files: `(file name, contents)` for each of [`FILES`],
    /// named in errors as under `safety_dir`. On failure, every problem found.
    pub fn from_sources(
        safety_dir: &Path,
        sources: &[(&str, &str)],
    ) -> Result<RuleSet, Vec<PromptError>> {
        let mut p = Problems {
            dir: safety_dir,
            errors: Vec::new(),
        };
        let get = |p: &mut Problems, name: &'static str| -> Option<(&'static str, &str)> {
            match sources.iter().find(|(n, _)| *n == name) {
                Some((_, s)) => Some((name, *s)),
                None => {
                    p.errors.push(PromptError::new(
                        &safety_dir.join(name),
                        0,
                        "cannot read: missing",
                    ));
                    None
                }
            }
        };
        let rules_src = get(&mut p, "rules.toml");
        let guards_src = get(&mut p, "guards.toml");
        let lexicon_src = get(&mut p, "lexicon.toml");

        // Word lists first: every pattern is expanded with them.
        let mut lists = BTreeMap::new();
        let mut list_lines = BTreeMap::new();
        if let Some(file) = lexicon_src {
            if let Some(raw) = p.parse::<LexiconFile>(file) {
                for (name, list) in raw.lists {
                    if !super::lexicon::is_list_name(name.get_ref()) {
                        p.at(
                            file,
                            name.span().start,
                            format!(
                                "word list name `{}` must be upper case (letters, digits, _)",
                                name.get_ref()
                            ),
                        );
                    }
                    if list.get_ref().trim().is_empty() {
                        p.at(
                            file,
                            list.span().start,
                            format!("word list {} is empty", name.get_ref()),
                        );
                    }
                    list_lines.insert(name.get_ref().clone(), list.span().start);
                    lists.insert(name.into_inner(), list.into_inner());
                }
            }
        }
        let lists = WordLists::new(lists);
        if let Some(file) = lexicon_src {
            // A list that does not expand (an unknown or circular name inside it).
            for (name, offset) in &list_lines {
                if let Err(e) = lists.expand(&format!("{{{name}}}")) {
                    p.at(file, *offset, format!("word list {name}: {e}"));
                }
            }
        }

        let mut masks = Vec::new();
        let mut rules = Vec::new();
        if let Some(file) = rules_src {
            if let Some(raw) = p.parse::<RulesFile>(file) {
                let mut seen: BTreeSet<String> = BTreeSet::new();
                let mut check_id = |p: &mut Problems, id: &Spanned<String>| {
                    let s = id.get_ref();
                    if !is_id(s) {
                        p.at(
                            file,
                            id.span().start,
                            format!("id `{s}` must be lower case (letters, digits, _ and .)"),
                        );
                    }
                    if !seen.insert(s.clone()) {
                        p.at(file, id.span().start, format!("duplicate id `{s}`"));
                    }
                };
                for m in &raw.mask {
                    check_id(&mut p, &m.id);
                    if let Some(s) = &m.support {
                        if !is_category(s.get_ref()) {
                            p.at(
                                file,
                                s.span().start,
                                format!(
                                    "mask {}: support category `{}` must be snake_case",
                                    m.id.get_ref(),
                                    s.get_ref()
                                ),
                            );
                        }
                    }
                    let what = format!("mask {}", m.id.get_ref());
                    if let Some(re) = compile(&mut p, file, &lists, &what, &m.pattern) {
                        masks.push(Mask {
                            id: m.id.get_ref().clone(),
                            support: m.support.as_ref().map(|s| s.get_ref().clone()),
                            re,
                        });
                    }
                }
                for (table, rows) in raw.tables() {
                    if rows.is_empty() {
                        p.at(file, 0, format!("table [[{table}]] has no rules"));
                    }
                    for r in rows {
                        check_id(&mut p, &r.id);
                        let what = format!("rule {}", r.id.get_ref());
                        if !is_category(r.category.get_ref()) {
                            p.at(
                                file,
                                r.category.span().start,
                                format!(
                                    "{what}: category `{}` must be snake_case",
                                    r.category.get_ref()
                                ),
                            );
                        }
                        let action = match SafetyAction::parse(r.action.get_ref())
                            .filter(|a| ACTIONS.contains(&a.as_str()))
                        {
                            Some(a) => Some(a),
                            None => {
                                p.at(
                                    file,
                                    r.action.span().start,
                                    format!(
                                        "{what}: unknown action `{}` (known: {})",
                                        r.action.get_ref(),
                                        ACTIONS.join(", ")
                                    ),
                                );
                                None
                            }
                        };
                        let mut flags = 0;
                        for f in &r.flags {
                            match FLAGS.iter().find(|(n, _)| n == f.get_ref()) {
                                Some((_, bit)) => flags |= bit,
                                None => p.at(
                                    file,
                                    f.span().start,
                                    format!(
                                        "{what}: unknown flag `{}` (known: {})",
                                        f.get_ref(),
                                        FLAGS
                                            .iter()
                                            .map(|(n, _)| *n)
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    ),
                                ),
                            }
                        }
                        let re = compile(&mut p, file, &lists, &what, &r.pattern);
                        if let (Some(action), Some(re)) = (action, re) {
                            rules.push(Rule {
                                id: r.id.get_ref().clone(),
                                category: r.category.get_ref().clone(),
                                action,
                                flags,
                                re,
                            });
                        }
                    }
                }
            }
        }

        let mut guards: BTreeMap<&'static str, Regex> = BTreeMap::new();
        let mut bridge = Vec::new();
        if let Some(file) = guards_src {
            if let Some(raw) = p.parse::<GuardsFile>(file) {
                for (name, pattern) in &raw.guards {
                    let Some(known) = GUARDS.iter().find(|g| **g == name.get_ref()) else {
                        p.at(
                            file,
                            name.span().start,
                            format!(
                                "unknown guard `{}` (known: {})",
                                name.get_ref(),
                                GUARDS.join(", ")
                            ),
                        );
                        continue;
                    };
                    let what = format!("guard {known}");
                    if let Some(re) = compile(&mut p, file, &lists, &what, pattern) {
                        guards.insert(known, re);
                    }
                }
                for g in GUARDS {
                    if !raw.guards.keys().any(|k| k.get_ref() == g) {
                        p.at(file, 0, format!("[guards] is missing `{g}`"));
                    }
                }
                for w in &raw.negation.bridge {
                    let s = w.get_ref();
                    if s.is_empty() || s.contains(char::is_whitespace) || s != &s.to_lowercase() {
                        p.at(
                            file,
                            w.span().start,
                            format!("bridge word `{s}` must be one lower-case word"),
                        );
                    }
                    bridge.push(s.clone());
                }
            }
        }

        if let Some(file) = lexicon_src {
            if p.errors.is_empty() {
                for name in lists.unused() {
                    let offset = list_lines.get(name).copied().unwrap_or(0);
                    p.at(
                        file,
                        offset,
                        format!("word list {name} is not used by any pattern"),
                    );
                }
            }
        }

        if !p.errors.is_empty() {
            return Err(p.errors);
        }
        let mut take = |name: &str| guards.remove(name);
        let built = (|| {
            Some(RuleSet {
                masks,
                rules,
                identity: take("identity")?,
                hist_past: take("hist_past")?,
                recent: take("recent")?,
                media: take("media")?,
                accident: take("accident")?,
                deliberate: take("deliberate")?,
                past_time: take("past_time")?,
                trivial: take("trivial")?,
                threat_idiom: take("threat_idiom")?,
                med_past: take("med_past")?,
                med_neutral: take("med_neutral")?,
                benign: take("benign")?,
                routine: take("routine")?,
                everyday: take("everyday")?,
                trivia: take("trivia")?,
                first_person: take("first_person")?,
                quote: take("quote")?,
                denial: take("denial")?,
                report: take("report")?,
                weak_now: take("weak_now")?,
                means: take("means")?,
                now_any: take("now_any")?,
                bridge,
            })
        })();
        built.ok_or_else(|| {
            vec![PromptError::new(
                &safety_dir.join("guards.toml"),
                0,
                "a guard is missing",
            )]
        })
    }

    /// The rules compiled from the copy inside the binary.
    pub fn builtin() -> Result<RuleSet, Vec<PromptError>> {
        Self::from_sources(Path::new(BUILTIN_DIR), BUILTIN_SOURCES)
    }

    /// Compile the built-in rules (the message joins every problem; a test guards it).
    pub fn build() -> Result<Self, String> {
        Self::builtin().map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// The rules for these sources: the shared built-in set when they are the built-in files
    /// (no second compilation), otherwise freshly compiled.
    pub fn shared_or_compile(
        safety_dir: &Path,
        sources: &[(&str, &str)],
    ) -> Result<Arc<RuleSet>, Vec<PromptError>> {
        let builtin = FILES.iter().all(|name| {
            let ours = BUILTIN_SOURCES.iter().find(|(n, _)| n == name);
            let theirs = sources.iter().find(|(n, _)| n == name);
            matches!((ours, theirs), (Some((_, a)), Some((_, b))) if a == b)
        });
        if builtin {
            if let Ok(r) = shared() {
                return Ok(r.clone());
            }
        }
        Self::from_sources(safety_dir, sources).map(Arc::new)
    }
}

/// The built-in rules, compiled once per process and shared by every engine.
pub fn shared() -> &'static Result<Arc<RuleSet>, String> {
    static RULES: OnceLock<Result<Arc<RuleSet>, String>> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::build().map(Arc::new))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in files with one of them replaced by `text`.
    fn with(file: &str, text: &str) -> Vec<PromptError> {
        let sources: Vec<(&str, &str)> = BUILTIN_SOURCES
            .iter()
            .map(|(n, s)| if *n == file { (*n, text) } else { (*n, *s) })
            .collect();
        match RuleSet::from_sources(Path::new("p/safety"), &sources) {
            Ok(_) => panic!("{file}: the broken copy was accepted"),
            Err(e) => e,
        }
    }

    /// The built-in `file` with `from` (which must occur) replaced by `to` on its first
    /// occurrence, and the 1-based line of that occurrence.
    fn edited(file: &str, from: &str, to: &str) -> (String, usize) {
        let Some((_, src)) = BUILTIN_SOURCES.iter().find(|(n, _)| *n == file) else {
            panic!("no {file}");
        };
        let Some(at) = src.find(from) else {
            panic!("{from:?} is not in {file}");
        };
        let line = crate::engine::prompt_error::line_of(src, at);
        (src.replacen(from, to, 1), line)
    }

    /// One error, on `file:line`, whose message contains `what`.
    fn one_error(errors: &[PromptError], file: &str, line: usize, what: &str) {
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = &errors[0];
        assert_eq!(e.file, Path::new("p/safety").join(file), "{e}");
        assert_eq!(e.line, line, "{e}");
        assert!(e.message.contains(what), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("p/safety/{file}:{line}: ")),
            "{e}"
        );
    }

    #[test]
    fn builtin_files_compile() {
        let r = RuleSet::builtin().unwrap_or_else(|e| panic!("{e:?}"));
        let (rules, masks) = r.len();
        assert!(rules > 200 && masks > 30, "{rules} rules, {masks} masks");
    }

    #[test]
    fn a_bad_regex_names_file_and_line() {
        let (text, line) = edited(
            "rules.toml",
            r"pattern = '\bdying (?:to|for)\b'",
            r"pattern = '\bdying (?:to|for\b'",
        );
        one_error(
            &with("rules.toml", &text),
            "rules.toml",
            line,
            "does not compile",
        );
    }

    #[test]
    fn an_unknown_flag_names_file_and_line() {
        let (text, line) = edited("rules.toml", r#"flags = ["NEG""#, r#"flags = ["NEGATED""#);
        one_error(
            &with("rules.toml", &text),
            "rules.toml",
            line,
            "unknown flag `NEGATED`",
        );
    }

    #[test]
    fn an_unknown_placeholder_names_file_and_line() {
        let (text, line) = edited("rules.toml", "{REL}", "{RELATIVES}");
        one_error(
            &with("rules.toml", &text),
            "rules.toml",
            line,
            "{RELATIVES}",
        );
        let (text, line) = edited("guards.toml", "{MEANS}", "{MEENS}");
        one_error(&with("guards.toml", &text), "guards.toml", line, "{MEENS}");
        let (text, line) = edited("lexicon.toml", "{REL}", "{RELS}");
        let errors = with("lexicon.toml", &text);
        assert!(
            errors.iter().all(|e| e.to_string().contains("{RELS}")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.line == line), "{errors:?}");
    }

    #[test]
    fn a_duplicate_id_names_file_and_line() {
        let (text, line) = edited(
            "rules.toml",
            r#"id = "idiom.die_for""#,
            r#"id = "idiom.dying_to""#,
        );
        one_error(
            &with("rules.toml", &text),
            "rules.toml",
            line,
            "duplicate id `idiom.dying_to`",
        );
    }

    #[test]
    fn a_bad_action_names_file_and_line() {
        let (text, line) = edited("rules.toml", r#"action = "crisis""#, r#"action = "panic""#);
        one_error(
            &with("rules.toml", &text),
            "rules.toml",
            line,
            "unknown action `panic`",
        );
        let (text, line) = edited("rules.toml", r#"action = "crisis""#, r#"action = "none""#);
        one_error(
            &with("rules.toml", &text),
            "rules.toml",
            line,
            "unknown action `none`",
        );
    }

    #[test]
    fn a_missing_field_or_guard_or_file_is_named() {
        let (text, line) = edited("rules.toml", "category = \"method_request\"\n", "");
        let errors = with("rules.toml", &text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("category"), "{errors:?}");
        assert!(errors[0].line > 0 && errors[0].line <= line, "{errors:?}");

        let (text, _) = edited("guards.toml", "\nrecent = ", "\nrecently = ");
        let errors = with("guards.toml", &text);
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("unknown guard `recently`")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("missing `recent`")),
            "{errors:?}"
        );

        let sources: Vec<(&str, &str)> = BUILTIN_SOURCES[..2].to_vec();
        let Err(errors) = RuleSet::from_sources(Path::new("p/safety"), &sources) else {
            panic!("accepted without lexicon.toml");
        };
        assert!(
            errors[0]
                .to_string()
                .starts_with("p/safety/lexicon.toml:0: cannot read"),
            "{errors:?}"
        );
    }

    #[test]
    fn an_empty_pattern_or_toml_error_is_refused() {
        let (text, line) = edited(
            "rules.toml",
            r"pattern = '\bdying (?:to|for)\b'",
            "pattern = ' '",
        );
        one_error(
            &with("rules.toml", &text),
            "rules.toml",
            line,
            "empty pattern",
        );
        let (text, line) = edited("guards.toml", "[negation]", "[negation");
        let errors = with("guards.toml", &text);
        assert_eq!(errors[0].line, line, "{errors:?}");
    }

    /// Like `every_file_in_the_corpus_folder_is_registered_once`: every table, guard, flag and
    /// word list in the files is used, and every placeholder is defined (the loader refuses
    /// unknown ones; this checks the other direction).
    #[test]
    fn every_table_guard_flag_and_list_is_used() {
        let Some((_, rules_src)) = BUILTIN_SOURCES.iter().find(|(n, _)| *n == "rules.toml") else {
            panic!("no rules.toml");
        };
        let Ok(raw) = toml::from_str::<RulesFile>(rules_src) else {
            panic!("rules.toml does not parse");
        };
        assert!(!raw.mask.is_empty());
        let tables = raw.tables();
        assert_eq!(
            tables.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            TABLES,
            "TABLES and RulesFile::tables disagree"
        );
        for (name, rows) in tables {
            assert!(!rows.is_empty(), "table [[{name}]] is empty");
        }
        for (flag, _) in FLAGS {
            assert!(
                tables
                    .iter()
                    .flat_map(|(_, rows)| rows.iter())
                    .any(|r| r.flags.iter().any(|f| f.get_ref() == flag)),
                "flag {flag} is on no rule"
            );
        }
        let Some((_, guards_src)) = BUILTIN_SOURCES.iter().find(|(n, _)| *n == "guards.toml")
        else {
            panic!("no guards.toml");
        };
        let Ok(g) = toml::from_str::<GuardsFile>(guards_src) else {
            panic!("guards.toml does not parse");
        };
        let names: Vec<&str> = g.guards.keys().map(|k| k.get_ref().as_str()).collect();
        let mut expected = GUARDS.to_vec();
        expected.sort_unstable();
        assert_eq!(names, expected, "guards.toml and GUARDS disagree");
        // Word lists: the loader refuses an unused one, so the built-in set compiling proves
        // each is used; and every {NAME} anywhere is a list.
        assert!(RuleSet::builtin().is_ok());
        let Some((_, lex_src)) = BUILTIN_SOURCES.iter().find(|(n, _)| *n == "lexicon.toml") else {
            panic!("no lexicon.toml");
        };
        let Ok(lex) = toml::from_str::<LexiconFile>(lex_src) else {
            panic!("lexicon.toml does not parse");
        };
        let defined: BTreeSet<&str> = lex.lists.keys().map(|k| k.get_ref().as_str()).collect();
        for (file, src) in BUILTIN_SOURCES {
            for line in src.lines().filter(|l| !l.trim_start().starts_with('#')) {
                for (_, name) in super::super::lexicon::placeholders(line) {
                    assert!(
                        defined.contains(name),
                        "{file}: {{{name}}} is not a word list"
                    );
                }
            }
        }
    }

    /// The files on disk are the ones compiled in (the binary and the repository agree).
    #[test]
    fn the_prompts_folder_holds_the_builtin_files() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts/safety");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| FILES.contains(&n.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        on_disk.sort();
        let mut expected: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(on_disk, expected);
        assert_eq!(
            BUILTIN_SOURCES.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            FILES
        );
    }

    #[test]
    fn the_builtin_sources_share_one_compilation() {
        let (Ok(a), Ok(b)) = (
            RuleSet::shared_or_compile(Path::new("x"), BUILTIN_SOURCES),
            RuleSet::shared_or_compile(Path::new("y"), BUILTIN_SOURCES),
        ) else {
            panic!("built-in rules do not compile");
        };
        assert!(Arc::ptr_eq(&a, &b));
    }
}
