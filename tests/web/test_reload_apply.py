"""A reload whose config validates but cannot be applied changes nothing."""

from __future__ import annotations

import yaml

from monitor.app import App, Services
from monitor.config import load_config
from monitor.reload import Reloader
from tests.web.conftest import write_config


async def test_a_reload_that_fails_to_apply_keeps_the_running_config(tmp_path, server):
    path = write_config(tmp_path, server)
    async with App(load_config(path), services=Services()) as app:
        reloader = Reloader(app, None, path)
        before = app.config
        data = yaml.safe_load(path.read_text())
        data["feeds"].append({"url": server.url("/more.xml"), "name": "More"})
        # passes validation, but the channel cannot be built: apprise does not know the scheme
        data["channels"]["bad"] = {"type": "apprise", "urls": ["nosuchscheme://x"]}
        path.write_text(yaml.safe_dump(data))

        assert await reloader.reload() is False
        assert app.config is before and set(app.channels) == {"console"}
        assert "could not be applied" in app.config_problems[0]
        assert [f.name for f in app.store.list_feeds() if f.active] == ["Broken feed", "Wire RSS"]

        del data["channels"]["bad"]
        path.write_text(yaml.safe_dump(data))
        assert await reloader.reload() is True
        assert app.config_problems == []
        assert "More" in [f.name for f in app.store.list_feeds() if f.active]
