"""news-monitor: polls news feeds, matches articles against watch rules, alerts once per story."""

import sys as _sys

__version__ = "0.1.0"
USER_AGENT = f"news-monitor/{__version__} (+https://github.com/news-monitor/news-monitor)"

# httpx imports its command-line client (click, rich, pygments: 0.3-0.5 s of
# start-up) whenever those happen to be installed; we never run it.  A None
# entry makes httpx take its own "CLI not installed" fallback.
if "httpx" not in _sys.modules:
    _sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
