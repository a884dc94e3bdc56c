"""A plan in the formats ``canon plan --format`` offers besides the plan file (``planfile``).

``json`` for tools, ``markdown`` for a pull-request comment or a CI job summary (a
summary table, the hazardous statements with the files that declare them, what it
recreates and why, then the SQL folded away), ``github`` for workflow annotations on
the files that declare each object.
``Paint`` colours the plan file's comments for a terminal.
"""

from __future__ import annotations

import json

from canon.plan.model import Plan, PlannedStatement, step_kind

JSON_FORMAT_VERSION = 1
# ANSI colours: data loss in red, other hazards in yellow, at stake in yellow, origins dim.
RED, YELLOW, BOLD, DIM, RESET = "\033[31m", "\033[33m", "\033[1m", "\033[2m", "\033[0m"
DATA_LOSS = "data-loss"
COMMENT = "-- "
ANNOTATION_SQL = 200  # characters of a statement shown in an annotation


class Paint:
    """Colours for a terminal; every method returns its line unchanged when colour is off.

    Only the text after a comment's ``-- `` is coloured, so every line still starts as
    a SQL comment.
    """

    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def _wrap(self, line: str, code: str) -> str:
        if not self.colour:
            return line
        body = line.removeprefix(COMMENT)
        return f"{line[: len(line) - len(body)]}{code}{body}{RESET}"

    def bold(self, line: str) -> str:
        return self._wrap(line, BOLD)

    def dim(self, line: str) -> str:
        return self._wrap(line, DIM)

    def hazard(self, name: str, line: str) -> str:
        return self._wrap(line, BOLD + RED if name == DATA_LOSS else YELLOW)

    def stake(self, line: str) -> str:
        return self._wrap(line, YELLOW)


def to_json(plan: Plan) -> str:
    """One JSON document: the plan's state, hazards and statements, step by step."""
    by_sql = iter(plan.statements)
    summary = plan.summary
    document = {
        "format_version": JSON_FORMAT_VERSION,
        "canon_version": plan.canon_version,
        "schema_digest": plan.schema_digest,
        "schema_ref": plan.schema_ref,
        "live_fingerprint": plan.live_fingerprint,
        "server_version": plan.server_version,
        "plan_hash": plan.plan_hash if plan.statements else None,
        "changes": not plan.empty,
        "hazards": plan.hazard_names,
        "summary": {
            "statements": summary.statements,
            "steps": summary.steps,
            "hazards": summary.hazards,
            "rows_at_stake": summary.at_stake,
        },
        "recreated": [
            {"kind": r.kind, "name": r.display, "reason": r.reason} for r in plan.recreated
        ],
        "steps": [
            {
                "step": step.number,
                "transaction": step_kind(step),
                "statements": [statement_json(next(by_sql)) for _ in step.statements],
            }
            for step in plan.steps
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def origin_json(statement: PlannedStatement) -> dict[str, object]:
    """The statement's object and the file and line declaring it (None where unknown)."""
    origin = statement.origin
    return {
        "object": origin.object if origin else None,
        "file": origin.path if origin else None,
        "line": origin.line if origin else None,
    }


def statement_json(statement: PlannedStatement) -> dict[str, object]:
    """A statement with its object, the file and line declaring it, hazards and stakes."""
    return {
        "sql": statement.sql,
        **origin_json(statement),
        "hazards": [{"name": h.name, "reason": h.reason} for h in statement.hazards],
        "at_stake": [
            {
                "text": str(stake),
                "count": stake.count,
                "estimate": stake.estimate,
                "fails": stake.fails,
            }
            for stake in statement.at_stake
        ],
    }


def to_markdown(plan: Plan, plan_text: str) -> str:
    """A pull-request comment: the summary table, hazardous statements, then the SQL folded."""
    summary = plan.summary
    hazards = ", ".join(f"`{name}` ({n})" for name, n in summary.hazards.items()) or "none"
    lines = [
        f"### canon plan: {summary}",
        "",
        "| Statements | Steps | Hazards | Rows at stake |",
        "|---:|---:|---|---:|",
        f"| {summary.statements:,} | {summary.steps:,} | {hazards} | {summary.at_stake:,} |",
        "",
    ]
    risky = [s for s in plan.statements if s.hazards or s.at_stake]
    if risky:
        lines += ["| Object | Declared in | Hazards | At stake |", "|---|---|---|---|"]
        for s in risky:
            origin = s.origin
            lines.append(
                f"| {_cell(origin.object if origin else one_line(s.sql))} "
                f"| {_cell(origin.where if origin else '')} "
                f"| {_cell(', '.join(s.hazard_names))} "
                f"| {_cell('; '.join(str(stake) for stake in s.at_stake))} |"
            )
        lines.append("")
    lines += _recreated_table(plan)
    fence = "````" if "```" in plan_text else "```"
    lines += [
        f"<details><summary>SQL ({summary.statements:,} statements)</summary>",
        "",
        f"{fence}sql",
        plan_text.rstrip("\n"),
        fence,
        "",
        "</details>",
    ]
    return "\n".join(lines) + "\n"


def _recreated_table(plan: Plan) -> list[str]:
    """What the plan drops and creates again, and why: a reviewer looks for it first."""
    if not plan.recreated:
        return []
    rows = [f"| {_cell(f'{r.kind} {r.display}')} | {_cell(r.reason)} |" for r in plan.recreated]
    return ["| Recreated | Why |", "|---|---|", *rows, ""]


def to_github(plan: Plan) -> str:
    """One workflow annotation per statement, on the file and line that declare its object."""
    lines = []
    for s in plan.statements:
        level = "warning" if s.hazards else "notice"
        title = f"canon plan: {', '.join(s.hazard_names)}" if s.hazards else "canon plan"
        origin = s.origin
        where = annotation_place(origin.path, origin.line) if origin else ""
        about = f"{origin.object} ({origin.where}): " if origin else ""
        message = about + one_line(s.sql, ANNOTATION_SQL)
        lines.append(f"::{level} {where}title={escape_property(title)}::{escape(message)}")
    return "\n".join(lines) + "\n"


def annotation_place(path: str | None, line: int | None) -> str:
    """The ``file=…,line=…,`` part of a workflow command, or nothing without a file."""
    if not path:
        return ""
    return f"file={escape_property(path)},line={line or 1},"


def one_line(sql: str, limit: int | None = None) -> str:
    """The statement on one line, cut at ``limit`` characters when given."""
    text = " ".join(sql.split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def escape(message: str) -> str:
    """GitHub workflow commands need %, CR and LF escaped."""
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value: a comma or colon would end it early."""
    return escape(value).replace(":", "%3A").replace(",", "%2C")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
