"""Catalog signatures: every managed object by name, with what defines it, read from pg_catalog.

migra compares what schemainspect reads, which leaves things out (schema, function and
sequence privileges, default privileges, domain CHECKs, partition bounds, FORCE ROW LEVEL
SECURITY, publications…). canon compares the catalogs themselves, object by object, so a
difference no planner handled is still named after an apply and in ``canon drift``.

Signatures leave out what is not part of a schema's meaning: OIDs, column order (PostgreSQL
cannot reorder columns in place), owners, and the owner's own implicit privileges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from canon.pg.db import Connection, query

# Privileges as "grantee:privilege[*]" without the owner's own rows: owners are not
# managed, and the owner's implicit grants would differ with them. A NULL ACL means the
# kind's default (EXECUTE and USAGE for PUBLIC on functions and types), so it is expanded.
_ACL = """(SELECT string_agg(
               CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END
               || ':' || x.privilege_type || CASE WHEN x.is_grantable THEN '*' ELSE '' END,
               ',' ORDER BY 1)
           FROM aclexplode({acl}) x WHERE x.grantee <> {owner})"""

_SCHEMA_ACL = _ACL.format(acl="coalesce(nspacl, acldefault('n', nspowner))", owner="nspowner")
_RELATION_ACL = _ACL.format(acl="coalesce(relacl, acldefault('r', relowner))", owner="relowner")
_FUNCTION_ACL = _ACL.format(acl="coalesce(p.proacl, acldefault('f', p.proowner))",
                            owner="p.proowner")
_TYPE_ACL = _ACL.format(acl="coalesce(t.typacl, acldefault('T', t.typowner))", owner="t.typowner")
_SEQUENCE_ACL = _ACL.format(acl="coalesce(rel.relacl, acldefault('s', rel.relowner))",
                            owner="rel.relowner")

SIGNATURE_QUERY = f"""
WITH ns AS (
    SELECT oid, nspname, nspacl, nspowner FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'
      AND nspname <> ALL (:excluded)
),
-- Objects an extension created belong to the extension, not to the schema files; objects
-- PostgreSQL made for another (a range type's constructors) come and go with it.
ext_members AS (
    SELECT classid, objid FROM pg_depend WHERE deptype IN ('e', 'i')
      AND classid = 'pg_proc'::regclass OR deptype = 'e'
),
rel AS (
    SELECT c.*, ns.nspname FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    WHERE NOT EXISTS (SELECT 1 FROM ext_members e
                      WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid)
)
SELECT 'schema', quote_ident(nspname), {_SCHEMA_ACL}
FROM ns WHERE nspname <> 'public' OR nspacl IS NOT NULL
UNION ALL
SELECT CASE relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
                    WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END,
       format('%I.%I', nspname, relname),
       concat_ws(' | ', relpersistence, 'rls=' || relrowsecurity, 'force=' || relforcerowsecurity,
                 pg_get_expr(relpartbound, oid),
                 CASE WHEN relkind = 'p' THEN pg_get_partkeydef(oid) END,
                 array_to_string(reloptions, ','),
                 (SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno)
                  FROM pg_inherits i WHERE i.inhrelid = rel.oid),
                 CASE WHEN relkind IN ('v', 'm') THEN pg_get_viewdef(oid) END,
                 {_RELATION_ACL})
FROM rel WHERE relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT 'column', format('%I.%I.%I', rel.nspname, rel.relname, a.attname),
       concat_ws(' | ', format_type(a.atttypid, a.atttypmod), 'notnull=' || a.attnotnull,
                 'identity=' || a.attidentity::text, 'generated=' || a.attgenerated::text,
                 pg_get_expr(d.adbin, d.adrelid), co.collname,
                 {_ACL.format(acl='a.attacl', owner='rel.relowner')})
FROM pg_attribute a JOIN rel ON rel.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
WHERE a.attnum > 0 AND NOT a.attisdropped AND rel.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT 'constraint', format('%I.%s.%I', ns.nspname,
                            coalesce(quote_ident(cl.relname), quote_ident(t.typname)), co.conname),
       concat_ws(' | ', pg_get_constraintdef(co.oid), 'valid=' || co.convalidated)
FROM pg_constraint co JOIN ns ON ns.oid = co.connamespace
LEFT JOIN pg_class cl ON cl.oid = co.conrelid LEFT JOIN pg_type t ON t.oid = co.contypid
UNION ALL
SELECT 'index', format('%I.%I', rel.nspname, rel.relname),
       concat_ws(' | ', pg_get_indexdef(i.indexrelid), 'valid=' || i.indisvalid,
                 (SELECT string_agg(p.inhparent::regclass::text, ',')
                  FROM pg_inherits p WHERE p.inhrelid = i.indexrelid))
FROM pg_index i JOIN rel ON rel.oid = i.indexrelid
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
       format('%I.%I(%s)', ns.nspname, p.proname, pg_get_function_identity_arguments(p.oid)),
       concat_ws(' | ', pg_get_functiondef(p.oid), {_FUNCTION_ACL})
FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
WHERE p.prokind <> 'a' AND NOT EXISTS (
    SELECT 1 FROM ext_members e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid)
UNION ALL
SELECT 'trigger', format('%I.%I.%I', rel.nspname, rel.relname, t.tgname),
       concat_ws(' | ', pg_get_triggerdef(t.oid), t.tgenabled)
FROM pg_trigger t JOIN rel ON rel.oid = t.tgrelid WHERE NOT t.tgisinternal
UNION ALL
SELECT CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range'
                      ELSE 'type' END,
       format('%I.%I', ns.nspname, t.typname),
       concat_ws(' | ',
                 (SELECT string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder)
                  FROM pg_enum e WHERE e.enumtypid = t.oid),
                 CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
                 'notnull=' || t.typnotnull, t.typdefault,
                 {_TYPE_ACL})
FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
WHERE t.typtype IN ('e', 'd', 'r', 'c') AND t.typelem = 0
  AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid
                                   AND c.relkind = 'c'))
  AND NOT EXISTS (SELECT 1 FROM ext_members e
                  WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid)
UNION ALL
SELECT 'sequence', format('%I.%I', rel.nspname, rel.relname),
       concat_ws(' | ', format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmax,
                 s.seqmin, s.seqcache, s.seqcycle,
                 (SELECT 'owned by ' || d.refobjid::regclass || '.' || a.attname
                  FROM pg_depend d JOIN pg_attribute a
                    ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
                    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')),
                 {_SEQUENCE_ACL})
FROM pg_sequence s JOIN rel ON rel.oid = s.seqrelid
UNION ALL
SELECT 'policy', format('%I.%I.%I', rel.nspname, rel.relname, pol.polname),
       concat_ws(' | ', pol.polcmd, pol.polpermissive,
                 (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END, ','
                                    ORDER BY 1) FROM unnest(pol.polroles) r),
                 pg_get_expr(pol.polqual, pol.polrelid),
                 pg_get_expr(pol.polwithcheck, pol.polrelid))
FROM pg_policy pol JOIN rel ON rel.oid = pol.polrelid
UNION ALL
SELECT 'extension', quote_ident(x.extname),
       concat_ws(' | ', x.extversion, n.nspname)
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname <> 'plpgsql'
UNION ALL
SELECT 'collation', format('%I.%I', ns.nspname, c.collname),
       concat_ws(' | ', c.collprovider, c.collcollate, c.collctype, c.collisdeterministic)
FROM pg_collation c JOIN ns ON ns.oid = c.collnamespace
UNION ALL
SELECT 'publication', quote_ident(p.pubname),
       concat_ws(' | ', p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
                 (SELECT string_agg(format('%I.%I', schemaname, tablename), ',' ORDER BY 1)
                  FROM pg_publication_tables t WHERE t.pubname = p.pubname))
FROM pg_publication p
UNION ALL
SELECT 'default privileges',
       concat_ws(' ', 'for', d.defaclrole::regrole, 'in', n.nspname, 'on', d.defaclobjtype),
       (SELECT string_agg(
                   CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END
                   || ':' || x.privilege_type, ',' ORDER BY 1)
        FROM aclexplode(d.defaclacl) x)
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
WHERE coalesce(n.nspname, '') <> ALL (:excluded)
UNION ALL
SELECT 'comment on ' || o.type, o.identity, d.description
FROM pg_description d
CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o
WHERE coalesce(o.schema, o.identity) IN (SELECT quote_ident(nspname) FROM ns UNION ALL
                                         SELECT nspname FROM ns)
  AND NOT EXISTS (SELECT 1 FROM ext_members e WHERE e.classid = d.classoid AND e.objid = d.objoid)
"""


@dataclass(frozen=True, order=True)
class Residual:
    """One object that differs between the live database and the files."""

    kind: str
    name: str
    change: str  # "missing", "unexpected" or "differs"

    @property
    def schema(self) -> str:
        """The schema the object lives in (a schema's own name for a schema)."""
        return self.name.split(".")[0].strip('"')

    def describe(self) -> str:
        where = {
            "missing": "is in the files but not in the database",
            "unexpected": "is in the database but not in the files",
            "differs": "differs from the files",
        }[self.change]
        return f"{self.kind} {self.name} {where}"


Signatures = dict[tuple[str, str], str]


def signatures(conn: Connection, excluded: Iterable[str]) -> Signatures:
    """Every managed object, keyed by (kind, qualified name), with its defining details."""
    rows = conn.execute(query(SIGNATURE_QUERY), {"excluded": sorted(excluded)})
    return {(kind, name): detail or "" for kind, name, detail in rows if kind is not None}


def residuals(live: Connection, target: Connection, excluded: Iterable[str]) -> list[Residual]:
    """Objects whose catalog definition differs between ``live`` and ``target``, by name."""
    excluded = frozenset(excluded)
    have, want = signatures(live, excluded), signatures(target, excluded)
    found = [Residual(kind, name, "missing") for kind, name in want.keys() - have.keys()]
    found += [Residual(kind, name, "unexpected") for kind, name in have.keys() - want.keys()]
    found += [Residual(k, n, "differs") for k, n in want.keys() & have.keys()
              if want[(k, n)] != have[(k, n)]]
    return sorted(found)
