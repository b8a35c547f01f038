//! Word lists the safety rules are written with (`prompts/safety/lexicon.toml`).
//!
//! Rule and guard patterns ([`super::rule_files`]) refer to these lists as `{NAME}`
//! placeholders, expanded once when the rules are compiled; a list may name another
//! (`PERSON` holds `{REL}`). Every list is a regex alternation over *normalised* text (see
//! [`super::normalize`]): lower case, contractions expanded, no apostrophes. Longer
//! alternatives come before their prefixes so the leftmost match is the most specific.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// How deep placeholders may nest (`{PERSON}` holds `{REL}`: two levels).
const MAX_DEPTH: usize = 4;

/// The named word lists, with which of them a pattern has used (to report lists nothing uses).
#[derive(Debug, Default)]
pub struct WordLists {
    lists: BTreeMap<String, String>,
    used: RefCell<BTreeSet<String>>,
}

/// Whether `name` is a list name (`REL`, `NOW_ANY`): upper case, digits and underscores.
pub fn is_list_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The `{NAME}` placeholders in a pattern, with their byte ranges. Regex repetitions (`{2,}`,
/// `{0,4}`) are not names and are left alone.
pub fn placeholders(pattern: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = pattern[from..].find('{').map(|i| i + from) {
        let Some(close) = pattern[open..].find('}').map(|i| i + open) else {
            break;
        };
        let name = &pattern[open + 1..close];
        if is_list_name(name) {
            out.push((open..close + 1, name));
            from = close + 1;
        } else {
            from = open + 1;
        }
    }
    out
}

impl WordLists {
    /// The lists by name.
    pub fn new(lists: BTreeMap<String, String>) -> Self {
        Self {
            lists,
            used: RefCell::new(BTreeSet::new()),
        }
    }

    /// Expand `{NAME}` placeholders (nested ones too) into their alternations, or name the
    /// first unknown one.
    pub fn expand(&self, pattern: &str) -> Result<String, String> {
        self.expand_at(pattern, 0)
    }

    fn expand_at(&self, pattern: &str, depth: usize) -> Result<String, String> {
        let found = placeholders(pattern);
        if found.is_empty() {
            return Ok(pattern.to_string());
        }
        if depth >= MAX_DEPTH {
            return Err(format!(
                "word lists nest more than {MAX_DEPTH} deep (does a list name itself?)"
            ));
        }
        let mut out = String::with_capacity(pattern.len());
        let mut last = 0;
        for (range, name) in found {
            let Some(list) = self.lists.get(name) else {
                return Err(format!(
                    "unknown word list {{{name}}} (lexicon.toml defines {})",
                    self.lists
                        .keys()
                        .map(|k| format!("{{{k}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            };
            self.used.borrow_mut().insert(name.to_string());
            out.push_str(&pattern[last..range.start]);
            out.push_str(&self.expand_at(list, depth + 1)?);
            last = range.end;
        }
        out.push_str(&pattern[last..]);
        Ok(out)
    }

    /// The lists no pattern has used so far.
    pub fn unused(&self) -> Vec<&str> {
        let used = self.used.borrow();
        self.lists
            .keys()
            .filter(|k| !used.contains(k.as_str()))
            .map(String::as_str)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_skip_repetitions() {
        let p = placeholders(r"a{2,}b{REL} (?: \S+){0,4}{NOW_ANY}");
        let names: Vec<&str> = p.iter().map(|(_, n)| *n).collect();
        assert_eq!(names, ["REL", "NOW_ANY"]);
    }

    #[test]
    fn nested_lists_expand_and_cycles_are_refused() {
        let w = WordLists::new(BTreeMap::from([
            ("REL".to_string(), "mom|dad".to_string()),
            ("PERSON".to_string(), "him|my (?:{REL})".to_string()),
            ("LOOP".to_string(), "a|{LOOP}".to_string()),
        ]));
        assert_eq!(
            w.expand("x {PERSON}").as_deref(),
            Ok("x him|my (?:mom|dad)")
        );
        assert!(w.expand("{LOOP}").is_err());
        assert!(w.expand("{NOPE}").unwrap_err().contains("{NOPE}"));
    }
}
