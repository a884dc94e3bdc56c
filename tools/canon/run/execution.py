"""Running a plan's steps on live under the journal, and the messages that say how far an
apply got: which steps committed, which rolled back, which never ran."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Sequence
from pathlib import Path

import psycopg

from canon.errors import ApplyFailed, ApplyInterrupted, DatabaseError, Warn
from canon.files.tenants import Tenant
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.plan.model import Plan
from canon.plan.steps import Step
from canon.run.interrupts import Interrupts
from canon.run.journal import ApplyRecord, Journal, step_summary
from canon.run.progress import Report, Watched
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
    run_steps,
)

# Exit codes of an apply stopped by a signal: 128 + the signal's number, as shells report.
SIGNAL_EXIT: dict[int, int] = {signal.SIGINT.value: 130, signal.SIGTERM.value: 143}


def run_journaled(
    live_url: DatabaseUrl,
    plan: Plan,
    timeouts: Timeouts,
    progress: Report | None,
    journal: Journal,
    stop: Interrupts,
    warn: Warn,
    report: Warn,
) -> None:
    """Run the plan's steps on live, then record how the apply ended; raise if it did not finish."""
    total = len(plan.steps)
    try:
        _run_steps(live_url, plan, timeouts, progress, journal, stop, report)
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
    timeouts: Timeouts,
    progress: Report | None,
    journal: Journal,
    stop: Interrupts,
    report: Warn,
) -> None:
    """``run_steps`` with the journal as listener, watched for slow steps when asked."""
    if progress is None:
        run_steps(live_url, plan.steps, timeouts, journal, stop, report)
        return
    watched = Watched(journal, progress, len(plan.steps))
    try:
        run_steps(live_url, plan.steps, timeouts, watched, stop, report)
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


class TenantJournals:
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
        f"({one_line(failure.statement)}): {failure.message}",
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
        f"({one_line(halt.step.statements[0])})",
        step_summary(statuses),
        halt.cleanup or "",
        "canon history shows the record, and canon apply finishes the plan"
        if halt.state != UNKNOWN
        else "the next canon command settles the record from the catalog (canon history)",
    ]
    return "; ".join(p for p in parts if p)


def one_line(sql: str) -> str:
    """A statement on one line, cut to 120 characters, for a message."""
    text = " ".join(sql.split()).rstrip(";")
    return text if len(text) <= 120 else text[:117] + "..."
