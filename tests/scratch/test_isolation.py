"""Loading the files is isolated: no setting leaks between files, nothing lands in canon's
schema, and what a DO block makes that canon does not manage (a role, an operator) is refused
without outliving the build."""

from __future__ import annotations

import psycopg
from pytest_postgresql.executors.noop import NoopExecutor

from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from tests.helpers import TESTS, canon

CASES = TESTS / "scratch" / "isolation"


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'canon')"
        )
        return {row[0] for row in rows}


def test_a_files_search_path_ends_with_the_file(empty_url: str) -> None:
    schema = CASES / "search_path_per_file"
    code, _, err = canon("apply", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 0, err
    assert tables(empty_url) == {
        "shop.orders",
        "public.platforms",
        "shop.order_lines",
        "public.brands",
    }
    code, _, err = canon(
        "drift", "--strict", "--database-url", empty_url, "--schema-dir", str(schema)
    )
    assert code == 0, err


def test_a_role_made_by_a_do_block_is_refused_and_does_not_outlive_the_build(
    empty_url: str,
) -> None:
    schema = CASES / "role_in_do_block"
    code, _, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 1
    assert "roles.sql:2: canon does not manage roles (canon_isolation_leak)" in err
    with psycopg.connect(empty_url) as conn:
        found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'canon_isolation_leak'")
        assert found.fetchone() is None
    assert tables(empty_url) == set()


def test_objects_a_do_block_makes_that_canon_does_not_manage_are_refused(empty_url: str) -> None:
    schema = CASES / "operator_in_do_block"
    code, _, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 1
    assert "operators.sql:2: canon does not manage operator public.===(integer,integer)" in err


def test_canons_clusters_keep_sessions_out_of_its_schema(pg_server: NoopExecutor) -> None:
    # psql $(canon dev url) included: the superuser is named canon, like the journal schema.
    url = f"postgresql://{pg_server.user}@{pg_server.host}:{pg_server.port}/postgres"
    with psycopg.connect(url) as conn:
        assert conn.execute("SHOW search_path").fetchone() == ("public",)


def test_canons_sessions_never_resolve_to_a_schema_named_like_their_role(
    empty_db: psycopg.Connection, empty_url: str
) -> None:
    # The default "$user", public would send this role's unqualified names to its schema.
    empty_db.autocommit = True
    empty_db.execute("CREATE ROLE canon_isolation_app LOGIN")
    try:
        empty_db.execute("CREATE SCHEMA canon_isolation_app")
        url = DatabaseUrl.parse(empty_url.replace("canon@", "canon_isolation_app@", 1))
        with db.connect(url) as conn:
            assert conn.execute("SHOW search_path").fetchone() == ("public",)
    finally:
        empty_db.execute("DROP SCHEMA canon_isolation_app")
        empty_db.execute("DROP ROLE canon_isolation_app")
