"""The diff: the statements that turn the live database into the target, kind by kind.

migra plans the bulk from the two inspections. Each registered kind (``diff.kinds``)
may act before it (refuse a change, adjust what migra is shown, plan what migra gets
wrong or does not see) and after it (plan what must follow the rest). ``ordering``
puts the whole in an order that runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from canon.diff import ordering
from canon.diff.kind import Pair, Placed, Recreated
from canon.diff.kinds import REGISTRY
from canon.inspection.engine import engine_statements
from canon.inspection.prefetch import NOTHING_AHEAD, Prefetched
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.db import Connection


@dataclass(frozen=True)
class Diff:
    """The statements that make live match the target, and what they drop to create again."""

    statements: list[str]
    recreated: tuple[Recreated, ...] = ()


def changes(
    live_conn: Connection, target_conn: Connection, excluded: Iterable[str] = EXCLUDED_SCHEMAS
) -> list[str]:
    """The statements alone, as ``diff`` finds them."""
    return diff(live_conn, target_conn, excluded).statements


def diff(
    live_conn: Connection,
    target_conn: Connection,
    excluded: Iterable[str] = EXCLUDED_SCHEMAS,
    prefetched: Prefetched = NOTHING_AHEAD,
    live_fingerprint: str | None = None,
) -> Diff:
    """The statements that make live match the target, in the order they must run.

    ``prefetched`` hands over inspections made ahead; live's is used only while live
    still has ``live_fingerprint``. Changes canon cannot make safely raise
    ``PlanRefused`` before anything runs.
    """
    excluded = frozenset(excluded)
    live_model, target_model = prefetched.models(live_conn, target_conn, excluded, live_fingerprint)
    pair = Pair(live_conn, target_conn, live_model, target_model, excluded)
    # Each kind may change migra's picture of the live database (never the target's).
    placed = [kind.before(pair) if kind.before else Placed() for kind in REGISTRY]
    statements = ordering.arrange(
        engine_statements(live_model, target_model),
        pre=[s for p in placed for s in p.pre],
        early=[s for p in placed for s in p.early],
        late=[*(s for p in placed for s in p.late), *(s for p in reversed(placed) for s in p.drop)],
    )
    for kind in REGISTRY:
        if kind.after:
            statements.extend(kind.after(pair, statements))
    return Diff(statements, tuple(r for p in placed for r in p.recreated))
