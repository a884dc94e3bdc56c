"""canon's apply lock: two applies on one database never interleave.

It is a session advisory lock, tried again and again rather than waited for inside one
statement: a statement waiting in ``pg_advisory_lock`` holds a snapshot, and every
concurrent index build of the apply that holds the lock would wait for it. Taking it
also means waiting for the sessions of an apply whose canon process is gone, which may
still be running a statement on the server (``run.recovery``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import psycopg

from canon.errors import DatabaseError, Warn, ignore
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.run import recovery

APPLY_LOCK_KEY = 0x63616E6F6E  # "canon"
# How a bigint advisory key shows in pg_locks: its high and low 32 bits.
APPLY_LOCK_ROW = (APPLY_LOCK_KEY >> 32, APPLY_LOCK_KEY & 0xFFFFFFFF)
# Waiting for the apply lock: how often to try again, and to say so.
LOCK_POLL = 0.2
WAIT_REPORT_EVERY = 2.0


@contextlib.contextmanager
def apply_lock(
    live_url: DatabaseUrl, wait: float, report: Warn = ignore
) -> Iterator[psycopg.Connection]:
    """An autocommit connection holding the apply lock on live, within ``wait`` seconds.

    ``wait`` 0 means one try. ``report`` hears what the wait is for, every few seconds.
    """
    with db.connect(live_url, autocommit=True) as conn:
        waiting = _Waiting(wait, report)
        while not try_lock(conn):
            waiting.tick(
                lambda: f"another canon apply is running on this database ({_holder(conn)})"
            )
        try:
            while found := recovery.orphans(conn):
                waiting.tick(
                    lambda: "; ".join(
                        f"{o.describe()} is still running on the server though its canon process is "
                        f"gone; cancel it with SELECT pg_cancel_backend({o.pid})"
                        for o in found
                    )
                )
            yield conn
        finally:
            with contextlib.suppress(psycopg.Error):
                unlock(conn)


class _Waiting:
    """A wait of at most ``limit`` seconds, reported while it lasts."""

    def __init__(self, limit: float, report: Warn) -> None:
        self.limit, self.report = limit, report
        self.started = time.monotonic()
        self.reported = self.started

    def tick(self, what: Callable[[], str]) -> None:
        """Pause once more, or raise when the time is up; ``what`` says what blocks."""
        now = time.monotonic()
        waited = now - self.started
        if waited >= self.limit:
            tried = f"waited {waited:.0f}s" if self.limit else "--apply-lock-wait 0: did not wait"
            raise DatabaseError(f"{what()}; {tried}, try again when it has finished")
        if now - self.reported >= WAIT_REPORT_EVERY:
            self.reported = now
            self.report(f"waiting {waited:.0f}s of {self.limit:g}s: {what()}")
        time.sleep(min(LOCK_POLL, self.limit - waited))


def _holder(conn: psycopg.Connection) -> str:
    """Who holds the apply lock: its process id, and since when it is connected."""
    row = conn.execute(
        "SELECT l.pid, a.backend_start FROM pg_locks l "
        "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s "
        "AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database "
        "WHERE datname = current_database())",
        APPLY_LOCK_ROW,
    ).fetchone()
    if row is None:
        return "it has just finished"
    since = f", connected since {row[1]:%Y-%m-%d %H:%M:%S}" if row[1] else ""
    return f"held by pid {row[0]}{since}"


def try_lock(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (APPLY_LOCK_KEY,)).fetchone()
    return bool(row and row[0])


def unlock(conn: psycopg.Connection) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s)", (APPLY_LOCK_KEY,))
