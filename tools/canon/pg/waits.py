"""Lock waits, told as they happen: which lock a session of this process waits for, and behind whom.

Every session canon opens is named after its process (``db.application_name``). While a
command runs, a watcher thread looks at the server's lock table for those sessions: a
wait longer than ``REPORT_AFTER`` seconds is reported with the lock wanted and, for each
blocking process, its id, when its query or transaction started and what it runs; the
report repeats every ``REPORT_EVERY`` seconds while the wait lasts. The watcher connects
only once a command has run for ``REPORT_AFTER`` seconds, so quick commands pay nothing,
and it never makes a command fail: a watcher that cannot see stays quiet.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import psycopg

from canon.pg import db
from canon.pg.dburl import DatabaseUrl

REPORT_AFTER = 2.0
REPORT_EVERY = 2.0
POLL = 0.25

# Locks not granted to this process's sessions, with the pids that block each.
WAITING_QUERY = """
SELECT l.pid, l.locktype, l.mode,
       extract(epoch FROM clock_timestamp() - l.waitstart)::float8,
       CASE WHEN l.relation IS NOT NULL THEN l.relation::regclass::text END,
       pg_blocking_pids(l.pid)
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE NOT l.granted AND a.application_name = %s AND l.waitstart IS NOT NULL
"""

BLOCKERS_QUERY = """
SELECT pid, coalesce(query_start, xact_start, backend_start), state,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 60)
FROM pg_stat_activity WHERE pid = ANY(%s) ORDER BY pid
"""

Report = Callable[[str], None]


@dataclass(frozen=True)
class Blocker:
    pid: int
    since: datetime | None  # when its query (or transaction) started, if visible to us
    state: str | None
    query: str | None

    def describe(self) -> str:
        facts = [f"since {self.since:%H:%M:%S}" if self.since else "", self.state or ""]
        if self.query:
            facts.append(self.query)
        shown = ", ".join(f for f in facts if f)
        return f"pid {self.pid}" + (f" ({shown})" if shown else "")


@dataclass(frozen=True)
class Wait:
    pid: int
    lock: str
    waited: float
    blockers: tuple[Blocker, ...]

    def describe(self) -> str:
        held = ", ".join(b.describe() for b in self.blockers) or "a session canon cannot see"
        return f"waiting {self.waited:.0f}s for {self.lock}, held by {held}"


def lock_name(locktype: str, mode: str, relation: str | None) -> str:
    """The lock a session waits for, in words."""
    if locktype == "relation" and relation:
        return f"{mode} on {relation}"
    if locktype in {"virtualxid", "transactionid"}:
        return "older transactions to end"
    return f"{mode} ({locktype})"


def current_waits(conn: psycopg.Connection, name: str, longer_than: float) -> list[Wait]:
    """Waits of the sessions called ``name`` that have lasted over ``longer_than`` seconds."""
    rows = [r for r in conn.execute(WAITING_QUERY, (name,)).fetchall() if r[3] >= longer_than]
    pids = sorted({pid for row in rows for pid in row[5] or ()})
    blockers = (
        {r[0]: Blocker(*r) for r in conn.execute(BLOCKERS_QUERY, (pids,)).fetchall()}
        if pids
        else {}
    )
    return [
        Wait(
            pid,
            lock_name(locktype, mode, relation),
            waited,
            tuple(blockers.get(p, Blocker(p, None, None, None)) for p in blocking or ()),
        )
        for pid, locktype, mode, waited, relation, blocking in rows
    ]


class _Watcher:
    def __init__(self, url: DatabaseUrl, report: Report) -> None:
        self.url, self.report = url, report
        self.stop = threading.Event()
        self.reported: dict[tuple[int, str], float] = {}  # wait -> when last reported

    def run(self) -> None:
        if self.stop.wait(REPORT_AFTER):
            return
        # A watcher that cannot connect or read the lock table stays quiet.
        with contextlib.suppress(psycopg.Error, Exception):
            with db.connect(self.url, autocommit=True) as conn:
                while not self.stop.is_set():
                    self._report(current_waits(conn, db.application_name(), REPORT_AFTER))
                    self.stop.wait(POLL)

    def _report(self, waits: list[Wait]) -> None:
        now = time.monotonic()
        seen = set()
        for wait in waits:
            key = (wait.pid, wait.lock)
            seen.add(key)
            if now - self.reported.get(key, -REPORT_EVERY) >= REPORT_EVERY:
                self.reported[key] = now
                self.report(wait.describe())
        for gone in self.reported.keys() - seen:
            del self.reported[gone]


@contextlib.contextmanager
def reported(url: DatabaseUrl, report: Report) -> Iterator[None]:
    """Report this process's lock waits on ``url`` through ``report`` while the block runs."""
    watcher = _Watcher(url, report)
    thread = threading.Thread(target=watcher.run, name="canon-waits", daemon=True)
    thread.start()
    try:
        yield
    finally:
        watcher.stop.set()
        thread.join(timeout=5)
