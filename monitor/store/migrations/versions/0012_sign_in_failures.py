"""Failed token checks per client address (sign_in_failure), so the limit on
guessing http.token holds across replicas (monitor.web.signin)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_in_failure',
        sa.Column('client', sa.String(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('client', name='pk_sign_in_failure'),
    )
    op.create_index('ix_sign_in_failure_since', 'sign_in_failure', ['since'])


def downgrade() -> None:
    op.drop_index('ix_sign_in_failure_since', 'sign_in_failure')
    op.drop_table('sign_in_failure')
