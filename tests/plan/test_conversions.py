"""No silent data change: a type change that would alter or reject values is refused up front.

Each case in ``conversions/`` holds ``live.sql`` (a table and its rows), ``schema/`` (the
same table with another column type) and ``expect.json``: ``{"refused": "what the refusal
says"}``, or ``{}`` for a change that keeps every value. Refusals hold even under
``--allow-hazards all`` and leave the database as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.helpers import TESTS, canon, catalog_snapshot, run_sql_file

CASES = sorted((TESTS / "plan" / "conversions").iterdir())


def rows(url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        table = conn.execute(
            "SELECT c.oid::regclass::text FROM pg_class c WHERE c.relkind = 'r' "
            "AND c.relnamespace = 'public'::regnamespace"
        ).fetchone()
        assert table is not None
        return [tuple(r) for r in conn.execute(f"SELECT * FROM {table[0]} ORDER BY 1")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_type_changes_keep_every_value_or_are_refused(case: Path, empty_url: str) -> None:
    run_sql_file(empty_url, case / "live.sql")
    expected = json.loads((case / "expect.json").read_text())
    schema = str(case / "schema")
    before, values = catalog_snapshot(empty_url), rows(empty_url)
    code, out, err = canon(
        "apply", "--allow-hazards", "all", "--database-url", empty_url, "--schema-dir", schema
    )
    if "refused" in expected:
        assert code == 1, out + err
        assert "error: refused: " in err and expected["refused"] in err
        assert catalog_snapshot(empty_url) == before and rows(empty_url) == values
        # The plan shows it beside the statement, before anyone applies it.
        code, out, _ = canon("plan", "--database-url", empty_url, "--schema-dir", schema)
        assert code == 2 and expected["refused"] in out
    else:
        assert code == 0, err
        assert len(rows(empty_url)) == len(values)


def test_a_cut_string_fails_the_statement_instead_of_being_cut(empty_url: str) -> None:
    # Between the count and the run a longer value may arrive: the step itself must fail.
    case = TESTS / "plan" / "conversions" / "varchar_narrowed"
    run_sql_file(empty_url, case / "live.sql")
    code, out, _ = canon("plan", "--database-url", empty_url, "--schema-dir", str(case / "schema"))
    assert code == 2
    changed = [line for line in out.splitlines() if "set data type" in line]
    assert changed and all("using" not in line.lower() for line in changed), changed
