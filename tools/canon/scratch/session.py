"""The session a statement of the files runs in: reset, then its file's SETs before it.

See ``files.sources``: SETs do not run where they stand, every statement carries those
in force before it in its file. Before it runs, the loader puts the session back to
canon's own (search_path included, never resolving to canon's schema; role too) and
runs those SETs, so nothing set by one file reaches another.
"""

from __future__ import annotations

import psycopg

from canon.files.sources import Statement, statement_error
from canon.managed import SESSION_SEARCH_PATH
from canon.pg.db import Connection
from canon.pg.quoting import ident

# A role changed inside a DO block is not undone by RESET ALL.
RESET = f"RESET ALL; RESET ROLE; RESET SESSION AUTHORIZATION; SET search_path TO {ident(SESSION_SEARCH_PATH)}"

# Statements whose effect on the session no tree shows: the next one starts afresh.
OPAQUE = frozenset({"DoStmt", "SelectStmt"})


def setup(statement: Statement) -> list[Statement]:
    """What runs before ``statement``: the reset, then its SETs (each at its own line)."""
    return [Statement(RESET, statement.path, statement.line), *statement.session]


def enter(conn: Connection, statement: Statement) -> None:
    """Give the connection the session ``statement`` runs in; a failing SET names its line."""
    for step in setup(statement):
        try:
            conn.execute(step.sql)
        except psycopg.Error as exc:
            raise statement_error(step, exc) from None
