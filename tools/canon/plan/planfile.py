"""Plan files: the SQL exactly as it will run, after a summary and a header that proves which state it fits.

    -- canon plan
    -- 3 statements in 2 steps; hazards: index-build (1); 1,204 rows at stake
    --
    -- format: 2
    -- canon-version: 0.1.0
    -- schema-digest: <sha256 of the schema files>
    -- schema-ref: <git commit the files were read at>   (only with plan --ref)
    -- live-fingerprint: <catalog fingerprint of the live schema>
    -- server-version: 150018
    -- hazards: index-build

Each statement follows, preceded by comments naming its object and the file and line
that declare it, by ``-- recreated: …`` where it drops an object the plan creates again
(saying why), its hazards and what it puts ``at stake``, and by a ``-- step N`` line
where a new step (transaction) begins. The hashes of the planned statements close the
file (``-- planned: …``), out of the reader's way; a statement whose hash is missing
was added by hand. Comments are for the reviewer: on apply the statements are
classified again, so deleting a hazard comment cannot switch a check off. Format 1
files (hashes in the header) are read as before. ``canon plan`` prints this text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from canon.diff.kind import Recreated
from canon.errors import SourceError
from canon.files import tenancy
from canon.files.sources import split_statements
from canon.files.tenants import Tenant
from canon.pg.parsing import dropped_paths
from canon.plan.model import Plan, PlannedStatement, step_kind
from canon.plan.output import Paint
from canon.plan.steps import terminated

MAGIC = "-- canon plan"
FORMAT_VERSION = "2"
READABLE_FORMATS = frozenset({"1", FORMAT_VERSION})
HEADER_KEYS = frozenset(
    {
        "format",
        "canon-version",
        "schema-digest",
        "schema-ref",
        "live-fingerprint",
        "server-version",
        "hazards",
        "planned",
    }
)
PLANNED = "planned"


def render(plan: Plan, colour: bool = False) -> str:
    """The plan as a plan file (with hazards in colour, for a terminal, when asked)."""
    paint = Paint(colour)
    lines = [MAGIC, paint.bold(f"-- {plan.summary}"), "--", f"-- format: {FORMAT_VERSION}"]
    lines += [f"-- canon-version: {plan.canon_version}", f"-- schema-digest: {plan.schema_digest}"]
    if plan.schema_ref:
        lines.append(f"-- schema-ref: {plan.schema_ref}")
    lines += [
        f"-- live-fingerprint: {plan.live_fingerprint}",
        f"-- server-version: {plan.server_version}",
        f"-- hazards: {', '.join(plan.hazard_names) or 'none'}",
        "",
    ]
    lines += body_lines(plan, paint)
    # Statements whose hash is not listed here were added by a reviewer.
    lines.append(f"-- {PLANNED}: {' '.join(statement_hash(s.sql) for s in plan.statements)}")
    return "\n".join(lines) + "\n"


def body_lines(plan: Plan, paint: Paint | None = None) -> list[str]:
    """The statements step by step, each after its object, hazard and at-stake comments."""
    paint = paint or Paint(False)
    lines: list[str] = []
    by_sql = iter(plan.statements)
    all_steps = plan.steps
    section: Tenant | None = None
    recreations = recreations_by_statement(plan)
    for step in all_steps:
        if len(all_steps) > 1:
            lines.append(f"-- step {step.number} of {len(all_steps)}: {step_kind(step)}")
        for _ in step.statements:
            statement = next(by_sql)
            owner = tenancy.tenant_of(statement.sql, plan.tenants) if plan.tenants else None
            if owner is not None and owner != section:
                lines.append(f"-- tenant {owner.id} (schema {owner.schema})")
            section = owner
            lines += _notes(statement, recreations.get(statement.sql, ()), paint)
            lines.append(terminated(statement.sql))
            lines.append("")
    return lines


def _notes(statement: PlannedStatement, recreated: Iterable[Recreated], paint: Paint) -> list[str]:
    """The comments above a statement: its object and file, what it drops to create
    again and why, hazards, what is at stake."""
    notes = []
    if statement.origin is not None:
        notes.append(paint.dim(_comment(str(statement.origin))))
    for again in recreated:
        notes.append(_comment(f"recreated: {again.kind} {again.display} ({again.reason})"))
    for hazard in statement.hazards:
        notes.append(paint.hazard(hazard.name, _comment(f"hazard: {hazard.name}: {hazard.reason}")))
    for stake in statement.at_stake:
        notes.append(paint.stake(_comment(f"at stake: {stake}")))
    return notes


def recreations_by_statement(plan: Plan) -> dict[str, list[Recreated]]:
    """What each statement drops to create again: the first statement dropping it."""
    found: dict[str, list[Recreated]] = {}
    pending = list(plan.recreated)
    for statement in plan.statements:
        dropped = set(dropped_paths(statement.sql))
        here = [r for r in pending if r.path in dropped]
        if here:
            found.setdefault(statement.sql, []).extend(here)
            pending = [r for r in pending if r not in here]
    return found


def _comment(text: str) -> str:
    """One SQL comment line: a line break in a hostile object name must not end it."""
    return "-- " + text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def is_plan_file(path: Path) -> bool:
    """Whether ``path`` starts the way every plan file does."""
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return f.readline().strip() == MAGIC
    except OSError:
        return False


def read_plan_file(path: Path) -> Plan:
    """Parse a plan file written by ``canon plan --out`` (possibly edited by hand)."""
    display = str(path)
    text = read_text(path, MAGIC, "canon plan file")
    lines = text.splitlines()
    header = _read_header(lines)
    for key in ("format", "schema-digest", "live-fingerprint", "server-version"):
        if key not in header:
            raise SourceError(display, None, f"plan header lacks '{key}'")
    if header["format"] not in READABLE_FORMATS:
        raise SourceError(display, None, f"unsupported plan format {header['format']!r}")
    # Hazards are classified again when the plan is applied: a reviewer deleting a
    # "-- hazard:" comment must not be able to switch a check off.
    planned = set(header[PLANNED].split()) if PLANNED in header else None
    statements = tuple(
        PlannedStatement(
            s.sql, (), s.line, by_hand=planned is not None and statement_hash(s.sql) not in planned
        )
        for s in split_statements(text, display)
    )
    return Plan(
        statements=statements,
        schema_digest=header["schema-digest"],
        live_fingerprint=header["live-fingerprint"],
        server_version=_int_or_zero(header["server-version"]),
        canon_version=header.get("canon-version", "unknown"),
        header=header,
        schema_ref=header.get("schema-ref") or None,
    )


def read_text(path: Path, magic: str, what: str) -> str:
    """A plan file's text; refused unless its first line is ``magic``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(str(path), None, f"cannot read plan file: {exc}") from None
    if text.split("\n", 1)[0].strip() != magic:
        raise SourceError(str(path), 1, f"not a {what} (it must start with {magic!r})")
    return text


def statement_hash(sql: str) -> str:
    """A short hash of a statement, blind to layout, to tell planned from hand-added ones."""
    return hashlib.sha256(" ".join(sql.rstrip().rstrip(";").split()).encode()).hexdigest()[:12]


def _read_header(lines: list[str]) -> dict[str, str]:
    """The known ``-- key: value`` lines of the leading comments, and the closing hashes."""
    header: dict[str, str] = {}
    for line in lines[1:]:
        if not line.startswith("--"):
            break
        key, colon, value = line[3:].partition(":")
        if colon and key.strip() in HEADER_KEYS:
            header.setdefault(key.strip(), value.strip())
    if PLANNED not in header:  # format 2 keeps the hashes last, reviewers may add after them
        closing = [line for line in lines if line.startswith(f"-- {PLANNED}:")]
        if closing:
            header[PLANNED] = closing[-1].partition(":")[2].strip()
    return header


def _int_or_zero(value: str) -> int:
    return int(value) if value.isdigit() else 0
