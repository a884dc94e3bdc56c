"""The diff engine: the only module that talks to migra and schemainspect.

It returns plain SQL statements that turn the live database into the target. What
migra does not diff (comments) is added by canon's own layer, so callers never
need to know which engine produced which statement.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from . import comments
from .dburl import DatabaseUrl
from .errors import DatabaseError

# canon's own bookkeeping lives here; it is never diffed and never dropped.
CANON_SCHEMA = "canon"
EXCLUDED_SCHEMAS = frozenset({CANON_SCHEMA})


@contextlib.contextmanager
def connect(url: DatabaseUrl) -> Iterator[Connection]:
    """A SQLAlchemy connection over psycopg 3 with no pool, so nothing outlives the block."""
    engine = create_engine(url.sqlalchemy_url(), poolclass=NullPool)
    try:
        try:
            conn = engine.connect()
        except (OperationalError, DBAPIError) as exc:
            reason = url.scrub(str(exc.orig).strip().splitlines()[0])
            raise DatabaseError(f"cannot connect to {url.masked()}: {reason}") from None
        try:
            yield conn
        finally:
            conn.close()
    finally:
        engine.dispose()


def _load_engine() -> tuple[Any, Any, str]:
    with warnings.catch_warnings():
        # schemainspect imports pkg_resources, deprecated in recent setuptools.
        warnings.simplefilter("ignore")
        from migra import Migration
        from schemainspect import get_inspector
        from schemainspect.pg.obj import PROPS
    return Migration, get_inspector, PROPS


def inspect(conn: Connection, excluded: Iterable[str] = EXCLUDED_SCHEMAS) -> Any:
    """Inspect a database's schemas, leaving out ``excluded`` ones."""
    _, get_inspector, props = _load_engine()
    inspector = get_inspector(conn)
    skip = set(excluded)
    for prop in props.split():
        kept = {k: v for k, v in getattr(inspector, prop).items() if v.schema not in skip}
        setattr(inspector, prop, kept)
    return inspector


def changes(
    live: Connection, target: Connection, excluded: Iterable[str] = EXCLUDED_SCHEMAS
) -> list[str]:
    """The statements that make ``live`` match ``target``, in the order they must run."""
    excluded = frozenset(excluded)
    migration_class, _, _ = _load_engine()
    migration = migration_class(inspect(live, excluded), inspect(target, excluded))
    migration.set_safety(False)
    migration.add_all_changes(privileges=True)
    statements = [s.strip() for s in migration.statements if s.strip()]
    statements.extend(comments.changes(live, target, excluded))
    return statements
