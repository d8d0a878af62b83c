"""story_band keeps one index, its primary key (band, article_id): the story
lookup reads each band's newest articles from it, newest first, and stops
after monitor.store.storyindex.BAND_DEPTH (issue 17).  ix_story_band_band
(band alone) served no lookup the primary key does not, and cost every
recorded article 31 more index entries inside the serialised record
transaction.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_story_band_band', 'story_band')


def downgrade() -> None:
    op.create_index('ix_story_band_band', 'story_band', ['band'])
