"""CHECK ranges, UNIQUE constraints and ON DELETE CASCADE of seeds 000, 001 and 002.

Every case inserts one minimal valid row (MINIMAL_ROWS) with one or two columns changed.
Each insert runs in its own savepoint, so a rejected row does not abort the next one, and
accepted rows are rolled back so that they cannot collide with the next value.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.helpers import TESTS

DATA = TESTS / "data"

# Tables whose constraints seeds 000 (aggregator), 001 (brand_groups, models) and 002
# (forecasting) define.
SCOPE_SQL = """
    n.nspname IN ('aggregator', 'forecasting')
    OR (n.nspname = 'public' AND c.relname IN ('brand_groups', 'models'))
"""

# One valid row per table: only the NOT NULL columns without defaults, pointing at the
# parents of tests/data/constraint_parents.sql. Values are strings typed by PostgreSQL.
MINIMAL_ROWS: dict[str, dict[str, Any]] = {
    "aggregator.brands": {"name": "Tyto"},
    "aggregator.dispensaries": {"name": "Minimal", "slug": "minimal"},
    "aggregator.users": {"email": "minimal@example.org"},
    "aggregator.products": {"name": "Minimal product"},
    "aggregator.prices": {"product_id": "prod-1", "dispensary_id": "disp-1", "price": "40.00"},
    "aggregator.reviews": {"product_id": "prod-1", "user_id": "user-1", "rating": "4"},
    "aggregator.promotions": {
        "title": "Medical Monday 15% off",
        "dispensary_id": "disp-1",
        "start_date": "2025-01-06 00:00+00",
    },
    "aggregator.scraper_flags": {
        "original_name": "Blue Dream 3.5 g",
        "brand_name": "Tyto",
        "dispensary_id": "disp-1",
        "confidence_score": "0.75",
    },
    "public.brand_groups": {"brand": "Levi's", "group_name": "jeans", "base_price": "25.00"},
    "public.models": {"brand": "Levi's", "group_name": "jeans", "model": "501"},
    "forecasting.store_clusters": {"cluster_id": "cl-min", "cluster_name": "Rural"},
    "forecasting.stores": {
        "store_id": "S-MIN",
        "store_name": "Minimal store",
        "store_size_sqft": "5000",
        "location_tier": "C",
        "median_income": "40000",
        "store_format": "strip",
        "region": "north",
        "avg_weekly_sales_12mo": "1000",
    },
    "forecasting.categories": {"category_id": "kids_shoes", "category_name": "Kids' shoes"},
    "forecasting.workflows": {"workflow_id": "wf-min"},
    "forecasting.historical_sales": {
        "sale_id": "sale-min",
        "week_start_date": "2025-01-06",
        "category_id": "womens_dresses",
        "store_id": "S001",
        "units_sold": "12",
    },
    "forecasting.weekly_actuals": {
        "workflow_id": "wf-1",
        "week_number": "1",
        "week_start_date": "2025-01-06",
        "week_end_date": "2025-01-12",
        "store_id": "S001",
        "category_id": "womens_dresses",
        "actual_units_sold": "150",
    },
}

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

# Single-column CHECKs: values at each bound are accepted, values just beyond are rejected.
# A bound that is open (> 0) has its first accepted value on the ok side.
CHECK_RANGES: list[tuple[str, str, list[str], list[str]]] = [
    # table, column, accepted, rejected
    ("aggregator.dispensaries", "latitude", ["-90", "90"], ["-90.01", "90.01"]),
    ("aggregator.dispensaries", "longitude", ["-180", "180"], ["-180.01", "180.01"]),
    ("aggregator.products", "normalization_confidence", ["0", "1"], ["-0.01", "1.01"]),
    ("aggregator.products", "strain_type", ["indica", "sativa", "hybrid", "cbd"], ["ruderalis"]),
    ("aggregator.products", "potency_unit", ["percent", "mg"], ["ml"]),
    ("aggregator.products", "thc", ["0"], ["-0.01"]),
    ("aggregator.products", "cbd", ["0"], ["-0.01"]),
    ("aggregator.products", "weight_grams", ["0.01"], ["0", "-1"]),
    ("aggregator.prices", "price", ["0"], ["-0.01"]),
    ("aggregator.prices", "original_price", ["0"], ["-0.01"]),
    ("aggregator.reviews", "rating", ["1", "5"], ["0", "6"]),
    ("aggregator.promotions", "discount_percentage", ["0", "100"], ["-0.01", "100.01"]),
    ("aggregator.promotions", "discount_amount", ["0"], ["-0.01"]),
    ("aggregator.promotions", "recurring_pattern", ["daily", "weekly", "monthly"], ["yearly"]),
    ("aggregator.promotions", "recurring_day", WEEKDAYS, ["weekend"]),
    ("aggregator.scraper_flags", "confidence_score", ["0", "1"], ["-0.01", "1.01"]),
    (
        "aggregator.scraper_flags",
        "status",
        ["pending", "approved", "rejected", "merged"],
        ["resolved"],
    ),
    ("public.brand_groups", "base_price", ["5.00", "500.00"], ["4.99", "500.01"]),
    ("public.brand_groups", "condition_sensitivity", ["0.5", "1.5"], ["0.49", "1.51"]),
    ("public.models", "coefficient", ["0.5", "3.0"], ["0.49", "3.01"]),
    ("forecasting.stores", "store_size_sqft", ["1"], ["0"]),
    ("forecasting.stores", "median_income", ["0"], ["-1"]),
    ("forecasting.stores", "avg_weekly_sales_12mo", ["0"], ["-0.01"]),
    (
        "forecasting.workflows",
        "status",
        ["pending", "running", "completed", "failed", "cancelled"],
        ["paused"],
    ),
    ("forecasting.workflows", "season_length_weeks", ["1"], ["0"]),
    ("forecasting.historical_sales", "units_sold", ["0"], ["-1"]),
    ("forecasting.weekly_actuals", "week_number", ["1"], ["0"]),
    ("forecasting.weekly_actuals", "actual_units_sold", ["0"], ["-1"]),
    ("forecasting.weekly_actuals", "forecast_units_sold", ["0"], ["-1"]),
]

# CHECKs that relate two columns of a row.
CHECK_RULES: list[tuple[str, str, list[dict[str, Any]], list[dict[str, Any]]]] = [
    # table, constraint, accepted rows, rejected rows (changes to the minimal row)
    (
        "aggregator.products",
        "products_master_not_self_check",
        [{"id": "dup-1", "master_product_id": "prod-1", "is_master": "false"}],
        [{"id": "dup-1", "master_product_id": "dup-1"}],
    ),
    (
        "aggregator.promotions",
        "promotions_recurrence_check",
        [{"is_recurring": "true", "recurring_pattern": "weekly"}, {"is_recurring": "false"}],
        [{"is_recurring": "true"}],
    ),
    (
        "aggregator.promotions",
        "promotions_date_order_check",
        [{"end_date": "2025-01-06 00:00+00"}, {"end_date": None}],
        [{"end_date": "2025-01-05 23:59:59+00"}],
    ),
    (
        "forecasting.weekly_actuals",
        "weekly_actuals_week_dates_check",
        [{"week_end_date": "2025-01-06"}],
        [{"week_end_date": "2025-01-05"}],
    ),
]

UNIQUES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    # table, constraint, another value for each key column, a change outside the key
    (
        "aggregator.brands",
        "brands_name_key",
        {"name": "Raw Garden"},
        {"website_url": "https://x.test"},
    ),
    ("aggregator.dispensaries", "dispensaries_slug_key", {"slug": "other"}, {"name": "Other"}),
    (
        "aggregator.users",
        "users_email_key",
        {"email": "other@example.org"},
        {"display_name": "Other"},
    ),
    (
        "aggregator.reviews",
        "reviews_user_product_key",
        {"user_id": "user-2", "product_id": "prod-2"},
        {"rating": "1"},
    ),
    (
        "public.brand_groups",
        "uq_brand_groups_brand_group",
        {"brand": "Wrangler", "group_name": "jackets"},
        {"base_price": "30.00"},
    ),
    (
        "public.models",
        "uq_models_brand_group_model",
        {"brand": "Wrangler", "group_name": "jackets", "model": "505"},
        {"coefficient": "1.4"},
    ),
    (
        "forecasting.store_clusters",
        "store_clusters_cluster_name_key",
        {"cluster_name": "Suburban"},
        {"cluster_id": "cl-other"},
    ),
    (
        "forecasting.categories",
        "categories_category_name_key",
        {"category_name": "Outerwear"},
        {"category_id": "outerwear"},
    ),
    (
        "forecasting.weekly_actuals",
        "unique_workflow_week_store",
        {"workflow_id": "wf-2", "week_number": "2", "store_id": "S002"},
        {"category_id": "mens_shirts", "actual_units_sold": "7"},
    ),
]


@pytest.fixture
def conn(project_db: psycopg.Connection) -> psycopg.Connection:
    """The project database with the parent rows the minimal rows refer to."""
    project_db.execute((DATA / "constraint_parents.sql").read_text())
    return project_db


def insert_statement(table: str, changes: dict[str, Any]) -> tuple[sql.Composed, list[Any]]:
    row = {**MINIMAL_ROWS[table], **changes}
    statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(*table.split(".")),
        sql.SQL(", ").join(map(sql.Identifier, row)),
        sql.SQL(", ").join(sql.Placeholder() * len(row)),
    )
    return statement, list(row.values())


def insert(conn: psycopg.Connection, table: str, changes: dict[str, Any]) -> None:
    """Insert the minimal row of ``table`` with ``changes``, in a savepoint rolled back after."""
    with conn.transaction(force_rollback=True):
        conn.execute(*insert_statement(table, changes))


def insert_kept(conn: psycopg.Connection, table: str, changes: dict[str, Any]) -> None:
    """Insert the minimal row of ``table`` with ``changes`` and keep it."""
    conn.execute(*insert_statement(table, changes))


def rejection(conn: psycopg.Connection, table: str, changes: dict[str, Any]) -> psycopg.Error:
    with pytest.raises(psycopg.errors.IntegrityError) as caught:
        insert(conn, table, changes)
    return caught.value


def constraint_columns(conn: psycopg.Connection, table: str, constraint: str) -> set[str]:
    rows = conn.execute(
        """
        SELECT a.attname
        FROM pg_constraint k
        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
        WHERE k.conrelid = %s::regclass AND k.conname = %s
        """,
        (table, constraint),
    ).fetchall()
    return {name for (name,) in rows}


def scope_constraints(conn: psycopg.Connection, kind: str) -> dict[tuple[str, str], set[str]]:
    """(table, constraint) -> columns, for the constraints of kind 'c' or 'u' in scope."""
    rows = conn.execute(
        f"""
        SELECT n.nspname || '.' || c.relname, k.conname,
               array(SELECT attname FROM pg_attribute
                     WHERE attrelid = c.oid AND attnum = ANY (k.conkey))
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE k.contype = %s AND ({SCOPE_SQL})
        """,
        (kind,),
    ).fetchall()
    return {(table, name): set(columns) for table, name, columns in rows}


@pytest.mark.parametrize(
    ("table", "column", "ok", "bad"), CHECK_RANGES, ids=[f"{c[0]}.{c[1]}" for c in CHECK_RANGES]
)
def test_check_range_bounds(
    conn: psycopg.Connection, table: str, column: str, ok: list[str], bad: list[str]
) -> None:
    for value in ok:
        insert(conn, table, {column: value})
    for value in bad:
        error = rejection(conn, table, {column: value})
        assert error.sqlstate == "23514", (value, error)
        # Rejected by a CHECK on this very column, not by some other rule of the row.
        assert constraint_columns(conn, table, error.diag.constraint_name) == {column}, value


@pytest.mark.parametrize(
    ("table", "constraint", "ok", "bad"), CHECK_RULES, ids=[c[1] for c in CHECK_RULES]
)
def test_check_rules_between_columns(
    conn: psycopg.Connection,
    table: str,
    constraint: str,
    ok: list[dict[str, Any]],
    bad: list[dict[str, Any]],
) -> None:
    for changes in ok:
        insert(conn, table, changes)
    for changes in bad:
        error = rejection(conn, table, changes)
        assert (error.sqlstate, error.diag.constraint_name) == ("23514", constraint), changes


def test_every_check_in_scope_has_a_case(conn: psycopg.Connection) -> None:
    # A CHECK added to these tables without a case here would otherwise go untested.
    covered = {(table, name) for table, name in (c[:2] for c in CHECK_RULES)}
    ranged = {(table, column) for table, column, _, _ in CHECK_RANGES}
    checks = scope_constraints(conn, "c")
    for (table, name), columns in checks.items():
        if len(columns) == 1 and (table, next(iter(columns))) in ranged:
            covered.add((table, name))
    assert set(checks) - covered == set()
    assert covered - set(checks) == set()


@pytest.mark.parametrize(
    ("table", "constraint", "other_key", "outside_key"), UNIQUES, ids=[c[1] for c in UNIQUES]
)
def test_unique_key(
    conn: psycopg.Connection,
    table: str,
    constraint: str,
    other_key: dict[str, Any],
    outside_key: dict[str, Any],
) -> None:
    insert_kept(conn, table, {})
    # Same key, different everything else: still a duplicate.
    error = rejection(conn, table, outside_key)
    assert (error.sqlstate, error.diag.constraint_name) == ("23505", constraint)
    # Changing any one key column alone makes the row distinct.
    for column, value in other_key.items():
        insert(conn, table, {**outside_key, column: value})


def test_every_unique_in_scope_has_a_case(conn: psycopg.Connection) -> None:
    expected = {(table, name): set(other_key) for table, name, other_key, _ in UNIQUES}
    assert scope_constraints(conn, "u") == expected


# Weekly actuals of two workflows, two stores and two categories.
ACTUALS = [
    ("wf-1", 1, "S001", "womens_dresses"),
    ("wf-1", 1, "S002", "mens_shirts"),
    ("wf-2", 1, "S001", "mens_shirts"),
    ("wf-2", 2, "S002", "womens_dresses"),
]


@pytest.mark.parametrize(
    ("parent", "key_column", "key", "position"),
    [
        ("forecasting.workflows", "workflow_id", "wf-1", 0),
        ("forecasting.stores", "store_id", "S002", 2),
        ("forecasting.categories", "category_id", "mens_shirts", 3),
    ],
    ids=["workflow", "store", "category"],
)
def test_weekly_actuals_cascade_with_their_parent(
    conn: psycopg.Connection, parent: str, key_column: str, key: str, position: int
) -> None:
    for workflow, week, store, category in ACTUALS:
        insert_kept(
            conn,
            "forecasting.weekly_actuals",
            {
                "workflow_id": workflow,
                "week_number": week,
                "store_id": store,
                "category_id": category,
            },
        )
    conn.execute(
        sql.SQL("DELETE FROM {} WHERE {} = %s").format(
            sql.Identifier(*parent.split(".")), sql.Identifier(key_column)
        ),
        (key,),
    )
    left = conn.execute(
        "SELECT workflow_id, week_number, store_id, category_id FROM forecasting.weekly_actuals"
    ).fetchall()
    assert sorted(left) == sorted(row for row in ACTUALS if row[position] != key)
    assert len(left) == 2
