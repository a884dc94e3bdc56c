"""A scratch copy of the live schema: ``pg_dump --schema-only`` restored into a new database.

Objects keep live's owners where the scratch server lets canon give them (as a
superuser), so that owners the files declare compare on the copy as they do on live.

Or, when live is known to be in the state of a cached scratch database, a copy of that
database: on the in-memory scratch cluster a file copy, much cheaper than a dump and a
restore of a large schema.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from canon.errors import DatabaseError, Warn
from canon.managed import CANON_SCHEMA
from canon.pg import db
from canon.pg.backup import dump_schema, load_dump
from canon.pg.dburl import DatabaseUrl
from canon.scratch.cache import TEMPLATE_PREFIX, empty_database
from canon.scratch.host import template_host


@contextlib.contextmanager
def copy_of_live(live: DatabaseUrl, warn: Warn) -> Iterator[DatabaseUrl]:
    """A database with live's schema (no rows, not canon's own schema), always dropped."""
    # Where the files' databases go: live's roles exist there, so grants copy over too.
    host = template_host(live, warn)
    with tempfile.TemporaryDirectory(prefix="canon-live-copy-") as folder:
        archive = Path(folder) / "live-schema.dump"
        dump_schema(live, archive, exclude_schemas=(CANON_SCHEMA,))
        with empty_database(host) as copy:
            load_dump(copy, archive, keep_owners=_is_superuser(host))
            yield copy


def _is_superuser(url: DatabaseUrl) -> bool:
    with db.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    return bool(row and row[0])


@contextlib.contextmanager
def copy_of_built(
    live: DatabaseUrl, names: Sequence[str], warn: Warn
) -> Iterator[DatabaseUrl | None]:
    """A copy of the first of the cached scratch databases ``names`` that can be copied, or None.

    Copying needs the database idle (``CREATE DATABASE … TEMPLATE``): one another command
    is reading, or one pruned since, is passed over. Only canon's cached databases are
    copied, whatever the names say.
    """
    host = template_host(live, warn)
    for name in names:
        if not name.startswith(TEMPLATE_PREFIX):
            continue
        with contextlib.ExitStack() as stack:
            try:
                copy = stack.enter_context(empty_database(host, template=name))
            except DatabaseError:
                continue
            yield copy
            return
    yield None
