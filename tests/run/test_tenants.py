"""Templates and tenants: rendering, strict ids, and plans that cover every tenant."""

from __future__ import annotations

import json

import psycopg
import pytest

from canon.errors import SourceError
from canon.files.config import load_config
from canon.files.sources import read_schema
from canon.files.templates import render
from canon.files.tenants import resolve
from tests.helpers import TESTS, canon, catalog_snapshot

PROJECTS = TESTS / "projects"
TENANTS = PROJECTS / "tenants" / "schema"


def test_each_tenant_gets_its_own_schema(empty_url: str) -> None:
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(TENANTS))
    assert code == 2, err
    for shop in ("alpha", "beta", "gamma"):
        assert f'create table "shop_{shop}"."orders"' in out
    code, _, err = canon("apply", "--database-url", empty_url, "--schema-dir", str(TENANTS))
    assert code == 0, err
    with psycopg.connect(empty_url) as conn:
        defaults = conn.execute(
            "SELECT table_schema, column_default FROM information_schema.columns "
            "WHERE table_name = 'orders' AND column_name = 'shop_id' ORDER BY 1"
        ).fetchall()
        comment = conn.execute("SELECT obj_description('public.shops'::regclass)").fetchone()
    assert defaults == [
        ("shop_alpha", "'alpha'::text"),
        ("shop_beta", "'beta'::text"),
        ("shop_gamma", "'gamma'::text"),
    ]
    assert comment == ("Shops: alpha, beta, gamma",)
    assert canon("plan", "--database-url", empty_url, "--schema-dir", str(TENANTS))[0] == 0


def test_shared_statements_come_before_tenant_statements() -> None:
    config = load_config(TENANTS)
    source = read_schema(TENANTS, config, resolve(config, None))
    paths = [s.path for s in source.statements]
    assert paths[0].endswith("shops.sql.j2")
    assert next(p for p in paths if "(tenant " in p).endswith("10_orders.sql.j2 (tenant alpha)")


def test_malicious_tenant_id_is_refused(empty_url: str) -> None:
    before = catalog_snapshot(empty_url)
    schema = PROJECTS / "bad_tenant" / "schema"
    code, out, err = canon("apply", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 1
    assert "tenants.txt:2" in err and "refused" in err
    assert out == ""
    assert catalog_snapshot(empty_url) == before


def test_a_tenant_schema_name_past_63_bytes_is_refused(empty_url: str) -> None:
    # PostgreSQL would cut it short, and two tenants could end up in one schema.
    before = catalog_snapshot(empty_url)
    schema = PROJECTS / "long_tenant_schema" / "schema"
    code, _, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 1 and len(err.splitlines()) == 1
    assert "tenants.txt:3: tenant 'globex_international_trading_co'" in err
    assert "is 64 bytes" in err
    assert catalog_snapshot(empty_url) == before


def test_undefined_template_variable_names_file_and_line(empty_url: str) -> None:
    schema = PROJECTS / "bad_template" / "schema"
    code, _, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 1
    assert "t.sql.j2:4" in err and "'currency' is undefined" in err


@pytest.mark.parametrize(
    ("template", "line", "message"),
    [
        ("SELECT 1;\n{% if %}\n", 2, "template syntax error"),
        ("SELECT 1;\nSELECT {{ missing }};\n", 2, "'missing' is undefined"),
    ],
)
def test_template_errors(template: str, line: int, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        render(template, "x.sql.j2", {})
    assert caught.value.line == line
    assert message in str(caught.value)


def test_template_filters_quote() -> None:
    rendered = render(
        "{{ name | ident }} {{ value | literal }}", "x", {"name": 'a"b', "value": "it's"}
    )
    assert rendered == "\"a\"\"b\" 'it''s'"


def test_drift_matrix_and_single_tenant(empty_url: str) -> None:
    assert canon("apply", "--database-url", empty_url, "--schema-dir", str(TENANTS))[0] == 0
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE shop_beta.orders ADD COLUMN note text")

    code, out, _ = canon("drift", "--database-url", empty_url, "--schema-dir", str(TENANTS))
    assert code == 2
    matrix = [
        line.split() for line in out.splitlines() if line.startswith(("alpha", "beta", "gamma"))
    ]
    assert matrix == [["alpha", "ok", "0"], ["beta", "drift", "1"], ["gamma", "ok", "0"]]

    code, out, _ = canon(
        "drift", "--database-url", empty_url, "--schema-dir", str(TENANTS), "--format", "json"
    )
    assert code == 2
    assert json.loads(out)["tenants"]["beta"] == {"drift": True, "statements": 1}

    code, out, _ = canon(
        "drift", "--database-url", empty_url, "--schema-dir", str(TENANTS), "--tenant", "alpha"
    )
    assert code == 0, out
    code, out, _ = canon(
        "drift", "--database-url", empty_url, "--schema-dir", str(TENANTS), "--tenant", "beta"
    )
    assert code == 2 and 'drop column "note"' in out


def test_unknown_tenant_is_refused(empty_url: str) -> None:
    code, _, err = canon(
        "drift", "--database-url", empty_url, "--schema-dir", str(TENANTS), "--tenant", "delta"
    )
    assert code == 1 and "'delta' is not in the tenant list" in err


FANOUT_V1 = PROJECTS / "fanout_v1" / "schema"
FANOUT_V2 = PROJECTS / "fanout_v2" / "schema"


def _fanout_database(url: str) -> None:
    """Three tenants on v1; beta holds a code that cannot become a number."""
    assert canon("apply", "--database-url", url, "--schema-dir", str(FANOUT_V1))[0] == 0
    with psycopg.connect(url, autocommit=True) as conn:
        for shop, code in (("alpha", "1"), ("beta", "not a number"), ("gamma", "3")):
            conn.execute(f"INSERT INTO shop_{shop}.orders VALUES (1, %s)", (code,))


def _numbered(url: str) -> dict[str, bool]:
    """Per tenant schema, whether its orders have the v2 code_number column."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_schema, bool_or(column_name = 'code_number') "
            "FROM information_schema.columns WHERE table_name = 'orders' GROUP BY 1"
        ).fetchall()
    return dict(rows)


def _outcomes(out: str) -> dict[str, str]:
    found = {}
    for line in out.splitlines():
        if line.startswith("tenant "):
            name, _, rest = line[len("tenant ") :].partition(": ")
            found[name] = rest.split(":")[0]
    return found


def test_fan_out_stops_at_the_first_failing_tenant(empty_url: str) -> None:
    _fanout_database(empty_url)
    code, out, err = canon(
        "apply",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(FANOUT_V2),
        "--allow-hazards",
        "all",
        "--concurrency",
        "1",
    )
    assert code == 1, err
    assert _outcomes(out) == {"alpha": "applied", "beta": "failed", "gamma": "skipped"}
    assert "invalid input syntax for type integer" in out
    assert _numbered(empty_url) == {"shop_alpha": True, "shop_beta": False, "shop_gamma": False}


def test_fan_out_continues_on_error_when_asked(empty_url: str) -> None:
    _fanout_database(empty_url)
    code, out, err = canon(
        "apply",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(FANOUT_V2),
        "--allow-hazards",
        "all",
        "--continue-on-error",
        "--canary",
        "gamma",
    )
    assert code == 1, err
    assert _outcomes(out) == {"gamma": "applied", "alpha": "applied", "beta": "failed"}
    assert list(_outcomes(out)) == ["gamma", "alpha", "beta"]  # the canary goes first
    assert _numbered(empty_url) == {"shop_alpha": True, "shop_beta": False, "shop_gamma": True}
    # Applying again converges the tenants that can: only beta is left to fix.
    code, out, _ = canon("drift", "--database-url", empty_url, "--schema-dir", str(FANOUT_V2))
    assert code == 2
    assert [
        line.split()[:2] for line in out.splitlines() if line.startswith(("alpha", "beta", "gamma"))
    ] == [["alpha", "ok"], ["beta", "drift"], ["gamma", "ok"]]


def test_apply_one_tenant(empty_url: str) -> None:
    _fanout_database(empty_url)
    code, out, err = canon(
        "apply",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(FANOUT_V2),
        "--allow-hazards",
        "all",
        "--tenant",
        "gamma",
    )
    assert code == 0, err
    assert _outcomes(out) == {"gamma": "applied"}
    assert _numbered(empty_url)["shop_gamma"] and not _numbered(empty_url)["shop_alpha"]
