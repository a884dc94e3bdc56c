"""The project's own schema/ as a benchmark subject, copied so runs can change its bytes.

A 5% change adds a column to one table in twenty (at least one), chosen in file order,
through ``ALTER TABLE`` statements appended to the last file.

psql cannot load these files in file order (a table may reference a schema defined in
a later file), while canon defers such statements. The floor therefore loads one file
holding the same statements in an order that works, found once by trial.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
from pglast import parse_sql
from pglast.ast import CreateStmt

from canon.files.config import load_config
from canon.files.sources import Statement, find_files, read_schema
from canon.files.tenants import resolve

from .measure import Subject

CHANGE_EVERY = 20
SETTINGS_FILES = ("canon.toml", "tenants.txt")
SEEDS = "seeds"


def table_names(schema_dir: Path) -> list[str]:
    names = []
    for statement in read_schema(schema_dir).statements:
        node = parse_sql(statement.sql)[0].stmt
        if isinstance(node, CreateStmt) and node.relation is not None:
            rel = node.relation
            names.append(f'"{rel.schemaname or "public"}"."{rel.relname}"')
    return names


def subject(source: Path) -> Subject:
    tables = table_names(source)
    seeds = source.parent / SEEDS

    def write(root: Path, change: int | None, note: str) -> Path:
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(source, root)
        for beside in SETTINGS_FILES:  # tenants are rendered as in the project
            if (source.parent / beside).is_file():
                shutil.copy(source.parent / beside, root.parent / beside)
        if seeds.is_dir():  # where drift finds reference data in a checkout
            shutil.rmtree(root.parent / SEEDS, ignore_errors=True)
            shutil.copytree(seeds, root.parent / SEEDS)
        last = find_files(root)[-1]
        extra = f"\nSELECT '{note}' AS note;\n" if note else ""  # new statements, same schema
        if change is not None:
            chosen = tables[change % CHANGE_EVERY :: CHANGE_EVERY] or tables[:1]
            extra += (
                "".join(
                    f"\nALTER TABLE {name} ADD COLUMN bench_note_{change} text;" for name in chosen
                )
                + "\n"
            )
        if extra:
            last.write_text(last.read_text() + extra)
        return root

    return Subject(
        "seeds (schema/)", len(tables), write, ordered_file, seeds if seeds.is_dir() else None
    )


def ordered_file(schema_dir: Path, scratch_url: str) -> list[Path]:
    """One file with the schema's statements in an order psql can load, beside ``schema_dir``."""
    config = load_config(schema_dir)
    tenants = resolve(config, None) if config.tenants and config.tenants.file else []
    statements = load_order(read_schema(schema_dir, config, tenants).statements, scratch_url)
    path = schema_dir.parent / "ordered.sql"
    path.write_text("".join(f"{s.sql}\n;\n" for s in statements))
    return [path]


def load_order(statements: tuple[Statement, ...], url: str) -> list[Statement]:
    """Statements in the order they succeed, tried in passes; nothing is kept in ``url``."""
    done: list[Statement] = []
    pending = list(statements)
    with psycopg.connect(url) as conn:
        while pending:
            waiting = []
            for statement in pending:
                conn.execute("SAVEPOINT s")
                try:
                    conn.execute(statement.sql)
                except psycopg.Error:
                    conn.execute("ROLLBACK TO SAVEPOINT s")
                    waiting.append(statement)
                else:
                    done.append(statement)
            if len(waiting) == len(pending):
                raise RuntimeError(f"cannot order {waiting[0].path}:{waiting[0].line}")
            pending = waiting
        conn.rollback()
    return done
