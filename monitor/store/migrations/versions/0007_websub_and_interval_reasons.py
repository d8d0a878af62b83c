"""WebSub subscriptions (websub_subscription: one per feed, claimed with a
lease like feeds are), and why a feed's interval is what it is
(feed.effective_interval_seconds, feed.interval_reason)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'websub_subscription',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('feed_id', sa.Integer(), nullable=False),
        sa.Column('hub', sa.String(), nullable=False),
        sa.Column('topic', sa.String(), nullable=False),
        sa.Column('token', sa.String(), nullable=False),
        sa.Column('secret', sa.String(), nullable=False),
        sa.Column('wanted', sa.String(), nullable=False),
        sa.Column('state', sa.String(), nullable=False),
        sa.Column('lease_seconds', sa.Integer(), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('next_action_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_push_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('pushes', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('error', sa.String(), nullable=True),
        sa.Column('error_count', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('lease_owner', sa.String(), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['feed_id'], ['feed.id'], name='fk_websub_subscription_feed_id_feed'),
        sa.PrimaryKeyConstraint('id', name='pk_websub_subscription'),
        sa.UniqueConstraint('feed_id', name='uq_websub_subscription_feed_id'),
        sa.UniqueConstraint('token', name='uq_websub_subscription_token'),
    )
    op.create_index('ix_websub_subscription_next_action_at', 'websub_subscription', ['next_action_at'])
    with op.batch_alter_table('feed') as batch:
        batch.add_column(sa.Column('effective_interval_seconds', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('interval_reason', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('feed') as batch:
        batch.drop_column('interval_reason')
        batch.drop_column('effective_interval_seconds')
    op.drop_index('ix_websub_subscription_next_action_at', 'websub_subscription')
    op.drop_table('websub_subscription')
