"""Owners in a database built from the files: which objects the files give an owner.

canon compares an object's owner only where the files declare it. Which objects the
``ALTER … OWNER TO`` statements of the files name is settled once the files are loaded,
each in the session its statement ran in, and recorded in the built database itself
(``DECLARED``), where the owners kind reads it. With a default owner (``[owners]
default`` in canon.toml), every other object of the files is given to that role in the
built database and recorded as declared too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import psycopg

from canon.files.owners import OwnerDeclaration
from canon.managed import CANON_SCHEMA, EXCLUDED_SCHEMAS, MANAGED_SCHEMAS
from canon.pg.db import Connection, query
from canon.pg.quoting import ident

if TYPE_CHECKING:
    # The owners kind reads this module's queries for the no-change shortcut, which must
    # not load the SQL parser and templates that reading files takes.
    from canon.files.sources import Statement

DECLARED = f"{ident(CANON_SCHEMA)}.declared_owners"

# Every object of the managed schemas whose owner canon may compare: how ALTER … OWNER
# names its kind and the object, and its owner. Sequences owned by a column, and the
# row types of tables, follow their table; extension members belong to the extension.
OWNABLE = """
SELECT o.classid::oid, o.objid, o.keyword, o.identity, o.owner::regrole::text AS owner,
       o.schema, o.name
FROM (
    SELECT 'pg_namespace'::regclass AS classid, ns.oid AS objid, 'SCHEMA' AS keyword,
           quote_ident(ns.nspname) AS identity, ns.nspowner AS owner, ns.nspname AS schema,
           ns.nspname AS name
    FROM ns
    UNION ALL
    SELECT 'pg_class'::regclass, c.oid,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
           format('%I.%I', ns.nspname, c.relname), c.relowner, ns.nspname, c.relname
    FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                      AND d.deptype IN ('a', 'i'))
    UNION ALL
    SELECT 'pg_proc'::regclass, p.oid, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
           format('%I.%I(%s)', ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
           p.proowner, ns.nspname, p.proname
    FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace WHERE p.prokind IN ('f', 'p', 'w')
    UNION ALL
    SELECT 'pg_type'::regclass, t.oid, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
           format('%I.%I', ns.nspname, t.typname), t.typowner, ns.nspname, t.typname
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
    WHERE t.typtype IN ('e', 'd', 'r')
       OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid
                                       AND c.relkind = 'c'))
    UNION ALL
    SELECT 'pg_collation'::regclass, co.oid, 'COLLATION', format('%I.%I', ns.nspname, co.collname),
           co.collowner, ns.nspname, co.collname
    FROM pg_collation co JOIN ns ON ns.oid = co.collnamespace
    UNION ALL
    SELECT 'pg_statistic_ext'::regclass, s.oid, 'STATISTICS',
           format('%I.%I', ns.nspname, s.stxname), s.stxowner, ns.nspname, s.stxname
    FROM pg_statistic_ext s JOIN ns ON ns.oid = s.stxnamespace
) o
WHERE NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = o.classid AND e.objid = o.objid
                  AND e.deptype = 'e')
"""

OWNABLE_QUERY = query(f"WITH {MANAGED_SCHEMAS.strip()}\n{OWNABLE}")


def record(conn: Connection, statements: Sequence[Statement], default_owner: str | None) -> None:
    """Record in the built database the objects the files give an owner (see the module)."""
    from canon.scratch import session  # see TYPE_CHECKING above

    declared = [(s, owned) for s in statements for owned in s.owners]
    if not declared and default_owner is None:
        return
    conn.execute(f"CREATE SCHEMA {ident(CANON_SCHEMA)}")
    conn.execute(f"CREATE TABLE {DECLARED} (classid oid, objid oid)")
    for statement, owned in declared:
        session.enter(conn, statement)
        found = _address(conn, owned)
        if found is not None:
            conn.execute(f"INSERT INTO {DECLARED} VALUES (%s, %s)", found)
    conn.execute(session.RESET)
    if default_owner is not None:
        _give_the_rest(conn, default_owner)


def _address(conn: Connection, owned: OwnerDeclaration) -> tuple[int, int] | None:
    """The catalog address of a declared object; None when the files dropped it later."""
    params: tuple[object, ...] = (owned.dotted,)
    if owned.kind == "relation":
        sql = "SELECT 'pg_class'::regclass::oid, to_regclass(%s)::oid"
    elif owned.kind == "routine by name":
        sql = "SELECT 'pg_proc'::regclass::oid, to_regproc(%s)::oid"
    else:
        sql = "SELECT classid, objid FROM pg_get_object_address(%s, %s, %s)"
        params = (owned.kind, list(owned.names), list(owned.args))
    try:
        with conn.transaction():
            row = conn.execute(sql, params).fetchone()
    except psycopg.Error:
        return None
    return (int(row[0]), int(row[1])) if row and row[1] is not None else None


def _give_the_rest(conn: Connection, owner: str) -> None:
    """Give ``owner`` every object the files did not give an owner, and record them."""
    declared = set(conn.execute(f"SELECT classid, objid FROM {DECLARED}").fetchall())
    for classid, objid in _give(conn, owner, lambda address, _: address not in declared):
        conn.execute(f"INSERT INTO {DECLARED} VALUES (%s, %s)", (classid, objid))


def hand_over(conn: Connection, role: str) -> None:
    """Give ``role`` what the session's own role owns, as if ``role`` had made it.

    A rehearsal runs a plan on a copy of live as the copy server's role; handed over to
    live's role afterwards, what the plan created is owned as it will be on live.
    """
    row = conn.execute("SELECT current_user, current_user::regrole::text").fetchone()
    assert row is not None
    if row[0] != role:
        _give(conn, role, lambda _, owner: owner == row[1])


def _give(
    conn: Connection, owner: str, chosen: Callable[[tuple[int, int], str], bool]
) -> list[tuple[int, int]]:
    """ALTER … OWNER TO ``owner`` for the ownable objects ``chosen`` picks; their addresses."""
    rows = conn.execute(OWNABLE_QUERY, {"excluded": sorted(EXCLUDED_SCHEMAS)}).fetchall()
    given = []
    for classid, objid, keyword, identity, current, *_ in rows:
        # The public schema comes with every database: it is only owned as declared.
        if (keyword, identity) == ("SCHEMA", "public") or not chosen((classid, objid), current):
            continue
        conn.execute(f"ALTER {keyword} {identity} OWNER TO {ident(owner)}")
        given.append((classid, objid))
    return given


def declared_identities(conn: Connection) -> set[tuple[str, str]]:
    """(keyword, identity) of the objects a built database records as owned by declaration."""
    exists = conn.execute("SELECT to_regclass(%s)", (DECLARED,)).fetchone()
    if not exists or exists[0] is None:
        return set()
    rows = conn.execute(
        query(
            f"WITH {MANAGED_SCHEMAS.strip()}, owned AS ({OWNABLE}) "
            f"SELECT keyword, identity FROM owned JOIN {DECLARED} USING (classid, objid)"
        ),
        {"excluded": sorted(EXCLUDED_SCHEMAS)},
    ).fetchall()
    return {(str(keyword), str(identity)) for keyword, identity in rows}
