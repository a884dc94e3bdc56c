"""What a forced recreation leaves behind that is not an object of its own: released, then restored.

``diff.recreation`` decides what the plan must drop and create again (which functions,
which columns) and recreates the objects that depend on those: views, functions,
triggers, policies, indexes and CHECKs. What it finds in pg_depend are objects migra
creates again once they leave its picture of live. Some dependents are parts of another
object instead, which migra compares in place and would not give back: a column's
default or generation expression, a domain's CHECK or default, a foreign key between
two columns that both change type, an index or CHECK on a column added again, and the
comments on all of these and on the recreated functions and columns themselves. They
are kept here, as a separate walk (through every dependency, automatic ones included,
and through views and functions to what rests on them), because each needs its own
statement to release and its own way back: ``DROP DEFAULT`` then migra's ``SET
DEFAULT``, ``DROP EXPRESSION`` then ``diff.generated``, a domain's ``DROP CONSTRAINT``
then ``diff.kinds.domains``. Each one released is reported as ``Recreated``, with the
reason recreation gave for its cause. Objects canon cannot recreate this way (a
partition key, an operator, a cast...) are refused before anything runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg

from canon.diff.kind import Pair, Recreated
from canon.errors import PlanRefused
from canon.inspection.models import ColumnModel, DatabaseModel
from canon.pg.db import Connection, query
from canon.pg.quoting import ident, literal

QUOTED = """format('"%s"."%s"', replace({0}, '"', '""'), replace({1}, '"', '""'))"""

# The comments on an object (and, for a whole relation, on its columns), as [what COMMENT
# ON names, description, type, object names, object arguments].
COMMENTS = """(SELECT coalesce(json_agg(json_build_array(
                   CASE WHEN ci.type LIKE '% column' THEN 'COLUMN'
                        WHEN ci.type = 'table constraint' THEN 'CONSTRAINT'
                        ELSE upper(ci.type) END || ' ' || ci.identity,
                   cd.description,
                   -- pg_get_object_address knows any relation's column only as this
                   CASE WHEN ca.type LIKE '% column' THEN 'table column' ELSE ca.type END,
                   ca.object_names, ca.object_args)), '[]')
             FROM pg_description cd,
                  pg_identify_object(cd.classoid, cd.objoid, cd.objsubid) ci,
                  pg_identify_object_as_address(cd.classoid, cd.objoid, cd.objsubid) ca
             WHERE cd.classoid = {0} AND cd.objoid = {1} AND ({2} = 0 OR cd.objsubid = {2}))"""

# Every object that depends on the given functions (engine keys) or columns, and on those
# in turn: a view stands for its rewrite rule, a generated column for its expression.
DEPENDENTS_QUERY = query(
    f"""
    WITH RECURSIVE walk(classid, objid, objsubid, depth) AS (
        SELECT CAST('pg_proc' AS regclass), p.oid, 0, 0
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE {QUOTED.format("n.nspname", "p.proname")}
              || '(' || pg_get_function_identity_arguments(p.oid) || ')'
              = ANY(CAST(:functions AS text[]))
        UNION
        SELECT CAST('pg_class' AS regclass), a.attrelid, a.attnum, 0
        FROM unnest(CAST(:tables AS text[]), CAST(:columns AS text[])) AS x(tab, col)
        JOIN pg_attribute a ON a.attrelid = to_regclass(x.tab) AND a.attname = x.col
        UNION
        SELECT step.classid, step.objid, step.objsubid, w.depth + 1
        FROM walk w
        LEFT JOIN pg_class wc ON w.classid = 'pg_class'::regclass AND wc.oid = w.objid
        JOIN pg_depend d ON d.refclassid = w.classid AND d.refobjid = w.objid
                        AND (w.objsubid = 0 OR d.refobjsubid = w.objsubid)
                        AND d.deptype IN ('n', 'a')
        LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
        LEFT JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid
        LEFT JOIN pg_attribute g ON g.attrelid = ad.adrelid AND g.attnum = ad.adnum
                                AND g.attgenerated <> ''
        -- A view stands for its query (its _RETURN rule); other rules stay rules.
        CROSS JOIN LATERAL (SELECT r.oid IS NOT NULL AND r.rulename = '_RETURN') AS v(is_view)
        CROSS JOIN LATERAL (SELECT
            CASE WHEN v.is_view OR g.attnum IS NOT NULL
                 THEN CAST('pg_class' AS regclass) ELSE d.classid END,
            CASE WHEN v.is_view THEN r.ev_class ELSE coalesce(g.attrelid, d.objid) END,
            CASE WHEN v.is_view THEN 0 ELSE coalesce(g.attnum, d.objsubid) END
        ) AS step(classid, objid, objsubid)
        -- Only what is dropped whole passes the walk on: functions, views, indexes and
        -- columns, not a domain whose default goes, nor a table.
        WHERE w.depth < 50 AND w.classid <> 'pg_type'::regclass
          AND (wc.oid IS NULL OR wc.relkind IN ('v', 'm', 'i', 'I') OR w.objsubid > 0)
          AND (step.classid, step.objid, step.objsubid) <> (w.classid, w.objid, w.objsubid)
          AND (r.oid IS NULL OR r.ev_class <> d.refobjid)
          -- Of a column that changes type, only what PostgreSQL will not carry along:
          -- its indexes and constraints follow the new type by themselves.
          AND (w.depth > 0 OR NOT :blocking_only
               OR d.classid IN ('pg_rewrite'::regclass, 'pg_policy'::regclass,
                                'pg_trigger'::regclass, 'pg_proc'::regclass)
               OR g.attnum IS NOT NULL)
    ),
    found AS (
        SELECT classid, objid, objsubid, max(depth) AS depth FROM walk WHERE depth > 0
        GROUP BY 1, 2, 3
    )
    SELECT CASE
             WHEN f.classid = 'pg_class'::regclass AND c.relkind IN ('v', 'm') THEN 'view'
             WHEN f.classid = 'pg_class'::regclass AND c.relkind IN ('i', 'I') THEN
               CASE WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid
                                 AND k.contype IN ('p', 'u', 'x'))
                    THEN 'constraint index' ELSE 'index' END
             WHEN f.classid = 'pg_class'::regclass AND f.objsubid > 0
                  AND c.relkind IN ('r', 'p') AND ga.attgenerated <> '' THEN 'generated'
             WHEN f.classid = 'pg_attrdef'::regclass THEN 'default'
             WHEN f.classid = 'pg_constraint'::regclass AND co.conrelid <> 0 THEN 'constraint'
             WHEN f.classid = 'pg_constraint'::regclass AND co.contypid <> 0
               THEN 'domain constraint'
             WHEN f.classid = 'pg_type'::regclass AND ty.typtype = 'd' THEN 'domain default'
             WHEN f.classid = 'pg_rewrite'::regclass THEN 'rule'
             WHEN f.classid = 'pg_policy'::regclass THEN 'policy'
             WHEN f.classid = 'pg_trigger'::regclass THEN
               CASE WHEN tg.tgisinternal THEN 'internal trigger' ELSE 'trigger' END
             WHEN f.classid = 'pg_proc'::regclass THEN
               CASE WHEN p.prokind = 'p' THEN 'procedure' ELSE 'function' END
             ELSE 'other'
           END,
           CASE
             WHEN f.classid = 'pg_class'::regclass AND f.objsubid = 0
               THEN {QUOTED.format("cn.nspname", "c.relname")}
             WHEN f.classid = 'pg_proc'::regclass
               THEN {QUOTED.format("pn.nspname", "p.proname")}
                    || '(' || pg_get_function_identity_arguments(p.oid) || ')'
             -- Domains by canon's own name for them (diff.kinds.domains).
             WHEN coalesce(co.contypid, ty.oid) IS NOT NULL
               THEN (SELECT format('%I.%I', dn.nspname, d.typname)
                     FROM pg_type d JOIN pg_namespace dn ON dn.oid = d.typnamespace
                     WHERE d.oid = coalesce(nullif(co.contypid, 0), ty.oid))
           END,
           (SELECT {QUOTED.format("tn.nspname", "t.relname")}
            FROM pg_class t JOIN pg_namespace tn ON tn.oid = t.relnamespace
            WHERE t.oid = coalesce(ad.adrelid, co.conrelid, pol.polrelid, tg.tgrelid,
                                   CASE WHEN f.objsubid > 0 THEN c.oid END)),
           coalesce(co.conname, pol.polname, tg.tgname, aa.attname, ga.attname),
           f.depth,
           (SELECT i.type || ' ' || i.identity
            FROM pg_identify_object(f.classid, f.objid, f.objsubid) i),
           {COMMENTS.format("f.classid", "f.objid", "f.objsubid")}
    FROM found f
    LEFT JOIN pg_class c ON f.classid = 'pg_class'::regclass AND c.oid = f.objid
    LEFT JOIN pg_namespace cn ON cn.oid = c.relnamespace
    LEFT JOIN pg_attribute ga ON ga.attrelid = c.oid AND ga.attnum = f.objsubid
    LEFT JOIN pg_attrdef ad ON f.classid = 'pg_attrdef'::regclass AND ad.oid = f.objid
    LEFT JOIN pg_attribute aa ON aa.attrelid = ad.adrelid AND aa.attnum = ad.adnum
    LEFT JOIN pg_constraint co ON f.classid = 'pg_constraint'::regclass AND co.oid = f.objid
    LEFT JOIN pg_policy pol ON f.classid = 'pg_policy'::regclass AND pol.oid = f.objid
    LEFT JOIN pg_trigger tg ON f.classid = 'pg_trigger'::regclass AND tg.oid = f.objid
    LEFT JOIN pg_type ty ON f.classid = 'pg_type'::regclass AND ty.oid = f.objid
    LEFT JOIN pg_proc p ON f.classid = 'pg_proc'::regclass AND p.oid = f.objid
    LEFT JOIN pg_namespace pn ON pn.oid = p.pronamespace
    ORDER BY f.depth DESC, 6
    """
)


@dataclass(frozen=True)
class Dependent:
    kind: str  # view, index, constraint, default, generated, policy, trigger, function...
    key: str | None  # the engine's key of a view, index or function; a domain's name
    table: str | None  # the engine's key of the table a column or constraint is on
    name: str | None  # the column, constraint, policy or trigger name
    depth: int
    description: str  # as PostgreSQL identifies it: kind and qualified name
    comments: tuple[Comment, ...] = ()


@dataclass(frozen=True)
class Released:
    """What releasing objects takes: drops first, then (late) their comments back."""

    drops: list[str]
    comments: list[str]
    recreated: tuple[Recreated, ...] = ()


def find(
    conn: Connection,
    functions: Iterable[str] = (),
    columns: Iterable[tuple[str, str]] = (),
    blocking_only: bool = False,
) -> list[Dependent]:
    """What depends on ``functions`` (engine keys) or ``columns`` ((table key, name) pairs),
    deepest first; with ``blocking_only``, only what stops a column's type change (views,
    policies, triggers, functions, generated columns) and what depends on those."""
    functions, columns = sorted(set(functions)), sorted(set(columns))
    if not functions and not columns:
        return []
    params = {
        "functions": functions,
        "tables": [table for table, _ in columns],
        "columns": [column for _, column in columns],
        "blocking_only": blocking_only,
    }
    found = []
    for kind, key, table, name, depth, description, comments in conn.execute(
        DEPENDENTS_QUERY, params
    ):
        found.append(
            Dependent(kind, key, table, name, depth, description, tuple(map(tuple, comments)))
        )
    return found


# Foreign keys whose referencing and referenced columns both change type: in between,
# the two types may not be comparable, so the key is dropped first and added again after.
KEYS_BETWEEN_QUERY = query(
    f"""
    WITH changed AS (
        SELECT a.attrelid, a.attnum
        FROM unnest(CAST(:tables AS text[]), CAST(:columns AS text[])) AS x(tab, col)
        JOIN pg_attribute a ON a.attrelid = to_regclass(x.tab) AND a.attname = x.col
    )
    SELECT {QUOTED.format("n.nspname", "t.relname")}, co.conname
    FROM pg_constraint co JOIN pg_class t ON t.oid = co.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE co.contype = 'f' AND co.conparentid = 0
      AND EXISTS (SELECT 1 FROM changed WHERE attrelid = co.conrelid
                  AND attnum = ANY(co.conkey))
      AND EXISTS (SELECT 1 FROM changed WHERE attrelid = co.confrelid
                  AND attnum = ANY(co.confkey))
    """
)


def keys_between(conn: Connection, columns: Iterable[tuple[str, str]]) -> list[Dependent]:
    """Foreign keys from one of ``columns`` to another, as dependents to release."""
    columns = sorted(set(columns))
    if not columns:
        return []
    params = {"tables": [t for t, _ in columns], "columns": [c for _, c in columns]}
    return [
        Dependent("constraint", None, table, name, 1, f"constraint {name} on {table}")
        for table, name in conn.execute(KEYS_BETWEEN_QUERY, params)
    ]


def release(
    live: DatabaseModel, target_conn: Connection, found: Iterable[Dependent], cause: str
) -> Released:
    """DROP statements for ``found`` (those still in the engine's picture of live), each
    removed from that picture, and COMMENT statements putting back the comments of those
    the files keep. ``cause`` says what the plan drops or changes ("calls f(), which is
    dropped"), for refusals and for the report of what is recreated."""
    found = list(found)
    blocking = [d for d in found if d.kind == "other"]
    if blocking:
        nearest = min(blocking, key=lambda d: d.depth)
        raise PlanRefused(
            nearest.description,
            f"it {cause}, and canon cannot recreate it around that change",
            "remove that use by hand (or drop the object), apply the plan, then restore it "
            "as the files define it",
        )
    drops: list[str] = []
    comments: list[Comment] = []
    recreated: list[Recreated] = []
    for dependent in found:
        statement = _RELEASERS.get(dependent.kind, _keep)(live, dependent)
        if statement is not None:
            drops.append(statement)
            comments.extend(dependent.comments)
            recreated.append(_recreated(dependent, cause))
    return Released(drops, restore_comments(target_conn, comments), tuple(recreated))


def _recreated(dependent: Dependent, cause: str) -> Recreated:
    """How the plan reports a released dependent: named as the statement dropping it is."""
    if dependent.kind == "index":
        path = name_parts(dependent.key or "")
    elif dependent.kind.startswith("domain"):
        path = (*name_parts(dependent.key or ""), *([dependent.name] if dependent.name else []))
    else:
        path = (*name_parts(dependent.table or ""), dependent.name or "")
    kind = {"default": "column default", "generated": "generation expression"}.get(
        dependent.kind, dependent.kind
    )
    return Recreated(kind, path, dependent.description, cause)


def name_parts(key: str) -> tuple[str, ...]:
    """An engine key (``"schema"."name"``, or quoted only where needed) as its name parts."""
    return tuple(
        quoted.replace('""', '"') if quoted else bare.lower()
        for quoted, bare in NAME_PART.findall(key)
    )


NAME_PART = re.compile(r'"((?:[^"]|"")*)"|([^."]+)')


Comment = tuple[str, str, str, list[str], list[str]]

# The comments on functions (engine keys) and columns the plan drops and creates again.
ROOT_COMMENTS_QUERY = query(
    f"""
    SELECT {COMMENTS.format("'pg_proc'::regclass", "p.oid", "0")}
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE {QUOTED.format("n.nspname", "p.proname")}
          || '(' || pg_get_function_identity_arguments(p.oid) || ')'
          = ANY(CAST(:functions AS text[]))
    UNION ALL
    SELECT {COMMENTS.format("'pg_class'::regclass", "a.attrelid", "a.attnum")}
    FROM unnest(CAST(:tables AS text[]), CAST(:columns AS text[])) AS x(tab, col)
    JOIN pg_attribute a ON a.attrelid = to_regclass(x.tab) AND a.attname = x.col
    """
)


def root_comments(
    pair: Pair, functions: Iterable[str] = (), columns: Iterable[tuple[str, str]] = ()
) -> list[str]:
    """COMMENT statements putting back the comments of functions and columns the plan
    drops and creates again."""
    functions, columns = sorted(set(functions)), sorted(set(columns))
    if not functions and not columns:
        return []
    params = {
        "functions": functions,
        "tables": [table for table, _ in columns],
        "columns": [column for _, column in columns],
    }
    rows = pair.live_conn.execute(ROOT_COMMENTS_QUERY, params).fetchall()
    return restore_comments(pair.target_conn, [tuple(c) for (found,) in rows for c in found])


EXISTS_QUERY = query("SELECT pg_get_object_address(:kind, :names, :args)")


def restore_comments(target_conn: Connection, comments: Iterable[Comment]) -> list[str]:
    """COMMENT statements for the comments of dropped objects that the files keep.

    The comments kind compares live's comments with the files' before the plan runs, so
    it cannot see one lost to a drop; one the files change it still sets afterwards.
    """
    statements = []
    for target, description, kind, names, args in comments:
        try:
            with target_conn.transaction():
                target_conn.execute(EXISTS_QUERY, {"kind": kind, "names": names, "args": args})
        except psycopg.Error:
            continue  # the files drop it for good
        statements.append(f"COMMENT ON {target} IS {literal(description)};")
    return statements


def _keep(live: DatabaseModel, dependent: Dependent) -> str | None:
    # A constraint's index and internal triggers go and come back with their constraint;
    # domains are canon's own (``diff.kinds.domains`` releases what they use); views,
    # functions, triggers and policies were recreation's.
    return None


def _release_index(live: DatabaseModel, dependent: Dependent) -> str | None:
    if live.indexes.pop(dependent.key or "", None) is None:
        return None
    return f"DROP INDEX {dependent.key};"


def _release_constraint(live: DatabaseModel, dependent: Dependent) -> str | None:
    key = f"{dependent.table}.{ident(dependent.name or '')}"
    constraint = live.constraints.pop(key, None)
    if constraint is None:
        return None
    if constraint.index is not None:
        live.indexes.pop(constraint.index.quoted_full_name, None)
    return f"ALTER TABLE {dependent.table} DROP CONSTRAINT {ident(dependent.name or '')};"


def _release_default(live: DatabaseModel, dependent: Dependent) -> str | None:
    column = _live_column(live, dependent)
    if column is None or column.default is None or column.is_generated:
        return None
    column.default = None
    return f"ALTER TABLE {dependent.table} ALTER COLUMN {ident(column.name)} DROP DEFAULT;"


def _release_generated(live: DatabaseModel, dependent: Dependent) -> str | None:
    """The column keeps its values as a plain column; ``diff.generated`` adds it again."""
    column = _live_column(live, dependent)
    if column is None or not column.is_generated:
        return None
    column.is_generated, column.default = False, None
    return f"ALTER TABLE {dependent.table} ALTER COLUMN {ident(column.name)} DROP EXPRESSION;"


def _live_column(live: DatabaseModel, dependent: Dependent) -> ColumnModel | None:
    table = live.tables.get(dependent.table or "")
    return None if table is None else table.columns.get(dependent.name or "")


def _table_of(obj: object) -> str | None:
    return getattr(obj, "quoted_full_table_name", None)


# Views, functions, procedures, triggers and policies are recreation's: it dropped them
# first (``diff.recreation``), so they have left the engine's picture of live by now.
_RELEASERS = {
    "index": _release_index,
    "constraint": _release_constraint,
    "default": _release_default,
    "generated": _release_generated,
}
