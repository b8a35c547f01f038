//! Voice activity detection and endpointing on 16 kHz mono audio.
//!
//! [`Endpointer`] is fed audio in chunks of any size (a live microphone or a whole file) and
//! reports when speech starts and when an utterance has ended. Detection is energy based with an
//! adaptive noise floor: a frame is speech when it stands a margin above the floor the quiet
//! frames have established, so a fan or a fridge raises the floor instead of talking to Hearth.
//! An utterance ends after a configurable hang-over of non-speech; a short pre-roll is kept so
//! the first syllable is not clipped.
//!
//! For an early end of turn the endpointer also reports a [`Endpoint::Pause`]: the first
//! `pause_ms` of non-speech inside an utterance, with the audio so far, so that it can be
//! transcribed while the person may still go on. Whoever reads that transcript may then end the
//! utterance at once ([`Endpointer::end_now`]) or wait longer than the hang-over
//! ([`Endpointer::extend_hangover`]); the endpointer itself only measures.

/// Sample rate the endpointer works at.
pub const RATE: u32 = 16_000;
/// Analysis frame: 20 ms.
pub const FRAME: usize = 320;
/// The noise floor looks back this many frames (5 s).
const FLOOR_WINDOW_FRAMES: usize = 250;
/// Non-speech kept after the last speech frame of an utterance (200 ms): the last consonant.
const TAIL_KEEP: usize = (200 * RATE / 1000) as usize;

/// Tuning of the detector and the endpointer.
#[derive(Debug, Clone, PartialEq)]
pub struct VadConfig {
    /// How far above the noise floor (dB) a frame must be to count as speech.
    pub threshold_db: f32,
    /// Frames quieter than this (dBFS) are never speech, whatever the floor.
    pub min_speech_dbfs: f32,
    /// Consecutive speech needed to start an utterance (ms).
    pub start_ms: u32,
    /// Non-speech that ends an utterance (ms): the hang-over.
    pub hangover_ms: u32,
    /// Audio kept from before the detected start (ms).
    pub preroll_ms: u32,
    /// Utterances shorter than this are dropped as clicks or coughs (ms of speech).
    pub min_speech_ms: u32,
    /// An utterance is cut here even if the person keeps talking (ms).
    pub max_utterance_ms: u32,
    /// Non-speech inside an utterance that is reported as a [`Endpoint::Pause`] (ms); 0: never.
    pub pause_ms: u32,
}

impl Default for VadConfig {
    fn default() -> Self {
        Self {
            threshold_db: 10.0,
            min_speech_dbfs: -50.0,
            start_ms: 60,
            hangover_ms: 600,
            preroll_ms: 300,
            min_speech_ms: 200,
            max_utterance_ms: 30_000,
            pause_ms: 0,
        }
    }
}

/// What the endpointer noticed.
#[derive(Debug, Clone, PartialEq)]
pub enum Endpoint {
    /// Speech began at this sample (stream position, 16 kHz). Barge-in reacts to this.
    SpeechStart { at: u64 },
    /// The person has paused inside an utterance for `pause_ms`: the utterance so far, as
    /// [`Endpoint::Utterance`] would carry it if it ended here. `id` names this pause.
    Pause {
        id: u64,
        start: u64,
        end: u64,
        samples: Vec<f32>,
    },
    /// A complete utterance: its span in the stream and its samples (pre-roll included).
    /// `speech_end` is where the last speech frame ended (`end` keeps a short tail after it).
    /// `pause`: the utterance ended in the silence of this reported pause, so it holds the
    /// same speech as that pause's samples.
    Utterance {
        start: u64,
        end: u64,
        speech_end: u64,
        pause: Option<u64>,
        samples: Vec<f32>,
    },
}

/// Streaming endpointer; see the module docs.
#[derive(Debug, Clone)]
pub struct Endpointer {
    cfg: VadConfig,
    pending: Vec<f32>,
    /// Stream position (samples) of the start of `pending`.
    pos: u64,
    noise_db: f32,
    /// Extra dB asked of speech while Hearth itself is playing (its own voice in the room).
    boost_db: f32,
    floor_window: std::collections::VecDeque<f32>,
    history: std::collections::VecDeque<f32>,
    state: State,
    /// The id the next reported pause gets.
    next_pause: u64,
}

#[derive(Debug, Clone)]
enum State {
    Quiet {
        run: u32,
    },
    Speaking {
        start: u64,
        samples: Vec<f32>,
        silent_run: u32,
        speech_frames: u32,
        /// The pause reported in the current run of non-speech, if any.
        pause: Option<u64>,
        /// The hang-over of the current run of non-speech, in frames (longer when extended).
        hang_frames: u32,
    },
}

impl Endpointer {
    pub fn new(cfg: VadConfig) -> Self {
        Self {
            cfg,
            pending: Vec::new(),
            pos: 0,
            noise_db: -60.0,
            boost_db: 0.0,
            floor_window: Default::default(),
            history: Default::default(),
            state: State::Quiet { run: 0 },
            next_pause: 0,
        }
    }

    /// Current noise floor estimate in dBFS.
    pub fn noise_floor_db(&self) -> f32 {
        self.noise_db
    }

    /// Asks speech to stand `db` higher above the floor (0 to go back to normal).
    pub fn set_boost_db(&mut self, db: f32) {
        self.boost_db = db.max(0.0);
    }

    /// True while an utterance is in progress.
    pub fn in_speech(&self) -> bool {
        matches!(self.state, State::Speaking { .. })
    }

    /// Starts this endpointer's pause ids at `id` (to follow on from another's).
    pub fn with_pause_ids_from(mut self, id: u64) -> Self {
        self.next_pause = id;
        self
    }

    /// The id the next reported pause will get.
    pub fn next_pause_id(&self) -> u64 {
        self.next_pause
    }

    /// The reported pause the person is still silent in, if any.
    pub fn pause_in_progress(&self) -> Option<u64> {
        match self.state {
            State::Speaking { pause, .. } => pause,
            State::Quiet { .. } => None,
        }
    }

    /// Ends the utterance now if the person is still silent in pause `id`; returns it (`None`
    /// if speech came back since, or the utterance already ended).
    pub fn end_now(&mut self, id: u64) -> Option<Endpoint> {
        if self.pause_in_progress() != Some(id) {
            return None;
        }
        let state = std::mem::replace(&mut self.state, State::Quiet { run: 0 });
        let mut out = Vec::new();
        if let State::Speaking {
            start,
            samples,
            silent_run,
            speech_frames,
            ..
        } = state
        {
            self.close(
                start,
                samples,
                speech_frames,
                Some(silent_run),
                Some(id),
                &mut out,
            );
        }
        out.pop()
    }

    /// Lets the silence of pause `id` last up to `hangover_ms` before the utterance ends (never
    /// shorter than the configured hang-over). No effect once speech came back.
    pub fn extend_hangover(&mut self, id: u64, hangover_ms: u32) {
        if self.pause_in_progress() != Some(id) {
            return;
        }
        if let State::Speaking { hang_frames, .. } = &mut self.state {
            *hang_frames = (*hang_frames).max(Self::ms_to_frames(hangover_ms));
        }
    }

    fn ms_to_frames(ms: u32) -> u32 {
        (ms * RATE / 1000).div_ceil(FRAME as u32).max(1)
    }

    /// Feeds audio; returns whatever endpoints it completed.
    pub fn push(&mut self, audio: &[f32]) -> Vec<Endpoint> {
        self.pending.extend_from_slice(audio);
        let mut out = Vec::new();
        let mut offset = 0;
        while self.pending.len() - offset >= FRAME {
            let frame: Vec<f32> = self.pending[offset..offset + FRAME].to_vec();
            let at = self.pos + offset as u64;
            self.frame(&frame, at, &mut out);
            offset += FRAME;
        }
        self.pending.drain(..offset);
        self.pos += offset as u64;
        out
    }

    /// Ends the stream: an utterance in progress is closed.
    pub fn finish(&mut self) -> Vec<Endpoint> {
        let mut out = Vec::new();
        let state = std::mem::replace(&mut self.state, State::Quiet { run: 0 });
        if let State::Speaking {
            start,
            mut samples,
            speech_frames,
            ..
        } = state
        {
            samples.extend_from_slice(&self.pending);
            self.close(start, samples, speech_frames, None, None, &mut out);
        }
        self.pos += self.pending.len() as u64;
        self.pending.clear();
        out
    }

    /// Forgets any utterance in progress (e.g. while Hearth itself is speaking).
    pub fn reset(&mut self) {
        self.state = State::Quiet { run: 0 };
        self.history.clear();
    }

    fn frame(&mut self, frame: &[f32], at: u64, out: &mut Vec<Endpoint>) {
        let energy = frame.iter().map(|s| s * s).sum::<f32>() / frame.len() as f32;
        let db = 10.0 * (energy + 1e-12).log10();
        self.track_floor(db);
        let is_speech = db > self.cfg.min_speech_dbfs
            && db > self.noise_db + self.cfg.threshold_db + self.boost_db;
        let preroll = (self.cfg.preroll_ms * RATE / 1000) as usize;
        let start_frames = Self::ms_to_frames(self.cfg.start_ms);
        let pause_frames = (self.cfg.pause_ms > 0).then(|| Self::ms_to_frames(self.cfg.pause_ms));
        let min_speech_frames = Self::ms_to_frames(self.cfg.min_speech_ms);
        let max_samples = (self.cfg.max_utterance_ms as u64 * RATE as u64 / 1000) as usize;

        match &mut self.state {
            State::Quiet { run } => {
                self.history.extend(frame.iter().copied());
                let keep = preroll + start_frames as usize * FRAME;
                while self.history.len() > keep {
                    self.history.pop_front();
                }
                *run = if is_speech { *run + 1 } else { 0 };
                if *run >= start_frames {
                    let samples: Vec<f32> = self.history.drain(..).collect();
                    let start = (at + FRAME as u64).saturating_sub(samples.len() as u64);
                    let speech_at = at + FRAME as u64 - (start_frames as u64 * FRAME as u64);
                    out.push(Endpoint::SpeechStart { at: speech_at });
                    self.state = State::Speaking {
                        start,
                        samples,
                        silent_run: 0,
                        speech_frames: start_frames,
                        pause: None,
                        hang_frames: Self::ms_to_frames(self.cfg.hangover_ms),
                    };
                }
            }
            State::Speaking {
                start,
                samples,
                silent_run,
                speech_frames,
                pause,
                hang_frames,
            } => {
                samples.extend_from_slice(frame);
                if is_speech {
                    *silent_run = 0;
                    *speech_frames += 1;
                    *pause = None;
                    *hang_frames = Self::ms_to_frames(self.cfg.hangover_ms);
                } else {
                    *silent_run += 1;
                }
                let ended = *silent_run >= *hang_frames;
                if ended || samples.len() >= max_samples {
                    let (start, samples, speech_frames, silent_run, pause) = (
                        *start,
                        std::mem::take(samples),
                        *speech_frames,
                        *silent_run,
                        *pause,
                    );
                    self.state = State::Quiet { run: 0 };
                    let silence = ended.then_some(silent_run);
                    self.close(
                        start,
                        samples,
                        speech_frames,
                        silence,
                        pause.filter(|_| ended),
                        out,
                    );
                } else if Some(*silent_run) == pause_frames && *speech_frames >= min_speech_frames {
                    let id = self.next_pause;
                    self.next_pause += 1;
                    *pause = Some(id);
                    let kept = samples.len() - Self::trim_len(samples.len(), *silent_run);
                    out.push(Endpoint::Pause {
                        id,
                        start: *start,
                        end: *start + kept as u64,
                        samples: samples[..kept].to_vec(),
                    });
                }
            }
        }
    }

    /// How many trailing samples to trim from `len` samples that end in `silent_frames` of
    /// non-speech: all of it but a little tail for the last consonant.
    fn trim_len(len: usize, silent_frames: u32) -> usize {
        (silent_frames as usize * FRAME)
            .saturating_sub(TAIL_KEEP)
            .min(len.saturating_sub(FRAME))
    }

    /// Emits an utterance. `silence`: it ended with this many frames of non-speech, most of
    /// which is trimmed ([`Self::trim_len`]); an utterance cut at the length limit or at the end
    /// of the stream keeps everything. `pause`: the reported pause it ended in.
    fn close(
        &self,
        start: u64,
        mut samples: Vec<f32>,
        speech_frames: u32,
        silence: Option<u32>,
        pause: Option<u64>,
        out: &mut Vec<Endpoint>,
    ) {
        let mut speech_end = start + samples.len() as u64;
        if let Some(silent_frames) = silence {
            speech_end = speech_end.saturating_sub(silent_frames as u64 * FRAME as u64);
            let cut = Self::trim_len(samples.len(), silent_frames);
            samples.truncate(samples.len() - cut);
        }
        if speech_frames >= Self::ms_to_frames(self.cfg.min_speech_ms) {
            let end = start + samples.len() as u64;
            out.push(Endpoint::Utterance {
                start,
                end,
                speech_end: speech_end.max(start),
                pause,
                samples,
            });
        }
    }

    fn track_floor(&mut self, db: f32) {
        // Minimum statistics: the floor is a low percentile of the last few seconds, so pauses
        // between words keep it honest during speech and a steady hum becomes the floor itself.
        self.floor_window.push_back(db.max(-80.0));
        while self.floor_window.len() > FLOOR_WINDOW_FRAMES {
            self.floor_window.pop_front();
        }
        let mut sorted: Vec<f32> = self.floor_window.iter().copied().collect();
        sorted.sort_by(f32::total_cmp);
        self.noise_db = sorted[sorted.len() / 10];
    }
}

/// Splits a whole recording into utterances (the `converse` path).
pub fn split_utterances(samples: &[f32], cfg: &VadConfig) -> Vec<Endpoint> {
    let mut ep = Endpointer::new(cfg.clone());
    let mut out: Vec<Endpoint> = Vec::new();
    for chunk in samples.chunks(FRAME * 10) {
        out.extend(ep.push(chunk));
    }
    out.extend(ep.finish());
    out.into_iter()
        .filter(|e| matches!(e, Endpoint::Utterance { .. }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quiet noise, then a 1 s "voice" (a modulated tone), then quiet, twice.
    fn scene() -> Vec<f32> {
        let mut seed = 1u32;
        let mut noise = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 0.002
        };
        let mut v = Vec::new();
        for _ in 0..16_000 {
            v.push(noise());
        }
        for round in 0..2 {
            for i in 0..16_000 {
                let t = i as f32 / 16_000.0;
                v.push(
                    noise()
                        + 0.3
                            * (2.0 * std::f32::consts::PI * (180.0 + 40.0 * round as f32) * t)
                                .sin(),
                );
            }
            for _ in 0..24_000 {
                v.push(noise());
            }
        }
        v
    }

    #[test]
    fn finds_two_utterances_with_their_spans() {
        let audio = scene();
        let utts = split_utterances(&audio, &VadConfig::default());
        assert_eq!(
            utts.len(),
            2,
            "{:?}",
            utts.iter()
                .map(|u| match u {
                    Endpoint::Utterance { start, end, .. } => (*start, *end),
                    _ => (0, 0),
                })
                .collect::<Vec<_>>()
        );
        let spans: Vec<(u64, u64)> = utts
            .iter()
            .filter_map(|u| match u {
                Endpoint::Utterance { start, end, .. } => Some((*start, *end)),
                _ => None,
            })
            .collect();
        // Speech is at 16000..32000 and 56000..72000; allow pre-roll and hang-over tail.
        assert!(
            spans[0].0 >= 16_000 - 6_000 && spans[0].0 <= 16_000,
            "{spans:?}"
        );
        assert!(
            spans[0].1 >= 32_000 && spans[0].1 <= 32_000 + 6_000,
            "{spans:?}"
        );
        assert!(
            spans[1].0 >= 56_000 - 6_000 && spans[1].0 <= 56_000,
            "{spans:?}"
        );
    }

    #[test]
    fn speech_start_is_reported_promptly() {
        let audio = scene();
        let mut ep = Endpointer::new(VadConfig::default());
        let mut first = None;
        for (i, chunk) in audio.chunks(FRAME).enumerate() {
            for e in ep.push(chunk) {
                if let Endpoint::SpeechStart { at } = e {
                    first.get_or_insert((at, (i + 1) * FRAME));
                }
            }
        }
        let (at, reported) = first.unwrap();
        assert!((at as i64 - 16_000).abs() <= 640, "start at {at}");
        // Reported within 100 ms of the real start.
        assert!(reported <= 16_000 + 1_600, "reported at sample {reported}");
    }

    #[test]
    fn steady_noise_is_not_speech() {
        let hum: Vec<f32> = (0..160_000)
            .map(|i| 0.05 * (2.0 * std::f32::consts::PI * 60.0 * i as f32 / 16_000.0).sin())
            .collect();
        assert!(split_utterances(&hum, &VadConfig::default()).is_empty());
    }
}
