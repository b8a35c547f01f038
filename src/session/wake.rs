//! Is an utterance addressed to Hearth? The wake phrase as speech recognition writes it.
//!
//! Whisper renders "hey hearth" as "Hey Hearth.", "Hey, heart", "Hay Hearth" or "A hearth"; the
//! match is on normalized words with a small edit distance per word, within the first words of
//! the utterance. What follows the wake phrase is the request.

/// Lowercase words without punctuation.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\''))
        .map(|w| w.trim_matches('\'').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Greetings Whisper hears in place of "hey" (matched exactly, never approximately: "he" and
/// "they" are not greetings).
const GREETINGS: [&str; 5] = ["hey", "hay", "hi", "a", "hello"];

/// Words that may come before the wake phrase.
const FILLERS: [&str; 7] = ["um", "uh", "erm", "so", "oh", "ok", "okay"];

fn word_matches(heard: &str, wanted: &str) -> bool {
    if GREETINGS.contains(&wanted) {
        return GREETINGS.contains(&heard);
    }
    // One slip for a long word ("heart", "harth" for "hearth"); short words exactly.
    let allowed = usize::from(wanted.len() >= 5);
    strsim::levenshtein(heard, wanted) <= allowed
}

/// If `text` starts with the wake phrase (after fillers like "um" or "okay"), the rest of it.
/// An empty phrase means everything is addressed to Hearth.
pub fn strip_wake_phrase(text: &str, phrase: &str) -> Option<String> {
    let wanted = words(phrase);
    let heard = words(text);
    if wanted.is_empty() {
        return Some(text.trim().to_string());
    }
    let start = heard
        .iter()
        .take_while(|w| FILLERS.contains(&w.as_str()))
        .count();
    if start + wanted.len() > heard.len() {
        return None;
    }
    let all = wanted
        .iter()
        .enumerate()
        .all(|(i, w)| word_matches(&heard[start + i], w));
    all.then(|| heard[start + wanted.len()..].join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wake_phrase_as_whisper_writes_it() {
        for (text, rest) in [
            (
                "Hey Hearth, let's do box breathing.",
                "let's do box breathing",
            ),
            (
                "Hey, heart. Let's do box breathing",
                "let's do box breathing",
            ),
            ("hay hearth stop", "stop"),
            ("A hearth, how are you?", "how are you"),
            (
                "Um, hey Hearth, I want to log my mood.",
                "i want to log my mood",
            ),
            ("Hey Harth.", ""),
        ] {
            assert_eq!(
                strip_wake_phrase(text, "hey hearth").as_deref(),
                Some(rest),
                "{text}"
            );
        }
    }

    #[test]
    fn other_speech_is_not_addressed() {
        for text in [
            "Let's do box breathing.",
            "Hey Martha, dinner's ready.",
            "The hearth is warm tonight.",
            "I told him hey, hurry up",
        ] {
            assert_eq!(strip_wake_phrase(text, "hey hearth"), None, "{text}");
        }
        assert_eq!(
            strip_wake_phrase("anything", "").as_deref(),
            Some("anything")
        );
    }
}
