"""Which tenant a planned statement belongs to, read from the schemas it names."""

from __future__ import annotations

import pytest

from canon.files.tenancy import group_by_tenant, schemas_of, shared_first, tenant_of
from canon.files.tenants import Tenant

ALPHA = Tenant("alpha", "shop_alpha")
BETA = Tenant("beta", "shop_beta")


@pytest.mark.parametrize(
    ("sql", "schemas"),
    [
        ('create table "shop_alpha"."orders" (id int)', ("shop_alpha",)),
        ("create schema shop_beta", ("shop_beta",)),
        ("drop schema shop_beta cascade", ("shop_beta",)),
        ("drop function shop_alpha.total(integer)", ("shop_alpha",)),
        ("drop table orders", ()),
        ("comment on column shop_beta.orders.note is 'x'", ("shop_beta",)),
        ("comment on schema shop_alpha is 'x'", ("shop_alpha",)),
        ("alter table shop_alpha.orders add column tag public.label", ("shop_alpha", "public")),
        ("alter table public.shops add column n pg_catalog.int4", ("public",)),
        ("create function shop_beta.f() returns int language sql as 'select 1'", ("shop_beta",)),
        # Breadth first: a table in FROM comes before a type nested deeper in the select list.
        (
            "create view public.v as select x::shop_beta.kind from shop_alpha.t",
            ("public", "shop_alpha", "shop_beta"),
        ),
    ],
)
def test_schemas_named_by_a_statement(sql: str, schemas: tuple[str, ...]) -> None:
    assert schemas_of(sql) == schemas


def test_the_first_tenant_schema_named_owns_the_statement() -> None:
    tenants = [ALPHA, BETA]
    assert tenant_of("alter table shop_beta.orders add column a shop_alpha.kind", tenants) == BETA
    assert tenant_of("alter table public.shops add column a shop_alpha.kind", tenants) == ALPHA
    assert tenant_of("create table public.shops (id int)", tenants) is None


def test_shared_statements_first_then_tenant_by_tenant_in_plan_order() -> None:
    plan = [
        "create table shop_beta.a (id int)",
        "create table public.s (id int)",
        "create table shop_alpha.b (id int)",
        "create table shop_beta.c (id int)",
    ]
    groups = group_by_tenant(plan, [ALPHA, BETA])
    assert [(owner.id if owner else None, sqls) for owner, sqls in groups] == [
        (None, [plan[1]]),
        ("alpha", [plan[2]]),
        ("beta", [plan[0], plan[3]]),
    ]
    assert shared_first(plan, [ALPHA, BETA]) == [plan[1], plan[2], plan[0], plan[3]]
    assert shared_first(plan, []) == plan
