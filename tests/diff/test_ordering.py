"""Statement order: what the plan creates comes before what uses it, whatever migra's order."""

from __future__ import annotations

from canon.diff.ordering import arrange


def test_children_and_partitions_wait_for_their_parents() -> None:
    migra = [
        "create table public.aa_part partition of public.zz_parent FOR VALUES IN (1);",
        "alter table public.aa_part enable row level security;",
        "create table public.aa_child (x int) inherits (public.mm_parent);",
        "create table public.mm_parent (id int);",
        "create table public.zz_parent (id int) partition by list (id);",
        "create index on public.aa_part (id);",
    ]
    assert arrange(migra, [], [], []) == [
        "create table public.mm_parent (id int);",
        "create table public.aa_child (x int) inherits (public.mm_parent);",
        "create table public.zz_parent (id int) partition by list (id);",
        "create table public.aa_part partition of public.zz_parent FOR VALUES IN (1);",
        "alter table public.aa_part enable row level security;",
        "create index on public.aa_part (id);",
    ]


def test_sql_standard_bodies_follow_the_functions_they_call() -> None:
    top = "CREATE FUNCTION public.aa() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT zz() + 1; END;"
    base = "CREATE FUNCTION public.zz() RETURNS int LANGUAGE sql RETURN 1;"
    planned = arrange([top, base], [], [], [])
    assert planned.index(base) < planned.index(top)


def test_a_body_reading_a_new_table_is_not_moved_ahead_of_it() -> None:
    reader = (
        "CREATE FUNCTION public.n() RETURNS bigint LANGUAGE sql "
        "BEGIN ATOMIC SELECT count(*) FROM public.orders; END;"
    )
    other = "CREATE FUNCTION public.one() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 1; END';"
    table = "create table public.orders (id int);"
    # migra creates functions after tables; canon moves functions first, but not this one.
    assert arrange([table, reader, other], [], [], []) == [other, table, reader]


def test_a_function_with_new_arguments_is_dropped_before_it_is_created() -> None:
    migra = [
        'drop function if exists "public"."fee"(n integer);',
        "alter table public.t alter column c set default public.fee(1, 2);",
        "CREATE FUNCTION public.fee(n integer, r numeric) RETURNS numeric LANGUAGE sql RETURN n * r;",
    ]
    drop, default, create = (arrange(migra, [], [], []).index(sql) for sql in migra)
    assert drop < create < default


def test_new_sequences_come_before_functions_that_name_them() -> None:
    function = (
        "CREATE FUNCTION public.next() RETURNS bigint LANGUAGE sql "
        "RETURN nextval('public.numbers'::regclass);"
    )
    sequence = 'create sequence "public"."numbers";'
    planned = arrange([function, sequence], [], [], [])
    assert planned.index(sequence) < planned.index(function)
