"""Catalog queries with :name parameters, rows read by name, and connections' addresses."""

from __future__ import annotations

import pytest

from canon.pg import db
from canon.pg.dburl import DatabaseUrl


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("SELECT 1", "SELECT 1"),
        ("SELECT :name", "SELECT %(name)s"),
        (
            "SELECT x::text WHERE n <> ALL (:excluded)",
            "SELECT x::text WHERE n <> ALL (%(excluded)s)",
        ),
        # Once there are parameters, psycopg wants a literal % doubled; without, it sends it as is.
        (
            "SELECT format('%I', :n) WHERE s LIKE 'pg_%'",
            "SELECT format('%%I', %(n)s) WHERE s LIKE 'pg_%%'",
        ),
        (
            "SELECT format('%I', n) WHERE s LIKE 'pg_%'",
            "SELECT format('%I', n) WHERE s LIKE 'pg_%'",
        ),
        ("SELECT a[1:2], a[i:j], :k", "SELECT a[1:2], a[i:j], %(k)s"),
        ("SELECT 'a\\:b', :k", "SELECT 'a:b', %(k)s"),
    ],
)
def test_query_speaks_psycopg(written: str, sent: str) -> None:
    assert db.query(written) == sent


def test_queries_run_with_their_parameters(empty_url: str) -> None:
    conn = db.reader(DatabaseUrl.parse(empty_url))
    try:
        row = conn.execute(
            db.query("SELECT :word || '%' AS word, 'x' LIKE '%' AS matched, 7::int AS n"),
            {"word": "100"},
        ).fetchone()
    finally:
        conn.close()
    assert row is not None
    assert (row.word, row.matched, row.n) == ("100%", True, 7)


def test_rows_with_repeated_column_names_read_by_position(empty_url: str) -> None:
    conn = db.reader(DatabaseUrl.parse(empty_url))
    try:
        row = conn.execute("SELECT format('%s', 1), format('%s', 2), 3 AS three, 4").fetchone()
    finally:
        conn.close()
    assert row is not None
    assert tuple(row) == ("1", "2", 3, 4)
    assert row.three == 3
