"""Where sentences and paragraphs end, decided from the text between two words.

A sentence ends at `. ! ?`, the CJK `。 ！ ？ ．` (NFKC has made the
fullwidth ones ASCII), the Devanagari danda `। ॥`, the Arabic `؟ ۔`, the
Armenian `։`, the Ethiopic `።`, the Myanmar `။` and the Khmer `។`,
when a space, a closing quote or bracket, or a word of a script written
without spaces follows; a paragraph at a blank line.  A `.` does not end one:

- after a title (`Mr.`, `Amb.`, `Gen.`, `Sen.`, ... `TITLES`) or a Latin
  initial (`J. Smith`, `U.S. officials`), unless a word that only starts
  sentences follows (`the U.S. The envoy`);
- after `No.`, `Art.`, `p.`, a month (`Jan.`) ... (`BEFORE_NUMBER`) when a
  number follows (`No. 5`), and after `vs.`, `cf.`, `approx.` always;
- when the next word starts with a lowercase letter (`Inc. said`).
"""

from __future__ import annotations

import re

from monitor.rules.hangul import is_nospace_char

_PARA_RE = re.compile(r"\n[ \t\r\f\v]*\n")
STOPS = ".!?。！？．।॥؟۔։።။។…"
_STRONG = frozenset("。！？।॥؟۔։።။។")  # end a sentence whatever follows
_CLOSERS = frozenset("\"'”’»)]}」』）〕】›")
TITLES = frozenset("""mr mrs ms mx messrs mme mlle dr prof gen lt col maj capt cmdr adm sgt cpl
pvt brig cdr amb sen rep gov pres supt insp det atty hon rev fr sr jr st mt ft dept sec
ald cllr""".split())
BEFORE_NUMBER = frozenset("""no nos nr art arts p pp para vol ch fig figs sec tel ext op
jan feb mar apr jun jul aug sep sept oct nov dec""".split())
ALWAYS = frozenset({"vs", "cf", "approx"})
_COMPANY = frozenset({"co", "inc", "corp", "ltd", "llc", "plc", "bhd"})
STARTERS = frozenset("""the a an he she it they we i you this that these those there his her
its their our my but and so yet in on at as after before when while if however meanwhile
also then now today yesterday officials""".split())


def breaks(gap: str, prev_raw: str, next_raw: str) -> tuple[bool, bool]:
    """(sentence break, paragraph break) for the normalised text `gap` between
    the word `prev_raw` and the word `next_raw` (NFKC forms, with case)."""
    if "\n" in gap and _PARA_RE.search(gap):
        return True, True
    for i, ch in enumerate(gap):
        if ch not in STOPS:
            continue
        if ch in _STRONG:
            return True, False
        rest = gap[i + 1:].lstrip(STOPS)
        after = rest[:1]
        if after == "":  # the next word follows at once: "U.S", "5.5", "中国.特使"
            if next_raw and is_nospace_char(next_raw[0]) or prev_raw and is_nospace_char(prev_raw[-1]):
                return True, False
            return False, False
        if not (after.isspace() or after in _CLOSERS):
            continue
        return (_ends_sentence(ch, gap[i + 1:i + 2] == ".", prev_raw, next_raw), False)
    return False, False


def _ends_sentence(stop: str, ellipsis: bool, prev_raw: str, next_raw: str) -> bool:
    first = next_raw[:1]
    if first.islower():
        return False  # "Inc. said", "etc. and"
    if stop != "." or ellipsis or not prev_raw:
        return True
    prev = prev_raw.lower()
    nxt = next_raw.lower()
    if prev in ALWAYS:
        return False
    if prev in BEFORE_NUMBER and first.isdigit():
        return False
    if prev in _COMPANY and nxt in _COMPANY:
        return False  # "Samsung Electronics Co. Ltd."
    initial = len(prev_raw) == 1 and prev_raw.isupper() and prev_raw.isascii()
    if initial or prev in TITLES:
        return nxt in STARTERS
    return True
