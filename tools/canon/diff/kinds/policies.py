"""Row-level security policies: created, altered and dropped by the engine."""

from __future__ import annotations

from canon.diff.kind import Kind

FINGERPRINT = """
SELECT concat_ws(' ', 'p', pol.polname, pol.polrelid::regclass, pol.polcmd, pol.polpermissive,
                 pol.polroles, pg_get_expr(pol.polqual, pol.polrelid),
                 pg_get_expr(pol.polwithcheck, pol.polrelid)) AS item
FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN ns ON ns.oid = c.relnamespace
"""

SIGNATURE = """
SELECT 'policy', format('%I.%I.%I', rel.nspname, rel.relname, pol.polname),
       concat_ws(' | ', pol.polcmd, pol.polpermissive,
                 (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END, ','
                                    ORDER BY 1) FROM unnest(pol.polroles) r),
                 pg_get_expr(pol.polqual, pol.polrelid),
                 pg_get_expr(pol.polwithcheck, pol.polrelid))
FROM pg_policy pol JOIN rel ON rel.oid = pol.polrelid
"""

KIND = Kind("policy", FINGERPRINT, SIGNATURE)
