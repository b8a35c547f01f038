//! Acoustic echo cancellation: Hearth's own voice taken back out of the microphone.
//!
//! In a room the speaker is heard by the microphone. Without this, Hearth interrupts itself
//! (barge-in on its own voice) and transcribes its own sentences as requests. The pieces:
//!
//! - [`FarEnd`], the far-end reference: a shared timeline of what Hearth plays, at 16 kHz. The
//!   speaker ([`super::device::RodioSink`]) writes every sample into it as the output device
//!   pulls it, stamped with the time of the pull (plus the resampler's block, 20 ms from
//!   Piper's 22.05 kHz; the delay estimator takes it up); silence (nothing playing) reads as
//!   zeros.
//! - [`EchoStage`], on the capture thread: for each microphone chunk it reads the far-end
//!   samples of the same span of time, cuts the audio into the canceller's frames and runs the
//!   canceller before anything else (the endpointer, Whisper) sees the audio. One canceller lives
//!   as long as the capture thread, so what it learnt about the room is kept across replies.
//! - [`EchoCanceller`], the seam, and [`SpeexCanceller`], the canceller behind it (speexdsp's
//!   MDF adaptive filter plus its residual-echo suppressor, through `aec-rs`).
//!
//! The echo reaches the microphone later than the reference is written (output buffer, the
//! room, capture buffer); the canceller's filter (`audio.echo_tail_ms`) must cover that delay
//! plus the room's reverberation. Both timelines are kept contiguous while audio flows and
//! re-anchored to the clock only after a gap (a new reply after silence, a reopened device), so
//! callback jitter does not move the echo around inside the filter.

use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The rate the canceller works at: the capture rate.
pub const RATE: u32 = 16_000;
/// Samples of far-end history kept (4 s): far more than any echo path.
const RING: usize = 4 * RATE as usize;
/// A timeline further than this from the clock (1 s) is re-anchored: a stalled or reopened
/// device, not the jitter of its callbacks (bursts more than 100 ms apart were seen).
const SNAP: u64 = RATE as u64;
/// Microphone audio waits at most this long (300 ms) for the far end of its span to be written.
const WAIT: u64 = 3 * RATE as u64 / 10;
/// Frames of playback the canceller learns from before it is trusted (1.5 s of Hearth's voice
/// in the daemon's life): until then the microphone is muted while Hearth plays.
const WARMUP_FRAMES: u64 = 150;
/// The delay estimator looks for the echo this far either side of the far end's own timeline
/// (in 10 ms frames): the timelines of speaker and microphone are anchored to the clock
/// separately, and a capture stream that starts with a backlog was seen 0.5 s off.
const MAX_LAG_FRAMES: i64 = 80;
/// Near-end frames (1.5 s) the delay estimator correlates.
const EST_FRAMES: usize = 150;
/// Where the canceller is given the echo: this long (100 ms) after its far end, the middle of
/// the gate's window, so a delay that drifts (the loop's was seen to move 40 ms in 40 s) stays
/// inside it until the next estimate.
const TARGET_LAG: i64 = 1600;
/// Frames (80 ms) the gate can take back: when a person's voice is found over Hearth's, the
/// frames just before it (a soft "s" of "stop") are let through too. Delays the audio as much.
const LOOKBACK_FRAMES: usize = 8;
/// Frames (150 ms) the gate stays open after a person's voice was found over Hearth's.
const HANGOVER_FRAMES: u32 = 15;
/// After the warm-up, a frame while Hearth's voice may be in the microphone passes only if what
/// is left after cancellation is within this many dB of the echo expected there (the far end's
/// level through the room's coupling): a person speaking over Hearth is; the canceller's
/// residue (10-20 dB below on the loop) is not, and is attenuated by [`GATE_FLOOR`].
const GATE_DB: f64 = -8.0;
/// Gain applied to a frame the gate holds back (-40 dB).
const GATE_FLOOR: f32 = 0.01;
/// The warm-up mute ends after this many far-end frames (3 s) whatever the estimator found: a
/// microphone that does not hear the speaker at all (headphones, the bare test loop) has no
/// echo to place.
const WARMUP_LIMIT: u64 = 300;
/// A far-end frame quieter than this (mean square, about -70 dBFS) counts as silence.
const FAR_ACTIVE: f64 = 1e-7;

/// Errors from the echo canceller.
#[derive(Debug, thiserror::Error)]
pub enum EchoError {
    #[error("echo canceller given {got} samples; its frame is {expected}")]
    FrameSize { expected: usize, got: usize },
    #[error("echo canceller settings: {0}")]
    Settings(String),
}

/// Something that removes the far-end signal's echo from the near-end (microphone) signal,
/// one frame at a time, adapting as it goes.
pub trait EchoCanceller {
    /// Samples per frame (16 kHz).
    fn frame_len(&self) -> usize;
    /// `near` is a microphone frame, `far` what was played over the same span; `out` gets the
    /// microphone without the echo. All three must be [`EchoCanceller::frame_len`] long.
    fn cancel(&mut self, near: &[f32], far: &[f32], out: &mut [f32]) -> Result<(), EchoError>;
}

/// speexdsp's echo canceller (MDF) with its preprocessor's residual-echo suppression.
pub struct SpeexCanceller {
    aec: aec_rs::Aec,
    frame: usize,
    near: Vec<i16>,
    far: Vec<i16>,
    out: Vec<i16>,
}

impl SpeexCanceller {
    /// Frames of 10 ms; `tail_ms` of echo path (delay plus reverberation) is modelled.
    pub fn new(tail_ms: u32) -> Result<Self, EchoError> {
        if !(20..=2000).contains(&tail_ms) {
            return Err(EchoError::Settings(format!(
                "echo tail must be between 20 and 2000 ms, not {tail_ms}"
            )));
        }
        let frame = (RATE / 100) as usize;
        let filter = (RATE as u64 * u64::from(tail_ms) / 1000) as i32;
        let aec = aec_rs::Aec::new(&aec_rs::AecConfig {
            frame_size: frame,
            filter_length: filter,
            sample_rate: RATE,
            enable_preprocess: true,
        });
        Ok(Self {
            aec,
            frame,
            near: vec![0; frame],
            far: vec![0; frame],
            out: vec![0; frame],
        })
    }
}

fn to_i16(x: f32) -> i16 {
    if x.is_finite() {
        (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16
    } else {
        0
    }
}

impl EchoCanceller for SpeexCanceller {
    fn frame_len(&self) -> usize {
        self.frame
    }

    fn cancel(&mut self, near: &[f32], far: &[f32], out: &mut [f32]) -> Result<(), EchoError> {
        // The C code reads and writes exactly one frame: check every length first.
        for got in [near.len(), far.len(), out.len()] {
            if got != self.frame {
                return Err(EchoError::FrameSize {
                    expected: self.frame,
                    got,
                });
            }
        }
        for (d, &s) in self.near.iter_mut().zip(near) {
            *d = to_i16(s);
        }
        for (d, &s) in self.far.iter_mut().zip(far) {
            *d = to_i16(s);
        }
        self.aec.cancel_echo(&self.near, &self.far, &mut self.out);
        for (d, &s) in out.iter_mut().zip(&self.out) {
            *d = f32::from(s) / 32768.0;
        }
        Ok(())
    }
}

/// What Hearth plays, on a 16 kHz timeline shared by the speaker and the capture thread.
pub struct FarEnd {
    epoch: Instant,
    timeline: Mutex<Timeline>,
}

struct Timeline {
    samples: Vec<f32>,
    /// The absolute position each slot holds; a slot of another position reads as silence.
    tags: Vec<u64>,
    /// Where the next written sample goes (`None` before the first write).
    cursor: Option<u64>,
    /// Times the writer was re-anchored to the clock (a new stretch of playback).
    anchors: u64,
    /// The end of the last stretch written that was not silence.
    last_active: Option<u64>,
}

impl FarEnd {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            epoch: Instant::now(),
            timeline: Mutex::new(Timeline {
                samples: vec![0.0; RING],
                tags: vec![u64::MAX; RING],
                cursor: None,
                anchors: 0,
                last_active: None,
            }),
        })
    }

    /// The timeline position (16 kHz samples since the epoch) of an instant.
    pub fn position(&self, at: Instant) -> u64 {
        let us = at.saturating_duration_since(self.epoch).as_micros();
        (us * u128::from(RATE) / 1_000_000) as u64
    }

    /// Records 16 kHz samples handed to the output device at `at` (the first of them).
    pub fn write(&self, samples: &[f32], at: Instant) {
        let now = self.position(at);
        let mut t = match self.timeline.lock() {
            Ok(t) => t,
            Err(p) => p.into_inner(),
        };
        let mut pos = match t.cursor {
            Some(c) if c.abs_diff(now) <= SNAP => c,
            c => {
                t.anchors += 1;
                tracing::debug!(
                    cursor = ?c,
                    now,
                    samples = samples.len(),
                    "far end re-anchored"
                );
                now
            }
        };
        let mut active = false;
        for &s in samples {
            let slot = (pos % RING as u64) as usize;
            t.samples[slot] = if s.is_finite() { s } else { 0.0 };
            active |= t.samples[slot].abs() > 1e-3;
            t.tags[slot] = pos;
            pos += 1;
        }
        t.cursor = Some(pos);
        if active {
            t.last_active = Some(pos);
        }
    }

    /// The far-end samples at positions `start..start + out.len()`; silence where nothing played.
    pub fn read(&self, start: u64, out: &mut [f32]) {
        let t = match self.timeline.lock() {
            Ok(t) => t,
            Err(p) => p.into_inner(),
        };
        for (i, o) in out.iter_mut().enumerate() {
            let pos = start + i as u64;
            let slot = (pos % RING as u64) as usize;
            *o = if t.tags[slot] == pos {
                t.samples[slot]
            } else {
                0.0
            };
        }
    }

    /// The end of the last sound (not silence) written.
    pub fn last_active(&self) -> Option<u64> {
        self.timeline.lock().ok().and_then(|t| t.last_active)
    }

    /// The position up to which the far end has been written (`None` before anything played).
    pub fn written_upto(&self) -> Option<u64> {
        self.timeline.lock().ok().and_then(|t| t.cursor)
    }

    /// How often playback started again after a gap.
    pub fn anchors(&self) -> u64 {
        self.timeline.lock().map(|t| t.anchors).unwrap_or(0)
    }
}

/// Running sums that tell how much echo was removed (echo return loss enhancement).
#[derive(Debug, Default, Clone, Copy)]
pub struct EchoStats {
    /// Frames processed.
    pub frames: u64,
    /// Frames during which the far end played.
    pub far_frames: u64,
    /// Frames in which an echo may be heard (the far end played within the tail).
    pub echo_frames: u64,
    /// Of those, frames muted while the canceller was still learning the room.
    pub muted_frames: u64,
    /// Frames held back afterwards as the canceller's residue (no one speaking over Hearth).
    pub gated_frames: u64,
    /// Microphone energy in the echo frames (before the warm-up mute).
    pub near_energy: f64,
    /// Energy left after cancellation in those frames (before the warm-up mute).
    pub out_energy: f64,
}

impl EchoStats {
    /// Energy removed while Hearth played, in dB (includes any near-end speech, so a floor).
    pub fn erle_db(&self) -> Option<f64> {
        (self.far_frames > 0 && self.out_energy > 0.0)
            .then(|| 10.0 * (self.near_energy / self.out_energy).log10())
    }
}

/// What the gate did with a frame.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Gate {
    Pass,
    /// Taken as the canceller's residue: attenuated.
    Held,
    /// Muted while learning the room.
    Muted,
}

/// The capture side: aligns microphone chunks with the far end and cancels the echo.
pub struct EchoStage {
    canceller: Box<dyn EchoCanceller>,
    far_end: Arc<FarEnd>,
    /// Timeline position of the next microphone sample.
    cursor: Option<u64>,
    /// Microphone samples waiting for the far end of their span, and the position of the first.
    waiting: Vec<f32>,
    waiting_pos: u64,
    near: Vec<f32>,
    far: Vec<f32>,
    frame_out: Vec<f32>,
    stats: EchoStats,
    /// The far end read for microphone position `q` is the one at `q - offset`.
    offset: i64,
    /// Whether the delay estimator has placed the echo (two estimates agreeing).
    aligned: bool,
    /// The last estimate of the echo's delay, in frames, waiting for a second to agree.
    candidate: Option<i64>,
    /// RMS of recent microphone frames (before cancellation) and the position after the last.
    near_env: std::collections::VecDeque<f32>,
    near_env_end: u64,
    /// Microphone position of `near[0]` (live audio only).
    near_start: u64,
    live: bool,
    /// Frames since the far end last played (its echo lingers for the tail).
    since_far: u64,
    /// Far-end frames seen since the echo was placed (the canceller's learning time).
    learned: u64,
    /// Recent far-end frame energies (over the tail), for the echo to expect.
    far_recent: std::collections::VecDeque<f64>,
    /// The room's coupling: microphone echo energy over far-end energy, in dB (a running median).
    coupling_db: f64,
    /// Frames not yet handed on (live audio), so the gate can take back its decision.
    staged: std::collections::VecDeque<(Vec<f32>, Gate)>,
    /// Frames the gate still stays open for.
    hang: u32,
    /// Whether the warm-up mute and the residual gate run (off: the canceller alone).
    gating: bool,
    /// How many frames after the far end stops its echo can still arrive.
    tail_frames: u64,
}

impl EchoStage {
    /// `tail_ms`: how long after the far end stops its echo may still be heard.
    pub fn new(canceller: Box<dyn EchoCanceller>, far_end: Arc<FarEnd>, tail_ms: u32) -> Self {
        let n = canceller.frame_len().max(1);
        Self {
            since_far: u64::MAX,
            learned: 0,
            far_recent: std::collections::VecDeque::new(),
            coupling_db: 0.0,
            staged: std::collections::VecDeque::new(),
            hang: 0,
            gating: true,
            offset: 0,
            aligned: false,
            candidate: None,
            near_env: std::collections::VecDeque::new(),
            near_env_end: 0,
            near_start: 0,
            live: false,
            tail_frames: u64::from(tail_ms) * u64::from(RATE) / 1000 / n as u64 + 1,
            canceller,
            far_end,
            cursor: None,
            waiting: Vec::new(),
            waiting_pos: 0,
            near: Vec::with_capacity(2 * n),
            far: Vec::with_capacity(2 * n),
            frame_out: vec![0.0; n],
            stats: EchoStats::default(),
        }
    }

    /// Takes a microphone chunk that arrived at `at` (its last sample) and returns the audio
    /// with the echo removed. A chunk whose span the speaker has not written yet (its callbacks
    /// come in bursts) waits for it, at most 300 ms; what does not fill a 10 ms frame waits for
    /// the next chunk.
    pub fn process(&mut self, chunk: &[f32], at: Instant) -> Vec<f32> {
        let n = chunk.len() as u64;
        let now = self.far_end.position(at);
        let start = now.saturating_sub(n);
        let pos = match self.cursor {
            Some(c) if c.abs_diff(start) <= SNAP => c,
            _ => {
                // First audio, or the capture stream stalled: start again at the clock, with
                // whatever was waiting taken as it is.
                self.take_waiting(self.waiting.len());
                self.waiting_pos = start;
                start
            }
        };
        self.cursor = Some(pos + n);
        self.waiting
            .extend(chunk.iter().map(|&s| if s.is_finite() { s } else { 0.0 }));
        let written = self.far_end.written_upto().unwrap_or(0) as i64 + self.offset;
        let ready_upto = (written.max(0) as u64).max(now.saturating_sub(WAIT));
        let ready = ready_upto.saturating_sub(self.waiting_pos) as usize;
        self.take_waiting(ready.min(self.waiting.len()));
        self.drain_frames()
    }

    /// Moves `k` waiting microphone samples, with the far end of their span, to the canceller.
    fn take_waiting(&mut self, k: usize) {
        if k == 0 {
            return;
        }
        let from = self.far.len();
        self.far.resize(from + k, 0.0);
        let far_pos = (self.waiting_pos as i64 - self.offset).max(0) as u64;
        self.far_end.read(far_pos, &mut self.far[from..]);
        if self.near.is_empty() {
            self.near_start = self.waiting_pos;
        }
        self.near.extend(self.waiting.drain(..k));
        self.waiting_pos += k as u64;
        self.live = true;
    }

    /// The canceller alone, without the warm-up mute and the residual gate (to measure it).
    pub fn without_gate(mut self) -> Self {
        self.gating = false;
        self
    }

    /// Like [`EchoStage::process`] with a far end given directly (tests, offline runs).
    pub fn process_with(&mut self, near: &[f32], far: &[f32]) -> Vec<f32> {
        let n = near.len();
        self.near
            .extend(near.iter().map(|&s| if s.is_finite() { s } else { 0.0 }));
        self.far
            .extend((0..n).map(|i| far.get(i).copied().unwrap_or(0.0)));
        self.drain_frames()
    }

    fn drain_frames(&mut self) -> Vec<f32> {
        let frame = self.frame_out.len();
        let whole = self.near.len() / frame * frame;
        let mut out = Vec::with_capacity(whole);
        let last_active = if self.live {
            self.far_end.last_active()
        } else {
            None
        };
        for k in (0..whole).step_by(frame) {
            let (near, far) = (&self.near[k..k + frame], &self.far[k..k + frame]);
            match self.canceller.cancel(near, far, &mut self.frame_out) {
                Ok(()) => {}
                Err(e) => {
                    // Cannot happen with whole frames; pass the microphone through rather than
                    // lose audio.
                    tracing::warn!(error = %e, "echo canceller failed on a frame");
                    self.frame_out.copy_from_slice(near);
                }
            }
            self.stats.frames += 1;
            let far_e = energy(far);
            if far_e > FAR_ACTIVE * frame as f64 {
                self.since_far = 0;
                self.stats.far_frames += 1;
            } else {
                self.since_far = self.since_far.saturating_add(1);
            }
            let echo_possible = self.since_far <= self.tail_frames;
            self.far_recent.push_back(far_e);
            while self.far_recent.len() as u64 > self.tail_frames {
                self.far_recent.pop_front();
            }
            let far_env = self.far_recent.iter().copied().fold(0.0, f64::max);
            let near_e = energy(near);
            let out_e = energy(&self.frame_out);
            if echo_possible {
                self.stats.echo_frames += 1;
                self.stats.near_energy += near_e;
                self.stats.out_energy += out_e;
            }
            let loud_far = far_env > 100.0 * FAR_ACTIVE * frame as f64;
            if far_e > FAR_ACTIVE * frame as f64 && self.aligned {
                self.learned += 1;
            }
            if loud_far && near_e > 0.0 {
                // A running median of the coupling: a step up or down per frame, so a person
                // talking over Hearth now and then hardly moves it.
                let r = 10.0 * (near_e / far_env).log10();
                self.coupling_db += if r > self.coupling_db { 0.1 } else { -0.1 };
            }
            let mut learning = false;
            if self.live {
                let label = self.near_start + k as u64;
                self.near_env
                    .push_back((near_e / frame as f64).sqrt() as f32);
                self.near_env_end = label + frame as u64;
                let keep = EST_FRAMES + 2 * MAX_LAG_FRAMES as usize + 10;
                while self.near_env.len() > keep {
                    self.near_env.pop_front();
                }
                if self.stats.frames % 50 == 0 {
                    self.estimate_delay();
                }
                // Before the echo has been placed and learnt, Hearth may be heard wherever its
                // far end is: anything within a second of its last sound counts.
                let far_label = label as i64 - self.offset;
                let near_sound =
                    last_active.is_some_and(|la| la as i64 + i64::from(RATE) >= far_label);
                learning = (!self.aligned || self.learned < WARMUP_FRAMES)
                    && self.stats.far_frames < WARMUP_LIMIT
                    && (near_sound || echo_possible);
            } else if echo_possible && self.stats.far_frames < WARMUP_FRAMES {
                learning = true;
            }
            let gate = if !self.gating {
                Gate::Pass
            } else if learning {
                // Still learning the room: while Hearth's voice may be in the microphone, it
                // is muted rather than heard as someone speaking.
                self.stats.muted_frames += 1;
                Gate::Muted
            } else if echo_possible && loud_far {
                let expected = far_env * 10f64.powf(self.coupling_db / 10.0);
                if out_e >= expected * 10f64.powf(GATE_DB / 10.0) {
                    // Someone speaks over Hearth: let it through, and what led up to it.
                    self.hang = HANGOVER_FRAMES;
                    for (_, g) in self.staged.iter_mut() {
                        if *g == Gate::Held {
                            *g = Gate::Pass;
                        }
                    }
                    Gate::Pass
                } else if self.hang > 0 {
                    self.hang -= 1;
                    Gate::Pass
                } else {
                    Gate::Held
                }
            } else {
                Gate::Pass
            };
            self.staged.push_back((self.frame_out.clone(), gate));
            let lookback = if self.live { LOOKBACK_FRAMES } else { 0 };
            while self.staged.len() > lookback {
                let Some((mut f, g)) = self.staged.pop_front() else {
                    break;
                };
                match g {
                    Gate::Pass => {}
                    Gate::Held => {
                        self.stats.gated_frames += 1;
                        f.iter_mut().for_each(|s| *s *= GATE_FLOOR);
                    }
                    Gate::Muted => f.fill(0.0),
                }
                out.extend_from_slice(&f);
            }
        }
        self.near.drain(..whole);
        self.far.drain(..whole);
        self.near_start += whole as u64;
        out
    }

    /// Finds the echo's delay between the two timelines (their envelopes' cross-correlation over
    /// 1.5 s) and moves the far end so the canceller sees the echo [`TARGET_LAG`] after it.
    fn estimate_delay(&mut self) {
        let frame = self.frame_out.len();
        let span = MAX_LAG_FRAMES as usize;
        let n = self.near_env.len();
        if n < EST_FRAMES + span {
            return;
        }
        // The last 0.8 s is left out, so the far end after the window (a negative lag) exists.
        let i0 = n - span - EST_FRAMES;
        let near: Vec<f32> = self.near_env.range(i0..i0 + EST_FRAMES).copied().collect();
        let p0 = self.near_env_end as i64 - ((n - i0) * frame) as i64;
        let base = p0 - MAX_LAG_FRAMES * frame as i64;
        if base < 0 {
            return;
        }
        let count = EST_FRAMES + 2 * span;
        let mut raw = vec![0.0; count * frame];
        self.far_end.read(base as u64, &mut raw);
        let far: Vec<f32> = raw
            .chunks(frame)
            .map(|c| (energy(c) / frame as f64).sqrt() as f32)
            .collect();
        if far.iter().filter(|&&e| e > 1e-3).count() < count / 4 {
            return;
        }
        let mean = |x: &[f32]| x.iter().sum::<f32>() / x.len() as f32;
        let nm = mean(&near);
        let nv: f32 = near.iter().map(|v| (v - nm) * (v - nm)).sum();
        let mut best = (0.0f32, 0i64);
        for lag in -MAX_LAG_FRAMES..=MAX_LAG_FRAMES {
            let j0 = (MAX_LAG_FRAMES - lag) as usize;
            let f = &far[j0..j0 + EST_FRAMES];
            let fm = mean(f);
            let fv: f32 = f.iter().map(|v| (v - fm) * (v - fm)).sum();
            let c: f32 = near.iter().zip(f).map(|(a, b)| (a - nm) * (b - fm)).sum();
            let r = c / (nv * fv).sqrt().max(1e-12);
            if r > best.0 {
                best = (r, lag);
            }
        }
        let (r, lag) = best;
        if r < 0.6 {
            return;
        }
        let agreed = self.candidate.is_some_and(|c| (c - lag).abs() <= 1);
        self.candidate = Some(lag);
        let offset = lag * frame as i64 - TARGET_LAG;
        if agreed && (!self.aligned || (offset - self.offset).abs() > 2 * frame as i64) {
            tracing::debug!(delay_ms = lag * 10, correlation = r, "echo delay placed");
            self.offset = offset;
            self.aligned = true;
            self.learned = 0;
        }
    }

    pub fn stats(&self) -> EchoStats {
        self.stats
    }
}

fn energy(x: &[f32]) -> f64 {
    x.iter().map(|&s| f64::from(s) * f64::from(s)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn noise(n: usize, seed: u64) -> Vec<f32> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ((x >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.3
            })
            .collect()
    }

    #[test]
    fn bad_frames_are_errors_not_panics() {
        let mut c = SpeexCanceller::new(100).unwrap();
        let mut out = vec![0.0; 160];
        assert!(c.cancel(&[0.0; 10], &[0.0; 160], &mut out).is_err());
        assert!(c.cancel(&[0.0; 160], &[0.0; 161], &mut out).is_err());
        assert!(c
            .cancel(&[f32::NAN; 160], &[f32::INFINITY; 160], &mut out)
            .is_ok());
        assert!(out.iter().all(|s| s.is_finite()));
        assert!(SpeexCanceller::new(0).is_err());
        assert!(SpeexCanceller::new(5000).is_err());
    }

    #[test]
    fn the_far_end_timeline_reads_silence_where_nothing_played() {
        let far = FarEnd::new();
        let t0 = far.epoch + Duration::from_secs(1);
        let p0 = far.position(t0);
        far.write(&[0.5; 320], t0);
        // Written contiguously while playback flows, even if the pull is a little late.
        far.write(&[0.25; 160], t0 + Duration::from_millis(30));
        let mut out = vec![1.0; 800];
        far.read(p0 - 100, &mut out);
        assert!(out[..100].iter().all(|&s| s == 0.0));
        assert!(out[100..420].iter().all(|&s| s == 0.5));
        assert!(out[420..580].iter().all(|&s| s == 0.25));
        assert!(out[580..].iter().all(|&s| s == 0.0));
        // After a gap, the writer starts again at the clock.
        let t1 = t0 + Duration::from_secs(2);
        far.write(&[0.75; 16], t1);
        far.read(far.position(t1), &mut out[..16]);
        assert!(out[..16].iter().all(|&s| s == 0.75));
        assert_eq!(far.anchors(), 2);
    }

    #[test]
    fn chunks_of_any_length_come_out_whole_and_in_order() {
        let mut stage = EchoStage::new(
            Box::new(SpeexCanceller::new(100).unwrap()),
            FarEnd::new(),
            100,
        );
        let x = noise(16_000, 7);
        let mut got = Vec::new();
        for chunk in x.chunks(317) {
            got.extend(stage.process_with(chunk, &[]));
        }
        assert_eq!(got.len(), 16_000 / 160 * 160);
        // With no far end the canceller adds no echo estimate: the noise passes (denoised a bit).
        assert_eq!(stage.stats().far_frames, 0);
    }

    #[test]
    fn a_synthetic_echo_is_removed() {
        let far = noise(5 * RATE as usize, 3);
        // Echo: 40 ms later, half as loud.
        let delay = 640;
        let near: Vec<f32> = (0..far.len())
            .map(|i| {
                if i >= delay {
                    0.5 * far[i - delay]
                } else {
                    0.0
                }
            })
            .collect();
        let mut stage = EchoStage::new(
            Box::new(SpeexCanceller::new(200).unwrap()),
            FarEnd::new(),
            200,
        );
        let out = stage.process_with(&near, &far);
        // After convergence (the last 2 s), the echo is down by at least 15 dB.
        let tail = out.len() - 2 * RATE as usize;
        let erle = 10.0 * (energy(&near[tail..out.len()]) / energy(&out[tail..])).log10();
        assert!(erle > 15.0, "ERLE {erle:.1} dB");
    }
}
