"""Functions whose result type changes: dropped first, since CREATE OR REPLACE cannot do it.

migra replaces a changed function with ``CREATE OR REPLACE FUNCTION``, which PostgreSQL
rejects when the result type (or the names of OUT columns) changes. canon drops the
function first and lets migra create it as new. Objects that use the function (views,
defaults, triggers) would go with a cascading drop, so the drop does not cascade: if
something still uses the function, PostgreSQL stops the plan and nothing changes.
"""

from __future__ import annotations

from canon.diff.fragments import acl_items
from canon.diff.kind import Kind, Pair, Placed, Recreated
from canon.pg.quoting import shown


def prepare(pair: Pair) -> Placed:
    """DROP statements for functions whose result changes; mutates the live model to match."""
    live, target = pair.live_model, pair.target_model
    statements = []
    recreated = []
    for key, wanted in target.functions.items():
        current = live.functions.get(key)
        if current is None or current.result_string == wanted.result_string:
            continue
        kind = "PROCEDURE" if getattr(current, "kind", "f") == "p" else "FUNCTION"
        statements.append(f"DROP {kind} {key};")
        display = f"{shown(current.schema)}.{shown(current.name)}({current.identity_arguments})"
        reason = "its result type changes, which CREATE OR REPLACE cannot do"
        recreated.append(Recreated(kind.lower(), (current.schema, current.name), display, reason))
        del live.functions[key]
        live.selectables.pop(key, None)
    return Placed(pre=tuple(statements), recreated=tuple(recreated))


FINGERPRINT = """
SELECT concat_ws(' ', 'f', pg_get_functiondef(p.oid), p.proacl) AS item
FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace WHERE p.prokind <> 'a'
"""

SIGNATURE = f"""
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
       format('%I.%I(%s)', ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
       concat_ws(' | ', pg_get_functiondef(p.oid),
                 {acl_items("coalesce(p.proacl, acldefault('f', p.proowner))", "p.proowner")})
FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
WHERE p.prokind <> 'a' AND NOT EXISTS (
    SELECT 1 FROM ext_members e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
"""

KIND = Kind("function", FINGERPRINT, SIGNATURE, before=prepare)
