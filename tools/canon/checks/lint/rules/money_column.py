"""A money column: its input, output and rounding follow the server's lc_monetary."""

from __future__ import annotations

from collections.abc import Iterator

from canon.checks.lint.rule import Rule
from canon.checks.lint.schema import Hit, Schema


def check(schema: Schema) -> Iterator[Hit]:
    for column in schema.columns_of_type("money"):
        yield Hit(
            column.parsed,
            column.definition.location,
            f"column {column.table.qualified}.{column.definition.colname} is money: "
            "its text form and rounding follow the server's lc_monetary setting; "
            "use numeric with a currency column",
        )


RULE = Rule(
    "money-column",
    "a money column: its input, output and rounding follow the server's lc_monetary",
    check,
)
