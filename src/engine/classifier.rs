//! What the trained heads over sentence embeddings share: one hidden layer of rectified units,
//! then a softmax over the head's labels; the check that a committed head's weights have the
//! right shape; and the rounded, diffable way their weights are written.
//!
//! Two heads use it: the safety screen's second reading ([`super::safety::SafetyHead`]) and the
//! request reader's ([`super::dialogue::request_head::RequestHead`]). Both are trained in the
//! shell (`crate::corpora::fit`), committed as JSON under `models/` and compiled in.

/// The weights of one head: `hidden_weights` holds one row of embedding weights per hidden
/// unit, `weights` one row (one weight per hidden unit) per label.
#[derive(Debug, Clone, Copy)]
pub struct Layers<'a> {
    pub hidden_weights: &'a [Vec<f32>],
    pub hidden_bias: &'a [f32],
    pub weights: &'a [Vec<f32>],
    pub bias: &'a [f32],
}

impl Layers<'_> {
    /// Why the weights cannot be a head over `dim`-long embeddings with `labels` outputs, if
    /// they cannot.
    pub fn shape_error(&self, dim: usize, labels: usize) -> Option<String> {
        let hidden = self.hidden_weights.len();
        if hidden == 0
            || self.hidden_bias.len() != hidden
            || self.hidden_weights.iter().any(|r| r.len() != dim)
            || self.weights.len() != labels
            || self.bias.len() != labels
            || self.weights.iter().any(|r| r.len() != hidden)
        {
            return Some(format!(
                "expected hidden rows of {dim} weights, and {labels} rows of one weight per \
                 hidden unit"
            ));
        }
        if self
            .hidden_weights
            .iter()
            .flatten()
            .chain(self.hidden_bias)
            .chain(self.weights.iter().flatten())
            .chain(self.bias)
            .any(|w| !w.is_finite())
        {
            return Some("a weight is not a finite number".into());
        }
        None
    }

    /// Each label's logit for one embedding (an embedding of the wrong length reads as zeros
    /// where it is short).
    pub fn logits(&self, embedding: &[f32]) -> Vec<f32> {
        let dot = |w: &[f32], x: &[f32]| w.iter().zip(x).map(|(w, x)| w * x).sum::<f32>();
        let hidden: Vec<f32> = self
            .hidden_weights
            .iter()
            .zip(self.hidden_bias)
            .map(|(w, b)| (b + dot(w, embedding)).max(0.0))
            .collect();
        self.weights
            .iter()
            .zip(self.bias)
            .map(|(w, b)| b + dot(w, &hidden))
            .collect()
    }

    /// Each label's probability for one embedding.
    pub fn probabilities(&self, embedding: &[f32]) -> Vec<f32> {
        softmax(&self.logits(embedding))
    }

    /// A whole head file: `encoder`, `labels`, the head's own `setting` (a field name and its
    /// JSON: the safety head's thresholds, the request head's policy), `trained_on`, then the
    /// weights. Pretty enough to diff; numbers rounded so retraining is reproducible.
    pub fn head_json(
        &self,
        encoder: &str,
        labels: &[&str],
        setting: (&str, String),
        trained_on: &[(String, usize)],
    ) -> String {
        let labels: Vec<String> = labels.iter().map(|l| format!("{l:?}")).collect();
        let trained: Vec<String> = trained_on
            .iter()
            .map(|(s, n)| format!("[{s:?}, {n}]"))
            .collect();
        format!(
            "{{\n  \"encoder\": {encoder:?},\n  \"labels\": [{}],\n  \"{}\": {},\n  \"trained_on\": [{}],\n{}}}\n",
            labels.join(", "),
            setting.0,
            setting.1,
            trained.join(", "),
            self.to_json_fields()
        )
    }

    /// The weights as the JSON fields `bias`, `weights`, `hidden_bias` and `hidden_weights`
    /// (the last one without a trailing comma), rounded to [`round`], one row per line.
    pub fn to_json_fields(&self) -> String {
        let row = |r: &[f32]| -> String {
            let v: Vec<String> = r.iter().map(|w| format!("{}", round(*w))).collect();
            format!("[{}]", v.join(","))
        };
        let matrix = |m: &[Vec<f32>]| -> String {
            let rows: Vec<String> = m.iter().map(|r| format!("    {}", row(r))).collect();
            format!("[\n{}\n  ]", rows.join(",\n"))
        };
        format!(
            "  \"bias\": {},\n  \"weights\": {},\n  \"hidden_bias\": {},\n  \"hidden_weights\": {}\n",
            row(self.bias),
            matrix(self.weights),
            row(self.hidden_bias),
            matrix(self.hidden_weights)
        )
    }
}

/// Five decimals: enough for the classifier, and stable under float noise.
pub fn round(w: f32) -> f32 {
    (w * 1e5).round() / 1e5
}

/// Probabilities from logits.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut out: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
    let sum: f32 = out.iter().sum();
    for p in &mut out {
        *p /= sum;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_and_shape() {
        let hw = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let w = vec![vec![10.0, 0.0], vec![0.0, 10.0], vec![0.0, 0.0]];
        let l = Layers {
            hidden_weights: &hw,
            hidden_bias: &[0.0, 0.0],
            weights: &w,
            bias: &[0.0, 0.0, 0.0],
        };
        assert_eq!(l.shape_error(2, 3), None);
        assert!(l.shape_error(3, 3).is_some());
        assert!(l.shape_error(2, 2).is_some());
        let p = l.probabilities(&[1.0, -1.0]);
        assert!(p[0] > 0.99, "{p:?}");
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}
