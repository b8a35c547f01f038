//! Splits reply text into sentences so synthesis can start speaking the first one while the rest
//! is being made. A very long sentence is further split at a clause boundary: Piper's memory
//! and time to first audio grow with the length of what it is given at once.

/// Sentences longer than this (in characters) are split at clause boundaries.
const MAX_CHUNK: usize = 110;

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
            push_chunks(&mut out, current.trim());
            current.clear();
        }
    }
    push_chunks(&mut out, current.trim());
    out
}

/// Pushes a sentence, split after commas, semicolons or dashes when it is too long.
fn push_chunks(out: &mut Vec<String>, sentence: &str) {
    if sentence.is_empty() {
        return;
    }
    if sentence.chars().count() <= MAX_CHUNK {
        out.push(sentence.to_string());
        return;
    }
    let mut chunk = String::new();
    for word in sentence.split(' ') {
        if !chunk.is_empty() {
            chunk.push(' ');
        }
        chunk.push_str(word);
        let clause_end = word.ends_with(',') || word.ends_with(';') || word == "—" || word == "-";
        if clause_end && chunk.chars().count() >= 40 {
            out.push(std::mem::take(&mut chunk));
        }
    }
    if !chunk.is_empty() {
        out.push(chunk);
    }
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

    #[test]
    fn long_sentences_split_at_clauses() {
        let long = "I can guide breathing and reflection and keep a private mood log, all on this device, and if you ever need a professional or a crisis line, I'll help you find one.";
        let parts = split_sentences(long);
        assert!(parts.len() >= 2, "{parts:?}");
        assert_eq!(parts.join(" "), long);
        assert!(parts.iter().all(|p| p.chars().count() <= 110), "{parts:?}");
    }
}
