"""the story index moves into the database (story_signature, story_band) and
articles can carry a note; the index is filled from the last week's articles

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'story_signature',
        sa.Column('article_id', sa.Integer(), sa.ForeignKey('article.id', ondelete='CASCADE',
                                                             name='fk_story_signature_article_id_article'),
                  primary_key=True),
        sa.Column('story_id', sa.Integer(), sa.ForeignKey('story.id', name='fk_story_signature_story_id_story'),
                  nullable=False),
        sa.Column('signature', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('article_id', name='pk_story_signature'),
    )
    op.create_index('ix_story_signature_created_at', 'story_signature', ['created_at'])
    op.create_table(
        'story_band',
        sa.Column('band', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('article_id', sa.Integer(), sa.ForeignKey('article.id', ondelete='CASCADE',
                                                             name='fk_story_band_article_id_article'),
                  nullable=False),
        sa.PrimaryKeyConstraint('band', 'article_id', name='pk_story_band'),
    )
    op.create_index('ix_story_band_band', 'story_band', ['band'])
    with op.batch_alter_table('article') as batch:
        batch.add_column(sa.Column('note', sa.String(), nullable=True))
    _fill_index()


def _fill_index() -> None:
    """Index the last week's stored articles, as the daemon did at start
    before this revision (their text may have been pruned: those are skipped)."""
    from monitor.stories.key import story_key
    from monitor.stories.settings import ClusterSettings

    settings = ClusterSettings()
    since = datetime.now(timezone.utc) - settings.window
    article = sa.table('article', sa.column('id', sa.Integer()), sa.column('story_id', sa.Integer()),
                       sa.column('text', sa.String()), sa.column('title', sa.String()),
                       sa.column('created_at', sa.DateTime(timezone=True)))
    conn = op.get_bind()
    rows = conn.execute(sa.select(article.c.id, article.c.story_id, article.c.text, article.c.title,
                                  article.c.created_at)
                        .where(article.c.created_at >= since, article.c.story_id.is_not(None))).all()
    signatures, bands = [], []
    for article_id, story_id, text, title, created in rows:
        key = story_key(text or "", title or "", settings)
        if key is None:
            continue
        signatures.append({'article_id': article_id, 'story_id': story_id, 'signature': key.signature,
                           'created_at': created})
        bands += [{'band': band, 'article_id': article_id} for band in dict.fromkeys(key.bands)]
    if signatures:
        op.bulk_insert(sa.table('story_signature', sa.column('article_id', sa.Integer()),
                                sa.column('story_id', sa.Integer()), sa.column('signature', sa.LargeBinary()),
                                sa.column('created_at', sa.DateTime(timezone=True))), signatures)
        op.bulk_insert(sa.table('story_band', sa.column('band', sa.BigInteger()),
                                sa.column('article_id', sa.Integer())), bands)


def downgrade() -> None:
    with op.batch_alter_table('article') as batch:
        batch.drop_column('note')
    op.drop_index('ix_story_band_band', 'story_band')
    op.drop_table('story_band')
    op.drop_index('ix_story_signature_created_at', 'story_signature')
    op.drop_table('story_signature')
