"""RSS 2.0, Atom, RDF and JSON Feed parse into the same Entry records."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from monitor.parse.feed import parse_feed
from monitor.types import Entry, ParsedFeed

from .feeds import item, rss

URL = "https://news.example.com/feeds/world.xml"

RSS20 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel>
  <title>World &amp; Asia</title>
  <link>https://news.example.com/</link>
  <ttl>15</ttl>
  <item>
   <title>China&#8217;s envoy heads to Pyongyang</title>
   <link>/world/envoy.html</link>
   <guid isPermaLink="false">story-1</guid>
   <dc:creator>Jane Roe</dc:creator>
   <pubDate>Fri, 17 Nov 2017 18:00:00 +0900</pubDate>
   <description>Short teaser.</description>
   <content:encoded><![CDATA[<p>First <b>paragraph</b>.</p><script>alert(1)</script><p>Second&nbsp;paragraph
     over two lines.</p>]]></content:encoded>
  </item>
  <item>
   <title>Second story</title>
   <link>https://news.example.com/world/second.html</link>
   <description>&lt;p&gt;Only a &lt;i&gt;description&lt;/i&gt;.&lt;/p&gt;</description>
  </item>
 </channel>
</rss>"""


def test_rss20_golden() -> None:
    assert parse_feed(RSS20, url=URL, content_type="application/rss+xml") == ParsedFeed(
        entries=(
            Entry(key="story-1", link="https://news.example.com/world/envoy.html",
                  title="China’s envoy heads to Pyongyang",
                  summary="First paragraph.\n\nSecond paragraph over two lines.",
                  published=datetime(2017, 11, 17, 9, 0, tzinfo=timezone.utc), author="Jane Roe"),
            Entry(key="https://news.example.com/world/second.html",
                  link="https://news.example.com/world/second.html",
                  title="Second story", summary="Only a description."),
        ),
        title="World & Asia", ttl=timedelta(minutes=15))


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Desk &lt;em&gt;Asia&lt;/em&gt;</title>
  <id>urn:uuid:feed</id>
  <updated>2024-03-01T10:00:00Z</updated>
  <entry>
    <title>Atom entry</title>
    <id>tag:example.com,2024:1</id>
    <link rel="alternate" type="text/html" href="articles/1"/>
    <link rel="enclosure" href="https://cdn.example.com/a.mp3"/>
    <updated>2024-03-01T10:00:00+02:00</updated>
    <author><name>A. Writer</name></author>
    <summary>Summary only.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Body one.</p><p>Body two, longer than the summary.</p></div></content>
  </entry>
</feed>"""


def test_atom_golden() -> None:
    parsed = parse_feed(ATOM, url="https://example.com/feed.atom", content_type="application/atom+xml")
    assert parsed.error is None and parsed.warning is None
    assert parsed.title == "Desk Asia"
    assert parsed.entries == (Entry(
        key="tag:example.com,2024:1", link="https://example.com/articles/1", title="Atom entry",
        summary="Body one.\n\nBody two, longer than the summary.",
        published=datetime(2024, 3, 1, 8, 0, tzinfo=timezone.utc), author="A. Writer"),)


RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/">
    <title>RDF desk</title><link>https://example.org/</link><description>d</description>
  </channel>
  <item rdf:about="https://example.org/a?utm_source=rss">
    <title>RDF item</title>
    <link>https://example.org/a?utm_source=rss</link>
    <description>RDF body.</description>
    <dc:date>2023-05-06T07:08:09Z</dc:date>
  </item>
</rdf:RDF>"""


def test_rdf_golden() -> None:
    parsed = parse_feed(RDF, url="https://example.org/index.rdf", content_type="application/rdf+xml")
    assert parsed.title == "RDF desk"
    assert parsed.entries == (Entry(
        key="https://example.org/a?utm_source=rss", link="https://example.org/a?utm_source=rss",
        title="RDF item", summary="RDF body.", published=datetime(2023, 5, 6, 7, 8, 9, tzinfo=timezone.utc)),)


JSON_FEED = b"""{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "JSON desk",
  "items": [
    {"id": "1", "url": "/posts/1", "title": "Json one", "content_html": "<p>A.</p><p>B.</p>",
     "date_published": "2024-01-02T03:04:05-01:00", "authors": [{"name": "Ann"}]},
    {"id": "1", "url": "/posts/dup", "title": "Duplicate id", "content_text": "x"},
    {"content_text": "No id, no url."}
  ]
}"""


def test_json_feed() -> None:
    parsed = parse_feed(JSON_FEED, url="https://j.example.com/feed.json", content_type="application/feed+json")
    first, second = parsed.entries
    assert first == Entry(key="1", link="https://j.example.com/posts/1", title="Json one", summary="A.\n\nB.",
                          published=datetime(2024, 1, 2, 4, 4, 5, tzinfo=timezone.utc), author="Ann")
    assert second.key.startswith("sha256:") and second.link == "" and second.summary == "No id, no url."
    assert parsed.title == "JSON desk" and "repeated" in (parsed.warning or "")


def test_json_that_is_not_a_feed() -> None:
    parsed = parse_feed(b'{"hello": "world"}', url="https://j.example.com/api", content_type="application/json")
    assert parsed.error_kind == "not-a-feed" and "JSON Feed" in (parsed.error or "")


def test_summary_prefers_the_longest_content() -> None:
    longer = "<content:encoded><![CDATA[<p>The full story, much longer than the teaser.</p>]]></content:encoded>"
    parsed = parse_feed(rss(item(1, guid="g", extra=longer)), url=URL)
    assert parsed.entries[0].summary == "The full story, much longer than the teaser."


def test_valid_feed_without_items_is_not_an_error() -> None:
    parsed = parse_feed(rss(""), url=URL)
    assert parsed == ParsedFeed((), title="Desk")


def test_link_schemes_an_article_cannot_have_are_dropped() -> None:
    items = (item(1, guid="a", link="javascript:alert(1)") + item(2, guid="b", link="file:///etc/passwd")
             + item(3, guid="c", link="//cdn.example.com/x"))
    links = [e.link for e in parse_feed(rss(items), url=URL).entries]
    assert links == ["", "", "https://cdn.example.com/x"]
