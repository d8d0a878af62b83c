"""The language model's cache: the same answers as py3langid's own loader,
kept where it can be, and a cache that cannot be used is only slower."""

from __future__ import annotations

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
