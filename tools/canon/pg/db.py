"""Connections to PostgreSQL, with low-level errors turned into canon's own."""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections import namedtuple
from collections.abc import Iterator
from typing import Any, TypeAlias

import psycopg
from psycopg.rows import RowMaker

from canon.errors import DatabaseError
from canon.managed import SESSION_SEARCH_PATH
from canon.pg.dburl import DatabaseUrl
from canon.pg.quoting import ident

CONNECT_TIMEOUT_SECONDS = 10

Connection: TypeAlias = "psycopg.Connection[Any]"

# ``:name``, but not a ``::`` cast, an array slice ``[a:b]`` or an escaped ``\:``.
_PARAMETER = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def connect(url: DatabaseUrl, *, autocommit: bool = False) -> psycopg.Connection:
    """Open a connection; failures name the (masked) address and libpq's reason.

    The session's search_path is canon's own (``managed.SESSION_SEARCH_PATH``), whatever
    the role's default, so unqualified names never resolve into canon's schema.
    """
    try:
        conn = psycopg.connect(
            url.conninfo(),
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name=application_name(),
        )
    except psycopg.Error as exc:
        reason = url.scrub(_first_line(str(exc)))
        raise DatabaseError(f"cannot connect to {url.masked()}: {reason}", exc.sqlstate) from None
    conn.execute(f"SET search_path TO {ident(SESSION_SEARCH_PATH)}")
    if not autocommit:
        conn.commit()  # a SET inside a transaction that rolls back would be undone with it
    return conn


def application_name() -> str:
    """How this process's sessions are named in ``pg_stat_activity``: its own, by process id."""
    return f"canon/{os.getpid()}"


def describe(exc: psycopg.Error) -> str:
    """PostgreSQL's primary message, with its detail and hint when it gives them."""
    diag = exc.diag
    parts = [diag.message_primary or _first_line(str(exc))]
    if diag.message_detail:
        parts.append(f"detail: {diag.message_detail}")
    if diag.message_hint:
        parts.append(f"hint: {diag.message_hint}")
    return "; ".join(parts)


# SQLSTATEs of a session the server ended: admin_shutdown, crash_shutdown, cannot_connect_now.
SESSION_ENDED = frozenset({"57P01", "57P02", "57P03"})
LOCK_NOT_AVAILABLE = "55P03"


def connection_lost(conn: psycopg.Connection | None, exc: psycopg.Error) -> bool:
    """Whether ``exc`` means the session is gone (the server stopped, the backend was ended)."""
    if conn is not None and (conn.broken or conn.closed):
        return True
    if exc.sqlstate in SESSION_ENDED:
        return True
    # libpq's own errors (no SQLSTATE) on a connection that is no longer usable.
    return exc.sqlstate is None and isinstance(exc, psycopg.OperationalError)


def waiting_again(exc: psycopg.Error) -> bool:
    """Whether trying again at once would only meet ``exc`` again, after as long a wait."""
    return exc.sqlstate == LOCK_NOT_AVAILABLE or connection_lost(None, exc)


def failure(exc: psycopg.Error) -> DatabaseError:
    """A psycopg error as canon reports it: one line, saying what it means for the user."""
    if connection_lost(None, exc):
        reason = describe(exc) if exc.diag.message_primary else _first_line(str(exc))
        return DatabaseError(f"lost the connection to the database server: {reason}", exc.sqlstate)
    if exc.sqlstate == LOCK_NOT_AVAILABLE:
        return DatabaseError(
            f"{describe(exc)}: another session holds a lock this command needs (any wait over "
            "2s is reported above); try again, or raise --lock-timeout",
            exc.sqlstate,
        )
    return DatabaseError(describe(exc), exc.sqlstate)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else text


def server_version(conn: psycopg.Connection) -> int:
    """server_version_num, e.g. 150018."""
    return int(conn.info.server_version)


def query(text: str) -> str:
    """A catalog query written with ``:name`` parameters, in psycopg's ``%(name)s`` form.

    canon's catalog queries are long and full of ``%I`` formats and ``LIKE 'pg_%'``
    patterns; ``:name`` keeps them readable. Once a query has parameters psycopg wants
    every literal ``%`` doubled, so that is done here too.
    """
    if not _PARAMETER.search(text):
        return text
    return _PARAMETER.sub(r"%(\1)s", text.replace("%", "%%")).replace("\\:", ":")


def named_rows(cursor: psycopg.Cursor[Any]) -> RowMaker[Any]:
    """Rows read by column name (``row.relname``) as well as by position.

    Unlike psycopg's ``namedtuple_row``, two columns may share a name (``format``,
    ``?column?``): such columns are read by position.
    """
    if not cursor.description:
        return lambda values: values
    # The row class is made at run time, so its ``_make`` is only known to make rows.
    make: RowMaker[Any] = _row_class(tuple(column.name for column in cursor.description))._make
    return make


@functools.lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> Any:
    return namedtuple("Row", names, rename=True)


def reader(url: DatabaseUrl) -> Connection:
    """A connection for reading catalogs: rows by name, a transaction begun on first use."""
    conn = connect(url)
    conn.row_factory = named_rows
    return conn


@contextlib.contextmanager
def reading(url: DatabaseUrl) -> Iterator[Connection]:
    """A ``reader`` connection, closed with its transaction undone when the block ends."""
    conn = reader(url)
    try:
        yield conn
    finally:
        conn.close()
