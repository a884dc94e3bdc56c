"""Plan files linted with squawk, told how canon runs them.

squawk (the ``squawk-cli`` package, a binary in its wheel) knows what each statement
locks and rewrites: an index built without CONCURRENTLY, SET NOT NULL without a
validated CHECK before it, a volatile default that rewrites the table, a constraint
added without NOT VALID. A plan is linted the way it runs: each transactional step
wrapped in BEGIN/COMMIT, concurrent builds outside any transaction, so squawk sees
which statements share a transaction. Two things squawk cannot know are applied
after it: only the rules in ``PLAN_RULES`` are kept (its rules about drops and renames
repeat canon's hazards, its type preferences are schema rules here), and nothing is
reported about a table the plan itself created earlier (nobody else can be using it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from canon.errors import ConfigError
from canon.pg.parsing import parse, table_of, tables_created
from canon.plan.model import Plan, PlannedStatement
from canon.plan.planfile import read_plan_file

# squawk's rules about what a statement locks or rewrites on a table in use.
PLAN_RULES = {
    "require-concurrent-index-creation": "an index built without CONCURRENTLY blocks writes",
    "require-concurrent-index-deletion": "an index dropped without CONCURRENTLY blocks the table",
    "adding-not-nullable-field": "SET NOT NULL without a validated CHECK scans under a full lock",
    "adding-field-with-default": "a volatile default rewrites the whole table under a full lock",
    "adding-required-field": "a NOT NULL column without a default fails on a table with rows",
    "constraint-missing-not-valid": "a constraint added without NOT VALID scans under a lock",
    "adding-foreign-key-constraint": "a foreign key validated at once locks both tables",
    "disallowed-unique-constraint": "a UNIQUE constraint built in place blocks reads",
    "changing-column-type": "a column type change may rewrite the table under a full lock",
    "adding-serial-primary-key-field": "a serial primary key added in place rewrites the table",
    "ban-concurrent-index-creation-in-transaction": "CONCURRENTLY cannot run in a transaction",
    "ban-create-domain-with-constraint": "a domain CHECK is validated on every column using it",
    "ban-alter-domain-with-add-constraint": "a domain CHECK added scans every column using it",
    "require-concurrent-reindex": "REINDEX without CONCURRENTLY blocks writes",
    "require-concurrent-partition-detach": "DETACH PARTITION without CONCURRENTLY blocks reads",
    "ban-truncate-cascade": "TRUNCATE CASCADE empties every table that references this one",
}
SQUAWK = "squawk"


@dataclass(frozen=True)
class PlanHit:
    rule: str
    message: str
    line: int


@dataclass(frozen=True)
class _Placed:
    statement: PlannedStatement
    first: int  # 0-based line of the statement in the text given to squawk
    lines: int
    created_before: frozenset[str]  # tables the plan created before this statement


def lint_plan_file(path: Path) -> list[PlanHit]:
    """squawk's findings on a plan file, at the plan file's own lines."""
    plan = read_plan_file(path)
    text, placed = _as_run(plan)
    return sorted(_kept(placed, _squawk(text, plan.server_version, path)), key=_order)


def _order(hit: PlanHit) -> tuple[int, str]:
    return (hit.line, hit.rule)


def _as_run(plan: Plan) -> tuple[str, list[_Placed]]:
    """The plan's SQL with each transactional step between BEGIN and COMMIT."""
    lines: list[str] = []
    placed: list[_Placed] = []
    statements = iter(plan.statements)
    created: frozenset[str] = frozenset()
    for step in plan.steps:
        if step.transactional:
            lines.append("BEGIN;")
        for _ in step.statements:
            statement = next(statements)
            sql = statement.sql.rstrip().rstrip(";") + ";"
            placed.append(_Placed(statement, len(lines), sql.count("\n") + 1, created))
            created |= tables_created([statement.sql])
            lines += sql.splitlines()
        if step.transactional:
            lines.append("COMMIT;")
    return "\n".join(lines) + "\n", placed


def _squawk(text: str, server_version: int, path: Path) -> list[dict[str, object]]:
    binary = squawk_binary()
    args = [str(binary), "--reporter", "json", "--stdin-filepath", str(path)]
    if server_version:
        args.append(f"--pg-version={server_version // 10000}.0")
    with tempfile.TemporaryFile("w+") as stdin:
        stdin.write(text)
        stdin.seek(0)
        done = subprocess.run(args, stdin=stdin, capture_output=True, text=True, check=False)
    try:
        found = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise ConfigError(
            f"squawk failed on {path}: {reason[0] if reason else f'exit {done.returncode}'}"
        ) from None
    return [f for f in found if isinstance(f, dict)]


def squawk_binary() -> Path:
    """The squawk of canon's own environment, else the one on PATH."""
    beside = Path(sys.executable).parent / SQUAWK
    if beside.is_file():
        return beside
    found = shutil.which(SQUAWK)
    if found is None:
        raise ConfigError("squawk not found: install the squawk-cli package to lint plan files")
    return Path(found)


def _kept(placed: list[_Placed], found: list[dict[str, object]]) -> Iterator[PlanHit]:
    for finding in found:
        rule = str(finding.get("rule_name", ""))
        line = finding.get("line")
        if rule not in PLAN_RULES or not isinstance(line, int):
            continue
        at = next((p for p in placed if p.first <= line < p.first + p.lines), None)
        if at is None or _on_new_table(at):
            continue
        plan_line = (at.statement.line or 1) + (line - at.first)
        advice = str(finding.get("help") or "").rstrip(".")
        yield PlanHit(
            rule, PLAN_RULES[rule] + (f" (squawk: {advice})" if advice else ""), plan_line
        )


def _on_new_table(at: _Placed) -> bool:
    """Whether the statement works on a table the plan created before it."""
    nodes = parse(at.statement.sql)
    table = table_of(nodes[0]) if len(nodes) == 1 else None
    return table is not None and table in at.created_before
