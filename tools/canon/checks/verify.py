"""Verification: what the live database holds, per schema, and whether it matches the files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from canon.diff.kinds.indexes import invalid_indexes
from canon.files import seeds as seeding
from canon.managed import EXCLUDED_SCHEMAS
from canon.pg import db
from canon.pg.dburl import DatabaseUrl

INVENTORY_QUERY = """
SELECT n.nspname,
       (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p')),
       (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind = 'i'),
       (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('v', 'm')),
       (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE c.relnamespace = n.oid AND NOT t.tgisinternal),
       (SELECT count(*) FROM pg_type t LEFT JOIN pg_class c ON c.oid = t.typrelid
         WHERE t.typnamespace = n.oid
           AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND c.relkind = 'c')))
FROM pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg_temp%%' AND n.nspname NOT LIKE 'pg_toast_temp%%'
  AND n.nspname <> ALL (%s)
ORDER BY 1
"""


@dataclass(frozen=True)
class SchemaCounts:
    schema: str
    tables: int
    indexes: int
    views: int
    triggers: int
    types: int


@dataclass(frozen=True)
class SeedCount:
    table: str
    expected: int
    present: int


@dataclass(frozen=True)
class Verification:
    database: str
    schemas: tuple[SchemaCounts, ...]
    seeds: tuple[SeedCount, ...]
    schema_differences: tuple[str, ...] = ()
    seed_differences: tuple[seeding.SeedDifference, ...] = field(default=())
    # Left by a failed or interrupted concurrent build: counted above, serving no query.
    invalid_indexes: tuple[str, ...] = ()

    @property
    def matches(self) -> bool:
        return not (self.schema_differences or self.seed_differences or self.invalid_indexes)

    def totals(self) -> dict[str, int]:
        return {
            name: sum(getattr(s, name) for s in self.schemas)
            for name in ("tables", "indexes", "views", "triggers", "types")
        }

    def to_text(self) -> str:
        totals = self.totals()
        lines = [f"verifying {self.database}", ""]
        lines.append(
            f"{'schema':<16}{'tables':>8}{'indexes':>9}{'views':>7}{'triggers':>10}{'types':>7}"
        )
        for s in self.schemas:
            lines.append(
                f"{s.schema:<16}{s.tables:>8}{s.indexes:>9}{s.views:>7}{s.triggers:>10}{s.types:>7}"
            )
        lines.append(
            f"{'total':<16}{totals['tables']:>8}{totals['indexes']:>9}{totals['views']:>7}"
            f"{totals['triggers']:>10}{totals['types']:>7}"
        )
        if self.seeds:
            lines += ["", "reference data (present / in seeds):"]
            lines += [f"  {c.table:<28}{c.present:>5} / {c.expected}" for c in self.seeds]
        lines.append("")
        if self.matches:
            lines.append(f"ok: {len(self.schemas)} schemas match the files")
        else:
            lines.append(
                f"mismatch: {len(self.schema_differences)} schema differences, "
                f"{len(self.seed_differences)} reference rows missing or different"
                + (f", {len(self.invalid_indexes)} invalid indexes" if self.invalid_indexes else "")
            )
            lines += [
                f"  invalid index: {name} (a failed or interrupted concurrent build; "
                "canon apply drops and rebuilds it)"
                for name in self.invalid_indexes
            ]
            lines += [f"  schema: {' '.join(d.split())}" for d in self.schema_differences]
            lines += [f"  seed: {d.table} ({d.key}) {d.problem}" for d in self.seed_differences]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        document = {
            "format_version": 1,
            "database": self.database,
            "matches": self.matches,
            "schemas": [s.__dict__ for s in self.schemas],
            "totals": self.totals(),
            "seeds": [c.__dict__ for c in self.seeds],
            "schema_differences": list(self.schema_differences),
            "invalid_indexes": list(self.invalid_indexes),
            "seed_differences": [d.__dict__ for d in self.seed_differences],
        }
        return json.dumps(document, indent=2) + "\n"


def inventory(conn: psycopg.Connection) -> tuple[SchemaCounts, ...]:
    rows = conn.execute(INVENTORY_QUERY, (sorted(EXCLUDED_SCHEMAS),)).fetchall()
    return tuple(SchemaCounts(*row) for row in rows)


def seed_counts(
    seeds: list[seeding.SeedStatement], found: list[seeding.SeedDifference]
) -> tuple[SeedCount, ...]:
    counts = []
    for seed in seeds:
        missing = sum(
            seed.rows if d.key == "*" else 1
            for d in found
            if d.path == seed.statement.path
            and d.line == seed.statement.line
            and d.problem != "differs"
        )
        counts.append(SeedCount(seed.name, seed.rows, seed.rows - missing))
    return tuple(counts)


def verify_database(
    live_url: DatabaseUrl,
    schema_differences: list[str],
    seeds_dir: Path | None,
) -> Verification:
    """What live holds per schema, and how it differs from the files and seeds."""
    seeds = seeding.read_seeds(seeds_dir) if seeds_dir is not None else []
    with db.connect(live_url) as conn:
        schemas = inventory(conn)
        seed_diffs = seeding.differences(conn, seeds, schema_matches=not schema_differences)
        invalid = invalid_indexes(conn, EXCLUDED_SCHEMAS)
    counts = seed_counts(seeds, seed_diffs)
    return Verification(
        live_url.masked(),
        schemas,
        counts,
        tuple(schema_differences),
        tuple(seed_diffs),
        tuple(invalid),
    )
