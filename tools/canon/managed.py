"""The schemas canon manages: every schema but its own bookkeeping one."""

from __future__ import annotations

# canon's own bookkeeping (the apply journal) lives here; it is never diffed and never dropped.
CANON_SCHEMA = "canon"
EXCLUDED_SCHEMAS = frozenset({CANON_SCHEMA})

# Every session canon opens runs with this search_path, whatever the role's default: the
# default ``"$user", public`` resolves unqualified names into a schema named like the role,
# and canon's own role and schema are both called ``canon``. Live and scratch databases are
# also read alike this way, so definitions PostgreSQL prints qualify names the same on both.
SESSION_SEARCH_PATH = "public"

# Schemas canon manages, as a CTE named ``ns``: every one but PostgreSQL's own and the
# excluded ones (passed as the ``:excluded`` parameter).
MANAGED_SCHEMAS = """
ns AS (
    SELECT oid, nspname, nspacl, nspowner FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'
      AND nspname <> ALL (:excluded)
)"""
