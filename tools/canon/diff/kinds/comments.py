"""Comments (COMMENT ON …): migra does not diff them, so canon does, from pg_description."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from canon.diff.kind import Kind, Pair
from canon.pg.db import Connection, query
from canon.pg.quoting import literal

# Objects in pg_description, named the way COMMENT ON wants them. Extension members and
# system schemas are left out: their comments belong to whoever installed them.
COMMENTS_QUERY = query(
    """
    SELECT i.type, i.schema, i.identity, d.description, a.object_names, a.object_args
    FROM pg_description d
    CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) i
    CROSS JOIN LATERAL pg_identify_object_as_address(d.classoid, d.objoid, d.objsubid) a
    WHERE coalesce(i.schema, i.identity) NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND coalesce(i.schema, '') NOT LIKE 'pg_temp%'
      AND i.type NOT IN ('extension', 'language')
      AND NOT EXISTS (
          SELECT 1 FROM pg_depend e
          WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e'
      )
    """
)

# pg_identify_object's type names that COMMENT ON spells differently.
KEYWORDS = {
    "table column": "COLUMN",
    "view column": "COLUMN",
    "materialized view column": "COLUMN",
    "foreign table column": "COLUMN",
    "composite type column": "COLUMN",
    "table constraint": "CONSTRAINT",
    "composite type": "TYPE",
}

Key = tuple[str, str]


def _read(
    conn: Connection, excluded: frozenset[str]
) -> dict[Key, tuple[str, list[str], list[str]]]:
    found = {}
    for kind, schema, identity, description, names, args in conn.execute(COMMENTS_QUERY):
        owner = schema if schema is not None else identity
        if owner in excluded or (kind == "schema" and identity in excluded):
            continue
        found[(kind, identity)] = (description, list(names or []), list(args or []))
    return found


def comment_statement(kind: str, identity: str, description: str | None) -> str:
    if kind == "domain constraint":
        name, _, domain = identity.partition(" on ")
        target = f"CONSTRAINT {name} ON DOMAIN {domain}"
    else:
        target = f"{KEYWORDS.get(kind, kind.upper())} {identity}"
    return f"COMMENT ON {target} IS {literal(description)};"


def _exists(conn: Connection, kind: str, names: list[str], args: list[str]) -> bool:
    try:
        with conn.transaction():
            conn.execute(
                query("SELECT pg_get_object_address(:kind, :names, :args)"),
                {"kind": kind, "names": names, "args": args},
            )
    except psycopg.Error:
        return False
    return True


def changes(pair: Pair, planned: Sequence[str]) -> list[str]:
    """COMMENT ON statements that give live the comments of the target."""
    live, target, excluded = pair.live_conn, pair.target_conn, pair.excluded
    have = _read(live, excluded)
    want = _read(target, excluded)
    statements = []
    for key, (description, _, _) in sorted(want.items()):
        if key not in have or have[key][0] != description:
            statements.append(comment_statement(*key, description))
    for key, (_, names, args) in sorted(have.items()):
        # A comment on an object the plan drops goes with the object.
        if key not in want and _exists(target, key[0], names, args):
            statements.append(comment_statement(*key, None))
    return statements


# pg_description holds some 5,000 comments on PostgreSQL's own objects, and naming each
# one costs more than the rest of a fingerprint of a small schema. What initdb made has an
# OID below 16384 (FirstNormalObjectId); of that, only schemas (public) can be managed.
MADE_SINCE_INITDB = "(d.objoid >= 16384 OR d.classoid = 'pg_namespace'::regclass)"

FINGERPRINT = f"""
SELECT concat_ws(' ', 'd', d.classoid::regclass, o.identity, d.description) AS item
FROM pg_description d
CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
WHERE {MADE_SINCE_INITDB} AND coalesce(o.schema, o.identity) = ANY (ARRAY(SELECT nspname FROM ns))
"""

SIGNATURE = f"""
SELECT 'comment on ' || o.type, o.identity, d.description
FROM pg_description d
CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
WHERE {MADE_SINCE_INITDB}
  AND coalesce(o.schema, o.identity) IN (SELECT quote_ident(nspname) FROM ns UNION ALL
                                         SELECT nspname FROM ns)
  AND NOT EXISTS (SELECT 1 FROM ext_members e WHERE e.classid = d.classoid AND e.objid = d.objoid)
"""

KIND = Kind("comment", FINGERPRINT, SIGNATURE, after=changes)
