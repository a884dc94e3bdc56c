"""``python -m bench.waits``: how long canon stays silent while something blocks it.

Each scenario runs ``canon`` as a separate process against a database where another
session blocks it for ``HOLD`` seconds, and timestamps every line canon writes to stderr.
The figure is the longest stretch, from the moment canon starts waiting (one of its
sessions waits for a lock, or it tries for the apply lock) until the block is lifted,
with no line at all: what a DBA watching the terminal waits without a word. The time
canon takes to get there (starting, reading the files, building the scratch database)
is work, not a wait, and is shown apart.

- plan behind an ACCESS EXCLUSIVE lock on a table;
- apply queued behind another apply (canon's apply lock);
- apply whose step meets a lock timeout and is retried after a pause;
- apply whose concurrent index build waits for an older transaction to end.

It starts its own PostgreSQL in a temporary folder and prints a Markdown table.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from canon.pg.cluster import Cluster, destroy_with_scratch
from canon.run.lock import APPLY_LOCK_KEY

CANON = Path(sys.executable).parent / "canon"
HOLD = 9.0  # seconds the blocking session keeps its lock

LIVE = """
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id bigint PRIMARY KEY, code text, qty integer);
INSERT INTO shop.orders SELECT g, 'C-' || g % 100, g % 7 FROM generate_series(1, 10000) g;
"""
FILES = """
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id bigint PRIMARY KEY, code text, qty integer, note text);
CREATE INDEX orders_code_idx ON shop.orders (code);
"""


@dataclass(frozen=True)
class Scenario:
    name: str
    args: tuple[str, ...]
    block: Callable[[psycopg.Connection], None]  # takes what makes canon wait
    prepare: str = ""  # run on live first, to leave the plan the step that should wait


def _exclusive(conn: psycopg.Connection) -> None:
    conn.execute("LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE")


def _apply_lock(conn: psycopg.Connection) -> None:
    conn.execute("SELECT pg_advisory_lock(%s)", (APPLY_LOCK_KEY,))


def _reader(conn: psycopg.Connection) -> None:
    # An open transaction that read the table: ALTER TABLE waits for its lock.
    conn.execute("SELECT count(*) FROM shop.orders")


def _old_snapshot(conn: psycopg.Connection) -> None:
    # A snapshot kept open: CREATE INDEX CONCURRENTLY waits for it to end.
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.execute("SELECT count(*) FROM shop.orders")


SCENARIOS = (
    Scenario("plan behind an exclusive table lock", ("plan", "--lock-timeout", "30s"), _exclusive),
    Scenario(
        "apply queued behind another apply",
        ("apply", "--allow-hazards", "all", "--apply-lock-wait", "30s"),
        _apply_lock,
    ),
    Scenario(
        "apply step retried after lock timeouts",
        ("apply", "--allow-hazards", "all", "--lock-timeout", "3s", "--lock-retries", "5"),
        _reader,
    ),
    Scenario(
        "concurrent build waiting for an old transaction",
        ("apply", "--allow-hazards", "all", "--lock-timeout", "30s"),
        _old_snapshot,
        prepare="ALTER TABLE shop.orders ADD COLUMN note text",
    ),
)


def measure(scenario: Scenario, url: str, schema: Path) -> tuple[float, float, int]:
    """Seconds until canon waits, its longest silence while it does, and its lines meanwhile."""
    with psycopg.connect(url) as holder:
        scenario.block(holder)
        started = time.monotonic()
        proc = subprocess.Popen(
            [str(CANON), *scenario.args, "--database-url", url, "--schema-dir", str(schema)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: list[float] = []
        reader = threading.Thread(target=_timestamps, args=(proc, lines), daemon=True)
        reader.start()
        waiting = _when_waiting(url, proc.pid, holder.info.backend_pid)
        time.sleep(max(0.0, HOLD - (time.monotonic() - waiting)))
        lifted = time.monotonic()
        holder.rollback()
        holder.execute("SELECT pg_advisory_unlock_all()")
    proc.wait(timeout=120)
    reader.join()
    marks = [waiting, *(t for t in lines if waiting < t < lifted), lifted]
    silence = max(b - a for a, b in itertools.pairwise(marks))
    return waiting - started, silence, len(marks) - 2


# A session of the process is blocked by the holder, or asks for canon's apply lock.
WAITING = """
SELECT EXISTS (
    SELECT 1 FROM pg_stat_activity a
    WHERE a.application_name = %s
      AND (%s = ANY(pg_blocking_pids(a.pid)) OR a.query LIKE '%%pg_try_advisory_lock%%'))
"""


def _when_waiting(url: str, pid: int, holder: int) -> float:
    with psycopg.connect(url, autocommit=True) as watch:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            row = watch.execute(WAITING, (f"canon/{pid}", holder)).fetchone()
            if row and row[0]:
                return time.monotonic()
            time.sleep(0.02)
    raise RuntimeError("canon never started waiting")


def _timestamps(proc: subprocess.Popen[str], lines: list[float]) -> None:
    assert proc.stderr is not None
    for _ in proc.stderr:
        lines.append(time.monotonic())


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="canon-bench-waits-"))
    cluster = Cluster(root)
    try:
        server = cluster.ensure_started()
        schema = root / "schema"
        schema.mkdir()
        (schema / "shop.sql").write_text(FILES)
        rows = []
        for number, scenario in enumerate(SCENARIOS):
            name = f"waits_{number}"
            with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}")
            url = server.url(name)
            with psycopg.connect(url) as conn:
                conn.execute(LIVE + ";" + scenario.prepare)
            before, silence, said = measure(scenario, url, schema)
            rows.append((scenario.name, before, silence, said))
            print(f"bench: {scenario.name}: {silence:.1f} s", file=sys.stderr, flush=True)
    finally:
        destroy_with_scratch(cluster)
        shutil.rmtree(root, ignore_errors=True)
    print(
        f"| blocked for {HOLD:g} s | until it waits | longest silence waiting | lines meanwhile |"
    )
    print("|---|---|---|---|")
    for name, before, silence, said in rows:
        print(f"| {name} | {before:.1f} s | {silence:.1f} s | {said} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
