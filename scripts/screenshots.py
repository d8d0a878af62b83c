"""Screenshots of every desk page, from a month of seeded news, in Debian's chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/img] [--keep DIR]

The data is made the way the daemon makes it: four outlets' `file:` feeds
grow day by day for 30 days and the real pipeline (`once`, on a clock moved a
day at a time) polls them, extracts the pages, matches four rules, clusters
stories and dispatches alerts (the console; a webhook and a Slack hook on
closed ports, so one channel has dead deliveries and one is retrying).  The
last hour brings a burst of missile reports, which trips `nk-missile`'s spike
alert.  Then a few hits are triaged through the API (not relevant, a note), a
story is muted, and each page is shot: the login page, the hits list at
desktop and at 390 px phone width, a story, the rules table, a rule page with
its spike bar and a backtest, deliveries and feeds.  Each PNG is checked to be
under 200 KB.  Needs scripts/install-browser.sh (chromium + playwright).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import logging
import os
import random
import socket
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.clock import FrozenClock  # noqa: E402
from monitor.config import load_config  # noqa: E402
from monitor.runtime.builder import open_runtime  # noqa: E402

TOKEN = "screenshot-desk-token"
CHROMIUM = os.environ.get("NEWS_MONITOR_CHROMIUM", "/usr/bin/chromium")
MAX_BYTES = 200 * 1024
DAYS = 30
OUTLETS = ("Yonhap", "Global Times", "Guardian World", "NK Watch")


EVENTS = {
    "envoy": ("China sends special envoy {name} to Pyongyang for {n}-day visit", (
        "China's foreign ministry said on {day} that {name}, a senior diplomat, will travel to North Korea as a "
        "special envoy of President Xi Jinping for {n} days.",
        "{name} is expected to meet {official} and discuss {topic} during the visit.",
        "The trip follows a meeting in {city} in {month} at which both sides pledged closer ties.",
        "A spokesperson, {spokesperson}, told reporters the visit would deepen traditional friendship.",
        "Analysts in {city} said Beijing wants to be seen steadying the peninsula before {event}.",
        "The envoy's delegation of {m} officials includes specialists on {topic}.")),
    "missile": ("North Korea fires {kind} missile toward the {sea}, {official} says", (
        "North Korea fired a {kind} missile toward the {sea} on {day}, South Korea's Joint Chiefs of Staff said.",
        "The missile flew about {km} km at an altitude of {alt} km before falling into the sea, {official} said.",
        "It was the {ordinal} launch this year and came {n} days after {event}.",
        "Japan's defence ministry said the missile landed outside its exclusive economic zone near {city}.",
        "{spokesperson} of the US Indo-Pacific Command said the launch did not pose an immediate threat.",
        "Pyongyang's state media did not report the launch by {hour} local time.")),
    "sanctions": ("UN Security Council weighs sanctions on North Korea over {topic}", (
        "Members of the UN Security Council discussed new sanctions on North Korea on {day} over {topic}, "
        "{spokesperson} told reporters.",
        "A draft circulated by {city} would cap refined petroleum at {n} barrels a year.",
        "China and Russia signalled they would oppose any draft that tightens the cap, {official} said.",
        "The panel of experts reported {m} ship-to-ship transfers in {month}.",
        "A vote is not expected before {event}.")),
    "kim": ("Kim Jong-un absent from {event}, fuelling health questions", (
        "North Korean leader Kim Jong-un did not attend {event} on {day}, state media photographs showed.",
        "It is his first absence from such an event in {n} years, {official} said.",
        "Analysts in {city} cautioned that his absence need not point to poor health.")),
    "noise": ("Seoul stocks close {n} points higher as {topic} rally", (
        "The benchmark index rose {n} points on {day}, led by {topic}.",
        "Foreign investors bought shares worth {m} billion won, {official} said.",
        "The won traded at {km} to the dollar at {hour}.")),
    "weather": ("Up to {km} mm of rain expected in {city} this weekend", (
        "Forecasters said on {day} that up to {km} mm of rain could fall in {city}.",
        "Authorities warned of landslides in {n} counties, {official} said.",
        "Ferries to {sea} islands were cancelled from {hour}.")),
}
SLOTS = {
    "name": ("Liu Jianchao", "Wang Yi", "Song Tao", "Sun Weidong", "Liu Haixing", "Nong Rong"),
    "official": ("Choe Son-hui", "a unification ministry official", "Pak Myong-ho", "Kim Song-nam",
                 "a defence ministry spokesperson", "Lee Sung-jun"),
    "topic": ("border trade", "food aid", "the Rason economic zone", "fuel shipments", "tourism",
              "chipmakers", "carmakers", "cyber theft", "satellite launches", "oil smuggling"),
    "city": ("Dandong", "Shenyang", "Busan", "Gwangju", "Niigata", "Washington", "Paris", "Jeju"),
    "month": ("January", "March", "May", "July", "September", "October"),
    "spokesperson": ("Mao Ning", "Lin Jian", "John Kirby", "Vassily Nebenzia", "Linda Thomas-Greenfield"),
    "event": ("the party plenum", "the Foundation Day parade", "joint US-South Korean drills",
              "the harvest festival", "the Supreme People's Assembly session"),
    "sea": ("East Sea", "Yellow Sea", "Sea of Japan"),
    "kind": ("ballistic", "cruise", "short-range ballistic", "hypersonic"),
    "ordinal": ("third", "fifth", "seventh", "ninth", "eleventh"),
    "hour": ("9 a.m.", "noon", "3 p.m.", "6 p.m."),
}
EXTRA = ("Officials gave no further details.", "The report could not be independently verified.",
         "Earlier this month the two sides held talks in Beijing.", "Markets showed little reaction.")


@dataclass(frozen=True)
class Event:
    kind: str
    title: str
    body: tuple[str, ...]


def new_event(kind: str, when: datetime, rng: random.Random) -> Event:
    title, sentences = EVENTS[kind]
    values = {k: rng.choice(v) for k, v in SLOTS.items()}
    values.update(day=when.strftime("%A"), n=rng.randrange(2, 40), m=rng.randrange(3, 90),
                  km=rng.randrange(150, 1500, 10), alt=rng.randrange(40, 900, 10))
    chosen = [sentences[0], *rng.sample(sentences[1:], min(len(sentences) - 1, rng.randrange(2, 5)))]
    return Event(kind, title.format(**values), tuple(x.format(**values) for x in chosen))


RULES = [
    {"id": "china-envoy-nk", "name": "Chinese envoy to North Korea",
     "query": '@china NEAR/20 (envoy OR diplomat OR delegation) AND @north_korea',
     "notify": ["console"],
     "examples": {"match": ["China sends special envoy to Pyongyang"],
                  "no_match": ["Japan's envoy met officials; North Korea was not discussed"]}},
    {"id": "nk-missile", "name": "North Korean missile launches",
     "query": '(missile OR ICBM OR "ballistic missile") NEAR/15 (fired OR fires OR launch*) AND @north_korea',
     "notify": ["console", "desk-slack"], "spike": {"factor": 3, "baseline": "7d", "min_hits": 4}},
    {"id": "un-sanctions", "name": "UN sanctions on North Korea",
     "query": 'sanctions NEAR/10 ("Security Council" OR UN) AND @north_korea', "notify": ["console", "ops-hook"]},
    {"id": "kim-health", "name": "Kim Jong-un's health",
     "query": '"Kim Jong-un" AND (health OR absent OR absence OR surgery)', "notify": ["console"]},
]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(folder: Path) -> Path:
    feeds = [{"url": f"file:feeds/{slug(o)}.xml", "name": o, "interval": "1h", "tags": ["korea"]} for o in OUTLETS]
    feeds.append({"url": "file:feeds/retired.xml", "name": "Retired wire", "interval": "1h"})
    data = {
        "database": "sqlite:///monitor.db",
        "http": {"listen": "127.0.0.1:0", "token": TOKEN},
        "feeds": feeds,
        "aliases": {"china": ["China", "Chinese", "Beijing", "Xi Jinping"],
                    "north_korea": ["North Korea", "DPRK", "Pyongyang", "Kim Jong-un"]},
        "rules": RULES,
        "channels": {"console": {"type": "console"},
                     "desk-slack": {"type": "slack", "webhook_url": f"http://127.0.0.1:{closed_port()}/slack",
                                    "max_attempts": 40, "timeout": "2s"},
                     "ops-hook": {"type": "webhook", "url": f"http://127.0.0.1:{closed_port()}/hook",
                                  "max_attempts": 1, "timeout": "2s"}},
        "defaults": {"notify": ["console"]},
    }
    path = folder / "monitor.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    (folder / "feeds").mkdir()
    return path


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


class Farm:
    """The outlets' feeds on disk: each item is a page beside its feed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "feeds"
        self.items: dict[str, list[str]] = {o: [] for o in OUTLETS}
        self.n = 0

    def publish(self, outlet: str, event: Event, when: datetime, rng: random.Random) -> None:
        """`event` as `outlet` tells it: the same sentences, some of its own after them."""
        body = [*event.body, *rng.sample(EXTRA, rng.randrange(0, 3))]
        self.n += 1
        page = f"{slug(outlet)}-{self.n}.html"
        title = escape(event.title)
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in body)
        (self.folder / page).write_text(f"<html><head><title>{title}</title></head><body><article>"
                                        f"<h1>{title}</h1>{paragraphs}</article></body></html>")
        self.items[outlet].append(
            f"<item><title>{title}</title><link>{page}</link><guid isPermaLink=\"false\">{page}</guid>"
            f"<pubDate>{format_datetime(when)}</pubDate><description>{escape(body[0])}</description></item>")

    def write(self) -> None:
        for outlet, items in self.items.items():
            (self.folder / f"{slug(outlet)}.xml").write_text(
                f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet}</title>'
                f"<link>index.html</link><description>{outlet}</description>{''.join(items[-40:])}"
                "</channel></rss>")


def day_plan(day: int, rng: random.Random) -> list[tuple[str, list[str]]]:
    """The events of one day and the outlets telling each."""
    kinds = ["noise", "weather"]
    kinds += ["envoy"] * (rng.random() < 0.5) + ["sanctions"] * (rng.random() < 0.35)
    kinds += ["missile"] * (rng.random() < 0.45) + ["kim"] * (day in (9, 21))
    return [(k, rng.sample(OUTLETS, rng.randrange(1, 4))) for k in kinds]


async def seed(folder: Path) -> tuple[Path, FrozenClock]:
    rng = random.Random(17)
    config_path = write_config(folder)
    farm = Farm(folder)
    end = datetime.now(timezone.utc).replace(microsecond=0)
    clock = FrozenClock(end - timedelta(days=DAYS + 1))
    farm.write()
    retired = folder / "feeds" / "retired.xml"
    retired.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Retired</title></channel></rss>')
    async with open_runtime(load_config(config_path), mode="once", clock=clock) as runtime:
        await runtime.once()  # the first poll: empty feeds
        retired.unlink()  # gone from then on: an error on the feeds page
        for day in range(DAYS, 0, -1):
            clock.set(end - timedelta(days=day))
            for kind, outlets in day_plan(day, rng):
                when = clock.now() - timedelta(minutes=rng.randrange(60, 600))
                event = new_event(kind, when, rng)
                for outlet in outlets:
                    farm.publish(outlet, event, when + timedelta(minutes=rng.randrange(0, 50)), rng)
            farm.write()
            await runtime.once()
        clock.set(end)
        for n in range(6):  # the last hour: a burst of launches, each reported by one outlet
            when = end - timedelta(minutes=50 - 8 * n)
            farm.publish(OUTLETS[n % len(OUTLETS)], new_event("missile", when, rng), when, rng)
        farm.write()
        await runtime.once()
        clock.advance(timedelta(minutes=2))  # the spike check counts the hour before now
        await runtime.once()
    clock.advance(timedelta(minutes=5))  # the pages are read a few minutes later
    return config_path, clock


async def triage(url: str) -> None:
    import httpx
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        hits = (await http.get("/api/hits", params={"since": f"{DAYS + 1}d", "limit": 200})).json()["items"]
        missiles = [h for h in hits if h["rule"] == "nk-missile"]
        for h in missiles[1:3]:
            (await http.post(f"/api/hits/{h['id']}/triage", json={"relevant": False})).raise_for_status()
        envoy = next(h for h in hits if h["rule"] == "china-envoy-nk")
        (await http.post(f"/api/hits/{envoy['id']}/triage",
                         json={"relevant": True, "note": "Confirmed by MOFA briefing; watch for follow-up"})
         ).raise_for_status()
        sanctions = next((h for h in hits if h["rule"] == "un-sanctions"), None)
        if sanctions and sanctions.get("story_id"):
            (await http.post(f"/api/stories/{sanctions['story_id']}/mute", json={"muted": True})).raise_for_status()


async def shoot(url: str, out: Path, story_id: int) -> list[Path]:
    from playwright.async_api import async_playwright
    shots: list[Path] = []

    async def shot(page, name: str, *, full: bool = True) -> None:  # type: ignore[no-untyped-def]
        path = out / f"desk-{name}.png"
        await page.screenshot(path=str(path), full_page=full)
        shots.append(path)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        desk = await browser.new_context(viewport={"width": 1100, "height": 820})
        page = await desk.new_page()
        await page.goto(url)
        await shot(page, "login")
        await page.fill("input[name=token]", TOKEN)
        async with page.expect_navigation():
            await page.press("input[name=token]", "Enter")
        await shot(page, "status", full=False)
        await page.goto(url + "hits?since=7d")
        await shot(page, "hits", full=False)
        await page.goto(url + f"stories/{story_id}")
        await shot(page, "story")
        await page.goto(url + "rules")
        await shot(page, "rules")
        await page.set_viewport_size({"width": 1100, "height": 1250})
        await page.goto(url + "rules/nk-missile")
        async with page.expect_navigation():  # a draft that drops the cruise missiles
            await page.fill("#backtest input[name=query]",
                            '(missile OR ICBM OR "ballistic missile") NEAR/15 fired AND @north_korea AND NOT cruise')
            await page.click("#backtest button[type=submit]")
        await shot(page, "rule", full=False)
        async with page.expect_navigation():  # why a report of a test, not a launch, is a miss
            await page.fill("#tester input[name=title]", "North Korea tests new engine for long-range missiles")
            await page.fill("#tester textarea[name=text]",
                            "North Korea said on Sunday it had tested a solid-fuel engine at the Sohae site. The "
                            "test, state media said, would help the country build missiles that can be fired "
                            "at short notice.")
            await page.click("#tester button[type=submit]")
        await page.evaluate("document.getElementById('tester').scrollIntoView()")
        await shot(page, "whynot", full=False)
        await page.set_viewport_size({"width": 1100, "height": 820})
        await page.goto(url + "deliveries")
        await shot(page, "deliveries", full=False)
        await page.goto(url + "feeds")
        await shot(page, "feeds")
        phone = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1,
                                          storage_state=await desk.storage_state())
        page = await phone.new_page()
        await page.goto(url + "hits?since=7d")
        await shot(page, "hits-phone", full=False)
        await browser.close()
    return shots


async def main(out: Path, keep: Path | None) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nm-shots-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        logging.disable(logging.WARNING)  # the seeding's alerts and failing channels are expected
        with contextlib.redirect_stdout(io.StringIO()):  # the console channel's alerts
            config_path, clock = await seed(folder)
        async with open_runtime(load_config(config_path), mode="once", clock=clock) as runtime:
            assert await runtime.http.start(runtime.live.current().config.http.listen), "the HTTP server did not start"
            url = f"http://127.0.0.1:{runtime.http.port}/"
            await triage(url)
            stories = runtime.store.list_stories(since=clock.now() - timedelta(days=DAYS + 1), limit=500)
            hit = {h.story_id for h in runtime.store.list_hits(since=clock.now() - timedelta(days=DAYS + 1),
                                                                limit=500)}
            story = max((s for s in stories if s.id in hit), key=lambda s: (len(s.outlets), s.id))
            shots = await shoot(url, out, story.id)
    too_big = [p for p in shots if p.stat().st_size > MAX_BYTES]
    for p in shots:
        print(f"{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}: {p.stat().st_size // 1024} KB")
    if too_big:
        print(f"over {MAX_BYTES // 1024} KB: {', '.join(p.name for p in too_big)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--keep", type=Path, help="seed into this folder and keep it (else a temporary one)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.out.resolve(), args.keep)))
