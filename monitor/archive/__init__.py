"""The archive's use cases over stored articles: backtest a rule (stored or
draft), backfill its hits, search with the database's full-text index.

    scan = backtest.scan(articles, ruleset, rule_id, ...)      # pure: what a rule matches
    result = runner.run_backtest(store, config, rule=..., query=..., since=..., now=...)
    hits = runner.run_backfill(store, config, rule_id, since=..., now=..., alert=False)

Counting is by story, as hits are: a story matched by several of its
articles counts once, on its first stored article.
"""
