"""What the plan so far creates: objects that start from PostgreSQL's defaults afterwards.

Kinds that run after the engine (privileges, relation options, comments, owners)
compare each wanted object with the state it will have once the plan so far has run:
its live state, or the defaults of a new object where the plan creates (or drops and
creates again) it.
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
Path = tuple[str, ...]  # (schema, name), or (schema, table, name) for what hangs on a table


def standing(
    have: Mapping[Key, State],
    want: Mapping[Key, State],
    planned: Sequence[str],
    replacing: bool = True,
) -> Iterator[tuple[Key, State, State | None]]:
    """Each wanted object, in key order, with the state it will have once ``planned`` ran.

    That is its live state, or None where live lacks it or the plan creates it anew:
    such an object starts from PostgreSQL's defaults. ``replacing`` says whether what
    is being compared starts anew when ``CREATE OR REPLACE`` replaces an object.
    """
    created = created_objects(planned, replacing)
    for key, wanted in sorted(want.items()):
        current = have.get(key)
        if (wanted.schema, wanted.relname) in created:
            current = None
        yield key, wanted, current


def created_objects(statements: Sequence[str], replacing: bool = True) -> set[Path]:
    """Every relation, function, type, schema, index, trigger, policy, rule or constraint created.

    ``CREATE OR REPLACE`` keeps an object's comment, grants and owner but resets a
    view's options: with ``replacing`` off, it counts only where the plan dropped the
    object first.
    """
    created: set[Path] = set()
    dropped: set[Path] = set()
    for sql in statements:
        dropped.update(parsing.dropped_paths(sql))
        for node in parsing.parse(sql):
            path = _created_path(node)
            if path is not None and (replacing or not _replaces(node) or path in dropped):
                created.add(path)
    return created


def recreated_objects(statements: Sequence[str]) -> set[Path]:
    """What the statements drop (or rename away) and then create again."""
    recreated: set[Path] = set()
    dropped: set[Path] = set()
    for sql in statements:
        for node in parsing.parse(sql):
            path = _created_path(node)
            if path in dropped:
                recreated.add(path)
        dropped.update(parsing.dropped_paths(sql))
    return recreated


def _replaces(node: ast.Node) -> bool:
    return isinstance(node, (ast.ViewStmt, ast.CreateFunctionStmt, ast.CreateTrigStmt)) and bool(
        node.replace
    )


def _created_path(node: ast.Node) -> Path | None:
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
    return _created_on_table(node)


def _created_on_table(node: ast.Node) -> Path | None:
    """Indexes, and the triggers, policies, rules and constraints that hang on a table."""
    if isinstance(node, ast.IndexStmt) and node.idxname:
        table = _range_name(node.relation)
        return (table[0], node.idxname) if table else None
    if isinstance(node, ast.CreateTrigStmt) and node.trigname:
        return _on(node.relation, node.trigname)
    if isinstance(node, ast.CreatePolicyStmt) and node.policy_name:
        return _on(node.table, node.policy_name)
    if isinstance(node, ast.RuleStmt) and node.rulename:
        return _on(node.relation, node.rulename)
    if isinstance(node, ast.AlterTableStmt):
        for cmd in node.cmds or ():
            constraint = getattr(cmd, "def_", None)
            if isinstance(constraint, ast.Constraint) and constraint.conname:
                return _on(node.relation, constraint.conname)
    return None


def _on(rangevar: ast.RangeVar | None, name: str) -> Path | None:
    table = _range_name(rangevar)
    return (*table, name) if table else None


def _range_name(rangevar: ast.RangeVar | None) -> Path | None:
    if rangevar is None or rangevar.relname is None:
        return None
    return (rangevar.schemaname or "public", rangevar.relname)


def _dotted(names: Sequence[ast.Node] | None) -> Path | None:
    # Identifiers are never empty, so a name's String parts always carry their text.
    parts = [n.sval for n in names or () if isinstance(n, ast.String) and n.sval is not None]
    if not parts:
        return None
    return (parts[0], parts[-1]) if len(parts) > 1 else ("public", parts[0])
