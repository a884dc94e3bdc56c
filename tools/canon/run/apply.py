"""Applying a plan safely.

In order: read the files (at a git revision when asked), take canon's advisory lock so
two applies never interleave (settling the record of any apply whose process is gone),
plan (or check that a saved plan is still fresh and classify it again), refuse hazards
that were not allowed, rehearse the plan on a copy of the live schema, optionally take a
backup, then run it step by step under lock and statement timeouts, journaling every
step and recording the apply in ``canon.applies``. Nothing before the run changes the
live database. A run stopped by a signal or a lost connection ends with a message that
says which steps committed, which rolled back and which never ran.
Once it ran, live is compared with the files and, when it matches them, the fact is
recorded (``convergence``).

Into a database that holds nothing yet, a fresh apply loads the files themselves
instead (``fresh``).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg

from canon import __version__
from canon.diff import catalog
from canon.diff.fingerprint import fingerprint
from canon.errors import (
    ApplyFailed,
    ApplyInterrupted,
    DatabaseError,
    HazardRefused,
    PlanRefused,
    StalePlan,
    Warn,
    ignore,
)
from canon.files.project import Project
from canon.files.sources import SchemaSource
from canon.files.tenants import Tenant
from canon.inspection.prefetch import Prefetched
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.backup import Backup, backup
from canon.pg.db import Connection
from canon.pg.dburl import DatabaseUrl
from canon.pg.durations import seconds
from canon.plan.model import Plan, PlanOptions
from canon.plan.pipeline import classified, make_plan, with_stakes
from canon.plan.planfile import read_plan_file
from canon.plan.steps import Step
from canon.plan.workspace import Workspace, workspace
from canon.run import convergence, fresh, interrupts, recovery
from canon.run.fanout import FAILED, INTERRUPTED, FanOut, TenantOutcome, apply_by_tenant
from canon.run.interrupts import Interrupts
from canon.run.journal import ApplyRecord, Journal, step_summary
from canon.run.lock import apply_lock
from canon.run.progress import Report, Watched
from canon.run.rehearsal import rehearse
from canon.run.runner import (
    COMMITTED,
    INCOMPLETE,
    NOT_STARTED,
    ROLLED_BACK,
    UNKNOWN,
    Halt,
    Halted,
    Listener,
    StepError,
    StepFailed,
    Timeouts,
    check_timeouts,
    run_steps,
)

# Exit codes of an apply stopped by a signal: 128 + the signal's number, as shells report.
SIGNAL_EXIT: dict[int, int] = {signal.SIGINT.value: 130, signal.SIGTERM.value: 143}


@dataclass(frozen=True)
class Settings:
    allow_hazards: frozenset[str] = frozenset()
    dry_run: bool = False
    timeouts: Timeouts = field(default_factory=Timeouts)
    apply_lock_wait: str = "10s"
    concurrently: bool = True
    backup_to: Path | None = None
    ref: str | None = None
    fan_out: FanOut = field(default_factory=FanOut)
    run_id: str | None = None  # the fleet run the apply is part of, recorded in the journal
    progress: Report | None = None  # told when a step runs long (see run.progress)


@dataclass(frozen=True)
class ApplyResult:
    plan: Plan
    applied: bool
    dry_run: bool
    apply_id: int | None = None
    backup: Backup | None = None
    tenants: tuple[TenantOutcome, ...] = ()  # per tenant, when the plan covers tenants
    # Differences no planner handles, by object name, left after the apply.
    residuals: tuple[catalog.Residual, ...] = ()
    interrupted_by: int | None = None  # the signal that stopped a fan-out over tenants
    steps: int = 0  # how many steps ran (the plan's, or one for files loaded as they are)

    @property
    def failed(self) -> bool:
        return any(t.status in (FAILED, INTERRUPTED) for t in self.tenants)


def apply_plan(
    live_url: DatabaseUrl,
    project: Project,
    plan_file: Path | None,
    settings: Settings,
    warn: Warn,
    report: Warn = ignore,
) -> ApplyResult:
    """Apply ``plan_file`` (or a fresh plan) to live, or raise and change nothing.

    ``report`` hears of waits (for another apply) as they last.
    """
    check_timeouts(settings.timeouts)
    lock_wait = seconds("--apply-lock-wait", settings.apply_lock_wait)
    saved = read_plan_file(plan_file) if plan_file else None
    if saved is not None and saved.canon_version != __version__:
        warn(f"{plan_file} was written by canon {saved.canon_version}; this is canon {__version__}")
    ref = settings.ref or (saved.schema_ref if saved else None)
    if saved is None and not settings.dry_run and project.only_tenant is None:
        loaded = _apply_to_empty(live_url, project, ref, settings, lock_wait, warn, report)
        if loaded is not None:
            return loaded
    with (
        workspace(live_url, project, warn, ref=ref) as ws,
        apply_lock(live_url, lock_wait, report) as lock,
    ):
        for settled in recovery.settle_abandoned(lock):
            warn(f"apply #{settled.apply_id} was {settled.summary}")
        plan = _current_plan(
            live_url, ws.target_url, ws.source, saved, settings, ws.commit, warn, ws.prefetched
        )
        if plan.empty:
            return ApplyResult(plan, applied=False, dry_run=settings.dry_run)
        _refuse_unallowed(plan, settings.allow_hazards)
        _refuse_certain_failures(plan)
        rehearse(
            live_url, plan.steps, ws.target_url, warn, ws.source.in_scope, plan.live_fingerprint
        )
        if settings.dry_run:
            return ApplyResult(plan, applied=True, dry_run=True)
        return _execute(live_url, lock, plan, settings, plan_file, _Target.of(ws), warn, report)


@dataclass(frozen=True)
class _Target:
    """The scratch database a plan was made for, the files it holds, their inputs digest."""

    url: DatabaseUrl
    source: SchemaSource
    inputs: str | None  # None: no convergence record is made (a fleet's shared plan)

    @staticmethod
    def of(ws: Workspace) -> _Target:
        return _Target(ws.target_url, ws.source, ws.inputs)


def apply_rehearsed(
    live_url: DatabaseUrl,
    plan: Plan,
    settings: Settings,
    target_url: DatabaseUrl,
    source: SchemaSource,
    plan_file: Path | None = None,
    warn: Warn = ignore,
    report: Warn = ignore,
) -> ApplyResult:
    """Apply ``plan``, made and rehearsed on a database with live's fingerprint, to live.

    A fleet plans and rehearses once for all its databases of one fingerprint; each of
    them still gets its own apply lock, what is at stake measured on its own rows, the
    check that its schema is the one planned for, and its own journal.
    """
    check_timeouts(settings.timeouts)
    lock_wait = seconds("--apply-lock-wait", settings.apply_lock_wait)
    with apply_lock(live_url, lock_wait, report) as lock:
        for settled in recovery.settle_abandoned(lock):
            warn(f"apply #{settled.apply_id} was {settled.summary}")
        unmeasured = tuple(replace(s, at_stake=()) for s in plan.statements)
        with db.reading(live_url) as live_conn:
            plan = with_stakes(replace(plan, statements=unmeasured), live_conn)
        _refuse_certain_failures(plan)
        if settings.dry_run:
            return ApplyResult(plan, applied=True, dry_run=True)
        target = _Target(target_url, source, None)
        return _execute(live_url, lock, plan, settings, plan_file, target, warn, report)


def _execute(
    live_url: DatabaseUrl,
    lock: psycopg.Connection,
    plan: Plan,
    settings: Settings,
    plan_file: Path | None,
    target: _Target,
    warn: Warn,
    report: Warn,
) -> ApplyResult:
    """Run a plan that passed its checks and its rehearsal on live, holding ``lock``, journaled."""
    _check_unchanged(live_url, plan)
    taken = backup(live_url, settings.backup_to) if settings.backup_to else None
    with interrupts.catching() as stop:
        if plan.tenants:
            outcomes = _fan_out(live_url, plan, plan_file, settings, lock, stop, report)
            converged = not _any_failed(outcomes)
            return ApplyResult(
                plan,
                applied=True,
                dry_run=False,
                backup=taken,
                tenants=tuple(outcomes),
                residuals=()
                if stop.requested
                else _converged(lock, live_url, target, warn, None, record=converged),
                interrupted_by=stop.received,
                steps=len(plan.steps),
            )
        record = ApplyRecord(
            plan.plan_hash,
            plan.recorded_sql,
            plan.schema_digest,
            plan.live_fingerprint,
            str(plan_file) if plan_file else None,
            settings.run_id,
        )
        journal = Journal(lock, record, plan.steps)
        _run(live_url, plan, settings, journal, stop, warn, report)
        residuals = _after_every_step(lock, live_url, target, warn, stop, journal, len(plan.steps))
    return ApplyResult(
        plan,
        applied=True,
        dry_run=False,
        apply_id=journal.apply_id,
        backup=taken,
        residuals=residuals,
        steps=len(plan.steps),
    )


def _after_every_step(
    lock: psycopg.Connection,
    live_url: DatabaseUrl,
    target: _Target,
    warn: Warn,
    stop: Interrupts,
    journal: Journal,
    total: int,
) -> tuple[catalog.Residual, ...]:
    """Residual differences; a stop asked for by now must not read as "nothing was changed"."""
    try:
        residuals = (
            () if stop.requested else _converged(lock, live_url, target, warn, journal.apply_id)
        )
    except KeyboardInterrupt:
        pass
    else:
        if not stop.requested:
            return residuals
    raise ApplyInterrupted(
        f"apply #{journal.apply_id} interrupted by {stop.signal_name} after its "
        f"last step: {step_summary(['done'] * total)}",
        exit_code(stop.received),
        journal.apply_id,
    )


def _fan_out(
    live_url: DatabaseUrl,
    plan: Plan,
    plan_file: Path | None,
    settings: Settings,
    lock: psycopg.Connection,
    stop: Interrupts,
    report: Warn,
) -> list[TenantOutcome]:
    try:
        return apply_by_tenant(
            live_url,
            [s.sql for s in plan.statements],
            plan.tenants,
            settings.timeouts,
            settings.fan_out,
            _TenantJournals(lock, plan, plan_file, settings.run_id),
            stop,
            report,
        )
    except KeyboardInterrupt:  # a second signal: no time to settle anything
        raise ApplyInterrupted(
            "interrupted twice while applying tenants and stopped at once; the next canon "
            "command settles their records from the catalog (canon history)",
            exit_code(stop.received),
        ) from None


def _converged(
    lock: psycopg.Connection,
    live_url: DatabaseUrl,
    target: _Target,
    warn: Warn,
    apply_id: int | None,
    record: bool = True,
) -> tuple[catalog.Residual, ...]:
    """What the catalogs still show as different once the plan ran (within --tenant's scope).

    When nothing does and live provably matches the files, that is recorded on live.
    """
    try:
        outcome = convergence.after_apply(live_url, target.url, target.source, target.inputs)
        if record and outcome.record is not None:
            convergence.remember(lock, outcome.record, apply_id)
    except (psycopg.Error, DatabaseError) as exc:
        # Every step committed: a server lost now does not make the apply a failure.
        reason = db.failure(exc) if isinstance(exc, psycopg.Error) else exc
        warn(f"could not look for differences left after the apply: {reason}")
        return ()
    return outcome.residuals


def _apply_to_empty(
    live_url: DatabaseUrl,
    project: Project,
    ref: str | None,
    settings: Settings,
    lock_wait: float,
    warn: Warn,
    report: Warn,
) -> ApplyResult | None:
    """The files loaded as they are, when live holds nothing yet (``fresh``); else None."""
    with apply_lock(live_url, lock_wait, report) as lock:
        for settled in recovery.settle_abandoned(lock):
            warn(f"apply #{settled.apply_id} was {settled.summary}")
        loaded = fresh.apply_files(
            live_url,
            lock,
            project,
            ref,
            settings.allow_hazards,
            settings.timeouts,
            settings.backup_to,
            warn,
        )
    if loaded is None:
        return None
    return ApplyResult(
        loaded.plan,
        applied=True,
        dry_run=False,
        apply_id=loaded.apply_id,
        backup=loaded.backup,
        steps=1,
    )


def _any_failed(outcomes: Sequence[TenantOutcome]) -> bool:
    return any(o.status in (FAILED, INTERRUPTED) for o in outcomes)


def _current_plan(
    live_url: DatabaseUrl,
    target_url: DatabaseUrl,
    source: SchemaSource,
    saved: Plan | None,
    settings: Settings,
    commit: str | None,
    warn: Warn,
    prefetched: Prefetched,
) -> Plan:
    # Connections close before anything runs, so no lock taken while planning lingers.
    with db.reading(live_url) as live_conn, db.reading(target_url) as target_conn:
        if saved is None:
            options = PlanOptions(
                concurrently=settings.concurrently, measure=True, schema_ref=commit
            )
            return make_plan(live_url, live_conn, target_conn, source, options, warn, prefetched)
        _check_fresh(saved, source.digest, live_conn)
        sqls = [s.sql for s in saved.statements]
        # Classified again: deleting a "-- hazard:" comment cannot bypass a refusal.
        statements = tuple(
            replace(fresh, by_hand=old.by_hand)
            for fresh, old in zip(
                classified(sqls, live_conn, [s.line for s in saved.statements]),
                saved.statements,
                strict=True,
            )
        )
        return with_stakes(replace(saved, statements=statements), live_conn)


def _check_fresh(plan: Plan, schema_digest: str, live_conn: Connection) -> None:
    live_major = db.server_version(live_conn) // 10000
    if plan.server_version and plan.server_version // 10000 != live_major:
        raise StalePlan(
            f"stale plan: it was written for PostgreSQL {plan.server_version // 10000} "
            f"and the live server runs PostgreSQL {live_major}; plan again"
        )
    if plan.schema_digest != schema_digest:
        raise StalePlan("stale plan: the schema files changed since it was written; plan again")
    if plan.live_fingerprint != fingerprint(live_conn, EXCLUDED_SCHEMAS):
        raise StalePlan("stale plan: the live database changed since it was written; plan again")


def _check_unchanged(live_url: DatabaseUrl, plan: Plan) -> None:
    with db.reading(live_url) as live_conn:
        current = fingerprint(live_conn, EXCLUDED_SCHEMAS)
    if current != plan.live_fingerprint:
        raise StalePlan(
            "stale plan: the live database changed while the plan was rehearsed; plan again"
        )


def _refuse_unallowed(plan: Plan, allowed: frozenset[str]) -> None:
    refused = [name for name in plan.hazard_names if name not in allowed]
    if refused:
        raise HazardRefused(refused)


def _refuse_certain_failures(plan: Plan) -> None:
    # The rehearsal copies the schema, not the data: rows that a new NOT NULL, CHECK,
    # foreign key or unique index would reject, and values a type change would alter, are
    # counted on live and stop the apply here, whatever hazards were allowed.
    failing = plan.failing_stakes
    if failing:
        statement, stake = failing[0]
        raise PlanRefused(
            _one_line(statement.sql),
            str(stake),
            "the statement would fail on the live data, or change it; fix the data (or the "
            "files) and plan again",
        )


def _run(
    live_url: DatabaseUrl,
    plan: Plan,
    settings: Settings,
    journal: Journal,
    stop: Interrupts,
    warn: Warn,
    report: Warn,
) -> None:
    total = len(plan.steps)
    try:
        _run_steps(live_url, plan, settings, journal, stop, report)
    except StepFailed as failed:
        message = failure_message(failed.failure, total, journal.apply_id)
        _finish(live_url, journal, message, "failed", warn)
        raise ApplyFailed(message, failed.failure.sqlstate, journal.apply_id) from None
    except Halted as halted:
        message = halt_message(halted.halt, total, journal.apply_id)
        _finish(live_url, journal, message, "interrupted", warn, halted.halt)
        code = exit_code(halted.halt.signal)
        raise ApplyInterrupted(message, code, journal.apply_id) from None
    except KeyboardInterrupt:  # a second signal: no time to settle anything
        code = exit_code(stop.received)
        raise ApplyInterrupted(_hurried_message(journal, total), code, journal.apply_id) from None
    _finish(live_url, journal, None, "applied", warn)


def _run_steps(
    live_url: DatabaseUrl,
    plan: Plan,
    settings: Settings,
    journal: Journal,
    stop: Interrupts,
    report: Warn,
) -> None:
    """``run_steps`` with the journal as listener, watched for slow steps when asked."""
    if settings.progress is None:
        run_steps(live_url, plan.steps, settings.timeouts, journal, stop, report)
        return
    watched = Watched(journal, settings.progress, len(plan.steps))
    try:
        run_steps(live_url, plan.steps, settings.timeouts, watched, stop, report)
    finally:
        # However the run ends, no progress line may follow its outcome.
        watched.close()


def exit_code(signum: int | None) -> int:
    """The exit code of an apply stopped by ``signum`` (1 when no signal stopped it)."""
    return SIGNAL_EXIT.get(signum or 0, 1)


def _finish(
    live_url: DatabaseUrl,
    journal: Journal,
    message: str | None,
    outcome: str,
    warn: Warn,
    halt: Halt | None = None,
) -> None:
    """Record the outcome (and the halted step), on a new connection if the journal's was lost."""
    try:
        _record(journal, message, outcome, halt)
        return
    except psycopg.Error:
        pass
    try:
        with db.connect(live_url, autocommit=True) as conn:
            _record(journal.reattach(conn), message, outcome, halt)
    except (psycopg.Error, DatabaseError) as exc:
        reason = db.failure(exc) if isinstance(exc, psycopg.Error) else exc
        warn(
            f"the journal could not record how apply #{journal.apply_id} ended ({reason}); "
            "the next canon command settles its record from the catalog"
        )


def _record(journal: Journal, message: str | None, outcome: str, halt: Halt | None) -> None:
    if halt is not None:
        journal.step_halted(halt)
    journal.finish(message, outcome)


def _hurried_message(journal: Journal, total: int) -> str:
    try:
        statuses = [status for _, status in journal.step_statuses()]
    except psycopg.Error:
        statuses = []
    known = f": {step_summary(statuses)}" if statuses else ""
    return (
        f"apply #{journal.apply_id} interrupted twice and stopped at once{known}; "
        "the next canon command settles its record from the catalog (canon history)"
    )


class _TenantJournals:
    """Each tenant's part of the plan is journaled as an apply of its own."""

    def __init__(
        self, lock: psycopg.Connection, plan: Plan, plan_file: Path | None, run_id: str | None
    ) -> None:
        self.lock, self.plan, self.plan_file, self.run_id = lock, plan, plan_file, run_id

    def open(
        self, tenant: Tenant | None, statements: Sequence[str], steps: Sequence[Step]
    ) -> Journal:
        part = f"-- tenant {tenant.id}\n" if tenant else "-- shared objects\n"
        sql = part + "".join(" ".join(s.split()) + ";\n" for s in statements)
        record = ApplyRecord(
            self.plan.plan_hash,
            sql,
            self.plan.schema_digest,
            self.plan.live_fingerprint,
            str(self.plan_file) if self.plan_file else None,
            self.run_id,
        )
        return Journal(self.lock, record, steps)

    def close(
        self, listener: Listener, ended: StepFailed | Halted | None, total: int
    ) -> str | None:
        assert isinstance(listener, Journal)
        if isinstance(ended, Halted):
            message = halt_message(ended.halt, total, listener.apply_id)
            with contextlib.suppress(psycopg.Error):
                listener.finish(message, "interrupted")
            return message
        failed = failure_message(ended.failure, total, listener.apply_id) if ended else None
        listener.finish(failed)
        return failed


def failure_message(failure: StepError, total: int, apply_id: int) -> str:
    """Exactly what ran and what did not, from the failing step's place in the plan."""
    n = failure.step.number
    tries = f" after {failure.attempts} attempts" if failure.attempts > 1 else ""
    kept = f"steps 1-{n - 1} committed" if n > 2 else ("step 1 committed" if n == 2 else "")
    undone = "rolled back" if failure.step.transactional else "did not complete"
    parts = [
        f"apply #{apply_id} failed at step {n} of {total}{tries} "
        f"({_one_line(failure.statement)}): {failure.message}",
        kept,
        f"step {n} {undone}",
        failure.cleanup or "",
        f"steps {n + 1}-{total} did not run" if n < total else "",
        "see canon history",
    ]
    return "; ".join(p for p in parts if p)


# What a halted step's state says of it, in a message.
_HALTED = {
    ROLLED_BACK: "rolled back",
    INCOMPLETE: "incomplete",
    UNKNOWN: "running",
    NOT_STARTED: "pending",
    COMMITTED: "done",
}


def halt_message(halt: Halt, total: int, apply_id: int) -> str:
    """Where a stopped apply left the database, step by step, as far as canon knows."""
    n = halt.step.number
    where = {NOT_STARTED: "before", COMMITTED: "after"}.get(halt.state, "during")
    statuses = ["done"] * (n - 1) + [_HALTED[halt.state]] + ["pending"] * (total - n)
    parts = [
        f"apply #{apply_id} {halt.cause} {where} step {n} of {total} "
        f"({_one_line(halt.step.statements[0])})",
        step_summary(statuses),
        halt.cleanup or "",
        "canon history shows the record, and canon apply finishes the plan"
        if halt.state != UNKNOWN
        else "the next canon command settles the record from the catalog (canon history)",
    ]
    return "; ".join(p for p in parts if p)


def _one_line(sql: str) -> str:
    text = " ".join(sql.split()).rstrip(";")
    return text if len(text) <= 120 else text[:117] + "..."
