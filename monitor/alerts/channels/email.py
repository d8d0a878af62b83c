"""Email channel: SMTP (aiosmtplib) with STARTTLS or implicit TLS, login,
from/to/cc, multipart text + HTML, subject from a template.

Options: host, port (587 with starttls, 465 with tls, else 25), starttls, tls,
username, password, from, to (list), cc (list), subject (Jinja2 source),
template (text part), html_template (HTML part, autoescaped), ca_file (trust
this CA, e.g. a private relay's), validate_certs (default true).

SMTP answers: 4xx and connection trouble are retried; 5xx is permanent (dead,
replay after fixing).  The Message-ID is derived from the delivery key, so a
repeat after a crash carries the same id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import jinja2

from monitor.alerts.channels.base import Deps
from monitor.alerts.render import Renderer, override_for
from monitor.clock import Clock
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult

SUBJECT, TEXT, HTML = "email_subject.txt.j2", "email.txt.j2", "email.html.j2"


@dataclass(frozen=True)
class Options:
    host: str
    sender: str  # `from:` in the config
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    port: int | None = None  # None: 465 with tls, 587 with starttls, else 25
    starttls: bool = False
    tls: bool = False
    username: str | None = None
    password: str | None = None
    subject: str | None = None  # Jinja2 source of the subject line
    html_template: str | None = None
    ca_file: str | None = None
    validate_certs: bool = True

    @property
    def effective_port(self) -> int:
        return self.port or (465 if self.tls else 587 if self.starttls else 25)

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Options:
        values = dict(values)
        if "from" in values:
            values["sender"] = values.pop("from")
        for key in ("to", "cc"):
            if isinstance(values.get(key), str):
                values[key] = (values[key],)
            elif key in values:
                values[key] = tuple(values[key])
        return cls(**values)


def conflicts(values: Mapping[str, Any]) -> list[str]:
    """Options that cannot go together (the config loader reports them with
    file:line; build refuses them in a spec made another way)."""
    found = []
    if values.get("tls") and values.get("starttls"):
        found.append("set tls (implicit TLS, port 465) or starttls (port 587), not both")
    if bool(values.get("username")) != bool(values.get("password")):
        found.append("give both username and password (or neither)")
    return found


def check(options: Options) -> None:
    """ChannelError for a spec the config loader did not make."""
    if not options.to:
        raise ChannelError("email channel needs 'to:' with at least one address")
    problems = conflicts({"tls": options.tls, "starttls": options.starttls, "username": options.username,
                          "password": options.password})
    if problems:
        raise ChannelError(f"email: {problems[0]}")


def build(spec: ChannelSpec, deps: Deps) -> EmailChannel:
    options: Options = spec.options
    check(options)
    channel = EmailChannel(options, clock=deps.clock, timeout=spec.timeout.total_seconds(),
                           template=spec.template)
    try:
        channel.message(_sample_delivery())
    except (jinja2.TemplateError, OSError) as exc:
        raise ChannelError(f"email template does not render: {exc}") from exc
    return channel


class EmailChannel:
    def __init__(self, options: Options, *, clock: Clock, timeout: float, template: str | None = None) -> None:
        self.options = options
        self.clock = clock
        self.timeout = timeout
        self.template = template
        self.renderer = Renderer()

    def message(self, delivery: Delivery, template: str | None = None) -> EmailMessage:
        o, r = self.options, self.renderer
        msg = EmailMessage()
        msg["Subject"] = " ".join(r.render(delivery, SUBJECT, override_for(delivery, o.subject)).split())
        msg["From"] = str(o.sender)
        msg["To"] = ", ".join(o.to)
        if o.cc:
            msg["Cc"] = ", ".join(o.cc)
        msg["Date"] = formatdate(self.clock.now().timestamp(), usegmt=True)
        msg["Message-ID"] = f"<{delivery.key}@news-monitor>"
        msg["X-News-Monitor-Delivery"] = delivery.key
        msg.set_content(r.render(delivery, TEXT, override_for(delivery, template or self.template)))
        msg.add_alternative(r.render(delivery, HTML, override_for(delivery, o.html_template), html=True),
                            subtype="html")
        return msg

    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult:
        import aiosmtplib  # on the first send: a `once` with nothing to send never loads it

        try:
            msg = self.message(delivery, template)
        except (jinja2.TemplateError, OSError) as exc:
            return SendResult(ok=False, permanent=True, detail=f"template error: {exc}")
        o = self.options
        try:
            _, answer = await aiosmtplib.send(
                msg, hostname=o.host, port=o.effective_port,
                username=o.username or None, password=o.password or None,
                use_tls=o.tls, start_tls=o.starttls, cert_bundle=o.ca_file or None,
                validate_certs=o.validate_certs, timeout=self.timeout)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            detail = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
            return SendResult(ok=False, detail=f"SMTP refused {detail}",
                              permanent=all(c >= 500 for c in codes))
        except aiosmtplib.SMTPResponseException as exc:
            return SendResult(ok=False, detail=f"SMTP {exc.code} {exc.message}",
                              permanent=exc.code >= 500)
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as exc:
            return SendResult(ok=False, detail=f"SMTP {type(exc).__name__}: {exc}")
        return SendResult(ok=True, detail=f"SMTP {answer}".strip())

    async def aclose(self) -> None:
        return None


def _sample_delivery() -> Delivery:
    from monitor.alerts.sample import sample_delivery
    return sample_delivery("email")
