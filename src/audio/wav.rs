//! WAV files in and out: any sample rate, mono or stereo, 16/24/32-bit integer or 32-bit float.
//!
//! Reading validates the file before trusting it, so an empty file, a truncated header, a text
//! file renamed `.wav` or a missing file each become one clear [`WavError`] naming the file.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// Decoded audio: interleaved channels folded down to mono `f32` in [-1, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct Audio {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
}

impl Audio {
    pub fn duration_secs(&self) -> f64 {
        if self.sample_rate == 0 {
            return 0.0;
        }
        self.samples.len() as f64 / self.sample_rate as f64
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("{}: file not found", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: file is empty", path.display())]
    Empty { path: PathBuf },
    #[error("{}: not a WAV file ({reason})", path.display())]
    NotWav { path: PathBuf, reason: String },
    #[error("{}: truncated WAV: header promises {expected} samples, file holds {found}", path.display())]
    Truncated {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    #[error("{}: unsupported WAV format: {reason}", path.display())]
    Unsupported { path: PathBuf, reason: String },
    #[error("{}: WAV holds no audio", path.display())]
    NoAudio { path: PathBuf },
    #[error("{}: cannot write WAV: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
}

/// Reads a WAV file and mixes it down to mono.
pub fn read_wav(path: &Path) -> Result<Audio, WavError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => WavError::NotFound {
            path: path.to_path_buf(),
        },
        _ => WavError::Io {
            path: path.to_path_buf(),
            source: e,
        },
    })?;
    if meta.len() == 0 {
        return Err(WavError::Empty {
            path: path.to_path_buf(),
        });
    }
    let file = File::open(path).map_err(|e| WavError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let reader = hound::WavReader::new(BufReader::new(file)).map_err(|e| match e {
        hound::Error::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            WavError::NotWav {
                path: path.to_path_buf(),
                reason: "header is cut short".into(),
            }
        }
        hound::Error::IoError(io) => WavError::Io {
            path: path.to_path_buf(),
            source: io,
        },
        hound::Error::Unsupported => WavError::Unsupported {
            path: path.to_path_buf(),
            reason: "encoding not supported".into(),
        },
        other => WavError::NotWav {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    })?;
    decode(path, reader)
}

fn decode<R: std::io::Read>(
    path: &Path,
    mut reader: hound::WavReader<R>,
) -> Result<Audio, WavError> {
    let spec = reader.spec();
    let channels = spec.channels as usize;
    if channels == 0 || spec.sample_rate == 0 {
        return Err(WavError::NotWav {
            path: path.to_path_buf(),
            reason: "zero channels or sample rate".into(),
        });
    }
    let expected = reader.len() as u64;
    let mut interleaved: Vec<f32> = Vec::with_capacity((expected as usize).min(1 << 26));
    let bad = |e: hound::Error, got: usize| match e {
        // hound reports a sample cut in half as a format error.
        hound::Error::IoError(_) | hound::Error::FormatError("Failed to read enough bytes.") => {
            WavError::Truncated {
                path: path.to_path_buf(),
                expected,
                found: got as u64,
            }
        }
        other => WavError::NotWav {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    };
    match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Float, 32) => {
            for s in reader.samples::<f32>() {
                interleaved.push(s.map_err(|e| bad(e, interleaved.len()))?);
            }
        }
        (hound::SampleFormat::Int, bits @ (8 | 16 | 24 | 32)) => {
            let scale = 1.0 / (1u64 << (bits - 1)) as f32;
            for s in reader.samples::<i32>() {
                interleaved.push(s.map_err(|e| bad(e, interleaved.len()))? as f32 * scale);
            }
        }
        (format, bits) => {
            return Err(WavError::Unsupported {
                path: path.to_path_buf(),
                reason: format!("{bits}-bit {format:?} samples"),
            })
        }
    }
    if (interleaved.len() as u64) < expected {
        return Err(WavError::Truncated {
            path: path.to_path_buf(),
            expected,
            found: interleaved.len() as u64,
        });
    }
    if interleaved.is_empty() {
        return Err(WavError::NoAudio {
            path: path.to_path_buf(),
        });
    }
    let samples = if channels == 1 {
        interleaved
    } else {
        interleaved
            .chunks(channels)
            .map(|frame| frame.iter().sum::<f32>() / frame.len() as f32)
            .collect()
    };
    Ok(Audio {
        samples,
        sample_rate: spec.sample_rate,
    })
}

/// Writes mono `f32` audio as 16-bit PCM.
pub fn write_wav(path: &Path, audio: &Audio) -> Result<(), WavError> {
    let werr = |e: hound::Error| WavError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: audio.sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    // Built in memory, then written like every file Hearth creates: a new file under a random
    // name, renamed into place (see `fsutil`), so a planted link is never written through.
    let mut bytes = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut bytes, spec).map_err(werr)?;
    for &s in &audio.samples {
        writer
            .write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16)
            .map_err(werr)?;
    }
    writer.finalize().map_err(werr)?;
    crate::fsutil::write_file_atomically(path, bytes.get_ref()).map_err(|e| WavError::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hearth-wav-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir.join(name)
    }

    #[test]
    fn round_trip_16_bit() {
        let p = tmp("rt.wav");
        let audio = Audio {
            samples: (0..1600).map(|i| (i as f32 * 0.01).sin() * 0.5).collect(),
            sample_rate: 16_000,
        };
        write_wav(&p, &audio).unwrap();
        let back = read_wav(&p).unwrap();
        assert_eq!(back.sample_rate, 16_000);
        assert_eq!(back.samples.len(), 1600);
        for (a, b) in audio.samples.iter().zip(&back.samples) {
            assert!((a - b).abs() < 1e-4);
        }
    }

    #[test]
    fn stereo_is_mixed_to_mono() {
        let p = tmp("st.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 8000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(&p, spec).unwrap();
        for _ in 0..100 {
            w.write_sample(0.5f32).unwrap();
            w.write_sample(-0.25f32).unwrap();
        }
        w.finalize().unwrap();
        let a = read_wav(&p).unwrap();
        assert_eq!(a.samples.len(), 100);
        assert!((a.samples[0] - 0.125).abs() < 1e-6);
    }

    #[test]
    fn bad_files_name_the_file_and_problem() {
        let empty = tmp("empty.wav");
        std::fs::write(&empty, b"").unwrap();
        let e = read_wav(&empty).unwrap_err().to_string();
        assert!(e.contains("empty.wav") && e.contains("empty"), "{e}");

        let text = tmp("text.wav");
        std::fs::write(&text, b"hello, this is not audio at all\n").unwrap();
        let e = read_wav(&text).unwrap_err().to_string();
        assert!(e.contains("text.wav") && e.contains("not a WAV"), "{e}");

        let missing = tmp("missing.wav");
        let e = read_wav(&missing).unwrap_err().to_string();
        assert!(e.contains("missing.wav") && e.contains("not found"), "{e}");

        let good = tmp("good.wav");
        write_wav(
            &good,
            &Audio {
                samples: vec![0.1; 16000],
                sample_rate: 16000,
            },
        )
        .unwrap();
        let bytes = std::fs::read(&good).unwrap();
        let cut = tmp("cut.wav");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let e = read_wav(&cut).unwrap_err().to_string();
        assert!(e.contains("cut.wav") && e.contains("truncated"), "{e}");
    }
}
