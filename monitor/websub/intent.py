"""The hub's verification of intent (WebSub §5.3) and the subscription's
timetable, as pure decisions.

A hub confirms a (un)subscription by a GET on our callback with hub.mode,
hub.topic, hub.challenge and (subscribe) hub.lease_seconds; we echo the
challenge only when the mode is what we asked for and the topic is the one
we subscribed to, else 404.  `hub.mode=denied` is the hub refusing us: 200,
and we try again later.

>>> from datetime import datetime, timezone
>>> now = datetime(2026, 1, 1, tzinfo=timezone.utc)
>>> want = Wanted(mode="subscribe", topic="https://f/x", lease=timedelta(days=10))
>>> v = verify_intent(want, {"hub.mode": "subscribe", "hub.topic": "https://f/x", "hub.challenge": "c1",
...                          "hub.lease_seconds": "864000"}, now)
>>> v.status, v.body, v.state, str(v.expires_at - now), str(v.next_action_at - now)
(200, 'c1', 'subscribed', '10 days, 0:00:00', '9 days, 0:00:00')
>>> verify_intent(want, {"hub.mode": "unsubscribe", "hub.topic": "https://f/x", "hub.challenge": "c"}, now).status
404
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_LEASE = timedelta(days=365)  # a hub's lease longer than this is taken as this (we renew before it)
MIN_LEASE = timedelta(seconds=1)
DENIED_RETRY = timedelta(days=1)  # a hub that denied us is asked again after this
VERIFY_WAIT = timedelta(minutes=10)  # a request the hub never verified is sent again after this
MAX_CHALLENGE = 1000


@dataclass(frozen=True)
class Wanted:
    """What we asked the hub for: `mode` subscribe | unsubscribe."""

    mode: str
    topic: str
    lease: timedelta  # the lease we asked for (used when the hub names none)


@dataclass(frozen=True)
class Verdict:
    status: int  # the HTTP answer
    body: str = ""
    state: str | None = None  # the subscription's new state, None: unchanged
    expires_at: datetime | None = None
    lease: timedelta | None = None
    next_action_at: datetime | None = None  # when the subscriber acts next (renewal, retry); None: never
    note: str | None = None  # what the hub said (denied: its reason)


def renew_at(verified_at: datetime, lease: timedelta) -> datetime:
    """Renew a tenth of the lease before it ends (at least a minute, at most
    half the lease before), so one failed renewal still has time to be retried.

    >>> from datetime import timezone
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> [str(renew_at(t, timedelta(seconds=s)) - t) for s in (10, 600, 864000)]
    ['0:00:05', '0:09:00', '9 days, 0:00:00']
    """
    margin = min(max(lease / 10, timedelta(minutes=1)), lease / 2)
    return verified_at + lease - margin


def _lease(given: str | None, asked: timedelta) -> timedelta:
    try:
        seconds = int(str(given).strip()[:20])
    except (TypeError, ValueError):
        return asked
    bounded = min(max(seconds, int(MIN_LEASE.total_seconds())), int(MAX_LEASE.total_seconds()))
    return timedelta(seconds=bounded)


def verify_intent(wanted: Wanted | None, query: Mapping[str, str], now: datetime) -> Verdict:
    """The answer to a verification GET, and what it changes."""
    mode = query.get("hub.mode", "")
    if wanted is None:
        return Verdict(404, "no such subscription")
    if mode == "denied":
        if query.get("hub.topic", wanted.topic) != wanted.topic:
            return Verdict(404, "not our topic")
        reason = (query.get("hub.reason") or "no reason given")[:300]
        return Verdict(200, "", state="denied", next_action_at=now + DENIED_RETRY,
                       note=f"the hub denied the subscription: {reason}")
    if mode != wanted.mode:
        return Verdict(404, f"we did not ask to {mode or 'do that'}")
    if query.get("hub.topic") != wanted.topic:
        return Verdict(404, "not our topic")
    challenge = query.get("hub.challenge", "")
    if not challenge or len(challenge) > MAX_CHALLENGE:
        return Verdict(400, "hub.challenge is missing or too long")
    if mode == "unsubscribe":
        return Verdict(200, challenge, state="unsubscribed")
    lease = _lease(query.get("hub.lease_seconds"), wanted.lease)
    return Verdict(200, challenge, state="subscribed", expires_at=now + lease, lease=lease,
                   next_action_at=renew_at(now, lease))
