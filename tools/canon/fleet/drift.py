"""``canon drift --env`` over a fleet: every database checked, a matrix of what drifted where.

Each cohort is diffed once; then every database is checked for what depends on it
alone (residual differences in its catalogs, its reference rows). The report ends with
a matrix of databases by (schema drift, seed drift, tenants drifted). A database that
could not be checked has a row saying why, and makes the command fail: a gate that
skipped a database in silence would pass what it never saw.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from canon.checks.drift import DriftReport, report_for
from canon.diff import catalog
from canon.errors import Warn
from canon.files import seeds as seeding
from canon.files.environments import Environment
from canon.fleet.cohorts import (
    Cohort,
    Projects,
    cohorts,
    each_cohort,
    each_member,
    probe_all,
    scratch_host,
)
from canon.fleet.targets import Failure
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.plan.model import PlanOptions
from canon.plan.pipeline import make_plan
from canon.plan.workspace import workspace

FORMAT_VERSION = 1
MATRIX_HEAD = ("database", "schema drift", "seed drift", "tenants drifted")


@dataclass(frozen=True)
class FleetDrift:
    environment: str
    reports: tuple[DriftReport, ...]  # one per database checked, named
    failed: tuple[Failure, ...] = ()
    order: tuple[str, ...] = ()  # the environment's databases, for the matrix
    seeds_checked: bool = True  # False: the project has no seeds/ to compare

    @property
    def drifted(self) -> bool:
        return any(r.drifted for r in self.reports)

    @property
    def residuals(self) -> bool:
        return any(r.residuals for r in self.reports)

    def matrix(self) -> list[tuple[str, ...]]:
        """One row per database, in the environment's order: what drifted, or why it was not checked."""
        rows: dict[str, tuple[str, ...]] = {}
        for report in self.reports:
            statements = len(report.plan.statements)
            tenants = report.tenant_matrix()
            drifted_tenants = sum(1 for _, n in tenants if n)
            rows[report.name] = (
                report.name,
                f"{statements} statement{'s' * (statements != 1)}" if statements else "ok",
                "-"
                if statements or not self.seeds_checked
                else (_rows(len(report.seed_differences)) or "ok"),
                f"{drifted_tenants} of {len(tenants)}" if tenants else "-",
            )
        for failure in self.failed:
            rows[failure.name] = (failure.name, failure.problem)
        return [rows[name] for name in self.order if name in rows]

    def summary(self) -> str:
        drifted = sum(1 for r in self.reports if r.drifted)
        total = len(self.reports) + len(self.failed)
        text = f"{self.environment}: {drifted} of {total} database{'s' * (total != 1)} drifted"
        if self.failed:
            text += f"; {len(self.failed)} could not be checked"
        return text

    def to_text(self) -> str:
        parts = [f"[{r.name}] " + r.to_text() for r in self.reports if r.drifted or r.residuals]
        parts.append(_table([MATRIX_HEAD, *self.matrix()]))
        return "\n".join(parts)

    def to_json(self) -> str:
        reports = {r.name: r for r in self.reports}
        problems = {f.name: f.problem for f in self.failed}
        databases: list[dict[str, object]] = []
        for name in self.order:
            if name in problems:
                databases.append({"name": name, "status": "error", "error": problems[name]})
            elif name in reports:
                report = reports[name]
                databases.append(
                    {
                        "name": name,
                        "status": "drift" if report.drifted else "ok",
                        "report": json.loads(report.to_json()),
                    }
                )
        document = {
            "format_version": FORMAT_VERSION,
            "environment": self.environment,
            "drift": self.drifted,
            "complete": not self.failed,
            "databases": databases,
        }
        return json.dumps(document, indent=2) + "\n"

    def to_github(self) -> str:
        lines = [r.to_github() for r in self.reports]
        lines += [
            f"::error title=canon drift ({f.name})::could not be checked: {f.problem}\n"
            for f in self.failed
        ]
        return "".join(lines)


def drift_fleet(
    environment: Environment,
    projects: Projects,
    schema_dir: Path,
    seeds_dir: Path | None,
    concurrency: int,
    warn: Warn,
) -> FleetDrift:
    """Check every database of ``environment`` against the files (and seeds/)."""
    seeds = seeding.read_seeds(seeds_dir) if seeds_dir is not None else []
    probes, failed = probe_all(environment, projects, concurrency)
    host = scratch_host(probes, warn)

    def check_cohort(cohort: Cohort) -> list[DriftReport]:
        rep = cohort.representative
        with workspace(rep.target.url, rep.project, warn, read_only=True, scratch_host=host) as ws:
            with db.reading(rep.target.url) as live_conn, db.reading(ws.target_url) as target_conn:
                plan = make_plan(
                    rep.target.url,
                    live_conn,
                    target_conn,
                    ws.source,
                    PlanOptions(locate=True),
                    warn,
                    ws.prefetched,
                )
                want = catalog.signatures(target_conn, EXCLUDED_SCHEMAS) if plan.empty else {}
        checked = each_member(
            cohort.members,
            concurrency,
            lambda t: report_for(t.url, plan, want, ws.source, schema_dir, seeds, t.name),
            failed,
        )
        return [report for _, report in checked]

    reports = each_cohort(cohorts(probes), concurrency, check_cohort, failed)
    order = tuple(t.name for t in environment.targets)
    return FleetDrift(
        environment.name,
        tuple(sorted(reports, key=lambda r: order.index(r.name))),
        tuple(sorted(failed, key=lambda f: order.index(f.name))),
        order,
        bool(seeds),
    )


def _rows(count: int) -> str:
    return f"{count} row{'s' * (count != 1)}" if count else ""


def _table(rows: list[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell; a row of one problem spans the rest."""
    full = [row for row in rows if len(row) == len(rows[0])]
    widths = [max(len(row[i]) for row in (rows if i == 0 else full)) for i in range(len(full[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
