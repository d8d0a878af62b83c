"""A WebSub hub on 127.0.0.1 for tests: real HTTP both ways.  It takes
subscription requests (POST, form-encoded), verifies each on the
subscriber's callback with a challenge (GET), and publishes content to the
verified subscribers of a topic with an X-Hub-Signature (POST)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

import httpx


@dataclass
class Subscription:
    callback: str
    topic: str
    secret: str
    lease: int


@dataclass
class Hub:
    lease: int | None = None  # lease_seconds granted (None: what was asked)
    refuse: int | None = None  # answer subscription requests with this status
    requests: list[dict[str, str]] = field(default_factory=list)
    verified: list[tuple[str, str, str]] = field(default_factory=list)  # (mode, topic, callback)
    failed: list[tuple[str, str, int, str]] = field(default_factory=list)  # (mode, topic, status, body)
    subscribers: dict[tuple[str, str], Subscription] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.changed = threading.Condition()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                status = hub.refuse or 202
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()
                with hub.changed:
                    hub.requests.append(form)
                    hub.changed.notify_all()
                if status == 202:  # verify after answering, as most hubs do
                    threading.Thread(target=hub._verify, args=(form,), daemon=True).start()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hub"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _verify(self, form: dict[str, str]) -> None:
        mode, topic, callback = form.get("hub.mode", ""), form.get("hub.topic", ""), form.get("hub.callback", "")
        challenge = secrets.token_hex(8)
        lease = self.lease or int(form.get("hub.lease_seconds") or 3600)
        query = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
        if mode == "subscribe":
            query["hub.lease_seconds"] = str(lease)
        sep = "&" if "?" in callback else "?"
        try:
            answer = httpx.get(callback + sep + urlencode(query), timeout=10, trust_env=False)
        except httpx.HTTPError as exc:
            status, body = 0, repr(exc)
        else:
            status, body = answer.status_code, answer.text
        with self.changed:
            if status == 200 and body == challenge:
                self.verified.append((mode, topic, callback))
                if mode == "subscribe":
                    self.subscribers[(topic, callback)] = Subscription(callback, topic, form.get("hub.secret", ""),
                                                                        lease)
                else:
                    self.subscribers.pop((topic, callback), None)
            else:
                self.failed.append((mode, topic, status, body))
            self.changed.notify_all()

    def wait(self, predicate, timeout: float = 30.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout=timeout)

    def publish(self, topic: str, body: bytes, content_type: str = "application/rss+xml", *,
                method: str = "sha256", secret: str | None = None, signed: bool = True) -> list[int]:
        """Send `body` to every verified subscriber of `topic`; their statuses."""
        with self.changed:
            subs = [s for s in self.subscribers.values() if s.topic == topic]
        statuses = []
        for sub in subs:
            key = (sub.secret if secret is None else secret).encode()
            headers = {"content-type": content_type, "link": f'<{self.url}>; rel="hub", <{topic}>; rel="self"'}
            if signed:
                digest = hmac.new(key, body, getattr(hashlib, method)).hexdigest()
                headers["x-hub-signature"] = f"{method}={digest}"
            statuses.append(httpx.post(sub.callback, content=body, headers=headers, timeout=10,
                                       trust_env=False).status_code)
        return statuses
