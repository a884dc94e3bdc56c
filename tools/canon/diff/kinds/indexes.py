"""Indexes: created and dropped by the engine, made lock-safe by ``plan.locksafe``.

An invalid index (``indisvalid`` false: what a failed or interrupted ``CREATE INDEX
CONCURRENTLY`` leaves) is read by the engine like a valid one, so a plan would see nothing
to do while the index serves no query and still slows every write. canon shows the engine
live without it and drops it first: the engine then builds it again when the files have
it. The drop says ``IF EXISTS`` because ``pg_dump`` leaves invalid indexes out, so the
copy of live an apply rehearses on never has them. An index another session is building
right now is invalid too, and left alone.
"""

from __future__ import annotations

from canon.diff.kind import Kind, Pair, Placed
from canon.pg import quoting
from canon.pg.db import Connection, query

INVALID_QUERY = query(
    """
    SELECT n.nspname, c.relname
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT i.indisvalid AND c.relkind = 'i'
      AND n.nspname <> ALL (:excluded)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p
                      WHERE p.index_relid = i.indexrelid)
    ORDER BY 1, 2
    """
)


def invalid_indexes(conn: Connection, excluded: frozenset[str]) -> list[str]:
    """Quoted ``schema.index`` of every invalid index no session is building."""
    rows = conn.execute(INVALID_QUERY, {"excluded": sorted(excluded)}).fetchall()
    return [quoting.qualified(schema, name) for schema, name in rows]


def rebuild_invalid(pair: Pair) -> Placed:
    """Drop invalid indexes first; the engine, no longer seeing them, rebuilds wanted ones."""
    invalid = invalid_indexes(pair.live_conn, pair.excluded)
    for name in invalid:
        pair.live_model.indexes.pop(name, None)
    return Placed(pre=tuple(f"DROP INDEX IF EXISTS {name}" for name in invalid))


FINGERPRINT = """
SELECT concat_ws(' ', 'i', pg_get_indexdef(i.indexrelid), i.indisvalid) AS item
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN ns ON ns.oid = c.relnamespace
"""

SIGNATURE = """
SELECT 'index', format('%I.%I', rel.nspname, rel.relname),
       concat_ws(' | ', pg_get_indexdef(i.indexrelid), 'valid=' || i.indisvalid,
                 (SELECT string_agg(p.inhparent::regclass::text, ',')
                  FROM pg_inherits p WHERE p.inhrelid = i.indexrelid))
FROM pg_index i JOIN rel ON rel.oid = i.indexrelid
"""

KIND = Kind("index", FINGERPRINT, SIGNATURE, before=rebuild_invalid)
