"""Helpers shared by the test modules."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import psycopg

from canon.cli.main import run
from canon.files.sources import read_schema, split_statements

TESTS = Path(__file__).resolve().parent
PROJECT = TESTS.parent
CASES = TESTS / "cases"


def canon(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def run_sql_file(url: str, path: Path) -> None:
    """Run a SQL file's statements in one transaction (like psql -1 -f)."""
    statements = split_statements(path.read_text(), str(path))
    with psycopg.connect(url) as conn:
        for statement in statements:
            conn.execute(statement.sql)


def load_project_schema(**kwargs: Any) -> None:
    """pytest-postgresql loader: build the template database from the project's schema/."""
    url = "postgresql://{user}@{host}:{port}/{dbname}".format(**kwargs)
    code, out, err = canon("apply", "--database-url", url, "--schema-dir", str(PROJECT / "schema"))
    assert code == 0, err
    seeds = PROJECT / "seeds"
    if seeds.is_dir():
        code, out, err = canon("seed", "--database-url", url, "--seeds-dir", str(seeds))
        assert code == 0, err


def catalog_snapshot(url: str) -> list[tuple[Any, ...]]:
    """Every user relation, column and row count: enough to see that nothing changed."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """
            SELECT n.nspname, c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
            ORDER BY 1, 2, 4
            """
        ).fetchall()
        databases = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'canon_scratch_%' ORDER BY 1"
        ).fetchall()
    return rows + [("scratch", d[0]) for d in databases]


def schema_statements(path: Path) -> int:
    return len(read_schema(path).statements)
