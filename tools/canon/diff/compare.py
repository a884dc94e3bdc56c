"""The diff engine: the only module that talks to migra and schemainspect.

It returns plain SQL statements that turn the live database into the target. What
migra does not diff (comments) is added by canon's own layer, so callers never
need to know which engine produced which statement.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.resources
import importlib.util
import sys
import types
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from canon.diff.kinds import collations
from canon.diff.kinds import comments
from canon.diff.kinds import constraints
from canon.diff import dependencies
from canon.diff.kinds import domains
from canon.diff.kinds import enums
from canon.diff.kinds import functions
from canon.diff.kinds import generated
from canon.diff.kinds import inheritance
from canon.diff import ordering
from canon.diff.kinds import partitions
from canon.diff.kinds import privileges
from canon.diff.kinds import publications
from canon.diff.kinds import ranges
from canon.diff.kinds import relations
from canon.diff.kinds import sequences
from canon.diff.kinds import structure
from canon.pg.db import Connection, reader
from canon.pg.dburl import DatabaseUrl
from canon.managed import EXCLUDED_SCHEMAS


@contextlib.contextmanager
def connect(url: DatabaseUrl) -> Iterator[Connection]:
    """A connection for diffing; closed, with its transaction undone, when the block ends."""
    conn = reader(url)
    try:
        yield conn
    finally:
        conn.close()


@functools.cache
def _load_engine() -> tuple[Any, Any, str]:
    """migra's Migration, canon's inspector class, and the inspector's object kinds."""
    with warnings.catch_warnings():
        # schemainspect imports pkg_resources, deprecated in recent setuptools.
        warnings.simplefilter("ignore")
        _import_schemainspect_queries()
        import schemainspect
        from migra import Migration
        from schemainspect.pg import PostgreSQL
        from schemainspect.pg.obj import PROPS
    # migra reaches the helpers as an attribute of the package.
    schemainspect.misc = sys.modules["schemainspect.misc"]

    class Inspector(PostgreSQL):  # type: ignore[misc, valid-type]
        """schemainspect's inspector without its table-privilege query.

        canon compares privileges itself (``privileges``) and never asks migra for them,
        while that query, built on information_schema.role_table_grants, took 48 s of a
        plan on a database of 200 tenant schemas.
        """

        def load_privileges(self) -> None:
            self.privileges: dict[str, Any] = {}

    return Migration, Inspector, PROPS


def _import_schemainspect_queries() -> None:
    """Load schemainspect's helper module with a direct reader for its query files.

    schemainspect reads each of its sixteen query files through pkg_resources, after
    walking the whole call stack (reading the source of every frame) to learn its own
    package name. Under canon's call stack that cost half a second of every plan, more
    than inspecting a small database. So its helper module is loaded first, from its
    file, with a stand-in for pkg_resources, and given a reader that names the package.
    """
    name = "schemainspect.misc"
    if name in sys.modules:
        return
    package = importlib.util.find_spec("schemainspect")
    if package is None or not package.submodule_search_locations:
        return  # an unusual install: let schemainspect find its files its own way
    path = Path(package.submodule_search_locations[0]) / "misc.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return
    misc = importlib.util.module_from_spec(spec)
    stand_in = types.ModuleType("pkg_resources")
    stand_in.resource_stream = _package_file  # type: ignore[attr-defined]
    had_real = "pkg_resources" in sys.modules
    sys.modules.setdefault("pkg_resources", stand_in)
    try:
        spec.loader.exec_module(misc)
    finally:
        if not had_real:
            del sys.modules["pkg_resources"]
    misc.resource_stream = _schemainspect_file  # type: ignore[attr-defined]
    sys.modules[name] = misc


def _package_file(package: str, subpath: str) -> IO[bytes]:
    return importlib.resources.files(package).joinpath(subpath).open("rb")


def _schemainspect_file(subpath: str) -> IO[bytes]:
    return _package_file("schemainspect.pg", subpath)


def inspect(conn: Connection, excluded: Iterable[str] = EXCLUDED_SCHEMAS) -> Any:
    """Inspect a database's schemas, leaving out ``excluded`` ones."""
    from canon.inspection.prefetch import claim

    ready = claim(conn, excluded)  # a scratch database inspected ahead, in the background
    if ready is not None:
        return ready
    _, inspector_class, props = _load_engine()
    inspector = inspector_class(_InspectorLink(conn))
    skip = set(excluded)
    for prop in props.split():
        kept = {k: v for k, v in getattr(inspector, prop).items() if v.schema not in skip}
        setattr(inspector, prop, kept)
    return inspector


class _InspectorLink:
    """What schemainspect asks of a connection, answered over psycopg.

    With no SQLAlchemy dialect to read, schemainspect takes its plain-driver path: it
    reads the server version from ``connection.server_version`` and runs each query as
    written, reading the rows by column name.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.connection = types.SimpleNamespace(server_version=conn.info.server_version)

    def execute(self, sql: str) -> list[Any]:
        return self._conn.execute(sql).fetchall()


def changes(
    live: Connection, target: Connection, excluded: Iterable[str] = EXCLUDED_SCHEMAS
) -> list[str]:
    """The statements that make ``live`` match ``target``, in the order they must run.

    migra plans the bulk; canon's own modules first adjust what migra is shown (enum
    additions), then add what it does not diff (privileges, comments). Changes canon
    cannot make safely raise ``PlanRefused`` before anything runs.
    """
    excluded = frozenset(excluded)
    structure.check(live, target, excluded)
    migration_class, _, _ = _load_engine()
    live_model, target_model = inspect(live, excluded), inspect(target, excluded)
    # Each step below may change migra's picture of the live database (never the target).
    enum_plan = enums.prepare(live_model, target_model, live)
    constraints.keep_not_valid(live_model, target_model)
    constraints.keep_indexes_of_dropped_constraints(live_model, target_model)
    disinherit = inheritance.prepare(live_model, target_model)
    partitions.prepare(live, target, live_model, target_model)
    membership = partitions.membership_changes(live, target, live_model, target_model, excluded)
    collation_changes = collations.prepare(live, target, live_model, target_model, excluded)
    pre = [
        *collation_changes.create,
        *disinherit,
        *enum_plan.statements,
        *dependencies.release(live, live_model, target_model, enum_plan.recreated),
        *functions.prepare(live_model, target_model),
        *generated.prepare(live_model, target_model),
    ]
    domain_changes = domains.changes(live, target, excluded)
    range_changes = ranges.changes(live, target, excluded)
    migration = migration_class(live_model, target_model)
    migration.set_safety(False)
    # Privileges come from canon's own ACL comparison, which covers every object kind.
    migration.add_all_changes(privileges=False)
    planned = [s.strip() for s in migration.statements if s.strip()]
    statements = ordering.arrange(
        planned, pre=pre, early=[*range_changes.create, *domain_changes.before],
        late=[*enum_plan.array_recasts, *membership, *domain_changes.after,
              *sequences.changes(live, target, excluded),
              *range_changes.drop, *collation_changes.drop],
    )
    statements.extend(relations.changes(live, target, excluded, statements))
    statements.extend(publications.changes(live, target))
    statements.extend(privileges.changes(live, target, excluded, statements))
    statements.extend(comments.changes(live, target, excluded))
    return statements
