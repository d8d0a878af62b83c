"""Spike alerts (a rule's `spike:` option): whether each rule is in a spike
now (rule_spike_state, one row per rule, moved by one guarded UPDATE so two
replicas never both alert one spike) and the spikes recorded (rule_spike,
for the rule's chart and JSON)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rule_spike_state',
        sa.Column('rule_id', sa.String(), nullable=False),
        sa.Column('spiking', sa.Boolean(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('rule_id', name='pk_rule_spike_state'),
    )
    op.create_table(
        'rule_spike',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rule_id', sa.String(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('average', sa.Float(), nullable=False),
        sa.Column('message', sa.String(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_rule_spike'),
    )
    op.create_index('ix_rule_spike_rule', 'rule_spike', ['rule_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_rule_spike_rule', 'rule_spike')
    op.drop_table('rule_spike')
    op.drop_table('rule_spike_state')
