"""Feed parsing, apart from retrieval: bytes in, a ParsedFeed of Entries out.

    feed.py       parse_feed          RSS/Atom via feedparser on bytes, hostile input refused
    prolog.py     decode_feed         bytes -> the UTF-8 feedparser reads; DTDs and odd encodings refused
    limits.py     structure_problem   caps on attributes, depth, tags and text before parsing
    pool.py       FeedParser          parse_feed in worker processes, a CPU deadline and memory cap per feed
    jsonfeed.py   parse_json_feed     JSON Feed 1.x
    entries.py    entry_key, resolve_link, first_of_each   identity, links, dates (every format)
    htmltext.py   html_to_text        an HTML fragment -> paragraphs of plain text
    discovery.py  feed_links          a web page given as a feed: the feeds it names
    urls.py       canonical_url, entry_url   one article per canonical URL
"""
