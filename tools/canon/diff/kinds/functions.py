"""Functions whose result type changes: dropped first, since CREATE OR REPLACE cannot do it.

migra replaces a changed function with ``CREATE OR REPLACE FUNCTION``, which PostgreSQL
rejects when the result type (or the names of OUT columns) changes. canon drops the
function first and lets migra create it as new. Objects that use the function (views,
defaults, triggers) would go with a cascading drop, so the drop does not cascade: if
something still uses the function, PostgreSQL stops the plan and nothing changes.
"""

from __future__ import annotations

from typing import Any


def prepare(live: Any, target: Any) -> list[str]:
    """DROP statements for functions whose result changes; mutates ``live`` to match."""
    statements = []
    for key, wanted in target.functions.items():
        current = live.functions.get(key)
        if current is None or current.result_string == wanted.result_string:
            continue
        kind = "PROCEDURE" if getattr(current, "kind", "f") == "p" else "FUNCTION"
        statements.append(f"DROP {kind} {key};")
        del live.functions[key]
        live.selectables.pop(key, None)
    return statements
