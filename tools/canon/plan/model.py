"""The plan: the statements that bring the live database to the files, and what proves its state."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from canon import __version__
from canon.files.tenants import Tenant
from canon.plan import steps
from canon.plan.hazards import Hazard
from canon.plan.measure import Stake
from canon.plan.steps import terminated
from canon.words import counted


@dataclass(frozen=True)
class Origin:
    """The object a statement is about, and the file and line that declare it."""

    object: str  # "column shop.orders.total"
    path: str | None = None  # None: the object is only in the live database
    line: int | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.path else "only in the live database"

    def __str__(self) -> str:
        return f"{self.object}: {self.where}"


@dataclass(frozen=True)
class PlannedStatement:
    sql: str
    hazards: tuple[Hazard, ...] = ()
    line: int | None = None  # line in the plan file, when read from one
    at_stake: tuple[Stake, ...] = ()
    by_hand: bool = False  # added to a saved plan by its reviewer (a backfill, say)
    origin: Origin | None = None  # set when the plan was asked to locate its objects

    @property
    def hazard_names(self) -> tuple[str, ...]:
        return tuple(sorted({h.name for h in self.hazards}))


@dataclass(frozen=True)
class PlanOptions:
    """How to plan: lock-safe rewriting, whether to measure what is at stake and to locate objects."""

    concurrently: bool = True
    measure: bool = False
    schema_ref: str | None = None
    locate: bool = False  # name each statement's object and the file line declaring it


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

    @property
    def summary(self) -> Summary:
        hazards: dict[str, int] = {}
        for statement in self.statements:
            for name in statement.hazard_names:
                hazards[name] = hazards.get(name, 0) + 1
        stakes = [stake for s in self.statements for stake in s.at_stake]
        return Summary(
            statements=len(self.statements),
            steps=len(self.steps),
            hazards=dict(sorted(hazards.items())),
            at_stake=sum(stake.count or 0 for stake in stakes),
            unmeasured=sum(stake.count is None for stake in stakes),
        )


@dataclass(frozen=True)
class Summary:
    """What a reviewer reads first: how much the plan does and what it puts at risk."""

    statements: int
    steps: int
    hazards: dict[str, int]  # hazard name: statements carrying it
    at_stake: int  # rows (or values) measured on live that the plan touches
    unmeasured: int  # facts that could not be counted in time

    @property
    def hazard_text(self) -> str:
        if not self.hazards:
            return "no hazards"
        return "hazards: " + ", ".join(f"{name} ({n})" for name, n in self.hazards.items())

    @property
    def stake_text(self) -> str:
        text = f"{counted(self.at_stake, 'row')} at stake"
        return text + (f" ({self.unmeasured} not measured)" if self.unmeasured else "")

    def __str__(self) -> str:
        steps = f"{counted(self.statements, 'statement')} in {counted(self.steps, 'step')}"
        return f"{steps}; {self.hazard_text}; {self.stake_text}"


def step_kind(step: steps.Step) -> str:
    """How a step runs, in words."""
    if not step.transactional:
        return "outside a transaction"
    return "own transaction" if len(step.statements) == 1 else "one transaction"
