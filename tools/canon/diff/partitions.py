"""Partitioned tables: indexes, keys, bounds and membership, which migra gets wrong.

* An index on a partitioned table reads ``ON ONLY parent`` in the catalog, so migra
  creates it unattached and then creates each partition's index separately. canon
  creates it with plain ``ON``, which PostgreSQL cascades to every partition, and hides
  the partitions' attached indexes and the constraints children inherit (keys, foreign
  keys, CHECKs, also of inheritance children) from migra: they come and go with the
  parent's.
* A primary key or unique constraint on a partitioned table cannot be added ``USING
  INDEX``; canon has migra add it from its definition.
* A key of a partition whose index is attached to an index of the parent (made before
  the parent's index, which then adopted it) cannot be dropped, nor its index, while the
  parent's index stands, and a new one is only attached if it exists first. When either
  side has such keys and anything about them or the parent's index changes, canon drops
  the parent's index (with CASCADE, which takes exactly those keys), has migra add the
  keys from their definitions, and creates the parent's index after them.
* Partitions of a table the plan drops go with it; migra would drop them again.
* A changed partition bound is applied with DETACH and ATTACH; an existing plain table
  that becomes a partition is attached, and a partition that becomes a plain table is
  detached.
* A partition that is itself partitioned is created with its bound and its own key
  (migra's statement names only one of them).
* Row security and LOGGED/UNLOGGED of partitions are canon's to plan: migra cannot
  alter a partition, and failed with NotImplementedError when a new one had row
  security enabled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from canon.diff.kind import Placed
from canon.errors import PlanRefused
from canon.inspection.models import DatabaseModel, TableModel
from canon.pg.db import Connection, query

QUOTED = """format('"%s"."%s"', replace({0}, '"', '""'), replace({1}, '"', '""'))"""

# Indexes attached to a parent index, and constraints inherited from a parent's (keys and
# foreign keys of partitions, and CHECKs of partitions and inheritance children).
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
    WHERE co.conparentid <> 0 OR (co.coninhcount > 0 AND NOT co.conislocal)
    UNION ALL
    SELECT 'parent index', {QUOTED.format("n.nspname", "c.relname")}
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'I'
    """
)

# Keys of partitions whose index is attached to an index of the parent, and what else
# (a foreign key, say) depends on that parent index.
ENTANGLED_QUERY = query(
    f"""
    SELECT {QUOTED.format("n.nspname", "t.relname")}
           || format('."%s"', replace(co.conname, '"', '""')),
           {QUOTED.format("pn.nspname", "p.relname")},
           (SELECT string_agg(x.type || ' ' || x.identity, ', ' ORDER BY 1)
            FROM pg_depend d, pg_identify_object(d.classid, d.objid, d.objsubid) x
            WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = p.oid
              AND d.deptype = 'n')
    FROM pg_constraint co
    JOIN pg_class t ON t.oid = co.conrelid AND t.relispartition
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_inherits i ON i.inhrelid = co.conindid
    JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_namespace pn ON pn.oid = p.relnamespace
    WHERE co.contype IN ('p', 'u') AND co.conparentid = 0
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


# Row security, persistence and (for partitioned partitions) the partition key of partitions.
SETTINGS_QUERY = query(
    """
    SELECT format('%I.%I', n.nspname, c.relname), c.relrowsecurity, c.relpersistence,
           CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
           """
    + QUOTED.format("n.nspname", "c.relname")
    + """
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
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
) -> Placed:
    """Adjust migra's pictures of both databases; see the module docstring."""
    for conn, model in ((live_conn, live), (target_conn, target)):
        children = _children(conn)
        for name in children.indexes:
            model.indexes.pop(name, None)
        for name in children.constraints:
            model.constraints.pop(name, None)
        _cascade_parent_indexes(model, children.parent_indexes)
    _forget_partitions_of_dropped(live, target)
    return _untangle(_entangled(live_conn), _entangled(target_conn), live, target)


@dataclass(frozen=True)
class Entangled:
    """A parent's index and the keys of partitions whose indexes are attached to it."""

    keys: frozenset[str]  # engine keys of the partitions' constraints
    blockers: str | None  # anything else that depends on the parent's index


def _entangled(conn: Connection) -> dict[str, Entangled]:
    found: dict[str, tuple[set[str], str | None]] = {}
    for key, parent, blockers in conn.execute(ENTANGLED_QUERY):
        found.setdefault(parent, (set(), blockers))[0].add(key)
    return {parent: Entangled(frozenset(keys), b) for parent, (keys, b) in found.items()}


def _untangle(
    have: dict[str, Entangled],
    want: dict[str, Entangled],
    live: DatabaseModel,
    target: DatabaseModel,
) -> Placed:
    """Drop and recreate parent indexes entangled with partitions' keys; see the docstring."""
    drops, creations = [], []
    for parent in sorted(have.keys() | want.keys()):
        old = have.get(parent, Entangled(frozenset(), None))
        new = want.get(parent, Entangled(frozenset(), None))
        if _unchanged(live, target, parent, old.keys | new.keys) and old.keys == new.keys:
            continue
        if parent in live.indexes:
            if old.blockers:
                raise PlanRefused(
                    f"index {parent}",
                    f"keys of partitions are attached to it and change, which means dropping "
                    f"it, but {old.blockers} depends on it",
                    "drop that dependent by hand, apply the plan, then create it again",
                )
            drops.append(f"DROP INDEX {parent}{' CASCADE' if old.keys else ''};")
            del live.indexes[parent]
            for key in old.keys:
                live.constraints.pop(key, None)
        index = target.indexes.get(parent)
        if index is not None:
            live.indexes[parent] = index  # created by canon once the keys exist
            creations.append(f"{index.definition};")
            for key in new.keys:
                target.constraints[key].index = None
    return Placed(pre=tuple(drops), late=tuple(creations))


def _unchanged(
    live: DatabaseModel, target: DatabaseModel, parent: str, keys: frozenset[str]
) -> bool:
    pairs: list[tuple[object, object]] = [(live.indexes.get(parent), target.indexes.get(parent))]
    pairs += [(live.constraints.get(key), target.constraints.get(key)) for key in keys]
    # The engine's objects cannot be compared with None.
    return all(a is not None and b is not None and a == b for a, b in pairs)


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


Rows = dict[str, tuple[Any, ...]]


def _by_name(
    sql: str, live_conn: Connection, target_conn: Connection, excluded: Iterable[str]
) -> tuple[Rows, Rows]:
    """A query's rows on live and on the target, keyed by their first column."""
    params = {"excluded": sorted(excluded)}
    live_rows, target_rows = (
        {row[0]: tuple(row[1:]) for row in conn.execute(sql, params)}
        for conn in (live_conn, target_conn)
    )
    return live_rows, target_rows


def settings_changes(
    live_conn: Connection,
    target_conn: Connection,
    live: DatabaseModel,
    target: DatabaseModel,
    excluded: Iterable[str],
) -> list[str]:
    """ENABLE/DISABLE ROW LEVEL SECURITY and SET LOGGED/UNLOGGED for partitions.

    migra is shown partitions with live's settings on both sides (it cannot alter a
    partition), and partitions that are partitioned in turn get a creation statement
    that names their key.
    """
    have, want = _by_name(SETTINGS_QUERY, live_conn, target_conn, excluded)
    statements = []
    for name, (rls, persistence, key, model_key) in sorted(want.items()):
        wanted = target.tables.get(model_key)
        if wanted is None:
            continue
        if key is not None:
            _create_with_key(wanted, key)
        current = live.tables.get(model_key)
        if name in have:
            old_rls, old_persistence = have[name][:2]
        elif current is not None:  # a plain table that becomes a partition
            old_rls, old_persistence = current.rowsecurity, current.persistence
        else:  # created by the plan, as the files say
            old_rls, old_persistence = False, persistence
        if rls != old_rls:
            action = "ENABLE" if rls else "DISABLE"
            statements.append(f"ALTER TABLE {name} {action} ROW LEVEL SECURITY;")
        if persistence != old_persistence:
            statements.append(
                f"ALTER TABLE {name} SET {'UNLOGGED' if persistence == 'u' else 'LOGGED'};"
            )
        for table in (wanted, current):
            if table is not None:
                table.rowsecurity = bool(old_rls)
                table.persistence = old_persistence
    return statements


class _CreatedWithKey:
    """Mixed into migra's table class: a partition that is itself partitioned."""

    quoted_full_name: str
    parent_table: str
    partition_def: str
    partition_key: str

    @property
    def create_statement(self) -> str:
        return (
            f"create table {self.quoted_full_name} partition of {self.parent_table} "
            f"{self.partition_def} partition by {self.partition_key};"
        )


_WITH_KEY: dict[type, type] = {}


def _create_with_key(table: TableModel, key: str) -> None:
    base: type = type(table)
    if not issubclass(base, _CreatedWithKey):
        if base not in _WITH_KEY:
            _WITH_KEY[base] = type(f"Partitioned{base.__name__}", (_CreatedWithKey, base), {})
        table.__class__ = _WITH_KEY[base]
    setattr(table, "partition_key", key)  # noqa: B010 - not an attribute of the protocol


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
    have, want = _by_name(BOUNDS_QUERY, live_conn, target_conn, excluded)
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
