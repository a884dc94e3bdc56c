"""Partitioned tables: indexes, keys, bounds and membership, which migra gets wrong.

* An index on a partitioned table reads ``ON ONLY parent`` in the catalog, so migra
  creates it unattached and then creates each partition's index separately. canon
  creates it with plain ``ON``, which PostgreSQL cascades to every partition, and hides
  the partitions' attached indexes and inherited constraints from migra (they come and
  go with the parent's).
* A primary key or unique constraint on a partitioned table cannot be added ``USING
  INDEX``; canon has migra add it from its definition.
* Partitions of a table the plan drops go with it; migra would drop them again.
* A changed partition bound is applied with DETACH and ATTACH; an existing plain table
  that becomes a partition is attached, and a partition that becomes a plain table is
  detached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from canon.inspection.models import DatabaseModel, TableModel
from canon.pg.db import Connection, query

QUOTED = """format('"%s"."%s"', replace({0}, '"', '""'), replace({1}, '"', '""'))"""

# Indexes attached to a parent index, and constraints inherited from a parent constraint.
CHILDREN_QUERY = query(
    f"""
    SELECT 'index', {QUOTED.format("n.nspname", "c.relname")}
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid AND c.relkind IN ('i', 'I')
    JOIN pg_namespace n ON n.oid = c.relnamespace
    UNION ALL
    SELECT 'constraint', {QUOTED.format("n.nspname", "t.relname")} || format('."%s"',
           replace(co.conname, '"', '""'))
    FROM pg_constraint co JOIN pg_class t ON t.oid = co.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE co.conparentid <> 0
    UNION ALL
    SELECT 'parent index', {QUOTED.format("n.nspname", "c.relname")}
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'I'
    """
)

BOUNDS_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, c.relname), i.inhparent::regclass::text,
           pg_get_expr(c.relpartbound, c.oid)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_inherits i ON i.inhrelid = c.oid
    WHERE c.relispartition AND c.relkind IN ('r', 'p') AND n.nspname <> ALL (:excluded)
    """
)


@dataclass(frozen=True)
class Children:
    indexes: set[str]
    constraints: set[str]
    parent_indexes: set[str]


def _children(conn: Connection) -> Children:
    found: dict[str, set[str]] = {"index": set(), "constraint": set(), "parent index": set()}
    for kind, name in conn.execute(CHILDREN_QUERY):
        found[kind].add(name)
    return Children(found["index"], found["constraint"], found["parent index"])


def prepare(
    live_conn: Connection, target_conn: Connection, live: DatabaseModel, target: DatabaseModel
) -> None:
    """Adjust migra's pictures of both databases; see the module docstring."""
    for conn, model in ((live_conn, live), (target_conn, target)):
        children = _children(conn)
        for name in children.indexes:
            model.indexes.pop(name, None)
        for name in children.constraints:
            model.constraints.pop(name, None)
        _cascade_parent_indexes(model, children.parent_indexes)
    _forget_partitions_of_dropped(live, target)


def _cascade_parent_indexes(model: DatabaseModel, parent_indexes: set[str]) -> None:
    for name in parent_indexes:
        index = model.indexes.get(name)
        if index is not None:
            index.definition = index.definition.replace(" ON ONLY ", " ON ", 1)
    for constraint in model.constraints.values():
        index = getattr(constraint, "index", None)
        if index is not None and index.quoted_full_name in parent_indexes:
            # Added from its definition, the key builds its own (cascading) index.
            constraint.index = None
            model.indexes.pop(index.quoted_full_name, None)


def _forget_partitions_of_dropped(live: DatabaseModel, target: DatabaseModel) -> None:
    dropped = {key for key in live.tables if key not in target.tables}
    for key, table in list(live.tables.items()):
        if key in dropped and table.parent_table in dropped:
            for attribute in ("tables", "selectables", "relations"):
                getattr(live, attribute, {}).pop(key, None)
            for attribute in ("indexes", "constraints", "triggers"):
                pool = getattr(live, attribute)
                for name in [
                    n for n, o in pool.items() if getattr(o, "quoted_full_table_name", None) == key
                ]:
                    pool.pop(name)


def membership_changes(
    live_conn: Connection,
    target_conn: Connection,
    live: DatabaseModel,
    target: DatabaseModel,
    excluded: Iterable[str],
) -> list[str]:
    """DETACH/ATTACH for changed bounds and for tables joining or leaving a parent.

    Mutates ``live`` so that migra sees the membership as already planned.
    """
    params = {"excluded": sorted(excluded)}
    have = {row[0]: row[1:] for row in live_conn.execute(BOUNDS_QUERY, params)}
    want = {row[0]: row[1:] for row in target_conn.execute(BOUNDS_QUERY, params)}
    statements = []
    for name in sorted(have.keys() | want.keys()):
        before, after = have.get(name), want.get(name)
        if before == after:
            continue
        key = _model_key(live, name)
        if key is None or key not in target.tables:
            continue  # created or dropped whole by the plan
        if before is not None:
            statements.append(f"ALTER TABLE {before[0]} DETACH PARTITION {name};")
        if after is not None:
            statements.append(f"ALTER TABLE {after[0]} ATTACH PARTITION {name} {after[1]};")
        _adopt(live.tables[key], target.tables[key])
    return statements


def _model_key(model: DatabaseModel, name: str) -> str | None:
    for key, table in model.tables.items():
        if f"{table.schema}.{table.name}" == name or key.replace('"', "") == name:
            return str(key)
    return None


def _adopt(table: TableModel, wanted: TableModel) -> None:
    table.parent_table = wanted.parent_table
    table.partition_def = wanted.partition_def
