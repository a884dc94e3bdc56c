"""The ``canon`` group, its console and the options commands share.

Commands live one module per command (or group) beside this one and register on
``cli``; each resolves its settings once (live address, project) and passes them down.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from canon import __version__
from canon.errors import ConfigError
from canon.files.config import load_config
from canon.files.environments import Environment, resolve_environment
from canon.pg.cluster import DEV_DATABASE, dev_cluster
from canon.pg.dburl import DatabaseUrl

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2

Command = TypeVar("Command", bound=Callable[..., Any])


class Console:
    """Where a command writes: stdout for results, stderr for diagnostics.

    Colour is for people: on when stdout is a terminal, off when it is piped or
    ``NO_COLOR`` is set (to anything), as https://no-color.org asks.
    """

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out, self.err = out, err
        self.colour = _is_terminal(out) and not os.environ.get("NO_COLOR")

    def result(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def note(self, text: str) -> None:
        self.err.write(f"canon: {text}\n")
        self.err.flush()

    def warn(self, text: str) -> None:
        self.note(f"warning: {text}")


# Where --env and --db are kept in the click context (any command with --database-url has them).
_ENV, _DATABASES, _RESOLVED = "canon.env", "canon.databases", "canon.environment"


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def resolve_live_url(database_url: str | None) -> DatabaseUrl:
    """The database of ``--env``, else the URL given, else the embedded cluster's development
    database (started on demand)."""
    environment = chosen_environment()
    if environment is not None:
        return environment.single().url
    if database_url:
        return DatabaseUrl.parse(database_url)
    server = dev_cluster().ensure_started()
    return DatabaseUrl.parse(server.url(DEV_DATABASE))


def chosen_environment() -> Environment | None:
    """The environment ``--env`` names (its databases resolved once per command), or None.

    canon.toml is the one beside the command's ``--schema-dir`` (``schema/`` by default).
    """
    ctx = click.get_current_context()
    name = ctx.meta.get(_ENV)
    if name is None:
        if ctx.meta.get(_DATABASES):
            raise ConfigError("--db names a database of an environment: give --env too")
        return None
    if _RESOLVED not in ctx.meta:
        source = ctx.get_parameter_source("database_url")
        if source is click.core.ParameterSource.COMMANDLINE:
            raise ConfigError("--env and --database-url both name a database: give one of them")
        config = load_config(ctx.params.get("schema_dir") or Path("schema"))
        ctx.meta[_RESOLVED] = resolve_environment(config, name, ctx.meta.get(_DATABASES, ()))
    found: Environment = ctx.meta[_RESOLVED]
    return found


def environment_name() -> str | None:
    """``--env``'s name, once its databases are resolved; None without --env."""
    environment = chosen_environment()
    return environment.name if environment else None


def _kept(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        ctx.meta[key] = value
        return value

    return keep


def database_url_option(func: Command) -> Command:
    """--database-url, and --env and --db to name databases declared in canon.toml instead."""
    func = click.option(
        "--db",
        metavar="NAME",
        multiple=True,
        expose_value=False,
        callback=_kept(_DATABASES),
        help="With --env naming a fleet: only this database (repeatable).",
    )(func)
    func = click.option(
        "--env",
        metavar="NAME",
        default=None,
        expose_value=False,
        callback=_kept(_ENV),
        help="An environment of canon.toml ([env.NAME]): its database or fleet, and its settings.",
    )(func)
    return click.option(
        "--database-url",
        envvar="DATABASE_URL",
        default=None,
        metavar="URL",
        help="Live database (default: $DATABASE_URL, else the embedded dev cluster).",
    )(func)


def schema_options(func: Command) -> Command:
    """--database-url and --schema-dir: the two databases of a diff."""
    func = click.option(
        "--schema-dir",
        type=click.Path(path_type=Path),
        default=Path("schema"),
        show_default=True,
        help="Folder of canonical .sql files.",
    )(func)
    return database_url_option(func)


def tenant_option(func: Command) -> Command:
    return click.option(
        "--tenant",
        metavar="ID",
        default=None,
        help="Only this tenant's schema (tenants are configured in canon.toml).",
    )(func)


def concurrency_option(what: str) -> Callable[[Command], Command]:
    """--concurrency, saying what runs at once."""

    def decorate(func: Command) -> Command:
        return click.option(
            "--concurrency",
            default=4,
            show_default=True,
            type=click.IntRange(1, 64),
            help=what,
        )(func)

    return decorate


def seeds_option(func: Command) -> Command:
    return click.option(
        "--seeds-dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Folder of reference-data upserts (default: seeds/ when it exists).",
    )(func)


def seeds_dir_for(given: Path | None, schema_dir: Path | None = None) -> Path | None:
    """The given folder, else the ``seeds/`` beside the schema folder when there is one."""
    if given is not None:
        return given
    beside = (schema_dir.resolve().parent if schema_dir else Path.cwd()) / "seeds"
    return beside if beside.is_dir() else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="canon")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Declarative, SQL-first schema management for PostgreSQL.

    \b
    Example, adopting an existing database:
      canon export --database-url "$DATABASE_URL"
      canon lint
      canon plan --database-url "$DATABASE_URL"
    """


def console() -> Console:
    found = click.get_current_context().find_object(Console)
    assert found is not None
    return found
