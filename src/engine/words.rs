//! The words of an utterance, one way for every reader: the safety rules, the dialogue's
//! understanding and the wake phrase all start from these tokens, so they agree on what a word
//! is ("don't" is one word, "7.5" one number, "well-being" two words).
//!
//! - lower case; curly and other apostrophes (`’ ‘ ` ´`) become `'`, kept only inside a word
//!   ("don't"; "'cause" is "cause");
//! - a dot is kept only between digits ("7.5"); sentence and clause punctuation (`. , ! ? ; :`,
//!   `…`, line breaks, a dash between spaces) is a boundary, reported by
//!   [`words_with_breaks`] as a standalone [`BREAK`] token;
//! - a hyphen inside a word separates words; anything else that is not a letter or a digit is
//!   a space.
//!
//! Each reader adds its own layer on top: the safety screen expands contractions and drops
//! fillers (`safety::normalize`), the dialogue matches on words without apostrophes
//! (`dialogue::text::normalize`: "dont"), the wake matcher compares words as they are.

/// The token that stands for a clause boundary.
pub const BREAK: &str = ",";
const SPACED_BREAK: &str = " , ";

/// The words of `text` with a [`BREAK`] token at every clause boundary.
pub fn words_with_breaks(text: &str) -> Vec<String> {
    let mut out = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        match c {
            '\u{2019}' | '\u{2018}' | '`' | '\u{b4}' | '\'' => {
                if prev.is_alphanumeric() && next.is_alphanumeric() {
                    out.push('\'');
                } else {
                    out.push(' ');
                }
            }
            '.' if prev.is_ascii_digit() && next.is_ascii_digit() => out.push('.'),
            '.' | ',' | '!' | '?' | ';' | ':' | '\u{2026}' | '\n' | '\r' => {
                out.push_str(SPACED_BREAK)
            }
            '-' | '\u{2013}' | '\u{2014}' => {
                if prev.is_alphanumeric() && next.is_alphanumeric() {
                    out.push(' ');
                } else {
                    out.push_str(SPACED_BREAK);
                }
            }
            c if c.is_alphanumeric() => {
                for l in c.to_lowercase() {
                    out.push(l);
                }
            }
            _ => out.push(' '),
        }
    }
    out.split_whitespace().map(str::to_string).collect()
}

/// The words of `text`, clause boundaries left out.
pub fn words(text: &str) -> Vec<String> {
    words_with_breaks(text)
        .into_iter()
        .filter(|w| w != BREAK)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_dots_and_dashes() {
        assert_eq!(
            words_with_breaks("I DON’T know. it's 7.5/10 - well-being, ‘cause"),
            ["i", "don't", "know", ",", "it's", "7.5", "10", ",", "well", "being", ",", "cause"]
        );
        assert_eq!(
            words("Hey, Hearth! What's up?"),
            ["hey", "hearth", "what's", "up"]
        );
        assert!(words("  ...  ").is_empty());
    }
}
