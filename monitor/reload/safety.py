"""What a reload may not do: pure checks of an edit against the running config.

    refused  the whole edit is refused (the running config stays, the reason is
             shown on /readyz and the status page): an edit that would open the
             API or let article links reach further inside than at start, and
             one that drops every feed and rule (a truncated save).
    kept     the running value of a setting stays, the rest of the edit applies:
             settings that cannot change in a running process (`database`).

Loosening a security setting needs a restart, so the person who can restart
the daemon decides it, not whoever can write the watched file; tightening one
applies at once.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from monitor.config.model import Config
from monitor.web.listen import is_loopback, split_listen


@dataclass(frozen=True)
class Verdict:
    refused: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    config: Config | None = None  # the edit with the kept settings put back (None when refused)


def check(old: Config, new: Config) -> Verdict:
    """The verdict on replacing `old` (running) by `new` (validated)."""
    where = str(new.path)
    refused = [f"{where}: {reason}" for reason in (*_api(old, new), *_private(old, new), *_emptied(old, new))]
    if refused:
        return Verdict(refused=tuple(refused))
    kept: list[str] = []
    if new.database != old.database:
        kept.append(f"{where}: database: changed from {_shown(old.database)} to {_shown(new.database)}; a running "
                    "daemon keeps its database: restart it to switch")
        new = replace(new, database=old.database)
    return Verdict(kept=tuple(kept), config=new)


def _api(old: Config, new: Config) -> list[str]:
    """Off loopback the API answers only with the token (without one, only
    /healthz and /readyz): an edit that drops the token there is refused."""
    host = split_listen(new.http.listen)[0]
    if is_loopback(host) or new.http.token or not old.http.token:
        return []
    return [f"http.token: the edit removes the API token while the daemon listens on {new.http.listen}, "
            "which is not a loopback address; refused on reload (keep http.token, listen on 127.0.0.1, "
            "or restart the daemon to apply it)"]


def _private(old: Config, new: Config) -> list[str]:
    before = [ipaddress.ip_network(n) for n in old.fetch.allow_private]
    wider = [n for n in new.fetch.allow_private
             if not any(_within(ipaddress.ip_network(n), b) for b in before)]
    if not wider:
        return []
    return [f"fetch.allow_private: {', '.join(wider)} would let article links reach more private addresses "
            "than the running daemon allows; widening it needs a restart (narrowing applies at once)"]


def _within(net: ipaddress.IPv4Network | ipaddress.IPv6Network,
            other: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    return net.version == other.version and net.subnet_of(other)  # type: ignore[arg-type]


def _emptied(old: Config, new: Config) -> list[str]:
    if (old.feeds or old.rules) and not new.feeds and not new.rules:
        return [f"the edit has no feeds and no rules (the running config has {len(old.feeds)} feeds and "
                f"{len(old.rules)} rules): refused as a truncated or unfinished save; to stop monitoring, "
                "stop the daemon"]
    return []


def _shown(url: str) -> str:
    return repr(url)  # a Secret database URL prints with its password hidden
