"""A fingerprint of a database's schema, computed by PostgreSQL from its catalogs in one query.

Two databases with the same managed objects (tables and their options and parents,
columns, constraints, indexes, views, functions, triggers, types, ranges, collations,
sequences and their owning columns, comments, grants, default privileges, policies,
publications, extensions) have the same fingerprint: everything canon plans is in it,
so that the no-change shortcut never misses a change a full plan would make. It proves
a saved plan still fits the live database.
"""

from __future__ import annotations

from collections.abc import Iterable

from canon.pg.db import Connection, query

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
                     c.relforcerowsecurity, pg_get_expr(c.relpartbound, c.oid), c.reloptions)
    FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    UNION ALL
    SELECT concat_ws(' ', 'h', i.inhrelid::regclass, i.inhparent::regclass, i.inhseqno)
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN ns ON ns.oid = c.relnamespace
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
                     s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle,
                     (SELECT string_agg(d.refobjid::regclass || '.' || d.refobjsubid, ',')
                      FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
                        AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                        AND d.deptype IN ('a', 'i')))
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
    UNION ALL
    SELECT concat_ws(' ', 'q', d.defaclrole::regrole, dn.nspname, d.defaclobjtype, d.defaclacl)
    FROM pg_default_acl d LEFT JOIN pg_namespace dn ON dn.oid = d.defaclnamespace
    WHERE d.defaclnamespace = 0 OR dn.nspname IN (SELECT nspname FROM ns)
    UNION ALL
    SELECT concat_ws(' ', 'u', p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete,
                     p.pubtruncate,
                     ARRAY(SELECT format('%I.%I', t.schemaname, t.tablename)
                           FROM pg_publication_tables t WHERE t.pubname = p.pubname ORDER BY 1))
    FROM pg_publication p
    UNION ALL
    SELECT concat_ws(' ', 'l', ns.nspname, co.collname,
                     to_jsonb(co) - ARRAY['oid', 'collname', 'collnamespace', 'collowner', 'collversion'])
    FROM pg_collation co JOIN ns ON ns.oid = co.collnamespace
    UNION ALL
    SELECT concat_ws(' ', 'g', r.rngtypid::regtype, format_type(r.rngsubtype, NULL),
                     r.rngcollation, r.rngsubopc, r.rngcanonical::regproc, r.rngsubdiff::regproc)
    FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN ns ON ns.oid = t.typnamespace
)
SELECT md5(coalesce(string_agg(item, E'\\n' ORDER BY item), '')), count(*) FROM parts
"""


def fingerprint(conn: Connection, excluded: Iterable[str]) -> str:
    """A stable hash of every managed object's definition in the connected database."""
    row = conn.execute(query(FINGERPRINT_QUERY), {"excluded": sorted(excluded)}).fetchone()
    assert row is not None  # an aggregate returns one row
    return f"{row[0]}-{row[1]}"
