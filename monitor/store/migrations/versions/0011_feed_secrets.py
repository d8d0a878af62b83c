"""No secret at rest in the feed table: a feed is known by the digest of its
URL (feed.configured_key, feed.url_key, unique in place of the URLs), its
URLs are stored as templates without their `${VAR}` secrets, its headers as
names with a digest of each value (monitor.feedurl).  Rows written before:
their URLs scrubbed of every part that may be a secret (the next config sync
writes each configured feed's exact template), their headers digested, and
those parts and header values redacted from their stored errors.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from monitor import feedurl
from monitor.redact import Redactor

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

FEED = sa.table('feed', sa.column('id', sa.Integer), sa.column('url', sa.String),
                sa.column('configured_url', sa.String), sa.column('url_key', sa.String),
                sa.column('configured_key', sa.String), sa.column('headers', sa.JSON),
                sa.column('last_error', sa.String))


def upgrade() -> None:
    with op.batch_alter_table('feed') as batch:
        batch.add_column(sa.Column('url_key', sa.String(), nullable=True))
        batch.add_column(sa.Column('configured_key', sa.String(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # the pages the old rows leave are zeroed, not just freed
        bind.exec_driver_sql("PRAGMA secure_delete = ON")
    for row in bind.execute(sa.select(FEED)).all():
        headers = [(str(k), str(v)) for k, v in (row.headers or ())]
        redact = Redactor([*feedurl.hidden_parts(row.url), *feedurl.hidden_parts(row.configured_url),
                           *(v for _, v in headers)])
        bind.execute(sa.update(FEED).where(FEED.c.id == row.id).values(
            url_key=feedurl.key(row.url), configured_key=feedurl.key(row.configured_url),
            url=feedurl.scrub(row.url), configured_url=feedurl.scrub(row.configured_url),
            headers=feedurl.stored_headers(headers),
            last_error=redact(row.last_error) if row.last_error else row.last_error))
    with op.batch_alter_table('feed') as batch:
        batch.drop_constraint('uq_feed_url', type_='unique')
        batch.drop_constraint('uq_feed_configured_url', type_='unique')
        batch.alter_column('url_key', existing_type=sa.String(), nullable=False)
        batch.alter_column('configured_key', existing_type=sa.String(), nullable=False)
        batch.create_unique_constraint('uq_feed_url_key', ['url_key'])
        batch.create_unique_constraint('uq_feed_configured_key', ['configured_key'])


def downgrade() -> None:
    """The keys go; the URLs stay templates (their secrets were never kept)."""
    with op.batch_alter_table('feed') as batch:
        batch.drop_constraint('uq_feed_configured_key', type_='unique')
        batch.drop_constraint('uq_feed_url_key', type_='unique')
        batch.drop_column('configured_key')
        batch.drop_column('url_key')
        batch.create_unique_constraint('uq_feed_url', ['url'])
        batch.create_unique_constraint('uq_feed_configured_url', ['configured_url'])
