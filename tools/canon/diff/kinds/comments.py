"""Comments (COMMENT ON …): migra does not diff them, so canon does, from pg_description.

An object the plan creates, or drops and creates again, starts without a comment, so
its live comment is taken to be gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from canon.diff.kind import Kind, Pair
from canon.pg.db import Connection, query
from canon.pg.quoting import literal

# Objects in pg_description, named the way COMMENT ON wants them. Extension members and
# system schemas are left out: their comments belong to whoever installed them.
COMMENTS_QUERY = query(
    """
    SELECT i.type, i.schema, i.identity, d.description, a.object_names, a.object_args,
           o.path
    FROM pg_description d
    CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) i
    CROSS JOIN LATERAL pg_identify_object_as_address(d.classoid, d.objoid, d.objsubid) a
    -- The object that carries the comment away when it is dropped: a column's relation,
    -- a trigger, policy, rule or constraint by its table, a domain constraint by its domain.
    LEFT JOIN LATERAL (
        SELECT ARRAY[n.nspname, c.relname] FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
        UNION ALL
        SELECT ARRAY[n.nspname, t.typname] FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE d.classoid = 'pg_type'::regclass AND t.oid = d.objoid
        UNION ALL
        SELECT ARRAY[n.nspname, p.proname] FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE d.classoid = 'pg_proc'::regclass AND p.oid = d.objoid
        UNION ALL
        SELECT ARRAY[n.nspname, c.relname, t.tgname] FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE d.classoid = 'pg_trigger'::regclass AND t.oid = d.objoid
        UNION ALL
        SELECT ARRAY[n.nspname, c.relname, p.polname] FROM pg_policy p
        JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE d.classoid = 'pg_policy'::regclass AND p.oid = d.objoid
        UNION ALL
        SELECT ARRAY[n.nspname, c.relname, w.rulename] FROM pg_rewrite w
        JOIN pg_class c ON c.oid = w.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE d.classoid = 'pg_rewrite'::regclass AND w.oid = d.objoid
        UNION ALL
        SELECT CASE WHEN k.conrelid <> 0 THEN ARRAY[n.nspname, c.relname, k.conname]
                    ELSE ARRAY[tn.nspname, t.typname] END
        FROM pg_constraint k
        LEFT JOIN pg_class c ON c.oid = k.conrelid
        LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_type t ON t.oid = k.contypid
        LEFT JOIN pg_namespace tn ON tn.oid = t.typnamespace
        WHERE d.classoid = 'pg_constraint'::regclass AND k.oid = d.objoid
    ) AS o(path) ON true
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


@dataclass(frozen=True)
class Comment:
    text: str
    names: list[str]  # the object's address, for pg_get_object_address
    args: list[str]
    path: tuple[str, ...]  # what carries it (see the query), as ``diff.planned`` names it


def _read(conn: Connection, excluded: frozenset[str]) -> dict[Key, Comment]:
    found = {}
    for kind, schema, identity, description, names, args, path in conn.execute(COMMENTS_QUERY):
        owner = schema if schema is not None else identity
        if owner in excluded or (kind == "schema" and identity in excluded):
            continue
        found[(kind, identity)] = Comment(
            description, list(names or []), list(args or []), tuple(path or ())
        )
    return found


def comment_statement(kind: str, identity: str, description: str | None) -> str:
    if kind == "domain constraint":
        name, _, domain = identity.partition(" on ")
        target = f"CONSTRAINT {name} ON DOMAIN {domain}"
    else:
        target = f"{KEYWORDS.get(kind, kind.upper())} {identity}"
    return f"COMMENT ON {target} IS {literal(description)};"


def _exists(conn: Connection, kind: str, names: list[str], args: list[str]) -> bool:
    # pg_get_object_address takes the columns of every kind of relation as table columns.
    if kind.endswith(" column"):
        kind = "table column"
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
    """COMMENT ON statements that give live the comments of the target, after ``planned``."""
    live, target, excluded = pair.live_conn, pair.target_conn, pair.excluded
    have = _read(live, excluded)
    want = _read(target, excluded)
    # Imported on use: the no-change shortcut loads this module for its fingerprint
    # SQL and must not load the SQL parser that ``planned`` needs.
    from canon.diff.planned import created_objects

    created = created_objects(planned, replacing=False)
    # A comment on an object the plan drops goes with the object, created again or not.
    have = {key: c for key, c in have.items() if c.path not in created}
    statements = []
    for key, comment in sorted(want.items()):
        if key not in have or have[key].text != comment.text:
            statements.append(comment_statement(*key, comment.text))
    for key, comment in sorted(have.items()):
        if key not in want and _exists(target, key[0], comment.names, comment.args):
            statements.append(comment_statement(*key, None))
    return statements


# pg_description holds some 5,000 comments on PostgreSQL's own objects, and naming each
# one costs more than the rest of a fingerprint of a small schema. What initdb made has an
# OID below 16384 (FirstNormalObjectId); of that, only schemas (public) can be managed.
MADE_SINCE_INITDB = "(d.objoid >= 16384 OR d.classoid = 'pg_namespace'::regclass)"

# Objects are found by the schema they are in; triggers, policies and rules have none of
# their own, and their address starts with their table's.
FINGERPRINT = f"""
SELECT concat_ws(' ', 'd', d.classoid::regclass, o.identity, d.description) AS item
FROM pg_description d
CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
CROSS JOIN LATERAL pg_identify_object_as_address(d.classoid, d.objoid, d.objsubid) a
WHERE {MADE_SINCE_INITDB}
  AND coalesce(o.schema, a.object_names[1]) = ANY (ARRAY(SELECT nspname FROM ns))
"""

SIGNATURE = f"""
SELECT 'comment on ' || o.type, o.identity, d.description
FROM pg_description d
CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
CROSS JOIN LATERAL pg_identify_object_as_address(d.classoid, d.objoid, d.objsubid) a
WHERE {MADE_SINCE_INITDB}
  AND coalesce(o.schema, a.object_names[1]) IN (SELECT nspname FROM ns)
  AND NOT EXISTS (SELECT 1 FROM ext_members e WHERE e.classid = d.classoid AND e.objid = d.objoid)
"""

KIND = Kind("comment", FINGERPRINT, SIGNATURE, after=changes)
