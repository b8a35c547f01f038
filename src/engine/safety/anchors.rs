//! Risk anchors: how near an utterance's meaning comes to any risk statement the second
//! reading was trained on.
//!
//! A classifier head draws boundaries through the whole embedding space, also through the
//! regions it never saw an example in, and there it can be sure of nonsense: the first head
//! read "I have a tambourine" as an emergency at p = 0.997 and "I've got an idea" as a crisis.
//! The anchors are the answer to "has anyone ever said something like this and meant danger?":
//! the unit embeddings of the train split's risk statements (ask, crisis, emergency), each
//! quantised to 384 signed bytes. The second reading may raise an alarm on its own only when
//! the utterance lies within `near` (cosine similarity, chosen on the calibration split) of at
//! least one of them; the rules' readings never depend on it.
//!
//! Stored as `models/safety-anchors.txt` (one anchor per line in base64, after a header naming
//! the encoder), written by `hearth safety train` beside the head and compiled in.

use base64::Engine as _;

/// Why an anchors file is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("safety anchors: {0}")]
pub struct AnchorsError(pub String);

/// Two anchors closer than this are one: the second adds nothing.
const DUPLICATE: f32 = 0.98;

/// The committed anchors, compiled in.
pub const BUILTIN_ANCHORS: &str = include_str!("../../../models/safety-anchors.txt");

/// Quantised unit embeddings of risk statements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Anchors {
    /// The encoder the embeddings came from.
    pub encoder: String,
    /// Numbers per anchor (the encoder's embedding length).
    pub dim: usize,
    /// `dim` bytes per anchor, each component times 127, rounded.
    rows: Vec<i8>,
    /// The length of each quantised row (so similarity stays a cosine).
    norms: Vec<f32>,
}

fn quantise(unit: &[f32]) -> Vec<i8> {
    unit.iter()
        .map(|x| (x * 127.0).round().clamp(-127.0, 127.0) as i8)
        .collect()
}

fn norm_of(row: &[i8]) -> f32 {
    row.iter()
        .map(|&x| f32::from(x) * f32::from(x))
        .sum::<f32>()
        .sqrt()
}

impl Anchors {
    /// Anchors from embeddings (any length; made unit length here), in the given order, with
    /// near duplicates dropped.
    pub fn from_embeddings<'a>(
        encoder: &str,
        embeddings: impl IntoIterator<Item = &'a [f32]>,
    ) -> Self {
        let mut a = Anchors {
            encoder: encoder.to_string(),
            ..Self::default()
        };
        for e in embeddings {
            let n = e.iter().map(|x| x * x).sum::<f32>().sqrt();
            if a.dim == 0 {
                a.dim = e.len();
            }
            if e.len() != a.dim || n == 0.0 {
                continue;
            }
            let unit: Vec<f32> = e.iter().map(|x| x / n).collect();
            if a.nearest(&unit).is_some_and(|s| s >= DUPLICATE) {
                continue;
            }
            a.push(quantise(&unit));
        }
        a
    }

    fn push(&mut self, row: Vec<i8>) {
        self.norms.push(norm_of(&row));
        self.rows.extend(row);
    }

    /// How many anchors there are.
    pub fn len(&self) -> usize {
        self.norms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.norms.is_empty()
    }

    /// The cosine similarity of `embedding` to its nearest anchor (`None` without anchors).
    pub fn nearest(&self, embedding: &[f32]) -> Option<f32> {
        let n = embedding.iter().map(|x| x * x).sum::<f32>().sqrt();
        if self.is_empty() || n == 0.0 || embedding.len() != self.dim {
            return None;
        }
        self.rows
            .chunks_exact(self.dim)
            .zip(&self.norms)
            .map(|(row, rn)| {
                let dot: f32 = row
                    .iter()
                    .zip(embedding)
                    .map(|(&q, x)| f32::from(q) * x)
                    .sum();
                if *rn == 0.0 {
                    0.0
                } else {
                    dot / (rn * n)
                }
            })
            .reduce(f32::max)
    }

    /// The file's text: a comment, the encoder, then one base64 line per anchor.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# Risk anchors of the safety screen's second reading: the train split's risk statements,\n\
             # embedded, quantised to signed bytes, one per line in base64. Written by `hearth safety train`.\n",
        );
        out.push_str(&format!("encoder {}\n", self.encoder));
        let b64 = base64::engine::general_purpose::STANDARD;
        for row in self.rows.chunks_exact(self.dim.max(1)) {
            let bytes: Vec<u8> = row.iter().map(|&x| x as u8).collect();
            out.push_str(&b64.encode(bytes));
            out.push('\n');
        }
        out
    }

    /// Parse a file's text; an error names the line.
    pub fn parse(text: &str) -> Result<Self, AnchorsError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut a = Anchors::default();
        let mut encoder = None;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix("encoder ") {
                encoder = Some(name.trim().to_string());
                continue;
            }
            let bytes = b64
                .decode(line)
                .map_err(|e| AnchorsError(format!("line {}: {e}", i + 1)))?;
            if a.dim == 0 {
                a.dim = bytes.len();
            }
            if bytes.is_empty() || bytes.len() != a.dim {
                return Err(AnchorsError(format!(
                    "line {}: {} numbers, expected {}",
                    i + 1,
                    bytes.len(),
                    a.dim
                )));
            }
            a.push(bytes.into_iter().map(|b| b as i8).collect());
        }
        a.encoder = encoder.ok_or_else(|| AnchorsError("no `encoder` line".into()))?;
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIM: usize = 384;

    fn unit(seed: usize) -> Vec<f32> {
        let v: Vec<f32> = (0..DIM)
            .map(|i| (((i * 7 + seed * 13) % 29) as f32 - 14.0) / 14.0)
            .collect();
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / n).collect()
    }

    #[test]
    fn nearest_is_the_cosine_of_the_closest_anchor() {
        let (a, b) = (unit(1), unit(2));
        let anchors = Anchors::from_embeddings("enc", [a.as_slice(), b.as_slice()]);
        assert_eq!(anchors.len(), 2);
        assert!(anchors.nearest(&a).unwrap() > 0.999);
        let minus: Vec<f32> = a.iter().map(|x| -x).collect();
        let far = anchors.nearest(&minus).unwrap();
        let exact: f32 = -b.iter().zip(&a).map(|(x, y)| x * y).sum::<f32>();
        assert!((far - exact.max(-1.0)).abs() < 0.02, "{far} vs {exact}");
        assert_eq!(Anchors::default().nearest(&a), None);
    }

    #[test]
    fn near_duplicates_are_kept_once() {
        let a = unit(3);
        let mut close = a.clone();
        close[0] += 0.01;
        let anchors = Anchors::from_embeddings("enc", [a.as_slice(), close.as_slice()]);
        assert_eq!(anchors.len(), 1);
    }

    #[test]
    fn the_text_round_trips_and_bad_lines_are_named() {
        let (a, b) = (unit(4), unit(5));
        let anchors = Anchors::from_embeddings("enc", [a.as_slice(), b.as_slice()]);
        let text = anchors.to_text();
        assert_eq!(Anchors::parse(&text).unwrap(), anchors);
        let broken = format!("{text}not base64!\n");
        let e = Anchors::parse(&broken).unwrap_err().to_string();
        assert!(e.contains("line 6"), "{e}");
        // A row shorter than the others.
        let short = format!("{text}AAAA\n");
        let e = Anchors::parse(&short).unwrap_err().to_string();
        assert!(e.contains("line 6"), "{e}");
        assert!(Anchors::parse("AAAA\n").is_err());
    }

    #[test]
    fn the_builtin_anchors_parse() {
        let a = Anchors::parse(BUILTIN_ANCHORS).unwrap();
        assert!(a.len() > 500, "{} anchors", a.len());
        assert_eq!(
            a.encoder,
            crate::engine::safety::semantic::SafetyHead::builtin()
                .unwrap()
                .encoder
        );
    }
}
