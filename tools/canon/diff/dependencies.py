"""Dependents that block a change: dropped first, recreated by the plan after it.

PostgreSQL refuses to change the type of a column, or to drop it, while a view uses it,
and an enum recreated by migra leaves index predicates comparing two different types.
migra alters tables in place and only recreates the views it sees changed. canon finds
the blockers in the live database's pg_depend (views and materialized views, with
everything that depends on them in turn, and indexes using a recreated enum), drops them
up front in dependency order, and removes them from migra's picture of the live
database, so that migra creates them again, as the files define them, after the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from canon.inspection.models import DatabaseModel, column_pairs
from canon.pg.db import Connection, query

# Views and materialized views that read the given columns, then every view that reads
# those, with the depth at which each was reached (deepest are dropped first).
VIEWS_QUERY = query(
    """
    WITH RECURSIVE blocked AS (
        SELECT DISTINCT r.ev_class AS oid, 1 AS depth
        FROM unnest(CAST(:tables AS text[]), CAST(:columns AS text[])) AS x(tab, col)
        JOIN pg_attribute a ON a.attrelid = to_regclass(x.tab) AND a.attname = x.col
        JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid
                        AND d.refobjsubid = a.attnum AND d.classid = 'pg_rewrite'::regclass
        JOIN pg_rewrite r ON r.oid = d.objid AND r.ev_class <> a.attrelid
        UNION
        SELECT r.ev_class, b.depth + 1
        FROM blocked b
        JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = b.oid
                        AND d.classid = 'pg_rewrite'::regclass
        JOIN pg_rewrite r ON r.oid = d.objid AND r.ev_class <> b.oid
        WHERE b.depth < 50
    )
    SELECT format('"%s"."%s"', replace(n.nspname, '"', '""'), replace(c.relname, '"', '""')),
           n.nspname, c.relname, c.relkind, max(b.depth)
    FROM blocked b JOIN pg_class c ON c.oid = b.oid JOIN pg_namespace n ON n.oid = c.relnamespace
    GROUP BY 1, 2, 3, 4
    ORDER BY max(b.depth) DESC, 1
    """
)

# Indexes whose expressions or predicates use one of the given types.
INDEXES_QUERY = query(
    """
    SELECT DISTINCT format('"%s"."%s"', replace(n.nspname, '"', '""'), replace(c.relname, '"', '""'))
    FROM pg_depend d
    JOIN pg_class c ON c.oid = d.objid AND c.relkind IN ('i', 'I')
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = d.refobjid
    JOIN pg_namespace tn ON tn.oid = t.typnamespace
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_type'::regclass
      AND format('"%s"."%s"', replace(tn.nspname, '"', '""'), replace(t.typname, '"', '""'))
          = ANY(:types)
    """
)


@dataclass(frozen=True)
class Blocker:
    name: str  # quoted and schema-qualified, as migra's inspector keys it
    kind: str  # "VIEW", "MATERIALIZED VIEW" or "INDEX"

    @property
    def drop_statement(self) -> str:
        return f"DROP {self.kind} {self.name};"


def blocked_columns(
    live: DatabaseModel, target: DatabaseModel, recreated_enums: Iterable[str]
) -> list[tuple[str, str]]:
    """(table, column) pairs the plan retypes or drops, by migra's picture of both sides."""
    enums = set(recreated_enums)
    found = []
    for key, name, column, new in column_pairs(live, target):
        retyped = new is not None and new.dbtypestr != column.dbtypestr
        enum_recast = (
            column.is_enum and column.enum is not None and column.enum.quoted_full_name in enums
        )
        if new is None or retyped or enum_recast:
            found.append((key, name))
    return found


def release(
    conn: Connection, live: DatabaseModel, target: DatabaseModel, recreated_enums: Iterable[str]
) -> list[str]:
    """DROP statements for what blocks the plan; mutates ``live`` so migra recreates them."""
    enums = sorted(recreated_enums)
    columns = blocked_columns(live, target, enums)
    blockers = _views(conn, columns) + _indexes(conn, enums)
    for blocker in blockers:
        _forget(live, blocker)
    _forget_indexes_of_recreated_matviews(live, target)
    return [b.drop_statement for b in blockers]


def _forget_indexes_of_recreated_matviews(live: DatabaseModel, target: DatabaseModel) -> None:
    """A materialized view cannot be replaced, so migra recreates it, without its indexes."""
    for key, view in live.selectables.items():
        wanted = target.selectables.get(key)
        if view.relationtype == "m" and wanted is not None and wanted != view:
            for name in [n for n, i in live.indexes.items() if _on(i, key)]:
                live.indexes.pop(name)


def _views(conn: Connection, columns: list[tuple[str, str]]) -> list[Blocker]:
    if not columns:
        return []
    tables, names = zip(*columns, strict=True)
    rows = conn.execute(VIEWS_QUERY, {"tables": list(tables), "columns": list(names)})
    return [
        Blocker(name, "MATERIALIZED VIEW" if kind == "m" else "VIEW")
        for name, _, _, kind, _ in rows
    ]


def _indexes(conn: Connection, enums: list[str]) -> list[Blocker]:
    if not enums:
        return []
    rows = conn.execute(INDEXES_QUERY, {"types": enums})
    return [Blocker(name, "INDEX") for (name,) in rows]


def _forget(live: DatabaseModel, blocker: Blocker) -> None:
    """Remove a dropped object, and what goes with it, from migra's picture of live."""
    if blocker.kind == "INDEX":
        live.indexes.pop(blocker.name, None)
        return
    for attribute in ("selectables", "views", "materialized_views", "relations"):
        getattr(live, attribute, {}).pop(blocker.name, None)
    prefix = blocker.name + "."
    for attribute in ("indexes", "triggers"):
        pool = getattr(live, attribute)
        for key in [k for k, v in pool.items() if _on(v, blocker.name) or k.startswith(prefix)]:
            pool.pop(key)


def _on(obj: Any, relation: str) -> bool:
    table = getattr(obj, "quoted_full_table_name", None)
    return table == relation


def recreated_enums(live_model: DatabaseModel, target_model: DatabaseModel) -> list[str]:
    """Keys of the enums migra will rename, recreate and recast.

    Once the enum kind has run, these are exactly the enums whose labels still differ:
    it made pure additions look done.
    """
    return [
        key
        for key, wanted in target_model.enums.items()
        if key in live_model.enums and list(live_model.enums[key].elements) != list(wanted.elements)
    ]
