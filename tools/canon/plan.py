"""Plans: the statements that bring the live database to the files, and the plan file format.

A plan file is the SQL exactly as it will run, after a header of ``-- key: value``
lines that prove which state it was planned for:

    -- canon plan
    -- format: 1
    -- canon-version: 0.1.0
    -- schema-digest: <sha256 of the schema files>
    -- live-fingerprint: <catalog fingerprint of the live schema>
    -- server-version: 150018
    -- hazards: data-loss, index-build

Each statement follows, preceded by ``-- hazard: …`` comments where it has any.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Connection

from . import __version__, diff, hazards
from .dburl import DatabaseUrl
from .errors import SourceError
from .fingerprint import fingerprint
from .scratch import Warn, scratch_database
from .sources import SchemaSource, read_schema, split_statements

MAGIC = "-- canon plan"
FORMAT_VERSION = "1"


@dataclass(frozen=True)
class PlannedStatement:
    sql: str
    hazards: tuple[hazards.Hazard, ...] = ()
    line: int | None = None  # line in the plan file, when read from one

    @property
    def hazard_names(self) -> tuple[str, ...]:
        return tuple(sorted({h.name for h in self.hazards}))


@dataclass(frozen=True)
class Plan:
    statements: tuple[PlannedStatement, ...]
    schema_digest: str
    live_fingerprint: str
    server_version: int
    canon_version: str = __version__
    header: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.statements

    @property
    def hazard_names(self) -> list[str]:
        return sorted({name for s in self.statements for name in s.hazard_names})

    def render(self) -> str:
        lines = [
            MAGIC,
            f"-- format: {FORMAT_VERSION}",
            f"-- canon-version: {self.canon_version}",
            f"-- schema-digest: {self.schema_digest}",
            f"-- live-fingerprint: {self.live_fingerprint}",
            f"-- server-version: {self.server_version}",
            f"-- hazards: {', '.join(self.hazard_names) or 'none'}",
            "",
        ]
        for statement in self.statements:
            for hazard in statement.hazards:
                lines.append(f"-- hazard: {hazard.name}: {hazard.reason}")
            sql = statement.sql.rstrip()
            lines.append(sql if sql.endswith(";") else sql + ";")
            lines.append("")
        return "\n".join(lines)


@dataclass(frozen=True)
class Workspace:
    """The schema files and a scratch database built from them, for one command."""

    source: SchemaSource
    target: DatabaseUrl


@contextlib.contextmanager
def workspace(live: DatabaseUrl, schema_dir: Path, warn: Warn) -> Iterator[Workspace]:
    source = read_schema(schema_dir)
    with scratch_database(live, source.statements, warn) as target:
        yield Workspace(source, target)


def make_plan(live: Connection, target: Connection, source: SchemaSource) -> Plan:
    """Diff ``live`` against ``target`` and classify what the statements would do."""
    statements = diff.changes(live, target)
    classified = hazards.classify(statements, live)
    return Plan(
        statements=tuple(PlannedStatement(sql, found) for sql, found in classified),
        schema_digest=source.digest,
        live_fingerprint=fingerprint(live, diff.EXCLUDED_SCHEMAS),
        server_version=_server_version(live),
    )


def _server_version(conn: Connection) -> int:
    raw = conn.connection.driver_connection
    return int(raw.info.server_version) if raw is not None else 0


def read_plan_file(path: Path) -> Plan:
    """Parse a plan file written by ``canon plan --out`` (possibly edited by hand)."""
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(display, None, f"cannot read plan file: {exc}") from None
    lines = text.splitlines()
    if not lines or lines[0].strip() != MAGIC:
        raise SourceError(display, 1, f"not a canon plan file (it must start with {MAGIC!r})")
    header = _read_header(lines, display)
    for key in ("format", "schema-digest", "live-fingerprint", "server-version"):
        if key not in header:
            raise SourceError(display, None, f"plan header lacks '{key}'")
    if header["format"] != FORMAT_VERSION:
        raise SourceError(display, None, f"unsupported plan format {header['format']!r}")
    # Hazards are classified again when the plan is applied: a reviewer deleting a
    # "-- hazard:" comment must not be able to switch a check off.
    statements = tuple(PlannedStatement(s.sql, (), s.line) for s in split_statements(text, display))
    return Plan(
        statements=statements,
        schema_digest=header["schema-digest"],
        live_fingerprint=header["live-fingerprint"],
        server_version=_int_or_zero(header["server-version"]),
        canon_version=header.get("canon-version", "unknown"),
        header=header,
    )


def _read_header(lines: list[str], display: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in lines[1:]:
        if not line.startswith("-- ") or ":" not in line:
            break
        key, _, value = line[3:].partition(":")
        header[key.strip()] = value.strip()
    return header


def _int_or_zero(value: str) -> int:
    return int(value) if value.isdigit() else 0
