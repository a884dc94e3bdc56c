"""Running steps: every statement under lock_timeout and statement_timeout, lock waits retried.

A step that fails leaves nothing of itself behind: a transactional step is rolled
back, and an index that a failed ``CREATE INDEX CONCURRENTLY`` left invalid is
dropped. A lock timeout (or a deadlock) is retried with a growing pause, because the
blocking session usually finishes soon; any other error ends the run at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import psycopg
from pglast import ast

from canon.errors import ConfigError
from canon.pg import db, quoting
from canon.pg.dburl import DatabaseUrl
from canon.pg.parsing import parse, qualified
from canon.plan.steps import Step

# SQLSTATEs worth waiting out: lock_not_available (lock_timeout) and deadlock_detected.
RETRYABLE = frozenset({"55P03", "40P01"})


@dataclass(frozen=True)
class Timeouts:
    """Limits for each statement; values use PostgreSQL's units (``5s``, ``500ms``, ``0``)."""

    lock_timeout: str = "5s"
    statement_timeout: str = "30min"
    lock_retries: int = 3
    retry_backoff: float = 1.0  # seconds before the first retry; doubled each time


@dataclass(frozen=True)
class StepError:
    step: Step
    statement: str
    message: str
    sqlstate: str | None
    attempts: int
    cleanup: str | None  # what was undone after the failure, if anything


class Listener(Protocol):
    def step_started(self, step: Step, attempt: int) -> None: ...
    def step_done(self, step: Step, attempts: int) -> None: ...
    def step_failed(self, failure: StepError) -> None: ...


class Quiet:
    """A listener that records nothing (rehearsals)."""

    def step_started(self, step: Step, attempt: int) -> None:
        pass

    def step_done(self, step: Step, attempts: int) -> None:
        pass

    def step_failed(self, failure: StepError) -> None:
        pass


class StepFailed(Exception):
    """Raised by ``run_steps``; the caller turns it into a user-facing error."""

    def __init__(self, failure: StepError) -> None:
        super().__init__(failure.message)
        self.failure = failure


def check_timeouts(conn: psycopg.Connection, timeouts: Timeouts) -> None:
    """Refuse values PostgreSQL would reject, before anything has run."""
    for option, value in (
        ("--lock-timeout", timeouts.lock_timeout),
        ("--statement-timeout", timeouts.statement_timeout),
    ):
        check_duration(conn, option, value)


def check_duration(conn: psycopg.Connection, option: str, value: str) -> None:
    try:
        with conn.transaction():
            conn.execute("SELECT set_config('lock_timeout', %s, true)", (value,))
    except psycopg.Error:
        raise ConfigError(
            f"{option} {value!r} is not a PostgreSQL duration "
            "(examples: 500ms, 5s, 2min, 0 for none)"
        ) from None


def run_steps(
    url: DatabaseUrl,
    steps: Sequence[Step],
    timeouts: Timeouts,
    listener: Listener,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Run ``steps`` in order on ``url``; stop at the first step that fails for good."""
    with db.connect(url, autocommit=True) as conn:
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (timeouts.lock_timeout,))
        conn.execute(
            "SELECT set_config('statement_timeout', %s, false)", (timeouts.statement_timeout,)
        )
        for step in steps:
            _run_with_retries(conn, step, timeouts, listener, sleep)


def _run_with_retries(
    conn: psycopg.Connection,
    step: Step,
    timeouts: Timeouts,
    listener: Listener,
    sleep: Callable[[float], None],
) -> None:
    attempt = 1
    while True:
        listener.step_started(step, attempt)
        try:
            _run_step(conn, step)
        except _Failed as failed:
            cleanup = _clean_up(conn, failed.statement)
            retry = failed.error.sqlstate in RETRYABLE and attempt <= timeouts.lock_retries
            if retry and (cleanup is None or cleanup.complete):
                sleep(timeouts.retry_backoff * 2 ** (attempt - 1))
                attempt += 1
                continue
            failure = StepError(
                step,
                failed.statement,
                db.describe(failed.error),
                failed.error.sqlstate,
                attempt,
                cleanup.message if cleanup else None,
            )
            listener.step_failed(failure)
            raise StepFailed(failure) from None
        listener.step_done(step, attempt)
        return


class _Failed(Exception):
    def __init__(self, statement: str, error: psycopg.Error) -> None:
        super().__init__(statement)
        self.statement = statement
        self.error = error


def _run_step(conn: psycopg.Connection, step: Step) -> None:
    if not step.transactional:
        for sql in step.statements:
            _execute(conn, sql)
        return
    with conn.transaction():  # leaving it by an exception rolls the whole step back
        for sql in step.statements:
            _execute(conn, sql)


def _execute(conn: psycopg.Connection, sql: str) -> None:
    try:
        conn.execute(sql.encode())  # bytes: no client-side placeholder parsing of '%'
    except psycopg.Error as exc:
        raise _Failed(sql, exc) from None


@dataclass(frozen=True)
class _Cleanup:
    message: str
    complete: bool  # False: something the failure left behind is still there


def _clean_up(conn: psycopg.Connection, sql: str) -> _Cleanup | None:
    """Drop the invalid index a failed concurrent build leaves; say what was dropped."""
    nodes = parse(sql)
    if len(nodes) != 1 or not isinstance(nodes[0], ast.IndexStmt) or not nodes[0].concurrent:
        return None
    node = nodes[0]
    if not node.idxname:
        return None
    schema = (qualified(node.relation) or "public.").split(".")[0]
    name = f"{quoting.ident(schema)}.{quoting.ident(node.idxname)}"
    try:
        return _drop_if_invalid(conn, name)
    except psycopg.Error as exc:
        return _Cleanup(
            f"could not drop the invalid index {name} the failed build may have "
            f"left: {db.describe(exc)}",
            complete=False,
        )


def _drop_if_invalid(conn: psycopg.Connection, name: str) -> _Cleanup | None:
    row = conn.execute(
        "SELECT NOT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass(%s)", (name,)
    ).fetchone()
    if not row or not row[0]:
        return None
    # The session that made the build time out may still be there: wait it out (a
    # concurrent drop blocks nobody meanwhile), bounded by statement_timeout alone.
    lock_timeout = conn.execute("SELECT current_setting('lock_timeout')").fetchone()
    conn.execute("SET lock_timeout = 0")
    try:
        conn.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}".encode())
    finally:
        conn.execute(
            "SELECT set_config('lock_timeout', %s, false)",
            (lock_timeout[0] if lock_timeout else "0",),
        )
    return _Cleanup(f"dropped the invalid index {name} the failed build left", complete=True)
