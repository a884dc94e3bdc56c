"""Residuals (what no planner handles) point at the files too: their catalog names, read back."""

from __future__ import annotations

import pytest

from canon.checks.drift import residual_object
from canon.diff.catalog import Residual
from canon.pg.objects import ObjectName


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("column", 'shop."Order Lines".qty', ObjectName("column", "shop", "Order Lines.qty")),
        (
            "constraint",
            "shop.orders.orders_pkey",
            ObjectName("constraint", "shop", "orders.orders_pkey"),
        ),
        ("function", "shop.total(integer, text)", ObjectName("function", "shop", "total")),
        ("materialized view", "shop.daily", ObjectName("relation", "shop", "daily")),
        ("schema", '"Shop"', ObjectName("schema", None, "Shop")),
        ("default privileges", "for app in shop on r", None),
    ],
)
def test_a_residual_names_the_object_the_files_declare(
    kind: str, name: str, expected: ObjectName | None
) -> None:
    assert residual_object(Residual(kind, name, "missing")) == expected
