"""Tenants: one PostgreSQL schema per tenant, rendered from a template folder.

Tenant ids come from a file in the repository or from a query on the live database.
Every id must match a strict pattern before it is used anywhere; ids are never
interpolated into SQL unvalidated, and the schema name reaches templates quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import psycopg
from pglast import ast
from pglast.enums import ObjectType
from pglast.visitors import Visitor

from . import db, parsing
from .config import ProjectConfig, TenantSettings
from .dburl import DatabaseUrl
from .errors import SourceError

TENANT_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Tenant:
    id: str
    schema: str


def tenant(settings: TenantSettings, tenant_id: str, where: str, line: int | None = None) -> Tenant:
    """A validated tenant; an id that does not match the pattern is refused, never used."""
    if not TENANT_ID.fullmatch(tenant_id):
        shown = tenant_id if len(tenant_id) <= 60 else tenant_id[:57] + "..."
        raise SourceError(
            where, line,
            f"tenant id {shown!r} refused: ids must match {TENANT_ID.pattern} "
            "(lower-case letters, digits and _, at most 40)",
        )
    return Tenant(tenant_id, settings.schema.replace("{id}", tenant_id))


def ids_from_file(settings: TenantSettings) -> list[Tenant]:
    assert settings.file is not None
    where = str(settings.file)
    try:
        lines = settings.file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(where, None, f"cannot read tenant list: {exc}") from None
    found = []
    for number, line in enumerate(lines, start=1):
        value = line.split("#", 1)[0].strip()
        if value:
            found.append(tenant(settings, value, where, number))
    return _unique(found, where)


def ids_from_query(settings: TenantSettings, live: DatabaseUrl, config_path: str) -> list[Tenant]:
    assert settings.query is not None
    with db.connect(live) as conn:
        try:
            with conn.transaction():
                conn.execute("SET TRANSACTION READ ONLY")
                rows = conn.execute(settings.query).fetchall()
        except psycopg.Error as exc:
            raise SourceError(config_path, None, f"tenant query failed: {db.describe(exc)}",
                              exc.sqlstate) from None
    where = f"{config_path} (tenant query)"
    return _unique([tenant(settings, str(row[0]), where) for row in rows], where)


def _unique(found: list[Tenant], where: str) -> list[Tenant]:
    seen: set[str] = set()
    for t in found:
        if t.id in seen:
            raise SourceError(where, None, f"tenant id {t.id!r} is listed twice")
        seen.add(t.id)
    return found


def resolve(config: ProjectConfig, live: DatabaseUrl | None, only: str | None = None) -> list[Tenant]:
    """The configured tenants (just ``only`` when given, which must be one of them)."""
    settings = config.tenants
    if settings is None:
        if only is not None:
            raise SourceError(str(config.path or "canon.toml"), None, "no [tenants] are configured")
        return []
    if settings.file is not None:
        found = ids_from_file(settings)
    else:
        if live is None:
            raise SourceError(str(config.path), None, "the tenant query needs a live database")
        found = ids_from_query(settings, live, str(config.path))
    if only is None:
        return found
    chosen = [t for t in found if t.id == only]
    if not chosen:
        raise SourceError(str(config.path), None, f"tenant {only!r} is not in the tenant list")
    return chosen


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


def tenant_schema_pattern(settings: TenantSettings) -> re.Pattern[str]:
    """Schemas that look like tenants: used to scope diffs to the configured ones."""
    prefix, _, suffix = settings.schema.partition("{id}")
    return re.compile(re.escape(prefix) + TENANT_ID.pattern + re.escape(suffix))


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
