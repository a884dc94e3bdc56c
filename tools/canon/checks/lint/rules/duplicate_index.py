"""An index another index already covers: every write pays for both."""

from __future__ import annotations

from collections.abc import Iterator

from canon.checks.lint.rule import Rule
from canon.checks.lint.schema import Hit, Index, Schema
from canon.pg.objects import ObjectKey


def check(schema: Schema) -> Iterator[Hit]:
    by_table: dict[ObjectKey, list[Index]] = {}
    for index in schema.indexes:
        if index.whole and index.columns:
            by_table.setdefault(index.table.key, []).append(index)
    for indexes in by_table.values():
        for index in indexes:
            cover = _covered_by(index, indexes)
            if cover is not None:
                yield Hit(
                    index.parsed,
                    index.location,
                    f"index {index.name or '(unnamed)'} on {index.table.qualified} "
                    f"({', '.join(index.columns)}) is covered by {cover.name or 'another'} "
                    f"({', '.join(cover.columns)}): every write maintains both",
                )


def _covered_by(index: Index, others: list[Index]) -> Index | None:
    """An index whose leading columns are this one's; a unique index is never redundant."""
    if index.unique:
        return None
    for other in others:
        if other is index:
            continue
        if other.columns[: len(index.columns)] == index.columns:
            longer = len(other.columns) > len(index.columns)
            # Of two identical indexes, the later one is reported.
            if longer or other.unique or others.index(other) < others.index(index):
                return other
    return None


RULE = Rule(
    "duplicate-index",
    "an index whose columns lead another index: every write maintains both",
    check,
)
