"""Fan-out: a tenant plan applied tenant by tenant, a canary first, with bounded concurrency.

Shared objects go first, in one run: tenants may depend on them. Then the canary
tenant alone, so a plan that breaks on real data breaks once. Then the other
tenants, a few at a time. By default the first failure stops new tenants from
starting (those already running finish); ``continue_on_error`` runs them all.
Each tenant's steps are journaled as an apply of their own, so history says exactly
which tenants changed. A stop asked for (Ctrl-C) or a lost connection halts every
tenant that is running at its next statement boundary, and starts no other.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import psycopg

from canon.errors import Warn, ignore
from canon.files.tenancy import group_by_tenant
from canon.files.tenants import Tenant
from canon.pg.dburl import DatabaseUrl
from canon.plan.steps import Step, group
from canon.run.interrupts import Interrupts
from canon.run.runner import Halt, Halted, Listener, StepError, StepFailed, Timeouts, run_steps

APPLIED, UNCHANGED, FAILED, SKIPPED = "applied", "unchanged", "failed", "skipped"
INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class FanOut:
    concurrency: int = 4
    canary: str | None = None  # default: the first tenant with changes
    continue_on_error: bool = False


@dataclass(frozen=True)
class TenantOutcome:
    tenant: str  # "" for the shared objects
    status: str
    detail: str = ""


class Recorder(Protocol):
    """Opens the journal of one group of steps and closes it with its outcome."""

    def open(
        self, tenant: Tenant | None, statements: Sequence[str], steps: Sequence[Step]
    ) -> Listener: ...

    def close(
        self, listener: Listener, ended: StepFailed | Halted | None, total: int
    ) -> str | None:
        """Record the outcome; return the message describing a failure or a halt."""
        ...


def apply_by_tenant(
    live: DatabaseUrl,
    statements: Sequence[str],
    tenants: Sequence[Tenant],
    timeouts: Timeouts,
    fan: FanOut,
    recorder: Recorder,
    interrupts: Interrupts | None = None,
    report: Warn = ignore,
) -> list[TenantOutcome]:
    """Run the plan group by group; return what happened to the shared part and each tenant."""
    stop_asked = interrupts or Interrupts()
    groups = {
        owner.id if owner else "": sqls for owner, sqls in group_by_tenant(statements, tenants)
    }
    lock = threading.Lock()  # journal rows are written on one connection

    def run_group(tenant: Tenant | None) -> TenantOutcome:
        name = tenant.id if tenant else ""
        steps = group(groups[name])
        with lock:
            listener = recorder.open(tenant, groups[name], steps)
        try:
            run_steps(live, steps, timeouts, _Serialized(listener, lock), stop_asked, report)
        except StepFailed as failed:
            with lock:
                message = recorder.close(listener, failed, len(steps)) or str(failed)
            return TenantOutcome(name, FAILED, message)
        except Halted as halted:
            with lock:
                message = recorder.close(listener, halted, len(steps)) or str(halted)
            return TenantOutcome(name, INTERRUPTED, message)
        with lock:
            recorder.close(listener, None, len(steps))
        return TenantOutcome(name, APPLIED)

    outcomes: list[TenantOutcome] = []
    if "" in groups:
        shared = run_group(None)
        outcomes.append(shared)
        if shared.status in (FAILED, INTERRUPTED):
            return outcomes + [
                TenantOutcome(t.id, SKIPPED, f"shared objects {shared.status}") for t in tenants
            ]
    ordered = _canary_first(tenants, groups, fan.canary)
    changed = [t for t in ordered if t.id in groups]
    results: dict[str, TenantOutcome] = {
        t.id: TenantOutcome(t.id, UNCHANGED) for t in ordered if t.id not in groups
    }
    if changed:
        canary = run_group(changed[0])
        results[canary.tenant] = canary
        stop = threading.Event()
        if _stops_others(canary, fan):
            stop.set()

        def worker(tenant: Tenant) -> TenantOutcome:
            if stop_asked.requested:
                return TenantOutcome(tenant.id, SKIPPED, "the apply was interrupted")
            if stop.is_set():
                return TenantOutcome(tenant.id, SKIPPED, "an earlier tenant failed")
            outcome = run_group(tenant)
            if _stops_others(outcome, fan):
                stop.set()
            return outcome

        with ThreadPoolExecutor(max_workers=max(1, fan.concurrency)) as pool:
            for outcome in pool.map(worker, changed[1:]):
                results[outcome.tenant] = outcome
    return outcomes + [results[t.id] for t in ordered]


def _stops_others(outcome: TenantOutcome, fan: FanOut) -> bool:
    # A halt (a signal, a lost connection) stops everyone; a failure, unless told otherwise.
    return outcome.status == INTERRUPTED or (outcome.status == FAILED and not fan.continue_on_error)


def _canary_first(
    tenants: Sequence[Tenant], groups: dict[str, list[str]], canary: str | None
) -> list[Tenant]:
    if canary is None:
        return list(tenants)
    chosen = [t for t in tenants if t.id == canary]
    if not chosen:
        from canon.errors import ConfigError

        raise ConfigError(f"canary tenant {canary!r} is not in the tenant list")
    return chosen + [t for t in tenants if t.id != canary]


class _Serialized:
    """A listener whose calls take the journal lock (threads share its connection)."""

    def __init__(self, inner: Listener, lock: threading.Lock) -> None:
        self.inner, self.lock = inner, lock

    def session_started(self, runner: psycopg.Connection) -> None:
        with self.lock:
            self.inner.session_started(runner)

    def step_started(self, step: Step, attempt: int) -> None:
        with self.lock:
            self.inner.step_started(step, attempt)

    def step_committing(self, runner: psycopg.Connection, step: Step, attempts: int) -> None:
        # On the tenant's own connection: nothing shared to serialize.
        self.inner.step_committing(runner, step, attempts)

    def step_done(self, step: Step, attempts: int) -> None:
        with self.lock:
            self.inner.step_done(step, attempts)

    def step_failed(self, failure: StepError) -> None:
        with self.lock:
            self.inner.step_failed(failure)

    def step_halted(self, halt: Halt) -> None:
        with self.lock:
            self.inner.step_halted(halt)

    def committed(self, conn: psycopg.Connection, step: Step) -> bool:
        return self.inner.committed(conn, step)
