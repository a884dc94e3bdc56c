"""Triggers, the latest_prices view and the partial unique SKU index of seed 003."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import psycopg
import pytest
from psycopg import sql

from tests.helpers import TESTS

DATA = TESTS / "data"

DUNK = "10000000-0000-0000-0000-000000000001"
DUNK_STOCKX_9 = "dunk-9-stockx-latest"  # external_id of a price in sneaker_catalog.sql
OLD_STAMP = datetime(2001, 1, 1, tzinfo=UTC)


@pytest.fixture
def conn(project_db: psycopg.Connection) -> psycopg.Connection:
    """The seeded project database plus a small catalogue, sizes, inventory and prices."""
    project_db.execute((DATA / "sneaker_catalog.sql").read_text())
    return project_db


@pytest.mark.parametrize(
    ("table", "row_id", "change"),
    [
        ("products.products", DUNK, "name = 'Dunk Low Retro Panda'"),
        ("products.inventory", "20000000-0000-0000-0000-000000000001", "notes = 'box damaged'"),
    ],
)
def test_updated_at_moves_forward_on_update(
    conn: psycopg.Connection, table: str, row_id: str, change: str
) -> None:
    target = sql.Identifier(*table.split("."))
    stamp = sql.SQL("SELECT updated_at FROM {} WHERE id = %s").format(target)
    assert conn.execute(stamp, (row_id,)).fetchone() == (OLD_STAMP,)

    conn.execute(
        sql.SQL("UPDATE {} SET {} WHERE id = %s").format(target, sql.SQL(change)), (row_id,)
    )

    (updated_at,) = conn.execute(stamp, (row_id,)).fetchone()
    (now,) = conn.execute("SELECT now()").fetchone()
    assert updated_at > OLD_STAMP
    assert updated_at == now  # the trigger stamps the transaction time


def history(conn: psycopg.Connection, external_id: str) -> list[tuple[Decimal | None, Decimal]]:
    return conn.execute(
        """
        SELECT h.old_price, h.price
        FROM integration.price_history h
        JOIN integration.price_sources s ON s.id = h.price_source_id
        WHERE s.external_id = %s
        """,
        (external_id,),
    ).fetchall()


def test_inserting_prices_writes_no_history(conn: psycopg.Connection) -> None:
    # The fixture inserted ten prices.
    assert conn.execute("SELECT count(*) FROM integration.price_sources").fetchone() == (10,)
    assert conn.execute("SELECT count(*) FROM integration.price_history").fetchone() == (0,)


def test_price_change_writes_one_history_row(conn: psycopg.Connection) -> None:
    conn.execute(
        "UPDATE integration.price_sources SET price = 175.50 WHERE external_id = %s",
        (DUNK_STOCKX_9,),
    )
    assert history(conn, DUNK_STOCKX_9) == [(Decimal("150.00"), Decimal("175.50"))]
    # The row also says which product, size and source the price belongs to.
    copied = conn.execute(
        """
        SELECT h.product_id = s.product_id, h.size_id = s.size_id, h.source_type = s.source_type,
               h.price_type = s.price_type, h.condition = s.condition, h.currency = s.currency
        FROM integration.price_history h JOIN integration.price_sources s ON s.id = h.price_source_id
        """
    ).fetchall()
    assert copied == [(True,) * 6]
    assert conn.execute("SELECT count(*) FROM integration.price_history").fetchone() == (1,)


@pytest.mark.parametrize(
    "change",
    ["in_stock = false", "price = price", "price = 150.00, last_updated = now()"],
)
def test_update_without_price_change_writes_no_history(
    conn: psycopg.Connection, change: str
) -> None:
    updated = conn.execute(
        sql.SQL("UPDATE integration.price_sources SET {} WHERE external_id = %s").format(
            sql.SQL(change)
        ),
        (DUNK_STOCKX_9,),
    )
    assert updated.rowcount == 1
    assert history(conn, DUNK_STOCKX_9) == []


def test_each_price_change_is_recorded(conn: psycopg.Connection) -> None:
    for price in ("160", "160", "140"):
        conn.execute(
            "UPDATE integration.price_sources SET price = %s WHERE external_id = %s",
            (price, DUNK_STOCKX_9),
        )
    # One transaction: every row has the same recorded_at, so compare them unordered.
    assert sorted(history(conn, DUNK_STOCKX_9)) == [
        (Decimal("150.00"), Decimal("160.00")),
        (Decimal("160.00"), Decimal("140.00")),
    ]


def latest(conn: psycopg.Connection) -> dict[str, tuple[str | None, str, Decimal]]:
    """external_id -> (size, source, price) of every row integration.latest_prices returns."""
    rows = conn.execute(
        """
        SELECT s.external_id, l.size_value, l.source_type::text, l.price
        FROM integration.latest_prices l
        JOIN integration.price_sources s ON s.id = l.price_source_id
        """
    ).fetchall()
    return {external_id: tuple(rest) for external_id, *rest in rows}


def test_latest_prices_keeps_the_newest_per_product_size_and_source(
    conn: psycopg.Connection,
) -> None:
    # Five groups (product, size, source) among the ten prices; a NULL size is a group too.
    assert latest(conn) == {
        "dunk-9-stockx-latest": ("9", "stockx", Decimal("150.00")),
        "dunk-9-ebay-latest": ("9", "ebay", Decimal("190.00")),
        "dunk-10-stockx-latest": ("10", "stockx", Decimal("210.00")),
        "dunk-any-goat-latest": (None, "goat", Decimal("230.00")),
        "airmax-9-stockx-latest": ("9", "stockx", Decimal("120.00")),
    }


def test_latest_prices_follows_a_newer_report(conn: psycopg.Connection) -> None:
    conn.execute(
        "UPDATE integration.price_sources SET last_updated = '2025-06-01 00:00+00' "
        "WHERE external_id = 'dunk-9-stockx-old'"
    )
    found = latest(conn)
    assert "dunk-9-stockx-old" in found and "dunk-9-stockx-latest" not in found
    assert len(found) == 5


def insert_product(conn: psycopg.Connection, sku: str | None) -> None:
    conn.execute(
        """
        INSERT INTO products.products (sku, name, category_id)
        SELECT %s, 'Test product', id FROM core.categories WHERE slug = 'sneakers'
        """,
        (sku,),
    )


def test_many_products_without_sku(conn: psycopg.Connection) -> None:
    for _ in range(3):
        insert_product(conn, None)
    assert conn.execute("SELECT count(*) FROM products.products WHERE sku IS NULL").fetchone() == (
        4,
    )


def test_duplicate_sku_is_rejected(conn: psycopg.Connection) -> None:
    insert_product(conn, "FQ8080-100")
    for sku in ("FQ8080-100", "DD1391-100"):
        with pytest.raises(psycopg.errors.UniqueViolation) as caught, conn.transaction():
            insert_product(conn, sku)
        assert caught.value.diag.constraint_name == "idx_products_sku_unique"
    # The index only covers rows that have a SKU.
    (definition,) = conn.execute(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_products_sku_unique'"
    ).fetchone()
    assert definition.endswith("(sku) WHERE (sku IS NOT NULL)")
