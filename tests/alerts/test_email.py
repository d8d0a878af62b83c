"""Email through a real SMTP server on 127.0.0.1 (aiosmtpd), with login."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitor.alerts.channels import channel_spec
from monitor.types import ChannelSpec
from tests.runtime_helpers import channels, dispatcher
from monitor.clock import FrozenClock
from monitor.errors import ChannelError
from tests.alerts.conftest import FakeStore, later, make_hit
from tests.procs import run_in_group


class Inbox:
    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[Any] = []
        self.calls = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        self.calls += 1
        answer = self.answers[min(self.calls, len(self.answers)) - 1]
        if answer.startswith("250"):
            self.envelopes.append(envelope)
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return answer


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"monitor", b"pw")
    return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[Any]:
    controllers: list[Controller] = []

    def start(*answers: str) -> tuple[Inbox, int]:
        inbox = Inbox(list(answers) or ["250 OK"])
        port = free_port()
        c = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                       auth_require_tls=False)
        c.start()
        controllers.append(c)
        return inbox, port
    yield start
    for c in controllers:
        c.stop()


def spec(port: int, **options: Any) -> ChannelSpec:
    return channel_spec("mail", "email", {
        "host": "127.0.0.1", "port": port, "starttls": False, "username": "monitor",
        "password": "pw", "from": "monitor@example.com", "to": ["desk@example.com"],
        "cc": ["boss@example.com"], **options}, max_attempts=4, timeout=timedelta(seconds=5))


async def test_multipart_mail_with_snippet_in_html(smtp, clock: FrozenClock, store: FakeStore) -> None:
    inbox, port = smtp()
    specs = {"mail": spec(port)}
    row = store.add("mail", (make_hit(1, title="Envoy <to> Pyongyang & more"),), due=clock.now())
    d = dispatcher(store, specs, clock, owner="t")
    await d.tick()
    assert row.status == "sent", row.last_error
    msg = inbox.messages[0]
    assert set(inbox.envelopes[0].rcpt_tos) == {"desk@example.com", "boss@example.com"}
    assert msg["Subject"].strip() == "[news-monitor] Chinese envoy to North Korea: Envoy <to> Pyongyang & more"
    assert msg["Message-ID"] == f"<{row.key}@news-monitor>"
    assert msg["Cc"] == "boss@example.com"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "senior diplomat to North Korea as a special envoy" in text and "**" not in text
    assert "senior <mark>diplomat</mark> to <mark>North Korea</mark> as a special <mark>envoy</mark>" in html
    assert '<a href="https://news.example/1">Envoy &lt;to&gt; Pyongyang &amp; more</a>' in html


async def test_rejected_then_accepted(smtp, clock: FrozenClock, store: FakeStore) -> None:
    inbox, port = smtp("451 4.3.0 try again later", "250 OK")
    specs = {"mail": spec(port)}
    row = store.add("mail", (make_hit(1),), due=clock.now())
    d = dispatcher(store, specs, clock, owner="t", rand=lambda: 0.0)
    await d.tick()
    assert row.status == "pending" and row.last_error and row.last_error.startswith("SMTP 451")
    later(row, clock)
    await d.tick()
    assert row.status == "sent" and inbox.calls == 2 and len(inbox.messages) == 1


async def test_permanent_rejection_is_not_retried(smtp, clock: FrozenClock) -> None:
    inbox, port = smtp("554 5.7.1 no thanks")
    channel = channels({"mail": spec(port)}, clock)["mail"]
    from tests.alerts.conftest import make_delivery
    result = await channel.send(make_delivery(1, "mail"))
    assert not result.ok and result.permanent and "554" in result.detail


async def test_subject_template_and_digest(smtp, clock: FrozenClock) -> None:
    inbox, port = smtp()
    channel = channels({"mail": spec(port, subject="{{ count }} for {{ rule.id }}")}, clock)["mail"]
    from tests.alerts.conftest import make_delivery
    result = await channel.send(make_delivery(1, "mail", kind="digest", hits=(make_hit(1), make_hit(2))))
    assert result.ok
    msg = inbox.messages[0]
    assert msg["Subject"].strip() == "2 for china-envoy-nk"
    html = msg.get_body(("html",)).get_content()
    assert html.count("<blockquote>") == 2


def test_misconfiguration_names_channel_and_fix(clock: FrozenClock) -> None:
    with pytest.raises(ChannelError, match="'mail'.*'to:'"):
        channels({"mail": spec(25, to=[])}, clock)
    with pytest.raises(ChannelError, match="tls .* or starttls .* not both"):
        channels({"mail": spec(25, tls=True, starttls=True)}, clock)
    with pytest.raises(ChannelError, match="template"):
        channels({"mail": spec(25, subject="{{ nope ")}, clock)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("openssl command not found: the STARTTLS/TLS email tests need it to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    run_in_group(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                  "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                 timeout=60, check=True)
    return cert, key


@pytest.mark.parametrize("mode", ["starttls", "tls"])
async def test_starttls_and_implicit_tls_with_a_private_ca(mode, certificate, clock: FrozenClock) -> None:
    import ssl

    from tests.alerts.conftest import make_delivery

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(["250 OK"]), free_port()
    if mode == "starttls":  # the server refuses mail until the client upgrades
        controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=True, authenticator=authenticator)
    else:
        # aiosmtpd does not see that an ssl_context socket is TLS and would hide AUTH
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context,
                                authenticator=authenticator, auth_require_tls=False)
    controller.start()
    try:
        options = {"starttls": mode == "starttls", "tls": mode == "tls"}
        trusted = channels({"mail": spec(port, ca_file=cert, **options)}, clock)["mail"]
        result = await trusted.send(make_delivery(1, "mail"))
        assert result.ok, result.detail
        assert len(inbox.messages) == 1
        untrusted = channels({"mail": spec(port, **options)}, clock)["mail"]
        refused = await untrusted.send(make_delivery(2, "mail"))
        assert not refused.ok and "certificate" in refused.detail.lower(), refused.detail
        assert len(inbox.messages) == 1
    finally:
        controller.stop()
