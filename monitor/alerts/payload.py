"""The webhook JSON body (documented in docs/alerts.md; keep it stable).

    {"id": "<delivery key>", "type": "alert"|"digest"|"summary"|"follow-up"|"health",
     "rule": {"id": ..., "name": ...},
     "hits": [<monitor.views.hit_json: the same object as `hits --json` and /api/hits>],
     "article": <hits[0]>            # only for a single alert / follow-up
     "created_at": "2026-01-01T08:00:00Z"}   # when it was queued: fixed

The body is byte-identical on every attempt (same `webhook-id`, same bytes);
the time of the attempt is in the `webhook-timestamp` header only.

A feed-health alert (kind "health") has no rule and no hits:

    {"id", "type": "health", "event": "failing"|"silent"|"recovered", "message",
     "feed": {"id", "name", "url", "status", "error_count", "last_error",
              "last_error_kind", "last_success_at", "next_poll_at"},
     "at": <when it was decided>, "created_at"}

A spike alert (kind "spike", monitor.alerts.spike) has a rule and no hits:

    {"id", "type": "spike", "event": "spike", "message", "rule": {"id", "name"},
     "hits": <in the last hour>, "average": <hourly, over the baseline>, "factor",
     "baseline_hours", "at", "created_at"}
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from monitor.types import Delivery, DeliveryKind
from monitor.units import iso
from monitor.views import hit_json

SINGLE_KINDS = ("alert", "follow-up")


def payload(delivery: Delivery, now: datetime) -> dict[str, Any]:
    """The body; `now` stands in for `created_at` only for a delivery that was
    never queued (test-channel's sample)."""
    created_at = iso(delivery.created_at or now)
    if delivery.kind == DeliveryKind.HEALTH:
        return {"id": delivery.key, "type": "health", **(delivery.payload or {}), "created_at": created_at}
    if delivery.kind == DeliveryKind.SPIKE:
        return {"id": delivery.key, "type": "spike", **(delivery.payload or {}), "created_at": created_at}
    hits = [hit_json(h) for h in delivery.hits]
    first = delivery.hits[0] if delivery.hits else None
    body: dict[str, Any] = {
        "id": delivery.key,
        "type": delivery.kind,
        "rule": {"id": first.rule if first else "", "name": first.rule_name if first else ""},
        "hits": hits,
    }
    if delivery.kind in SINGLE_KINDS and len(hits) == 1:
        body["article"] = hits[0]
    body["created_at"] = created_at
    return body


def encode(body: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON: the exact bytes that are signed and sent."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
