"""Normalisation, shingles and signatures."""

from __future__ import annotations

import pytest

from monitor.stories import ClusterSettings, normalise_words, shingles, signature, signed_words, similarity


def test_normalisation_folds_case_width_and_curly_apostrophes() -> None:
    assert normalise_words("China’s ＥＮＶＯＹ") == normalise_words("CHINA'S envoy") == ["chinas", "envoy"]
    assert normalise_words("Kim Jong-un, (Pyongyang).") == ["kim", "jong", "un", "pyongyang"]


def test_punctuation_and_spacing_do_not_change_the_signature() -> None:
    s = ClusterSettings()
    text = " ".join(f"word{i}" for i in range(80))
    noisy = text.replace(" ", " ,\n ").upper()
    assert similarity(signature(text, "", s), signature(noisy, "", s)) == 1.0


def test_shingles_are_word_ngrams() -> None:
    assert shingles(["a", "b", "c", "d"], 3) == {"a b c", "b c d"}
    assert shingles([], 3) == set()


def test_long_text_ignores_the_headline() -> None:
    s = ClusterSettings()
    text = " ".join(f"word{i}" for i in range(80))
    assert signed_words(text, "Headline one", s) == signed_words(text, "Another headline", s)


def test_short_text_is_signed_as_title_plus_lead() -> None:
    s = ClusterSettings(min_words=50)
    words = signed_words("Seoul says the missile flew 600 km.", "North Korea fires missile", s)
    assert words[:4] == ["north", "korea", "fires", "missile"]
    assert words[-2:] == ["600", "km"]
    long_lead = " ".join(f"w{i}" for i in range(45))
    assert len(signed_words(long_lead, "Five words in a title", s)) == 50  # cut to min_words


def test_too_little_text_is_not_clustered() -> None:
    assert signature("", "Live updates", ClusterSettings()) is None
    assert signature("Breaking", "", ClusterSettings()) is None


@pytest.mark.parametrize("kwargs", [{"threshold": 0.0}, {"threshold": 1.2}, {"shingle": 0},
                                    {"num_perm": 4}, {"min_words": -1}])
def test_bad_settings_name_the_setting_and_an_example(kwargs) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"stories\.\w+ must be .*e\.g\."):
        ClusterSettings(**kwargs)


def test_settings_from_config_mapping() -> None:
    s = ClusterSettings.from_mapping({"threshold": "0.6", "window": "3d"})
    assert s.threshold == 0.6 and s.window.days == 3
    with pytest.raises(ValueError, match="unknown key.*treshold.*known keys are"):
        ClusterSettings.from_mapping({"treshold": 0.6})
