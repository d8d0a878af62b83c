"""Polling feeds: which feed when, and one poll of one feed.

    schedule.py  next_poll, observed_publish_interval   pure: when a feed is polled next
    decide.py    pure decisions of one poll (text, dates, outcomes, budget, stories)
    pipeline.py  Pipeline.poll_feed: fetch -> parse -> unseen -> extract -> match -> record
    poller.py    Poller: claims due feeds and runs their polls (burst or ticks)
"""
