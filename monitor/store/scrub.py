"""Stored texts written before their secrets were hidden: redacted in place.

Errors and answers are redacted before they are stored (monitor.redact),
but a database written by an older version, or before a secret was
configured, may still hold one: a receiver's reply quoting a webhook path,
a fetch error quoting `?apikey=...`.  At start the daemon passes every
secret of its config here; each text column that can quote one is read
once (only the rows containing a part of a secret) and rewritten redacted."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import or_, select, update

from monitor.store.engine import Database
from monitor.store.models import DeliveryRow, Feed, WebSubSubscription
from monitor.store.sqlutil import table_of

TEXTS = ((Feed, "last_error"), (DeliveryRow, "last_error"), (DeliveryRow, "detail"),
         (WebSubSubscription, "error"))


def redact_stored(db: Database, parts: Sequence[str], redact: Callable[[str], str]) -> int:
    """Rewrite every stored text holding one of `parts` (the pieces of the
    secrets that may be quoted alone, monitor.redact.Redactor.parts) with
    `redact`; how many texts changed."""
    if not parts:
        return 0
    changed = 0
    with db.write() as s:
        for model, name in TEXTS:
            table = table_of(model)
            column = table.c[name]
            rows = s.execute(select(table.c.id, column).where(
                or_(*(column.contains(part, autoescape=True) for part in parts)))).all()
            for row_id, value in rows:
                clean = redact(value)
                if clean != value:
                    s.execute(update(table).where(table.c.id == row_id).values({name: clean}))
                    changed += 1
    return changed
