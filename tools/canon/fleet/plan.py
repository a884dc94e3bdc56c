"""``canon plan --env`` over a fleet: one plan per group of databases that need the same statements.

Every database is reached and fingerprinted at once (with its own no-change shortcut);
each cohort is diffed once, on its first database, against the scratch database of its
files on the fleet's one scratch server; what is at stake is measured on every database
that needs changes. Databases whose plans hold the same statements form a group, shown
once with its members named, not once per database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from canon.errors import Warn
from canon.files.environments import Environment, Target
from canon.fleet.cohorts import (
    Cohort,
    Probe,
    Projects,
    cohorts,
    each_cohort,
    each_member,
    probe_all,
    scratch_host,
)
from canon.fleet.targets import Failure
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.plan import shortcut
from canon.plan.measure import Stake
from canon.plan.model import Plan, PlanOptions
from canon.plan.output import to_json as plan_json
from canon.plan.pipeline import plan_workspace, with_stakes
from canon.plan.workspace import workspace

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Member:
    """One database of a fleet plan; ``plan`` is None when the no-change shortcut answered."""

    target: Target
    fingerprint: str
    server_version: int
    plan: Plan | None = None

    @property
    def changes(self) -> bool:
        return self.plan is not None and not self.plan.empty


@dataclass(frozen=True)
class DatabaseStake(Stake):
    """What a statement puts at stake on some databases of a group, alike on each."""

    databases: str = ""

    def __str__(self) -> str:
        return f"{self.databases}: {Stake.__str__(self)}"


@dataclass(frozen=True)
class FleetPlan:
    environment: str
    members: tuple[Member, ...]  # the databases reached, in the environment's order
    failed: tuple[Failure, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def groups(self) -> list[tuple[Member, ...]]:
        """Databases that need the same statements, in the order of their first member."""
        found: dict[str, list[Member]] = {}
        for member in self.members:
            if member.plan is not None and member.changes:
                found.setdefault(member.plan.sql, []).append(member)
        return [tuple(group) for group in found.values()]

    @property
    def unchanged(self) -> list[Member]:
        return [m for m in self.members if not m.changes]

    def summary(self) -> str:
        groups = self.groups
        needing = sum(len(g) for g in groups)
        parts = [
            f"{needing} need changes in {len(groups)} group{'s' * (len(groups) != 1)}",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.failed:
            parts.append(f"{len(self.failed)} could not be planned")
        total = len(self.members) + len(self.failed)
        return f"{self.environment}: {total} database{'s' * (total != 1)}: " + ", ".join(parts)


def group_plan(group: Sequence[Member]) -> Plan:
    """The plan a group shares, with what is at stake on its databases, alike ones together."""
    plans = [m.plan for m in group if m.plan is not None]
    statements = []
    for index, statement in enumerate(plans[0].statements):
        alike: dict[str, tuple[Stake, list[str]]] = {}
        for member, plan in zip(group, plans, strict=True):
            for stake in plan.statements[index].at_stake:
                alike.setdefault(str(stake), (stake, []))[1].append(member.target.name)
        merged = tuple(
            DatabaseStake(**vars(s), databases=", ".join(names))  # every field of the stake
            for s, names in alike.values()
        )
        statements.append(replace(statement, at_stake=merged))
    return replace(plans[0], statements=tuple(statements))


def plan_fleet(
    environment: Environment,
    projects: Projects,
    options: PlanOptions,
    concurrency: int,
    warn: Warn,
    ref: str | None = None,
    use_shortcut: bool = False,
) -> FleetPlan:
    """Plan every database of ``environment``; those that cannot be reached are ``failed``."""
    probes, failed = probe_all(environment, projects, concurrency, with_shortcut=use_shortcut)
    answered = {p.target.name for p in probes if p.shortcut is not None and p.shortcut.hit}
    todo = [p for p in probes if p.target.name not in answered]
    host = scratch_host(todo, warn)
    planned: dict[str, Member] = {
        p.target.name: Member(p.target, p.fingerprint, p.server_version)
        for p in probes
        if p.target.name in answered
    }
    notes: list[str] = []

    def plan_cohort(cohort: Cohort) -> list[Member]:
        rep = cohort.representative
        with workspace(
            rep.target.url, rep.project, warn, read_only=True, ref=ref, scratch_host=host
        ) as ws:
            plan = plan_workspace(rep.target.url, ws, replace(options, measure=False), warn)
        notes.extend(n for n in plan.notes if n not in notes)
        if plan.empty or not options.measure:
            measured = [(p, plan) for p in cohort.members]
        else:
            measured = each_member(
                cohort.members, concurrency, lambda t: _measured(t.url, plan), failed
            )
        return [
            Member(p.target, plan.live_fingerprint, p.server_version, own) for p, own in measured
        ]

    for member in each_cohort(cohorts(todo), concurrency, plan_cohort, failed):
        planned[member.target.name] = member
    if use_shortcut:
        _remember_clean(todo, planned)
    order = [t.name for t in environment.targets]
    return FleetPlan(
        environment.name,
        tuple(planned[name] for name in order if name in planned),
        tuple(sorted(failed, key=lambda f: order.index(f.name))),
        tuple(notes),
    )


def _measured(url: DatabaseUrl, plan: Plan) -> Plan:
    with db.reading(url) as conn:
        return with_stakes(plan, conn)


def _remember_clean(probes: Sequence[Probe], planned: dict[str, Member]) -> None:
    """The no-change facts of databases found clean, written one by one (one cache file)."""
    for probe in probes:
        member = planned.get(probe.target.name)
        if probe.shortcut is None or member is None or member.plan is None:
            continue
        if member.plan.empty and not member.plan.notes:
            shortcut.record(probe.shortcut, probe.project, member.plan.live_fingerprint)


def to_json(fleet: FleetPlan) -> str:
    document = {
        "format_version": FORMAT_VERSION,
        "environment": fleet.environment,
        "changes": bool(fleet.groups),
        "groups": [
            {
                "databases": [m.target.name for m in group],
                "plan": json.loads(plan_json(group_plan(group))),
            }
            for group in fleet.groups
        ],
        "unchanged": [m.target.name for m in fleet.unchanged],
        "failed": [{"database": f.name, "error": f.problem} for f in fleet.failed],
    }
    return json.dumps(document, indent=2) + "\n"
