"""Alert delivery: channels, rendering, signing, retries, digests, dispatcher.

    plan_deliveries(rule, channels, now)   pure: which deliveries a new hit gets
    build_channels(specs, Deps(clock, transport, stream))  a Channel per config entry
    Dispatcher(store=, live=, clock=, owner=).tick() / .drain(timeout)
                                           (channels, specs and rules from the live config
                                            snapshot; each tick also sends overdue digests and
                                            marks deliveries of removed channels dead)
    digest_jobs(rules, channels)           (digest key, APScheduler trigger) pairs
    run_digest(store, key, clock=)         fold waiting deliveries into digests

See docs/alerts.md for payloads, headers and templates.
"""

from __future__ import annotations

from monitor.alerts.channels import Channel, build_channels
from monitor.alerts.digest import digest_jobs, run_digest
from monitor.alerts.dispatcher import Dispatcher
from monitor.alerts.plan import plan_deliveries
from monitor.alerts.retry import backoff, decide, parse_retry_after
from monitor.alerts.sample import sample_delivery
from monitor.alerts.schedule import trigger_for
from monitor.alerts.signing import sign, verify, webhook_headers

__all__ = [
    "Channel",
    "Dispatcher",
    "backoff",
    "build_channels",
    "decide",
    "digest_jobs",
    "parse_retry_after",
    "plan_deliveries",
    "run_digest",
    "sample_delivery",
    "sign",
    "trigger_for",
    "verify",
    "webhook_headers",
]
