"""The plan: the statements that bring the live database to the files, and what proves its state."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from canon import __version__
from canon.diff.kind import Recreated
from canon.files.tenants import Tenant
from canon.plan import steps
from canon.plan.hazards import Hazard
from canon.plan.measure import Stake
from canon.plan.steps import terminated


@dataclass(frozen=True)
class PlannedStatement:
    sql: str
    hazards: tuple[Hazard, ...] = ()
    line: int | None = None  # line in the plan file, when read from one
    at_stake: tuple[Stake, ...] = ()
    by_hand: bool = False  # added to a saved plan by its reviewer (a backfill, say)

    @property
    def hazard_names(self) -> tuple[str, ...]:
        return tuple(sorted({h.name for h in self.hazards}))


@dataclass(frozen=True)
class PlanOptions:
    """How to plan: lock-safe rewriting, and whether to measure what is at stake."""

    concurrently: bool = True
    measure: bool = False
    schema_ref: str | None = None


@dataclass(frozen=True)
class Plan:
    statements: tuple[PlannedStatement, ...]
    schema_digest: str
    live_fingerprint: str
    server_version: int
    canon_version: str = __version__
    header: dict[str, str] = field(default_factory=dict)
    schema_ref: str | None = None
    notes: tuple[str, ...] = ()  # warnings for the reader, e.g. rename hints that do nothing
    tenants: tuple[Tenant, ...] = ()  # tenant schemas the plan covers
    recreated: tuple[Recreated, ...] = ()  # what it drops to create again, and why

    @property
    def empty(self) -> bool:
        return not self.statements

    @property
    def hazard_names(self) -> list[str]:
        return sorted({name for s in self.statements for name in s.hazard_names})

    @property
    def failing_stakes(self) -> list[tuple[PlannedStatement, Stake]]:
        """Measured facts that make a statement certain to fail on the live data."""
        return [(s, stake) for s in self.statements for stake in s.at_stake if stake.fails]

    @property
    def steps(self) -> tuple[steps.Step, ...]:
        return steps.group([s.sql for s in self.statements])

    @property
    def sql(self) -> str:
        """The statements alone, as they run: what the plan hash covers."""
        return "".join(terminated(s.sql) + "\n" for s in self.statements)

    @property
    def recorded_sql(self) -> str:
        """The statements as history keeps them: those added by hand are marked."""
        return "".join(
            ("-- added by hand\n" if s.by_hand else "") + terminated(s.sql) + "\n"
            for s in self.statements
        )

    @property
    def plan_hash(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def step_kind(step: steps.Step) -> str:
    """How a step runs, in words."""
    if not step.transactional:
        return "outside a transaction"
    return "own transaction" if len(step.statements) == 1 else "one transaction"
