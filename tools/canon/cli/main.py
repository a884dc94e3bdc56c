"""The ``canon`` entry point: parse, run the command, turn the outcome into an exit code.

Exit codes: 0 success / nothing to do, 1 error or refusal, 2 changes (plan) or drift.
click's own usage errors would exit 2 too; they are mapped to 1 so that 2 keeps one meaning.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from typing import TextIO

import click

# Importing a command module registers its command on the group.
from canon.cli import apply, checks, data, dev, export, lint, plan  # noqa: F401
from canon.cli.app import EXIT_ERROR, EXIT_OK, Console, cli
from canon.errors import CanonError


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
        shown.note(
            f"internal error: {type(exc).__name__}: {_first_line(str(exc))} "
            "(set CANON_DEBUG=1 for the traceback)"
        )
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
