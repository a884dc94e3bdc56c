"""Reference data: ``seeds/*.sql`` upserts, loaded idempotently and checked for drift.

Each seed statement is an ``INSERT … ON CONFLICT (natural key) DO UPDATE SET …`` (or
``DO NOTHING``). canon adds ``WHERE (existing) IS DISTINCT FROM (EXCLUDED)`` to every
``DO UPDATE`` that has no WHERE of its own, so a second run touches no row at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
from pglast import ast, parser
from pglast.enums import OnConflictAction
from pglast.stream import RawStream

from canon.errors import ConfigError, SourceError
from canon.files.sources import Statement, find_files, read_files, split_statements, statement_error
from canon.pg import quoting


@dataclass(frozen=True)
class SeedStatement:
    """One upsert of reference rows into one table."""

    statement: Statement
    schema: str
    table: str
    columns: tuple[str, ...]
    keys: tuple[str, ...]
    updated: tuple[str, ...]  # columns the upsert keeps in line with the file
    rows: int

    @property
    def qualified(self) -> str:
        return f"{quoting.ident(self.schema)}.{quoting.ident(self.table)}"

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass(frozen=True)
class SeedResult:
    table: str
    rows: int  # rows in the file
    changed: int  # rows inserted or updated by this run


@dataclass(frozen=True)
class SeedDifference:
    table: str
    key: str
    problem: str  # "missing" or "differs"
    path: str
    line: int


def read_seeds(root: Path) -> list[SeedStatement]:
    """Every seed statement under ``root``, checked to be an idempotent upsert."""
    paths = find_files(root)
    if not paths:
        raise ConfigError(f"seeds directory {root} holds no .sql files")
    seeds = []
    for source in read_files(root, paths):
        for statement in split_statements(source.text, source.display):
            seeds.append(_read_upsert(statement))
    return seeds


def _read_upsert(statement: Statement) -> SeedStatement:
    node = parser.parse_sql(statement.sql)[0].stmt

    def refuse(reason: str) -> SourceError:
        return SourceError(statement.path, statement.line, reason)

    if not isinstance(node, ast.InsertStmt):
        raise refuse("a seed file may hold only INSERT … ON CONFLICT statements")
    conflict = node.onConflictClause
    if conflict is None or conflict.infer is None or not conflict.infer.indexElems:
        raise refuse("a seed INSERT needs ON CONFLICT (key columns) so that it can run twice")
    if not node.cols:
        raise refuse("a seed INSERT must list its columns")
    select = node.selectStmt
    if not isinstance(select, ast.SelectStmt) or not select.valuesLists:
        raise refuse("a seed INSERT must insert literal VALUES rows")
    columns = tuple(col.name for col in node.cols)
    keys = tuple(elem.name for elem in conflict.infer.indexElems)
    if any(key is None or key not in columns for key in keys):
        raise refuse("every ON CONFLICT key column must be one of the inserted columns")
    updated: tuple[str, ...] = ()
    if conflict.action == OnConflictAction.ONCONFLICT_UPDATE:
        updated = tuple(target.name for target in conflict.targetList or ())
    relation = node.relation
    # INSERT INTO always names its table.
    assert relation is not None and relation.relname is not None
    return SeedStatement(
        statement=replace(statement, sql=_without_needless_updates(node, conflict, updated)),
        schema=relation.schemaname or "public",
        table=relation.relname,
        columns=columns,
        keys=keys,
        updated=updated,
        rows=len(select.valuesLists),
    )


def _without_needless_updates(
    node: ast.InsertStmt, conflict: ast.OnConflictClause, updated: tuple[str, ...]
) -> str:
    """The upsert, changed so that rows already equal to the file are left untouched.

    ``conflict`` is the upsert's own ON CONFLICT clause, changed in place.
    """
    if updated and conflict.whereClause is None:
        alias = _existing_row(node)
        existing = ", ".join(f"{quoting.ident(alias)}.{quoting.ident(c)}" for c in updated)
        incoming = ", ".join(f"EXCLUDED.{quoting.ident(c)}" for c in updated)
        probe = parser.parse_sql(f"SELECT WHERE ROW({existing}) IS DISTINCT FROM ROW({incoming})")
        select = probe[0].stmt
        assert isinstance(select, ast.SelectStmt)
        conflict.whereClause = select.whereClause
    return str(RawStream()(node))


def _existing_row(node: ast.InsertStmt) -> str:
    """The name ON CONFLICT DO UPDATE knows the row already there by: the alias, or the table."""
    relation = node.relation
    # INSERT INTO always names its table, and AS always names an alias.
    assert relation is not None
    name = relation.alias.aliasname if relation.alias else relation.relname
    assert name is not None
    return name


def load(conn: psycopg.Connection, seeds: Sequence[SeedStatement]) -> list[SeedResult]:
    """Run every upsert in the connection's transaction; the caller commits."""
    results = []
    for seed in seeds:
        try:
            cursor = conn.execute(seed.statement.sql)
        except psycopg.Error as exc:
            raise statement_error(seed.statement, exc) from None
        results.append(SeedResult(seed.name, seed.rows, max(cursor.rowcount, 0)))
    return results


def differences(
    conn: psycopg.Connection, seeds: Sequence[SeedStatement], schema_matches: bool = True
) -> list[SeedDifference]:
    """Reference rows of the files that are missing from, or differ in, the database.

    The rows are staged in a temporary table typed like the target (so values compare
    as the column types do) inside a transaction that is always rolled back. A seed
    that does not fit its table is an error while the schema matches the files; while
    the schema drifts, it is one more difference, reported with the rest.
    """
    found: list[SeedDifference] = []
    with conn.transaction(force_rollback=True):
        for number, seed in enumerate(seeds):
            try:
                found.extend(_differences_of(conn, seed, f"canon_seed_{number}"))
            except psycopg.Error as exc:
                if schema_matches:
                    raise statement_error(seed.statement, exc) from None
                found.append(
                    _difference(
                        seed, "*", f"does not fit the live table ({exc.diag.message_primary})"
                    )
                )
    return found


def _difference(seed: SeedStatement, key: str, problem: str) -> SeedDifference:
    return SeedDifference(seed.name, key, problem, seed.statement.path, seed.statement.line)


def _differences_of(
    conn: psycopg.Connection, seed: SeedStatement, staging: str
) -> list[SeedDifference]:
    cols = ", ".join(quoting.ident(c) for c in seed.columns)
    try:
        with conn.transaction():
            conn.execute(
                f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS "
                f"SELECT {cols} FROM {seed.qualified} WITH NO DATA"
            )
    except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName):
        return [_difference(seed, "*", "table missing")]
    node = parser.parse_sql(seed.statement.sql)[0].stmt
    # read_seeds accepts nothing but INSERT statements.
    assert isinstance(node, ast.InsertStmt)
    node.relation = ast.RangeVar(relname=staging, inh=True, relpersistence="t")
    node.onConflictClause = None
    with conn.transaction():
        conn.execute(str(RawStream()(node)))
    join = " AND ".join(f"t.{quoting.ident(k)} = s.{quoting.ident(k)}" for k in seed.keys)
    key_text = " || ', ' || ".join(
        f"coalesce(s.{quoting.ident(k)}::text, 'NULL')" for k in seed.keys
    )
    compared = seed.updated or seed.keys
    mine = ", ".join(f"s.{quoting.ident(c)}" for c in compared)
    theirs = ", ".join(f"t.{quoting.ident(c)}" for c in compared)
    rows = conn.execute(
        f"SELECT {key_text}, CASE WHEN t.ctid IS NULL THEN 'missing' ELSE 'differs' END "
        f"FROM {staging} s LEFT JOIN {seed.qualified} t ON {join} "
        f"WHERE t.ctid IS NULL OR ROW({mine}) IS DISTINCT FROM ROW({theirs}) ORDER BY 1"
    ).fetchall()
    return [
        SeedDifference(seed.name, key, problem, seed.statement.path, seed.statement.line)
        for key, problem in rows
    ]
