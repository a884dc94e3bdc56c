"""Objects dropped and created again when their definition changes (rules, statistics).

Such an object has one text that defines it (``pg_get_ruledef``,
``pg_get_statisticsobjdef``): the plan drops it, before anything it may use goes, where
the files remove it or define it otherwise, and creates it once what it needs exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Defined(Protocol):
    @property
    def definition(self) -> str: ...


def to_drop(have: Mapping[str, Defined], want: Mapping[str, Defined]) -> list[str]:
    """The names of live objects the files remove or define otherwise, in order."""
    return [
        name
        for name, current in sorted(have.items())
        if name not in want or want[name].definition != current.definition
    ]
