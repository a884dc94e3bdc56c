"""Recreations: only what PostgreSQL forces, named with the reason, and back with all it had.

Convergence of such plans is proved both ways by the corpus (tests/cases/recreated_*,
enum_recreated_*, column_retyped_*); these tests look at what convergence cannot see:
the plan's own words, the objects it leaves alone, owners and rules.
"""

from __future__ import annotations

import json

import psycopg

from canon.files.sources import read_schema
from canon.scratch.loader import load_statements
from tests.apply_cases import load_case, query
from tests.helpers import CASES, canon

ATTACHED = CASES / "recreated_view_keeps_what_is_attached"


def _plan(url: str, schema: str, *args: str) -> tuple[int, str, str]:
    return canon("plan", "--database-url", url, "--schema-dir", schema, *args)


def _load_case_live(url: str) -> None:
    with psycopg.connect(url) as conn:
        load_statements(conn, read_schema(ATTACHED / "live.sql").statements)


def test_the_plan_names_what_it_recreates_and_why(empty_url: str) -> None:
    _load_case_live(empty_url)
    code, out, err = _plan(empty_url, str(ATTACHED / "schema"))
    assert code == 2, err
    lines = out.splitlines()
    reasons = [line for line in lines if line.startswith("-- recreated: ")]
    assert reasons == [
        "-- recreated: view report.item_names (reads shop.item_v, which is recreated)",
        "-- recreated: view shop.item_v (reads shop.item.label, whose type changes from "
        "character varying(20) to character varying(40))",
    ]
    # Each reason stands right above the statement that drops the object, dependents first.
    assert lines[lines.index(reasons[0]) + 1] == "DROP VIEW report.item_names;"
    assert lines[lines.index(reasons[1]) + 1] == "DROP VIEW shop.item_v;"
    # A view over the table that reads no changed column stays as it is.
    assert not any("report.unrelated" in line for line in lines if not line.startswith("COMMENT"))

    code, out, err = _plan(empty_url, str(ATTACHED / "schema"), "--format", "json")
    assert json.loads(out)["recreated"] == [
        {
            "kind": "view",
            "name": "report.item_names",
            "reason": "reads shop.item_v, which is recreated",
        },
        {
            "kind": "view",
            "name": "shop.item_v",
            "reason": "reads shop.item.label, whose type changes from character varying(20) "
            "to character varying(40)",
        },
    ]
    code, out, err = _plan(empty_url, str(ATTACHED / "schema"), "--format", "markdown")
    assert "| Recreated | Why |" in out
    assert "| view report.item_names | reads shop.item_v, which is recreated |" in out


def test_recreated_objects_keep_their_owner(empty_url: str) -> None:
    schema = load_case(empty_url, "recreated_owners")
    code, out, err = _plan(empty_url, str(schema))
    assert code == 2, err
    assert "ALTER VIEW report.sale_regions OWNER TO canon_test_report_owner;" in out
    code, out, err = canon(
        "apply", "--database-url", empty_url, "--schema-dir", str(schema), "--allow-hazards", "all"
    )
    assert code == 0, err
    owners = query(
        empty_url,
        "SELECT 'report.sale_regions'::regclass::text, relowner::regrole::text FROM pg_class "
        "WHERE oid = 'report.sale_regions'::regclass "
        "UNION ALL SELECT 'report.mood', typowner::regrole::text FROM pg_type "
        "WHERE oid = 'report.mood'::regtype "
        "UNION ALL SELECT 'report.region_label', proowner::regrole::text FROM pg_proc "
        "WHERE oid = 'report.region_label(report.mood)'::regprocedure ORDER BY 1",
    )
    assert owners == [
        ("report.mood", "canon_test_report_owner"),
        ("report.region_label", "canon_test_report_owner"),
        ("report.sale_regions", "canon_test_report_owner"),
    ]


def test_rules_in_the_way_come_back_as_live_had_them(empty_url: str) -> None:
    schema = load_case(empty_url, "recreated_rules")
    rules = "SELECT rulename, definition FROM pg_rules WHERE schemaname = 'public' ORDER BY 1"
    before = query(empty_url, rules)
    code, out, err = canon(
        "apply", "--database-url", empty_url, "--schema-dir", str(schema), "--allow-hazards", "all"
    )
    assert code == 0, err
    assert query(empty_url, rules) == before
    assert len(before) == 2
    # The comment on the rule came back with it.
    code, out, err = canon(
        "drift", "--strict", "--database-url", empty_url, "--schema-dir", str(schema)
    )
    assert code == 0, out + err
