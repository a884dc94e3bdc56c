"""A char(n) column: values are padded with spaces to n characters."""

from __future__ import annotations

from collections.abc import Iterator

from canon.checks.lint.rule import Rule
from canon.checks.lint.schema import Hit, Schema


def check(schema: Schema) -> Iterator[Hit]:
    for column in schema.columns_of_type("bpchar"):
        yield Hit(
            column.parsed,
            column.definition.location,
            f"column {column.table.qualified}.{column.definition.colname} is char(n): "
            "values are padded with blanks and compared without them; use text or varchar",
        )


RULE = Rule(
    "char-column",
    "a char(n) column: values are padded with spaces to n characters",
    check,
)
