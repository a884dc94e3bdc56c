"""The daily loop: everyday edits of the project's schema/, applied as a DBA would, both ways.

Each edit of tests/daily/ (see tests/project/daily.py) starts from a copy of the seeds'
database with rows in its tables, then goes forward to the edited files and back. Each
way: ``canon plan --out`` prints a plan, which must recreate exactly what the edit
says; ``canon apply --allow-hazards all`` of that file succeeds; the next plan finds
no changes and ``canon drift --strict`` no drift; no index is left invalid; every view
exists and answers a SELECT after the apply and, walked step by step on a copy, after
each step of the plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import psycopg
import pytest
from pytest_postgresql.executors.noop import NoopExecutor

from canon.pg.dburl import DatabaseUrl
from canon.plan.planfile import read_plan_file
from canon.plan.steps import Step
from canon.run.runner import Quiet, Timeouts, run_steps
from tests.helpers import canon

from .daily import Edit, all_edits, recreated_in

EDITS = all_edits()

# Views and materialized views of the managed schemas, as SELECT wants them named.
VIEWS_QUERY = """
    SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1
"""


def test_there_are_forty_edits_at_least() -> None:
    assert len(EDITS) >= 40


@pytest.mark.corpus
@pytest.mark.parametrize("edit", EDITS, ids=[e.name for e in EDITS])
def test_edit_forward_and_back(edit: Edit, daily_url: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    edit.write(project, "before")
    if edit.starts_elsewhere:
        code, out, err = _canon("apply", daily_url, project, "--allow-hazards", "all")
        assert code == 0, f"the starting state does not apply: {err}"
    if edit.rows is not None:
        with psycopg.connect(daily_url) as conn:
            conn.execute(edit.rows.read_text().encode())
    views_before = _views(daily_url)
    edit.write(project, "after")
    _daily_step(edit, "forward", daily_url, project, tmp_path, views_before)
    views_after = _views(daily_url)
    edit.write(project, "before")
    _daily_step(edit, "back", daily_url, project, tmp_path, views_after)
    assert _views(daily_url) == views_before


def _daily_step(
    edit: Edit, direction: str, url: str, project: Path, tmp_path: Path, views: list[str]
) -> None:
    """Plan, apply the plan as printed, prove nothing is left to do; walk it on a copy."""
    plan_file = tmp_path / f"{direction}.sql"
    code, out, err = _canon("plan", url, project, "--out", str(plan_file))
    assert code == 2, f"{direction}: plan exited {code}: {err}"
    text = plan_file.read_text()
    if direction in edit.recreated:
        assert recreated_in(text) == edit.recreated[direction], f"{direction}:\n{text}"
    steps = read_plan_file(plan_file).steps
    # A copy of the database as it was, to walk the plan on once the views it keeps are known.
    with _copy_of(url, "walk") if len(steps) > 1 else nullcontext("") as copy:
        code, out, err = _canon("apply", url, project, str(plan_file), "--allow-hazards", "all")
        assert code == 0, f"{direction}: apply of the printed plan exited {code}: {err}\n{text}"
        code, out, err = _canon("plan", url, project)
        assert code == 0, f"{direction}: a second plan still finds changes:\n{out}"
        code, out, err = _canon("drift", url, project, "--strict")
        assert code == 0, f"{direction}: drift after apply:\n{out}{err}"
        assert _invalid_indexes(url) == []
        _select_every_view(url)
        if copy:
            _walk(copy, steps, sorted(set(views) & set(_views(url))))


def _canon(command: str, url: str, project: Path, *args: str) -> tuple[int, str, str]:
    return canon(command, "--database-url", url, "--schema-dir", str(project / "schema"), *args)


def _walk(url: str, steps: tuple[Step, ...], kept: list[str]) -> None:
    """Run the steps on ``url``: after each, every view the plan keeps must answer."""

    # Quiet answers the rest of the runner's listener protocol, as it grows.
    class CheckViews(Quiet):
        def step_done(self, step: Step, attempts: int) -> None:
            missing = sorted(set(kept) - set(_views(url)))
            assert not missing, f"after step {step.number} of {len(steps)}, missing: {missing}"
            _select_every_view(url)

    run_steps(DatabaseUrl.parse(url), steps, Timeouts(), CheckViews())


@contextmanager
def _copy_of(url: str, suffix: str) -> Iterator[str]:
    """A database cloned from ``url`` (nobody may be connected to it), dropped on exit."""
    server, source = url.rsplit("/", 1)
    name = f"{source}_{suffix}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _views(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute(VIEWS_QUERY)]


def _select_every_view(url: str) -> None:
    with psycopg.connect(url) as conn:
        for (view,) in conn.execute(VIEWS_QUERY).fetchall():
            conn.execute(f"SELECT count(*) FROM {view}")


def _invalid_indexes(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid"
        ).fetchall()
    return [row[0] for row in rows]


@pytest.fixture
def daily_url(daily_proc: NoopExecutor) -> Iterator[str]:
    """A database of its own, cloned from the seeds' database with rows (tests/daily/rows.sql)."""
    server = f"postgresql://{daily_proc.user}@{daily_proc.host}:{daily_proc.port}"
    with _copy_of(f"{server}/{daily_proc.template_dbname}", "edit") as url:
        yield url
