"""processes that renew their leases (worker), per-host politeness shared by
every process (host_slot, host_pace), and max_per_hour admissions held in
the database (delivery.admitted_at)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'worker',
        sa.Column('owner', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('host', sa.String(), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(), nullable=False),
        sa.Column('listen', sa.String(), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('config', sa.String(), nullable=False),
        sa.Column('config_loaded_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('owner', name='pk_worker'),
    )
    op.create_index('ix_worker_heartbeat_at', 'worker', ['heartbeat_at'])
    op.create_table(
        'host_slot',
        sa.Column('host', sa.String(), nullable=False),
        sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('owner', sa.String(), nullable=True),
        sa.Column('until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('host', 'slot', name='pk_host_slot'),
    )
    op.create_table(
        'host_pace',
        sa.Column('host', sa.String(), nullable=False),
        sa.Column('next_start_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('host', name='pk_host_pace'),
    )
    with op.batch_alter_table('delivery') as batch:
        batch.add_column(sa.Column('admitted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('delivery') as batch:
        batch.drop_column('admitted_at')
    op.drop_table('host_pace')
    op.drop_table('host_slot')
    op.drop_index('ix_worker_heartbeat_at', 'worker')
    op.drop_table('worker')
