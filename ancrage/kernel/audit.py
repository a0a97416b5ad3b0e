"""Recording reads of personal data. Writes are recorded by django-auditlog (before/after)."""

from collections.abc import Iterable

from django.db import connections, router
from django.utils import timezone

from ancrage.kernel.models import AccessEvent

# The columns an access event is written with, in this order (`write_events`).
COLUMNS = ("user", "person", "action", "what", "reason", "at")
# Rows per INSERT: SQLite takes up to 32,766 parameters, PostgreSQL 65,535 (six per row).
ROWS_PER_STATEMENT = 5000


def record_access(
    user, persons: Iterable, what: str, action=AccessEvent.Action.VIEW, reason="", save=True
) -> list[tuple]:
    """One access event per person shown, written in a single statement; without `save`, the
    rows only (`COLUMNS`), to write with others in one (`write_events`)."""
    now = timezone.now()
    rows = [(user.pk, getattr(p, "pk", p), action, what, reason, now) for p in persons]
    if save:
        write_events(rows)
    return rows


def write_events(rows: list[tuple]) -> None:
    """Insert access events (tuples in the order of `COLUMNS`) in one INSERT statement.

    Every page that shows a person writes here, so it skips what `bulk_create` adds for a
    single statement: a model instance per row and the transaction it opens around the INSERT
    (two more round trips, BEGIN and COMMIT: the statement commits alone in autocommit, and
    joins the transaction it runs in otherwise). Each value goes through its field's own
    conversion for the database, as the ORM's INSERT does (tests/kernel/test_audit.py)."""
    if not rows:
        return
    db = router.db_for_write(AccessEvent)
    connection = connections[db]
    fields = [AccessEvent._meta.get_field(name) for name in COLUMNS]
    quote = connection.ops.quote_name
    values = []
    for row in rows:
        values.extend(
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        )
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            batch = values[start * len(fields) : (start + ROWS_PER_STATEMENT) * len(fields)]
            count = len(batch) // len(fields)
            # the table's and columns' names are the model's own, the values parameters
            cursor.execute(
                f"INSERT INTO {quote(AccessEvent._meta.db_table)} "  # noqa: S608
                f"({', '.join(quote(field.column) for field in fields)}) "
                f"VALUES {', '.join([placeholders] * count)}",
                batch,
            )


def record_shown(user, persons: Iterable, what: str):
    """The persons named on a page beside the one it is about (relatives, siblings, the choices
    of a select): one "list" event each, in a single query, each person once."""
    return record_access(
        user, dict.fromkeys(getattr(p, "pk", p) for p in persons), what, AccessEvent.Action.LIST
    )
