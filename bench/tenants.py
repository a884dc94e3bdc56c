"""The tenant benchmark: plan and apply a 10-table template rendered for many tenants.

Cost should grow linearly with the number of tenants, and a warm no-change plan must
stay quick however many tenants there are.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .measure import CANON, Bench, run

TEMPLATE_TABLES = 10
PLAN_CACHE_OFF = {"CANON_PLAN_CACHE": "off"}


def write_project(root: Path, tenants: int) -> Path:
    """A project of ``tenants`` tenants; returns its schema folder."""
    schema = root / "schema"
    (schema / "_tenant").mkdir(parents=True, exist_ok=True)
    (schema / "public").mkdir(parents=True, exist_ok=True)
    (root / "canon.toml").write_text(
        '[tenants]\ntemplate = "_tenant"\nschema = "tenant_{id}"\nfile = "tenants.txt"\n'
    )
    (root / "tenants.txt").write_text("".join(f"t{i:04d}\n" for i in range(tenants)))
    (schema / "public" / "accounts.sql").write_text(
        "CREATE TABLE public.accounts (id text PRIMARY KEY, name text NOT NULL);\n"
    )
    lines = ["CREATE SCHEMA {{ schema }};"]
    for n in range(TEMPLATE_TABLES):
        previous = f"t{n - 1}" if n else None
        lines.append(
            f"CREATE TABLE {{{{ schema }}}}.t{n} (\n"
            "    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
            + (
                f"    parent_id bigint REFERENCES {{{{ schema }}}}.{previous} (id) ON DELETE CASCADE,\n"
                if previous
                else ""
            )
            + "    label text NOT NULL CHECK (label <> ''),\n"
            "    data jsonb NOT NULL DEFAULT '{}'::jsonb\n);"
        )
        if previous:
            lines.append(f"CREATE INDEX t{n}_parent_id_idx ON {{{{ schema }}}}.t{n} (parent_id);")
    (schema / "_tenant" / "tables.sql.j2").write_text("\n".join(lines) + "\n")
    return schema


@dataclass
class TenantRow:
    tenants: int
    plan_cold: float
    apply: float
    plan_warm: float
    plan_no_shortcut: float
    peak_mb: float


def measure(bench: Bench, tenants: int, runs: int, progress: Callable[[str], None]) -> TenantRow:
    folder = bench.workdir / f"tenants-{tenants}"
    schema = write_project(folder, tenants)
    live = bench.create_database("bench_tenants")
    peaks: list[float] = []

    def canon(*args: str, expect: set[int], env: dict[str, str] | None = None) -> float:
        result = run(
            [str(CANON), *args, "--database-url", bench.url(live), "--schema-dir", str(schema)],
            env=dict(bench.env, **(env or {})),
            cwd=folder,
        )
        if result.returncode not in expect:
            raise RuntimeError(
                f"canon {args[0]} exited {result.returncode}: {result.stderr.strip()[-400:]}"
            )
        peaks.append(result.max_rss_mb)
        return result.seconds

    try:
        progress(f"{tenants} tenants: plan and apply")
        cold = canon("plan", expect={2})
        applied = canon("apply", expect={0})
        canon("plan", expect={0})  # the first plan after apply records the no-change fact
        warm = statistics.median(canon("plan", expect={0}) for _ in range(runs))
        full = statistics.median(canon("plan", expect={0}, env=PLAN_CACHE_OFF) for _ in range(runs))
    finally:
        bench.drop_database(live)
        bench.drop_canon_databases()
    return TenantRow(tenants, cold, applied, warm, full, max(peaks, default=0.0))


def render(rows: list[TenantRow]) -> str:
    lines = [
        "| tenants | tables | plan, cold | apply | plan, warm | plan, warm, shortcut off | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.tenants} | {r.tenants * TEMPLATE_TABLES} | {r.plan_cold:.2f} s | {r.apply:.2f} s "
            f"| {r.plan_warm:.2f} s | {r.plan_no_shortcut:.2f} s | {r.peak_mb:.0f} MB |"
        )
    return "\n".join(lines)
