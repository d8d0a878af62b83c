"""The analyst's desk through HTTP (ASGI) and the database: hits filtered and
paged, a story page, the rules table with its per-day chart and precision,
triage (not relevant, notes, muted stories without follow-ups), deliveries
with replay, feed health, the login form and the amber config banner."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from monitor.store.hits import HitFilter
from monitor.types import PlannedDelivery
from tests.store.builders import item, plan_to, record
from monitor.config import load_config
from monitor.runtime.builder import open_runtime
from tests.web.conftest import client, reload_with, write_config

RULE = "china-envoy-nk"


def _feed_id(runtime, name: str = "Wire RSS") -> int:
    return next(f.id for f in runtime.store.list_feeds() if f.name == name)


def _seed_days(runtime, days: dict[int, int]) -> None:
    """`days[n]` hits of the envoy rule, each its own story, n days ago."""
    now = datetime.now(timezone.utc)
    feed = _feed_id(runtime)
    for back, count in days.items():
        items = [item(feed, f"seed-{back}-{i}", RULE) for i in range(count)]
        record(runtime.store, items, plan_to(), now - timedelta(days=back))


async def test_hits_page_filters_pages_and_shows_outlets_terms_and_story(polled):
    async with client(polled.api) as http:
        page = (await http.get("/hits")).text
        assert page.count('class="hit') == 1 and "China sends envoy to North Korea" in page
        assert "<mark>" in page and "terms:" in page and re.search(r'href="/stories/\d+"', page)
        assert 'id="filters"' in page and '<option value="china-envoy-nk"' in page
        assert "No hits match" in (await http.get("/hits", params={"feed": "Broken feed"})).text
        assert "No hits match" in (await http.get("/hits", params={"until": "2000-01-01"})).text
        assert "No hits match" not in (await http.get("/hits", params={"since": "1h", "rule": RULE})).text
        bad = (await http.get("/hits", params={"since": "last tuesday"})).text
        assert 'id="hits-error"' in bad and "since" in bad
    _seed_days(polled, {0: 60})
    async with client(polled.api) as http:
        first = (await http.get("/hits")).text
        assert first.count('class="hit') == 50 and 'id="next-page"' in first
        older = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
        second = (await http.get(older)).text
        assert second.count('class="hit') == 11 and 'rel="prev"' in second and 'rel="next"' not in second
        fragment = (await http.get("/hits", params={"fragment": "1", "rule": RULE})).text
        assert "<nav" not in fragment and fragment.count('class="hit') == 50
        # a triage button in a refreshed list comes back to the page, not to the fragment
        assert f'name="back" value="/hits?rule={RULE}"' in fragment


async def test_outlets_count_links_the_story_page(tmp_path, server):
    """The same article through a second feed: "+1 outlet" on the hit, both outlets on its story page."""
    feeds = [{"url": server.url("/rss.xml"), "name": "Wire RSS", "tags": ["wire"]},
             {"url": server.url("/atom.xml"), "name": "Desk Atom"}]
    async with open_runtime(load_config(write_config(tmp_path, server, feeds=feeds)), mode="once") as runtime:
        await runtime.once()
        hit = runtime.store.list_hits()[0]
        async with client(runtime.api) as http:
            page = (await http.get("/hits")).text
            assert "+1 outlet<" in page
            assert (await http.get("/api/hits", params={"tag": "wire"})).json()["items"][0]["id"] == hit.id
            story = (await http.get(f"/stories/{hit.story_id}")).text
            outlets = re.findall(r'<td class="outlet">([^<]+)</td>', story)
            assert sorted(outlets) == ["Desk Atom", "Wire RSS"]
            assert RULE in story and 'id="follow-ups"' in story
            api = (await http.get(f"/api/stories/{hit.story_id}")).json()
            assert sorted(a["outlet"] for a in api["articles"]) == ["Desk Atom", "Wire RSS"]
            assert api["articles"][0]["words"] > 10 and api["hits"][0]["rule"] == RULE and api["muted"] is False
            assert (await http.get("/api/stories/99999")).status_code == 404
            assert (await http.get("/stories/99999")).status_code == 404


async def test_rules_table_counts_chart_heights_and_precision(polled):
    _seed_days(polled, {2: 2, 5: 4, 40: 3})  # plus today's hit from the poll; day 40 is outside the window
    async with client(polled.api) as http:
        page = (await http.get("/rules")).text
        row = re.search(r'<tr data-rule="china-envoy-nk">(.*?)</tr>', page, re.S).group(1)
        assert re.search(r'class="n today">1<', row) and re.search(r'class="n week">7<', row)
        assert re.search(r'class="n month">7<', row) and "100%" in row
        bars = re.findall(r'data-day="([\d-]+)" data-count="(\d+)" height="(\d+)"', row)
        assert len(bars) == 30
        heights = {int(n): int(h) for _, n, h in bars}
        assert heights[4] == 28 and heights[2] == 14 and heights[1] == 7 and heights[0] == 0
        today = datetime.now(timezone.utc).date()
        assert bars[-1] == (today.isoformat(), "1", "7")
        assert bars[-3][1] == "2" and bars[-6][1] == "4"
        api = (await http.get("/api/rules")).json()["items"][0]
        assert (api["hits_today"], api["hits_7d"], api["hits_30d"], api["precision"]) == (1, 7, 7, 1.0)
        assert api["per_day"][-6:] == [4, 0, 0, 2, 0, 1] and api["last_hit_at"].endswith("Z")

        hit = (await http.get("/api/hits", params={"limit": 1})).json()["items"][0]
        marked = await http.post(f"/api/hits/{hit['id']}/triage", json={"relevant": False, "note": "wire rehash"})
        assert marked.status_code == 200 and marked.json()["relevant"] is False
        assert marked.json()["note"] == "wire rehash"
        assert (await http.get("/api/rules")).json()["items"][0]["precision"] == 6 / 7
        assert "86%" in (await http.get("/rules")).text
        noise = (await http.get("/api/hits", params={"relevant": "no"})).json()["items"]
        assert [h["id"] for h in noise] == [hit["id"]]
        # the page's own button: undo, through a form post that comes back to the list
        undo = await http.post(f"/hits/{hit['id']}/triage", data={"relevant": "clear", "back": "/hits?rule=" + RULE})
        assert undo.status_code == 303 and undo.headers["location"].startswith("/hits?rule=" + RULE)
        assert (await http.get("/api/rules")).json()["items"][0]["precision"] == 1.0
        assert (await http.post("/api/hits/99999/triage", json={"relevant": False})).status_code == 404
        assert (await http.post(f"/api/hits/{hit['id']}/triage", json={})).status_code == 400
        assert (await http.get("/api/hits", params={"relevant": "maybe"})).status_code == 422


async def test_note_from_the_page_and_redirects_stay_on_site(polled):
    hit = polled.store.list_hits()[0]
    async with client(polled.api) as http:
        saved = await http.post(f"/hits/{hit.id}/triage", data={"note": "call the desk", "save": "note",
                                                                  "back": "https://evil.example/"})
        assert saved.status_code == 303 and saved.headers["location"].startswith("/hits#hit-")
        assert "note: call the desk" in (await http.get("/hits")).text
        assert (await http.get(f"/api/hits/{hit.id}")).json()["note"] == "call the desk"
        cross = await http.post(f"/hits/{hit.id}/triage", data={"relevant": "no"},
                                headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403
    assert polled.store.get_hit(hit.id).relevant is None


async def test_a_muted_story_gets_no_follow_up(polled):
    store, now = polled.store, datetime.now(timezone.utc)
    hit = store.list_hits()[0]
    plans = {RULE: [PlannedDelivery(channel="console", due_at=now)]}
    async with client(polled.api) as http:
        assert (await http.post(f"/api/stories/{hit.story_id}/mute", json={"muted": True})).json()["muted"] is True
        assert (await http.get(f"/api/hits/{hit.id}")).json()["story_muted"] is True
    assert store.queue_follow_ups({RULE: 1}, plans, since=now - timedelta(days=1), now=now) == 0
    async with client(polled.api) as http:
        unmuted = await http.post(f"/stories/{hit.story_id}/mute", data={"muted": "0"})
        assert unmuted.status_code == 303
        assert "mute this story" in (await http.get(f"/stories/{hit.story_id}")).text
    assert store.queue_follow_ups({RULE: 1}, plans, since=now - timedelta(days=1), now=now) == 1
    async with client(polled.api) as http:
        story = (await http.get(f"/api/stories/{hit.story_id}")).json()
        assert [d["kind"] for d in story["follow_ups"]] == ["follow-up"]


async def test_hits_api_filters_by_tag_story_and_until(polled, tmp_path):
    hit = polled.store.list_hits()[0]
    async with client(polled.api) as http:
        assert (await http.get("/api/hits", params={"story": hit.story_id})).json()["items"][0]["id"] == hit.id
        assert (await http.get("/api/hits", params={"story": hit.story_id + 100})).json()["items"] == []
        assert (await http.get("/api/hits", params={"until": "2000-01-01"})).json()["items"] == []
        assert len((await http.get("/api/hits", params={"until": "2100-01-01"})).json()["items"]) == 1
        assert (await http.get("/api/hits", params={"tag": "korea"})).json()["items"] == []
        assert (await http.get("/api/hits", params={"until": "soon"})).status_code == 400
    assert polled.store.list_hits(where=HitFilter(tag="nope")) == []


async def test_rule_page_explains_a_miss(polled):
    async with client(polled.api) as http:
        page = (await http.get(f"/rules/{RULE}")).text
        assert "NEAR/20" in page and 'id="tester"' in page and "China sends envoy" in page
        miss = (await http.post(f"/rules/{RULE}/test", data={"title": "", "text": "Japan sent an envoy to Seoul."})).text
        assert "no match" in miss and 'id="why-not"' in miss
        hit = (await http.post(f"/rules/{RULE}/test",
                               data={"text": "Beijing will send a special envoy to Pyongyang next week."})).text
        assert "<mark>envoy</mark>" in hit
        assert (await http.get("/rules/nope")).status_code == 404


async def test_deliveries_page_lists_dead_and_replays(polled):
    store, now = polled.store, datetime.now(timezone.utc)
    feed = _feed_id(polled)
    record(store, [item(feed, "to-hook", RULE)], plan_to("gone-hook"), now)
    pending = [d for d in store.list_deliveries(status="pending") if d.channel == "gone-hook"][0]
    store.mark_retry(pending.id, next_attempt_at=now + timedelta(minutes=5), error="HTTP 503 from the hook")
    async with client(polled.api) as http:
        page = (await http.get("/deliveries")).text
        retrying = re.search(r'<table id="retrying">(.*?)</table>', page, re.S).group(1)
        assert "HTTP 503 from the hook" in retrying and ("in 4m" in retrying or "in 5m" in retrying)
        assert "not configured" in retrying
    store.mark_retry(pending.id, next_attempt_at=now - timedelta(minutes=4, seconds=10), error="HTTP 503 again")
    async with client(polled.api) as http:  # no dispatcher took it when it was due: it says so
        retrying = re.search(r'<table id="retrying">(.*?)</table>', (await http.get("/deliveries")).text, re.S).group(1)
        assert "due (since 4m)" in retrying and " ago" not in retrying
    store.mark_dead(pending.id, error="gave up", now=now)
    async with client(polled.api) as http:
        dead = (await http.get("/deliveries")).text
        assert f'action="/deliveries/{pending.id}/replay"' in dead and "gave up" in dead
        replay = await http.post(f"/deliveries/{pending.id}/replay")
        assert replay.status_code == 303 and replay.headers["location"] == "/deliveries?replayed=1"
        assert 'id="replayed"' in (await http.get(replay.headers["location"])).text
    assert store.get_delivery(pending.id).status == "pending"


async def test_feeds_page_shows_interval_and_errors(polled):
    async with client(polled.api) as http:
        page = (await http.get("/feeds")).text
    broken = re.search(r'<tr data-feed="Broken feed">(.*?)</tr>', page, re.S).group(1)
    assert "failing" in broken and "404" in broken
    assert re.search(r'<tr data-feed="Wire RSS">.*?class="interval">\d+m', page, re.S)


async def test_login_page_sets_the_cookie(polled):
    await reload_with(polled, http={"listen": "127.0.0.1:0", "token": "t0ken-123"})
    browser = {"Accept": "text/html,application/xhtml+xml"}
    async with client(polled.api) as http:
        sent = await http.get("/rules", headers=browser)
        assert sent.status_code == 303 and sent.headers["location"] == "/login?next=%2Frules"
        assert (await http.get("/api/hits", headers=browser)).status_code == 401  # the API stays JSON
        form = (await http.get("/login?next=/rules")).text
        assert 'type="password"' in form and 'value="/rules"' in form and "NEAR" not in form
        wrong = await http.post("/login", data={"token": "nope", "next": "/rules"})
        assert wrong.status_code == 401 and "not this daemon" in wrong.text and "set-cookie" not in wrong.headers
        ok = await http.post("/login", data={"token": "t0ken-123", "next": "//evil.example/"})
        assert ok.status_code == 303 and ok.headers["location"] == "/"
        assert "httponly" in ok.headers["set-cookie"].lower()
        assert (await http.get("/rules", headers=browser)).status_code == 200


async def test_a_refused_edit_is_an_amber_banner_not_an_outage(polled):
    await reload_with(polled, poll={"intervall": "5m"})
    async with client(polled.api) as http:
        for path in ("/", "/hits", "/rules"):
            page = (await http.get(path)).text
            assert 'id="config-banner"' in page and "Running on the last good config" in page, path
            assert "intervall" in page
        status = (await http.get("/")).text
    assert re.search(r'class="badge warn" id="ready">running on the last good config<', status)
