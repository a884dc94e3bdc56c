"""The CLI contract: exit codes, output streams, and bad input that changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from pytest_postgresql.executors.noop import NoopExecutor

from canon.pg.cluster import free_port
from canon.pg.dburl import DatabaseUrl
from canon.scratch import host as scratch
from tests.helpers import CASES, TESTS, canon, catalog_snapshot

BAD = TESTS / "bad_input"
GOOD = CASES / "new_schema_and_tables" / "schema"


def test_plan_apply_plan_exit_codes(empty_url: str) -> None:
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(GOOD))
    assert code == 2
    assert out.startswith("-- canon plan")
    assert 'create table "shop"."orders"' in out
    assert "statements" in err

    code, out, err = canon("apply", "--database-url", empty_url, "--schema-dir", str(GOOD))
    assert code == 0, err
    assert out == ""

    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(GOOD))
    assert (code, out) == (0, "")
    assert "no changes" in err


def test_drift_formats(empty_url: str) -> None:
    code, out, _ = canon("drift", "--database-url", empty_url, "--schema-dir", str(GOOD))
    assert code == 2
    assert out.startswith("drift:")

    code, out, _ = canon(
        "drift", "--database-url", empty_url, "--schema-dir", str(GOOD), "--format", "json"
    )
    document = json.loads(out)
    assert code == 2
    assert document["format_version"] == 1 and document["drift"] is True
    assert any("shop" in d["sql"] for d in document["differences"])
    # Each difference names its object and where the files declare it.
    assert all(d["object"] and d["file"] and d["line"] for d in document["differences"])

    code, out, _ = canon(
        "drift", "--database-url", empty_url, "--schema-dir", str(GOOD), "--format", "github"
    )
    assert code == 2
    # Every object is declared in the files: each annotation points at its file and line.
    schema_file = str((GOOD / "shop.sql").relative_to(Path.cwd()))
    assert all(
        line.startswith(f"::error file={schema_file},line=") and "title=canon drift::" in line
        for line in out.splitlines()
    ), out

    code, _, err = canon("apply", "--database-url", empty_url, "--schema-dir", str(GOOD))
    assert code == 0, err
    code, out, err = canon(
        "drift", "--database-url", empty_url, "--schema-dir", str(GOOD), "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)["drift"] is False


def test_dry_run_changes_nothing(empty_url: str) -> None:
    before = catalog_snapshot(empty_url)
    code, _, err = canon(
        "apply", "--dry-run", "--database-url", empty_url, "--schema-dir", str(GOOD)
    )
    assert code == 0 and "dry run" in err
    assert catalog_snapshot(empty_url) == before


def test_saved_plan_round_trip(empty_url: str, tmp_path: Path) -> None:
    plan_file = tmp_path / "plans" / "first.sql"
    code, out, _ = canon(
        "plan", "--database-url", empty_url, "--schema-dir", str(GOOD), "--out", str(plan_file)
    )
    assert code == 2
    assert plan_file.read_text() == out
    code, _, err = canon(
        "apply", str(plan_file), "--database-url", empty_url, "--schema-dir", str(GOOD)
    )
    assert code == 0, err
    assert canon("plan", "--database-url", empty_url, "--schema-dir", str(GOOD))[0] == 0


def test_stale_plan_is_refused(empty_url: str, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.sql"
    canon("plan", "--database-url", empty_url, "--schema-dir", str(GOOD), "--out", str(plan_file))
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.surprise (id integer)")
    before = catalog_snapshot(empty_url)
    code, _, err = canon(
        "apply", str(plan_file), "--database-url", empty_url, "--schema-dir", str(GOOD)
    )
    assert code == 1
    assert "stale plan" in err
    assert catalog_snapshot(empty_url) == before


@pytest.mark.parametrize(
    "args", [["--bogus"], ["plan", "--no-such-option"], ["nope"], ["drift", "--format", "xml"]]
)
def test_usage_errors_exit_1_not_2(args: list[str]) -> None:
    code, out, err = canon(*args)
    assert code == 1
    assert err.startswith("canon: error:")


@pytest.mark.parametrize(
    ("case", "where", "cause"),
    [
        ("syntax_error", "tables.sql:5", 'syntax error at or near ","'),
        ("unknown_type", "tables.sql:4", 'type "public.no_such_type" does not exist'),
        ("missing_table", "tables.sql:1", 'relation "public.customers" does not exist'),
    ],
)
def test_bad_schema_file_names_file_and_line(
    empty_url: str, case: str, where: str, cause: str
) -> None:
    before = catalog_snapshot(empty_url)
    for command in ("plan", "apply", "drift"):
        code, out, err = canon(
            command, "--database-url", empty_url, "--schema-dir", str(BAD / case)
        )
        assert code == 1, command
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        assert where in lines[0] and cause in lines[0], lines[0]
        assert "SQLSTATE" in lines[0]
    assert catalog_snapshot(empty_url) == before


def test_a_file_that_is_not_utf8_names_its_line(empty_url: str) -> None:
    code, out, err = canon(
        "plan", "--database-url", empty_url, "--schema-dir", str(BAD / "not_utf8")
    )
    assert (code, out) == (1, "")
    assert err.strip().endswith("tables.sql:3: not UTF-8 text (byte 0xe9)")


def test_plan_out_to_a_folder_is_a_one_line_error(empty_url: str, tmp_path: Path) -> None:
    code, out, err = canon(
        "plan", "--database-url", empty_url, "--schema-dir", str(GOOD), "--out", str(tmp_path)
    )
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert f"--out {tmp_path} is a folder" in err and "internal error" not in err


@pytest.mark.parametrize("schema_dir", [BAD / "empty", BAD / "does_not_exist"])
def test_empty_or_missing_schema_dir(empty_url: str, schema_dir: Path) -> None:
    before = catalog_snapshot(empty_url)
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema_dir))
    assert code == 1
    assert str(schema_dir) in err
    assert catalog_snapshot(empty_url) == before


def test_allow_empty_plans_every_drop_with_its_hazards(empty_url: str) -> None:
    code, _, err = canon("apply", "--database-url", empty_url, "--schema-dir", str(GOOD))
    assert code == 0, err
    empty = ["--database-url", empty_url, "--schema-dir", str(BAD / "empty")]
    code, out, err = canon("plan", *empty)
    assert code == 1 and "--allow-empty" in err

    code, out, err = canon("plan", *empty, "--allow-empty")
    assert code == 2, err
    assert 'drop table "shop"."orders"' in out
    assert "-- hazard: data-loss" in out
    code, _, err = canon("drift", *empty, "--allow-empty")
    assert code == 2, err
    code, _, err = canon("apply", *empty, "--allow-empty")
    assert code == 1 and "data-loss" in err

    code, _, err = canon("apply", *empty, "--allow-empty", "--allow-hazards", "all")
    assert code == 0, err
    assert [row for row in catalog_snapshot(empty_url) if row[0] == "shop"] == []
    code, _, err = canon("drift", *empty, "--allow-empty")
    assert code == 0, err


def test_unreachable_server() -> None:
    url = f"postgresql://nobody:hunter2@127.0.0.1:{free_port()}/db"
    code, out, err = canon("plan", "--database-url", url, "--schema-dir", str(GOOD))
    assert code == 1
    assert "cannot connect" in err and "hunter2" not in err and "***" in err


@pytest.fixture
def password_role(pg_server: NoopExecutor, empty_url: str) -> str:
    """A role that must give a password (scram), on the test cluster."""
    import os

    root = Path(os.environ["CANON_HOME"])
    hba = root / "data" / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text("host all pw_user 127.0.0.1/32 scram-sha-256\n" + original)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE pw_user LOGIN PASSWORD 'right-horse-battery'")
        conn.execute("SELECT pg_reload_conf()")
    try:
        yield empty_url.replace("canon@", "pw_user:wrong-Secret-42@")
    finally:
        hba.write_text(original)
        with psycopg.connect(empty_url, autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")
            conn.execute("DROP ROLE pw_user")


def test_wrong_password_is_never_echoed(password_role: str, empty_url: str) -> None:
    before = catalog_snapshot(empty_url)
    for command in ("plan", "apply", "drift"):
        code, out, err = canon(command, "--database-url", password_role, "--schema-dir", str(GOOD))
        assert code == 1
        assert "password authentication failed" in err
        assert "wrong-Secret-42" not in err + out
    assert catalog_snapshot(empty_url) == before


def test_not_a_plan_file(empty_url: str, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sql"
    bogus.write_text("DROP TABLE important;\n")
    before = catalog_snapshot(empty_url)
    code, out, err = canon(
        "apply", str(bogus), "--database-url", empty_url, "--schema-dir", str(GOOD)
    )
    assert code == 1
    assert "not a canon plan file" in err and "notes.sql:1" in err
    assert catalog_snapshot(empty_url) == before


def test_no_scratch_database_left_behind(empty_url: str) -> None:
    canon("plan", "--database-url", empty_url, "--schema-dir", str(GOOD))
    canon("plan", "--database-url", empty_url, "--schema-dir", str(BAD / "unknown_type"))
    host = scratch.template_host(DatabaseUrl.parse(empty_url))
    for url in (empty_url, host.conninfo()):
        with psycopg.connect(url) as conn:
            left = conn.execute(
                "SELECT count(*) FROM pg_database "
                "WHERE datname LIKE 'canon\\_scratch\\_%' OR datname LIKE 'canon\\_build\\_%'"
            ).fetchone()
        assert left == (0,)


def test_the_installed_command_prints_everything_and_exits_with_the_code(empty_url: str) -> None:
    entry = "import sys; sys.argv[0] = 'canon'; from canon.cli.main import main; main()"
    argv = [sys.executable, "-c", entry, "plan", "--database-url", empty_url]
    changes = subprocess.run(
        [*argv, "--schema-dir", str(GOOD)], capture_output=True, text=True, check=False
    )
    assert changes.returncode == 2, changes.stderr
    # All of it: the plan file ends with the hashes of its statements.
    assert changes.stdout.startswith("-- canon plan")
    assert changes.stdout.splitlines()[-1].startswith("-- planned: ")
    assert "statements" in changes.stderr
    bad = subprocess.run(
        [*argv, "--schema-dir", str(BAD / "unknown_type")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "canon: error:" in bad.stderr


def test_a_plan_imports_no_sqlalchemy(empty_url: str) -> None:
    # SQLAlchemy was a third of canon's import time; canon reads catalogs over psycopg.
    entry = (
        "import sys; from canon.cli.main import run; "
        "code = run(sys.argv[1:], sys.stdout, sys.stderr); "
        "print('sqlalchemy' in sys.modules, 'sqlbag' in sys.modules, code, file=sys.stderr)"
    )
    argv = [
        sys.executable,
        "-c",
        entry,
        "plan",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(GOOD),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert done.stderr.strip().endswith("False False 2"), done.stderr
