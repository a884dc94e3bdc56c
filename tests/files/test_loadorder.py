"""Load order: statements move after what they name, and loading needs no retries for it."""

from __future__ import annotations

import psycopg
import pytest

from canon.files import loadorder
from canon.files.sources import Statement, split_statements
from canon.scratch import loader as scratch

# Written the wrong way round: every statement names something defined further down.
REVERSED = """
COMMENT ON COLUMN shop.orders.total IS 'gross, in cents';
CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
CREATE VIEW report.big_orders AS SELECT id, total FROM shop.orders WHERE total > shop.threshold();
CREATE TABLE shop.orders (
    id bigint PRIMARY KEY,
    customer_id bigint REFERENCES shop.customers (id) ON DELETE CASCADE,
    status shop.order_status NOT NULL DEFAULT 'new',
    total shop.cents NOT NULL
);
CREATE FUNCTION shop.threshold() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 1000';
CREATE TABLE shop.customers (id bigint PRIMARY KEY);
CREATE DOMAIN shop.cents AS integer CHECK (VALUE >= 0);
CREATE TYPE shop.order_status AS ENUM ('new', 'paid');
CREATE SCHEMA report;
CREATE SCHEMA shop;
"""


def statements(text: str) -> list[Statement]:
    return split_statements(text, "schema.sql")


def position(ordered: list[Statement], start: str) -> int:
    return next(i for i, s in enumerate(ordered) if s.sql.lstrip().startswith(start))


def test_definitions_move_ahead_of_what_names_them() -> None:
    ordered = loadorder.ordered(statements(REVERSED))
    before = [
        ("CREATE SCHEMA shop", "CREATE TYPE shop.order_status"),
        ("CREATE SCHEMA report", "CREATE VIEW report.big_orders"),
        ("CREATE TYPE shop.order_status", "CREATE TABLE shop.orders"),
        ("CREATE DOMAIN shop.cents", "CREATE TABLE shop.orders"),
        ("CREATE TABLE shop.customers", "CREATE TABLE shop.orders"),
        ("CREATE TABLE shop.orders", "CREATE INDEX orders_customer_idx"),
        ("CREATE TABLE shop.orders", "COMMENT ON COLUMN shop.orders.total"),
        ("CREATE FUNCTION shop.threshold", "CREATE VIEW report.big_orders"),
    ]
    for first, then in before:
        assert position(ordered, first) < position(ordered, then), (first, then)
    assert sorted(s.line for s in ordered) == sorted(s.line for s in statements(REVERSED))


def test_statements_with_nothing_to_wait_for_keep_their_order() -> None:
    text = "".join(f"CREATE TABLE public.t{n} (id int);\n" for n in range(20))
    assert loadorder.ordered(statements(text)) == statements(text)


def test_statements_that_wait_on_each_other_all_stay() -> None:
    # Two views naming each other's name: no order satisfies both; none may be lost.
    text = (
        "CREATE VIEW public.a AS SELECT * FROM public.b;\n"
        "CREATE VIEW public.b AS SELECT * FROM public.a;\n"
        "CREATE TABLE public.c (id int);\n"
    )
    ordered = loadorder.ordered(statements(text))
    assert sorted(s.line for s in ordered) == [1, 2, 3]


def test_a_reversed_schema_loads_without_a_failed_statement(
    empty_db: psycopg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed: list[Statement] = []
    run_alone = scratch._run_one

    def counted(conn: psycopg.Connection, statement: Statement) -> object:
        failed.append(statement)
        return run_alone(conn, statement)

    monkeypatch.setattr(scratch, "_run_one", counted)
    scratch.load_statements(empty_db, statements(REVERSED))
    empty_db.commit()
    assert failed == []  # one batch, no statement run alone
    row = empty_db.execute("SELECT col_description('shop.orders'::regclass, 4)").fetchone()
    assert row == ("gross, in cents",)


def test_a_batch_failure_reruns_only_the_failing_statement(
    empty_db: psycopg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The view names a table no statement defines by that name until a later pass.
    text = "".join(f"CREATE TABLE public.f{n} (id int);\n" for n in range(40))
    text += "CREATE VIEW public.v AS SELECT * FROM public.late_name;\n"
    text += "".join(f"CREATE TABLE public.g{n} (id int);\n" for n in range(40))
    text += "CREATE TABLE public.late (id int);\nALTER TABLE public.late RENAME TO late_name;\n"
    alone: list[int] = []
    run_alone = scratch._run_one

    def counted(conn: psycopg.Connection, statement: Statement) -> object:
        alone.append(statement.line)
        return run_alone(conn, statement)

    monkeypatch.setattr(scratch, "_run_one", counted)
    scratch.load_statements(empty_db, statements(text))
    empty_db.commit()
    assert set(alone) == {41}  # found by the error's position: only the view runs alone
    assert empty_db.execute("SELECT count(*) FROM public.v").fetchone() == (0,)
