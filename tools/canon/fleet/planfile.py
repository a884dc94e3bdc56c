"""Fleet plan files: one section per group of databases, and the state each database was planned in.

    -- canon fleet plan
    -- format: 1
    -- canon-version: 0.1.0
    -- environment: production
    -- database eu1: group 1, live-fingerprint <fp>, server-version 150018, schema-digest <sha>
    -- database us1: unchanged, live-fingerprint <fp>, server-version 150018, schema-digest <sha>
    -- group 1: hazards none, planned <statement hashes>

    -- group 1 of 1: eu1
    -- 1 statement in 1 step; no hazards; 0 rows at stake
    -- relation shop.items: schema/shop.sql:3
    ALTER TABLE ...;

Each database's line records what its part was planned against, so ``canon apply``
refuses the plan as stale for a database whose schema (or files) changed since, and
for a database the file does not name. Statements belong to the group whose ``-- group
N of M`` line they follow; a reviewer may edit them as in a plan file of one database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from canon import __version__
from canon.errors import SourceError
from canon.files.sources import split_statements
from canon.fleet.plan import FleetPlan, group_plan
from canon.plan.model import Plan, PlannedStatement
from canon.plan.planfile import body_lines, read_text, statement_hash

MAGIC = "-- canon fleet plan"
FORMAT_VERSION = "1"
UNCHANGED = "unchanged"

_DATABASE = re.compile(r"-- database (\S+): (.*)")
_GROUP_HEADER = re.compile(r"-- group (\d+): hazards ([^,]*), planned ?(.*)")
_GROUP_START = re.compile(r"-- group (\d+) of \d+")


@dataclass(frozen=True)
class SavedDatabase:
    """A database as the fleet plan file recorded it."""

    name: str
    group: int | None  # None: it needed no changes
    fingerprint: str
    server_version: int
    schema_digest: str


@dataclass(frozen=True)
class SavedFleetPlan:
    environment: str
    canon_version: str
    databases: dict[str, SavedDatabase]
    groups: dict[int, tuple[PlannedStatement, ...]]
    schema_ref: str | None = None

    def plan_for(self, name: str) -> Plan:
        """Database ``name``'s part, as a plan recording the state it was planned for."""
        saved = self.databases[name]
        return Plan(
            statements=self.groups.get(saved.group, ()) if saved.group else (),
            schema_digest=saved.schema_digest,
            live_fingerprint=saved.fingerprint,
            server_version=saved.server_version,
            canon_version=self.canon_version,
            schema_ref=self.schema_ref,
        )


def render(fleet: FleetPlan) -> str:
    groups = fleet.groups
    group_of = {m.target.name: n for n, group in enumerate(groups, 1) for m in group}
    lines = [
        MAGIC,
        f"-- format: {FORMAT_VERSION}",
        f"-- canon-version: {__version__}",
        f"-- environment: {fleet.environment}",
    ]
    refs = {m.plan.schema_ref for m in fleet.members if m.plan is not None and m.plan.schema_ref}
    if refs:
        lines.append(f"-- schema-ref: {refs.pop()}")
    for member in fleet.members:
        digest = member.plan.schema_digest if member.plan is not None else "-"
        where = group_of.get(member.target.name)
        lines.append(
            f"-- database {member.target.name}: "
            f"{f'group {where}' if where else UNCHANGED}, "
            f"live-fingerprint {member.fingerprint}, server-version {member.server_version}, "
            f"schema-digest {digest}"
        )
    shared = [group_plan(group) for group in groups]
    for number, plan in enumerate(shared, 1):
        hashes = " ".join(statement_hash(s.sql) for s in plan.statements)
        lines.append(
            f"-- group {number}: hazards {' '.join(plan.hazard_names) or 'none'}, planned {hashes}"
        )
    lines.append("")
    for number, (group, plan) in enumerate(zip(groups, shared, strict=True), 1):
        names = ", ".join(m.target.name for m in group)
        lines.append(f"-- group {number} of {len(groups)}: {names}")
        # As in a plan file of one database, the group's summary comes before its statements.
        lines.append(f"-- {plan.summary}")
        lines += body_lines(plan)
    return "\n".join(lines) + "\n"


def is_fleet_plan(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline().strip() == MAGIC
    except (OSError, UnicodeDecodeError):
        return False


def read(path: Path) -> SavedFleetPlan:
    """Parse a fleet plan file (possibly edited by hand); refuse one that is malformed."""
    display = str(path)
    text = read_text(path, MAGIC, "fleet plan file")
    lines = text.splitlines()
    fields: dict[str, str] = {}
    databases: dict[str, SavedDatabase] = {}
    planned: dict[int, set[str]] = {}
    starts: list[tuple[int, int]] = []  # (line, group) where each group's statements begin
    in_header = True
    for number, line in enumerate(lines, start=1):
        if in_header and not line.startswith("-- "):
            in_header = False
        if in_header:
            _read_header_line(line, number, display, fields, databases, planned)
        elif found := _GROUP_START.match(line):
            starts.append((number, int(found.group(1))))
    if fields.get("format") != FORMAT_VERSION:
        raise SourceError(display, None, f"unsupported fleet plan format {fields.get('format')!r}")
    if "environment" not in fields:
        raise SourceError(display, None, "fleet plan header lacks 'environment'")
    groups: dict[int, list[PlannedStatement]] = {group: [] for _, group in starts}
    for statement in split_statements(text, display):
        owner = [group for start, group in starts if start < statement.line]
        if not owner:
            raise SourceError(display, statement.line, "statement outside any '-- group' section")
        by_hand = statement_hash(statement.sql) not in planned.get(owner[-1], set())
        groups[owner[-1]].append(
            PlannedStatement(statement.sql, (), statement.line, by_hand=by_hand)
        )
    for saved in databases.values():
        if saved.group is not None and saved.group not in groups:
            raise SourceError(
                display,
                None,
                f"database {saved.name} names group {saved.group}, which the file lacks",
            )
    return SavedFleetPlan(
        fields["environment"],
        fields.get("canon-version", "unknown"),
        databases,
        {group: tuple(found) for group, found in groups.items()},
        fields.get("schema-ref") or None,
    )


def _read_header_line(
    line: str,
    number: int,
    display: str,
    fields: dict[str, str],
    databases: dict[str, SavedDatabase],
    planned: dict[int, set[str]],
) -> None:
    if found := _DATABASE.fullmatch(line):
        databases[found.group(1)] = _saved_database(found.group(1), found.group(2), display, number)
    elif found := _GROUP_HEADER.fullmatch(line):
        planned[int(found.group(1))] = set(found.group(3).split())
    elif ":" in line and line != MAGIC:
        key, _, value = line[3:].partition(":")
        fields[key.strip()] = value.strip()


def _saved_database(name: str, text: str, display: str, line: int) -> SavedDatabase:
    parts = [part.strip() for part in text.split(",")]
    values = dict(part.split(" ", 1) for part in parts[1:] if " " in part)
    where = parts[0]
    if (
        not (where == UNCHANGED or re.fullmatch(r"group \d+", where))
        or not {
            "live-fingerprint",
            "server-version",
            "schema-digest",
        }
        <= values.keys()
    ):
        raise SourceError(display, line, f"cannot read the line of database {name}")
    return SavedDatabase(
        name,
        None if where == UNCHANGED else int(where.split()[1]),
        values["live-fingerprint"],
        int(values["server-version"]) if values["server-version"].isdigit() else 0,
        values["schema-digest"],
    )
