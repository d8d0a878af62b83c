"""Scripts that need more than spaces to find words.

Chinese, Japanese, Thai, Lao, Khmer and Myanmar are written without spaces:
the tokeniser makes one token per character, so a term in them matches as a
substring.  Korean (Hangul) is spaced, but particles attach to the noun they
follow (북한이, 북한의, 북한은): a Hangul query word matches a document word
that is the word itself or the word followed by particles (`PARTICLES`), so
`북한` finds 북한이 and 북한에서는 but not 북한산 (a mountain) or 남북한.  Why
particle matching rather than substring matching: docs/rules.md, "Korean".
"""

from __future__ import annotations

import re

NOSPACE = ("\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
           "\uff66-\uff9f\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff\u1000-\u109f"
           "\U00020000-\U0002fa1f")
NOSPACE_RE = re.compile(f"[{NOSPACE}]")
HANGUL_RE = re.compile("[\uac00-\ud7a3]")
_ALL_HANGUL_RE = re.compile("[\uac00-\ud7a3]+")

# Postpositions (josa) and the copula, alone and as they combine.
_BASE = """이 가 은 는 을 를 의 에 에서 에게 께 께서 한테 한테서 에게서 로 으로 와 과 도 만 까지 부터
보다 처럼 마저 조차 이나 나 이란 란 이라 라 이며 이고 이다 이었다 였다 이라고 라고 이라는 라는
이라며 라며 이든 든 이랑 랑 하고 에게로 으로서 로서 으로써 로써 이야 야 이여 여 뿐 밖에 대로 마다
이면 면 인 인데 이지만 이나마 같이 만큼 처럼은 으로부터 로부터 에서부터 이라도 라도""".split()
_TAILS = ["는", "도", "의", "만", "은", "을", "를", "이", "가"]
PARTICLES = frozenset(
    _BASE
    + [b + t for b in ("에", "에서", "에게", "으로", "로", "과", "와", "까지", "부터", "한테", "께",
                       "만", "보다", "처럼", "대로", "마다", "뿐") for t in _TAILS]
    + ["들" + b for b in _BASE] + ["들"]
    + ["들" + b + t for b in ("에", "에서", "에게", "으로", "로", "과", "와") for t in _TAILS])
MAX_PARTICLE = max(map(len, PARTICLES))


def is_nospace_char(ch: str) -> bool:
    return bool(NOSPACE_RE.match(ch))


def is_hangul_word(word: str) -> bool:
    """Whether `word` is all Hangul syllables (a query word matched with particles)."""
    return bool(_ALL_HANGUL_RE.fullmatch(word))


def with_particles(word: str, noun: str) -> bool:
    """Whether document `word` is `noun` or `noun` followed by particles.

    >>> with_particles("북한이", "북한"), with_particles("북한산", "북한")
    (True, False)
    """
    return word == noun or word.startswith(noun) and word[len(noun):] in PARTICLES
