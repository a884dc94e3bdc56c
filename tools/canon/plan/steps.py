"""Steps: how a plan's statements are grouped into units that commit on their own.

Consecutive ordinary statements share one transaction. A statement that PostgreSQL
refuses inside a transaction (``CREATE INDEX CONCURRENTLY``, ``DROP INDEX
CONCURRENTLY``) is a step of its own, run outside any transaction. ``VALIDATE
CONSTRAINT`` on an existing table and ``ALTER TYPE … ADD VALUE`` get a transaction of
their own: the first so that the strong lock taken when the constraint was added is
released before the long scan, the second because a new enum label cannot be used
before it commits.

Grouping depends only on the statements, so a plan file read back is split exactly
as the plan that wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pglast import ast
from pglast.enums import AlterTableType

from canon.pg.parsing import parse, qualified, tables_created


@dataclass(frozen=True)
class Step:
    number: int
    statements: tuple[str, ...]
    transactional: bool

    @property
    def sql(self) -> str:
        return "".join(terminated(s) + "\n" for s in self.statements)


def group(statements: Sequence[str]) -> tuple[Step, ...]:
    """Split ``statements`` into steps, keeping their order."""
    steps: list[Step] = []
    pending: list[str] = []

    def close() -> None:
        if pending:
            steps.append(Step(len(steps) + 1, tuple(pending), transactional=True))
            pending.clear()

    created = tables_created(statements)
    for sql in statements:
        kind = kind_of(sql, created)
        if kind == "together":
            pending.append(sql)
            continue
        close()
        steps.append(Step(len(steps) + 1, (sql,), transactional=(kind == "alone")))
    close()
    return tuple(steps)


def kind_of(sql: str, created: frozenset[str] | set[str] = frozenset()) -> str:
    """``outside`` (no transaction), ``alone`` (own transaction) or ``together``.

    Validating a constraint on a table the plan creates needs no transaction of its
    own: nobody else can be waiting for that table's lock.
    """
    nodes = parse(sql)
    if len(nodes) != 1:
        return "together"
    node = nodes[0]
    if isinstance(node, ast.AlterTableStmt) and qualified(node.relation) in created:
        return "together"
    if isinstance(node, (ast.IndexStmt, ast.DropStmt, ast.ReindexStmt)) and _concurrent(node):
        return "outside"
    if isinstance(node, ast.AlterEnumStmt) and node.newVal is not None:
        return "alone"
    if isinstance(node, ast.AlterTableStmt) and any(
        isinstance(cmd, ast.AlterTableCmd) and cmd.subtype == AlterTableType.AT_ValidateConstraint
        for cmd in node.cmds or ()
    ):
        return "alone"
    return "together"


def _concurrent(node: ast.Node) -> bool:
    if isinstance(node, ast.ReindexStmt):
        return any(getattr(opt, "defname", "") == "concurrently" for opt in node.params or ())
    return bool(getattr(node, "concurrent", False))


def terminated(sql: str) -> str:
    """The statement as it is written out: ending in one semicolon."""
    sql = sql.rstrip()
    return sql if sql.endswith(";") else sql + ";"
