"""Apply into an empty database, then the first plan after it and drift on a fresh checkout.

Each run times ``canon apply`` into a new empty database twice: first with no scratch
database cached on the server (the files were never built there, as on a new CI
runner), then into a second new database, the files now built (as for every further
tenant, test or environment database). Then, reference data loaded (untimed) when the
subject has ``seeds/``, it times ``canon plan`` as the user who applied runs it next,
and ``canon drift`` from another checkout of the same files with no ``.canon/cache``:
what CI does.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .measure import Bench, Run, Subject

COLUMNS = ("apply_cold", "apply", "after_apply", "drift_fresh")


@dataclass
class Figures:
    seconds: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    peak_mb: float = 0.0

    def add(self, column: str, result: Run) -> None:
        self.seconds[column].append(result.seconds)
        self.peak_mb = max(self.peak_mb, result.max_rss_mb)

    def medians(self) -> dict[str, float]:
        return {c: statistics.median(v) for c, v in self.seconds.items()}


def measure(
    bench: Bench, subject: Subject, folder: Path, runs: int, progress: Callable[[str], None]
) -> tuple[dict[str, float], float]:
    """Median seconds per column (``COLUMNS``) and the peak memory of those runs."""
    schema = subject.write(folder / "schema", None, "")
    checkout = subject.write(folder / "checkout" / "schema", None, "")
    figures = Figures()
    progress(f"{subject.name}: canon apply into an empty database, plan, drift")
    for _ in range(runs):
        first, second = bench.create_database("bench_apply"), bench.create_database("bench_apply")
        try:
            bench.forget_templates()
            figures.add("apply_cold", bench.canon("apply", first, schema, {0}))
            figures.add("apply", bench.canon("apply", second, schema, {0}))
            if subject.seeds is not None:
                bench.seed(second, subject.seeds)
            figures.add("after_apply", bench.canon("plan", second, schema, {0}))
            with tempfile.TemporaryDirectory(dir=folder) as cache:
                fresh = {"CANON_CACHE_DIR": cache}
                figures.add("drift_fresh", bench.canon("drift", second, checkout, {0}, fresh))
        finally:
            bench.drop_database(first)
            bench.drop_database(second)
    shutil.rmtree(folder / "checkout", ignore_errors=True)
    return figures.medians(), figures.peak_mb
