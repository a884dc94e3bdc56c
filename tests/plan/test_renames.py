"""Rename hints keep data; a drop and an add without a hint are data loss."""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.helpers import TESTS, canon, run_sql_file

PROJECTS = TESTS / "projects"


def test_hinted_renames_keep_rows(empty_url: str) -> None:
    project = PROJECTS / "renames"
    run_sql_file(empty_url, project / "live.sql")
    schema = str(project / "schema")

    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", schema)
    assert code == 2, err
    assert 'ALTER TABLE "public"."persons" RENAME TO "people"' in out
    assert 'RENAME COLUMN "name" TO "full_name"' in out
    assert "RENAME VALUE 'glad' TO 'happy'" in out
    assert "drop column" not in out.lower()

    code, _, err = canon(
        "apply", "--database-url", empty_url, "--schema-dir", schema, "--allow-hazards", "all"
    )
    assert code == 0, err
    with psycopg.connect(empty_url) as conn:
        people = conn.execute(
            "SELECT id, full_name, nickname FROM public.people ORDER BY id"
        ).fetchall()
        moods = conn.execute("SELECT person_id, mood::text FROM public.moods ORDER BY 1").fetchall()
    assert people == [(1, "Ann", "A"), (2, "Bob", None)]
    assert moods == [(1, "happy"), (2, "sad")]

    # Applied, the hints do nothing: no plan, no warning.
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", schema)
    assert (code, out) == (0, ""), err
    assert "rename hint" not in err


def test_hint_naming_nothing_is_reported(empty_url: str, tmp_path: Path) -> None:
    schema = tmp_path / "schema"
    schema.mkdir()
    (schema / "t.sql").write_text(
        "CREATE TABLE public.t (\n    id integer PRIMARY KEY,\n"
        "    label text -- canon: renamed from title\n);\n"
    )
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.t (id integer PRIMARY KEY)")
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 2
    assert "t.sql:3: rename hint for column 'title' -> 'label' matches nothing" in err


def test_unhinted_drop_and_add_is_refused_as_data_loss(empty_url: str) -> None:
    project = PROJECTS / "unhinted"
    run_sql_file(empty_url, project / "live.sql")
    schema = str(project / "schema")
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", schema)
    assert code == 2
    assert "possible rename of name to full_name" in out
    code, _, err = canon("apply", "--database-url", empty_url, "--schema-dir", schema)
    assert code == 1
    assert "data-loss" in err
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("SELECT name FROM public.persons").fetchall() == [("Ann",)]
