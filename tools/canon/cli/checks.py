"""``canon drift`` and ``canon verify``: does the live database still match the files?"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from canon.cli.app import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    allow_empty_option,
    chosen_environment,
    cli,
    concurrency_option,
    console,
    environment_name,
    resolve_live_url,
    schema_options,
    seeds_dir_for,
    seeds_option,
    tenant_option,
)
from canon.files.project import Project, resolve_project
from canon.pg.dburl import DatabaseUrl

if TYPE_CHECKING:
    from canon.checks.drift import DriftReport


@cli.command("drift")
@schema_options
@seeds_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
)
@click.option(
    "--strict", is_flag=True, help="Also exit 2 for residual differences canon cannot plan."
)
@tenant_option
@allow_empty_option
@concurrency_option("Databases of a fleet checked at once.")
def drift_command(
    database_url: str | None,
    schema_dir: Path,
    seeds_dir: Path | None,
    fmt: str,
    strict: bool,
    tenant: str | None,
    allow_empty: bool,
    concurrency: int,
) -> int:
    """Fail (exit 2) when the live database differs from the files (schema and seeds).

    With tenants configured, a per-tenant drift matrix follows the differences. With
    --env naming a fleet, every database is checked and a matrix of databases ends the
    report; exit 1 if any database could not be checked.

    \b
    Examples:
      canon drift --strict
      canon drift --format github --database-url "$STAGING_URL"
      canon drift --env production --concurrency 8
    """
    shown = console()
    environment = chosen_environment()
    if environment is not None and environment.is_fleet:
        from canon.fleet.cohorts import Projects
        from canon.fleet.drift import drift_fleet

        fleet = drift_fleet(
            environment,
            Projects(schema_dir, tenant, environment.name, allow_empty),
            schema_dir,
            seeds_dir_for(seeds_dir, schema_dir),
            concurrency,
            shown.warn,
        )
        show = {"text": fleet.to_text, "json": fleet.to_json, "github": fleet.to_github}[fmt]
        shown.result(show())
        for failure in fleet.failed:
            shown.note(f"error: {failure.name}: {failure.problem}")
        shown.note(fleet.summary())
        if fleet.failed:
            return EXIT_ERROR
        return EXIT_CHANGES if fleet.drifted or (strict and fleet.residuals) else EXIT_OK
    live_url = resolve_live_url(database_url)
    project = resolve_project(schema_dir, live_url, tenant, environment_name(), allow_empty)
    seeds = seeds_dir_for(seeds_dir, schema_dir)
    report = _recorded_drift(live_url, project, schema_dir, seeds) if tenant is None else None
    if report is None:
        from canon.plan.workspace import workspace

        # The workspace comes first: the diff engine loads in the background meanwhile.
        with workspace(live_url, project, shown.warn, read_only=True) as ws:
            from canon.checks.drift import check_drift

            report = check_drift(live_url, ws, schema_dir, seeds, shown.warn)
    render = {"text": report.to_text, "json": report.to_json, "github": report.to_github}[fmt]
    shown.result(render())
    return EXIT_CHANGES if report.drifted or (strict and report.residuals) else EXIT_OK


def _recorded_drift(
    live_url: DatabaseUrl, project: Project, schema_dir: Path, seeds: Path | None
) -> DriftReport | None:
    """The report from live's convergence record, when one covers these files and live."""
    from canon.plan import shortcut

    probe = shortcut.check(live_url, project, local=False)
    if probe is None or probe.record is None:
        return None
    from canon.checks.drift import recorded_drift

    return recorded_drift(live_url, probe.record, project.tenants, schema_dir, seeds)


@cli.command("verify")
@schema_options
@seeds_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def verify_command(
    database_url: str | None, schema_dir: Path, seeds_dir: Path | None, fmt: str
) -> int:
    """Report what each schema holds; exit 2 if the database does not match the files.

    \b
    Example:
      canon verify --format json
    """
    from canon.plan.workspace import workspace

    shown = console()
    live_url = resolve_live_url(database_url)
    project = resolve_project(schema_dir, live_url, environment=environment_name())
    with workspace(live_url, project, shown.warn, read_only=True) as ws:
        from canon.checks.verify import verify_database
        from canon.plan.model import PlanOptions
        from canon.plan.pipeline import plan_workspace

        planned = plan_workspace(live_url, ws, PlanOptions(), shown.warn)
        differences = [s.sql for s in planned.statements]
    report = verify_database(live_url, differences, seeds_dir_for(seeds_dir, schema_dir))
    shown.result(report.to_json() if fmt == "json" else report.to_text())
    return EXIT_OK if report.matches else EXIT_CHANGES
