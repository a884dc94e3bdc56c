"""Counts in words, for everything canon prints: "1 row", "2 rows", "1,204 statements"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it takes (``plural`` when adding "s" is wrong)."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
