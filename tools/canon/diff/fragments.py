"""SQL that several kinds' fingerprints and signatures share.

Privileges appear in the signatures of most kinds; enums, domains, ranges and composite
types are all rows of pg_type; tables and views are both rows of pg_class. Each is
written once here, with the condition that picks a kind's rows.
"""

from __future__ import annotations


def acl_items(acl: str, owner: str) -> str:
    """SQL listing an ACL as sorted ``grantee:privilege[*]`` items, the owner's own left out.

    Owners are not managed, and the owner's implicit grants would differ with them. Pass
    ``coalesce(acl, acldefault(…))`` where a NULL ACL means the kind's default.
    """
    return f"""(SELECT string_agg(
               CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END
               || ':' || x.privilege_type || CASE WHEN x.is_grantable THEN '*' ELSE '' END,
               ',' ORDER BY 1)
           FROM aclexplode({acl}) x WHERE x.grantee <> {owner})"""


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


def relation_signature(relkinds: str) -> str:
    """Signatures of the managed relations of ``relkinds`` (an SQL list of relkind letters)."""
    return f"""
SELECT CASE relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
                    WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END,
       format('%I.%I', nspname, relname),
       concat_ws(' | ', relpersistence, 'rls=' || relrowsecurity, 'force=' || relforcerowsecurity,
                 pg_get_expr(relpartbound, oid),
                 CASE WHEN relkind = 'p' THEN pg_get_partkeydef(oid) END,
                 (SELECT string_agg(o, ',' ORDER BY o) FROM unnest(reloptions) o),
                 (SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno)
                  FROM pg_inherits i WHERE i.inhrelid = rel.oid),
                 CASE WHEN relkind IN ('v', 'm') THEN pg_get_viewdef(oid) END,
                 {acl_items("coalesce(relacl, acldefault('r', relowner))", "relowner")})
FROM rel WHERE relkind IN ({relkinds})
"""
