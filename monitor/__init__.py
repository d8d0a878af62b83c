"""news-monitor: polls news feeds, matches articles against watch rules, alerts once per story."""

__version__ = "0.1.0"
