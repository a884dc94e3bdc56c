"""``canon apply``: apply a saved plan, or a fresh one, safely."""

from __future__ import annotations

from pathlib import Path

import click

from canon.cli.app import (
    EXIT_ERROR,
    EXIT_OK,
    allow_empty_option,
    cli,
    console,
    lock_timeout,
    resolve_live_url,
    schema_options,
    tenant_option,
)
from canon.files.project import resolve_project
from canon.words import counted


@cli.command("apply")
@schema_options
@click.argument("plan_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Rehearse the plan on a copy of the live schema only; change nothing.",
)
@click.option(
    "--allow-hazards",
    default="",
    metavar="NAMES",
    help="Comma-separated hazards to accept, or 'all'.",
)
@click.option(
    "--lock-retries",
    default=3,
    show_default=True,
    type=click.IntRange(0, 20),
    help="Retries of a step whose lock wait timed out.",
)
@click.option(
    "--retry-backoff",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0, 60),
    help="Seconds before the first retry; doubled for each further one.",
)
@click.option(
    "--statement-timeout",
    default="30min",
    show_default=True,
    help="statement_timeout for each statement (0: none).",
)
@click.option(
    "--apply-lock-wait",
    default="10s",
    show_default=True,
    help="How long to wait for another canon apply on this database to finish (0: do not wait).",
)
@click.option(
    "--no-concurrently",
    is_flag=True,
    help="Build and drop indexes inside the transaction instead of CONCURRENTLY "
    "(fresh plans only; a plan file runs as written).",
)
@click.option(
    "--backup",
    "take_backup",
    is_flag=True,
    help="Take a pg_dump backup (under backups/) before changing anything.",
)
@click.option(
    "--ref",
    metavar="REV",
    default=None,
    help="Use the schema files as committed at git revision REV.",
)
@tenant_option
@allow_empty_option
@click.option(
    "--concurrency",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Tenants applied at once, after the canary.",
)
@click.option(
    "--canary",
    metavar="ID",
    default=None,
    help="Tenant applied first, alone (default: the first with changes).",
)
@click.option(
    "--continue-on-error", is_flag=True, help="Keep applying other tenants after one fails."
)
def apply_command(
    database_url: str | None,
    schema_dir: Path,
    plan_file: Path | None,
    dry_run: bool,
    allow_hazards: str,
    lock_retries: int,
    retry_backoff: float,
    statement_timeout: str,
    apply_lock_wait: str,
    no_concurrently: bool,
    take_backup: bool,
    ref: str | None,
    tenant: str | None,
    allow_empty: bool,
    concurrency: int,
    canary: str | None,
    continue_on_error: bool,
) -> int:
    """Apply a saved plan, or a fresh one, step by step.

    The plan is refused if it holds hazards not allowed, if a saved plan is stale, or if
    it does not converge when rehearsed on a copy of the live schema. Every apply is
    recorded in canon.applies (see canon history). With tenants, shared objects go
    first, then a canary tenant, then the others CONCURRENCY at a time.

    \b
    Examples:
      canon apply plans/2026-11-add-sku.sql
      canon apply --dry-run --allow-hazards index-build
    """
    from canon.pg.backup import default_path
    from canon.plan.hazards import parse_names
    from canon.run.apply import Settings, apply_plan, exit_code
    from canon.run.fanout import FanOut
    from canon.run.runner import Timeouts

    shown = console()
    live_url = resolve_live_url(database_url)
    settings = Settings(
        allow_hazards=frozenset(parse_names(allow_hazards)),
        dry_run=dry_run,
        timeouts=Timeouts(lock_timeout(), statement_timeout, lock_retries, retry_backoff),
        apply_lock_wait=apply_lock_wait,
        concurrently=not no_concurrently,
        backup_to=default_path(live_url) if take_backup else None,
        ref=ref,
        fan_out=FanOut(concurrency, canary, continue_on_error),
        progress=shown.note,
    )
    project = resolve_project(schema_dir, live_url, tenant, allow_empty)
    result = apply_plan(live_url, project, plan_file, settings, shown.warn, shown.note)
    for residual in result.residuals:
        shown.warn(f"after the apply, {residual.describe()} (canon cannot plan this)")
    for outcome in result.tenants:
        name = f"tenant {outcome.tenant}" if outcome.tenant else "shared objects"
        detail = f": {outcome.detail}" if outcome.detail else ""
        shown.result(f"{name}: {outcome.status}{detail}\n")
    if result.backup is not None:
        shown.note(f"backup written to {result.backup.path}")
    if not result.applied:
        shown.note(f"nothing to do: {live_url.masked()} already matches {schema_dir}")
    elif result.dry_run:
        shown.note(
            f"dry run: {counted(len(result.plan.statements), 'statement')} rehearsed on a copy "
            "of the live schema; nothing was changed"
        )
    elif result.interrupted_by is not None:
        shown.note("error: interrupted; each tenant's state is above, see canon history")
        return exit_code(result.interrupted_by)
    elif result.failed:
        shown.note("error: some tenants failed; see above and canon history")
        return EXIT_ERROR
    elif result.tenants:
        shown.note(
            f"applied {counted(len(result.plan.statements), 'statement')} to {live_url.masked()}"
        )
    else:
        steps = len(result.plan.steps)
        shown.note(
            f"applied {counted(len(result.plan.statements), 'statement')} in "
            f"{counted(steps, 'step')} to {live_url.masked()} (apply #{result.apply_id})"
        )
    return EXIT_OK
