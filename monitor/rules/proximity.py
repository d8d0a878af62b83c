"""NEAR/n and ONEAR/n between two lists of occurrences, in time linear in
their length (plus sorting).

Two occurrences are `distance` words apart: the gap between their token
ranges, 0 when one lies inside the other (a third term inside the span of
`a NEAR/5 b`).  They never share a token (`korea NEAR/3 korea` needs two
mentions; `"north korea" NEAR/2 korea` needs another "korea").

Instead of every pair (quadratic: a word in every sentence NEAR another),
each occurrence keeps its nearest and its farthest partner on each side.
That is exact for what the spans are used for: whether a span exists, and
for a chain (`a NEAR/5 b NEAR/3 c`) whether some span of the first NEAR is
within 3 words of a `c` (the farthest partners give the widest spans, the
nearest ones every position an ordered chain can continue from).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import itemgetter, sub

from monitor.rules.docindex import Meter, Occ

_BY_SPAN = itemgetter(1, 2)  # (first token, last token)
_BY_END = itemgetter(2, 1)
_FIRST, _LAST = itemgetter(1), itemgetter(2)
REACH_MIN = 64  # occurrences on one side before _reachable looks for the reachable ones
REACH_RATIO = 4  # ... and that many times the other side's


def distance(a: Occ, b: Occ) -> int:
    return max(0, b[1] - a[2], a[1] - b[2])


def disjoint(a: Occ, b: Occ) -> bool:
    """No hit of `a` shares a token with a hit of `b`."""
    if a[2] < b[1] or b[2] < a[1]:
        return True
    return all(x[3] < y[2] or y[3] < x[2] for x in a[3] for y in b[3])


def near(lefts: list[Occ], rights: list[Occ], n: int, ordered: bool, meter: Meter,
         full: bool = True) -> list[Occ]:
    """The spans of `lefts NEAR/n rights` (ONEAR: right after left), per field.
    `full`: the spans a chain needs (nearest and farthest partners, seen from
    both sides); otherwise each left with its nearest partners, enough to
    know that the NEAR holds and to show where."""
    out: list[Occ] = []
    seen: set[tuple[str, int, int]] = set()
    left_fields, right_fields = {o[0] for o in lefts}, {o[0] for o in rights}
    for field in sorted(left_fields & right_fields):
        ls = sorted(lefts if len(left_fields) == 1 else [o for o in lefts if o[0] == field],
                    key=_BY_SPAN)
        rs = sorted(rights if len(right_fields) == 1 else [o for o in rights if o[0] == field],
                    key=_BY_SPAN)
        meter.tick(len(ls) + len(rs))
        ls, rs = _reachable(ls, rs, n, meter), _reachable(rs, ls, n, meter)
        if ordered:
            pairs = _ordered(ls, rs, n, meter, full)
        else:
            pairs = _unordered(ls, rs, n, meter, full)
            if full:
                pairs += [(a, b) for b, a in _unordered(rs, ls, n, meter, full)]
        for a, b in pairs:
            a1, b1, a2, b2 = a[1], b[1], a[2], b[2]
            key = (field, a1 if a1 < b1 else b1, a2 if a2 > b2 else b2)
            if key not in seen:
                seen.add(key)
                out.append((field, key[1], key[2], a[3] + b[3]))
    return out


def _reachable(ls: list[Occ], rs: list[Occ], n: int, meter: Meter) -> list[Occ]:
    """The occurrences of `ls` (sorted by span) that may be within n words of
    one of `rs`, in order: whatever lies farther from every right has no
    partner in any of the walks below, so they never visit it (`/e/ NEAR/3
    envoy`: 88,000 `e`s on 1 MB, a few thousand near an `envoy`).  Only worth
    it when `ls` is much longer than `rs`; otherwise `ls` itself."""
    if len(ls) < REACH_MIN or len(ls) < REACH_RATIO * len(rs):
        return ls
    firsts = list(map(_FIRST, ls))
    widest = max(map(sub, map(_LAST, ls), firsts))  # the longest left span
    out: list[Occ] = []
    end = 0
    for r in rs:  # sorted by first token: the windows' starts ascend
        lo = max(bisect_left(firsts, r[1] - n - widest), end)
        hi = bisect_right(firsts, r[2] + n)
        if hi > lo:
            out += ls[lo:hi]
            end = hi
    meter.tick(len(rs) + len(out))
    return out


def _unordered(ls: list[Occ], rs: list[Occ], n: int, meter: Meter, full: bool
               ) -> list[tuple[Occ, Occ]]:
    """For each left: its nearest valid right on each side (full: and its
    farthest on each side).  Valid: at most n words apart, no shared token."""
    out: list[tuple[Occ, Occ]] = []
    append = out.append
    firsts = [r[1] for r in rs]
    count = len(rs)
    low = 0  # rights before it end too early for this left and every later one
    for a in ls:
        alo, ahi = a[1], a[2]
        limit = alo - n
        steps = 1
        while low < count and rs[low][2] < limit:
            low += 1
            steps += 1
        top = bisect_right(firsts, ahi + n, low)
        if top > low:
            mid = bisect_left(firsts, alo, low, top)
            # the nearest after, the nearest before; full: the farthest left, right
            for k, stop, step in ((mid, top, 1), (mid - 1, low - 1, -1)) if not full else \
                    ((mid, top, 1), (mid - 1, low - 1, -1), (low, top, 1), (top - 1, low - 1, -1)):
                while k != stop:
                    b = rs[k]
                    steps += 1
                    if b[2] >= limit and (b[1] > ahi or b[2] < alo or disjoint(a, b)):
                        append((a, b))
                        break
                    k += step
        meter.tick(steps)
    return out


def _ordered(ls: list[Occ], rs: list[Occ], n: int, meter: Meter, full: bool
             ) -> list[tuple[Occ, Occ]]:
    """Right starting 1..n words after left ends: for each left its nearest
    right (full: and its farthest, and for each right its nearest and
    farthest left)."""
    out: list[tuple[Occ, Occ]] = []
    firsts = [r[1] for r in rs]
    for a in ls:
        lo, hi = bisect_right(firsts, a[2]), bisect_right(firsts, a[2] + n)
        meter.tick()
        if lo < hi:
            out += [(a, rs[lo]), (a, rs[hi - 1])] if full else [(a, rs[lo])]
    if not full:
        return out
    by_end = sorted(ls, key=_BY_END)
    lasts = [o[2] for o in by_end]
    for b in rs:
        lo, hi = bisect_left(lasts, b[1] - n), bisect_left(lasts, b[1])
        meter.tick()
        if lo < hi:
            out += [(by_end[hi - 1], b), (by_end[lo], b)]
    return out


def closest(lefts: list[Occ], rights: list[Occ], ordered: bool, meter: Meter
            ) -> tuple[int, Occ, Occ] | None:
    """The smallest distance between a left and a right in one field (ONEAR:
    right after left), for explanations; None when no pair can be measured."""
    best: tuple[int, Occ, Occ] | None = None
    for field in sorted({o[0] for o in lefts} & {o[0] for o in rights}):
        ls = sorted((o for o in lefts if o[0] == field), key=_BY_SPAN)
        rs = sorted((o for o in rights if o[0] == field), key=_BY_SPAN)
        firsts = [r[1] for r in rs]
        for a in ls:
            k = bisect_right(firsts, a[2]) if ordered else bisect_left(firsts, a[1])
            meter.tick()
            for j in (range(k, min(k + 3, len(rs))) if ordered else
                      range(max(k - 3, 0), min(k + 3, len(rs)))):
                b = rs[j]
                if not disjoint(a, b) or ordered and b[1] <= a[2]:
                    continue
                d = distance(a, b)
                if best is None or d < best[0]:
                    best = (d, a, b)
    return best
