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
from the page cache on demand and shared by every process that maps it (the
DFA table, 39 MB, is copied into each process, as py3langid indexes it per
byte).  A damaged folder is written again; one that cannot be written
(read-only home, a full or size-limited filesystem) means loading from the
compressed file as before, with a warning, never a failure.  Writers take
turns (a lock file); folders of models no process loaded for a week, and of
writers that died, are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import lzma
import os
import shutil
import tempfile
import time
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger("monitor.extract")

ROOM = 100 * 2**20  # the uncompressed arrays are 68 MB
DAY = 86400.0
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
        except Exception as exc:  # noqa: BLE001  (whatever the folder holds: the shipped model still loads)
            log.warning("language model cache in %s not used (%s: %s); loading the compressed model", cache,
                        type(exc).__name__, exc)
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _cached(source: Path, cache: Path) -> tuple[Any, ...]:
    folder = cache / f"langid-{hashlib.sha256(source.read_bytes()).hexdigest()[:32]}"
    if (folder / "done").exists():
        try:
            found = _read(folder)
            _freshen(folder)
            return found
        except Exception as exc:  # noqa: BLE001  (damaged, e.g. cut short by a crash: written again, once)
            log.warning("language model cache %s is damaged (%s: %s); writing it again", folder,
                        type(exc).__name__, exc)
    with _writing(cache):  # one writer at a time; the others then read what it wrote
        if (folder / "done").exists():
            try:
                return _read(folder)
            except Exception:  # noqa: BLE001  (still the damaged one)
                pass
        shutil.rmtree(folder, ignore_errors=True)  # damaged, or what a repair cut short left
        _write(source, folder)
        _sweep(folder)
    return _read(folder)


@contextlib.contextmanager
def _writing(cache: Path) -> Iterator[None]:
    """An exclusive lock on the cache folder's `.lock` (flock: released if the
    holder dies)."""
    import fcntl

    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _freshen(folder: Path) -> None:
    """Mark the folder used (at most daily), so the sweep keeps a model some
    process still loads."""
    done = folder / "done"
    with contextlib.suppress(OSError):
        if time.time() - done.stat().st_mtime > DAY:
            os.utime(done)


def _write(source: Path, folder: Path) -> None:
    """Decompress `source` into `folder` (absent; the lock held), atomically:
    written in a folder of its own, synced, then renamed into place.  Refused
    where the filesystem lacks the room (a size-limited tmpfs), so a full
    disk costs the slow load, not the disk."""
    import numpy as np

    free = shutil.disk_usage(folder.parent).free
    if free < ROOM:
        raise OSError(f"{free // 2**20} MB free in {folder.parent}, {ROOM // 2**20} MB needed")
    work = Path(tempfile.mkdtemp(prefix=".langid-", dir=folder.parent))
    try:
        with lzma.open(source) as compressed, np.load(io.BytesIO(compressed.read()), allow_pickle=False) as data:
            for name in ARRAYS:
                path = work / f"{name}.npy"
                with path.open("wb") as out:
                    np.save(out, data[name], allow_pickle=False)
                    out.flush()
                    os.fsync(out.fileno())
                path.chmod(0o644)
        (work / "done").touch()
        work.chmod(0o755)  # mkdtemp makes it 0700: let other users (an image built as root) read it
        _fsync_folder(work)
        work.rename(folder)
        _fsync_folder(folder.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fsync_folder(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sweep(keep: Path) -> None:
    """With the lock held: work folders (their writers died: a writer holds
    the lock) and other models' folders no process has loaded for a week
    (py3langid upgraded).  Best effort: a sweep never fails a load."""
    now = time.time()
    for other in keep.parent.glob("*langid-*"):
        try:
            unused = other.name.startswith("langid-") and now - (other / "done").stat().st_mtime > 7 * DAY
            if other != keep and (other.name.startswith(".") or unused):
                shutil.rmtree(other, ignore_errors=True)
        except OSError:
            continue


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
