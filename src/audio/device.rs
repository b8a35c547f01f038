//! Live sound devices: cpal capture into 16 kHz mono chunks, and rodio playback that can be cut
//! off mid-sentence. A missing or lost device is an error to report and recover from, never a
//! panic; buffer overruns are counted. Playback can copy what it plays into the echo
//! canceller's far-end reference ([`RodioSink::with_far_end`]).

use super::echo::FarEnd;
use super::resample::StreamResampler;
use super::{AudioError, AudioSink, AudioSource};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::num::NonZero;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One row of `hearth devices`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeviceInfo {
    /// The host's identifier (e.g. a PulseAudio sink or source name); usable in the config.
    pub id: String,
    pub name: String,
    pub input: bool,
    pub output: bool,
    pub default_input: bool,
    pub default_output: bool,
}

fn device_id(d: &cpal::Device) -> String {
    d.id().map(|id| id.id().to_string()).unwrap_or_default()
}

fn device_name(d: &cpal::Device) -> String {
    d.description()
        .map(|desc| desc.name().to_string())
        .unwrap_or_else(|_| d.to_string())
}

/// Every device the default host offers.
pub fn list_devices() -> Result<Vec<DeviceInfo>, AudioError> {
    let host = cpal::default_host();
    let default_in = host.default_input_device().map(|d| device_id(&d));
    let default_out = host.default_output_device().map(|d| device_id(&d));
    let devices = host
        .devices()
        .map_err(|e| AudioError::Device(e.to_string()))?;
    Ok(devices
        .map(|d| {
            let name = device_name(&d);
            let id = device_id(&d);
            DeviceInfo {
                input: d.supports_input(),
                output: d.supports_output(),
                default_input: default_in.as_deref() == Some(id.as_str()),
                default_output: default_out.as_deref() == Some(id.as_str()),
                id,
                name,
            }
        })
        .collect())
}

fn find_device(name: Option<&str>, input: bool) -> Result<cpal::Device, AudioError> {
    let host = cpal::default_host();
    let kind = if input { "input" } else { "output" };
    match name {
        None | Some("") | Some("default") => {
            let d = if input {
                host.default_input_device()
            } else {
                host.default_output_device()
            };
            d.ok_or(AudioError::NoDevice(kind))
        }
        Some(wanted) => {
            let devices = host
                .devices()
                .map_err(|e| AudioError::Device(e.to_string()))?;
            devices
                .filter(|d| {
                    if input {
                        d.supports_input()
                    } else {
                        d.supports_output()
                    }
                })
                .find(|d| {
                    device_id(d) == wanted || device_name(d) == wanted || d.to_string() == wanted
                })
                .ok_or_else(|| AudioError::UnknownDevice {
                    name: wanted.to_string(),
                })
        }
    }
}

/// Whether an input device of this name or id is present now.
pub fn input_present(name: &str) -> bool {
    find_device(Some(name), true).is_ok()
}

/// Counters the daemon reports in `hearth status`.
#[derive(Debug, Default)]
pub struct AudioCounters {
    pub overruns: AtomicU64,
    pub underruns: AtomicU64,
    pub chunks: AtomicU64,
    /// The echo canceller's running numbers (`None` when it is off).
    pub echo: std::sync::Mutex<Option<super::echo::EchoStats>>,
}

/// Microphone capture through cpal, delivering 16 kHz mono.
pub struct CpalSource {
    _stream: cpal::Stream,
    rx: Receiver<Vec<f32>>,
    lost: Arc<AtomicBool>,
    resampler: StreamResampler,
    pub counters: Arc<AudioCounters>,
    pub device: String,
}

impl CpalSource {
    pub fn open(name: Option<&str>, counters: Arc<AudioCounters>) -> Result<Self, AudioError> {
        let device = find_device(name, true)?;
        let dev_name = device_name(&device);
        let supported = device
            .default_input_config()
            .map_err(|e| AudioError::Device(e.to_string()))?;
        let channels = supported.channels() as usize;
        let rate = supported.sample_rate();
        let (tx, rx): (SyncSender<Vec<f32>>, _) = sync_channel(256);
        let lost = Arc::new(AtomicBool::new(false));
        // Ask for 20 ms fragments: by default PulseAudio hands a recording client audio in
        // blocks of a third of a second or more, which would delay barge-in and endpointing by
        // as much. A host that refuses a fixed size gets its default.
        let fixed = cpal::StreamConfig {
            buffer_size: cpal::BufferSize::Fixed(rate / 50),
            ..supported.config()
        };
        let format = supported.sample_format();
        let stream =
            build_input(&device, fixed, format, channels, &tx, &lost, &counters).or_else(|_| {
                build_input(
                    &device,
                    supported.config(),
                    format,
                    channels,
                    &tx,
                    &lost,
                    &counters,
                )
            })?;
        stream
            .play()
            .map_err(|e| AudioError::Device(e.to_string()))?;
        Ok(Self {
            _stream: stream,
            rx,
            lost,
            resampler: StreamResampler::new(rate, 16_000),
            counters,
            device: dev_name,
        })
    }
}

fn build_input(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    format: cpal::SampleFormat,
    channels: usize,
    tx: &SyncSender<Vec<f32>>,
    lost: &Arc<AtomicBool>,
    counters: &Arc<AudioCounters>,
) -> Result<cpal::Stream, AudioError> {
    let lost = lost.clone();
    let err_fn = move |e: cpal::Error| {
        tracing::warn!(error = %e, "audio input stream error");
        lost.store(true, Ordering::SeqCst);
    };
    let (tx, counters) = (tx.clone(), counters.clone());
    let push = move |mono: Vec<f32>| match tx.try_send(mono) {
        Ok(()) => {
            counters.chunks.fetch_add(1, Ordering::Relaxed);
        }
        Err(TrySendError::Full(_)) => {
            counters.overruns.fetch_add(1, Ordering::Relaxed);
        }
        Err(TrySendError::Disconnected(_)) => {}
    };
    match format {
        cpal::SampleFormat::F32 => device.build_input_stream::<f32, _, _>(
            config,
            move |data: &[f32], _| push(fold(data, channels, |s| s)),
            err_fn,
            None,
        ),
        cpal::SampleFormat::I16 => device.build_input_stream::<i16, _, _>(
            config,
            move |data: &[i16], _| push(fold(data, channels, |s| s as f32 / 32768.0)),
            err_fn,
            None,
        ),
        cpal::SampleFormat::I32 => device.build_input_stream::<i32, _, _>(
            config,
            move |data: &[i32], _| push(fold(data, channels, |s| s as f32 / 2_147_483_648.0)),
            err_fn,
            None,
        ),
        other => {
            return Err(AudioError::Device(format!(
                "unsupported input sample format {other:?}"
            )))
        }
    }
    .map_err(|e| AudioError::Device(e.to_string()))
}

fn fold<T: Copy>(data: &[T], channels: usize, to_f32: impl Fn(T) -> f32) -> Vec<f32> {
    let channels = channels.max(1);
    data.chunks(channels)
        .map(|f| f.iter().map(|&s| to_f32(s)).sum::<f32>() / f.len() as f32)
        .collect()
}

impl AudioSource for CpalSource {
    fn next_chunk(&mut self, timeout: Duration) -> Result<Option<Vec<f32>>, AudioError> {
        if self.lost.load(Ordering::SeqCst) {
            return Err(AudioError::Device("input device lost".into()));
        }
        match self.rx.recv_timeout(timeout) {
            Ok(mut chunk) => {
                // Gather what else is waiting so the resampler works on larger blocks.
                while let Ok(more) = self.rx.try_recv() {
                    chunk.extend(more);
                }
                Ok(Some(self.resampler.push(&chunk)))
            }
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                Err(AudioError::Device("input stream closed".into()))
            }
        }
    }
}

/// Speaker output through rodio; [`AudioSink::stop`] cuts playback at once.
pub struct RodioSink {
    _device: rodio::stream::MixerDeviceSink,
    player: rodio::Player,
    far_end: Option<Arc<FarEnd>>,
    /// The endless stream's queue and rate, once it has started (echo canceller on).
    stream: Option<(Arc<std::sync::Mutex<Queue>>, u32)>,
    pub device: String,
}

impl RodioSink {
    pub fn open(name: Option<&str>) -> Result<Self, AudioError> {
        let device = find_device(name, false)?;
        let dev_name = device_name(&device);
        let mut sink = rodio::DeviceSinkBuilder::from_device(device)
            .and_then(|b| b.open_stream())
            .map_err(|e| AudioError::Device(e.to_string()))?;
        sink.log_on_drop(false);
        let player = rodio::Player::connect_new(sink.mixer());
        Ok(Self {
            _device: sink,
            player,
            far_end: None,
            stream: None,
            device: dev_name,
        })
    }

    /// Copies every sample, as the output device pulls it, into `far_end` (at 16 kHz).
    pub fn with_far_end(mut self, far_end: Option<Arc<FarEnd>>) -> Self {
        self.far_end = far_end;
        self
    }
}

/// Sounds waiting for the echo-referenced stream, at the stream's rate.
#[derive(Default)]
struct Queue {
    pieces: std::collections::VecDeque<(Vec<f32>, usize)>,
}

/// With the echo canceller on, Hearth plays through one endless source: queued sounds, and
/// silence between them. Because the device pulls it without a break, every sample it hands
/// out, sound or silence, has its place on the far-end timeline, which then never has to be
/// re-anchored between replies: the echo stays where the canceller learnt it.
struct FarEndStream {
    queue: Arc<std::sync::Mutex<Queue>>,
    rate: rodio::SampleRate,
    far_end: Arc<FarEnd>,
    to_16k: StreamResampler,
    block: Vec<f32>,
    next: usize,
}

impl FarEndStream {
    /// Samples handed out per lock of the queue (~6 ms at 22 kHz). The far end is written as
    /// the resampler completes its blocks (every 20 ms from 22.05 kHz, 20 ms behind).
    const BLOCK: usize = 128;

    fn refill(&mut self) {
        self.block.clear();
        if let Ok(mut q) = self.queue.lock() {
            while self.block.len() < Self::BLOCK {
                let Some((piece, at)) = q.pieces.front_mut() else {
                    break;
                };
                let take = (Self::BLOCK - self.block.len()).min(piece.len() - *at);
                self.block.extend_from_slice(&piece[*at..*at + take]);
                *at += take;
                if *at >= piece.len() {
                    q.pieces.pop_front();
                }
            }
        }
        self.block.resize(Self::BLOCK, 0.0);
        self.next = 0;
        let reference = self.to_16k.push(&self.block);
        self.far_end.write(&reference, Instant::now());
    }
}

impl Iterator for FarEndStream {
    type Item = rodio::Sample;

    fn next(&mut self) -> Option<rodio::Sample> {
        if self.next >= self.block.len() {
            self.refill();
        }
        let s = self.block.get(self.next).copied().unwrap_or(0.0);
        self.next += 1;
        Some(s)
    }
}

impl rodio::Source for FarEndStream {
    fn current_span_len(&self) -> Option<usize> {
        None
    }
    fn channels(&self) -> rodio::ChannelCount {
        NonZero::<u16>::MIN
    }
    fn sample_rate(&self) -> rodio::SampleRate {
        self.rate
    }
    fn total_duration(&self) -> Option<Duration> {
        None
    }
}

impl AudioSink for RodioSink {
    fn play(&mut self, samples: &[f32], rate: u32) -> Result<(), AudioError> {
        let rate = NonZero::new(rate).ok_or_else(|| AudioError::Device("sample rate 0".into()))?;
        let one = NonZero::new(1u16).ok_or_else(|| AudioError::Device("channels".into()))?;
        if let Some(far_end) = &self.far_end {
            let (queue, stream_rate) = self.stream.get_or_insert_with(|| {
                let queue = Arc::new(std::sync::Mutex::new(Queue::default()));
                self._device.mixer().add(FarEndStream {
                    queue: queue.clone(),
                    rate,
                    far_end: far_end.clone(),
                    to_16k: StreamResampler::new(rate.get(), super::echo::RATE),
                    block: Vec::new(),
                    next: 0,
                });
                (queue, rate.get())
            });
            let piece = if rate.get() == *stream_rate {
                samples.to_vec()
            } else {
                super::resample::resample(samples, rate.get(), *stream_rate)
            };
            let mut q = match queue.lock() {
                Ok(q) => q,
                Err(p) => p.into_inner(),
            };
            q.pieces.push_back((piece, 0));
            return Ok(());
        }
        let buffer = rodio::buffer::SamplesBuffer::new(one, rate, samples.to_vec());
        self.player.append(buffer);
        self.player.play();
        Ok(())
    }

    fn is_playing(&self) -> bool {
        match &self.stream {
            Some((queue, _)) => queue.lock().map(|q| !q.pieces.is_empty()).unwrap_or(false),
            None => !self.player.empty(),
        }
    }

    fn stop(&mut self) {
        if let Some((queue, _)) = &self.stream {
            if let Ok(mut q) = queue.lock() {
                q.pieces.clear();
            }
        }
        self.player.clear();
    }
}
