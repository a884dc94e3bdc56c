"""A fingerprint of a database's schema, computed by PostgreSQL from its catalogs in one query.

Two databases with the same managed objects (tables, columns, constraints, indexes,
views, functions, triggers, types, sequences, comments, grants, policies, extensions)
have the same fingerprint. It proves a saved plan still fits the live database.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy is slow to import; the no-change shortcut reads only the query
    from sqlalchemy.engine import Connection

FINGERPRINT_QUERY = """
WITH ns AS (
    SELECT oid, nspname, nspacl FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'
      AND nspname <> ALL (:excluded)
),
parts AS (
    SELECT concat_ws(' ', 'n', nspname, nspacl) AS item FROM ns
    UNION ALL
    SELECT concat_ws(' ', 'r', ns.nspname, c.relname, c.relkind, c.relacl, c.relrowsecurity,
                     c.relforcerowsecurity, pg_get_expr(c.relpartbound, c.oid))
    FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    UNION ALL
    SELECT concat_ws(' ', 'a', ns.nspname, c.relname, a.attname, a.attnum,
                     format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                     a.attgenerated, pg_get_expr(d.adbin, d.adrelid), co.collname, a.attacl)
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
    WHERE a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT concat_ws(' ', 'c', ns.nspname, co.conname, co.conrelid::regclass, co.contypid::regtype,
                     pg_get_constraintdef(co.oid), co.convalidated)
    FROM pg_constraint co JOIN ns ON ns.oid = co.connamespace
    UNION ALL
    SELECT concat_ws(' ', 'i', pg_get_indexdef(i.indexrelid), i.indisvalid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN ns ON ns.oid = c.relnamespace
    UNION ALL
    SELECT concat_ws(' ', 'v', ns.nspname, c.relname, pg_get_viewdef(c.oid))
    FROM pg_class c JOIN ns ON ns.oid = c.relnamespace WHERE c.relkind IN ('v', 'm')
    UNION ALL
    SELECT concat_ws(' ', 'f', pg_get_functiondef(p.oid), p.proacl)
    FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace WHERE p.prokind <> 'a'
    UNION ALL
    SELECT concat_ws(' ', 't', pg_get_triggerdef(t.oid), t.tgenabled)
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace
    WHERE NOT t.tgisinternal
    UNION ALL
    SELECT concat_ws(' ', 'y', ns.nspname, t.typname, t.typtype,
                     (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                      FROM pg_enum e WHERE e.enumtypid = t.oid),
                     format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, t.typacl)
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
    UNION ALL
    SELECT concat_ws(' ', 's', s.seqrelid::regclass, format_type(s.seqtypid, NULL), s.seqstart,
                     s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle)
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN ns ON ns.oid = c.relnamespace
    UNION ALL
    SELECT concat_ws(' ', 'd', d.classoid::regclass, o.identity, d.description)
    FROM pg_description d
    CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
    WHERE coalesce(o.schema, o.identity) = ANY (ARRAY(SELECT nspname FROM ns))
    UNION ALL
    SELECT concat_ws(' ', 'p', pol.polname, pol.polrelid::regclass, pol.polcmd, pol.polpermissive,
                     pol.polroles, pg_get_expr(pol.polqual, pol.polrelid),
                     pg_get_expr(pol.polwithcheck, pol.polrelid))
    FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN ns ON ns.oid = c.relnamespace
    UNION ALL
    SELECT concat_ws(' ', 'e', extname, extversion) FROM pg_extension
)
SELECT md5(coalesce(string_agg(item, E'\\n' ORDER BY item), '')), count(*) FROM parts
"""


def fingerprint(conn: Connection, excluded: Iterable[str]) -> str:
    """A stable hash of every managed object's definition in the connected database."""
    from sqlalchemy import text

    row = conn.execute(
        text(FINGERPRINT_QUERY), {"excluded": sorted(excluded)}
    ).one()
    return f"{row[0]}-{row[1]}"
