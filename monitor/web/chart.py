"""Inline SVG bar charts drawn on the server (no script, no library): one
bar per day, heights proportional to the day's count, each bar titled with
its day and count so a pointer (or a screen reader) tells the numbers.

    >>> from datetime import date
    >>> svg = bar_chart((0, 2, 4), date(2026, 3, 1), height=40)
    >>> svg.count('<rect class="bar"')
    3
    >>> 'data-count="4" height="40"' in svg and 'data-count="2" height="20"' in svg
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from markupsafe import Markup, escape


def bar_chart(counts: Sequence[int], first_day: date, *, height: int = 28, bar: int = 5, gap: int = 1,
              label: str = "hits per day", marks: Sequence[int] = ()) -> Markup:
    """`counts` oldest day first; `marks`: indexes of days drawn as alerts
    (e.g. spikes)."""
    top = max(counts, default=0) or 1
    width = len(counts) * (bar + gap)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, n in enumerate(counts):
        h = round(n * height / top)
        day = first_day + timedelta(days=i)
        cls = "bar spike" if i in marks else "bar"
        parts.append(f'<rect class="{cls}" x="{i * (bar + gap)}" y="{height - h}" width="{bar}" '
                     f'data-day="{day.isoformat()}" data-count="{n}" height="{h}">'
                     f'<title>{day.isoformat()}: {n}</title></rect>')
    parts.append("</svg>")
    return Markup("".join(parts))
