"""Imported by the extraction pool's fork server (and only there): loads what
every worker needs once, so each worker forked from it - including the ones
that replace a worker after max_tasks_per_child pages - starts ready instead
of spending ~1 s loading the language model while a page waits on it."""

import trafilatura  # noqa: F401

from monitor.extract.lang import detect_language

detect_language("This sentence loads the language model into the fork server once.")
