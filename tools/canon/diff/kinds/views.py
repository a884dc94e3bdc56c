"""Views and materialized views: created and replaced by the engine.

Views are most of what a plan must drop and create again, so the machinery for all
of it runs from here (``diff.recreation``): before the engine, whatever the plan's
changes force out is dropped, dependents first, for the engine to create again; once
the plan is arranged, what it recreated gets its owner back.
"""

from __future__ import annotations

from canon.diff import recreation
from canon.diff.fragments import relation_signature
from canon.diff.kind import Kind

FINGERPRINT = """
SELECT concat_ws(' ', 'v', ns.nspname, c.relname, pg_get_viewdef(c.oid)) AS item
FROM pg_class c JOIN ns ON ns.oid = c.relnamespace WHERE c.relkind IN ('v', 'm')
"""

KIND = Kind(
    "view",
    FINGERPRINT,
    relation_signature("'v', 'm'"),
    before=recreation.release,
    after=recreation.restore_owners,
)
