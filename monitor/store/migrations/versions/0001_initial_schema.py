"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('key', name=op.f('uq_delivery_key'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_delivery_digest', ['digest', 'status', 'channel', 'rule_id'], unique=False)
        batch_op.create_index('ix_delivery_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_next_attempt_at'), ['next_attempt_at'], unique=False)

    op.create_table('feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('configured_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=True),
    sa.Column('interval_seconds', sa.Integer(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('etag', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('last_modified', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('next_poll_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_poll_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('last_error_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('entries_last', sa.Integer(), nullable=True),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feed')),
    sa.UniqueConstraint('configured_url', name=op.f('uq_feed_configured_url')),
    sa.UniqueConstraint('url', name=op.f('uq_feed_url'))
    )
    with op.batch_alter_table('feed', schema=None) as batch_op:
        batch_op.create_index('ix_feed_due', ['active', 'next_poll_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feed_next_poll_at'), ['next_poll_at'], unique=False)

    op.create_table('story',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('article_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story'))
    )
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('canonical_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('guid', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text_source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('published', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('feed_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['feed_id'], ['feed.id'], name=op.f('fk_article_feed_id_feed')),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], name=op.f('fk_article_story_id_story')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article')),
    sa.UniqueConstraint('canonical_url', name=op.f('uq_article_canonical_url'))
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_story_id'), ['story_id'], unique=False)

    op.create_table('hit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('rule_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('matched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('terms', sa.JSON(), nullable=True),
    sa.Column('snippet', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_hit_article_id_article')),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], name=op.f('fk_hit_story_id_story')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hit')),
    sa.UniqueConstraint('rule_id', 'story_id', name='uq_hit_rule_story')
    )
    with op.batch_alter_table('hit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hit_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_hit_matched', ['matched_at', 'id'], unique=False)

    op.create_table('sighting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('entry_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_sighting_article_id_article')),
    sa.ForeignKeyConstraint(['feed_id'], ['feed.id'], name=op.f('fk_sighting_feed_id_feed')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sighting')),
    sa.UniqueConstraint('feed_id', 'entry_key', name='uq_sighting_feed_entry')
    )
    with op.batch_alter_table('sighting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sighting_article_id'), ['article_id'], unique=False)

    op.create_table('delivery_hit',
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('hit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_delivery_hit_delivery_id_delivery')),
    sa.ForeignKeyConstraint(['hit_id'], ['hit.id'], name=op.f('fk_delivery_hit_hit_id_hit')),
    sa.PrimaryKeyConstraint('delivery_id', 'hit_id', name=op.f('pk_delivery_hit'))
    )
    with op.batch_alter_table('delivery_hit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_hit_hit_id'), ['hit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('delivery_hit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_hit_hit_id'))

    op.drop_table('delivery_hit')
    with op.batch_alter_table('sighting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sighting_article_id'))

    op.drop_table('sighting')
    with op.batch_alter_table('hit', schema=None) as batch_op:
        batch_op.drop_index('ix_hit_matched')
        batch_op.drop_index(batch_op.f('ix_hit_article_id'))

    op.drop_table('hit')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_story_id'))

    op.drop_table('article')
    op.drop_table('story')
    with op.batch_alter_table('feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_next_poll_at'))
        batch_op.drop_index('ix_feed_due')

    op.drop_table('feed')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_next_attempt_at'))
        batch_op.drop_index('ix_delivery_due')
        batch_op.drop_index('ix_delivery_digest')
        batch_op.drop_index('ix_delivery_created')

    op.drop_table('delivery')
