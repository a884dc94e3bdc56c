"""Scenarios for the safe-apply tests, read from tests/cases_apply/<name>/.

Each case holds ``live.sql`` (the live schema before), an optional ``data.sql`` (rows
loaded into it) and ``schema/`` (the files to plan to).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from .helpers import TESTS, run_sql_file

CASES_APPLY = TESTS / "cases_apply"


def load_case(url: str, name: str) -> Path:
    """Load the case's live schema and data into ``url``; return its schema folder."""
    case = CASES_APPLY / name
    run_sql_file(url, case / "live.sql")
    if (case / "data.sql").exists():
        run_sql_file(url, case / "data.sql")
    return case / "schema"


def query(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def columns(url: str, table: str) -> list[str]:
    rows = query(
        url,
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        table,
    )
    return [r[0] for r in rows]


def indexes(url: str, table: str) -> dict[str, bool]:
    """Index name -> valid, for ``table``."""
    rows = query(
        url,
        "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass ORDER BY 1",
        table,
    )
    return {r[0]: r[1] for r in rows}
