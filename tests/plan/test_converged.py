"""The convergence record: plan and drift answer from it on any checkout, never for a changed database."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from canon.diff.kinds import REGISTRY
from canon.files.project import resolve_project
from canon.pg.dburl import DatabaseUrl
from canon.plan import shortcut
from tests.apply_cases import load_case, query
from tests.helpers import PROJECT, TESTS, canon

BEHIND = TESTS / "data" / "behind_the_back"
SCHEMA = BEHIND / "schema"
CHANGES = BEHIND / "changes"
TENANTS = TESTS / "projects" / "tenants" / "schema"


@pytest.fixture(autouse=True)
def fresh_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No local plan cache, as in CI: only the record on live can answer."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("CANON_CACHE_DIR", str(cache))
    return cache


def probe(url: str, schema: Path) -> shortcut.Probe:
    live = DatabaseUrl.parse(url)
    found = shortcut.check(live, resolve_project(schema, live), local=False)
    assert found is not None
    return found


def apply_base(url: str) -> None:
    code, _, err = canon(
        "apply", "--database-url", url, "--schema-dir", str(SCHEMA), "--allow-hazards", "authz"
    )
    assert code == 0, err
    assert probe(url, SCHEMA).record is not None


def run(url: str, command: str, schema: Path, *args: str) -> tuple[int, str, str]:
    return canon(command, "--database-url", url, "--schema-dir", str(schema), *args)


def test_plan_and_drift_answer_from_the_record_of_an_apply(
    empty_url: str, fresh_checkout: Path
) -> None:
    apply_base(empty_url)
    code, out, err = run(empty_url, "plan", SCHEMA)
    assert (code, out) == (0, "") and "no changes" in err
    for args in ([], ["--strict"], ["--format", "json"], ["--format", "github"]):
        code, out, err = run(empty_url, "drift", SCHEMA, *args)
        assert code == 0, out + err
    assert '"drift": false' in run(empty_url, "drift", SCHEMA, "--format", "json")[1]
    assert not fresh_checkout.exists()  # nothing was written locally either


def test_every_kind_has_a_change_behind_canons_back() -> None:
    assert {p.stem for p in CHANGES.glob("*.sql")} == {kind.name for kind in REGISTRY}


@pytest.mark.parametrize("kind", [kind.name for kind in REGISTRY])
def test_a_change_behind_canons_back_is_seen(empty_url: str, kind: str) -> None:
    change = CHANGES / f"{kind}.sql"
    assert change.is_file(), f"write a change of a {kind} made behind canon's back in {change}"
    apply_base(empty_url)
    with psycopg.connect(empty_url, autocommit=True) as conn:
        conn.execute(change.read_text())
    assert not probe(empty_url, SCHEMA).hit
    code, out, err = run(empty_url, "drift", SCHEMA, "--strict")
    assert code == 2, out + err


def test_changed_files_miss_the_record(empty_url: str, tmp_path: Path) -> None:
    apply_base(empty_url)
    schema = tmp_path / "schema"
    shutil.copytree(SCHEMA, schema)
    assert probe(empty_url, schema).hit  # the same bytes, from another checkout
    with (schema / "app.sql").open("a") as handle:
        handle.write("CREATE TABLE app.more (id int);\n")
    assert not probe(empty_url, schema).hit
    code, out, _ = run(empty_url, "plan", schema)
    assert code == 2 and '"app"."more"' in out


def test_an_apply_that_plans_records_what_it_reached(empty_url: str) -> None:
    schema = load_case(empty_url, "drop_column")
    assert not probe(empty_url, schema).hit
    code, _, err = run(empty_url, "apply", schema, "--allow-hazards", "data-loss")
    assert code == 0, err
    assert probe(empty_url, schema).record is not None
    assert run(empty_url, "drift", schema, "--strict")[0] == 0


def test_an_apply_to_one_tenant_records_nothing(empty_url: str) -> None:
    assert run(empty_url, "apply", TENANTS)[0] == 0
    for tenant in ("alpha", "beta"):
        query(empty_url, f"ALTER TABLE shop_{tenant}.orders ADD COLUMN extra text")
    code, _, err = run(empty_url, "apply", TENANTS, "--tenant", "alpha", "--allow-hazards", "all")
    assert code == 0, err
    # Alpha matches the files again; beta does not, so the database as a whole does not.
    assert query(empty_url, "SELECT count(*) FROM canon.converged") == [(1,)]
    assert not probe(empty_url, TENANTS).hit
    assert run(empty_url, "drift", TENANTS)[0] == 2


def test_drift_still_compares_reference_rows(project_url: str) -> None:
    schema, seeds = PROJECT / "schema", PROJECT / "seeds"
    assert probe(project_url, schema).record is not None
    query(project_url, "UPDATE core.platforms SET name = 'eBay!' WHERE slug = 'ebay'")
    code, out, _ = run(project_url, "drift", schema, "--seeds-dir", str(seeds))
    assert code == 2 and "seed core.platforms (ebay): differs" in out


@pytest.fixture
def reader(empty_url: str) -> Iterator[str]:
    """A role that can connect and read catalogs, and write nothing."""
    name = f"canon_reader_{secrets.token_hex(4)}"
    query(empty_url, f"CREATE ROLE {name} LOGIN")
    query(empty_url, f"ALTER ROLE {name} SET default_transaction_read_only = on")
    live = DatabaseUrl.parse(empty_url)
    yield f"postgresql://{name}@{live.get('host')}:{live.get('port')}/{live.get('dbname')}"
    query(empty_url, f"DROP ROLE {name}")


def test_a_read_only_role_plans_from_the_record(empty_url: str, reader: str) -> None:
    apply_base(empty_url)
    code, out, err = run(reader, "plan", SCHEMA)
    assert (code, out) == (0, ""), err
    assert "no changes" in err
    assert run(reader, "drift", SCHEMA, "--strict")[0] == 0
