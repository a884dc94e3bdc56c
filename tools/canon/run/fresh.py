"""Applying to a database that holds nothing yet: the files themselves, loaded as a scratch build loads them.

When live holds no object of its own and the files only define schema objects (no
rows, roles or procedural code), a plan would create everything the files create,
so the plan is the files. Their statements run on live in one transaction, in
dependency order and in batches (``scratch.loader``), while the scratch database is
built beside it (or found in the cache). That build is the rehearsal: the same
statements, in the same order, into an empty database. Before anything commits, live
must have exactly the scratch database's fingerprint and catalog signatures; if it
does not, the transaction is rolled back and apply takes its usual path (plan,
rehearse on a copy of live, run in steps). Nothing exists to lock, rewrite or lose,
so the only hazard left is ``authz``: privileges, policies and row-level security.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import psycopg

from canon.diff.fingerprint import fingerprint
from canon.errors import ApplyFailed, CanonError, Warn
from canon.files import loadorder
from canon.files.project import Project
from canon.files.sources import SchemaSource, Statement
from canon.managed import CANON_SCHEMA, EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.backup import Backup, backup
from canon.pg.db import query
from canon.pg.dburl import DatabaseUrl
from canon.plan import hazards
from canon.plan.model import Plan, PlannedStatement
from canon.plan.steps import Step
from canon.plan.workspace import schema_files
from canon.run.convergence import State, record_of, remember, state_of, unchanged_files
from canon.run.journal import ApplyRecord, Journal
from canon.run.runner import Timeouts
from canon.scratch.cache import scratch_database
from canon.scratch.loader import load_statements

# Statements that only define schema objects: what a plan into an empty database would
# make too. Rows (INSERT, COPY…), roles, procedural code (DO, SELECT of a function) and
# database settings take the usual path, which plans the schema they leave.
DEFINING = frozenset(
    {
        "AlterDomainStmt",
        "AlterEnumStmt",
        "AlterFunctionStmt",
        "AlterObjectSchemaStmt",
        "AlterOwnerStmt",
        "AlterSeqStmt",
        "AlterTableStmt",
        "CommentStmt",
        "CompositeTypeStmt",
        "CreateCastStmt",
        "CreateConversionStmt",
        "CreateDomainStmt",
        "CreateEnumStmt",
        "CreateExtensionStmt",
        "CreateForeignTableStmt",
        "CreateFunctionStmt",
        "CreateOpClassStmt",
        "CreateOpFamilyStmt",
        "CreatePublicationStmt",
        "CreateRangeStmt",
        "CreateSchemaStmt",
        "CreateSeqStmt",
        "CreateStatsStmt",
        "CreateStmt",
        "CreateTableAsStmt",
        "CreateTrigStmt",
        "DefineStmt",
        "IndexStmt",
        "RenameStmt",
        "RuleStmt",
        "ViewStmt",
    }
)
# Of those, the kinds that may change who reads or writes data (``authz``).
GRANTING = frozenset(
    {
        "AlterDefaultPrivilegesStmt",
        "AlterPolicyStmt",
        "AlterTableStmt",  # ENABLE / FORCE ROW LEVEL SECURITY
        "CreatePolicyStmt",
        "GrantStmt",
    }
)
LOADABLE = DEFINING | GRANTING

# Objects made since the cluster was created: initdb gives everything it makes an OID
# below FirstNormalObjectId. canon's own schema, TOAST and temporary schemas aside.
FIRST_NORMAL_OID = 16384
OWN_OBJECTS = query(f"""
WITH own AS (
    SELECT oid, nspname FROM pg_namespace
    WHERE nspname <> :canon AND nspname <> 'pg_toast'
      AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
)
SELECT EXISTS (SELECT 1 FROM own WHERE oid >= {FIRST_NORMAL_OID})
    OR EXISTS (SELECT 1 FROM pg_class JOIN own ON own.oid = relnamespace
               WHERE pg_class.oid >= {FIRST_NORMAL_OID})
    OR EXISTS (SELECT 1 FROM pg_type JOIN own ON own.oid = typnamespace
               WHERE pg_type.oid >= {FIRST_NORMAL_OID})
    OR EXISTS (SELECT 1 FROM pg_proc WHERE oid >= {FIRST_NORMAL_OID})
    OR EXISTS (SELECT 1 FROM pg_extension WHERE oid >= {FIRST_NORMAL_OID})
    OR EXISTS (SELECT 1 FROM pg_collation WHERE oid >= {FIRST_NORMAL_OID})
    OR EXISTS (SELECT 1 FROM pg_operator WHERE oid >= {FIRST_NORMAL_OID})
    OR EXISTS (SELECT 1 FROM pg_cast WHERE oid >= {FIRST_NORMAL_OID})
    OR EXISTS (SELECT 1 FROM pg_publication)
    OR EXISTS (SELECT 1 FROM pg_event_trigger)
    OR EXISTS (SELECT 1 FROM pg_foreign_server)
    OR EXISTS (SELECT 1 FROM pg_default_acl)
""")
# Cancelling a load reaches it only while a query runs: asked again until it stops.
CANCEL_EVERY_SECONDS = 0.05


@dataclass(frozen=True)
class Loaded:
    """An apply that loaded the files into an empty live database, committed."""

    plan: Plan  # the files' statements, in the order they ran, as one step
    apply_id: int
    backup: Backup | None


def apply_files(
    live_url: DatabaseUrl,
    lock: psycopg.Connection,
    project: Project,
    ref: str | None,
    allow_hazards: frozenset[str],
    timeouts: Timeouts,
    backup_to: Path | None,
    warn: Warn,
) -> Loaded | None:
    """Load the files into live if it holds nothing yet; None to take the usual path.

    ``lock`` is the apply's autocommit connection holding canon's apply lock; the
    journal and the convergence record are written on it.
    """
    # One transaction, from the first look at live to the commit; closing the connection
    # without committing rolls it back.
    with contextlib.closing(db.connect(live_url)) as live_conn:
        if holds_objects(live_conn):
            return None
        with schema_files(live_url, project, ref) as files:
            statements = files.source.statements
            if not all(s.kind in LOADABLE for s in statements):
                return None
            if not _hazards_allowed(statements, allow_hazards):
                return None
            before = fingerprint(live_conn, EXCLUDED_SCHEMAS)
            _limit(live_conn, timeouts)
            loaded = _load_beside_build(
                live_conn, live_url, files.source, project.config.default_owner, warn
            )
            if loaded is None:
                return None
            ran, reached, target_url = loaded
            taken = backup(live_url, backup_to) if backup_to else None
            plan = Plan(
                statements=tuple(PlannedStatement(sql) for sql in ran),
                schema_digest=files.source.digest,
                live_fingerprint=before,
                server_version=db.server_version(live_conn),
                schema_ref=files.commit,
                tenants=files.source.tenants,
            )
            step = _step(plan)
            apply_id = _commit(live_conn, Journal(lock, _record(plan), (step,)), step)
            if unchanged_files(files.source, files.inputs):
                remember(lock, record_of(files.inputs, reached, reached, target_url), apply_id)
            return Loaded(plan, apply_id, taken)


def holds_objects(live_conn: psycopg.Connection) -> bool:
    """Whether live holds any object made since its cluster was created (canon's own aside)."""
    row = live_conn.execute(OWN_OBJECTS, {"canon": CANON_SCHEMA}).fetchone()
    return bool(row and row[0])


def _hazards_allowed(statements: Sequence[Statement], allowed: frozenset[str]) -> bool:
    """Whether ``authz`` is allowed where the files may need it (every other hazard needs
    something that exists). When it is not, the usual path plans and judges: a statement
    may read as authz here and be no change there (an owner the role already is)."""
    granting = [s.sql for s in statements if s.kind in GRANTING]
    found = {
        hazard.name
        for _, each in hazards.classify(granting, facts=hazards.LiveFacts())
        for hazard in each
        if hazard.name not in hazards.EXISTING_TABLE_ONLY
    }
    return found <= allowed


def _limit(live_conn: psycopg.Connection, timeouts: Timeouts) -> None:
    for name, value in (
        ("lock_timeout", timeouts.lock_timeout),
        ("statement_timeout", timeouts.statement_timeout),
    ):
        live_conn.execute("SELECT set_config(%s, %s, true)", (name, value))


def _load_beside_build(
    live_conn: psycopg.Connection,
    live_url: DatabaseUrl,
    source: SchemaSource,
    default_owner: str | None,
    warn: Warn,
) -> tuple[tuple[str, ...], State, DatabaseUrl] | None:
    """Load live and build (or find) the scratch database at once, then compare the two.

    Returns the statements in the order they ran, the state live reached (the scratch
    database's) and the scratch database; None when live refused a statement or does
    not match the scratch database (its transaction is then left to be rolled back,
    and the usual path says what is wrong).
    """
    loadorder.ordered(source.statements)  # found once, here, for both loads
    with _loading(live_conn, source.statements) as loading:
        with (
            scratch_database(live_url, source.statements, warn, default_owner) as target_url,
            db.reading(target_url) as target_conn,
        ):
            target = state_of(target_conn)
        try:
            ran = loading.result()
        except (CanonError, psycopg.Error):
            return None
    reached = state_of(live_conn)
    if reached != target:
        return None
    return tuple(s.sql for s in ran), reached, target_url


@contextlib.contextmanager
def _loading(
    live_conn: psycopg.Connection, statements: Sequence[Statement]
) -> Iterator[Future[list[Statement]]]:
    """Load ``statements`` into live in a background thread while the block runs.

    Leaving the block by an error (in the scratch build, say, or Ctrl-C) stops the load.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="canon-load") as pool:
        future = pool.submit(load_statements, live_conn, statements)
        try:
            yield future
        except BaseException:
            while not future.done():
                with contextlib.suppress(Exception):
                    live_conn.cancel_safe(timeout=CANCEL_EVERY_SECONDS)
                wait([future], timeout=CANCEL_EVERY_SECONDS)
            raise


def _step(plan: Plan) -> Step:
    """The one step: every statement in one transaction."""
    return Step(1, tuple(s.sql for s in plan.statements), transactional=True)


def _record(plan: Plan) -> ApplyRecord:
    return ApplyRecord(
        plan.plan_hash, plan.recorded_sql, plan.schema_digest, plan.live_fingerprint, None
    )


def _commit(live_conn: psycopg.Connection, journal: Journal, step: Step) -> int:
    """Commit the load, journaled as the one step it is; return the apply's id."""
    journal.step_started(step, 1)
    try:
        live_conn.commit()
    except psycopg.Error as exc:
        message = f"apply #{journal.apply_id} failed to commit: {db.describe(exc)}; nothing changed"
        journal.finish(message)
        raise ApplyFailed(message, exc.sqlstate, journal.apply_id) from None
    journal.step_done(step, 1)
    journal.finish()
    return journal.apply_id
