"""``canon export``: write an existing database as canonical schema files."""

from __future__ import annotations

from pathlib import Path

import click

from canon.cli.app import EXIT_OK, cli, console, database_url_option, resolve_live_url
from canon.errors import ConfigError

SCHEMA_SUFFIXES = (".sql", ".sql.j2")


@cli.command("export")
@database_url_option
@click.option(
    "--schema-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("schema"),
    show_default=True,
    help="Folder to write the files to.",
)
@click.option("--force", is_flag=True, help="Overwrite schema files that hold something.")
def export_command(database_url: str | None, schema_dir: Path, force: bool) -> int:
    """Write the live database as canonical files: a folder per schema, a file per topic.

    Right after an export, `canon plan` finds no changes and `canon drift --strict`
    exits 0. canon's own schema and objects that extensions own are left out (an
    extension is written as CREATE EXTENSION).

    \b
    Example:
      canon export --database-url postgresql://app@db.example.com/shop
    """
    from canon.inspection.export import export_schema

    shown = console()
    live_url = resolve_live_url(database_url)
    exported = export_schema(live_url)
    targets = [schema_dir / f.path for f in exported.files]
    if not force:
        _refuse_to_overwrite(schema_dir)
    for path, exported_file in zip(targets, exported.files, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(exported_file.text, encoding="utf-8")
    others = sorted(set(_schema_files(schema_dir, nonempty=True)) - set(targets))
    if others:
        shown.warn(
            f"{len(others)} other schema files under {schema_dir} were left as they were "
            f"and load with the export (first: {others[0]})"
        )
    shown.note(
        f"exported {live_url.masked()}: {exported.statements} statements of "
        f"{exported.schemas} schemas in {len(exported.files)} files under {schema_dir}"
    )
    return EXIT_OK


def _refuse_to_overwrite(schema_dir: Path) -> None:
    """Without --force, a folder whose schema files hold anything is left alone."""
    written = _schema_files(schema_dir, nonempty=True)
    if written:
        raise ConfigError(
            f"{schema_dir} already holds {len(written)} schema files (first: {written[0]}); "
            "export to an empty folder, or pass --force to overwrite"
        )


def _schema_files(folder: Path, nonempty: bool) -> list[Path]:
    """The schema files under ``folder`` (those holding something, when ``nonempty``)."""
    if not folder.is_dir():
        return []
    found = (p for p in folder.rglob("*") if p.is_file() and p.name.endswith(SCHEMA_SUFFIXES))
    return sorted(p for p in found if not nonempty or p.stat().st_size > 0)
