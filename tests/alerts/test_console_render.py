"""Console output and template overrides (channel and rule)."""

from __future__ import annotations

import io

import pytest

from monitor.alerts.channels import channel_spec
from tests.runtime_helpers import channels
from monitor.alerts.render import Renderer, html_marks, mrkdwn, plain
from monitor.clock import FrozenClock
from monitor.errors import ChannelError
from tests.alerts.conftest import make_delivery, make_hit


async def test_console_prints_one_readable_block(clock: FrozenClock) -> None:
    out = io.StringIO()
    channel = channels({"console": channel_spec("console", "console")}, clock, stream=out)["console"]
    assert (await channel.send(make_delivery(1, "console"))).ok
    assert out.getvalue() == (
        "=== Chinese envoy to North Korea (china-envoy-nk)\n"
        "China sends special envoy to Pyongyang #1\n"
        "Example Wire · 2026-03-02 06:25 UTC\n"
        "https://news.example/1\n"
        "  Xi Jinping is sending a senior **diplomat** to **North Korea** as a special **envoy**\n"
        "  terms: diplomat, North Korea, envoy\n"
        "  also: Daily Planet\n\n")


async def test_console_digest_lists_each_hit(clock: FrozenClock) -> None:
    out = io.StringIO()
    channel = channels({"c": channel_spec("c", "console")}, clock, stream=out)["c"]
    await channel.send(make_delivery(1, "c", kind="digest", hits=(make_hit(1), make_hit(2))))
    text = out.getvalue()
    assert text.startswith("=== Chinese envoy to North Korea (china-envoy-nk): 2 hits\n")
    assert text.count("\n- China sends") == 2


async def test_channel_template_then_rule_template_override(clock: FrozenClock, tmp_path) -> None:
    out = io.StringIO()
    spec = channel_spec("c", "console", {"template": "{{ rule.name }} -> {{ hit.url }}"})
    channel = channels({"c": spec}, clock, stream=out)["c"]
    await channel.send(make_delivery(1, "c"))
    path = tmp_path / "mine.j2"
    path.write_text("from file: {{ hit.title | upper }}")
    await channel.send(make_delivery(2, "c"), template=str(path))
    assert out.getvalue() == ("Chinese envoy to North Korea -> https://news.example/1\n\n"
                              "from file: CHINA SENDS SPECIAL ENVOY TO PYONGYANG #2\n\n")


async def test_broken_templates_fail_early_or_as_permanent_results(clock: FrozenClock) -> None:
    with pytest.raises(ChannelError, match="'c'.*template does not compile"):
        channels({"c": channel_spec("c", "console", {"template": "{% if %}"})}, clock)
    channel = channels({"c": channel_spec("c", "console")}, clock, stream=io.StringIO())["c"]
    result = await channel.send(make_delivery(1, "c"), template="{{ hit.nope }}")
    assert not result.ok and result.permanent and "template error" in result.detail


def test_unknown_channel_type_names_the_choices(clock: FrozenClock) -> None:
    with pytest.raises(ChannelError, match="unknown type 'pager'; use one of apprise, console, email, slack, webhook"):
        channels({"p": channel_spec("p", "pager")}, clock)


def test_filters() -> None:
    text = "a **<b>** & **c**"
    assert plain(text) == "a <b> & c"
    assert str(html_marks(text)) == "a <mark>&lt;b&gt;</mark> &amp; <mark>c</mark>"
    assert mrkdwn(text) == "a *&lt;b&gt;* &amp; *c*"


def test_html_is_autoescaped_even_in_overrides() -> None:
    r = Renderer()
    d = make_delivery(1, hits=(make_hit(1, title="<script>x</script>"),))
    assert "&lt;script&gt;" in r.render(d, "email.html.j2", html=True)
    assert r.render(d, "email.html.j2", "<p>{{ hit.title }}</p>", html=True) == "<p>&lt;script&gt;x&lt;/script&gt;</p>"
