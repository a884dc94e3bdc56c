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
from canon.plan.shortcut import inputs_digest, tenant_ids
from canon.scratch.cache import scratch_database


@dataclass(frozen=True)
class Workspace:
    """The schema files and a scratch database built from them, for one command."""

    source: SchemaSource
    target_url: DatabaseUrl
    prefetched: Prefetched
    commit: str | None = None  # the git commit the files were read at, with a ref
    inputs: str = ""  # the files' inputs digest (``shortcut.inputs_digest``), taken before reading


@dataclass(frozen=True)
class SchemaFiles:
    """The project's files, read and rendered, with what identifies them."""

    source: SchemaSource
    commit: str | None  # the git commit they were read at, with a ref
    inputs: str  # ``shortcut.inputs_digest`` of the folder, taken just before reading it


def live_fingerprint(conn: Connection) -> str:
    return fingerprint(conn, EXCLUDED_SCHEMAS)


@contextlib.contextmanager
def schema_files(
    live_url: DatabaseUrl, project: Project, ref: str | None = None
) -> Iterator[SchemaFiles]:
    """The project's files (tenants rendered; just its chosen one when set).

    ``ref`` reads the files, and the settings beside them, as committed at that git
    revision; the checkout lasts as long as the block.
    """
    with contextlib.ExitStack() as stack:
        commit = None
        if ref is not None:
            revision = stack.enter_context(gitref.schema_at(ref, project.schema_dir))
            tenant = project.only_tenant.id if project.only_tenant else None
            project = resolve_project(
                revision.schema_dir, live_url, tenant, project.environment, project.allow_empty
            )
            commit = revision.commit
        inputs = inputs_digest(project.schema_dir, tenant_ids(project.tenants))
        source = read_schema(
            project.schema_dir,
            project.config,
            project.tenants,
            project.only_tenant,
            project.allow_empty,
        )
        yield SchemaFiles(source, commit, inputs)


@contextlib.contextmanager
def workspace(
    live_url: DatabaseUrl,
    project: Project,
    warn: Warn,
    read_only: bool = False,
    ref: str | None = None,
    scratch_host: DatabaseUrl | None = None,
) -> Iterator[Workspace]:
    """The project's files (see ``schema_files``) and their scratch database.

    ``read_only`` commands (plan, drift, verify) have live inspected ahead.
    ``scratch_host`` is where the scratch database goes when the caller chose (a fleet's
    databases share one), else the server that suits live.
    """
    with contextlib.ExitStack() as stack:
        files = stack.enter_context(schema_files(live_url, project, ref))
        live_ahead = None
        if read_only:
            # Started once the files are read: its imports would slow the reading down,
            # and the build that follows mostly waits on the server.
            live_ahead = stack.enter_context(
                inspection(live_url, EXCLUDED_SCHEMAS, fingerprinter=live_fingerprint)
            )
        target_url = stack.enter_context(
            scratch_database(
                live_url,
                files.source.statements,
                warn,
                project.config.default_owner,
                host=scratch_host,
            )
        )
        target_ahead = stack.enter_context(inspection(target_url, EXCLUDED_SCHEMAS))
        yield Workspace(
            files.source,
            target_url,
            Prefetched(live_ahead, target_ahead),
            files.commit,
            files.inputs,
        )
