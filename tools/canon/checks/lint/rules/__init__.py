"""The schema rules, one module each; a rule is on unless ``[lint]`` in canon.toml switches it off.

To add one: a module here holding ``RULE = Rule(id, summary, check)`` (``check`` yields a
``Hit`` per finding, at the byte offset that wrote it), one line below, and a case in
``tests/checks/lint_cases/``.
"""

from __future__ import annotations

from canon.checks.lint.rule import Rule
from canon.checks.lint.rules import (
    char_column,
    check_volatile_function,
    duplicate_index,
    fk_without_index,
    money_column,
    serial_column,
    table_without_primary_key,
    timestamp_without_time_zone,
    unnamed_constraint,
    view_select_star,
)

SCHEMA_RULES: tuple[Rule, ...] = (
    fk_without_index.RULE,
    table_without_primary_key.RULE,
    timestamp_without_time_zone.RULE,
    serial_column.RULE,
    char_column.RULE,
    money_column.RULE,
    unnamed_constraint.RULE,
    view_select_star.RULE,
    check_volatile_function.RULE,
    duplicate_index.RULE,
)
