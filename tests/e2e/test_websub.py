"""WebSub end to end: `news-monitor run` as a real process, a local hub
(real HTTP both ways on 127.0.0.1): the daemon finds the hub in the feed,
subscribes with its callback under http.public_url, answers the hub's
verification, and content the hub pushes alerts within seconds although the
feed's poll interval is an hour; a push with a bad signature is answered 2xx
and dropped; the lease is renewed; removing the feed unsubscribes."""

from __future__ import annotations

import signal
import socket
from email.utils import format_datetime
from datetime import datetime, timezone

import httpx
import pytest

from tests.e2e.servers import rss
from tests.e2e.test_once import ALIASES, ENVOY, RULE
from tests.websub.hub import Hub


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def feed(server, hub: Hub, items: list[dict[str, str]]) -> str:
    """An RSS feed declaring `hub` (atom:link rel=hub and rel=self)."""
    body = rss("Pushed wire", items).replace(
        '<rss version="2.0"><channel>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f'<atom:link rel="hub" href="{hub.url}"/><atom:link rel="self" href="{server.url("/push.xml")}"/>')
    server.serve("/push.xml", body)
    return body


OLD = {"title": "Markets open flat", "guid": "old-1",
       "description": "Nothing happened.", "pubDate": "Fri, 17 Nov 2017 09:00:00 +0000"}


def envoy_item() -> dict[str, str]:
    return {"title": "China sends envoy to North Korea", "guid": "envoy-1",
            "description": " ".join(ENVOY), "pubDate": format_datetime(datetime.now(timezone.utc))}


@pytest.fixture
def hub():
    h = Hub(lease=8)  # short: renewed within the test
    yield h
    h.close()


def configure(cli, server, receiver, port: int, feeds: list | None = None, **extra):
    return cli.write_config(
        feeds=feeds if feeds is not None else [{"url": server.url("/push.xml"), "name": "Pushed wire",
                                                "interval": "1h"}],
        aliases=ALIASES, rules=[RULE],
        channels={"console": {"type": "console"},
                  "hook": {"type": "webhook", "url": receiver.url("/hook"), "secret": "s3cret-key"}},
        http={"listen": f"127.0.0.1:{port}", "public_url": f"http://127.0.0.1:{port}"},
        **extra)


def test_a_pushed_item_alerts_within_seconds_and_the_subscription_lives(cli, server, receiver, hub):
    port = free_port()
    topic = server.url("/push.xml")
    feed(server, hub, [OLD])
    configure(cli, server, receiver, port)
    daemon = cli.popen("run")
    try:
        assert hub.wait(lambda h: ("subscribe", topic) in [(m, t) for m, t, _ in h.verified], timeout=90), \
            (hub.requests, hub.failed, daemon.stderr)
        sub = hub.requests[0]
        assert sub["hub.callback"].startswith(f"http://127.0.0.1:{port}/websub/") and sub["hub.secret"]
        assert not receiver.posts()

        # a bad signature: 2xx as WebSub asks, and nothing recorded
        body = feed(server, hub, [envoy_item(), OLD]).encode()
        assert hub.publish(topic, body, secret="not-the-secret") == [202]
        assert hub.publish(topic, body, signed=False) == [202]
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", trust_env=False).text
        assert 'news_monitor_websub_pushes_total{result="bad-signature"} 2.0' in metrics, metrics
        assert not receiver.posts()

        # the same content, signed with the subscription's secret (sha512 this time): alerted at once,
        # although the feed is polled hourly
        assert hub.publish(topic, body, method="sha512") == [202]
        assert receiver.wait_for(lambda reqs: any(r.method == "POST" for r in reqs), timeout=30), daemon.stderr
        assert len(receiver.posts()) == 1

        # pushed again (hubs repeat): the same dedup as polling, no second alert
        assert hub.publish(topic, body) == [202]
        assert daemon.wait_for_log_count("WebSub: push for", 2), daemon.stderr

        # a lease of 8 s is renewed before it ends
        assert hub.wait(lambda h: sum(1 for m, t, _ in h.verified if (m, t) == ("subscribe", topic)) >= 2), \
            (hub.requests, daemon.stderr)

        feeds = cli.json("feeds", "--json")
        assert feeds[0]["push"].startswith(f"pushed by {hub.url}"), feeds

        # the feed removed from the config: unsubscribed at the hub
        configure(cli, server, receiver, port, feeds=[{"url": server.url("/other.xml"), "name": "Other"}])
        server.serve("/other.xml", rss("Other", [OLD]))
        daemon.proc.send_signal(signal.SIGHUP)
        assert hub.wait(lambda h: ("unsubscribe", topic) in [(m, t) for m, t, _ in h.verified]), \
            (hub.requests, hub.failed, daemon.stderr)
        assert hub.publish(topic, body) == []  # the hub forgot us
    finally:
        code = daemon.stop()
    assert code == 0, daemon.stderr
    assert len(receiver.posts()) == 1
    assert len(cli.json("hits", "--json")) == 1


def test_without_public_url_it_refuses_to_subscribe_and_says_so(cli, server, receiver, hub):
    feed(server, hub, [OLD])
    cli.write_config(feeds=[{"url": server.url("/push.xml"), "name": "Pushed wire"}], aliases=ALIASES,
                     rules=[{**RULE, "notify": ["console"]}])
    first = cli("once")
    assert first.stderr.count("http.public_url is not set") == 1, first.stderr
    feeds = cli.json("feeds", "--json")
    assert "http.public_url is not set" in feeds[0]["push"], feeds
    assert not hub.requests
    again = cli("once", "--all")
    assert "http.public_url" not in again.stderr  # said once
