//! Small text helpers shared by the dialogue engine: normalising what the speech recogniser wrote,
//! choosing a phrasing by a deterministic variant, filling `{placeholders}` and estimating how
//! long a sentence takes to say.

/// Speaking rate assumed when a duration must be estimated (the dry run, prompt validation):
/// about 14 characters a second, i.e. a calm ~150 words a minute.
pub const SPEECH_CHARS_PER_SEC: u64 = 14;

/// Milliseconds in a day: the phrasing variant changes with the day.
pub const DAY_MS: u64 = 86_400_000;

/// Estimated time to speak `text` at [`SPEECH_CHARS_PER_SEC`].
pub fn speech_ms(text: &str) -> u64 {
    let chars = text.chars().count() as u64;
    chars * 1000 / SPEECH_CHARS_PER_SEC
}

/// A stable 64-bit FNV-1a hash (std's hasher is not stable across releases).
pub fn stable_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Choose one of `phrasings` for `variant` and a `salt` naming the slot. Consecutive variants
/// always give different phrasings when there are at least two (the index moves by one).
pub fn pick<'a>(phrasings: &'a [String], variant: u64, salt: &str) -> &'a str {
    if phrasings.is_empty() {
        return "";
    }
    let n = phrasings.len() as u64;
    let idx = (variant % n + stable_hash(salt) % n) % n;
    phrasings
        .get(idx as usize)
        .map(String::as_str)
        .unwrap_or("")
}

/// Capitalise the first letter of each sentence (after a template was filled with the
/// person's words, which are said back in lower case).
pub fn sentence_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            start = false;
        } else {
            out.push(c);
            if matches!(c, '.' | '!' | '?') {
                start = true;
            } else if !c.is_whitespace() {
                start = false;
            }
        }
    }
    out
}

/// Placeholder names (`{name}`) found in a text, in order.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => {
                out.push(after.to_string());
                break;
            }
        }
    }
    out
}

/// Fill `{key}` placeholders. `{name}` with no value is removed together with the comma or
/// space that joined it ("Good evening, {name}." becomes "Good evening.").
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (key, value) in values {
        let pat = format!("{{{key}}}");
        if value.is_empty() {
            for joined in [
                format!(", {pat}"),
                format!(" {pat}"),
                format!("{pat}, "),
                pat.clone(),
            ] {
                out = out.replace(&joined, "");
            }
        } else {
            out = out.replace(&pat, value);
        }
    }
    out
}

/// A count as a speaker would say it: words up to twenty, digits above.
pub fn spoken_number(n: u64) -> String {
    const WORDS: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    WORDS
        .get(n as usize)
        .map_or_else(|| n.to_string(), |w| (*w).to_string())
}

/// Join items for speech: "a", "a and b", "a, b and c".
pub fn join_spoken(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// The shared words ([`crate::engine::words`]) without apostrophes ("don't" -> "dont"), a
/// slash read as "out of" ("7/10"), joined by single spaces.
pub fn normalize(text: &str) -> String {
    crate::engine::words::words(&text.replace('/', " out of "))
        .iter()
        .map(|w| w.replace('\'', ""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Tokens of a normalised text.
pub fn tokens(text: &str) -> Vec<String> {
    normalize(text)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The value of a number word from zero to ten (plus a few speech-recognition spellings).
pub fn number_word(word: &str) -> Option<u32> {
    let w = word
        .strip_suffix("ish")
        .filter(|s| !s.is_empty())
        .unwrap_or(word);
    Some(match w {
        "zero" | "nought" | "naught" | "nil" => 0,
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        _ => {
            if !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 3 {
                return w.parse().ok();
            }
            return None;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_punctuation_and_case() {
        assert_eq!(
            normalize("Um, let's do BOX-breathing!"),
            "um lets do box breathing"
        );
        assert_eq!(normalize("6/10."), "6 out of 10");
        assert_eq!(normalize("about 7.5, I think."), "about 7.5 i think");
        assert_eq!(normalize("4-7-8"), "4 7 8");
    }

    #[test]
    fn pick_differs_on_consecutive_variants() {
        let p: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        for v in 0..20 {
            assert_ne!(pick(&p, v, "slot"), pick(&p, v + 1, "slot"));
        }
        assert_eq!(pick(&[], 3, "x"), "");
    }

    #[test]
    fn fill_removes_missing_name() {
        assert_eq!(
            fill("Good evening, {name}.", &[("name", "")]),
            "Good evening."
        );
        assert_eq!(
            fill("Good evening, {name}.", &[("name", "Sam")]),
            "Good evening, Sam."
        );
        assert_eq!(fill("{name}, hello", &[("name", "")]), "hello");
        assert_eq!(placeholders("a {b} c {d}"), vec!["b", "d"]);
    }

    #[test]
    fn joins_and_estimates() {
        let items: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(join_spoken(&items), "a, b and c");
        assert_eq!(speech_ms("Breathe in"), 714);
        assert_eq!(number_word("sixish"), Some(6));
        assert_eq!(number_word("10"), Some(10));
        assert_eq!(number_word("ish"), None);
        assert_eq!(spoken_number(4), "four");
        assert_eq!(spoken_number(28), "28");
    }
}
