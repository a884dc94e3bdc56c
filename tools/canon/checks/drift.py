"""Drift: does the live database still match the files? Reported as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from canon.diff import catalog
from canon.errors import Warn
from canon.files import seeds as seeding
from canon.files.sources import SchemaSource
from canon.files.tenancy import group_by_tenant
from canon.files.tenants import Tenant
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.plan.model import Plan, PlanOptions
from canon.plan.pipeline import make_plan
from canon.plan.workspace import Workspace

FORMAT_VERSION = 1


@dataclass(frozen=True)
class DriftReport:
    database: str  # masked URL
    schema_dir: str
    plan: Plan
    seed_differences: tuple[seeding.SeedDifference, ...] = ()
    # Differences no planner handles, found in the catalogs when the plan is empty.
    residuals: tuple[catalog.Residual, ...] = ()
    tenants: tuple[Tenant, ...] = ()
    name: str = ""  # the database's short name in a fleet

    def tenant_matrix(self) -> list[tuple[str, int]]:
        """Per tenant, how many statements it needs to match the files (0: no drift)."""
        if not self.tenants:
            return []
        sqls = [s.sql for s in self.plan.statements]
        counts = {t.id: 0 for t in self.tenants}
        for owner, group in group_by_tenant(sqls, self.tenants):
            if owner is not None:
                counts[owner.id] = len(group)
        return list(counts.items())

    @property
    def drifted(self) -> bool:
        return not self.plan.empty or bool(self.seed_differences)

    def to_text(self) -> str:
        if not self.drifted:
            return (
                f"no drift: {self.database} matches {self.schema_dir}\n"
                + self._residual_text()
                + self._matrix_text()
            )
        lines = [
            f"drift: {self.database} differs from {self.schema_dir} "
            f"({len(self.plan.statements)} statements to converge, "
            f"{len(self.seed_differences)} reference rows)"
        ]
        for statement in self.plan.statements:
            tag = f" [{', '.join(statement.hazard_names)}]" if statement.hazards else ""
            lines.append(f"  {_one_line(statement.sql)}{tag}")
        for d in self.seed_differences:
            lines.append(f"  seed {d.table} ({d.key}): {d.problem} [{d.path}:{d.line}]")
        return "\n".join(lines) + "\n" + self._matrix_text()

    def _matrix_text(self) -> str:
        matrix = self.tenant_matrix()
        if not matrix:
            return ""
        width = max(len("tenant"), *(len(tenant) for tenant, _ in matrix))
        lines = ["", f"{'tenant':<{width}}  status  statements"]
        lines += [f"{tenant:<{width}}  {'drift' if n else 'ok':<6}  {n}" for tenant, n in matrix]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        document = {
            "format_version": FORMAT_VERSION,
            **({"name": self.name} if self.name else {}),
            "database": self.database,
            "schema_dir": self.schema_dir,
            "drift": self.drifted,
            "hazards": self.plan.hazard_names,
            "differences": [
                {"sql": s.sql, "hazards": list(s.hazard_names)} for s in self.plan.statements
            ],
            "seed_differences": [d.__dict__ for d in self.seed_differences],
            "residuals": [r.describe() for r in self.residuals],
            "tenants": {
                tenant: {"drift": n > 0, "statements": n} for tenant, n in self.tenant_matrix()
            },
        }
        return json.dumps(document, indent=2) + "\n"

    def _residual_text(self) -> str:
        if not self.residuals:
            return ""
        lines = [f"residual: {len(self.residuals)} differences canon cannot plan:"]
        lines += [f"  {r.describe()}" for r in self.residuals]
        return "\n".join(lines) + "\n"

    def to_github(self) -> str:
        of = f" ({self.name})" if self.name else ""
        if not self.drifted:
            notes = [
                f"::warning title=canon residual{of}::{_escape(r.describe())}"
                for r in self.residuals
            ]
            return (
                "\n".join([f"::notice title=canon drift{of}::no drift in {self.database}", *notes])
                + "\n"
            )
        lines = [
            f"::error title=canon drift{of}::{_escape(_one_line(s.sql))}"
            for s in self.plan.statements
        ]
        lines += [
            f"::error file={d.path},line={d.line},title=canon seed drift{of}::"
            f"{_escape(f'{d.table} ({d.key}) {d.problem}')}"
            for d in self.seed_differences
        ]
        return "\n".join(lines) + "\n"


def check_drift(
    live_url: DatabaseUrl,
    ws: Workspace,
    schema_dir: Path,
    seeds_dir: Path | None,
    warn: Warn,
) -> DriftReport:
    """Compare the live schema with the workspace's files and, when given, the reference rows with seeds/."""
    seeds = seeding.read_seeds(seeds_dir) if seeds_dir is not None else []
    with db.reading(live_url) as live_conn, db.reading(ws.target_url) as target_conn:
        plan = make_plan(
            live_url, live_conn, target_conn, ws.source, PlanOptions(), warn, ws.prefetched
        )
        want = catalog.signatures(target_conn, EXCLUDED_SCHEMAS) if plan.empty else {}
    return report_for(live_url, plan, want, ws.source, schema_dir, seeds)


def report_for(
    live_url: DatabaseUrl,
    plan: Plan,
    want: catalog.Signatures,
    source: SchemaSource,
    schema_dir: Path,
    seeds: Sequence[seeding.SeedStatement],
    name: str = "",
) -> DriftReport:
    """The report of a database whose plan is ``plan``; ``want``: the files' signatures.

    A fleet plans once for all its databases of one fingerprint and reports each with this.
    """
    residuals: list[catalog.Residual] = []
    seed_differences: list[seeding.SeedDifference] = []
    if plan.empty:
        with db.connect(live_url) as conn:
            # Residuals are what stays different once the plan has nothing left to do.
            have = catalog.signatures(conn, EXCLUDED_SCHEMAS)
            residuals = [r for r in catalog.differing(have, want) if source.owns_schema(r.schema)]
            # Reference rows are only comparable once the tables have the planned shape.
            if seeds:
                seed_differences = seeding.differences(conn, seeds)
    chosen = source.only_tenant
    return DriftReport(
        live_url.masked(),
        str(schema_dir),
        plan,
        tuple(seed_differences),
        tuple(residuals),
        (chosen,) if chosen else source.tenants,
        name,
    )


def _one_line(sql: str) -> str:
    return " ".join(sql.split())


def _escape(message: str) -> str:
    """GitHub workflow commands need %, CR and LF escaped."""
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
