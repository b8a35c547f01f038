//! Training the request reader's head ([`crate::engine::dialogue::request_head`]): what it
//! learns from, and the fit (the safety head's, [`crate::corpora::fit`]).
//!
//! It learns from Hearth's own wordings (every exemplar of the prompts and the rows of the own
//! paraphrase table `tests/data/requests.tsv`) and from other people's ordinary talk as `none`:
//! the **train** split of every public ordinary source in `models/corpora.toml` (an even spread
//! of at most [`LINES_PER_SOURCE`] lines of each), never a calibration or blind split, never a
//! source that is blind as a whole, and never the blind paraphrase table. Deterministic: the
//! same lines always give the same head.

use std::collections::BTreeMap;
use std::path::Path;

use crate::corpora::{CorpusError, EmbeddingCache, FitShape};
use crate::engine::dialogue::prompts::Prompts;
use crate::engine::dialogue::request_head::{Policy, RequestHead};
use crate::engine::dialogue::text::normalize;
use crate::engine::safety::calibrate::{Group, Split};
use crate::engine::safety::semantic::{EncodeError, Label, SentenceEncoder};

/// The own paraphrase table, relative to the installation root.
pub const OWN_TABLE: &str = "tests/data/requests.tsv";

/// The most lines of one public source used from one split.
pub const LINES_PER_SOURCE: usize = 2_000;

/// How the head is shaped and trained; fixed, so the same data always gives the same head.
pub const SHAPE_HIDDEN_UNITS: usize = 64;
const EPOCHS: usize = 30;
/// Weight of one of Hearth's own lines against one line of a public corpus: the own `none`
/// lines are the hard ones (talk that shares words with a request).
const OWN_WEIGHT: f32 = 5.0;
/// The total weight of `none` against that of one request label: ordinary talk is most of
/// what is said, so it weighs as much as half of all the requests together.
const NONE_SHARE: f32 = 0.5;

/// Why training could not run.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
    #[error("training failed: {0}")]
    Fit(#[from] candle_core::Error),
    #[error("{path}:{line}: expected `label<TAB>utterance`")]
    Table { path: String, line: usize },
}

/// One labelled line the head can learn from or be judged on.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// `exemplars`, `own/requests`, or a public source's name.
    pub source: String,
    /// A request label (`log_mood` without its score) or `none`.
    pub label: String,
    pub text: String,
    pub split: Split,
}

/// The exemplars of the prompts (always trained on).
pub fn exemplars(prompts: &Prompts) -> Vec<Example> {
    prompts
        .request_examples()
        .examples
        .iter()
        .map(|(l, t)| Example {
            source: "exemplars".into(),
            label: l.clone(),
            text: t.clone(),
            split: Split::Train,
        })
        .collect()
}

/// The rows of a paraphrase table (`expected<TAB>utterance`) whose label the head can learn:
/// requests and `none` (not commands, greetings or thanks, which are heard before). Each row's
/// split comes from a hash of its text ([`Split::of`]).
pub fn table(path: &Path, source: &str, labels: &[String]) -> Result<Vec<Example>, TrainError> {
    let text = std::fs::read_to_string(path).map_err(|e| CorpusError::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((label, utterance)) = line.split_once('\t') else {
            return Err(TrainError::Table {
                path: path.display().to_string(),
                line: i + 1,
            });
        };
        let label = label.trim().split(':').next().unwrap_or("").to_string();
        if !labels.contains(&label) {
            continue;
        }
        out.push(Example {
            source: source.into(),
            label,
            text: utterance.trim().into(),
            split: Split::of(utterance),
        });
    }
    Ok(out)
}

/// Lines of other people's ordinary talk in `split` (`none`), an even spread of at most
/// `per_source` lines of each public ordinary source.
pub fn ordinary(root: &Path, split: Split, per_source: usize) -> Result<Vec<Example>, TrainError> {
    let mut by_source: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in crate::corpora::public_sources(root)? {
        if item.group == Group::Ordinary && item.label == Label::None && item.split == split {
            by_source.entry(item.source).or_default().push(item.text);
        }
    }
    let mut out = Vec::new();
    for (source, lines) in by_source {
        let n = lines.len();
        let take = n.min(per_source);
        for k in 0..take {
            let text = lines[k * n / take.max(1)].clone();
            out.push(Example {
                source: source.clone(),
                label: "none".into(),
                text,
                split,
            });
        }
    }
    Ok(out)
}

/// The labels of a head for `prompts`: `none`, then every request its exemplars name, sorted.
pub fn labels(prompts: &Prompts) -> Vec<String> {
    let mut l: Vec<String> = prompts
        .request_examples()
        .examples
        .iter()
        .map(|(l, _)| l.clone())
        .filter(|l| l != "none")
        .collect();
    l.sort();
    l.dedup();
    l.insert(0, "none".into());
    l
}

/// Embed examples' normalised texts (through the cache).
pub fn embed(
    examples: &[Example],
    encoder: &dyn SentenceEncoder,
    cache: &mut EmbeddingCache,
) -> Result<Vec<Vec<f32>>, EncodeError> {
    let norms: Vec<String> = examples.iter().map(|e| normalize(&e.text)).collect();
    let refs: Vec<&str> = norms.iter().map(String::as_str).collect();
    cache.embed_all(encoder, &refs)
}

/// Train a head with `labels` on `examples` (all of them: choose the split before) and their
/// `embeddings`, with `policy`.
pub fn train_request_head(
    labels: &[String],
    examples: &[Example],
    embeddings: &[Vec<f32>],
    policy: Policy,
    encoder_name: &str,
) -> Result<RequestHead, TrainError> {
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut w = Vec::new();
    for (ex, e) in examples.iter().zip(embeddings) {
        let Some(k) = labels.iter().position(|l| *l == ex.label) else {
            continue;
        };
        x.push(e.as_slice());
        y.push(k);
        let own = ex.source == "exemplars" || ex.source.starts_with("own/");
        w.push(if own { OWN_WEIGHT } else { 1.0 });
    }
    // Every request label weighs the same in all; `none` weighs NONE_SHARE of everything.
    let mut totals = vec![0f32; labels.len()];
    for (k, w) in y.iter().zip(&w) {
        totals[*k] += w;
    }
    let requests = totals.iter().skip(1).filter(|t| **t > 0.0).count().max(1) as f32;
    let target_none = NONE_SHARE / (1.0 - NONE_SHARE) * requests;
    for (k, w) in y.iter().zip(w.iter_mut()) {
        let target = if *k == 0 { target_none } else { 1.0 };
        *w *= target / totals[*k].max(1e-9) * 100.0;
    }
    let (hidden_weights, hidden_bias, weights, bias) = crate::corpora::fit(
        &x,
        &y,
        &w,
        FitShape {
            classes: labels.len(),
            hidden_units: SHAPE_HIDDEN_UNITS,
            epochs: EPOCHS,
        },
    )?;
    let mut trained_on: BTreeMap<String, usize> = BTreeMap::new();
    for ex in examples {
        *trained_on.entry(ex.source.clone()).or_default() += 1;
    }
    Ok(RequestHead {
        encoder: encoder_name.to_string(),
        labels: labels.to_vec(),
        policy,
        trained_on: trained_on.into_iter().collect(),
        hidden_weights,
        hidden_bias,
        weights,
        bias,
    })
}
