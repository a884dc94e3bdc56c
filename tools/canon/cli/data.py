"""``canon seed``, ``canon history``, ``canon backup`` and ``canon restore``: the data around the schema."""

from __future__ import annotations

from pathlib import Path

import click

from canon.cli.app import (
    EXIT_ERROR,
    EXIT_OK,
    chosen_environment,
    cli,
    concurrency_option,
    console,
    database_url_option,
    resolve_live_url,
    seeds_dir_for,
    seeds_option,
)
from canon.words import counted


@cli.command("seed")
@database_url_option
@seeds_option
def seed_command(database_url: str | None, seeds_dir: Path | None) -> int:
    """Load the reference data in seeds/ (idempotent: a second run changes nothing).

    \b
    Example:
      canon seed --seeds-dir seeds
    """
    from canon.files.seeds import load, read_seeds
    from canon.pg import db

    shown = console()
    live_url = resolve_live_url(database_url)
    statements = read_seeds(seeds_dir_for(seeds_dir) or Path("seeds"))
    with db.connect(live_url) as conn:
        results = load(conn, statements)
        conn.commit()
    for result in results:
        rows = counted(result.rows, "row")
        shown.result(f"{result.table}: {rows} in seeds, {result.changed} changed\n")
    return EXIT_OK


@cli.command("history")
@database_url_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
@click.option(
    "--run", "run_id", metavar="ID", default=None, help="Only the applies of this fleet run."
)
@concurrency_option("Databases of a fleet read at once.")
def history_command(
    database_url: str | None, fmt: str, limit: int, run_id: str | None, concurrency: int
) -> int:
    """List recorded applies, newest first, with their outcome and steps.

    With --env naming a fleet, each database's; --run ID shows one fleet run across them.

    \b
    Examples:
      canon history --limit 5
      canon history --env production --run RUN_ID
    """
    environment = chosen_environment()
    if environment is not None and environment.is_fleet:
        from canon.fleet import history

        found, failures = history.read_fleet(environment, limit, run_id, concurrency)
        render = history.to_json if fmt == "json" else history.to_text
        console().result(render(found, failures))
        return EXIT_ERROR if failures else EXIT_OK
    from canon.run.history import read, to_json, to_text

    entries = read(resolve_live_url(database_url), limit, run_id)
    console().result(to_json(entries) if fmt == "json" else to_text(entries))
    return EXIT_OK


@cli.command("backup")
@database_url_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Archive to write (default: backups/<database>-<UTC time>.dump).",
)
def backup_command(database_url: str | None, out: Path | None) -> int:
    """Dump the whole database with pg_dump -Fc.

    \b
    Example:
      canon backup --out backups/before-release.dump
    """
    from canon.pg.backup import backup, default_path

    live_url = resolve_live_url(database_url)
    taken = backup(live_url, out or default_path(live_url))
    console().note(f"backup written to {taken.path} ({taken.size:,} bytes)")
    return EXIT_OK


@cli.command("restore")
@database_url_option
@click.argument("archive", type=click.Path(path_type=Path, dir_okay=False))
def restore_command(database_url: str | None, archive: Path) -> int:
    """Restore a backup with pg_restore --clean, in one transaction.

    \b
    Example:
      canon restore backups/before-release.dump
    """
    from canon.pg.backup import restore

    live_url = resolve_live_url(database_url)
    restore(live_url, archive)
    console().note(f"restored {archive} into {live_url.masked()}")
    return EXIT_OK
