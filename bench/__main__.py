"""``python -m bench [--quick] [--runs N] [--readme FILE]``: canon's speed next to PostgreSQL's own.

For the project's schema/ and for generated schemas it measures, each as a separate
process and as the median of several runs:

- floor: ``psql -1 -f`` of the files into an empty database plus ``pg_dump --schema-only``,
  on the benchmark's server and on the in-memory scratch cluster canon builds in;
- raw migra between two ready databases (the live one and one loaded with a 5% change);
- ``canon plan`` cold (files never planned before), warm (files and live unchanged since
  the last plan), warm with the no-change shortcut off (full diff), and after a 5% change
  of the files;
- ``canon apply`` into an empty database with nothing cached, the first ``canon plan``
  after it, and ``canon drift`` on a fresh checkout (``fresh``);
- the peak memory of any of those runs.
- a project with tenants, planned and applied (``tenants``), and a fleet of databases
  over two servers, drifted and applied (``fleet``).

It starts its own PostgreSQL (canon's embedded-cluster settings) in a temporary folder
and prints Markdown tables; with ``--readme`` it also writes them into that file,
between the markers ``readme`` looks for. ``--daily`` measures instead how long each
everyday edit of tests/daily holds its locks (``bench.daily``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from canon.pg.cluster import Cluster, destroy_with_scratch, memory_cluster

from . import daily, fleet, fresh, generate, readme, seeds, tenants
from .measure import REPO, Bench, Subject, compile_canon

PLAN_CACHE_OFF = {"CANON_PLAN_CACHE": "off"}


FAILED = float("nan")


@dataclass
class Row:
    name: str
    tables: int
    floor: float = 0.0
    floor_in_memory: float = FAILED
    figures: dict[str, float] = field(default_factory=dict)
    peak_mb: float = 0.0  # of the plans
    apply_peak_mb: float = 0.0  # of the applies, plans and drift checks after them


def median_of(runs: int, measure: Callable[[int], float]) -> float:
    """The median of ``runs`` measurements; NaN (shown as "failed") if a run fails."""
    try:
        return statistics.median(measure(i) for i in range(runs))
    except RuntimeError as exc:
        print(f"bench: failed: {str(exc)[:300]}", file=sys.stderr, flush=True)
        return FAILED


def measure_subject(
    bench: Bench, subject: Subject, runs: int, progress: Callable[[str], None]
) -> Row:
    row = Row(subject.name, subject.tables)
    folder = bench.workdir / subject.name.split()[0]
    schema = folder / "schema"
    peaks: list[float] = []

    def plan(expect: set[int], env: dict[str, str] | None = None) -> float:
        result = bench.canon("plan", live, schema, expect, env)
        peaks.append(result.max_rss_mb)
        return result.seconds

    subject.write(schema, None, "")
    live = bench.create_database("bench_live")
    target = bench.create_database("bench_target")
    try:
        files = subject.psql_files(schema, bench.url(target))
        bench.psql_load(live, files)
        progress(f"{subject.name}: floor")
        row.floor = median_of(runs, lambda i: bench.floor(files))
        if bench.in_memory is not None:
            row.floor_in_memory = median_of(runs, lambda i: bench.in_memory.floor(files))
        subject.write(schema, 0, "")
        bench.psql_load(target, subject.psql_files(schema, bench.url(target)))
        progress(f"{subject.name}: raw migra")
        row.figures["migra"] = median_of(runs, lambda i: bench.raw_migra(live, target).seconds)

        progress(f"{subject.name}: canon plan cold")

        def cold(i: int) -> float:
            # The note is a statement that changes nothing in the schema: no cache can answer.
            subject.write(schema, None, f"cold run {i}")
            return plan({0, 2})

        row.figures["cold"] = median_of(runs, cold)
        progress(f"{subject.name}: canon plan warm")
        row.figures["warm"] = median_of(runs, lambda i: plan({0, 2}))
        row.figures["template"] = median_of(runs, lambda i: plan({0, 2}, PLAN_CACHE_OFF))

        progress(f"{subject.name}: canon plan after a 5% change")

        def changed(i: int) -> float:
            subject.write(schema, i + 1, "")
            return plan({2})

        row.figures["change"] = median_of(runs, changed)
    finally:
        bench.drop_database(live)
        bench.drop_database(target)
        bench.drop_canon_databases()
    row.peak_mb = max(peaks, default=0.0)
    try:
        medians, row.apply_peak_mb = fresh.measure(bench, subject, folder, runs, progress)
    except RuntimeError as exc:
        print(f"bench: failed: {str(exc)[:300]}", file=sys.stderr, flush=True)
        medians = dict.fromkeys(fresh.COLUMNS, FAILED)
    row.figures.update(medians)
    return row


def generated(tables: int) -> Subject:
    def write(root: Path, change: int | None, note: str) -> Path:
        return generate.write_schema(
            root, tables, generate.Change(change) if change is not None else None, note
        )

    return Subject(f"generated-{tables}", tables, write)


PLAN_COLUMNS = [
    ("migra", "raw migra"),
    ("cold", "plan, cold"),
    ("warm", "plan, warm"),
    ("template", "plan, warm, shortcut off"),
    ("change", "plan, 5% change"),
]
APPLY_COLUMNS = [
    ("apply_cold", "apply into an empty database, nothing cached"),
    ("apply", "apply into an empty database"),
    ("after_apply", "first plan after it"),
    ("drift_fresh", "drift, fresh checkout"),
]


def seconds(value: float, floor: float) -> str:
    return "failed" if value != value else f"{value:.2f} s ({value / floor:.2f}×)"


def megabytes(value: float) -> str:
    return f"{value:.0f} MB" if value else "n/a"


def render_plans(rows: list[Row]) -> str:
    head = ["schema", "tables", "floor", "floor in memory"]
    head += [title for _, title in PLAN_COLUMNS] + ["peak RSS"]
    lines = table_head(head)
    for row in rows:
        memory = row.floor_in_memory
        cells = [
            row.name,
            str(row.tables),
            f"{row.floor:.2f} s",
            "n/a" if memory != memory else seconds(memory, row.floor),
        ]
        cells += [seconds(row.figures[key], row.floor) for key, _ in PLAN_COLUMNS]
        lines.append(table_line([*cells, megabytes(row.peak_mb)]))
    return "\n".join(lines)


def render_applies(rows: list[Row]) -> str:
    head = ["schema", "tables", "floor", *(title for _, title in APPLY_COLUMNS), "peak RSS"]
    lines = table_head(head)
    for row in rows:
        cells = [row.name, str(row.tables), f"{row.floor:.2f} s"]
        cells += [seconds(row.figures[key], row.floor) for key, _ in APPLY_COLUMNS]
        lines.append(table_line([*cells, megabytes(row.apply_peak_mb)]))
    return "\n".join(lines)


def table_head(head: list[str]) -> list[str]:
    return [table_line(head), "|" + "---|" * len(head)]


def table_line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(rows: list[Row], runs: str) -> str:
    return "\n".join(
        [
            render_plans(rows),
            "",
            render_applies(rows),
            "",
            f"Seconds, median of {runs}; (×) is the ratio to the floor "
            "(`psql -1 -f` of the files into an empty database + `pg_dump --schema-only`); "
            "the floor in memory is the same on the in-memory cluster canon builds in.",
        ]
    )


@contextmanager
def started_server() -> Iterator[tuple[Bench, Path]]:
    root = Path(tempfile.mkdtemp(prefix="canon-bench-"))
    root.chmod(0o711)  # the server account must traverse it to reach its data folder
    cluster = Cluster(root / "pg")
    try:
        server = cluster.ensure_started()
        workdir = root / "work"
        workdir.mkdir()
        bench = Bench(server, cluster.root, workdir)
        memory = memory_cluster(cluster)
        if memory is not None:  # where canon builds scratch databases
            bench.in_memory = Bench(memory.ensure_started(), cluster.root, workdir)
        yield bench, root
    finally:
        destroy_with_scratch(cluster)
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, no 2,000-table schema")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5, --quick 3)")
    parser.add_argument(
        "--sizes", help="comma-separated table counts (default 60,500,2000; 0: none)"
    )
    parser.add_argument("--no-seeds", action="store_true", help="skip the project's schema/")
    parser.add_argument("--tenants", help="comma-separated tenant counts (default 50,200; 0: none)")
    parser.add_argument(
        "--daily", action="store_true", help="only the everyday edits of tests/daily: their locks"
    )
    parser.add_argument("--edits", help="with --daily: comma-separated parts of edit names")
    parser.add_argument(
        "--readme", type=Path, help="also write the tables into this file, between its markers"
    )
    parser.add_argument(
        "--fleet", type=int, help="databases in the fleet row (default 50, --quick 20; 0: none)"
    )
    args = parser.parse_args(argv)
    if args.readme is not None:
        readme.check_markers(args.readme)  # before an hour of measuring, not after
    runs = args.runs or (3 if args.quick else 5)
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([60, 500] if args.quick else [60, 500, 2000])
    )

    def progress(text: str) -> None:
        print(f"bench: {text}", file=sys.stderr, flush=True)

    if args.daily:
        with started_server() as (bench, _):
            only = [part for part in (args.edits or "").split(",") if part]
            print(daily.render(daily.measure(bench, progress, only)))
        return 0

    tenant_counts = [
        int(n)
        for n in (args.tenants or ("20,100" if args.quick else "50,200")).split(",")
        if int(n) > 0
    ]
    subjects = [] if args.no_seeds else [seeds.subject(REPO / "schema")]
    subjects += [generated(n) for n in sizes if n > 0]
    fleet_size = args.fleet if args.fleet is not None else (20 if args.quick else 50)
    rows = []
    tenant_rows = []
    fleet_rows = []
    compile_canon()
    machine = readme.Machine.now()
    with started_server() as (bench, _):
        server_version = bench.server_version()
        if fleet_size > 0:
            fleet_rows.append(fleet.measure(bench, fleet_size, runs, progress))
            progress("\n" + fleet.render(fleet_rows).splitlines()[2])
        for count in tenant_counts:
            tenant_rows.append(tenants.measure(bench, count, runs, progress))
        for subject in subjects:
            # The largest schema gets fewer runs: its figures are long and steady.
            count = min(runs, 3) if subject.tables >= 2000 else runs
            rows.append(measure_subject(bench, subject, count, progress))
            # Each finished row goes to stderr at once, so a long run that is cut short still reports.
            finished = render(rows[-1:], f"{count} runs").splitlines()
            progress("\n" + finished[2] + "\n" + finished[6])
    tables = []
    if rows:
        runs_said = f"{runs} run{'s' * (runs > 1)}"
        if runs > 3 and any(r.tables >= 2000 for r in rows):
            runs_said += " (3 at 2,000 tables)"
        tables.append(render(rows, runs_said))
    if tenant_rows:
        tables.append(tenants.render(tenant_rows))
    if fleet_rows:
        tables.append(fleet.render(fleet_rows))
    report = "\n\n".join(tables)
    report += "\n\n" + machine.describe(sys.argv[1:] if argv is None else argv, server_version)
    print(report)
    if args.readme is not None:
        readme.write(args.readme, report)
        progress(f"wrote the tables into {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
