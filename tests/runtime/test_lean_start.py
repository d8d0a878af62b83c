"""`once` with nothing to do loads only what it uses: no extraction, no web
server, no Alembic for a database already at the newest revision (a cron
user pays the start-up every minute).  Checked in a real process, by the
modules it imported; no timing here (bench/startup_bench.py measures it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from monitor.store import migrate
from tests.procs import run_in_group

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("trafilatura", "lxml", "langid", "datasketch", "apprise", "fastapi", "starlette", "uvicorn", "alembic",
         "feedparser", "courlan", "apscheduler", "aiosmtplib", "watchfiles", "rich", "numpy")
ONCE = """
import json, sys
from monitor.cli import main
heavy = sys.argv[2].split(",")
sys.argv = ["news-monitor", "once", "--config", sys.argv[1]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def once(tmp_path: Path) -> dict[str, object]:
    result = run_in_group([sys.executable, "-c", ONCE, str(tmp_path / "monitor.yaml"), ",".join(HEAVY)],
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_an_idle_once_loads_no_extraction_web_or_migration_modules(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                    '<item><title>One</title><guid>g1</guid><description>Korea talks</description></item>'
                    '</channel></rss>')
    (tmp_path / "monitor.yaml").write_text(yaml.safe_dump({
        "database": f"sqlite:///{tmp_path / 'monitor.db'}",
        "poll": {"interval": "1h"},
        "feeds": [{"url": feed.as_uri(), "name": "Local"}],
        "rules": [{"id": "korea", "name": "Korea", "query": "korea"}],
        "channels": {"console": {"type": "console"}}, "defaults": {"notify": ["console"]},
    }))
    first = once(tmp_path)  # creates the schema and polls the feed
    assert first["code"] == 0
    idle = once(tmp_path)  # nothing is due, the schema is current
    assert idle == {"code": 0, "loaded": []}


def test_the_head_read_from_the_scripts_is_alembics_head() -> None:
    assert migrate.scripted_head() == migrate.head_revision()
