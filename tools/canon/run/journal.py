"""The journal: canon's record, inside the live database, of each apply and each of its steps.

It lives in schema ``canon`` (never diffed, never dropped) and is written on its own
autocommit connection, so a step that rolls back cannot take its own record with it;
a transactional step is marked ``done`` inside its own transaction, so the mark commits
if and only if the step does. After an apply that did not finish, ``canon.apply_steps``
says which steps committed (``done``), which failed or were stopped and undone (``failed``,
``rolled back``), which a stopped concurrent statement left half-way (``incomplete``) and
which never ran (``pending``). ``canon.applies.backends`` names the sessions an apply
opened, so a later command can tell an apply that is still running from one whose
process is gone (``run.recovery``).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from canon import __version__
from canon.managed import CANON_SCHEMA
from canon.plan.steps import Step
from canon.run.runner import COMMITTED, INCOMPLETE, NOT_STARTED, ROLLED_BACK, Halt, StepError

SCHEMA = CANON_SCHEMA

DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.applies (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_hash text NOT NULL,
    plan_sql text NOT NULL,
    schema_digest text NOT NULL,
    live_fingerprint text NOT NULL,
    plan_file text,
    database_user text NOT NULL DEFAULT current_user,
    canon_version text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    outcome text NOT NULL DEFAULT 'running'
        CHECK (outcome IN ('running', 'applied', 'failed')),
    error text,
    run_id text
);
CREATE TABLE IF NOT EXISTS {SCHEMA}.apply_steps (
    apply_id bigint NOT NULL REFERENCES {SCHEMA}.applies (id) ON DELETE CASCADE,
    step integer NOT NULL,
    in_transaction boolean NOT NULL,
    sql text NOT NULL,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    started_at timestamptz,
    finished_at timestamptz,
    error text,
    cleanup text,
    PRIMARY KEY (apply_id, step)
);
"""

# What journals gained after the first release, in order. Every statement is idempotent:
# a journal at any earlier version is brought up to date by running them all.
UPGRADES = (
    # Interrupted and abandoned applies, steps stopped half-way, the sessions of an apply.
    f"""
    ALTER TABLE {SCHEMA}.applies ADD COLUMN IF NOT EXISTS backends text[];
    ALTER TABLE {SCHEMA}.applies DROP CONSTRAINT IF EXISTS applies_outcome_check;
    ALTER TABLE {SCHEMA}.applies ADD CONSTRAINT applies_outcome_check
        CHECK (outcome IN ('running', 'applied', 'failed', 'interrupted', 'abandoned'));
    ALTER TABLE {SCHEMA}.apply_steps DROP CONSTRAINT IF EXISTS apply_steps_status_check;
    ALTER TABLE {SCHEMA}.apply_steps ADD CONSTRAINT apply_steps_status_check
        CHECK (status IN ('pending', 'running', 'done', 'failed', 'rolled back', 'incomplete'));
    """,
    # The run a fleet apply gives all its databases.
    f"ALTER TABLE {SCHEMA}.applies ADD COLUMN IF NOT EXISTS run_id text;",
)
# Kept as the comment of the schema, which says how far a journal was brought.
VERSION = f"canon journal {1 + len(UPGRADES)}"

# A session as canon.applies.backends records it: its process id and the moment it
# started, so that a recycled process id is not mistaken for it.
BACKEND_ID = (
    "SELECT format('%s@%s', pid, extract(epoch FROM backend_start)) "
    "FROM pg_stat_activity WHERE pid = pg_backend_pid()"
)

# Step statuses (canon.apply_steps.status) by what became of a step that was stopped.
HALTED_STATUS = {
    NOT_STARTED: "pending",
    COMMITTED: "done",
    ROLLED_BACK: "rolled back",
    INCOMPLETE: "incomplete",
}


@dataclass(frozen=True)
class ApplyRecord:
    plan_hash: str
    plan_sql: str
    schema_digest: str
    live_fingerprint: str
    plan_file: str | None
    run_id: str | None = None  # the fleet run this apply is part of


def ensure_schema(conn: psycopg.Connection) -> None:
    """Create canon's schema and tables, or bring them up to date (the caller holds the apply lock)."""
    if exists(conn) and version(conn) == VERSION:
        return
    with conn.transaction():
        conn.execute(DDL.encode())
        for upgrade in UPGRADES:
            conn.execute(upgrade.encode())
        conn.execute(f"COMMENT ON SCHEMA {SCHEMA} IS '{VERSION}'".encode())


def version(conn: psycopg.Connection) -> str | None:
    row = conn.execute(
        "SELECT obj_description(to_regnamespace(%s), 'pg_namespace')", (SCHEMA,)
    ).fetchone()
    return row[0] if row else None


def backend_id(conn: psycopg.Connection) -> str:
    row = conn.execute(BACKEND_ID).fetchone()
    return str(row[0]) if row else ""


def exists(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.apply_steps",)).fetchone()
    return bool(row and row[0])


class Journal:
    """Records one apply; also the runner's listener, so each step is written as it goes."""

    def __init__(
        self, conn: psycopg.Connection, record: ApplyRecord, steps: Sequence[Step]
    ) -> None:
        self.conn = conn
        ensure_schema(conn)
        with conn.transaction():
            row = conn.execute(
                f"INSERT INTO {SCHEMA}.applies (plan_hash, plan_sql, schema_digest, "
                "live_fingerprint, plan_file, canon_version, backends, run_id) "
                "VALUES (%s, %s, %s, %s, %s, %s, ARRAY[%s], %s) RETURNING id",
                (
                    record.plan_hash,
                    record.plan_sql,
                    record.schema_digest,
                    record.live_fingerprint,
                    record.plan_file,
                    __version__,
                    backend_id(conn),
                    record.run_id,
                ),
            ).fetchone()
            assert row is not None
            self.apply_id = int(row[0])
            with conn.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {SCHEMA}.apply_steps (apply_id, step, in_transaction, sql) "
                    "VALUES (%s, %s, %s, %s)",
                    [(self.apply_id, s.number, s.transactional, s.sql) for s in steps],
                )

    def session_started(self, runner: psycopg.Connection) -> None:
        """Record the session that runs the steps: the apply lives as long as it does."""
        self.conn.execute(
            f"UPDATE {SCHEMA}.applies SET backends = array_append(backends, %s) WHERE id = %s",
            (backend_id(runner), self.apply_id),
        )

    def step_started(self, step: Step, attempt: int) -> None:
        self._update_step(
            step.number,
            "status = 'running', attempts = %s, "
            "started_at = coalesce(started_at, clock_timestamp())",
            (attempt,),
        )

    def step_committing(self, runner: psycopg.Connection, step: Step, attempts: int) -> None:
        # Inside the step's own transaction: the mark commits exactly when the step does.
        self._update_step(step.number, DONE, (attempts,), runner)

    def step_done(self, step: Step, attempts: int) -> None:
        if not step.transactional:  # a transactional step marked itself when it committed
            self._update_step(step.number, DONE, (attempts,))

    def committed(self, conn: psycopg.Connection, step: Step) -> bool:
        """Whether ``step`` is marked done, read on ``conn`` (after its commit was cut short)."""
        row = conn.execute(
            f"SELECT status = 'done' FROM {SCHEMA}.apply_steps WHERE apply_id = %s AND step = %s",
            (self.apply_id, step.number),
        ).fetchone()
        return bool(row and row[0])

    def step_halted(self, halt: Halt) -> None:
        status = HALTED_STATUS.get(halt.state)
        if status is None:  # unknown: left running for the next command to settle
            return
        self._update_step(
            halt.step.number,
            "status = %s, finished_at = CASE WHEN %s = 'pending' THEN NULL "
            "ELSE clock_timestamp() END, error = %s, cleanup = %s",
            (status, status, halt.cause, halt.cleanup),
        )

    def step_failed(self, failure: StepError) -> None:
        self._update_step(
            failure.step.number,
            "status = 'failed', attempts = %s, finished_at = clock_timestamp(), error = %s, "
            "cleanup = %s",
            (failure.attempts, failure.message, failure.cleanup),
        )

    def finish(self, error: str | None = None, outcome: str | None = None) -> None:
        outcome = outcome or ("failed" if error else "applied")
        self.conn.execute(
            f"UPDATE {SCHEMA}.applies SET outcome = %s, error = %s, "
            "finished_at = clock_timestamp() WHERE id = %s",
            (outcome, error, self.apply_id),
        )

    def reattach(self, conn: psycopg.Connection) -> Journal:
        """The same record, written on ``conn`` (its own connection was lost)."""
        journal = copy.copy(self)
        journal.conn = conn
        return journal

    def step_statuses(self) -> list[tuple[int, str]]:
        return [
            (int(r[0]), str(r[1]))
            for r in self.conn.execute(
                f"SELECT step, status FROM {SCHEMA}.apply_steps WHERE apply_id = %s ORDER BY step",
                (self.apply_id,),
            ).fetchall()
        ]

    def _update_step(
        self,
        number: int,
        assignments: str,
        values: tuple[object, ...],
        conn: psycopg.Connection | None = None,
    ) -> None:
        (conn or self.conn).execute(
            f"UPDATE {SCHEMA}.apply_steps SET {assignments} WHERE apply_id = %s AND step = %s",
            (*values, self.apply_id, number),
        )


DONE = "status = 'done', attempts = %s, finished_at = clock_timestamp()"


# How each status reads in a summary of an apply's steps.
_SAID = {
    "done": "committed",
    "failed": "failed and rolled back",
    "rolled back": "rolled back",
    "incomplete": "did not complete",
    "running": "may or may not have committed",
    "pending": "did not run",
}


def step_summary(statuses: Sequence[str]) -> str:
    """``steps 1-2 committed; step 3 rolled back; steps 4-7 did not run``, from step statuses."""
    parts: list[str] = []
    start = 0
    for end in range(1, len(statuses) + 1):
        if end == len(statuses) or statuses[end] != statuses[start]:
            first, last = start + 1, end
            steps = f"step {first}" if first == last else f"steps {first}-{last}"
            parts.append(f"{steps} {_SAID.get(statuses[start], statuses[start])}")
            start = end
    return "; ".join(parts)
