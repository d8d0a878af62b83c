"""PostgreSQL: a NOTIFY on news_monitor_deliveries whenever a delivery is
queued or made due (pending, not waiting for a digest), so every process's
dispatcher wakes at once (one per transaction: PostgreSQL folds repeats);
nothing on SQLite, where the process that records wakes its own

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION news_monitor_notify_deliveries() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('news_monitor_deliveries', '');
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER delivery_notify AFTER INSERT OR UPDATE OF status, next_attempt_at, digest ON delivery
        FOR EACH ROW WHEN (NEW.status = 'pending' AND NEW.digest IS NULL)
        EXECUTE FUNCTION news_monitor_notify_deliveries()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS delivery_notify ON delivery")
    op.execute("DROP FUNCTION IF EXISTS news_monitor_notify_deliveries()")
