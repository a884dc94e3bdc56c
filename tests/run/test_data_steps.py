"""A reviewed plan edited by hand (a backfill) runs as written and is recorded as such."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from tests.helpers import TESTS, canon, run_sql_file

PROJECT = TESTS / "projects" / "backfill"
SCHEMA = str(PROJECT / "schema")


def _with_backfill(plan_text: str) -> str:
    """The plan with its one-shot NOT NULL column replaced by add, backfill, set not null."""
    planned = 'alter table "public"."accounts" add column "status" text not null;'
    assert planned in plan_text, plan_text
    return plan_text.replace(planned, (PROJECT / "backfill.sql").read_text().strip())


def test_backfill_added_to_a_saved_plan(empty_url: str, tmp_path: Path) -> None:
    run_sql_file(empty_url, PROJECT / "live.sql")
    plan_file = tmp_path / "add-status.sql"
    code, out, err = canon(
        "plan", "--database-url", empty_url, "--schema-dir", SCHEMA, "--out", str(plan_file)
    )
    assert code == 2, err

    # As planned, the statement cannot succeed on rows that exist: it is refused up front.
    code, _, err = canon(
        "apply",
        str(plan_file),
        "--database-url",
        empty_url,
        "--schema-dir",
        SCHEMA,
        "--allow-hazards",
        "all",
    )
    assert code == 1 and "refused" in err

    plan_file.write_text(_with_backfill(plan_file.read_text()))
    code, _, err = canon(
        "apply", str(plan_file), "--database-url", empty_url, "--schema-dir", SCHEMA
    )
    assert code == 1 and "data-loss" in err  # the UPDATE is a hazard the reviewer must allow
    code, _, err = canon(
        "apply",
        str(plan_file),
        "--database-url",
        empty_url,
        "--schema-dir",
        SCHEMA,
        "--allow-hazards",
        "all",
    )
    assert code == 0, err

    with psycopg.connect(empty_url) as conn:
        rows = conn.execute("SELECT id, status FROM public.accounts ORDER BY id").fetchall()
    assert rows == [(1, "active"), (2, "active")]
    assert canon("drift", "--database-url", empty_url, "--schema-dir", SCHEMA)[0] == 0

    code, out, _ = canon("history", "--database-url", empty_url, "--format", "json")
    assert code == 0
    recorded = json.loads(out)["applies"][0]["plan_sql"]
    lines = recorded.splitlines()
    marked = [lines[i + 1] for i, line in enumerate(lines) if line == "-- added by hand"]
    assert marked == [
        'alter table "public"."accounts" add column "status" text;',
        "UPDATE public.accounts SET status = 'active' WHERE status IS NULL;",
        'alter table "public"."accounts" alter column "status" set not null;',
    ]
