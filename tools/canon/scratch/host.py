"""Where scratch databases go: the server that builds the files' databases and copies of live.

When live is canon's embedded cluster, they go to the in-memory scratch cluster beside
it, where creating thousands of relation files costs no disk; else to the live server
when the role may create databases (same version and extensions as live); else to
canon's own cluster. On a server other than live's, live's roles are created first.
"""

from __future__ import annotations

import contextlib

import psycopg

from canon.errors import Warn, ignore
from canon.pg import db, quoting
from canon.pg.cluster import dev_cluster, memory_cluster
from canon.pg.dburl import DatabaseUrl


def template_host(live: DatabaseUrl, warn: Warn = ignore) -> DatabaseUrl:
    """Where databases built from the files, and copies of live, go.

    When live is canon's embedded cluster, that is the in-memory scratch cluster beside
    it (same binaries, so the same version and extensions), unless live has tablespaces
    of its own, which files may name and which exist only there; otherwise
    ``scratch_host``. On a server other than live's, live's roles are created first, so
    that grants, owners and policies name roles that exist.
    """
    embedded = dev_cluster()
    if embedded.serves(live.get("host"), live.get("port")):
        roles, own_tablespaces = _roles_and_tablespaces(live)
        memory = None if own_tablespaces else memory_cluster(embedded)
        if memory is not None:
            host = DatabaseUrl.parse(memory.ensure_started().url("postgres"))
            create_roles(host, roles)
            return host
    host = scratch_host(live, warn)
    if not same_server(host, live):
        create_roles(host, _roles_and_tablespaces(live)[0])
    return host


def same_server(one: DatabaseUrl, other: DatabaseUrl) -> bool:
    return one.get("host") == other.get("host") and one.get("port") == other.get("port")


ROLES_QUERY = "SELECT rolname FROM pg_roles WHERE NOT starts_with(rolname, 'pg_')"


def _roles_and_tablespaces(live: DatabaseUrl) -> tuple[set[str], bool]:
    """Live's roles, and whether it has tablespaces besides the two every server has."""
    with db.connect(live, autocommit=True) as conn:
        roles = {row[0] for row in conn.execute(ROLES_QUERY)}
        row = conn.execute(
            "SELECT count(*) FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')"
        ).fetchone()
    return roles, bool(row and row[0])


def create_roles(host: DatabaseUrl, roles: set[str]) -> list[str]:
    """Create on ``host`` (without login) those of ``roles`` it lacks; return their names."""
    created = []
    with db.connect(host, autocommit=True) as conn:
        present = {row[0] for row in conn.execute(ROLES_QUERY)}
        for name in sorted(roles - present):
            # Another command may create the same role at the same moment: theirs will do.
            with contextlib.suppress(
                psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation
            ):
                conn.execute(f"CREATE ROLE {quoting.ident(name)} NOLOGIN")
                created.append(name)
    return created


def scratch_host(live: DatabaseUrl, warn: Warn = ignore) -> DatabaseUrl:
    """The live server when it lets us create databases, else canon's own (scratch) cluster."""
    with db.connect(live, autocommit=True) as conn:
        live_version = db.server_version(conn)
        row = conn.execute(
            "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    if row and row[0]:
        return live
    embedded = dev_cluster()
    server = (memory_cluster(embedded) or embedded).ensure_started()
    local = DatabaseUrl.parse(server.url("postgres"))
    with db.connect(local, autocommit=True) as conn:
        local_version = db.server_version(conn)
    if local_version // 10000 != live_version // 10000:
        warn(
            f"the live server (PostgreSQL {live_version // 10000}) does not allow CREATE DATABASE; "
            f"the scratch database runs on the embedded PostgreSQL {local_version // 10000}, "
            "so version-specific differences may show in the plan"
        )
    return local
