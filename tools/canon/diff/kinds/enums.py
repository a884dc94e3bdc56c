"""Enum changes: ``ALTER TYPE … ADD VALUE`` where PostgreSQL allows it, refusals where data is at stake.

migra changes every modified enum by renaming it, creating it again and casting every
column through text. That rewrites tables, breaks on index predicates and defaults, and
fails at run time when a removed value is still stored. It also pastes labels into its
SQL unquoted. canon therefore:

* quotes every label it or migra emits (``quoted_elements`` is replaced on each enum);
* turns pure additions (old labels kept, in order) into ``ADD VALUE … BEFORE/AFTER``
  and hides the change from migra;
* refuses to remove or rename a label that rows still use, with the row count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from canon.diff.fragments import type_fingerprint, type_signature
from canon.diff.kind import Kind, Pair, Placed, Recreated
from canon.errors import PlanRefused
from canon.inspection.models import DatabaseModel
from canon.pg.db import Connection, query
from canon.pg.quoting import ident, literal, qualified, shown


@dataclass(frozen=True)
class EnumChange:
    key: str  # the inspectors' key for the enum
    schema: str
    name: str
    old: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def display(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(label for label in self.old if label not in self.new)

    @property
    def only_adds(self) -> bool:
        kept = [label for label in self.new if label in self.old]
        return not self.removed and kept == list(self.old)


def add_value_statements(change: EnumChange) -> list[str]:
    """``ALTER TYPE … ADD VALUE`` for each new label, placed next to its neighbour."""
    statements = []
    placed = list(change.old)
    for position, label in enumerate(change.new):
        if label in placed:
            continue
        if position == 0:
            where = f"BEFORE {literal(placed[0])}"
        else:
            where = f"AFTER {literal(change.new[position - 1])}"
        statements.append(
            f"ALTER TYPE {qualified(change.schema, change.name)} ADD VALUE {literal(label)} {where};"
        )
        placed.insert(placed.index(change.new[position - 1]) + 1 if position else 0, label)
    return statements


def quote_labels(*models: DatabaseModel) -> None:
    """Make migra's enum SQL quote labels, whatever they hold."""
    for model in models:
        for enum in model.enums.values():
            if not isinstance(enum, _QuotedEnum):
                enum.__class__ = _make_quoted(type(enum))


def prepare(pair: Pair) -> Placed:
    """Statements for enum additions; refuse removals of labels in use.

    Mutates the live model so that migra sees added labels as already there and leaves
    the enum, and the columns of its type, alone; for an enum migra recreates, the live
    columns take the files' defaults, so that migra restores those after the recast
    instead of an old default that may name a removed label.
    """
    live, target, conn = pair.live_model, pair.target_model, pair.live_conn
    quote_labels(live, target)
    additions: list[str] = []
    array_recasts: list[str] = []
    recreated: list[Recreated] = []
    for change in _changes(live, target):
        if change.only_adds:
            additions.extend(add_value_statements(change))
            live.enums[change.key].elements = list(change.new)
            continue
        if change.removed:
            _refuse_if_used(conn, change)
        array_recasts.extend(_array_recasts(conn, change))
        _take_target_defaults(live, target, change.key)
        recreated.append(_recreation(change))
    return Placed(pre=tuple(additions), late=tuple(array_recasts), recreated=tuple(recreated))


def _recreation(change: EnumChange) -> Recreated:
    if change.removed:
        what = f"the files remove {', '.join(literal(v) for v in change.removed)}"
    else:
        what = "the files reorder its values"
    return Recreated(
        "type",
        (change.schema, change.name),
        f"{shown(change.schema)}.{shown(change.name)}",
        f"{what}, which PostgreSQL can only do by creating the type again and "
        "converting its columns",
    )


def _array_recasts(conn: Connection, change: EnumChange) -> list[str]:
    columns = conn.execute(COLUMNS_QUERY, {"schema": change.schema, "name": change.name}).fetchall()
    return [
        f"ALTER TABLE {table} ALTER COLUMN {ident(column)} TYPE {change.key}[] "
        f"USING {ident(column)}::text[]::{change.key}[];"
        for table, column, is_array in columns
        if is_array
    ]


def _take_target_defaults(live: DatabaseModel, target: DatabaseModel, key: str) -> None:
    for table_key, table in live.tables.items():
        wanted = target.tables.get(table_key)
        for name, column in table.columns.items():
            new = wanted.columns.get(name) if wanted is not None else None
            if (
                new is not None
                and column.is_enum
                and column.enum is not None
                and column.enum.quoted_full_name == key
            ):
                column.default = new.default


def _changes(live: DatabaseModel, target: DatabaseModel) -> list[EnumChange]:
    found = []
    for key, wanted in target.enums.items():
        have = live.enums.get(key)
        if have is not None and list(have.elements) != list(wanted.elements):
            found.append(
                EnumChange(
                    key, wanted.schema, wanted.name, tuple(have.elements), tuple(wanted.elements)
                )
            )
    return found


# Columns of the enum or of its array type, in tables that hold rows.
COLUMNS_QUERY = query(
    """
    SELECT a.attrelid::regclass::text, a.attname, a.atttypid = t.typarray
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    JOIN pg_attribute a ON a.atttypid IN (t.oid, t.typarray)
    JOIN pg_class c ON c.oid = a.attrelid
    WHERE n.nspname = :schema AND t.typname = :name
      AND c.relkind IN ('r', 'm') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY 1, 2
    """
)


def _refuse_if_used(conn: Connection, change: EnumChange) -> None:
    uses = _uses(conn, change)
    if not uses:
        return
    detail = ", ".join(
        f"{count} rows of {column} hold {literal(label)}" for column, label, count in uses
    )
    raise PlanRefused(
        f"enum {change.display}",
        f"the files remove {', '.join(literal(v) for v in change.removed)} but {detail}",
        "update or delete those rows first, or keep the value in the files "
        "(to rename a value, run ALTER TYPE … RENAME VALUE, then change the files)",
    )


def _uses(conn: Connection, change: EnumChange) -> list[tuple[str, str, int]]:
    found = []
    columns = conn.execute(COLUMNS_QUERY, {"schema": change.schema, "name": change.name}).fetchall()
    for table, column, is_array in columns:
        found.extend(_count(conn, table, column, is_array, change.removed))
    return found


def _count(
    conn: Connection, table: str, column: str, is_array: bool, labels: Sequence[str]
) -> list[tuple[str, str, int]]:
    quoted = ident(column)
    # Labels are compared as text so that the query never names the type being changed.
    if is_array:
        sql = (
            f"SELECT v::text, count(*) FROM {table}, unnest({quoted}) v "
            f"WHERE v::text = ANY(:labels) GROUP BY 1 ORDER BY 1"
        )
    else:
        sql = (
            f"SELECT {quoted}::text, count(*) FROM {table} "
            f"WHERE {quoted}::text = ANY(:labels) GROUP BY 1 ORDER BY 1"
        )
    rows = conn.execute(query(sql), {"labels": list(labels)}).fetchall()
    return [(f"{table}.{quoted}", label, int(count)) for label, count in rows]


class _QuotedEnum:
    """Mixed into migra's enum class: labels become proper SQL string literals."""

    elements: list[str]

    @property
    def quoted_elements(self) -> str:
        return ", ".join(literal(label) for label in self.elements)


_QUOTED_CLASSES: dict[type, type] = {}


def _make_quoted(base: type) -> type:
    if base not in _QUOTED_CLASSES:
        _QUOTED_CLASSES[base] = type(f"Quoted{base.__name__}", (_QuotedEnum, base), {})
    return _QUOTED_CLASSES[base]


KIND = Kind(
    "enum", type_fingerprint("t.typtype = 'e'"), type_signature("enum", "e"), before=prepare
)
