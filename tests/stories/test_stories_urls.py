"""Exact duplicates: the URL variants issue 6 names must share one canonical
URL (monitor.parse.urls.canonical_url, owned by the fetch engineer)."""

from __future__ import annotations

import pytest

from monitor.parse.urls import canonical_url

BASE = "https://wire.example/world/asia/nk-envoy"


@pytest.mark.parametrize("variant", [
    "https://wire.example/world/asia/nk-envoy/",
    "http://wire.example/world/asia/nk-envoy",
    "https://www.wire.example/world/asia/nk-envoy",
    "https://WWW.Wire.Example/world/asia/nk-envoy",
    "https://wire.example/world/asia/nk-envoy?utm_source=rss&utm_medium=feed&utm_campaign=asia",
    "https://wire.example/world/asia/nk-envoy?fbclid=IwAR0abc&gclid=xyz",
    "https://wire.example/world/asia/nk-envoy#comments",
    "https://wire.example/world/asia/nk-envoy/amp",
    "https://wire.example/world/asia/nk-envoy?amp",
    "https://wire.example/world/asia/nk-envoy?outputType=amp",
    "https://amp.wire.example/world/asia/nk-envoy",
    "https://m.wire.example/world/asia/nk-envoy",
    "https://www.wire.example/world/asia/nk-envoy/amp/?utm_source=twitter",
])
def test_url_variants_of_one_article_share_a_canonical_url(variant: str) -> None:
    assert canonical_url(variant) == canonical_url(BASE)


def test_different_articles_keep_different_canonical_urls() -> None:
    assert canonical_url(BASE) != canonical_url("https://wire.example/world/asia/nk-envoy-2")
    assert canonical_url("https://wire.example/story?id=1") != canonical_url("https://wire.example/story?id=2")
