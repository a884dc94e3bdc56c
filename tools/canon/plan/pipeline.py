"""Plans: the statements that bring the live database to the files, and the plan file format.

A plan file is the SQL exactly as it will run, after a header of ``-- key: value``
lines that prove which state it was planned for:

    -- canon plan
    -- format: 1
    -- canon-version: 0.1.0
    -- schema-digest: <sha256 of the schema files>
    -- schema-ref: <git commit the files were read at>   (only with plan --ref)
    -- live-fingerprint: <catalog fingerprint of the live schema>
    -- server-version: 150018
    -- hazards: data-loss, index-build

Each statement follows, preceded by ``-- hazard: …`` and ``-- at stake: …`` comments
where it has any, and by a ``-- step N`` line where a new step (transaction) begins.
Comments are for the reviewer: on apply the statements are classified again, so
deleting a hazard comment cannot switch a check off.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from canon import __version__
from canon.pg import db
from canon.diff import compare as diff
from canon.plan import hazards
from canon.plan import locksafe
from canon.plan import measure
from canon.plan import renames
from canon.plan import steps
from canon.files import tenancy
from canon.files import tenants
from canon.pg.db import Connection
from canon.pg.dburl import DatabaseUrl
from canon.errors import SourceError
from canon.diff.fingerprint import fingerprint
from canon.inspection.prefetch import fingerprint_known
from canon.files.sources import SchemaSource, split_statements
from canon.plan.workspace import Workspace

MAGIC = "-- canon plan"
FORMAT_VERSION = "1"
JSON_FORMAT_VERSION = 1


@dataclass(frozen=True)
class PlannedStatement:
    sql: str
    hazards: tuple[hazards.Hazard, ...] = ()
    line: int | None = None  # line in the plan file, when read from one
    at_stake: tuple[measure.Stake, ...] = ()
    by_hand: bool = False  # added to a saved plan by its reviewer (a backfill, say)

    @property
    def hazard_names(self) -> tuple[str, ...]:
        return tuple(sorted({h.name for h in self.hazards}))


@dataclass(frozen=True)
class PlanOptions:
    """How to plan: lock-safe rewriting, and whether to measure what is at stake."""

    concurrently: bool = True
    measure: bool = False
    schema_ref: str | None = None


@dataclass(frozen=True)
class Plan:
    statements: tuple[PlannedStatement, ...]
    schema_digest: str
    live_fingerprint: str
    server_version: int
    canon_version: str = __version__
    header: dict[str, str] = field(default_factory=dict)
    schema_ref: str | None = None
    notes: tuple[str, ...] = ()  # warnings for the reader, e.g. rename hints that do nothing
    tenants: tuple[tenants.Tenant, ...] = ()  # tenant schemas the plan covers

    @property
    def empty(self) -> bool:
        return not self.statements

    @property
    def hazard_names(self) -> list[str]:
        return sorted({name for s in self.statements for name in s.hazard_names})

    @property
    def failing_stakes(self) -> list[tuple[PlannedStatement, measure.Stake]]:
        """Measured facts that make a statement certain to fail on the live data."""
        return [(s, stake) for s in self.statements for stake in s.at_stake if stake.fails]

    @property
    def steps(self) -> tuple[steps.Step, ...]:
        return steps.group([s.sql for s in self.statements])

    @property
    def sql(self) -> str:
        """The statements alone, as they run: what the plan hash covers."""
        return "".join(_terminated(s.sql) + "\n" for s in self.statements)

    @property
    def recorded_sql(self) -> str:
        """The statements as history keeps them: those added by hand are marked."""
        return "".join(
            ("-- added by hand\n" if s.by_hand else "") + _terminated(s.sql) + "\n"
            for s in self.statements
        )

    @property
    def plan_hash(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    def render(self) -> str:
        lines = [
            MAGIC,
            f"-- format: {FORMAT_VERSION}",
            f"-- canon-version: {self.canon_version}",
            f"-- schema-digest: {self.schema_digest}",
        ]
        if self.schema_ref:
            lines.append(f"-- schema-ref: {self.schema_ref}")
        lines += [
            f"-- live-fingerprint: {self.live_fingerprint}",
            f"-- server-version: {self.server_version}",
            f"-- hazards: {', '.join(self.hazard_names) or 'none'}",
            # Statements whose hash is not listed here were added by a reviewer.
            f"-- planned: {' '.join(statement_hash(s.sql) for s in self.statements)}",
            "",
        ]
        by_sql = iter(self.statements)
        all_steps = self.steps
        section: tenants.Tenant | None = None
        for step in all_steps:
            if len(all_steps) > 1:
                lines.append(f"-- step {step.number} of {len(all_steps)}: {_step_kind(step)}")
            for _ in step.statements:
                statement = next(by_sql)
                owner = tenancy.tenant_of(statement.sql, self.tenants) if self.tenants else None
                if owner is not None and owner != section:
                    lines.append(f"-- tenant {owner.id} (schema {owner.schema})")
                section = owner
                for hazard in statement.hazards:
                    lines.append(_comment(f"hazard: {hazard.name}: {hazard.reason}"))
                for stake in statement.at_stake:
                    lines.append(_comment(f"at stake: {stake}"))
                lines.append(_terminated(statement.sql))
                lines.append("")
        return "\n".join(lines)

    def to_json(self) -> str:
        by_sql = iter(self.statements)
        document = {
            "format_version": JSON_FORMAT_VERSION,
            "canon_version": self.canon_version,
            "schema_digest": self.schema_digest,
            "schema_ref": self.schema_ref,
            "live_fingerprint": self.live_fingerprint,
            "server_version": self.server_version,
            "plan_hash": self.plan_hash if self.statements else None,
            "changes": not self.empty,
            "hazards": self.hazard_names,
            "steps": [
                {
                    "step": step.number,
                    "transaction": _step_kind(step),
                    "statements": [_statement_json(next(by_sql)) for _ in step.statements],
                }
                for step in self.steps
            ],
        }
        return json.dumps(document, indent=2) + "\n"


def _statement_json(statement: PlannedStatement) -> dict[str, object]:
    return {
        "sql": statement.sql,
        "hazards": [{"name": h.name, "reason": h.reason} for h in statement.hazards],
        "at_stake": [
            {"text": str(stake), "count": stake.count, "estimate": stake.estimate,
             "fails": stake.fails}
            for stake in statement.at_stake
        ],
    }


def _comment(text: str) -> str:
    """One SQL comment line: a line break in a hostile object name must not end it."""
    return "-- " + text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def _step_kind(step: steps.Step) -> str:
    if not step.transactional:
        return "outside a transaction"
    return "own transaction" if len(step.statements) == 1 else "one transaction"


def _terminated(sql: str) -> str:
    sql = sql.rstrip()
    return sql if sql.endswith(";") else sql + ";"


def plan_workspace(live: DatabaseUrl, ws: Workspace, options: PlanOptions) -> Plan:
    """The plan from live to the workspace's scratch database."""
    if ws.commit is not None:
        options = replace(options, schema_ref=ws.commit)
    with diff.connect(live) as live_conn, diff.connect(ws.target) as target_conn:
        return make_plan(live_conn, target_conn, ws.source, options)


def make_plan(
    live: Connection, target: Connection, source: SchemaSource,
    options: PlanOptions = PlanOptions(),
) -> Plan:
    """Diff ``live`` against ``target``, make it lock-safe and classify what it would do."""
    # Taken before live is read: should live change while it is planned, the plan
    # no longer matches it and apply refuses it as stale.
    live_fingerprint = fingerprint(live, diff.EXCLUDED_SCHEMAS)
    with fingerprint_known(live, live_fingerprint):
        changes, notes = renames.planned_changes(live, target, source)
    raw = tenancy.shared_first(source.in_scope(changes), source.tenants)
    statements = locksafe.lock_safe(raw, live, options.concurrently) if raw else []
    plan = Plan(
        statements=classified(statements, live),
        schema_digest=source.digest,
        live_fingerprint=live_fingerprint,
        server_version=db.server_version(live),
        schema_ref=options.schema_ref,
        notes=tuple(notes),
        tenants=(source.only_tenant,) if source.only_tenant else source.tenants,
    )
    return with_stakes(plan, live) if options.measure and statements else plan


def classified(statements: list[str], live: Connection | None,
               lines: list[int | None] | None = None) -> tuple[PlannedStatement, ...]:
    found = hazards.classify(statements, live)
    # A drop and an add of the same type in one table is most often an unhinted rename.
    suspects = renames.suspected(statements, live) if live is not None else {}
    found = [
        (sql, hz + ((hazards.Hazard(hazards.DATA_LOSS, suspects[i]),) if i in suspects else ()))
        for i, (sql, hz) in enumerate(found)
    ]
    lines = lines or [None] * len(statements)
    return tuple(
        PlannedStatement(sql, hz, line) for (sql, hz), line in zip(found, lines, strict=True)
    )


def with_stakes(plan: Plan, live: Connection) -> Plan:
    """The plan with what each statement puts at stake measured on ``live``."""
    measured = measure.stakes(live, [s.sql for s in plan.statements])
    return replace(plan, statements=tuple(
        replace(s, at_stake=stakes) if stakes else s
        for s, stakes in zip(plan.statements, measured, strict=True)
    ))


def read_plan_file(path: Path) -> Plan:
    """Parse a plan file written by ``canon plan --out`` (possibly edited by hand)."""
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(display, None, f"cannot read plan file: {exc}") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != MAGIC:
        raise SourceError(display, 1, f"not a canon plan file (it must start with {MAGIC!r})")
    header = _read_header(lines)
    for key in ("format", "schema-digest", "live-fingerprint", "server-version"):
        if key not in header:
            raise SourceError(display, None, f"plan header lacks '{key}'")
    if header["format"] != FORMAT_VERSION:
        raise SourceError(display, None, f"unsupported plan format {header['format']!r}")
    # Hazards are classified again when the plan is applied: a reviewer deleting a
    # "-- hazard:" comment must not be able to switch a check off.
    planned = set(header["planned"].split()) if "planned" in header else None
    statements = tuple(
        PlannedStatement(s.sql, (), s.line,
                         by_hand=planned is not None and statement_hash(s.sql) not in planned)
        for s in split_statements(text, display)
    )
    return Plan(
        statements=statements,
        schema_digest=header["schema-digest"],
        live_fingerprint=header["live-fingerprint"],
        server_version=_int_or_zero(header["server-version"]),
        canon_version=header.get("canon-version", "unknown"),
        header=header,
        schema_ref=header.get("schema-ref") or None,
    )


def statement_hash(sql: str) -> str:
    """A short hash of a statement, blind to layout, to tell planned from hand-added ones."""
    return hashlib.sha256(" ".join(sql.rstrip().rstrip(";").split()).encode()).hexdigest()[:12]


def _read_header(lines: list[str]) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in lines[1:]:
        if not line.startswith("-- ") or ":" not in line:
            break
        key, _, value = line[3:].partition(":")
        header[key.strip()] = value.strip()
    return header


def _int_or_zero(value: str) -> int:
    return int(value) if value.isdigit() else 0
