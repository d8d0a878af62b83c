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
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import aiosmtplib
import jinja2

from monitor.alerts.channel import Deps, require
from monitor.alerts.render import Renderer, override_for
from monitor.clock import Clock
from monitor.errors import ChannelError
from monitor.types import ChannelSpec, Delivery, SendResult

SUBJECT, TEXT, HTML = "email_subject.txt.j2", "email.txt.j2", "email.html.j2"


class EmailChannel:
    def __init__(self, options: dict[str, Any], *, clock: Clock, timeout: float) -> None:
        self.options = options
        self.clock = clock
        self.timeout = timeout
        self.renderer = Renderer()

    @classmethod
    def build(cls, spec: ChannelSpec, deps: Deps) -> EmailChannel:
        opts = dict(spec.options)
        require(spec, "host")
        require(spec, "from")
        to = _addresses(opts.get("to"), "to")
        if not to:
            raise ChannelError("email channel needs 'to:' with at least one address")
        opts["to"], opts["cc"] = to, _addresses(opts.get("cc"), "cc")
        if opts.get("tls") and opts.get("starttls"):
            raise ChannelError("email: set either tls (implicit, port 465) or starttls (587), not both")
        if bool(opts.get("username")) != bool(opts.get("password")):
            raise ChannelError("email: username and password go together; set both or neither")
        channel = cls(opts, clock=deps.clock, timeout=spec.timeout.total_seconds())
        try:
            channel.message(_sample_delivery())
        except (jinja2.TemplateError, OSError) as exc:
            raise ChannelError(f"email template does not render: {exc}") from exc
        return channel

    def message(self, delivery: Delivery, template: str | None = None) -> EmailMessage:
        o, r = self.options, self.renderer
        msg = EmailMessage()
        msg["Subject"] = " ".join(r.render(delivery, SUBJECT, override_for(delivery, o.get("subject"))).split())
        msg["From"] = str(o["from"])
        msg["To"] = ", ".join(o["to"])
        if o.get("cc"):
            msg["Cc"] = ", ".join(o["cc"])
        msg["Date"] = formatdate(self.clock.now().timestamp(), usegmt=True)
        msg["Message-ID"] = f"<{delivery.key}@news-monitor>"
        msg["X-News-Monitor-Delivery"] = delivery.key
        msg.set_content(r.render(delivery, TEXT, override_for(delivery, template or o.get("template"))))
        msg.add_alternative(r.render(delivery, HTML, override_for(delivery, o.get("html_template")), html=True),
                            subtype="html")
        return msg

    async def send(self, delivery: Delivery, *, template: str | None = None) -> SendResult:
        try:
            msg = self.message(delivery, template)
        except (jinja2.TemplateError, OSError) as exc:
            return SendResult(ok=False, permanent=True, detail=f"template error: {exc}")
        o = self.options
        tls = bool(o.get("tls"))
        port = int(o.get("port") or (465 if tls else 587 if o.get("starttls") else 25))
        try:
            _, answer = await aiosmtplib.send(
                msg, hostname=str(o["host"]), port=port,
                username=o.get("username") or None, password=o.get("password") or None,
                use_tls=tls, start_tls=bool(o.get("starttls")), cert_bundle=o.get("ca_file") or None,
                validate_certs=bool(o.get("validate_certs", True)), timeout=self.timeout)
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


def _addresses(value: Any, key: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ChannelError(f"email '{key}:' must be an address or a list of addresses")


def _sample_delivery() -> Delivery:
    from monitor.alerts.sample import sample_delivery
    return sample_delivery("email")
