//! Band-limited sample-rate conversion (windowed-sinc, any ratio).
//!
//! Whisper wants 16 kHz mono; microphones give 44.1 or 48 kHz; Piper speaks at 22.05 kHz and
//! sound cards play at 48 kHz. Dropping or repeating samples would alias speech into noise, so
//! this low-pass filters at the lower of the two Nyquist frequencies with a Kaiser-windowed sinc
//! kernel, read from a finely tabulated kernel with linear interpolation.

use std::f64::consts::PI;

/// Zero crossings of the sinc on each side (filter half-length, in units of the lower rate).
const HALF_TAPS: usize = 16;
/// Kernel table resolution per zero crossing.
const PHASES: usize = 256;
/// Kaiser window shape (about 80 dB stop-band attenuation).
const KAISER_BETA: f64 = 8.0;
/// Cut-off as a fraction of the lower Nyquist frequency, leaving room for the transition band.
const ROLLOFF: f64 = 0.94;

/// A resampler for one fixed ratio; reusable across calls.
#[derive(Debug, Clone)]
pub struct Resampler {
    from: u32,
    to: u32,
    table: Vec<f32>,
}

impl Resampler {
    pub fn new(from: u32, to: u32) -> Self {
        let table = (0..=HALF_TAPS * PHASES)
            .map(|i| {
                let x = i as f64 / PHASES as f64; // in zero crossings
                let sinc = if i == 0 {
                    1.0
                } else {
                    (PI * x).sin() / (PI * x)
                };
                let r = x / HALF_TAPS as f64;
                let w =
                    bessel_i0(KAISER_BETA * (1.0 - r * r).max(0.0).sqrt()) / bessel_i0(KAISER_BETA);
                (sinc * w) as f32
            })
            .collect();
        Self { from, to, table }
    }

    /// Kernel value at `x` zero crossings from the centre.
    fn kernel(&self, x: f64) -> f32 {
        let pos = x.abs() * PHASES as f64;
        let i = pos as usize;
        if i >= HALF_TAPS * PHASES {
            return 0.0;
        }
        let frac = (pos - i as f64) as f32;
        self.table[i] * (1.0 - frac) + self.table[i + 1] * frac
    }

    /// Converts a whole buffer.
    pub fn process(&self, input: &[f32]) -> Vec<f32> {
        if self.from == self.to || input.is_empty() || self.from == 0 || self.to == 0 {
            return input.to_vec();
        }
        let ratio = self.to as f64 / self.from as f64;
        // Scale of the filter relative to the input rate: below 1 when downsampling.
        let scale = ratio.min(1.0) * ROLLOFF;
        let out_len = ((input.len() as f64) * ratio).floor() as usize;
        let reach = HALF_TAPS as f64 / scale; // input samples on each side
        let mut out = Vec::with_capacity(out_len);
        for n in 0..out_len {
            let t = n as f64 / ratio; // position in input samples
            let first = (t - reach).ceil().max(0.0) as usize;
            let last = ((t + reach).floor() as usize).min(input.len() - 1);
            let mut acc = 0.0f32;
            for (k, &x) in input.iter().enumerate().take(last + 1).skip(first) {
                acc += x * self.kernel((t - k as f64) * scale);
            }
            out.push(acc * scale as f32);
        }
        out
    }
}

/// A resampler for a continuous stream fed in chunks of any size: it keeps the filter's history
/// across chunks, so chunk boundaries leave no clicks (which would cost recognition accuracy).
#[derive(Debug, Clone)]
pub struct StreamResampler {
    inner: Resampler,
    buf: Vec<f32>,
    /// Position (in input samples, relative to `buf[0]`) of the next output sample.
    pos: f64,
}

impl StreamResampler {
    pub fn new(from: u32, to: u32) -> Self {
        let inner = Resampler::new(from, to);
        // Start "reach" samples early so the first outputs see a zero history.
        Self {
            inner,
            buf: Vec::new(),
            pos: 0.0,
        }
    }

    /// Feeds input; returns the output it completes (the last few ms wait for more input).
    pub fn push(&mut self, input: &[f32]) -> Vec<f32> {
        let (from, to) = (self.inner.from, self.inner.to);
        if from == to || from == 0 || to == 0 {
            return input.to_vec();
        }
        self.buf.extend_from_slice(input);
        let step = from as f64 / to as f64;
        let scale = (to as f64 / from as f64).min(1.0) * ROLLOFF;
        let reach = HALF_TAPS as f64 / scale;
        let mut out = Vec::with_capacity((input.len() as f64 / step) as usize + 2);
        while self.pos + reach < self.buf.len() as f64 {
            let t = self.pos;
            let first = (t - reach).ceil().max(0.0) as usize;
            let last = ((t + reach).floor() as usize).min(self.buf.len() - 1);
            let mut acc = 0.0f32;
            for (k, &x) in self.buf.iter().enumerate().take(last + 1).skip(first) {
                acc += x * self.inner.kernel((t - k as f64) * scale);
            }
            out.push(acc * scale as f32);
            self.pos += step;
        }
        // Drop input no future output can reach.
        let keep_from = ((self.pos - reach).floor().max(0.0) as usize).min(self.buf.len());
        if keep_from > 0 {
            self.buf.drain(..keep_from);
            self.pos -= keep_from as f64;
        }
        out
    }
}

/// Convenience: resample `input` from `from` Hz to `to` Hz.
pub fn resample(input: &[f32], from: u32, to: u32) -> Vec<f32> {
    Resampler::new(from, to).process(input)
}

/// Modified Bessel function of the first kind, order zero (series expansion).
fn bessel_i0(x: f64) -> f64 {
    let mut sum = 1.0;
    let mut term = 1.0;
    let half = x / 2.0;
    for k in 1..64 {
        term *= (half / k as f64) * (half / k as f64);
        sum += term;
        if term < sum * 1e-12 {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

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
            // Compare with the ideal tone at 16 kHz.
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
        // The stream holds back the last few samples; everything it gave matches.
        assert!(
            pieces.len() + 40 >= whole.len() && pieces.len() <= whole.len(),
            "{} vs {}",
            pieces.len(),
            whole.len()
        );
        let worst = pieces
            .iter()
            .zip(&whole)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst < 1e-4, "worst difference {worst}");
    }

    #[test]
    fn upsamples() {
        let out = resample(&tone(440.0, 22_050, 0.5), 22_050, 48_000);
        assert!((out.len() as i64 - 24_000).abs() <= 1);
        assert!((rms(&out[2000..22_000]) - 0.5 / 2f32.sqrt()).abs() < 0.01);
    }
}
