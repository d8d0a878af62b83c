"""Full text of article pages and their language.

    decode.py   decode_html     bytes -> str as a browser decodes them
    page.py     extract_html    trafilatura: the article in a page, or None
    pool.py     Extractor       extract_page in worker processes, a deadline per page
    lang.py     detect_language py3langid
    langmodel.py load_identifier py3langid's model from an uncompressed cache (ms, not ~1 s)
    preload.py  imported by the workers' fork server only

Nothing is re-exported: page.py pulls in trafilatura, which is slow to import.
"""
