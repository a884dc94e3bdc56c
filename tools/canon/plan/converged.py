"""The convergence record: which files a live schema provably matches, kept on live itself.

An apply that brings live to the files proves a fact: files with these inputs
(``shortcut.inputs_digest``) need nothing on a live schema with this fingerprint.
Kept in ``canon.converged`` on live, the fact serves every later ``canon plan`` and
``canon drift``, from any checkout and with no local cache: when the files' digest
and live's fingerprint are those of a record, nothing can have changed that a plan
would see. Each record also holds a digest of live's catalog signatures (what
``drift --strict`` audits beyond the fingerprint), taken when no residual was left, and,
when live reached the very fingerprint of the files' cached scratch database, that
database's name: a later apply may copy it instead of dumping live to rehearse.

Only apply writes here. Readers never write: a role that may not read the table, or
a database without it, is simply a miss. The table holds nothing but hashes, so it
is readable by every role, which lets a read-only CI role use it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg

from canon.managed import CANON_SCHEMA

TABLE = f"{CANON_SCHEMA}.converged"

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {CANON_SCHEMA};
CREATE TABLE IF NOT EXISTS {TABLE} (
    inputs_digest text NOT NULL,
    live_fingerprint text NOT NULL,
    signatures_digest text NOT NULL,
    apply_id bigint,
    scratch_database text,
    canon_version text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (inputs_digest, live_fingerprint)
);
GRANT USAGE ON SCHEMA {CANON_SCHEMA} TO PUBLIC;
GRANT SELECT ON {TABLE} TO PUBLIC;
"""

LOOKUP = f"SELECT signatures_digest FROM {TABLE} WHERE inputs_digest = %s AND live_fingerprint = %s"


BUILT = (
    f"SELECT scratch_database FROM {TABLE} WHERE live_fingerprint = %s "
    "AND scratch_database IS NOT NULL ORDER BY recorded_at DESC"
)


@dataclass(frozen=True)
class Record:
    inputs_digest: str
    live_fingerprint: str
    signatures_digest: str
    # The cached scratch database with this very fingerprint, when there was one.
    scratch_database: str | None = None


def signatures_digest(rows: Iterable[tuple[tuple[str, str], str]]) -> str:
    """A hash of catalog signatures (``diff.catalog.signatures`` items), order-free."""
    h = hashlib.sha256()
    for (kind, name), detail in sorted(rows):
        h.update(f"{kind}\0{name}\0{detail}\n".encode())
    return h.hexdigest()


def write(conn: psycopg.Connection, record: Record, apply_id: int | None, version: str) -> None:
    """Record that live reached the files' state (on an autocommit connection, or in its transaction)."""
    if not _table_exists(conn):
        with conn.transaction():
            conn.execute(DDL.encode())
    conn.execute(
        f"INSERT INTO {TABLE} (inputs_digest, live_fingerprint, signatures_digest, apply_id, "
        "scratch_database, canon_version) VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (inputs_digest, live_fingerprint) DO UPDATE SET "
        "signatures_digest = EXCLUDED.signatures_digest, apply_id = EXCLUDED.apply_id, "
        "scratch_database = EXCLUDED.scratch_database, canon_version = EXCLUDED.canon_version, "
        "recorded_at = EXCLUDED.recorded_at",
        (
            record.inputs_digest,
            record.live_fingerprint,
            record.signatures_digest,
            apply_id,
            record.scratch_database,
            version,
        ),
    )


def lookup(conn: psycopg.Connection, inputs_digest: str, live_fingerprint: str) -> Record | None:
    """The record for these files and this live schema, or None; never writes.

    ``conn`` is in autocommit mode, so a failed lookup leaves no aborted transaction.
    """
    try:
        if not _table_exists(conn):
            return None
        row = conn.execute(LOOKUP, (inputs_digest, live_fingerprint)).fetchone()
    except psycopg.errors.InsufficientPrivilege:  # canon's schema closed to this role
        return None
    return Record(inputs_digest, live_fingerprint, str(row[0])) if row else None


def built_states(conn: psycopg.Connection, live_fingerprint: str) -> list[str]:
    """Cached scratch databases recorded with ``live_fingerprint``, newest first; never writes."""
    try:
        if not _table_exists(conn):
            return []
        return [str(row[0]) for row in conn.execute(BUILT, (live_fingerprint,))]
    except psycopg.errors.InsufficientPrivilege:
        return []


def _table_exists(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (TABLE,)).fetchone()
    return bool(row and row[0])
