"""Enum planning that needs no database: ADD VALUE placement and label quoting."""

from __future__ import annotations

from canon.diff.kinds.enums import EnumChange, add_value_statements
from canon.pg.quoting import ident, literal, qualified


def change(old: tuple[str, ...], new: tuple[str, ...]) -> EnumChange:
    return EnumChange('"s"."mood"', "s", "mood", old, new)


def test_added_at_the_end_goes_after_the_last_label() -> None:
    assert add_value_statements(change(("a", "b"), ("a", "b", "c"))) == [
        """ALTER TYPE "s"."mood" ADD VALUE 'c' AFTER 'b';"""
    ]


def test_added_first_goes_before_the_first_label() -> None:
    assert add_value_statements(change(("b",), ("a", "b"))) == [
        """ALTER TYPE "s"."mood" ADD VALUE 'a' BEFORE 'b';"""
    ]


def test_runs_of_new_labels_chain_after_each_other() -> None:
    statements = add_value_statements(change(("a", "d"), ("a", "b", "c", "d", "e")))
    assert statements == [
        """ALTER TYPE "s"."mood" ADD VALUE 'b' AFTER 'a';""",
        """ALTER TYPE "s"."mood" ADD VALUE 'c' AFTER 'b';""",
        """ALTER TYPE "s"."mood" ADD VALUE 'e' AFTER 'd';""",
    ]


def test_only_adds_requires_old_order_kept() -> None:
    assert change(("a", "b"), ("a", "x", "b")).only_adds
    assert not change(("a", "b"), ("b", "a")).only_adds
    assert not change(("a", "b"), ("a",)).only_adds


def test_hostile_labels_stay_literals() -> None:
    label = "x'); DROP TABLE foo; --"
    [statement] = add_value_statements(change(("a",), ("a", label)))
    assert statement == """ALTER TYPE "s"."mood" ADD VALUE 'x''); DROP TABLE foo; --' AFTER 'a';"""


def test_quoting() -> None:
    assert ident('we"ird') == '"we""ird"'
    assert qualified("a b", "c") == '"a b"."c"'
    assert literal("it's") == "'it''s'"
    assert literal("back\\slash") == "E'back\\\\slash'"
    assert literal(None) == "NULL"
