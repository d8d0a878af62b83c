"""`news-monitor match`: run the configured watch rules on articles given on
the command line (URLs, .html, .txt files or `-`) and explain every match;
`--why RULE` explains, clause by clause, why RULE did or did not match."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import typer

from monitor.cli.options import ConfigOption, config_path
from monitor.errors import ConfigError, MatchTimeout
from monitor import views
from monitor.types import Document, Match


@dataclass(frozen=True)
class Loaded:
    """One INPUT read into a Document, or the reason it could not be."""

    input: str
    doc: Document | None
    error: str | None = None


def _from_html(html: str, url: str, name: str) -> Loaded:
    from monitor.extract.page import extract_html

    extracted = extract_html(html, url)
    if extracted is None:
        return Loaded(name, None, f"{name}: no article text found in the page")
    return Loaded(name, Document(title=extracted.title, text=extracted.text, url=url,
                                 lang=extracted.lang))


def _from_text(raw: str, name: str, url: str = "") -> Loaded:
    title, _, text = raw.lstrip("\ufeff").partition("\n")
    return Loaded(name, Document(title=title.strip(), text=text.strip(), url=url))


def _fetch(url: str, config: Any) -> Loaded:
    """The daemon's own page path: the guarded fetcher (SSRF guard on every
    hop, `fetch.allow_private`, the streamed `fetch.max_bytes` cap, the
    timeout), then the same decoding and extraction."""
    from monitor.extract.decode import decode_html
    from monitor.fetch.http import Fetcher
    from monitor.fetch.settings import FetchSettings

    async def get() -> Any:
        fetcher = Fetcher(FetchSettings.from_config(config.fetch, config.poll))
        try:
            return await fetcher.fetch_page(url)
        finally:
            await fetcher.aclose()

    page = asyncio.run(get())
    if page.error:
        return Loaded(url, None, f"{url}: {page.error.replace(url + ': ', '')}")
    if "text/plain" in page.content_type:
        return _from_text(decode_html(page.body, page.content_type), url, url=page.url)
    return _from_html(decode_html(page.body, page.content_type), page.url, url)


def load_input(item: str, config: Any = None) -> Loaded:
    """Read one INPUT as the daemon would see it."""
    if item.startswith(("http://", "https://")):
        if config is None:
            from pathlib import Path as _P

            from monitor.config import Config

            config = Config(path=_P("."), files=())  # the defaults: no private addresses
        return _fetch(item, config)
    if item == "-":
        return _from_text(sys.stdin.read(), "-")
    path = Path(item)
    if not path.is_file():
        return Loaded(item, None, f"{item}: no such file (give a URL, an .html or .txt file, or -)")
    if path.suffix.lower() in (".html", ".htm"):
        from monitor.extract.decode import decode_html

        return _from_html(decode_html(path.read_bytes()), "", item)
    if path.suffix.lower() == ".txt":
        return _from_text(path.read_text(encoding="utf-8", errors="replace"), item)
    return Loaded(item, None, f"{item}: unsupported file type {path.suffix!r}: use .html or .txt")


def _with_lang(doc: Document) -> Document:
    if doc.lang:
        return doc
    from monitor.extract.lang import detect_language

    return Document(title=doc.title, text=doc.text, url=doc.url, source=doc.source,
                    lang=detect_language(f"{doc.title}\n{doc.text}"), tags=doc.tags)


def match_json(loaded: Loaded, matches: list[Match], why: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "input": loaded.input,
        "title": loaded.doc.title if loaded.doc else "",
        "lang": loaded.doc.lang if loaded.doc else "",
        "matches": [views.match_json(m) for m in matches],
    }
    if why is not None:
        out["why_not"] = why.to_dict()
    if loaded.error:
        out["error"] = loaded.error
    return out


def match_report(loaded: Loaded, matches: list[Match], why: Any = None) -> str:
    lines = [f"== {loaded.input}"]
    if loaded.doc is None:
        return "\n".join(lines + [f"   error: {loaded.error}"])
    lines += [f"   title: {loaded.doc.title}", f"   lang:  {loaded.doc.lang or '?'}"]
    if not matches:
        lines.append("   no rule matched")
    for m in matches:
        lines += [f"   MATCH {m.rule_id} ({m.rule_name})",
                  f"     terms:   {', '.join(m.terms)}",
                  f"     snippet: {m.snippet.marked()}"]
    if why is not None:
        lines += ["   " + line for line in why.text().splitlines()]
    return "\n".join(lines)


def _run_rules(ruleset: Any, loaded: Loaded, only: list[str] | None, why: str | None,
               budget: float) -> tuple[Loaded, list[Match], Any]:
    """Match one input (and explain `why`) within `budget` seconds each, as
    the daemon does (poll.match_deadline); past it, the input has an error."""
    if loaded.doc is None:
        return loaded, [], None
    loaded = Loaded(loaded.input, _with_lang(loaded.doc))
    try:
        found = ruleset.match(loaded.doc, only=only or None, deadline=time.monotonic() + budget)
        explained = ruleset.why_not(loaded.doc, why, deadline=time.monotonic() + budget) if why else None
    except MatchTimeout:
        return Loaded(loaded.input, None, f"{loaded.input}: matching timed out after {budget:g}s "
                                          "(poll.match_deadline); the daemon records such an article "
                                          "without hits"), [], None
    return loaded, found, explained


def register(app: typer.Typer) -> None:
    @app.command("match")
    def match(
        inputs: list[str] = typer.Argument(..., metavar="INPUT...",
                                           help="http(s) URL, .html file, .txt file (first line "
                                                "is the title) or - for standard input."),
        config: Optional[Path] = ConfigOption,
        rule: Optional[list[str]] = typer.Option(None, "--rule", "-r",
                                                 help="Only this rule id (repeatable)."),
        as_json: bool = typer.Option(False, "--json", help="One JSON array, one object per input."),
        why: Optional[str] = typer.Option(None, "--why", metavar="RULE",
                                          help="Explain why rule RULE did or did not match: "
                                               "which clauses held, which failed."),
    ) -> None:
        """Run the watch rules on articles and explain every match."""
        from monitor.config import load_config

        try:
            cfg = load_config(config_path(config))
        except ConfigError as exc:
            typer.echo("\n".join(exc.problems), err=True)
            raise typer.Exit(1) from None
        ruleset = cfg.ruleset
        unknown = [r for r in [*(rule or ()), *([why] if why else [])] if ruleset.get(r) is None]
        if unknown:
            known = ", ".join(spec.id for spec in ruleset.rules) or "none"
            typer.echo(f"unknown rule id {', '.join(unknown)}: the config defines {known}", err=True)
            raise typer.Exit(2)
        results = [_run_rules(ruleset, load_input(item, cfg), rule, why, cfg.poll.match_deadline.total_seconds())
                   for item in inputs]
        if as_json:
            typer.echo(json.dumps([match_json(*r) for r in results], ensure_ascii=False, indent=2))
        else:
            typer.echo("\n\n".join(match_report(*r) for r in results))
        if any(ld.doc is None for ld, _, _ in results):
            raise typer.Exit(1)
