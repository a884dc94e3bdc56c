"""The journal: canon's record, inside the live database, of each apply and each of its steps.

It lives in schema ``canon`` (never diffed, never dropped) and is written on its own
autocommit connection, so a step that rolls back cannot take its own record with it.
After a failed apply, ``canon.apply_steps`` says which steps committed (``done``),
which one failed and was undone (``failed``) and which never ran (``pending``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from canon import __version__
from canon.managed import CANON_SCHEMA
from canon.plan.steps import Step
from canon.run.runner import StepError

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
-- Journals made before fleets lack the run a fleet apply gives all its databases.
ALTER TABLE {SCHEMA}.applies ADD COLUMN IF NOT EXISTS run_id text;
"""


@dataclass(frozen=True)
class ApplyRecord:
    plan_hash: str
    plan_sql: str
    schema_digest: str
    live_fingerprint: str
    plan_file: str | None
    run_id: str | None = None  # the fleet run this apply is part of


def ensure_schema(conn: psycopg.Connection) -> None:
    """Create canon's schema and tables if missing (the caller holds the apply lock)."""
    if not exists(conn) or not has_run_ids(conn):
        with conn.transaction():
            conn.execute(DDL.encode())


def exists(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.apply_steps",)).fetchone()
    return bool(row and row[0])


def has_run_ids(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s) "
        "AND attname = 'run_id' AND NOT attisdropped)",
        (f"{SCHEMA}.applies",),
    ).fetchone()
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
                "live_fingerprint, plan_file, canon_version, run_id) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (
                    record.plan_hash,
                    record.plan_sql,
                    record.schema_digest,
                    record.live_fingerprint,
                    record.plan_file,
                    __version__,
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

    def step_started(self, step: Step, attempt: int) -> None:
        self._update_step(
            step.number,
            "status = 'running', attempts = %s, "
            "started_at = coalesce(started_at, clock_timestamp())",
            (attempt,),
        )

    def step_done(self, step: Step, attempts: int) -> None:
        self._update_step(
            step.number,
            "status = 'done', attempts = %s, finished_at = clock_timestamp()",
            (attempts,),
        )

    def step_failed(self, failure: StepError) -> None:
        self._update_step(
            failure.step.number,
            "status = 'failed', attempts = %s, finished_at = clock_timestamp(), error = %s, "
            "cleanup = %s",
            (failure.attempts, failure.message, failure.cleanup),
        )

    def finish(self, error: str | None = None) -> None:
        outcome = "failed" if error else "applied"
        self.conn.execute(
            f"UPDATE {SCHEMA}.applies SET outcome = %s, error = %s, "
            "finished_at = clock_timestamp() WHERE id = %s",
            (outcome, error, self.apply_id),
        )

    def step_statuses(self) -> list[tuple[int, str]]:
        return [
            (int(r[0]), str(r[1]))
            for r in self.conn.execute(
                f"SELECT step, status FROM {SCHEMA}.apply_steps WHERE apply_id = %s ORDER BY step",
                (self.apply_id,),
            ).fetchall()
        ]

    def _update_step(self, number: int, assignments: str, values: tuple[object, ...]) -> None:
        self.conn.execute(
            f"UPDATE {SCHEMA}.apply_steps SET {assignments} WHERE apply_id = %s AND step = %s",
            (*values, self.apply_id, number),
        )
