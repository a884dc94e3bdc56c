"""Project settings: ``canon.toml`` beside the schema folder (optional).

[vars]                      # variables for every *.sql.j2 template
currency = "EUR"

[tenants]
template = "_tenant"        # folder under schema/ rendered once per tenant
schema = "user_{id}"        # the PostgreSQL schema of a tenant
file = "tenants.txt"        # tenant ids, one per line ('#' starts a comment)
# query = "SELECT id FROM public.tenants ORDER BY id"   # or read them from the live database

[lint]                      # canon lint's rules, switched one by one (all are on by default)
char-column = false
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from canon.errors import SourceError

CONFIG_NAME = "canon.toml"


@dataclass(frozen=True)
class TenantSettings:
    template: str
    schema: str = "user_{id}"
    file: Path | None = None
    query: str | None = None


@dataclass(frozen=True)
class ProjectConfig:
    path: Path | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    tenants: TenantSettings | None = None
    lint: dict[str, bool] = field(default_factory=dict)  # rule id: on or off


def load_config(schema_dir: Path) -> ProjectConfig:
    """The settings beside ``schema_dir``, or defaults when there is no canon.toml."""
    path = schema_dir.resolve().parent / CONFIG_NAME
    if not path.is_file():
        return ProjectConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(path, _toml_line(exc), f"invalid settings: {exc}") from None
    variables = raw.get("vars", {})
    if not isinstance(variables, dict):
        raise SourceError(path, None, "[vars] must be a table of names and values")
    return ProjectConfig(
        path,
        dict(variables),
        _tenant_settings(path, raw.get("tenants")),
        _lint_switches(path, raw.get("lint", {})),
    )


def _tenant_settings(path: Path, raw: Any) -> TenantSettings | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("template"), str):
        raise SourceError(path, None, '[tenants] needs template = "<folder under schema/>"')
    file, query = raw.get("file"), raw.get("query")
    if (file is None) == (query is None):
        raise SourceError(path, None, "[tenants] needs exactly one of file = … or query = …")
    schema = raw.get("schema", "user_{id}")
    if not isinstance(schema, str) or schema.count("{id}") != 1:
        raise SourceError(path, None, '[tenants] schema must contain {id} once, e.g. "user_{id}"')
    return TenantSettings(
        template=raw["template"],
        schema=schema,
        file=(path.parent / file) if isinstance(file, str) else None,
        query=query if isinstance(query, str) else None,
    )


def _lint_switches(path: Path, raw: Any) -> dict[str, bool]:
    """``[lint]``: rule ids set to true or false (which ids exist is lint's to check)."""
    if not isinstance(raw, dict) or not all(isinstance(v, bool) for v in raw.values()):
        raise SourceError(path, None, "[lint] must map rule ids to true or false")
    return dict(raw)


def _toml_line(exc: Exception) -> int | None:
    found = re.search(r"at line (\d+)", str(exc))
    return int(found.group(1)) if found else None
