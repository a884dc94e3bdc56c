"""The schema files as lint sees them: parse trees, and the facts several rules need.

Each statement is parsed once. A ``Hit`` points at a byte offset inside a statement,
so a finding names the line that wrote the column, constraint or index, not the first
line of its CREATE TABLE.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from canon.files.sources import Statement
from canon.pg.objects import ObjectKey, ObjectName, names_of, relation
from canon.pg.parsing import parse


@dataclass(frozen=True)
class Parsed:
    statement: Statement
    node: ast.Node

    def line_at(self, location: int | None) -> int:
        """The file line of a byte offset inside the statement (its first line without one)."""
        if not location or location < 0:
            return self.statement.line
        return self.statement.line + self.statement.sql.encode()[:location].count(b"\n")


@dataclass(frozen=True)
class Hit:
    """What a rule found: where, and in one line why it matters here."""

    parsed: Parsed
    location: int | None
    message: str


@dataclass(frozen=True)
class Column:
    parsed: Parsed
    table: ObjectName
    definition: ast.ColumnDef


@dataclass(frozen=True)
class Constraint:
    parsed: Parsed
    table: ObjectName
    constraint: ast.Constraint
    column: str | None  # set for a constraint written on a column's own line

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns a primary key, unique or foreign key constraint covers."""
        names = self.constraint.fk_attrs or self.constraint.keys
        if names:
            return tuple(names_of(names))
        return (self.column,) if self.column else ()


@dataclass(frozen=True)
class Index:
    parsed: Parsed
    table: ObjectName
    name: str
    columns: tuple[str, ...]  # leading plain columns; an expression ends the list
    whole: bool  # every key is a plain column, with no predicate and the default method
    unique: bool
    location: int | None


class Schema:
    """Every statement of the files, parsed, with the facts rules share."""

    def __init__(self, statements: Sequence[Statement]) -> None:
        self.parsed = [
            Parsed(statement, node) for statement in statements for node in parse(statement.sql)
        ]

    def of(self, *types: type[ast.Node]) -> Iterator[Parsed]:
        return (p for p in self.parsed if isinstance(p.node, types))

    @cached_property
    def columns(self) -> list[Column]:
        """Columns of CREATE TABLE, and those added or retyped by ALTER TABLE."""
        found = []
        for parsed in self.of(ast.CreateStmt, ast.AlterTableStmt):
            table = relation(_relation(parsed.node))
            if table is None:
                continue
            for definition in _column_defs(parsed.node):
                found.append(Column(parsed, table, definition))
        return found

    def columns_of_type(self, *names: str) -> Iterator[Column]:
        """Columns whose type is one of ``names`` (built in: unqualified or in pg_catalog)."""
        for column in self.columns:
            parts = type_names(column.definition)
            if parts and parts[-1] in names and parts[:-1] in ((), ("pg_catalog",)):
                yield column

    @cached_property
    def constraints(self) -> list[Constraint]:
        """Table constraints wherever written: on a column, in the table, by ALTER TABLE."""
        found = []
        for parsed in self.of(ast.CreateStmt, ast.AlterTableStmt):
            table = relation(_relation(parsed.node))
            if table is None:
                continue
            for constraint, column in _constraints(parsed.node):
                found.append(Constraint(parsed, table, constraint, column))
        return found

    @cached_property
    def indexes(self) -> list[Index]:
        """Indexes: CREATE INDEX, and those behind primary key, unique and exclusion constraints."""
        found = []
        for parsed in self.of(ast.IndexStmt):
            node = parsed.node
            assert isinstance(node, ast.IndexStmt)
            table = relation(node.relation)
            if table is None:
                continue
            columns = _leading_columns(node.indexParams or ())
            whole = (
                len(columns) == len(node.indexParams or ())
                and node.whereClause is None
                and (node.accessMethod or "btree") == "btree"
            )
            found.append(
                Index(parsed, table, node.idxname or "", columns, whole, bool(node.unique), None)
            )
        for c in self.constraints:
            if c.constraint.contype in (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE):
                name = c.constraint.conname or ""
                found.append(
                    Index(c.parsed, c.table, name, c.columns, True, True, c.constraint.location)
                )
        return found

    @cached_property
    def functions(self) -> dict[str, str]:
        """Volatility of each function the files define, by unqualified name."""
        found = {}
        for parsed in self.of(ast.CreateFunctionStmt):
            node = parsed.node
            assert isinstance(node, ast.CreateFunctionStmt)
            name = (names_of(node.funcname) or [""])[-1]
            found[name] = "volatile"  # PostgreSQL's default when a function says nothing
            for option in node.options or ():
                if isinstance(option, ast.DefElem) and option.defname == "volatility":
                    arg = option.arg
                    found[name] = (
                        arg.sval if isinstance(arg, ast.String) and arg.sval else "volatile"
                    )
        return found

    @cached_property
    def primary_keys(self) -> set[ObjectKey]:
        return {
            c.table.key
            for c in self.constraints
            if c.constraint.contype == ConstrType.CONSTR_PRIMARY
        }


def _relation(node: ast.Node) -> ast.RangeVar | None:
    return node.relation if isinstance(node, (ast.CreateStmt, ast.AlterTableStmt)) else None


def _column_defs(node: ast.Node) -> Iterator[ast.ColumnDef]:
    if isinstance(node, ast.CreateStmt):
        yield from (e for e in node.tableElts or () if isinstance(e, ast.ColumnDef))
    elif isinstance(node, ast.AlterTableStmt):
        for cmd in node.cmds or ():
            if not isinstance(cmd, ast.AlterTableCmd) or not isinstance(cmd.def_, ast.ColumnDef):
                continue
            if cmd.subtype == AlterTableType.AT_AddColumn:
                yield cmd.def_
            elif cmd.subtype == AlterTableType.AT_AlterColumnType:
                # The column's name is on the command; its new type on the definition.
                yield ast.ColumnDef(
                    colname=cmd.name, typeName=cmd.def_.typeName, location=cmd.def_.location
                )


def _constraints(node: ast.Node) -> Iterator[tuple[ast.Constraint, str | None]]:
    for column in _column_defs(node):
        for constraint in column.constraints or ():
            if isinstance(constraint, ast.Constraint):
                yield constraint, column.colname
    if isinstance(node, ast.CreateStmt):
        yield from ((e, None) for e in node.tableElts or () if isinstance(e, ast.Constraint))
    elif isinstance(node, ast.AlterTableStmt):
        for cmd in node.cmds or ():
            if (
                isinstance(cmd, ast.AlterTableCmd)
                and cmd.subtype == AlterTableType.AT_AddConstraint
                and isinstance(cmd.def_, ast.Constraint)
            ):
                yield cmd.def_, None


def _leading_columns(params: Sequence[ast.Node]) -> tuple[str, ...]:
    names = []
    for param in params:
        if not isinstance(param, ast.IndexElem) or param.name is None:
            break
        names.append(param.name)
    return tuple(names)


def type_names(column: ast.ColumnDef) -> tuple[str, ...]:
    """The column type's name parts (``('pg_catalog', 'timestamp')``), empty when it has none."""
    if column.typeName is None:
        return ()
    return tuple(names_of(column.typeName.names))
