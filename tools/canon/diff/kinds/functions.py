"""Functions the plan drops: what uses them changes first, and replacements are dropped first.

migra replaces a changed function with ``CREATE OR REPLACE FUNCTION``, which PostgreSQL
rejects when the result type (or the names of OUT columns) changes, when a parameter
default goes, or when a function becomes a procedure; canon drops such a function
first and lets migra create it as new, reported as recreated with its reason. Which
functions go, and why, is ``diff.forcing.function_changes``; the views, functions,
triggers, policies, indexes and CHECKs using them were dropped by recreation already
(the views kind runs first), and the defaults and generated columns using them are
released here (``diff.dependents``), to be created again after the function. No drop
cascades.
migra is shown whole definitions, since it reads SQL-standard bodies as empty.
"""

from __future__ import annotations

from canon.diff import dependents, forcing
from canon.diff.fragments import acl_items
from canon.diff.kind import Kind, Pair, Placed, Recreated
from canon.inspection.models import DatabaseModel, FunctionModel
from canon.pg.db import query
from canon.pg.quoting import shown


def prepare(pair: Pair) -> Placed:
    """Release what uses the functions the plan drops; drop those it must replace.

    Mutates the live model: released objects and replaced functions leave it, so migra
    creates them from the files.
    """
    live, target = pair.live_model, pair.target_model
    _compare_whole_definitions(live, target)
    changes = forcing.function_changes(pair)
    dropped = sorted(changes)
    # Views, functions, triggers, policies, indexes and CHECKs using these were dropped
    # by recreation (the views kind); what remains are defaults and generated columns.
    found = dependents.find(pair.live_conn, functions=dropped)
    cause = "calls " + "; ".join(
        f"{_display(live.functions[key])}, {changes[key]}" for key in dropped
    )
    released = dependents.release(live, pair.target_conn, found, cause)
    statements = released.drops
    recreated = list(released.recreated)
    # Replaced ones go before they are created again; removed ones with SQL-standard
    # bodies go before the relations they read (migra would drop them at the end).
    with_bodies = _with_sql_bodies(pair, dropped)
    for key in dropped:
        current = live.functions.get(key)
        if current is not None and (key in target.functions or key in with_bodies):
            kind = "PROCEDURE" if current.kind == "p" else "FUNCTION"
            statements.append(f"DROP {kind} {key};")
            if key in target.functions:
                path = (current.schema, current.name)
                reason = _own(changes[key])
                recreated.append(Recreated(kind.lower(), path, _display(current), reason))
            del live.functions[key]
            live.selectables.pop(key, None)
    replaced = [key for key in dropped if key in target.functions]
    comments = released.comments + dependents.root_comments(pair, functions=replaced)
    return Placed(pre=tuple(statements), late=tuple(comments), recreated=tuple(recreated))


def _own(why: str) -> str:
    """Recreation's reason, said of the function itself: "its result type changes…"."""
    if why.startswith("whose "):
        return "its " + why.removeprefix("whose ")
    return "it " + why.removeprefix("which ")


def _display(function: FunctionModel) -> str:
    return f"{shown(function.schema)}.{shown(function.name)}({function.identity_arguments})"


def _compare_whole_definitions(*models: DatabaseModel) -> None:
    """The engine compares functions by a body it reads as empty for a SQL-standard body
    (``RETURN …``, ``BEGIN ATOMIC``), and leaves out parameter defaults: it is shown the
    whole definition, as pg_get_functiondef writes it, instead."""
    for model in models:
        for function in model.functions.values():
            function.definition = function.full_definition


SQL_BODIES_QUERY = query(
    """
    SELECT format('"%s"."%s"(%s)', replace(n.nspname, '"', '""'), replace(p.proname, '"', '""'),
                  pg_get_function_identity_arguments(p.oid))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prosqlbody IS NOT NULL AND n.nspname <> ALL (:excluded)
    """
)


def _with_sql_bodies(pair: Pair, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    rows = pair.live_conn.execute(SQL_BODIES_QUERY, {"excluded": sorted(pair.excluded)})
    return {key for (key,) in rows} & set(keys)


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
