"""``canon plan``: print the migration from the live database to the files."""

from __future__ import annotations

from pathlib import Path

import click

from canon.cli.app import (
    EXIT_CHANGES,
    EXIT_OK,
    allow_empty_option,
    cli,
    console,
    resolve_live_url,
    schema_options,
    tenant_option,
)
from canon.files.project import resolve_project
from canon.plan import shortcut


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
def plan_command(
    database_url: str | None,
    schema_dir: Path,
    out: Path | None,
    fmt: str,
    ref: str | None,
    no_concurrently: bool,
    tenant: str | None,
    allow_empty: bool,
) -> int:
    """Print the migration that brings the live database to the files.

    A summary comes first (statements, steps, hazards, rows at stake), then each
    statement with the object it is about and the file:line declaring it, its hazards
    and, measured on the live database, what it puts at stake (rows of a dropped
    table, rows a new CHECK would reject...). Exit 0 no changes, 2 changes.

    \b
    Examples:
      canon plan
      canon plan --out plans/2026-11-add-sku.sql
      canon plan --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    shown = console()
    live_url = resolve_live_url(database_url)
    project = resolve_project(schema_dir, live_url, tenant, allow_empty)
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
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
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


def _no_changes(fmt: str, matches: str) -> int:
    shown = console()
    if fmt == "markdown":  # a job summary says so rather than nothing
        shown.result(f"### canon plan: no changes\n\n{matches}\n")
    shown.note(f"no changes: {matches}")
    return EXIT_OK
