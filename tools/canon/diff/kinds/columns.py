"""Columns: added, altered and dropped by the engine, with generated columns planned by canon.

Conversions to string types of limited length never cut values short (``diff.casts``).

Refused: a column switching between serial (a sequence default) and identity
numbering, since the new counter would restart below the existing values.
"""

from __future__ import annotations

from dataclasses import dataclass

from canon.diff import casts, columnorder, dependents, forcing, generated
from canon.diff.fragments import acl_items
from canon.diff.kind import Kind, Pair, Placed, Recreated
from canon.errors import PlanRefused
from canon.inspection.models import DatabaseModel
from canon.pg.db import query

# Columns numbered by an identity or by a sequence default (serial).
NUMBERED_QUERY = query(
    """
    SELECT format('%I.%I.%I', n.nspname, c.relname, a.attname),
           CASE WHEN a.attidentity <> '' THEN 'identity' ELSE 'serial' END
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      AND n.nspname <> ALL (:excluded)
      AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')
    """
)


def prepare(pair: Pair) -> Placed:
    """Refuse numbering switches; plan generated-column changes the engine gets wrong, and
    order the engine's column alterations (``diff.columnorder``)."""
    params = {"excluded": sorted(pair.excluded)}
    have = dict(pair.live_conn.execute(NUMBERED_QUERY, params).fetchall())
    want = dict(pair.target_conn.execute(NUMBERED_QUERY, params).fetchall())
    for column in sorted(have.keys() & want.keys()):
        if have[column] != want[column]:
            raise PlanRefused(
                f"column {column}",
                f"it changes from {have[column]} to {want[column]} numbering; the new counter "
                "would start again at 1 below the existing values",
                "switch it by hand (drop the default or identity, then add the new one with "
                "START WITH above the highest value), then plan again",
            )
    casts.never_cut_strings(pair.live_model, pair.target_model)
    columnorder.order_alterations(pair.target_model)
    blockers, retyped_with_readers = _release_blockers(pair)
    # What rests on a column added again goes first, and is created again after it.
    again = generated.added_again(pair.live_model, pair.target_model)
    found = dependents.find(pair.live_conn, columns=again)
    cause = f"uses {_named(again)}, which is dropped and added again"
    released = dependents.release(pair.live_model, pair.target_conn, found, cause)
    regeneration = generated.prepare(pair.live_model, pair.target_model)
    comments = dependents.root_comments(pair, columns=again + retyped_with_readers.columns)
    # Added again once the functions, types and domains their expressions may use exist.
    return Placed(
        pre=(*blockers.drops, *released.drops, *regeneration.kept),
        early=(*retyped_with_readers.statements, *regeneration.added_again),
        late=(*blockers.comments, *released.comments, *comments),
        recreated=(*blockers.recreated, *released.recreated, *retyped_with_readers.recreated),
    )


@dataclass(frozen=True)
class RetypedWithReaders:
    statements: list[str]  # one ALTER TABLE per table
    columns: list[tuple[str, str]]  # the generated columns dropped and added again
    recreated: tuple[Recreated, ...]  # those, as the plan reports them


def _release_blockers(pair: Pair) -> tuple[dependents.Released, RetypedWithReaders]:
    """What stops the plan's column type changes and drops, released before them.

    Views, policies, triggers and functions that read such a column were dropped by
    recreation (the views kind, before this one); here go foreign keys between two
    columns that both change type, and defaults and generated columns resting on
    what recreation dropped, to be created again after. A
    generated column that reads a column changing type is dropped, and added again, in
    the very statement that changes the type (returned second).
    """
    live, target = pair.live_model, pair.target_model
    blocked = forcing.blocked_columns(live, target)
    retyped = [(t, c) for t, c in blocked if _retyped(live, target, t, c)]
    found = dependents.find(pair.live_conn, columns=blocked, blocking_only=True)
    tables = {t for t, _ in retyped}
    readers = [
        d
        for d in found
        if d.kind == "generated"
        and d.depth == 1
        and d.table in tables
        and _stays_generated(target, d)
    ]
    found = [d for d in found if d not in readers] + dependents.keys_between(
        pair.live_conn, retyped
    )
    cause = f"uses {_named(blocked)}, which the plan retypes or drops"
    released = dependents.release(live, pair.target_conn, found, cause)
    statements = []
    for table in sorted({d.table or "" for d in readers}):
        names = sorted({d.name or "" for d in readers if d.table == table})
        changed = [c for t, c in retyped if t == table and c not in names]
        statements.append(generated.retype_under_readers(live, target, table, changed, names))
    columns = [(d.table or "", d.name or "") for d in readers]
    recreated = tuple(
        Recreated(
            "generated column",
            (*dependents.name_parts(d.table or ""), d.name or ""),
            d.description,
            f"reads {_named(retyped)}, whose type changes: it is dropped and added again in "
            "the statement that changes it",
        )
        for d in readers
    )
    return released, RetypedWithReaders(statements, columns, recreated)


def _retyped(live: DatabaseModel, target: DatabaseModel, table: str, name: str) -> bool:
    new = target.tables[table].columns.get(name)
    return new is not None and new.dbtypestr != live.tables[table].columns[name].dbtypestr


def _stays_generated(target: DatabaseModel, reader: dependents.Dependent) -> bool:
    table = target.tables.get(reader.table or "")
    column = None if table is None else table.columns.get(reader.name or "")
    return column is not None and column.is_generated


def _named(columns: list[tuple[str, str]]) -> str:
    several = len(columns) > 1
    return f"column{'s' * several} {', '.join(f'{t}.{c}' for t, c in columns)}"


FINGERPRINT = """
SELECT concat_ws(' ', 'a', ns.nspname, c.relname, a.attname, a.attnum,
                 format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                 a.attgenerated, pg_get_expr(d.adbin, d.adrelid), co.collname,
                 a.attacl) AS item
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
WHERE a.attnum > 0 AND NOT a.attisdropped
"""

SIGNATURE = f"""
SELECT 'column', format('%I.%I.%I', rel.nspname, rel.relname, a.attname),
       concat_ws(' | ', format_type(a.atttypid, a.atttypmod), 'notnull=' || a.attnotnull,
                 'identity=' || a.attidentity::text, 'generated=' || a.attgenerated::text,
                 pg_get_expr(d.adbin, d.adrelid), co.collname,
                 {acl_items("a.attacl", "rel.relowner")})
FROM pg_attribute a JOIN rel ON rel.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
WHERE a.attnum > 0 AND NOT a.attisdropped AND rel.relkind IN ('r', 'p', 'v', 'm', 'f')
"""

KIND = Kind("column", FINGERPRINT, SIGNATURE, before=prepare)
