"""The pure parts of WebSub: discovery, signatures, verification of intent, renewal."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from monitor.fetch.http import Fetcher, FetchSettings
from monitor.parse.feed import parse_feed
from monitor.websub.discover import discover, link_header_rels
from monitor.websub.intent import Wanted, renew_at, verify_intent
from monitor.websub.signature import check_signature

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)
TOPIC = "https://news.example/feed.xml"


def test_link_header_gives_hub_and_self_in_any_order_and_form() -> None:
    assert link_header_rels(['<https://ex.com/f>; rel=self', '<https://hub.ex/>; rel="hub"']) == \
        {"self": "https://ex.com/f", "hub": "https://hub.ex/"}
    assert link_header_rels(['</hub>; rel="hub self"'], base="https://ex.com/feed") == \
        {"hub": "https://ex.com/hub", "self": "https://ex.com/hub"}
    assert link_header_rels(["garbage", "<x>"]) == {}


def test_the_header_wins_over_the_document_and_only_http_urls_count() -> None:
    found = discover(header_hub="https://h1/", header_self="https://t1/", doc_hub="https://h2/",
                     doc_self="https://t2/", url="https://f/")
    assert (found.hub, found.topic) == ("https://h1/", "https://t1/")
    found = discover(header_hub=None, header_self=None, doc_hub="javascript:alert(1)", doc_self=None, url="https://f/")
    assert found.hub is None
    found = discover(header_hub=None, header_self=None, doc_hub="https://h2/", doc_self="https://t2/", url="https://f/")
    assert (found.hub, found.topic) == ("https://h2/", "https://t2/")


@pytest.mark.parametrize("doc", [
    b'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>'
    b'<atom:link rel="hub" href="https://hub.ex/"/><atom:link rel="self" href="https://news.example/feed.xml"/>'
    b'<item><title>a</title><guid>1</guid></item></channel></rss>',
    b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>u</id>'
    b'<link rel="hub" href="https://hub.ex/"/><link rel="self" href="https://news.example/feed.xml"/>'
    b'<entry><title>a</title><id>1</id></entry></feed>',
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "feed_url": "https://news.example/feed.xml",'
    b' "hubs": [{"type": "WebSub", "url": "https://hub.ex/"}], "items": [{"id": "1", "title": "a"}]}',
])
def test_rss_atom_and_json_feed_declare_their_hub(doc: bytes) -> None:
    parsed = parse_feed(doc, url="https://news.example/other")
    assert (parsed.hub, parsed.self_url) == ("https://hub.ex/", TOPIC)


async def test_the_fetcher_reads_the_link_header() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(b"<rss/>"), headers={
            "link": f'<https://hub.ex/>; rel="hub", <{TOPIC}>; rel="self"', "content-type": "application/rss+xml"})

    fetcher = Fetcher(FetchSettings(), transport=httpx.MockTransport(answer))
    try:
        got = await fetcher.fetch_feed("http://127.0.0.1:1/feed", etag=None, last_modified=None)
    finally:
        await fetcher.aclose()
    assert (got.hub, got.self_url) == ("https://hub.ex/", TOPIC)


async def test_a_hub_on_a_private_address_is_refused_unless_on_the_feeds_own_origin() -> None:
    posted: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        posted.append(request)
        return httpx.Response(202, stream=httpx.ByteStream(b""))

    fetcher = Fetcher(FetchSettings(), transport=httpx.MockTransport(answer))
    try:
        refused = await fetcher.post_form("http://10.1.2.3/hub", [("hub.mode", "subscribe")],
                                          trusted_like="https://news.example/feed.xml")
        trusted = await fetcher.post_form("http://10.1.2.3/hub", [("hub.mode", "subscribe")],
                                          trusted_like="http://10.1.2.3/feed.xml")
    finally:
        await fetcher.aclose()
    assert refused.error_kind == "blocked" and "WebSub hub" in (refused.error or ""), refused
    assert trusted.error is None and trusted.status == 202
    assert len(posted) == 1 and posted[0].content == b"hub.mode=subscribe"
    assert posted[0].headers["content-type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
def test_every_signature_method_is_checked(method: str) -> None:
    body, secret = b"<feed/>", b"k" * 32
    good = f"{method}={hmac.new(secret, body, getattr(hashlib, method)).hexdigest()}"
    assert check_signature(good, secret, body) == "ok"
    assert check_signature(good.upper().replace(method.upper(), method), secret, body) == "ok"
    assert check_signature(good, b"other", body) == "mismatch"
    assert check_signature(good, secret, body + b" ") == "mismatch"
    assert check_signature(f"{method}=", secret, body) == "malformed"
    assert check_signature("md5=" + "0" * 32, secret, body) == "unsupported"
    assert check_signature("", secret, body) == "missing"


WANT = Wanted(mode="subscribe", topic=TOPIC, lease=timedelta(days=10))


def q(**kw: str) -> dict[str, str]:
    return {f"hub.{k}": v for k, v in kw.items()}


def test_verification_echoes_the_challenge_only_for_what_we_asked() -> None:
    ok = verify_intent(WANT, q(mode="subscribe", topic=TOPIC, challenge="abc", lease_seconds="3600"), NOW)
    assert (ok.status, ok.body, ok.state, ok.expires_at) == (200, "abc", "subscribed", NOW + timedelta(hours=1))
    assert ok.next_action_at == renew_at(NOW, timedelta(hours=1)) < ok.expires_at
    assert verify_intent(WANT, q(mode="subscribe", topic=TOPIC + "x", challenge="abc"), NOW).status == 404
    assert verify_intent(WANT, q(mode="unsubscribe", topic=TOPIC, challenge="abc"), NOW).status == 404
    assert verify_intent(None, q(mode="subscribe", topic=TOPIC, challenge="abc"), NOW).status == 404
    assert verify_intent(WANT, q(mode="subscribe", topic=TOPIC), NOW).status == 400
    # no lease named: the one we asked for; a silly one is bounded
    assert verify_intent(WANT, q(mode="subscribe", topic=TOPIC, challenge="c"), NOW).lease == timedelta(days=10)
    assert verify_intent(WANT, q(mode="subscribe", topic=TOPIC, challenge="c", lease_seconds="9" * 30),
                         NOW).lease == timedelta(days=365)


def test_unsubscribe_and_denial() -> None:
    bye = Wanted(mode="unsubscribe", topic=TOPIC, lease=timedelta(days=10))
    assert verify_intent(bye, q(mode="unsubscribe", topic=TOPIC, challenge="z"), NOW).state == "unsubscribed"
    assert verify_intent(bye, q(mode="subscribe", topic=TOPIC, challenge="z"), NOW).status == 404
    denied = verify_intent(WANT, q(mode="denied", topic=TOPIC, reason="not allowed"), NOW)
    assert (denied.status, denied.state) == (200, "denied") and "not allowed" in (denied.note or "")
    assert denied.next_action_at is not None and denied.next_action_at > NOW


def test_renewal_comes_before_the_lease_ends_whatever_its_length() -> None:
    for seconds in (2, 10, 300, 86400, 864000, 365 * 86400):
        lease = timedelta(seconds=seconds)
        assert NOW + lease / 2 <= renew_at(NOW, lease) < NOW + lease
