"""Convergence scenarios, read from tests/cases/<name>/.

Each case holds ``live.sql`` (the live database before) and ``schema/`` (the files).
Forward: live.sql is loaded, then plan (exit 2) → apply → plan (exit 0, empty).
Reverse: schema/ is loaded as the live database and live.sql is the schema file.
An optional ``expect.json`` says ``{"forward": "refuse", "reverse": "refuse",
"refusal": "text the message must hold"}`` for changes canon must refuse cleanly.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from canon.scratch import load_statements
from canon.sources import read_schema

from .helpers import CASES, canon, catalog_snapshot

CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "schema").is_dir())


def _expectations(case: Path) -> dict[str, str]:
    path = case / "expect.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _load(url: str, source: Path) -> None:
    statements = read_schema(source).statements
    with psycopg.connect(url) as conn:
        load_statements(conn, statements)


def _has_statements(path: Path) -> bool:
    try:
        return bool(read_schema(path).statements)
    except Exception:
        return False


def check_direction(url: str, live: Path, files: Path, expected: str, refusal: str) -> None:
    if _has_statements(live):
        _load(url, live)
    before = catalog_snapshot(url)
    code, out, err = canon("plan", "--database-url", url, "--schema-dir", str(files))
    assert code in (0, 2), err
    code, _, err = canon("apply", "--database-url", url, "--schema-dir", str(files),
                         "--allow-hazards", "all")
    if expected == "refuse":
        assert code == 1, "expected a refusal"
        assert refusal in err, err
        assert catalog_snapshot(url) == before, "a refused apply changed the database"
        return
    assert code == 0, f"apply failed:\n{err}\nplan was:\n{out}"
    code, out, err = canon("plan", "--database-url", url, "--schema-dir", str(files))
    assert (code, out) == (0, ""), f"did not converge:\n{out}{err}"


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_forward(case: Path, empty_url: str) -> None:
    expect = _expectations(case)
    check_direction(empty_url, case / "live.sql", case / "schema",
                    expect.get("forward", "converge"), expect.get("refusal", ""))


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_reverse(case: Path, empty_url: str) -> None:
    if not _has_statements(case / "live.sql"):
        pytest.skip("live.sql is empty: the reverse direction has no schema files")
    expect = _expectations(case)
    check_direction(empty_url, case / "schema", case / "live.sql",
                    expect.get("reverse", "converge"), expect.get("refusal", ""))
