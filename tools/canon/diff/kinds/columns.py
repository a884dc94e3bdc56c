"""Columns: added, altered and dropped by the engine, with generated columns planned by canon.

Refused: a column switching between serial (a sequence default) and identity
numbering, since the new counter would restart below the existing values.
"""

from __future__ import annotations

from canon.diff import columnorder, dependents, generated
from canon.diff.fragments import acl_items
from canon.diff.kind import Kind, Pair, Placed
from canon.errors import PlanRefused
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
    columnorder.order_alterations(pair.target_model)
    # What rests on a column added again goes first, and is created again after it.
    again = generated.added_again(pair.live_model, pair.target_model)
    found = dependents.find(pair.live_conn, columns=again)
    released = dependents.release(
        pair.live_model, found, f"column {', '.join(f'{t}.{c}' for t, c in again)}"
    )
    regeneration = generated.prepare(pair.live_model, pair.target_model)
    # Added again once the functions and domains its expression may use exist.
    return Placed(pre=(*released, *regeneration.kept), early=tuple(regeneration.added_again))


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
