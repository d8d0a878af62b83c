"""The callback route is open to hubs without the API token, and opens
nothing else; its body cap is a feed's (fetch.max_bytes), not the API's."""

from __future__ import annotations

import pytest

from monitor.config import load_config
from monitor.runtime.builder import open_runtime
from tests.e2e.servers import LocalServer
from tests.e2e.test_once import farm
from tests.web.conftest import client, write_config

TOKEN = "t0ken-of-the-api"
CALLBACK = "/websub/" + "A" * 32


@pytest.fixture
async def api(tmp_path):
    with LocalServer() as server:
        farm(server)
        config = load_config(write_config(tmp_path, server, http={"listen": "127.0.0.1:0", "token": TOKEN},
                                          fetch={"max_bytes": "5MB", "allow_private": ["127.0.0.0/8"],
                                                 "host_spacing": "0s"}))
        async with open_runtime(config, mode="once") as runtime:
            yield runtime.api


async def test_the_callback_answers_without_the_api_token(api) -> None:
    async with client(api) as c:
        verify = await c.get(CALLBACK, params={"hub.mode": "subscribe", "hub.topic": "x", "hub.challenge": "c"})
        assert verify.status_code == 404 and verify.text == "no such subscription"  # reached, and refused
        push = await c.post(CALLBACK, content=b"<rss/>", headers={"content-type": "application/rss+xml"})
        assert push.status_code == 410  # unknown subscription: the hub may end it
        assert (await c.get("/api/hits")).status_code == 401


@pytest.mark.parametrize("path", ["/websub/short", CALLBACK + "/more", "/websub/", "/websub/" + "A" * 32 + ".."])
async def test_nothing_else_under_websub_is_open(api, path: str) -> None:
    async with client(api) as c:
        assert (await c.get(path)).status_code == 401
        assert (await c.post(path, content=b"x")).status_code == 401


async def test_other_methods_on_the_callback_need_the_token(api) -> None:
    async with client(api) as c:
        assert (await c.put(CALLBACK, content=b"x")).status_code == 401
        assert (await c.delete(CALLBACK)).status_code == 401


async def test_a_push_may_be_as_large_as_a_feed_but_no_larger(api) -> None:
    async with client(api) as c:
        big = await c.post(CALLBACK, content=b"x" * 3_000_000)  # above the API's 2 MB, below fetch.max_bytes
        assert big.status_code == 410
        too_big = await c.post(CALLBACK, content=b"x" * 6_000_000)
        assert too_big.status_code == 413
        assert (await c.post("/api/test-rule", content=b"x" * 3_000_000,
                             headers={"authorization": f"Bearer {TOKEN}", "content-type": "application/json"})
                ).status_code == 413
