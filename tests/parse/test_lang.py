from __future__ import annotations

import pytest

from monitor.extract.lang import detect_language


@pytest.mark.parametrize(("text", "lang"), [
    ("China’s Xinhua News Agency reports that President Xi Jinping is sending a senior diplomat.", "en"),
    ("Китай направляет специального посланника в Северную Корею после визита Трампа.", "ru"),
    ("Der chinesische Präsident schickt einen Sondergesandten nach Nordkorea.", "de"),
    ("習近平国家主席は北朝鮮に特使を派遣すると新華社通信が報じた。", "ja"),
])
def test_detects_the_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "Hi there!", "12345 67890 ,,,, ----", "A1 B2 C3 D4 E5"])
def test_too_little_text_is_unknown(text: str) -> None:
    assert detect_language(text) == ""


def test_unsure_is_unknown() -> None:
    assert detect_language("asdf qwer zxcv uiop hjkl vbnm tyui") == ""
