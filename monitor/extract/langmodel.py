"""py3langid's model, loaded in tens of milliseconds instead of ~0.6-1 s.

py3langid ships its model as one LZMA-compressed npz (4.5 MB, 68 MB of
arrays); decompressing it is nearly all of the second every fork server spends
loading it (monitor.extract.preload), and every `once` that fetches a page
starts one.  The first process to load it writes the arrays, uncompressed, to
a cache folder named after the model file's hash:

    $NEWS_MONITOR_CACHE, else systemd's $CACHE_DIRECTORY (CacheDirectory=),
    else $XDG_CACHE_HOME/news-monitor, else ~/.cache/news-monitor
        langid-<sha256 of the model file>/ptc.npy pc.npy classes.npy nextmove.npy ...

and every later one maps them: the largest table (28 MB of float16) is read
from the page cache on demand and shared by every process that maps it.  A
damaged folder is written again; one that cannot be written (read-only home)
means loading from the compressed file as before, never a failure.
"""

from __future__ import annotations

import hashlib
import logging
import lzma
import os
import shutil
import tempfile
from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger("monitor.extract")

ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_TYPECODES = {2: "H", 4: "I", 8: "Q"}  # numpy unsigned itemsize -> the array module's code


def cache_folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where the uncompressed model is kept (None: no home to keep it in)."""
    env = os.environ if environ is None else environ
    if env.get("NEWS_MONITOR_CACHE"):
        return Path(env["NEWS_MONITOR_CACHE"])
    if env.get("CACHE_DIRECTORY"):
        return Path(env["CACHE_DIRECTORY"].split(":")[0])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "news-monitor"
    try:
        return Path.home() / ".cache" / "news-monitor"
    except RuntimeError:  # no home directory
        return None


def load_identifier(cache: Path | None) -> Any:
    """py3langid's LanguageIdentifier (normalised probabilities), its arrays
    from `cache` where they can be kept there."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    source = Path(MODEL_DIR) / MODEL_FILE
    if cache is not None:
        try:
            ptc, pc, classes, nextmove, row, output = _cached(source, cache)
            return LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row)
        except (OSError, ValueError, KeyError) as exc:
            log.debug("language model cache in %s not used (%s: %s); loading %s", cache, type(exc).__name__,
                      exc, source)
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _cached(source: Path, cache: Path) -> tuple[Any, ...]:
    folder = cache / f"langid-{hashlib.sha256(source.read_bytes()).hexdigest()[:32]}"
    if (folder / "done").exists():
        try:
            return _read(folder)
        except (OSError, ValueError) as exc:  # damaged: written again, once
            log.warning("language model cache %s is damaged (%s); writing it again", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    _write(source, folder)
    return _read(folder)


def _write(source: Path, folder: Path) -> None:
    """Decompress `source` into `folder`, atomically (a folder renamed into
    place: a process that loses the race keeps the winner's)."""
    import numpy as np

    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".langid-", dir=folder.parent))
    try:
        with tempfile.TemporaryFile(suffix=".npz", dir=work) as npz:
            with lzma.open(source) as compressed:
                shutil.copyfileobj(compressed, npz, length=1 << 20)
            npz.seek(0)
            with np.load(npz, allow_pickle=False) as data:
                for name in ARRAYS:
                    np.save(work / f"{name}.npy", data[name], allow_pickle=False)
        (work / "done").touch()
        work.chmod(0o755)  # mkdtemp makes it 0700: let other users (an image built as root) read it
        try:
            work.rename(folder)
        except OSError:
            if not (folder / "done").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _read(folder: Path) -> tuple[Any, ...]:
    import numpy as np

    def load(name: str, mmap: bool = False) -> Any:
        return np.load(folder / f"{name}.npy", mmap_mode="r" if mmap else None, allow_pickle=False)

    ptc, pc, classes = load("ptc", mmap=True), load("pc"), load("classes").tolist()
    nextmove, row, output = load("nextmove", mmap=True), load("nextmove_row", mmap=True), load("out_feat")
    if ptc.ndim != 2 or not ptc.shape[1] == len(pc) == len(classes) or len(row) != len(output):
        raise ValueError(f"{folder}: the arrays do not fit together")
    return ptc, pc, classes, _unsigned(nextmove), _unsigned(row), output.tolist()


def _unsigned(values: Any) -> array[int]:
    """A numpy unsigned array as the array module's (what py3langid indexes per byte)."""
    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(memoryview(values).cast("B"))
    return out
