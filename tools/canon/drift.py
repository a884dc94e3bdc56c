"""Drift: does the live database still match the files? Reported as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import diff
from .dburl import DatabaseUrl
from .plan import Plan, make_plan, workspace
from .scratch import Warn

FORMAT_VERSION = 1


@dataclass(frozen=True)
class DriftReport:
    database: str  # masked URL
    schema_dir: str
    plan: Plan

    @property
    def drifted(self) -> bool:
        return not self.plan.empty

    def to_text(self) -> str:
        if not self.drifted:
            return f"no drift: {self.database} matches {self.schema_dir}\n"
        lines = [f"drift: {self.database} differs from {self.schema_dir} "
                 f"({len(self.plan.statements)} statements to converge)"]
        for statement in self.plan.statements:
            tag = f" [{', '.join(statement.hazard_names)}]" if statement.hazards else ""
            lines.append(f"  {_one_line(statement.sql)}{tag}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        document = {
            "format_version": FORMAT_VERSION,
            "database": self.database,
            "schema_dir": self.schema_dir,
            "drift": self.drifted,
            "hazards": self.plan.hazard_names,
            "differences": [
                {"sql": s.sql, "hazards": list(s.hazard_names)} for s in self.plan.statements
            ],
        }
        return json.dumps(document, indent=2) + "\n"

    def to_github(self) -> str:
        if not self.drifted:
            return f"::notice title=canon drift::no drift in {self.database}\n"
        lines = [
            f"::error title=canon drift::{_escape(_one_line(s.sql))}" for s in self.plan.statements
        ]
        return "\n".join(lines) + "\n"


def check(live: DatabaseUrl, schema_dir: Path, warn: Warn) -> DriftReport:
    with workspace(live, schema_dir, warn) as ws:
        with diff.connect(live) as live_conn, diff.connect(ws.target) as target_conn:
            plan = make_plan(live_conn, target_conn, ws.source)
    return DriftReport(live.masked(), str(schema_dir), plan)


def _one_line(sql: str) -> str:
    return " ".join(sql.split())


def _escape(message: str) -> str:
    """GitHub workflow commands need %, CR and LF escaped."""
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
