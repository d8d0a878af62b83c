"""Real HTTP servers on 127.0.0.1 for end-to-end tests: a feed/page farm with
ETag support, and a webhook receiver that records what it got."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Resource:
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class LocalServer:
    """Start with `with LocalServer() as s:`; `s.url("/feed.xml")`."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.delays: dict[str, float] = {}  # path -> seconds to wait before answering
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        handler = self._handler()
        self.httpd = _Server(("127.0.0.1", 0), handler)
        # a short poll: shutdown() waits for it (the default 0.5 s was ~1 s of every test with two servers)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: str | bytes, content_type: str = "application/rss+xml; charset=utf-8",
              status: int = 200) -> str:
        self.resources[path] = Resource(body.encode() if isinstance(body, str) else body, content_type, status)
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path.split("?")[0] == path]

    def wait_for(self, predicate, timeout: float = 30.0) -> bool:
        """Block until predicate(requests) holds (woken by each request), or time out."""
        with self.arrived:
            return self.arrived.wait_for(lambda: predicate(self.requests), timeout=timeout)

    def respond(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        """Serve GETs from `resources`, answering 304 to a matching If-None-Match."""
        res = self.resources.get(request.path.split("?")[0])
        if res is None:
            return 404, {"content-type": "text/plain"}, b"not found"
        if request.headers.get("if-none-match") == res.etag:
            return 304, {"etag": res.etag}, b""
        return res.status, {"content-type": res.content_type, "etag": res.etag}, res.body

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                delay = server.delays.get(self.path.split("?")[0])
                if delay:
                    time.sleep(delay)
                status, headers, payload = server.respond(req)
                with server.arrived:
                    server.requests.append(req)
                    server.arrived.notify_all()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = _handle

        return Handler


class Receiver(LocalServer):
    """A webhook endpoint: answers POSTs with the next status in `statuses` (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        super().__init__()
        self.statuses = list(statuses or [])

    def respond(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        if request.method != "POST":
            return 405, {}, b""
        status = self.statuses.pop(0) if self.statuses else 200
        return status, {"content-type": "text/plain"}, b"ok"

    def posts(self) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.method == "POST"]


def recent_rfc822(age: timedelta = timedelta(hours=1)) -> str:
    """A date within poll.max_age (2d): news, not backlog."""
    return format_datetime(datetime.now(timezone.utc) - age)


def recent_iso(age: timedelta = timedelta(hours=1)) -> str:
    return (datetime.now(timezone.utc) - age).strftime("%Y-%m-%dT%H:%M:%SZ")


def rss(title: str, items: list[dict[str, str]], *, link: str = "http://example.invalid/") -> str:
    def item(i: dict[str, str]) -> str:
        parts = [f"<title>{i['title']}</title>"]
        if "link" in i:
            parts.append(f"<link>{i['link']}</link>")
        if "guid" in i:
            parts.append(f'<guid isPermaLink="false">{i["guid"]}</guid>')
        if "description" in i:
            parts.append(f"<description><![CDATA[{i['description']}]]></description>")
        if i.get("pubDate", "") is not None:  # None: an undated entry
            parts.append(f"<pubDate>{i.get('pubDate') or recent_rfc822()}</pubDate>")
        return "<item>" + "".join(parts) + "</item>"

    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{title}</title><link>{link}</link><description>{title}</description>"
            + "".join(item(i) for i in items) + "</channel></rss>")


def atom(title: str, entries: list[dict[str, str]]) -> str:
    def entry(e: dict[str, str]) -> str:
        return (f"<entry><title>{e['title']}</title><id>{e.get('id', e['link'])}</id>"
                f'<link rel="alternate" href="{e["link"]}"/><updated>{e.get("updated", recent_iso())}</updated>'
                f"<summary>{e.get('summary', '')}</summary></entry>")

    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{title}</title><id>urn:test:{title}</id><updated>{recent_iso()}</updated>"
            + "".join(entry(e) for e in entries) + "</feed>")


def page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            "<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
            f"<main><article><h1>{title}</h1>{body}</article></main>"
            "<footer><p>Copyright Test Wire. All rights reserved.</p></footer></body></html>")
