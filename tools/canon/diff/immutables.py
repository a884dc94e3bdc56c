"""Objects PostgreSQL cannot alter in place, such as collations and range types.

Such an object is created when the files add it and dropped when they remove it; a
change to its definition is refused, since the only way through is a new object the
columns move to, which is a decision for whoever owns the data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from canon.errors import PlanRefused


class Definition(Protocol):
    def create_statement(self) -> str: ...


@dataclass(frozen=True)
class ObjectChanges:
    create: list[str]
    drop: list[str]


def changes(
    have: Mapping[str, Definition],
    want: Mapping[str, Definition],
    kind: str,
    drop: Callable[[str], str],
) -> ObjectChanges:
    """Statements taking ``have`` to ``want`` (objects by quoted name); changed ones refused."""
    create = []
    for name, wanted in sorted(want.items()):
        current = have.get(name)
        if current is None:
            create.append(wanted.create_statement())
        elif current != wanted:
            raise PlanRefused(
                f"{kind} {name}",
                f"its definition changes, and a {kind} cannot be altered",
                f"create a {kind} under a new name, move the columns to it, then drop the old one",
            )
    return ObjectChanges(create, [drop(name) for name in sorted(have.keys() - want.keys())])
