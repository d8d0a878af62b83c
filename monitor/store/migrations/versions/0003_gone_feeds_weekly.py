"""gone feeds are re-checked weekly: feeds parked by the old ten-year delay
get a next poll within a week (data only)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    feed = sa.table('feed', sa.column('status', sa.String()), sa.column('next_poll_at', sa.DateTime(timezone=True)))
    week = datetime.now(timezone.utc) + timedelta(days=7)
    op.execute(feed.update().where(feed.c.status == 'gone', feed.c.next_poll_at > week).values(next_poll_at=week))


def downgrade() -> None:
    pass  # data only: nothing to undo
