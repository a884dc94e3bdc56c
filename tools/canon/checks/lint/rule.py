"""The contract of a schema rule: an id, a one-line summary, and a check over the parsed files."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from canon.checks.lint.schema import Hit, Schema


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str  # what the rule flags and why, in one line (``canon lint --rules``)
    check: Callable[[Schema], Iterable[Hit]]


def column_type_rule(rule_id: str, summary: str, types: tuple[str, ...], problem: str) -> Rule:
    """A rule flagging every column of one of ``types``: "column t.c <problem>"."""

    def check(schema: Schema) -> Iterator[Hit]:
        for column in schema.columns_of_type(*types):
            name = f"{column.table.qualified}.{column.definition.colname}"
            yield Hit(column.parsed, column.definition.location, f"column {name} {problem}")

    return Rule(rule_id, summary, check)
