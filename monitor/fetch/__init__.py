"""Getting articles in: fetch a feed, parse it, canonicalise its links, extract
full text, detect language.

    http.py (and siblings)  FeedState -> FetchResult       the HTTP fetcher
    parse.py                bytes -> ParsedFeed [Entry]    feedparser on bytes, hostile input refused
    jsonfeed.py             JSON Feed 1.x -> ParsedFeed
    urls.py                 canonical_url, entry_url       one article per canonical URL
    extract.py              Extractor (process pool)       trafilatura full text, decode_html
    lang.py                 detect_language                py3langid

Nothing is re-exported here: import the module you need (extract.py pulls in
trafilatura, which is slow to import).
"""
