"""The project a command works on: its schema folder, settings and tenants, resolved once.

A command resolves its project first and passes it down, so ``canon.toml`` is read and
the tenant list (which may come from a query on live) is fetched once per command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from canon.files.config import ProjectConfig, load_config
from canon.files.tenants import Tenant, choose, resolve
from canon.pg.dburl import DatabaseUrl


@dataclass(frozen=True)
class Project:
    schema_dir: Path
    config: ProjectConfig
    tenants: tuple[Tenant, ...] = ()
    only_tenant: Tenant | None = None  # --tenant: plans touch that tenant's schema alone
    environment: str | None = None  # --env: whose settings (tenants) apply
    allow_empty: bool = False  # --allow-empty: files with no statements mean "drop everything"


def resolve_project(
    schema_dir: Path,
    live_url: DatabaseUrl | None,
    tenant: str | None = None,
    environment: str | None = None,
    allow_empty: bool = False,
) -> Project:
    """The settings beside ``schema_dir`` and its tenants (``tenant`` alone, when given).

    With ``environment`` (``--env``), its own tenant list, if it has one, replaces the project's.
    """
    config = load_config(schema_dir).for_environment(environment)
    tenants = tuple(resolve(config, live_url))
    only = choose(config, tenants, tenant) if tenant is not None else None
    return Project(schema_dir, config, tenants, only, environment, allow_empty)
