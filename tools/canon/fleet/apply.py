"""``canon apply --env`` over a fleet: a canary database first, then the rest, a few at a time.

Before any database changes, every one is reached and checked (a saved fleet plan must
still fit it), and every cohort is planned, refused if it holds hazards not allowed,
and rehearsed on a copy of its schema. Then the canary (``--canary NAME``, else the first
database with changes) is applied alone; then the others, ``concurrency`` at a time.
The first failure stops new databases from starting (those running finish) unless
``continue_on_error``; a database that failed before the run (unreachable, stale plan,
refused) counts as a failure too. Each database is applied through ``run.apply`` with
its own lock, stakes, staleness check and journal; all of them record the run's id.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg

from canon import __version__
from canon.errors import CanonError, ConfigError, HazardRefused, StalePlan, Warn
from canon.files.environments import Environment
from canon.fleet.cohorts import Probe, Projects, cohorts, files_key, probe_all, scratch_host
from canon.fleet.planfile import SavedFleetPlan
from canon.pg import db
from canon.pg.backup import default_path
from canon.plan.model import Plan, PlanOptions
from canon.plan.pipeline import classified, make_plan
from canon.plan.workspace import Workspace, workspace
from canon.run.apply import Settings, apply_rehearsed
from canon.run.fanout import APPLIED, FAILED, SKIPPED, UNCHANGED
from canon.run.progress import Report
from canon.run.rehearsal import rehearse

REHEARSED = "rehearsed"  # a dry run's outcome: it would be applied


@dataclass(frozen=True)
class FleetSettings:
    apply: Settings = field(default_factory=Settings)
    concurrency: int = 4
    canary: str | None = None  # default: the first database with changes
    continue_on_error: bool = False
    backup: bool = False  # a pg_dump of each database before it changes


@dataclass(frozen=True)
class DatabaseOutcome:
    name: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class FleetApply:
    environment: str
    run_id: str
    outcomes: tuple[DatabaseOutcome, ...]
    canary: str | None = None

    @property
    def failed(self) -> bool:
        return any(o.status == FAILED for o in self.outcomes)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        parts = [f"{n} {status}" for status, n in counts.items()]
        return f"{self.environment}: run {self.run_id}: {', '.join(parts)}"

    def to_text(self) -> str:
        lines = []
        for o in self.outcomes:
            role = " (canary)" if o.name == self.canary else ""
            lines.append(f"{o.name}{role}: {o.status}" + (f": {o.detail}" if o.detail else ""))
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Ready:
    """A cohort's plan, rehearsed, and the workspace (scratch database) it was made in."""

    plan: Plan
    ws: Workspace


def new_run_id() -> str:
    """When the run began (UTC) and a random part: sortable, and unique across machines."""
    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(3)}"


def apply_fleet(
    environment: Environment,
    projects: Projects,
    saved: SavedFleetPlan | None,
    plan_path: Path | None,
    settings: FleetSettings,
    warn: Warn,
) -> FleetApply:
    """Apply the files (or a saved fleet plan) to every database of ``environment``."""
    order = [t.name for t in environment.targets]
    if settings.canary is not None and settings.canary not in order:
        raise ConfigError(
            f"--canary {settings.canary}: environment {environment.name} has no such database"
        )
    if saved is not None:
        _check_saved(saved, environment, warn)
    run_id = new_run_id()
    each_settings = replace(settings.apply, run_id=run_id)
    fresh, outcomes = _reached(environment, projects, saved, settings.concurrency)
    by_name = {p.target.name: p for p in fresh}
    with contextlib.ExitStack() as stack:
        ready = _prepare_all(stack, fresh, saved, each_settings, warn, outcomes)
        pending = [name for name in order if name in ready]
        canary = settings.canary if settings.canary in pending else next(iter(pending), None)
        failed_already = any(o.status == FAILED for o in outcomes.values())
        outcomes |= _canary_then_rest(
            pending,
            canary,
            settings,
            failed_already,
            lambda name: _apply_one(
                by_name[name], ready[name], each_settings, settings, plan_path, warn
            ),
        )
    return FleetApply(
        environment.name,
        run_id,
        tuple(outcomes[name] for name in order if name in outcomes),
        canary,
    )


def _reached(
    environment: Environment,
    projects: Projects,
    saved: SavedFleetPlan | None,
    concurrency: int,
) -> tuple[list[Probe], dict[str, DatabaseOutcome]]:
    """The databases that may go ahead; those that may not (unreachable, stale) as failures."""
    probes, failures = probe_all(environment, projects, concurrency)
    outcomes = {f.name: DatabaseOutcome(f.name, FAILED, f.problem) for f in failures}
    for probe in probes:
        problem = _stale(saved, probe) if saved is not None else None
        if problem:
            outcomes[probe.target.name] = DatabaseOutcome(probe.target.name, FAILED, problem)
    return [p for p in probes if p.target.name not in outcomes], outcomes


def _canary_then_rest(
    names: Sequence[str],
    canary: str | None,
    settings: FleetSettings,
    failed_already: bool,
    apply_one: Callable[[str], DatabaseOutcome],
) -> dict[str, DatabaseOutcome]:
    """The canary alone, then the others a few at a time, none started after a failure."""
    stop = threading.Event()
    if failed_already and not settings.continue_on_error:
        stop.set()

    def run(name: str) -> DatabaseOutcome:
        if stop.is_set():
            return DatabaseOutcome(name, SKIPPED, "stopped by an earlier failure")
        outcome = apply_one(name)
        if outcome.status == FAILED and not settings.continue_on_error:
            stop.set()
        return outcome

    done: dict[str, DatabaseOutcome] = {}
    try:
        if canary is not None:
            done[canary] = run(canary)
        with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
            for outcome in pool.map(run, [name for name in names if name != canary]):
                done[outcome.name] = outcome
    except BaseException:
        stop.set()  # Ctrl-C: databases not yet started stay as they are
        raise
    return done


def _check_saved(saved: SavedFleetPlan, environment: Environment, warn: Warn) -> None:
    if saved.environment != environment.name:
        raise ConfigError(
            f"the plan file was written for environment {saved.environment}, not {environment.name}"
        )
    if saved.canon_version != __version__:
        warn(
            f"the plan file was written by canon {saved.canon_version}; this is canon {__version__}"
        )


def _stale(saved: SavedFleetPlan, probe: Probe) -> str | None:
    """Why the saved plan no longer fits this database, if it does not."""
    recorded = saved.databases.get(probe.target.name)
    if recorded is None:
        return "the plan file does not name this database; plan again"
    if recorded.server_version // 10000 != probe.server_version // 10000:
        return (
            f"stale plan: it was written for PostgreSQL {recorded.server_version // 10000} and "
            f"the server runs PostgreSQL {probe.server_version // 10000}; plan again"
        )
    if recorded.fingerprint != probe.fingerprint:
        return "stale plan: the database changed since the plan was written; plan again"
    return None


def _prepare_all(
    stack: contextlib.ExitStack,
    probes: Sequence[Probe],
    saved: SavedFleetPlan | None,
    settings: Settings,
    warn: Warn,
    outcomes: dict[str, DatabaseOutcome],
) -> dict[str, _Ready]:
    """Plan and rehearse each cohort; record those that need nothing or cannot go ahead.

    Cohorts with the same files share one workspace, held open until every database is
    applied: a second one would wait for the scratch database the first one is building,
    which is published only once the first workspace closes.
    """
    host = scratch_host(probes, warn)
    ref = settings.ref or (saved.schema_ref if saved else None)
    group = (lambda p: saved.databases[p.target.name].group) if saved else (lambda p: None)
    workspaces: dict[Hashable, Workspace] = {}
    ready: dict[str, _Ready] = {}
    for cohort in cohorts(probes, group):
        rep = cohort.representative
        try:
            key = files_key(rep.project)
            if key not in workspaces:
                workspaces[key] = stack.enter_context(
                    workspace(rep.target.url, rep.project, warn, ref=ref, scratch_host=host)
                )
            prepared = _prepare(rep, workspaces[key], saved, settings, warn)
        except (CanonError, psycopg.Error) as exc:
            for p in cohort.members:
                detail = p.target.url.scrub(
                    db.describe(exc) if isinstance(exc, psycopg.Error) else str(exc)
                )
                outcomes[p.target.name] = DatabaseOutcome(p.target.name, FAILED, detail)
            continue
        for p in cohort.members:
            if prepared.plan.empty:
                outcomes[p.target.name] = DatabaseOutcome(p.target.name, UNCHANGED)
            else:
                ready[p.target.name] = prepared
    return ready


def _prepare(
    rep: Probe, ws: Workspace, saved: SavedFleetPlan | None, settings: Settings, warn: Warn
) -> _Ready:
    """A cohort's plan, made (or read from ``saved``) on ``rep``, refused or rehearsed."""
    with db.reading(rep.target.url) as live_conn, db.reading(ws.target_url) as target_conn:
        if saved is None:
            options = PlanOptions(concurrently=settings.concurrently, schema_ref=ws.commit)
            plan = make_plan(
                rep.target.url, live_conn, target_conn, ws.source, options, warn, ws.prefetched
            )
        else:
            plan = _saved_part(saved, rep, ws, live_conn)
    if plan.empty:
        return _Ready(plan, ws)
    refused = [name for name in plan.hazard_names if name not in settings.allow_hazards]
    if refused:
        raise HazardRefused(refused)
    rehearse(rep.target.url, plan.steps, ws.target_url, warn, ws.source.in_scope)
    return _Ready(plan, ws)


def _saved_part(saved: SavedFleetPlan, rep: Probe, ws: Workspace, live_conn: db.Connection) -> Plan:
    """The saved statements of the cohort's group, classified again on its database."""
    recorded = saved.plan_for(rep.target.name)
    if recorded.schema_digest != ws.source.digest:
        raise StalePlan("stale plan: the schema files changed since it was written; plan again")
    sqls = [s.sql for s in recorded.statements]
    fresh = classified(sqls, live_conn, [s.line for s in recorded.statements]) if sqls else ()
    statements = tuple(
        replace(now, by_hand=then.by_hand)
        for now, then in zip(fresh, recorded.statements, strict=True)
    )
    source = ws.source
    tenants = (source.only_tenant,) if source.only_tenant else source.tenants
    return replace(recorded, statements=statements, tenants=tenants)


def _named(name: str, report: Report) -> Report:
    """Progress lines of one database among several running at once, each naming it."""
    return lambda line: report(f"{name}: {line}")


def _apply_one(
    probe: Probe,
    ready: _Ready,
    settings: Settings,
    fleet: FleetSettings,
    plan_path: Path | None,
    warn: Warn,
) -> DatabaseOutcome:
    name, url = probe.target.name, probe.target.url
    if fleet.backup:
        path = default_path(url)
        settings = replace(settings, backup_to=path.with_name(f"{name}-{path.name}"))
    if settings.progress is not None:
        settings = replace(settings, progress=_named(name, settings.progress))
    try:
        result = apply_rehearsed(
            url, ready.plan, settings, ready.ws.target_url, ready.ws.source, plan_path
        )
    except CanonError as exc:
        return DatabaseOutcome(name, FAILED, url.scrub(str(exc)))
    except psycopg.Error as exc:
        return DatabaseOutcome(name, FAILED, url.scrub(db.describe(exc)))
    for residual in result.residuals:
        warn(f"{name}: after the apply, {residual.describe()} (canon cannot plan this)")
    statements = len(result.plan.statements)
    if result.dry_run:
        return DatabaseOutcome(name, REHEARSED, f"{statements} statements; nothing was changed")
    if result.failed:
        failed = [t.tenant or "shared objects" for t in result.tenants if t.status == FAILED]
        return DatabaseOutcome(name, FAILED, f"tenants failed: {', '.join(failed)}")
    where = f"apply #{result.apply_id}, " if result.apply_id is not None else ""
    return DatabaseOutcome(name, APPLIED, f"{where}{statements} statements")
