"""What a plan changes in a way that nothing depending on it survives: the seeds from which
``diff.recreation`` walks live's pg_depend.

A column retyped, recollated, dropped, or made generated anew; a relation dropped, or a
view whose columns change in a way CREATE OR REPLACE VIEW cannot make; an enum migra must
recreate; a function gone or changed beyond what CREATE OR REPLACE can do.
"""

from __future__ import annotations

from dataclasses import dataclass

from canon.diff.kind import Pair
from canon.inspection.models import ColumnModel, DatabaseModel, TableModel, column_pairs
from canon.pg.db import query
from canon.pg.quoting import shown


@dataclass(frozen=True)
class Seed:
    """Something the plan changes in a way that no dependent of it survives."""

    kind: str  # column, relation, type or function
    schema: str
    name: str
    detail: str  # the column, or a function's identity arguments; "" otherwise
    why: str  # "whose type changes…", "which is dropped"…
    # A view that is itself dropped and created again: its kind, and why.
    recreated: tuple[str, str] | None = None


def column_seeds(live: DatabaseModel, target: DatabaseModel) -> list[Seed]:
    enums = set(recreated_enums(live, target))
    seeds = []
    for key, name, column, new in column_pairs(live, target):
        why = _column_change(column, new, enums)
        if why is not None:
            table = live.tables[key]
            seeds.append(Seed("column", table.schema, table.name, name, why))
    return seeds


def _column_change(column: ColumnModel, new: ColumnModel | None, enums: set[str]) -> str | None:
    """Why nothing that uses a column survives the plan, or None if it may."""
    if new is None:
        return "which is dropped"
    if new.dbtypestr != column.dbtypestr:
        return f"whose type changes from {column.dbtypestr} to {new.dbtypestr}"
    if new.collation != column.collation:
        return "whose collation changes"
    if column.is_enum and column.enum is not None and column.enum.quoted_full_name in enums:
        return f"whose type {column.dbtypestr} is recreated"
    if new.is_inherited != column.is_inherited:
        return "which is dropped and added again"
    if new.is_generated and (not column.is_generated or new.default != column.default):
        return "whose generation expression changes (it is dropped and added again)"
    return None


def relation_seeds(live: DatabaseModel, target: DatabaseModel) -> list[Seed]:
    seeds = []
    for key, relation in sorted(live.selectables.items()):
        kind = relation.relationtype
        if kind not in ("r", "p", "v", "m"):
            continue  # functions and composite types are selectables too
        wanted = target.selectables.get(key)
        if wanted is None:
            seeds.append(Seed("relation", relation.schema, relation.name, "", "which is dropped"))
            continue
        because = _unreplaceable(relation, wanted) if kind in ("v", "m") else None
        if because is not None:
            member = ("materialized view" if kind == "m" else "view", because)
            seeds.append(
                Seed("relation", relation.schema, relation.name, "", "which is recreated", member)
            )
    return seeds


def _unreplaceable(view: TableModel, wanted: TableModel) -> str | None:
    """Why a view changes in a way CREATE OR REPLACE VIEW cannot make, or None."""
    if view.relationtype != wanted.relationtype:
        return "it changes between view and materialized view"
    if view == wanted:
        return None
    if view.relationtype == "m":
        return "its query changes, and a materialized view cannot be replaced in place"
    have = [_column_signature(c) for c in view.columns.values()]
    want = [_column_signature(c) for c in wanted.columns.values()]
    if want[: len(have)] == have:
        return None  # columns kept as they are, new ones at the end
    changed = [h[0] for h, w in zip(have, want, strict=False) if h != w] + [
        h[0] for h in have[len(want) :]
    ]
    several = len(changed) > 1
    return (
        f"its column{'s' * several} {', '.join(map(shown, changed))} "
        f"change{'' if several else 's'} name, type or position, "
        "which CREATE OR REPLACE VIEW cannot do"
    )


def _column_signature(column: ColumnModel) -> tuple[str, str, str | None]:
    return (column.name, column.dbtypestr, column.collation)


def type_seeds(live: DatabaseModel, target: DatabaseModel) -> list[Seed]:
    seeds = []
    for key in recreated_enums(live, target):
        enum = live.enums[key]
        why = "which is recreated (PostgreSQL cannot remove or reorder enum values)"
        seeds.append(Seed("type", enum.schema, enum.name, "", why))
    return seeds


def function_seeds(pair: Pair) -> list[Seed]:
    functions = pair.live_model.functions
    return [
        Seed("function", f.schema, f.name, f.identity_arguments, why)
        for key, why in sorted(function_changes(pair).items())
        for f in (functions[key],)
    ]


# Each function's arguments with their defaults, keyed as the engine keys functions.
ARGUMENTS_QUERY = query(
    """
    SELECT format('"%s"."%s"(%s)', replace(n.nspname, '"', '""'), replace(p.proname, '"', '""'),
                  pg_get_function_identity_arguments(p.oid)),
           pg_get_function_arguments(p.oid)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.prokind <> 'a' AND n.nspname <> ALL (:excluded)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    """
)


def function_changes(pair: Pair) -> dict[str, str]:
    """Engine keys of the live functions the plan drops, with why: gone from the files, or
    changed in a way CREATE OR REPLACE cannot make (result type, function or procedure,
    parameter defaults, which the engine does not compare)."""
    live, target = pair.live_model, pair.target_model
    params = {"excluded": sorted(pair.excluded)}
    have = dict(pair.live_conn.execute(ARGUMENTS_QUERY, params).fetchall())
    want = dict(pair.target_conn.execute(ARGUMENTS_QUERY, params).fetchall())
    changes = {}
    for key, current in live.functions.items():
        wanted = target.functions.get(key)
        if wanted is None:
            changes[key] = "which is dropped"
        elif current.result_string != wanted.result_string:
            changes[key] = "whose result type changes, which CREATE OR REPLACE cannot do"
        elif current.kind != wanted.kind:
            changes[key] = "which changes between function and procedure"
        elif have.get(key) != want.get(key):
            changes[key] = "whose parameter defaults change, which CREATE OR REPLACE cannot do"
    return changes


def blocked_columns(live: DatabaseModel, target: DatabaseModel) -> list[tuple[str, str]]:
    """(table key, column) pairs the plan retypes, recasts to a recreated enum, or drops."""
    enums = set(recreated_enums(live, target))
    return [
        (key, name)
        for key, name, column, new in column_pairs(live, target)
        if new is None
        or new.dbtypestr != column.dbtypestr
        or (column.is_enum and column.enum is not None and column.enum.quoted_full_name in enums)
    ]


def recreated_enums(live_model: DatabaseModel, target_model: DatabaseModel) -> list[str]:
    """Keys of the enums migra will rename, recreate and recast.

    Once the enum kind has run, these are exactly the enums whose labels still differ:
    it made pure additions look done.
    """
    return [
        key
        for key, wanted in target_model.enums.items()
        if key in live_model.enums and list(live_model.enums[key].elements) != list(wanted.elements)
    ]
