"""Three times the O2R rows of a benchmark database, in place: every O2R record (persons of the
beneficiaries, beneficiaries, eligibility, contacts, outreach actions, activities and attendance,
accompaniments and their barriers, exits and follow-ups) copied twice, in the same programmes and
services, so that each report covers three times the people. Run it on a copy of the large
database, never on the shared one:

    createdb -T ancrage_bench_large ancrage_bench_o2r3
    .venv/bin/python bench/o2r_triple.py postgres://postgres@127.0.0.1:5432/ancrage_bench_o2r3
    .venv/bin/python bench/run.py --scales large o2r3 --no-naive-at large o2r3 --no-write

PostgreSQL only (plain SQL, one transaction, new ids from each table's sequence)."""

from __future__ import annotations

import sys
import time
from importlib import import_module
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# the fill of the teams' counts, as the migration that made them
FILL = import_module("ancrage.insertion.migrations.0021_tally").FILL

# (table, {foreign key column: the table whose copies it points to}, which rows are copied)
TABLES = [
    ("people_person", {}, "id IN (SELECT person_id FROM insertion_beneficiary)"),
    ("insertion_beneficiary", {"person_id": "people_person"}, "TRUE"),
    ("insertion_eligibility", {"beneficiary_id": "insertion_beneficiary"}, "TRUE"),
    ("insertion_outreachaction", {}, "TRUE"),
    (
        "insertion_contact",
        {
            "beneficiary_id": "insertion_beneficiary",
            "outreach_action_id": "insertion_outreachaction",
        },
        "TRUE",
    ),
    ("insertion_activity", {}, "TRUE"),
    (
        "insertion_attendance",
        {"activity_id": "insertion_activity", "beneficiary_id": "insertion_beneficiary"},
        "TRUE",
    ),
    ("insertion_accompaniment", {"beneficiary_id": "insertion_beneficiary"}, "TRUE"),
    ("insertion_barrier", {"accompaniment_id": "insertion_accompaniment"}, "TRUE"),
    ("insertion_exit", {"beneficiary_id": "insertion_beneficiary"}, "TRUE"),
    ("insertion_followup", {"exit_id": "insertion_exit"}, "TRUE"),
]


def columns(cursor, table) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_once(cursor, round_: int) -> None:
    for table, keys, where in TABLES:
        started = time.monotonic()
        mapping = f"map_{table}"
        cursor.execute(f"DROP TABLE IF EXISTS {mapping}")
        cursor.execute(
            f"CREATE TEMP TABLE {mapping} AS SELECT id AS old, "
            f"nextval(pg_get_serial_sequence('{table}', 'id')) AS new "
            f"FROM {table} t WHERE {where} "
            f"AND NOT EXISTS (SELECT 1 FROM copied_{table} c WHERE c.new = t.id)"
        )
        cursor.execute(f"CREATE INDEX ON {mapping} (old)")
        cursor.execute(f"ANALYZE {mapping}")
        names = columns(cursor, table)
        select = []
        joins = []
        for name in names:
            if name in keys:
                alias = f"m_{name}"
                joins.append(f"LEFT JOIN map_{keys[name]} {alias} ON {alias}.old = t.{name}")
                select.append(f"COALESCE({alias}.new, t.{name})")
            elif table == "people_person" and name == "reference":
                select.append(f"t.reference || '-{round_}'")
            else:
                select.append(f"t.{name}")
        cursor.execute(
            f"INSERT INTO {table} (id, {', '.join(names)}) "
            f"SELECT m.new, {', '.join(select)} FROM {table} t "
            f"JOIN {mapping} m ON m.old = t.id {' '.join(joins)}"
        )
        cursor.execute(f"INSERT INTO copied_{table} SELECT new FROM {mapping}")
        print(f"  {table}: {cursor.rowcount} rows, {time.monotonic() - started:.1f} s", flush=True)


def main() -> None:
    if len(sys.argv) != 2 or "bench_large" in sys.argv[1]:
        raise SystemExit("usage: bench/o2r_triple.py <URL of a copy of the large database>")
    with psycopg.connect(sys.argv[1]) as connection, connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, _keys, _where in TABLES:
            cursor.execute(f"CREATE TEMP TABLE copied_{table} (new bigint PRIMARY KEY)")
        for round_ in (1, 2):
            print(f"copy {round_}", flush=True)
            copy_once(cursor, round_)
        # the teams' counts (ancrage/insertion/tallies.py) made again from the rows
        cursor.execute("SELECT to_regclass('insertion_tally')")
        if cursor.fetchone()[0] is not None:
            cursor.execute("DELETE FROM insertion_tally")
            for sql in FILL:
                cursor.execute(sql)
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM (ANALYZE)")


if __name__ == "__main__":
    main()
