"""docs/alerts.md cannot rot: every payload key, template and channel is documented."""

from __future__ import annotations

from pathlib import Path

import monitor.alerts
from monitor.alerts.channels import TYPES
from monitor.alerts.payload import payload
from monitor.alerts.render import TEMPLATES
from tests.alerts.conftest import T0, make_delivery

DOC = (Path(__file__).resolve().parents[2] / "docs" / "alerts.md").read_text()


def test_payload_keys_templates_and_channels_are_documented() -> None:
    body = payload(make_delivery(1), T0)
    for key in list(body) + list(body["hits"][0]) + list(body["rule"]):
        assert f'"{key}"' in DOC, key
    for path in TEMPLATES.glob("*.j2"):
        assert path.name in DOC, path.name
    for kind in TYPES:
        assert f"**{kind}**" in DOC, kind
    for header in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        assert header in DOC


def test_public_names() -> None:
    assert set(monitor.alerts.__all__) >= {"build_channels", "plan_deliveries", "Dispatcher",
                                           "digest_jobs", "run_digest"}
    for name in monitor.alerts.__all__:
        assert hasattr(monitor.alerts, name)
