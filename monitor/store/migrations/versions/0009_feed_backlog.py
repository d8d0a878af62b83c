"""feed.backlog_count: how many entries of a feed were taken as backlog
(poll.max_age: recorded with the feed's text, no page, no alert)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feed') as batch:
        batch.add_column(sa.Column('backlog_count', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('feed') as batch:
        batch.drop_column('backlog_count')
