"""A plan in the formats ``canon plan --format`` offers besides the plan file (``planfile``)."""

from __future__ import annotations

import json

from canon.plan.model import Plan, PlannedStatement, step_kind

JSON_FORMAT_VERSION = 1


def to_json(plan: Plan) -> str:
    """One JSON document: the plan's state, hazards and statements, step by step."""
    by_sql = iter(plan.statements)
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
        "recreated": [
            {"kind": r.kind, "name": r.display, "reason": r.reason} for r in plan.recreated
        ],
        "steps": [
            {
                "step": step.number,
                "transaction": step_kind(step),
                "statements": [_statement_json(next(by_sql)) for _ in step.statements],
            }
            for step in plan.steps
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _statement_json(statement: PlannedStatement) -> dict[str, object]:
    return {
        "sql": statement.sql,
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
