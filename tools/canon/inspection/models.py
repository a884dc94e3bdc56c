"""The inspection engine's models of a database, as canon reads and adjusts them.

schemainspect builds these objects; canon only names the attributes it uses, so that
every kind module is type-checked against one description. Collections are keyed the
way the engine keys them: quoted, schema-qualified names (``"core"."brands"``).
Kind modules may change the live model before the engine diffs it (to hide a change
canon plans itself), never the target's, except where a module says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol


class EnumModel(Protocol):
    schema: str
    name: str
    elements: list[str]

    @property
    def quoted_full_name(self) -> str: ...


class ColumnModel(Protocol):
    name: str
    dbtype: str
    dbtypestr: str
    collation: str | None
    default: str | None
    not_null: bool
    is_enum: bool
    is_generated: bool
    is_identity: bool
    is_identity_always: bool
    is_inherited: bool
    enum: EnumModel | None

    def alter_clauses(self, other: ColumnModel) -> list[str]: ...


class TableModel(Protocol):
    schema: str
    name: str
    columns: dict[str, ColumnModel]
    parent_table: str | None
    parent_tables: tuple[str, ...]  # every parent, in order (canon's engine sets it)
    partition_def: str | None
    relationtype: str
    dependents_all: list[str]  # keys of what depends on it, directly or not
    rowsecurity: bool
    persistence: str


class IndexModel(Protocol):
    schema: str
    definition: str

    @property
    def quoted_full_name(self) -> str: ...

    @property
    def quoted_full_table_name(self) -> str: ...


class ConstraintModel(Protocol):
    schema: str
    definition: str
    index: IndexModel | None


class FunctionModel(Protocol):
    schema: str
    name: str
    identity_arguments: str
    result_string: str
    kind: str
    definition: str
    full_definition: str


class DatabaseModel(Protocol):
    """One inspected database: its objects by kind."""

    tables: dict[str, TableModel]
    selectables: dict[str, TableModel]
    enums: dict[str, EnumModel]
    indexes: dict[str, IndexModel]
    constraints: dict[str, ConstraintModel]
    functions: dict[str, FunctionModel]
    triggers: dict[str, Any]
    sequences: dict[str, Any]
    collations: dict[str, Any]
    rlspolicies: dict[str, Any]


def column_pairs(
    live_model: DatabaseModel, target_model: DatabaseModel
) -> Iterator[tuple[str, str, ColumnModel, ColumnModel | None]]:
    """(table, column, live column, target column or None if dropped) for every live column
    of a table both databases have."""
    for key, table in live_model.tables.items():
        wanted = target_model.tables.get(key)
        if wanted is None:
            continue
        for name, column in table.columns.items():
            yield key, name, column, wanted.columns.get(name)
