"""canon export: canonical files that round-trip exactly, on this project and on every scenario side."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from canon.files.sources import read_schema
from canon.pg.backup import without_restrict_lines
from canon.scratch.loader import load_statements
from tests.helpers import canon, catalog_snapshot
from tests.scenario import case_dirs, create_roles, directions, has_statements

SIDES = [
    pytest.param(side, id=f"{case.name}-{name}")
    for case in case_dirs()
    for name, side in (("live", case / "live.sql"), ("target", case / "schema"))
]


def export(url: str, folder: Path, *extra: str) -> dict[str, bytes]:
    code, out, err = canon("export", "--database-url", url, "--schema-dir", str(folder), *extra)
    assert code == 0, err
    assert out == ""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.sql"))}


def assert_round_trip(url: str, folder: Path) -> None:
    """Right after an export, plan finds nothing and drift --strict passes."""
    code, out, err = canon("plan", "--database-url", url, "--schema-dir", str(folder))
    assert (code, out) == (0, ""), f"plan after export:\n{out}{err}"
    code, out, err = canon("drift", "--strict", "--database-url", url, "--schema-dir", str(folder))
    assert code == 0, f"drift after export:\n{out}{err}"


def test_this_projects_database_round_trips(project_url: str, cwd_tmp: Path) -> None:
    files = export(project_url, cwd_tmp / "schema")
    assert_round_trip(project_url, cwd_tmp / "schema")
    assert "products/30_tables.sql" in files
    tables = files["products/30_tables.sql"].decode()
    # One column per line, constraints named inside the table's own statement.
    assert "CREATE TABLE products.inventory (\n    id uuid" in tables
    assert "    CONSTRAINT inventory_pkey PRIMARY KEY (id)," in tables
    assert "canon" not in {name.split("/")[0] for name in files}


def test_export_twice_gives_the_same_bytes(project_url: str, cwd_tmp: Path) -> None:
    first = export(project_url, cwd_tmp / "one")
    second = export(project_url, cwd_tmp / "two")
    assert first == second


def test_export_refuses_to_overwrite_without_force(project_url: str, cwd_tmp: Path) -> None:
    folder = cwd_tmp / "schema"
    (folder / "shop").mkdir(parents=True)
    (folder / "shop" / "keep.sql").write_text("CREATE SCHEMA shop;\n")
    (folder / "empty.sql").write_text("")
    code, out, err = canon("export", "--database-url", project_url, "--schema-dir", str(folder))
    assert code == 1
    assert "keep.sql" in err and "--force" in err
    assert sorted(p.name for p in folder.rglob("*")) == ["empty.sql", "keep.sql", "shop"]

    code, out, err = canon(
        "export", "--database-url", project_url, "--schema-dir", str(folder), "--force"
    )
    assert code == 0, err
    assert "1 other schema files" in err and "keep.sql" in err


def test_extensions_are_recorded_not_their_objects(empty_url: str, cwd_tmp: Path) -> None:
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA ext")
        conn.execute("CREATE EXTENSION citext WITH SCHEMA ext")
        conn.execute("CREATE TABLE public.people (id bigint PRIMARY KEY, email ext.citext)")
    files = export(empty_url, cwd_tmp / "schema")
    schema_file = files["ext/00_schema.sql"].decode()
    assert "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA ext;" in schema_file
    assert not any(b"citext_cmp" in text for text in files.values())
    assert_round_trip(empty_url, cwd_tmp / "schema")


def test_restrict_lines_of_pg_dump_are_dropped() -> None:
    script = "\\restrict abc\nCREATE TABLE t (x int);\n\\unrestrict abc\n"
    assert without_restrict_lines(script) == "CREATE TABLE t (x int);\n"
    # Lines that merely look alike (another key) are data, and stay.
    body = "\\restrict abc\nSELECT '\n\\restrict xyz\n';\n\\unrestrict abc\n"
    assert without_restrict_lines(body) == "SELECT '\n\\restrict xyz\n';\n"


@pytest.mark.corpus
@pytest.mark.parametrize("side", SIDES)
def test_every_scenario_side_round_trips(side: Path, empty_url: str, cwd_tmp: Path) -> None:
    if not has_statements(side):
        pytest.skip("no schema statements on this side")
    # Roles are not schema: a case names those its grants and policies need.
    create_roles(empty_url, directions(side.parent)[0].roles)
    with psycopg.connect(empty_url) as conn:
        load_statements(conn, read_schema(side).statements)
    before = relations(empty_url)
    first = export(empty_url, cwd_tmp / "schema")
    # drift --strict plans as canon plan does and fails on any statement left to run, so
    # one command proves both here (the project's test above runs plan too).
    code, out, err = canon(
        "drift", "--strict", "--database-url", empty_url, "--schema-dir", str(cwd_tmp / "schema")
    )
    assert code == 0, f"drift after export:\n{out}{err}"
    assert export(empty_url, cwd_tmp / "again") == first
    assert relations(empty_url) == before


def relations(url: str) -> list[tuple[object, ...]]:
    # Scratch databases of other tests come and go on the same server: not this database.
    return [row for row in catalog_snapshot(url) if row[0] != "scratch"]
