"""What PostgreSQL forces a plan to drop and create again, found in live's pg_depend.

PostgreSQL will not change the type of a column, drop it, drop a type or a function,
while other objects use it, and it cannot replace a view whose columns change, nor a
materialized view at all. migra answers by recreating every view over a table whose
columns change in any way, and keeps nothing attached to what it recreates.

canon starts instead from what the plan changes (columns retyped, dropped or added
again; enums recreated; functions and relations dropped; views that cannot be
replaced) and follows live's pg_depend to everything that depends on those, then on
what depends on that, across schemas: views, materialized views, SQL-bodied functions
and functions using a type, triggers and policies whose expressions use a column, and
indexes and CHECK constraints using a recreated type or a dropped function. Exactly
that is dropped up front, dependents first, and leaves migra's picture of live, so
that migra creates it again as the files define it, after the change. What was
attached to it (comments, grants, options, the indexes and triggers of a view) comes
back through the kinds that run after the engine, which treat a recreated object as
new; ``restore_owners`` gives it back its owner.

migra is also kept from recreating anything else: a changed table never drags its
views along (the one change made to the target's model, on its tables' dependency
lists). A rule that must go comes back through the rules kind (``diff.kinds.rules``),
which creates again the rules the plan drops. A
domain over a recreated enum would have to be recreated too: that plan is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from canon.diff import dependents, forcing
from canon.diff.forcing import Seed
from canon.diff.kind import Pair, Placed, Recreated
from canon.errors import PlanRefused
from canon.inspection.models import DatabaseModel
from canon.pg.db import Connection, query

# Each seed (a column, relation, type or function the plan changes) as the catalog
# objects whose dependents must go, its name as the plan shows it, and a relation's row
# type: ``n`` is the seed's position in the arrays passed.
SEEDS_QUERY = query(
    """
    WITH seeds AS (
        SELECT * FROM unnest(CAST(:kinds AS text[]), CAST(:schemas AS text[]),
                             CAST(:names AS text[]), CAST(:details AS text[]))
            WITH ORDINALITY AS s(kind, schema, name, detail, n)
    )
    SELECT s.n, 'pg_class'::regclass::oid, c.oid, a.attnum::int,
           format('%I.%I.%I', ns.nspname, c.relname, a.attname), 0::oid
    FROM seeds s
    JOIN pg_namespace ns ON ns.nspname = s.schema
    JOIN pg_class c ON c.relnamespace = ns.oid AND c.relname = s.name
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.detail AND NOT a.attisdropped
    WHERE s.kind = 'column'
    UNION ALL
    -- a relation, with its row type (which functions and columns may use)
    SELECT s.n, 'pg_class'::regclass::oid, c.oid, NULL, format('%I.%I', ns.nspname, c.relname),
           c.reltype
    FROM seeds s
    JOIN pg_namespace ns ON ns.nspname = s.schema
    JOIN pg_class c ON c.relnamespace = ns.oid AND c.relname = s.name
    WHERE s.kind = 'relation'
    UNION ALL
    -- a type, and its array type
    SELECT s.n, 'pg_type'::regclass::oid, x.objid, NULL,
           format('type %I.%I', ns.nspname, t.typname), 0::oid
    FROM seeds s
    JOIN pg_namespace ns ON ns.nspname = s.schema
    JOIN pg_type t ON t.typnamespace = ns.oid AND t.typname = s.name
    CROSS JOIN LATERAL (VALUES (t.oid), (t.typarray)) AS x(objid)
    WHERE s.kind = 'type' AND x.objid <> 0
    UNION ALL
    SELECT s.n, 'pg_proc'::regclass::oid, p.oid, NULL,
           format('%I.%I(%s)', ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
           0::oid
    FROM seeds s
    JOIN pg_namespace ns ON ns.nspname = s.schema
    JOIN pg_proc p ON p.pronamespace = ns.oid AND p.proname = s.name
                  AND pg_get_function_identity_arguments(p.oid) = s.detail
    WHERE s.kind = 'function'
    """
)

# What depends (normally, not automatically) on the given catalog objects, as the
# objects a plan can drop and create again; ``n`` is the position of the object used.
# A column reference (``subid``) matches that column; NULL matches the whole object.
DEPENDENTS_QUERY = query(
    """
    WITH refs AS (
        SELECT * FROM unnest(CAST(:classids AS oid[]), CAST(:objids AS oid[]),
                             CAST(:subids AS int[]))
            WITH ORDINALITY AS r(classid, objid, subid, n)
    ),
    hits AS (
        SELECT DISTINCT r.n, r.classid AS refclass, r.objid AS refobj, d.classid, d.objid
        FROM refs r
        JOIN pg_depend d ON d.refclassid = r.classid AND d.refobjid = r.objid
                        AND (r.subid IS NULL OR d.refobjsubid = r.subid) AND d.deptype = 'n'
    ),
    found AS (
        -- a view or materialized view, through its query or a column of the type used
        SELECT h.n, 'pg_class'::regclass::oid AS classid, w.ev_class AS objid
        FROM hits h JOIN pg_rewrite w ON w.oid = h.objid
        WHERE h.classid = 'pg_rewrite'::regclass AND w.rulename = '_RETURN'
          AND NOT (h.refclass = 'pg_class'::regclass AND h.refobj = w.ev_class)
        UNION
        SELECT h.n, 'pg_rewrite'::regclass::oid, w.oid
        FROM hits h JOIN pg_rewrite w ON w.oid = h.objid
        WHERE h.classid = 'pg_rewrite'::regclass AND w.rulename <> '_RETURN'
        UNION
        -- the rules of a view or materialized view, which go with it
        SELECT r.n, 'pg_rewrite'::regclass::oid, w.oid
        FROM refs r JOIN pg_rewrite w ON w.ev_class = r.objid
        JOIN pg_class c ON c.oid = w.ev_class
        WHERE r.classid = 'pg_class'::regclass AND r.subid IS NULL
          AND w.rulename <> '_RETURN' AND c.relkind IN ('v', 'm')
        UNION
        SELECT h.n, 'pg_class'::regclass::oid, c.oid
        FROM hits h JOIN pg_class c ON c.oid = h.objid
        WHERE h.classid = 'pg_class'::regclass AND c.relkind IN ('v', 'm', 'i')
          AND NOT (h.refclass = 'pg_class'::regclass AND h.refobj = c.oid)
        UNION
        SELECT h.n, h.classid, h.objid FROM hits h
        WHERE h.classid IN ('pg_proc'::regclass, 'pg_policy'::regclass)
        UNION
        SELECT h.n, h.classid, h.objid
        FROM hits h JOIN pg_trigger t ON t.oid = h.objid
        WHERE h.classid = 'pg_trigger'::regclass AND NOT t.tgisinternal
        UNION
        -- CHECKs using a type or a function; a CHECK on a column follows the column
        SELECT h.n, h.classid, h.objid
        FROM hits h JOIN pg_constraint k ON k.oid = h.objid
        WHERE h.classid = 'pg_constraint'::regclass AND k.contype = 'c' AND k.conrelid <> 0
          AND h.refclass IN ('pg_type'::regclass, 'pg_proc'::regclass)
        UNION
        -- a domain over a type the plan recreates, which canon does not recreate (a
        -- domain whose default calls a function is released by diff.dependents)
        SELECT h.n, h.classid, h.objid
        FROM hits h JOIN pg_type t ON t.oid = h.objid
        WHERE h.classid = 'pg_type'::regclass AND t.typtype = 'd'
          AND h.refclass = 'pg_type'::regclass
    ),
    described AS (
        SELECT f.n, f.classid, f.objid, o.*
        FROM found f
        CROSS JOIN LATERAL (
            SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                                  ELSE 'index' END AS kind,
                   ns.nspname AS schema, ARRAY[ns.nspname, c.relname] AS path,
                   format('%I.%I', ns.nspname, c.relname) AS display,
                   format('DROP %s %I.%I;', CASE c.relkind WHEN 'v' THEN 'VIEW'
                          WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'INDEX' END,
                          ns.nspname, c.relname) AS drop_sql,
                   NULL::text AS arguments, c.reltype, NULL AS restore_sql
            FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
            WHERE f.classid = 'pg_class'::regclass AND c.oid = f.objid
            UNION ALL
            SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
                   ns.nspname, ARRAY[ns.nspname, p.proname],
                   format('%I.%I(%s)', ns.nspname, p.proname,
                          pg_get_function_identity_arguments(p.oid)),
                   format('DROP %s %I.%I(%s);',
                          CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                          ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
                   pg_get_function_identity_arguments(p.oid), 0::oid, NULL
            FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace
            WHERE f.classid = 'pg_proc'::regclass AND p.oid = f.objid
            UNION ALL
            SELECT 'trigger', ns.nspname, ARRAY[ns.nspname, c.relname, t.tgname],
                   format('%I on %I.%I', t.tgname, ns.nspname, c.relname),
                   format('DROP TRIGGER %I ON %I.%I;', t.tgname, ns.nspname, c.relname),
                   NULL, 0::oid, NULL
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace ns ON ns.oid = c.relnamespace
            WHERE f.classid = 'pg_trigger'::regclass AND t.oid = f.objid
            UNION ALL
            SELECT 'policy', ns.nspname, ARRAY[ns.nspname, c.relname, p.polname],
                   format('%I on %I.%I', p.polname, ns.nspname, c.relname),
                   format('DROP POLICY %I ON %I.%I;', p.polname, ns.nspname, c.relname),
                   NULL, 0::oid, NULL
            FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            JOIN pg_namespace ns ON ns.oid = c.relnamespace
            WHERE f.classid = 'pg_policy'::regclass AND p.oid = f.objid
            UNION ALL
            SELECT 'constraint', ns.nspname, ARRAY[ns.nspname, c.relname, k.conname],
                   format('%I on %I.%I', k.conname, ns.nspname, c.relname),
                   format('ALTER TABLE %I.%I DROP CONSTRAINT %I;', ns.nspname, c.relname,
                          k.conname),
                   NULL, 0::oid, NULL
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_namespace ns ON ns.oid = c.relnamespace
            WHERE f.classid = 'pg_constraint'::regclass AND k.oid = f.objid
            UNION ALL
            SELECT 'rule', ns.nspname, ARRAY[ns.nspname, c.relname, w.rulename],
                   format('%I on %I.%I', w.rulename, ns.nspname, c.relname),
                   format('DROP RULE %I ON %I.%I;', w.rulename, ns.nspname, c.relname),
                   NULL, 0::oid, pg_get_ruledef(w.oid)
            FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class
            JOIN pg_namespace ns ON ns.oid = c.relnamespace
            WHERE f.classid = 'pg_rewrite'::regclass AND w.oid = f.objid
            UNION ALL
            SELECT 'domain', ns.nspname, ARRAY[ns.nspname, t.typname],
                   format('%I.%I', ns.nspname, t.typname), NULL, NULL, 0::oid, NULL
            FROM pg_type t JOIN pg_namespace ns ON ns.oid = t.typnamespace
            WHERE f.classid = 'pg_type'::regclass AND t.oid = f.objid
        ) o
    )
    SELECT n, classid, objid, kind, path, display, drop_sql, arguments, reltype, restore_sql
    FROM described d
    WHERE schema <> ALL (CAST(:excluded AS text[]))
      AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classid
                      AND e.objid = d.objid AND e.deptype = 'e')
    ORDER BY n, display
    """
)

# How an object using a seed of each kind is said to use it.
VERBS = {"column": "reads", "relation": "reads", "type": "uses", "function": "calls"}
# Kinds whose own dependents go with them when they are dropped.
CARRIERS = frozenset({"view", "materialized view", "function", "procedure"})
# Where schemainspect keeps each kind of member, the first holding what the files define.
POOLS = {
    "view": ("selectables", "views", "materialized_views", "relations"),
    "materialized view": ("selectables", "views", "materialized_views", "relations"),
    "function": ("functions", "selectables"),
    "procedure": ("functions", "selectables"),
    "trigger": ("triggers",),
    "policy": ("rlspolicies",),
    "index": ("indexes",),
    "constraint": ("constraints",),
}
PG_CLASS, PG_TYPE, PG_PROC = 1259, 1247, 1255  # catalog oids, fixed in every PostgreSQL


class Ref(NamedTuple):
    """A catalog object whose dependents must go, and how they are said to use it."""

    classid: int
    objid: int
    subid: int | None  # a column's number; None for the whole object
    use: str  # "reads core.brands.name, whose type changes…"
    member: tuple[int, int] | None = None  # the member it stands for (a view's row type)


@dataclass
class Member:
    """One object the plan must drop and create again (or only drop, if the files lack it)."""

    classid: int
    objid: int
    kind: str
    path: tuple[str, ...]  # schema and name, or schema, table and name
    display: str
    drop: str
    reason: str
    arguments: str | None = None  # a function's identity arguments
    restore: str | None = None  # how live defines a rule, which the engine does not plan
    parents: set[tuple[int, int]] = field(default_factory=set)  # members it depends on
    # Recreated for a change of its own (a view that cannot be replaced), not yet for
    # something it depends on: that reason, when found, says more.
    own_change: bool = False

    @property
    def engine_key(self) -> str:
        """The key under which schemainspect holds it: quoted parts, a function's arguments."""
        quoted = _quoted(self.path)
        return quoted if self.arguments is None else f"{quoted}({self.arguments})"


def _quoted(path: Sequence[str]) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in path)


def release(pair: Pair) -> Placed:
    """Drop what the plan's changes force out, dependents first; migra creates it again.

    Mutates the live model (what is dropped leaves it) and the target's tables (their
    dependents are canon's business, not migra's).
    """
    live, target = pair.live_model, pair.target_model
    seeds = [
        *forcing.column_seeds(live, target),
        *forcing.relation_seeds(live, target),
        *forcing.type_seeds(live, target),
        *forcing.function_seeds(pair),
    ]
    members = _closure(pair.live_conn, seeds, pair.excluded) if seeds else []
    _refuse_domains(members)
    ordered = _dependents_first(members)
    for member in ordered:
        _forget(live, member)
    _keep_dependents_out_of_migra(live, target)
    kept = [m for m in ordered if _kept(target, m)]
    released = _release_column_parts(pair, ordered, kept)
    return Placed(
        pre=(*released.drops, *(m.drop for m in ordered)),
        # Rules come back through the rules kind, which sees them dropped.
        late=tuple(released.comments),
        recreated=(
            *released.recreated,
            *(Recreated(m.kind, m.path, m.display, m.reason) for m in kept),
        ),
    )


# What a function's drop must release first that recreation does not drop itself: parts
# of tables (``diff.dependents``), and what canon cannot recreate, to be refused.
COLUMN_PARTS = frozenset({"default", "generated", "other"})


def _release_column_parts(
    pair: Pair, ordered: Sequence[Member], kept: Sequence[Member]
) -> dependents.Released:
    """Release the column defaults and generation expressions calling the functions this
    drops, ahead of those drops.

    The functions kind releases what calls the functions the plan changes, but it runs
    after this one: a function dropped here because it uses a changed one (or a column,
    or a view) would still be held by a default calling it.
    """
    functions = [m for m in ordered if m.classid == PG_PROC]
    if not functions:
        return dependents.Released([], [])
    found = dependents.find(pair.live_conn, functions=[m.engine_key for m in functions])
    cause = "calls " + "; ".join(
        f"{m.display}, {'which is recreated' if m in kept else 'which is dropped'}"
        for m in functions
    )
    parts = [d for d in found if d.kind in COLUMN_PARTS]
    return dependents.release(pair.live_model, pair.target_conn, parts, cause)


def _refuse_domains(members: Iterable[Member]) -> None:
    for member in members:
        if member.kind == "domain":
            raise PlanRefused(
                f"domain {member.display}",
                f"it {member.reason}; PostgreSQL cannot change a domain's base type, and "
                "canon does not create domains again",
                "keep the type's values in the files, or move the columns off the domain first",
            )


def _kept(target: DatabaseModel, member: Member) -> bool:
    """Whether the member is there once the plan ran: then it is recreated, not only dropped.

    The engine's model holds no rules: one is taken as kept wherever its relation is.
    """
    if member.kind == "rule":
        return _quoted(member.path[:2]) in target.selectables
    pools = POOLS.get(member.kind)
    return pools is not None and member.engine_key in getattr(target, pools[0])


# -- what depends on it, in live ------------------------------------------------------


def _closure(conn: Connection, seeds: Sequence[Seed], excluded: Iterable[str]) -> list[Member]:
    """Every object that must go for the seeds to change, with why, found level by level."""
    members: dict[tuple[int, int], Member] = {}
    refs: list[Ref] = []
    for n, classid, objid, subid, display, reltype in _resolve(conn, seeds):
        seed = seeds[n - 1]
        use = f"{VERBS[seed.kind]} {display}, {seed.why}"
        owner = None
        if seed.recreated is not None:
            kind, because = seed.recreated
            drop = f"DROP {kind.upper()} {display};"
            members[(classid, objid)] = Member(
                classid,
                objid,
                kind,
                (seed.schema, seed.name),
                display,
                drop,
                because,
                own_change=True,
            )
            owner = (classid, objid)
        refs.append(Ref(classid, objid, subid, use, owner))
        if reltype:
            refs.append(Ref(PG_TYPE, reltype, None, use, owner))
    params = {"excluded": sorted(excluded)}
    while refs:
        rows = conn.execute(
            DEPENDENTS_QUERY,
            {
                **params,
                "classids": [r.classid for r in refs],
                "objids": [r.objid for r in refs],
                "subids": [r.subid for r in refs],
            },
        ).fetchall()
        following: list[Ref] = []
        for n, classid, objid, kind, path, display, drop, arguments, reltype, restore in rows:
            ref = refs[n - 1]
            member = members.get((classid, objid))
            if member is None:
                member = Member(
                    classid,
                    objid,
                    kind,
                    tuple(path),
                    display,
                    drop or "",
                    _reason(kind, ref.use),
                    arguments,
                    restore,
                )
                members[(classid, objid)] = member
                following.extend(_carried(member, reltype))
            elif member.own_change:
                member.reason, member.own_change = _reason(kind, ref.use), False
            if ref.member is not None:
                member.parents.add(ref.member)
        refs = following
    return list(members.values())


def _reason(kind: str, use: str) -> str:
    # Triggers, policies, indexes and CHECKs use a column rather than read it.
    if kind in CARRIERS or not use.startswith("reads "):
        return use
    return "uses " + use.removeprefix("reads ")


def _carried(member: Member, reltype: int) -> list[Ref]:
    """What goes when ``member`` is dropped: it, and for a view, its row type."""
    if member.kind not in CARRIERS:
        return []
    key = (member.classid, member.objid)
    if member.classid == PG_PROC:
        return [
            Ref(PG_PROC, member.objid, None, f"calls {member.display}, which is recreated", key)
        ]
    use = f"reads {member.display}, which is recreated"
    return [Ref(PG_CLASS, member.objid, None, use, key), Ref(PG_TYPE, reltype, None, use, key)]


def _resolve(
    conn: Connection, seeds: Sequence[Seed]
) -> list[tuple[int, int, int, int | None, str, int]]:
    rows = conn.execute(
        SEEDS_QUERY,
        {
            "kinds": [s.kind for s in seeds],
            "schemas": [s.schema for s in seeds],
            "names": [s.name for s in seeds],
            "details": [s.detail for s in seeds],
        },
    ).fetchall()
    return [(int(n), int(c), int(o), s, display, int(t)) for n, c, o, s, display, t in rows]


def _dependents_first(members: Sequence[Member]) -> list[Member]:
    """Members in drop order: whatever depends on another member comes before it."""
    by_id = {(m.classid, m.objid): m for m in members}
    heights: dict[tuple[int, int], int] = {}

    def height(key: tuple[int, int]) -> int:
        # How far a member sits from the change; pg_depend between views has no cycles.
        if key not in heights:
            heights[key] = 0  # a guard, should a cycle ever appear
            heights[key] = 1 + max((height(p) for p in by_id[key].parents), default=0)
        return heights[key]

    return sorted(members, key=lambda m: (-height((m.classid, m.objid)), m.display))


# -- migra's picture -----------------------------------------------------------------


def _forget(live: DatabaseModel, member: Member) -> None:
    """Remove a dropped object, and what goes with it, from migra's picture of live."""
    key = member.engine_key
    for attribute in POOLS.get(member.kind, ()):
        getattr(live, attribute, {}).pop(key, None)
    if member.kind in ("view", "materialized view"):
        for pool in (live.indexes, live.triggers):
            for name in [
                k
                for k, v in pool.items()
                if getattr(v, "quoted_full_table_name", None) == key or k.startswith(key + ".")
            ]:
                pool.pop(name)


def _keep_dependents_out_of_migra(live: DatabaseModel, target: DatabaseModel) -> None:
    """Stop migra recreating every view over a table whose columns change in any way.

    migra walks a changed table's dependents in the target's model; those that must go
    were dropped above, so that walk is emptied.
    """
    for key, table in target.tables.items():
        if key in live.tables:
            table.dependents_all = []


# -- after the plan -------------------------------------------------------------------

OWNERS_QUERY = query(
    """
    SELECT CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END,
           n.nspname, c.relname, format('%I.%I', n.nspname, c.relname),
           c.relowner::regrole::text -- quoted where needed
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND n.nspname <> ALL (:excluded)
    UNION ALL
    SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
           n.nspname, t.typname, format('%I.%I', n.nspname, t.typname),
           t.typowner::regrole::text
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typtype IN ('e', 'd', 'r') AND n.nspname <> ALL (:excluded)
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
           n.nspname, p.proname,
           format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
           p.proowner::regrole::text
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind IN ('f', 'p') AND n.nspname <> ALL (:excluded)
    """
)
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


def restore_owners(pair: Pair, planned: Sequence[str]) -> list[str]:
    """``ALTER … OWNER TO`` giving what the plan drops and creates again its live owner.

    canon does not manage owners, but an object created again belongs to whoever runs
    the plan; this keeps it with the role that owned it before.
    """
    # Imported on use: the no-change shortcut loads this module's kind for its
    # fingerprint SQL and must not load the SQL parser that ``planned`` needs.
    from canon.diff.planned import recreated_objects

    recreated = recreated_objects(planned)
    if not recreated:
        return []
    params = {"excluded": sorted({*pair.excluded, *SYSTEM_SCHEMAS})}
    wanted = {(row[0], row[3]) for row in pair.target_conn.execute(OWNERS_QUERY, params)}
    return sorted(
        f"ALTER {kind} {name} OWNER TO {owner};"
        for kind, schema, base, name, owner in pair.live_conn.execute(OWNERS_QUERY, params)
        if (schema, base) in recreated and (kind, name) in wanted
    )
