"""Slow steps are reported while they run; quick ones say nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from canon.pg.dburl import DatabaseUrl
from canon.plan.steps import Step
from canon.run.progress import Watched
from canon.run.runner import Halted, Quiet, Timeouts, run_steps
from tests.helpers import CASES, canon

SCHEMA = str(CASES / "new_schema_and_tables" / "schema")


def run_watched(url: str, sql: str, slow: float) -> list[str]:
    lines: list[str] = []
    steps = [Step(1, (sql,), transactional=True)]
    run_steps(DatabaseUrl.parse(url), steps, Timeouts(), Watched(Quiet(), lines.append, 1, slow))
    return lines


def test_a_step_running_past_the_threshold_is_reported(empty_url: str) -> None:
    lines = run_watched(empty_url, "SELECT pg_sleep(1.0)", slow=0.2)
    assert lines[0].startswith("step 1 of 1 still running after ")
    assert lines[0].endswith(": SELECT pg_sleep(1.0)")
    assert lines[-1].startswith("step 1 of 1 done after ")


def test_a_quick_step_is_not_reported(empty_url: str) -> None:
    assert run_watched(empty_url, "SELECT 1", slow=5.0) == []


def test_apply_prints_progress_on_stderr(empty_url: str, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.sql"
    code, _, err = canon(
        "plan", "--database-url", empty_url, "--schema-dir", SCHEMA, "--out", str(plan_file)
    )
    assert code == 2, err
    # A reviewer's slow statement (a backfill, say), added at the end of the plan.
    plan_file.write_text(plan_file.read_text() + "\nSELECT pg_sleep(2.5);\n")
    code, out, err = canon(
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
    # The whole plan, the sleep included, is one step of 15 statements here.
    assert "canon: step 1 of 1 still running after 2s: 15 statements\n" in err
    assert "canon: step 1 of 1 done after " in err


def test_a_halted_step_is_no_longer_reported(empty_url: str) -> None:
    lines: list[str] = []
    # The step ends its own session: the run halts, as when an administrator ends it.
    sql = "SELECT pg_sleep(0.5); SELECT pg_terminate_backend(pg_backend_pid())"
    steps = [Step(1, (sql,), transactional=True)]
    watched = Watched(Quiet(), lines.append, 1, slow=0.1, repeat=0.05)
    with pytest.raises(Halted):
        run_steps(DatabaseUrl.parse(empty_url), steps, Timeouts(), watched)
    reported = list(lines)
    time.sleep(0.3)
    assert reported and reported[0].startswith("step 1 of 1 still running after ")
    assert lines == reported, "the watcher went on reporting a step that had halted"
