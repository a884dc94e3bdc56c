"""Connections to PostgreSQL, with low-level errors turned into canon's own."""

from __future__ import annotations

import psycopg

from .dburl import DatabaseUrl
from .errors import DatabaseError

CONNECT_TIMEOUT_SECONDS = 10


def connect(url: DatabaseUrl, *, autocommit: bool = False) -> psycopg.Connection:
    """Open a connection; failures name the (masked) address and libpq's reason."""
    try:
        return psycopg.connect(
            url.conninfo(),
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="canon",
        )
    except psycopg.Error as exc:
        reason = url.scrub(_first_line(str(exc)))
        raise DatabaseError(f"cannot connect to {url.masked()}: {reason}", exc.sqlstate) from None


def describe(exc: psycopg.Error) -> str:
    """PostgreSQL's primary message, with its detail and hint when it gives them."""
    diag = exc.diag
    parts = [diag.message_primary or _first_line(str(exc))]
    if diag.message_detail:
        parts.append(f"detail: {diag.message_detail}")
    if diag.message_hint:
        parts.append(f"hint: {diag.message_hint}")
    return "; ".join(parts)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else text


def server_version(conn: psycopg.Connection) -> int:
    """server_version_num, e.g. 150018."""
    return int(conn.info.server_version)
