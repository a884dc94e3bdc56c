"""Recreations stay within one step: what cannot share a transaction moves out of the way.

The daily edits (tests/project/test_daily.py) walk such plans step by step on a real
database; these look at the order itself.
"""

from __future__ import annotations

from canon.plan import spans, steps

VIEW = ("s", "v")


def _step_of(grouped: tuple[steps.Step, ...], sql: str) -> int:
    return next(step.number for step in grouped if sql in step.statements)


def test_a_plan_without_recreations_is_left_as_it_is() -> None:
    plan = ["create index concurrently i on s.t (a)", "alter table s.t validate constraint c"]
    assert spans.keep_whole(plan, []) == plan
    assert spans.keep_whole(plan, [VIEW]) == plan


def test_what_cannot_share_a_transaction_moves_out_of_a_recreation() -> None:
    plan = [
        "alter table s.t add column b integer",
        "drop view s.v",
        "alter table s.t alter column a type bigint",
        "alter type s.e add value 'x'",
        "drop index concurrently s.old",
        "create index concurrently i on s.t (b)",
        "alter table s.t add constraint c check (b > 0) not valid",
        "alter table s.t validate constraint c",
        "create view s.v as select a from s.t",
        "comment on index s.i is 'by b'",
        "comment on view s.v is 'a view'",
    ]
    arranged = spans.keep_whole(plan, [VIEW])
    assert arranged == [
        "alter table s.t add column b integer",
        "alter type s.e add value 'x'",
        "drop index concurrently s.old",
        "drop view s.v",
        "alter table s.t alter column a type bigint",
        "alter table s.t add constraint c check (b > 0) not valid",
        "create view s.v as select a from s.t",
        "comment on view s.v is 'a view'",
        "create index concurrently i on s.t (b)",
        "alter table s.t validate constraint c",
        "comment on index s.i is 'by b'",
    ]
    grouped = steps.group(arranged)
    assert _step_of(grouped, "drop view s.v") == _step_of(
        grouped, "comment on view s.v is 'a view'"
    )


def test_an_index_a_constraint_is_built_on_is_built_inside_the_transaction() -> None:
    plan = [
        "drop view s.v",
        "create unique index concurrently u on s.t (b)",
        "alter table s.t add constraint u unique using index u",
        "create view s.v as select b from s.t",
    ]
    arranged = spans.keep_whole(plan, [VIEW])
    assert "CONCURRENTLY" not in arranged[1].upper() and arranged[1].startswith("CREATE UNIQUE")
    assert len(steps.group(arranged)) == 1


def test_an_index_the_plan_recreates_is_never_missing() -> None:
    plan = [
        "drop index concurrently s.p",
        "alter type s.e rename to e__old",
        "create index concurrently p on s.t (a) where e = 'x'",
    ]
    arranged = spans.keep_whole(plan, [("s", "p")])
    assert all("CONCURRENTLY" not in sql.upper() for sql in arranged)
    assert len(steps.group(arranged)) == 1
