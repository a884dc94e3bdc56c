"""The object-kind contract: every kind registered once, each with SQL that runs."""

from __future__ import annotations

import importlib
import pkgutil

import psycopg
import pytest

from canon.diff import catalog, fingerprint, kinds
from canon.diff.kind import Kind
from canon.diff.kinds import REGISTRY
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.db import query

PARAMS = {"excluded": sorted(EXCLUDED_SCHEMAS)}


def test_every_kind_module_is_registered_once() -> None:
    modules = {m.name for m in pkgutil.iter_modules(kinds.__path__)}
    registered = [kind.name for kind in REGISTRY]
    assert len(registered) == len(set(registered))
    declared = {importlib.import_module(f"canon.diff.kinds.{m}").KIND for m in modules}
    assert declared == set(REGISTRY)


@pytest.mark.parametrize("kind", REGISTRY, ids=[k.name for k in REGISTRY])
def test_every_kind_declares_its_fingerprint_and_signature(kind: Kind) -> None:
    assert "SELECT" in kind.fingerprint.upper() and "item" in kind.fingerprint
    assert "SELECT" in kind.signature.upper()
    assert kind.fingerprint.strip() in fingerprint.FINGERPRINT_QUERY
    assert kind.signature.strip() in catalog.SIGNATURE_QUERY


@pytest.mark.parametrize("kind", REGISTRY, ids=[k.name for k in REGISTRY])
def test_every_kinds_sql_runs_on_its_own(kind: Kind, empty_db: psycopg.Connection) -> None:
    # Each fragment, with the CTEs it may use, must run: a broken one would break every plan.
    items = (
        f"WITH {fingerprint.MANAGED_SCHEMAS.strip()} SELECT count(*) FROM ({kind.fingerprint}) f"
    )
    empty_db.execute(query(items), PARAMS)
    prelude = catalog.SIGNATURE_QUERY[: catalog.SIGNATURE_QUERY.index(")\nSELECT") + 1]
    rows = empty_db.execute(query(f"{prelude} SELECT count(*) FROM ({kind.signature}) s"), PARAMS)
    assert rows.fetchone() is not None
