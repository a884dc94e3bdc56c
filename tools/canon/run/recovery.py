"""Recovery: the record of an apply whose canon process is gone is settled from the catalog.

A canon killed in the middle of an apply (SIGKILL, a machine or a server lost) leaves its
record ``running``. The apply is gone when none of the sessions it opened
(``canon.applies.backends``) is still connected; the next command that holds canon's apply
lock marks it ``abandoned`` and settles each step that was running:

* a transactional step marks itself done inside its own transaction, so one still
  ``running`` did not commit: ``rolled back``;
* a concurrent statement commits on its own, so the catalog decides: an index built and
  valid is ``done``, one left invalid ``incomplete`` (the next plan drops and rebuilds
  it), no trace at all ``rolled back``.

Every settled step is also checked against its own statements (``run.evidence``): where
the catalog disagrees with the record, the step says so rather than hide it.

A session of a gone apply may go on running its statement for a moment, until the server
notices canon is gone; ``orphans`` names those, and ``canon apply`` waits for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from canon.run import evidence
from canon.run.journal import SCHEMA, VERSION, ensure_schema, exists, step_summary, version

# A session listed in canon.applies.backends (as "pid@backend start") that is still there.
# Another role's sessions show no backend_start: their process id alone must do.
LIVE_SESSION = """
SELECT s.pid, a.id, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 80)
FROM {schema}.applies a, unnest(a.backends) b, pg_stat_activity s
WHERE a.outcome = 'running' AND s.pid = split_part(b, '@', 1)::int
  AND (s.backend_start IS NULL
       OR b = format('%s@%s', s.pid, extract(epoch FROM s.backend_start)))
  AND s.pid <> pg_backend_pid()
"""

NOT_COMMITTED = "its transaction did not commit"


@dataclass(frozen=True)
class Orphan:
    """A session of a gone apply, still running a statement on the server."""

    pid: int
    apply_id: int
    query: str | None

    def describe(self) -> str:
        running = f" ({self.query})" if self.query else ""
        return f"apply #{self.apply_id}'s session pid {self.pid}{running}"


@dataclass(frozen=True)
class Settled:
    apply_id: int
    summary: str


def any_running(conn: psycopg.Connection) -> bool:
    if not exists(conn):
        return False
    row = conn.execute(f"SELECT EXISTS (SELECT 1 FROM {SCHEMA}.applies WHERE outcome = 'running')")
    found = row.fetchone()
    return bool(found and found[0])


def orphans(conn: psycopg.Connection) -> list[Orphan]:
    """Sessions of unfinished applies still connected (the caller holds the apply lock)."""
    if not any_running(conn):
        return []
    ensure_schema(conn)
    rows = conn.execute(LIVE_SESSION.format(schema=SCHEMA).encode()).fetchall()
    return [Orphan(int(pid), int(apply_id), query) for pid, apply_id, query in rows]


def running_applies(conn: psycopg.Connection) -> set[int] | None:
    """Applies recorded as running that have a session still connected (None: cannot tell)."""
    if version(conn) != VERSION:
        return None  # a journal from before sessions were recorded
    rows = conn.execute(LIVE_SESSION.format(schema=SCHEMA).encode()).fetchall()
    return {int(row[1]) for row in rows}


def settle_abandoned(conn: psycopg.Connection) -> list[Settled]:
    """Mark every gone apply ``abandoned`` and settle its steps (the caller holds the apply lock)."""
    if not any_running(conn):
        return []
    ensure_schema(conn)
    alive = {o.apply_id for o in orphans(conn)}
    running = conn.execute(
        f"SELECT id FROM {SCHEMA}.applies WHERE outcome = 'running' ORDER BY id"
    ).fetchall()
    return [_settle(conn, int(row[0])) for row in running if int(row[0]) not in alive]


def _settle(conn: psycopg.Connection, apply_id: int) -> Settled:
    with conn.transaction():
        steps = conn.execute(
            f"SELECT step, in_transaction, status, sql FROM {SCHEMA}.apply_steps "
            "WHERE apply_id = %s ORDER BY step FOR UPDATE",
            (apply_id,),
        ).fetchall()
        statuses = []
        for number, transactional, status, sql in steps:
            if status == "running":
                status, note = settle_step(conn, transactional, sql)
                conn.execute(
                    f"UPDATE {SCHEMA}.apply_steps SET status = %s, error = coalesce(error, %s), "
                    "finished_at = coalesce(finished_at, clock_timestamp()) "
                    "WHERE apply_id = %s AND step = %s",
                    (status, note, apply_id, number),
                )
            statuses.append(status)
        summary = "abandoned: its canon process ended before recording the outcome; " + (
            step_summary(statuses) or "it had no steps"
        )
        conn.execute(
            f"UPDATE {SCHEMA}.applies SET outcome = 'abandoned', error = %s, "
            "finished_at = clock_timestamp() WHERE id = %s",
            (summary, apply_id),
        )
    return Settled(apply_id, summary)


def settle_step(conn: psycopg.Connection, transactional: bool, sql: str) -> tuple[str, str]:
    """The status of a step left ``running`` by a gone process, and why."""
    found = evidence.step_effect(conn, sql)
    if transactional:
        if found == evidence.DONE:
            return "rolled back", (
                f"{NOT_COMMITTED}, yet the catalog shows every change it makes: "
                "made by someone else?"
            )
        return "rolled back", f"{NOT_COMMITTED} (its canon process ended)"
    if found == evidence.DONE:
        return "done", "finished on the server after its canon process ended"
    if found == evidence.NOT_DONE:
        return "rolled back", "stopped before it took effect (its canon process ended)"
    if found == evidence.HALF_DONE:
        return "incomplete", (
            "stopped half-way and left an invalid index; canon apply drops and rebuilds it"
        )
    return "incomplete", "stopped when its canon process ended; the catalog cannot tell how far"
