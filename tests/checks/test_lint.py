"""canon lint: each case folder under lint_cases/ holds files and the findings they must give.

A case has ``schema/`` (linted as the schema folder), optionally ``canon.toml`` and
``plan.sql`` (a plan file given on the command line), and ``expected.txt``: one
``file:line: rule`` per finding, in the order canon reports them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import PROJECT, canon

CASES = Path(__file__).parent / "lint_cases"


def lint_case(case: Path, work: Path, *extra: str) -> tuple[int, str, str]:
    shutil.copytree(case, work, dirs_exist_ok=True)
    schema = work / "schema"
    if not schema.is_dir():  # a plan-only case still needs a schema folder to read
        (schema / "empty").mkdir(parents=True)
        (schema / "empty" / "schema.sql").write_text("CREATE SCHEMA empty;\n")
    plans = ["plan.sql"] if (work / "plan.sql").exists() else []
    return canon("lint", "--schema-dir", "schema", *plans, *extra)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_lint_case(case: str, cwd_tmp: Path) -> None:
    code, out, err = lint_case(CASES / case, cwd_tmp, "--format", "json")
    assert err == ""
    document = json.loads(out)
    found = [f"{f['file']}:{f['line']}: {f['rule']}" for f in document["findings"]]
    expected = (CASES / case / "expected.txt").read_text().splitlines()
    assert found == expected
    assert code == (2 if expected else 0)


def test_text_and_github_formats_name_file_and_line(cwd_tmp: Path) -> None:
    code, out, _ = lint_case(CASES / "schema_rules", cwd_tmp)
    assert code == 2
    assert out.splitlines()[0].startswith(
        "schema/shop/10_tables.sql:6: timestamp-without-time-zone: "
    )
    assert out.splitlines()[-1] == "13 findings in 2 schema files"
    code, out, _ = canon("lint", "--schema-dir", "schema", "--format", "github")
    assert code == 2
    assert out.startswith(
        "::error file=schema/shop/10_tables.sql,line=6,title=canon lint timestamp-without-time-zone::"
    )


def test_schema_files_given_narrow_the_findings(cwd_tmp: Path) -> None:
    code, out, _ = lint_case(CASES / "schema_rules", cwd_tmp, "schema/shop/20_views.sql")
    assert code == 2
    assert [line.split(": ")[0] for line in out.splitlines()[:-1]] == [
        "schema/shop/20_views.sql:9",
        "schema/shop/20_views.sql:12",
    ]


def test_a_file_that_is_neither_plan_nor_schema_is_an_error(cwd_tmp: Path) -> None:
    shutil.copytree(CASES / "schema_rules" / "schema", cwd_tmp / "schema")
    (cwd_tmp / "migration.sql").write_text("ALTER TABLE shop.orders ADD COLUMN x int;\n")
    code, out, err = canon("lint", "migration.sql")
    assert (code, out) == (1, "")
    assert "migration.sql is neither a plan file" in err


def test_unknown_rule_in_canon_toml_is_an_error(cwd_tmp: Path) -> None:
    (cwd_tmp / "canon.toml").write_text("[lint]\nno-such-rule = false\n")
    shutil.copytree(CASES / "schema_rules" / "schema", cwd_tmp / "schema")
    code, out, err = canon("lint")
    assert (code, out) == (1, "")
    assert "canon.toml" in err and "no-such-rule" in err


def test_this_projects_schema_lints_clean() -> None:
    code, out, err = canon("lint", "--schema-dir", str(PROJECT / "schema"))
    assert code == 0, out
    assert "0 findings" in out


def test_every_rule_is_listed_with_its_reason() -> None:
    code, out, _ = canon("lint", "--rules")
    assert code == 0
    rules = dict(line.split(None, 1) for line in out.splitlines())
    assert {"fk-without-index", "require-concurrent-index-creation"} <= set(rules)
    assert all(reason.strip() for reason in rules.values())
