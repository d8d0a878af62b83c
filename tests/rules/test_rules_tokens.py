from __future__ import annotations

from monitor.rules import normalize_word, tokenize


def test_case_accents_and_compatibility_forms_are_folded():
    assert normalize_word("Élysée") == "elysee"
    assert normalize_word("ＵＳ") == "us"  # fullwidth, NFKC
    assert normalize_word("Straße") == "strasse"


def test_hyphens_split_words_and_possessives_are_dropped():
    assert tokenize("Kim Jong-un").norms == ("kim", "jong", "un")
    assert tokenize("China’s and China's envoy").norms == ("china", "and", "china", "envoy")


def test_offsets_point_into_the_original_text():
    toks = tokenize("  Élysée’s door")
    assert [toks.text[a:b] for a, b in zip(toks.starts, toks.ends)] == ["Élysée", "door"]


def test_cjk_and_thai_become_one_token_per_character():
    assert tokenize("北朝鮮委員長").norms == tuple("北朝鮮委員長")
    assert tokenize("ที่นี่").norms == ("ที่", "นี่")  # vowel and tone marks stay with their consonant


def test_sentences_and_paragraphs():
    toks = tokenize("Mr. Song went to the U.S. on Friday. He met Kim.\n\nNew paragraph here.")
    sentences = [" ".join(toks.norms[a:b + 1]) for a, b in toks.sentences]
    assert sentences == ["mr song went to the u s on friday", "he met kim", "new paragraph here"]
    assert len(toks.paragraphs) == 2
