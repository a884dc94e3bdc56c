"""History of applies in canon.applies, and rolling back by planning to older files (--ref)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.apply_cases import CASES_APPLY, columns, load_case, query
from tests.helpers import TESTS, canon


def test_history_records_success_and_failure(empty_url: str) -> None:
    code, out, _ = canon("history", "--database-url", empty_url)
    assert (code, out) == (0, "no applies recorded\n")

    schema = load_case(empty_url, "multi_step_failure")
    assert (
        canon(
            "apply",
            "--database-url",
            empty_url,
            "--schema-dir",
            str(schema),
            "--allow-hazards",
            "all",
        )[0]
        == 1
    )
    query(empty_url, "UPDATE shop.orders SET code = '7' WHERE code = 'B-7'")
    code, _, err = canon(
        "apply", "--database-url", empty_url, "--schema-dir", str(schema), "--allow-hazards", "all"
    )
    assert code == 0, err

    code, out, _ = canon("history", "--database-url", empty_url, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["format_version"] == 1
    latest, first = document["applies"]
    assert (latest["outcome"], first["outcome"]) == ("applied", "failed")
    assert latest["id"] > first["id"]
    for entry in (latest, first):
        assert entry["database_user"] == "canon"
        assert len(entry["plan_hash"]) == 64 and len(entry["schema_digest"]) == 64
        assert entry["started_at"] <= entry["finished_at"]
    assert "B-7" in first["error"]
    assert [s["status"] for s in first["steps"]] == ["done", "failed", "pending"]
    assert "ALTER TABLE" in latest["plan_sql"].upper()
    # The second apply planned from where the first left the database: no index drop.
    assert "DROP INDEX" not in latest["plan_sql"].upper()

    code, out, _ = canon("history", "--database-url", empty_url)
    lines = out.splitlines()
    assert lines[0].startswith(f"#{latest['id']} ") and " applied " in lines[0]
    assert any(" failed " in line for line in lines[1:])


def test_history_schema_is_never_planned_or_dropped(empty_url: str) -> None:
    schema = load_case(empty_url, "drop_column")
    assert (
        canon(
            "apply",
            "--database-url",
            empty_url,
            "--schema-dir",
            str(schema),
            "--allow-hazards",
            "all",
        )[0]
        == 0
    )
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert (code, out) == (0, ""), out + err
    assert query(empty_url, "SELECT count(*) FROM canon.applies") == [(1,)]


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        [
            "git",
            "-c",
            "user.name=canon tests",
            "-c",
            "user.email=tests@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_rollback_is_planning_to_an_older_revision(empty_url: str, tmp_path: Path) -> None:
    repo = tmp_path / "project"
    schema = repo / "schema"
    schema.mkdir(parents=True)
    _git(repo, "init", "-q")
    shutil.copy(CASES_APPLY / "rollback_v1" / "shop.sql", schema / "shop.sql")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "v1")
    shutil.copy(CASES_APPLY / "rollback_v2" / "shop.sql", schema / "shop.sql")
    _git(repo, "commit", "-qam", "v2")
    v1 = _git(repo, "rev-parse", "HEAD~1")

    assert canon("apply", "--database-url", empty_url, "--schema-dir", str(schema))[0] == 0
    assert columns(empty_url, "shop.orders") == ["id", "qty", "gift"]

    plan_file = tmp_path / "rollback.sql"
    code, out, err = canon(
        "plan",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
        "--ref",
        "HEAD~1",
        "--out",
        str(plan_file),
    )
    assert code == 2, err
    assert f"-- schema-ref: {v1}" in out
    assert 'drop column "gift"' in out
    # The saved plan carries its revision: applying it reads the files at that commit.
    code, _, err = canon(
        "apply",
        str(plan_file),
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
        "--allow-hazards",
        "all",
    )
    assert code == 0, err
    assert columns(empty_url, "shop.orders") == ["id", "qty"]
    assert (
        canon("plan", "--database-url", empty_url, "--schema-dir", str(schema), "--ref", v1)[0] == 0
    )

    code, _, err = canon(
        "plan", "--database-url", empty_url, "--schema-dir", str(schema), "--ref", "no-such-rev"
    )
    assert code == 1 and "unknown git revision 'no-such-rev'" in err


def test_a_revision_brings_its_settings_tenants_and_templates(
    empty_url: str, tmp_path: Path
) -> None:
    # Planning to HEAD while the working tree has moved on (a new tenant, a new default)
    # must plan nothing: canon.toml, the tenant list and the templates come from HEAD too.
    repo = tmp_path / "project"
    shutil.copytree(TESTS / "projects" / "tenants", repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "tenants")
    schema = str(repo / "schema")
    assert canon("apply", "--database-url", empty_url, "--schema-dir", schema)[0] == 0

    with (repo / "tenants.txt").open("a") as tenants:
        tenants.write("delta\n")
    config = repo / "canon.toml"
    config.write_text(config.read_text().replace('"EUR"', '"USD"'))
    template = repo / "schema" / "_tenant" / "10_orders.sql.j2"
    template.write_text(template.read_text().replace("total", "grand_total"))
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", schema)
    assert code == 2 and "shop_delta" in out and "USD" in out, err
    code, out, err = canon(
        "plan", "--database-url", empty_url, "--schema-dir", schema, "--ref", "HEAD"
    )
    assert (code, out) == (0, ""), err
