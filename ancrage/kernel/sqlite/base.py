"""Django's SQLite backend, plus `PRAGMA optimize` as SQLite recommends for the planner's
statistics (https://sqlite.org/pragma.html#pragma_optimize): before a connection closes (a
request's, with the default CONN_MAX_AGE=0: usually a no-op that costs microseconds, and an
ANALYZE of the tables whose statistics are stale, bounded by `analysis_limit`), and when a
long-lived connection opens (CONN_MAX_AGE set: `optimize=0x10002`, every table checked).
docs/decisions.md, 2026-12-05."""

import contextlib

from django.db.backends.sqlite3 import base

from ancrage.kernel.text import FRENCH_COLLATION, french_compare

# Rows examined per index by an ANALYZE that PRAGMA optimize runs: an approximate analysis,
# which keeps the optimisation short on a large file (SQLite's recommended range).
ANALYSIS_LIMIT = 1000


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        # the French order of names, as PostgreSQL's ICU collation gives it (kernel/text.py)
        connection.create_collation(FRENCH_COLLATION, french_compare)
        if self.settings_dict.get("CONN_MAX_AGE"):
            connection.execute("PRAGMA optimize=0x10002")
        return connection

    def _close(self):
        if self.connection is not None and not self.is_in_memory_db():
            # never keep a connection from closing
            with contextlib.suppress(base.Database.Error):
                self.connection.execute("PRAGMA optimize")
        super()._close()
