"""channels: each type's keys, required keys, defaults and checks."""

from __future__ import annotations

from datetime import timedelta


def test_every_channel_type_with_its_options(cfg) -> None:
    config = cfg.load("""
        channels:
          console: {type: console}
          hook: {type: webhook, url: "https://h.example/in", secret: s, headers: {X-A: b},
                 timeout: 5s, max_attempts: 3, concurrency: 2}
          slack: {type: slack, webhook_url: "https://hooks.slack.example/x", quiet_hours: "22:00-7:00 Asia/Seoul"}
          mail: {type: email, host: smtp.example.com, tls: true, username: u, password: p,
                 from: m@example.com, to: [a@example.com], cc: [b@example.com], subject: "[{{ rule }}]",
                 template: "t"}
          many: {type: apprise, urls: ["json://localhost/"]}
    """)
    ch = config.channels
    assert (ch["console"].options.stream, ch["console"].concurrency) == ("stdout", 4)
    assert (ch["hook"].timeout, ch["hook"].max_attempts, ch["hook"].concurrency) == (timedelta(seconds=5), 3, 2)
    hook = ch["hook"].options
    assert (hook.url, hook.secret, hook.headers) == ("https://h.example/in", "s", (("X-A", "b"),))
    assert ch["slack"].quiet_hours == "22:00-07:00 Asia/Seoul"
    assert (ch["slack"].timeout, ch["slack"].max_attempts) == (timedelta(seconds=15), 8)
    mail = ch["mail"].options
    assert (mail.effective_port, mail.tls, mail.starttls) == (465, True, False)
    assert (mail.sender, mail.to, mail.cc) == ("m@example.com", ("a@example.com",), ("b@example.com",))
    assert (mail.subject, ch["mail"].template) == ("[{{ rule }}]", "t")
    assert ch["many"].options.urls == ("json://localhost/",)
    assert ch["mail"].source == f"{cfg.root / 'monitor.yaml'}:6"


def test_email_port_follows_starttls_and_empty_optional_secrets_are_dropped(cfg) -> None:
    config = cfg.load("""
        channels:
          mail: {type: email, host: h, starttls: "${TLS:-true}", from: a@b.c, to: [d@e.f]}
          hook: {type: webhook, url: "https://h.example/", secret: "${WEBHOOK_SECRET:-}"}
    """)
    assert config.channels["mail"].options.effective_port == 587
    assert config.channels["mail"].options.starttls is True
    assert config.channels["hook"].options.secret is None


def test_channel_problems(cfg) -> None:
    problems = cfg.problems("""
        channels:
          a: {type: webhook}
          b: {type: slack, webhook_url: "not a url", urls: [x]}
          c: {type: email, host: h, from: nobody, to: [], tls: true, starttls: true, port: 0}
          d: {type: carrier-pigeon}
          e: {url: "https://x.example/"}
          f: {type: console, stream: stdlog, quiet_hours: "late", max_attempts: 0, timeout: 0s}
          g: {type: apprise, urls: []}
    """)
    text = "\n".join(problems)
    for expected in (
        ":2: channels.a: missing required key 'url'",
        ":3: channels.b.webhook_url: expected an http:// or https:// URL",
        ":3: unknown key 'urls' in channels.b; expected one of: type, max_attempts,",
        ":4: channels.c.from: expected an email address like desk@example.com, got 'nobody'",
        ":4: channels.c.to: needs at least one address",
        ":4: channels.c: set tls (implicit TLS, port 465) or starttls (port 587), not both",
        ":4: channels.c.port: must be at least 1",
        ":5: channels.d.type: expected one of console, webhook, slack, email, apprise, got 'carrier-pigeon'",
        ":6: channels.e: missing required key 'type' (one of console, webhook, slack, email, apprise)",
        ":7: channels.f.stream: expected one of stdout, stderr, got 'stdlog'; did you mean 'stdout'?",
        ":7: channels.f.quiet_hours: expected 'HH:MM-HH:MM [Zone]'",
        ":7: channels.f.max_attempts: must be at least 1",
        ":7: channels.f.timeout: must be longer than 0s",
        ":8: channels.g.urls: needs at least one Apprise URL",
    ):
        assert expected in text, expected
    assert len(problems) == 14
