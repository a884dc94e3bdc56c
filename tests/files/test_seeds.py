"""Reference data: `canon seed` is idempotent, keeps operator data, and `canon drift` sees it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.helpers import PROJECT, canon

SEEDS = str(PROJECT / "seeds")
SCHEMA = str(PROJECT / "schema")
# The tables seeds/ fills, with the number of rows each file holds.
SEEDED = {"core.platforms": 8, "core.brands": 10, "core.categories": 1, "auth.users": 1}
# Any non-empty string stands for a hash: the CHECK only refuses an empty one.
FAKE_HASH = "$2b$12$" + "x" * 53
# How `canon drift` prints one reference row: table (key): problem [file:line].
SEED_LINE = re.compile(r"seed (\S+) \((.+)\): (missing|differs) \[(.+):(\d+)\]")


def table_contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every seeded row, with xmin: a row rewritten with equal values still gets a new xmin."""
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(
                sql.SQL("SELECT xmin::text, t.* FROM {} t ORDER BY id").format(
                    sql.Identifier(*table.split("."))
                )
            ).fetchall()
            for table in SEEDED
        }


def execute(url: str, statement: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(statement)


def seed(url: str, seeds_dir: str = SEEDS) -> tuple[int, str, str]:
    return canon("seed", "--database-url", url, "--seeds-dir", seeds_dir)


def drift(url: str, *options: str) -> tuple[int, str, str]:
    return canon(
        "drift", "--database-url", url, "--schema-dir", SCHEMA, "--seeds-dir", SEEDS, *options
    )


def test_second_seed_run_changes_nothing(project_url: str) -> None:
    # Start from missing and stale rows, so that the first run has work to do.
    execute(project_url, "DELETE FROM core.brands WHERE slug IN ('vans', 'yeezy')")
    execute(project_url, "UPDATE core.platforms SET name = 'Ebay' WHERE slug = 'ebay'")
    code, out, err = seed(project_url)
    assert code == 0, err
    assert "core.brands: 10 rows in seeds, 2 changed" in out
    assert "core.platforms: 8 rows in seeds, 1 changed" in out

    before = table_contents(project_url)
    code, out, err = seed(project_url)
    assert code == 0, err
    assert table_contents(project_url) == before
    assert out.splitlines() == [
        f"{table}: {n} {'row' if n == 1 else 'rows'} in seeds, 0 changed"
        for table, n in SEEDED.items()
    ]
    assert {table: len(rows) for table, rows in before.items()} == SEEDED


def admin(url: str) -> tuple[Any, ...]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT role::text, is_active, password_hash, can_login FROM auth.users "
            "WHERE username = 'admin'"
        ).fetchone()


def test_admin_cannot_log_in_until_a_password_is_set(project_url: str) -> None:
    assert admin(project_url) == ("admin", True, None, False)

    execute(
        project_url, f"UPDATE auth.users SET password_hash = '{FAKE_HASH}' WHERE username = 'admin'"
    )
    code, _, err = seed(project_url)
    assert code == 0, err
    # A re-seed keeps the hash an operator set.
    assert admin(project_url) == ("admin", True, FAKE_HASH, True)


def test_drift_reports_missing_and_changed_reference_rows(project_url: str) -> None:
    code, out, _ = drift(project_url)
    assert (code, out.startswith("no drift")) == (0, True), out

    execute(project_url, "DELETE FROM core.brands WHERE slug = 'puma'")
    execute(
        project_url, "UPDATE core.platforms SET name = 'eBay Kleinanzeigen' WHERE slug = 'ebay'"
    )

    # Each row is reported with the file and line of the upsert that holds it.
    expected = {
        ("core.brands", "puma", "missing", "20_brands.sql", 3),
        ("core.platforms", "ebay", "differs", "10_platforms.sql", 3),
    }
    code, out, _ = drift(project_url)
    assert code == 2
    lines = [SEED_LINE.fullmatch(line.strip()) for line in out.splitlines() if "seed " in line]
    assert len(lines) == 2 and None not in lines, out
    assert {(*m.group(1, 2, 3), Path(m[4]).name, int(m[5])) for m in lines} == expected

    code, out, _ = drift(project_url, "--format", "json")
    assert code == 2
    document = json.loads(out)
    assert document["drift"] is True and document["differences"] == []
    assert {
        (d["table"], d["key"], d["problem"], Path(d["path"]).name, d["line"])
        for d in document["seed_differences"]
    } == expected

    code, _, err = seed(project_url)
    assert code == 0, err
    assert drift(project_url)[0] == 0


def test_an_operator_password_is_not_drift(project_url: str) -> None:
    # password_hash is not reference data: setting it must not make CI fail.
    execute(
        project_url, f"UPDATE auth.users SET password_hash = '{FAKE_HASH}' WHERE username = 'admin'"
    )
    code, out, _ = drift(project_url)
    assert code == 0, out
    assert FAKE_HASH not in out


UPSERT = """-- A new platform: valid on its own.
INSERT INTO core.platforms (name, slug) VALUES ('Vinted', 'vinted')
ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name;
"""


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO core.platforms (name, slug) VALUES ('Depop', 'depop');",
        "UPDATE core.platforms SET name = 'Depop' WHERE slug = 'ebay';",
        "DELETE FROM core.platforms WHERE slug = 'ebay';",
    ],
    ids=["insert-without-on-conflict", "update", "delete"],
)
def test_a_seed_that_is_not_an_upsert_is_refused(
    project_url: str, tmp_path: Path, statement: str
) -> None:
    (tmp_path / "10_ok.sql").write_text(UPSERT)
    (tmp_path / "20_bad.sql").write_text(f"-- Not an upsert.\n\n{statement}\n")
    before = table_contents(project_url)

    code, out, err = seed(project_url, str(tmp_path))

    assert code == 1
    assert "20_bad.sql:3:" in err
    assert out == ""
    # Refused before anything ran: the valid file was not loaded either.
    assert table_contents(project_url) == before


def test_reference_rows_are_those_of_seed_003(project_db: psycopg.Connection) -> None:
    def names(table: str) -> list[str]:
        query = sql.SQL("SELECT name FROM {}").format(sql.Identifier(*table.split(".")))
        return sorted(name for (name,) in project_db.execute(query))

    assert names("core.platforms") == sorted(
        ["StockX", "eBay", "Kleinanzeigen", "Laced", "GOAT", "Alias", "Restocks", "Wethenew"]
    )
    assert names("core.brands") == sorted(
        [
            "Nike",
            "Adidas",
            "Jordan",
            "New Balance",
            "Asics",
            "Converse",
            "Puma",
            "Reebok",
            "Vans",
            "Yeezy",
        ]
    )
    assert names("core.categories") == ["Sneakers"]
    assert project_db.execute("SELECT username, email FROM auth.users").fetchall() == [
        ("admin", "admin@soleflip.com")
    ]


def test_seed_drift_is_reported_with_schema_drift(project_url: str) -> None:
    # One run shows everything: the schema's differences, and the rows, even those of a
    # table whose columns drifted.
    execute(project_url, "DELETE FROM core.brands WHERE slug = 'puma'")
    execute(project_url, "ALTER TABLE core.platforms DROP COLUMN name")
    code, out, _ = drift(project_url)
    assert code == 2
    assert 'add column "name"' in out
    assert "seed core.brands (puma): missing" in out
    assert "seed core.platforms (*): does not fit the live table" in out
    assert "2 reference rows" in out.splitlines()[0]
