//! The second reading: a linear classifier over word and character n-grams.
//!
//! The rules ([`super::rules`]) are precise and explainable, but each new way of saying something
//! needs a new rule, and people in distress say things in endless ways. This model is trained on
//! Hearth's labelled corpus ([`super::corpus`]) and generalises across wordings: "her lips are
//! going blue" sits near the breathing emergencies it has seen, "i've been stockpiling my meds"
//! near the plans.
//!
//! It is only ever used to escalate (see [`super::SafetyEngine::assess`]): the engine consults
//! it when the rules found no risk and no guard (negation, history, fiction, idiom) explained
//! the risky words away, and takes its reading only above a threshold. It never lowers what the
//! rules decided.
//!
//! - Features: word unigrams and bigrams (not across clause boundaries), and character 3–5-grams
//!   inside word boundaries, over the normalised text; hashed into 2^18 buckets; sublinear term
//!   frequency times idf; each block scaled to unit length.
//! - Model: multinomial logistic regression over none, refer, crisis and emergency (support
//!   counts as none), with balanced class weights, trained by AdaGrad in a fixed order from a
//!   fixed seed. The same corpus always gives the same weights, so the engine stays
//!   deterministic.
//! - Cost: training takes about 0.3 s, once per process (the engine is built at start-up); a
//!   prediction takes tens of microseconds. The weights take about 5 MB.

use super::normalize::normalize;
use super::SafetyAction;

const BITS: u32 = 18;
const DIM: usize = 1 << BITS;
const MASK: u64 = (DIM as u64) - 1;
/// Number of classes.
const K: usize = 4;
const EPOCHS: usize = 15;
const LEARNING_RATE: f32 = 0.3;
const L2: f32 = 1e-4;

/// The classes, in the order of [`Model::predict`]'s probabilities.
pub const CLASSES: [SafetyAction; K] = [
    SafetyAction::None,
    SafetyAction::Refer,
    SafetyAction::Crisis,
    SafetyAction::Emergency,
];

/// Index of an action among [`CLASSES`] (support counts as none).
fn class_index(a: SafetyAction) -> usize {
    match a {
        SafetyAction::None | SafetyAction::Support => 0,
        SafetyAction::Refer => 1,
        SafetyAction::Ask | SafetyAction::Crisis => 2,
        SafetyAction::Emergency => 3,
    }
}

/// Class probabilities for one utterance, in [`CLASSES`] order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probabilities(pub [f32; K]);

impl Probabilities {
    pub fn refer(&self) -> f32 {
        self.0[1]
    }
    pub fn crisis(&self) -> f32 {
        self.0[2]
    }
    pub fn emergency(&self) -> f32 {
        self.0[3]
    }
    /// Crisis or emergency.
    pub fn risk(&self) -> f32 {
        self.0[2] + self.0[3]
    }
}

/// A sparse feature vector: (bucket, value), sorted by bucket, no repeats.
type Sparse = Vec<(u32, f32)>;

/// FNV-1a over a feature kind and the gram's bytes, folded into a bucket.
fn bucket(kind: u8, gram: &[&str]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    eat(kind);
    for (i, part) in gram.iter().enumerate() {
        if i > 0 {
            eat(b' ');
        }
        part.bytes().for_each(&mut eat);
    }
    ((h ^ (h >> 32)) & MASK) as u32
}

/// Sort buckets and merge repeats into counts.
fn counts(mut ids: Vec<u32>) -> Sparse {
    ids.sort_unstable();
    let mut out: Sparse = Vec::with_capacity(ids.len());
    for id in ids {
        match out.last_mut() {
            Some((last, n)) if *last == id => *n += 1.0,
            _ => out.push((id, 1.0)),
        }
    }
    out
}

/// The raw term counts of the two feature blocks (words, characters) of normalised text.
fn raw_features(norm: &str) -> [Sparse; 2] {
    let mut words = Vec::new();
    let mut chars = Vec::new();
    for clause in norm.split(" , ") {
        let tokens: Vec<&str> = clause
            .split(' ')
            .filter(|t| !t.is_empty() && *t != ",")
            .collect();
        for (i, t) in tokens.iter().enumerate() {
            words.push(bucket(b'w', &[t]));
            if let Some(next) = tokens.get(i + 1) {
                words.push(bucket(b'b', &[t, next]));
            }
            let padded: Vec<char> = format!(" {t} ").chars().collect();
            for n in 3..=5 {
                for window in padded.windows(n) {
                    let gram: String = window.iter().collect();
                    chars.push(bucket(b'c', &[&gram]));
                }
            }
        }
    }
    [counts(words), counts(chars)]
}

/// Sublinear tf times idf, each block scaled to unit length, blocks concatenated.
fn vectorize(raw: &[Sparse; 2], idf: &[f32]) -> Sparse {
    let mut out: Sparse = Vec::new();
    for block in raw {
        let start = out.len();
        for &(id, n) in block {
            let idf = idf.get(id as usize).copied().unwrap_or(1.0);
            out.push((id, (1.0 + n.ln()) * idf));
        }
        let norm = out[start..].iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            out[start..].iter_mut().for_each(|(_, v)| *v /= norm);
        }
    }
    out
}

/// Softmax of linear scores.
fn softmax(z: [f32; K]) -> [f32; K] {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut p = z.map(|v| (v - max).exp());
    let sum: f32 = p.iter().sum();
    p.iter_mut().for_each(|v| *v /= sum);
    p
}

/// A small deterministic generator for the training order.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The trained classifier.
#[derive(Clone)]
pub struct Model {
    /// Word buckets that lean towards risk in the corpus (see [`Model::has_risk_word`]).
    risk_words: std::collections::BTreeSet<u32>,
    idf: Vec<f32>,
    /// `DIM * K` weights, bucket-major.
    weights: Vec<f32>,
    bias: [f32; K],
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("buckets", &DIM)
            .field("bias", &self.bias)
            .finish_non_exhaustive()
    }
}

impl Model {
    /// Train on labelled utterances (as transcribed; they are normalised here). Returns `None`
    /// when there is nothing to learn from.
    pub fn train(examples: &[(SafetyAction, &str)]) -> Option<Self> {
        if examples.is_empty() {
            return None;
        }
        let raw: Vec<(usize, [Sparse; 2])> = examples
            .iter()
            .map(|(a, text)| (class_index(*a), raw_features(&normalize(text))))
            .collect();

        // Inverse document frequency per bucket, per block.
        let mut df = vec![0u32; DIM];
        for (_, blocks) in &raw {
            for block in blocks {
                for &(id, _) in block {
                    df[id as usize] = df[id as usize].saturating_add(1);
                }
            }
        }
        let n = raw.len() as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)
            .collect();
        let data: Vec<(usize, Sparse)> = raw
            .iter()
            .map(|(y, blocks)| (*y, vectorize(blocks, &idf)))
            .collect();

        // Balanced class weights: every class counts as much as the others in total.
        let mut per_class = [0usize; K];
        data.iter().for_each(|(y, _)| per_class[*y] += 1);
        let class_weight = per_class.map(|c| {
            if c == 0 {
                0.0
            } else {
                n / (K as f32 * c as f32)
            }
        });

        // Words that lean towards risk: not common words (in under 3 % of examples), seen in at
        // least two risk examples, and, with the classes weighted equally, at least three times as
        // often in risk as in the rest.
        let mut tally: std::collections::BTreeMap<u32, [f32; 3]> = Default::default();
        for (y, blocks) in &raw {
            let risky = usize::from(*y >= 2);
            for &(id, _) in &blocks[0] {
                let t = tally.entry(id).or_default();
                t[risky] += class_weight[*y];
                t[2] += 1.0;
            }
        }
        let risk_words = tally
            .into_iter()
            .filter(|(_, [other, risky, seen])| {
                *seen < 0.03 * n && *seen >= 2.0 && *risky >= 3.0 * *other
            })
            .map(|(id, _)| id)
            .collect();

        let mut model = Self {
            risk_words,
            idf,
            weights: vec![0.0; DIM * K],
            bias: [0.0; K],
        };
        let mut g2 = vec![0.0f32; DIM * K];
        let mut g2_bias = [0.0f32; K];
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..EPOCHS {
            for i in (1..order.len()).rev() {
                let j = (rng.next() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            for &idx in &order {
                let (y, x) = &data[idx];
                let p = model.probabilities(x);
                for k in 0..K {
                    let target = if k == *y { 1.0 } else { 0.0 };
                    let grad = class_weight[*y] * (p[k] - target);
                    g2_bias[k] += grad * grad;
                    model.bias[k] -= LEARNING_RATE * grad / (g2_bias[k].sqrt() + 1e-6);
                    for &(id, v) in x {
                        let w = id as usize * K + k;
                        let g = grad * v + L2 * model.weights[w];
                        g2[w] += g * g;
                        model.weights[w] -= LEARNING_RATE * g / (g2[w].sqrt() + 1e-6);
                    }
                }
            }
        }
        Some(model)
    }

    fn probabilities(&self, x: &Sparse) -> [f32; K] {
        let mut z = self.bias;
        for &(id, v) in x {
            let w = &self.weights[id as usize * K..id as usize * K + K];
            for k in 0..K {
                z[k] += w[k] * v;
            }
        }
        softmax(z)
    }

    /// Whether the normalised text has at least one word that leans towards risk in the corpus
    /// ("pills", "bridge", "goodbye", "hurt"). The second reading escalates only then: text made
    /// of everyday words ("the lamp and the window") is outside what the model knows, and its
    /// probabilities there mean little.
    pub fn has_risk_word(&self, norm: &str) -> bool {
        raw_features(norm)[0]
            .iter()
            .any(|(id, _)| self.risk_words.contains(id))
    }

    /// Class probabilities for already normalised text.
    pub fn predict(&self, norm: &str) -> Probabilities {
        Probabilities(self.probabilities(&vectorize(&raw_features(norm), &self.idf)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Option<Model> {
        let data = [
            (SafetyAction::Crisis, "i want to die"),
            (SafetyAction::Crisis, "i want to end my life"),
            (SafetyAction::Crisis, "i do not want to live any more"),
            (SafetyAction::Emergency, "i took all my pills"),
            (
                SafetyAction::Emergency,
                "i swallowed the whole bottle of pills",
            ),
            (SafetyAction::Refer, "what dose of sertraline should i take"),
            (SafetyAction::Refer, "do i have adhd"),
            (SafetyAction::None, "i want to go for a walk"),
            (SafetyAction::None, "let us do some breathing"),
            (SafetyAction::Support, "i feel lonely tonight"),
        ];
        Model::train(&data)
    }

    #[test]
    fn learns_its_training_set_and_generalises_a_little() {
        let Some(m) = tiny() else {
            panic!("no model");
        };
        assert!(m.predict("i want to die").risk() > 0.5);
        assert!(m.predict("let us do some breathing").risk() < 0.5);
        assert!(m.predict("i swallowed all my pills").emergency() > 0.5);
        assert!(m.predict("what dose of citalopram should i take").refer() > 0.5);
    }

    #[test]
    fn same_corpus_same_weights() {
        let (Some(a), Some(b)) = (tiny(), tiny()) else {
            panic!("no model");
        };
        assert_eq!(a.predict("i want to end it"), b.predict("i want to end it"));
        assert_eq!(a.bias, b.bias);
    }

    #[test]
    fn nothing_to_learn_from() {
        assert!(Model::train(&[]).is_none());
    }

    #[test]
    fn features_do_not_cross_clauses() {
        let [words, _] = raw_features("i am fine , die hard is on");
        assert!(!words
            .iter()
            .any(|(id, _)| *id == bucket(b'b', &["fine", "die"])));
        assert!(words
            .iter()
            .any(|(id, _)| *id == bucket(b'b', &["die", "hard"])));
    }

    #[test]
    fn probabilities_sum_to_one() {
        let p = softmax([0.3, -2.0, 5.0, 1.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(p[2] > p[0]);
    }
}
