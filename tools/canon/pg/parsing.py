"""PostgreSQL's parser, shared: a plan's statements are parsed once, not once per check.

Hazards, steps, lock-safe rewrites, measurements and tenant grouping all look at the
same statements; each parse costs some 60 µs, so large plans parsed a dozen
times over spent most of their time here. ``parse`` returns shared trees: callers
must not change them. ``fresh`` returns trees of one's own, to edit and deparse.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from pglast import ast, parser
from pglast.enums import AlterTableType, ObjectType
from pglast.visitors import Visitor

CACHED_STATEMENTS = 32768


@lru_cache(maxsize=CACHED_STATEMENTS)
def _parse_cached(sql: str) -> tuple[ast.Node, ...]:
    return fresh(sql)


def parse(sql: str) -> tuple[ast.Node, ...]:
    """The statements of ``sql`` as shared, read-only trees; () when it does not parse."""
    return _parse_cached(sql)


def fresh(sql: str) -> tuple[ast.Node, ...]:
    """The statements of ``sql`` as new trees the caller may change."""
    try:
        return tuple(_statement(raw) for raw in parser.parse_sql(sql))
    except parser.ParseError:
        return ()


def _statement(raw: ast.RawStmt) -> ast.Node:
    # The parser wraps each statement it finds in a RawStmt; empty ones are not returned.
    assert raw.stmt is not None
    return raw.stmt


def created_table(node: ast.CreateTableAsStmt) -> ast.RangeVar:
    """The relation a CREATE TABLE AS or CREATE MATERIALIZED VIEW creates."""
    # The grammar always gives these statements an INTO clause naming the relation.
    assert node.into is not None and node.into.rel is not None
    return node.into.rel


def qualified(rangevar: ast.RangeVar | None) -> str | None:
    """``schema.name`` as the catalogs spell it (unquoted), ``public`` when unqualified."""
    if rangevar is None:
        return None
    return f"{rangevar.schemaname or 'public'}.{rangevar.relname}"


def tables_created(statements: Iterable[str]) -> set[str]:
    """``schema.name`` of every table the statements create."""
    created = set()
    for sql in statements:
        for node in parse(sql):
            rel = None
            if isinstance(node, ast.CreateStmt):
                rel = node.relation
            elif isinstance(node, ast.CreateTableAsStmt):
                rel = created_table(node)
            name = qualified(rel)
            if name:
                created.add(name)
    return created


def table_of(node: ast.Node) -> str | None:
    """The table an ALTER TABLE, CREATE INDEX or RENAME works on."""
    if isinstance(node, (ast.AlterTableStmt, ast.IndexStmt)):
        return qualified(node.relation)
    if isinstance(node, ast.RenameStmt) and node.relation is not None:
        return qualified(node.relation)
    return None


def function_names(node: ast.Node) -> set[str]:
    """The unqualified names of every function a tree calls."""
    names: set[str] = set()

    class Collect(Visitor):
        def visit_FuncCall(self, ancestors: object, call: ast.FuncCall) -> None:
            # A call always names its function: funcname is never empty.
            assert call.funcname is not None
            names.add(call.funcname[-1].sval)

    Collect()(node)
    return names


def dropped_paths(sql: str) -> tuple[tuple[str, ...], ...]:
    """The names of what a statement drops or renames away, as it spells them.

    ``(schema, name)`` for relations, types and functions, ``(schema, table, name)``
    for triggers, policies and constraints. A type renamed away counts: migra
    recreates an enum by renaming the old one first. So do the parts of an object that
    a recreation releases: a column's default or generation expression, a column dropped
    (``(schema, table, column)``), a domain's CHECK (``(schema, domain, name)``) or
    default (``(schema, domain)``).
    """
    paths: list[tuple[str, ...]] = []
    for node in parse(sql):
        if isinstance(node, ast.DropStmt):
            paths.extend(name_path(obj) for obj in node.objects or ())
        elif isinstance(node, ast.RenameStmt) and node.renameType == ObjectType.OBJECT_TYPE:
            paths.append(name_path(node.object))
        elif isinstance(node, ast.AlterTableStmt) and node.relation is not None:
            table = (node.relation.schemaname or "public", node.relation.relname or "")
            paths.extend(
                (*table, cmd.name)
                for cmd in node.cmds or ()
                if isinstance(cmd, ast.AlterTableCmd) and cmd.name and _releases(cmd)
            )
        elif isinstance(node, ast.AlterDomainStmt) and node.subtype in ("X", "T"):
            if node.subtype == "X" and node.name:
                paths.append((*name_path(node.typeName), node.name))
            elif node.subtype == "T" and node.def_ is None:
                paths.append(name_path(node.typeName))
    return tuple(path for path in paths if path)


RELEASING = (
    AlterTableType.AT_DropConstraint,
    AlterTableType.AT_DropColumn,
    AlterTableType.AT_DropExpression,
)


def _releases(cmd: ast.AlterTableCmd) -> bool:
    """Whether a table command drops a constraint, a column, a default or an expression."""
    if cmd.subtype == AlterTableType.AT_ColumnDefault:
        return cmd.def_ is None
    return cmd.subtype in RELEASING


def name_path(obj: object) -> tuple[str, ...]:
    """An object reference (a name list, a function's or a type's node) as its name parts."""
    if isinstance(obj, ast.ObjectWithArgs):
        obj = obj.objname
    elif isinstance(obj, ast.TypeName):
        obj = obj.names
    elif isinstance(obj, ast.String):
        obj = (obj,)
    if not isinstance(obj, (tuple, list)):
        return ()
    return tuple(part.sval for part in obj if isinstance(part, ast.String) and part.sval)
