"""Privileges: GRANT and REVOKE for every object kind, and default privileges, from the ACLs.

migra reads table privileges only (from information_schema) and misses schemas,
functions, sequences, types, columns and ``ALTER DEFAULT PRIVILEGES``; it also forgets
a view's grants when it recreates the view. canon compares the ACLs themselves, as
(grantee, privilege, grant option) triples, leaving out the owner's own entries: owners
are not managed, and their implicit rights follow ownership.

An object the plan creates (or drops and creates again) starts with PostgreSQL's
default ACL, so its live ACL is taken to be that default.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from canon.diff.kind import Kind, Pair
from canon.pg.db import Connection, query
from canon.pg.quoting import ident

# One row per object with privileges: how GRANT names it, its ACL (or the default ACL
# for its kind when it has none yet), the default ACL, and what the plan would call it.
ACL_QUERY = query(
    """
    WITH ns AS (
        SELECT oid, nspname FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
          AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'
          AND nspname <> ALL (:excluded)
    ),
    members AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'),
    objects AS (
        SELECT 'SCHEMA' AS kind, quote_ident(n.nspname) AS name, n.nspname AS owner_schema,
               n.nspname AS relname, n.nspacl AS acl, acldefault('n'::"char", n.nspowner) AS dflt,
               n.nspowner AS owner
        FROM pg_namespace n JOIN ns USING (oid)
        UNION ALL
        SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
               format('%I.%I', ns.nspname, c.relname), ns.nspname, c.relname, c.relacl,
               acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner), c.relowner
        FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND c.oid NOT IN (SELECT objid FROM members WHERE classid = 'pg_class'::regclass)
        UNION ALL
        SELECT 'COLUMN ' || quote_ident(a.attname), format('%I.%I', ns.nspname, c.relname),
               ns.nspname, c.relname, a.attacl, NULL, c.relowner
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN ns ON ns.oid = c.relnamespace
        WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
        UNION ALL
        SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
               format('%I.%I(%s)', ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
               ns.nspname, p.proname, p.proacl, acldefault('f'::"char", p.proowner), p.proowner
        FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
        WHERE p.prokind IN ('f', 'p')
          AND p.oid NOT IN (SELECT objid FROM members WHERE classid = 'pg_proc'::regclass)
        UNION ALL
        SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
               format('%I.%I', ns.nspname, t.typname), ns.nspname, t.typname, t.typacl,
               acldefault('T'::"char", t.typowner), t.typowner
        FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
        WHERE t.typtype IN ('e', 'd', 'r')
          AND t.oid NOT IN (SELECT objid FROM members WHERE classid = 'pg_type'::regclass)
    )
    SELECT kind, name, owner_schema, relname,
           ARRAY(SELECT format('%s:%s:%s',
                               CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                                    ELSE x.grantee::regrole::text END,
                               x.privilege_type, x.is_grantable)
                 FROM aclexplode(coalesce(acl, dflt)) x WHERE x.grantee <> owner),
           ARRAY(SELECT format('%s:%s:%s',
                               CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                                    ELSE x.grantee::regrole::text END,
                               x.privilege_type, x.is_grantable)
                 FROM aclexplode(dflt) x WHERE x.grantee <> owner)
    FROM objects
    """
)

DEFAULT_ACL_QUERY = query(
    """
    SELECT d.defaclrole::regrole::text, n.nspname, d.defaclobjtype,
           ARRAY(SELECT format('%s:%s:%s',
                               CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                                    ELSE x.grantee::regrole::text END,
                               x.privilege_type, x.is_grantable)
                 FROM aclexplode(d.defaclacl) x WHERE x.grantee <> d.defaclrole),
           ARRAY(SELECT format('%s:%s:%s',
                               CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                                    ELSE x.grantee::regrole::text END,
                               x.privilege_type, x.is_grantable)
                 FROM aclexplode(acldefault(d.defaclobjtype, d.defaclrole)) x
                 WHERE x.grantee <> d.defaclrole AND d.defaclnamespace = 0)
    FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
    WHERE coalesce(n.nspname, '') <> ALL (:excluded)
    """
)

DEFAULT_ACL_KINDS = {
    "r": "TABLES",
    "S": "SEQUENCES",
    "f": "FUNCTIONS",
    "T": "TYPES",
    "n": "SCHEMAS",
}

Grant = tuple[str, str, bool]  # grantee (quoted, or PUBLIC), privilege, with grant option


@dataclass(frozen=True)
class Acl:
    kind: str  # TABLE, SEQUENCE, COLUMN "c", SCHEMA, FUNCTION, PROCEDURE, TYPE, DOMAIN
    name: str  # as GRANT … ON <kind> <name> wants it
    schema: str
    relname: str
    grants: frozenset[Grant]
    default: frozenset[Grant]


def _grants(items: Sequence[str]) -> frozenset[Grant]:
    found = set()
    for item in items:
        grantee, privilege, grantable = item.rsplit(":", 2)
        found.add((grantee, privilege, grantable in ("t", "true")))
    return frozenset(found)


def read(conn: Connection, excluded: Iterable[str]) -> dict[tuple[str, str], Acl]:
    rows = conn.execute(ACL_QUERY, {"excluded": sorted(excluded)})
    return {
        (kind, name): Acl(kind, name, schema, relname, _grants(acl), _grants(default or []))
        for kind, name, schema, relname, acl, default in rows
    }


def changes(pair: Pair, planned: Sequence[str]) -> list[str]:
    """GRANT/REVOKE statements giving live the privileges of the target, after ``planned``."""
    live, target, excluded = pair.live_conn, pair.target_conn, pair.excluded
    have, want = read(live, excluded), read(target, excluded)
    statements: list[str] = []
    # Imported on use: the no-change shortcut loads this module for its fingerprint
    # SQL and must not load the SQL parser that ``planned`` needs.
    from canon.diff.planned import standing

    for _, wanted, current in standing(have, want, planned, replacing=False):
        before = wanted.default if current is None else current.grants
        statements.extend(_object_statements(wanted, before, wanted.grants))
    for key, current in sorted(have.items()):
        # Column ACLs vanish only by REVOKE; other objects missing from target are dropped.
        if key not in want and current.kind.startswith("COLUMN") and key[1] in _tables(want):
            statements.extend(_object_statements(current, current.grants, frozenset()))
    statements.extend(_default_acl_changes(live, target, excluded))
    return statements


def _tables(acls: dict[tuple[str, str], Acl]) -> set[str]:
    return {name for kind, name in acls if kind == "TABLE"}


def _object_statements(acl: Acl, have: frozenset[Grant], want: frozenset[Grant]) -> list[str]:
    if acl.kind.startswith("COLUMN "):
        column = acl.kind[len("COLUMN ") :]
        return _grant_statements(have, want, lambda p: f"{p} ({column}) ON TABLE {acl.name}")
    return _grant_statements(have, want, lambda p: f"{p} ON {acl.kind} {acl.name}")


def _grant_statements(have: frozenset[Grant], want: frozenset[Grant], on: object) -> list[str]:
    assert callable(on)
    state_have = {(g, p): option for g, p, option in have}
    state_want = {(g, p): option for g, p, option in want}
    statements = []
    for (grantee, privilege), option in sorted(state_have.items()):
        if (grantee, privilege) not in state_want:
            statements.append(f"REVOKE {on(privilege)} FROM {grantee};")
        elif option and not state_want[(grantee, privilege)]:
            statements.append(f"REVOKE GRANT OPTION FOR {on(privilege)} FROM {grantee};")
    for (grantee, privilege), option in sorted(state_want.items()):
        had = state_have.get((grantee, privilege))
        if had is None or (option and not had):
            suffix = " WITH GRANT OPTION" if option else ""
            statements.append(f"GRANT {on(privilege)} TO {grantee}{suffix};")
    return statements


def _default_acl_changes(
    live: Connection, target: Connection, excluded: frozenset[str]
) -> list[str]:
    have = _read_default_acls(live, excluded)
    want = _read_default_acls(target, excluded)
    schemas = _schemas(target, excluded)
    statements: list[str] = []
    for key in sorted(set(have) | set(want), key=lambda k: (k[0], k[1] or "", k[2])):
        role, schema, objtype = key
        if schema is not None and schema not in schemas:
            continue  # the schema goes, and its default privileges with it
        baseline = (want.get(key) or have.get(key) or (frozenset(), frozenset()))[1]
        before = have[key][0] if key in have else baseline
        after = want[key][0] if key in want else baseline
        where = f" IN SCHEMA {ident(schema)}" if schema is not None else ""
        prefix = f"ALTER DEFAULT PRIVILEGES FOR ROLE {role}{where} "
        kind = DEFAULT_ACL_KINDS[objtype]
        statements.extend(
            prefix + s
            for s in _grant_statements(before, after, lambda p, kind=kind: f"{p} ON {kind}")
        )
    return statements


def _read_default_acls(
    conn: Connection, excluded: frozenset[str]
) -> dict[tuple[str, str | None, str], tuple[frozenset[Grant], frozenset[Grant]]]:
    rows = conn.execute(DEFAULT_ACL_QUERY, {"excluded": sorted(excluded)})
    return {
        (role, schema, objtype): (_grants(acl), _grants(base or []))
        for role, schema, objtype, acl, base in rows
    }


def _schemas(conn: Connection, excluded: frozenset[str]) -> set[str]:
    rows = conn.execute(
        query("SELECT nspname FROM pg_namespace WHERE nspname <> ALL (:excluded)"),
        {"excluded": sorted(excluded)},
    )
    return {row[0] for row in rows}


# Object privileges ride on their objects' own fingerprint items and signatures (the
# ACL columns of schemas, relations, columns, functions, types and sequences); default
# privileges have none of their own objects to ride on.
FINGERPRINT = """
SELECT concat_ws(' ', 'q', d.defaclrole::regrole, dn.nspname, d.defaclobjtype,
                 d.defaclacl) AS item
FROM pg_default_acl d LEFT JOIN pg_namespace dn ON dn.oid = d.defaclnamespace
WHERE d.defaclnamespace = 0 OR dn.nspname IN (SELECT nspname FROM ns)
"""

SIGNATURE = """
SELECT 'default privileges',
       concat_ws(' ', 'for', d.defaclrole::regrole, 'in', n.nspname, 'on', d.defaclobjtype),
       (SELECT string_agg(
                   CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END
                   || ':' || x.privilege_type, ',' ORDER BY 1)
        FROM aclexplode(d.defaclacl) x)
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
WHERE coalesce(n.nspname, '') <> ALL (:excluded)
"""

KIND = Kind("privileges", FINGERPRINT, SIGNATURE, after=changes)
