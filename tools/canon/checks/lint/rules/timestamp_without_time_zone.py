"""A timestamp without time zone: it stores a wall-clock reading whose zone nobody recorded."""

from __future__ import annotations

from collections.abc import Iterator

from canon.checks.lint.rule import Rule
from canon.checks.lint.schema import Hit, Schema


def check(schema: Schema) -> Iterator[Hit]:
    for column in schema.columns_of_type("timestamp"):
        yield Hit(
            column.parsed,
            column.definition.location,
            f"column {column.table.qualified}.{column.definition.colname} is timestamp without time zone: "
            "the zone its values were written in is lost; use timestamptz",
        )


RULE = Rule(
    "timestamp-without-time-zone",
    "a timestamp without time zone: it stores a wall-clock reading whose zone nobody recorded",
    check,
)
