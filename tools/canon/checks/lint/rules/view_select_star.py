"""A view selecting ``*``: PostgreSQL fixes the column list when the view is created."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.visitors import Visitor

from canon.checks.lint.rule import Rule
from canon.checks.lint.schema import Hit, Schema
from canon.pg.objects import relation


def check(schema: Schema) -> Iterator[Hit]:
    for parsed in schema.of(ast.ViewStmt, ast.CreateTableAsStmt):
        node = parsed.node
        if isinstance(node, ast.ViewStmt):
            view, query = relation(node.view), node.query
        else:
            assert isinstance(node, ast.CreateTableAsStmt)
            view, query = relation(node.into.rel if node.into else None), node.query
        star = _first_star(query)
        if view is not None and star is not None:
            yield Hit(
                parsed,
                star,
                f"view {view.qualified} selects *: the columns are fixed when the view is "
                "created, so columns added to the table later are missing; list them",
            )


def _first_star(query: ast.Node | None) -> int | None:
    """The location of the first ``*`` or ``t.*`` in an output list of the query."""
    found: list[int] = []

    class Stars(Visitor):
        def visit_ResTarget(self, ancestors: object, target: ast.ResTarget) -> None:
            value = target.val
            if isinstance(value, ast.ColumnRef) and any(
                isinstance(f, ast.A_Star) for f in value.fields or ()
            ):
                found.append(value.location or 0)

    if query is not None:
        Stars()(query)
    return min(found) if found else None


RULE = Rule(
    "view-select-star",
    "a view selecting *: its columns are fixed at creation, so later columns are missing",
    check,
)
