"""Alembic environment and revisions for the store (run via monitor.store.migrate)."""
