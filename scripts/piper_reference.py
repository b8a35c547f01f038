"""Times piper-tts (the Python reference for Piper voices) on one text, for `make bench`.

Usage: piper_reference.py VOICE.onnx TEXT
Prints one JSON line: import, load, first audio and synthesis times in milliseconds, the audio
length, and the ONNX Runtime version and session options the reference used. Runs in the venv
`scripts/setup --test-data` creates (piper-tts 1.8.0 on onnxruntime 1.31.1, the version Hearth
loads).
"""
import json
import sys
import time

t0 = time.perf_counter()
import onnxruntime  # noqa: E402
from piper import PiperVoice  # noqa: E402

t1 = time.perf_counter()
voice = PiperVoice.load(sys.argv[1])
t2 = time.perf_counter()
first = None
samples = 0
for chunk in voice.synthesize(sys.argv[2]):
    if first is None:
        first = time.perf_counter()
    samples += len(chunk.audio_int16_bytes) // 2
t3 = time.perf_counter()
opts = voice.session.get_session_options()
print(json.dumps({
    "import_ms": (t1 - t0) * 1000,
    "load_ms": (t2 - t1) * 1000,
    "first_audio_ms": (first - t2) * 1000,
    "synth_ms": (t3 - t2) * 1000,
    "audio_secs": samples / voice.config.sample_rate,
    "onnxruntime": onnxruntime.__version__,
    "intra_op_threads": opts.intra_op_num_threads,
    "graph_optimization": str(opts.graph_optimization_level),
}))
