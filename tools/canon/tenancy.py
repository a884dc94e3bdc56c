"""Which tenant a statement belongs to, and plans ordered shared objects first.

A statement belongs to the tenant whose schema it names (a table, a type, a function,
a comment or drop target); one that names no tenant schema is shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pglast import ast
from pglast.enums import ObjectType
from pglast.visitors import Visitor

from . import parsing
from .tenants import Tenant


class _Schemas(Visitor):  # type: ignore[misc]
    """Collects the schema names a statement mentions."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_RangeVar(self, ancestors: object, node: ast.RangeVar) -> None:
        if node.schemaname:
            self.names.append(node.schemaname)

    def visit_CreateSchemaStmt(self, ancestors: object, node: ast.CreateSchemaStmt) -> None:
        self.names.append(node.schemaname)

    def visit_DropStmt(self, ancestors: object, node: ast.DropStmt) -> None:
        for obj in node.objects or ():
            self._object(node.removeType, obj)

    def visit_CommentStmt(self, ancestors: object, node: ast.CommentStmt) -> None:
        self._object(node.objtype, node.object)

    def _object(self, kind: ObjectType, obj: object) -> None:
        names = _names(obj)
        if kind == ObjectType.OBJECT_SCHEMA and names:
            self.names.append(names[0])
        elif len(names) > 1:
            self.names.append(names[0])

    def visit_TypeName(self, ancestors: object, node: ast.TypeName) -> None:
        names = [n.sval for n in node.names or () if isinstance(n, ast.String)]
        if len(names) > 1 and names[0] != "pg_catalog":
            self.names.append(names[0])

    def visit_CreateFunctionStmt(self, ancestors: object, node: ast.CreateFunctionStmt) -> None:
        names = [n.sval for n in node.funcname]
        if len(names) > 1:
            self.names.append(names[0])


def _names(obj: object) -> list[str]:
    """The dotted name of an object reference in a DROP or COMMENT statement."""
    if isinstance(obj, ast.String):
        return [obj.sval]
    if isinstance(obj, ast.ObjectWithArgs):
        return _names(obj.objname)
    if isinstance(obj, ast.TypeName):
        return _names(obj.names)
    if isinstance(obj, (tuple, list)):
        return [p.sval for p in obj if isinstance(p, ast.String)]
    if isinstance(obj, ast.List):
        return _names(obj.items)
    return []


def schemas_of(sql: str) -> list[str]:
    """The schema names a statement touches, in the order they appear."""
    collector = _Schemas()
    for node in parsing.parse(sql):
        collector(node)
    return collector.names


def tenant_of(sql: str, tenants: Sequence[Tenant]) -> Tenant | None:
    """The tenant whose schema the statement changes, or None for shared objects."""
    by_schema = {t.schema: t for t in tenants}
    for name in schemas_of(sql):
        if name in by_schema:
            return by_schema[name]
    return None


def group_by_tenant(statements: Iterable[str], tenants: Sequence[Tenant]) -> list[tuple[Tenant | None, list[str]]]:
    """Statements grouped: shared ones first (in plan order), then each tenant's."""
    shared: list[str] = []
    per_tenant: dict[str, list[str]] = {t.id: [] for t in tenants}
    for sql in statements:
        owner = tenant_of(sql, tenants)
        (per_tenant[owner.id] if owner else shared).append(sql)
    groups: list[tuple[Tenant | None, list[str]]] = [(None, shared)] if shared else []
    groups += [(t, per_tenant[t.id]) for t in tenants if per_tenant[t.id]]
    return groups


def shared_first(statements: list[str], tenants: Sequence[Tenant]) -> list[str]:
    """The plan in group order: shared objects first, then tenant by tenant."""
    if not tenants:
        return statements
    return [sql for _, group in group_by_tenant(statements, tenants) for sql in group]
