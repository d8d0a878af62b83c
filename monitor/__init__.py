"""news-monitor: polls news feeds, matches articles against watch rules, alerts once per story."""

__version__ = "0.1.0"
USER_AGENT = f"news-monitor/{__version__} (+https://github.com/news-monitor/news-monitor)"
