"""Views and materialized views: created and replaced by the engine.

Before the engine runs, the views that block a column change are dropped, so that the
engine creates them again after it (``diff.dependencies``).
"""

from __future__ import annotations

from canon.diff import dependencies
from canon.diff.fragments import relation_signature
from canon.diff.kind import Kind, Pair, Placed


def prepare(pair: Pair) -> Placed:
    """Drop what blocks the plan's column changes; the engine recreates it afterwards."""
    enums = dependencies.recreated_enums(pair.live_model, pair.target_model)
    drops = dependencies.release(pair.live_conn, pair.live_model, pair.target_model, enums)
    return Placed(pre=tuple(drops))


FINGERPRINT = """
SELECT concat_ws(' ', 'v', ns.nspname, c.relname, pg_get_viewdef(c.oid)) AS item
FROM pg_class c JOIN ns ON ns.oid = c.relnamespace WHERE c.relkind IN ('v', 'm')
"""

KIND = Kind("view", FINGERPRINT, relation_signature("'v', 'm'"), before=prepare)
