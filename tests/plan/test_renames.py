"""Rename hints keep data; a drop and an add without a hint are data loss."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

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


def test_a_renamed_table_keeps_its_keys_indexes_and_sequences(empty_url: str) -> None:
    # Nothing but the table carries a hint: what is named after it follows, never rebuilt,
    # and the rehearsal passes with a foreign key pointing at the table.
    project = PROJECTS / "renamed_table_keys"
    run_sql_file(empty_url, project / "live.sql")
    schema = str(project / "schema")
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", schema)
    assert code == 2, err
    for old, new in [
        ("persons_pkey", "people_pkey"),
        ("persons_email_key", "people_email_key"),
        ("persons_team_id_fkey", "people_team_id_fkey"),
        ("persons_age_check", "people_age_check"),
    ]:
        assert f'RENAME CONSTRAINT "{old}" TO "{new}"' in out
    assert (
        'ALTER INDEX "public"."persons_lower_email_idx" RENAME TO "people_lower_email_idx"' in out
    )
    assert 'ALTER SEQUENCE "public"."persons_id_seq" RENAME TO "people_id_seq"' in out
    assert "drop constraint" not in out.lower() and "drop index" not in out.lower()

    code, _, err = canon(
        "apply", "--allow-hazards", "untracked-dependency", "--database-url", empty_url,
        "--schema-dir", schema,
    )  # fmt: skip
    assert code == 0, err
    with psycopg.connect(empty_url) as conn:
        assert conn.execute("SELECT count(*) FROM public.people").fetchone() == (2,)
        assert conn.execute("SELECT nextval('public.people_id_seq')").fetchone() == (3,)
    code, _, err = canon("drift", "--strict", "--database-url", empty_url, "--schema-dir", schema)
    assert code == 0, err


HINTS = sorted((TESTS / "plan" / "hints").iterdir())


@pytest.mark.parametrize("case", HINTS, ids=[c.name for c in HINTS])
def test_hints_are_read_as_written(case: Path, empty_url: str) -> None:
    # expect.json: {"plan": [text the plan holds]} (then it applies and converges), or
    # {"error": "file:line: message"} for a hint canon cannot follow.
    expected = json.loads((case / "expect.json").read_text())
    run_sql_file(empty_url, case / "live.sql")
    schema = str(case / "schema")
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", schema)
    if "error" in expected:
        assert code == 1 and expected["error"] in err and len(err.splitlines()) == 1, err
        return
    assert code == 2, err
    assert "matches nothing" not in err and "drop " not in out.lower()
    for text in expected["plan"]:
        assert text in out
    code, _, err = canon(
        "apply", "--allow-hazards", "all", "--database-url", empty_url, "--schema-dir", schema
    )
    assert code == 0, err
    code, _, err = canon("drift", "--strict", "--database-url", empty_url, "--schema-dir", schema)
    assert code == 0, err
