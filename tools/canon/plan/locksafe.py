"""Lock-safe rewriting: the same changes, done in a way that blocks other sessions least.

- ``CREATE INDEX`` on an existing table becomes ``CREATE INDEX CONCURRENTLY`` (writes
  keep flowing while it builds); ``DROP INDEX`` of an existing index becomes
  ``DROP INDEX CONCURRENTLY``.
- ``ADD CONSTRAINT`` CHECK or FOREIGN KEY on an existing table becomes ``… NOT VALID``
  followed by ``VALIDATE CONSTRAINT``, which scans under a lock that lets reads and
  writes continue.

Tables the plan creates are left alone: nobody else can see them yet. The rewritten
statements are what the plan shows and what apply runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType
from pglast.stream import RawStream

from canon.pg import parsing
from canon.pg.db import Connection, query
from canon.pg.parsing import parse, qualified, tables_created

# relkinds on which PostgreSQL 15 allows the concurrent forms.
PLAIN_TABLES = frozenset({"r", "m"})
PLAIN_INDEX = "i"


def lock_safe(statements: Sequence[str], live: Connection, concurrently: bool = True) -> list[str]:
    """``statements`` rewritten to take the weakest locks that do the same job."""
    created = tables_created(statements)
    relkinds = _relkinds(live, _relations(statements))
    result: list[str] = []
    for sql in statements:
        nodes = parse(sql)
        if len(nodes) != 1:
            result.append(sql)
            continue
        result.extend(_rewrite(sql, nodes[0], created, relkinds, concurrently))
    return result


def _rewrite(
    sql: str, node: ast.Node, created: set[str], relkinds: dict[str, str], concurrently: bool
) -> list[str]:
    if isinstance(node, ast.IndexStmt) and concurrently and not node.concurrent:
        table = qualified(node.relation)
        if table not in created and relkinds.get(table or "") in PLAIN_TABLES and node.idxname:
            return [_concurrently(sql)]
    if isinstance(node, ast.DropStmt) and concurrently:
        if _droppable_concurrently(node, relkinds):
            return [_concurrently(sql)]
    if isinstance(node, ast.AlterTableStmt):
        table = qualified(node.relation)
        if table not in created and relkinds.get(table or "") == "r":
            # The parse trees are shared: edit a copy of one's own.
            split = _validate_separately(parsing.fresh(sql)[0])
            if split:
                return split
    return [sql]


def _concurrently(sql: str) -> str:
    node = parsing.fresh(sql)[0]
    node.concurrent = True
    return str(RawStream()(node))


def _droppable_concurrently(node: ast.DropStmt, relkinds: dict[str, str]) -> bool:
    # DROP INDEX CONCURRENTLY takes one index, no CASCADE, and no partitioned index.
    if node.removeType != ObjectType.OBJECT_INDEX or node.concurrent:
        return False
    objects = node.objects or ()
    if len(objects) != 1 or node.behavior != 0:
        return False
    return relkinds.get(_object_name(objects[0])) == PLAIN_INDEX


def _validate_separately(node: ast.Node) -> list[str]:
    if not isinstance(node, ast.AlterTableStmt) or not node.cmds or len(node.cmds) != 1:
        return []
    cmd = node.cmds[0]
    constraint = cmd.def_
    if cmd.subtype != AlterTableType.AT_AddConstraint or not isinstance(constraint, ast.Constraint):
        return []
    if constraint.contype not in (ConstrType.CONSTR_CHECK, ConstrType.CONSTR_FOREIGN):
        return []
    if constraint.skip_validation or not constraint.conname:
        return []
    constraint.skip_validation = True
    constraint.initially_valid = False
    added = RawStream()(node)
    validate = ast.AlterTableStmt(
        relation=node.relation,
        objtype=node.objtype,
        cmds=(
            ast.AlterTableCmd(
                subtype=AlterTableType.AT_ValidateConstraint, name=constraint.conname
            ),
        ),
    )
    return [added, RawStream()(validate)]


def _object_name(obj: object) -> str:
    parts = [s.sval for s in obj] if isinstance(obj, (list, tuple)) else []
    return ".".join(parts) if len(parts) > 1 else f"public.{parts[0]}" if parts else ""


def _relations(statements: Sequence[str]) -> set[str]:
    names: set[str] = set()
    for sql in statements:
        for node in parse(sql):
            if isinstance(node, (ast.IndexStmt, ast.AlterTableStmt)):
                name = qualified(node.relation)
                if name:
                    names.add(name)
            elif isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_INDEX:
                names.update(_object_name(obj) for obj in node.objects or ())
    return names


def _relkinds(live: Connection, names: set[str]) -> dict[str, str]:
    """relkind of each ``schema.name`` that exists in the live database."""
    if not names:
        return {}
    rows = live.execute(
        query(
            "SELECT n.nspname || '.' || c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname || '.' || c.relname = ANY(:names)"
        ),
        {"names": sorted(names)},
    ).fetchall()
    return {row[0]: row[1] for row in rows}
