"""A foreign key whose columns lead no index: deletes on the referenced table scan this one."""

from __future__ import annotations

from collections.abc import Iterator

from pglast.enums import ConstrType

from canon.checks.lint.rule import Rule
from canon.checks.lint.schema import Hit, Index, Schema
from canon.pg.objects import ObjectKey


def check(schema: Schema) -> Iterator[Hit]:
    by_table: dict[ObjectKey, list[Index]] = {}
    for index in schema.indexes:
        if index.whole or index.columns:
            by_table.setdefault(index.table.key, []).append(index)
    for c in schema.constraints:
        if c.constraint.contype != ConstrType.CONSTR_FOREIGN or not c.columns:
            continue
        wanted = set(c.columns)
        covering = [
            i
            for i in by_table.get(c.table.key, [])
            if set(i.columns[: len(wanted)]) == wanted and not _partial(i)
        ]
        if not covering:
            name = c.constraint.conname or "foreign key"
            yield Hit(
                c.parsed,
                c.constraint.location,
                f"{name} on {c.table.qualified} ({', '.join(c.columns)}) has no index led by "
                "those columns: deleting or updating a referenced row scans the whole table",
            )


def _partial(index: Index) -> bool:
    node = index.parsed.node
    return getattr(node, "whereClause", None) is not None


RULE = Rule(
    "fk-without-index",
    "a foreign key whose columns lead no index: deletes on the referenced table scan this one",
    check,
)
