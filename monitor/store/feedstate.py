"""A feed row as the FeedState a poll gets (ORM rows stay in the store): its
URLs as stored (templates without secrets, monitor.feedurl), no headers;
the poll takes the real ones from its config (PollSettings.target)."""

from __future__ import annotations

from datetime import timedelta

from monitor.store.models import Feed
from monitor.store.sqlutil import stored_id
from monitor.types import FeedState, FeedStatus


def feed_state(row: Feed, *, pushed: bool = False) -> FeedState:
    return FeedState(
        id=stored_id(row.id), url=row.url, name=row.name, tags=tuple(row.tags or ()),
        interval=timedelta(seconds=row.interval_seconds), etag=row.etag,
        last_modified=row.last_modified, error_count=row.error_count,
        status=FeedStatus(row.status),
        configured_url=row.configured_url, key=row.configured_key, pushed=pushed, first_poll=row.last_success_at is None,
    )
