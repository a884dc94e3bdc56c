"""Shared by the rules that flag a column type: find the columns whose type is one of a set."""

from __future__ import annotations

from collections.abc import Iterator

from canon.checks.lint.schema import Column, Schema, type_names


def columns_of_type(schema: Schema, *names: str) -> Iterator[Column]:
    """Columns whose type is one of ``names`` (built-in, unqualified or in pg_catalog)."""
    for column in schema.columns:
        parts = type_names(column.definition)
        if parts and parts[-1] in names and parts[:-1] in ((), ("pg_catalog",)):
            yield column
