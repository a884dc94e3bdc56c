"""The contract of a schema rule: an id, a one-line summary, and a check over the parsed files."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from canon.checks.lint.schema import Hit, Schema


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str  # what the rule flags and why, in one line (``canon lint --rules``)
    check: Callable[[Schema], Iterable[Hit]]
