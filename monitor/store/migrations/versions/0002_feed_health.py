"""feed health: feed.health_alert, delivery.payload, article (feed_id, created_at) index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('feed', schema=None) as batch_op:
        batch_op.add_column(sa.Column('health_alert', sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index('ix_article_feed_created', ['feed_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index('ix_article_feed_created')

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('payload')

    with op.batch_alter_table('feed', schema=None) as batch_op:
        batch_op.drop_column('health_alert')
