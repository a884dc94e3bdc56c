"""Loading statements into a database: in dependency order, in batches, errors at file and line.

Each statement first moves after those defining what it names (``files.loadorder``).
Statements travel in batches of up to ``BATCH_STATEMENTS``, one round trip each; when a
batch fails, the failing statement is found from the error's position (or by halving
the batch), runs alone so that its error names its own file and line, and waits for a
later pass when it only needs an object defined further on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import psycopg

from canon.errors import DatabaseError
from canon.files import loadorder
from canon.files.sources import Statement, statement_error
from canon.pg import db
from canon.pg.cluster import MEMORY_ENV, MEMORY_FOLDER

# Statements per round trip when loading; a failing batch is rerun one statement at a time.
BATCH_STATEMENTS = 250
BATCH_CHARS = 512 * 1024

DISK_FULL = "53100"

# A statement failing with one of these may only be waiting for an object defined later.
MISSING_DEPENDENCY = {
    "3F000",  # invalid_schema_name
    "42P01",  # undefined_table
    "42704",  # undefined_object (types, ...)
    "42883",  # undefined_function
    "42703",  # undefined_column
}


def load_statements(conn: psycopg.Connection, statements: Sequence[Statement]) -> list[Statement]:
    """Run ``statements`` in the connection's transaction, in order where order allows.

    Each statement first moves after those defining what it names (``loadorder``).
    Statements travel in batches, one round trip each. When a batch fails, the failing
    statement runs alone, so that an error names its own file and line, and one that
    needs an object defined further on waits for a later pass. Passes repeat until
    everything ran or a pass makes no progress. Returns the statements in the order
    they ran.
    """
    pending: list[Statement] = loadorder.ordered(statements)
    ran: list[Statement] = []
    while pending:
        waiting = _load_pass(conn, pending, ran)
        if len(waiting) == len(pending):
            first = waiting[0]
            raise statement_error(first.statement, first.error)
        pending = [missing.statement for missing in waiting]
    return ran


class _Missing(Exception):
    def __init__(self, statement: Statement, error: psycopg.Error) -> None:
        super().__init__(statement.sql)
        self.statement = statement
        self.error = error


def _load_pass(
    conn: psycopg.Connection, statements: Sequence[Statement], ran: list[Statement]
) -> list[_Missing]:
    """Run what can run now (adding it to ``ran``); return the statements still waiting."""
    waiting: list[_Missing] = []
    for batch in batches(statements):
        _run_in_parts(conn, batch, waiting, ran)
    return waiting


def _run_in_parts(
    conn: psycopg.Connection,
    batch: Sequence[Statement],
    waiting: list[_Missing],
    ran: list[Statement],
) -> None:
    """Run ``batch``; when it fails, run the failing statement alone and the rest in batches.

    The failing statement is found from the error's position when PostgreSQL gives one,
    else by halving the batch: a few round trips instead of one per statement.
    """
    pending = list(batch)
    while pending:
        if len(pending) == 1:
            index = 0
        else:
            error = _run_batch(conn, pending)
            if error is None:
                ran.extend(pending)
                return
            found = _failed_index(pending, error)
            if found is None:
                half = len(pending) // 2
                _run_in_parts(conn, pending[:half], waiting, ran)
                pending = pending[half:]
                continue
            index = found
        if index:
            _run_in_parts(conn, pending[:index], waiting, ran)  # they ran, then were rolled back
        missing = _run_one(conn, pending[index])
        if missing is None:
            ran.append(pending[index])
        else:
            waiting.append(missing)
        pending = pending[index + 1 :]


def batches(
    statements: Sequence[Statement], size: int = BATCH_STATEMENTS, chars: int = BATCH_CHARS
) -> Iterator[list[Statement]]:
    """Consecutive runs of statements, bounded in count and in length."""
    batch: list[Statement] = []
    length = 0
    for statement in statements:
        if batch and (len(batch) >= size or length + len(statement.sql) > chars):
            yield batch
            batch, length = [], 0
        batch.append(statement)
        length += len(statement.sql)
    if batch:
        yield batch


BATCH_HEAD = "SAVEPOINT canon_batch;\n"
BATCH_SEPARATOR = "\n;\n"


def _run_batch(conn: psycopg.Connection, batch: Sequence[Statement]) -> psycopg.Error | None:
    """Run ``batch`` as one simple-protocol query under a savepoint; the error if it failed."""
    # A newline before each ';' ends any trailing line comment in a statement.
    body = BATCH_SEPARATOR.join(statement.sql for statement in batch)
    try:
        conn.execute(f"{BATCH_HEAD}{body}{BATCH_SEPARATOR}RELEASE SAVEPOINT canon_batch")
    except psycopg.Error as exc:
        conn.execute("ROLLBACK TO SAVEPOINT canon_batch")
        return exc
    return None


def _failed_index(batch: Sequence[Statement], error: psycopg.Error) -> int | None:
    """Which statement of a batch failed, from the error's position in the batch's text."""
    position = error.diag.statement_position
    if not position:
        return None
    offset = int(position) - 1 - len(BATCH_HEAD)  # in characters, as PostgreSQL counts them
    start = 0
    for index, statement in enumerate(batch):
        end = start + len(statement.sql)
        if start <= offset < end:
            return index
        start = end + len(BATCH_SEPARATOR)
    return None


def _run_one(conn: psycopg.Connection, statement: Statement) -> _Missing | None:
    """Run one statement under a savepoint; a missing object defers it, other errors raise."""
    conn.execute("SAVEPOINT canon_statement")
    try:
        conn.execute(statement.sql)
    except psycopg.Error as exc:
        if exc.sqlstate == DISK_FULL:
            raise out_of_room(statement, exc) from None
        if exc.sqlstate not in MISSING_DEPENDENCY:
            raise statement_error(statement, exc) from None
        conn.execute("ROLLBACK TO SAVEPOINT canon_statement")
        return _Missing(statement, exc)
    conn.execute("RELEASE SAVEPOINT canon_statement")
    return None


def out_of_room(statement: Statement, exc: psycopg.Error) -> DatabaseError:
    """The scratch server filled up: not the statement's fault, though it is where it happened."""
    return DatabaseError(
        f"the scratch server ran out of room at {statement.path}:{statement.line} "
        f"({db.describe(exc)}); on canon's in-memory scratch cluster, free room in "
        f"{MEMORY_FOLDER} or set {MEMORY_ENV}=off to build on disk",
        exc.sqlstate,
    )
