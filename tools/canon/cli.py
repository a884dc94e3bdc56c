"""The ``canon`` command: parses options, calls the library, prints, and picks the exit code.

Exit codes: 0 success / nothing to do, 1 error or refusal, 2 changes (plan) or drift.
click's own usage errors would exit 2 too; they are mapped to 1 so that 2 keeps one meaning.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import click

from . import __version__
from .cluster import DEV_DATABASE, dev_cluster, memory_cluster, stop_with_scratch
from .dburl import DatabaseUrl
from .errors import CanonError

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2


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


def live_url(database_url: str | None) -> DatabaseUrl:
    """The URL given, else the embedded cluster's development database (started on demand)."""
    if database_url:
        return DatabaseUrl.parse(database_url)
    server = dev_cluster().ensure_started()
    return DatabaseUrl.parse(server.url(DEV_DATABASE))


def _database_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--schema-dir", type=click.Path(path_type=Path), default=Path("schema"), show_default=True,
        help="Folder of canonical .sql files.",
    )(func)
    func = click.option(
        "--database-url", envvar="DATABASE_URL", default=None, metavar="URL",
        help="Live database (default: $DATABASE_URL, else the embedded dev cluster).",
    )(func)
    return func


def _tenant_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--tenant", metavar="ID", default=None,
        help="Only this tenant's schema (tenants are configured in canon.toml).",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="canon")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Declarative, SQL-first schema management for PostgreSQL."""


def _console() -> Console:
    console = click.get_current_context().find_object(Console)
    assert console is not None
    return console


@cli.command()
@_database_options
@click.option("--out", type=click.Path(path_type=Path), help="Also save the plan to this file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the plan (--out always writes the SQL file).")
@click.option("--ref", metavar="REV", default=None,
              help="Plan to the schema files as committed at git revision REV (rollback).")
@click.option("--no-concurrently", is_flag=True,
              help="Build and drop indexes on existing tables inside the transaction instead "
                   "of CONCURRENTLY.")
@_tenant_option
def plan(database_url: str | None, schema_dir: Path, out: Path | None, fmt: str,
         ref: str | None, no_concurrently: bool, tenant: str | None) -> int:
    """Print the migration that brings the live database to the files.

    Each statement is shown with its hazards and, measured on the live database, what
    it puts at stake (rows of a dropped table, rows a new CHECK would reject...).
    """
    from . import cache

    console = _console()
    live = live_url(database_url)
    # Files and live schema unchanged since a plan that found nothing: nothing to plan.
    shortcut = ref is None and tenant is None and fmt == "text"
    probe = cache.check(live, schema_dir) if shortcut else None
    if probe is not None and probe.hit:
        console.note(f"no changes: {live.masked()} matches {schema_dir}")
        return EXIT_OK
    from .workspace import workspace

    # The workspace comes first: the diff engine loads in the background meanwhile.
    with workspace(live, schema_dir, console.warn, tenant, read_only=True, ref=ref) as ws:
        from .plan import PlanOptions, plan_workspace

        options = PlanOptions(concurrently=not no_concurrently, measure=True)
        result = plan_workspace(live, ws, options)
    for note in result.notes:
        console.warn(note)
    if result.empty:
        if probe is not None and not result.notes:  # a shortcut could not repeat the notes
            cache.record(probe, live, schema_dir, result.live_fingerprint)
        if fmt == "json":
            console.result(result.to_json())
        console.note(f"no changes: {live.masked()} matches {schema_dir}")
        return EXIT_OK
    text = result.render()
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        console.note(f"plan written to {out}")
    console.result(result.to_json() if fmt == "json" else text)
    hazards = ", ".join(result.hazard_names) or "none"
    steps = len(result.steps)
    console.note(f"{len(result.statements)} statements in {steps} step{'s' * (steps != 1)}; "
                 f"hazards: {hazards}")
    return EXIT_CHANGES


@cli.command()
@_database_options
@click.argument("plan_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True,
              help="Rehearse the plan on a copy of the live schema only; change nothing.")
@click.option("--allow-hazards", default="", metavar="NAMES",
              help="Comma-separated hazards to accept, or 'all'.")
@click.option("--lock-timeout", default="5s", show_default=True,
              help="lock_timeout for each statement: how long to wait for a table lock.")
@click.option("--lock-retries", default=3, show_default=True, type=click.IntRange(0, 20),
              help="Retries of a step whose lock wait timed out.")
@click.option("--retry-backoff", default=1.0, show_default=True, type=click.FloatRange(0, 60),
              help="Seconds before the first retry; doubled for each further one.")
@click.option("--statement-timeout", default="30min", show_default=True,
              help="statement_timeout for each statement (0: none).")
@click.option("--apply-lock-wait", default="10s", show_default=True,
              help="How long to wait for another canon apply on this database to finish.")
@click.option("--no-concurrently", is_flag=True,
              help="Build and drop indexes inside the transaction instead of CONCURRENTLY "
                   "(fresh plans only; a plan file runs as written).")
@click.option("--backup", "take_backup", is_flag=True,
              help="Take a pg_dump backup (under backups/) before changing anything.")
@click.option("--ref", metavar="REV", default=None,
              help="Use the schema files as committed at git revision REV.")
@_tenant_option
@click.option("--concurrency", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Tenants applied at once, after the canary.")
@click.option("--canary", metavar="ID", default=None,
              help="Tenant applied first, alone (default: the first with changes).")
@click.option("--continue-on-error", is_flag=True,
              help="Keep applying other tenants after one fails.")
def apply(
    database_url: str | None,
    schema_dir: Path,
    plan_file: Path | None,
    dry_run: bool,
    allow_hazards: str,
    lock_timeout: str,
    lock_retries: int,
    retry_backoff: float,
    statement_timeout: str,
    apply_lock_wait: str,
    no_concurrently: bool,
    take_backup: bool,
    ref: str | None,
    tenant: str | None,
    concurrency: int,
    canary: str | None,
    continue_on_error: bool,
) -> int:
    """Apply a saved plan, or a fresh one, step by step.

    The plan is refused if it holds hazards not allowed, if a saved plan is stale, or if
    it does not converge when rehearsed on a copy of the live schema. Every apply is
    recorded in canon.applies (see canon history). With tenants, shared objects go
    first, then a canary tenant, then the others CONCURRENCY at a time.
    """
    from . import apply as applying
    from .backup import default_path
    from .fanout import FanOut
    from .hazards import parse_names
    from .runner import Timeouts

    console = _console()
    live = live_url(database_url)
    settings = applying.Settings(
        allow_hazards=frozenset(parse_names(allow_hazards)),
        dry_run=dry_run,
        timeouts=Timeouts(lock_timeout, statement_timeout, lock_retries, retry_backoff),
        apply_lock_wait=apply_lock_wait,
        concurrently=not no_concurrently,
        backup_to=default_path(live) if take_backup else None,
        ref=ref,
        tenant=tenant,
        fan_out=FanOut(concurrency, canary, continue_on_error),
    )
    result = applying.apply(live, schema_dir, plan_file, settings, console.warn)
    for residual in result.residuals:
        console.warn(f"after the apply, {residual.describe()} (canon cannot plan this)")
    for outcome in result.tenants:
        name = f"tenant {outcome.tenant}" if outcome.tenant else "shared objects"
        detail = f": {outcome.detail}" if outcome.detail else ""
        console.result(f"{name}: {outcome.status}{detail}\n")
    if result.backup is not None:
        console.note(f"backup written to {result.backup.path}")
    if not result.applied:
        console.note(f"nothing to do: {live.masked()} already matches {schema_dir}")
    elif result.dry_run:
        console.note(f"dry run: {len(result.plan.statements)} statements rehearsed on a copy "
                     "of the live schema; nothing was changed")
    elif result.failed:
        console.note("error: some tenants failed; see above and canon history")
        return EXIT_ERROR
    elif result.tenants:
        console.note(f"applied {len(result.plan.statements)} statements to {live.masked()}")
    else:
        steps = len(result.plan.steps)
        console.note(f"applied {len(result.plan.statements)} statements in {steps} "
                     f"step{'s' * (steps != 1)} to {live.masked()} (apply #{result.apply_id})")
    return EXIT_OK


@cli.command()
@click.option("--database-url", envvar="DATABASE_URL", default=None, metavar="URL",
              help="Live database (default: $DATABASE_URL, else the embedded dev cluster).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
def history(database_url: str | None, fmt: str, limit: int) -> int:
    """List recorded applies, newest first, with their outcome and steps."""
    from . import history as recorded

    entries = recorded.read(live_url(database_url), limit)
    _console().result(recorded.to_json(entries) if fmt == "json" else recorded.to_text(entries))
    return EXIT_OK


@cli.command()
@click.option("--database-url", envvar="DATABASE_URL", default=None, metavar="URL",
              help="Live database (default: $DATABASE_URL, else the embedded dev cluster).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Archive to write (default: backups/<database>-<UTC time>.dump).")
def backup(database_url: str | None, out: Path | None) -> int:
    """Dump the whole database with pg_dump -Fc."""
    from . import backup as backups

    live = live_url(database_url)
    taken = backups.backup(live, out or backups.default_path(live))
    _console().note(f"backup written to {taken.path} ({taken.size:,} bytes)")
    return EXIT_OK


@cli.command()
@click.option("--database-url", envvar="DATABASE_URL", default=None, metavar="URL",
              help="Live database (default: $DATABASE_URL, else the embedded dev cluster).")
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False))
def restore(database_url: str | None, archive: Path) -> int:
    """Restore a backup with pg_restore --clean, in one transaction."""
    from . import backup as backups

    live = live_url(database_url)
    backups.restore(live, archive)
    _console().note(f"restored {archive} into {live.masked()}")
    return EXIT_OK


def _seeds_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--seeds-dir", type=click.Path(path_type=Path), default=None,
        help="Folder of reference-data upserts (default: seeds/ when it exists).",
    )(func)


def _seeds_dir(given: Path | None, schema_dir: Path | None = None) -> Path | None:
    """The given folder, else the ``seeds/`` beside the schema folder when there is one."""
    if given is not None:
        return given
    beside = (schema_dir.resolve().parent if schema_dir else Path.cwd()) / "seeds"
    return beside if beside.is_dir() else None


@cli.command()
@_database_options
@_seeds_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True)
@click.option("--strict", is_flag=True,
              help="Also exit 2 for residual differences canon cannot plan.")
@_tenant_option
def drift(
    database_url: str | None, schema_dir: Path, seeds_dir: Path | None, fmt: str, strict: bool,
    tenant: str | None,
) -> int:
    """Fail (exit 2) when the live database differs from the files (schema and seeds).

    With tenants configured, a per-tenant drift matrix follows the differences.
    """
    from .workspace import workspace

    console = _console()
    live = live_url(database_url)
    # The workspace comes first: the diff engine loads in the background meanwhile.
    with workspace(live, schema_dir, console.warn, tenant, read_only=True) as ws:
        from . import drift as drifting

        report = drifting.check(live, ws, schema_dir, _seeds_dir(seeds_dir, schema_dir))
    render = {"text": report.to_text, "json": report.to_json, "github": report.to_github}[fmt]
    console.result(render())
    return EXIT_CHANGES if report.drifted or (strict and report.residuals) else EXIT_OK


@cli.command()
@click.option("--database-url", envvar="DATABASE_URL", default=None, metavar="URL",
              help="Live database (default: $DATABASE_URL, else the embedded dev cluster).")
@_seeds_option
def seed(database_url: str | None, seeds_dir: Path | None) -> int:
    """Load the reference data in seeds/ (idempotent: a second run changes nothing)."""
    from . import db
    from . import seeds as seeding

    console = _console()
    live = live_url(database_url)
    statements = seeding.read_seeds(_seeds_dir(seeds_dir) or Path("seeds"))
    with db.connect(live) as conn:
        results = seeding.load(conn, statements)
        conn.commit()
    for result in results:
        console.result(f"{result.table}: {result.rows} rows in seeds, {result.changed} changed\n")
    return EXIT_OK


@cli.command()
@_database_options
@_seeds_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def verify(database_url: str | None, schema_dir: Path, seeds_dir: Path | None, fmt: str) -> int:
    """Report what each schema holds; exit 1 if the database does not match the files."""
    from .workspace import workspace

    console = _console()
    live = live_url(database_url)
    with workspace(live, schema_dir, console.warn, read_only=True) as ws:
        from .plan import PlanOptions, plan_workspace
        from .verify import verify as verifying

        differences = [s.sql for s in plan_workspace(live, ws, PlanOptions()).statements]
    report = verifying(live, differences, _seeds_dir(seeds_dir, schema_dir))
    console.result(report.to_json() if fmt == "json" else report.to_text())
    return EXIT_OK if report.matches else EXIT_ERROR


@cli.group()
def dev() -> None:
    """The embedded development cluster."""


@dev.command("url")
def dev_url() -> int:
    """Print the development database URL (starting the cluster if needed)."""
    server = dev_cluster().ensure_started()
    _console().result(server.url(DEV_DATABASE) + "\n")
    return EXIT_OK


@dev.command("status")
def dev_status() -> int:
    """Say whether the embedded cluster is running."""
    cluster = dev_cluster()
    lines = f"{cluster.status()} ({cluster.root})\n"
    used: list[str] = []  # the programs' folders, to mention the scratch cluster's only if others
    try:
        programs = cluster.binaries()
        used.append(str(programs.bindir))
        lines += f"binaries: {programs.kind}, PostgreSQL {programs.version} ({programs.bindir})\n"
    except CanonError as exc:  # no programs found: say where canon looked
        lines += f"binaries: {exc}\n"
    memory = memory_cluster(cluster)
    if memory is not None:
        lines += f"scratch: {memory.status()} ({memory.root})\n"
        try:
            scratch = memory.binaries()
            if used and str(scratch.bindir) not in used:
                lines += (f"scratch binaries: {scratch.kind}, PostgreSQL {scratch.version} "
                          f"({scratch.bindir})\n")
        except CanonError:
            pass  # already said above
    _console().result(lines)
    return EXIT_OK


@dev.command("stop")
def dev_stop() -> int:
    """Stop the embedded cluster; its in-memory scratch cluster is deleted."""
    stopped = stop_with_scratch(dev_cluster())
    _console().note("stopped" if stopped else "not running")
    return EXIT_OK


def run(args: Sequence[str], out: TextIO, err: TextIO) -> int:
    """Run canon with ``args``; return the exit code instead of exiting."""
    console = Console(out, err)
    try:
        with cli.make_context("canon", list(args), obj=console) as ctx:
            code = cli.invoke(ctx)
    except click.exceptions.Exit as exc:  # --help, --version
        return int(exc.exit_code)
    except click.ClickException as exc:
        console.note(f"error: {exc.format_message()}")
        return EXIT_ERROR
    except click.Abort:
        console.note("aborted")
        return EXIT_ERROR
    except CanonError as exc:
        console.note(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        console.note("interrupted; nothing was changed")
        return 130
    except Exception as exc:  # a bug in canon: one line, unless asked for the traceback
        if os.environ.get("CANON_DEBUG"):
            raise
        console.note(f"internal error: {type(exc).__name__}: {_first_line(str(exc))} "
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
