"""A command's workspace: the schema files, read and rendered, and their scratch database.

This module stays clear of the diff engine on purpose. Commands that only read live
(plan, drift, verify) set up their workspace first: once the files are read, a second
thread inspects live while they are loaded, and importing the diff engine is the first
thing it does. By the time the command needs the engine, it is loaded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from canon.files import gitref
from canon.files.config import load_config
from canon.pg.dburl import DatabaseUrl
from canon.managed import EXCLUDED_SCHEMAS
from canon.inspection.prefetch import inspection
from canon.scratch.cache import Warn, scratch_database
from canon.files.sources import SchemaSource, read_schema
from canon.files.tenants import resolve as resolve_tenants


@dataclass(frozen=True)
class Workspace:
    """The schema files and a scratch database built from them, for one command."""

    source: SchemaSource
    target: DatabaseUrl
    commit: str | None = None  # the git commit the files were read at, with a ref


@contextlib.contextmanager
def workspace(
    live: DatabaseUrl, schema_dir: Path, warn: Warn, tenant: str | None = None,
    read_only: bool = False, ref: str | None = None,
) -> Iterator[Workspace]:
    """The files (tenants rendered; just ``tenant`` when given) and their scratch database.

    ``ref`` reads the files as committed at that git revision. ``read_only`` commands
    (plan, drift, verify) have live inspected while the files are read and loaded.
    """
    with contextlib.ExitStack() as stack:
        files, commit = stack.enter_context(schema_files(ref, schema_dir))
        config = load_config(files)
        tenants = resolve_tenants(config, live)
        chosen = resolve_tenants(config, live, only=tenant)[0] if tenant else None
        source = read_schema(files, config, tenants, chosen)
        if read_only:
            # Started once the files are read: its imports would slow the reading down,
            # and the build that follows mostly waits on the server.
            stack.enter_context(inspection(live, EXCLUDED_SCHEMAS, changing=True))
        target = stack.enter_context(scratch_database(live, source.statements, warn))
        # The scratch database is inspected in the background while the caller works on live.
        stack.enter_context(inspection(target, EXCLUDED_SCHEMAS))
        yield Workspace(source, target, commit)


@contextlib.contextmanager
def schema_files(ref: str | None, schema_dir: Path) -> Iterator[tuple[Path, str | None]]:
    """The schema folder, or a copy of it as committed at ``ref``, with that commit."""
    if ref is None:
        yield schema_dir, None
        return
    with gitref.schema_at(ref, schema_dir) as revision:
        yield revision.schema_dir, revision.commit
