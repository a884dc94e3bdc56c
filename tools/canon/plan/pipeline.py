"""Planning: diff live against the files, make it lock-safe, classify and measure it.

``make_plan`` is the one pipeline every command shares (plan, apply, drift, verify):
renames first, the diff kind by kind, shared objects before tenants, lock-safe
rewriting, recreations kept within one step, hazards, then what is at stake on the
live data when asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pglast import ast

from canon.diff.fingerprint import fingerprint
from canon.diff.kind import Recreated
from canon.diff.kinds.indexes import invalid_indexes
from canon.errors import Warn
from canon.files import tenancy
from canon.files.declarations import Declarations
from canon.files.sources import SchemaSource
from canon.files.tenants import Tenant
from canon.inspection.prefetch import NOTHING_AHEAD, Prefetched
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.db import Connection
from canon.pg.dburl import DatabaseUrl
from canon.pg.objects import ObjectName, acted_on, relation, removes
from canon.pg.parsing import dropped_paths, parse
from canon.plan import hazards, keys, locksafe, measure, renames, spans
from canon.plan.model import Origin, Plan, PlannedStatement, PlanOptions
from canon.plan.workspace import Workspace


def plan_workspace(live_url: DatabaseUrl, ws: Workspace, options: PlanOptions, warn: Warn) -> Plan:
    """The plan from live to the workspace's scratch database."""
    if ws.commit is not None:
        options = replace(options, schema_ref=ws.commit)
    with db.reading(live_url) as live_conn, db.reading(ws.target_url) as target_conn:
        return make_plan(live_url, live_conn, target_conn, ws.source, options, warn, ws.prefetched)


def make_plan(
    live_url: DatabaseUrl,
    live_conn: Connection,
    target_conn: Connection,
    source: SchemaSource,
    options: PlanOptions,
    warn: Warn,
    prefetched: Prefetched = NOTHING_AHEAD,
) -> Plan:
    """Diff live against the target, make it lock-safe and classify what it would do."""
    # Taken before live is read: should live change while it is planned, the plan
    # no longer matches it and apply refuses it as stale.
    live_fingerprint = fingerprint(live_conn, EXCLUDED_SCHEMAS)
    changes, notes = renames.planned_changes(
        live_url, live_conn, target_conn, source, warn, prefetched, live_fingerprint
    )
    notes = [*notes, *_invalid_index_notes(live_conn)]
    raw = tenancy.shared_first(source.in_scope(changes.statements), source.tenants)
    statements = locksafe.lock_safe(raw, live_conn, options.concurrently) if raw else []
    # An index the plan recreates is dropped and built again inside one transaction
    # (what forces it out must go in between), so the keys rule leaves it where it is.
    rebuilt = [r.path for r in changes.recreated if r.kind == "index"]
    statements = spans.rebuilt_in_transaction(statements, rebuilt)
    if statements:
        statements = keys.keep_keys(statements, keys.live_keys(live_conn), rebuilt)
    statements = whole_recreations(statements, changes.recreated, source.tenants)
    plan = Plan(
        statements=classified(statements, live_conn),
        schema_digest=source.digest,
        live_fingerprint=live_fingerprint,
        server_version=db.server_version(live_conn),
        schema_ref=options.schema_ref,
        notes=tuple(notes),
        tenants=(source.only_tenant,) if source.only_tenant else source.tenants,
        recreated=recreations_in(statements, changes.recreated),
    )
    if options.locate and statements:
        plan = with_origins(plan, source)
    return with_stakes(plan, live_conn) if options.measure and statements else plan


def _invalid_index_notes(live_conn: Connection) -> list[str]:
    return [
        f"index {name} is invalid (a failed or interrupted concurrent build): "
        "the plan drops it, and builds it again if the files have it"
        for name in invalid_indexes(live_conn, EXCLUDED_SCHEMAS)
    ]


def whole_recreations(
    statements: list[str], recreated: Sequence[Recreated], tenants: Sequence[Tenant]
) -> list[str]:
    """The plan with each recreation inside one step; tenants are applied one by one."""
    paths = [r.path for r in recreated]
    if not paths:
        return statements
    groups = tenancy.group_by_tenant(statements, tenants) if tenants else [(None, statements)]
    return [sql for _, group in groups for sql in spans.keep_whole(group, paths)]


def recreations_in(
    statements: Sequence[str], recreated: Sequence[Recreated]
) -> tuple[Recreated, ...]:
    """What the plan recreates, among what the diff found (a tenant's plan holds less)."""
    dropped = {path for sql in statements for path in dropped_paths(sql)}
    return tuple(r for r in recreated if r.path in dropped)


def classified(
    statements: list[str], live_conn: Connection | None, lines: list[int | None] | None = None
) -> tuple[PlannedStatement, ...]:
    found = hazards.classify(statements, live_conn)
    # A drop and an add of the same type in one table is most often an unhinted rename.
    suspects = renames.suspected(statements, live_conn) if live_conn is not None else {}
    found = [
        (sql, hz + ((hazards.Hazard(hazards.DATA_LOSS, suspects[i]),) if i in suspects else ()))
        for i, (sql, hz) in enumerate(found)
    ]
    lines = lines or [None] * len(statements)
    return tuple(
        PlannedStatement(sql, hz, line) for (sql, hz), line in zip(found, lines, strict=True)
    )


def with_stakes(plan: Plan, live_conn: Connection) -> Plan:
    """The plan with what each statement puts at stake measured on live."""
    measured = measure.stakes(live_conn, [s.sql for s in plan.statements])
    return replace(
        plan,
        statements=tuple(
            replace(s, at_stake=stakes) if stakes else s
            for s, stakes in zip(plan.statements, measured, strict=True)
        ),
    )


def with_origins(plan: Plan, source: SchemaSource) -> Plan:
    """The plan with each statement's object and the file and line that declare it."""
    subjects = [_subject(s.sql) for s in plan.statements]
    found = Declarations(
        source,
        [o for s in subjects if s is not None for o in (s.object, s.fallback) if o is not None],
    )
    return replace(
        plan,
        statements=tuple(
            replace(statement, origin=_origin(subject, found))
            for statement, subject in zip(plan.statements, subjects, strict=True)
        ),
    )


@dataclass(frozen=True)
class _Subject:
    object: ObjectName
    about: str | None  # "comment" or "grant" when the statement writes those of the object
    removes: bool
    fallback: ObjectName | None  # where to point when the files do not name the object


def _subject(sql: str) -> _Subject | None:
    """The object a statement is about, and how: writing its comment or grants, dropping it."""
    nodes = parse(sql)
    obj = acted_on(nodes[0]) if len(nodes) == 1 else None
    if obj is None:
        return None
    node = nodes[0]
    about = {ast.CommentStmt: "comment", ast.GrantStmt: "grant"}.get(type(node))
    # An index the files do not name (one behind a constraint, say) belongs to its table.
    fallback = relation(node.relation) if isinstance(node, ast.IndexStmt) else obj.parent
    return _Subject(obj, about, removes(node), fallback)


def _origin(subject: _Subject | None, found: Declarations) -> Origin | None:
    if subject is None:
        return None
    # A dropped column or constraint the files lack is only in live, not in its table's file.
    declaration = found.find(subject.object, subject.about)
    if declaration is None and subject.fallback is not None and not subject.removes:
        declaration = found.find(subject.fallback)
    if declaration is None:
        return Origin(str(subject.object))
    return Origin(str(subject.object), declaration.path, declaration.line)
