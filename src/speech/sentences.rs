//! Splits reply text into sentences so synthesis can start speaking the first one while the rest
//! is being made.

/// Splits at `.`, `!`, `?` and `…` followed by a space (or the end), keeping the punctuation.
/// Common abbreviations ("Dr.", "e.g.") and decimal numbers do not end a sentence.
pub fn split_sentences(text: &str) -> Vec<String> {
    const ABBREVIATIONS: [&str; 8] = ["dr.", "mr.", "mrs.", "ms.", "e.g.", "i.e.", "etc.", "st."];
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        current.push(c);
        let terminal = matches!(c, '.' | '!' | '?' | '…');
        let next_is_break = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if terminal && next_is_break {
            let last_word = current
                .split_whitespace()
                .last()
                .unwrap_or("")
                .to_lowercase();
            if ABBREVIATIONS.contains(&last_word.as_str()) {
                continue;
            }
            let s = current.trim();
            if !s.is_empty() {
                out.push(s.to_string());
            }
            current.clear();
        }
    }
    let s = current.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_abbreviations() {
        assert_eq!(
            split_sentences("Breathe in. Hold it! Ready? Call Dr. Lee at 9.30 now…  Good"),
            vec![
                "Breathe in.",
                "Hold it!",
                "Ready?",
                "Call Dr. Lee at 9.30 now…",
                "Good"
            ]
        );
        assert!(split_sentences("   ").is_empty());
    }
}
