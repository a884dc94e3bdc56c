"""Inherited columns: a column added to or dropped from a parent table changes its children.

migra diffs each child table on its own, so after ``ALTER TABLE parent ADD COLUMN``
(which PostgreSQL already propagates) it adds the column to every child again and
fails; it also tries to drop columns a child only inherits. canon shows migra the
children's inherited columns as the parent's change will leave them.
"""

from __future__ import annotations

from canon.inspection.models import DatabaseModel


def prepare(live: DatabaseModel, target: DatabaseModel) -> list[str]:
    """Align live children's inherited columns with the files; mutates ``live``.

    Returns DROP statements for children dropped with their parent: migra leaves them
    behind, and a parent cannot go before its children.
    """
    _align_columns(live, target)
    statements = []
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
    for key, table in live.tables.items():
        wanted = target.tables.get(key)
        if wanted is None or not getattr(wanted, "parent_table", None):
            continue
        if getattr(wanted, "partition_def", None):
            continue  # partitions follow their parent in PostgreSQL and in migra
        for name, column in wanted.columns.items():
            if column.is_inherited and name not in table.columns:
                table.columns[name] = column
        for name in [
            n for n, c in table.columns.items() if c.is_inherited and n not in wanted.columns
        ]:
            del table.columns[name]
