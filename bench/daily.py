"""The daily benchmark: how long each everyday edit of tests/daily holds its locks.

Each edit is applied, forward then back, to a copy of the seeds' database (schema/,
seeds/ and the rows of tests/daily/rows.sql): ``canon plan --out`` then ``canon apply``
of that file, each a separate process. canon's journal (``canon.apply_steps``) times
every step; a step in a transaction keeps the locks it takes until it commits, so its
longest such step is the longest that other sessions may wait on what the edit changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.project.daily import DAILY, Edit, all_edits, recreated_in

from .measure import CANON, REPO, Bench, run

# Each step of the last apply: in a transaction or not, and how long it ran.
STEPS_QUERY = """
    SELECT in_transaction, extract(epoch FROM finished_at - started_at)
    FROM canon.apply_steps WHERE apply_id = (SELECT max(id) FROM canon.applies) ORDER BY step
"""


@dataclass
class DailyRow:
    edit: str
    direction: str
    recreated: int  # objects the plan drops and creates again
    steps: int
    longest_lock: float  # seconds, the longest step in a transaction
    apply: float  # seconds, the whole ``canon apply`` process


def measure(
    bench: Bench, progress: Callable[[str], None], only: Sequence[str] = ()
) -> list[DailyRow]:
    """Each edit (those whose name holds one of ``only``, when given), forward and back."""
    base = bench.create_database("daily_base")
    root = bench.workdir / "daily"
    rows: list[DailyRow] = []
    try:
        _canon(bench, "apply", base, "--schema-dir", str(REPO / "schema"))
        _canon(bench, "seed", base, "--seeds-dir", str(REPO / "seeds"))
        _execute(bench, base, (DAILY / "rows.sql").read_text())
        for edit in all_edits():
            if only and not any(part in edit.name for part in only):
                continue
            progress(f"daily: {edit.name}")
            rows.extend(_measure_edit(bench, base, edit, root))
    finally:
        bench.drop_database(base)
        bench.drop_canon_databases()
    return rows


def _measure_edit(bench: Bench, base: str, edit: Edit, root: Path) -> list[DailyRow]:
    name = bench.create_database("daily_edit", template=base)
    try:
        if edit.starts_elsewhere:
            _canon(bench, "apply", name, "--schema-dir", str(edit.write(root, "before") / "schema"))
        if edit.rows is not None:
            _execute(bench, name, edit.rows.read_text())
        found = []
        for direction, state in (("forward", "after"), ("back", "before")):
            schema = str(edit.write(root, state) / "schema")
            plan_file = root.parent / f"daily-{direction}.sql"
            _canon(bench, "plan", name, "--schema-dir", schema, "--out", str(plan_file), ok=(2,))
            applied = _canon(bench, "apply", name, "--schema-dir", schema, str(plan_file))
            with psycopg.connect(bench.url(name)) as conn:
                steps = conn.execute(STEPS_QUERY).fetchall()
            locks = [float(seconds) for in_transaction, seconds in steps if in_transaction]
            found.append(
                DailyRow(
                    edit.name,
                    direction,
                    len(recreated_in(plan_file.read_text())),
                    len(steps),
                    max(locks, default=0.0),
                    applied,
                )
            )
        return found
    finally:
        bench.drop_database(name)


def _canon(
    bench: Bench, command: str, dbname: str, *args: str, ok: tuple[int, ...] = (0,)
) -> float:
    """Run a canon command as a process; its wall time."""
    argv = [str(CANON), command, "--database-url", bench.url(dbname), *args]
    if command == "apply":
        argv += ["--allow-hazards", "all"]
    result = run(argv, env=bench.env, cwd=bench.workdir)
    if result.returncode not in ok:
        raise RuntimeError(f"canon {command} exited {result.returncode}: {result.stderr[-500:]}")
    return result.seconds


def _execute(bench: Bench, dbname: str, sql: str) -> None:
    with psycopg.connect(bench.url(dbname)) as conn:
        conn.execute(sql.encode())


def render(rows: list[DailyRow]) -> str:
    lines = [
        "| edit | way | recreated | steps | longest step in a transaction | apply |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.edit} | {row.direction} | {row.recreated} | {row.steps} "
            f"| {row.longest_lock * 1000:.0f} ms | {row.apply:.2f} s |"
        )
    recreating = [r for r in rows if r.recreated]
    lines.append("")
    for label, subset in (("all edits", rows), ("edits that recreate", recreating)):
        if subset:
            worst = max(subset, key=lambda r: r.longest_lock)
            lines.append(
                f"Longest step in a transaction, {label}: {worst.longest_lock * 1000:.0f} ms "
                f"({worst.edit}, {worst.direction})."
            )
    return "\n".join(lines)
