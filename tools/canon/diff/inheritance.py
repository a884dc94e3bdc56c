"""Inherited columns: a column added to, dropped from or retyped on a parent changes its children.

migra diffs each child table on its own, so after ``ALTER TABLE parent ADD COLUMN``
(which PostgreSQL already propagates) it adds the column to every child again and
fails; it also tries to drop, or retype, columns a child only inherits, and to add
again a column a child keeps when its parent loses it. canon shows migra the children's
inherited columns as the parent's change will leave them, and drops a parent's column
with ``ONLY`` when a child keeps it (the child's column then becomes its own, with its
values).
"""

from __future__ import annotations

from canon.inspection.models import DatabaseModel, TableModel
from canon.pg.quoting import ident


def prepare(live: DatabaseModel, target: DatabaseModel) -> list[str]:
    """Align live children's inherited columns with the files; mutates ``live``.

    Returns ``ALTER TABLE ONLY … DROP COLUMN`` for parents' columns children keep, and
    DROP statements for children dropped with their parent: migra leaves them behind,
    and a parent cannot go before its children.
    """
    statements = _drop_columns_children_keep(live, target)
    _align_columns(live, target)
    for key, table in list(live.tables.items()):
        parent = getattr(table, "parent_table", None)
        if (
            key not in target.tables
            and parent
            and parent not in target.tables
            and not getattr(table, "partition_def", None)
        ):
            statements.append(f"DROP TABLE {key};")
            _forget(live, key)
    return statements


def _inheritance_children(live: DatabaseModel) -> dict[str, list[str]]:
    """Each table's inheritance children (not partitions), by engine key."""
    children: dict[str, list[str]] = {}
    for key, table in live.tables.items():
        if not table.partition_def:
            for parent in table.parent_tables:
                children.setdefault(parent, []).append(key)
    return children


def _depth(live: DatabaseModel, key: str) -> int:
    table = live.tables.get(key)
    if table is None or not table.parent_tables:
        return 0
    return 1 + max(_depth(live, parent) for parent in table.parent_tables)


def _drop_columns_children_keep(live: DatabaseModel, target: DatabaseModel) -> list[str]:
    """``ONLY`` drops, ancestors first, of parents' columns that a child keeps as its own."""
    children = _inheritance_children(live)
    statements = []
    for key in sorted(children, key=lambda k: _depth(live, k)):
        parent, wanted = live.tables.get(key), target.tables.get(key)
        if parent is None or wanted is None:
            continue
        for name in [n for n in parent.columns if n not in wanted.columns]:
            if not _kept_below(target, children, key, name):
                continue  # the drop reaches every child, as migra plans it
            statements.append(f"ALTER TABLE ONLY {key} DROP COLUMN {ident(name)};")
            del parent.columns[name]
            for child in children[key]:
                _mark_inherited(live, live.tables[child], name)
    return statements


def _kept_below(target: DatabaseModel, children: dict[str, list[str]], key: str, name: str) -> bool:
    """Whether a descendant of ``key`` keeps the column ``name`` in the files."""
    return any(
        name in getattr(target.tables.get(child), "columns", {})
        or _kept_below(target, children, child, name)
        for child in children.get(key, ())
    )


def _mark_inherited(live: DatabaseModel, table: TableModel, name: str) -> None:
    """Whether a child's column still comes from a parent, as the engine tells it."""
    column = table.columns.get(name)
    if column is not None:
        column.is_inherited = any(
            name in live.tables[parent].columns
            for parent in table.parent_tables
            if parent in live.tables
        )


def _forget(live: DatabaseModel, key: str) -> None:
    for attribute in ("tables", "selectables", "relations"):
        getattr(live, attribute, {}).pop(key, None)
    for attribute in ("indexes", "constraints", "triggers", "rlspolicies"):
        pool = getattr(live, attribute, {})
        for name in [
            n for n, o in pool.items() if getattr(o, "quoted_full_table_name", None) == key
        ]:
            pool.pop(name)


def _align_columns(live: DatabaseModel, target: DatabaseModel) -> None:
    """What the parents' changes do to their children's columns, as migra should see it.

    A column a parent adds is added to the child (or merged with the child's own); a
    column a parent drops leaves the child unless it is the child's own too; a column a
    parent retypes is retyped in the child.
    """
    for key, table in live.tables.items():
        wanted = target.tables.get(key)
        if wanted is None or not getattr(wanted, "parent_table", None):
            continue
        if getattr(wanted, "partition_def", None):
            continue  # partitions follow their parent in PostgreSQL and in migra
        for name, column in wanted.columns.items():
            have = table.columns.get(name)
            if not column.is_inherited:
                continue
            if have is None:
                table.columns[name] = column
            else:
                have.is_inherited = True
                have.dbtypestr, have.collation = column.dbtypestr, column.collation
        for name in [
            n for n, c in table.columns.items() if c.is_inherited and n not in wanted.columns
        ]:
            del table.columns[name]
