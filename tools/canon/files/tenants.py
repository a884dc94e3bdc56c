"""Tenants: one PostgreSQL schema per tenant, rendered from a template folder.

Tenant ids come from a file in the repository or from a query on the live database.
Every id must match a strict pattern before it is used anywhere; ids are never
interpolated into SQL unvalidated, and the schema name reaches templates quoted.
Which tenant a statement belongs to is ``tenancy``'s business: this module stays free
of the SQL parser, so the no-change shortcut can list tenants without importing it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from canon.errors import SourceError
from canon.files.config import ProjectConfig, TenantSettings
from canon.pg import db
from canon.pg.dburl import DatabaseUrl

TENANT_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")
# PostgreSQL cuts longer names to this many bytes, without a word.
NAME_BYTES = 63


@dataclass(frozen=True)
class Tenant:
    id: str
    schema: str


def tenant(settings: TenantSettings, tenant_id: str, where: str, line: int | None = None) -> Tenant:
    """A validated tenant; an id that does not match the pattern is refused, never used."""
    if not TENANT_ID.fullmatch(tenant_id):
        shown = tenant_id if len(tenant_id) <= 60 else tenant_id[:57] + "..."
        raise SourceError(
            where,
            line,
            f"tenant id {shown!r} refused: ids must match {TENANT_ID.pattern} "
            "(lower-case letters, digits and _, at most 40)",
        )
    schema = settings.schema.replace("{id}", tenant_id)
    if len(schema.encode()) > NAME_BYTES:
        raise SourceError(
            where,
            line,
            f"tenant {tenant_id!r}: its schema {schema!r} is {len(schema.encode())} bytes, and "
            f"PostgreSQL cuts names at {NAME_BYTES}; shorten the id or the [tenants] schema",
        )
    return Tenant(tenant_id, schema)


def ids_from_file(settings: TenantSettings) -> list[Tenant]:
    assert settings.file is not None
    where = str(settings.file)
    try:
        lines = settings.file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(where, None, f"cannot read tenant list: {exc}") from None
    found = []
    for number, line in enumerate(lines, start=1):
        value = line.split("#", 1)[0].strip()
        if value:
            found.append(tenant(settings, value, where, number))
    return _unique(found, where)


def ids_from_query(settings: TenantSettings, live: DatabaseUrl, config_path: str) -> list[Tenant]:
    assert settings.query is not None
    with db.connect(live) as conn:
        try:
            with conn.transaction():
                conn.execute("SET TRANSACTION READ ONLY")
                rows = conn.execute(settings.query).fetchall()
        except psycopg.Error as exc:
            raise SourceError(
                config_path, None, f"tenant query failed: {db.describe(exc)}", exc.sqlstate
            ) from None
    where = f"{config_path} (tenant query)"
    return _unique([tenant(settings, str(row[0]), where) for row in rows], where)


def _unique(found: list[Tenant], where: str) -> list[Tenant]:
    seen: set[str] = set()
    for t in found:
        if t.id in seen:
            raise SourceError(where, None, f"tenant id {t.id!r} is listed twice")
        seen.add(t.id)
    return found


def resolve(
    config: ProjectConfig, live: DatabaseUrl | None, only: str | None = None
) -> list[Tenant]:
    """The configured tenants (just ``only`` when given, which must be one of them)."""
    settings = config.tenants
    if settings is None:
        if only is not None:
            raise SourceError(str(config.path or "canon.toml"), None, "no [tenants] are configured")
        return []
    if settings.file is not None:
        found = ids_from_file(settings)
    else:
        if live is None:
            raise SourceError(str(config.path), None, "the tenant query needs a live database")
        found = ids_from_query(settings, live, str(config.path))
    return found if only is None else [choose(config, found, only)]


def choose(config: ProjectConfig, tenants: Sequence[Tenant], only: str) -> Tenant:
    """The tenant ``only`` among ``tenants``; refused when it is not one of them."""
    if config.tenants is None:
        raise SourceError(str(config.path or "canon.toml"), None, "no [tenants] are configured")
    chosen = [t for t in tenants if t.id == only]
    if not chosen:
        raise SourceError(str(config.path), None, f"tenant {only!r} is not in the tenant list")
    return chosen[0]


def tenant_schema_pattern(settings: TenantSettings) -> re.Pattern[str]:
    """Schemas that look like tenants: used to scope diffs to the configured ones."""
    prefix, _, suffix = settings.schema.partition("{id}")
    return re.compile(re.escape(prefix) + TENANT_ID.pattern + re.escape(suffix))
