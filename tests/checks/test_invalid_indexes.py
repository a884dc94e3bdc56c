"""An index left invalid by a failed concurrent build is drift: named, planned away, reported.

The case (tests/cases_apply/invalid_index) wants ``events_ref_idx``; the live database
has it invalid (a unique build on duplicate values failed half-way) and one more invalid
index the files do not have.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.apply_cases import indexes, load_case, query
from tests.helpers import canon


def _fail_builds(url: str) -> None:
    """Two concurrent builds that fail after their catalog entry exists: invalid indexes."""
    with psycopg.connect(url, autocommit=True) as conn:
        for name in ("events_ref_idx", "events_kind_key"):
            column = "ref" if name == "events_ref_idx" else "kind"
            with pytest.raises(psycopg.errors.UniqueViolation):
                conn.execute(f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON shop.events ({column})")


@pytest.fixture
def schema(empty_url: str) -> Path:
    folder = load_case(empty_url, "invalid_index")
    _fail_builds(empty_url)
    assert indexes(empty_url, "shop.events") == {
        "events_kind_key": False,
        "events_pkey": True,
        "events_ref_idx": False,
    }
    return folder


def test_drift_names_invalid_indexes(empty_url: str, schema: Path) -> None:
    code, out, _ = canon("drift", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 2
    assert "DROP INDEX CONCURRENTLY IF EXISTS shop.events_kind_key" in out
    assert "DROP INDEX CONCURRENTLY IF EXISTS shop.events_ref_idx" in out
    assert "CREATE INDEX CONCURRENTLY events_ref_idx ON shop.events (ref)" in out


def test_plan_drops_and_rebuilds_and_says_why(empty_url: str, schema: Path) -> None:
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 2
    drop = out.index("DROP INDEX CONCURRENTLY IF EXISTS shop.events_ref_idx")
    assert out.index("CREATE INDEX CONCURRENTLY events_ref_idx") > drop
    assert 'index "shop"."events_ref_idx" is invalid' in err
    # Dropping an index no query can use is no hazard; rebuilding one is.
    assert "hazards: index-build" in err


def test_verify_reports_invalid_indexes(empty_url: str, schema: Path) -> None:
    code, out, _ = canon(
        "verify", "--database-url", empty_url, "--schema-dir", str(schema), "--format", "json"
    )
    assert code == 2  # a mismatch, as drift reports one
    report = json.loads(out)
    assert report["invalid_indexes"] == ['"shop"."events_kind_key"', '"shop"."events_ref_idx"']
    assert not report["matches"]
    code, out, _ = canon("verify", "--database-url", empty_url, "--schema-dir", str(schema))
    assert 'invalid index: "shop"."events_ref_idx"' in out


def test_apply_repairs_them(empty_url: str, schema: Path) -> None:
    code, _, err = canon(
        "apply",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
        "--allow-hazards",
        "index-build",
    )
    assert code == 0, err
    assert indexes(empty_url, "shop.events") == {"events_pkey": True, "events_ref_idx": True}
    assert canon("drift", "--database-url", empty_url, "--schema-dir", str(schema))[0] == 0
    assert query(empty_url, "SELECT count(*) FROM pg_index WHERE NOT indisvalid") == [(0,)]
