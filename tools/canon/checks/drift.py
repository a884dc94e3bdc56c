"""Drift: does the live database still match the files? Reported as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from canon.diff import catalog
from canon.errors import Warn
from canon.files import seeds as seeding
from canon.files.tenancy import group_by_tenant
from canon.files.tenants import Tenant
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.plan import converged
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
        if not self.drifted:
            notes = [
                f"::warning title=canon residual::{_escape(r.describe())}" for r in self.residuals
            ]
            return (
                "\n".join([f"::notice title=canon drift::no drift in {self.database}", *notes])
                + "\n"
            )
        lines = [
            f"::error title=canon drift::{_escape(_one_line(s.sql))}" for s in self.plan.statements
        ]
        lines += [
            f"::error file={d.path},line={d.line},title=canon seed drift::"
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
    seeds = _read_seeds(seeds_dir)
    with db.reading(live_url) as live_conn, db.reading(ws.target_url) as target_conn:
        plan = make_plan(
            live_url, live_conn, target_conn, ws.source, PlanOptions(), warn, ws.prefetched
        )
        # Residuals are what stays different once the plan has nothing left to do.
        residuals = (
            catalog.residuals(live_conn, target_conn, EXCLUDED_SCHEMAS) if plan.empty else []
        )
    # Reference rows are only comparable once the tables have the planned shape.
    seed_differences = _seed_differences(live_url, seeds) if plan.empty else []
    chosen = ws.source.only_tenant
    residuals = [r for r in residuals if ws.source.owns_schema(r.schema)]
    return DriftReport(
        live_url.masked(),
        str(schema_dir),
        plan,
        tuple(seed_differences),
        tuple(residuals),
        (chosen,) if chosen else ws.source.tenants,
    )


def recorded_drift(
    live_url: DatabaseUrl,
    record: converged.Record,
    tenants: tuple[Tenant, ...],
    schema_dir: Path,
    seeds_dir: Path | None,
) -> DriftReport | None:
    """The report when live's convergence record vouches for its schema; None to check in full.

    The record matched the files and live's fingerprint; what the fingerprint does not
    cover, live's catalog signatures, must also be those recorded (no residual was left
    then). Reference rows change with the data, so they are compared as always.
    """
    seeds = _read_seeds(seeds_dir)
    with db.reading(live_url) as live_conn:
        found = catalog.signatures(live_conn, EXCLUDED_SCHEMAS)
        if converged.signatures_digest(found.items()) != record.signatures_digest:
            return None
        server_version = db.server_version(live_conn)
    plan = Plan((), record.inputs_digest, record.live_fingerprint, server_version, tenants=tenants)
    return DriftReport(
        live_url.masked(),
        str(schema_dir),
        plan,
        tuple(_seed_differences(live_url, seeds)),
        tenants=tenants,
    )


def _read_seeds(seeds_dir: Path | None) -> list[seeding.SeedStatement]:
    return seeding.read_seeds(seeds_dir) if seeds_dir is not None else []


def _seed_differences(
    live_url: DatabaseUrl, seeds: list[seeding.SeedStatement]
) -> list[seeding.SeedDifference]:
    if not seeds:
        return []
    with db.connect(live_url) as conn:
        return seeding.differences(conn, seeds)


def _one_line(sql: str) -> str:
    return " ".join(sql.split())


def _escape(message: str) -> str:
    """GitHub workflow commands need %, CR and LF escaped."""
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
