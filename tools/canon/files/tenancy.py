"""Which tenant a statement belongs to, and plans ordered shared objects first.

A statement belongs to the tenant whose schema it names (a table, a type, a function,
a comment or drop target); one that names no tenant schema is shared.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable, Sequence

from pglast import ast
from pglast.enums import ObjectType

from canon.files.tenants import Tenant
from canon.pg import parsing


def _schemas_named(node: ast.Node) -> list[str]:
    """The schema names one node itself mentions (not its children)."""
    if isinstance(node, ast.RangeVar):
        return [node.schemaname] if node.schemaname else []
    if isinstance(node, ast.CreateSchemaStmt):
        # CREATE SCHEMA AUTHORIZATION role spells no schema name.
        return [node.schemaname] if node.schemaname else []
    if isinstance(node, ast.DropStmt):
        return [name for obj in node.objects or () for name in _object_schema(node.removeType, obj)]
    if isinstance(node, ast.CommentStmt):
        return _object_schema(node.objtype, node.object)
    if isinstance(node, ast.TypeName):
        names = _names(node.names)
        return [names[0]] if len(names) > 1 and names[0] != "pg_catalog" else []
    if isinstance(node, ast.CreateFunctionStmt):
        names = _names(node.funcname)
        return [names[0]] if len(names) > 1 else []
    return []


def _object_schema(kind: ObjectType | None, obj: object) -> list[str]:
    names = _names(obj)
    if kind == ObjectType.OBJECT_SCHEMA and names:
        return [names[0]]
    return [names[0]] if len(names) > 1 else []


def _names(obj: object) -> list[str]:
    """The dotted name of an object reference in a DROP or COMMENT statement."""
    if isinstance(obj, ast.ObjectWithArgs):
        return _names(obj.objname)
    if isinstance(obj, ast.TypeName):
        return _names(obj.names)
    if isinstance(obj, ast.String):
        obj = (obj,)
    if isinstance(obj, (tuple, list)):
        # Identifiers are never empty, so every String part carries its text.
        return [p.sval for p in obj if isinstance(p, ast.String) and p.sval is not None]
    # pglast gives lists as tuples; anything else (a large object's number) names no schema.
    return []


@functools.lru_cache(maxsize=parsing.CACHED_STATEMENTS)
def schemas_of(sql: str) -> tuple[str, ...]:
    """The schema names a statement touches, in the order they appear."""
    return tuple(name for root in parsing.parse(sql) for name in _breadth_first_schemas(root))


def _breadth_first_schemas(root: ast.Node) -> list[str]:
    # Breadth first, the order in which pglast's Visitor went (the first tenant schema
    # found owns the statement), but walked by hand: the Visitor took twice as long.
    found: list[str] = []
    pending: deque[object] = deque([root])
    while pending:
        item = pending.popleft()
        if isinstance(item, tuple):
            pending.extend(v for v in item if isinstance(v, (tuple, ast.Node)))
            continue
        assert isinstance(item, ast.Node)
        found.extend(_schemas_named(item))
        for member in item:
            value = getattr(item, member)
            if isinstance(value, (tuple, ast.Node)):
                pending.append(value)
    return found


def tenant_of(sql: str, tenants: Sequence[Tenant]) -> Tenant | None:
    """The tenant whose schema the statement changes, or None for shared objects."""
    return _owner(sql, {t.schema: t for t in tenants})


def _owner(sql: str, by_schema: dict[str, Tenant]) -> Tenant | None:
    for name in schemas_of(sql):
        if name in by_schema:
            return by_schema[name]
    return None


def group_by_tenant(
    statements: Iterable[str], tenants: Sequence[Tenant]
) -> list[tuple[Tenant | None, list[str]]]:
    """Statements grouped: shared ones first (in plan order), then each tenant's."""
    shared: list[str] = []
    per_tenant: dict[str, list[str]] = {t.id: [] for t in tenants}
    by_schema = {t.schema: t for t in tenants}
    for sql in statements:
        owner = _owner(sql, by_schema)
        (per_tenant[owner.id] if owner else shared).append(sql)
    groups: list[tuple[Tenant | None, list[str]]] = [(None, shared)] if shared else []
    groups += [(t, per_tenant[t.id]) for t in tenants if per_tenant[t.id]]
    return groups


def shared_first(statements: list[str], tenants: Sequence[Tenant]) -> list[str]:
    """The plan in group order: shared objects first, then tenant by tenant."""
    if not tenants:
        return statements
    return [sql for _, group in group_by_tenant(statements, tenants) for sql in group]
