"""Applying a plan: one transaction, checked against the files before it commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
from sqlalchemy.engine import Connection

from . import db, diff, hazards
from .dburl import DatabaseUrl
from .errors import DatabaseError, HazardRefused, NotConverged, StalePlan
from .fingerprint import fingerprint
from .plan import Plan, PlannedStatement, make_plan, read_plan_file, workspace
from .scratch import Warn

# Two applies on one database never interleave: they queue on this advisory lock.
APPLY_LOCK_KEY = 0x63616E6F6E  # "canon"


@dataclass(frozen=True)
class Settings:
    allow_hazards: frozenset[str] = frozenset()
    dry_run: bool = False
    lock_timeout: str = "5s"
    statement_timeout: str = "0"
    apply_lock_wait: str = "10s"


@dataclass(frozen=True)
class ApplyResult:
    plan: Plan
    applied: bool
    dry_run: bool


def apply(
    live: DatabaseUrl,
    schema_dir: Path,
    plan_file: Path | None,
    settings: Settings,
    warn: Warn,
) -> ApplyResult:
    """Apply ``plan_file`` (or a fresh plan) to ``live``; commit only if it converges."""
    saved = read_plan_file(plan_file) if plan_file else None
    with workspace(live, schema_dir, warn) as ws, diff.connect(ws.target) as target:
        with _locked_transaction(live, settings) as conn:
            if saved is not None:
                _check_fresh(saved, ws.source.digest, conn)
                plan = _reclassified(saved, conn)
            else:
                plan = make_plan(conn, target, ws.source)
            if plan.empty:
                return ApplyResult(plan, applied=False, dry_run=settings.dry_run)
            _refuse_unallowed(plan, settings.allow_hazards)
            run_statements(conn, plan)
            residual = diff.changes(conn, target)
            if residual:
                raise NotConverged(
                    "the plan ran but the database still differs from the files, so it was "
                    f"rolled back; first remaining difference: {residual[0].splitlines()[0]}"
                )
            if settings.dry_run:
                conn.rollback()
            else:
                conn.commit()
            return ApplyResult(plan, applied=True, dry_run=settings.dry_run)


@contextmanager
def _locked_transaction(live: DatabaseUrl, settings: Settings) -> Iterator[Connection]:
    """A transaction on ``live`` holding canon's apply lock; rolled back unless committed."""
    with diff.connect(live) as conn:
        raw = _driver(conn)
        conn.begin()
        try:
            raw.execute(f"SET LOCAL lock_timeout = {_literal(settings.apply_lock_wait)}")
            try:
                raw.execute("SELECT pg_advisory_xact_lock(%s)", (APPLY_LOCK_KEY,))
            except psycopg.errors.LockNotAvailable:
                raise DatabaseError(
                    "another canon apply is running on this database; "
                    f"waited {settings.apply_lock_wait}, try again when it has finished"
                ) from None
            raw.execute(f"SET LOCAL lock_timeout = {_literal(settings.lock_timeout)}")
            raw.execute(f"SET LOCAL statement_timeout = {_literal(settings.statement_timeout)}")
            yield conn
        finally:
            if conn.in_transaction():
                conn.rollback()


def run_statements(conn: Connection, plan: Plan) -> None:
    raw = _driver(conn)
    for number, statement in enumerate(plan.statements, start=1):
        try:
            raw.execute(statement.sql)
        except psycopg.Error as exc:
            where = f"plan line {statement.line}" if statement.line else f"statement {number}"
            first = statement.sql.strip().splitlines()[0]
            raise DatabaseError(
                f"{where} ({first}) failed: {db.describe(exc)}; nothing was changed", exc.sqlstate
            ) from None


def _driver(conn: Connection) -> psycopg.Connection:
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    return raw


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _check_fresh(plan: Plan, schema_digest: str, conn: Connection) -> None:
    if plan.schema_digest != schema_digest:
        raise StalePlan("stale plan: the schema files changed since it was written; plan again")
    if plan.live_fingerprint != fingerprint(conn, diff.EXCLUDED_SCHEMAS):
        raise StalePlan("stale plan: the live database changed since it was written; plan again")


def _reclassified(plan: Plan, conn: Connection) -> Plan:
    sqls = [s.sql for s in plan.statements]
    classified = hazards.classify(sqls, conn)
    statements = tuple(
        PlannedStatement(sql, found, old.line)
        for (sql, found), old in zip(classified, plan.statements, strict=True)
    )
    return replace(plan, statements=statements)


def _refuse_unallowed(plan: Plan, allowed: frozenset[str]) -> None:
    refused = [name for name in plan.hazard_names if name not in allowed]
    if refused:
        raise HazardRefused(refused)
