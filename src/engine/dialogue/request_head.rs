//! A trained head over the sentence embedding that reads what an utterance asks for: one of the
//! request labels the paraphrase tables use (a flow's name, `log_mood`, `mood_summary`,
//! `safety_plan`, `forget`, `listen`) or `none`, ordinary talk.
//!
//! The nearest exemplar ([`super::understand::RequestReader`]) knows only the few hundred
//! wordings Hearth wrote; the head has also seen thousands of lines of other people's ordinary
//! talk (the train split of the public corpora in `models/corpora.toml`) as `none`, so it knows
//! what talk that merely mentions breath, the ground or a check-in looks like. It is trained in
//! the shell (`crate::requests::train_request_head`, through the same `crate::corpora::fit` as
//! the safety head), committed as `models/request-head.json` with where its reading is trusted
//! ([`Policy`], chosen on Hearth's own table and the corpora's calibration split) and compiled
//! in ([`RequestHead::builtin`]). It only chooses among written lines; nothing is generated.

use crate::engine::classifier::Layers;
use serde::{Deserialize, Serialize};

/// Where the head's reading is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The head's best request is taken when its probability is at least this.
    pub request: f32,
    /// A clear nearest-exemplar request is dropped when the head gives `none` at least this.
    pub veto: f32,
    /// A flow or "just listen" found by the rules is dropped when the head gives `none` at
    /// least this (above 1: never).
    pub rule_veto: f32,
    /// A request both readings name is taken when the head gives it at least this (more than
    /// `none`) and the nearest exemplar is at least [`AGREE_FLOOR`] similar, though neither
    /// would be taken alone (above 1: never; heads from before it had none).
    #[serde(default = "never")]
    pub agree: f32,
}

/// How similar the nearest exemplar must be at least for the readings' agreement to count.
pub const AGREE_FLOOR: f32 = 0.45;

fn never() -> f32 {
    2.0
}

/// The head's reading of one utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadReading {
    /// The most probable request (never `none`) and its probability.
    pub request: String,
    pub p: f32,
    /// The probability of ordinary talk.
    pub none: f32,
}

/// The committed request head: labels, weights and policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestHead {
    /// The encoder the head was trained on.
    pub encoder: String,
    /// The labels, in the order of the head's outputs; one of them is `none`.
    pub labels: Vec<String>,
    pub policy: Policy,
    /// What it was trained on: source name and item count (for the record; not used).
    #[serde(default)]
    pub trained_on: Vec<(String, usize)>,
    pub hidden_weights: Vec<Vec<f32>>,
    pub hidden_bias: Vec<f32>,
    pub weights: Vec<Vec<f32>>,
    pub bias: Vec<f32>,
}

/// Why a request head is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestHeadError {
    #[error("malformed request head: {0}")]
    Parse(String),
    #[error("request head has the wrong shape: {0}")]
    Shape(String),
}

/// The committed head, compiled in.
pub const BUILTIN_REQUEST_HEAD: &str = include_str!("../../../models/request-head.json");

/// Length of the embeddings the head reads.
pub const EMBEDDING_DIM: usize = crate::engine::safety::semantic::EMBEDDING_DIM;

impl RequestHead {
    /// Parse and check a head file's text.
    pub fn parse(text: &str) -> Result<Self, RequestHeadError> {
        let h: RequestHead =
            serde_json::from_str(text).map_err(|e| RequestHeadError::Parse(e.to_string()))?;
        if !h.labels.iter().any(|l| l == "none") || h.labels.len() < 2 {
            return Err(RequestHeadError::Shape(format!(
                "labels {:?}: need `none` and at least one request",
                h.labels
            )));
        }
        if let Some(e) = h.layers().shape_error(EMBEDDING_DIM, h.labels.len()) {
            return Err(RequestHeadError::Shape(e));
        }
        Ok(h)
    }

    /// The head committed in `models/request-head.json`.
    pub fn builtin() -> Result<Self, RequestHeadError> {
        Self::parse(BUILTIN_REQUEST_HEAD)
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

    /// Each label's probability for one embedding, in [`labels`](Self::labels) order.
    pub fn probabilities(&self, embedding: &[f32]) -> Vec<f32> {
        self.layers().probabilities(embedding)
    }

    /// The best request and the probability of ordinary talk for one embedding.
    pub fn read(&self, embedding: &[f32]) -> HeadReading {
        let p = self.probabilities(embedding);
        let mut out = HeadReading {
            request: String::new(),
            p: -1.0,
            none: 0.0,
        };
        for (l, &q) in self.labels.iter().zip(&p) {
            if l == "none" {
                out.none = q;
            } else if q > out.p {
                out.request = l.clone();
                out.p = q;
            }
        }
        out
    }

    /// Serialise (pretty enough to diff, numbers rounded so retraining is reproducible).
    pub fn to_json(&self) -> String {
        let labels: Vec<&str> = self.labels.iter().map(String::as_str).collect();
        let policy = serde_json::to_string(&self.policy).unwrap_or_default();
        self.layers()
            .head_json(&self.encoder, &labels, ("policy", policy), &self.trained_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> RequestHead {
        // Two hidden units copying the first two inputs: one reads `listen`, one `none`.
        let mut hw = vec![vec![0f32; EMBEDDING_DIM]; 2];
        hw[0][0] = 1.0;
        hw[1][1] = 1.0;
        RequestHead {
            encoder: "test".into(),
            labels: vec!["none".into(), "listen".into(), "grounding".into()],
            policy: Policy {
                request: 0.5,
                veto: 0.9,
                rule_veto: 2.0,
                agree: 2.0,
            },
            trained_on: vec![("own".into(), 3)],
            hidden_weights: hw,
            hidden_bias: vec![0.0; 2],
            weights: vec![vec![0.0, 10.0], vec![10.0, 0.0], vec![0.0, 0.0]],
            bias: vec![0.0; 3],
        }
    }

    #[test]
    fn reads_the_best_request_and_none() {
        let h = toy();
        let mut x = vec![0f32; EMBEDDING_DIM];
        x[0] = 1.0;
        let r = h.read(&x);
        assert_eq!(r.request, "listen");
        assert!(r.p > 0.9 && r.none < 0.1, "{r:?}");
        x[0] = 0.0;
        x[1] = 1.0;
        assert!(h.read(&x).none > 0.9);
    }

    #[test]
    fn round_trips_and_refuses_bad_heads() {
        let h = toy();
        assert_eq!(RequestHead::parse(&h.to_json()), Ok(h.clone()));
        // The committed file is exactly what `to_json` writes.
        let committed = RequestHead::parse(BUILTIN_REQUEST_HEAD).unwrap();
        assert_eq!(committed.to_json(), BUILTIN_REQUEST_HEAD);
        assert!(RequestHead::parse("{").is_err());
        let mut bad = h.clone();
        bad.labels.pop();
        assert!(matches!(
            RequestHead::parse(&bad.to_json()),
            Err(RequestHeadError::Shape(_))
        ));
        let mut bad = h;
        bad.labels[0] = "talk".into();
        assert!(RequestHead::parse(&bad.to_json()).is_err());
    }
}
