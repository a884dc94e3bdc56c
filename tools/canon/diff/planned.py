"""What the plan so far creates: objects that start from PostgreSQL's defaults afterwards.

Kinds that run after the engine (privileges, relation options) compare each wanted
object with the state it will have once the plan so far has run: its live state, or
the defaults of a new object where the plan creates (or recreates) it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol, TypeVar

from pglast import ast

from canon.pg import parsing


class Located(Protocol):
    @property
    def schema(self) -> str: ...

    @property
    def relname(self) -> str: ...


Key = TypeVar("Key")
State = TypeVar("State", bound=Located)


def standing(
    have: Mapping[Key, State], want: Mapping[Key, State], planned: Sequence[str]
) -> Iterator[tuple[Key, State, State | None]]:
    """Each wanted object, in key order, with the state it will have once ``planned`` ran.

    That is its live state, or None where live lacks it or the plan creates it anew:
    such an object starts from PostgreSQL's defaults.
    """
    created = created_objects(planned)
    for key, wanted in sorted(want.items()):
        current = have.get(key)
        if (wanted.schema, wanted.relname) in created:
            current = None
        yield key, wanted, current


def created_objects(statements: Sequence[str]) -> set[tuple[str, str]]:
    """(schema, name) of every relation, function, type or schema the statements create."""
    created: set[tuple[str, str]] = set()
    for sql in statements:
        for node in parsing.parse(sql):
            name = _created_name(node)
            if name is not None:
                created.add(name)
    return created


def _created_name(node: ast.Node) -> tuple[str, str] | None:
    if isinstance(node, ast.CreateStmt):
        return _range_name(node.relation)
    if isinstance(node, ast.ViewStmt):
        return _range_name(node.view)
    if isinstance(node, ast.CreateTableAsStmt):
        return _range_name(parsing.created_table(node))
    if isinstance(node, ast.CreateSeqStmt):
        return _range_name(node.sequence)
    if isinstance(node, ast.CreateSchemaStmt):
        # CREATE SCHEMA AUTHORIZATION role names no schema here: nothing to match it against.
        if node.schemaname is None:
            return None
        return (node.schemaname, node.schemaname)
    if isinstance(node, ast.CreateFunctionStmt):
        return _dotted(node.funcname)
    if isinstance(node, (ast.CreateEnumStmt, ast.CreateDomainStmt, ast.CreateRangeStmt)):
        names = node.typeName if not isinstance(node, ast.CreateDomainStmt) else node.domainname
        return _dotted(names)
    if isinstance(node, ast.CompositeTypeStmt):
        return _range_name(node.typevar)
    return None


def _range_name(rangevar: ast.RangeVar | None) -> tuple[str, str] | None:
    if rangevar is None or rangevar.relname is None:
        return None
    return (rangevar.schemaname or "public", rangevar.relname)


def _dotted(names: Sequence[ast.Node] | None) -> tuple[str, str] | None:
    # Identifiers are never empty, so a name's String parts always carry their text.
    parts = [n.sval for n in names or () if isinstance(n, ast.String) and n.sval is not None]
    if not parts:
        return None
    return (parts[0], parts[-1]) if len(parts) > 1 else ("public", parts[0])
