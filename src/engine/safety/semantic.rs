//! The second reading: what an utterance *means*, read from a sentence embedding.
//!
//! The rules ([`super::rules`]) are precise and explainable, but each new way of saying something
//! needs a new rule. This reading embeds the utterance with a small sentence encoder (the
//! [`SentenceEncoder`] seam; the shell runs all-MiniLM-L6-v2, see `crate::encoder`) and a
//! [`SafetyHead`] (multinomial logistic regression over the 384 numbers) gives the probability
//! of each [`Label`]. Paraphrases land near each other in the embedding, so "i can't see a way
//! forward any more" sits near the hopelessness it has seen, and "which river is the longest in
//! europe" far from anything risky, whatever words they share.
//!
//! The head is trained by `hearth safety train` (`crate::corpora::train_head`, in the shell):
//! deterministic, from a seeded start and in a fixed order, on Hearth's own tables and on
//! public text written by other people (the calibration and blind splits are never trained on). Its weights and the
//! thresholds chosen on the calibration split are committed as `models/safety-head.json` and
//! compiled in ([`SafetyHead::builtin`]); a test retrains and checks it gets the same weights.

use super::anchors::{Anchors, BUILTIN_ANCHORS};
use crate::engine::classifier::Layers;
use serde::{Deserialize, Serialize};

/// Length of one sentence embedding.
pub const EMBEDDING_DIM: usize = 384;

/// The encoder could not embed an utterance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sentence encoder failed: {0}")]
pub struct EncodeError(pub String);

/// Turns an utterance into a unit-length embedding of [`EMBEDDING_DIM`] numbers. Deterministic:
/// the same text always gives the same numbers.
pub trait SentenceEncoder: Send + Sync + std::fmt::Debug {
    fn embed(&self, text: &str) -> Result<Vec<f32>, EncodeError>;

    /// Which encoder this is: a trained head is used only with the encoder it was trained on
    /// (its `encoder` field). Empty, matching no head, unless an encoder says.
    fn name(&self) -> &str {
        ""
    }

    /// Many at once (faster for training and evaluation); the default embeds one by one.
    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        texts.iter().map(|t| self.embed(t)).collect()
    }
}

/// What the head tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Ordinary talk: questions, chat, plans, films, news, requests.
    None,
    /// Sad, stressed, lonely, grieving, angry: distress without risk.
    Support,
    /// Asks for medical, medication, diagnosis or therapy advice.
    Refer,
    /// Possible but unclear risk ("i can't keep going like this").
    Ask,
    /// Thoughts of suicide or self-harm, or another danger, not happening right now.
    Crisis,
    /// Danger now: an attempt under way, means at hand, a medical emergency, violence now.
    Emergency,
}

/// Every label, in the order of the head's outputs.
pub const LABELS: [Label; 6] = [
    Label::None,
    Label::Support,
    Label::Refer,
    Label::Ask,
    Label::Crisis,
    Label::Emergency,
];

impl Label {
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Label::None => "none",
            Label::Support => "support",
            Label::Refer => "refer",
            Label::Ask => "ask",
            Label::Crisis => "crisis",
            Label::Emergency => "emergency",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        LABELS.iter().copied().find(|l| l.as_str() == s.trim())
    }
}

/// The head's probabilities for one utterance, in [`LABELS`] order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probabilities(pub [f32; LABELS.len()]);

impl Probabilities {
    pub fn of(&self, l: Label) -> f32 {
        self.0[l.index()]
    }
    /// Crisis or emergency.
    pub fn risk(&self) -> f32 {
        self.of(Label::Crisis) + self.of(Label::Emergency)
    }
    /// Ask, crisis or emergency: any reading that should not pass unremarked.
    pub fn concern(&self) -> f32 {
        self.of(Label::Ask) + self.risk()
    }
}

/// Where the head's probabilities turn into actions; chosen on the calibration split to meet
/// the false-alarm budgets (see `hearth safety train`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// p(crisis + emergency) at or above which a no-risk rule reading becomes a crisis.
    pub crisis: f32,
    /// p(ask + crisis + emergency) at or above which a no-risk rule reading becomes `ask`.
    pub ask: f32,
    /// p(emergency) at or above which a crisis (of either reading) becomes an emergency.
    pub emergency: f32,
    /// p(refer) at or above which an advice-shaped question becomes a referral.
    pub refer: f32,
    /// p(support) at or above which a no-risk reading becomes support.
    pub support: f32,
    /// p(crisis + emergency) at or above which Hearth speaks up to unaddressed speech on the
    /// second reading alone (far above `crisis`: speaking up uninvited must be rare).
    pub unaddressed: f32,
    /// p(ask + crisis + emergency) the second reading must give a rule's alarm before Hearth
    /// speaks up to unaddressed speech (the two readings agree).
    pub agree: f32,
    /// The cosine similarity to the nearest risk anchor ([`super::anchors`]) an utterance
    /// needs before the second reading alone may ask or alarm (0: no such condition, as in
    /// heads trained before the anchors).
    #[serde(default)]
    pub near: f32,
    /// The similarity to the nearest risk anchor at or above which the second reading alone
    /// may alarm (crisis or emergency); nearer than `near` but below this, it asks instead
    /// (0: no such condition, as in heads trained before the anchors).
    #[serde(default)]
    pub alarm_near: f32,
}

/// A small neural classifier over sentence embeddings (one hidden layer of rectified units,
/// then a softmax over [`LABELS`]), with its thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyHead {
    /// The encoder the head was trained on; another encoder's embeddings mean nothing to it.
    pub encoder: String,
    pub labels: Vec<Label>,
    /// One row of [`EMBEDDING_DIM`] weights per hidden unit.
    pub hidden_weights: Vec<Vec<f32>>,
    pub hidden_bias: Vec<f32>,
    /// One row of weights (one per hidden unit) per label.
    pub weights: Vec<Vec<f32>>,
    pub bias: Vec<f32>,
    pub thresholds: Thresholds,
    /// What it was trained on: source name and item count (for the record; not used).
    #[serde(default)]
    pub trained_on: Vec<(String, usize)>,
    /// The train split's risk statements ([`super::anchors`]); kept in their own file.
    #[serde(skip)]
    pub anchors: Anchors,
}

/// Why a head file is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeadError {
    #[error("malformed safety head: {0}")]
    Parse(String),
    #[error("safety head has the wrong shape: {0}")]
    Shape(String),
}

/// The committed head, compiled in.
pub const BUILTIN_HEAD: &str = include_str!("../../../models/safety-head.json");

impl SafetyHead {
    /// Parse and check a head file's text.
    pub fn parse(text: &str) -> Result<Self, HeadError> {
        let h: SafetyHead =
            serde_json::from_str(text).map_err(|e| HeadError::Parse(e.to_string()))?;
        if h.labels != LABELS {
            return Err(HeadError::Shape(format!(
                "labels {:?}, expected {:?}",
                h.labels, LABELS
            )));
        }
        if let Some(e) = h.layers().shape_error(EMBEDDING_DIM, LABELS.len()) {
            return Err(HeadError::Shape(e));
        }
        Ok(h)
    }

    /// The head committed in `models/safety-head.json`, with its anchors
    /// (`models/safety-anchors.txt`).
    pub fn builtin() -> Result<Self, HeadError> {
        let mut head = Self::parse(BUILTIN_HEAD)?;
        let anchors =
            Anchors::parse(BUILTIN_ANCHORS).map_err(|e| HeadError::Parse(e.to_string()))?;
        if anchors.encoder != head.encoder || anchors.dim != EMBEDDING_DIM {
            return Err(HeadError::Shape(format!(
                "anchors of encoder {} ({} numbers), head of {} ({EMBEDDING_DIM})",
                anchors.encoder, anchors.dim, head.encoder
            )));
        }
        head.anchors = anchors;
        Ok(head)
    }

    /// Cosine similarity of an embedding to the nearest risk anchor (`None` without anchors).
    pub fn nearest_risk(&self, embedding: &[f32]) -> Option<f32> {
        self.anchors.nearest(embedding)
    }

    /// Serialise (pretty enough to diff, numbers rounded so retraining is reproducible).
    pub fn to_json(&self) -> String {
        let labels: Vec<&str> = self.labels.iter().map(|l| l.as_str()).collect();
        let thresholds = serde_json::to_string(&self.thresholds).unwrap_or_default();
        self.layers().head_json(
            &self.encoder,
            &labels,
            ("thresholds", thresholds),
            &self.trained_on,
        )
    }

    /// The weights, for what every head shares.
    pub fn layers(&self) -> Layers<'_> {
        Layers {
            hidden_weights: &self.hidden_weights,
            hidden_bias: &self.hidden_bias,
            weights: &self.weights,
            bias: &self.bias,
        }
    }

    /// Probabilities of each label for one embedding.
    pub fn predict(&self, embedding: &[f32]) -> Probabilities {
        let mut out = [0f32; LABELS.len()];
        for (o, p) in out.iter_mut().zip(self.layers().probabilities(embedding)) {
            *o = p;
        }
        Probabilities(out)
    }
}

pub use crate::engine::classifier::round;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_head_parses() {
        let h = SafetyHead::builtin();
        assert!(h.is_ok(), "{h:?}");
    }

    #[test]
    fn predicts_through_the_hidden_layer() {
        // Two hidden units that copy the first two inputs; labels read them.
        let mut hw = vec![vec![0f32; EMBEDDING_DIM]; 2];
        hw[0][0] = 1.0;
        hw[1][1] = 1.0;
        let mut w = vec![vec![0f32; 2]; LABELS.len()];
        w[Label::Crisis.index()][0] = 10.0;
        w[Label::None.index()][1] = 10.0;
        let head = SafetyHead {
            encoder: "test".into(),
            labels: LABELS.to_vec(),
            hidden_weights: hw,
            hidden_bias: vec![0.0; 2],
            weights: w,
            bias: vec![0.0; LABELS.len()],
            thresholds: Thresholds {
                crisis: 0.5,
                ask: 0.5,
                emergency: 0.5,
                refer: 0.5,
                support: 0.5,
                unaddressed: 0.9,
                agree: 0.3,
                near: 0.0,
                alarm_near: 0.0,
            },
            trained_on: vec![],
            anchors: Default::default(),
        };
        let mut x = vec![0f32; EMBEDDING_DIM];
        x[0] = 1.0;
        assert!(head.predict(&x).of(Label::Crisis) > 0.9);
        x[0] = -1.0; // rectified away
        x[1] = 1.0;
        assert!(head.predict(&x).of(Label::None) > 0.9);
        // The committed file is exactly what `to_json` writes (the format is the training's).
        let committed = SafetyHead::parse(BUILTIN_HEAD).unwrap();
        assert_eq!(committed.to_json(), BUILTIN_HEAD);
        let back = SafetyHead::parse(&head.to_json());
        assert_eq!(
            back.as_ref().map(|h| &h.hidden_weights),
            Ok(&head.hidden_weights)
        );
    }

    #[test]
    fn malformed_heads_are_refused() {
        assert!(SafetyHead::parse("{").is_err());
        let mut h = SafetyHead::builtin().unwrap_or_else(|e| panic!("{e}"));
        h.weights[0].pop();
        assert!(matches!(
            SafetyHead::parse(&h.to_json()),
            Err(HeadError::Shape(_))
        ));
    }
}
