"""``canon apply``: apply a saved plan, or a fresh one, safely."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from canon.cli.app import (
    EXIT_ERROR,
    EXIT_OK,
    allow_empty_option,
    chosen_environment,
    cli,
    concurrency_option,
    console,
    environment_name,
    lock_timeout,
    resolve_live_url,
    schema_options,
    tenant_option,
)
from canon.errors import ConfigError
from canon.files.config import EnvironmentSettings
from canon.files.environments import Environment
from canon.files.project import resolve_project
from canon.words import counted

if TYPE_CHECKING:
    from canon.run.apply import Settings


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
@concurrency_option(
    "Tenants (with --env naming a fleet: databases) applied at once, after the canary."
)
@click.option(
    "--canary",
    metavar="NAME",
    default=None,
    help="Tenant (with --env naming a fleet: database) applied first, alone "
    "(default: the first with changes).",
)
@click.option(
    "--continue-on-error",
    is_flag=True,
    help="Keep applying other tenants (or databases) after one fails.",
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
    from canon.run.apply import Settings, apply_plan
    from canon.run.execution import exit_code
    from canon.run.fanout import FanOut
    from canon.run.runner import Timeouts

    shown = console()
    environment = chosen_environment()
    chosen = environment.settings if environment else None
    settings = Settings(
        allow_hazards=frozenset(_allowed_hazards(allow_hazards, chosen)),
        dry_run=dry_run,
        timeouts=Timeouts(
            lock_timeout(),
            _setting("statement_timeout", statement_timeout, chosen),
            lock_retries,
            retry_backoff,
        ),
        apply_lock_wait=apply_lock_wait,
        concurrently=not no_concurrently,
        ref=ref,
        fan_out=FanOut(concurrency, canary, continue_on_error),
        progress=shown.note,
    )
    if environment is not None and environment.is_fleet:
        return _apply_fleet(
            environment, schema_dir, plan_file, settings, tenant, take_backup, allow_empty
        )
    live_url = resolve_live_url(database_url)
    if take_backup:
        settings = replace(settings, backup_to=default_path(live_url))
    project = resolve_project(schema_dir, live_url, tenant, environment_name(), allow_empty)
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
        steps = result.steps
        shown.note(
            f"applied {counted(len(result.plan.statements), 'statement')} in "
            f"{counted(steps, 'step')} to {live_url.masked()} (apply #{result.apply_id})"
        )
    return EXIT_OK


def _setting(name: str, given: str, environment: EnvironmentSettings | None) -> str:
    """The option as given on the command line, else the environment's, else its default."""
    source = click.get_current_context().get_parameter_source(name)
    from_environment = getattr(environment, name, None) if environment else None
    if source is click.core.ParameterSource.DEFAULT and from_environment is not None:
        return str(from_environment)
    return given


def _allowed_hazards(given: str, environment: EnvironmentSettings | None) -> set[str]:
    """--allow-hazards when given, else the environment's allow_hazards, else none."""
    from canon.plan.hazards import parse_names

    source = click.get_current_context().get_parameter_source("allow_hazards")
    if environment is None or environment.allow_hazards is None:
        return parse_names(given)
    if source is not click.core.ParameterSource.DEFAULT:
        return parse_names(given)
    try:
        return parse_names(",".join(environment.allow_hazards))
    except ConfigError as exc:
        raise ConfigError(f"{environment.where('allow_hazards')}: {exc}") from None


def _apply_fleet(
    environment: Environment,
    schema_dir: Path,
    plan_file: Path | None,
    settings: Settings,
    tenant: str | None,
    take_backup: bool,
    allow_empty: bool,
) -> int:
    from canon.fleet import planfile
    from canon.fleet.apply import FleetSettings, apply_fleet
    from canon.fleet.cohorts import Projects

    shown = console()
    saved = None
    if plan_file is not None:
        if not planfile.is_fleet_plan(plan_file):
            raise ConfigError(
                f"{plan_file} is not a fleet plan: plan the fleet with canon plan --env "
                f"{environment.name} --out FILE"
            )
        saved = planfile.read(plan_file)
    fan = settings.fan_out
    fleet = FleetSettings(
        # Within each database, tenants fan out as usual; the canary named is a database.
        replace(settings, fan_out=replace(fan, canary=None)),
        fan.concurrency,
        fan.canary,
        fan.continue_on_error,
        take_backup,
    )
    projects = Projects(schema_dir, tenant, environment.name, allow_empty)
    result = apply_fleet(environment, projects, saved, plan_file, fleet, shown.warn)
    shown.result(result.to_text())
    shown.note(result.summary())
    shown.note(f"canon history --env {environment.name} --run {result.run_id} shows this run")
    return EXIT_ERROR if result.failed else EXIT_OK
