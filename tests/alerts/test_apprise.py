"""Apprise: any Apprise URL (here json:// to a local receiver); a clear error without the extra."""

from __future__ import annotations

import sys

import pytest

from monitor.alerts.channels import channel_spec
from tests.runtime_helpers import channels
from monitor.clock import FrozenClock
from monitor.errors import ChannelError
from tests.alerts.conftest import make_delivery


async def test_apprise_json_url_gets_title_and_markdown_body(clock: FrozenClock, receiver) -> None:
    rx = receiver(200)
    url = rx.url.replace("http://", "json://")
    channel = channels({"a": channel_spec("a", "apprise", {"urls": (url,)})}, clock)["a"]
    result = await channel.send(make_delivery(1, "a"))
    assert result.ok, result.detail
    body = rx.requests[0].json()
    assert body["title"] == "Chinese envoy to North Korea: China sends special envoy to Pyongyang #1"
    assert "[China sends special envoy to Pyongyang #1](https://news.example/1)" in body["message"]
    assert "**North Korea**" in body["message"]


async def test_apprise_failure_is_retryable(clock: FrozenClock, receiver) -> None:
    rx = receiver(500)
    channel = channels({"a": channel_spec("a", "apprise", {"urls": [rx.url.replace("http://", "json://")]})},
                             clock=clock)["a"]
    result = await channel.send(make_delivery(1, "a"))
    assert not result.ok and not result.permanent


def test_unknown_scheme_and_missing_extra(clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ChannelError, match="'a'.*URL scheme 'nosuch'"):
        channels({"a": channel_spec("a", "apprise", {"urls": ["nosuch://x"]})}, clock)
    monkeypatch.setitem(sys.modules, "apprise", None)
    with pytest.raises(ChannelError, match=r"pip install 'news-monitor\[apprise\]'"):
        channels({"a": channel_spec("a", "apprise", {"urls": ["json://x"]})}, clock)
