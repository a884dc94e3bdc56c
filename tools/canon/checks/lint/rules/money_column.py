"""A money column: its input, output and rounding follow the server's lc_monetary."""

from __future__ import annotations

from canon.checks.lint.rule import column_type_rule

RULE = column_type_rule(
    "money-column",
    "a money column: its input, output and rounding follow the server's lc_monetary",
    ("money",),
    "is money: its text form and rounding follow the server's lc_monetary setting; "
    "use numeric with a currency column",
)
