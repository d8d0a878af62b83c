"""Triage on the desk: a hit marked relevant or not (hit.relevant: null until
someone says), a note on a hit, and a muted story (story.muted_at: no
follow-ups)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('hit') as batch:
        batch.add_column(sa.Column('relevant', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('note', sa.String(), nullable=True))
        batch.add_column(sa.Column('triaged_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('story') as batch:
        batch.add_column(sa.Column('muted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('story') as batch:
        batch.drop_column('muted_at')
    with op.batch_alter_table('hit') as batch:
        batch.drop_column('triaged_at')
        batch.drop_column('note')
        batch.drop_column('relevant')
