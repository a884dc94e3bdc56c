"""The workspace of a command: its files, read and rendered, and their scratch database.

Commands that only read live (plan, drift, verify) have it inspected in the background
once the files are read, while the scratch database is built; the scratch database is
inspected in the background as soon as it exists. The diff takes those inspections
from ``Workspace.prefetched``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from canon.diff.fingerprint import fingerprint
from canon.errors import Warn
from canon.files import gitref
from canon.files.project import Project, resolve_project
from canon.files.sources import SchemaSource, read_schema
from canon.inspection.prefetch import Prefetched, inspection
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg.db import Connection
from canon.pg.dburl import DatabaseUrl
from canon.scratch.cache import scratch_database


@dataclass(frozen=True)
class Workspace:
    """The schema files and a scratch database built from them, for one command."""

    source: SchemaSource
    target_url: DatabaseUrl
    prefetched: Prefetched
    commit: str | None = None  # the git commit the files were read at, with a ref


def live_fingerprint(conn: Connection) -> str:
    return fingerprint(conn, EXCLUDED_SCHEMAS)


@contextlib.contextmanager
def workspace(
    live_url: DatabaseUrl,
    project: Project,
    warn: Warn,
    read_only: bool = False,
    ref: str | None = None,
) -> Iterator[Workspace]:
    """The project's files (tenants rendered; just its chosen one when set) and their scratch database.

    ``ref`` reads the files, and the settings beside them, as committed at that git
    revision. ``read_only`` commands (plan, drift, verify) have live inspected ahead.
    """
    with contextlib.ExitStack() as stack:
        commit = None
        if ref is not None:
            revision = stack.enter_context(gitref.schema_at(ref, project.schema_dir))
            tenant = project.only_tenant.id if project.only_tenant else None
            project = resolve_project(revision.schema_dir, live_url, tenant, project.allow_empty)
            commit = revision.commit
        source = read_schema(
            project.schema_dir,
            project.config,
            project.tenants,
            project.only_tenant,
            project.allow_empty,
        )
        live_ahead = None
        if read_only:
            # Started once the files are read: its imports would slow the reading down,
            # and the build that follows mostly waits on the server.
            live_ahead = stack.enter_context(
                inspection(live_url, EXCLUDED_SCHEMAS, fingerprinter=live_fingerprint)
            )
        target_url = stack.enter_context(scratch_database(live_url, source.statements, warn))
        target_ahead = stack.enter_context(inspection(target_url, EXCLUDED_SCHEMAS))
        yield Workspace(source, target_url, Prefetched(live_ahead, target_ahead), commit)
