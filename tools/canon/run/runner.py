"""Running steps: every statement under lock_timeout and statement_timeout, lock waits retried.

A step that fails leaves nothing of itself behind: a transactional step is rolled back,
and an index that a failed ``CREATE INDEX CONCURRENTLY`` left invalid is dropped, under
the lock timeout and retried like a step (what could not be dropped is said). A lock
timeout (or a deadlock) is retried with a growing pause, because the blocking session
usually finishes soon; any other error ends the run at once.

A run also ends early without a failing statement: when asked to stop (``Interrupts``:
the running statement is cancelled, the open step rolled back, no further step starts)
or when a connection to the server is lost. ``Halted`` then says where the run stood
and what became of the step that was open, as far as the server lets canon know.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import psycopg

from canon.errors import CanonError, Warn, ignore
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.pg.durations import seconds
from canon.plan.steps import Step
from canon.run.evidence import built_concurrently, dropped_concurrently, index_valid
from canon.run.interrupts import Interrupts

# SQLSTATEs worth waiting out: lock_not_available (lock_timeout) and deadlock_detected.
RETRYABLE = frozenset({"55P03", "40P01"})
QUERY_CANCELED = "57014"
# How often the server checks, during a statement, that canon is still connected: a
# canon killed mid-step must not leave its statement running on the server.
CLIENT_CHECK_INTERVAL = "1s"

# What became of the step that was open when a run halted.
NOT_STARTED = "not started"
COMMITTED = "committed"
ROLLED_BACK = "rolled back"
INCOMPLETE = "incomplete"  # a concurrent statement stopped half-way and left something
UNKNOWN = "unknown"  # the connection was lost while the step committed


@dataclass(frozen=True)
class Timeouts:
    """Limits for each statement; values use PostgreSQL's units (``5s``, ``500ms``, ``0``)."""

    lock_timeout: str = "5s"
    statement_timeout: str = "30min"
    lock_retries: int = 3
    retry_backoff: float = 1.0  # seconds before the first retry; doubled each time

    def backoff(self, attempt: int) -> float:
        return float(self.retry_backoff * 2 ** (attempt - 1))


@dataclass(frozen=True)
class StepError:
    step: Step
    statement: str
    message: str
    sqlstate: str | None
    attempts: int
    cleanup: str | None  # what was undone after the failure, if anything


@dataclass(frozen=True)
class Halt:
    """Where a run stopped early, and why."""

    step: Step  # the step that was open, or would have run next
    state: str  # what became of it: NOT_STARTED, COMMITTED, ROLLED_BACK, INCOMPLETE, UNKNOWN
    cause: str  # "interrupted by SIGINT", "lost the connection to the server (…)"
    signal: int | None = None
    cleanup: str | None = None


class Listener(Protocol):
    def session_started(self, runner: psycopg.Connection) -> None: ...
    def step_started(self, step: Step, attempt: int) -> None: ...
    def step_committing(self, runner: psycopg.Connection, step: Step, attempts: int) -> None: ...
    def step_done(self, step: Step, attempts: int) -> None: ...
    def step_failed(self, failure: StepError) -> None: ...
    def step_halted(self, halt: Halt) -> None: ...
    def committed(self, conn: psycopg.Connection, step: Step) -> bool: ...


class Quiet:
    """A listener that records nothing (rehearsals)."""

    def session_started(self, runner: psycopg.Connection) -> None:
        pass

    def step_started(self, step: Step, attempt: int) -> None:
        pass

    def step_committing(self, runner: psycopg.Connection, step: Step, attempts: int) -> None:
        pass

    def step_done(self, step: Step, attempts: int) -> None:
        pass

    def step_failed(self, failure: StepError) -> None:
        pass

    def step_halted(self, halt: Halt) -> None:
        pass

    def committed(self, conn: psycopg.Connection, step: Step) -> bool:
        return False


class StepFailed(Exception):
    """Raised by ``run_steps``; the caller turns it into a user-facing error."""

    def __init__(self, failure: StepError) -> None:
        super().__init__(failure.message)
        self.failure = failure


class Halted(Exception):
    """Raised by ``run_steps`` when the run stopped early without a failing statement."""

    def __init__(self, halt: Halt) -> None:
        super().__init__(halt.cause)
        self.halt = halt


def check_timeouts(timeouts: Timeouts) -> None:
    """Refuse values PostgreSQL would reject, before anything has run."""
    seconds("--lock-timeout", timeouts.lock_timeout)
    seconds("--statement-timeout", timeouts.statement_timeout)


def run_steps(
    url: DatabaseUrl,
    steps: Sequence[Step],
    timeouts: Timeouts,
    listener: Listener,
    interrupts: Interrupts | None = None,
    report: Warn = ignore,
) -> None:
    """Run ``steps`` in order on ``url``; stop at the first step that fails for good.

    Raises ``StepFailed`` for a failing step and ``Halted`` when the run stops early.
    ``report`` hears of each retry before its pause, so that no pause is silent.
    """
    if not steps:
        return
    stop = interrupts or Interrupts()
    try:
        conn = db.connect(url, autocommit=True)
    except CanonError as exc:
        raise Halted(Halt(steps[0], NOT_STARTED, str(exc))) from None
    with conn:
        try:
            _prepare_session(conn, timeouts)
        except psycopg.Error as exc:
            raise Halted(Halt(steps[0], NOT_STARTED, _lost(exc))) from None
        _tell(listener.session_started, steps[0], NOT_STARTED, conn)
        for step in steps:
            _run_with_retries(url, conn, step, timeouts, listener, stop, report)


def _prepare_session(conn: psycopg.Connection, timeouts: Timeouts) -> None:
    conn.execute("SELECT set_config('lock_timeout', %s, false)", (timeouts.lock_timeout,))
    conn.execute("SELECT set_config('statement_timeout', %s, false)", (timeouts.statement_timeout,))
    _check_client(conn)


def _check_client(conn: psycopg.Connection) -> None:
    """Have the server end this session's statement soon after canon goes away (PostgreSQL 14+)."""
    if db.server_version(conn) < 140000:
        return
    # Some platforms lack the check; the setting is then refused, and canon does without.
    with contextlib.suppress(psycopg.errors.InvalidParameterValue):
        conn.execute(
            "SELECT set_config('client_connection_check_interval', %s, false)",
            (CLIENT_CHECK_INTERVAL,),
        )


def _run_with_retries(
    url: DatabaseUrl,
    conn: psycopg.Connection,
    step: Step,
    timeouts: Timeouts,
    listener: Listener,
    stop: Interrupts,
    report: Warn,
) -> None:
    attempt = 1
    while True:
        _tell(listener.step_started, step, NOT_STARTED, step, attempt)
        if stop.requested:  # asked meanwhile; a step tried before was rolled back
            state = NOT_STARTED if attempt == 1 else ROLLED_BACK
            _halt(listener, Halt(step, state, _interrupted(stop), stop.received))
        try:
            _run_step(conn, step, listener, attempt, stop)
        except _Stopping:
            _halt(listener, Halt(step, ROLLED_BACK, _interrupted(stop), stop.received))
        except _Lost as lost:
            _halt(listener, _after_lost_connection(url, step, lost, listener, timeouts))
        except _Failed as failed:
            cancelled = stop.requested and failed.error.sqlstate == QUERY_CANCELED
            # Asked to stop: one attempt at the clean-up, the next apply finishes it.
            cleanup = _clean_up(
                conn, failed.statement, timeouts if not cancelled else _ONCE, report
            )
            if cancelled:
                cleanup = cleanup or _left_by_drop(conn, failed.statement)
                state = INCOMPLETE if cleanup and not cleanup.complete else ROLLED_BACK
                _halt(
                    listener,
                    Halt(step, state, _interrupted(stop), stop.received, _message(cleanup)),
                )
            retry = failed.error.sqlstate in RETRYABLE and attempt <= timeouts.lock_retries
            if retry and (cleanup is None or cleanup.complete):
                report(_retrying(f"step {step.number}", failed.error, attempt, timeouts))
                stop.pause(timeouts.backoff(attempt))
                attempt += 1
                continue
            failure = StepError(
                step,
                failed.statement,
                db.describe(failed.error),
                failed.error.sqlstate,
                attempt,
                _message(cleanup or _left_by_drop(conn, failed.statement)),
            )
            with contextlib.suppress(psycopg.Error):
                listener.step_failed(failure)
            raise StepFailed(failure) from None
        _tell(listener.step_done, step, COMMITTED, step, attempt)
        return


def _tell(call: Callable[..., None], step: Step, state: str, *args: object) -> None:
    """Call the listener; losing the journal's connection halts the run where it stands."""
    try:
        call(*args)
    except psycopg.Error as exc:
        raise Halted(Halt(step, state, f"lost the journal's connection: {_reason(exc)}")) from None


def _halt(listener: Listener, halt: Halt) -> None:
    with contextlib.suppress(psycopg.Error):  # the journal may be gone with the server
        listener.step_halted(halt)
    raise Halted(halt)


def _interrupted(stop: Interrupts) -> str:
    return f"interrupted by {stop.signal_name}"


class _Failed(Exception):
    def __init__(self, statement: str, error: psycopg.Error) -> None:
        super().__init__(statement)
        self.statement = statement
        self.error = error


class _Lost(Exception):
    """The step's connection went away; ``committing`` if it did while the step committed."""

    def __init__(self, error: psycopg.Error, statement: str, committing: bool) -> None:
        super().__init__(statement)
        self.error = error
        self.statement = statement
        self.committing = committing


class _Stopping(Exception):
    """Asked to stop once the step's statements ran, before it committed."""


def _run_step(
    conn: psycopg.Connection, step: Step, listener: Listener, attempt: int, stop: Interrupts
) -> None:
    if not step.transactional:
        for sql in step.statements:
            _execute(conn, sql, stop)
        return
    committing = False
    try:
        with conn.transaction():  # leaving it by an exception rolls the whole step back
            for sql in step.statements:
                _execute(conn, sql, stop)
            if stop.requested:
                raise _Stopping  # the step is whole: a stop asked meanwhile undoes it
            try:
                with stop.cancellable(conn):
                    listener.step_committing(conn, step, attempt)
            except psycopg.Error as exc:
                raise _classified(conn, step.statements[-1], exc) from None
            committing = True
    except psycopg.Error as exc:  # raised by the commit, or by the rollback after a failure
        if not db.connection_lost(conn, exc):
            raise _Failed(step.statements[-1], exc) from None
        raise _Lost(exc, step.statements[-1], committing=committing) from None


def _execute(conn: psycopg.Connection, sql: str, stop: Interrupts) -> None:
    with stop.cancellable(conn):
        if stop.requested:
            raise _Stopping
        try:
            conn.execute(sql.encode())  # bytes: no client-side placeholder parsing of '%'
        except psycopg.Error as exc:
            raise _classified(conn, sql, exc) from None


def _classified(conn: psycopg.Connection, sql: str, exc: psycopg.Error) -> Exception:
    if db.connection_lost(conn, exc):
        return _Lost(exc, sql, committing=False)
    return _Failed(sql, exc)


def _lost(exc: psycopg.Error) -> str:
    return f"lost the connection to the server: {_reason(exc)}"


def _reason(exc: psycopg.Error) -> str:
    return db.describe(exc) if exc.diag.message_primary else _first_line(str(exc))


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no reason given"


def _after_lost_connection(
    url: DatabaseUrl, step: Step, lost: _Lost, listener: Listener, timeouts: Timeouts
) -> Halt:
    """What became of ``step`` once its connection is gone, asked on a new one if the server answers."""
    cause = _lost(lost.error)
    if step.transactional and not lost.committing:
        return Halt(step, ROLLED_BACK, cause)  # the server ends a dead session's transaction
    try:
        conn = db.connect(url.with_settings(lock_timeout=timeouts.lock_timeout), autocommit=True)
    except CanonError:
        return Halt(step, UNKNOWN, cause)
    with conn:
        try:
            if step.transactional:
                done = listener.committed(conn, step)
                return Halt(step, COMMITTED if done else ROLLED_BACK, cause)
            return _settle_concurrent(conn, step, lost.statement, cause, timeouts)
        except psycopg.Error:
            return Halt(step, UNKNOWN, cause)


def _settle_concurrent(
    conn: psycopg.Connection, step: Step, statement: str, cause: str, timeouts: Timeouts
) -> Halt:
    built, dropped = built_concurrently(statement), dropped_concurrently(statement)
    if built is not None:
        if index_valid(conn, built):
            return Halt(step, COMMITTED, cause)
        cleanup = _clean_up(conn, statement, _ONCE)
    elif dropped is not None:
        if index_valid(conn, dropped) is None:
            return Halt(step, COMMITTED, cause)
        cleanup = _left_by_drop(conn, statement)
    else:
        return Halt(step, UNKNOWN, cause)
    state = INCOMPLETE if cleanup and not cleanup.complete else ROLLED_BACK
    return Halt(step, state, cause, cleanup=_message(cleanup))


@dataclass(frozen=True)
class _Cleanup:
    message: str
    complete: bool  # False: something the failure left behind is still there


def _message(cleanup: _Cleanup | None) -> str | None:
    return cleanup.message if cleanup else None


def _clean_up(
    conn: psycopg.Connection, sql: str, timeouts: Timeouts, report: Warn = ignore
) -> _Cleanup | None:
    """Drop the invalid index a failed concurrent build leaves; say what was dropped, or left."""
    name = built_concurrently(sql)
    if name is None:
        return None
    try:
        if index_valid(conn, name) is not False:
            return None
        attempts = _drop_with_retries(conn, name, timeouts, report)
    except psycopg.Error as exc:
        return _Cleanup(
            f"could not drop the invalid index {name} the build left ({db.describe(exc)}); "
            "the next canon apply drops and rebuilds it",
            complete=False,
        )
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    return _Cleanup(f"dropped the invalid index {name} the build left{tries}", complete=True)


_ONCE = Timeouts(lock_retries=0)


def _left_by_drop(conn: psycopg.Connection, sql: str) -> _Cleanup | None:
    """The invalid index a stopped ``DROP INDEX CONCURRENTLY`` leaves, said (never hidden)."""
    name = dropped_concurrently(sql)
    try:
        if name is None or index_valid(conn, name) is not False:
            return None
    except psycopg.Error:
        return None
    return _Cleanup(
        f"the index {name} is left invalid (its drop stopped half-way); canon apply drops it",
        complete=False,
    )


def _drop_with_retries(
    conn: psycopg.Connection, name: str, timeouts: Timeouts, report: Warn
) -> int:
    """Drop ``name`` concurrently under the session's lock timeout; return the attempts made."""
    attempt = 1
    while True:
        try:
            conn.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}".encode())
            return attempt
        except psycopg.Error as exc:
            if exc.sqlstate not in RETRYABLE or attempt > timeouts.lock_retries:
                raise
            report(_retrying(f"dropping the invalid index {name}", exc, attempt, timeouts))
        # The session that made the build time out is often gone a moment later.
        time.sleep(timeouts.backoff(attempt))
        attempt += 1


def _retrying(what: str, error: psycopg.Error, attempt: int, timeouts: Timeouts) -> str:
    return (
        f"{what}: {db.describe(error)} (attempt {attempt} of {timeouts.lock_retries + 1}); "
        f"trying again in {timeouts.backoff(attempt):g}s"
    )
