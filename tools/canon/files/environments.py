"""Environments: what ``--env NAME`` resolves to, one database or a fleet of named ones.

canon.toml says where databases are without holding a password: an environment variable
(``url_env``), a libpq service name (``service``) or a password-less URL; a fleet lists
its databases inline, in a file (``databases_file``: one ``name address`` per line) or as
rows of a query on a directory database (``databases_query``: name, address). libpq finds
passwords where it always does (``~/.pgpass``, service files, ``PGPASSWORD``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg.conninfo import make_conninfo

from canon.errors import ConfigError, SourceError
from canon.files.config import NAME, Address, EnvironmentSettings, ProjectConfig, refuse_password
from canon.pg import db
from canon.pg.dburl import DatabaseUrl


@dataclass(frozen=True)
class Target:
    """One database of an environment, by its short name."""

    name: str
    url: DatabaseUrl


@dataclass(frozen=True)
class Environment:
    settings: EnvironmentSettings
    targets: tuple[Target, ...]

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def is_fleet(self) -> bool:
        return self.settings.is_fleet

    def single(self) -> Target:
        """The one database a command that cannot cover a fleet works on."""
        if len(self.targets) != 1:
            names = ", ".join(t.name for t in self.targets)
            raise ConfigError(
                f"environment {self.name} names {len(self.targets)} databases ({names}); "
                "this command works on one: choose it with --db NAME"
            )
        return self.targets[0]


def resolve_environment(config: ProjectConfig, name: str, only: Sequence[str] = ()) -> Environment:
    """The databases of ``--env NAME``; ``only`` (``--db``) narrows a fleet to those named."""
    settings = config.environment(name)
    if settings.address is not None:
        targets = [Target(name, address_url(settings.address, settings.where()))]
    elif settings.databases:
        targets = [
            Target(d.name, address_url(d.address, f"{settings.path}:{d.line}"))
            for d in settings.databases
        ]
    elif settings.databases_file is not None:
        targets = _from_file(settings)
    else:
        targets = _from_directory(settings)
    if only and settings.is_fleet:
        targets = _narrowed(settings, targets, only)
    elif only:
        raise ConfigError(f"--db: environment {name} is one database, not a fleet")
    return Environment(settings, tuple(targets))


def address_url(address: Address, where: str) -> DatabaseUrl:
    """The URL an address stands for; an unset variable is refused, naming where it is used."""
    if address.url_env is not None:
        value = os.environ.get(address.url_env)
        if not value:
            raise ConfigError(f"{where}: the environment variable {address.url_env} is not set")
        return DatabaseUrl.parse(value)
    if address.service is not None:
        return DatabaseUrl.parse(make_conninfo(service=address.service))
    assert address.url is not None
    return DatabaseUrl.parse(address.url)


def _from_file(settings: EnvironmentSettings) -> list[Target]:
    path = settings.databases_file
    assert path is not None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(
            settings.where("databases_file"), None, f"cannot read the database list: {exc}"
        ) from None
    targets: list[Target] = []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        name, _, address = text.partition(" ")
        if not address.strip():
            raise SourceError(path, number, "expected a name and an address: NAME URL")
        try:
            url = DatabaseUrl.parse(address.strip())
        except ConfigError as exc:
            raise SourceError(path, number, str(exc)) from None
        refuse_password(url, str(path), number)
        targets.append(_named(name, url, str(path), number, targets))
    return targets


def _from_directory(settings: EnvironmentSettings) -> list[Target]:
    """Rows (name, address) of the directory query, read in a read-only transaction."""
    assert settings.directory is not None and settings.databases_query is not None
    directory = address_url(settings.directory, settings.where("directory"))
    where = settings.where("databases_query")
    with db.connect(directory) as conn:
        try:
            with conn.transaction():
                conn.execute("SET TRANSACTION READ ONLY")
                rows = conn.execute(settings.databases_query.encode()).fetchall()
        except psycopg.Error as exc:
            raise ConfigError(f"{where}: the databases query failed: {db.describe(exc)}") from None
    targets: list[Target] = []
    for row in rows:
        if len(row) != 2 or not all(isinstance(v, str) for v in row):
            raise ConfigError(
                f"{where}: the databases query must return two text columns: name, address"
            )
        try:
            url = DatabaseUrl.parse(row[1])
        except ConfigError:
            raise ConfigError(
                f"{where}: the address of database {row[0][:60]!r} is not a valid connection string"
            ) from None
        targets.append(_named(row[0], url, where, None, targets))
    return targets


def _named(
    name: str, url: DatabaseUrl, where: str, line: int | None, seen: Sequence[Target]
) -> Target:
    if not NAME.fullmatch(name):
        raise SourceError(where, line, f"database name {name[:60]!r} must match {NAME.pattern}")
    if any(t.name == name for t in seen):
        raise SourceError(where, line, f"database {name!r} is listed twice")
    return Target(name, url)


def _narrowed(
    settings: EnvironmentSettings, targets: list[Target], only: Sequence[str]
) -> list[Target]:
    known = {t.name for t in targets}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise ConfigError(
            f"--db {unknown[0]}: environment {settings.name} has no such database "
            f"(it has {', '.join(sorted(known))})"
        )
    return [t for t in targets if t.name in only]
