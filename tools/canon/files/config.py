"""Project settings: ``canon.toml`` beside the schema folder (optional), checked against ``SCHEMA``.

[vars]                      # variables for every *.sql.j2 template
currency = "EUR"

[tenants]
template = "_tenant"        # folder under schema/ rendered once per tenant
schema = "user_{id}"        # the PostgreSQL schema of a tenant
file = "tenants.txt"        # tenant ids, one per line ('#' starts a comment)
# query = "SELECT id FROM public.tenants ORDER BY id"   # or read them from the live database

[owners]
default = "app_owner"       # owns every object the files give no owner of its own

[lint]                      # canon lint's rules, switched one by one (all are on by default)
char-column = false

[env.staging]               # --env staging: one database, its address from the environment
url_env = "STAGING_DATABASE_URL"        # or service = "<libpq service>", or url = "<no password>"
lock_timeout = "2s"                     # optional settings of this environment
statement_timeout = "10min"
allow_hazards = ["index-build"]

[env.production]            # a fleet: many databases, each with a short name
databases = [{ name = "eu", service = "shop_eu" }, { name = "us", url_env = "SHOP_US_URL" }]
# databases_file = "fleet.txt"                       # or one "name address" per line
# databases_query = "SELECT name, url FROM fleet"    # or rows of a directory database
# directory = { url_env = "FLEET_DIRECTORY_URL" }

Every key is declared in ``SCHEMA``: an unknown key, or a value of the wrong type, is
refused with the file and line. A new table of settings is one entry there.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from canon.errors import ConfigError, SourceError
from canon.files.tomlschema import (
    ANY,
    BOOLEAN,
    INTEGER,
    STRING,
    STRINGS,
    ArrayOf,
    KeyPath,
    Table,
    key_lines,
    line_of,
    validate,
)
from canon.pg.dburl import DatabaseUrl

CONFIG_NAME = "canon.toml"

# How canon.toml may say where a database is: never with a password in it.
ADDRESS = {"url_env": STRING, "service": STRING, "url": STRING}
TENANTS = Table({"template": STRING, "schema": STRING, "file": STRING, "query": STRING})
ENVIRONMENT = Table(
    {
        **ADDRESS,
        "databases": ArrayOf(Table({"name": STRING, **ADDRESS})),
        "databases_file": STRING,
        "databases_query": STRING,
        "directory": Table(ADDRESS),
        "lock_timeout": STRING,
        "statement_timeout": STRING,
        "allow_hazards": STRINGS,
        "connect_timeout": INTEGER,
        "tenants": TENANTS,
    }
)
SCHEMA = Table(
    {
        "vars": Table(others=ANY),
        "tenants": TENANTS,
        "env": Table(others=ENVIRONMENT),
        "lint": Table(others=BOOLEAN),  # canon lint's rules, switched on or off
        "owners": Table({"default": STRING}),  # who owns what the files give no owner
    }
)

# Short names of environments and of the databases of a fleet.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
DEFAULT_CONNECT_TIMEOUT = 10
# The ways an environment can name its database or databases: exactly one is given.
WHERE_KEYS = ("url_env", "service", "url", "databases", "databases_file", "databases_query")


@dataclass(frozen=True)
class TenantSettings:
    template: str
    schema: str = "user_{id}"
    file: Path | None = None
    query: str | None = None


@dataclass(frozen=True)
class Address:
    """Where one database is, as canon.toml says it: exactly one of the three is set."""

    url_env: str | None = None  # the environment variable holding its URL
    service: str | None = None  # a libpq service name (pg_service.conf)
    url: str | None = None  # a URL or key=value string without a password


@dataclass(frozen=True)
class DatabaseEntry:
    name: str
    address: Address
    line: int | None = None


@dataclass(frozen=True)
class EnvironmentSettings:
    """One ``[env.NAME]`` table: its database (``address``) or its fleet, and its settings."""

    name: str
    path: Path
    line: int | None
    address: Address | None = None
    databases: tuple[DatabaseEntry, ...] = ()
    databases_file: Path | None = None
    databases_query: str | None = None
    directory: Address | None = None
    lock_timeout: str | None = None
    statement_timeout: str | None = None
    allow_hazards: tuple[str, ...] | None = None
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT
    tenants: TenantSettings | None = None  # [tenants], with this environment's keys over it
    lines: dict[str, int] = field(default_factory=dict)  # line of each key, for errors

    @property
    def is_fleet(self) -> bool:
        return self.address is None

    def where(self, key: str | None = None) -> str:
        """``canon.toml:12``: where this environment (or one of its keys) is written."""
        line = self.lines.get(key, self.line) if key else self.line
        return f"{self.path}:{line}" if line else str(self.path)


@dataclass(frozen=True)
class ProjectConfig:
    path: Path | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    tenants: TenantSettings | None = None
    default_owner: str | None = None
    environments: dict[str, EnvironmentSettings] = field(default_factory=dict)
    lint: dict[str, bool] = field(default_factory=dict)  # rule id: on or off

    def environment(self, name: str) -> EnvironmentSettings:
        """The settings of ``--env NAME``; refused when canon.toml does not declare it."""
        if self.path is None:
            raise ConfigError(f"--env {name}: there is no {CONFIG_NAME} to declare environments")
        found = self.environments.get(name)
        if found is None:
            known = ", ".join(sorted(self.environments)) or "none"
            raise ConfigError(
                f"--env {name}: {self.path} declares no such environment (known: {known})"
            )
        return found

    def for_environment(self, name: str | None) -> ProjectConfig:
        """The settings as ``--env NAME`` sees them: its tenants instead of the project's."""
        if name is None:
            return self
        chosen = self.environment(name)
        return replace(self, tenants=chosen.tenants) if chosen.tenants else self


def load_config(schema_dir: Path) -> ProjectConfig:
    """The settings beside ``schema_dir``, or defaults when there is no canon.toml."""
    path = schema_dir.resolve().parent / CONFIG_NAME
    if not path.is_file():
        return ProjectConfig()
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(path, _toml_line(exc), f"invalid settings: {exc}") from None
    lines = key_lines(text)
    validate(raw, SCHEMA, path, lines)
    tenants = _tenant_settings(path, raw.get("tenants"), line_of(lines, ("tenants",)))
    environments = {
        name: _environment(path, name, table, raw.get("tenants"), lines)
        for name, table in raw.get("env", {}).items()
    }
    # Which rule ids exist is lint's to check; the schema has made each value a boolean.
    lint = dict(raw.get("lint", {}))
    owners = raw.get("owners", {})
    return ProjectConfig(
        path,
        dict(raw.get("vars", {})),
        tenants,
        default_owner=owners.get("default"),
        environments=environments,
        lint=lint,
    )


def _tenant_settings(path: Path, raw: Any, line: int | None) -> TenantSettings | None:
    if raw is None:
        return None
    if not isinstance(raw.get("template"), str):
        raise SourceError(path, line, '[tenants] needs template = "<folder under schema/>"')
    file, query = raw.get("file"), raw.get("query")
    if (file is None) == (query is None):
        raise SourceError(path, line, "[tenants] needs exactly one of file = … or query = …")
    schema = raw.get("schema", "user_{id}")
    if schema.count("{id}") != 1:
        raise SourceError(path, line, '[tenants] schema must contain {id} once, e.g. "user_{id}"')
    return TenantSettings(
        template=raw["template"],
        schema=schema,
        file=(path.parent / file) if isinstance(file, str) else None,
        query=query if isinstance(query, str) else None,
    )


def _environment(
    path: Path,
    name: str,
    raw: dict[str, Any],
    project_tenants: dict[str, Any] | None,
    lines: dict[KeyPath, int],
) -> EnvironmentSettings:
    at: KeyPath = ("env", name)
    line = line_of(lines, at)
    key_line = {key: line_of(lines, (*at, key)) or line for key in raw}

    def refuse(cause: str, key: str | None = None) -> SourceError:
        return SourceError(path, key_line.get(key, line) if key else line, f"[env.{name}] {cause}")

    if not NAME.fullmatch(name):
        raise refuse(f"environment names must match {NAME.pattern}")
    given = [key for key in WHERE_KEYS if key in raw]
    if len(given) != 1:
        ways = ", ".join(WHERE_KEYS)
        raise refuse(
            f"needs exactly one of {ways}; it has {', '.join(given) or 'none'}",
            given[1] if len(given) > 1 else None,
        )
    if ("directory" in raw) != ("databases_query" in raw):
        raise refuse("databases_query and directory go together: the query runs on the directory")
    connect_timeout = raw.get("connect_timeout", DEFAULT_CONNECT_TIMEOUT)
    # libpq waits at least 2 seconds whatever it is told.
    if not 2 <= connect_timeout <= 3600:
        raise refuse("connect_timeout must be between 2 and 3600 seconds", "connect_timeout")
    merged_tenants = _merged_tenants(project_tenants, raw.get("tenants"))
    databases_file = raw.get("databases_file")
    return EnvironmentSettings(
        name=name,
        path=path,
        line=line,
        address=_address(path, raw, key_line[given[0]], name) if given[0] in ADDRESS else None,
        databases=_databases(path, name, raw.get("databases", []), lines),
        databases_file=path.parent / databases_file if databases_file else None,
        databases_query=raw.get("databases_query"),
        directory=_address(path, raw["directory"], key_line.get("directory"), f"{name}.directory")
        if "directory" in raw
        else None,
        lock_timeout=raw.get("lock_timeout"),
        statement_timeout=raw.get("statement_timeout"),
        allow_hazards=tuple(raw["allow_hazards"]) if "allow_hazards" in raw else None,
        connect_timeout=connect_timeout,
        tenants=_tenant_settings(path, merged_tenants, key_line.get("tenants")),
        lines={key: value for key, value in key_line.items() if value is not None},
    )


def _merged_tenants(
    project: dict[str, Any] | None, environment: dict[str, Any] | None
) -> dict[str, Any] | None:
    """An environment's tenants over the project's: its list (file or query) replaces theirs."""
    if environment is None:
        return None
    base = dict(project or {})
    if "file" in environment or "query" in environment:
        base.pop("file", None)
        base.pop("query", None)
    return base | environment


def _databases(
    path: Path, env: str, entries: list[dict[str, Any]], lines: dict[KeyPath, int]
) -> tuple[DatabaseEntry, ...]:
    found: list[DatabaseEntry] = []
    for index, entry in enumerate(entries):
        line = line_of(lines, ("env", env, "databases", index))
        name = entry.get("name")
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise SourceError(
                path, line, f"[env.{env}] each database needs a name matching {NAME.pattern}"
            )
        if any(d.name == name for d in found):
            raise SourceError(path, line, f"[env.{env}] database {name!r} is listed twice")
        found.append(DatabaseEntry(name, _address(path, entry, line, f"{env}.{name}"), line))
    return tuple(found)


def _address(path: Path, raw: dict[str, Any], line: int | None, what: str) -> Address:
    given = [key for key in ADDRESS if key in raw]
    if len(given) != 1:
        raise SourceError(path, line, f"[env.{what}] needs exactly one of url_env, service, url")
    url = raw.get("url")
    if url is not None:
        try:
            parsed = DatabaseUrl.parse(url)
        except ConfigError as exc:
            raise SourceError(path, line, f"[env.{what}] {exc}") from None
        refuse_password(parsed, str(path), line)
    return Address(raw.get("url_env"), raw.get("service"), url)


def refuse_password(url: DatabaseUrl, where: str, line: int | None) -> None:
    """Passwords stay out of files kept in a repository: libpq finds them elsewhere."""
    if url.password:
        raise SourceError(
            where,
            line,
            "a password is refused here: keep it in ~/.pgpass, a service file, PGPASSWORD "
            "or an environment variable named by url_env",
        )


def _toml_line(exc: Exception) -> int | None:
    found = re.search(r"at line (\d+)", str(exc))
    return int(found.group(1)) if found else None
