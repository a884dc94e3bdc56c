"""Keys between steps, on the plan itself: what plan/keys.py arranges, step by step.

The convergence corpus checks the rule on every scenario by replaying applies
(tests/keys.py); here the shape of one plan is pinned down: tests/cases/keys_replaced_across_steps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from canon.plan.planfile import read_plan_file
from tests.helpers import CASES, canon, run_sql_file

CASE = CASES / "keys_replaced_across_steps"


@pytest.fixture
def steps(empty_url: str, tmp_path: Path) -> list[list[str]]:
    run_sql_file(empty_url, CASE / "live.sql")
    plan_file = tmp_path / "plan.sql"
    code, _, err = canon(
        "plan",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(CASE / "schema"),
        "--out",
        str(plan_file),
    )
    assert code == 2, err
    return [list(step.statements) for step in read_plan_file(plan_file).steps]


def _step_of(steps: list[list[str]], text: str) -> int:
    found = [n for n, step in enumerate(steps) for sql in step if text in sql]
    assert len(found) == 1, f"{text!r} in steps {found}"
    return found[0]


def test_a_dropped_table_goes_in_one_drop_table(steps: list[list[str]]) -> None:
    statements = [sql for step in steps for sql in step]
    assert 'drop table "s"."b"' in statements
    assert not [sql for sql in statements if "b_pkey" in sql or "b_x" in sql]


def test_a_replaced_primary_key_is_built_first_then_swapped_in_one_transaction(
    steps: list[list[str]],
) -> None:
    built = _step_of(steps, "CREATE UNIQUE INDEX CONCURRENTLY a_pkey_ccnew ON s.a (id, n)")
    swapped = _step_of(steps, 'drop constraint "a_pkey"')
    assert swapped > built
    assert _step_of(steps, "PRIMARY KEY USING INDEX a_pkey_ccnew") == swapped
    # The unique constraint replaced by a unique index goes once the index is built.
    assert _step_of(steps, 'drop constraint "a_code_key"') > _step_of(
        steps, "CREATE UNIQUE INDEX CONCURRENTLY a_code_key2"
    )


def test_a_unique_index_replaced_under_its_own_name(steps: list[list[str]]) -> None:
    built = _step_of(steps, "CREATE UNIQUE INDEX CONCURRENTLY d_sku_ccnew ON s.d")
    dropped = _step_of(steps, "DROP INDEX CONCURRENTLY IF EXISTS s.d_sku")
    renamed = _step_of(steps, 'ALTER INDEX "s"."d_sku_ccnew" RENAME TO "d_sku"')
    assert built < dropped < renamed


def test_a_new_table_has_its_key_from_the_step_that_creates_it(steps: list[list[str]]) -> None:
    created = _step_of(steps, 'create table "s"."e"')
    assert _step_of(steps, 'add constraint "e_pkey" PRIMARY KEY') == created


def test_a_unique_index_the_plan_recreates_is_rebuilt_in_the_same_transaction(
    empty_url: str, tmp_path: Path
) -> None:
    # Its function changes result type: the index must be gone before the function is
    # dropped, so it cannot wait for a concurrent build under a temporary name.
    case = CASES / "function_result_changed_used_by_index_view_policy"
    run_sql_file(empty_url, case / "live.sql")
    plan_file = tmp_path / "plan.sql"
    code, _, err = canon(
        "plan",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(case / "schema"),
        "--out",
        str(plan_file),
    )
    assert code == 2, err
    steps = [list(step.statements) for step in read_plan_file(plan_file).steps]
    assert len(steps) == 1
    statements = steps[0]
    dropped = statements.index("DROP INDEX public.users_email_norm")
    built = [i for i, sql in enumerate(statements) if "CREATE UNIQUE INDEX users_email_norm" in sql]
    function_dropped = next(i for i, sql in enumerate(statements) if "DROP FUNCTION" in sql)
    assert dropped < function_dropped < built[0]
    assert not [sql for sql in statements if "_ccnew" in sql]
