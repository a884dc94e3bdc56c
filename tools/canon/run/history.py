"""History: the applies recorded in ``canon.applies``, newest first, as text or JSON.

Reading history first settles the record of any apply whose canon process is gone
(``run.recovery``), when no apply holds the lock and the role may write; a role that may
not still sees such an apply as ``abandoned``, never as ``running``.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

import psycopg

from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.run import lock, recovery
from canon.run.journal import SCHEMA, exists

FORMAT_VERSION = 1


@dataclass(frozen=True)
class StepRecord:
    step: int
    in_transaction: bool
    status: str
    attempts: int
    sql: str
    error: str | None
    cleanup: str | None


@dataclass(frozen=True)
class ApplyEntry:
    id: int
    outcome: str
    started_at: datetime
    finished_at: datetime | None
    database_user: str
    plan_hash: str
    schema_digest: str
    plan_file: str | None
    canon_version: str
    error: str | None
    plan_sql: str
    run_id: str | None  # the fleet run it was part of
    # Read apart from the apply's row, so given by name after it.
    steps: tuple[StepRecord, ...] = field(kw_only=True)


def read(url: DatabaseUrl, limit: int = 20, run_id: str | None = None) -> tuple[ApplyEntry, ...]:
    """The latest ``limit`` applies recorded in the database (of fleet run ``run_id``), newest first."""
    with db.connect(url, autocommit=True) as conn:
        if not exists(conn):
            return ()
        alive = _settle_if_free(conn)
        # Read through to_jsonb: a journal made before fleets has no run_id column.
        rows = conn.execute(
            "SELECT id, outcome, started_at, finished_at, database_user, plan_hash, "
            "schema_digest, plan_file, canon_version, error, plan_sql, "
            f"to_jsonb(a) ->> 'run_id' FROM {SCHEMA}.applies a "
            "WHERE %s::text IS NULL OR to_jsonb(a) ->> 'run_id' = %s "
            "ORDER BY id DESC LIMIT %s",
            (run_id, run_id, limit),
        ).fetchall()
        steps = conn.execute(
            "SELECT apply_id, step, in_transaction, status, attempts, sql, error, cleanup "
            f"FROM {SCHEMA}.apply_steps WHERE apply_id = ANY(%s) ORDER BY apply_id, step",
            ([r[0] for r in rows],),
        ).fetchall()
    by_apply: dict[int, list[StepRecord]] = {}
    for s in steps:
        by_apply.setdefault(s[0], []).append(StepRecord(*s[1:]))
    entries = (ApplyEntry(*r, steps=tuple(by_apply.get(r[0], []))) for r in rows)
    return tuple(
        replace(e, outcome="abandoned")
        if e.outcome == "running" and alive is not None and e.id not in alive
        else e
        for e in entries
    )


def _settle_if_free(conn: psycopg.Connection) -> set[int] | None:
    """Settle gone applies if the lock is free; the ids of applies still running, if known."""
    if not recovery.any_running(conn):
        return None
    with contextlib.suppress(psycopg.Error):  # a role that may only read
        if lock.try_lock(conn):
            try:
                recovery.settle_abandoned(conn)
            finally:
                lock.unlock(conn)
    with contextlib.suppress(psycopg.Error):
        return recovery.running_applies(conn)
    return None


def to_text(entries: tuple[ApplyEntry, ...]) -> str:
    if not entries:
        return "no applies recorded\n"
    lines = []
    for e in entries:
        done = sum(1 for s in e.steps if s.status == "done")
        finished = f"{e.finished_at:%H:%M:%S}" if e.finished_at else "-"
        lines.append(
            f"#{e.id}  {e.started_at:%Y-%m-%d %H:%M:%S%z} → {finished}  {e.outcome:<7}  "
            f"{e.database_user}  steps {done}/{len(e.steps)}  plan {e.plan_hash[:12]}  "
            f"files {e.schema_digest[:12]}" + (f"  run {e.run_id}" if e.run_id else "")
        )
        if e.error:
            lines.append(f"    error: {e.error}")
    return "\n".join(lines) + "\n"


def to_json(entries: tuple[ApplyEntry, ...]) -> str:
    def encode(entry: ApplyEntry) -> dict[str, object]:
        data = asdict(entry)
        data["started_at"] = entry.started_at.isoformat()
        data["finished_at"] = entry.finished_at.isoformat() if entry.finished_at else None
        return data

    document = {"format_version": FORMAT_VERSION, "applies": [encode(e) for e in entries]}
    return json.dumps(document, indent=2) + "\n"
