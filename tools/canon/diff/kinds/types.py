"""Composite types: created and dropped by the engine.

Also the catalog text every type kind shares (enums, domains, ranges and composite
types are rows of pg_type), built here once with a condition on ``typtype``.
"""

from __future__ import annotations

from canon.diff.kind import Kind, acl_items


def type_fingerprint(condition: str) -> str:
    """The fingerprint items of the managed types matching ``condition`` (on ``t``)."""
    return f"""
SELECT concat_ws(' ', 'y', ns.nspname, t.typname, t.typtype,
                 (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                  FROM pg_enum e WHERE e.enumtypid = t.oid),
                 format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
                 t.typacl) AS item
FROM pg_type t JOIN ns ON ns.oid = t.typnamespace WHERE {condition}
"""


def type_signature(kind: str, typtype: str) -> str:
    """The signatures of the managed types of ``typtype``, named ``kind``.

    Array types and the row types of tables are left out: they come with their element
    type or table.
    """
    return f"""
SELECT '{kind}', format('%I.%I', ns.nspname, t.typname),
       concat_ws(' | ',
                 (SELECT string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder)
                  FROM pg_enum e WHERE e.enumtypid = t.oid),
                 CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
                 'notnull=' || t.typnotnull, t.typdefault,
                 {acl_items("coalesce(t.typacl, acldefault('T', t.typowner))", "t.typowner")})
FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
WHERE t.typtype = '{typtype}' AND t.typelem = 0
  AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid
                                   AND c.relkind = 'c'))
  AND NOT EXISTS (SELECT 1 FROM ext_members e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)
"""


# Every type that is not an enum or a domain: composite, range, multirange, array, base.
KIND = Kind("type", type_fingerprint("t.typtype NOT IN ('e', 'd')"), type_signature("type", "c"))
