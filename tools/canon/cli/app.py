"""The ``canon`` group, its console and shared options, and the run → exit-code wrapper.

Exit codes: 0 success / nothing to do, 1 error or refusal, 2 changes (plan) or drift.
click's own usage errors would exit 2 too; they are mapped to 1 so that 2 keeps one meaning.
Commands live one group per module beside this one and register on ``cli``; each
resolves its settings once (live address, project) and passes them down.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from canon import __version__
from canon.errors import CanonError
from canon.pg.cluster import DEV_DATABASE, dev_cluster
from canon.pg.dburl import DatabaseUrl

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2

Command = TypeVar("Command", bound=Callable[..., Any])


class Console:
    """Where a command writes: stdout for results, stderr for diagnostics."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out, self.err = out, err

    def result(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def note(self, text: str) -> None:
        self.err.write(f"canon: {text}\n")
        self.err.flush()

    def warn(self, text: str) -> None:
        self.note(f"warning: {text}")


def resolve_live_url(database_url: str | None) -> DatabaseUrl:
    """The URL given, else the embedded cluster's development database (started on demand)."""
    if database_url:
        return DatabaseUrl.parse(database_url)
    server = dev_cluster().ensure_started()
    return DatabaseUrl.parse(server.url(DEV_DATABASE))


def database_url_option(func: Command) -> Command:
    return click.option(
        "--database-url", envvar="DATABASE_URL", default=None, metavar="URL",
        help="Live database (default: $DATABASE_URL, else the embedded dev cluster).",
    )(func)


def schema_options(func: Command) -> Command:
    """--database-url and --schema-dir: the two databases of a diff."""
    func = click.option(
        "--schema-dir", type=click.Path(path_type=Path), default=Path("schema"), show_default=True,
        help="Folder of canonical .sql files.",
    )(func)
    return database_url_option(func)


def tenant_option(func: Command) -> Command:
    return click.option(
        "--tenant", metavar="ID", default=None,
        help="Only this tenant's schema (tenants are configured in canon.toml).",
    )(func)


def seeds_option(func: Command) -> Command:
    return click.option(
        "--seeds-dir", type=click.Path(path_type=Path), default=None,
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
    """Declarative, SQL-first schema management for PostgreSQL."""


def console() -> Console:
    found = click.get_current_context().find_object(Console)
    assert found is not None
    return found


def run(args: Sequence[str], out: TextIO, err: TextIO) -> int:
    """Run canon with ``args``; return the exit code instead of exiting."""
    shown = Console(out, err)
    try:
        with cli.make_context("canon", list(args), obj=shown) as ctx:
            code = cli.invoke(ctx)
    except click.exceptions.Exit as exc:  # --help, --version
        return int(exc.exit_code)
    except click.ClickException as exc:
        shown.note(f"error: {exc.format_message()}")
        return EXIT_ERROR
    except click.Abort:
        shown.note("aborted")
        return EXIT_ERROR
    except CanonError as exc:
        shown.note(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        shown.note("interrupted; nothing was changed")
        return 130
    except Exception as exc:  # a bug in canon: one line, unless asked for the traceback
        if os.environ.get("CANON_DEBUG"):
            raise
        shown.note(f"internal error: {type(exc).__name__}: {_first_line(str(exc))} "
                   "(set CANON_DEBUG=1 for the traceback)")
        return EXIT_ERROR
    return int(code) if isinstance(code, int) else EXIT_OK


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _terminate(signum: int, frame: object) -> None:
    # Turn SIGTERM into the same unwinding as Ctrl-C, so scratch databases are dropped.
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    code = run(sys.argv[1:], sys.stdout, sys.stderr)
    # Every connection, thread and temporary file is closed when run() returns; what is
    # left is the interpreter freeing the diff engine's objects one by one, which nobody
    # needs to wait for.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left (``canon plan | head``)
        pass
    os._exit(code)
