"""A table without a primary key: its rows cannot be addressed one by one."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from canon.checks.lint.rule import Rule
from canon.checks.lint.schema import Hit, Schema
from canon.pg.objects import relation


def check(schema: Schema) -> Iterator[Hit]:
    for parsed in schema.of(ast.CreateStmt):
        node = parsed.node
        assert isinstance(node, ast.CreateStmt)
        table = relation(node.relation)
        # Partitions take their parent's key; temporary tables are not schema.
        temporary = node.relation is not None and node.relation.relpersistence == "t"
        if table is None or node.partbound is not None or temporary:
            continue
        if table.key not in schema.primary_keys:
            yield Hit(
                parsed,
                None,
                f"table {table.qualified} has no primary key: rows cannot be updated or "
                "deleted one by one, and logical replication cannot update or delete them",
            )


RULE = Rule(
    "table-without-primary-key",
    "a table without a primary key: rows cannot be addressed or replicated one by one",
    check,
)
