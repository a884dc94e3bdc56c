"""Owners: compared where the files declare them (statement by statement, or by default).

An owner the files declare and live lacks is planned and applied; changed on live later,
it is drift. Objects whose owner the files do not declare are left to whoever owns them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
import pytest

from tests.helpers import TESTS, canon, run_sql_file

CASES = TESTS / "diff" / "owners"
APP, OTHER = "canon_owner_app", "canon_owner_other"


@pytest.fixture
def owners(empty_db: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """The roles the cases name, as the server's own (the files may not create them)."""
    empty_db.autocommit = True
    for role in (APP, OTHER):
        with contextlib.suppress(psycopg.errors.DuplicateObject):
            empty_db.execute(f"CREATE ROLE {role} LOGIN")
    yield empty_db


def owner_of(conn: psycopg.Connection, relation: str) -> str:
    row = conn.execute("SELECT relowner::regrole::text FROM pg_class WHERE oid = %s::regclass",
                       (relation,)).fetchone()  # fmt: skip
    assert row is not None
    return str(row[0])


def test_declared_owners_are_planned_applied_and_drift(
    owners: psycopg.Connection, empty_url: str
) -> None:
    schema = CASES / "declared" / "schema"
    run_sql_file(empty_url, CASES / "declared" / "live.sql")
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 2, err
    assert f"ALTER TABLE public.accounts OWNER TO {APP};" in out
    assert f"ALTER FUNCTION public.account_count() OWNER TO {APP};" in out
    assert "public.notes OWNER" not in out
    code, _, err = canon(
        "apply",
        "--allow-hazards",
        "authz",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
    )
    assert code == 0, err
    assert owner_of(owners, "public.accounts") == APP
    assert owner_of(owners, "billing.invoices") == APP
    code, _, err = canon(
        "drift", "--strict", "--database-url", empty_url, "--schema-dir", str(schema)
    )
    assert code == 0, err

    # Undeclared owners are live's business; declared ones drift.
    owners.execute(f"ALTER TABLE public.notes OWNER TO {OTHER}")
    assert canon("drift", "--database-url", empty_url, "--schema-dir", str(schema))[0] == 0
    owners.execute(f"ALTER TABLE public.accounts OWNER TO {OTHER}")
    code, out, _ = canon("drift", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 2
    assert f"ALTER TABLE public.accounts OWNER TO {APP};" in out


def test_a_default_owner_owns_what_the_files_give_no_owner(
    owners: psycopg.Connection, empty_url: str
) -> None:
    schema = CASES / "by_default" / "schema"
    code, _, err = canon(
        "apply",
        "--allow-hazards",
        "authz",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
    )
    assert code == 0, err
    assert owner_of(owners, "shop.orders") == APP
    assert owner_of(owners, "shop.orders_id_seq") == APP  # follows its table
    assert owner_of(owners, "shop.paid") == APP
    assert owner_of(owners, "shop.audit") == OTHER
    row = owners.execute(
        "SELECT typowner::regrole::text FROM pg_type WHERE oid = 'shop.status'::regtype"
    )
    assert row.fetchone() == (APP,)
    row = owners.execute("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'shop'")
    assert row.fetchone() == (APP,)
    code, _, err = canon(
        "drift", "--strict", "--database-url", empty_url, "--schema-dir", str(schema)
    )
    assert code == 0, err


def test_applying_as_the_declared_owner_needs_no_owner_change(
    owners: psycopg.Connection, empty_url: str
) -> None:
    # The plan runs as the owner, so it owns what it creates; its rehearsal must agree.
    owners.execute(f"ALTER DATABASE {owners.info.dbname} OWNER TO {APP}")
    as_app = empty_url.replace("canon@", f"{APP}@", 1)
    schema = CASES / "declared" / "schema"
    code, out, err = canon("plan", "--database-url", as_app, "--schema-dir", str(schema))
    assert code == 2, err
    assert "OWNER TO" not in out, out
    code, _, err = canon("apply", "--database-url", as_app, "--schema-dir", str(schema))
    assert code == 0, err
    code, out, err = canon(
        "drift", "--strict", "--database-url", as_app, "--schema-dir", str(schema)
    )
    assert code == 0, out + err
