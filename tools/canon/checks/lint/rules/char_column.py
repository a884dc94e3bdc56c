"""A char(n) column: values are padded with spaces to n characters."""

from __future__ import annotations

from canon.checks.lint.rule import column_type_rule

RULE = column_type_rule(
    "char-column",
    "a char(n) column: values are padded with spaces to n characters",
    ("bpchar",),
    "is char(n): values are padded with blanks and compared without them; use text or varchar",
)
