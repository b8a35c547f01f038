//! Audio in and out: the [`AudioSource`] and [`AudioSink`] seams, WAV files, resampling, voice
//! activity detection and endpointing, tones, echo cancellation, and the live devices (cpal
//! capture, rodio playback).

pub mod device;
pub mod echo;
pub mod resample;
pub mod tones;
pub mod vad;
pub mod wav;

pub use wav::{read_wav, write_wav, Audio, WavError};

/// Errors from audio devices.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("no audio {0} device available")]
    NoDevice(&'static str),
    #[error("audio device {name:?} not found (see `hearth devices`)")]
    UnknownDevice { name: String },
    #[error("audio device failed: {0}")]
    Device(String),
    #[error(transparent)]
    Wav(#[from] WavError),
}

/// Something that delivers microphone audio: 16 kHz mono chunks, as they arrive.
pub trait AudioSource: Send {
    /// Waits up to `timeout` for the next chunk. `Ok(None)` on timeout; an error when the device
    /// is lost (the caller reports it and reopens).
    fn next_chunk(&mut self, timeout: std::time::Duration) -> Result<Option<Vec<f32>>, AudioError>;
}

/// Something that plays audio and can be cut off mid-sentence.
pub trait AudioSink: Send {
    /// Queues mono samples at `rate` Hz; returns at once.
    fn play(&mut self, samples: &[f32], rate: u32) -> Result<(), AudioError>;
    /// True while queued audio is still playing.
    fn is_playing(&self) -> bool;
    /// Stops playback now and drops whatever is queued.
    fn stop(&mut self);
}

/// A sink that collects everything into a buffer at one rate (for `converse` and tests).
#[derive(Debug, Clone)]
pub struct BufferSink {
    pub rate: u32,
    pub samples: Vec<f32>,
}

impl BufferSink {
    pub fn new(rate: u32) -> Self {
        Self {
            rate,
            samples: Vec::new(),
        }
    }

    /// Appends silence.
    pub fn silence(&mut self, ms: u64) {
        let n = (self.rate as u64 * ms / 1000) as usize;
        self.samples.resize(self.samples.len() + n, 0.0);
    }

    pub fn into_audio(self) -> Audio {
        Audio {
            samples: self.samples,
            sample_rate: self.rate,
        }
    }
}

impl AudioSink for BufferSink {
    fn play(&mut self, samples: &[f32], rate: u32) -> Result<(), AudioError> {
        if rate == self.rate {
            self.samples.extend_from_slice(samples);
        } else {
            self.samples
                .extend(resample::resample(samples, rate, self.rate));
        }
        Ok(())
    }
    fn is_playing(&self) -> bool {
        false
    }
    fn stop(&mut self) {}
}
