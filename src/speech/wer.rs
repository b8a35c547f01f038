//! Word error rate, the accuracy measure of the speech tests and benchmarks.

/// Lowercases, turns punctuation into spaces (keeping apostrophes inside words) and splits; a
/// number up to twenty written in digits counts as its word ("6" is "six"), as in Whisper's own
/// English normaliser, so that writing a spoken number either way is not an error.
pub fn normalize_words(text: &str) -> Vec<String> {
    let cleaned: String = text
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect();
    cleaned
        .split_whitespace()
        .map(|w| w.trim_matches('\'').to_string())
        .filter(|w| !w.is_empty())
        .map(|w| match w.parse::<u64>() {
            Ok(n) if n <= 20 => crate::engine::dialogue::text::spoken_number(n),
            _ => w,
        })
        .collect()
}

/// Word-level edit distance between reference and hypothesis, and the reference length.
pub fn word_errors(reference: &str, hypothesis: &str) -> (usize, usize) {
    let r = normalize_words(reference);
    let h = normalize_words(hypothesis);
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    for (i, rw) in r.iter().enumerate() {
        let mut cur = vec![i + 1; h.len() + 1];
        for (j, hw) in h.iter().enumerate() {
            let sub = prev[j] + usize::from(rw != hw);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    (prev[h.len()], r.len())
}

/// Word error rate of one pair (errors / reference words).
pub fn wer(reference: &str, hypothesis: &str) -> f64 {
    let (e, n) = word_errors(reference, hypothesis);
    e as f64 / n.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edits() {
        assert_eq!(
            word_errors("the cat sat on the mat", "the cat sat on the mat"),
            (0, 6)
        );
        assert_eq!(
            word_errors("the cat sat on the mat", "The cat, sat on a mat."),
            (1, 6)
        );
        assert_eq!(word_errors("a b c", ""), (3, 3));
        assert_eq!(word_errors("a b", "a x b"), (1, 2));
        assert!((wer("I'm fine", "im fine") - 0.5).abs() < 1e-9);
    }
}
