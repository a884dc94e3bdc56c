"""Applying a plan safely.

In order: read the files (at a git revision when asked), take canon's advisory lock so
two applies never interleave, plan (or check that a saved plan is still fresh and
classify it again), refuse hazards that were not allowed, rehearse the plan on a copy
of the live schema, optionally take a backup, then run it step by step under lock and
statement timeouts, journaling every step and recording the apply in ``canon.applies``.
Nothing before the run changes the live database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg

from canon import __version__
from canon.diff import catalog
from canon.diff.fingerprint import fingerprint
from canon.errors import ApplyFailed, DatabaseError, HazardRefused, PlanRefused, StalePlan, Warn
from canon.files.project import Project
from canon.files.sources import SchemaSource
from canon.files.tenants import Tenant
from canon.inspection.prefetch import Prefetched
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.backup import Backup, backup
from canon.pg.db import Connection
from canon.pg.dburl import DatabaseUrl
from canon.plan.model import Plan, PlanOptions
from canon.plan.pipeline import classified, make_plan, with_stakes
from canon.plan.planfile import read_plan_file
from canon.plan.steps import Step
from canon.plan.workspace import workspace
from canon.run.fanout import FAILED, FanOut, TenantOutcome, apply_by_tenant
from canon.run.journal import ApplyRecord, Journal
from canon.run.progress import Report, Watched
from canon.run.rehearsal import rehearse
from canon.run.runner import (
    Listener,
    StepError,
    StepFailed,
    Timeouts,
    check_duration,
    check_timeouts,
    run_steps,
)

# Two applies on one database never interleave: they queue on this advisory lock.
APPLY_LOCK_KEY = 0x63616E6F6E  # "canon"


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

    @property
    def failed(self) -> bool:
        return any(t.status == FAILED for t in self.tenants)


def apply_plan(
    live_url: DatabaseUrl,
    project: Project,
    plan_file: Path | None,
    settings: Settings,
    warn: Warn,
) -> ApplyResult:
    """Apply ``plan_file`` (or a fresh plan) to live, or raise and change nothing."""
    saved = read_plan_file(plan_file) if plan_file else None
    if saved is not None and saved.canon_version != __version__:
        warn(f"{plan_file} was written by canon {saved.canon_version}; this is canon {__version__}")
    ref = settings.ref or (saved.schema_ref if saved else None)
    with (
        workspace(live_url, project, warn, ref=ref) as ws,
        apply_lock(live_url, settings.apply_lock_wait) as lock,
    ):
        check_timeouts(lock, settings.timeouts)
        plan = _current_plan(
            live_url, ws.target_url, ws.source, saved, settings, ws.commit, warn, ws.prefetched
        )
        if plan.empty:
            return ApplyResult(plan, applied=False, dry_run=settings.dry_run)
        _refuse_unallowed(plan, settings.allow_hazards)
        _refuse_certain_failures(plan)
        rehearse(live_url, plan.steps, ws.target_url, warn, ws.source.in_scope)
        if settings.dry_run:
            return ApplyResult(plan, applied=True, dry_run=True)
        _check_unchanged(live_url, plan)
        taken = backup(live_url, settings.backup_to) if settings.backup_to else None
        if plan.tenants:
            outcomes = apply_by_tenant(
                live_url,
                [s.sql for s in plan.statements],
                plan.tenants,
                settings.timeouts,
                settings.fan_out,
                _TenantJournals(lock, plan, plan_file),
            )
            return ApplyResult(
                plan,
                applied=True,
                dry_run=False,
                backup=taken,
                tenants=tuple(outcomes),
                residuals=_residuals(live_url, ws.target_url, ws.source),
            )
        record = ApplyRecord(
            plan.plan_hash,
            plan.recorded_sql,
            plan.schema_digest,
            plan.live_fingerprint,
            str(plan_file) if plan_file else None,
        )
        journal = Journal(lock, record, plan.steps)
        _run(live_url, plan, settings, journal)
        return ApplyResult(
            plan,
            applied=True,
            dry_run=False,
            apply_id=journal.apply_id,
            backup=taken,
            residuals=_residuals(live_url, ws.target_url, ws.source),
        )


def _residuals(
    live_url: DatabaseUrl, target_url: DatabaseUrl, source: SchemaSource
) -> tuple[catalog.Residual, ...]:
    """What the catalogs still show as different once the plan ran (within --tenant's scope)."""
    with db.reading(live_url) as live_conn, db.reading(target_url) as target_conn:
        found = catalog.residuals(live_conn, target_conn, EXCLUDED_SCHEMAS)
    return tuple(r for r in found if source.owns_schema(r.schema))


@contextlib.contextmanager
def apply_lock(live_url: DatabaseUrl, wait: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection holding canon's session advisory lock on live."""
    with db.connect(live_url, autocommit=True) as conn:
        check_duration(conn, "--apply-lock-wait", wait)
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (wait,))
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (APPLY_LOCK_KEY,))
        except psycopg.errors.LockNotAvailable:
            raise DatabaseError(
                "another canon apply is running on this database; "
                f"waited {wait}, try again when it has finished"
            ) from None
        conn.execute("RESET lock_timeout")
        try:
            yield conn
        finally:
            with contextlib.suppress(psycopg.Error):
                conn.execute("SELECT pg_advisory_unlock(%s)", (APPLY_LOCK_KEY,))


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
    # foreign key or unique index would reject are counted on live and stop the apply here.
    failing = plan.failing_stakes
    if failing:
        statement, stake = failing[0]
        raise PlanRefused(
            _one_line(statement.sql),
            str(stake),
            "the statement would fail on the live data; fix the data (or the files) and plan again",
        )


def _run(live_url: DatabaseUrl, plan: Plan, settings: Settings, journal: Journal) -> None:
    listener: Listener = journal
    if settings.progress is not None:
        listener = Watched(journal, settings.progress, len(plan.steps))
    try:
        run_steps(live_url, plan.steps, settings.timeouts, listener)
    except StepFailed as failed:
        message = failure_message(failed.failure, len(plan.steps), journal.apply_id)
        journal.finish(message)
        raise ApplyFailed(message, failed.failure.sqlstate, journal.apply_id) from None
    except BaseException:
        # Interrupted (Ctrl-C) or the database went away: record it if we still can.
        with contextlib.suppress(Exception):
            journal.finish("interrupted before every step ran; see the steps' status")
        raise
    journal.finish()


class _TenantJournals:
    """Each tenant's part of the plan is journaled as an apply of its own."""

    def __init__(self, lock: psycopg.Connection, plan: Plan, plan_file: Path | None) -> None:
        self.lock, self.plan, self.plan_file = lock, plan, plan_file

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
        )
        return Journal(self.lock, record, steps)

    def close(self, listener: Listener, failed: StepFailed | None, total: int) -> str | None:
        assert isinstance(listener, Journal)
        message = failure_message(failed.failure, total, listener.apply_id) if failed else None
        listener.finish(message)
        return message


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


def _one_line(sql: str) -> str:
    text = " ".join(sql.split()).rstrip(";")
    return text if len(text) <= 120 else text[:117] + "..."
