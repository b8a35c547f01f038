//! Soft chime tones for breathing cues: a sine with a slow attack and a long decay, quiet enough
//! to guide without startling.

/// Which chime: rising for breathing in, falling for breathing out, a single soft tone to hold,
/// and a two-note close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chime {
    Inhale,
    Exhale,
    Hold,
    End,
}

/// Renders a chime at `rate` Hz.
pub fn chime(kind: Chime, rate: u32) -> Vec<f32> {
    let notes: &[(f32, f32)] = match kind {
        Chime::Inhale => &[(523.25, 0.35), (659.25, 0.5)],
        Chime::Exhale => &[(659.25, 0.35), (523.25, 0.5)],
        Chime::Hold => &[(587.33, 0.45)],
        Chime::End => &[(523.25, 0.4), (783.99, 0.7)],
    };
    let mut out = Vec::new();
    for &(freq, secs) in notes {
        let n = (secs * rate as f32) as usize;
        for i in 0..n {
            let t = i as f32 / rate as f32;
            let attack = (t / 0.02).min(1.0);
            let decay = (-3.5 * t / secs).exp();
            let s = (2.0 * std::f32::consts::PI * freq * t).sin()
                + 0.2 * (4.0 * std::f32::consts::PI * freq * t).sin();
            out.push(0.18 * attack * decay * s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chimes_are_soft_and_distinct() {
        let a = chime(Chime::Inhale, 16_000);
        let b = chime(Chime::Exhale, 16_000);
        assert!(a.iter().all(|s| s.abs() <= 0.25));
        assert_eq!(a.len(), b.len());
        assert_ne!(a, b);
        assert!(!chime(Chime::End, 22_050).is_empty());
    }
}
