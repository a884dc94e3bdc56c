"""Drift: does the live database still match the files? Reported as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from canon.diff import catalog
from canon.errors import Warn
from canon.files import seeds as seeding
from canon.files.declarations import Declaration, Declarations
from canon.files.sources import SchemaSource
from canon.files.tenancy import group_by_tenant
from canon.files.tenants import Tenant
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.dburl import DatabaseUrl
from canon.pg.objects import ObjectName
from canon.plan import converged
from canon.plan.model import Plan, PlannedStatement, PlanOptions
from canon.plan.output import (
    ANNOTATION_SQL,
    annotation_place,
    escape,
    one_line,
    origin_json,
)
from canon.plan.pipeline import make_plan
from canon.plan.workspace import Workspace
from canon.words import counted

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
    # Where the files declare the object of a residual, when they do.
    residual_places: dict[catalog.Residual, Declaration] = field(default_factory=dict)
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
            f"({counted(len(self.plan.statements), 'statement')} to converge, "
            f"{counted(len(self.seed_differences), 'reference row')})"
        ]
        for statement in self.plan.statements:
            tag = f" [{', '.join(statement.hazard_names)}]" if statement.hazards else ""
            origin = f"{statement.origin}: " if statement.origin else ""
            lines.append(f"  {origin}{one_line(statement.sql)}{tag}")
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
            "differences": [_difference(s) for s in self.plan.statements],
            "seed_differences": [d.__dict__ for d in self.seed_differences],
            "residuals": [self._described(r) for r in self.residuals],
            "tenants": {
                tenant: {"drift": n > 0, "statements": n} for tenant, n in self.tenant_matrix()
            },
        }
        return json.dumps(document, indent=2) + "\n"

    def _residual_text(self) -> str:
        if not self.residuals:
            return ""
        lines = [f"residual: {len(self.residuals)} differences canon cannot plan:"]
        lines += [f"  {self._described(r)}" for r in self.residuals]
        return "\n".join(lines) + "\n"

    def _described(self, residual: catalog.Residual) -> str:
        """The residual and, when the files declare its object, where."""
        found = self.residual_places.get(residual)
        return (
            f"{residual.describe()} ({found.path}:{found.line})" if found else residual.describe()
        )

    def _residual_annotation(self, residual: catalog.Residual, of: str) -> str:
        found = self.residual_places.get(residual)
        where = annotation_place(found.path, found.line) if found else ""
        return f"::warning {where}title=canon residual{of}::{escape(residual.describe())}"

    def to_github(self) -> str:
        of = f" ({self.name})" if self.name else ""
        if not self.drifted:
            notes = [self._residual_annotation(r, of) for r in self.residuals]
            return (
                "\n".join([f"::notice title=canon drift{of}::no drift in {self.database}", *notes])
                + "\n"
            )
        lines = [_annotation(s, of) for s in self.plan.statements]
        lines += [
            f"::error {annotation_place(d.path, d.line)}title=canon seed drift{of}::"
            f"{escape(f'{d.table} ({d.key}) {d.problem}')}"
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
        options = PlanOptions(locate=True)
        plan = make_plan(live_url, live_conn, target_conn, ws.source, options, warn, ws.prefetched)
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
            residuals = [r for r in catalog.differences(have, want) if source.owns_schema(r.schema)]
    if seeds:
        # Compared whatever the schema: a seed that no longer fits a drifted table is
        # reported with the rest, so one run shows everything that differs.
        with db.connect(live_url) as conn:
            seed_differences = seeding.differences(conn, seeds, schema_matches=plan.empty)
    chosen = source.only_tenant
    return DriftReport(
        live_url.masked(),
        str(schema_dir),
        plan,
        tuple(seed_differences),
        tuple(residuals),
        (chosen,) if chosen else source.tenants,
        _residual_places(residuals, source),
        name,
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


def _residual_places(
    residuals: list[catalog.Residual], source: SchemaSource
) -> dict[catalog.Residual, Declaration]:
    objects = {r: residual_object(r) for r in residuals if r.change != "unexpected"}
    found = Declarations(source, [o for o in objects.values() if o is not None])
    places = {r: found.find(o) for r, o in objects.items() if o is not None}
    return {r: place for r, place in places.items() if place is not None}


RELATION_RESIDUALS = frozenset(
    {
        "table",
        "partitioned table",
        "view",
        "materialized view",
        "foreign table",
        "sequence",
        "index",
    }
)
MEMBER_RESIDUALS = frozenset({"column", "constraint", "trigger", "policy"})
GLOBAL_RESIDUALS = frozenset({"schema", "extension", "publication"})


def residual_object(residual: catalog.Residual) -> ObjectName | None:
    """The object a residual names (catalog names are quoted where needed, dotted)."""
    parts = _identifiers(residual.name.split("(")[0])
    kind = residual.kind
    if kind in GLOBAL_RESIDUALS and len(parts) == 1:
        return ObjectName(kind, None, parts[0])
    if kind in MEMBER_RESIDUALS and len(parts) == 3:
        return ObjectName(kind, parts[0], f"{parts[1]}.{parts[2]}")
    if len(parts) != 2:
        return None
    if kind in RELATION_RESIDUALS:
        return ObjectName("relation", parts[0], parts[1])
    return ObjectName("function" if kind == "procedure" else kind, parts[0], parts[1])


def _identifiers(name: str) -> list[str]:
    """``a."b.c".d`` as ``['a', 'b.c', 'd']``."""
    found = re.findall(r'"((?:[^"]|"")*)"|([^."]+)', name)
    return [quoted.replace('""', '"') if quoted else plain for quoted, plain in found]


def _difference(statement: PlannedStatement) -> dict[str, object]:
    return {
        "sql": statement.sql,
        **origin_json(statement),
        "hazards": list(statement.hazard_names),
    }


def _annotation(statement: PlannedStatement, of: str = "") -> str:
    """An error on the file and line declaring the statement's object, when the files do.

    ``of`` names the database of a fleet in the title.
    """
    origin = statement.origin
    if origin is None:
        return f"::error title=canon drift{of}::{escape(one_line(statement.sql, ANNOTATION_SQL))}"
    where = annotation_place(origin.path, origin.line)
    message = f"{origin.object} ({origin.where}): {one_line(statement.sql, ANNOTATION_SQL)}"
    return f"::error {where}title=canon drift{of}::{escape(message)}"
