"""Run every scenario in tests/cases, both directions, and print one line of results.

    .venv/bin/python -m tests.corpus [--jobs N] [--verbose] [CASE_SUBSTRING...]

prints ``converged N/M, refused R, failed F`` (M counts every direction run) and exits 1
when any direction failed. It starts its own PostgreSQL cluster in a temporary folder and
destroys it at the end, so it needs nothing running.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import psycopg

from canon.pg.cluster import Cluster

from .scenario import (
    CONVERGED,
    FAILED,
    REFUSED,
    SKIPPED,
    Outcome,
    case_dirs,
    directions,
    run_direction,
)


def _run_case(server_url: str, case: Path) -> list[tuple[str, Outcome]]:
    """Both directions of one case, each in a database of its own.

    The directions of a case run one after the other: the roles a case needs are
    cluster-wide, and two runs at once could race on creating them.
    """
    results = []
    for direction in directions(case):
        name = f"corpus_{os.getpid()}_{direction.name}"
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        url = server_url.rsplit("/", 1)[0] + f"/{name}"
        try:
            outcome = run_direction(url, direction)
        except Exception as exc:  # noqa: BLE001 - a crash in one case must not stop the corpus
            outcome = Outcome(FAILED, f"{type(exc).__name__}: {exc}")
        finally:
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        results.append((direction.id, outcome))
    return results


def _make_disposable(url: str) -> None:
    """This cluster is thrown away at the end: durability only costs time here."""
    with psycopg.connect(url, autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.corpus", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="cases run at once (default: 2)",
    )
    parser.add_argument("--verbose", action="store_true", help="print each failure in full")
    parser.add_argument("only", nargs="*", help="run only cases whose name holds one of these")
    return parser.parse_args(argv)


def _interrupt(signum: int, frame: object) -> None:
    # SIGTERM (from timeout or CI) unwinds like Ctrl-C, so the cluster is destroyed.
    raise KeyboardInterrupt


def _worker_signals() -> None:
    # Workers die on SIGTERM; the parent cleans up.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    args = _arguments(argv)
    cases = [c for c in case_dirs() if not args.only or any(s in c.name for s in args.only)]
    root = Path(tempfile.mkdtemp(prefix="canon-corpus-"))
    cluster = Cluster(root)
    previous_cwd = Path.cwd()
    try:
        server = cluster.ensure_started()
        _make_disposable(server.url("postgres"))
        # Nothing may fall back to the developer's embedded cluster, and no project seeds/
        # folder may be picked up from the current directory.
        os.environ["CANON_HOME"] = str(root)
        os.chdir(root)
        started = time.monotonic()
        results: list[tuple[str, Outcome]] = []
        with ProcessPoolExecutor(
            max_workers=max(1, args.jobs), initializer=_worker_signals
        ) as pool:
            futures = [pool.submit(_run_case, server.url("postgres"), case) for case in cases]
            try:
                for future in as_completed(futures):
                    # Failures are shown as they happen; the summary line comes last.
                    for ident, outcome in future.result():
                        _show(ident, outcome, args.verbose)
                        results.append((ident, outcome))
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        elapsed = time.monotonic() - started
    finally:
        os.chdir(previous_cwd)
        cluster.destroy()
        shutil.rmtree(root, ignore_errors=True)
    return _report(results, elapsed)


def _show(ident: str, outcome: Outcome, verbose: bool) -> None:
    if outcome.status == FAILED:
        lines = outcome.detail.splitlines() or [""]
        detail = outcome.detail if verbose else " | ".join(lines[:6])[:600]
        print(f"FAILED {ident}: {detail}", file=sys.stderr, flush=True)


def _report(results: list[tuple[str, Outcome]], elapsed: float) -> int:
    counts = Counter(outcome.status for _, outcome in results)
    ran = len(results) - counts[SKIPPED]
    print(
        f"converged {counts[CONVERGED]}/{ran}, refused {counts[REFUSED]}, failed {counts[FAILED]}"
    )
    print(f"({len(results) // 2} cases in {elapsed:.0f} s)", file=sys.stderr)
    return 1 if counts[FAILED] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
