"""``canon drift`` and ``canon verify``: does the live database still match the files?"""

from __future__ import annotations

from pathlib import Path

import click

from canon.cli.app import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    allow_empty_option,
    cli,
    console,
    resolve_live_url,
    schema_options,
    seeds_dir_for,
    seeds_option,
    tenant_option,
)
from canon.files.project import resolve_project


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
def drift_command(
    database_url: str | None,
    schema_dir: Path,
    seeds_dir: Path | None,
    fmt: str,
    strict: bool,
    tenant: str | None,
    allow_empty: bool,
) -> int:
    """Fail (exit 2) when the live database differs from the files (schema and seeds).

    With tenants configured, a per-tenant drift matrix follows the differences.

    \b
    Examples:
      canon drift --strict
      canon drift --format github --database-url "$STAGING_URL"
    """
    from canon.plan.workspace import workspace

    shown = console()
    live_url = resolve_live_url(database_url)
    project = resolve_project(schema_dir, live_url, tenant, allow_empty)
    # The workspace comes first: the diff engine loads in the background meanwhile.
    with workspace(live_url, project, shown.warn, read_only=True) as ws:
        from canon.checks.drift import check_drift

        report = check_drift(
            live_url, ws, schema_dir, seeds_dir_for(seeds_dir, schema_dir), shown.warn
        )
    render = {"text": report.to_text, "json": report.to_json, "github": report.to_github}[fmt]
    shown.result(render())
    return EXIT_CHANGES if report.drifted or (strict and report.residuals) else EXIT_OK


@cli.command("verify")
@schema_options
@seeds_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def verify_command(
    database_url: str | None, schema_dir: Path, seeds_dir: Path | None, fmt: str
) -> int:
    """Report what each schema holds; exit 1 if the database does not match the files.

    \b
    Example:
      canon verify --format json
    """
    from canon.plan.workspace import workspace

    shown = console()
    live_url = resolve_live_url(database_url)
    project = resolve_project(schema_dir, live_url)
    with workspace(live_url, project, shown.warn, read_only=True) as ws:
        from canon.checks.verify import verify_database
        from canon.plan.model import PlanOptions
        from canon.plan.pipeline import plan_workspace

        planned = plan_workspace(live_url, ws, PlanOptions(), shown.warn)
        differences = [s.sql for s in planned.statements]
    report = verify_database(live_url, differences, seeds_dir_for(seeds_dir, schema_dir))
    shown.result(report.to_json() if fmt == "json" else report.to_text())
    return EXIT_OK if report.matches else EXIT_ERROR
