"""The status page as a person sees it: Debian's headless Chromium, driven by
Playwright, against the daemon's real HTTP server on 127.0.0.1.
(The docs' screenshots come from scripts/screenshots.py.)"""

from __future__ import annotations

import pytest

try:
    from playwright.async_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the install hint
    expect = None

from tests.browser.conftest import live_app

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the module's tests share one Chromium

ENVOY_QUERY = "@china NEAR/20 envoy AND @north_korea"
TOKEN = "br0wser-t0ken"
ENVOY_TEXT = "Beijing said on Friday it will send a special envoy to Pyongyang next week."


async def test_status_page_shows_hits_feed_errors_and_dead_deliveries(browser, live):
    page = await browser.new_page(viewport={"width": 1100, "height": 900})
    response = await page.goto(live.url)
    assert response is not None and response.status == 200

    hits = page.locator("#hits .hit")
    await expect(hits).to_have_count(1)
    await expect(hits.get_by_role("link", name="China sends envoy to North Korea")).to_be_visible()
    marks = hits.locator("mark")
    await expect(marks.first).to_be_visible()
    assert {(await m.inner_text()).lower() for m in await marks.all()} >= {"envoy", "north korea"}

    broken = page.locator("#feeds tr", has_text="Broken feed")
    await expect(broken).to_be_visible()
    await expect(broken.locator(".badge")).to_have_text("failing")
    await expect(broken).to_contain_text("404")
    await expect(page.locator("#feeds tr", has_text="Wire RSS").locator(".badge")).to_have_text("ok")

    dead = page.locator("#dead tr", has_text="ops-hook")
    await expect(dead).to_have_count(1)
    await expect(dead).to_be_visible()
    assert (await dead.locator("td.meta").inner_text()).strip(), "a dead delivery must show its last error"

    await page.fill("#tester input[name=query]", ENVOY_QUERY)
    await page.fill("#tester textarea[name=text]", ENVOY_TEXT)
    async with page.expect_navigation():
        await page.click("#tester button[type=submit]")
    result = page.locator("#tester-result")
    await expect(result.locator(".badge")).to_have_text("matches")
    await expect(result.locator("mark", has_text="envoy")).to_be_visible()
    await expect(page.locator("#tester input[name=query]")).to_have_value(ENVOY_QUERY)  # the form keeps its input


async def test_rule_tester_reports_a_bad_query_with_its_column(browser, live):
    page = await browser.new_page()
    await page.goto(live.url)
    await page.fill("#tester input[name=query]", "envoy NEAR/ korea")
    await page.fill("#tester textarea[name=text]", "an envoy went to Korea")
    async with page.expect_navigation():
        await page.click("#tester button[type=submit]")
    error = page.locator("#tester-error")
    await expect(error).to_be_visible()
    await expect(error).to_contain_text("NEAR/")
    await expect(error).to_contain_text("column")
    await expect(page.locator("#tester-result")).to_have_count(0)


async def test_rule_tester_says_no_match(browser, live):
    page = await browser.new_page()
    await page.goto(live.url)
    await page.fill("#tester input[name=query]", "envoy")
    await page.fill("#tester textarea[name=text]", "Rain is expected this weekend.")
    async with page.expect_navigation():
        await page.click("#tester button[type=submit]")
    await expect(page.locator("#tester-result .badge")).to_have_text("no match")
    await expect(page.locator("#tester-result mark")).to_have_count(0)


async def test_page_fits_a_phone_screen(browser, live):
    """Long feed URLs in errors wrap instead of widening the page sideways."""
    page = await browser.new_page(viewport={"width": 420, "height": 800})
    await page.goto(live.url)
    await expect(page.locator("#feeds tr", has_text="Broken feed")).to_contain_text("missing.xml")
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 420px screen"


async def test_token_from_the_url_carries_through_the_rule_tester(browser, tmp_path, server):
    async with live_app(tmp_path, server, http={"listen": "127.0.0.1:0", "token": TOKEN}) as served:
        page = await browser.new_page()
        refused = await page.goto(served.url)  # a browser without the token is shown the login form
        assert refused.status == 200 and "/login" in refused.url
        assert await page.locator("form input[name=token]").count() == 1
        assert (await page.goto(f"{served.url}?token={TOKEN}")).status == 200
        await page.fill("#tester input[name=query]", "envoy")
        await page.fill("#tester textarea[name=text]", "an envoy arrived")
        async with page.expect_navigation() as navigation:
            await page.click("#tester button[type=submit]")
        assert (await navigation.value).status == 200
        await expect(page.locator("#tester-result mark", has_text="envoy")).to_be_visible()
