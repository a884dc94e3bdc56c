"""``canon plan``: print the migration from the live database to the files."""

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
    tenant_option,
)
from canon.errors import ConfigError
from canon.files.environments import Environment
from canon.files.project import resolve_project
from canon.plan import shortcut

if TYPE_CHECKING:
    from canon.fleet.cohorts import Projects
    from canon.fleet.plan import FleetPlan
    from canon.plan.model import PlanOptions


@cli.command("plan")
@schema_options
@click.option("--out", type=click.Path(path_type=Path), help="Also save the plan to this file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "github"]),
    default="text",
    show_default=True,
    help="How to print the plan: the plan file, JSON, a pull-request comment, or "
    "workflow annotations (--out always writes the plan file).",
)
@click.option(
    "--ref",
    metavar="REV",
    default=None,
    help="Plan to the schema files as committed at git revision REV (rollback).",
)
@click.option(
    "--no-concurrently",
    is_flag=True,
    help="Build and drop indexes on existing tables inside the transaction instead "
    "of CONCURRENTLY.",
)
@tenant_option
@allow_empty_option
@concurrency_option("Databases of a fleet reached and planned at once.")
def plan_command(
    database_url: str | None,
    schema_dir: Path,
    out: Path | None,
    fmt: str,
    ref: str | None,
    no_concurrently: bool,
    tenant: str | None,
    allow_empty: bool,
    concurrency: int,
) -> int:
    """Print the migration that brings the live database to the files.

    A summary comes first (statements, steps, hazards, rows at stake), then each
    statement with the object it is about and the file:line declaring it, its hazards
    and, measured on the live database, what it puts at stake (rows of a dropped
    table, rows a new CHECK would reject...). With --env naming a fleet, one plan per
    group of databases that need the same statements. Exit 0 no changes, 2 changes.

    \b
    Examples:
      canon plan
      canon plan --out plans/2026-11-add-sku.sql
      canon plan --format markdown >> "$GITHUB_STEP_SUMMARY"
      canon plan --env production --out plans/production.sql
    """
    shown = console()
    if out is not None and out.is_dir():
        raise ConfigError(f"--out {out} is a folder; give the plan file's name")
    environment = chosen_environment()
    if environment is not None and environment.is_fleet:
        from canon.fleet.cohorts import Projects
        from canon.plan.model import PlanOptions

        projects = Projects(schema_dir, tenant, environment.name, allow_empty)
        options = PlanOptions(concurrently=not no_concurrently, measure=True, locate=True)
        return _plan_fleet(environment, projects, options, out, fmt, ref, concurrency)
    live_url = resolve_live_url(database_url)
    project = resolve_project(schema_dir, live_url, tenant, environment_name(), allow_empty)
    # Files and live schema unchanged since a plan that found nothing: nothing to plan.
    use_shortcut = ref is None and tenant is None and fmt in ("text", "markdown")
    probe = shortcut.check(live_url, project) if use_shortcut else None
    if probe is not None and probe.hit:
        return _no_changes(fmt, f"{live_url.masked()} matches {schema_dir}")
    # Imported here: the shortcut above answers without loading the diff engine. The
    # workspace comes first: the engine loads in the background meanwhile.
    from canon.plan.workspace import workspace

    with workspace(live_url, project, shown.warn, read_only=True, ref=ref) as ws:
        from canon.plan.model import PlanOptions
        from canon.plan.pipeline import plan_workspace

        options = PlanOptions(concurrently=not no_concurrently, measure=True, locate=True)
        result = plan_workspace(live_url, ws, options, shown.warn)
    from canon.plan.output import to_github, to_json, to_markdown
    from canon.plan.planfile import render

    for note in result.notes:
        shown.warn(note)
    if result.empty:
        if probe is not None and not result.notes:  # a shortcut could not repeat the notes
            shortcut.record(probe, project, result.live_fingerprint)
        if fmt == "json":
            shown.result(to_json(result))
        return _no_changes(fmt, f"{live_url.masked()} matches {schema_dir}")
    text = render(result)
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text)
        except OSError as exc:
            raise ConfigError(f"--out {out}: {exc.strerror or exc}") from None
        shown.note(f"plan written to {out}")
    if fmt == "json":
        shown.result(to_json(result))
    elif fmt == "markdown":
        shown.result(to_markdown(result, text))
    elif fmt == "github":
        shown.result(to_github(result))
    else:
        shown.result(render(result, colour=shown.colour))
    # The summary heads the plan; repeated last, it is what a long plan leaves on screen.
    shown.note(str(result.summary))
    return EXIT_CHANGES


def _plan_fleet(
    environment: Environment,
    projects: Projects,
    options: PlanOptions,
    out: Path | None,
    fmt: str,
    ref: str | None,
    concurrency: int,
) -> int:
    from canon.fleet import planfile
    from canon.fleet.plan import plan_fleet, to_json

    shown = console()
    # Without a plan file to write, each database may answer from its no-change shortcut.
    use_shortcut = ref is None and fmt in ("text", "markdown") and out is None
    fleet = plan_fleet(environment, projects, options, concurrency, shown.warn, ref, use_shortcut)
    for note in fleet.notes:
        shown.warn(note)
    text = planfile.render(fleet)
    if out is not None and fleet.groups:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        shown.note(f"plan written to {out}")
    if fmt == "json":
        shown.result(to_json(fleet))
    elif fmt in ("markdown", "github") and fleet.groups:
        shown.result(_fleet_by_group(fleet, fmt))
    elif fleet.groups:
        shown.result(text)
    elif fmt == "markdown":  # a job summary says so rather than nothing
        shown.result(f"### canon plan: no changes\n\n{fleet.summary()}\n")
    for failure in fleet.failed:
        shown.note(f"error: {failure.name}: {failure.problem}")
    shown.note(fleet.summary())
    if fleet.failed:
        return EXIT_ERROR
    return EXIT_CHANGES if fleet.groups else EXIT_OK


def _fleet_by_group(fleet: FleetPlan, fmt: str) -> str:
    """Markdown or annotations of one database's plan, once per group, naming its members."""
    from canon.fleet.plan import group_plan
    from canon.plan.output import to_github, to_markdown
    from canon.plan.planfile import render

    parts = []
    for group in fleet.groups:
        plan = group_plan(group)
        if fmt == "markdown":
            names = ", ".join(m.target.name for m in group)
            parts.append(f"## {fleet.environment}: {names}\n\n" + to_markdown(plan, render(plan)))
        else:
            # A comma would end the title property: the names are spaced instead.
            members = " ".join(m.target.name for m in group)
            parts.append(
                to_github(plan).replace("title=canon plan", f"title=canon plan ({members})")
            )
    return "\n".join(parts)


def _no_changes(fmt: str, matches: str) -> int:
    shown = console()
    if fmt == "markdown":  # a job summary says so rather than nothing
        shown.result(f"### canon plan: no changes\n\n{matches}\n")
    shown.note(f"no changes: {matches}")
    return EXIT_OK
