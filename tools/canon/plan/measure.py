"""What is at stake: small read-only counts on the live database, shown beside a statement.

Rows in a table or materialized view to be dropped, values in a column to be dropped, values a type change
would change or fail on (``conversions``), rows a new CHECK, NOT NULL or foreign key would
reject, duplicates a new UNIQUE index would reject. Every count runs in a read-only
savepoint under a short ``statement_timeout``; when it takes longer, the planner's
estimate is shown instead. Nothing is measured on tables the plan creates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psycopg
from pglast import ast
from pglast.enums import AlterTableType, ConstrType, ObjectType
from pglast.stream import RawStream

from canon.pg.db import Connection
from canon.pg.parsing import parse, qualified, tables_created
from canon.pg.quoting import ident
from canon.plan import conversions

MEASURE_TIMEOUT_MS = 2000

Count = Callable[[str], int | None]
Convert = Callable[[str, str, str, str | None], conversions.Altered]


@dataclass(frozen=True)
class Stake:
    """One measured fact: ``count`` is None when it could not be measured in time."""

    what: str
    count: int | None
    blocks: bool = False  # a non-zero count means the statement is bound to fail (or harm)
    estimate: bool = False
    sample: str | None = None  # the key of one row counted
    at_least: bool = False  # ``count`` is a floor: counting the rest took too long
    one: str = ""  # how ``what`` reads for a count of 1 ("row in …" for "rows in …")

    def __str__(self) -> str:
        if self.count is None:
            return f"not measured: {self.what} (the count failed or took longer than allowed)"
        about = "about " if self.estimate else ("at least " if self.at_least else "")
        tail = " (estimate; counting took too long)" if self.estimate else ""
        what = self.one if self.count == 1 and self.one else self.what
        sample = f" (one: {self.sample})" if self.sample else ""
        return f"{about}{self.count:,} {what}{sample}{tail}"

    @property
    def fails(self) -> bool:
        return self.blocks and bool(self.count)


def stakes(
    live: Connection, statements: Sequence[str], timeout_ms: int = MEASURE_TIMEOUT_MS
) -> list[tuple[Stake, ...]]:
    """For each statement, one line per thing it puts at stake (often none)."""
    created = tables_created(statements)
    validated = _validated(statements)

    def count(query: str) -> int | None:
        return _count(live, query, timeout_ms)

    def convert(table: str, column: str, new_type: str, using: str | None) -> conversions.Altered:
        return conversions.altered(live, table, column, new_type, using, timeout_ms)

    result = []
    for sql in statements:
        lines: list[Stake] = []
        for node in parse(sql):
            table = _table(node)
            if table is not None and qualified(table) in created:
                continue
            lines.extend(line for line in _measure(node, count, convert, live, validated) if line)
        result.append(tuple(lines))
    return result


def _validated(statements: Sequence[str]) -> dict[str, set[str]]:
    """The constraints each table (``schema.name``) has validated by a VALIDATE CONSTRAINT."""
    found: dict[str, set[str]] = {}
    for sql in statements:
        for node in parse(sql):
            if not isinstance(node, ast.AlterTableStmt):
                continue
            names = {
                cmd.name
                for cmd in node.cmds or ()
                if isinstance(cmd, ast.AlterTableCmd)
                and cmd.subtype == AlterTableType.AT_ValidateConstraint
                and cmd.name is not None
            }
            if names:
                found.setdefault(qualified(node.relation) or "", set()).update(names)
    return found


def _table(node: ast.Node) -> ast.RangeVar | None:
    if isinstance(node, (ast.AlterTableStmt, ast.IndexStmt)):
        return node.relation
    return None


def _measure(
    node: ast.Node,
    count: Count,
    convert: Convert,
    raw: psycopg.Connection,
    validated: dict[str, set[str]],
) -> list[Stake]:
    if isinstance(node, ast.DropStmt) and node.removeType in (
        ObjectType.OBJECT_TABLE,
        ObjectType.OBJECT_MATVIEW,
    ):
        return [_rows(_name(obj), count, raw) for obj in node.objects or ()]
    if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_SCHEMA:
        return [_schema_tables(obj.sval, count) for obj in node.objects or ()]
    if isinstance(node, ast.AlterTableStmt):
        # ALTER TABLE always names its table.
        assert node.relation is not None
        table = RawStream()(node.relation)
        validated_here = validated.get(qualified(node.relation) or "", set())
        lines = []
        for cmd in node.cmds or ():
            line = _alter(table, cmd, count, convert, validated_here)
            if line:
                lines.append(line)
        return lines
    if isinstance(node, ast.IndexStmt) and node.unique:
        return [_duplicates(node, count)]
    return []


def _alter(
    table: str, cmd: ast.AlterTableCmd, count: Count, convert: Convert, validated: set[str]
) -> Stake | None:
    sub = cmd.subtype
    column = ident(cmd.name) if cmd.name else ""
    if sub == AlterTableType.AT_DropColumn:
        n = count(f"SELECT count({column}) FROM {table}")
        return Stake(
            f"non-null values in {table}.{column} to be dropped",
            n,
            one=f"non-null value in {table}.{column} to be dropped",
        )
    if sub == AlterTableType.AT_AlterColumnType and isinstance(cmd.def_, ast.ColumnDef):
        return _conversion(table, cmd.name or "", cmd.def_, convert)
    if sub == AlterTableType.AT_SetNotNull:
        n = count(f"SELECT count(*) FROM {table} WHERE {column} IS NULL")
        return Stake(
            f"rows in {table} with {column} NULL (SET NOT NULL fails on them)",
            n,
            blocks=True,
            one=f"row in {table} with {column} NULL (SET NOT NULL fails on it)",
        )
    if sub == AlterTableType.AT_AddColumn and isinstance(cmd.def_, ast.ColumnDef):
        if _not_null_without_default(cmd.def_):
            n = count(f"SELECT count(*) FROM {table}")
            return Stake(
                f"rows in {table} (a NOT NULL column without a default fails on them)",
                n,
                blocks=True,
                one=f"row in {table} (a NOT NULL column without a default fails on it)",
            )
        return None
    if sub == AlterTableType.AT_AddConstraint and isinstance(cmd.def_, ast.Constraint):
        return _constraint(table, cmd.def_, count, validated)
    return None


def _conversion(table: str, column: str, new: ast.ColumnDef, convert: Convert) -> Stake:
    """Values the new type would change or fail on: the apply refuses when there are any."""
    # ALTER COLUMN … TYPE always names the new type.
    assert new.typeName is not None
    using = RawStream()(new.raw_default) if new.raw_default is not None else None
    found = convert(table, column, RawStream()(new.typeName), using)
    return Stake(
        f"values in {table}.{ident(column)} the new type would change or fail on",
        found.count,
        blocks=True,
        sample=found.sample,
        at_least=found.at_least,
        one=f"value in {table}.{ident(column)} the new type would change or fail on",
    )


def _constraint(
    table: str, constraint: ast.Constraint, count: Count, validated: set[str]
) -> Stake | None:
    name = constraint.conname or "the new constraint"
    kind = constraint.contype
    # Rows that break a NOT VALID constraint only matter if the plan validates it later
    # (``validated`` holds the names of this table's constraints it validates).
    checked = not constraint.skip_validation or constraint.conname in validated
    if kind == ConstrType.CONSTR_CHECK and constraint.raw_expr is not None:
        predicate = RawStream()(constraint.raw_expr)
        n = count(f"SELECT count(*) FROM {table} WHERE NOT ({predicate})")
        return Stake(
            f"rows in {table} violate CHECK {name}",
            n,
            blocks=checked,
            one=f"row in {table} violates CHECK {name}",
        )
    if kind == ConstrType.CONSTR_FOREIGN and constraint.fk_attrs and constraint.pk_attrs:
        child = [ident(a.sval) for a in constraint.fk_attrs]
        parent = [ident(a.sval) for a in constraint.pk_attrs]
        # A foreign key always REFERENCES a table.
        assert constraint.pktable is not None
        ref = RawStream()(constraint.pktable)
        present = " AND ".join(f"c.{col} IS NOT NULL" for col in child)
        match = " AND ".join(f"p.{p} = c.{c}" for p, c in zip(parent, child, strict=True))
        n = count(
            f"SELECT count(*) FROM {table} c WHERE {present} "
            f"AND NOT EXISTS (SELECT 1 FROM {ref} p WHERE {match})"
        )
        return Stake(
            f"rows in {table} have no match for FOREIGN KEY {name}",
            n,
            blocks=checked,
            one=f"row in {table} has no match for FOREIGN KEY {name}",
        )
    if kind in (ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_PRIMARY) and constraint.keys:
        keys = [ident(k.sval) for k in constraint.keys]
        n = count(_duplicates_query(table, keys, "", nulls_distinct=True))
        columns = ", ".join(keys)
        return Stake(
            f"duplicated key values in {table} ({columns})",
            n,
            blocks=True,
            one=f"duplicated key value in {table} ({columns})",
        )
    return None


def _duplicates(node: ast.IndexStmt, count: Count) -> Stake:
    # CREATE INDEX always names its table (ON ...).
    assert node.relation is not None
    table = RawStream()(node.relation)
    keys = []
    for elem in node.indexParams or ():
        keys.append(ident(elem.name) if elem.name else f"({RawStream()(elem.expr)})")
    where = RawStream()(node.whereClause) if node.whereClause is not None else ""
    n = count(_duplicates_query(table, keys, where, nulls_distinct=not node.nulls_not_distinct))
    index = f" for UNIQUE index {node.idxname}" if node.idxname else ""
    columns = ", ".join(keys)
    return Stake(
        f"duplicated key values in {table} ({columns}){index}",
        n,
        blocks=True,
        one=f"duplicated key value in {table} ({columns}){index}",
    )


def _duplicates_query(table: str, keys: list[str], where: str, nulls_distinct: bool) -> str:
    conditions = [f"({where})"] if where else []
    if nulls_distinct:  # rows with a NULL key never collide
        conditions.extend(f"{key} IS NOT NULL" for key in keys)
    filter_ = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return (
        f"SELECT count(*) FROM (SELECT 1 FROM {table}{filter_} "
        f"GROUP BY {', '.join(keys)} HAVING count(*) > 1) AS duplicated"
    )


def _rows(table: str, count: Count, raw: psycopg.Connection) -> Stake:
    n = count(f"SELECT count(*) FROM {table}")
    if n is None:
        estimate = _estimate(raw, table)
        if estimate is not None:
            return Stake(f"rows in {table}", estimate, estimate=True, one=f"row in {table}")
    return Stake(f"rows in {table}", n, one=f"row in {table}")


def _schema_tables(schema: str, count: Count) -> Stake:
    literal = "'" + schema.replace("'", "''") + "'"
    n = count(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE n.nspname = {literal} AND c.relkind IN ('r', 'p')"
    )
    return Stake(f"tables in schema {ident(schema)}", n, one=f"table in schema {ident(schema)}")


def _estimate(raw: psycopg.Connection, table: str) -> int | None:
    try:
        with raw.transaction():
            row = raw.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", (table,)
            ).fetchone()
    except psycopg.Error:
        return None
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None


def _count(raw: psycopg.Connection, query: str, timeout_ms: int) -> int | None:
    """Run a count in a savepoint that is always rolled back, read-only and time-boxed."""
    try:
        row = conversions.read_only(raw, query, timeout_ms)
    except psycopg.Error:
        return None
    return int(row[0]) if row and row[0] is not None else None


def _name(obj: object) -> str:
    parts = [s.sval for s in obj] if isinstance(obj, (list, tuple)) else []
    if len(parts) == 1:
        return RawStream()(ast.RangeVar(relname=parts[0], inh=True, relpersistence="p"))
    return RawStream()(
        ast.RangeVar(schemaname=parts[-2], relname=parts[-1], inh=True, relpersistence="p")
    )


def _not_null_without_default(column: ast.ColumnDef) -> bool:
    kinds = {c.contype for c in column.constraints or () if isinstance(c, ast.Constraint)}
    return ConstrType.CONSTR_NOTNULL in kinds and ConstrType.CONSTR_DEFAULT not in kinds
