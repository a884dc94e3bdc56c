"""`canon verify`: the per-schema inventory of the project database, and a mismatch."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import psycopg
import pytest
from pglast import ast, parse_sql
from pglast.enums import ConstrType

from canon.files.config import load_config
from canon.files.sources import read_schema
from canon.files.tenants import resolve as resolve_tenants
from tests.helpers import PROJECT, canon

SCHEMA_DIR = PROJECT / "schema"
SEED_ROWS = {"core.platforms": 8, "core.brands": 10, "core.categories": 1, "auth.users": 1}
KINDS = ("tables", "indexes", "views", "triggers", "types")
# The 13 schemas of the five systems (DESIGN.md); seed 001's tenants add user_<id> schemas.
SYSTEM_SCHEMAS = {
    "aggregator",
    "analytics",
    "auth",
    "core",
    "feed",
    "forecasting",
    "integration",
    "platforms",
    "pricing",
    "products",
    "public",
    "system",
    "transactions",
}
# A reference-data line of the text report: table, rows present / rows in seeds.
SEED_COUNT = re.compile(r"^ +(\S+) +(\d+ / \d+)$", re.MULTILINE)


def _index_backed(node: ast.CreateStmt) -> int:
    """PRIMARY KEY and UNIQUE constraints of a CREATE TABLE: each brings an index."""
    constraints = [e for e in node.tableElts if isinstance(e, ast.Constraint)]
    for column in (e for e in node.tableElts if isinstance(e, ast.ColumnDef)):
        constraints += column.constraints or ()
    return sum(
        c.contype in (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE) for c in constraints
    )


def counts_in_files() -> dict[str, Counter[str]]:
    """What the SQL files create, per PostgreSQL schema, read with PostgreSQL's own parser.

    canon renders the tenant template once per tenant first, as apply does.
    """
    config = load_config(SCHEMA_DIR)
    source = read_schema(SCHEMA_DIR, config, resolve_tenants(config, None))
    found: dict[str, Counter[str]] = {}
    for statement in source.statements:
        node = parse_sql(statement.sql)[0].stmt
        if isinstance(node, ast.CreateSchemaStmt):
            found.setdefault(node.schemaname, Counter())
        elif isinstance(node, ast.CreateStmt):
            found.setdefault(node.relation.schemaname, Counter()).update(
                tables=1, indexes=_index_backed(node)
            )
        elif isinstance(node, ast.IndexStmt):
            found[node.relation.schemaname]["indexes"] += 1
        elif isinstance(node, ast.ViewStmt):
            found[node.view.schemaname]["views"] += 1
        elif isinstance(node, ast.CreateTrigStmt):  # counted with the table it is on
            found[node.relation.schemaname]["triggers"] += 1
        elif isinstance(node, ast.CreateEnumStmt):
            found[node.typeName[0].sval]["types"] += 1
    return found


def verify(url: str, *options: str) -> tuple[int, str, str]:
    return canon(
        "verify",
        "--database-url",
        url,
        "--schema-dir",
        str(SCHEMA_DIR),
        "--seeds-dir",
        str(PROJECT / "seeds"),
        *options,
    )


def tenant_schemas() -> set[str]:
    lines = (PROJECT / "tenants.txt").read_text().splitlines()
    return {f"user_{line.strip()}" for line in lines if line.strip() and not line.startswith("#")}


def test_files_describe_the_systems_and_tenants() -> None:
    # The expectations below are only as good as this reading of the files.
    files = counts_in_files()
    assert set(files) == SYSTEM_SCHEMAS | tenant_schemas()
    assert sum(files[schema]["tables"] for schema in SYSTEM_SCHEMAS) == 62
    assert files["integration"]["triggers"] == 1 and files["products"]["triggers"] == 2
    assert sum(c["views"] for c in files.values()) == 4


def test_verify_reports_each_schema_as_in_the_files(project_url: str) -> None:
    code, out, err = verify(project_url)
    assert code == 0, out + err

    rows = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 6 and all(f.isdigit() for f in fields[1:]):
            rows[fields[0]] = dict(zip(KINDS, map(int, fields[1:]), strict=True))
    expected = {
        schema: {kind: c[kind] for kind in KINDS} for schema, c in counts_in_files().items()
    }
    expected["total"] = {kind: sum(c[kind] for c in expected.values()) for kind in KINDS}
    assert rows == expected
    seeds = dict(SEED_COUNT.findall(out))
    assert seeds == {table: f"{n} / {n}" for table, n in SEED_ROWS.items()}
    assert out.rstrip().endswith(f"ok: {len(expected) - 1} schemas match the files")


def test_verify_json_is_one_document(project_url: str) -> None:
    code, out, _ = verify(project_url, "--format", "json")
    assert code == 0
    document: dict[str, Any] = json.loads(out)  # fails on anything around the document
    assert document["matches"] is True
    assert {s["schema"]: s["tables"] for s in document["schemas"]} == {
        schema: c["tables"] for schema, c in counts_in_files().items()
    }
    assert {s["table"]: (s["expected"], s["present"]) for s in document["seeds"]} == {
        table: (n, n) for table, n in SEED_ROWS.items()
    }
    assert document["schema_differences"] == [] and document["seed_differences"] == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_verify_names_a_dropped_view(
    project_db: psycopg.Connection, project_url: str, fmt: str
) -> None:
    project_db.execute("DROP VIEW analytics.brand_trend_analysis")
    project_db.commit()

    code, out, _ = verify(project_url, "--format", fmt)

    assert code == 2  # a mismatch, as drift says it; 1 is for errors
    if fmt == "json":
        document = json.loads(out)
        assert document["matches"] is False
        analytics = next(s for s in document["schemas"] if s["schema"] == "analytics")
        assert analytics["views"] == counts_in_files()["analytics"]["views"] - 1
        differences = document["schema_differences"]
    else:
        differences = [line for line in out.splitlines() if line.startswith("  schema: ")]
    # The view is to be created again (then commented): every difference is about it.
    assert differences and all(
        "analytics" in d and "brand_trend_analysis" in d for d in differences
    )
    assert any(
        'create or replace view "analytics"."brand_trend_analysis"' in d for d in differences
    )
