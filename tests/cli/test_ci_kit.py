"""The CI kit runs here as it runs in a pull request: the workflow's commands, the pre-commit hook.

The canon commands are read from .github/workflows/canon.yml (one per ``run:`` line) and
run in order with the environment the workflow sets, against a test database instead of
the workflow's PostgreSQL service, with the base branch taken as HEAD. Between building
the base and planning, an index is dropped from live, so the plan has something to show.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.helpers import PROJECT

WORKFLOW = PROJECT / ".github" / "workflows" / "canon.yml"
HOOKS = PROJECT / ".pre-commit-hooks.yaml"
VENV_CANON = ".venv/bin/canon"


def workflow_commands() -> list[str]:
    """The ``run:`` lines that call canon, in order."""
    runs = re.findall(r"^\s*(?:- )?run: (.+)$", WORKFLOW.read_text(), re.MULTILINE)
    return [run for run in runs if VENV_CANON in run]


def run(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The workflow's .venv/bin/canon is the canon installed beside this interpreter.
    canon = str(Path(sys.executable).parent / "canon")
    return subprocess.run(
        ["bash", "-c", command.replace(VENV_CANON, canon)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_workflow_runs_lint_plan_and_drift() -> None:
    commands = workflow_commands()
    verbs = [c.split(VENV_CANON)[1].split()[0] for c in commands]
    assert verbs == ["lint", "apply", "plan", "apply", "drift"]
    assert "--format markdown" in commands[2] and "GITHUB_STEP_SUMMARY" in commands[2]
    assert "--format github" in commands[4]


def test_the_workflows_commands_pass_here(empty_url: str, tmp_path: Path) -> None:
    git = ["git", "-C", str(PROJECT), "rev-parse", "HEAD"]
    if subprocess.run(git, capture_output=True, check=False).returncode:
        pytest.skip("not a git checkout: the workflow builds the base branch from git")
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "DATABASE_URL": empty_url,
        "BASE_REF": "HEAD",
        "NO_COLOR": "1",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    for number, command in enumerate(workflow_commands()):
        if "plan" in command.split(VENV_CANON)[1].split()[:1]:
            with psycopg.connect(empty_url, autocommit=True) as conn:
                conn.execute("DROP INDEX products.ix_inventory_supplier_id")
        done = run(command, env)
        assert done.returncode == 0, f"step {number + 1}: {command}\n{done.stdout}{done.stderr}"
    text = summary.read_text()
    assert text.startswith("### canon plan: ")
    assert "| Statements | Steps | Hazards | Rows at stake |" in text
    assert "<details><summary>SQL" in text and "ix_inventory_supplier_id" in text


def test_the_pre_commit_hook_lints_the_files_it_is_given() -> None:
    entry = re.search(r"^\s*entry: (.+)$", HOOKS.read_text(), re.MULTILINE)
    assert entry is not None and entry.group(1) == "canon lint"
    canon = Path(sys.executable).parent / "canon"
    done = subprocess.run(
        [str(canon), *entry.group(1).split()[1:], "schema/public/31_models.sql"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
