"""A scratch copy of the live schema: ``pg_dump --schema-only`` restored into a new database."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .backup import dump_schema, load_dump
from .dburl import DatabaseUrl
from .managed import CANON_SCHEMA
from .scratch import Warn, empty_database, same_server, scratch_host


@contextlib.contextmanager
def copy_of_live(live: DatabaseUrl, warn: Warn) -> Iterator[DatabaseUrl]:
    """A database with live's schema (no rows, not canon's own schema), always dropped."""
    host = scratch_host(live, warn)
    with tempfile.TemporaryDirectory(prefix="canon-live-copy-") as folder:
        archive = Path(folder) / "live-schema.dump"
        dump_schema(live, archive, exclude_schemas=(CANON_SCHEMA,))
        with empty_database(host) as copy:
            # Roles are per server: grants can only be copied onto the live server itself.
            load_dump(copy, archive, privileges=same_server(host, live))
            yield copy
