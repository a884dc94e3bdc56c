"""The fleet benchmark: drift and apply over many databases of the seeds' schema, on two servers.

Half the databases live on the benchmark's server (canon's embedded cluster for these
runs), half on a second cluster started here. Each is a copy of one database built with
``canon apply`` and ``canon seed``. Measured, each as a separate ``canon`` process:

- drift over the fleet, cold (files never planned before: the scratch database is built)
  and warm (files unchanged), against the warm drift of one of its databases alone;
- apply of a one-column change to every database, against the same apply to one more
  database alone (both with the changed files' scratch database already built);
- the peak memory of any fleet command.

Goals: warm drift of the fleet at most 5 times one database's; the apply at most 10 times one
database's; peak memory under 300 MB.
"""

from __future__ import annotations

import shutil
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

from canon.pg.cluster import Cluster, Server, destroy_with_scratch

from . import seeds
from .measure import CANON, REPO, Bench, run

ENVIRONMENT = "fleet"
TEMPLATE = "bench_fleet_template"
ALONE = "bench_fleet_alone"
GOALS = {"drift": 5.0, "apply": 10.0, "memory_mb": 300.0}


@dataclass
class FleetRow:
    databases: int
    drift_cold: float = 0.0
    drift_warm: float = 0.0
    one_drift_warm: float = 0.0
    apply: float = 0.0
    one_apply: float = 0.0
    peaks: list[float] = field(default_factory=list)

    @property
    def peak_mb(self) -> float:
        return max(self.peaks, default=0.0)


class _Fleet:
    """The project folder and the servers the fleet's databases are spread over."""

    def __init__(self, bench: Bench, second: Server) -> None:
        self.bench = bench
        self.folder = bench.workdir / "fleet"
        self.schema = self.folder / "schema"
        self.servers = [bench.server, second]

    def canon(self, *args: str, expect: int, row: FleetRow | None = None) -> float:
        result = run(
            [str(CANON), *args, "--schema-dir", str(self.schema)],
            env=self.bench.env,
            cwd=self.folder,
        )
        if result.returncode != expect:
            raise RuntimeError(
                f"canon {' '.join(args)} exited {result.returncode}: {result.stderr.strip()[-600:]}"
            )
        if row is not None:
            row.peaks.append(result.max_rss_mb)
        return result.seconds

    def admin(self, server: Server, sql: str) -> None:
        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def build(self, databases: int) -> dict[str, str]:
        """A template on each server (canon apply and seed), then the fleet copied from them."""
        for server in self.servers:
            self.admin(server, f'CREATE DATABASE "{TEMPLATE}"')
            url = server.url(TEMPLATE)
            run_ok(
                [str(CANON), "apply", "--database-url", url, "--schema-dir", str(self.schema)], self
            )
            run_ok(
                [str(CANON), "seed", "--database-url", url, "--seeds-dir", str(REPO / "seeds")],
                self,
            )
        urls = {}
        for n in range(databases):
            server = self.servers[n % 2]
            name = f"db{n + 1:02d}"
            self.admin(server, f'CREATE DATABASE "bench_fleet_{name}" TEMPLATE "{TEMPLATE}"')
            urls[name] = server.url(f"bench_fleet_{name}")
        self.admin(self.servers[0], f'CREATE DATABASE "{ALONE}" TEMPLATE "{TEMPLATE}"')
        (self.folder / "fleet.txt").write_text("".join(f"{n}  {u}\n" for n, u in urls.items()))
        return urls

    def drop(self) -> None:
        for server in self.servers:
            with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
                names = [
                    r[0]
                    for r in conn.execute(
                        "SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_fleet\\_%'"
                    )
                ]
                for name in names:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_ok(argv: list[str], fleet: _Fleet) -> None:
    result = run(argv, env=fleet.bench.env, cwd=fleet.folder)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[1:3])} failed: {result.stderr.strip()[-600:]}")


def write_project(fleet: _Fleet, note: str, change: bool = False) -> None:
    """The seeds' schema (with a statement that changes nothing, ``note``), optionally one
    column more, and canon.toml with the fleet's environment."""
    subject = seeds.subject(REPO / "schema")
    subject.write(fleet.schema, None, note)
    if change:
        table = seeds.table_names(REPO / "schema")[0]
        last = sorted(fleet.schema.rglob("*.sql"))[-1]
        last.write_text(last.read_text() + f"\nALTER TABLE {table} ADD COLUMN bench_fleet text;\n")
    settings = (REPO / "canon.toml").read_text() if (REPO / "canon.toml").is_file() else ""
    settings += f'\n[env.{ENVIRONMENT}]\ndatabases_file = "fleet.txt"\n'
    (fleet.folder / "canon.toml").write_text(settings)
    if not (fleet.folder / "seeds").exists():
        shutil.copytree(REPO / "seeds", fleet.folder / "seeds")


def measure(bench: Bench, databases: int, runs: int, progress: Callable[[str], None]) -> FleetRow:
    row = FleetRow(databases)
    root = bench.workdir.parent / "pg-second"
    second = Cluster(root, database=None)
    fleet: _Fleet | None = None
    try:
        progress(f"fleet of {databases}: starting a second server and building the databases")
        fleet = _Fleet(bench, second.ensure_started())
        write_project(fleet, "")
        urls = fleet.build(databases)
        env = ("--env", ENVIRONMENT)

        progress(f"fleet of {databases}: drift, cold and warm")

        def cold(i: int) -> float:
            assert fleet is not None
            write_project(fleet, f"fleet cold run {i}")  # new statements: no scratch cached
            return fleet.canon("drift", *env, expect=0, row=row)

        row.drift_cold = statistics.median(cold(i) for i in range(runs))
        row.drift_warm = statistics.median(
            fleet.canon("drift", *env, expect=0, row=row) for _ in range(runs)
        )
        one = ("--database-url", urls["db01"])
        row.one_drift_warm = statistics.median(
            fleet.canon("drift", *one, expect=0) for _ in range(runs)
        )

        progress(f"fleet of {databases}: apply of a one-column change")
        write_project(fleet, "", change=True)
        alone = ("--database-url", bench.server.url(ALONE))
        fleet.canon("plan", *alone, expect=2)  # builds the changed files' scratch database
        row.one_apply = fleet.canon("apply", *alone, expect=0)
        row.apply = fleet.canon("apply", *env, expect=0, row=row)
        fleet.canon("drift", *env, expect=0)  # every database took the change
    finally:
        if fleet is not None:
            fleet.drop()
        destroy_with_scratch(second)
        shutil.rmtree(root, ignore_errors=True)
    return row


def render(rows: list[FleetRow]) -> str:
    lines = [
        "| databases | servers | drift, cold | drift, warm | one database, drift warm "
        "| apply of one column | one database, apply | peak RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        drift_ratio = r.drift_warm / r.one_drift_warm if r.one_drift_warm else float("nan")
        apply_ratio = r.apply / r.one_apply if r.one_apply else float("nan")
        lines.append(
            f"| {r.databases} | 2 | {r.drift_cold:.2f} s | {r.drift_warm:.2f} s "
            f"({drift_ratio:.1f}×, goal ≤ {GOALS['drift']:.0f}×) | {r.one_drift_warm:.2f} s "
            f"| {r.apply:.2f} s ({apply_ratio:.1f}×, goal ≤ {GOALS['apply']:.0f}×) "
            f"| {r.one_apply:.2f} s | {r.peak_mb:.0f} MB (goal < {GOALS['memory_mb']:.0f} MB) |"
        )
    return "\n".join(lines)
