"""A timestamp without time zone: it stores a wall-clock reading whose zone nobody recorded."""

from __future__ import annotations

from canon.checks.lint.rule import column_type_rule

RULE = column_type_rule(
    "timestamp-without-time-zone",
    "a timestamp without time zone: it stores a wall-clock reading whose zone nobody recorded",
    ("timestamp",),
    "is timestamp without time zone: the zone its values were written in is lost; use timestamptz",
)
