"""Run every scenario in tests/cases, both directions, and print what became of them.

    .venv/bin/python -m tests.corpus [--jobs N] [--verbose] [CASE_SUBSTRING...]

prints, for each direction, ``converged N/M, refused R, failed F``; then the refusals by
reason (each must name object, reason and remedy) and the failures by kind (internal
error, rehearsal, not converged, other error). It exits 1 when any direction failed or
was refused where its case expects convergence. It starts its own PostgreSQL cluster in
a temporary folder and destroys it at the end, so it needs nothing running.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import psycopg

from canon.pg.cluster import Cluster, destroy_with_scratch

from .scenario import (
    CONVERGED,
    FAILED,
    REFUSAL_MARK,
    REFUSED,
    Outcome,
    case_dirs,
    directions,
    run_direction,
)

Result = tuple[str, str, Outcome]  # case-direction id, direction, outcome


def _run_case(server_url: str, case: Path) -> list[Result]:
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
        results.append((direction.id, direction.name, outcome))
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
        results: list[Result] = []
        with ProcessPoolExecutor(
            max_workers=max(1, args.jobs), initializer=_worker_signals
        ) as pool:
            futures = [pool.submit(_run_case, server.url("postgres"), case) for case in cases]
            try:
                for future in as_completed(futures):
                    # Failures are shown as they happen; the summary line comes last.
                    for ident, name, outcome in future.result():
                        _show(ident, outcome, args.verbose)
                        results.append((ident, name, outcome))
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        elapsed = time.monotonic() - started
    finally:
        os.chdir(previous_cwd)
        destroy_with_scratch(cluster)
        shutil.rmtree(root, ignore_errors=True)
    return _report(results, elapsed)


def _show(ident: str, outcome: Outcome, verbose: bool) -> None:
    if outcome.status == FAILED:
        lines = outcome.detail.splitlines() or [""]
        detail = outcome.detail if verbose else " | ".join(lines[:6])[:600]
        print(f"FAILED {ident}: {detail}", file=sys.stderr, flush=True)


def _report(results: list[Result], elapsed: float) -> int:
    """Counts per direction, refusals by reason, failures by kind; 1 if any direction failed."""
    results = [(ident, name, _named_or_failed(outcome)) for ident, name, outcome in results]
    for name in ("forward", "reverse"):
        counts = Counter(outcome.status for _, n, outcome in results if n == name)
        ran = sum(counts.values())
        print(
            f"{name}: converged {counts[CONVERGED]}/{ran}, refused {counts[REFUSED]}, "
            f"failed {counts[FAILED]}"
        )
    refusals = Counter(_refusal_reason(o.detail) for _, _, o in results if o.status == REFUSED)
    failures = Counter(_failure_kind(o.detail) for _, _, o in results if o.status == FAILED)
    for title, counter in (("refused, by reason", refusals), ("failed, by kind", failures)):
        if counter:
            print(f"{title}:")
            for reason, count in sorted(counter.items(), key=lambda item: (-item[1], item[0])):
                print(f"  {count:4d}  {reason}")
    print(
        f"({len({ident.rsplit('-', 1)[0] for ident, _, _ in results})} cases in {elapsed:.0f} s)",
        file=sys.stderr,
    )
    return 1 if failures else 0


def _named_or_failed(outcome: Outcome) -> Outcome:
    """A refusal counts only when it names object, reason and remedy."""
    if outcome.status == REFUSED and _refusal(outcome.detail) is None:
        return Outcome(FAILED, f"{UNNAMED}: {outcome.detail}")
    return outcome


UNNAMED = "a refusal that does not name object, reason and remedy"


def _refusal(detail: str) -> tuple[str, str, str] | None:
    """(object, reason, remedy) of a refusal message, as PlanRefused words it."""
    if REFUSAL_MARK not in detail:
        return None
    text = detail.split(REFUSAL_MARK, 1)[1].splitlines()[0]
    obj, _, rest = text.partition(": ")
    reason, _, remedy = rest.partition("; ")
    return (obj, reason, remedy) if obj and reason and remedy else None


def _refusal_reason(detail: str) -> str:
    """A refusal's kind of object and reason, without names, labels or numbers."""
    found = _refusal(detail)
    assert found is not None, detail  # unnamed refusals were counted as failures
    obj, reason, _ = found
    reason = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "…", reason)
    reason = re.sub(r"\d+", "N", reason)
    reason = re.sub(r"\([^)]*\)", "(…)", reason)
    reason = reason.split(",")[0]
    return f"{obj.split()[0]}: {reason}"


def _failure_kind(detail: str) -> str:
    if detail.startswith(UNNAMED):
        return UNNAMED
    if "internal error" in detail:
        return "internal error"
    if _refusal(detail) is not None:
        return "refused where the case expects convergence"
    if "rehearsal:" in detail:
        return "refused by the rehearsal"
    if detail.startswith("not converged"):
        return "not converged"
    return "other error"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
