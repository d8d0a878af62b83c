"""${VAR} expansion, *_file secrets, and secrets never shown."""

from __future__ import annotations

from datetime import timedelta


def test_variables_and_defaults_are_expanded(cfg) -> None:
    config = cfg.load("""
        database: "${DB:-sqlite:///x.db}"
        poll:
          interval: "${EVERY:-5m}"
          concurrency: ${WORKERS}
          jitter: "${JITTER:-0.5}"
        http: {listen: "${HOST}:${PORT:-8080}"}
        feeds: [{url: "https://x.example/$${raw}/rss", name: "cost $5"}]
    """, env={"WORKERS": "7", "HOST": "0.0.0.0", "EVERY": ""})
    assert config.database == f"sqlite:///{cfg.root / 'x.db'}"
    assert config.poll.interval == timedelta(minutes=5)  # empty counts as unset for :-
    assert config.poll.concurrency == 7  # an unquoted ${VAR} takes the type of its value
    assert config.poll.jitter == 0.5  # a quoted one is read as the number it holds
    assert config.http.listen == "0.0.0.0:8080"
    assert config.feeds[0].url == "https://x.example/${raw}/rss"
    assert config.feeds[0].name == "cost $5"


def test_an_unset_variable_is_an_error_naming_it_and_the_line(cfg, one_problem) -> None:
    problem = one_problem("""
        poll: {interval: 5m}
        channels:
          hook: {type: webhook, url: "${WEBHOOK_URL}"}
    """)
    assert problem.startswith(f"{cfg.root / 'monitor.yaml'}:3: url: environment variable "
                              "WEBHOOK_URL is not set;")
    assert "${WEBHOOK_URL:-default}" in problem


def test_file_keys_read_secrets(cfg) -> None:
    cfg.write("secrets/smtp", "s3cret-pass\n")
    cfg.write("secrets/token", "tok\n")
    config = cfg.load("""
        http: {token_file: secrets/token}
        channels:
          mail: {type: email, host: smtp.example.com, username: me, password_file: secrets/smtp,
                 from: me@example.com, to: [desk@example.com]}
    """)
    assert config.http.token == "tok"
    assert config.channels["mail"].options.password == "s3cret-pass"
    assert cfg.root / "secrets" / "smtp" in config.files and cfg.root / "secrets" / "token" in config.files


def test_file_key_and_plain_key_together_or_unreadable_are_errors(cfg) -> None:
    cfg.write("tok", "abc")
    problems = cfg.problems("""
        http: {token: abc, token_file: tok}
        channels:
          hook: {type: webhook, url: "https://h.example/", secret_file: /nonexistent/secret}
    """)
    assert problems[0].endswith(":1: http: give either 'token' or 'token_file', not both")
    assert ":3: channels.hook.secret_file: cannot read secret file '/nonexistent/secret': " \
           "No such file or directory; create it or fix the path" in problems[1]
    assert len(problems) == 2


def test_secrets_never_appear_in_errors_or_reprs(cfg) -> None:
    env = {"SMTP_PASSWORD": "hunter2-from-env", "HOOK": "https://h.example/?key=env-hook-key"}
    problems = cfg.problems("""
        database: "postgresql+psycopg://u:dbpass@db/monitor"
        channels:
          mail: {type: email, host: smtp.example.com, port: 99999, username: me,
                 password: "${SMTP_PASSWORD}", from: me@example.com, to: nobody}
          mail2: {type: email, host: smtp.example.com, username: me, password: [hunter3-inline],
                  from: me@example.com, to: [a@b.c]}
          hook: {type: webhook, url: "${HOOK}", secret: {nested: hunter4}, headers: {Authorization: hunter5}}
          hook2: {type: webhook, url: "notaurl-hunter6"}
        fetch: {timeout: "${SMTP_PASSWORD}"}
    """, env=env)
    text = "\n".join(problems)
    assert "channels.mail.port" in text and "channels.mail.to" in text and "channels.mail2.password" in text
    assert "channels.hook.secret" in text and "channels.hook2.url" in text and "fetch.timeout" in text
    assert "a hidden value (from $SMTP_PASSWORD)" in text
    for secret in ("hunter2", "hunter3", "hunter4", "hunter6", "env-hook-key"):
        assert secret not in text

    config = cfg.load("""
        database: "postgresql+psycopg://u:dbpass@db/monitor"
        http: {token: "api-token-1"}
        channels:
          mail: {type: email, host: smtp.example.com, username: me, password: "${SMTP_PASSWORD}",
                 from: me@example.com, to: [desk@example.com]}
          hook: {type: webhook, url: "${HOOK}", secret: whsec-1, headers: {Authorization: Bearer-1}}
          slack: {type: slack, webhook_url: "https://hooks.slack.example/T0/B0/slack-secret"}
          apprise: {type: apprise, urls: ["tgram://bot-secret/chat"]}
    """, env=env)
    shown = repr(config)
    for secret in ("hunter2-from-env", "dbpass", "api-token-1", "env-hook-key", "whsec-1", "Bearer-1",
                   "slack-secret", "bot-secret"):
        assert secret not in shown
    assert "postgresql+psycopg://u:***@db/monitor" in shown
    # ... but the code that uses them gets the real values as plain strings
    assert config.channels["mail"].options.password == "hunter2-from-env"
    assert f"{config.channels['hook'].options.secret}" == "whsec-1"
    assert config.database == "postgresql+psycopg://u:dbpass@db/monitor"


def test_var_parts_of_a_feed_url_are_kept_out_of_logs(cfg) -> None:
    import io
    import logging

    from monitor.logs import LogControl, secret_values

    config = cfg.load("""
        feeds: [{url: "https://${NEWS_HOST}/rss?apikey=${NEWS_KEY}", name: Wire}]
    """, env={"NEWS_HOST": "wire.example", "NEWS_KEY": "k3ySecretValue"})
    assert config.feeds[0].url == "https://wire.example/rss?apikey=k3ySecretValue"
    assert "k3ySecretValue" in secret_values(config) and "wire.example" not in secret_values(config)
    stream = io.StringIO()
    logs = LogControl(stream)
    logs.apply("text", "INFO", secret_values(config))
    try:
        logging.getLogger("monitor.test").warning("feed %s: HTTP 401", config.feeds[0].url)
    finally:
        logs.close()
    assert "k3ySecretValue" not in stream.getvalue() and "https://wire.example/rss?apikey=***" in stream.getvalue()
