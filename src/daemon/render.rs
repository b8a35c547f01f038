//! A speaker on virtual time, for `converse`: sounds are synthesized onto one buffer whose
//! length is the virtual clock, the way the live speaker would play them; a cut drops what had
//! not been heard yet.

use crate::audio::{tones, AudioSink, BufferSink};
use crate::session::{Sound, SENTENCE_GAP_MS};
use crate::speech::{split_sentences, Synthesizer};
use std::time::Instant;

/// The virtual speaker: renders sounds onto one buffer whose length is the virtual time.
pub struct Speaker<'a> {
    pub tts: &'a mut dyn Synthesizer,
    pub sink: BufferSink,
    pub chimes: bool,
    /// (generation, virtual ms when its audio ends), in order.
    pub finishing: Vec<(u64, u64)>,
}

impl Speaker<'_> {
    pub fn cursor_ms(&self) -> u64 {
        self.sink.samples.len() as u64 * 1000 / u64::from(self.sink.rate)
    }

    /// Renders `sounds` from `t` (or after what is still playing); returns (spoken text, when
    /// it starts playing, first-audio ms and total ms of synthesis).
    pub fn play(
        &mut self,
        generation: u64,
        sounds: &[Sound],
        t: u64,
    ) -> Result<(String, u64, Option<f64>, f64), crate::speech::SpeechError> {
        let now = self.cursor_ms();
        if t > now {
            self.sink.silence(t - now);
        }
        let starts = self.cursor_ms();
        let started = Instant::now();
        let mut first = None;
        let mut said = Vec::new();
        for sound in sounds {
            match sound {
                Sound::Say(text) => {
                    said.push(text.clone());
                    for sentence in split_sentences(text) {
                        let pcm = self.tts.synthesize(&sentence)?;
                        first.get_or_insert(started.elapsed().as_secs_f64() * 1000.0);
                        let _ = self.sink.play(&pcm, self.tts.sample_rate());
                        self.sink.silence(SENTENCE_GAP_MS);
                    }
                }
                Sound::Silence(ms) => self.sink.silence(*ms),
                Sound::Chime(kind) if self.chimes => {
                    let pcm = tones::chime(*kind, self.sink.rate);
                    let _ = self.sink.play(&pcm, self.sink.rate);
                }
                Sound::Chime(_) => {}
            }
        }
        self.finishing.push((generation, self.cursor_ms()));
        Ok((
            said.join(" "),
            starts,
            first,
            started.elapsed().as_secs_f64() * 1000.0,
        ))
    }

    /// Drops everything not yet heard at `t`.
    pub fn cut(&mut self, t: u64) {
        let keep = (t * u64::from(self.sink.rate) / 1000) as usize;
        self.sink.samples.truncate(keep);
        self.finishing.clear();
    }
}
