"""Apply into an empty database: the files loaded as they are, checked against the scratch build."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from canon.files.sources import read_schema
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.run.fresh import holds_objects
from tests.apply_cases import query
from tests.helpers import TESTS, canon, catalog_snapshot

PROJECTS = TESTS / "projects"
SHOP = PROJECTS / "fresh_shop" / "schema"


def apply(url: str, schema: Path, *args: str) -> tuple[int, str, str]:
    return canon("apply", "--database-url", url, "--schema-dir", str(schema), *args)


def full_plan(url: str, schema: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """A plan that diffs everything: no shortcut, no record."""
    monkeypatch.setenv("CANON_PLAN_CACHE", "off")
    try:
        return canon("plan", "--database-url", url, "--schema-dir", str(schema))
    finally:
        monkeypatch.delenv("CANON_PLAN_CACHE")


def journal(url: str) -> list[tuple[int, str]]:
    """Per recorded apply: how many steps it had and its SQL."""
    return query(
        url,
        "SELECT count(s.step)::int, a.plan_sql FROM canon.applies a "
        "JOIN canon.apply_steps s ON s.apply_id = a.id GROUP BY a.id ORDER BY a.id",
    )


def test_the_files_load_as_they_are_in_one_step(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = apply(empty_url, SHOP)
    assert code == 0, err
    assert "in 1 step" in err
    [(steps, sql)] = journal(empty_url)
    assert steps == 1
    # The files' own statements ran, not a script generated from them.
    for statement in read_schema(SHOP).statements:
        assert statement.sql in sql
    assert query(empty_url, "SELECT obj_description('shop.orders'::regclass)") == [
        ("One row per order",)
    ]
    assert full_plan(empty_url, SHOP, monkeypatch)[0] == 0


def test_a_database_that_looks_empty_but_is_not_new_takes_the_usual_path(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing was created, but public's comment differs from a new database's: loading
    # the files cannot reach the scratch database's state, so nothing of that commits.
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("COMMENT ON SCHEMA public IS 'ours'")
    code, _, err = apply(empty_url, SHOP)
    assert code == 0, err
    # One apply, planned and run in full: the load left nothing behind.
    [(steps, sql)] = journal(empty_url)
    assert 'create table "shop"."orders"' in sql
    assert "COMMENT ON SCHEMA PUBLIC IS 'STANDARD PUBLIC SCHEMA'" in sql.upper()
    assert full_plan(empty_url, SHOP, monkeypatch)[0] == 0


def test_rows_in_the_files_are_refused_before_anything_runs(empty_url: str) -> None:
    schema = PROJECTS / "fresh_rows" / "schema"
    before = catalog_snapshot(empty_url)
    code, _, err = apply(empty_url, schema)
    assert code == 1
    assert "shop.sql:4" in err and "canon does not manage" in err
    assert catalog_snapshot(empty_url) == before


def test_privileges_in_the_files_still_need_authz_allowed(empty_url: str) -> None:
    schema = PROJECTS / "fresh_grants" / "schema"
    before = catalog_snapshot(empty_url)
    code, _, err = apply(empty_url, schema)
    assert code == 1
    assert "hazards that were not allowed: authz" in err
    assert catalog_snapshot(empty_url) == before
    code, _, err = apply(empty_url, schema, "--allow-hazards", "authz")
    assert code == 0, err
    assert query(empty_url, "SELECT has_table_privilege('public', 'shop.orders', 'SELECT')") == [
        (True,)
    ]
    assert journal(empty_url)[0][0] == 1


def test_a_bad_file_names_its_line_and_changes_nothing(empty_url: str) -> None:
    schema = TESTS / "bad_input" / "unknown_type"
    before = catalog_snapshot(empty_url)
    code, out, err = apply(empty_url, schema)
    assert code == 1
    assert "tables.sql:" in err and "no_such_type" in err
    assert out == ""
    assert catalog_snapshot(empty_url) == before


@pytest.mark.parametrize(
    ("setup", "holds"),
    [
        ("", False),
        ("CREATE TEMP TABLE scratchpad (id int)", False),
        ("CREATE SCHEMA canon; CREATE TABLE canon.applies (id int PRIMARY KEY, note text)", False),
        ("CREATE TABLE public.t (id int)", True),
        ("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", True),
        ("CREATE EXTENSION citext", True),
        ("CREATE SCHEMA other", True),
        ("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC", True),
    ],
    ids=["new", "temporary", "canon's own", "table", "function", "extension", "schema", "acl"],
)
def test_what_counts_as_holding_objects(empty_url: str, setup: str, holds: bool) -> None:
    live = DatabaseUrl.parse(empty_url)
    with db.connect(live) as conn:
        if setup:
            conn.execute(setup)
        assert holds_objects(conn) is holds
