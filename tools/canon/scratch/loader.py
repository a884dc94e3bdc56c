"""Loading statements into a database: in dependency order, in batches, errors at file and line.

Each statement first moves after those defining what it names (``files.loadorder``).
Statements travel in batches of up to ``BATCH_STATEMENTS``, one round trip each; when a
batch fails, the failing statement is found from the error's position (or by halving
the batch), runs alone so that its error names its own file and line, and waits for a
later pass when it only needs an object defined further on. Each statement runs in its
own file's session (``session``), set up afresh wherever it differs from the last one's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

import psycopg

from canon.errors import DatabaseError, SourceError
from canon.files import loadorder
from canon.files.coverage import RESERVED, ROLES, UNMANAGED_OBJECTS, Refusal
from canon.files.sources import Statement, statement_error
from canon.managed import CANON_SCHEMA, EXCLUDED_SCHEMAS, MANAGED_SCHEMAS
from canon.pg import db
from canon.pg.cluster import MEMORY_ENV, MEMORY_FOLDER
from canon.scratch import owners, session

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
    # A foreign key to a partitioned table's key, whose index is valid only once the
    # partitions' indexes are attached (ALTER INDEX … ATTACH PARTITION, later in the files).
    "42830",  # invalid_foreign_key
}


def build(
    conn: psycopg.Connection, statements: Sequence[Statement], default_owner: str | None = None
) -> None:
    """Load the files into a new database, refuse what canon does not manage, record owners."""
    # One snapshot for the build: roles other sessions create meanwhile stay out of sight,
    # so those the files create show as new.
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    roles = _roles(conn)
    load_statements(conn, statements)
    refuse_unmanaged(conn, statements, roles)
    owners.record(conn, statements, default_owner)


def _roles(conn: psycopg.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT rolname FROM pg_roles")}


def refuse_unmanaged(
    conn: psycopg.Connection, statements: Sequence[Statement], roles: set[str]
) -> None:
    """Refuse a load that made objects canon does not manage, or roles, or canon's schema.

    Every statement with a tree was checked when the files were read; such objects can
    only come from one without (a DO block, a SELECT calling a function), so the first
    of those is named. Refusing undoes the load, so no role outlives it.
    """
    made = [
        f"{kind} {identity}"
        for kind, identity in conn.execute(
            db.query(f"WITH {MANAGED_SCHEMAS.strip()}\n{UNMANAGED_OBJECTS}"),
            {"excluded": sorted(EXCLUDED_SCHEMAS)},
        )
    ]
    found = Refusal(", ".join(made)) if made else None
    new_roles = sorted(_roles(conn) - roles)
    if new_roles:
        found = replace(ROLES, what=f"roles ({', '.join(new_roles)})")
    reserved = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (CANON_SCHEMA,))
    found = RESERVED if reserved.fetchone() else found
    if found is None:
        return
    opaque = [s for s in statements if s.kind in session.OPAQUE]
    where = opaque[0] if opaque else Statement("", "the schema files", 0)
    raise SourceError(where.path, where.line or None, found.message())


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


def _entries(batch: Sequence[Statement]) -> list[tuple[Statement, int]]:
    """What a batch runs: each statement after its session's setup where that changes.

    Each entry comes with the index of the batch statement it serves. A batch starts
    from a fresh session, since what ran before it may have been rolled back.
    """
    entries: list[tuple[Statement, int]] = []
    current: tuple[Statement, ...] | None = None
    for index, statement in enumerate(batch):
        if statement.session != current:
            entries += [(step, index) for step in session.setup(statement)]
            current = statement.session
        entries.append((statement, index))
        if statement.kind in session.OPAQUE:
            current = None
    return entries


def _run_batch(conn: psycopg.Connection, batch: Sequence[Statement]) -> psycopg.Error | None:
    """Run ``batch`` as one simple-protocol query under a savepoint; the error if it failed."""
    # A newline before each ';' ends any trailing line comment in a statement.
    body = BATCH_SEPARATOR.join(entry.sql for entry, _ in _entries(batch))
    try:
        conn.execute(f"{BATCH_HEAD}{body}{BATCH_SEPARATOR}RELEASE SAVEPOINT canon_batch")
    except psycopg.Error as exc:
        conn.execute("ROLLBACK TO SAVEPOINT canon_batch")
        return exc
    return None


def _failed_index(batch: Sequence[Statement], error: psycopg.Error) -> int | None:
    """Which statement of a batch failed (or its session's setup), from the error's position."""
    position = error.diag.statement_position
    if not position:
        return None
    offset = int(position) - 1 - len(BATCH_HEAD)  # in characters, as PostgreSQL counts them
    start = 0
    for entry, index in _entries(batch):
        end = start + len(entry.sql)
        if start <= offset < end:
            return index
        start = end + len(BATCH_SEPARATOR)
    return None


def _run_one(conn: psycopg.Connection, statement: Statement) -> _Missing | None:
    """Run one statement under a savepoint; a missing object defers it, other errors raise."""
    conn.execute("SAVEPOINT canon_statement")
    session.enter(conn, statement)
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
