"""Cohorts: the databases of a fleet that a plan made once serves, and the probe that finds them.

Two databases with the same fingerprint hold the same managed objects (the fingerprint
covers everything canon plans, which is what lets a saved plan prove it still fits), so
with the same files and the same PostgreSQL major version they need the same plan and
pass or fail the same rehearsal. A fleet therefore plans and rehearses once per cohort;
what depends on each database's rows (what is at stake, seed drift, the apply itself)
is still done database by database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from canon.diff.fingerprint import fingerprint
from canon.errors import DatabaseError, SourceError, Warn
from canon.files.config import load_config
from canon.files.environments import Environment, Target
from canon.files.project import Project, resolve_project
from canon.fleet.targets import Failure, each, each_target, reach
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.dburl import DatabaseUrl
from canon.plan import shortcut
from canon.scratch.host import template_host

T = TypeVar("T")


@dataclass(frozen=True)
class Probe:
    """A database reached: its project (tenants may differ per database) and schema fingerprint."""

    target: Target
    project: Project
    fingerprint: str
    server_version: int
    shortcut: shortcut.Probe | None = None  # plan's no-change shortcut, looked up


@dataclass(frozen=True)
class Cohort:
    """Databases planned once: same files, same fingerprint, same major version."""

    members: tuple[Probe, ...]

    @property
    def representative(self) -> Probe:
        return self.members[0]


class Projects:
    """Each database's project: one for all, unless each reads its tenants from its own rows."""

    def __init__(
        self,
        schema_dir: Path,
        tenant: str | None,
        environment: str | None,
        allow_empty: bool = False,
    ) -> None:
        self.schema_dir, self.tenant, self.environment = schema_dir, tenant, environment
        self.allow_empty = allow_empty
        settings = load_config(schema_dir).for_environment(environment).tenants
        self.per_database = settings is not None and settings.query is not None
        self.shared = (
            None
            if self.per_database
            else resolve_project(schema_dir, None, tenant, environment, allow_empty)
        )
        self._inputs: dict[Hashable, str] = {}
        self._lock = threading.Lock()

    def of(self, target: Target) -> Project:
        if self.shared is not None:
            return self.shared
        return resolve_project(
            self.schema_dir, target.url, self.tenant, self.environment, self.allow_empty
        )

    def inputs(self, project: Project) -> str:
        """The no-change shortcut's digest of the files, computed once per tenant list."""
        key = files_key(project)
        with self._lock:
            if key not in self._inputs:
                self._inputs[key] = shortcut.project_inputs(project)
            return self._inputs[key]


def files_key(project: Project) -> Hashable:
    """What makes two databases' files differ: their tenants."""
    return (project.tenants, project.only_tenant)


def probe_all(
    environment: Environment,
    projects: Projects,
    concurrency: int,
    with_shortcut: bool = False,
) -> tuple[list[Probe], list[Failure]]:
    """Reach every database at once (``concurrency`` at a time); those that fail, as failures."""
    timeout = environment.settings.connect_timeout

    def probe(target: Target) -> Probe:
        with reach(target.url, timeout) as conn:
            try:
                project = projects.of(target)
            except SourceError as exc:  # its tenant query: this database's rows, not the files
                raise DatabaseError(str(exc)) from None
            found = (
                shortcut.lookup(conn, target.url, projects.inputs(project))
                if with_shortcut
                else None
            )
            printed = found.fingerprint if found else fingerprint(conn, EXCLUDED_SCHEMAS)
            return Probe(target, project, printed, conn.info.server_version, found)

    probes, failures = [], []
    for outcome in each_target(environment.targets, concurrency, probe):
        if outcome.value is not None:
            probes.append(outcome.value)
        else:
            failures.append(Failure(outcome.item.name, outcome.problem or "failed"))
    return probes, failures


def cohorts(
    probes: Sequence[Probe], extra: Callable[[Probe], Hashable] = lambda probe: None
) -> list[Cohort]:
    """Probes grouped into cohorts, in the order of their first member; ``extra`` splits further."""
    grouped: dict[Hashable, list[Probe]] = {}
    for probe in probes:
        key = (
            files_key(probe.project),
            probe.fingerprint,
            probe.server_version // 10000,
            extra(probe),
        )
        grouped.setdefault(key, []).append(probe)
    return [Cohort(tuple(members)) for members in grouped.values()]


def each_cohort(
    found: Sequence[Cohort],
    concurrency: int,
    work: Callable[[Cohort], list[T]],
    failed: list[Failure],
) -> list[T]:
    """``work``'s results for every cohort; one that fails adds a failure per database."""
    results: list[T] = []
    for outcome in each(found, concurrency, work):
        if outcome.value is None:
            failed.extend(
                Failure(p.target.name, p.target.url.scrub(outcome.problem or "failed"))
                for p in outcome.item.members
            )
        else:
            results.extend(outcome.value)
    return results


def each_member(
    members: Sequence[Probe],
    concurrency: int,
    work: Callable[[Target], T],
    failed: list[Failure],
) -> list[tuple[Probe, T]]:
    """``work`` on each database; one that fails is added to ``failed`` instead."""
    results: list[tuple[Probe, T]] = []
    outcomes = each_target([p.target for p in members], concurrency, work)
    for probe, outcome in zip(members, outcomes, strict=True):
        if outcome.value is None:
            failed.append(Failure(probe.target.name, outcome.problem or "failed"))
        else:
            results.append((probe, outcome.value))
    return results


def scratch_host(probes: Sequence[Probe], warn: Warn) -> DatabaseUrl | None:
    """One scratch server for the whole fleet: the one that suits its first database."""
    return template_host(probes[0].target.url, warn) if probes else None
