"""Builders for the feeds the parse tests feed in."""

from __future__ import annotations


def rss(items: str, *, channel: str = "<title>Desk</title>",
        prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f'{prolog}\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel>{channel}{items}</channel></rss>").encode("utf-8")


def item(n: int, *, guid: str | None = None, link: str | None = None, extra: str = "") -> str:
    guid_xml = f'<guid isPermaLink="false">{guid}</guid>' if guid is not None else ""
    link_xml = f"<link>{link}</link>" if link is not None else ""
    return (f"<item><title>Story {n}</title>{link_xml}{guid_xml}"
            f"<description>Text of story {n}.</description>{extra}</item>")
