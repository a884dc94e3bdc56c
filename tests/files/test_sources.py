"""Reading schema files: statements split with their lines, as PostgreSQL will run them."""

from __future__ import annotations

from canon.files.sources import schema_statements, split_statements

CONCURRENT = """-- indexes, é
CREATE TABLE t (a int, b text);
CREATE /* ü */ UNIQUE INDEX  CONCURRENTLY IF NOT EXISTS t_a ON t (a);
create index concurrently
    on t (b);
"""


def test_create_index_concurrently_is_read_as_the_index_it_declares() -> None:
    table, unique, plain = schema_statements(CONCURRENT, "indexes.sql")
    assert "CONCURRENTLY" not in unique.sql.upper() and "concurrently" not in plain.sql
    assert unique.sql.startswith("CREATE /* ü */ UNIQUE INDEX ")
    assert unique.sql.endswith("IF NOT EXISTS t_a ON t (a)")
    # Blanked, not removed: positions in the statement, and so lines, stay where they were.
    assert len(unique.sql) == len(
        "CREATE /* ü */ UNIQUE INDEX  CONCURRENTLY IF NOT EXISTS t_a ON t (a)"
    )
    assert (table.line, unique.line, plain.line) == (2, 3, 4)
    assert plain.line_of(plain.sql.index("t (b)") + 1) == 5


def test_other_statements_keep_the_word() -> None:
    (comment,) = schema_statements("COMMENT ON TABLE t IS 'built concurrently';", "c.sql")
    assert comment.sql == "COMMENT ON TABLE t IS 'built concurrently'"


def test_plans_keep_concurrently() -> None:
    # A plan's CONCURRENTLY is how canon builds the index: reading a plan file back
    # must not turn it into a build that blocks writes.
    _, unique, plain = split_statements(CONCURRENT, "plan.sql")
    assert "CONCURRENTLY IF NOT EXISTS" in unique.sql and plain.sql.startswith(
        "create index concurrently"
    )
