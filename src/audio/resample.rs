//! Band-limited sample-rate conversion, over rubato's FFT resampler (`FftFixedInOut`).
//!
//! Whisper wants 16 kHz mono; microphones give 44.1 or 48 kHz; Piper speaks at 22.05 kHz and
//! sound cards play at 48 kHz. Dropping or repeating samples would alias speech into noise, so
//! the signal is low-pass filtered below the lower of the two Nyquist frequencies while it is
//! converted. rubato does that in the frequency domain, a block at a time, and measured faster
//! and cleaner than Hearth's earlier time-domain sinc resampler (`cargo bench -- resample`).
//!
//! rubato takes fixed blocks; [`StreamResampler`] takes chunks of any size (a sound card's
//! callbacks), keeps what does not fill a block for the next call, and drops the filter's
//! start-up, so its output lines up with its input: sample `k` out is the signal at time
//! `k / to`. Blocks are the smallest whole number of the ratio's period at or above 10 ms of
//! input (48 or 44.1 kHz to 16 kHz: 10 ms; 22.05 to 16 kHz: 20 ms). A sample comes out half a
//! block after its block is complete, or a little later where zeros ahead of the stream move the
//! filter's centre onto a whole output sample (so the delay can be dropped exactly): 5 ms from a
//! 48 kHz microphone, 10 ms from 44.1 kHz, 20 ms for Piper's 22.05 kHz into the echo canceller's
//! reference (the earlier resampler: about 1 ms). Chunks that do not end on block boundaries
//! wait up to one block more (capture's 20 ms chunks do end on them). [`resample`] converts a
//! whole buffer through the same path and flushes the tail, so the two give the same samples.

use rubato::{FftFixedInOut, Resampler as _};

/// Input per block the resampler aims for, in milliseconds (rounded up to the ratio's period).
const BLOCK_MS: u32 = 10;

/// A resampler for a continuous stream fed in chunks of any size: the filter's history is kept
/// across chunks, so chunk boundaries leave no clicks (which would cost recognition accuracy).
pub struct StreamResampler {
    /// `None` when nothing is to be converted (same rate, or a rate of 0).
    fft: Option<Fft>,
}

struct Fft {
    rubato: FftFixedInOut<f32>,
    from: u32,
    to: u32,
    block_in: usize,
    /// Input not yet making up a whole block (always shorter than one).
    pending: Vec<f32>,
    /// One block of output.
    scratch: Vec<f32>,
    /// The filter's delay, in output samples, and how much of it is still to drop.
    delay: usize,
    skip: usize,
    /// Input samples taken and output samples given, in all.
    taken: u64,
    given: u64,
}

impl std::fmt::Debug for StreamResampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.fft {
            Some(x) => f
                .debug_struct("StreamResampler")
                .field("from", &x.from)
                .field("to", &x.to)
                .field("block_in", &x.block_in)
                .finish(),
            None => f.debug_struct("StreamResampler").finish_non_exhaustive(),
        }
    }
}

impl StreamResampler {
    pub fn new(from: u32, to: u32) -> Self {
        if from == to || from == 0 || to == 0 {
            return Self { fft: None };
        }
        let wanted = (u64::from(from) * u64::from(BLOCK_MS) / 1000).max(1) as usize;
        let fft = match FftFixedInOut::<f32>::new(from as usize, to as usize, wanted, 1) {
            Ok(rubato) => {
                let block_in = rubato.input_frames_next();
                let block_out = rubato.output_frames_next();
                // The filter's centre is `block_in / 2` input samples in (rounded down), which
                // at the new rate can fall between two samples (22.05 to 16 kHz: 220 in is
                // 159.6 out). A few zeros ahead of the stream move it onto a whole output sample
                // that can then be dropped exactly; none are needed from 48 kHz.
                let period = (from / gcd(from, to)) as usize;
                let half = block_in / 2;
                let pad = (period - half % period) % period;
                let skip = ((half + pad) as u64 * u64::from(to) / u64::from(from)) as usize;
                let mut pending = Vec::with_capacity(2 * block_in + pad);
                pending.resize(pad, 0.0);
                Some(Fft {
                    rubato,
                    from,
                    to,
                    block_in,
                    pending,
                    scratch: vec![0.0; block_out],
                    delay: skip,
                    skip,
                    taken: 0,
                    given: 0,
                })
            }
            Err(e) => {
                // Only zero rates are refused, and those never get here.
                tracing::warn!(error = %e, from, to, "resampler refused; passing audio through");
                None
            }
        };
        Self { fft }
    }

    /// Delay (in output samples) between a sample going in and its coming out, when the chunks
    /// end on block boundaries: half a block (the FFT filter's centre), rounded up to a whole
    /// number of the ratio's period.
    pub fn delay(&self) -> usize {
        self.fft.as_ref().map_or(0, |f| f.delay)
    }

    /// Input samples per block (0 when nothing is converted).
    pub fn block_len(&self) -> usize {
        self.fft.as_ref().map_or(0, |f| f.block_in)
    }

    /// Feeds input; returns the output it completes (the rest waits for more input).
    pub fn push(&mut self, input: &[f32]) -> Vec<f32> {
        let Some(fft) = &mut self.fft else {
            return input.to_vec();
        };
        fft.taken += input.len() as u64;
        let mut out = Vec::new();
        fft.feed(input, &mut out);
        out
    }

    /// Ends the stream: returns the output still held back, so that everything given comes to
    /// the input's length at the new rate (rounded down).
    pub fn finish(mut self) -> Vec<f32> {
        let Some(fft) = &mut self.fft else {
            return Vec::new();
        };
        let total = fft.taken * u64::from(fft.to) / u64::from(fft.from);
        let mut out = Vec::new();
        while fft.given < total {
            // Silence after the end pushes the held-back tail out of the filter.
            let fill = fft.block_in - fft.pending.len();
            fft.feed(&vec![0.0; fill], &mut out);
        }
        let extra = (fft.given - total) as usize;
        out.truncate(out.len().saturating_sub(extra));
        out
    }
}

impl Fft {
    /// Converts every whole block `input` completes, appending to `out`; keeps the rest.
    fn feed(&mut self, mut input: &[f32], out: &mut Vec<f32>) {
        out.reserve((self.pending.len() + input.len()) / self.block_in * self.scratch.len());
        if !self.pending.is_empty() {
            // Fewer than a block wait (always): complete it first.
            let take = (self.block_in - self.pending.len()).min(input.len());
            self.pending.extend_from_slice(&input[..take]);
            input = &input[take..];
            if self.pending.len() < self.block_in {
                return;
            }
            let block = std::mem::take(&mut self.pending);
            self.convert(&block, out);
            self.pending = block;
            self.pending.clear();
        }
        let mut blocks = input.chunks_exact(self.block_in);
        for block in &mut blocks {
            self.convert(block, out);
        }
        self.pending.extend_from_slice(blocks.remainder());
    }

    /// Converts one block, dropping what is left of the filter's delay.
    fn convert(&mut self, block: &[f32], out: &mut Vec<f32>) {
        if let Err(e) =
            self.rubato
                .process_into_buffer(&[block], &mut [&mut self.scratch[..]], None)
        {
            // Only wrong buffer sizes are refused, and these are sized from rubato's own.
            tracing::warn!(error = %e, "resampler failed on a block; silence instead");
            self.scratch.fill(0.0);
        }
        let drop = self.skip.min(self.scratch.len());
        self.skip -= drop;
        out.extend_from_slice(&self.scratch[drop..]);
        self.given += (self.scratch.len() - drop) as u64;
    }
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Resamples a whole buffer from `from` Hz to `to` Hz: aligned with the input (the filter's
/// delay removed) and `input.len() * to / from` samples long (rounded down).
pub fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    let mut stream = StreamResampler::new(from, to);
    let mut out = stream.push(input);
    out.extend(stream.finish());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::f64::consts::PI;

    fn tone(freq: f64, rate: u32, secs: f64) -> Vec<f32> {
        (0..(rate as f64 * secs) as usize)
            .map(|i| (2.0 * PI * freq * i as f64 / rate as f64).sin() as f32 * 0.5)
            .collect()
    }

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32).sqrt()
    }

    #[test]
    fn keeps_a_tone_in_band() {
        for from in [22_050, 44_100, 48_000] {
            let out = resample(&tone(1000.0, from, 1.0), from, 16_000);
            assert!(
                (out.len() as i64 - 16_000).abs() <= 1,
                "{from}: {}",
                out.len()
            );
            let body = &out[1000..15_000];
            let expected = 0.5 / 2f32.sqrt();
            assert!(
                (rms(body) - expected).abs() < 0.01,
                "{from}: rms {}",
                rms(body)
            );
            // Compare with the ideal tone at 16 kHz: also checks the delay was taken out.
            let ideal = tone(1000.0, 16_000, 1.0);
            let err: f32 = body
                .iter()
                .zip(&ideal[1000..15_000])
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert!(err < 0.01, "{from}: max error {err}");
        }
    }

    #[test]
    fn removes_what_would_alias() {
        // 12 kHz is above 16 kHz's Nyquist (8 kHz): it must vanish, not fold to 4 kHz.
        let out = resample(&tone(12_000.0, 48_000, 1.0), 48_000, 16_000);
        assert!(
            rms(&out[1000..15_000]) < 0.005,
            "rms {}",
            rms(&out[1000..15_000])
        );
    }

    #[test]
    fn streaming_matches_whole_buffer() {
        let input = tone(440.0, 48_000, 1.0);
        let whole = resample(&input, 48_000, 16_000);
        let mut stream = StreamResampler::new(48_000, 16_000);
        let mut pieces = Vec::new();
        for chunk in input.chunks(441) {
            pieces.extend(stream.push(chunk));
        }
        // The stream holds back under a block and a half (delay plus waiting) until finished.
        let held = whole.len() - pieces.len();
        assert!(held < 240, "held back {held}");
        assert_eq!(pieces[..], whole[..pieces.len()]);
        pieces.extend(stream.finish());
        assert_eq!(pieces, whole);
    }

    #[test]
    fn capture_latency_is_small() {
        // 10 ms blocks; a sample is out 5 ms after its block is complete at 48 kHz, 10 ms at
        // 44.1 kHz (220.5 samples in would be 80 out, 441 are exactly 160).
        let stream = StreamResampler::new(48_000, 16_000);
        assert_eq!(stream.block_len(), 480);
        assert_eq!(stream.delay(), 80);
        let stream = StreamResampler::new(44_100, 16_000);
        assert_eq!(stream.block_len(), 441);
        assert_eq!(stream.delay(), 160);
    }

    #[test]
    fn same_rate_passes_through() {
        let input = tone(440.0, 16_000, 0.1);
        assert_eq!(resample(&input, 16_000, 16_000), input);
        let mut stream = StreamResampler::new(16_000, 16_000);
        assert_eq!(stream.push(&input[..7]), input[..7]);
        assert!(stream.finish().is_empty());
    }

    #[test]
    fn upsamples() {
        let out = resample(&tone(440.0, 22_050, 0.5), 22_050, 48_000);
        assert!((out.len() as i64 - 24_000).abs() <= 1);
        assert!((rms(&out[2000..22_000]) - 0.5 / 2f32.sqrt()).abs() < 0.01);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Any chunking of the stream gives exactly the one-shot conversion's samples.
        #[test]
        fn random_chunks_give_the_one_shot_samples(
            rates in prop::sample::select(vec![
                (48_000u32, 16_000u32), (44_100, 16_000), (22_050, 16_000), (22_050, 48_000),
                (16_000, 48_000),
            ]),
            len in 0usize..6000,
            cuts in prop::collection::vec(1usize..1500, 1..40),
            seed in any::<u64>(),
        ) {
            let (from, to) = rates;
            let mut s = seed | 1;
            let input: Vec<f32> = (0..len)
                .map(|_| {
                    s ^= s << 13;
                    s ^= s >> 7;
                    s ^= s << 17;
                    (s >> 40) as f32 / (1u64 << 24) as f32 - 0.5
                })
                .collect();
            let whole = resample(&input, from, to);
            prop_assert_eq!(whole.len() as u64, len as u64 * u64::from(to) / u64::from(from));
            let mut stream = StreamResampler::new(from, to);
            let mut pieces = Vec::new();
            let mut at = 0;
            for cut in cuts.iter().cycle() {
                if at >= input.len() {
                    break;
                }
                let end = (at + cut).min(input.len());
                pieces.extend(stream.push(&input[at..end]));
                at = end;
            }
            pieces.extend(stream.finish());
            prop_assert_eq!(pieces, whole);
        }
    }
}
