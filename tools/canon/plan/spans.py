"""Recreations stay whole: what a plan drops to create again is back within the same step.

Each step commits on its own, so a view dropped in one step and created again in a
later one is missing for every query in between (for the whole build of a
``CREATE INDEX CONCURRENTLY`` run between them, say). From the first statement that
drops (or renames away) an object the plan recreates to the end of the plan, which
holds the comments, grants and owners given back to it, statements must share one
transaction, so those that cannot are moved out of that stretch:

* ``ALTER TYPE … ADD VALUE`` and ``DROP INDEX CONCURRENTLY`` move before it: what
  they change exists already, and a new enum label must be committed before use;
* ``VALIDATE CONSTRAINT`` moves after it: it only checks rows;
* ``CREATE INDEX CONCURRENTLY`` moves after it, with the statements that name the
  new index (its comment, ``ALTER INDEX``); an index a constraint is then built on
  (``USING INDEX``) is built inside the transaction instead;
* an index the plan itself recreates (one using a recreated enum) is dropped and
  built inside the transaction, so it is never missing either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pglast import ast
from pglast.enums import ObjectType
from pglast.stream import RawStream

from canon.pg.parsing import dropped_paths, fresh, name_path, parse, tables_created
from canon.plan.steps import kind_of

Path = tuple[str, ...]


def keep_whole(statements: Sequence[str], recreated: Iterable[Path]) -> list[str]:
    """``statements`` reordered so that no step boundary falls inside a recreation."""
    names = set(recreated)
    if not names:
        return list(statements)
    ordered = rebuilt_in_transaction(statements, names)
    start = next((i for i, sql in enumerate(ordered) if set(dropped_paths(sql)) & names), None)
    if start is None:
        return ordered
    created = tables_created(ordered)
    before = ordered[:start]
    during: list[str] = []
    after: list[str] = []
    deferred: set[Path] = set()  # concurrent index builds moved after the stretch
    stretch = ordered[start:]
    for position, sql in enumerate(stretch):
        if kind_of(sql, created) == "together":
            (after if _names_index(sql) & deferred else during).append(sql)
            continue
        node = parse(sql)[0]
        if isinstance(node, ast.IndexStmt):
            index = _index_path(node)
            if any(index in _built_on(later) for later in stretch[position + 1 :]):
                during.append(_in_transaction(sql))
            else:
                after.append(sql)
                deferred.add(index)
        elif isinstance(node, (ast.DropStmt, ast.AlterEnumStmt)):
            before.append(sql)
        else:
            after.append(sql)  # VALIDATE CONSTRAINT
    return [*before, *during, *after]


def rebuilt_in_transaction(statements: Sequence[str], recreated: Iterable[Path]) -> list[str]:
    """``statements`` with the concurrent drops and builds of indexes the plan recreates
    made plain, so that such an index is dropped and built again in one transaction."""
    names = set(recreated)
    return [_in_transaction(sql) if _on_recreated(sql, names) else sql for sql in statements]


def _on_recreated(sql: str, names: set[Path]) -> bool:
    """A concurrent build or drop of an index the plan recreates."""
    if kind_of(sql) != "outside":
        return False
    node = parse(sql)[0]
    if isinstance(node, ast.IndexStmt):
        return _index_path(node) in names
    return bool(set(dropped_paths(sql)) & names)


def _in_transaction(sql: str) -> str:
    """The statement without CONCURRENTLY, so that it can share a transaction."""
    node = fresh(sql)[0]
    assert isinstance(node, (ast.IndexStmt, ast.DropStmt))
    node.concurrent = False
    return str(RawStream()(node))


def _index_path(node: ast.IndexStmt) -> Path:
    schema = node.relation.schemaname if node.relation is not None else None
    return (schema or "public", node.idxname or "")


def _names_index(sql: str) -> set[Path]:
    """Indexes a statement comments on or alters."""
    found: set[Path] = set()
    for node in parse(sql):
        if isinstance(node, ast.CommentStmt) and node.objtype == ObjectType.OBJECT_INDEX:
            found.add(_public(name_path(node.object)))
        elif isinstance(node, ast.AlterTableStmt) and node.objtype == ObjectType.OBJECT_INDEX:
            relation = node.relation
            if relation is not None and relation.relname:
                found.add((relation.schemaname or "public", relation.relname))
    return found | _built_on(sql)


def _built_on(sql: str) -> set[Path]:
    """Indexes a statement builds a constraint on (``ADD CONSTRAINT … USING INDEX``)."""
    found: set[Path] = set()
    for node in parse(sql):
        if not isinstance(node, ast.AlterTableStmt) or node.relation is None:
            continue
        schema = node.relation.schemaname or "public"
        for cmd in node.cmds or ():
            constraint = getattr(cmd, "def_", None)
            if isinstance(constraint, ast.Constraint) and constraint.indexname:
                found.add((schema, constraint.indexname))
    return found


def _public(path: Path) -> Path:
    return ("public", *path) if len(path) == 1 else path
