"""The language model's cache: the same answers as py3langid's own loader,
kept where it can be, and a cache that cannot be used is only slower."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from monitor.extract.langmodel import cache_folder, load_identifier

TEXTS = [
    "China’s Xinhua News Agency reports that President Xi Jinping is sending a senior diplomat.",
    "Китай направляет специального посланника в Северную Корею после визита Трампа.",
    "Der chinesische Präsident schickt einen Sondergesandten nach Nordkorea.",
    "習近平国家主席は北朝鮮に特使を派遣すると新華社通信が報じた。",
    "Le président envoie un émissaire à Pyongyang pour rencontrer les ministres du pays.",
    "asdf qwer zxcv uiop hjkl vbnm tyui",
]


@pytest.fixture(scope="module")
def reference() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def answers(identifier: LanguageIdentifier) -> list[tuple[str, float]]:
    return [(lang, round(float(p), 6)) for lang, p in map(identifier.classify, TEXTS)]


def test_the_cached_model_answers_as_the_shipped_one(tmp_path: Path, reference: LanguageIdentifier) -> None:
    first = load_identifier(tmp_path)  # writes the cache
    [folder] = tmp_path.glob("langid-*")
    assert (folder / "done").exists() and (folder / "ptc.npy").stat().st_size > 10_000_000
    written = (folder / "ptc.npy").stat().st_mtime_ns
    second = load_identifier(tmp_path)  # reads it
    assert (folder / "ptc.npy").stat().st_mtime_ns == written
    assert answers(first) == answers(second) == answers(reference)
    assert answers(reference)[2][0] == "de"


def test_a_damaged_cache_is_written_again(tmp_path: Path, reference: LanguageIdentifier) -> None:
    load_identifier(tmp_path)
    [folder] = tmp_path.glob("langid-*")
    (folder / "ptc.npy").write_bytes(b"\x93NUMPY truncated")
    assert answers(load_identifier(tmp_path)) == answers(reference)
    assert (folder / "ptc.npy").stat().st_size > 10_000_000


def test_a_cache_that_cannot_be_made_falls_back(tmp_path: Path, reference: LanguageIdentifier) -> None:
    (tmp_path / "cache").write_text("not a folder")
    assert answers(load_identifier(tmp_path / "cache")) == answers(reference)


def test_the_cache_folder_follows_the_environment(tmp_path: Path) -> None:
    assert cache_folder({"NEWS_MONITOR_CACHE": "/srv/c", "XDG_CACHE_HOME": "/x"}) == Path("/srv/c")
    assert cache_folder({"CACHE_DIRECTORY": "/var/cache/news-monitor", "XDG_CACHE_HOME": "/x"}) == \
        Path("/var/cache/news-monitor")
    assert cache_folder({"XDG_CACHE_HOME": "/x"}) == Path("/x/news-monitor")
    assert cache_folder({}) == Path.home() / ".cache" / "news-monitor"


@pytest.mark.parametrize("damage", ["empty file", "no done marker", "half removed"])
def test_every_kind_of_damage_is_repaired(tmp_path: Path, reference: LanguageIdentifier, damage: str) -> None:
    """An empty array file (a crash before the data reached the disk), a
    folder without its marker or half removed (a repair cut short)."""
    load_identifier(tmp_path)
    [folder] = tmp_path.glob("langid-*")
    if damage == "empty file":
        (folder / "pc.npy").write_bytes(b"")
    elif damage == "no done marker":
        (folder / "done").unlink()
    else:
        (folder / "done").unlink()
        (folder / "ptc.npy").unlink()
    assert answers(load_identifier(tmp_path)) == answers(reference)
    assert (folder / "done").exists() and (folder / "ptc.npy").stat().st_size > 10_000_000
    assert [p.name for p in tmp_path.iterdir() if p.name != ".lock"] == [folder.name]  # no work folder left


def test_a_filesystem_without_room_is_not_filled(tmp_path: Path, reference: LanguageIdentifier,
                                                 monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    import monitor.extract.langmodel as langmodel

    monkeypatch.setattr(langmodel.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(64 << 20, 0, 60 << 20))
    assert answers(load_identifier(tmp_path)) == answers(reference)
    assert [p.name for p in tmp_path.iterdir()] == [".lock"]


def test_unused_models_and_dead_writers_folders_are_swept(tmp_path: Path) -> None:
    import time

    week_ago = time.time() - 8 * 86400
    for name in ("langid-0000000000000000", "langid-1111111111111111"):  # models py3langid no longer ships
        (tmp_path / name).mkdir()
        (tmp_path / name / "done").touch()
    os.utime(tmp_path / "langid-0000000000000000" / "done", (week_ago, week_ago))  # nobody loaded it since
    (tmp_path / ".langid-x1").mkdir()  # a writer that died (a live one would hold the lock)
    load_identifier(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert ".langid-x1" not in names and "langid-0000000000000000" not in names
    assert "langid-1111111111111111" in names  # an older version still in use somewhere
    assert len([n for n in names if n.startswith("langid-")]) == 2


def test_processes_racing_on_an_empty_cache_all_use_it(tmp_path: Path) -> None:
    """Several processes load at once: one writes, the others wait for it and
    map what it wrote; none falls back to the compressed model."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    script = ("import logging, sys\nfrom pathlib import Path\nlogging.basicConfig(level=logging.WARNING)\n"
              "from monitor.extract.langmodel import load_identifier\n"
              "print(load_identifier(Path(sys.argv[1])).classify('Der Präsident schickt einen Gesandten.')[0])\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True,
                              env={**os.environ, "PYTHONPATH": str(root)}) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [o.strip() for o, _ in outs] == ["de"] * 4
    assert all("not used" not in e and "damaged" not in e for _, e in outs), [e for _, e in outs]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".lock") == [
        p.name for p in tmp_path.glob("langid-*")]


def test_a_worker_pool_starts_whatever_the_cache_holds(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The fork server loads the model in its preload: a damaged cache there
    must not keep the extraction workers from starting."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    load_identifier(tmp_path)
    [folder] = tmp_path.glob("langid-*")
    (folder / "pc.npy").write_bytes(b"")
    script = ("import asyncio\nfrom monitor.extract.pool import Extractor\n"
              "async def main():\n    e = Extractor(workers=1)\n    print(await e.start())\n    e.close()\n"
              "asyncio.run(main())\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NEWS_MONITOR_CACHE": str(tmp_path), "PYTHONPATH": str(root)},
                          start_new_session=True)
    assert done.stdout.strip() == "True", done.stderr[-2000:]
