"""Three times the O2R rows of a benchmark database, in place: every O2R record (persons of the
beneficiaries, beneficiaries, eligibility, contacts, outreach actions, activities and attendance,
accompaniments and their barriers, exits and follow-ups) copied twice, in the same programmes and
services, so that each report covers three times the people. Run it on a copy of the large
database, never on the shared one:

    createdb -T ancrage_bench_large ancrage_bench_o2r3
    .venv/bin/python bench/o2r_triple.py postgres://postgres@127.0.0.1:5432/ancrage_bench_o2r3
    .venv/bin/python bench/run.py --scales large o2r3 --no-naive-at large o2r3 --no-write

Plain SQL in one transaction. On PostgreSQL the new ids come from each table's sequence; on a
SQLite file (`sqlite:////path/o2r3.sqlite3`, made from the large file with `--from`, which copies
it there with SQLite's backup API: the large file is only read) they follow the table's largest id:

    .venv/bin/python bench/o2r_triple.py --from /path/large.sqlite3 sqlite:////path/o2r3.sqlite3

The teams' stored counts (`insertion_tally`) are made again from the rows. Stored report
summaries (`insertion_reportsummary`, a cache keyed on the programme's count of
changes, which a copy in SQL does not move) are deleted, so that no report reads the large
database's figures; then the statistics are gathered again (PostgreSQL: `VACUUM (ANALYZE)`;
SQLite: `ANALYZE` with the `analysis_limit` of the application's connections)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from importlib import import_module
from pathlib import Path

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


def columns(cursor, table, sqlite: bool) -> list[str]:
    if sqlite:
        cursor.execute(f"PRAGMA table_info({table})")
        return [row[1] for row in cursor.fetchall() if row[1] != "id"]
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def copy_once(cursor, round_: int, sqlite: bool = False) -> None:
    for table, keys, where in TABLES:
        started = time.monotonic()
        mapping = f"map_{table}"
        cursor.execute(f"DROP TABLE IF EXISTS {mapping}")
        if sqlite:
            # no sequences: the new ids follow the largest one (AUTOINCREMENT's counter in
            # sqlite_sequence follows explicit ids on its own)
            new = f"(SELECT coalesce(max(id), 0) FROM {table}) + row_number() OVER (ORDER BY id)"
        else:
            new = f"nextval(pg_get_serial_sequence('{table}', 'id'))"
        cursor.execute(
            f"CREATE TEMP TABLE {mapping} AS SELECT id AS old, {new} AS new "
            f"FROM {table} t WHERE {where} "
            f"AND NOT EXISTS (SELECT 1 FROM copied_{table} c WHERE c.new = t.id)"
        )
        cursor.execute(f"CREATE INDEX {mapping}_old ON {mapping} (old)")
        cursor.execute(f"ANALYZE {mapping}")
        names = columns(cursor, table, sqlite)
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
        rows = cursor.rowcount
        cursor.execute(f"INSERT INTO copied_{table} SELECT new FROM {mapping}")
        print(f"  {table}: {rows} rows, {time.monotonic() - started:.1f} s", flush=True)


def refill_tallies(cursor, has_table: str) -> None:
    """The teams' counts (ancrage/insertion/tallies.py) made again from the rows, when the
    database has them (`has_table`: a query that finds the table)."""
    cursor.execute(has_table)
    if cursor.fetchone()[0]:
        cursor.execute("DELETE FROM insertion_tally")
        for sql in FILL:
            cursor.execute(sql)


def triple_postgresql(url: str) -> None:
    import psycopg

    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, _keys, _where in TABLES:
            cursor.execute(f"CREATE TEMP TABLE copied_{table} (new bigint PRIMARY KEY)")
        for round_ in (1, 2):
            print(f"copy {round_}", flush=True)
            copy_once(cursor, round_)
        refill_tallies(cursor, "SELECT to_regclass('insertion_tally') IS NOT NULL")
        cursor.execute("DELETE FROM insertion_reportsummary")
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM (ANALYZE)")


def triple_sqlite(path: Path, source: Path | None) -> None:
    from run import copy_sqlite_file

    if source is not None:
        if path.exists():
            raise SystemExit(f"{path} exists: remove it, or leave out --from to triple it again")
        started = time.monotonic()
        copy_sqlite_file(source, path)
        print(f"copied {source} in {time.monotonic() - started:.0f} s", flush=True)
    # autocommit mode, one explicit transaction; the application's connections check foreign
    # keys, this one (sqlite3's default) does not: the copies point at copies or at originals
    connection = sqlite3.connect(path, isolation_level=None)
    cursor = connection.cursor()
    cursor.execute("BEGIN IMMEDIATE")
    for table, _keys, _where in TABLES:
        cursor.execute(f"CREATE TEMP TABLE copied_{table} (new INTEGER PRIMARY KEY)")
    for round_ in (1, 2):
        print(f"copy {round_}", flush=True)
        copy_once(cursor, round_, sqlite=True)
    refill_tallies(
        cursor,
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'insertion_tally'",
    )
    cursor.execute("DELETE FROM insertion_reportsummary")
    cursor.execute("COMMIT")
    started = time.monotonic()
    # as ancrage.kernel.sqlite's connections analyse (docs/decisions.md, 2026-12-05)
    cursor.execute("PRAGMA analysis_limit=1000")
    cursor.execute("ANALYZE")
    print(f"ANALYZE: {time.monotonic() - started:.1f} s", flush=True)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a copy of the large database: postgres://… or sqlite:///…")
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="SQLite: copy this file (the large one, only read) to the URL's file first",
    )
    args = parser.parse_args()
    if args.url.startswith("sqlite:///"):
        path = Path(args.url.removeprefix("sqlite:///"))
        if args.source is not None and path.resolve() == args.source.resolve():
            raise SystemExit("--from and the URL name the same file")
        if args.source is None and not path.exists():
            raise SystemExit(f"{path}: no such file (--from the large file to copy it)")
        triple_sqlite(path, args.source)
        return
    if args.source is not None:
        raise SystemExit("--from is for SQLite; on PostgreSQL: createdb -T ancrage_bench_large")
    if "bench_large" in args.url:
        raise SystemExit("usage: bench/o2r_triple.py <URL of a copy of the large database>")
    triple_postgresql(args.url)


if __name__ == "__main__":
    main()
