"""The ``canon`` group, its console and the options commands share.

Commands live one module per command (or group) beside this one and register on
``cli``; each resolves its settings once (live address, project) and passes them down.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from canon import __version__
from canon.errors import ConfigError
from canon.files.config import EnvironmentSettings, load_config
from canon.files.environments import Environment, Target, resolve_environment
from canon.pg import durations
from canon.pg.cluster import DEV_DATABASE, dev_cluster
from canon.pg.dburl import DatabaseUrl

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2

Command = TypeVar("Command", bound=Callable[..., Any])

DEFAULT_LOCK_TIMEOUT = "5s"
_LOCK_TIMEOUT = "canon.lock_timeout"  # where --lock-timeout is kept in the click context


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
    """The database of ``--env``, else the URL given, else libpq's PG* variables, else the
    embedded cluster's dev database (started on demand).

    Every session on it waits at most ``--lock-timeout`` for a lock, and while the command
    runs, its lock waits are reported as they last (``pg.waits``).
    """
    from canon.pg import waits

    environment = chosen_environment()
    if environment is not None:
        url = environment.single().url
        click.get_current_context().with_resource(waits.reported(url, console().note))
        return url
    if database_url:
        url = DatabaseUrl.parse(database_url)
    else:
        from_environment = DatabaseUrl.from_environment()
        if from_environment is not None:
            url = from_environment
        else:
            url = DatabaseUrl.parse(dev_cluster().ensure_started().url(DEV_DATABASE))
    url = url.with_settings(lock_timeout=lock_timeout())
    click.get_current_context().with_resource(waits.reported(url, console().note))
    return url


def lock_timeout() -> str:
    """``--lock-timeout`` of the running command, as a setting PostgreSQL accepts."""
    environment = chosen_environment()
    return _lock_timeout(click.get_current_context(), environment.settings if environment else None)


def _lock_timeout(ctx: click.Context, settings: EnvironmentSettings | None) -> str:
    """``--lock-timeout`` when given, else the environment's lock_timeout, else the default."""
    given = ctx.meta.get(_LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT)
    on_command_line = (
        ctx.get_parameter_source("lock_timeout") is click.core.ParameterSource.COMMANDLINE
    )
    if not on_command_line and settings is not None and settings.lock_timeout is not None:
        given = settings.lock_timeout
    return durations.setting("--lock-timeout", given)


def _keep_lock_timeout(ctx: click.Context, param: click.Parameter, value: str) -> str:
    durations.seconds("--lock-timeout", value)  # refused before anything connects
    ctx.meta[_LOCK_TIMEOUT] = value
    return value


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
        ctx.meta[_RESOLVED] = _bounded(
            ctx, resolve_environment(config, name, ctx.meta.get(_DATABASES, ()))
        )
    found: Environment = ctx.meta[_RESOLVED]
    return found


def _bounded(ctx: click.Context, environment: Environment) -> Environment:
    """The environment with every session on its databases under the lock timeout."""
    timeout = _lock_timeout(ctx, environment.settings)
    targets = tuple(
        Target(t.name, t.url.with_settings(lock_timeout=timeout)) for t in environment.targets
    )
    return replace(environment, targets=targets)


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
    """--database-url, --env and --db to name databases declared in canon.toml instead, and
    --lock-timeout for every statement the command runs on them."""
    func = click.option(
        "--lock-timeout",
        default=DEFAULT_LOCK_TIMEOUT,
        show_default=True,
        expose_value=False,
        callback=_keep_lock_timeout,
        help="How long any statement waits for a lock on the live database before it fails "
        "(apply retries a step that timed out; 0: wait without limit; with --env and no "
        "--lock-timeout, the environment's lock_timeout).",
    )(func)
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
        help="Live database (default: $DATABASE_URL, else libpq's PG* variables, else the "
        "embedded dev cluster).",
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


def allow_empty_option(func: Command) -> Command:
    return click.option(
        "--allow-empty",
        is_flag=True,
        help="Accept a schema folder with no statements: plan the drop of every managed "
        "object (each drop still carries its hazards).",
    )(func)


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
