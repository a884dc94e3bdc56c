"""Indexes: created and dropped by the engine, made lock-safe by ``plan.locksafe``."""

from __future__ import annotations

from canon.diff.kind import Kind

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

KIND = Kind("index", FINGERPRINT, SIGNATURE)
