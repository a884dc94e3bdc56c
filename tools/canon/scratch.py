"""Scratch databases: throwaway databases built from the schema files, always dropped."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator, Sequence

import psycopg

from . import db
from .cluster import dev_cluster
from .dburl import DatabaseUrl
from .errors import DatabaseError, SourceError
from .sources import Statement

SCRATCH_PREFIX = "canon_scratch_"

# A statement failing with one of these may only be waiting for an object defined later.
MISSING_DEPENDENCY = {
    "3F000",  # invalid_schema_name
    "42P01",  # undefined_table
    "42704",  # undefined_object (types, ...)
    "42883",  # undefined_function
    "42703",  # undefined_column
}

Warn = Callable[[str], None]


def _ignore(_: str) -> None:
    pass


@contextlib.contextmanager
def scratch_database(
    live: DatabaseUrl, statements: Sequence[Statement], warn: Warn = _ignore
) -> Iterator[DatabaseUrl]:
    """A new database holding ``statements``, dropped on success, error and Ctrl-C."""
    host = scratch_host(live, warn)
    with empty_database(host) as url:
        with db.connect(url) as conn:
            load_statements(conn, statements)
            conn.commit()
        yield url


@contextlib.contextmanager
def empty_database(host: DatabaseUrl, template: str = "template0") -> Iterator[DatabaseUrl]:
    """A freshly created database with an unguessable name on ``host``'s server."""
    name = SCRATCH_PREFIX + secrets.token_hex(8)
    with db.connect(host, autocommit=True) as conn:
        try:
            conn.execute(f"CREATE DATABASE {db.quote_ident(name)} TEMPLATE {db.quote_ident(template)}")
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot create a scratch database: {db.describe(exc)}", exc.sqlstate) from None
    try:
        yield host.with_dbname(name)
    finally:
        drop_database(host, name)


def drop_database(host: DatabaseUrl, name: str) -> None:
    with db.connect(host, autocommit=True) as conn:
        force = " WITH (FORCE)" if db.server_version(conn) >= 130000 else ""
        conn.execute(f"DROP DATABASE IF EXISTS {db.quote_ident(name)}{force}")


def scratch_host(live: DatabaseUrl, warn: Warn = _ignore) -> DatabaseUrl:
    """The live server when it lets us create databases, else the embedded cluster."""
    with db.connect(live, autocommit=True) as conn:
        live_version = db.server_version(conn)
        row = conn.execute(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    if row and row[0]:
        return live
    server = dev_cluster().ensure_started()
    local = DatabaseUrl.parse(server.url("postgres"))
    with db.connect(local, autocommit=True) as conn:
        local_version = db.server_version(conn)
    if local_version // 10000 != live_version // 10000:
        warn(
            f"the live server (PostgreSQL {live_version // 10000}) does not allow CREATE DATABASE; "
            f"the scratch database runs on the embedded PostgreSQL {local_version // 10000}, "
            "so version-specific differences may show in the plan"
        )
    return local


def load_statements(conn: psycopg.Connection, statements: Sequence[Statement]) -> None:
    """Run ``statements`` in the connection's transaction, in order where order allows.

    The fast path runs them straight through. If one needs an object defined further
    on, the transaction restarts in a slower mode where each statement runs under a
    savepoint and failures for missing objects are retried until nothing progresses.
    """
    try:
        for statement in statements:
            _execute(conn, statement)
        return
    except _Missing:
        conn.rollback()
    _load_with_retries(conn, statements)


class _Missing(Exception):
    def __init__(self, statement: Statement, error: psycopg.Error) -> None:
        super().__init__(statement.sql)
        self.statement = statement
        self.error = error


def _execute(conn: psycopg.Connection, statement: Statement) -> None:
    try:
        conn.execute(statement.sql)
    except psycopg.Error as exc:
        if exc.sqlstate in MISSING_DEPENDENCY:
            raise _Missing(statement, exc) from None
        raise statement_error(statement, exc) from None


def _load_with_retries(conn: psycopg.Connection, statements: Sequence[Statement]) -> None:
    pending = list(statements)
    while pending:
        waiting: list[_Missing] = []
        for statement in pending:
            # Explicit savepoints keep the caller's transaction open for it to commit.
            conn.execute("SAVEPOINT canon_statement")
            try:
                _execute(conn, statement)
            except _Missing as missing:
                conn.execute("ROLLBACK TO SAVEPOINT canon_statement")
                waiting.append(missing)
            else:
                conn.execute("RELEASE SAVEPOINT canon_statement")
        if len(waiting) == len(pending):
            first = waiting[0]
            raise statement_error(first.statement, first.error)
        pending = [m.statement for m in waiting]


def statement_error(statement: Statement, exc: psycopg.Error) -> SourceError:
    """A PostgreSQL error, placed at the file and line of the statement that caused it."""
    position = exc.diag.statement_position
    line = statement.line_of(int(position) if position else None)
    return SourceError(statement.path, line, db.describe(exc), exc.sqlstate)
