"""Spike alerts (a rule's `spike: {factor: 3, baseline: 7d}`), decided purely.

A rule spikes when its hits in the last hour are at least `min_hits` and more
than `factor` times its average hourly hits over the `baseline` window before
that hour:

    >>> from datetime import timedelta
    >>> opt = SpikeSpec(factor=3.0, baseline=timedelta(days=7), min_hits=5)
    >>> decide(14, 756, opt).message("china")   # 756 hits in 168 h: 4.5 an hour
    'rule china: 14 hits in the last hour, 3.1x its 7-day hourly average of 4.5'
    >>> decide(13, 756, opt) is None            # 13 is not more than 3 x 4.5
    True
    >>> decide(1, 0, opt) is None               # one hit against none is not a spike
    True

`min_hits` (default 5) keeps a quiet rule's single hit from being a spike.
A spike alerts once: the store keeps whether the rule is in a spike and
alerts only on the move from "no spike" to "spike" (monitor.store.spikes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from monitor.types import SpikeSpec

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Spike:
    hits: int  # in the last hour
    average: float  # hourly average over the baseline window
    factor: float
    baseline: timedelta

    @property
    def ratio(self) -> float | None:
        return self.hits / self.average if self.average else None

    def message(self, rule: str) -> str:
        days = self.baseline / timedelta(days=1)
        span = f"{days:g}-day" if days >= 1 else f"{self.baseline / HOUR:g}-hour"
        ratio = f"{self.ratio:.1f}x its" if self.ratio is not None else "against no hits in its"
        return (f"rule {rule}: {self.hits} hits in the last hour, {ratio} {span} hourly average "
                f"of {self.average:.1f}")


def decide(last_hour: int, baseline_hits: int, spec: SpikeSpec) -> Spike | None:
    """The spike, or None.  `baseline_hits` is the count over `spec.baseline`
    ending where the last hour begins."""
    average = baseline_hits / (spec.baseline / HOUR)
    if last_hour < spec.min_hits or last_hour <= spec.factor * average:
        return None
    return Spike(hits=last_hour, average=average, factor=spec.factor, baseline=spec.baseline)
