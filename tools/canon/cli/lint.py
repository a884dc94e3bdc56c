"""``canon lint``: rules over the schema files and plan files, with no database."""

from __future__ import annotations

from pathlib import Path

import click

from canon.cli.app import EXIT_CHANGES, EXIT_OK, cli, console
from canon.errors import ConfigError

FORMATS = ("text", "json", "github")


@cli.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--schema-dir",
    type=click.Path(path_type=Path),
    default=Path("schema"),
    show_default=True,
    help="Folder of canonical .sql files.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and exit.")
def lint_command(paths: tuple[Path, ...], schema_dir: Path, fmt: str, list_rules: bool) -> int:
    """Check the schema files (and any plan files given) against canon's rules.

    PATHS may name plan files (linted with squawk, as canon runs them) and schema
    files: with schema files given, only their findings are shown (as pre-commit
    passes the files it checks), though the whole schema folder is read. Rules are
    switched in canon.toml ([lint] rule-id = false); one finding is exempted with
    "-- canon: lint-ignore RULE: reason" on its line. Exit 0 clean, 2 findings.

    \b
    Examples:
      canon lint
      canon lint --format github plans/2026-11-add-sku.sql
    """
    from canon.checks.lint.report import known_rules, lint
    from canon.files.config import load_config
    from canon.plan.planfile import is_plan_file

    shown = console()
    if list_rules:
        rules = known_rules()
        width = max(len(rule) for rule in rules)
        shown.result("".join(f"{rule:<{width}}  {summary}\n" for rule, summary in rules.items()))
        return EXIT_OK
    plans = [p for p in paths if is_plan_file(p)]
    schema_files = [p for p in paths if p not in plans]
    outside = [p for p in schema_files if not p.resolve().is_relative_to(schema_dir.resolve())]
    if outside:
        raise ConfigError(
            f"{outside[0]} is neither a plan file (they start with '-- canon plan') "
            f"nor a file under {schema_dir}"
        )
    report = lint(schema_dir, load_config(schema_dir), plans, schema_files)
    render = {"text": report.to_text, "json": report.to_json, "github": report.to_github}[fmt]
    shown.result(render())
    return EXIT_OK if report.clean else EXIT_CHANGES
