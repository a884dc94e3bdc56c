"""Hazards from what statements do, lock-safe rewriting, steps, and what is at stake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from canon.errors import ConfigError
from canon.pg.dburl import DatabaseUrl
from canon.plan import hazards, steps
from canon.plan.planfile import read_plan_file
from tests.apply_cases import columns, load_case
from tests.helpers import canon


def names(sql: str, *context: str) -> set[str]:
    """Hazard names of ``sql`` when planned after the ``context`` statements."""
    found = hazards.classify([*context, sql])[-1][1]
    return {h.name for h in found}


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ('alter table "s"."t" drop column "note"', {"data-loss"}),
        (
            'alter table "s"."t" alter column "c" set data type integer using "c"::integer',
            {"data-loss", "table-rewrite", "access-exclusive-lock"},
        ),
        ('drop table "s"."t"', {"data-loss"}),
        ('drop schema "s"', {"data-loss"}),
        ('drop sequence "s"."q"', {"data-loss"}),
        ("create index i on s.t (a)", {"index-build"}),
        ("create index concurrently i on s.t (a)", {"index-build"}),
        ('drop index "s"."i"', {"index-drop", "access-exclusive-lock"}),
        ('drop index concurrently "s"."i"', {"index-drop"}),
        ('alter table "s"."t" alter column "c" set not null', {"access-exclusive-lock"}),
        ("alter table s.t add constraint c check (a > 0)", {"access-exclusive-lock"}),
        ("alter table s.t add constraint c check (a > 0) not valid", set()),
        ("alter table s.t validate constraint c", set()),
        (
            "alter table s.t add column c timestamptz default clock_timestamp()",
            {"table-rewrite", "access-exclusive-lock"},
        ),
        ("alter table s.t add column c integer default 0", set()),
        ("grant select on s.t to reporting", {"authz"}),
        ("create policy p on s.t using (owner = current_user)", {"authz"}),
        ("alter table s.t enable row level security", {"authz"}),
        ("drop function s.f(integer)", {"untracked-dependency"}),
        ("alter table s.t rename column a to b", {"untracked-dependency"}),
        # migra's own check flags this for the word "drop"; it loses nothing.
        ('alter table "s"."t" alter column "c" drop not null', set()),
        ('alter table "s"."t" alter column "c" drop default', set()),
        ("create view s.v as select 1 as drop_me", set()),
    ],
)
def test_classification_reads_the_statement(sql: str, expected: set[str]) -> None:
    assert names(sql) == expected


def test_table_created_in_the_same_plan_has_no_lock_or_data_hazard() -> None:
    create = "create table s.t (a integer, b text)"
    assert names("create index i on s.t (a)", create) == set()
    assert names("alter table s.t add constraint c check (a > 0)", create) == set()
    assert (
        names("alter table s.t alter column b set data type integer using b::integer", create)
        == set()
    )
    # Grants stay visible even on a new table: who may read it is worth a review.
    assert names("grant select on s.t to reporting", create) == {"authz"}


def test_allow_hazards_option_values() -> None:
    assert hazards.parse_names("all") == set(hazards.ALL)
    assert hazards.parse_names("data-loss, index-build") == {"data-loss", "index-build"}
    with pytest.raises(ConfigError, match="unknown hazard drop"):
        hazards.parse_names("drop")


def test_steps_split_what_cannot_share_a_transaction() -> None:
    grouped = steps.group(
        [
            "create table s.n (a integer)",
            "alter table s.t add column b integer",
            "create index concurrently i on s.t (b)",
            "alter table s.t add constraint c check (b > 0) not valid",
            "alter table s.t validate constraint c",
            "alter type s.e add value 'x'",
            "create index j on s.n (a)",
        ]
    )
    assert [(len(s.statements), s.transactional) for s in grouped] == [
        (2, True),
        (1, False),
        (1, True),
        (1, True),
        (1, True),
        (1, True),
    ]
    assert [s.number for s in grouped] == [1, 2, 3, 4, 5, 6]


def test_plan_shows_hazards_and_what_is_at_stake(empty_url: str) -> None:
    schema = load_case(empty_url, "drop_column")
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 2, err
    lines = out.splitlines()
    drop = next(
        i
        for i, line in enumerate(lines)
        if line.startswith('alter table "shop"."orders" drop column')
    )
    assert "-- hazard: data-loss: drops column note and its values" in lines[:drop]
    assert lines[drop - 1] == '-- at stake: 3 non-null values in shop.orders."note" to be dropped'


def test_plan_json_and_measured_violations(empty_url: str) -> None:
    schema = load_case(empty_url, "constraints_on_data")
    code, out, err = canon(
        "plan", "--database-url", empty_url, "--schema-dir", str(schema), "--format", "json"
    )
    assert code == 2, err
    document = json.loads(out)
    assert document["format_version"] == 1 and document["changes"] is True
    statements = [s for step in document["steps"] for s in step["statements"]]
    stakes = {stake["text"]: stake for s in statements for stake in s["at_stake"]}
    assert stakes['2 rows in shop.customers with "phone" NULL (SET NOT NULL fails on them)'][
        "fails"
    ]
    assert (
        stakes[
            '2 duplicated key values in shop.customers ("email") for UNIQUE index '
            "customers_email_key"
        ]["count"]
        == 2
    )
    assert stakes["1 row in shop.orders has no match for FOREIGN KEY orders_customer_id_fkey"][
        "fails"
    ]
    assert stakes["2 rows in shop.orders violate CHECK orders_qty_positive"]["count"] == 2
    # Lock-safe forms: the unique index is built concurrently in a step of its own,
    # the CHECK is added NOT VALID and validated in its own transaction.
    index_step = next(
        step
        for step in document["steps"]
        if "CONCURRENTLY customers_email_key" in step["statements"][0]["sql"]
    )
    assert index_step["transaction"] == "outside a transaction"
    sqls = [s["sql"].lower() for s in statements]
    assert any("orders_qty_positive" in s and "not valid" in s for s in sqls)
    assert any("validate constraint" in s and "orders_qty_positive" in s for s in sqls)
    assert set(document["hazards"]) >= {"index-build", "access-exclusive-lock"}


def test_apply_refuses_a_plan_the_live_data_would_break(empty_url: str) -> None:
    schema = load_case(empty_url, "constraints_on_data")
    code, out, err = canon(
        "apply", "--database-url", empty_url, "--schema-dir", str(schema), "--allow-hazards", "all"
    )
    assert code == 1
    assert "refused:" in err and "SET NOT NULL fails on them" in err
    assert "fix the data" in err


def test_dropping_a_column_a_function_body_uses_is_an_untracked_dependency(empty_url: str) -> None:
    schema = load_case(empty_url, "function_uses_column")
    code, out, err = canon("plan", "--database-url", empty_url, "--schema-dir", str(schema))
    assert code == 2, err
    assert (
        "-- hazard: untracked-dependency: note is named in the body of shop.order_note(integer)"
    ) in out
    code, _, err = canon(
        "apply",
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
        "--allow-hazards",
        "data-loss",
    )
    assert code == 1 and "untracked-dependency" in err


def test_what_the_live_catalog_adds() -> None:
    facts = hazards.LiveFacts(
        existing_functions=frozenset({"s.f"}),
        indexed_constraints=frozenset({"s.t.t_a_key"}),
        bodies=(("s.report()", "SELECT sum(qty) FROM s.t"),),
    )

    def with_facts(sql: str) -> set[str]:
        return {h.name for h in hazards.classify([sql], facts=facts)[0][1]}

    assert with_facts('alter table "s"."t" drop constraint "t_a_key"') == {"index-drop"}
    assert with_facts('alter table "s"."t" drop constraint "t_qty_check"') == set()
    # Replacing a function callers rely on is flagged; creating a new one is not.
    body = "create or replace function s.{}() returns int language sql as 'select 1'"
    assert with_facts(body.format("f")) == {"untracked-dependency"}
    assert with_facts(body.format("g")) == set()
    assert with_facts('alter table "s"."t" drop column "qty"') == {
        "data-loss",
        "untracked-dependency",
    }


def test_hostile_name_cannot_escape_a_plan_comment(empty_url: str, tmp_path: Path) -> None:
    schema = load_case(empty_url, "hostile_column_name")
    plan_file = tmp_path / "plan.sql"
    code, out, err = canon(
        "plan", "--database-url", empty_url, "--schema-dir", str(schema), "--out", str(plan_file)
    )
    assert code == 2, err
    comments = [line for line in out.splitlines() if line.startswith("-- at stake:")]
    assert comments == [
        '-- at stake: 1 non-null value in shop.orders."note\\nDROP TABLE shop.orders; '
        '--" to be dropped'
    ]
    assert [s.sql.split()[:3] for s in read_plan_file(plan_file).statements] == [
        ["alter", "table", '"shop"."orders"'],
    ]
    code, _, err = canon(
        "apply",
        str(plan_file),
        "--database-url",
        empty_url,
        "--schema-dir",
        str(schema),
        "--allow-hazards",
        "data-loss",
    )
    assert code == 0, err
    assert columns(empty_url, "shop.orders") == ["id"]


def test_new_tables_are_built_in_one_step() -> None:
    grouped = steps.group(
        [
            "create table s.a (id integer primary key)",
            "create table s.b (id integer, a_id integer)",
            "alter table s.b add constraint b_a_fkey foreign key (a_id) references s.a (id) not valid",
            "alter table s.b validate constraint b_a_fkey",
            "create index b_a_idx on s.b (a_id)",
        ]
    )
    assert [(len(s.statements), s.transactional) for s in grouped] == [(5, True)]


def test_rows_only_block_a_not_valid_constraint_that_the_plan_validates(empty_url: str) -> None:
    from canon.pg.db import reading
    from canon.plan import measure

    load_case(empty_url, "constraints_on_data")
    add = 'alter table "shop"."orders" add constraint "q" check ((qty > 0)) not valid'
    validate = 'alter table "shop"."orders" validate constraint "q"'
    with reading(DatabaseUrl.parse(empty_url)) as conn:
        [alone] = measure.stakes(conn, [add])
        [validated, _] = measure.stakes(conn, [add, validate])
    assert [(s.count, s.fails) for s in alone] == [(2, False)]
    assert [(s.count, s.fails) for s in validated] == [(2, True)]
