"""The analyst's desk in a real headless Chromium (Playwright) against the
daemon's real HTTP server: filters change the hits list, "not relevant"
changes the rule's precision, a story page lists its outlets, the chart has
one bar per day, a dead delivery is replayed from its button, and the login
page sets the cookie.  (The docs' screenshots come from scripts/screenshots.py.)"""

from __future__ import annotations

import pytest

try:
    from playwright.async_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the install hint
    expect = None

from tests.browser.conftest import live_app

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the module's tests share one Chromium

TOKEN = "desk-t0ken-123"


async def test_filters_triage_precision_story_and_chart(browser, live):
    page = await browser.new_page(viewport={"width": 1100, "height": 900})
    assert (await page.goto(live.url + "hits")).status == 200
    hits = page.locator("#hits .hit")
    await expect(hits).to_have_count(1)

    async with page.expect_navigation():  # a filter that excludes the hit empties the list
        await page.select_option("#filters select[name=feed]", "Broken feed")
        await page.click("#filters button[type=submit]")
    await expect(hits).to_have_count(0)
    await expect(page.locator("#hits")).to_contain_text("No hits match")
    async with page.expect_navigation():
        await page.select_option("#filters select[name=feed]", "")
        await page.select_option("#filters select[name=rule]", "china-envoy-nk")
        await page.click("#filters button[type=submit]")
    await expect(hits).to_have_count(1)

    await page.goto(live.url + "rules")
    row = page.locator('#rules tr[data-rule="china-envoy-nk"]')
    await expect(row.locator(".precision")).to_have_text("100%")
    bars = row.locator("svg.chart rect.bar")
    await expect(bars).to_have_count(30)
    assert await bars.last.get_attribute("data-count") == "1"
    assert await bars.last.get_attribute("height") == "28"  # the only day with hits is the tallest
    assert {await b.get_attribute("height") for b in (await bars.all())[:-1]} == {"0"}

    await page.goto(live.url + "hits")
    async with page.expect_navigation():
        await page.click("#hits .hit .noise-button")
    await expect(page.locator("#hits .hit .badge", has_text="not relevant")).to_be_visible()
    await page.goto(live.url + "rules")
    await expect(page.locator('#rules tr[data-rule="china-envoy-nk"] .precision')).to_have_text("0%")

    await page.goto(live.url + "hits")
    async with page.expect_navigation():
        await page.click("#hits .hit a.story")
    await expect(page.locator("#articles td.outlet")).to_have_text(["Wire RSS"])
    await expect(page.locator("h1")).to_contain_text("China sends envoy to North Korea")


async def test_search_box_finds_stored_articles(browser, live):
    page = await browser.new_page(viewport={"width": 1100, "height": 900})
    await page.goto(live.url + "hits")
    hits = page.locator("#hits .hit")
    async with page.expect_navigation():  # a word of the weather article, which no rule caught
        await page.fill("#filters input[name=q]", "weekend")
        await page.press("#filters input[name=q]", "Enter")
    assert "q=weekend" in page.url
    await expect(page.locator("#filters input[name=q]")).to_have_value("weekend")
    await expect(hits).to_have_count(1)
    await expect(hits.first).to_contain_text("Rain expected this weekend")
    async with page.expect_navigation():
        await page.fill("#filters input[name=q]", "Pyongyang AND envoy")
        await page.click("#filters button[type=submit]")
    await expect(hits).to_have_count(1)
    await expect(hits.first).to_contain_text("China sends envoy to North Korea")
    async with page.expect_navigation():
        await page.fill("#filters input[name=q]", "zeppelin")
        await page.click("#filters button[type=submit]")
    await expect(hits).to_have_count(0)
    await expect(page.locator("#hits")).to_contain_text("No hits match")
    async with page.expect_navigation():  # a query the rule language refuses says why, in the page
        await page.fill("#filters input[name=q]", "envoy AND (")
        await page.click("#filters button[type=submit]")
    await expect(page.locator("#hits-error")).to_be_visible()


async def test_backtest_form_runs_the_rule_and_a_draft(browser, live):
    page = await browser.new_page(viewport={"width": 1100, "height": 900})
    assert (await page.goto(live.url + "rules/china-envoy-nk")).status == 200
    async with page.expect_navigation():  # the rule as it runs
        await page.click("#backtest button[type=submit]")
    result = page.locator("#backtest-result")
    await expect(result).to_contain_text("1 stories matched")
    await expect(result.locator("svg.chart")).to_have_count(1)
    await expect(result.locator(".sample li")).to_contain_text(["China sends envoy to North Korea"])
    async with page.expect_navigation():  # a draft that catches the weather instead: the diff
        await page.fill("#backtest input[name=query]", "rain OR weekend")
        await page.click("#backtest button[type=submit]")
    await expect(page.locator("#backtest input[name=query]")).to_have_value("rain OR weekend")
    await expect(page.locator("#backtest-diff")).to_contain_text("gains 1 and loses 1")
    async with page.expect_navigation():
        await page.fill("#backtest input[name=query]", "rain AND (")
        await page.click("#backtest button[type=submit]")
    await expect(page.locator("#backtest-error")).to_be_visible()


async def test_dead_delivery_replayed_from_its_button(browser, live):
    page = await browser.new_page(viewport={"width": 1100, "height": 900})
    assert (await page.goto(live.url + "deliveries")).status == 200
    dead = page.locator("#dead tr[data-delivery]")
    await expect(dead).to_have_count(1)
    async with page.expect_navigation():
        await dead.locator("button", has_text="replay").click()
    await expect(page.locator("#replayed")).to_contain_text("Replayed 1")
    await expect(page.locator("#dead tr[data-delivery]")).to_have_count(0)
    # back in the queue for the dispatcher: pending, not dead
    assert [d.status for d in live.app.store.list_deliveries(status="dead")] == []


async def test_login_page_sets_the_cookie(browser, tmp_path, server):
    async with live_app(tmp_path, server, http={"listen": "127.0.0.1:0", "token": TOKEN}) as served:
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(served.url + "rules")
        assert page.url.endswith("/login?next=%2Frules")
        await page.fill("#login input[name=token]", "wrong")
        async with page.expect_navigation():
            await page.click("#login button[type=submit]")
        await expect(page.locator("#login-error")).to_be_visible()
        await page.fill("#login input[name=token]", TOKEN)
        async with page.expect_navigation():
            await page.click("#login button[type=submit]")
        assert page.url == served.url + "rules"
        await expect(page.locator("#rules")).to_be_visible()
        cookie = next(c for c in await context.cookies() if c["name"] == "news_monitor_token")
        assert cookie["httpOnly"] is True
        await context.close()


async def test_the_hits_list_shows_a_new_hit_without_a_reload_and_waits_while_typing(browser, live, server):
    """The first page re-reads itself (`?refresh=1` here, 30 s by default)
    while visible and idle: a hit recorded after the page loaded appears; a
    focused input holds the list still."""
    from tests.e2e.servers import page as article, rss

    page = await browser.new_page(viewport={"width": 1100, "height": 900})
    assert (await page.goto(live.url + "hits?refresh=1")).status == 200
    hits = page.locator("#hits .hit")
    await expect(hits).to_have_count(1)

    await page.focus("#filters input[name=q]")  # typing a filter: the list must not move under the cursor
    server.serve("/news/delegation.html", article("Chinese delegation lands in Pyongyang", [
        "A Chinese delegation led by a vice minister landed in Pyongyang on Monday for talks.",
        "The delegation will meet North Korea's foreign ministry during a four-day visit."]),
        "text/html; charset=utf-8")
    server.serve("/rss.xml", rss("Wire RSS", [
        {"title": "Chinese delegation lands in Pyongyang", "link": server.url("/news/delegation.html"),
         "guid": "wire-3", "description": "A delegation."}]))
    await live.app.once(all_feeds=True)
    await page.wait_for_timeout(2500)  # two refresh periods
    await expect(hits).to_have_count(1)

    await page.locator("#filters input[name=q]").blur()
    await expect(hits).to_have_count(2, timeout=10_000)
    await expect(hits.first).to_contain_text("Chinese delegation lands in Pyongyang")
