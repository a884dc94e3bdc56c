"""Schemas: created and dropped by the engine; their privileges by ``privileges``."""

from __future__ import annotations

from canon.diff.fragments import acl_items
from canon.diff.kind import Kind

FINGERPRINT = "SELECT concat_ws(' ', 'n', nspname, nspacl) AS item FROM ns"

SIGNATURE = f"""
SELECT 'schema', quote_ident(nspname),
       {acl_items("coalesce(nspacl, acldefault('n', nspowner))", "nspowner")}
FROM ns WHERE nspname <> 'public' OR nspacl IS NOT NULL
"""

KIND = Kind("schema", FINGERPRINT, SIGNATURE)
